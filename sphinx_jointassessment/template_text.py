"""Template text left in: ``[Project]``, ``Flibble``, ``TODO``, the template's guidance.

Copying the CNCF Markdown template by hand leaves its filler behind; the
``placeholder`` check finds it with ``jointassessment_placeholder_patterns`` in the
text a reader sees as prose (code, comments and raw markup are not template text),
once per block, at the line of the text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes

if TYPE_CHECKING:
    import re
    from collections.abc import Iterable, Iterator

_NOT_PROSE = (nodes.literal_block, nodes.literal, nodes.comment, nodes.raw, nodes.system_message)


def _prose_text_nodes(root: nodes.Node) -> Iterator[nodes.Text]:
    """Text a reader sees as prose: code, comments and raw markup are not template text."""
    for node in root.findall(nodes.Text):
        parent = node.parent
        skip = False
        while parent is not None:
            if isinstance(parent, _NOT_PROSE):
                skip = True
                break
            parent = parent.parent
        if not skip:
            yield node


def _node_line(node: nodes.Node) -> tuple[str | None, int | None]:
    current: nodes.Node | None = node
    while current is not None:
        if getattr(current, "line", None):
            return current.source, current.line
        current = current.parent
    return None, None


def find_placeholders(
    root: nodes.Node, patterns: Iterable[re.Pattern[str]]
) -> list[tuple[str, str | None, int | None]]:
    """Template text in *root*: (matched text, source file, line), first match per block."""
    patterns = tuple(patterns)
    found = []
    seen_blocks: set[int] = set()
    for text in _prose_text_nodes(root):
        value = text.astext()
        for pattern in patterns:
            match = pattern.search(value)
            if match is None:
                continue
            block = text.parent
            key = id(block)
            if key in seen_blocks:
                break
            seen_blocks.add(key)
            source, line = _node_line(text)
            found.append((match.group(0), source, line))
            break
    return found
