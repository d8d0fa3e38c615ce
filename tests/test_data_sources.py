"""The copies under ``tests/data/reference`` are verbatim and accounted for.

Tests compare the extension's output with real CNCF material; a copy edited to make a
test pass would hide the very difference the test is there to find. So every file
there has a line in ``tests/data/SOURCES.txt`` (where it comes from, under which
licence) with the sha256 of the copy, and no file is there without one.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from .conftest import DATA, REFERENCE

SOURCES = DATA / "SOURCES.txt"


@dataclass(frozen=True)
class Source:
    """One line of SOURCES.txt."""

    file: str
    repository: str
    path: str
    commit: str
    licence: str
    sha256: str


def sources() -> list[Source]:
    """The lines of SOURCES.txt (comments and blank lines left out)."""
    lines = SOURCES.read_text(encoding="utf-8").splitlines()
    return [Source(*line.split("\t")) for line in lines if line.strip() and line[0] != "#"]


def test_every_line_is_complete() -> None:
    for source in sources():
        assert re.fullmatch(r"[\w.-]+/[\w.-]+", source.repository), source
        assert source.path, source
        assert source.licence, source
        assert source.commit == "-" or re.fullmatch(r"[0-9a-f]{40}", source.commit), source
        assert re.fullmatch(r"[0-9a-f]{64}", source.sha256), source


def test_every_copy_matches_its_recorded_sha256() -> None:
    changed = [
        source.file
        for source in sources()
        if hashlib.sha256((DATA / source.file).read_bytes()).hexdigest() != source.sha256
    ]
    assert not changed, f"verbatim copies edited (restore them, or record a new copy): {changed}"


def test_every_copy_is_listed_once() -> None:
    listed = [source.file for source in sources()]
    assert len(listed) == len(set(listed))
    on_disk = {path.relative_to(DATA).as_posix() for path in REFERENCE.rglob("*") if path.is_file()}
    assert on_disk == set(listed)
