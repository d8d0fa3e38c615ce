"""Option values shared by the object directives: vocabularies, lists, dates, ordering.

Options are read as plain text (``directives.unchanged``) and checked here, so a bad
value becomes one of *our* warnings, with our code, at the block's line, instead of
docutils' generic "invalid option value" error that stops the block. The functions
are pure (no Sphinx), so the property-based tests can call them with any text.
"""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING, Any

from .problems import BlockProblem, Code

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MMDDYYYY_RANGE = re.compile(r"^(\d{2})(\d{2})(\d{4})\s*-\s*(\d{2})(\d{2})(\d{4})$")
_DIGITS = re.compile(r"(\d+)")


def option_text(options: Mapping[str, Any], name: str) -> str | None:
    """The stripped text of option *name*, or ``None`` when absent or empty."""
    value = options.get(name)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def choice(value: str | None, vocabulary: Sequence[str]) -> str | None:
    """*value* as its vocabulary word (compared without case), or ``None`` if not in it."""
    if value is None:
        return None
    folded = value.strip().casefold()
    return next((word for word in vocabulary if word == folded), None)


def split_items(text: str, separator: str) -> tuple[list[str], int]:
    """Items of a *separator*-separated list, stripped, and how many were empty."""
    items, empty = [], 0
    for raw in text.split(separator):
        item = raw.strip()
        if item:
            items.append(item)
        else:
            empty += 1
    return items, empty


def slugify(text: str) -> str:
    """An id from a title: lower case, runs of other characters as ``-`` (``matrix`` if none)."""
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "matrix"


def id_list(text: str | None) -> tuple[str, ...]:
    """Ids separated by commas or semicolons (``R-1; R-2, R-1``), each once, in order."""
    if text is None:
        return ()
    items, _empty = split_items(text.replace(";", ","), ",")
    return tuple(dict.fromkeys(items))


def natural_key(text: str) -> tuple[tuple[int, int, str], ...]:
    """Sort key in which digit runs compare as numbers: ``2`` < ``10``, ``R-2`` < ``R-10``."""
    parts = []
    for index, part in enumerate(_DIGITS.split(text)):
        if index % 2:
            parts.append((0, int(part[:40]), part))
        elif part:
            parts.append((1, 0, part.casefold()))
    return tuple(parts)


def _date(year: str, month: str, day: str) -> datetime.date | None:
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None


def parse_iso_date(text: str) -> tuple[datetime.date | None, str | None]:
    """A ``YYYY-MM-DD`` calendar date, or why *text* is not one."""
    match = _ISO_DATE.match(text.strip())
    if match is None:
        return None, f"{text!r} is not a date in the form YYYY-MM-DD"
    day = _date(*match.groups())
    if day is None:
        return None, f"{text!r} is not a real calendar date"
    return day, None


def parse_date_range(
    text: str,
) -> tuple[tuple[datetime.date, datetime.date] | None, str | None]:
    """The template's ``mmddyyyy-mmddyyyy``: two real dates, the start not after the end."""
    match = _MMDDYYYY_RANGE.match(text.strip())
    if match is None:
        return None, f"{text!r} is not a date range in the form mmddyyyy-mmddyyyy"
    month1, day1, year1, month2, day2, year2 = match.groups()
    start, end = _date(year1, month1, day1), _date(year2, month2, day2)
    if start is None or end is None:
        bad = f"{month1}{day1}{year1}" if start is None else f"{month2}{day2}{year2}"
        return None, f"{bad!r} in {text!r} is not a real calendar date"
    if start > end:
        return None, f"the assessment in {text!r} starts after it ends"
    return (start, end), None


def slug(text: str) -> str:
    """An id made of a name: lower case, each run of other characters one ``-``."""
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "x"


class UniqueIds:
    """Unique ids from names: ``PREFIX-<slug>``, then ``-2``, ``-3``... for one already taken.

    The same name always gets the same id; ids are given in the order names are asked
    for, so output built in document order is the same from build to build.
    """

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix
        self.by_name: dict[str, str] = {}
        self._taken: set[str] = set()

    def get(self, name: str) -> str:
        if name not in self.by_name:
            base = f"{self.prefix}-{slug(name)}" if self.prefix else slug(name)
            candidate, number = base, 1
            while candidate in self._taken:
                number += 1
                candidate = f"{base}-{number}"
            self._taken.add(candidate)
            self.by_name[name] = candidate
        return self.by_name[name]


def date_option(
    options: Mapping[str, Any], name: str, problems: list[BlockProblem]
) -> datetime.date | None:
    """Option *name* as a ``YYYY-MM-DD`` date; a value that is not one is added to *problems*."""
    text = option_text(options, name)
    if text is None:
        return None
    day, reason = parse_iso_date(text)
    if reason is not None:
        problems.append(BlockProblem(Code.BAD_DATE, f":{name}: {reason}"))
    return day
