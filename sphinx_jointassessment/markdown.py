"""GitHub-flavoured Markdown that the CNCF repository's linter accepts as it is.

The ``jointassessment`` builder hands a joint assessment to the CNCF as one
Markdown file, and the CNCF repository runs ``markdownlint-cli`` with its own
configuration on every pull request (SPEC §4). A single problem there means a
reviewer has to fix our output by hand, so everything here is written to give
*zero* problems under that configuration, whatever text the sources hold, and
to keep SPEC §8's promise that no text reaches the output as live HTML and no
``javascript:`` (or other non-web) URL is ever linked.

The module has two layers:

* small, pure helpers that make one piece of text safe (:func:`escape_inline`,
  :func:`escape_cell`, :func:`code_span`, :func:`md_link`, :func:`md_table`,
  :func:`github_slug`), usable on their own by code that
  builds Markdown from data (tables of findings, the table of contents);
* :class:`MarkdownTranslator`, a docutils visitor that turns a doctree fragment
  into Markdown, and :func:`to_markdown`, its entry point.

Choices made for the linter rules that leave room for them (markdownlint-cli at
the version pyproject.toml pins for the tests, CNCF configuration):

* MD036 (emphasis used instead of a heading) fires on a top-level paragraph that
  is nothing but one emphasised or strong run without trailing punctuation. A
  real heading is not an option: it would enter the outline and shift GitHub's
  anchors, breaking the table of contents. Such a paragraph therefore keeps its
  text and loses its emphasis markers (:func:`unemphasize_pseudo_headings`,
  run by :func:`to_markdown`). Inside lists, quotes and tables the rule does not
  apply and emphasis is kept. Rubrics (written bold) follow the same rule;
  admonition and topic titles end with a colon and keep theirs.
* MD059 (descriptive link text) fires on links whose text is "here", "link",
  "more" or "click here". The text is kept as plain text and the URL follows it
  as an autolink: ``here (<https://example.org>)``; nothing is lost.
* MD029 wants ordered lists to count from 1, so an enumerated list that starts
  elsewhere, or uses letters or roman numerals, is numbered ``1.``, ``2.``...
* MD014 flags code blocks whose every line is a ``$ command`` with no output;
  the prompts are dropped in that case (the fix the rule itself proposes).
* MD028 forbids two block quotes separated only by a blank line, and joining
  them would merge two admonitions (and the lists inside them). Adjacent quotes
  are kept apart by ``[//]: #``, an unused link reference definition: it
  renders as nothing, is not HTML, and MD053 ignores the ``//`` label by
  default precisely for this use.
* MD024 (here: no two sibling headings alike): a heading is written as it is,
  and a repeat of a sibling's text is preceded by the linter's own
  ``<!-- markdownlint-disable-next-line MD024 -->`` comment (GitHub shows
  nothing of it and gives the repeat the anchor ``-1``, as the table of
  contents expects), rather than changing what the author wrote.
* Two lists in a row would merge into one (and break MD029's numbering), so
  the second uses ``+`` (after ``*``) or ``1)`` (after ``1.``); MD004 is off in
  the CNCF configuration. Empty list items are left out.
* MD013 (512 columns here) is met by wrapping long paragraphs at
  :attr:`MarkdownTranslator.wrap_width` columns, never where the next line would
  start a block (``-``, ``+``, ``=``, a number, a code fence).
* MD038 forbids spaces at the inside edges of a code span, so code spans are
  stripped; MD010 forbids hard tabs even in code, so tabs are expanded.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.utils import new_document

from .urls import clean_url, image_problem, is_web_url, link_problem

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

__all__ = [
    "QUOTE_SEPARATOR",
    "MarkdownTranslator",
    "code_span",
    "escape_cell",
    "escape_inline",
    "escape_text_with_links",
    "fenced_code",
    "github_slug",
    "join_blocks",
    "join_inline",
    "md_link",
    "md_table",
    "to_markdown",
    "unemphasize_pseudo_headings",
]

# --------------------------------------------------------------------------
# Text cleaning and escaping
# --------------------------------------------------------------------------

#: Characters removed from any text: C0/C1 controls other than whitespace (a NUL
#: or ESC has no business in a report and some renderers choke on it) and the
#: bidirectional embedding/override/isolate controls, which can make a reviewer
#: read text in another order than the one it has ("Trojan Source").
_REMOVED_CHARS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]")
#: Line and paragraph separators that some tools treat as line ends.
_LINE_SEPARATORS = re.compile("[\x85\u2028\u2029]")
#: ASCII whitespace only: a no-break space is content and is kept.
_ASCII_SPACE = re.compile(r"[ \t\n\r\f\v]+")

#: ``<`` could start raw HTML (or an autolink): always written as an entity.
_ENTITIES = {"<": "&lt;"}
#: What :func:`escape_inline` escapes, and only where it has a meaning, so that
#: what the author wrote stays readable in the Markdown itself: ``\ ` * [ ] | ~ $``
#: everywhere (``$`` is GitHub's math delimiter, ``~`` its strikethrough, ``|``
#: a table cell), ``<`` as an entity, ``&`` only where it would start an entity
#: (``&amp;``, ``&#60;``), ``_`` only where it could open or close emphasis (not
#: inside a word: ``snake_case`` stays as it is), and ``#`` only where it could
#: start a heading. ``>`` and a plain ``-`` mean nothing inside a line.
_INLINE_SPECIAL = re.compile(
    r"[\\`*\[\]|~$<]"
    r"|&(?=#[0-9]{1,7};|#[xX][0-9A-Fa-f]{1,6};|[A-Za-z][A-Za-z0-9]{0,31};)"
    r"|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])"
    # a heading's own ``#``, or a closing run at the end of a heading's text
    r"|^#|(?<=\s)#(?=#*\s*$)"
    # GFM autolink literals: e-mail addresses, http(s)://..., www....; each is
    # broken by one escape so that MD034 (bare URL) cannot fire on prose.
    r"|(?<=[A-Za-z0-9._+-])@(?=[A-Za-z0-9_-])"
    r"|(?<=[A-Za-z0-9]):(?=//)"
    r"|(?<=[wW][wW][wW])\."
)
#: Text that would start a block when it begins a line: a list item (``-``,
#: ``+``, ``*`` then a space), a heading (``#``), a block quote (``>``), a setext
#: underline or thematic break (a line of ``=`` or ``-``), a table delimiter row
#: (``:---``). Only the first line of a paragraph can begin with text: wrapping
#: never starts a line with such a sign (see :meth:`MarkdownTranslator.wrap`).
_LEADING_SIGN = re.compile(r"^(\s*)([-+*](?=[ \t]|$)|[=-](?=[=-]*\s*$)|>|#|:(?=\s*-))")
_LEADING_NUMBER = re.compile(r"^(\s*)(\d{1,9})([.)])(?=[ \t]|$)")


def _clean(text: str) -> str:
    """Drop control and bidi-override characters; turn odd line separators into
    newlines so that they are collapsed like any other line break."""
    return _REMOVED_CHARS.sub("", _LINE_SEPARATORS.sub("\n", text))


def _escape_char(match: re.Match[str]) -> str:
    char = match.group(0)
    return _ENTITIES.get(char, "\\" + char)


def escape_inline(text: str, *, line_start: bool = True) -> str:
    """Return *text* as Markdown inline text that renders exactly as *text*.

    Each character is escaped where it has a meaning in GFM inline text, and
    only there (see :data:`_INLINE_SPECIAL`): no raw HTML or entity can survive,
    and plain text stays plain. Autolink literals are broken so that the linter
    never sees a bare URL. With *line_start* (the default: the text may begin a
    line), what would start a block there (``- ``, ``> ``, ``1. ``, a line of
    ``=``...) is escaped too. Runs of ASCII whitespace, newlines included, become
    one space: the result always fits on one line. Leading and trailing spaces
    are kept, since the text may sit between other inline pieces.
    """
    text = _ASCII_SPACE.sub(" ", _clean(text))
    leading = line_start and bool(_LEADING_SIGN.match(text) or _LEADING_NUMBER.match(text))
    text = _INLINE_SPECIAL.sub(_escape_char, text)
    if not leading:
        return text
    text = _LEADING_SIGN.sub(r"\1\\\2", text)
    return _LEADING_NUMBER.sub(r"\1\2\\\3", text)


def escape_cell(text: str) -> str:
    """Return *text* as the content of one GFM table cell.

    This is :func:`escape_inline` (which escapes every ``|`` and backtick, so no
    code span can open and swallow a cell separator) with the surrounding spaces
    removed; a cell holds inline content only, so nothing at its start can begin
    a block. The result may be empty: :func:`md_table` writes an empty cell.
    """
    return escape_inline(text, line_start=False).strip()


_UNESCAPED_PIPE = re.compile(r"(?<!\\)((?:\\\\)*)\|")
_ODD_BACKSLASHES_BEFORE_PIPE = re.compile(r"(?<!\\)\\(?:\\\\)*\|")
_BACKTICK_RUN = re.compile(r"`+")


def code_span(text: str, *, in_table: bool = False) -> str:
    """Return *text* as a code span, whatever backticks it contains.

    The fence is one backtick longer than the longest backtick run inside, with
    a padding space when the text starts or ends with a backtick (CommonMark
    strips it). Line breaks and tabs become spaces, and the edges are stripped
    because MD038 rejects spaces inside a code span; empty text gives ``""``.

    In a GFM table the row is split at pipes *before* code spans are seen, so
    with ``in_table=True`` pipes are written ``\\|`` (GitHub shows ``|``). A
    backslash right before a pipe cannot be written inside a code span in a
    table; such text is given as escaped plain text instead, which loses the
    monospace font but not a character.
    """
    text = _clean(text)
    text = re.sub(r"[\t\n\r\f\v]", " ", text).strip(" ")
    if not text:
        return ""
    if in_table:
        if _ODD_BACKSLASHES_BEFORE_PIPE.search(text):
            return escape_cell(text)
        text = text.replace("|", "\\|")
    longest = max((len(run) for run in _BACKTICK_RUN.findall(text)), default=0)
    fence = "`" * (longest + 1)
    if text.startswith("`") or text.endswith("`"):
        text = f" {text} "
    return f"{fence}{text}{fence}"


# --------------------------------------------------------------------------
# URLs and links
# --------------------------------------------------------------------------

# Which URLs are linked is decided by :mod:`.urls` (the one URL policy); this
# part only writes them.

#: Characters percent-encoded in a written URL: they would end or confuse the
#: link destination, split a table row, or are not allowed in URLs at all.
_URL_ENCODED = {c: f"%{ord(c):02X}" for c in ' "<>\\^`{|}()'}
_ENTITY_LIKE = re.compile(r"&(?=#[0-9]{1,7};|#[xX][0-9A-Fa-f]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)")
#: An autolink's text is taken literally (no escapes, and entities are read
#: differently by different parsers), so only URLs without ``&`` or ``\`` use it.
_AUTOLINK_SAFE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>&\\`|]+")


def _encode_url(url: str) -> str:
    """Percent-encode what cannot appear in a link destination or a table."""
    url = "".join(_URL_ENCODED.get(char, char) for char in clean_url(url))
    return _ENTITY_LIKE.sub("&amp;", url)


def _autolink_or_link(url: str) -> str:
    """``<url>`` when the URL can be an autolink as it is, else ``[url](url)``."""
    encoded = _encode_url(url)
    if _AUTOLINK_SAFE.fullmatch(encoded):
        return f"<{encoded}>"
    return f"[{escape_inline(clean_url(url)).strip()}]({encoded})"


#: Link texts that MD059 (descriptive link text) rejects by default, normalised
#: as the rule normalises them.
_VAGUE_LINK_TEXTS = frozenset({"click here", "here", "link", "more"})


def _is_vague_link_text(text: str) -> bool:
    """Whether markdownlint's MD059 would call *text* non-descriptive."""
    normal = re.sub(r"\s+", " ", re.sub(r"[^A-Za-z0-9]+", " ", text)).lower().strip()
    return normal in _VAGUE_LINK_TEXTS


