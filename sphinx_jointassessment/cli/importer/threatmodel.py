"""What ``import --from otm`` and ``import --from threat-dragon`` read: a tool's threat model.

Threat-modelling tools exchange models as data, not as an assessment's Markdown: trust
zones, components and data flows, and threats attached to them. Both readers
(:mod:`.otm`, :mod:`.threatdragon`) turn their format into this one
:class:`ThreatModel`, format-free: ``data-flow`` diagrams, ``threat`` blocks with
their options, description and controls, and the text that fits no directive, which
is kept (SPEC §7: what lands in no directive is kept). The report counts every element
of the input as mapped or kept, so a test can show none was lost.

The helpers below are the decisions both formats share: unique component names
that ``:components:`` can list, the kind of a component from a tool's type name,
low/medium/high from a 0-100 score, our threat statuses from a tool's words.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ...values import UniqueIds

LEVELS = ("low", "medium", "high")
STATUSES = ("open", "in-progress", "mitigated", "accepted", "transferred", "not-applicable")
#: words of a tool's component type that say it keeps data, or that it is outside
_STORE_WORDS = ("database", "store", "storage", "bucket", "queue", "cache", "repository")
_ACTOR_WORDS = ("client", "actor", "user", "browser", "external", "person", "human")
#: an id a ``threat``'s ``:id:`` can keep (a tool's UUID is no reader's id)
_ID = re.compile(r"[A-Za-z][A-Za-z0-9._-]{0,63}")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)


@dataclass(slots=True)
class Diagram:
    """One ``data-flow``: its YAML body as data (zones, components, flows)."""

    title: str
    name: str
    zones: list[dict[str, str]] = field(default_factory=list)
    components: list[dict[str, str]] = field(default_factory=list)
    flows: list[dict[str, Any]] = field(default_factory=list)

    def body(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for key in ("zones", "components", "flows"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        return data


@dataclass(slots=True)
class ModelThreat:
    """One ``threat``: title, options as the directive takes them, Markdown body parts."""

    title: str
    options: dict[str, str] = field(default_factory=dict)
    description: list[str] = field(default_factory=list)
    controls: list[str] = field(default_factory=list)
    #: the tool's own id when it cannot be the ``:id:`` (a UUID), kept as a comment
    source_id: str | None = None


@dataclass(slots=True)
class ThreatModel:
    """A tool's threat model, read: what becomes directives and what is kept as text."""

    tool: str
    title: str
    project: str
    diagrams: list[Diagram] = field(default_factory=list)
    threats: list[ModelThreat] = field(default_factory=list)
    #: Markdown lines kept after the directives (descriptions, out-of-scope notes...)
    kept: list[str] = field(default_factory=list)
    #: how many elements of each kind became directives, and how many were kept as text
    mapped: Counter[str] = field(default_factory=Counter)
    kept_counts: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def keep(self, kind: str, lines: list[str]) -> None:
        """Text about one element of *kind* that no directive holds, kept as Markdown."""
        for line in lines:  # each line its own paragraph: a label never runs into text
            if self.kept:
                self.kept.append("")
            self.kept.append(line)
        self.kept_counts[kind] += 1


def as_map(value: Any) -> Mapping[Any, Any]:
    """*value* if it is a mapping, else an empty one: a file's types are never trusted."""
    return value if isinstance(value, Mapping) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def as_items(value: Any) -> list[Mapping[Any, Any]]:
    """The mappings of a list (other items are no objects of the model)."""
    return [item for item in as_list(value) if isinstance(item, Mapping)]


def as_text(value: Any) -> str:
    """A scalar as text (numbers too: an id may be written as one); anything else ''."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


class Names:
    """Component names a ``:components:`` list can hold, unique, in the tool's order.

    ``;`` separates names in ``:components:``, so it becomes ``,``; runs of white
    space (line breaks in a diagram's label) become one space; an empty name gets
    ``<Kind> <n>``; a name met twice gets `` (2)``, `` (3)``...
    """

    def __init__(self) -> None:
        self.by_key: dict[str, str] = {}
        self._taken: set[str] = set()
        self._counts: Counter[str] = Counter()

    def add(self, key: str, raw: Any, kind: str) -> str:
        name = clean_name(raw)
        if not name:
            self._counts[kind] += 1
            name = f"{kind.capitalize()} {self._counts[kind]}"
        candidate, number = name, 1
        while candidate.casefold() in self._taken:
            number += 1
            candidate = f"{name} ({number})"
        self._taken.add(candidate.casefold())
        self.by_key[key] = candidate
        return candidate


def clean_name(raw: Any) -> str:
    """A name on one line, without ``;`` (the list separator of our options)."""
    if not isinstance(raw, str):
        return ""
    return " ".join(raw.replace(";", ",").split())


def one_line(raw: Any) -> str:
    """Text for an option value or a title: one line."""
    return " ".join(raw.split()) if isinstance(raw, str) else ""


def component_kind(type_name: Any, declared: Any = None) -> str:
    """actor, process or store: *declared* if it is one, else guessed from the tool's type."""
    if isinstance(declared, str) and declared.strip().casefold() in ("actor", "process", "store"):
        return declared.strip().casefold()
    text = type_name.casefold() if isinstance(type_name, str) else ""
    if "db" in re.split(r"[^a-z0-9]+", text) or any(word in text for word in _STORE_WORDS):
        return "store"
    if any(word in text for word in _ACTOR_WORDS):
        return "actor"
    return "process"


def level(score: Any) -> str | None:
    """low, medium or high for a 0-100 score, by thirds (<= 33, <= 66, above)."""
    if isinstance(score, bool) or not isinstance(score, int | float):
        return None
    if score != score:  # NaN
        return None
    if score <= 33:
        return "low"
    if score <= 66:
        return "medium"
    return "high"


def keepable_id(raw: Any) -> str | None:
    """The tool's id if a ``threat``'s ``:id:`` can keep it (not a UUID, no odd characters)."""
    if not isinstance(raw, str) or _UUID.fullmatch(raw.strip()):
        return None
    text = raw.strip()
    return text if _ID.fullmatch(text) else None


class DiagramNames:
    """Unique ``:name:`` values for the imported diagrams (``main-request-data-flow``)."""

    def __init__(self) -> None:
        self._ids = UniqueIds()

    def get(self, title: str, index: int) -> str:
        return self._ids.get(title or f"data flow {index}")


def bullet(text: str) -> list[str]:
    """A Markdown bullet holding *text* (its lines indented under the marker)."""
    lines = text.strip("\n").split("\n") or [""]
    return [f"* {lines[0]}", *(f"  {line}" if line.strip() else "" for line in lines[1:])]
