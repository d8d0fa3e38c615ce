"""Shared fixtures: Sphinx's own testing fixtures, on the projects under ``tests/roots``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

pytest_plugins = ("sphinx.testing.fixtures",)

REPO_ROOT = Path(__file__).resolve().parents[1]
ROOTS = Path(__file__).parent / "roots"
#: material the tests read, kept in the repository so that a plain clone runs every test;
#: ``data/SOURCES.txt`` says where each file comes from (``test_data_sources.py`` checks it)
DATA = Path(__file__).parent / "data"
#: verbatim copies of public material: CNCF templates and assessments, the CNCF linter
#: configuration, interchange formats (``reference/interop``)
REFERENCE = DATA / "reference"

_WARNING = re.compile(
    r"^(?P<path>[^\n]*?):(?P<line>\d+)?:? WARNING: (?P<message>.*?) \[(?P<type>[\w.-]+)\]$",
    re.MULTILINE,
)
_SAME_LINE = re.compile(r"# expect: (?P<code>[\w-]+)")
_NEXT_LINE = re.compile(r"^\s*(?:\.\.|%) expect-next: (?P<code>[\w-]+)")


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOTS


@dataclass(frozen=True)
class Warning_:
    file: str
    line: int | None
    code: str
    message: str


def parse_warnings(text: str) -> list[Warning_]:
    """The ``jointassessment`` warnings of a build, as (file name, line, code, message)."""
    found = []
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    for match in _WARNING.finditer(text):
        kind = match["type"]
        if not kind.startswith("jointassessment."):
            continue
        line = int(match["line"]) if match["line"] else None
        found.append(
            Warning_(Path(match["path"]).name, line, kind.split(".", 1)[1], match["message"])
        )
    return found


def expected_markers(srcdir: Path) -> set[tuple[str, int, str]]:
    """``# expect: CODE`` marks its own line; ``.. expect-next: CODE`` the next line.

    Several ``expect-next`` lines in a row all mark the line after the last one.
    """
    expected = set()
    for path in sorted(srcdir.iterdir()):
        if path.suffix not in {".rst", ".md"}:
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, text in enumerate(lines, start=1):
            if match := _SAME_LINE.search(text):
                expected.add((path.name, number, match["code"]))
            if match := _NEXT_LINE.match(text):
                # consecutive expect-next lines all mark the line after them
                target = number + 1
                while target <= len(lines) and _NEXT_LINE.match(lines[target - 1]):
                    target += 1
                expected.add((path.name, target, match["code"]))
    return expected


def inventory_names(path: Path, objtype: str) -> set[str]:
    """Names of one object type in an ``objects.inv`` (Sphinx 8.2 dict or Sphinx 9 object)."""
    from sphinx.util.inventory import InventoryFile

    inventory = InventoryFile.loads(path.read_bytes(), uri="")
    data = inventory.data if hasattr(inventory, "data") else inventory
    return set(data.get(objtype, {}))
