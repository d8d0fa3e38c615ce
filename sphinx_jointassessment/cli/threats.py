"""Recognise the template's threat tables and read their cells into ``threat-matrix`` data.

The template writes one table per attack class: the header "Victim Components"
followed by the attacker components, one row "Victim <component>" per victim,
each cell "LABEL: text Score: N", sometimes several such entries, sometimes
quoted, sometimes with a "NOTE: ..." part. Anything that does not read cleanly
raises :class:`ThreatTableError`, and the importer then keeps the table as it is:
a wrong guess would silently change an assessment, a kept table never does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .mdparse import GfmTable, plain_text, unescape_cell

_QUOTES = {'"': '"', "\u201c": "\u201d", "\u201d": "\u201d", "'": "'"}
_SCORE = re.compile(r"\bScore\s*:\s*(?P<score>[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)")
_NOTE = re.compile(r"\bNOTE\s*:\s*", re.IGNORECASE)
_ENTRY = re.compile(r"^\s*(?P<label>[^:\n]{1,60}?)\s*:\s*(?P<text>.*?)\s*$", re.DOTALL)


class ThreatTableError(ValueError):
    """A table that looks like a threat table but cannot be read without guessing."""


@dataclass(slots=True)
class ThreatEntry:
    label: str
    text: str
    score: int | float | None = None

    def as_yaml(self) -> dict[str, Any]:
        data: dict[str, Any] = {"label": self.label, "text": self.text}
        if self.score is not None:
            data["score"] = self.score
        return data


@dataclass(slots=True)
class ThreatCell:
    victim: str
    attacker: str
    entries: list[ThreatEntry]
    notes: list[str] = field(default_factory=list)

    def as_yaml(self) -> dict[str, Any]:
        data: dict[str, Any] = {"victim": self.victim, "attacker": self.attacker}
        if len(self.entries) == 1:
            data.update(self.entries[0].as_yaml())
        else:
            data["entries"] = [entry.as_yaml() for entry in self.entries]
        if self.notes:
            data["notes"] = list(self.notes)
        return data


@dataclass(slots=True)
class ThreatMatrixData:
    components: list[str]
    cells: list[ThreatCell]

    def as_yaml(self) -> dict[str, Any]:
        return {"components": list(self.components), "cells": [c.as_yaml() for c in self.cells]}


def _norm(cell: str) -> str:
    return " ".join(plain_text(cell).split()).casefold()


def looks_like_threat_table(table: GfmTable) -> bool:
    """A victim x attacker grid: header "Victim Components" or rows named "Victim ..."."""
    if table.width < 2:
        return False
    first = _norm(table.header.cells[0])
    if "victim" in first:
        return True
    victims = [row for row in table.rows if _norm(row.cells[0]).startswith("victim ")]
    return bool(table.rows) and len(victims) == len(table.rows)


def _component(cell: str, prefix: str) -> str:
    text = " ".join(plain_text(cell).split())
    if text.casefold().startswith(prefix):
        text = text[len(prefix) :].strip()
    return text


def strip_quotes(text: str) -> str:
    """``"..."`` or ``\u201c...\u201d`` around a whole cell, as the template quotes cells."""
    text = text.strip()
    if len(text) >= 2 and text[0] in _QUOTES and text[-1] == _QUOTES[text[0]]:
        inner = text[1:-1].strip()
        if text[0] not in inner:  # "a" and "b" is two quotations, not one quoted cell
            return inner
    return text


def _number(text: str) -> int | float:
    value = float(text)
    if re.fullmatch(r"[-+]?\d+", text):
        return int(text)
    return value


def parse_cell(text: str) -> tuple[list[ThreatEntry], list[str]]:
    """The entries and notes of one cell; :class:`ThreatTableError` if it is not clear."""
    body = strip_quotes(unescape_cell(text))
    if not body:
        return [], []
    entries: list[ThreatEntry] = []
    notes: list[str] = []
    position = 0
    for match in _SCORE.finditer(body):
        segment = body[position : match.start()]
        position = match.end()
        if _NOTE.match(segment.strip()):
            raise ThreatTableError(f"a NOTE before an entry is ambiguous: {segment.strip()!r}")
        entry = _ENTRY.match(segment)
        if entry is None or not entry["label"].strip():
            raise ThreatTableError(f"no 'LABEL: text' before 'Score:' in {segment.strip()!r}")
        label = entry["label"].strip()
        if _NOTE.search(entry["text"]):
            raise ThreatTableError(f"a NOTE inside an entry is ambiguous: {segment.strip()!r}")
        entries.append(ThreatEntry(label, entry["text"], _number(match["score"])))
    tail = body[position:].strip()
    if tail:
        note_parts = _NOTE.split(tail)
        head = note_parts[0].strip()
        if head:
            entry = _ENTRY.match(head)
            if entry is None:
                raise ThreatTableError(f"no 'LABEL: text' in {head!r}")
            entries.append(ThreatEntry(entry["label"].strip(), entry["text"]))
        notes.extend(part.strip() for part in note_parts[1:] if part.strip())
        if len(note_parts) > 1 and not entries:
            raise ThreatTableError(f"a cell with only a NOTE: {tail!r}")
    for item in entries:
        if len(item.label) > 40 or item.label.count(" ") > 5:
            raise ThreatTableError(f"{item.label!r} is too long to be a label")
    return entries, notes


def parse_threat_table(table: GfmTable) -> ThreatMatrixData:
    """The components and cells of a threat table, or :class:`ThreatTableError`."""
    attackers = [_component(cell, "attacker ") for cell in table.header.cells[1:]]
    if not attackers or any(not name for name in attackers):
        raise ThreatTableError("the header names no attacker components")
    if len(set(attackers)) != len(attackers):
        raise ThreatTableError("the header names an attacker component twice")
    cells: list[ThreatCell] = []
    victims: list[str] = []
    for row in table.rows:
        if not any(cell.strip() for cell in row.cells):
            continue
        if len([c for c in row.cells[1:] if c.strip()]) and len(row.cells) > table.width:
            extra = [c for c in row.cells[table.width :] if c.strip()]
            if extra:
                raise ThreatTableError(f"line {row.line + 1}: more cells than the header")
        victim = _component(row.cells[0], "victim ")
        if not victim:
            raise ThreatTableError(f"line {row.line + 1}: a row without a victim component")
        victims.append(victim)
        for attacker, cell in zip(attackers, row.cells[1:], strict=False):
            try:
                entries, notes = parse_cell(cell)
            except ThreatTableError as exc:
                raise ThreatTableError(
                    f"line {row.line + 1}, {victim} x {attacker}: {exc}"
                ) from None
            if entries:
                cells.append(ThreatCell(victim, attacker, entries, notes))
    if not victims:
        raise ThreatTableError("the table has no victim rows")
    if len(set(victims)) != len(victims):
        raise ThreatTableError("a victim component has two rows")
    if set(victims) != set(attackers):
        raise ThreatTableError(
            "victims and attackers are not the same components "
            f"(victims: {', '.join(victims)}; attackers: {', '.join(attackers)})"
        )
    return ThreatMatrixData(attackers, cells)