#: A bare URL or e-mail address in text, as GitHub links it (GFM's autolink literals;
#: ``www.`` names are left as text: linking them would add the ``http://`` shown)
_BARE_URL = re.compile(
    r"(?<![\w@/.:+-])(?:https?://[^\s<>]+"
    r"|[A-Za-z0-9._+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+)",
    re.IGNORECASE,
)
#: what an autolink shows as written (a pipe would end a table cell)
_AUTOLINK_TEXT = re.compile(r"[^\s<>\\`|\x00-\x1f\x7f]+")
#: what GFM leaves out of the end of an autolink literal
_TRAILING = "?!.,:*_~'\""


def _bare_url_end(url: str) -> str:
    """*url* without the punctuation after it that GFM does not count as part of it."""
    while url:
        unbalanced = url.endswith(")") and url.count("(") < url.count(")")
        if url[-1] in _TRAILING or unbalanced:
            url = url[:-1]
        else:
            break
    return url


def _autolink_as_written(url: str) -> bool:
    """Whether ``<url>`` shows *url* exactly (no escape, entity or cell separator in it)."""
    return bool(_AUTOLINK_TEXT.fullmatch(url)) and not _ENTITY_LIKE.search(url)


def escape_text_with_links(text: str, *, line_start: bool = True) -> str:
    """:func:`escape_inline`, but bare web URLs and e-mail addresses stay links.

    GitHub links a bare ``https://...`` or ``name@example.org`` in Markdown, and
    docutils does in reStructuredText: what the author wrote as a link must not
    reach the submitted file as text. A URL is written as an autolink (``<...>``,
    which the CNCF markdownlint config accepts where it refuses bare URLs), an
    address as a ``mailto:`` link showing it; a URL that the URL policy refuses,
    or that an autolink would not show exactly as written (an entity, a backtick,
    a pipe), stays escaped text.
    """
    text = _clean(text)  # what escape_inline drops never becomes part of a link
    pieces: list[str] = []
    position = 0
    for match in _BARE_URL.finditer(text):
        url = _bare_url_end(match.group(0))
        if "://" in url:
            # shown exactly as written: no character an autolink would change or end on
            if not (is_web_url(url) and url.split("://", 1)[1] and _autolink_as_written(url)):
                continue
            link = f"<{url}>"
        elif "." in url.rsplit("@", 1)[1]:
            link = md_link(url, f"mailto:{url}")
        else:
            continue
        before = text[position : match.start()]
        before = escape_inline(before, line_start=line_start and position == 0)
        if link.startswith("[") and before.endswith("!"):
            before = before[:-1] + "\\!"  # or "![" would make the link an image
        pieces.extend((before, link))
        position = match.start() + len(url)
    if not pieces:
        return escape_inline(text, line_start=line_start)
    pieces.append(escape_inline(text[position:], line_start=False))
    return "".join(pieces)


