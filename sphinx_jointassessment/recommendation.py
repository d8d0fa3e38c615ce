"""``recommendation`` and ``recommendations-table``: what the reviewers recommend (SPEC §2.11).

A joint review ends with recommendations to the project, to the CNCF, and additional
ones (the joint README's three lists). Each block is one recommendation with its
audience; written without ``:id:`` it is numbered ``<AUDIENCE>-<n>`` in the order a
reader meets the blocks of that audience written without an id (the domain numbers
them once every page is read, so the number is the same whatever the build: ``-j``,
incremental). A recommendation links to the
threats it answers and the findings it comes from, and to the work that addressed
it (``:addressed-by:``, web URLs only).

Project recommendations fill the assessment's *Project Next Steps* and CNCF ones
its *CNCF Requests* (the outline names these generated parts) unless the project
writes those sections itself; the README lists all three audiences (:mod:`.readme`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from docutils import nodes

from .badges import severity_badge
from .bodies import copy_body
from .checks import register_check, unknown_targets
from .directive import FilteredTableDirective, ObjectDirective, add_assessment_directive
from .domain import shown_model
from .finding import SEVERITIES
from .i18n import N_, _
from .kinds import Kind
from .links import ja_xref, safe_link, url_option, xref_list
from .placeholders import register_renderer
from .problems import BlockProblem, Code, Problem
from .tables import build_table, empty_note, field_list
from .urls import url_problem
from .values import choice, id_list, option_text

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from .domain import AssessmentObject, JointAssessmentDomain
    from .placeholders import ResolveContext, ja_placeholder

KIND = Kind.RECOMMENDATION
TABLE_KIND = "recommendations-table"
#: the list of one audience's recommendations, as the README and the roadmap show them
LIST_KIND = "recommendations-list"

#: audiences, in the README's order, with the name each list has there
AUDIENCES = {"cncf": "CNCF", "project": N_("Project"), "additional": N_("Additional")}
STATUSES = ("open", "in-progress", "done", "declined")
OPTIONS = ("id", "audience", "severity", "status", "issue", "threats", "findings", "addressed-by")

_URL_SEPARATORS = re.compile(r"[\s,;]+")


# -- model ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Recommendation:
    #: as written; ``""`` when the domain numbers it (see :attr:`.AssessmentObject.number_as`)
    id: str
    title: str
    #: project, cncf or additional; ``None`` when absent or unknown (reported)
    audience: str | None
    severity: str | None
    status: str | None
    #: the tracking issue, as written; linked only if it is a web URL
    issue: str | None
    threats: tuple[str, ...]
    findings: tuple[str, ...]
    #: web URLs of the work that answered it (others are reported and left out)
    addressed_by: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "audience": self.audience,
            "severity": self.severity,
            "status": self.status,
            "issue": self.issue,
            "threats": list(self.threats),
            "findings": list(self.findings),
            "addressed_by": list(self.addressed_by),
        }


# -- parsing -------------------------------------------------------------------------------


def _vocabulary(
    options: Mapping[str, Any], name: str, words: Sequence[str], code: Code
) -> tuple[str | None, BlockProblem | None]:
    text = option_text(options, name)
    value = choice(text, words)
    if text is not None and value is None:
        return None, BlockProblem(code, f":{name}: {text!r} is not one of {', '.join(words)}")
    return value, None


def parse_recommendation(
    title: str, options: Mapping[str, Any]
) -> tuple[Recommendation, list[BlockProblem]]:
    """The model of one block and the problems of its options."""
    problems: list[BlockProblem] = []
    audience, problem = _vocabulary(options, "audience", tuple(AUDIENCES), Code.SCHEMA)
    if option_text(options, "audience") is None:
        problem = BlockProblem(
            Code.SCHEMA, f"missing required option :audience: ({', '.join(AUDIENCES)})"
        )
    severity, severity_problem = _vocabulary(options, "severity", SEVERITIES, Code.SCHEMA)
    status, status_problem = _vocabulary(options, "status", STATUSES, Code.UNKNOWN_STATUS)
    problems.extend(p for p in (problem, severity_problem, status_problem) if p is not None)
    issue = url_option(options, "issue", problems)
    addressed: list[str] = []
    for url in _URL_SEPARATORS.split(option_text(options, "addressed-by") or ""):
        if not url:
            continue
        reason = url_problem(url)
        if reason is None:
            addressed.append(url)
        else:
            problems.append(BlockProblem(Code.BAD_URL, f":addressed-by: {reason}"))
    model = Recommendation(
        id=option_text(options, "id") or "",
        title=" ".join(title.split()),
        audience=audience,
        severity=severity,
        status=status,
        issue=issue,
        threats=id_list(option_text(options, "threats")),
        findings=id_list(option_text(options, "findings")),
        addressed_by=tuple(dict.fromkeys(addressed)),
    )
    return model, problems


def check_threats(env: BuildEnvironment) -> Iterable[Problem]:
    """Every ``:threats:`` id names a ``threat`` (looked up by kind: threats may come later)."""
    return unknown_targets(env, KIND, "threats", Kind.THREAT)


def check_findings(env: BuildEnvironment) -> Iterable[Problem]:
    return unknown_targets(env, KIND, "findings", Kind.FINDING)


# -- rendering -----------------------------------------------------------------------------


def heading(shown_id: nodes.Node | None, model: Recommendation) -> nodes.paragraph:
    """``ID: text`` in bold, then the severity badge."""
    para = nodes.paragraph(classes=["ja-object-title"])
    strong = nodes.strong()
    if shown_id is not None:
        strong += shown_id
        strong += nodes.Text(": ")
    strong += nodes.Text(model.title)
    para += strong
    if model.severity:
        para += nodes.Text(" ")
        para += severity_badge(model.severity)
    return para


def addressed_links(model: Recommendation) -> list[nodes.Node]:
    result: list[nodes.Node] = []
    for index, url in enumerate(model.addressed_by):
        if index:
            result.append(nodes.Text(", "))
        result.append(safe_link(url))
    return result


def render_fields(model: Recommendation, docname: str) -> list[nodes.Node]:
    """Audience, severity, status and links, shown under the heading in place."""
    fields: list[tuple[str, Any]] = []
    if model.audience:
        fields.append((_("Audience"), _(AUDIENCES[model.audience])))
    if model.severity:
        fields.append((_("Severity"), _(model.severity.capitalize())))
    if model.status:
        fields.append((_("Status"), model.status))
    if model.issue:
        fields.append((_("Issue"), safe_link(model.issue)))
    if model.threats:
        fields.append((_("Threats"), xref_list(Kind.THREAT, model.threats, docname)))
    if model.findings:
        fields.append((_("Findings"), xref_list(Kind.FINDING, model.findings, docname)))
    if model.addressed_by:
        fields.append((_("Addressed by"), addressed_links(model)))
    return [field_list(fields, classes=["ja-fields"])] if fields else []


def of_audience(objects: Iterable[AssessmentObject], audience: str) -> list[AssessmentObject]:
    return [obj for obj in objects if obj.model.audience == audience]


def render_list(objects: Sequence[AssessmentObject], docname: str) -> list[nodes.Node]:
    """The recommendations as the README lists them: text, then "Addressed in" links.

    The title is the recommendation's first sentence as the reviewers wrote it, so it
    is written as text, followed by the body (alone when the body opens with the
    title, as an imported recommendation whose first sentence holds a link does); the
    work that answered it is a sub-item.
    """
    if not objects:
        return []
    result = nodes.bullet_list(classes=["ja-recommendations"])
    for obj in objects:
        model: Recommendation = shown_model(obj)
        item = nodes.list_item()
        body = copy_body(obj.body, docname, obj.docname)
        if body is None or not " ".join(body.astext().split()).startswith(model.title):
            item += nodes.paragraph(text=model.title)  # unless the text opens with it
        if body is not None:
            item += body
        if model.addressed_by:
            sub = nodes.bullet_list()
            entry = nodes.list_item()
            para = nodes.paragraph()
            para += nodes.Text(_("Addressed in") + " ")
            para.extend(addressed_links(model))
            entry += para
            sub += entry
            item += sub
        result += item
    return [result]


TABLE_COLUMNS = (
    (N_("ID"), 12),
    (N_("Recommendation"), 36),
    (N_("Audience"), 10),
    (N_("Severity"), 10),
    (N_("Status"), 10),
    (N_("Addressed by"), 24),
)


def render_table(
    objects: Sequence[AssessmentObject], docname: str, audience: str | None = None
) -> list[nodes.Node]:
    """Every recommendation (of *audience*, if given), by audience, then in document order."""
    order = list(AUDIENCES)
    chosen = [obj for obj in objects if audience is None or obj.model.audience == audience]
    if not chosen:
        if audience:
            note = _("No {audience} recommendations are recorded.").format(
                audience=_(AUDIENCES[audience])
            )
        else:
            note = _("No recommendations are recorded.")
        return [empty_note(note)]
    chosen.sort(key=lambda obj: order.index(obj.model.audience) if obj.model.audience else 3)
    rows = []
    for obj in chosen:
        model: Recommendation = shown_model(obj)
        rows.append(
            [
                ja_xref(KIND, obj.id, nodes.inline(obj.id, obj.id), docname),
                model.title,
                _(AUDIENCES[model.audience]) if model.audience else None,
                severity_badge(model.severity) if model.severity else None,
                model.status,
                addressed_links(model) or None,
            ]
        )
    return [build_table(TABLE_COLUMNS, rows, classes=["ja-recommendations-table"])]


def _render_table(context: ResolveContext, node: ja_placeholder) -> list[nodes.Node]:
    return render_table(context.domain.objects(KIND), context.docname, node.get("audience"))


def _render_list(context: ResolveContext, node: ja_placeholder) -> list[nodes.Node]:
    objects = of_audience(context.domain.objects(KIND), node["audience"])
    return render_list(objects, context.docname)


def has_audience(audience: str) -> Callable[[JointAssessmentDomain], bool]:
    """Whether the project has a recommendation for *audience* (fills a roadmap section)."""
    return lambda domain: bool(of_audience(domain.objects(KIND), audience))


# -- directives ----------------------------------------------------------------------------


class RecommendationDirective(ObjectDirective[Recommendation]):
    """``.. recommendation:: <text>`` with ``:audience:`` (required), ``:id:``..."""

    kind = KIND
    option_names = OPTIONS
    body_class = "ja-recommendation-text"

    parse = staticmethod(parse_recommendation)

    def classes(self, model: Recommendation) -> list[str]:
        audience = [f"ja-audience-{model.audience}"] if model.audience else []
        severity = [f"ja-severity-{model.severity}"] if model.severity else []
        return ["ja-recommendation", *audience, *severity]

    def number_as(self, model: Recommendation) -> str | None:
        """``CNCF-{n}``: numbered in document order among the blocks of that audience."""
        return f"{model.audience.upper()}-{{n}}" if model.audience else None

    def render(self, model: Recommendation, body: nodes.Element) -> list[nodes.Node]:
        result: list[nodes.Node] = [heading(self.shown_id(model), model)]
        result.extend(render_fields(model, self.docname))
        if body.children:
            result.append(body)
        return result


class RecommendationsTableDirective(FilteredTableDirective):
    """``.. recommendations-table::`` (``:audience:`` filters), filled when written."""

    kind = TABLE_KIND
    filter_option = "audience"
    filter_values = tuple(AUDIENCES)


def setup_recommendation(app: Sphinx) -> None:
    for name, directive in (
        ("recommendation", RecommendationDirective),
        ("recommendations-table", RecommendationsTableDirective),
    ):
        add_assessment_directive(app, name, directive)
    register_renderer(TABLE_KIND, _render_table)
    register_renderer(LIST_KIND, _render_list)
    register_check(check_threats)
    register_check(check_findings)
