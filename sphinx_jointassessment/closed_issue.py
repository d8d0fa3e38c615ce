"""``closed-issue`` and ``closed-issues-table``: closed security issues and fixes (SPEC §2.6).

Each block is one issue or advisory, with its link, the release that fixed it and
its date. The table lists them all, oldest first. With none, it says so in the
template's own words ("At the time of the joint assessment, <Project> did not
have known security issues..."), so an assessment never carries an empty table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from docutils import nodes

from .bodies import copy_body
from .config import get_config
from .directive import ObjectDirective, add_assessment_directive
from .kinds import Kind
from .links import ja_xref, safe_link, url_problem
from .placeholders import PlaceholderDirective, register_renderer
from .problems import BlockProblem, Code
from .tables import build_table, field_list, heading_paragraph
from .values import natural_key, option_text, parse_iso_date

if TYPE_CHECKING:
    import datetime
    from collections.abc import Mapping, Sequence

    from sphinx.application import Sphinx

    from .domain import AssessmentObject
    from .placeholders import ResolveContext, ja_placeholder

KIND = Kind.ISSUE
TABLE_KIND = "closed-issues-table"
OPTIONS = ("id", "url", "fixed-in", "date")

#: the template's sentence when a project has no closed issue
NONE_SENTENCE = (
    "At the time of the joint assessment, {project} did not have known security issues "
    "with a closed state or any known vulnerabilities that were fixed."
)


# -- model ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClosedIssue:
    id: str
    title: str
    #: as written; linked only if it is a web URL
    url: str | None
    fixed_in: str | None
    #: ``None`` when absent or not a real ``YYYY-MM-DD`` date (reported)
    date: datetime.date | None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "url": self.url,
            "fixed_in": self.fixed_in,
            "date": self.date.isoformat() if self.date else None,
        }


def sort_key(issue: ClosedIssue) -> tuple[int, str, tuple[tuple[int, int, str], ...]]:
    """Oldest first, undated last, then by id."""
    if issue.date is None:
        return (1, "", natural_key(issue.id))
    return (0, issue.date.isoformat(), natural_key(issue.id))


# -- parsing -------------------------------------------------------------------------------


def parse_issue(title: str, options: Mapping[str, Any]) -> tuple[ClosedIssue, list[BlockProblem]]:
    """The model of one block and the problems of its options (``id == ""`` if missing)."""
    problems: list[BlockProblem] = []
    issue_id = option_text(options, "id")
    if issue_id is None:
        problems.append(BlockProblem(Code.SCHEMA, "missing required option :id:"))
    url = option_text(options, "url")
    if url is not None:
        reason = url_problem(url)
        if reason is not None:
            problems.append(BlockProblem(Code.BAD_URL, f":url: {reason}"))
    date = None
    date_text = option_text(options, "date")
    if date_text is not None:
        date, reason = parse_iso_date(date_text)
        if reason is not None:
            problems.append(BlockProblem(Code.BAD_DATE, f":date: {reason}"))
    issue = ClosedIssue(
        id=issue_id or "",
        title=" ".join(title.split()),
        url=url,
        fixed_in=option_text(options, "fixed-in"),
        date=date,
    )
    return issue, problems


# -- rendering -----------------------------------------------------------------------------


def title_node(issue: ClosedIssue) -> nodes.Node:
    """The issue's title, linked to its URL when that is a web URL."""
    return safe_link(issue.url, issue.title) if issue.url else nodes.Text(issue.title)


def render_issue(
    issue: ClosedIssue, body: nodes.Element | None, date_text: str | None = None
) -> list[nodes.Node]:
    """One issue in place: id and title, link, fixed-in release and date, then the summary."""
    heading = f"{issue.id}: {issue.title}" if issue.id else issue.title
    fields: list[tuple[str, Any]] = []
    if issue.url:
        fields.append(("URL", safe_link(issue.url)))
    if issue.fixed_in:
        fields.append(("Fixed in", issue.fixed_in))
    if issue.date or date_text:
        fields.append(("Date", issue.date.isoformat() if issue.date else date_text))
    result: list[nodes.Node] = [heading_paragraph(heading)]
    if fields:
        result.append(field_list(fields, classes=["ja-fields"]))
    if body is not None and body.children:
        result.append(body)
    return result


TABLE_COLUMNS = (("ID", 16), ("Issue", 28), ("Fixed in", 10), ("Date", 10), ("Summary", 36))


def render_issues_table(
    objects: Sequence[AssessmentObject], project: str, docname: str
) -> list[nodes.Node]:
    """Every closed issue, oldest first; the template's sentence when there is none."""
    if not objects:
        return [
            nodes.paragraph(
                text=NONE_SENTENCE.format(project=project), classes=["ja-closed-issues-none"]
            )
        ]
    ordered = sorted(objects, key=lambda obj: sort_key(obj.model))
    rows = []
    for obj in ordered:
        issue: ClosedIssue = obj.model
        rows.append(
            [
                ja_xref(KIND, issue.id, nodes.inline(issue.id, issue.id), docname),
                title_node(issue),
                issue.fixed_in,
                issue.date.isoformat() if issue.date else None,
                copy_body(obj.body, docname, obj.docname),
            ]
        )
    return [build_table(TABLE_COLUMNS, rows, classes=["ja-closed-issues-table"])]


def _render_table(context: ResolveContext, node: ja_placeholder) -> list[nodes.Node]:
    return render_issues_table(
        context.domain.objects(KIND), get_config(context.env).project, context.docname
    )


# -- directives ----------------------------------------------------------------------------


class ClosedIssueDirective(ObjectDirective[ClosedIssue]):
    """``.. closed-issue:: <title>`` with ``:id:``, ``:url:``, ``:fixed-in:``, ``:date:``."""

    kind = KIND
    option_names = OPTIONS
    body_class = "ja-issue-summary"

    parse = staticmethod(parse_issue)

    def classes(self, model: ClosedIssue) -> list[str]:
        return ["ja-closed-issue"]

    def render(self, model: ClosedIssue, body: nodes.Element) -> list[nodes.Node]:
        return render_issue(model, body, option_text(self.options, "date"))


class ClosedIssuesTableDirective(PlaceholderDirective):
    """``.. closed-issues-table::``: every closed issue, filled when written."""

    kind = TABLE_KIND


def setup_closed_issue(app: Sphinx) -> None:
    for name, directive in (
        ("closed-issue", ClosedIssueDirective),
        ("closed-issues-table", ClosedIssuesTableDirective),
    ):
        add_assessment_directive(app, name, directive)
    register_renderer(TABLE_KIND, _render_table)
