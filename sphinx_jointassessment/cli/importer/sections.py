"""Headings and bold lines that name an outline section, and the headings that stay content.

A heading maps to a section when its title matches one of the outline's titles or
aliases (:meth:`Outline.match_title`) and the section is still free. Real
documents reuse section titles deeper down ("Goals" under a project's "Actors",
"Security issue resolution" twice), so :func:`eligible_section` also asks that
the section fit where the heading stands; a heading that does not fit stays a
heading inside the current section, and the report says why when the section was
already taken.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...outline import extra_id, normalize_title
from ..mdparse import bold_line_title, plain_text
from ..model import SubHeading

if TYPE_CHECKING:
    from ...outline import OutlineSection
    from ..mdparse import Block
    from .state import ImportState


def eligible_section(
    state: ImportState, section: OutlineSection | None, *, strict: bool, level: int | None = None
) -> OutlineSection | None:
    """*section* if content may start it here, else None (a pure check).

    Strict (bold lines, which are often only emphasis): a child of the current
    section, or a top-level section after it. Otherwise (headings): any free
    section, unless it is a subsection under another top-level section than the
    current one, its parent was already seen, and the heading is deeper than the
    current section's: then it is most likely a title reused inside the current
    section ("Goals" of a component), not the outline's section.
    """
    if section is None or not section.contributable or section.key in state.used:
        return None
    current = state.current_outline
    parent = section.parent_key if state.outline.get(section.parent_key or "") else None
    if strict:
        if current is not None and parent == current.key:
            return section
        sections = state.outline.sections
        if parent is None and (
            current is None or sections.index(section) > sections.index(current)
        ):
            return section
        return None
    if current is None or parent is None:
        return section
    if section.key.split(".")[0] == current.key.split(".")[0] or parent not in state.used:
        return section
    if level is not None and level <= state.current.source_level:
        return section
    return None


def section_heading(state: ImportState, block: Block) -> bool:
    """A heading that names a free outline section: that section starts here."""
    if block.kind != "heading":
        return False
    plain = plain_text(block.title)
    section = eligible_section(
        state, state.outline.match_title(plain), strict=False, level=block.level
    )
    if section is None:
        return False
    state.report.headings_mapped += 1
    if normalize_title(plain) != normalize_title(section.title):
        state.report.note(
            block.lineno, f"heading {plain!r} is section {section.key} ({section.title!r})"
        )
    state.start_section(section, block.title, block.lineno, block.level)
    return True


def sub_heading(state: ImportState, block: Block) -> bool:
    """Any other heading: a heading inside the current section (warned if a repeat).

    A heading as high as the current section's own (an "## Intended Use" after an
    outline's "### Non-goals") is not one of its sub-headings: it starts a section of
    the document's own, placed after the outline section at its level
    (:func:`extra_after`), so that it is not demoted under the section before it.
    An empty heading, or one whose title such a section already has, stays a
    heading inside the current section.
    """
    if block.kind != "heading":
        return False
    plain = plain_text(block.title)
    found = state.outline.match_title(plain)
    if found is not None and found.key in state.used:
        inside = state.current.key or "the preamble"
        state.report.warn(
            block.lineno,
            f"heading {plain!r} names section {found.key} again (first at line "
            f"{state.used[found.key]}): kept as a heading inside {inside}",
        )
    state.report.headings_kept += 1
    after = extra_after(state, block.level)
    title = " ".join(plain.split())
    taken = {
        extra_id(str(section.key), plain_text(section.heading))
        for section in state.sections
        if section.extra
    }
    if after is not None and title and extra_id(after, title) not in taken:
        state.report.note(
            block.lineno,
            f"heading {plain!r} has no place in the outline: a section of its own after {after}",
        )
        state.start_extra(after, block.title, block.lineno, block.level)
        return True
    state.add(SubHeading(block.level, block.title, block.lineno, ""))
    return True


def extra_after(state: ImportState, level: int) -> str | None:
    """The outline section a heading of *level* follows, when it is as high as it (pure).

    None when the heading is deeper than the current section's (a sub-heading), or
    before any section. Source levels are compared relative to the last outline
    section's heading, so documents whose sections are ``###`` work alike.
    """
    current, mapped, outline_section = state.current, state.mapped, state.current_outline
    if current.key is None or mapped is None or outline_section is None:
        return None
    if level > current.source_level or mapped.source_level == 99:
        return None
    target = max(2, outline_section.level - (mapped.source_level - level))
    section = outline_section
    while section.level > target:
        parent = state.outline.get(section.parent_key or "")
        if parent is None:
            break
        section = parent
    return section.key


def bold_line_section(state: ImportState, block: Block) -> bool:
    """A paragraph that is one bold line naming a section ("**Security functions**").

    Several assessments write subsection headings so. Matched strictly (see
    :func:`eligible_section`), since a bold line is as often mere emphasis.
    """
    title = bold_line_title(block)
    if title is None:
        return False
    section = eligible_section(state, state.outline.match_title(title), strict=True)
    if section is None:
        return False
    state.report.headings_mapped += 1
    state.report.note(block.lineno, f"bold line {title!r} is section {section.key}")
    state.start_section(section, block.lines[0].strip(), block.lineno, 99)
    return True
