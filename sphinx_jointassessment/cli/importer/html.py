"""Raw HTML: tables read into cells (or metadata), comments kept as comments, the rest as code.

MyST renders no raw HTML from an assessment, so HTML is never passed through.
Some assessments write their Metadata table, or tables with lists in cells, in
HTML; those become metadata options or a list-table of the cells' text. Other
HTML is kept visibly as a code block (its text is not lost, none of it runs), and
comments stay comments.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..htmltable import HtmlCell, parse_html_table, text_outside_cells
from ..model import CellTable, CodeBlock, Comment
from .cells import norm_cell
from .metadata import METADATA_FIELDS, get_metadata, set_option, wants_metadata

if TYPE_CHECKING:
    from ..mdparse import Block
    from .state import ImportState

_COMMENTS = re.compile(r"(?s)(\s*<!--.*?-->\s*)+")


def raw_html(state: ImportState, block: Block) -> bool:
    """An HTML block: a comment, or raw HTML kept as code."""
    if block.kind != "html":
        return False
    keep_html(state, block)
    return True


def keep_html(state: ImportState, block: Block) -> None:
    if _COMMENTS.fullmatch(block.text.strip()):
        state.add(Comment(block.lines, block.lineno))
        return
    state.report.note(block.lineno, "raw HTML kept as a code block (it is never rendered)")
    state.add(CodeBlock(block.lines, "html", block.lineno))


def html_table(state: ImportState, block: Block) -> bool:
    """An HTML ``<table>``: metadata rows become options, the other rows a table of cells.

    Text outside the cells (a caption, stray markup) has no place in a table of
    cells, so such a table is kept whole as code; one without rows is plain HTML.
    """
    if block.kind != "html_table":
        return False
    rows = parse_html_table(block.text)
    outside = text_outside_cells(block.text)
    if not rows:
        keep_html(state, block)
        return True
    if outside:
        state.report.warn(
            block.lineno, f"text outside the HTML table's cells: HTML kept as code: {outside!r}"
        )
        state.add(CodeBlock(block.lines, "html", block.lineno))
        return True
    kept: list[list[HtmlCell]] = []
    metadata_ok = wants_metadata(state) and any(
        row and norm_cell(row[0].inline) in METADATA_FIELDS for row in rows
    )
    metadata = get_metadata(state, block.lineno) if metadata_ok else None
    for row in rows:
        if not any(cell.paragraphs for cell in row):
            state.report.rows_empty += 1
            continue
        option = METADATA_FIELDS.get(norm_cell(row[0].inline) if row else "")
        if metadata is None or option is None or len(row) < 2:
            kept.append(row)
            state.report.rows_kept += 1
            continue
        value = " ".join(cell.inline for cell in row[1:])
        mapped, keep = set_option(state, metadata, option, value, block.lineno, continued=False)
        if keep:
            kept.append(row)
        if mapped:
            state.report.rows_mapped += 1
        else:
            state.report.rows_kept += 1
    if kept:
        header_rows = 1 if all(cell.header for cell in kept[0]) else 0
        state.add(CellTable(kept, header_rows, block.lineno))
    return True
