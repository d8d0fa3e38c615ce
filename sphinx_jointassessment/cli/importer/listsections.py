"""List items that open subsections: "- Critical. Data that must stay secret..." and the like.

The self-assessment template asks for some subsections as a list whose items
start with the subsection's name ("Critical.", "Security Relevant.", "**Goals**:",
a link); real assessments fill them in place. Each such item becomes its
section, its text without the lead phrase becomes the section's content, and the
items before the first named one stay a list in the parent section.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..mdparse import parse_blocks, plain_text

if TYPE_CHECKING:
    from ...outline import OutlineSection
    from ..mdparse import Block
    from .state import ImportState

LIST_MARKER = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>[-*+]|\d{1,9}[.)])(?P<space>[ \t]+|$)")
#: the lead phrase of an item: bold text, a link, a short phrase ending in "." or ":", or
#: one set off by a dash ("Development Pipeline - Contour uses GitHub issues...")
_LEADS = (
    re.compile(r"^(?P<lead>(\*\*|__)(?P<t>[^*_]+?)\2)\s*[.:]?(?:\s+|$)"),
    re.compile(r"^(?P<lead>(?P<t>\[[^\]]+\]\([^)\s]*\)))\s*[.:]?(?:\s+|$)"),
    re.compile(r"^(?P<lead>(?P<t>[^.:\n]{1,80}?)[.:])(?:\s+|$)"),
    re.compile(r"^(?P<lead>(?P<t>[^.:\n]{1,60}?)\s+[-\u2013\u2014])\s+"),
)


def list_item_sections(state: ImportState, block: Block) -> bool:
    """A list whose items start with the name of a subsection of the current section.

    Only children of the current section, each once: a list of "Critical." items
    elsewhere is content. The content of each such item is read again, by the
    recognisers for list-item content (``state.in_list_item``).
    """
    if block.kind != "list":
        return False
    items = [t for t in block.tokens if t.type == "list_item_open" and t.level == 1]
    splits: dict[int, tuple[OutlineSection, str]] = {}
    for index, item in enumerate(items):
        if item.map is None:
            return False
        marker = LIST_MARKER.match(block.lines[item.map[0] - block.start])
        if marker is None:
            return False
        first = item.map[0] - block.start
        rest = block.lines[first][marker.end() :]
        for title, lead in _candidates(rest, block.lines[first + 1 : item.map[1] - block.start]):
            section = state.outline.match_title(title) if title else None
            if _opens_subsection(state, section, splits):
                assert section is not None
                splits[index] = (section, lead)
                break
    if not splits:
        return False
    bounds = [item.map[0] - block.start for item in items if item.map] + [len(block.lines)]
    first_split = min(splits)
    if first_split:  # items before the first named one stay in the parent, as a list
        state.keep_lines(block.lines[: bounds[first_split]], block.start)
    for index in range(first_split, len(items)):
        lines = block.lines[bounds[index] : bounds[index + 1]]
        offset = block.start + bounds[index]
        if index not in splits:
            state.keep_lines(lines, offset)
            continue
        section, lead_text = splits[index]
        state.report.note(
            offset + 1, f"list item {plain_text(lead_text)!r} is section {section.key}"
        )
        state.start_section(section, section.title, offset + 1, 99)
        content = "\n".join(item_content(lines, lead_text)) + "\n"
        state.read(parse_blocks(content, offset=offset), state.in_list_item)
    return True


def _candidates(rest: str, after: list[str]) -> list[tuple[str, str]]:
    """(title, lead phrase) an item may open a subsection with, in order of preference.

    Its lead phrases (see ``_LEADS``), then its whole first line when that is short and
    all of its first paragraph: the item is one line, or what follows the line is a
    nested list or a blank line ("- Communication Channels" over the channels' list).
    """
    found = [(plain_text(m["t"]), m["lead"]) for m in (r.match(rest) for r in _LEADS) if m]
    line = rest.strip()
    nested = not after or not after[0].strip() or LIST_MARKER.match(after[0]) is not None
    if line and len(line) <= 80 and (len(after) <= 1 or nested):
        found.append((plain_text(line), line))
    return found


def _opens_subsection(
    state: ImportState,
    section: OutlineSection | None,
    splits: dict[int, tuple[OutlineSection, str]],
) -> bool:
    """Whether *section* is a free child of the current section not named by an earlier item."""
    current = state.current_outline
    return (
        section is not None
        and current is not None
        and section.parent_key == current.key
        and section.key not in state.used
        and section.contributable
        and all(section.key != taken.key for taken, _lead in splits.values())
    )


def item_content(lines: list[str], lead: str) -> list[str]:
    """A list item's lines without its marker and lead phrase, unindented."""
    first = lines[0]
    marker = LIST_MARKER.match(first)
    assert marker is not None
    indent = len(marker.group(0).expandtabs(4))
    rest = first[marker.end() :]
    rest = rest[rest.find(lead) + len(lead) :] if lead in rest else rest
    rest = re.sub(r"^\s*[.:]?\s*", "", rest)
    content = [rest] if rest.strip() else []
    for line in lines[1:]:
        expanded = line.expandtabs(4)
        if expanded[:indent].strip():
            content.append(expanded.lstrip())  # a lazy continuation line
        else:
            content.append(expanded[indent:])
    return content
