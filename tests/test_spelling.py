"""The words the build declares, in a ``cSpell:ignore`` comment at the end of the Markdown.

cncf/tag-security spell-checks the Markdown of its pull requests with cspell and its
``ci/spelling-config.json``. Names the build knows as names (the project, ids,
components, reviewers) are declared by the builder; with cspell installed (``nox -s
tests`` installs the pinned version, ``$CSPELL`` names it), a project whose only
unknown words are such names passes the spell check, and the comment passes the CNCF
markdownlint configuration.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from sphinx_jointassessment.markdown import linter_comment
from sphinx_jointassessment.spelling import MAX_LINE, ignore_comments, words

from .conftest import REFERENCE, REPO_ROOT
from .markdownlint import run_markdownlint
from .objects_support import write_project

CSPELL_CONFIG = REFERENCE / "cncf-spelling-config.json"
PINNED = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text("utf-8"))["tool"][
    "sphinx-jointassessment-dev"
]["cspell"]


def test_words_are_the_letter_runs_cspell_checks():
    assert words(["kestrel-agent", "Ravi Kumar (@rkumar)", "GHSA-abcd-1234-wxyz", "API"]) == [
        "abcd", "agent", "GHSA", "kestrel", "Kumar", "Ravi", "rkumar", "wxyz",
    ]  # fmt: skip
    assert words(["Kestrel", "kestrel", "KESTREL"]) == ["Kestrel"]  # once, without case


def test_comments_stay_short_and_are_comments_the_writer_keeps():
    found = [f"word{chr(97 + n % 26)}{chr(97 + n // 26)}" for n in range(200)]
    lines = ignore_comments(words(found)).splitlines()
    assert len(lines) > 1
    for line in lines:
        assert len(line) <= MAX_LINE
        assert line.startswith("<!-- cSpell:ignore ")
        assert line.endswith(" -->")
        assert linter_comment(line.removeprefix("<!-- ").removesuffix(" -->")) is not None
    assert " ".join(lines).count("word") == 200


PAGE = """\
Zorblax
=======

.. assessment-metadata::
   :software: https://github.com/example/zorblax
   :security-provider: no
   :languages: Go
   :sbom: https://example.com/sbom.json

.. data-flow:: Flows

   zones:
     - {name: Qwertland, trust: untrusted}
   components:
     - {name: Frobnicator, zone: Qwertland}
     - {name: Blargservice, zone: Qwertland}
   flows:
     - {from: Frobnicator, to: Blargservice, label: calls}

.. threat:: Spoofing of the service
   :components: Frobnicator; Blargservice
   :actors: Gnarlwick

   The service can be spoofed.

   .. controls::

      * Mutual authentication.

.. finding:: Weak defaults
   :id: 1
   :reviewer: Xyvonne Pldrik (@xpldrik)

   The defaults are weak.

.. assessment-summary::
   :completed: 2025-01-29

   The reviewers found the design sound.

.. ja:assessment-team::

   project-security-lead: [Quorvath Sindle (@qsindle)]
   reviewers: [Xyvonne Pldrik (@xpldrik)]

.. joint-assessment::
"""


def _built_markdown(make_app, tmp_path: Path) -> Path:
    srcdir = write_project(
        tmp_path / "src",
        {"index.rst": PAGE},
        conf='project = "Zorblax"\nextensions = ["sphinx_jointassessment"]\n'
        'suppress_warnings = ["jointassessment"]\n',
    )
    app = make_app("jointassessment", srcdir=srcdir, freshenv=True)
    app.build()
    return Path(app.outdir) / "joint-assessment.md"


def test_the_markdown_ends_with_the_declared_words(make_app, tmp_path):
    markdown = _built_markdown(make_app, tmp_path).read_text(encoding="utf-8")
    last = markdown.rstrip("\n").splitlines()[-1]
    assert last.startswith("<!-- cSpell:ignore ")
    declared = last.removeprefix("<!-- cSpell:ignore ").removesuffix(" -->").split()
    for word in ("Zorblax", "Qwertland", "Frobnicator", "Blargservice", "Gnarlwick", "Xyvonne",
                 "Pldrik", "xpldrik", "TSSA"):  # fmt: skip
        assert word in declared
    assert run_markdownlint(_built_markdown(make_app, tmp_path / "again")) == []


def test_the_readme_declares_the_same_words(make_app, tmp_path):
    """The README is submitted beside the assessment and spell-checked the same way."""
    readme = _built_markdown(make_app, tmp_path).with_name("README.md").read_text("utf-8")
    last = readme.rstrip("\n").splitlines()[-1]
    assert last.startswith("<!-- cSpell:ignore ")
    for word in ("Quorvath", "Sindle", "qsindle", "Frobnicator"):
        assert word in last.split()


def _cspell() -> str:
    found = os.environ.get("CSPELL") or shutil.which("cspell")
    local = REPO_ROOT / "node_modules" / ".bin" / "cspell"
    found = found or (str(local) if local.is_file() else None)
    if found is None:
        pytest.skip(f"cspell is not installed (nox -s tests installs cspell@{PINNED})")
    return found


def test_the_cncf_spell_check_passes_on_declared_names(make_app, tmp_path):
    cspell = _cspell()
    path = _built_markdown(make_app, tmp_path)
    run = [cspell, "--no-progress", "--no-summary", "-c", str(CSPELL_CONFIG), path.name]
    result = subprocess.run(run, cwd=path.parent, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    readme = [*run[:-1], "README.md"]
    result = subprocess.run(readme, cwd=path.parent, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    # and without the comment, those very names are what it reports
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.rindex("<!-- cSpell:ignore")], encoding="utf-8")
    result = subprocess.run(run, cwd=path.parent, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert "Unknown word (Frobnicator)" in result.stdout
    assert "Unknown word (Gnarlwick)" in result.stdout


def test_the_pinned_cspell_is_the_one_run():
    version = subprocess.run(
        [_cspell(), "--version"], capture_output=True, text=True, timeout=60, check=False
    ).stdout.strip()
    assert version == PINNED
