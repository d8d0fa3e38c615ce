"""The joint assessment's Findings table as ``finding`` directives, one per row.

The template's table has the columns Finding Number, Finding Name, Finding
Notes, Reviewer. Real tables leave numbers out, repeat them, or add a column;
each finding still gets a unique id (the report says which were made up) and no
cell is lost (extra cells join the notes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..mdparse import unescape_cell, unique_slug
from ..model import Finding
from .cells import norm_cell

if TYPE_CHECKING:
    from ..mdparse import Block
    from .state import ImportState

FINDINGS_HEADER = ("finding number", "finding name", "finding notes", "reviewer")


def findings_table(state: ImportState, block: Block) -> bool:
    """A table with exactly the template's four Findings columns: a ``finding`` per row."""
    table = state.table_of(block)
    if table is None or tuple(norm_cell(c) for c in table.header.cells) != FINDINGS_HEADER:
        return False
    state.drop_generated_heading("findings")
    state.report.rows_mapped += 1  # the header
    for row in table.rows:
        cells = [unescape_cell(cell) for cell in row.cells]
        if not any(cells):
            state.report.rows_empty += 1
            continue
        cells += [""] * (4 - len(cells))
        number, name, notes, reviewer = cells[:4]
        line = row.line + 1
        if any(cells[4:]):
            notes = " ".join([notes, *[c for c in cells[4:] if c]])
            state.report.warn(line, "finding row has extra cells: added to the notes")
        finding_id = number.strip() or f"row-{line}"
        if finding_id in state.finding_ids:
            finding_id = unique_slug(f"{finding_id}-line-{line}", state.finding_ids)
            state.report.warn(line, f"finding number repeated: id {finding_id!r}")
        elif not number.strip():
            state.report.warn(line, f"finding without a number: id {finding_id!r}")
        state.finding_ids.add(finding_id)
        if not name.strip():
            name = f"Finding {finding_id}"
            state.report.warn(line, f"finding without a name: named {name!r}")
        state.report.rows_mapped += 1
        state.current.directives.append(
            Finding(finding_id, name.strip(), reviewer.strip(), notes.strip(), line)
        )
    return True
