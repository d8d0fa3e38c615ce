"""Blocks that no directive takes: GitHub tables kept as tables, horizontal rules dropped."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .cells import count_rows

if TYPE_CHECKING:
    from ..mdparse import Block, GfmTable
    from .state import ImportState


def kept_table(state: ImportState, block: Block) -> bool:
    """Any GitHub table the table recognisers before this one left: kept as a table."""
    table = state.table_of(block)
    if table is None:
        return False
    keep_table(state, block, table)
    return True


def keep_table(state: ImportState, block: Block, table: GfmTable) -> None:
    """Keep *table* as content, widened when rows have more cells than the header.

    GitHub drops the cells past the header's width without a word; real
    assessments have such rows (a note added in a last column), so the header and
    delimiter get empty columns and every cell stays visible.
    """
    count_rows(state.report, table, mapped=False)
    widest = max((len(row.cells) for row in table.rows), default=0)
    if not any(len(r.cells) > table.width and any(r.cells[table.width :]) for r in table.rows):
        state.keep(block)
        return
    state.report.warn(
        block.lineno,
        f"table rows with more cells than its {table.width} columns: "
        f"widened to {widest} so no cell is lost",
    )
    add = widest - table.width
    header = block.lines[0].rstrip()
    header = (header if header.endswith("|") else header + " |") + "  |" * add
    delimiter = block.lines[1].rstrip()
    delimiter = (delimiter if delimiter.endswith("|") else delimiter + " |") + " --- |" * add
    state.keep_lines([header, delimiter, *block.lines[2:]], block.start)


def horizontal_rule(state: ImportState, block: Block) -> bool:
    """A horizontal rule: not allowed inside a section's content (docutils), and no text."""
    if block.kind != "hr":
        return False
    state.report.note(block.lineno, "horizontal rule dropped (it holds no text)")
    return True
