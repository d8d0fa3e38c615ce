"""One markdownlint-cli version: pinned in pyproject.toml, run by the tests, cited by the docs.

The promise that the builder's Markdown passes the CNCF linter holds for the version
the tests ran; a page that names another version, or a test run with another one,
would make a promise nobody checked.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .markdownlint import PINNED_VERSION, REPO_ROOT, markdownlint_version, require_markdownlint

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

#: "markdownlint-cli X.Y.Z", "markdownlint-cli@X.Y.Z", "`markdownlint-cli`\n  X.Y" (digits)
_CITATION = re.compile(r"markdownlint-cli`?(?:@|\s+)v?(?P<version>\d+\.\d+(?:\.\d+)?)")
_SKIPPED_FOLDERS = {".git", ".venv", "venv", ".nox", "node_modules", "build", "_build"}
_TEXT_SUFFIXES = {".md", ".rst", ".py", ".toml", ".txt", ".yaml", ".yml", ".cfg", ""}
#: pages that must say which version the tests run: the README's testing part, the
#: submission and CI how-tos, the project's own development process and analysis
_MUST_CITE = {
    "README.md",
    "docs/how-to/submit.md",
    "docs/how-to/ci.md",
    "docs/assessment/process.md",
    "docs/assessment/analysis.md",
}


def _project_texts(folder: Path) -> Iterator[Path]:
    """The repository's own text files (not third-party copies in ``tests/data``)."""
    for path in sorted(folder.iterdir()):
        if path.is_dir():
            if path.name not in _SKIPPED_FOLDERS and path != REPO_ROOT / "tests" / "data":
                yield from _project_texts(path)
        elif path.suffix in _TEXT_SUFFIXES:
            yield path


def _citations() -> dict[str, list[tuple[int, str]]]:
    """(line, version) of every markdownlint-cli version named, by file."""
    found: dict[str, list[tuple[int, str]]] = {}
    for path in _project_texts(REPO_ROOT):
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for match in _CITATION.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            name = path.relative_to(REPO_ROOT).as_posix()
            found.setdefault(name, []).append((line, match["version"]))
    return found


def test_every_version_named_is_the_pinned_one() -> None:
    citations = _citations()
    pinned = PINNED_VERSION.split(".")
    wrong = [
        f"{name}:{line}: markdownlint-cli {version} (pinned: {PINNED_VERSION})"
        for name, found in citations.items()
        for line, version in found
        if version.split(".") != pinned[: len(version.split("."))]
    ]
    assert not wrong, "\n".join(wrong)
    missing = _MUST_CITE - citations.keys()
    assert not missing, f"these pages do not say which markdownlint-cli the tests run: {missing}"


def test_the_linter_the_tests_run_is_the_pinned_one() -> None:
    require_markdownlint()
    assert markdownlint_version() == PINNED_VERSION, (
        "the lint tests ran another markdownlint-cli than the one pyproject.toml pins"
        f" ({PINNED_VERSION}): set MARKDOWNLINT to that version's binary"
    )
