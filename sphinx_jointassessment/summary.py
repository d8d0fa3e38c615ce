"""``assessment-summary``: the reviewers' verdict that opens the assessment (SPEC §2.12).

A joint review is read from its summary: the reviewers' few paragraphs on the design
and on the analysis, when the review was completed, which release was assessed and
where the review is tracked. The body is the verdict, in normal markup; the options
are the facts. The assembled assessment opens with it, before its table of contents,
and the README takes it as its Summary (:mod:`.readme`). One per project.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives

from .bodies import block_too_large, copy_body, parse_body
from .directive import AssessmentDirective, add_assessment_directive
from .i18n import _
from .kinds import Kind
from .links import safe_link, url_option
from .placeholders import register_renderer
from .problems import BlockProblem, Code
from .values import date_option, option_text

if TYPE_CHECKING:
    import datetime
    from collections.abc import Mapping

    from sphinx.application import Sphinx
    from sphinx.util.typing import OptionSpec

    from .domain import AssessmentObject
    from .placeholders import ResolveContext, ja_placeholder

KIND = Kind.SUMMARY
#: one block per project: a second one is a duplicate-id
OBJECT_ID = "summary"
#: the summary where the assembled assessment opens
OPENING_KIND = "assessment-summary"
OPTIONS = ("completed", "version", "tracking-issue", "website")

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# -- model ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Summary:
    #: ``None`` when absent or not a real ``YYYY-MM-DD`` date (reported)
    completed: datetime.date | None
    #: the release that was assessed, as written
    version: str | None
    #: as written; linked only if it is a web URL
    tracking_issue: str | None
    #: the project's web site, for the README (as written; linked only if a web URL)
    website: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "completed": self.completed.isoformat() if self.completed else None,
            "version": self.version,
            "tracking_issue": self.tracking_issue,
            "website": self.website,
        }


def template_date(day: datetime.date) -> str:
    """``29 Jan 2025``: the README template's "dd MMM yyyy", the same in every locale."""
    return f"{day.day:02d} {_MONTHS[day.month - 1]} {day.year}"


# -- parsing -------------------------------------------------------------------------------


def parse_summary(options: Mapping[str, Any]) -> tuple[Summary, list[BlockProblem]]:
    problems: list[BlockProblem] = []
    completed = date_option(options, "completed", problems)
    issue = url_option(options, "tracking-issue", problems)
    website = url_option(options, "website", problems)
    return Summary(completed, option_text(options, "version"), issue, website), problems


# -- rendering -----------------------------------------------------------------------------


def facts(
    summary: Summary, *, date_text: str | None = None, readme: bool = False
) -> list[nodes.Node]:
    """One line each: Completed, Assessed version, Tracking issue, Web site (those given).

    The README names the web site and the tracking issue in places of their own.
    """
    lines: list[tuple[str, nodes.Node]] = []
    if summary.completed or date_text:
        shown = template_date(summary.completed) if summary.completed else str(date_text)
        lines.append((_("Completed"), nodes.Text(shown)))
    if summary.version:
        lines.append((_("Assessed version"), nodes.Text(summary.version)))
    if summary.tracking_issue and not readme:
        lines.append((_("Tracking issue"), safe_link(summary.tracking_issue)))
    if summary.website and not readme:
        lines.append((_("Web site"), safe_link(summary.website)))
    result: list[nodes.Node] = []
    for label, value in lines:
        para = nodes.paragraph(classes=["ja-summary-fact"])
        para += nodes.Text(f"{label}: ")
        para += value
        result.append(para)
    return result


def render_summary(obj: AssessmentObject, docname: str) -> list[nodes.Node]:
    """The summary as the assessment opens with it: the facts, then the verdict."""
    container = nodes.container(classes=["ja-assessment-summary"])
    container.extend(facts(obj.model))
    body = copy_body(obj.body, docname, obj.docname)
    if body is not None:
        container += body
    return [container]


def _render_opening(context: ResolveContext, node: ja_placeholder) -> list[nodes.Node]:
    objs = context.domain.objects(KIND)
    return render_summary(objs[0], context.docname) if objs else []


# -- directive -----------------------------------------------------------------------------


class AssessmentSummaryDirective(AssessmentDirective):
    """``.. assessment-summary::`` with ``:completed:``, ``:version:``, ``:tracking-issue:``..."""

    has_content = True
    option_spec: ClassVar[OptionSpec] = dict.fromkeys(OPTIONS, directives.unchanged)

    def run(self) -> list[nodes.Node]:
        if block_too_large(self):
            return self.error_node()
        summary, problems = parse_summary(self.options)
        for problem in problems:
            self.report(problem.code, problem.message)
        body = parse_body(self, ["ja-summary-verdict"])
        if not body.children:
            self.report(Code.EMPTY_SECTION, "the summary has no verdict (write it as the body)")
        anchor = self.make_anchor(KIND, OBJECT_ID)
        self.record(KIND, OBJECT_ID, "Summary", summary, anchor, body)
        container = self.target_section(anchor, ["ja-assessment-summary"])
        container.extend(facts(summary, date_text=option_text(self.options, "completed")))
        if body.children:
            container += body
        return [container]


def setup_summary(app: Sphinx) -> None:
    add_assessment_directive(app, "assessment-summary", AssessmentSummaryDirective)
    register_renderer(OPENING_KIND, _render_opening)
