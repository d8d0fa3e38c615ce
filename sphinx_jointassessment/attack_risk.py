"""``attack-risk`` and ``attack-risk-table``: risks rated by the OWASP matrix (SPEC §2.2).

A risk has a likelihood and an impact (low, medium, high); its severity follows
the OWASP risk-rating matrix, so two reviewers rating the same risk alike get the
same severity, and the table can sort by it. ``:cells:`` ties a risk to the
threat-matrix cells it comes from: the risk links to each cell, and each cell
lists the risks that point at it (the ``cell-risks`` placeholder the threat
matrix leaves in every cell).

As in every feature module: the model and :func:`parse_risk` (pure), the
whole-project check, the render functions (standard docutils nodes), the
directives, and :func:`setup_attack_risk`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from docutils import nodes

from .badges import severity_badge
from .checks import register_check
from .directive import ObjectDirective, add_assessment_directive
from .domain import get_domain, shown_model
from .i18n import N_, _
from .kinds import Kind
from .links import ja_xref
from .placeholders import PlaceholderDirective, register_renderer
from .problems import BlockProblem, Code, Problem
from .tables import build_table, empty_note, field_list, heading_paragraph
from .threat_matrix import CELL_ATTRIBUTE, CELL_RISKS_KIND, cell_key
from .values import choice, natural_key, option_text, split_items

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from .placeholders import ResolveContext, ja_placeholder

KIND = Kind.RISK
TABLE_KIND = "attack-risk-table"

#: likelihood and impact
LEVELS = ("low", "medium", "high")
#: severities, from least to most severe
SEVERITIES = ("note", "low", "medium", "high", "critical")

#: the OWASP risk-rating matrix: (likelihood, impact) -> overall severity
OWASP_MATRIX: Mapping[tuple[str, str], str] = {
    ("low", "low"): "note",
    ("low", "medium"): "low",
    ("low", "high"): "medium",
    ("medium", "low"): "low",
    ("medium", "medium"): "medium",
    ("medium", "high"): "high",
    ("high", "low"): "medium",
    ("high", "medium"): "high",
    ("high", "high"): "critical",
}

OPTIONS = ("id", "likelihood", "impact", "attacker", "cells")


# -- model ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AttackRisk:
    id: str
    title: str
    #: ``None`` when the option is missing or not a level (reported)
    likelihood: str | None
    impact: str | None
    attacker: str | None
    #: ``matrix-id/victim/attacker`` keys, as threat_matrix.cell_key makes them
    cells: tuple[str, ...]

    @property
    def severity(self) -> str | None:
        if self.likelihood is None or self.impact is None:
            return None
        return OWASP_MATRIX[(self.likelihood, self.impact)]

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "likelihood": self.likelihood,
            "impact": self.impact,
            "severity": self.severity,
            "attacker": self.attacker,
            "cells": list(self.cells),
        }


def owasp_severity(likelihood: str, impact: str) -> str:
    """The OWASP severity of a likelihood and an impact (each low, medium or high)."""
    return OWASP_MATRIX[(likelihood, impact)]


def sort_key(risk: AttackRisk) -> tuple[int, tuple[tuple[int, int, str], ...]]:
    """Most severe first (unrated last), then by id, numbers compared as numbers."""
    rank = SEVERITIES.index(risk.severity) if risk.severity else -1
    return (-rank, natural_key(risk.id))


# -- parsing -------------------------------------------------------------------------------


def parse_cells(text: str | None) -> tuple[tuple[str, ...], list[BlockProblem]]:
    """``matrix-id/victim/attacker; ...`` as cell keys (spaces around ``/`` ignored)."""
    if text is None:
        return (), []
    problems = []
    keys: list[str] = []
    items, empty = split_items(text, ";")
    if empty and not items:
        problems.append(BlockProblem(Code.SCHEMA, ":cells: names no cell"))
    for item in items:
        parts = [part.strip() for part in item.split("/")]
        if len(parts) < 3 or not all(parts):
            problems.append(
                BlockProblem(
                    Code.SCHEMA,
                    f":cells: {item!r} is not matrix-id/victim/attacker",
                )
            )
            continue
        key = cell_key(parts[0], "/".join(parts[1:-1]), parts[-1])
        if key not in keys:
            keys.append(key)
    return tuple(keys), problems


def parse_level(options: Mapping[str, Any], name: str, problems: list[BlockProblem]) -> str | None:
    text = option_text(options, name)
    if text is None:
        problems.append(
            BlockProblem(Code.SCHEMA, f"missing required option :{name}: (low, medium or high)")
        )
        return None
    level = choice(text, LEVELS)
    if level is None:
        problems.append(
            BlockProblem(Code.SCHEMA, f":{name}: {text!r} is not one of low, medium, high")
        )
    return level


def parse_risk(title: str, options: Mapping[str, Any]) -> tuple[AttackRisk, list[BlockProblem]]:
    """The model of one block, with every problem of its options.

    A model is always returned so the block renders what it can; without an id
    (``id == ""``) it is shown but not recorded.
    """
    problems: list[BlockProblem] = []
    risk_id = option_text(options, "id")
    if risk_id is None:
        problems.append(BlockProblem(Code.SCHEMA, "missing required option :id:"))
    likelihood = parse_level(options, "likelihood", problems)
    impact = parse_level(options, "impact", problems)
    cells, cell_problems = parse_cells(option_text(options, "cells"))
    problems += cell_problems
    risk = AttackRisk(
        id=risk_id or "",
        title=" ".join(title.split()),
        likelihood=likelihood,
        impact=impact,
        attacker=option_text(options, "attacker"),
        cells=cells,
    )
    return risk, problems


# -- whole-project check ------------------------------------------------------------------


def check_risk_cells(env: BuildEnvironment) -> Iterable[Problem]:
    """Every ``:cells:`` key names a cell of a threat matrix of the project."""
    domain = get_domain(env)
    for obj in domain.recorded(KIND):
        for key in obj.model.cells:
            if domain.get(Kind.CELL, key) is not None:
                continue
            matrix_id = key.split("/", 1)[0]
            if domain.get(Kind.MATRIX, matrix_id) is None:
                reason = f"there is no threat matrix {matrix_id!r}"
            else:
                reason = f"threat matrix {matrix_id!r} has no such victim/attacker cell"
            yield Problem(
                Code.UNKNOWN_REFERENCE,
                f"attack-risk {obj.id!r}: :cells: {key!r}: {reason}",
                obj.docname,
                obj.lineno,
            )


# -- rendering -----------------------------------------------------------------------------


def severity_node(risk: AttackRisk) -> nodes.Node:
    """The severity as a badge (its text is the severity: colour is never the only cue)."""
    if risk.severity is None:
        return nodes.inline(text=_("unrated"), classes=["ja-severity-unrated"])
    return severity_badge(risk.severity)


def cell_links(risk: AttackRisk, docname: str) -> list[nodes.Node]:
    """Links to the risk's cells, titled by the domain; an unknown cell shows its key."""
    result: list[nodes.Node] = []
    for index, key in enumerate(risk.cells):
        if index:
            result.append(nodes.Text("; "))
        result.append(ja_xref(Kind.CELL, key, nodes.inline(key, key), docname, explicit=False))
    return result


