"""Make a block of GitHub Markdown mean the same in MyST, without rendering raw HTML.

Kept content is copied line for line, but a few things read differently in a
Sphinx docs folder than on GitHub and are rewritten, each one reported:

- raw inline HTML would reach the HTML pages (SPEC §8): ``<br>`` becomes a space,
  comments are removed, any other tag is escaped so it shows as text;
- links: ``#anchor`` links must name a heading that exists (else MyST warns),
  relative links point into the source repository (made absolute with
  ``--base-url``), and only http, https and mailto URLs stay links (as
  :mod:`..urls` decides, for inline links, autolinks, ``<a href>`` and link
  reference definitions alike); a link that cannot work is turned into its
  literal text, so the words stay;
- a bare URL with another scheme and ``//`` in the text (``ftp://x``) keeps its
  text but its colon is escaped, so that MyST's linkify extension cannot make a
  link of it (the rST writer escapes every such colon: docutils links more);
- MyST syntax that CommonMark does not have (``%`` comments, ``(label)=`` targets,
  ``+++`` breaks, ``{role}`` markup, ``[^1]`` footnotes) is escaped;
- a code fence whose language Pygments cannot highlight is marked ``text``,
  because Sphinx would warn about it and the language name is not content.
"""

from __future__ import annotations

import functools
import html as html_entities
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urljoin, urlsplit

from ..urls import browser_scheme, clean_url, image_problem, is_web_url, link_problem, scheme_colons
from .images import image_refusal
from .mdparse import markdown_parser
from .model import Report

if TYPE_CHECKING:
    from pathlib import Path

    from markdown_it.token import Token


#: a CommonMark autolink: ``<scheme:...>`` or ``<address@host>``
_AUTOLINK = re.compile(
    r"<(?:(?P<url>[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^<>\x00-\x20]*)"
    r"|(?P<email>[A-Za-z0-9.!#$%&'*+/=?^_`{|}~\-]+@[A-Za-z0-9](?:[A-Za-z0-9.\-]*[A-Za-z0-9])?))>"
)
#: the label of a link reference definition, and the colon after it
_DEFINITION_LABEL = re.compile(r"\[(?:[^\\\[\]]|\\.)*\]:", re.DOTALL)
#: an entity, which markdown-it would decode in a link destination
_ENTITY_LIKE = re.compile(r"&(?=#[0-9]{1,7};|#[xX][0-9A-Fa-f]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)")
_A_OPEN = re.compile(r"""^<a\s[^>]*?\bhref\s*=\s*(["'])(?P<url>[^"'<>\s]+)\1[^>]*>$""", re.I)
_A_CLOSE = re.compile(r"^</a\s*>$", re.IGNORECASE)
_BR = re.compile(r"^<br\s*/?>$", re.IGNORECASE)
_ROLE = re.compile(r"\{[A-Za-z0-9_:+.-]+\}`")
_FENCE_OPEN = re.compile(
    r"^(?P<indent>\s*(?:>\s*)*(?:[-*+]\s+|\d+[.)]\s+)?)(?P<fence>`{3,}|~{3,})(?P<info>.*)$"
)
_LINE_ESCAPES = (
    (re.compile(r"^(\s*(?:>\s*)*)(%)"), r"\1\\\2"),
    (re.compile(r"^(\s*(?:>\s*)*)(\([^()\s]+\)=\s*)$"), r"\1\\\2"),
    (re.compile(r"^(\s*(?:>\s*)*)(\+\+\+)"), r"\1\\\2"),
)


@dataclass(slots=True)
class LinkContext:
    """What link rewriting needs to know about the whole document."""

    #: anchors of every heading that the output keeps (GitHub slugs)
    slugs: set[str]
    #: base URL for relative links (``--base-url``), or None
    base_url: str | None
    #: folder of the source file, for local images
    source_dir: Path | None
    report: Report
    #: local images found: (absolute source path, relative path as written)
    images: list[tuple[str, str]] = field(default_factory=list)


