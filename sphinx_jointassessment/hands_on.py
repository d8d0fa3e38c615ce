"""``hands-on-assessment``: whether TAG-Security did a hands-on review, and its details (§2.5).

The template's Hands-on assessment section is a sentence ("<Project> did (not)
receive a hands-on assessment from TAG-Security."), then, when one was done, the
Assessment Details table (Date of assessment, Hands-on reviewers), the Findings
table and the result. Findings may be on any page, so the block is rendered when
its page is written, through the same placeholder renderers the assembled
assessment uses:

* ``hands-on``: all of it, as the block shows it in place;
* ``hands-on-summary``, ``hands-on-details``, ``hands-on-result``: the parts, for
  the assembled outline, which puts them under their own headings (with
  ``findings-table`` from :mod:`.finding` in between).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives

from .bodies import block_too_large, copy_body, has_content, parse_body
from .checks import register_check
from .config import get_config
from .directive import AssessmentDirective, add_assessment_directive
from .domain import get_domain
from .finding import TABLE_KIND as FINDINGS_TABLE_KIND
from .finding import findings_table
from .i18n import N_, _
from .kinds import Kind
from .placeholders import make_placeholder, register_renderer
from .problems import BlockProblem, Code, Problem
from .tables import build_table, empty_note
from .values import choice, option_text, parse_date_range, split_items

if TYPE_CHECKING:
    import datetime
    from collections.abc import Iterable, Mapping

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import OptionSpec

    from .domain import AssessmentObject
    from .placeholders import ResolveContext, ja_placeholder

KIND = Kind.HANDS_ON
#: the placeholder that shows the whole block in place
BLOCK_KIND = "hands-on"
#: one block per project: a second one is a duplicate-id
OBJECT_ID = "hands-on"
OPTIONS = ("performed", "dates", "reviewers")

SENTENCE = N_("{project} did receive a hands-on assessment from TAG-Security.")
SENTENCE_NOT = N_("{project} did not receive a hands-on assessment from TAG-Security.")
#: the template's result when a hands-on assessment found nothing
NOTHING_FOUND = N_(
    "TAG-Security's hands-on assessment did not reveal any significant or notable security "
    "findings for {project}. This outcome does not indicate that none exist, rather that "
    "none were discovered."
)


# -- model ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HandsOn:
    #: ``None`` when absent or not yes/no (reported)
    performed: bool | None
    #: the dates as written (``mmddyyyy-mmddyyyy``), and as dates when they are real
    dates: str | None
    start: datetime.date | None
    end: datetime.date | None
    reviewers: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "performed": self.performed,
            "dates": self.dates,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "reviewers": list(self.reviewers),
        }


# -- parsing -------------------------------------------------------------------------------


def parse_hands_on(options: Mapping[str, Any]) -> tuple[HandsOn, list[BlockProblem]]:
    """The model of the block's options and their problems."""
    problems: list[BlockProblem] = []
    performed: bool | None = None
    performed_text = option_text(options, "performed")
    if performed_text is None:
        problems.append(
            BlockProblem(Code.SCHEMA, "missing required option :performed: (yes or no)")
        )
    else:
        answer = choice(performed_text, ("yes", "no"))
        if answer is None:
            problems.append(
                BlockProblem(Code.SCHEMA, f":performed: {performed_text!r} is not yes or no")
            )
        else:
            performed = answer == "yes"
    dates = option_text(options, "dates")
    start = end = None
    if dates is not None:
        span, reason = parse_date_range(dates)
        if reason is not None:
            problems.append(BlockProblem(Code.BAD_DATE, f":dates: {reason}"))
        elif span is not None:
            start, end = span
    reviewers: list[str] = []
    reviewers_text = option_text(options, "reviewers")
    if reviewers_text is not None:
        reviewers, _empty = split_items(reviewers_text, ";")
    if performed:
        for name, given in (("reviewers", reviewers), ("dates", dates)):
            if not given:
                problems.append(
                    BlockProblem(
                        Code.HANDS_ON_INCONSISTENT,
                        f"performed: yes, but no :{name}: (the template's Assessment Details "
                        "need them)",
                    )
                )
    hands_on = HandsOn(performed, dates, start, end, tuple(reviewers))
    return hands_on, problems


# -- whole-project check ------------------------------------------------------------------


def check_findings_need_hands_on(env: BuildEnvironment) -> Iterable[Problem]:
    """Findings come from a hands-on assessment: one must be declared, as performed."""
    domain = get_domain(env)
    findings = domain.objects(Kind.FINDING)
    if not findings:
        return
    blocks = domain.objects(KIND)
    if blocks:
        block = blocks[0]
        if block.model.performed is False:
            yield Problem(
                Code.HANDS_ON_INCONSISTENT,
                f"hands-on-assessment: performed: no, but the project has {len(findings)} "
                "finding(s)",
                block.docname,
                block.lineno,
            )
    elif get_config(env).outline != "self":
        first = findings[0]
        yield Problem(
            Code.HANDS_ON_INCONSISTENT,
            f"finding {first.id!r}: the project has findings but no hands-on-assessment block "
            "saying it was performed",
            first.docname,
            first.lineno,
        )


# -- rendering -----------------------------------------------------------------------------


def summary_sentence(project: str, performed: bool) -> nodes.paragraph:
    """The template's bold statement, "<Project> did (not) receive a hands-on assessment..."."""
    text = _(SENTENCE if performed else SENTENCE_NOT).format(project=project)
    para = nodes.paragraph(classes=["ja-hands-on-summary"])
    para += nodes.strong(text=text)
    return para


