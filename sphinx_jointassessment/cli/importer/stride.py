"""STRIDE threat catalogues as ``threat`` directives with their ``controls``.

Published catalogues come in a few shapes, each read here:

* one heading per threat, ``Threat-01-S - Title``, its description under it, then a
  heading ``Threat-01-S Recommended Mitigations`` over its controls
  (:func:`threat_heading`, then :func:`threat_content` takes the blocks);
* one heading per category ("3.1 Spoofing"), then a "**Threats**:" line over a list
  of threats and a "**Mitigations**:" line over the list that answers them all
  (:func:`stride_heading`, then :func:`threat_content`);
* list items per category ("- SPOOFING" with ``Threat-01-S: text`` items under
  it), each category's threats followed by the bullets that mitigate them
  (:func:`threat_content`);
* a table with the STRIDE categories as rows and components as columns
  (:func:`stride_grid_table`).

The category comes from the heading, the list item or the row, or the letter of the
id. A heading over a category keeps its place and gets the category's threats as a
table under it; a table of threats is replaced by a ``threats-table`` in its layout;
the threats themselves are written as directives, and the assembled assessment lists
them under Threat Model. Nothing is dropped: what is not a threat's title goes into
its description or its controls, as written.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from markdown_it.tree import SyntaxTreeNode

from ...outline import normalize_title
from ...stride import stride_category
from ..mdparse import bold_line_title, plain_text, unique_slug
from ..model import SubHeading, Threat, ThreatsTable
from .cells import count_rows
from .sections import eligible_section

if TYPE_CHECKING:
    from ..mdparse import Block
    from .state import Catalogue, ImportState

THREAT_MODEL_KEY = "threat-model"
_THREAT_ID = re.compile(
    r"^(?P<id>Threat-\d+-(?P<letter>[A-Za-z]))\b\s*[-\u2013\u2014:]?\s*(?P<rest>.*)$"
)
_MITIGATIONS = re.compile(
    r"^(?:recommended\s+)?(?:mitigations?|controls?|remediations?)\s*:?$", re.IGNORECASE
)
_NUMBERING = re.compile(r"^\s*\d+(?:\.\d+)*\.?\s+")
_PARENTHESES = re.compile(r"\s*\([^)]*\)\s*$")
_THREATS_LABEL = {"threat", "threats"}
_CONTROLS_LABEL = {"mitigation", "mitigations", "control", "controls", "remediation"}


def heading_category(text: str) -> str | None:
    """The STRIDE category a heading or list item names ("3.5 Denial of Service (DoS)")."""
    plain = _NUMBERING.sub("", plain_text(text)).strip().rstrip(":")
    return stride_category(plain) or stride_category(_PARENTHESES.sub("", plain))


def catalogue_starts(state: ImportState, line: int) -> None:
    """A STRIDE catalogue met before any section starts the joint outline's Threat Model.

    A threat model whose only heading is its title ("# Threat Modeling with STRIDE",
    then "**1. Spoofing**"...) would otherwise keep the whole catalogue in the
    assessment's opening lines, above the table of contents. The section is headed
    by the outline's title in the docs page, as the builder heads it anyway.
    """
    if state.sections:
        return
    section = eligible_section(state, state.outline.get(THREAT_MODEL_KEY), strict=False)
    if section is None:
        return
    state.start_section(section, section.title, line, 2)
    state.report.note(line, f"a STRIDE catalogue before any section: section {section.key}")


def show_category(state: ImportState, category: str | None, line: int) -> None:
    """A table of the category's threats where they were written, once per category.

    The threats are written as directives on their own; without it, an outline
    with no generated threats (the self-assessment's) would show none of them.
    """
    if category is not None and category not in state.catalogue.shown:
        state.catalogue.shown.add(category)
        state.add(ThreatsTable("lightweight", line, category))


def new_threat(state: ImportState, title: str, line: int, threat_id: str = "") -> Threat:
    """A threat of the current section, its id made unique, its category from the id."""
    catalogue = state.catalogue
    category = catalogue.category
    match = _THREAT_ID.match(threat_id) if threat_id else None
    if match is not None:
        category = stride_category(match["letter"]) or category
    if threat_id:
        if threat_id in catalogue.ids:
            unique = unique_slug(f"{threat_id}-line-{line}", catalogue.ids)
            state.report.warn(line, f"threat id {threat_id!r} repeated: id {unique!r}")
            threat_id = unique
        catalogue.ids.add(threat_id)
    if category != catalogue.category:
        catalogue.category, catalogue.of_category = category, []
    threat = Threat(" ".join(title.split()) or threat_id or f"Threat at line {line}", line)
    threat.id = threat_id
    threat.stride = [category] if category else []
    show_category(state, category, line)
    catalogue.of_category.append(threat)
    state.current.directives.append(threat)
    return threat


# -- headings ------------------------------------------------------------------------------


def threat_model_heading(state: ImportState, block: Block) -> bool:
    """A heading that says it is a threat model ("ESO Threat Modeling using STRIDE")."""
    if block.kind != "heading":
        return False
    plain = plain_text(block.title)
    if "threat model" not in normalize_title(plain).replace("modelling", "model").replace(
        "modeling", "model"
    ):
        return False
    section = eligible_section(
        state, state.outline.get(THREAT_MODEL_KEY), strict=False, level=block.level
    )
    if section is None:
        return False
    state.report.headings_mapped += 1
    state.report.note(block.lineno, f"heading {plain!r} is section {section.key}")
    state.start_section(section, block.title, block.lineno, block.level)
    return True


def threat_heading(state: ImportState, block: Block) -> bool:
    """``Threat-01-S - Title`` starts a threat, ``Threat-01-S Recommended Mitigations``
    its controls."""
    if block.kind != "heading":
        return False
    match = _THREAT_ID.match(plain_text(block.title).strip())
    if match is None:
        return False
    catalogue = state.catalogue
    rest = match["rest"].strip().rstrip(":").strip()
    state.report.headings_other += 1
    if _MITIGATIONS.match(rest):
        threat = _find(catalogue, match["id"])
        if threat is None:
            threat = new_threat(state, match["id"], block.lineno, match["id"])
            state.report.warn(block.lineno, f"mitigations of {match['id']} before the threat")
        catalogue.target = (threat, "controls")
        state.report.note(
            block.lineno, f"heading {plain_text(block.title)!r}: controls of {threat.id}"
        )
        return True
    threat = new_threat(state, rest, block.lineno, match["id"])
    catalogue.target = (threat, "description")
    state.report.note(block.lineno, f"heading {plain_text(block.title)!r}: threat {threat.id}")
    return True


def _find(catalogue: Catalogue, threat_id: str) -> Threat | None:
    return next((t for t in reversed(catalogue.of_category) if t.id == threat_id), None)


def stride_heading(state: ImportState, block: Block) -> bool:
    """A heading that names a STRIDE category: kept, with that category's threats under it."""
    if block.kind != "heading":
        return False
    category = heading_category(block.title)
    if category is None:
        return False
    catalogue_starts(state, block.lineno)
    catalogue = state.catalogue
    catalogue.category, catalogue.of_category = category, []
    catalogue.under_category = True
    state.report.headings_kept += 1
    state.add(SubHeading(block.level, block.title, block.lineno, ""))
    catalogue.shown.discard(category)  # under its own heading, even if shown before
    show_category(state, category, block.lineno)
    return True


# -- what follows a threat, a category or a catalogue list ---------------------------------


def threat_content(state: ImportState, block: Block) -> bool:
    """The blocks a catalogue gives meaning to: descriptions, controls, lists of threats.

    First of the recognisers: while a threat's description or controls are being
    read, or a "**Threats**:" line announced a list, the next blocks are the
    catalogue's. A heading ends that (and is left to the other recognisers).
    """
    catalogue = state.catalogue
    if block.kind == "heading":
        catalogue.reset()
        return False
    if block.kind in ("blank", "hr", "html"):
        return False
    label = _label(block)
    if label is not None and catalogue.category is not None:
        catalogue.expect = "threats" if label in _THREATS_LABEL else "controls"
        catalogue.target = None
        state.report.note(
            block.lineno, f"line {block.lines[0].strip()!r}: a catalogue's {catalogue.expect}"
        )
        return True
    if block.kind == "list" and catalogue.expect == "threats":
        for title, rest, line in _items(block):
            threat = new_threat(state, title, block.start + line + 1)
            threat.description = rest
        catalogue.expect = None
        return True
    if block.kind == "list" and catalogue.expect == "controls":
        _answer(catalogue, block.lines)
        catalogue.expect = None
        return True
    if block.kind == "list" and _has_threat_items(block):
        _catalogue_list(state, block)
        catalogue.listing = True
        return True
    if catalogue.target is not None:
        threat, part = catalogue.target
        lines = threat.description if part == "description" else threat.controls
        if lines:
            lines.append("")
        lines.extend(block.lines)
        if block.kind == "table":
            table = state.table_of(block)
            if table is not None:
                count_rows(state.report, table, mapped=False)
        return True
    if catalogue.listing and catalogue.of_category:
        if block.kind == "list":
            _answer(catalogue, block.lines)
            return True
        if block.kind == "paragraph":
            threat = catalogue.of_category[-1]
            threat.description += ["", *block.lines] if threat.description else list(block.lines)
            return True
    return False


def _answer(catalogue: Catalogue, lines: list[str]) -> None:
    """Mitigations written after a category's threats: the controls of each of them."""
    for threat in catalogue.of_category:
        if threat.controls:
            threat.controls.append("")
        threat.controls.extend(lines)


def _label(block: Block) -> str | None:
    """``**Threats**:``, ``Mitigations:``: a line announcing a list, as a lower-case word."""
    if block.kind != "paragraph" or len([line for line in block.lines if line.strip()]) != 1:
        return None
    text = bold_line_title(block) or block.lines[0]
    word = plain_text(text).strip().rstrip(":").strip().casefold()
    return word if word in _THREATS_LABEL | _CONTROLS_LABEL else None


def tree_items(block: Block) -> list[SyntaxTreeNode]:
    tree = SyntaxTreeNode(block.tokens)
    lists = [node for node in tree.children if node.type in ("bullet_list", "ordered_list")]
    return [item for node in lists for item in node.children if item.type == "list_item"]


def _item_text(item: SyntaxTreeNode) -> str:
    first = item.children[0] if item.children else None
    if first is None or first.type != "paragraph" or not first.children:
        return ""
    return str(first.children[0].content)


def _item_lines(block: Block, item: SyntaxTreeNode) -> tuple[int, int]:
    start, end = item.map if item.map else (block.start, block.start + len(block.lines))
    return start - block.start, end - block.start


def _items(block: Block) -> list[tuple[str, list[str], int]]:
    """Each top-level item: its first line's text, the lines after it (dedented), its line."""
    result = []
    for item in tree_items(block):
        first, last = _item_lines(block, item)
        lines = block.lines[first:last]
        rest = [line[2:] if line.startswith("  ") else line.lstrip() for line in lines[1:]]
        while rest and not rest[-1].strip():
            rest.pop()
        result.append((_item_text(item), rest, first))
    return result


def _has_threat_items(block: Block) -> bool:
    for item in tree_items(block):
        if _THREAT_ID.match(_item_text(item)):
            return True
        for child in item.children[1:]:
            for sub in child.children if child.type in ("bullet_list", "ordered_list") else ():
                if _THREAT_ID.match(_item_text(sub)):
                    return True
    return False


def _catalogue_list(state: ImportState, block: Block) -> None:
    """Category items with ``Threat-NN-X: text`` items under them, and their mitigations."""
    catalogue = state.catalogue
    threat: Threat | None = None  # the threat of the item before, if it was one
    for item in tree_items(block):
        text = _item_text(item)
        first, last = _item_lines(block, item)
        match = _THREAT_ID.match(text)
        category = heading_category(text) if match is None else None
        if match is not None:
            threat = new_threat(state, match["rest"], block.start + first + 1, match["id"])
            threat.description = _dedent(block.lines[first + 1 : last])
        elif category is None and threat is not None:
            # an item right after a threat's, in the same list, says more about it (what
            # a threat's heading has under it); mitigations follow a category's threats
            if threat.description:
                threat.description.append("")
            threat.description.extend(_dedent(block.lines[first:last]))
        elif category is not None:
            threat = None
            catalogue.category, catalogue.of_category = category, []
            for child in item.children[1:]:
                for sub in child.children if child.type in ("bullet_list", "ordered_list") else ():
                    sub_first, sub_last = _item_lines(block, sub)
                    sub_text = _item_text(sub)
                    sub_match = _THREAT_ID.match(sub_text)
                    if sub_match is not None:
                        sub_threat = new_threat(
                            state, sub_match["rest"], block.start + sub_first + 1, sub_match["id"]
                        )
                        sub_threat.description = _dedent(block.lines[sub_first + 1 : sub_last])
                    else:
                        _answer(catalogue, _dedent(block.lines[sub_first:sub_last]))
        else:
            _answer(catalogue, _dedent(block.lines[first:last]))


def _dedent(lines: list[str]) -> list[str]:
    lines = list(lines)
    while lines and not lines[-1].strip():
        lines.pop()
    width = min((len(line) - len(line.lstrip()) for line in lines if line.strip()), default=0)
    return [line[width:] for line in lines]


# -- the STRIDE x component grid -----------------------------------------------------------


def stride_grid_table(state: ImportState, block: Block) -> bool:
    """STRIDE categories as rows, components as columns: a threat per filled cell."""
    table = state.table_of(block)
    if table is None or table.width < 2 or len(table.rows) < 3:
        return False
    categories = [heading_category(row.cells[0]) if row.cells else None for row in table.rows]
    if any(category is None for category in categories):
        return False
    components = [" ".join(plain_text(cell).split()) for cell in table.header.cells[1:]]
    count_rows(state.report, table, mapped=True)
    state.catalogue.shown.update(c for c in categories if c)  # the grid shows them
    for row, category in zip(table.rows, categories, strict=True):
        state.catalogue.category, state.catalogue.of_category = category, []
        for index, cell in enumerate(row.cells[1:]):
            text = plain_text(cell).strip()
            if not text:
                continue
            threat = new_threat(state, text, row.line + 1)
            if index < len(components) and components[index]:
                threat.components = [components[index].replace(";", ",")]
    state.add(ThreatsTable("stride", block.lineno))
    state.report.note(
        block.lineno, "STRIDE table: a threat per filled cell, shown as a threats-table"
    )
    return True
