"""Convert the Markdown kept by the importer into reStructuredText, for ``--format rst``.

Why a converter and not MyST pages: a project that chose reStructuredText wants
rST sources it can edit. The converter covers what assessments use: paragraphs,
headings, nested lists, block quotes, code, tables (as ``list-table``), links,
images, emphasis and literals. What rST cannot express is simplified, never
dropped: nested emphasis becomes plain text inside the outer markup, strike-
through becomes plain text, a line break becomes a space. Every construct is
written so that docutils reads it without a system message (escaped text,
``\\ `` around inline markup glued to words, anonymous hyperlinks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..urls import image_problem, is_web_url
from .mdparse import markdown_parser
from .rst import escape, escape_line_start, indent, rst_directive

if TYPE_CHECKING:
    from markdown_it.tree import SyntaxTreeNode

#: characters that may stand right before inline markup / right after it
_BEFORE_OK = set(" \t\n-:/'\"<([{")
_AFTER_OK = set(" \t\n-.,:;!?\\/'\")]}>")


@dataclass(slots=True)
class RstContext:
    """Per-page state: substitution names for images must be unique in a document."""

    images: int = 0
    #: label prefix of headings, so ``[x](#slug)`` becomes ``:ref:`x <prefix-slug>```
    label_prefix: str = "src-"
    substitutions: list[list[str]] = field(default_factory=list)


def convert(markdown: str, context: RstContext) -> list[str]:
    """The rST lines of a Markdown fragment."""
    from markdown_it.tree import SyntaxTreeNode

    tree = SyntaxTreeNode(markdown_parser().parse(markdown))
    return _blocks(tree.children, context)


def _blocks(nodes: list[SyntaxTreeNode], context: RstContext) -> list[str]:
    lines: list[str] = []
    previous = ""
    for node in nodes:
        before = len(context.substitutions)
        block = _block(node, context)
        block += flush_substitutions(context, before)
        if not block:
            continue
        if lines:
            lines.append("")
        if node.type == "blockquote" or (
            previous in {"bullet_list", "ordered_list"}
            and node.type in {"bullet_list", "ordered_list"}
        ):
            lines += ["..", ""]  # an empty comment ends the list before a quote/new list
        lines += block
        previous = node.type
    return lines


def _block(node: SyntaxTreeNode, context: RstContext) -> list[str]:
    kind = node.type
    if kind == "paragraph":
        return _paragraph(node, context)
    if kind == "heading":
        text = inline(node.children[0] if node.children else None, context)
        return rst_directive("rubric", text) if text.strip() else []
    if kind in {"bullet_list", "ordered_list"}:
        return _list(node, context)
    if kind == "blockquote":
        return indent(_blocks(node.children, context), 4)
    if kind in {"fence", "code_block"}:
        language = (node.info or "").split()[0] if node.info else ""
        body = node.content.rstrip("\n").split("\n")
        return rst_directive("code-block", language or "none", None, body or [""])
    if kind == "html_block":
        body = node.content.rstrip("\n").split("\n")
        return rst_directive("code-block", "html", None, body)
    if kind == "table":
        return _table(node, context)
    return []  # hr and anything unknown hold no text


def _paragraph(node: SyntaxTreeNode, context: RstContext) -> list[str]:
    inline_node = node.children[0] if node.children else None
    images = _lone_image(inline_node)
    if images is not None:
        return images
    text = inline(inline_node, context)
    if not text.strip():
        return []
    return [escape_line_start(text.strip())]


def flush_substitutions(context: RstContext, before: int = 0) -> list[str]:
    """The image substitution definitions made since *before*, to write after the block."""
    lines: list[str] = []
    for definition in context.substitutions[before:]:
        lines += ["", *definition]
    del context.substitutions[before:]
    return lines


def _lone_image(node: SyntaxTreeNode | None) -> list[str] | None:
    """A paragraph that is only an image (maybe linked): an ``image`` directive."""
    if node is None:
        return None
    children = [c for c in node.children if not (c.type == "text" and not c.content.strip())]
    target = None
    if len(children) == 1 and children[0].type == "link":
        target = str(children[0].attrGet("href") or "")
        children = children[0].children
    if len(children) != 1 or children[0].type != "image":
        return None
    image = children[0]
    source = str(image.attrGet("src") or "")
    if image_problem(source) is not None:
        return None
    options = {"alt": _plain(image)} if _plain(image) else {}
    if target and is_web_url(target):
        options["target"] = _uri(target)
    return rst_directive("image", _uri(source), options)


def _list(node: SyntaxTreeNode, context: RstContext) -> list[str]:
    ordered = node.type == "ordered_list"
    start = int(node.attrGet("start") or 1) if ordered else 1
    lines: list[str] = []
    for number, item in enumerate(node.children, start=start):
        marker = f"{number}. " if ordered else "- "
        body = _blocks(item.children, context) or [""]
        if lines:
            lines.append("")
        lines.append((marker + body[0]).rstrip())
        lines += indent(body[1:], len(marker))
    return lines


def _table(node: SyntaxTreeNode, context: RstContext) -> list[str]:
    rows: list[list[str]] = []
    header_rows = 0
    for section in node.children:
        for row in section.children:
            rows.append(
                [
                    inline(cell.children[0] if cell.children else None, context)
                    for cell in row.children
                ]
            )
            if section.type == "thead":
                header_rows += 1
    return list_table(rows, header_rows)


def list_table(rows: list[list[str]], header_rows: int) -> list[str]:
    """A ``list-table`` of inline rST cells, padded so every row has the same width."""
    width = max((len(row) for row in rows), default=0)
    if not width:
        return []
    body: list[str] = []
    for row in rows:
        cells = row + [""] * (width - len(row))
        for index, cell in enumerate(cells):
            prefix = "* - " if index == 0 else "  - "
            body.append(
                (prefix + escape_line_start(cell.strip())).rstrip()
                if cell.strip()
                else prefix + "\\"
            )
    options = {"header-rows": str(header_rows)} if header_rows else {}
    return rst_directive("list-table", "", options, body)


# -- inline ----------------------------------------------------------------------------------


def _plain(node: SyntaxTreeNode | None) -> str:
    if node is None:
        return ""
    if node.type in {"text", "code_inline", "html_inline"}:
        return node.content
    if node.type in {"softbreak", "hardbreak"}:
        return " "
    return "".join(_plain(child) for child in node.children)


def _uri(url: str) -> str:
    return re.sub(r"[\s<>`]", lambda m: f"%{ord(m.group(0)):02X}", url.strip())


def inline(node: SyntaxTreeNode | None, context: RstContext) -> str:
    """One line of inline rST for an ``inline`` node."""
    if node is None:
        return ""
    segments: list[tuple[bool, str]] = []
    for child in node.children:
        segments += _inline(child, context)
    return _join(segments)


def _markup(start: str, text: str, end: str) -> list[tuple[bool, str]]:
    """``*text*`` with the spaces moved outside, or nothing for empty text."""
    stripped = text.strip()
    if not stripped:
        return [(False, " ")] if text else []
    lead = " " if text[:1].isspace() else ""
    tail = " " if text[-1:].isspace() else ""
    parts: list[tuple[bool, str]] = [(False, lead)] if lead else []
    parts.append((True, f"{start}{stripped}{end}"))
    if tail:
        parts.append((False, tail))
    return parts


def _inline(node: SyntaxTreeNode, context: RstContext) -> list[tuple[bool, str]]:
    kind = node.type
    if kind == "text":
        return [(False, escape(node.content))]
    if kind in {"softbreak", "hardbreak"}:
        return [(False, " ")]
    if kind == "code_inline":
        code = node.content
        if "``" in code or code != code.strip() or not code or code.endswith("`"):
            return [(False, escape(code))]
        return [(True, f"``{code}``")]
    if kind in {"em", "strong"}:
        mark = "*" if kind == "em" else "**"
        return _markup(mark, escape(_plain(node)), mark)
    if kind == "link":
        return _link(node, context)
    if kind == "image":
        return _image(node, context, None)
    if kind == "html_inline":
        return [(False, escape(node.content))]
    return [(False, escape(_plain(node)))]


def _link(node: SyntaxTreeNode, context: RstContext) -> list[tuple[bool, str]]:
    href = str(node.attrGet("href") or "")
    if len(node.children) == 1 and node.children[0].type == "image":
        return _image(node.children[0], context, href)
    text = " ".join(_plain(node).split())
    if href.startswith("#"):
        label = context.label_prefix + href[1:]
        shown = _ref_text(text or href[1:])
        return [(True, f":ref:`{shown} <{label}>`")]
    if not is_web_url(href):  # the importer unlinks these first; never write one as a link
        return [(False, escape(text or href))]
    shown = _ref_text(text) if text and text != href else ""
    uri = _uri(href)
    return [(True, f"`{shown} <{uri}>`__" if shown else f"`<{uri}>`__")]


def _ref_text(text: str) -> str:
    """Text inside a hyperlink or role: no backticks, no ``<`` that would start a target."""
    text = text.replace("`", "'").replace("\\", "\\\\")
    return re.sub(r"<", r"\\<", text)


def _image(node: SyntaxTreeNode, context: RstContext, target: str | None) -> list[tuple[bool, str]]:
    source = str(node.attrGet("src") or "")
    if image_problem(source) is not None:  # as for links: shown as its text
        return [(False, escape(" ".join(_plain(node).split()) or source))]
    context.images += 1
    name = f"img-{context.images}"
    options = {"alt": " ".join(_plain(node).split())} if _plain(node).strip() else {}
    if target and is_web_url(target):
        options["target"] = _uri(target)
    context.substitutions.append(rst_directive(f"|{name}| image", _uri(source), options))
    return [(True, f"|{name}|")]


def _join(segments: list[tuple[bool, str]]) -> str:
    """Join text and markup, adding ``\\ `` where markup would touch a word."""
    out = ""
    for index, (is_markup, text) in enumerate(segments):
        if not text:
            continue
        if is_markup:
            if out and out[-1] not in _BEFORE_OK:
                out += "\\ "
            out += text
            following = next((t for _m, t in segments[index + 1 :] if t), "")
            if following and following[0] not in _AFTER_OK:
                out += "\\ "
        else:
            out += text
    return out
