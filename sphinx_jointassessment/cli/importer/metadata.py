"""The Metadata table as the ``assessment-metadata`` directive's options.

The template's table has rows Software, Security Provider, Languages, SBOM; real
ones add "Assessment Stage", leave rows empty, continue a cell on the next row,
or write more than the option takes ("Yes, see ..."). An option only ever gets
what the directive accepts; a row that says more, or something else, is also kept
as content, with a note, so no word of the author's is lost.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..mdparse import unescape_cell
from ..model import Metadata
from .cells import is_dash_row, is_one_url, norm_cell, urls

if TYPE_CHECKING:
    from ..mdparse import Block, GfmTable, TableRow
    from .state import ImportState

#: metadata rows (normalised first cell) -> ``assessment-metadata`` option
METADATA_FIELDS = {
    "software": "software",
    "project home": "software",
    "security provider": "security-provider",
    "languages": "languages",
    "language": "languages",
    "language(s)": "languages",
    "sbom": "sbom",
    "assessment stage": "stage",
}
STAGES = ("incomplete", "complete", "obsolete")
_YES_NO = re.compile(r"^\W*(yes|no)(?:\W*$|[.,;:!)\u2013\u2014-]\s*(?P<rest>.*)$)", re.IGNORECASE)


def get_metadata(state: ImportState, line: int) -> Metadata:
    """The document's one ``assessment-metadata`` directive, made in the current section."""
    if state.metadata is None:
        state.metadata = Metadata(line=line)
        state.current.directives.append(state.metadata)
    return state.metadata


def wants_metadata(state: ImportState) -> bool:
    """In the preamble or the Metadata section, and no metadata table read yet.

    Only the first such table: a second one (another component's) stays content.
    """
    return state.current.key in {None, "metadata"} and (
        state.metadata is None or not state.metadata.options
    )


def is_metadata_table(state: ImportState, table: GfmTable) -> bool:
    """A narrow table, where metadata is wanted, with a row named like an option."""
    if not wants_metadata(state) or table.width > 3:
        return False
    rows = [table.header, *table.rows]
    return any(norm_cell(row.cells[0]) in METADATA_FIELDS for row in rows if row.cells)


def metadata_table(state: ImportState, block: Block) -> bool:
    """The Metadata table: its rows become options; the rows that say more stay content.

    A row with an empty first cell continues the row above (a second language, a
    second line of a provider's answer).
    """
    table = state.table_of(block)
    if table is None or not is_metadata_table(state, table):
        return False
    metadata = get_metadata(state, block.lineno)
    rows = [table.header, *table.rows] if any(table.header.cells) else table.rows
    kept: list[TableRow] = []
    last: str | None = None
    for row in rows:
        cells = [unescape_cell(cell) for cell in row.cells] + ["", ""]
        key, value = norm_cell(cells[0]), " ".join(c for c in cells[1:] if c).strip()
        if not key and not value:
            state.report.rows_empty += 1
            continue
        if is_dash_row(cells[0].strip(), cells[1].strip()):
            state.report.rows_empty += 1
            state.report.note(row.line + 1, "row of dashes in a table ignored")
            continue
        option = METADATA_FIELDS.get(key) if key else last
        if option is None:
            kept.append(row)
            state.report.rows_kept += 1
            last = None
            continue
        mapped, keep = set_option(state, metadata, option, value, row.line + 1, continued=not key)
        if keep:
            kept.append(row)
        if mapped:
            state.report.rows_mapped += 1
        elif keep:
            state.report.rows_kept += 1
        else:
            state.report.rows_empty += 1
        last = option
    if kept:
        head = block.lines[0] if table.header in kept else "|" + "  |" * table.width
        body = [block.lines[r.line - block.start] for r in kept if r is not table.header]
        state.keep_lines([head, block.lines[1], *body], block.start)
    return True


def set_option(
    state: ImportState, metadata: Metadata, option: str, value: str, line: int, *, continued: bool
) -> tuple[bool, bool]:
    """Set one metadata option: (whether it was set, whether to keep the row as content).

    Options get only what the directive accepts (yes/no, a stage, one URL);
    when the cell says more, the whole row is kept as content too, so no
    word of it is lost and the option stays valid.
    """
    value = " ".join(value.split())
    if continued and option in metadata.options:
        state.report.note(line, f"metadata {option}: continuation row kept as content")
        return False, True
    if not value:
        return False, False
    keep = False
    why = ""
    if option == "security-provider":
        answer = _YES_NO.match(value)
        if answer is None:
            why = "not yes or no"
        else:
            keep = bool(answer["rest"])
            value = answer.group(1).lower()
    elif option == "stage":
        if value.casefold().strip(" .") not in STAGES:
            why = "not incomplete, complete or obsolete"
        else:
            value = value.casefold().strip(" .")
    elif option in {"software", "sbom"}:
        found = urls(value)
        if not found:
            why = "no link in it"
        else:
            keep = not is_one_url(value, found[0])
            value = found[0]
    if not why and option in metadata.options:
        why = "given twice"
    if why:
        state.report.warn(line, f"metadata {option} {value[:60]!r}: {why}; row kept as content")
        return False, True
    metadata.options[option] = value
    if keep:
        state.report.note(line, f"metadata {option}: the cell says more; row kept as content")
    return True, keep
