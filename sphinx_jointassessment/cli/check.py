"""The ``check`` command: build with the ``jointassessment`` builder and list every problem.

The build runs in-process (no second interpreter, the same Python packages) into a
temporary folder, so checking never leaves files in the docs folder. Every
warning counts as a problem, not only the ``jointassessment`` ones: a MyST or
docutils warning also means the assessment would not read as written.
"""

from __future__ import annotations

import io
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import EXIT_PROBLEMS, CliError

_ENTRY = re.compile(
    r"^(?:(?P<location>.*?): )?(?P<level>WARNING|ERROR|CRITICAL|SEVERE): (?P<message>.*)$"
)
_TYPE = re.compile(r"\s\[(?P<type>[\w.-]+)\]$")


@dataclass(frozen=True, slots=True)
class BuildProblem:
    """One warning or error of the build."""

    #: ``file:line`` relative to the docs folder, or "" when Sphinx gives none
    location: str
    #: ``jointassessment.CODE``, ``myst.header``, ``docutils``... or the level
    kind: str
    message: str

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        return f"{where}[{self.kind}] {self.message}"


@dataclass(frozen=True, slots=True)
class BuildResult:
    problems: list[BuildProblem]
    #: the builder's summary line(s)
    summary: list[str]
    outdir: Path


def parse_problems(text: str, srcdir: Path) -> list[BuildProblem]:
    """The problems in Sphinx's warning stream (one per record, continuation lines joined)."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    records: list[tuple[str, str, list[str]]] = []
    for line in text.splitlines():
        match = _ENTRY.match(line)
        if match is not None:
            records.append((match["location"] or "", match["level"], [match["message"]]))
        elif records and line.strip():
            records[-1][2].append(line.strip())
    problems = []
    prefixes = sorted({str(srcdir) + "/", str(srcdir.resolve()) + "/"}, key=len, reverse=True)
    for location, level, parts in records:
        message = " ".join(parts)
        kind_match = _TYPE.search(message)
        kind = kind_match["type"] if kind_match else level.lower()
        if kind_match:
            message = message[: kind_match.start()]
        for prefix in prefixes:
            if location.startswith(prefix):
                location = location[len(prefix) :]
                break
        problems.append(BuildProblem(location, kind, message.strip()))
    return problems


def build_assessment(srcdir: Path, outdir: Path) -> BuildResult:
    """Build *srcdir* with the ``jointassessment`` builder into *outdir*, capturing warnings."""
    from sphinx.application import Sphinx
    from sphinx.errors import SphinxError
    from sphinx.util.console import nocolor
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    if not srcdir.is_dir():
        raise CliError(f"{srcdir}: no such folder")
    if not (srcdir / "conf.py").is_file():
        raise CliError(f"{srcdir}: no conf.py in this folder (create one with `init`)")
    nocolor()
    status, warnings = io.StringIO(), io.StringIO()
    try:
        # as sphinx-build does: docutils' global registries are restored afterwards, so
        # several builds in one process (tests, editors) do not see each other's nodes
        with patch_docutils(str(srcdir)), docutils_namespace():
            app = Sphinx(
                str(srcdir),
                str(srcdir),
                str(outdir),
                str(outdir / ".doctrees"),
                "jointassessment",
                status=status,
                warning=warnings,
                freshenv=True,
            )
            app.build(force_all=True)
    except SphinxError as exc:
        raise CliError(f"{srcdir}: the build failed: {_short(str(exc))}") from None
    except Exception as exc:
        raise CliError(
            f"{srcdir}: the build failed: {type(exc).__name__}: {_short(str(exc))}"
        ) from None
    summary = [
        line.strip()
        for line in re.sub(r"\x1b\[[0-9;]*m", "", status.getvalue()).splitlines()
        if line.strip().startswith("jointassessment:")
    ]
    return BuildResult(parse_problems(warnings.getvalue(), srcdir), summary, outdir)


def _short(message: str) -> str:
    """A message without the traceback Sphinx puts into some (a failing conf.py)."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    if any(line.startswith("Traceback") for line in lines):
        head = lines[0].removesuffix(":").removesuffix("Traceback (most recent call last)")
        return f"{head.strip(' :')}: {lines[-1]}"
    return " ".join(lines)


def run_check(srcdir: Path) -> int:
    with tempfile.TemporaryDirectory(prefix="jointassessment-check-") as tmp:
        result = build_assessment(srcdir, Path(tmp) / "out")
    for problem in result.problems:
        print(problem)
    for line in result.summary or ["jointassessment: the builder printed no summary"]:
        print(line)
    count = len(result.problems)
    print(f"{count} problem{'s' if count != 1 else ''} found in {srcdir}")
    return EXIT_PROBLEMS if count else 0