def md_link(label: str, url: str, *, plain_label: str | None = None) -> str:
    """Return a link to *url* whose text is *label* (already Markdown).

    Only web URLs (:func:`.urls.is_web_url`) and in-page fragments (``#anchor``)
    are linked; any other URL gives *label* alone, so no ``javascript:`` or
    ``data:`` link can be written. An empty label, or a label equal to the URL,
    gives an autolink ``<url>`` (MD042, MD034). A label that MD059 rejects ("here",
    "more"...) stays as text followed by the URL as an autolink. *plain_label*
    is the label's visible text, used for that check (defaults to *label*).
    Pipes in the URL are percent-encoded, so the result is safe in a table.
    """
    label = label.strip()
    visible = (plain_label if plain_label is not None else label).strip()
    cleaned = clean_url(url)
    if cleaned.startswith("#") and len(cleaned) > 1 and link_problem(cleaned) is None:
        if not label:
            return escape_inline(cleaned[1:]).strip()
        return f"[{label}]({_encode_url(cleaned)})"
    if not is_web_url(cleaned):
        return label
    if not label or visible == cleaned:
        return _autolink_or_link(cleaned)
    if _is_vague_link_text(visible):
        return f"{label} ({_autolink_or_link(cleaned)})"
    return f"[{label}]({_encode_url(cleaned)})"


# --------------------------------------------------------------------------
# Headings and anchors
# --------------------------------------------------------------------------

#: Trailing punctuation that MD026 rejects in a heading (its default set).
_HEADING_PUNCTUATION = ".,;:!\u3002\uff0c\uff1b\uff1a\uff01"
_TRAILING_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);$")


def _strip_heading_text(text: str) -> str:
    """Remove trailing MD026 punctuation (and spaces) from a plain title."""
    return text.rstrip(" " + _HEADING_PUNCTUATION)


def _strip_heading_markdown(markdown: str) -> str:
    """Remove trailing MD026 punctuation from a heading's Markdown text.

    An escaped punctuation character loses its backslash too; an entity at the
    end (``&amp;``) is left alone (MD026 ignores it, and cutting its ``;`` would
    show the entity's name). A heading of punctuation only ("...") keeps it,
    its last character written as a numeric entity, which MD026 accepts.

    The text is cut once, at an end found by stepping back over it: a title of a
    million dots costs a million steps, not a million copies of the title; and
    without a backslash or an entity at the cut, one ``rstrip``.
    """
    original = markdown.rstrip()
    kept = original.rstrip(_HEADING_PUNCTUATION + _WHITESPACE)
    end = len(kept)
    if kept.endswith("\\") or original[end : end + 1] == ";":
        end = _heading_end(original)
    if not end and original:
        return f"{original[:-1]}&#{ord(original[-1])};"
    return original[:end]


#: every character that ``str.strip()`` removes (those for which ``str.isspace()`` holds)
_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def _heading_end(original: str) -> int:
    """Where :func:`_strip_heading_markdown` cuts, found one character at a time."""
    end = len(original)
    while end and original[end - 1] in _HEADING_PUNCTUATION:
        if original[end - 1] == ";" and _ends_with_entity(original, end):
            break
        end -= 1
        backslashes = 0
        while backslashes < end and original[end - 1 - backslashes] == "\\":
            backslashes += 1
        if backslashes % 2 == 1:
            end -= 1
        while end and original[end - 1].isspace():
            end -= 1
    return end


def _ends_with_entity(text: str, end: int) -> bool:
    """Whether ``text[:end]`` ends with an entity.

    It can only start at the last ``&``; and :func:`_heading_end` asks at most once
    per heading (after a ``;`` that follows a letter or a digit the cut stops either
    way), so the search back for that ``&`` keeps the clean-up linear.
    """
    if not text[end - 2 : end - 1].isalnum():  # "&...;" has a letter or digit before ";"
        return False
    start = text.rfind("&", 0, end)
    return start >= 0 and _TRAILING_ENTITY.fullmatch(text, start, end) is not None


def _slug_char(char: str) -> bool:
    """GitHub keeps letters, marks, numbers, connector punctuation, ``-`` and space."""
    if char in "- ":
        return True
    category = unicodedata.category(char)
    return category[0] in "LMN" or category == "Pc"


def github_slug(title: str, seen: dict[str, int]) -> str:
    """Return GitHub's anchor for a heading titled *title* (plain text).

    GitHub (and markdownlint's MD051, which checks our table of contents)
    lower-case the heading text, drop every character that is not a letter,
    mark, number, connector punctuation, ``-`` or space, and turn spaces into
    ``-``: "Related Projects / Vendors" gives ``related-projects--vendors``.
    The *n*-th repeat of an anchor gets ``-n``; *seen* counts the anchors of one
    document and is updated, so call this once per heading, in order.

    The title is normalised as the heading will be written (whitespace runs to
    one space, trailing MD026 punctuation removed) so the anchor matches the
    heading that :class:`MarkdownTranslator` writes. An empty anchor (a title of
    punctuation only) is returned as ``""`` and not counted, as GitHub does.
    """
    text = _strip_heading_text(_ASCII_SPACE.sub(" ", _clean(title)).strip())
    slug = "".join(char for char in text.lower() if _slug_char(char)).replace(" ", "-")
    if not slug:
        return ""
    count = seen.get(slug, 0)
    seen[slug] = count + 1
    return f"{slug}-{count}" if count else slug


# --------------------------------------------------------------------------
# Blocks: tables, code
# --------------------------------------------------------------------------


def _guard_cell(cell: str) -> str:
    """One cell on one line, with every pipe escaped.

    Cells given to :func:`md_table` are meant to be escaped already; this is
    idempotent on those and makes any other string safe for the row count.
    """
    cell = _ASCII_SPACE.sub(" ", _clean(cell)).strip()
    return _UNESCAPED_PIPE.sub(r"\1\\|", cell)


def md_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Return a GFM table (no surrounding blank lines) from Markdown cells.

    Cells should come from :func:`escape_cell`, :func:`code_span` with
    ``in_table=True`` or :func:`md_link`; as a safeguard any line break is made a
    space and any unescaped pipe escaped, so no input can change the number of
    cells of a row. Every row, the header included, is padded with empty cells
    to the widest row (GFM would silently drop extra cells). Rows are written in
    the "compact" style of MD060 (``| a | b |``, empty cell ``| |``) with a
    ``| --- |`` delimiter row. With no column at all the result is ``""``.
    """
    width = max([len(header), *(len(row) for row in rows)])
    if width == 0:
        return ""

    def line(cells: Sequence[str]) -> str:
        guarded = [_guard_cell(cell) for cell in cells]
        guarded += [""] * (width - len(guarded))
        return "|" + "".join(f" {cell} |" if cell else " |" for cell in guarded)

    lines = [line(header), "|" + " --- |" * width]
    lines.extend(line(row) for row in rows)
    return "\n".join(lines)


_LANGUAGE_ALIASES = {"default": "text", "none": "text", "guess": "text", "": "text"}
_DOLLAR_PROMPT = re.compile(r"^(\s*)\$\s+")


def fenced_code(text: str, language: str | None = None, *, tab_width: int = 8) -> str:
    """Return *text* as a fenced code block with a language (MD040).

    The fence is made of backticks, one longer than any backtick run inside
    (and at least three). Tabs are expanded (MD010
    applies to code too), trailing spaces and blank edge lines dropped. When
    every line is a ``$ command`` the prompts go, as MD014 asks. The language
    keeps only characters valid in an info string; unknown or Sphinx's
    ``default``/``none`` give ``text``.
    """
    text = _REMOVED_CHARS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [line.expandtabs(tab_width).rstrip() for line in text.split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    nonblank = [line for line in lines if line.strip()]
    if nonblank and all(_DOLLAR_PROMPT.match(line) for line in nonblank):
        lines = [_DOLLAR_PROMPT.sub(r"\1", line) for line in lines]
    lang = info_string(language)
    longest = max((len(run) for run in _BACKTICK_RUN.findall(text)), default=0)
    fence = "`" * max(3, longest + 1)
    return "\n".join([fence + (lang or "text"), *lines, fence])


#: info strings that GitHub does not show as code but draws: a diagram, a formula, a
#: map, a 3D model. A code block written so in the docs is shown as code there.
DRAWN_LANGUAGES = frozenset({"mermaid", "math", "geojson", "topojson", "stl"})
#: attribute of a literal block that the extension itself makes to be drawn (a
#: data-flow diagram): markup cannot set it, so no code block of a page passes for one
DIAGRAM_ATTRIBUTE = "ja-diagram"


def info_string(language: str | None) -> str:
    """The info string of a fence: only characters valid in one, Sphinx's aliases mapped."""
    lang = re.sub(r"[^A-Za-z0-9_+#.-]", "", (language or "").strip())
    return _LANGUAGE_ALIASES.get(lang.lower(), lang)