def _collect(tokens: list[Token]) -> tuple[set[str], set[str], set[str]]:
    """Inline HTML, link destinations and image sources that markdown-it found."""
    html: set[str] = set()
    links: set[str] = set()
    images: set[str] = set()
    for token in tokens:
        for child in token.children or ():
            if child.type == "html_inline":
                html.add(child.content)
            elif child.type == "link_open":
                links.add(str(child.attrGet("href") or ""))
            elif child.type == "image":
                images.add(str(child.attrGet("src") or ""))
    return html, links, images


def _code_lines(tokens: list[Token], offset: int) -> dict[int, Token]:
    """Lines (relative to the block) inside code or nested HTML, with their token."""
    lines: dict[int, Token] = {}
    for token in tokens:
        if token.type in {"fence", "code_block", "html_block", "hr"} and token.map is not None:
            for number in range(token.map[0], token.map[1]):
                lines[number - offset] = token
    return lines


def sanitize_lines(
    lines: list[str], tokens: list[Token], first_line: int, context: LinkContext
) -> list[str]:
    """*lines* (a block starting at 0-based *first_line*) made safe and equivalent for MyST."""
    source = lines
    lines = [line.replace("\x00", "\ufffd") for line in lines]  # as CommonMark reads NUL
    lines = _link_definitions(lines, first_line, context)
    breaks = any(c.type == "hardbreak" for t in tokens for c in t.children or ())
    if breaks:
        context.report.note(
            first_line + 1,
            "hard line breaks made ordinary line ends (MyST writes them as raw HTML)",
        )
    result = _rewrite(lines, tokens, first_line, context, unlink=False)
    if result == source:  # every link and definition in it was judged, and kept
        return result
    # what was rewritten is read again, alone: a reference link is judged at its definition
    env: dict[str, Any] = {}
    read = markdown_parser().parse("\n".join(result), env)
    targets = [d["href"] for d in env.get("references", {}).values()]
    if not _only_allowed_links(read, targets, context):
        # a link made text can leave a bracket that pairs with a later one into a new
        # link (``![x](<rel>) then ](data:...)``): then no link of the block stays one
        context.report.warn(
            first_line + 1,
            "a link kept as text leaves brackets that would make another: no link kept here",
        )
        muted = LinkContext(context.slugs, None, None, Report("", "", ""))
        result = _rewrite(lines, tokens, first_line, muted, unlink=True)
    return result


def _rewrite(
    lines: list[str], tokens: list[Token], first_line: int, context: LinkContext, *, unlink: bool
) -> list[str]:
    """*lines* rewritten by the scanner, run by run; with *unlink*, no link is kept."""
    html, links, images = _collect(tokens)
    special = _code_lines(tokens, first_line)
    breaks = any(c.type == "hardbreak" for t in tokens for c in t.children or ())
    result: list[str] = list(lines)
    # runs of ordinary lines are scanned together (code spans and links may wrap)
    run: list[int] = []
    for number in [*range(len(lines)), len(lines)]:
        if number < len(lines) and number not in special:
            run.append(number)
            continue
        if run:
            text = "\n".join(lines[i] for i in run)
            line = first_line + run[0] + 1
            scanned = _Scanner(text, html, links, images, context, line, unlink).run()
            new = scanned.split("\n")
            # a removed multi-line comment shortens the run: keep the line count
            new += [""] * (len(run) - len(new))
            for position, (i, value) in enumerate(zip(run, new, strict=True)):
                if breaks and position < len(run) - 1:
                    value = _drop_hard_break(value)
                result[i] = _escape_line(value)
            run = []
        if number < len(lines):
            token = special[number]
            result[number] = _special_line(lines[number], token, number + first_line, context)
    return result


def _only_allowed_links(tokens: list[Token], targets: list[str], context: LinkContext) -> bool:
    """Whether every link and image in *tokens* (as MyST reads the lines), and every
    link reference definition's target in *targets* (a link elsewhere may use it), is
    one we keep: links to web URLs and anchors, images from http(s) URLs or copied
    local files."""
    if not all(is_web_url(href) or href.startswith("#") for href in targets):
        return False
    parser = markdown_parser()
    local = {parser.normalizeLink(relative) for _source, relative in context.images}
    for token in tokens:
        for child in token.children or ():
            if child.type == "link_open":
                href = str(child.attrGet("href") or "")
                if not (is_web_url(href) or href.startswith("#")):
                    return False
            elif child.type == "image":
                source = str(child.attrGet("src") or "")
                web = image_problem(source) is None and browser_scheme(source) is not None
                if not (web or source in local):
                    return False
    return True


