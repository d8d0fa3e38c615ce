"""``finding`` and ``findings-table``: hands-on findings, the template's Findings table (§2.3).

A finding may be written on any page (next to the code or docs it is about); the
table lists every finding of the project with the template's columns "Finding
Number", "Finding name", "Finding Notes", "Reviewer", sorted by number (``2``
before ``10``). Its severity and status come from fixed vocabularies, so the
JSON output can be indexed, and ``:risks:`` links it to the attack risks it
confirms.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from docutils import nodes

from .badges import severity_badge
from .bodies import copy_body
from .checks import register_check, unknown_targets
from .directive import ObjectDirective, add_assessment_directive
from .domain import shown_model
from .i18n import N_, _
from .kinds import Kind
from .links import ja_xref, safe_link, xref_list
from .placeholders import PlaceholderDirective, register_renderer
from .problems import BlockProblem, Code, Problem
from .tables import build_table, empty_note, field_list, heading_paragraph
from .urls import url_problem
from .values import choice, id_list, natural_key, option_text

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from .domain import AssessmentObject
    from .placeholders import ResolveContext, ja_placeholder

KIND = Kind.FINDING
TABLE_KIND = "findings-table"

SEVERITIES = ("critical", "high", "medium", "low", "informational")
STATUSES = ("open", "fixed", "accepted", "wontfix")
OPTIONS = ("id", "reviewer", "severity", "status", "issue", "risks")


# -- model ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Finding:
    #: the Finding Number
    id: str
    title: str
    reviewer: str | None
    #: ``None`` when absent or not in the vocabulary (reported)
    severity: str | None
    status: str | None
    #: the issue URL as written; it is linked only if it is a web URL
    issue: str | None
    #: ids of attack risks
    risks: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "reviewer": self.reviewer,
            "severity": self.severity,
            "status": self.status,
            "issue": self.issue,
            "risks": list(self.risks),
        }


def sort_key(finding: Finding) -> tuple[tuple[int, int, str], ...]:
    """By Finding Number, numbers compared as numbers."""
    return natural_key(finding.id)


# -- parsing -------------------------------------------------------------------------------


def parse_finding(title: str, options: Mapping[str, Any]) -> tuple[Finding, list[BlockProblem]]:
    """The model of one block and the problems of its options (``id == ""`` if missing)."""
    problems: list[BlockProblem] = []
    finding_id = option_text(options, "id")
    if finding_id is None:
        problems.append(BlockProblem(Code.SCHEMA, "missing required option :id: (the number)"))
    severity_text = option_text(options, "severity")
    severity = choice(severity_text, SEVERITIES)
    if severity_text is not None and severity is None:
        problems.append(
            BlockProblem(
                Code.SCHEMA,
                f":severity: {severity_text!r} is not one of {', '.join(SEVERITIES)}",
            )
        )
    status_text = option_text(options, "status")
    status = choice(status_text, STATUSES)
    if status_text is not None and status is None:
        problems.append(
            BlockProblem(
                Code.UNKNOWN_STATUS,
                f":status: {status_text!r} is not one of {', '.join(STATUSES)}",
            )
        )
    issue = option_text(options, "issue")
    if issue is not None:
        reason = url_problem(issue)
        if reason is not None:
            problems.append(BlockProblem(Code.BAD_URL, f":issue: {reason}"))
    finding = Finding(
        id=finding_id or "",
        title=" ".join(title.split()),
        reviewer=option_text(options, "reviewer"),
        severity=severity,
        status=status,
        issue=issue,
        risks=id_list(option_text(options, "risks")),
    )
    return finding, problems


# -- whole-project check ------------------------------------------------------------------


def check_finding_risks(env: BuildEnvironment) -> Iterable[Problem]:
    """Every ``:risks:`` id names an attack risk of the project."""
    return unknown_targets(env, KIND, "risks", Kind.RISK)


# -- rendering -----------------------------------------------------------------------------


def risk_links(finding: Finding, docname: str) -> list[nodes.Node]:
    return xref_list(Kind.RISK, finding.risks, docname)


def issue_link(finding: Finding) -> nodes.Node | None:
    return safe_link(finding.issue) if finding.issue else None


def summary_line(finding: Finding, docname: str) -> nodes.paragraph | None:
    """Severity, status, issue and risks on one line, for the table's Finding Notes.

    Adjacent words share one text node: the table repeats this line for every
    finding, and each node is walked by every transform and writer.
    """
    segments: list[list[nodes.Node | str]] = []
    if finding.severity:
        segments.append([_("Severity: "), severity_badge(finding.severity)])
    if finding.status:
        segments.append([_("Status: {status}").format(status=finding.status)])
    link = issue_link(finding)
    if link is not None:
        segments.append([_("Issue: "), link])
    if finding.risks:
        segments.append([_("Risks: "), *risk_links(finding, docname)])
    if not segments:
        return None
    para = nodes.paragraph(classes=["ja-finding-summary"])
    text = ""
    for index, segment in enumerate(segments):
        for part in ["; ", *segment] if index else segment:
            if isinstance(part, str):
                text += part
                continue
            if text:
                para += nodes.Text(text)
                text = ""
            para += part
    if text:
        para += nodes.Text(text)
    return para


def render_finding(finding: Finding, body: nodes.Element | None, docname: str) -> list[nodes.Node]:
    """One finding in place: number, name and severity badge, its fields, then its notes."""
    heading = (
        _("Finding {id}: ").format(id=finding.id) + finding.title if finding.id else finding.title
    )
    badge = [severity_badge(finding.severity)] if finding.severity else []
    fields: list[tuple[str, Any]] = []
    if finding.severity:
        fields.append((_("Severity"), _(finding.severity.capitalize())))
    if finding.status:
        fields.append((_("Status"), finding.status))
    if finding.reviewer:
        fields.append((_("Reviewer"), finding.reviewer))
    link = issue_link(finding)
    if link is not None:
        fields.append((_("Issue"), link))
    if finding.risks:
        fields.append((_("Risks"), risk_links(finding, docname)))
    result: list[nodes.Node] = [heading_paragraph(heading, *badge)]
    if fields:
        result.append(field_list(fields, classes=["ja-fields"]))
    if body is not None and body.children:
        result.append(body)
    return result


TABLE_COLUMNS = (
    (N_("Finding Number"), 8),
    (N_("Finding name"), 25),
    (N_("Finding Notes"), 40),
    (N_("Reviewer"), 18),
)


def render_findings_table(objects: Sequence[AssessmentObject], docname: str) -> list[nodes.Node]:
    """The template's Findings table over every finding, by number; notes copied in."""
    if not objects:
        return [empty_note(_("No findings are recorded."))]
    ordered = sorted(objects, key=lambda obj: sort_key(obj.model))
    rows = []
    for obj in ordered:
        finding: Finding = shown_model(obj)
        notes: list[nodes.Node] = []
        summary = summary_line(finding, docname)
        if summary is not None:
            notes.append(summary)
        body = copy_body(obj.body, docname, obj.docname)
        if body is not None:
            notes.append(body)
        rows.append(
            [
                ja_xref(KIND, finding.id, nodes.inline(finding.id, finding.id), docname),
                finding.title,
                notes or None,
                finding.reviewer,
            ]
        )
    table = build_table(
        TABLE_COLUMNS,
        rows,
        classes=["ja-findings-table"],
        row_classes=[
            [f"ja-severity-{obj.model.severity}"] if obj.model.severity else [] for obj in ordered
        ],
    )
    return [table]