def details_table(hands_on: HandsOn) -> nodes.table:
    """Assessment Details: Field / Description, as in the template."""
    rows = [
        [_("Date of assessment"), hands_on.dates],
        [_("Hands-on reviewers"), ", ".join(hands_on.reviewers) or None],
    ]
    return build_table(
        ((N_("Field"), 20), (N_("Description"), 44)),
        rows,
        classes=["ja-hands-on-details"],
    )


def result_nodes(
    hands_on: HandsOn | None, body: nodes.Element | None, project: str, has_findings: bool
) -> list[nodes.Node]:
    """The block's result; the template's "did not reveal" text if it found nothing."""
    if body is not None and has_content(body):
        return [body]
    if hands_on is not None and hands_on.performed and not has_findings:
        return [
            nodes.paragraph(text=_(NOTHING_FOUND).format(project=project), classes=["ja-result"])
        ]
    return []


def render_hands_on(
    project: str,
    hands_on: HandsOn | None,
    findings: list[nodes.Node],
    has_findings: bool,
    result: list[nodes.Node],
) -> list[nodes.Node]:
    """All of it: statement, Assessment Details, Findings, result (under rubrics)."""
    performed = bool(hands_on is not None and hands_on.performed)
    parts: list[nodes.Node] = [summary_sentence(project, performed)]
    if performed and hands_on is not None:
        parts += [_rubric(_("Assessment Details")), details_table(hands_on)]
    if performed or has_findings:
        parts += [_rubric(_("Findings")), *findings]
    if result:
        parts += [result_rubric(), *result]
    return parts


def result_rubric() -> nodes.rubric:
    """A rubric, not a section: content added while a page is written cannot open sections."""
    return _rubric(_("Hands-on assessment result"))


def _rubric(text: str) -> nodes.rubric:
    """The extension's own heading: in its catalog, not offered in the user's by gettext."""
    return nodes.rubric(text=text, translatable=False)


def _block(context: ResolveContext, node: ja_placeholder) -> AssessmentObject | None:
    """The block a placeholder stands for (its own, in place), else the project's."""
    docname, anchor = node.get("ja_docname"), node.get("ja_anchor")
    for obj in context.domain.objects_on(docname, KIND):
        if obj.anchor == anchor:
            return obj
    objs = context.domain.objects(KIND)
    return objs[0] if objs else None


def _render_all(context: ResolveContext, node: ja_placeholder) -> list[nodes.Node]:
    """Everything; in place (``ja_result`` false) without the result, which follows it."""
    obj = _block(context, node)
    has_findings = bool(context.domain.objects(Kind.FINDING))
    project = get_config(context.env).project
    result: list[nodes.Node] = []
    if node.get("ja_result", True) and obj is not None:
        result = result_nodes(
            obj.model, copy_body(obj.body, context.docname, obj.docname), project, has_findings
        )
    return render_hands_on(
        project,
        obj.model if obj is not None else None,
        findings_table(context),
        has_findings,
        result,
    )


def _render_summary(context: ResolveContext, node: ja_placeholder) -> list[nodes.Node]:
    obj = _block(context, node)
    performed = bool(obj is not None and obj.model.performed)
    return [summary_sentence(get_config(context.env).project, performed)]


def _render_details(context: ResolveContext, node: ja_placeholder) -> list[nodes.Node]:
    obj = _block(context, node)
    if obj is None or not obj.model.performed:
        return [empty_note(_("No hands-on assessment was performed."))]
    return [details_table(obj.model)]


def _render_result(context: ResolveContext, node: ja_placeholder) -> list[nodes.Node]:
    """The result; with ``ja_rubric`` (in place) under its rubric when there is one."""
    obj = _block(context, node)
    if obj is None:
        return []
    result = result_nodes(
        obj.model,
        copy_body(obj.body, context.docname, obj.docname),
        get_config(context.env).project,
        bool(context.domain.objects(Kind.FINDING)),
    )
    if result and node.get("ja_rubric"):
        return [result_rubric(), *result]
    return result


# -- directive -----------------------------------------------------------------------------


class HandsOnAssessmentDirective(AssessmentDirective):
    """``.. hands-on-assessment::`` with ``:performed:``, ``:dates:``, ``:reviewers:``.

    Shown in place through the ``hands-on`` placeholder, because its Findings table
    lists findings from every page; the result (the body) follows it.
    """

    has_content = True
    option_spec: ClassVar[OptionSpec] = dict.fromkeys(OPTIONS, directives.unchanged)

    def run(self) -> list[nodes.Node]:
        if block_too_large(self):
            return self.error_node()
        hands_on, problems = parse_hands_on(self.options)
        for problem in problems:
            self.report(problem.code, problem.message)
        body = parse_body(self, ["ja-hands-on-result"])
        anchor = self.make_anchor(KIND, OBJECT_ID)
        self.record(KIND, OBJECT_ID, "Hands-on assessment", hands_on, anchor, body)
        container = self.target_section(anchor, ["ja-hands-on"])
        where = {"ja_docname": self.docname, "ja_anchor": anchor}
        container += make_placeholder(self, BLOCK_KIND, ja_result=False, **where)
        # the result stays in the page itself, so every read transform applies to it
        if has_content(body):
            container += result_rubric()
            container += body
        else:
            container += make_placeholder(self, "hands-on-result", ja_rubric=True, **where)
        return [container]


def setup_hands_on(app: Sphinx) -> None:
    add_assessment_directive(app, "hands-on-assessment", HandsOnAssessmentDirective)
    register_renderer(BLOCK_KIND, _render_all, includes=(FINDINGS_TABLE_KIND,))
    register_renderer("hands-on-summary", _render_summary)
    register_renderer("hands-on-details", _render_details)
    register_renderer("hands-on-result", _render_result)
    register_check(check_findings_need_hands_on)
