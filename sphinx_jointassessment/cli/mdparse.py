"""Split a CNCF assessment written in Markdown into blocks that keep their exact source.

Why a block list and not a Markdown tree: the importer must keep whatever it does
not recognise *exactly as written*, so it works on the source lines themselves.
markdown-it (the parser MyST itself uses, so both agree on what is a heading, a
table or raw HTML) is only asked where each top-level block starts and ends and
what kind it is. Every line of the file belongs to exactly one :class:`Block`,
so nothing can fall between two blocks and get lost.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .errors import CliError

if TYPE_CHECKING:
    from pathlib import Path

    from markdown_it import MarkdownIt
    from markdown_it.token import Token

#: an assessment is a few hundred kilobytes; refuse what cannot be one
MAX_INPUT_BYTES = 16 * 1024 * 1024


def read_markdown(path: Path) -> str:
    """The text of *path* as UTF-8, with newlines normalised; :class:`CliError` otherwise."""
    return normalise_text(read_text_file(path, MAX_INPUT_BYTES, "a Markdown file"))


def read_text_file(path: Path, max_bytes: int, what: str) -> str:
    """The UTF-8 text of the regular file *path*, at most *max_bytes*; :class:`CliError` if not.

    *what* names the file the command expects, for the message about a folder.
    """
    try:
        if not path.exists():
            raise CliError(f"{path}: no such file")
        if path.is_dir():
            raise CliError(f"{path}: is a folder, not {what}")
        if not path.is_file():  # reading a FIFO would wait for a writer forever
            raise CliError(f"{path}: not a regular file (a FIFO, a device or a socket)")
        size = path.stat().st_size
        if size > max_bytes:
            raise CliError(f"{path}: {size} bytes, over the limit of {max_bytes}")
        data = path.read_bytes()
    except OSError as exc:
        raise CliError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CliError(f"{path}: not UTF-8 text (invalid byte at offset {exc.start})") from None


def normalise_text(text: str) -> str:
    """Unix newlines, no BOM, NUL as U+FFFD (what CommonMark does), no other C0 controls."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return "".join(
        "\ufffd" if ch == "\x00" else ch for ch in text if ch in "\n\t" or ch >= " " or ch == "\x00"
    )


@functools.cache
def markdown_parser() -> MarkdownIt:
    """CommonMark with GitHub tables and strikethrough, HTML recognised (not rendered)."""
    try:
        from markdown_it import MarkdownIt
    except ImportError:  # pragma: no cover - markdown-it-py comes with myst-parser
        raise CliError(
            "import needs markdown-it-py: pip install 'sphinx-jointassessment[myst]'"
        ) from None
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


@dataclass(slots=True)
class Block:
    """A run of source lines that markdown-it sees as one top-level block."""

    #: heading, paragraph, list, quote, code, html, html_table, table, hr, blank, other
    kind: str
    #: first line, 0-based
    start: int
    lines: list[str]
    #: the block's tokens, nested ones included
    tokens: list[Token] = field(default_factory=list)
    #: heading level (1-6) for headings
    level: int = 0
    #: heading text as written (inline Markdown), for headings
    title: str = ""

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def lineno(self) -> int:
        """1-based line number of the first line, for messages."""
        return self.start + 1


_KIND = {
    "heading_open": "heading",
    "paragraph_open": "paragraph",
    "bullet_list_open": "list",
    "ordered_list_open": "list",
    "blockquote_open": "quote",
    "fence": "code",
    "code_block": "code",
    "html_block": "html",
    "table_open": "table",
    "hr": "hr",
}

_TABLE_OPEN = re.compile(r"<table\b", re.IGNORECASE)
_TABLE_CLOSE = re.compile(r"</table\s*>", re.IGNORECASE)


def parse_blocks(text: str, *, offset: int = 0) -> list[Block]:
    """Every line of *text* in exactly one block, in order.

    *offset* is the 0-based source line of the text's first line, for text cut out
    of the document (a list item's content, kept table rows): blocks and token maps
    then give lines of the document, as a message must.
    """
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    tokens = markdown_parser().parse(text)
    spans: list[tuple[int, int, str, list[Token]]] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        stop = index + 1
        if token.nesting == 1:
            depth = 1
            while stop < len(tokens) and depth:
                depth += tokens[stop].nesting
                stop += 1
        if token.map is not None and token.level == 0:
            start, end = token.map
            spans.append((start, end, _KIND.get(token.type, "other"), tokens[index:stop]))
        index = stop
    spans = _merge_html_tables(spans, lines)
    blocks: list[Block] = []
    position = 0
    for start, end, kind, block_tokens in spans:
        start = max(start, position)
        end = max(end, start)
        if start > position:
            blocks.append(_gap(lines, position, start))
        if end > start:
            block = Block(kind, start, lines[start:end], block_tokens)
            if kind == "heading":
                block.level = int(block_tokens[0].tag[1])
                block.title = block_tokens[1].content.strip() if len(block_tokens) > 1 else ""
            blocks.append(block)
        position = end
    if position < len(lines):
        blocks.append(_gap(lines, position, len(lines)))
    if offset:
        for block in blocks:
            block.start += offset
            for token in block.tokens:
                if token.map is not None:
                    token.map = [token.map[0] + offset, token.map[1] + offset]
    return blocks


