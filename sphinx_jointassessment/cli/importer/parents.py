"""A heading that names a container section of the template holds its first child.

The joint template's "Project Design", "Configuration and Set-Up" and "Roadmap" only
group their sub-sections ("Design", "Default", "Project Next Steps"...), which are
the ones required. Real documents often write under the container's heading alone,
with no sub-heading: kept under the container, the content would sit beside
"not yet written" notes for every sub-section. So when nothing in the document
names one of a container's sub-sections, the container's content is the first
sub-section's, as its heading already says.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .state import ImportState


def fill_first_child(state: ImportState) -> None:
    """Give a container section's content to its first sub-section (see the module)."""
    taken = {section.key for section in state.sections}
    for section in state.sections:
        entry = state.outline.get(section.key or "")
        if entry is None or entry.required or not section.has_content():
            continue
        children = [
            child
            for child in state.outline.sections
            if child.parent_key == entry.key and child.contributable
        ]
        if not children or any(child.key in taken for child in children):
            continue
        if not any(child.required for child in children):
            continue
        first = children[0]
        state.report.note(
            section.line,
            f"section {entry.key} ({entry.title!r}) has no sub-heading: its content is "
            f"{first.key} ({first.title!r})",
        )
        taken.discard(section.key)
        section.key = first.key
        taken.add(first.key)
