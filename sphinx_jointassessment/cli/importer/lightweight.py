"""The lightweight threat model's table, "Threat | Description | Controls | References".

Each row becomes a ``threat``: its title from the Threat cell, the Description as
its description, the Controls as its ``controls``, the URLs of References as
``:references:`` (a References cell that is more than links is also kept in the
description). A row with only its first cell is a heading of the rows under it (a
control family such as "Networking"): it opens the description of each of them,
in emphasis. The table's place gets a ``threats-table`` in the lightweight layout,
so the assessment still shows the table where it was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..mdparse import plain_text, unescape_cell
from ..model import Threat, ThreatsTable
from .cells import LINK_ONLY, count_rows, norm_cell, urls

if TYPE_CHECKING:
    from ..mdparse import Block
    from .state import ImportState

_COLUMNS = (
    {"threat", "threats"},
    {"description"},
    {"controls", "control", "mitigations", "mitigation"},
    {"references", "reference", "links"},
)


def is_lightweight_header(cells: list[str]) -> bool:
    """Threat, Description, Controls and (optionally) References, in that order."""
    names = [norm_cell(cell) for cell in cells]
    if len(names) not in (3, 4):
        return False
    return all(name in allowed for name, allowed in zip(names, _COLUMNS, strict=False))


def lightweight_table(state: ImportState, block: Block) -> bool:
    table = state.table_of(block)
    if table is None or not is_lightweight_header(table.header.cells):
        return False
    count_rows(state.report, table, mapped=True)
    group = ""
    for row in table.rows:
        cells = [unescape_cell(cell).strip() for cell in row.cells]
        cells += [""] * (4 - len(cells))
        title, description, controls, references = cells[:4]
        line = row.line + 1
        if not any(cells):
            continue
        if title and not any(cells[1:]):
            group = title
            continue
        extra = [cell for cell in cells[4:] if cell]
        text = " ".join(plain_text(title).split())
        if not text:
            text = f"Threat at line {line}"
            state.report.warn(line, f"threat row without a threat: titled {text!r}")
        threat = Threat(text, line)
        parts = [f"*{group}*"] if group else []
        parts += [part for part in (description, *extra) if part]
        found = urls(references)
        threat.references = found
        if references and not (LINK_ONLY.match(references) or references in found):
            parts.append(references)
        threat.description = _paragraphs(parts)
        threat.controls = [controls] if controls else []
        state.current.directives.append(threat)
    state.add(ThreatsTable("lightweight", block.lineno))
    state.report.note(block.lineno, "lightweight threat table: a threat per row")
    return True


def _paragraphs(parts: list[str]) -> list[str]:
    lines: list[str] = []
    for part in parts:
        if lines:
            lines.append("")
        lines.append(part)
    return lines
