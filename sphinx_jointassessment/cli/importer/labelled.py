"""Threats written as labelled parts: ``**Threat:** text``, ``Category: X``, ``Mitigation:``.

Lightweight threat models often write each threat as a few labelled lines instead of
a table or a ``Threat-NN-X`` id:

* under a STRIDE category (a heading, or a bold line "**1. Spoofing**"), a list
  ``- **Threat:** what may happen`` / ``- **Mitigation:** what answers it``, or a
  paragraph ``**Threat:** what may happen`` followed by a "**Mitigation:**" list;
* under a heading that names the threat, a list ``* Category: Denial of Service,
  Tampering`` / ``* Possible Mitigation Strategies:`` with the controls under it;
* a list of scenarios, each labelled by its categories: ``* Denial of Service,
  Tampering: an attacker sets the function's concurrency to 0``.

The ``Threat`` part is the threat's title (else the heading over the list, which then
becomes the threat's title and is shown as its table), the ``Category`` part its
STRIDE categories (else the category it is written under), a part whose label speaks
of mitigations or controls its controls (text and sub-list), and every other part its
description, label and all, as written. A list that names no threat, or a category
that is not STRIDE's, is left to the other recognisers: a family of controls ("-
**Control**: ... - **Threats**: ...") is no threat of its own.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ...stride import parse_stride
from ..mdparse import bold_line_title, plain_text
from ..model import ThreatsTable
from .stride import catalogue_starts, heading_category, new_threat, show_category, tree_items

if TYPE_CHECKING:
    from markdown_it.tree import SyntaxTreeNode

    from ..mdparse import Block
    from ..model import Threat
    from .state import ImportState

#: ``**Threat:** text``, ``**Threat**: text``, ``Category: text``, ``Possible Mitigations:``
_LABELLED = re.compile(
    r"^\s*(?P<open>\*\*|__)?(?P<label>[A-Za-z][A-Za-z ,&/()-]{0,48}?)\s*"
    r"(?::\s*(?P=open)|(?P=open)\s*:|(?(open)(?!)|:))\s*(?P<rest>.*)$",
    re.DOTALL,
)
_THREAT_LABELS = {"threat", "threats"}
_CATEGORY_LABELS = {"category", "categories", "stride", "stride category", "stride categories"}
_CONTROLS_WORDS = re.compile(r"\b(?:mitigations?|controls?|countermeasures?|remediations?)\b")


def _label(text: str) -> tuple[str, str] | None:
    """(label in lower case, text after it) of a labelled line, else None."""
    match = _LABELLED.match(text)
    if match is None:
        return None
    return " ".join(match["label"].casefold().split()), match["rest"].strip()


def _kind(label: str) -> str:
    if label in _THREAT_LABELS:
        return "threat"
    if label in _CATEGORY_LABELS:
        return "category"
    if _CONTROLS_WORDS.search(label) and len(label.split()) <= 4:
        return "controls"
    return "other"


def _categories(text: str) -> list[str] | None:
    """The STRIDE keys of "Denial of Service, Tampering" (and/&// too), None if any is not one."""
    keys, unknown = parse_stride(re.sub(r"\s+(?:and|&)\s+|/", ",", plain_text(text)))
    return list(keys) if keys and not unknown else None


def _dedent(lines: list[str]) -> list[str]:
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    width = min((len(line) - len(line.lstrip()) for line in lines if line.strip()), default=0)
    return [line[width:] for line in lines]


class _Part:
    """One top-level item of the list: its label's kind, the text after the label, its lines."""

    def __init__(self, block: Block, item: SyntaxTreeNode) -> None:
        start, end = item.map if item.map else (block.start, block.start + len(block.lines))
        self.line = start + 1
        self.lines = _dedent(block.lines[start - block.start : end - block.start])
        first = item.children[0] if item.children else None
        text = ""
        if first is not None and first.type == "paragraph" and first.children:
            text = str(first.children[0].content)
        labelled = _label(text)
        self.kind, self.rest = "other", ""
        #: the STRIDE categories the label names ("Denial of Service, Tampering: ...")
        self.stride: list[str] | None = None
        if labelled is not None:
            self.kind, self.rest = _kind(labelled[0]), labelled[1]
            self.stride = _categories(labelled[0])
        #: what follows the item's first line (a sub-list of controls), dedented
        self.after = _dedent(self.lines[len(text.splitlines()) or 1 :])


def labelled_threat_list(state: ImportState, block: Block) -> bool:
    """A list of a threat's labelled parts (see the module's docstring): a ``threat``."""
    if block.kind != "list":
        return False
    parts = [_Part(block, item) for item in tree_items(block)]
    threats = [part for part in parts if part.kind == "threat" and part.rest]
    named = [c for part in parts if part.kind == "category" for c in _categories(part.rest) or []]
    if any(part.kind == "category" and _categories(part.rest) is None for part in parts):
        return False  # a category that is not STRIDE's: not ours to read
    catalogue = state.catalogue
    if threats and not (named or catalogue.under_category):
        return False
    heading = None
    if not threats:
        if not named:
            return False
        heading = state.take_heading()
        if heading is None:
            return False
    current: Threat | None = None
    waiting: list[str] = []  # parts before the first threat part: its description
    if heading is not None:
        current = _threat(state, plain_text(heading.text), heading.line, named)
    for part in parts:
        if part.kind == "threat" and part.rest:
            current = _threat(state, part.rest, part.line, named)
            current.description.extend(waiting)
            waiting = []
        elif part.kind == "category":
            continue  # the threat's :stride:
        elif part.kind == "controls" and current is not None:
            text = [part.rest] if part.rest else []
            _extend(current.controls, text + part.after)
        elif current is None:
            waiting.extend(part.lines)
        else:
            _extend(current.description, part.lines)
    state.report.note(block.lineno, "list of a threat's labelled parts: a threat")
    return True


def _extend(lines: list[str], more: list[str]) -> None:
    if lines and more:
        lines.append("")
    lines.extend(more)


def _threat(
    state: ImportState, title: str, line: int, categories: list[str], *, table: bool = True
) -> Threat:
    """A threat of *categories* (else of the category it is written under), shown in one
    table of those of its categories not shown yet (unless *table* is false: the caller
    shows it)."""
    catalogue = state.catalogue
    if not categories:
        return new_threat(state, title, line)
    fresh = [category for category in categories if category not in catalogue.shown]
    if catalogue.category not in categories:
        catalogue.category, catalogue.of_category = categories[0], []
    catalogue.shown.update(categories)
    threat = new_threat(state, title, line)
    threat.stride = list(categories)
    if fresh and table:
        state.add(ThreatsTable("lightweight", line, ", ".join(fresh)))
    return threat


def stride_labelled_list(state: ImportState, block: Block) -> bool:
    """A list of two or more items labelled by their STRIDE categories ("* Denial of
    Service, Tampering: an attacker sets the concurrency to 0"): a threat per such item.

    The item's text is the threat's title; an item without such a label says more of
    the threat before it (its description). One table in the list's place shows them.
    """
    if block.kind != "list":
        return False
    parts = [_Part(block, item) for item in tree_items(block)]
    if sum(1 for part in parts if part.stride and part.rest) < 2:
        return False
    catalogue_starts(state, block.lineno)
    catalogue = state.catalogue
    fresh: list[str] = []
    for part in parts:
        for category in part.stride or []:
            if category not in catalogue.shown and category not in fresh:
                fresh.append(category)
    current: Threat | None = None
    waiting: list[str] = []
    for part in parts:
        if part.stride and part.rest:
            current = _threat(state, part.rest, part.line, part.stride, table=False)
            current.description.extend(waiting)
            waiting = []
        elif current is None:
            waiting.extend(part.lines)
        else:
            _extend(current.description, part.lines)
    if fresh:
        state.add(ThreatsTable("lightweight", block.lineno, ", ".join(fresh)))
    state.report.note(block.lineno, "list of items labelled by STRIDE categories: a threat each")
    return True


def labelled_threat_paragraph(state: ImportState, block: Block) -> bool:
    """``**Threat:** text`` under a STRIDE category: a threat of it, titled by the text.

    A "**Mitigation:**" line and list after it are its controls (see ``threat_content``).
    """
    catalogue = state.catalogue
    if block.kind != "paragraph" or not catalogue.under_category:
        return False
    labelled = _label(block.text)
    if labelled is None or _kind(labelled[0]) != "threat" or not labelled[1]:
        return False
    new_threat(state, labelled[1], block.lineno)
    state.report.note(block.lineno, "paragraph '**Threat:** ...': a threat")
    return True


def stride_bold_line(state: ImportState, block: Block) -> bool:
    """A bold line naming a STRIDE category ("**1. Spoofing**"), as a heading naming it is.

    The line is kept as written; the threats written under it are of its category.
    """
    title = bold_line_title(block)
    category = heading_category(title) if title else None
    if category is None:
        return False
    catalogue_starts(state, block.lineno)
    catalogue = state.catalogue
    catalogue.reset()
    catalogue.category, catalogue.of_category = category, []
    catalogue.under_category = True
    state.keep(block)
    catalogue.shown.discard(category)
    show_category(state, category, block.lineno)
    state.report.note(block.lineno, f"bold line {title!r}: STRIDE category {category}")
    return True