#: the words :func:`_level` shows, for the message catalog
LEVEL_NAMES = (N_("Note"), N_("Low"), N_("Medium"), N_("High"), N_("Critical"))


def _level(value: str | None) -> str:
    return _(value.capitalize()) if value else _("unrated")


def render_risk(risk: AttackRisk, body: nodes.Element | None, docname: str) -> list[nodes.Node]:
    """One risk in place: id, title and severity badge, its ratings, then its effects."""
    heading = f"{risk.id}: {risk.title}" if risk.id else risk.title
    fields: list[tuple[str, Any]] = [
        (_("Likelihood"), _level(risk.likelihood)),
        (_("Impact"), _level(risk.impact)),
        (_("Severity"), _level(risk.severity)),
    ]
    if risk.attacker:
        fields.append((_("Attacker"), risk.attacker))
    if risk.cells:
        fields.append((_("Threat-matrix cells"), cell_links(risk, docname)))
    result: list[nodes.Node] = [
        heading_paragraph(heading, severity_node(risk)),
        field_list(fields, classes=["ja-fields"]),
    ]
    if body is not None and body.children:
        result.append(body)
    return result


TABLE_COLUMNS = (
    (N_("ID"), 8),
    (N_("Risk"), 30),
    (N_("Likelihood"), 10),
    (N_("Impact"), 8),
    (N_("Severity"), 12),
    (N_("Threat-matrix cells"), 30),
)


