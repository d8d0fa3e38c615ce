"""Reading typed values out of loaded YAML, one problem per bad key.

Parsers of YAML bodies use a :class:`Reader` so every feature reports unknown
keys, missing keys and wrong types the same way (code ``schema``, the key named,
its line given).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from .problems import BlockProblem, Code
from .yamlsafe import LineDict, LineList

if TYPE_CHECKING:
    from collections.abc import Iterable


def line_of(container: Any, key: Any) -> int | None:
    if isinstance(container, LineDict):
        return container.line_of(key)
    if isinstance(container, LineList) and isinstance(key, int):
        return container.line_of(key)
    return getattr(container, "line", None)


class Reader:
    """Collects problems while a parser reads one block's YAML."""

    def __init__(self) -> None:
        self.problems: list[BlockProblem] = []

    def problem(self, code: Code, message: str, line: int | None) -> None:
        self.problems.append(BlockProblem(code, message, line))

    def mapping(self, value: Any, where: str, line: int | None) -> LineDict | None:
        if isinstance(value, LineDict):
            return value
        self.problem(Code.SCHEMA, f"{where} must be a mapping, not {_kind(value)}", line)
        return None

    def check_keys(
        self,
        data: LineDict,
        where: str,
        allowed: Iterable[str],
        required: Iterable[str] = (),
        *,
        top_level: bool = False,
    ) -> None:
        """Unknown keys at their line; missing keys at the mapping (the block, at top level)."""
        allowed = set(allowed)
        for key in data:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                self.problem(
                    Code.SCHEMA, f"{where}: unknown key {key!r} (known: {known})", data.line_of(key)
                )
        for key in required:
            if key not in data:
                self.problem(
                    Code.SCHEMA,
                    f"{where}: missing required key {key!r}",
                    None if top_level else data.line,
                )

    def text(self, data: LineDict, key: str, where: str, default: str | None = None) -> str | None:
        """A text value; numbers are accepted as text, booleans and null are not."""
        if key not in data:
            return default
        value = data[key]
        if isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        self.problem(
            Code.SCHEMA,
            f"{where}: {key!r} must be text, not {_kind(value)} (quote it)",
            data.line_of(key),
        )
        return default

    def text_list(self, data: LineDict, key: str, where: str) -> list[tuple[str, int | None]]:
        """A list of texts (a single text is accepted as a list of one), with lines."""
        if key not in data:
            return []
        value = data[key]
        if isinstance(value, str):
            return [(value, data.line_of(key))]
        if not isinstance(value, LineList):
            self.problem(
                Code.SCHEMA, f"{where}: {key!r} must be a list of texts", data.line_of(key)
            )
            return []
        items: list[tuple[str, int | None]] = []
        for index, item in enumerate(value):
            if isinstance(item, str) or (
                isinstance(item, int | float) and not isinstance(item, bool)
            ):
                items.append((str(item), value.line_of(index)))
            else:
                self.problem(
                    Code.SCHEMA,
                    f"{where}: item {index + 1} of {key!r} must be text, not {_kind(item)}",
                    value.line_of(index),
                )
        return items

    def sequence(self, data: LineDict, key: str, where: str) -> LineList | None:
        if key not in data:
            return None
        value = data[key]
        if isinstance(value, LineList):
            return value
        self.problem(
            Code.SCHEMA, f"{where}: {key!r} must be a list, not {_kind(value)}", data.line_of(key)
        )
        return None


def parse_score(
    value: Any, score_range: tuple[float, float] | None
) -> tuple[float | None, str | None]:
    """A finite, non-negative score within the range; or the reason it is not."""
    if isinstance(value, bool) or value is None:
        return None, f"score {_short(value)} is not a number"
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            hint = " (a base-60 number such as 1:30 is not read as one)" if ":" in value else ""
            return None, f"score {_short(value)} is not a number{hint}"
    if not isinstance(value, int | float):
        return None, f"score must be a number, not {_kind(value)}"
    try:
        number = float(value)
    except OverflowError:  # an integer past float's range (10**400)
        return None, f"score {_short(value)} is too large to be a number"
    if not math.isfinite(number):
        return None, f"score {_short(value)} is not finite"
    if number < 0:
        return None, f"score {_short(value)} is negative"
    if score_range is not None and not score_range[0] <= number <= score_range[1]:
        low, high = score_range
        return None, (
            f"score {_short(value)} is outside jointassessment_score_range ({low:g}, {high:g})"
        )
    return (int(value) if isinstance(value, int) else number), None


def _short(value: Any) -> str:
    """*value* for a message: a number of thousands of digits is cut."""
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:20]}...({len(text)} characters)"


def format_score(score: float) -> str:
    """A score as the user wrote it: ``10``, ``57.5``, ``0.6825``."""
    if isinstance(score, int):
        return str(score)
    return repr(score)


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, LineDict | dict):
        return "a mapping"
    if isinstance(value, LineList | list):
        return "a list"
    if isinstance(value, str):
        return "text"
    if isinstance(value, int | float):
        return "a number"
    return type(value).__name__
