"""Read a hand-written HTML ``<table>`` into rows of Markdown cells.

Why: older assessments (Harbor, Keycloak) were exported from Google Docs with
their tables, the Metadata table included, as raw HTML. Raw HTML must not reach
the built pages (SPEC §8), but the table's text and links must not be lost
either, so the table is turned into cells of plain Markdown: paragraphs, bullet
items, links, emphasis and code; every other tag is dropped, its text kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_BLOCK_TAGS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr"}
_INLINE_MARK = {"em": "*", "i": "*", "strong": "**", "b": "**", "code": "`"}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#!~])")


def escape_markdown(text: str) -> str:
    """Text that Markdown shows as it is (no emphasis, links, HTML or table pipes)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


@dataclass(slots=True)
class HtmlCell:
    #: the cell as Markdown paragraphs (each one line)
    paragraphs: list[str] = field(default_factory=list)
    header: bool = False

    @property
    def markdown(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def inline(self) -> str:
        """The cell on one line, paragraphs separated by spaces (for option values)."""
        return " ".join(self.paragraphs)


class _TableReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[HtmlCell]] = []
        self.cell: HtmlCell | None = None
        self.line: list[str] = []
        self.bullet = False
        self.link: str | None = None
        self.link_text: list[str] = []
        self.depth = 0  # nested tables are read as text of the outer cell

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.depth += 1
            return
        if self.depth > 1:
            return
        if tag == "tr":
            self.rows.append([])
        elif tag in {"td", "th"}:
            if not self.rows:
                self.rows.append([])
            self.cell = HtmlCell(header=tag == "th")
            self.rows[-1].append(self.cell)
            self.line = []
        elif self.cell is None:
            return
        elif tag in _BLOCK_TAGS:
            self._flush()
            self.bullet = tag == "li"
        elif tag == "a":
            self.link = dict(attrs).get("href") or ""
            self.link_text = []
        elif tag in _INLINE_MARK:
            self._text(_INLINE_MARK[tag], raw=True)
        elif tag == "img":
            values = dict(attrs)
            src, alt = values.get("src") or "", values.get("alt") or ""
            if src:
                self._text(f"![{escape_markdown(alt)}]({_destination(src)})", raw=True)

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.depth -= 1
            return
        if self.depth > 1 or self.cell is None:
            return
        if tag in {"td", "th"}:
            self._flush()
            self.cell = None
        elif tag in _BLOCK_TAGS:
            self._flush()
        elif tag == "a" and self.link is not None:
            text = " ".join("".join(self.link_text).split())
            href, self.link = self.link, None
            if href and href == text:
                self._text(f"<{href}>", raw=True)
            elif href:
                self._text(f"[{escape_markdown(text) or href}]({_destination(href)})", raw=True)
            else:
                self._text(text)
        elif tag in _INLINE_MARK:
            self._text(_INLINE_MARK[tag], raw=True)

    def handle_data(self, data: str) -> None:
        if self.cell is None:
            return
        if self.link is not None:
            self.link_text.append(data)
        else:
            self._text(data)

    def _text(self, text: str, *, raw: bool = False) -> None:
        self.line.append(text if raw else escape_markdown(text))

    def _flush(self) -> None:
        if self.cell is None:
            return
        text = " ".join("".join(self.line).split())
        self.line = []
        if text:
            self.cell.paragraphs.append(f"- {text}" if self.bullet else text)
        self.bullet = False


def _destination(url: str) -> str:
    """A link destination Markdown reads back unchanged (angle brackets if it has spaces)."""
    url = url.strip()
    if re.search(r"[\s()<>]", url):
        return "<" + url.replace("<", "%3C").replace(">", "%3E") + ">"
    return url


def parse_html_table(html: str) -> list[list[HtmlCell]]:
    """The rows of the first table in *html*; text outside cells is ignored by the caller."""
    reader = _TableReader()
    reader.feed(html)
    reader.close()
    reader._flush()
    return [row for row in reader.rows if row]


def text_outside_cells(html: str) -> str:
    """Text of *html* that is in no cell (kept by the importer, so it is not lost)."""
    stripped = re.sub(r"(?is)<t[dh]\b.*?</t[dh]\s*>", " ", html)
    stripped = re.sub(r"(?s)<!--.*?-->", " ", stripped)
    stripped = re.sub(r"<[^>]*>", " ", stripped)
    return " ".join(stripped.split())
