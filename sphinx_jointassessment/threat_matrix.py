"""``threat-matrix``: one attack class as victim x attacker components (SPEC §2.1).

Read in four steps, each a function of its own: :func:`parse_matrix` turns the
loaded YAML into a :class:`ThreatMatrix` (type and key problems), :func:`validate_matrix`
checks the model (missing, unknown and duplicate cells), :func:`render_matrix`
builds the docutils table every builder can write, and :class:`ThreatMatrixDirective`
ties them to the page and records the matrix in the ``ja`` domain.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from docutils import nodes

from .badges import status_badge, status_class
from .config import STATUSES, AssessmentConfig
from .directive import YamlObjectDirective, add_assessment_directive
from .domain import AssessmentObject, JointAssessmentDomain, register_derived_kind, shown_title
from .i18n import _, translatable_text
from .kinds import Kind
from .placeholders import ja_placeholder
from .problems import BlockProblem, Code
from .yaml_reader import Reader, format_score, parse_score

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from .directive import YamlSource
    from .yamlsafe import LineDict

KIND = Kind.MATRIX
#: the placeholder that holds a matrix's table until the risks naming its cells are known
CELL_RISKS_KIND = "cell-risks"

# -- model ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Entry:
    """One "LABEL: text Score: N" statement of a cell."""

    label: str
    text: str
    score: float | None
    #: the label's status, or the cell's ``status:`` when one is given
    status: str


@dataclass(frozen=True, slots=True)
class Cell:
    victim: str
    attacker: str
    status: str
    entries: tuple[Entry, ...]
    notes: tuple[str, ...]
    line: int | None


@dataclass(frozen=True, slots=True)
class ThreatMatrix:
    id: str
    title: str
    components: tuple[str, ...]
    cells: tuple[Cell, ...]

    def cell(self, victim: str, attacker: str) -> Cell | None:
        for cell in self.cells:
            if cell.victim == victim and cell.attacker == attacker:
                return cell
        return None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "components": list(self.components),
            "cells": [
                {
                    "victim": c.victim,
                    "attacker": c.attacker,
                    "status": c.status,
                    "entries": [
                        {"label": e.label, "text": e.text, "score": e.score, "status": e.status}
                        for e in c.entries
                    ],
                    "notes": list(c.notes),
                }
                for c in self.cells
            ],
        }


def cell_key(matrix_id: str, victim: str, attacker: str) -> str:
    """How ``:cells:`` of an attack risk names a cell."""
    return f"{matrix_id}/{victim}/{attacker}"


# -- parsing -------------------------------------------------------------------------------

_TOP_KEYS = ("components", "cells")
#: components of one matrix at most: a table of n x n cells, and n x n pairs to check.
#: Real matrices have a handful; 500 components (3.4 KB of YAML) took 2 minutes and
#: 1.5 GB to build. Documented in docs/reference/directives.md and SECURITY.md.
MAX_COMPONENTS = 50
#: cells of one matrix at most: one per pair of the most components allowed
MAX_CELLS = MAX_COMPONENTS * MAX_COMPONENTS
#: missing pairs named in the problem; the others are counted
NAMED_MISSING = 10
_ENTRY_KEYS = ("label", "text", "score")
_CELL_KEYS = ("victim", "attacker", "status", "entries", "notes", *_ENTRY_KEYS)


def parse_matrix(
    data: Any, matrix_id: str, title: str, config: AssessmentConfig
) -> tuple[ThreatMatrix | None, list[BlockProblem]]:
    """The model of a matrix body, with the type and key problems found on the way."""
    reader = Reader()
    top = reader.mapping(data, "the body", None)
    if top is None:
        return None, reader.problems
    reader.check_keys(top, "the body", _TOP_KEYS, required=_TOP_KEYS, top_level=True)
    names = reader.text_list(top, "components", "the body")
    raw_cells = reader.sequence(top, "cells", "the body")
    for what, count, limit in (
        ("components", len(names), MAX_COMPONENTS),
        ("cells", len(raw_cells or ()), MAX_CELLS),
    ):
        if count > limit:
            reader.problem(
                Code.INPUT_TOO_LARGE,
                f"the matrix has {count} {what}, over the limit of {limit}",
                top.line_of(what),
            )
            return None, reader.problems
    components: list[str] = []
    for name, line in names:
        if name in components:
            reader.problem(Code.SCHEMA, f"component {name!r} is declared twice", line)
        else:
            components.append(name)
    cells = []
    for index, raw in enumerate(raw_cells or ()):
        cell = _parse_cell(reader, raw, raw_cells.line_of(index) if raw_cells else None, config)
        if cell is not None:
            cells.append(cell)
    if "components" not in top or "cells" not in top:
        return None, reader.problems
    return ThreatMatrix(matrix_id, title, tuple(components), tuple(cells)), reader.problems


def _parse_cell(
    reader: Reader, raw: Any, line: int | None, config: AssessmentConfig
) -> Cell | None:
    data = reader.mapping(raw, "a cell", line)
    if data is None:
        return None
    victim = reader.text(data, "victim", "a cell")
    attacker = reader.text(data, "attacker", "a cell")
    where = f"cell {victim}/{attacker}"
    reader.check_keys(data, where, _CELL_KEYS, required=("victim", "attacker"))
    if victim is None or attacker is None:
        return None
    entries: list[Entry] = []
    inline = [key for key in _ENTRY_KEYS if key in data]
    if "entries" in data:
        if inline:
            reader.problem(
                Code.SCHEMA,
                f"{where}: give {', '.join(map(repr, inline))} inside 'entries', not beside it",
                data.line_of(inline[0]),
            )
        raw_entries = reader.sequence(data, "entries", where)
        for index, raw_entry in enumerate(raw_entries or ()):
            entry_line = raw_entries.line_of(index) if raw_entries is not None else None
            entry_data = reader.mapping(raw_entry, f"{where}: an entry", entry_line)
            if entry_data is not None:
                entry = _parse_entry(
                    reader, entry_data, f"{where}, entry {index + 1}", config, standalone=True
                )
                if entry is not None:
                    entries.append(entry)
    elif "label" in data:
        entry = _parse_entry(reader, data, where, config, standalone=False)
        if entry is not None:
            entries.append(entry)
    else:
        reader.problem(
            Code.SCHEMA, f"{where}: missing required key 'label' (or 'entries')", data.line
        )
    status = reader.text(data, "status", where)
    if status is not None and status not in STATUSES:
        reader.problem(
            Code.UNKNOWN_STATUS,
            f"{where}: unknown status {status!r} (known: {', '.join(STATUSES)})",
            data.line_of("status"),
        )
        status = None
    if status is None:
        status = entries[0].status if entries else "n/a"
    else:
        entries = [Entry(e.label, e.text, e.score, status) for e in entries]
    notes = tuple(text for text, _line in reader.text_list(data, "notes", where))
    return Cell(victim, attacker, status, tuple(entries), notes, data.line)


def _parse_entry(
    reader: Reader, data: LineDict, where: str, config: AssessmentConfig, *, standalone: bool
) -> Entry | None:
    """An entry; *standalone* when it is an item of ``entries`` (not the cell's own keys)."""
    if standalone:
        reader.check_keys(data, where, _ENTRY_KEYS, required=("label",))
    label = reader.text(data, "label", where)
    text = reader.text(data, "text", where, default="") or ""
    score = None
    if "score" in data:
        score, reason = parse_score(data["score"], config.score_range)
        if reason is not None:
            reader.problem(Code.BAD_SCORE, f"{where}: {reason}", data.line_of("score"))
    if label is None:
        return None
    return Entry(label, text, score, config.status_for_label(label))


# -- validation ----------------------------------------------------------------------------


def validate_matrix(matrix: ThreatMatrix) -> list[BlockProblem]:
    """Every declared victim x attacker pair has exactly one cell, naming known components."""
    problems = []
    declared = set(matrix.components)
    seen: dict[tuple[str, str], Cell] = {}
    for cell in matrix.cells:
        unknown = [name for name in (cell.victim, cell.attacker) if name not in declared]
        if unknown:
            problems.append(
                BlockProblem(
                    Code.MATRIX_UNKNOWN_COMPONENT,
                    f"cell {cell.victim}/{cell.attacker} names undeclared component "
                    + ", ".join(map(repr, unknown)),
                    cell.line,
                )
            )
            continue
        pair = (cell.victim, cell.attacker)
        if pair in seen:
            problems.append(
                BlockProblem(
                    Code.MATRIX_DUPLICATE_CELL,
                    f"cell {cell.victim}/{cell.attacker} is given twice "
                    f"(first on body line {seen[pair].line})",
                    cell.line,
                )
            )
            continue
        seen[pair] = cell
    missing = [
        (victim, attacker)
        for victim in matrix.components
        for attacker in matrix.components
        if (victim, attacker) not in seen
    ]
    if missing:
        named = ", ".join(f"{victim}/{attacker}" for victim, attacker in missing[:NAMED_MISSING])
        more = len(missing) - NAMED_MISSING
        problems.append(
            BlockProblem(
                Code.MATRIX_MISSING_CELL,
                f"no cell for {len(missing)} victim/attacker "
                f"{'pair' if len(missing) == 1 else 'pairs'}: {named}"
                + (f" and {more} more" if more > 0 else ""),
                None,
            )
        )
    return problems


# -- rendering -----------------------------------------------------------------------------


def cell_anchor(matrix_id: str, victim: str, attacker: str) -> str:
    return str(nodes.make_id(f"ja-cell-{matrix_id}-{victim}-{attacker}"))


#: where a block's user text was written, for translation (see :mod:`.i18n`)
Source = tuple[str | None, int | None] | None


def render_entry(entry: Entry, source: Source = None) -> nodes.paragraph:
    """ "LABEL: text Score: N" with the label as a status badge."""
    para = nodes.paragraph(classes=["ja-entry"])
    para += status_badge(entry.label, entry.status)
    if entry.text:
        para += nodes.Text(": ")
        para += translatable_text(entry.text, source)
    if entry.score is not None:
        para += nodes.Text(" " + _("Score: {score}").format(score=format_score(entry.score)))
    return para


def render_cell(cell: Cell, source: Source = None) -> list[nodes.Node]:
    body: list[nodes.Node] = [render_entry(entry, source) for entry in cell.entries]
    for note in cell.notes:
        para = nodes.paragraph(classes=["ja-note"])
        para += nodes.strong(text=_("NOTE:"))
        para += nodes.Text(" ")
        para += translatable_text(note, source)
        body.append(para)
    return body


def _user_paragraph(text: str, source: Source) -> nodes.paragraph:
    """A paragraph of user text (a component's name), offered for translation."""
    para = nodes.paragraph(text, text)
    if source is not None:
        para.source, para.line = source
    return para


def _victim(component: str, source: Source) -> nodes.paragraph:
    """ "Victim <component>", the words around the name translated as one message."""
    before, _sep, after = _("Victim {component}").partition("{component}")
    para = nodes.paragraph()
    if before:
        para += nodes.Text(before)
    para += translatable_text(component, source)
    if after:
        para += nodes.Text(after)
    return para


def _entry(*children: nodes.Node, classes: list[str] | None = None) -> nodes.entry:
    entry = nodes.entry(classes=classes or [])
    for child in children:
        entry += child
    return entry


#: attribute of a cell's table entry naming the cell (:func:`cell_key`), so the
#: ``cell-risks`` renderer can find it; writers ignore it
CELL_ATTRIBUTE = "ja-cell"


def render_matrix(
    matrix: ThreatMatrix, classes: list[str], *, caption: bool = True, source: Source = None
) -> list[nodes.Node]:
    """The template's table: "Victim Components" then attackers; rows "Victim <name>".

    The table is held by one ``cell-risks`` placeholder, whose renderer adds to each
    cell the attack risks that point at it (one per matrix, not one per cell: most
    cells have none). The assembled assessment gives each matrix a heading, so there it
    has no caption.
    """
    table = nodes.table(classes=["ja-threat-matrix", *classes])
    if caption:
        title = nodes.title(matrix.title, matrix.title)
        if source is not None:
            title.source, title.line = source
        table += title
    columns = len(matrix.components) + 1
    group = nodes.tgroup(cols=columns)
    table += group
    # character widths, used by the text builder; html and LaTeX size columns themselves
    first = max([len(_("Victim Components")), *(len(f"Victim {c}") for c in matrix.components)])
    group += nodes.colspec(colwidth=min(first, 30))
    for _component in matrix.components:
        group += nodes.colspec(colwidth=30)
    head = nodes.thead()
    group += head
    header = nodes.row()
    head += header
    header += _entry(nodes.paragraph(text=_("Victim Components")))
    for attacker in matrix.components:
        header += _entry(_user_paragraph(attacker, source))
    body = nodes.tbody()
    group += body
    by_pair: dict[tuple[str, str], Cell] = {}
    for known in matrix.cells:  # the first of duplicates, as ThreatMatrix.cell gives
        by_pair.setdefault((known.victim, known.attacker), known)
    for victim in matrix.components:
        row = nodes.row()
        body += row
        row += _entry(_victim(victim, source), classes=["ja-victim"])
        for attacker in matrix.components:
            cell = by_pair.get((victim, attacker))
            if cell is None:
                row += _entry(nodes.paragraph(text=_("(missing)")), classes=["ja-missing"])
                continue
            entry = _entry(*render_cell(cell, source), classes=[status_class(cell.status)])
            entry["ids"].append(cell_anchor(matrix.id, victim, attacker))
            entry[CELL_ATTRIBUTE] = cell_key(matrix.id, victim, attacker)
            row += entry
    return [ja_placeholder("", table, kind=CELL_RISKS_KIND, matrix=matrix.id)]


# -- directive -----------------------------------------------------------------------------


class ThreatMatrixDirective(YamlObjectDirective[ThreatMatrix]):
    """``.. threat-matrix:: <attack class>`` with a YAML body or ``:file:``."""

    kind = KIND
    block_class = "ja-threat-matrix-block"

    def parse_yaml(
        self, data: Any, obj_id: str, title: str, source: YamlSource
    ) -> tuple[ThreatMatrix | None, list[BlockProblem]]:
        matrix, problems = parse_matrix(data, obj_id, title, self.ja_config)
        if matrix is not None:
            problems += validate_matrix(matrix)
        return matrix, problems

    def render(self, model: ThreatMatrix) -> list[nodes.Node]:
        # each cell lists the risks that point at it (``cell-risks``), from any page
        self.domain.note_summary(self.docname, CELL_RISKS_KIND)
        return render_matrix(model, self.options.get("class", []), source=self.get_source_info())


def cell_object(domain: JointAssessmentDomain, key: str) -> AssessmentObject | None:
    """The cell named *key* (:func:`cell_key`), found in its matrix, as a domain object.

    Attack risks link to cells by ``:cells:``; the cells are not recorded one by one
    but looked up in their matrix, whose table entry carries the cell's anchor.
    """
    matrix_id, _sep, rest = key.partition("/")
    victim, _sep, attacker = rest.rpartition("/")
    matrix_obj = domain.get(KIND, matrix_id)
    if matrix_obj is None:
        return None
    matrix: ThreatMatrix = matrix_obj.model
    cell = matrix.cell(victim, attacker)
    if cell is None:
        return None
    return AssessmentObject(
        Kind.CELL,
        key,
        _("{matrix}: victim {victim}, attacker {attacker}").format(
            matrix=shown_title(matrix_obj), victim=victim, attacker=attacker
        ),
        matrix_obj.docname,
        matrix_obj.lineno,
        cell_anchor(matrix.id, victim, attacker),
        cell,
    )


def setup_threat_matrix(app: Sphinx) -> None:
    register_derived_kind(Kind.CELL, cell_object)
    add_assessment_directive(app, "threat-matrix", ThreatMatrixDirective)