# --------------------------------------------------------------------------
# Whole-document fixes
# --------------------------------------------------------------------------

_PSEUDO_HEADING = re.compile(r"(\*\*?)(?=[^\s*])([^*\\`&<\[\]]*?)(?<=[^\s*])\1")
_MD036_PUNCTUATION = _HEADING_PUNCTUATION + "?\uff1f"
#: A fence opening; a backtick fence's info string has no backtick, so a line
#: that starts with a code span is not one.
_FENCE_OPEN = re.compile(r"(`{3,})[^`]*|(~{3,}).*")


def unemphasize_pseudo_headings(markdown: str) -> str:
    """Drop the emphasis of top-level paragraphs that MD036 takes for headings.

    MD036 fires on a single-line, top-level paragraph that is one ``*...*`` or
    ``**...**`` run of plain text not ending in punctuation. Those paragraphs
    are written without the markers (see the module docstring for why they do
    not become headings). Code fences are skipped.
    """
    lines = markdown.split("\n")
    fence: str | None = None
    for index, line in enumerate(lines):
        if fence is not None:
            stripped = line.strip()
            if stripped.startswith(fence) and set(stripped) == {fence[0]}:
                fence = None
            continue
        opening = _FENCE_OPEN.fullmatch(line)
        if opening:
            fence = opening.group(1) or opening.group(2)
            continue
        alone = (index == 0 or not lines[index - 1].strip()) and (
            index == len(lines) - 1 or not lines[index + 1].strip()
        )
        match = _PSEUDO_HEADING.fullmatch(line)
        if alone and match and not match.group(2).endswith(tuple(_MD036_PUNCTUATION)):
            lines[index] = match.group(2)
    return "\n".join(lines)


def _finish(markdown: str) -> str:
    """Trailing spaces off every line, one final newline, no blank edges."""
    markdown = markdown.replace(_BREAK, " ")
    lines = [line.rstrip() for line in markdown.split("\n")]
    text = "\n".join(lines).strip("\n")
    text = unemphasize_pseudo_headings(text)
    return text + "\n" if text else ""


# --------------------------------------------------------------------------
# The translator
# --------------------------------------------------------------------------

#: Marks a space where a long paragraph may be wrapped. It is a control
#: character, so it cannot come from the input (:func:`_clean` removes those).
_BREAK = "\x1f"
#: A wrapped line must not start with these: it would open a list item, a
#: setext underline, a numbered list or a code fence.
_UNSAFE_LINE_START = re.compile(r"[-+=:0-9>#]|```|~~~")

_ADMONITION_LABELS = {
    "attention": "Attention",
    "caution": "Caution",
    "danger": "Danger",
    "error": "Error",
    "hint": "Hint",
    "important": "Important",
    "note": "Note",
    "tip": "Tip",
    "warning": "Warning",
    "seealso": "See also",
}

_BIBLIOGRAPHIC = (
    nodes.author,
    nodes.authors,
    nodes.organization,
    nodes.address,
    nodes.contact,
    nodes.version,
    nodes.revision,
    nodes.status,
    nodes.date,
    nodes.copyright,
)


@dataclass
class _Frame:
    """Output being collected for one container: finished blocks, plus the
    inline pieces of a paragraph not yet closed."""

    blocks: list[str] = field(default_factory=list)
    inline: list[str] = field(default_factory=list)


def _last_outer_line(block: str) -> str:
    """The last unindented line of *block*: it belongs to the construct that
    ends the block (a list's last item, a fence's closing line, a paragraph)."""
    lines = [line for line in block.split("\n") if line and not line[0].isspace()]
    return lines[-1] if lines else ""


def _ends_with_list(block: str, markers: str) -> bool:
    """Whether *block* ends with a bullet list using one of *markers*."""
    return bool(re.match(rf"[{re.escape(markers)}](?: |$)", _last_outer_line(block)))


def _ends_with_ordered_list(block: str, delimiter: str) -> bool:
    """Whether *block* ends with an ordered list using *delimiter*."""
    return bool(re.match(rf"\d+{re.escape(delimiter)}(?: |$)", _last_outer_line(block)))


def join_inline(pieces: Iterable[str]) -> str:
    """Concatenate inline Markdown pieces.

    Two code spans, or two emphasis runs, that touch would merge their
    delimiter runs into one (```` `a``b` ````) and the text would render
    wrong; a space is put between them. A piece that starts and ends with a
    backtick (or ``*``) is a code span (or emphasis): escaped text never
    starts with one, and a backslash before the closing backtick of a code
    span is not an escape.
    """
    result = ""
    previous = ""
    for piece in pieces:
        if not piece:
            continue
        if any(
            piece.startswith(char) and previous.startswith(char) and previous.endswith(char)
            for char in "`*"
        ):
            result += " "
        result += piece
        previous = piece
    return result


#: Renders as nothing; keeps two block quotes apart (see the module docstring).
QUOTE_SEPARATOR = "[//]: #"
#: One HTML comment and nothing else (``--!>`` also ends a comment in HTML).
_HTML_COMMENT = re.compile(r"\s*<!--(?P<inner>(?:(?!--!?>).)*?)--!?>\s*", re.DOTALL)
#: What the CNCF repository's linters read in comments: cspell's and markdownlint's
#: inline settings (``cSpell:ignore kestrel``, ``markdownlint-disable MD024``)
_LINTER_COMMENT = re.compile(
    r"(?:(?:cspell|spell-checker)\s*:|markdownlint-(?:disable|enable|capture|restore|configure-file)"
    r"[\w-]*(?=\s|$))[^<>\n]*",
    re.IGNORECASE,
)


def linter_comment(text: str) -> str | None:
    """*text* as a linter's inline setting safe to write in an HTML comment, or None.

    Only cspell's and markdownlint's settings are kept (SPEC §4): other comments
    are notes for the docs' authors. The text must not be able to end the
    comment early, so ``--``, ``<`` and ``>`` rule it out.
    """
    inner = " ".join(text.split())
    if "--" in inner.replace("markdownlint-", "markdownlint") or not _LINTER_COMMENT.fullmatch(
        inner
    ):
        return None
    return inner


#: Renders as nothing; tells markdownlint that a repeated sibling heading is meant.
REPEATED_HEADING = "<!-- markdownlint-disable-next-line MD024 -->"


def join_blocks(blocks: Iterable[str]) -> str:
    """Join Markdown blocks with one blank line (MD012, MD022, MD031, MD032).

    Two block quotes in a row get :data:`QUOTE_SEPARATOR` between them: with a
    blank line only, MD028 complains, and without one they would be one quote.
    """
    result = ""
    for block in blocks:
        block = block.strip("\n")
        if not block.strip():
            continue
        if not result:
            result = block
        elif result.rsplit("\n", 1)[-1].startswith(">") and block.startswith(">"):
            result += f"\n\n{QUOTE_SEPARATOR}\n\n" + block
        else:
            result += "\n\n" + block
    return result