def findings_table(context: ResolveContext) -> list[nodes.Node]:
    """The Findings table as the page being written shows it (used by hands-on too)."""
    return render_findings_table(context.domain.objects(KIND), context.docname)


def _render_table(context: ResolveContext, node: ja_placeholder) -> list[nodes.Node]:
    return findings_table(context)


# -- directives ----------------------------------------------------------------------------


class FindingDirective(ObjectDirective[Finding]):
    """``.. finding:: <name>`` with ``:id:`` (the number), ``:severity:``, ``:status:``..."""

    kind = KIND
    option_names = OPTIONS
    body_class = "ja-finding-notes"

    parse = staticmethod(parse_finding)

    def classes(self, model: Finding) -> list[str]:
        severity = [f"ja-severity-{model.severity}"] if model.severity else []
        return ["ja-finding", *severity]

    def render(self, model: Finding, body: nodes.Element) -> list[nodes.Node]:
        return render_finding(model, body, self.docname)


class FindingsTableDirective(PlaceholderDirective):
    """``.. findings-table::``: the template's Findings table, filled when written."""

    kind = TABLE_KIND


def setup_finding(app: Sphinx) -> None:
    for name, directive in (
        ("finding", FindingDirective),
        ("findings-table", FindingsTableDirective),
    ):
        add_assessment_directive(app, name, directive)
    register_renderer(TABLE_KIND, _render_table)
    register_check(check_finding_risks)
