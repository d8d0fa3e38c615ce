"""Making block content safe to publish: links, images and raw output.

Block text is untrusted (a page may come from a pull request) and the assessment is
published on the project's web site and submitted as Markdown. Every body and
section container is passed through :func:`sanitize` once its page is read:

* a link whose URL is not a web URL (``javascript:``...) keeps its text but stops
  being a link (``bad-url``);
* an image from anything but ``http``/``https`` (``data:``, ``javascript:``) is shown
  as its alternative text (``bad-url``);
* which URLs those are is the URL policy's answer (:mod:`.urls`): a relative URL
  passes, a URL with invisible, control or space characters does not;
* raw output (raw HTML, which MyST makes of inline ``<tags>``) is shown as text
  (``schema``), except an HTML comment alone, which is kept as a comment;
* a code block in a language that GitHub draws instead of showing it (``mermaid``,
  ``math``, ``geojson``, ``topojson``, ``stl``) is reported (``schema``): the
  Markdown writes it as plain code, as the docs show it.
"""

from __future__ import annotations

import re

from docutils import nodes

from .markdown import DRAWN_LANGUAGES, info_string
from .problems import Code
from .urls import image_problem, link_problem

#: one HTML comment and nothing else (``--!>`` also ends a comment in HTML)
_HTML_COMMENT = re.compile(r"\s*<!--(?P<inner>(?:(?!--!?>).)*?)--!?>\s*", re.DOTALL)


def _line(node: nodes.Node) -> int | None:
    while node is not None:
        if getattr(node, "line", None):
            return node.line  # type: ignore[no-any-return]
        node = node.parent
    return None


def sanitize(body: nodes.Element) -> list[tuple[Code, str, int | None]]:
    """Unlink non-web URLs, drop non-web images and show raw output as text; the problems.

    A substitution definition is made safe too, but reported only where it is used.
    """
    inside = [n for d in body.findall(nodes.substitution_definition) for n in d.findall()]
    definitions = {id(node) for node in inside}  # ``inside`` keeps them alive: ids stay unique
    found = [
        (code, message, line)
        for code, message, line, node_id in _sanitize(body)
        if node_id not in definitions
    ]
    del inside
    return found


def _sanitize(body: nodes.Element) -> list[tuple[Code, str, int | None, int]]:
    problems: list[tuple[Code, str, int | None, int]] = []
    for ref in list(body.findall(nodes.reference)):
        uri = ref.get("refuri")
        if not uri:
            continue
        reason = link_problem(uri)
        if reason is not None:
            problems.append(
                (
                    Code.BAD_URL,
                    f"link to {uri!r}: {reason}; shown as text",
                    _line(ref),
                    id(ref),
                )
            )
            plain = nodes.inline("", "", *[child.deepcopy() for child in ref.children])
            plain["classes"].append("ja-unlinked")
            ref.replace_self(plain)
    for image in list(body.findall(nodes.image)):
        reason = image_problem(image.get("uri", ""))
        if reason is not None:
            problems.append(
                (
                    Code.BAD_URL,
                    f"image {image.get('uri', '')[:80]!r}: {reason}; shown as its text",
                    _line(image),
                    id(image),
                )
            )
            alt = image.get("alt") or f"[image {image.get('uri', '')[:80]}]"
            shown = nodes.inline(alt, alt, classes=["ja-unlinked"])
            inline = isinstance(image.parent, nodes.TextElement)
            image.replace_self(shown if inline else nodes.paragraph("", "", shown))
    problems.extend(
        (code, message, line, id(block)) for code, message, line, block in drawn_code_blocks(body)
    )
    for raw in list(body.findall(nodes.raw)):
        line = _line(raw)
        text = raw.astext()
        comment = _HTML_COMMENT.fullmatch(text)
        if comment is not None and "html" in raw.get("format", "").split():
            # an HTML comment (MyST keeps ``<!-- ... -->`` as raw html) shows nothing: keep
            # it as a comment, which writers escape or skip, not as a problem
            raw.replace_self(nodes.comment(comment["inner"], comment["inner"]))
            continue
        problems.append(
            (
                Code.SCHEMA,
                f"raw {raw.get('format', '')} output is not allowed in an assessment block; "
                "shown as text",
                line,
                id(raw),
            )
        )
        if isinstance(raw.parent, nodes.TextElement):
            raw.replace_self(nodes.literal(text, text))
        else:
            raw.replace_self(nodes.literal_block(text, text, language="text"))
    return problems


def drawn_code_blocks(root: nodes.Element) -> list[tuple[Code, str, int | None, nodes.Element]]:
    """The problem of each code block in a language that GitHub draws (``mermaid``...).

    The Markdown writes such a block as plain code, as the docs show it.
    """
    found = []
    for block in root.findall(nodes.literal_block):
        language = str(block.get("language") or "")
        if info_string(language).lower() in DRAWN_LANGUAGES:
            message = (
                f"a code block in language {language!r}: GitHub would draw it rather than "
                "show the code, so the Markdown writes it as plain text"
            )
            found.append((Code.SCHEMA, message, _line(block), block))
    return found