def _drop_hard_break(line: str) -> str:
    """A line without the trailing spaces or backslash that make a hard line break."""
    stripped = line.rstrip()
    if stripped.endswith("\\") and not stripped.endswith("\\\\"):
        stripped = stripped[:-1].rstrip()
    return stripped


def _escape_line(line: str) -> str:
    for pattern, replacement in _LINE_ESCAPES:
        line = pattern.sub(replacement, line)
    return line


def _special_line(line: str, token: Token, absolute: int, context: LinkContext) -> str:
    """A line of code (only the opening fence may change) or of nested HTML (escaped)."""
    if token.type == "hr":
        context.report.note(absolute + 1, "horizontal rule dropped (it holds no text)")
        return ""
    if token.type == "html_block":
        if token.level == 0:
            return line
        context.report.note(absolute + 1, "nested raw HTML kept as text")
        return re.sub(r"<", r"\\<", line, count=1)
    if token.type == "fence" and token.map is not None and absolute == token.map[0]:
        match = _FENCE_OPEN.match(line)
        info = token.info.strip()
        if match is not None and info:
            language = info.split()[0]
            if language.startswith("{") or not highlightable(language, token.content):
                context.report.note(
                    absolute + 1,
                    f"code block language {language!r} cannot be highlighted: marked as text",
                )
                return f"{match['indent']}{match['fence']}text"
    return line


@functools.cache
def _lexer_ok(language: str) -> bool:
    from pygments.lexers import get_lexer_by_name  # type: ignore[import-untyped]
    from pygments.util import ClassNotFound  # type: ignore[import-untyped]

    if language in {"default", "none", "text", "python3", "py3", "pycon3"}:
        return True
    try:
        get_lexer_by_name(language)
    except ClassNotFound:
        return False
    return True


def highlightable(language: str, code: str) -> bool:
    """Whether Sphinx highlights *code* as *language* without a warning."""
    if not _lexer_ok(language):
        return False
    if language in {"default", "none", "text"}:
        return True
    from pygments.lexers import get_lexer_by_name
    from pygments.token import Error  # type: ignore[import-untyped]

    try:
        lexer = get_lexer_by_name(
            {"python3": "python", "py3": "python", "pycon3": "pycon"}.get(language, language)
        )
        return not any(kind is Error for kind, _value in lexer.get_tokens(code))
    except Exception:  # a lexer that fails is one Sphinx would warn about
        return False


