"""Run the CNCF repository's Markdown linter, and a GFM renderer, from the tests.

SPEC §4 promises that the assessment Markdown passes ``markdownlint-cli`` with
the CNCF configuration with no problem at all, so the tests run that very
linter, at the one version ``pyproject.toml`` pins (:data:`PINNED_VERSION`;
``nox -s tests`` installs it). It is a Node program and not a Python dependency:
it is looked for as ``$MARKDOWNLINT``, then ``markdownlint`` on ``PATH``, then
``node_modules/.bin/markdownlint`` under the repository root (``npm install
--no-save markdownlint-cli@VERSION`` puts it there). Tests that need it call
:func:`require_markdownlint`, which skips them when it is missing;
``tests/test_markdownlint_pin.py`` fails when the one found is another version.

:func:`render_gfm` renders Markdown to HTML with micromark and its GFM table
and autolink extensions (installed with markdownlint, which parses with them),
to check how GitHub-like parsers read our tables; it returns ``None`` when
Node or micromark is missing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import REFERENCE, REPO_ROOT

#: cncf/tag-security's ci/lint-config.json: the linter configuration its pull requests must pass
CNCF_CONFIG = REFERENCE / "cncf-markdownlint.json"
_PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
#: the markdownlint-cli version the tests are meant to run, pinned once in pyproject.toml
PINNED_VERSION: str = _PYPROJECT["tool"]["sphinx-jointassessment-dev"]["markdownlint-cli"]
_PROBLEM = re.compile(
    r"^(?P<file>.*?):(?P<line>\d+)(?::(?P<column>\d+))? (?:error )?(?P<rule>MD\d+)"
)


@dataclass(frozen=True)
class Problem:
    """One markdownlint problem: its file, line, rule (``MD013``) and message."""

    file: str
    line: int
    rule: str
    message: str


def find_markdownlint() -> str | None:
    """Path of a ``markdownlint`` executable, or None."""
    candidates = [os.environ.get("MARKDOWNLINT"), shutil.which("markdownlint")]
    candidates.append(str(REPO_ROOT / "node_modules" / ".bin" / "markdownlint"))
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def require_markdownlint() -> str:
    """The ``markdownlint`` executable; skips the calling test when there is none."""
    found = find_markdownlint()
    if found is None:
        pytest.skip(
            "markdownlint-cli is not installed (python3 -m nox -s tests installs it, or"
            f" npm install --no-save markdownlint-cli@{PINNED_VERSION})"
        )
    return found


def markdownlint_version() -> str | None:
    """The version markdownlint-cli reports, or None when it is missing."""
    found = find_markdownlint()
    if found is None:
        return None
    result = subprocess.run(
        [found, "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    return result.stdout.strip() or None


def run_markdownlint(path: Path, config: Path = CNCF_CONFIG) -> list[Problem]:
    """Lint *path* (a file or a folder of ``.md`` files) with *config* (the CNCF
    one by default); the problems found.

    Skips the calling test when markdownlint is missing. A linter crash (not a
    list of problems) fails the test rather than passing as "no problem".
    """
    executable = require_markdownlint()
    result = subprocess.run(
        [executable, "--config", str(config), str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = (result.stdout + result.stderr).strip()
    problems = []
    for line in output.splitlines():
        match = _PROBLEM.match(line)
        if match:
            problems.append(Problem(match["file"], int(match["line"]), match["rule"], line))
        elif line.strip():
            pytest.fail(f"markdownlint failed (exit {result.returncode}):\n{output}")
    if result.returncode not in (0, 1) or (result.returncode == 1 and not problems):
        pytest.fail(f"markdownlint failed (exit {result.returncode}):\n{output}")
    return problems


def lint_text(markdown: str, tmp_path: Path, name: str = "doc.md") -> list[Problem]:
    """Write *markdown* to *tmp_path*/*name* and lint it with the CNCF config."""
    path = tmp_path / name
    path.write_text(markdown, encoding="utf-8", newline="\n")
    return run_markdownlint(path)


def _node_modules() -> Path | None:
    """The ``node_modules`` folder that holds markdownlint's micromark."""
    found = find_markdownlint()
    if found is None:
        return None
    real = Path(found).resolve()
    for parent in real.parents:
        if parent.name == "node_modules" and (parent / "micromark" / "index.js").is_file():
            return parent
        nested = parent / "node_modules"
        if (nested / "micromark" / "index.js").is_file():
            return nested
    return None


_RENDER_SCRIPT = """
const [micromark, table, autolink] = await Promise.all([
  import(process.env.MM_ROOT + '/micromark/index.js'),
  import(process.env.MM_ROOT + '/micromark-extension-gfm-table/index.js'),
  import(process.env.MM_ROOT + '/micromark-extension-gfm-autolink-literal/index.js'),
]);
let input = '';
process.stdin.setEncoding('utf8');
for await (const chunk of process.stdin) input += chunk;
process.stdout.write(JSON.stringify(micromark.micromark(input, {
  allowDangerousHtml: true,
  allowDangerousProtocol: true,
  extensions: [table.gfmTable(), autolink.gfmAutolinkLiteral()],
  htmlExtensions: [table.gfmTableHtml(), autolink.gfmAutolinkLiteralHtml()],
})));
"""


def render_gfm(markdown: str) -> str | None:
    """*markdown* rendered to HTML by micromark with GFM tables and autolinks.

    Raw HTML and every URL scheme are let through on purpose, so that the
    caller sees whatever our Markdown would really produce. None when Node or
    micromark is not available.
    """
    root = _node_modules()
    node = shutil.which("node")
    if root is None or node is None:
        return None
    result = subprocess.run(
        [node, "--input-type=module", "-e", _RENDER_SCRIPT],
        input=markdown,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "MM_ROOT": str(root)},
    )
    if result.returncode != 0:
        pytest.fail(f"micromark failed: {result.stderr}")
    html: str = json.loads(result.stdout)
    return html
