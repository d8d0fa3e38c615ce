"""``security-issue`` and its tables: known vulnerabilities, open or closed (SPEC §2.6, §2.13).

Each block is one issue or advisory: its id (a CVE or GHSA id is checked and linked
to its advisory page, see :mod:`.advisory`), its state, its CVSS vector scored by
the ``cvss`` library, the versions it affects and the release that fixed it.
``closed-issue`` is the same block in the closed state, so assessments written
before ``security-issue`` existed keep building unchanged.

``security-issues-table`` lists every issue (``:state:`` filters) with its severity
and score; ``closed-issues-table`` is the template's list of closed issues, oldest
first, and with none it says so in the template's own words ("At the time of the
joint assessment, <Project> did not have known security issues..."), so an
assessment never carries an empty table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes

from .advisory import CvssScore, advisory_url, id_problem, score_vector
from .badges import severity_badge
from .bodies import copy_body
from .checks import register_check, unknown_targets
from .config import get_config
from .directive import FilteredTableDirective, ObjectDirective, add_assessment_directive
from .domain import shown_model
from .i18n import N_, _
from .kinds import Kind
from .links import ja_xref, safe_link, url_option, xref_list
from .placeholders import PlaceholderDirective, register_renderer
from .problems import BlockProblem, Code, Problem
from .tables import build_table, empty_note, field_list, heading_paragraph
from .values import choice, date_option, id_list, natural_key, option_text

if TYPE_CHECKING:
    import datetime
    from collections.abc import Iterable, Mapping, Sequence

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from .domain import AssessmentObject, JointAssessmentDomain
    from .placeholders import ResolveContext, ja_placeholder

KIND = Kind.ISSUE
TABLE_KIND = "security-issues-table"
CLOSED_TABLE_KIND = "closed-issues-table"

STATES = ("open", "closed")
#: the options of ``closed-issue``, whose state is always closed
CLOSED_OPTIONS = ("id", "url", "fixed-in", "date", "cvss", "affected", "threats")
OPTIONS = (*CLOSED_OPTIONS, "state")

#: the template's sentence when a project has no closed issue
NONE_SENTENCE = N_(
    "At the time of the joint assessment, {project} did not have known security issues "
    "with a closed state or any known vulnerabilities that were fixed."
)


# -- model ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SecurityIssue:
    id: str
    title: str
    #: as written; linked only if it is a web URL
    url: str | None
    fixed_in: str | None
    #: ``None`` when absent or not a real ``YYYY-MM-DD`` date (reported)
    date: datetime.date | None
    #: open or closed; ``None`` when the value is not one of them (reported)
    state: str | None = "closed"
    #: ``None`` when absent or not a valid vector (reported)
    cvss: CvssScore | None = None
    #: the versions affected, as written (``< 2.1.4``)
    affected: str | None = None
    #: ids of threats this issue realises
    threats: tuple[str, ...] = ()

    @property
    def advisory(self) -> str | None:
        """The public advisory page of a CVE or GHSA id."""
        return advisory_url(self.id)

    @property
    def severity(self) -> str | None:
        return self.cvss.severity if self.cvss else None

    def as_json(self) -> dict[str, Any]:
        return {
            **self.as_closed_json(),
            "state": self.state,
            "advisory": self.advisory,
            "cvss": self.cvss.vector if self.cvss else None,
            "cvss_version": self.cvss.version if self.cvss else None,
            "score": self.cvss.score if self.cvss else None,
            "severity": self.severity,
            "cvss_nomenclature": self.cvss.nomenclature if self.cvss else None,
            "affected": self.affected,
            "threats": list(self.threats),
        }

    def as_closed_json(self) -> dict[str, Any]:
        """The fields of a closed issue in ``schema_version`` 1, unchanged since."""
        return {
            "id": self.id,
            "title": self.title,
            "url": self.url,
            "fixed_in": self.fixed_in,
            "date": self.date.isoformat() if self.date else None,
        }


def sort_key(issue: SecurityIssue) -> tuple[int, str, tuple[tuple[int, int, str], ...]]:
    """Oldest first, undated last, then by id."""
    if issue.date is None:
        return (1, "", natural_key(issue.id))
    return (0, issue.date.isoformat(), natural_key(issue.id))


# -- parsing -------------------------------------------------------------------------------


def parse_issue(
    title: str, options: Mapping[str, Any], *, state: str | None = None
) -> tuple[SecurityIssue, list[BlockProblem]]:
    """The model of one block and the problems of its options (``id == ""`` if missing).

    *state* is given by ``closed-issue`` (always closed); otherwise ``:state:`` says it,
    open by default.
    """
    problems: list[BlockProblem] = []
    issue_id = option_text(options, "id")
    if issue_id is None:
        problems.append(BlockProblem(Code.SCHEMA, "missing required option :id:"))
    elif (reason := id_problem(issue_id)) is not None:
        problems.append(BlockProblem(Code.BAD_IDENTIFIER, f":id: {reason}"))
    if state is None:
        state_text = option_text(options, "state")
        state = choice(state_text, STATES) if state_text is not None else "open"
        if state is None:
            problems.append(
                BlockProblem(
                    Code.UNKNOWN_STATUS, f":state: {state_text!r} is not one of open, closed"
                )
            )
    url = url_option(options, "url", problems)
    date = date_option(options, "date", problems)
    cvss = None
    cvss_text = option_text(options, "cvss")
    if cvss_text is not None:
        cvss, reason = score_vector(cvss_text)
        if reason is not None:
            problems.append(BlockProblem(Code.BAD_IDENTIFIER, f":cvss: {reason}"))
    issue = SecurityIssue(
        id=issue_id or "",
        title=" ".join(title.split()),
        url=url,
        fixed_in=option_text(options, "fixed-in"),
        date=date,
        state=state,
        cvss=cvss,
        affected=option_text(options, "affected"),
        threats=id_list(option_text(options, "threats")),
    )
    return issue, problems


def has_closed_issues(domain: JointAssessmentDomain) -> bool:
    """Whether the closed-issues list has any (without, it says so in the template's words)."""
    return any(obj.model.state == "closed" for obj in domain.objects(KIND))


def check_issue_threats(env: BuildEnvironment) -> Iterable[Problem]:
    """Every ``:threats:`` id names a ``threat`` of the project."""
    return unknown_targets(env, KIND, "threats", Kind.THREAT)


# -- rendering -----------------------------------------------------------------------------


def title_node(issue: SecurityIssue) -> nodes.Node:
    """The issue's title, linked to its URL when that is a web URL, else to its advisory."""
    link = issue.url or issue.advisory
    return safe_link(link, issue.title) if link else nodes.Text(issue.title)


def cvss_text(cvss: CvssScore) -> str:
    """``9.1 (CVSS:3.1/AV:N/...)``: the score with the vector it comes from."""
    label = "" if cvss.is_base else f" {cvss.nomenclature}"
    return f"{cvss.score:.1f}{label} ({cvss.vector})"


def render_issue(
    issue: SecurityIssue,
    body: nodes.Element | None,
    date_text: str | None = None,
    docname: str = "",
    *,
    show_state: bool = False,
) -> list[nodes.Node]:
    """One issue in place: id, title and severity, its fields, then the summary."""
    heading = f"{issue.id}: {issue.title}" if issue.id else issue.title
    badge = [severity_badge(issue.cvss.severity)] if issue.cvss else []
    fields: list[tuple[str, Any]] = []
    if show_state and issue.state:
        fields.append((_("State"), issue.state))
    if issue.cvss:
        fields.append(("CVSS", cvss_text(issue.cvss)))
    if issue.advisory:
        fields.append((_("Advisory"), safe_link(issue.advisory)))
    if issue.url:
        fields.append(("URL", safe_link(issue.url)))
    if issue.affected:
        fields.append((_("Affected"), issue.affected))
    if issue.fixed_in:
        fields.append((_("Fixed in"), issue.fixed_in))
    if issue.date or date_text:
        fields.append((_("Date"), issue.date.isoformat() if issue.date else date_text))
    if issue.threats:
        fields.append((_("Threats"), xref_list(Kind.THREAT, issue.threats, docname)))
    result: list[nodes.Node] = [heading_paragraph(heading, *badge)]
    if fields:
        result.append(field_list(fields, classes=["ja-fields"]))
    if body is not None and body.children:
        result.append(body)
    return result


def _id_cell(issue: SecurityIssue, docname: str) -> nodes.Node:
    return ja_xref(KIND, issue.id, nodes.inline(issue.id, issue.id), docname)


CLOSED_COLUMNS = (
    (N_("ID"), 16),
    (N_("Issue"), 28),
    (N_("Fixed in"), 10),
    (N_("Date"), 10),
    (N_("Summary"), 36),
)


def render_closed_table(
    objects: Sequence[AssessmentObject], project: str, docname: str
) -> list[nodes.Node]:
    """Every closed issue, oldest first; the template's sentence when there is none."""
    closed = [obj for obj in objects if obj.model.state == "closed"]
    if not closed:
        return [
            nodes.paragraph(
                text=_(NONE_SENTENCE).format(project=project), classes=["ja-closed-issues-none"]
            )
        ]
    rows = []
    for obj in sorted(closed, key=lambda obj: sort_key(obj.model)):
        issue: SecurityIssue = shown_model(obj)
        rows.append(
            [
                _id_cell(issue, docname),
                title_node(issue),
                issue.fixed_in,
                issue.date.isoformat() if issue.date else None,
                copy_body(obj.body, docname, obj.docname),
            ]
        )
    return [build_table(CLOSED_COLUMNS, rows, classes=["ja-closed-issues-table"])]


TABLE_COLUMNS = (
    (N_("ID"), 18),
    (N_("Issue"), 30),
    (N_("Severity"), 10),
    ("CVSS", 8),
    (N_("State"), 8),
    (N_("Fixed in"), 10),
)


def render_security_table(
    objects: Sequence[AssessmentObject], docname: str, state: str | None = None
) -> list[nodes.Node]:
    """Every issue (of *state*, if given): open ones first, then oldest first."""
    chosen = [obj for obj in objects if state is None or obj.model.state == state]
    if not chosen:
        if state == "open":
            note = _("No open security issues are recorded.")
        elif state == "closed":
            note = _("No closed security issues are recorded.")
        else:
            note = _("No security issues are recorded.")
        return [empty_note(note)]
    ordered = sorted(chosen, key=lambda obj: (obj.model.state != "open", sort_key(obj.model)))
    rows = []
    for obj in ordered:
        issue: SecurityIssue = shown_model(obj)
        rows.append(
            [
                _id_cell(issue, docname),
                title_node(issue),
                severity_badge(issue.cvss.severity) if issue.cvss else None,
                issue.cvss.score_text() if issue.cvss else None,
                issue.state,
                issue.fixed_in,
            ]
        )
    return [
        build_table(
            TABLE_COLUMNS,
            rows,
            classes=["ja-security-issues-table"],
            row_classes=[
                [f"ja-severity-{obj.model.severity}"] if obj.model.severity else []
                for obj in ordered
            ],
        )
    ]


def _render_closed_table(context: ResolveContext, node: ja_placeholder) -> list[nodes.Node]:
    return render_closed_table(
        context.domain.objects(KIND), get_config(context.env).project, context.docname
    )


def _render_table(context: ResolveContext, node: ja_placeholder) -> list[nodes.Node]:
    return render_security_table(context.domain.objects(KIND), context.docname, node.get("state"))


# -- directives ----------------------------------------------------------------------------


class SecurityIssueDirective(ObjectDirective[SecurityIssue]):
    """``.. security-issue:: <title>`` with ``:id:``, ``:state:``, ``:cvss:``..."""

    kind = KIND
    option_names: ClassVar[Sequence[str]] = OPTIONS
    body_class = "ja-issue-summary"
    #: the state every block of this directive has; ``None``: the ``:state:`` option says
    fixed_state: ClassVar[str | None] = None

    def parse(
        self, title: str, options: Mapping[str, Any]
    ) -> tuple[SecurityIssue, list[BlockProblem]]:
        return parse_issue(title, options, state=self.fixed_state)

    def classes(self, model: SecurityIssue) -> list[str]:
        severity = [f"ja-severity-{model.severity}"] if model.severity else []
        return [f"ja-{model.state or 'unknown'}-issue", "ja-security-issue", *severity]

    def render(self, model: SecurityIssue, body: nodes.Element) -> list[nodes.Node]:
        return render_issue(
            model,
            body,
            option_text(self.options, "date"),
            self.docname,
            show_state=self.fixed_state is None,
        )


class ClosedIssueDirective(SecurityIssueDirective):
    """``.. closed-issue:: <title>``: a security issue in the closed state (SPEC §2.6)."""

    option_names = CLOSED_OPTIONS
    fixed_state = "closed"

    def classes(self, model: SecurityIssue) -> list[str]:
        return ["ja-closed-issue", *super().classes(model)[2:]]


class SecurityIssuesTableDirective(FilteredTableDirective):
    """``.. security-issues-table::`` (``:state: open|closed``), filled when written."""

    kind = TABLE_KIND
    filter_option = "state"
    filter_values = STATES


class ClosedIssuesTableDirective(PlaceholderDirective):
    """``.. closed-issues-table::``: every closed issue, filled when written."""

    kind = CLOSED_TABLE_KIND


def setup_security_issue(app: Sphinx) -> None:
    for name, directive in (
        ("security-issue", SecurityIssueDirective),
        ("security-issues-table", SecurityIssuesTableDirective),
        ("closed-issue", ClosedIssueDirective),
        ("closed-issues-table", ClosedIssuesTableDirective),
    ):
        add_assessment_directive(app, name, directive)
    register_renderer(TABLE_KIND, _render_table)
    register_renderer(CLOSED_TABLE_KIND, _render_closed_table)
    register_check(check_issue_threats)