class _Scanner:
    """One pass over inline Markdown, leaving code spans alone."""

    def __init__(
        self,
        text: str,
        html: set[str],
        links: set[str],
        images: set[str],
        context: LinkContext,
        line: int,
        unlink: bool = False,
    ) -> None:
        self.text = text
        #: every bracket and autolink escaped: the lines keep no link at all
        self.unlink = unlink
        self.html = sorted(html, key=len, reverse=True)
        self.links = links
        self.images = images
        self.context = context
        self.line = line
        self.out: list[str] = []
        #: open ``<a href>`` tags turned into ``[``: (index in out, the tag)
        self.anchors: list[tuple[int, str]] = []
        self.url = ""
        #: colons that would make a bare non-web URL of the text before them: MyST links
        #: none without linkify, which links ``ftp://`` (and web URLs) only, so those
        #: before ``//`` (rST, which links them all, escapes every one: ``rst.escape``)
        self.colons = frozenset(p for p in scheme_colons(text) if text.startswith("//", p + 1))

    def here(self, position: int) -> int:
        return self.line + self.text.count("\n", 0, position)

    def run(self) -> str:
        text, position = self.text, 0
        while position < len(text):
            ch = text[position]
            if ch == "\\" and position + 1 < len(text):
                self.out.append(text[position : position + 2])
                position += 2
            elif ch == "`":
                position = self._code_span(position)
            elif self.unlink and ch in "[]":
                self.out.append("\\" + ch)
                position += 1
            elif ch == "<" and (html := self._html_at(position)) is not None:
                self.out.append(self._html(html, position))
                position += len(html)
            elif ch == "<" and (autolink := _AUTOLINK.match(text, position)) is not None:
                position = self._autolink(autolink, position)
            elif ch == ":" and position in self.colons:
                self.out.append("\\:")
                position += 1
            elif text.startswith("](", position):
                position = self._link(position)
            elif text.startswith("[^", position):
                self.out.append("\\[^")
                position += 2
            elif ch == "{" and _ROLE.match(text, position):
                self.out.append("\\{")
                position += 1
            else:
                self.out.append(ch)
                position += 1
        for index, html in self.anchors:  # an <a href> never closed: its tag as text
            self.out[index] = "\\" + html
        return "".join(self.out)

    def _code_span(self, position: int) -> int:
        text = self.text
        end = position
        while end < len(text) and text[end] == "`":
            end += 1
        fence = text[position:end]
        search = end
        while True:
            found = text.find(fence, search)
            if found < 0:
                self.out.append(fence)
                return end
            after = found + len(fence)
            if after < len(text) and text[after] == "`":
                search = after
                while search < len(text) and text[search] == "`":
                    search += 1
                continue
            self.out.append(text[position:after])
            return after

    def _html_at(self, position: int) -> str | None:
        for html in self.html:
            if self.text.startswith(html, position):
                return html
        return None

    def _html(self, html: str, position: int) -> str:
        if html.startswith("<!--"):
            self.context.report.note(self.here(position), f"inline HTML comment removed: {html!r}")
            return ""
        if _BR.match(html):
            return " "
        anchor = _A_OPEN.match(html)
        if anchor is not None and not self.anchors and not self.unlink:
            url = html_entities.unescape(anchor["url"])  # what a browser reads in the attribute
            if is_web_url(url):
                self.anchors.append((len(self.out), html))
                self.url = url
                return "["
        if _A_CLOSE.match(html) and self.anchors:
            self.anchors.pop()
            return f"]({_written(self.url)})"
        self.context.report.note(self.here(position), f"inline HTML kept as text: {html!r}")
        return "\\" + html

    def _autolink(self, autolink: re.Match[str], position: int) -> int:
        """At an autolink ``<...>``: keep it if it links a web URL, else escape it to text."""
        url = autolink["url"] or f"mailto:{autolink['email']}"
        if self.unlink:
            self.out.append("\\<")
            return position + 1
        if markdown_parser().normalizeLink(url) not in self.links or is_web_url(url):
            self.out.append(autolink.group(0))
            return autolink.end()
        self.context.report.warn(
            self.here(position), f"link {url!r}: {link_problem(url)}; kept as text"
        )
        self.out.append("\\<")  # the rest is scanned as text: its colon is escaped
        return position + 1

    def _link(self, position: int) -> int:
        """At ``](``: rewrite the destination that follows, if markdown-it saw a link there."""
        text = self.text
        start = position + 2
        cursor = start
        while cursor < len(text) and text[cursor] in " \t":
            cursor += 1
        if cursor < len(text) and text[cursor] == "\n":
            cursor += 1
            while cursor < len(text) and text[cursor] in " \t":
                cursor += 1
        dest_start = cursor
        parsed = _parse_destination(text, cursor)
        if parsed is None:
            self.out.append("](")
            return start
        dest, dest_end = parsed
        normal = markdown_parser().normalizeLink(dest)
        is_image = normal in self.images and normal not in self.links
        if normal not in self.links and normal not in self.images:
            self.out.append("](")
            return start
        new = _destination(dest, is_image, self.here(position), self.context)
        if new is None:
            self.out.append("\\](")
            if text.startswith("<", dest_start):  # else ``<url>`` reads as an autolink
                self.out.append(text[start:dest_start] + "\\<")
                return dest_start + 1
            return start
        self.out.append("](" + text[start:dest_start] + new)
        return dest_end