def render_risk_table(risks: Sequence[AttackRisk], docname: str) -> list[nodes.Node]:
    """Every risk, most severe first: ID (a link), Risk, Likelihood, Impact, Severity, cells."""
    if not risks:
        return [empty_note(_("No attack risks are recorded."))]
    ordered = sorted(risks, key=sort_key)
    rows = [
        [
            ja_xref(KIND, risk.id, nodes.inline(risk.id, risk.id), docname),
            risk.title,
            _level(risk.likelihood),
            _level(risk.impact),
            severity_node(risk),
            cell_links(risk, docname) or None,
        ]
        for risk in ordered
    ]
    table = build_table(
        TABLE_COLUMNS,
        rows,
        classes=["ja-attack-risk-table"],
        row_classes=[[f"ja-severity-{risk.severity or 'unrated'}"] for risk in ordered],
    )
    return [table]


def _render_table(context: ResolveContext, node: ja_placeholder) -> list[nodes.Node]:
    risks = [shown_model(obj) for obj in context.domain.objects(KIND)]
    if not risks and context.domain.objects_on(context.docname, Kind.THREAT):
        return []  # "No attack risks are recorded." beside threats would contradict them
    return render_risk_table(risks, context.docname)


def _render_cell_risks(context: ResolveContext, node: ja_placeholder) -> list[nodes.Node]:
    """A threat matrix's table, with "Risks: R-1, R-2", linked, in each cell risks name.

    The placeholder holds the matrix's table (see ``threat_matrix.render_matrix``);
    cells that no risk points at stay as they are.
    """
    tables = [child for child in node.children if isinstance(child, nodes.table)]
    by_matrix = context.cached("risks-by-cell", lambda: _risks_by_cell(context))
    by_cell = by_matrix.get(node["matrix"], {})
    for table in tables if by_cell else ():
        for entry in table.findall(nodes.entry):
            risks = by_cell.get(entry.get(CELL_ATTRIBUTE, ""))
            if not risks:
                continue
            para = nodes.paragraph(classes=["ja-cell-risks"])
            para += nodes.Text(_("Risks: "))
            for index, risk in enumerate(risks):
                if index:
                    para += nodes.Text(", ")
                para += context.xref(KIND, risk.id, nodes.inline(risk.id, risk.id))
            entry += para
    node.clear()  # the tables move out of the placeholder, which then goes
    return list(tables)


def _risks_by_cell(context: ResolveContext) -> dict[str, dict[str, list[AttackRisk]]]:
    """Per matrix id, each cell key that attack risks name, with those risks in order."""
    by_matrix: dict[str, dict[str, list[AttackRisk]]] = {}
    for obj in context.domain.objects(KIND):
        for key in obj.model.cells:
            matrix_id = key.split("/", 1)[0]  # as parse_risk reads ``:cells:``
            by_matrix.setdefault(matrix_id, {}).setdefault(key, []).append(obj.model)
    for by_cell in by_matrix.values():
        for risks in by_cell.values():
            risks.sort(key=sort_key)
    return by_matrix


# -- directives ----------------------------------------------------------------------------


class AttackRiskDirective(ObjectDirective[AttackRisk]):
    """``.. attack-risk:: <title>`` with ``:id:``, ``:likelihood:``, ``:impact:``..."""

    kind = KIND
    option_names = OPTIONS
    body_class = "ja-risk-effects"

    parse = staticmethod(parse_risk)

    def classes(self, model: AttackRisk) -> list[str]:
        return ["ja-attack-risk", f"ja-severity-{model.severity or 'unrated'}"]

    def render(self, model: AttackRisk, body: nodes.Element) -> list[nodes.Node]:
        return render_risk(model, body, self.docname)


class AttackRiskTableDirective(PlaceholderDirective):
    """``.. attack-risk-table::``: every attack risk of the project, filled when written."""

    kind = TABLE_KIND


def setup_attack_risk(app: Sphinx) -> None:
    for name, directive in (
        ("attack-risk", AttackRiskDirective),
        ("attack-risk-table", AttackRiskTableDirective),
    ):
        add_assessment_directive(app, name, directive)
    register_renderer(TABLE_KIND, _render_table)
    register_renderer(CELL_RISKS_KIND, _render_cell_risks)
    register_check(check_risk_cells)
