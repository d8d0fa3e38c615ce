"""Reading table cells: a row's key, the URLs a cell names, rows of dashes; counting rows.

Shared by the table recognisers, so that "Software", "**Software**" and
"software:" are one key everywhere, and every table row is counted once in the
report (mapped to a directive, kept as content, or empty).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ...outline import normalize_title
from ..mdparse import plain_text

if TYPE_CHECKING:
    from ..mdparse import GfmTable
    from ..model import Report

#: a cell that is only a link: ``[text](url)`` or ``<url>``
LINK_ONLY = re.compile(r"^\[(?P<text>[^\]]*)\]\((?P<url>[^)\s]+)\)$|^<(?P<auto>[a-z]+:[^>\s]+)>$")
_DASH = re.compile(r"^:?-+:?$")
_URL = re.compile(r"""(?:\]\(|<|^|(?<=[\s(]))(?P<url>(?:https?|mailto):[^\s<>()\[\]]+)""")


def norm_cell(cell: str) -> str:
    """A cell's text as a key: no markup, case or punctuation (see ``normalize_title``)."""
    return normalize_title(plain_text(cell)) if cell.strip() else ""


def is_dash_row(first: str, second: str) -> bool:
    """A row of dashes ("| --- | --- |") some authors put under a table's real header row."""
    return bool(_DASH.match(first) and _DASH.match(second or "-"))


def urls(text: str) -> list[str]:
    """The http(s)/mailto URLs a cell names, in order, without trailing punctuation."""
    found: list[str] = []
    for match in _URL.finditer(text.replace("\\", "")):
        url = match["url"].rstrip(".,;:!?*_'\"")
        if url not in found:
            found.append(url)
    return found


def is_one_url(value: str, url: str) -> bool:
    """Whether *value* is *url* and nothing more: bare, in angle brackets, or a lone link."""
    return value.strip() in {url, f"<{url}>"} or bool(LINK_ONLY.match(value.strip()))


def count_rows(report: Report, table: GfmTable, *, mapped: bool) -> None:
    """Count every row of *table* in the report: mapped or kept, or empty (header left out)."""
    for row in [table.header, *table.rows]:
        if not any(cell.strip() for cell in row.cells):
            if row is not table.header:
                report.rows_empty += 1
        elif mapped:
            report.rows_mapped += 1
        else:
            report.rows_kept += 1