def _destination(dest: str, is_image: bool, line: int, context: LinkContext) -> str | None:
    """The destination to write for a link (or image) to *dest*, or None to make it text.

    The URL policy (:mod:`..urls`) decides which URLs may be linked; relative ones
    point into the source repository, so they need ``--base-url`` (or, for an
    image, a file beside the source that is copied).
    """
    kind = "image" if is_image else "link"
    problem = image_problem(dest) if is_image else link_problem(dest)
    if problem is not None:
        context.report.warn(line, f"{kind} {dest!r}: {problem}; kept as text")
        return None
    dest = clean_url(dest)
    if dest.startswith("#"):
        anchor = unquote(dest[1:])
        for candidate in (anchor, anchor.lower()):
            if candidate in context.slugs:
                return "#" + candidate
        context.report.warn(
            line, f"link to #{anchor} names no heading of the document: kept as text"
        )
        return None
    if browser_scheme(dest) is not None:  # a web scheme: the policy refused any other
        return _written(dest)
    if context.base_url is not None:
        joined = urljoin(context.base_url, dest)
        if is_web_url(joined):
            return _written(joined)
    if is_image and context.source_dir is not None:
        path = unquote(urlsplit(dest).path)
        try:
            base = context.source_dir.resolve()
            real = (base / path).resolve()
            inside = real.is_relative_to(base) and real.exists() and not dest.startswith("/")
        except (OSError, RuntimeError, ValueError):
            inside = False
        if inside:
            refused = image_refusal(real, path)
            if refused is not None:
                context.report.warn(line, f"image {dest!r} is not copied: {refused}")
                return None
            context.images.append((str(real), real.relative_to(base).as_posix()))
            return _written(real.relative_to(base).as_posix())
    context.report.warn(
        line,
        f"relative {kind} {dest!r} points into the source repository: kept as text "
        "(give --base-url to keep it as a link)",
    )
    return None


def _parse_destination(text: str, position: int) -> tuple[str, int] | None:
    """The link destination at *position* as markdown-it reads it (escapes and entities
    decoded) and where it ends, or None when there is none."""
    from markdown_it.helpers import parseLinkDestination  # with markdown_parser's dependency

    parsed = parseLinkDestination(text, position, len(text))
    return (parsed.str, parsed.pos) if parsed.ok else None


def _link_definitions(lines: list[str], first_line: int, context: LinkContext) -> list[str]:
    """*lines* with each link reference definition made safe as inline links are.

    ``[text][label]`` takes its URL from a ``[label]: URL`` line elsewhere, so the
    URL is judged where it is defined: a definition whose URL may not be linked
    gets its ``[`` escaped (it shows as text, and the links that use it too), and
    a relative one is made absolute with ``--base-url``.
    """
    if not any("]:" in line for line in lines):  # no definition without its ``]:``
        return lines
    env: dict[str, Any] = {}
    markdown_parser().parse("\n".join(lines), env)
    found = list(env.get("references", {}).values()) + list(env.get("duplicate_refs", []))
    if not found:
        return lines
    result = list(lines)
    for definition in sorted(found, key=lambda d: d["map"][0], reverse=True):
        begin, end = definition["map"]
        text = "\n".join(result[begin:end])
        label = _DEFINITION_LABEL.search(text)
        if label is None:  # pragma: no cover - markdown-it found a definition here
            continue
        cursor = label.end()
        while cursor < len(text) and text[cursor] in " \t\n":
            cursor += 1
        parsed = _parse_destination(text, cursor)
        if parsed is None:  # pragma: no cover - markdown-it read one
            continue
        dest, dest_end = parsed
        new = _destination(dest, False, first_line + begin + 1, context)
        if new is None:  # as text; ``<url>`` would read as an autolink then
            bracket = "\\" if text.startswith("<", cursor) else ""
            start = label.start()
            text = f"{text[:start]}\\{text[start:cursor]}{bracket}{text[cursor:]}"
        elif new != text[cursor:dest_end]:
            text = text[:cursor] + new + text[dest_end:]
        result[begin:end] = text.split("\n")
    return result


def _written(url: str) -> str:
    """*url* as a link destination that markdown-it reads back as *url*.

    Backslashes and entity-like ``&`` are escaped (markdown-it would read them),
    and angle brackets hold a URL with spaces or parentheses.
    """
    url = _ENTITY_LIKE.sub("\\\\&", url.replace("\\", "\\\\"))
    if re.search(r"[\s()<>]", url):
        return "<" + url.replace("<", "%3C").replace(">", "%3E") + ">"
    return url
