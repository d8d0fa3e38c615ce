"""The "Security links" table (Doc | URL) as the links of ``assessment-metadata``.

The template lists the project's security documents as a two-column table in the
Metadata section. A row becomes a link when it names a document and one URL;
a row with text around its URL, or several URLs, stays content, since a link
would drop the rest of the cell.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..mdparse import plain_text, unescape_cell
from .cells import LINK_ONLY, is_dash_row, is_one_url, norm_cell, urls
from .metadata import get_metadata

if TYPE_CHECKING:
    from ..mdparse import Block, GfmTable, TableRow
    from .state import ImportState

_SECTIONS = {None, "metadata", "metadata.security-links"}


def is_links_table(state: ImportState, table: GfmTable) -> bool:
    """A "Doc | URL" table where the links belong, while no links have been read."""
    header = [norm_cell(cell) for cell in table.header.cells]
    if len(header) != 2 or header[0] != "doc" or header[1] not in {"url", "link", "links"}:
        return False
    return state.current.key in _SECTIONS and not (state.metadata and state.metadata.links)


def security_links_table(state: ImportState, block: Block) -> bool:
    """The security links: one link per row that is a name and one URL; other rows kept."""
    table = state.table_of(block)
    if table is None or not is_links_table(state, table):
        return False
    metadata = get_metadata(state, block.lineno)
    state.report.rows_mapped += 1
    kept: list[TableRow] = []
    for row in table.rows:
        cells = [unescape_cell(cell) for cell in row.cells] + ["", ""]
        doc, url = cells[0].strip(), " ".join(c for c in cells[1:] if c).strip()
        line = row.line + 1
        if not doc and not url:
            state.report.rows_empty += 1
            continue
        if is_dash_row(doc, url):
            state.report.rows_empty += 1
            state.report.note(line, "row of dashes in a table ignored")
            continue
        found = urls(url)
        if not doc or len(found) != 1 or not is_one_url(url, found[0]):
            state.report.note(line, f"security link {doc!r} is not one URL: row kept")
            kept.append(row)
            continue
        name = doc
        number = 2
        while name in metadata.links:
            name = f"{doc} ({number})"
            number += 1
        if name != doc:
            state.report.warn(line, f"security link {doc!r} repeated: named {name!r}")
        metadata.links[name] = _url_of(state, url, line)
        state.report.rows_mapped += 1
    if kept:
        state.report.rows_kept += len(kept)
        body = [block.lines[r.line - block.start] for r in kept]
        state.keep_lines([block.lines[0], block.lines[1], *body], block.start)
    return True


def _url_of(state: ImportState, value: str, line: int) -> str:
    """The URL of a cell that is one URL; a link's text, when it is more, goes with a note."""
    link = LINK_ONLY.match(value.strip())
    if link is None:
        return value
    url = link["url"] or link["auto"]
    text = link["text"]
    if text and plain_text(text) not in {url, ""}:
        state.report.note(line, f"link text {plain_text(text)!r} replaced by its URL {url}")
    return str(url)