def _gap(lines: list[str], start: int, end: int) -> Block:
    """Lines no token covers: blank lines, or link reference definitions."""
    part = lines[start:end]
    kind = "blank" if all(not line.strip() for line in part) else "other"
    return Block(kind, start, part)


def _merge_html_tables(
    spans: list[tuple[int, int, str, list[Token]]], lines: list[str]
) -> list[tuple[int, int, str, list[Token]]]:
    """One block from ``<table>`` to its ``</table>``, even across blank lines.

    CommonMark ends an HTML block at a blank line, so a hand-written HTML table
    with blank lines inside arrives in pieces; the importer needs it whole.
    """
    merged: list[tuple[int, int, str, list[Token]]] = []
    index = 0
    while index < len(spans):
        start, end, kind, tokens = spans[index]
        index += 1
        if kind != "html" or not _TABLE_OPEN.match("\n".join(lines[start:end]).lstrip()):
            merged.append((start, end, kind, tokens))
            continue
        depth = 0
        close = None
        for number in range(start, len(lines)):
            depth += len(_TABLE_OPEN.findall(lines[number]))
            depth -= len(_TABLE_CLOSE.findall(lines[number]))
            if depth <= 0:
                close = number + 1
                break
        if close is None:  # never closed: leave the HTML as it is
            merged.append((start, end, kind, tokens))
            continue
        all_tokens = list(tokens)
        while index < len(spans) and spans[index][0] < close:
            close = max(close, spans[index][1])
            all_tokens.extend(spans[index][3])
            index += 1
        merged.append((start, max(end, close), "html_table", all_tokens))
    return merged


# -- tables ----------------------------------------------------------------------------------


@dataclass(slots=True)
class TableRow:
    cells: list[str]
    #: 0-based source line
    line: int


@dataclass(slots=True)
class GfmTable:
    """A GitHub table as the cells' Markdown source (escaped pipes kept as ``\\|``)."""

    header: TableRow
    delimiter: str
    rows: list[TableRow]

    @property
    def width(self) -> int:
        return len(self.header.cells)


def split_row(line: str) -> list[str]:
    """The cells of a table line, split at unescaped pipes, outer pipes removed."""
    text = line.strip()
    cells: list[str] = []
    current: list[str] = []
    escaped = False
    for ch in text:
        if escaped:
            current.append(ch)
            escaped = False
        elif ch == "\\":
            current.append(ch)
            escaped = True
        elif ch == "|":
            cells.append("".join(current))
            current = []
        else:
            current.append(ch)
    cells.append("".join(current))
    if text.startswith("|"):
        cells.pop(0)
    if len(cells) > 1 and text.endswith("|") and not text.endswith("\\|"):
        cells.pop()
    return [cell.strip() for cell in cells]


def unescape_cell(cell: str) -> str:
    """A table cell's text as meant: ``\\|`` was only escaped for the table syntax."""
    return cell.replace("\\|", "|")


def parse_gfm_table(block: Block) -> GfmTable:
    """The rows of a ``table`` block, from its source lines."""
    header = TableRow(split_row(block.lines[0]), block.start)
    rows = [
        TableRow(split_row(line), block.start + offset)
        for offset, line in enumerate(block.lines[2:], start=2)
        if line.strip()
    ]
    return GfmTable(header, block.lines[1], rows)


# -- inline text -----------------------------------------------------------------------------


def inline_tokens(source: str) -> list[Token]:
    """The inline children of *source* parsed as one paragraph."""
    tokens = markdown_parser().parseInline(source)
    return list(tokens[0].children or []) if tokens else []


def plain_text(source: str) -> str:
    """What a reader sees of inline Markdown: text, code and link text, no markup."""
    parts: list[str] = []
    for token in inline_tokens(source):
        if token.type in {"text", "code_inline", "html_inline"}:
            parts.append(token.content)
        elif token.type in {"softbreak", "hardbreak"}:
            parts.append(" ")
        elif token.type == "image":
            parts.append(token.content)
    return " ".join("".join(parts).split())


def slug_source_text(source: str) -> str:
    """The text MyST (and GitHub) make a heading's anchor from: text and code only."""
    return "".join(
        token.content for token in inline_tokens(source) if token.type in {"text", "code_inline"}
    )


_SLUG_CLEAN = re.compile(r"[^\w\u4e00-\u9fff\- ]")


def github_slug(title: str) -> str:
    """GitHub's heading anchor, as ``myst_parser.slugs.github_slugify`` computes it."""
    return _SLUG_CLEAN.sub("", title.lower().replace(" ", "-"))


def unique_slug(slug: str, existing: set[str]) -> str:
    """``x``, ``x-1``, ``x-2``... as GitHub and MyST number repeated headings."""
    candidate, number = slug, 1
    while candidate in existing:
        candidate = f"{slug}-{number}"
        number += 1
    return candidate


_BOLD_LINE = re.compile(r"^\s*(\*\*|__)(?P<text>[^*_\n]+?)(\1)\s*:?\s*$")


def bold_line_title(block: Block) -> str | None:
    """The text of a paragraph that is one bold line (a heading some authors write)."""
    if block.kind != "paragraph" or len(block.lines) != 1:
        return None
    match = _BOLD_LINE.match(block.lines[0])
    if match is None:
        return None
    return match["text"].strip().rstrip(":").strip() or None


def display_width(text: str) -> int:
    """Columns *text* takes in a monospace font (wide East Asian characters count two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