class MarkdownTranslator(nodes.NodeVisitor):  # type: ignore[misc]
    """Convert a docutils/Sphinx doctree fragment to GitHub-flavoured Markdown.

    Use :func:`to_markdown`; use this class directly to extend it. The output
    is assembled from *blocks* (paragraphs, lists, fences, tables...) that are
    joined with one blank line. A visitor method either adds inline Markdown
    to the current paragraph (:meth:`add_inline`) or a finished block
    (:meth:`add_block`), usually after rendering the node's children with
    :meth:`render_children` (blocks) or :meth:`render_inline` (one line), and
    then raises :class:`docutils.nodes.SkipNode`. Container nodes that need no
    markup of their own (``section`` aside) are simply walked through.

    To support a custom node ``mynode``, subclass and add ``visit_mynode``
    (and ``depart_mynode`` if the visit does not raise ``SkipNode``)::

        class MyTranslator(MarkdownTranslator):
            def visit_mynode(self, node: nodes.Element) -> None:
                self.add_block(md_table(["Name"], [[escape_cell(node["name"])]]))
                raise nodes.SkipNode

    then call ``to_markdown(tree, translator_class=MyTranslator)``. Node types
    without a method are never an error: their children are rendered, a
    text-holding node as a paragraph of its own.
    """

    #: Long paragraphs are wrapped to lines of about this many columns (the
    #: CNCF configuration allows 512; 0 disables wrapping).
    wrap_width: ClassVar[int] = 100
    #: Tab stops for literal blocks, as docutils uses.
    tab_width: ClassVar[int] = 8

    def __init__(self, document: nodes.document, *, heading_level: int = 2) -> None:
        super().__init__(document)
        #: Level of the headings of the outermost sections.
        self.heading_level = min(max(heading_level, 1), 6)
        #: Level of the section being visited (``heading_level - 1`` outside).
        self.section_level = self.heading_level - 1
        #: Nesting depth of table cells being rendered; inside one, blocks are
        #: flattened to one line and pipes escaped.
        self.table_depth = 0
        #: ``(level, plain text)`` of every heading written, in order.
        self.headings: list[tuple[int, str]] = []
        self._frames: list[_Frame] = [_Frame()]
        self._sibling_headings: dict[int, set[str]] = {}
        #: Nesting depth of links being rendered: a bare URL in a link's text stays text.
        self._link_depth = 0

    # ------------------------------------------------------------- core API

    @property
    def in_table(self) -> bool:
        """Whether the output is going into a table cell."""
        return self.table_depth > 0

    @property
    def frame(self) -> _Frame:
        """The output being collected for the innermost container."""
        return self._frames[-1]

    def add_inline(self, markdown: str) -> None:
        """Append inline Markdown to the paragraph being collected."""
        self.frame.inline.append(markdown)

    def flush_inline(self) -> None:
        """Close the paragraph being collected, if any, as a block."""
        frame = self.frame
        if frame.inline:
            text = join_inline(frame.inline).strip(" " + _BREAK)
            frame.inline.clear()
            if text:
                frame.blocks.append(self.wrap(text))

    def add_block(self, markdown: str) -> None:
        """Append a finished Markdown block (it may span several lines)."""
        self.flush_inline()
        markdown = markdown.strip("\n")
        if markdown.strip():
            self.frame.blocks.append(markdown)

    @property
    def previous_block(self) -> str:
        """The last block of the current container, or ``""``."""
        return self.frame.blocks[-1] if self.frame.blocks else ""

    def _collect(self, children: Iterable[nodes.Node]) -> _Frame:
        self._frames.append(_Frame())
        try:
            for child in children:
                child.walkabout(self)
            self.flush_inline()
        finally:
            frame = self._frames.pop()
        return frame

    def render_nodes(self, children: Iterable[nodes.Node]) -> str:
        """Markdown of *children*, as blocks separated by blank lines."""
        return join_blocks(self._collect(children).blocks)

    def render_children(self, node: nodes.Node) -> str:
        """Markdown of *node*'s children, as blocks separated by blank lines."""
        return self.render_nodes(node.children if isinstance(node, nodes.Element) else [])

    def render(self, node: nodes.Node) -> str:
        """Markdown of *node* itself (its own markup included)."""
        return self.render_nodes([node])

    def _inline_raw(self, children: Iterable[nodes.Node]) -> str:
        """One line of Markdown, wrap points kept as :data:`_BREAK`."""
        self._frames.append(_Frame())
        try:
            for child in children:
                child.walkabout(self)
        finally:
            frame = self._frames.pop()
        parts = [self._flatten(block) for block in frame.blocks]
        parts.append(join_inline(frame.inline))
        return (" ".join(part for part in parts if part.strip(" " + _BREAK))).strip(" " + _BREAK)

    def render_inline(self, node: nodes.Node) -> str:
        """Markdown of *node*'s children on one line (block content flattened)."""
        children = node.children if isinstance(node, nodes.Element) else [node]
        return self._inline_raw(children).replace(_BREAK, " ")

    @staticmethod
    def _flatten(markdown: str) -> str:
        """Blocks on one line, for a table cell or a heading."""
        return " ".join(line.strip() for line in markdown.split("\n") if line.strip())

    def render_cell(self, node: nodes.Node) -> str:
        """Markdown of *node*'s children as the content of one table cell."""
        self.table_depth += 1
        try:
            return self._flatten(self.render_children(node).replace(_BREAK, " "))
        finally:
            self.table_depth -= 1

    def wrap(self, text: str) -> str:
        """Wrap a paragraph at :data:`_BREAK` marks to :attr:`wrap_width`.

        A break is never placed where the next line would start a block. Marks
        left over become spaces. Nothing is wrapped inside a table cell.
        """
        if self.in_table or not self.wrap_width or len(text) <= self.wrap_width:
            return text.replace(_BREAK, " ")
        words = [word for word in text.split(_BREAK) if word != ""]
        lines: list[str] = []
        current = ""
        for word in words:
            if not current:
                current = word
            elif len(current) + 1 + len(word) <= self.wrap_width or _UNSAFE_LINE_START.match(
                word.lstrip(" ")
            ):
                current += " " + word
            else:
                lines.append(current)
                current = word
        if current:
            lines.append(current)
        return "\n".join(line.replace(_BREAK, " ").strip(" ") for line in lines)

    def quote(self, markdown: str) -> str:
        """Prefix every line with ``>`` (a block quote); in a table, no prefix."""
        if self.in_table:
            return markdown
        return "\n".join(f"> {line}" if line.strip() else ">" for line in markdown.split("\n"))

    def bullet_marker(self) -> str:
        """``*``, or ``+`` right after a ``*`` list so that the two stay apart
        (also when that list ends a footnote or a definition). Not ``-``: an
        item that starts with a transition would make ``- ---``, itself a
        thematic break."""
        return "+" if _ends_with_list(self.previous_block, "*") else "*"

    def list_block(self, items: Sequence[str], *, ordered: bool = False) -> str:
        """A list whose items have the Markdown *items* (each may be blocks).

        Items are numbered from 1 (MD029); continuation lines are indented to
        the item's text (2 spaces under ``*``, MD007). A list of one-line items
        is tight, any other loose. Empty items are left out: nested empty items
        would write ``* * *``, a thematic break. In a table cell, items are
        joined by ``;``.
        """
        items = [item.strip("\n") for item in items if item.strip()]
        if not items:
            return ""
        if self.in_table:
            flat = [self._flatten(item) for item in items]
            if ordered:
                flat = [f"{number}. {item}" for number, item in enumerate(flat, 1)]
            return "; ".join(item for item in flat if item)
        if ordered:
            delimiter = ")" if _ends_with_ordered_list(self.previous_block, ".") else "."
            markers = [f"{number}{delimiter}" for number in range(1, len(items) + 1)]
        else:
            markers = [self.bullet_marker()] * len(items)
        rendered = []
        for marker, item in zip(markers, items, strict=True):
            indent = " " * (len(marker) + 1)
            lines = item.split("\n")
            out = [f"{marker} {lines[0]}"]
            out.extend(indent + line if line.strip() else "" for line in lines[1:])
            rendered.append("\n".join(out))
        tight = all("\n" not in item for item in items)
        return ("\n" if tight else "\n\n").join(rendered)

    def heading(self, markdown: str, level: int) -> str:
        """An ATX heading (MD003) without trailing punctuation (MD026).

        A heading with the same text as an earlier sibling (same level, same
        parent heading) is kept as written, after the comment that tells the
        CNCF configuration's MD024 (no duplicate sibling headings) that the
        repeat is meant. Call this once per heading, in order.
        """
        level = min(max(level, 1), 6)
        text = _strip_heading_markdown(markdown.replace(_BREAK, " ").strip())
        for deeper in [known for known in self._sibling_headings if known > level]:
            del self._sibling_headings[deeper]
        siblings = self._sibling_headings.setdefault(level, set())
        heading = "#" * level + (" " + text if text else "")
        if text in siblings:
            return f"{REPEATED_HEADING}\n{heading}"
        siblings.add(text)
        return heading

    def labelled(self, label: str, body: Sequence[nodes.Node]) -> str:
        """*label* (Markdown) followed by the blocks of *body*: on the same line
        as its first paragraph when there is one, else on a line of its own."""
        body = [child for child in body if not isinstance(child, nodes.Invisible)]
        if body and isinstance(body[0], nodes.paragraph):
            first = self._inline_raw(body[0].children)
            line = _BREAK.join(part for part in (label, first) if part)
            return join_blocks([self.wrap(line), self.render_nodes(body[1:])])
        return join_blocks([label, self.render_nodes(body)])

    # ------------------------------------------------------ fallbacks

    def unknown_visit(self, node: nodes.Node) -> None:
        """Unknown node: render its children; a text-holding node at block
        level becomes a paragraph of its own, an unknown admonition (Sphinx's
        ``todo_node``...) a quote labelled with its title."""
        if isinstance(node, nodes.Admonition):
            self.add_block(self._titled_quote(node, None))
            raise nodes.SkipNode
        if (
            isinstance(node, nodes.TextElement)
            and not isinstance(node, nodes.Inline)
            and not isinstance(node.parent, nodes.TextElement)
        ):
            self.add_block(self.wrap(self._inline_raw(node.children)))
            raise nodes.SkipNode
        if not isinstance(node, nodes.Inline):
            self.flush_inline()

    def unknown_departure(self, node: nodes.Node) -> None:
        if not isinstance(node, nodes.Inline | nodes.Text):
            self.flush_inline()

    def _skip(self, node: nodes.Node) -> None:
        raise nodes.SkipNode

    def _walk(self, node: nodes.Node) -> None:
        """Transparent container: its children go to the current output."""

    def _end_block(self, node: nodes.Node) -> None:
        self.flush_inline()

    # ------------------------------------------------------ structure

    visit_document = _walk
    depart_document = _end_block

    def visit_section(self, node: nodes.Element) -> None:
        self.flush_inline()
        self.section_level += 1

    def depart_section(self, node: nodes.Element) -> None:
        self.flush_inline()
        self.section_level -= 1

    def visit_title(self, node: nodes.Element) -> None:
        parent = node.parent
        if isinstance(parent, nodes.section | nodes.document):
            if isinstance(parent, nodes.document):
                # A document title (docutils' doctitle transform): one level up
                # from the sections that follow it.
                self.section_level += 1
            level = max(self.section_level, 1)
            self.headings.append((min(level, 6), node.astext()))
            self.add_block(self.heading(self._inline_raw(node.children), level))
        else:
            self.add_block(self._strong_paragraph(node))
        raise nodes.SkipNode

    def visit_subtitle(self, node: nodes.Element) -> None:
        if isinstance(node.parent, nodes.document):
            self.section_level += 1
            level = max(self.section_level, 1)
            self.headings.append((min(level, 6), node.astext()))
            self.add_block(self.heading(self._inline_raw(node.children), level))
        else:
            self.add_block(self._strong_paragraph(node))
        raise nodes.SkipNode

    def _strong_paragraph(self, node: nodes.Element) -> str:
        text = self._inline_raw(node.children)
        return self.wrap(f"**{text}**") if text else ""

    def visit_rubric(self, node: nodes.Element) -> None:
        self.add_block(self._strong_paragraph(node))
        raise nodes.SkipNode

    def visit_paragraph(self, node: nodes.Element) -> None:
        self.add_block(self.wrap(self._inline_raw(node.children)))
        raise nodes.SkipNode

    visit_compact_paragraph = _walk
    depart_compact_paragraph = _end_block

    def visit_transition(self, node: nodes.Element) -> None:
        self.add_block("" if self.in_table else "---")
        raise nodes.SkipNode

    # containers without markup of their own
    visit_container = _walk
    depart_container = _end_block
    visit_compound = _walk
    depart_compound = _end_block
    visit_figure = _walk
    depart_figure = _end_block
    visit_legend = _walk
    depart_legend = _end_block
    visit_only = _walk
    depart_only = _end_block
    visit_glossary = _walk
    depart_glossary = _end_block
    visit_hlist = _walk
    depart_hlist = _end_block
    visit_hlistcol = _walk
    depart_hlistcol = _end_block
    visit_start_of_file = _walk
    depart_start_of_file = _end_block
    visit_desc_content = _walk
    depart_desc_content = _end_block

    def visit_caption(self, node: nodes.Element) -> None:
        self.add_block(self.wrap(self._inline_raw(node.children)))
        raise nodes.SkipNode

    def visit_centered(self, node: nodes.Element) -> None:
        self.add_block(self._strong_paragraph(node))
        raise nodes.SkipNode

    def visit_topic(self, node: nodes.Element) -> None:
        self.add_block(self._titled_quote(node, None))
        raise nodes.SkipNode

    visit_sidebar = visit_topic

    def _titled_quote(self, node: nodes.Element, label: str | None) -> str:
        """A block quote opened by a bold label: ``> **Note:** text``."""
        children = list(node.children)
        titles = [c for c in children if isinstance(c, nodes.title | nodes.subtitle)]
        body = [c for c in children if not isinstance(c, nodes.title | nodes.subtitle)]
        parts = [self._inline_raw(t.children) for t in titles]
        if label is not None:
            parts.insert(0, label)
        title = ": ".join(part for part in parts if part)
        if not title:
            return self.quote(self.render_nodes(body))
        if not title.endswith(tuple(_MD036_PUNCTUATION)):
            title += ":"
        return self.quote(self.labelled(f"**{title}**", body))

    def _admonition(self, node: nodes.Element) -> None:
        label = _ADMONITION_LABELS.get(node.__class__.__name__)
        self.add_block(self._titled_quote(node, label))
        raise nodes.SkipNode

    visit_admonition = _admonition
    visit_attention = _admonition
    visit_caution = _admonition
    visit_danger = _admonition
    visit_error = _admonition
    visit_hint = _admonition
    visit_important = _admonition
    visit_note = _admonition
    visit_tip = _admonition
    visit_warning = _admonition
    visit_seealso = _admonition

    def visit_versionmodified(self, node: nodes.Element) -> None:
        self.add_block(self.quote(self.render_children(node)))
        raise nodes.SkipNode

    def visit_block_quote(self, node: nodes.Element) -> None:
        self.add_block(self.quote(self.render_children(node)))
        raise nodes.SkipNode

    def visit_attribution(self, node: nodes.Element) -> None:
        self.add_block(self.wrap("\u2014 " + self._inline_raw(node.children)))
        raise nodes.SkipNode

    # ------------------------------------------------------ lists

    def visit_bullet_list(self, node: nodes.Element) -> None:
        self.flush_inline()
        items = [self.render_children(item) for item in node.children]
        self.add_block(self.list_block(items))
        raise nodes.SkipNode

    def visit_enumerated_list(self, node: nodes.Element) -> None:
        self.flush_inline()
        items = [self.render_children(item) for item in node.children]
        self.add_block(self.list_block(items, ordered=True))
        raise nodes.SkipNode

    def visit_list_item(self, node: nodes.Element) -> None:
        # Only reached for a list item outside a list.
        self.flush_inline()
        self.add_block(self.list_block([self.render_children(node)]))
        raise nodes.SkipNode

    def visit_definition_list(self, node: nodes.Element) -> None:
        self.flush_inline()
        items = []
        for item in node.children:
            if not isinstance(item, nodes.definition_list_item):
                items.append(self.render(item))
                continue
            terms = [
                self._inline_raw(c.children) for c in item.children if isinstance(c, nodes.term)
            ]
            classifiers = [
                self._inline_raw(c.children)
                for c in item.children
                if isinstance(c, nodes.classifier)
            ]
            label = " / ".join(f"**{term}**" for term in terms if term)
            label += "".join(f" *({c})*" for c in classifiers if c)
            definitions = [c for c in item.children if isinstance(c, nodes.definition)]
            body = join_blocks(self.render_children(d) for d in definitions)
            items.append(join_blocks([label, body]))
        self.add_block(self.list_block(items))
        raise nodes.SkipNode

    def visit_definition_list_item(self, node: nodes.Element) -> None:
        # Only reached outside a definition list.
        self.flush_inline()

    depart_definition_list_item = _end_block

    def visit_term(self, node: nodes.Element) -> None:
        self.add_block(self._strong_paragraph(node))
        raise nodes.SkipNode

    visit_definition = _walk
    depart_definition = _end_block
    visit_classifier = visit_term

    def _field_items(self, fields: Iterable[nodes.Node]) -> list[str]:
        items = []
        for item in fields:
            if isinstance(item, nodes.field):
                names = [c for c in item.children if isinstance(c, nodes.field_name)]
                bodies = [c for c in item.children if isinstance(c, nodes.field_body)]
                name = " ".join(self._inline_raw(n.children) for n in names)
                body = [grand for b in bodies for grand in b.children]
                items.append(self.labelled(f"**{name}:**" if name else "", body))
            elif isinstance(item, _BIBLIOGRAPHIC):
                name = item.__class__.__name__.capitalize()
                if isinstance(item, nodes.TextElement):
                    text = self._inline_raw(item.children)
                    items.append(self.wrap(f"**{name}:**{_BREAK}{text}"))
                else:
                    items.append(self.labelled(f"**{name}:**", list(item.children)))
            else:
                items.append(self.render(item))
        return items

    def visit_field_list(self, node: nodes.Element) -> None:
        self.flush_inline()
        self.add_block(self.list_block(self._field_items(node.children)))
        raise nodes.SkipNode

    visit_docinfo = visit_field_list

    def visit_field(self, node: nodes.Element) -> None:
        self.flush_inline()
        self.add_block(self.list_block(self._field_items([node])))
        raise nodes.SkipNode

    def visit_option_list(self, node: nodes.Element) -> None:
        self.flush_inline()
        items = []
        for item in node.children:
            groups = [c for c in item.children if isinstance(c, nodes.option_group)]
            descriptions = [c for c in item.children if isinstance(c, nodes.description)]
            options = [
                code_span(option.astext(), in_table=self.in_table)
                for group in groups
                for option in group.children
            ]
            label = ", ".join(option for option in options if option)
            body = [grand for d in descriptions for grand in d.children]
            items.append(self.labelled(f"{label}:" if label and body else label, body))
        self.add_block(self.list_block(items))
        raise nodes.SkipNode

    # ------------------------------------------------------ line blocks

    def visit_line_block(self, node: nodes.Element) -> None:
        self.flush_inline()
        paragraphs: list[list[str]] = [[]]

        def collect(block: nodes.Element, depth: int) -> None:
            for child in block.children:
                if isinstance(child, nodes.line_block):
                    collect(child, depth + 1)
                elif isinstance(child, nodes.line):
                    text = self._inline_raw(child.children)
                    if not text:
                        paragraphs.append([])
                    else:
                        indent = "&nbsp;" * (2 * depth) if depth and not self.in_table else ""
                        paragraphs[-1].append(indent + self.wrap(text))

        collect(node, 0)
        separator = " " if self.in_table else "\\\n"
        blocks = [separator.join(lines) for lines in paragraphs if lines]
        for block in blocks:
            self.add_block(block)
        raise nodes.SkipNode

    def visit_line(self, node: nodes.Element) -> None:
        self.add_block(self.wrap(self._inline_raw(node.children)))
        raise nodes.SkipNode

    # ------------------------------------------------------ code

    def _language(self, node: nodes.Element) -> str:
        language = node.get("language")
        if isinstance(language, str) and language:
            return language
        classes = [c for c in node.get("classes", []) if c not in {"code", "literal-block"}]
        if "code" in node.get("classes", []) and classes:
            return str(classes[0])
        return "text"

    def code_block(self, text: str, language: str) -> None:
        """A fenced block; inside a table cell, a code span (cells hold one line)."""
        if self.in_table:
            self.add_block(code_span(text, in_table=True))
        else:
            self.add_block(fenced_code(text, language, tab_width=self.tab_width))
        raise nodes.SkipNode

    def visit_literal_block(self, node: nodes.Element) -> None:
        """Code, as code: a language that GitHub would draw is written ``text``."""
        language = self._language(node)
        if info_string(language).lower() in DRAWN_LANGUAGES and not node.get(DIAGRAM_ATTRIBUTE):
            language = "text"
        self.code_block(node.astext(), language)

    def visit_doctest_block(self, node: nodes.Element) -> None:
        self.code_block(node.astext(), "pycon")

    def visit_math_block(self, node: nodes.Element) -> None:
        self.code_block(node.astext(), "math")

    def visit_productionlist(self, node: nodes.Element) -> None:
        self.code_block("\n".join(child.astext() for child in node.children), "text")

    # ------------------------------------------------------ tables

    def visit_table(self, node: nodes.Element) -> None:
        self.flush_inline()
        titles = [c for c in node.children if isinstance(c, nodes.title)]
        for title in titles:
            self.add_block(self.wrap(self._inline_raw(title.children)))
        for tgroup in node.children:
            if isinstance(tgroup, nodes.tgroup):
                header, rows = self.table_grid(tgroup)
                if self.in_table:
                    cells = ["; ".join(c for c in row if c) for row in [header, *rows]]
                    self.add_block(" / ".join(c for c in cells if c))
                else:
                    self.add_block(md_table(header, rows))
        raise nodes.SkipNode

    def table_grid(self, tgroup: nodes.Element) -> tuple[list[str], list[list[str]]]:
        """The header row and body rows of a ``tgroup`` as Markdown cells.

        Spanning cells (``morecols``, ``morerows``) are followed by empty cells
        so that every row has all its columns; without a ``thead`` the first row
        is the header.
        """
        columns = int(tgroup.get("cols", 0) or 0)
        head_rows: list[nodes.Element] = []
        body_rows: list[nodes.Element] = []
        for part in tgroup.children:
            if isinstance(part, nodes.thead):
                head_rows.extend(r for r in part.children if isinstance(r, nodes.row))
            elif isinstance(part, nodes.tbody):
                body_rows.extend(r for r in part.children if isinstance(r, nodes.row))
        grid: list[list[str]] = []
        occupied: set[tuple[int, int]] = set()
        for row_index, row in enumerate(head_rows + body_rows):
            cells: dict[int, str] = {}
            column = 0
            for entry in row.children:
                if not isinstance(entry, nodes.entry):
                    continue
                while (row_index, column) in occupied:
                    column += 1
                more_cols = int(entry.get("morecols", 0) or 0)
                more_rows = int(entry.get("morerows", 0) or 0)
                cells[column] = self.render_cell(entry)
                for extra_col in range(column, column + more_cols + 1):
                    if extra_col != column:
                        cells[extra_col] = ""
                    for extra_row in range(row_index + 1, row_index + more_rows + 1):
                        occupied.add((extra_row, extra_col))
                column += more_cols + 1
            width = max([columns, column, *(c + 1 for c in cells)])
            grid.append([cells.get(c, "") for c in range(width)])
        if not grid:
            return [""] * columns, []
        return grid[0], grid[1:]

    # ------------------------------------------------------ footnotes

    def _note(self, node: nodes.Element) -> None:
        labels = [c for c in node.children if isinstance(c, nodes.label)]
        body = [c for c in node.children if not isinstance(c, nodes.label)]
        names = node.get("names") or [""]
        label = labels[0].astext() if labels else str(names[0])
        self.add_block(self.labelled(escape_inline(f"[{label}]") if label else "", body))
        raise nodes.SkipNode

    visit_footnote = _note
    visit_citation = _note

    def visit_footnote_reference(self, node: nodes.Element) -> None:
        self.add_inline(escape_inline(f"[{node.astext()}]"))
        raise nodes.SkipNode

    visit_citation_reference = visit_footnote_reference

    def visit_label(self, node: nodes.Element) -> None:
        self.add_inline(escape_inline(f"[{node.astext()}]") + _BREAK)
        raise nodes.SkipNode

    # ------------------------------------------------------ inline

    def visit_Text(self, node: nodes.Text) -> None:
        # only the paragraph's first piece can begin a line (wrapping never
        # breaks before a word that would start a block); a cell holds no blocks
        first = not self.in_table and not any(
            piece.strip(" " + _BREAK) for piece in self.frame.inline
        )
        if self._link_depth:  # a link's own text: no link inside a link
            text = escape_inline(node.astext(), line_start=first)
        else:
            text = escape_text_with_links(node.astext(), line_start=first)
        self.add_inline(text.replace(" ", _BREAK))

    def depart_Text(self, node: nodes.Text) -> None:
        pass

    def _wrapped(self, node: nodes.Element, marker: str) -> None:
        """Emphasis-like markup; surrounding spaces go outside the markers
        (MD037) and empty content gives nothing."""
        inner = self._inline_raw(node.children)
        if inner:
            self.add_inline(f"{marker}{inner}{marker}")
        raise nodes.SkipNode

    def visit_emphasis(self, node: nodes.Element) -> None:
        self._wrapped(node, "*")

    def visit_strong(self, node: nodes.Element) -> None:
        self._wrapped(node, "**")

    visit_literal_emphasis = visit_emphasis
    visit_literal_strong = visit_strong
    visit_title_reference = visit_emphasis

    def visit_literal(self, node: nodes.Element) -> None:
        self.add_inline(code_span(node.astext(), in_table=self.in_table))
        raise nodes.SkipNode

    visit_desc_inline = visit_literal

    def visit_math(self, node: nodes.Element) -> None:
        self.add_inline(code_span(node.astext(), in_table=self.in_table))
        raise nodes.SkipNode

    def visit_reference(self, node: nodes.Element) -> None:
        self._link_depth += 1
        try:
            label = self._inline_raw(node.children)
        finally:
            self._link_depth -= 1
        refuri = node.get("refuri")
        if isinstance(refuri, str) and is_web_url(refuri):
            self.add_inline(md_link(label, refuri, plain_label=node.astext()))
        else:
            self.add_inline(label)
        raise nodes.SkipNode

    visit_number_reference = visit_reference

    def visit_image(self, node: nodes.Element) -> None:
        uri = str(node.get("uri", ""))
        alt = escape_inline(str(node.get("alt", "") or "")).strip() or "image"
        markdown = f"![{alt}]({_encode_url(uri)})" if image_problem(uri) is None else alt
        if isinstance(node.parent, nodes.TextElement):
            self.add_inline(markdown)
        else:
            self.add_block(markdown)
        raise nodes.SkipNode

    def visit_abbreviation(self, node: nodes.Element) -> None:
        text = self._inline_raw(node.children)
        explanation = node.get("explanation")
        if isinstance(explanation, str) and explanation.strip():
            text += _BREAK + escape_inline(f"({explanation.strip()})").replace(" ", _BREAK)
        self.add_inline(text)
        raise nodes.SkipNode

    def visit_target(self, node: nodes.Element) -> None:
        if not node.children:
            raise nodes.SkipNode

    def depart_target(self, node: nodes.Element) -> None:
        pass

    def visit_pending_xref(self, node: nodes.Element) -> None:
        conditions = [c for c in node.children if c.__class__.__name__ == "pending_xref_condition"]
        if conditions:
            chosen = [c for c in conditions if c.get("condition") == "*"] or conditions[:1]
            self.add_inline(self._inline_raw(chosen[0].children))
            raise nodes.SkipNode

    def depart_pending_xref(self, node: nodes.Element) -> None:
        pass

    def visit_desc(self, node: nodes.Element) -> None:
        self.flush_inline()

    depart_desc = _end_block

    def visit_desc_signature(self, node: nodes.Element) -> None:
        self.add_block(code_span(node.astext(), in_table=self.in_table))
        raise nodes.SkipNode

    # ------------------------------------------------------ skipped

    def visit_comment(self, node: nodes.Element) -> None:
        """A comment for the CNCF repository's linters is kept where it was written."""
        directive = linter_comment(node.astext())
        if directive is not None and not self.in_table:
            self.add_block(f"<!-- {directive} -->")
        raise nodes.SkipNode

    def visit_raw(self, node: nodes.Element) -> None:
        """Raw output is never written, but for one HTML comment for the linters."""
        comment = _HTML_COMMENT.fullmatch(node.astext())
        if comment is not None and "html" in node.get("format", "").split():
            self.visit_comment(nodes.comment(comment["inner"], comment["inner"]))
        raise nodes.SkipNode

    visit_substitution_definition = _skip
    visit_system_message = _skip
    visit_toctree = _skip
    visit_index = _skip
    visit_meta = _skip
    visit_pending = _skip
    visit_decoration = _skip
    visit_colspec = _skip
    visit_tabular_col_spec = _skip
    visit_highlightlang = _skip


def to_markdown(
    node: nodes.Node,
    *,
    heading_level: int = 2,
    translator_class: type[MarkdownTranslator] = MarkdownTranslator,
    **options: Any,
) -> str:
    """Return *node* (a document, a section or any fragment) as GFM.

    The outermost sections become headings of *heading_level* (1-6), nested
    ones one level deeper each, capped at 6. The result has no blank line at
    either end and ends with exactly one newline (``""`` for no content), so
    fragments can be joined with one blank line between them. *options* go to
    *translator_class*.
    """
    document = node.document if node.document is not None else new_document("<markdown>")
    translator = translator_class(document, heading_level=heading_level, **options)
    return _finish(translator.render(node))
