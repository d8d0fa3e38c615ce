"""Hand-made tables of contents: dropped, because the builder writes its own.

Real assessments open with one in three shapes: a heading "Table of contents"
followed by a list of links, a ``<!-- TOC -->`` comment that an editor plugin
maintains, or a bare list whose every item is an in-document ``#link``. Kept, it
would repeat the outline in the middle of the preamble and its links would point
at anchors the assembled document no longer has.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ...outline import normalize_title
from ..mdparse import plain_text

if TYPE_CHECKING:
    from markdown_it.token import Token

    from ..mdparse import Block
    from .state import ImportState

TOC_TITLES = {"table of contents", "contents", "toc"}
_TOC_COMMENT = re.compile(r"^\s*<!--\s*(?:TOC|table of contents)\b", re.IGNORECASE)


def table_of_contents(state: ImportState, block: Block) -> bool:
    """The lines of a table of contents: after its heading, or a list that is one.

    Only before the first section: later, a list of links is content. The table
    runs on over lists, blank lines and comments, and ends at any other block.
    """
    if state.in_toc:
        if block.kind in {"list", "blank"} or (
            block.kind == "html" and block.text.lstrip().startswith("<!--")
        ):
            if block.kind != "blank":
                _note_dropped(state, block)
            return True
        state.in_toc = False
    if not state.sections and is_toc(block):
        state.in_toc = True
        state.toc_line = block.start if state.toc_line is None else state.toc_line
        _note_dropped(state, block)
        return True
    return False


def toc_heading(state: ImportState, block: Block) -> bool:
    """A heading "Table of contents" (or "Contents", "TOC"): what follows it is dropped."""
    if block.kind != "heading" or normalize_title(plain_text(block.title)) not in TOC_TITLES:
        return False
    state.in_toc = True
    if not state.sections and state.toc_line is None:
        state.toc_line = block.start
    state.report.headings_other += 1
    return True


def _note_dropped(state: ImportState, block: Block) -> None:
    state.report.note(
        block.lineno,
        f"table of contents dropped ({len(block.lines)} lines): the builder writes its own",
    )


def is_toc(block: Block) -> bool:
    """A hand-made table of contents: a "TOC" comment, or a list of nothing but #links.

    Three links at least: a list of one or two in-document links is more likely a
    "see also" than a table of contents.
    """
    if block.kind == "html":
        return bool(_TOC_COMMENT.match(block.text))
    if block.kind != "list":
        return False
    links = 0
    for token in block.tokens:
        for child in token.children or ():
            if child.type == "link_open":
                if not str(child.attrGet("href") or "").startswith("#"):
                    return False
                links += 1
            elif child.type == "text" and child.content.strip() and not _in_link(token, child):
                return False
    return links >= 3


def _in_link(inline: Token, child: Token) -> bool:
    depth = 0
    for token in inline.children or ():
        if token is child:
            return depth > 0
        if token.type == "link_open":
            depth += 1
        elif token.type == "link_close":
            depth -= 1
    return False
