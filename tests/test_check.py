"""``check`` from Sphinx's records: the same problems as the builder's JSON and summary line.

``check`` takes the build's warnings as log records (location, type, subtype),
never from the text Sphinx prints; the builder lists the same problems in its
JSON and counts them in its summary line. The three must agree, also when
``suppress_warnings`` silences some codes (which Sphinx then does not print).
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from typing import TYPE_CHECKING

import pytest

from sphinx_jointassessment.cli.check import build_assessment
from sphinx_jointassessment.cli.main import main
from sphinx_jointassessment.problems import printable

from .conftest import ROOTS, parse_warnings

if TYPE_CHECKING:
    from pathlib import Path

    from sphinx_jointassessment.cli.check import BuildResult

#: roots with problems of many codes, in rST, MyST and :file: YAML
ROOTS_WITH_PROBLEMS = ["objects-bad", "matrix-bad", "sections-bad", "sbom", "hostile"]
SUMMARY_COUNT = re.compile(r"; (\d+) problems?(?:;|$)")


def own_problems(result: BuildResult) -> Counter[tuple[str, str, str]]:
    return Counter(
        (problem.location, problem.kind.removeprefix("jointassessment."), problem.message)
        for problem in result.problems
        if problem.is_own
    )


def json_problems(result: BuildResult) -> Counter[tuple[str, str, str]]:
    assert result.data is not None
    return Counter(
        (problem["location"], problem["code"], printable(problem["message"]))
        for problem in result.data["problems"]
    )


def summary_count(result: BuildResult) -> int:
    [line] = result.summary
    match = SUMMARY_COUNT.search(line)
    assert match, line
    return int(match[1])


def copy_root(name: str, tmp_path: Path, extra_conf: str = "") -> Path:
    srcdir = tmp_path / name
    shutil.copytree(ROOTS / f"test-{name}", srcdir)
    if extra_conf:
        conf = srcdir / "conf.py"
        conf.write_text(conf.read_text(encoding="utf-8") + extra_conf, encoding="utf-8")
    return srcdir


@pytest.mark.parametrize("root", ROOTS_WITH_PROBLEMS)
def test_check_json_and_summary_list_the_same_problems(root: str, tmp_path: Path) -> None:
    result = build_assessment(ROOTS / f"test-{root}", tmp_path / "out")
    own = own_problems(result)
    assert own, "the root should have problems"
    assert own == json_problems(result)
    assert summary_count(result) == sum(own.values())
    # every one is located, relative to the docs folder
    for location, _code, _message in own:
        assert re.fullmatch(r"[\w./-]+\.(rst|md|yaml|json|py):\d+", location), location


@pytest.mark.parametrize("root", ["objects-bad", "sections-bad"])
def test_suppressed_codes_are_in_none_of_the_three(root: str, tmp_path: Path) -> None:
    before = build_assessment(ROOTS / f"test-{root}", tmp_path / "before")
    codes = Counter(code for _location, code, _message in own_problems(before).elements())
    silenced = [code for code, _count in codes.most_common(2)]
    srcdir = copy_root(
        root, tmp_path, f"\nsuppress_warnings = {[f'jointassessment.{c}' for c in silenced]!r}\n"
    )
    after = build_assessment(srcdir, tmp_path / "after")
    own = own_problems(after)
    assert own == json_problems(after)
    assert {code for _location, code, _message in own}.isdisjoint(silenced)
    assert sum(own.values()) == sum(codes.values()) - sum(codes[c] for c in silenced)
    assert summary_count(after) == sum(own.values())


def test_suppressing_the_whole_type_leaves_no_problem(tmp_path: Path) -> None:
    srcdir = copy_root("objects-bad", tmp_path, '\nsuppress_warnings = ["jointassessment"]\n')
    result = build_assessment(srcdir, tmp_path / "out")
    assert not own_problems(result)
    assert result.data is not None
    assert result.data["problems"] == []
    assert summary_count(result) == 0


@pytest.mark.parametrize("suppress", [None, ["jointassessment.metadata-value"]])
def test_check_output_agrees_with_sphinx_build(
    suppress: list[str] | None, tmp_path: Path, capsys: pytest.CaptureFixture[str], make_app
) -> None:
    """What ``check`` prints is what ``sphinx-build -b jointassessment`` prints."""
    extra = f"\nsuppress_warnings = {suppress!r}\n" if suppress else ""
    srcdir = copy_root("objects-bad", tmp_path, extra)
    code = main(["check", str(srcdir)])
    out = capsys.readouterr().out
    app = make_app("jointassessment", srcdir=srcdir, builddir=tmp_path / "build", freshenv=True)
    app.build()
    printed = parse_warnings(app.warning.getvalue())
    [summary] = [line for line in out.splitlines() if line.startswith("jointassessment: ")]
    assert summary.removeprefix("jointassessment: ") in app.status.getvalue()
    checked = [line for line in out.splitlines() if "[jointassessment." in line]
    assert len(checked) == len(printed) == summary_count_of(summary)
    assert Counter((w.file, w.line, w.code) for w in printed) == Counter(
        _where_and_code(line) for line in checked
    )
    if suppress:
        assert all("metadata-value" not in line for line in checked)
    assert code == 1
    assert re.search(rf"^{len(checked)} problems found in ", out, re.MULTILINE)


def summary_count_of(line: str) -> int:
    match = SUMMARY_COUNT.search(line)
    assert match, line
    return int(match[1])


def _where_and_code(line: str) -> tuple[str, int | None, str]:
    match = re.match(r"^(?P<file>[^:]+):(?P<line>\d+): \[jointassessment\.(?P<code>[\w-]+)\]", line)
    assert match, line
    return match["file"].rsplit("/", 1)[-1], int(match["line"]), match["code"]


def test_other_warnings_count_and_are_told_apart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A docutils warning is a problem of ``check``, located, but not one of the summary's."""
    srcdir = copy_root("objects-bad", tmp_path)
    index = srcdir / "index.rst"
    index.write_text(index.read_text(encoding="utf-8") + "\n\nBroken *emphasis\n", encoding="utf-8")
    lineno = len(index.read_text(encoding="utf-8").splitlines())
    result = build_assessment(srcdir, tmp_path / "out")
    [other] = [problem for problem in result.problems if not problem.is_own]
    assert other.kind == "docutils"
    assert other.location == f"index.rst:{lineno}"
    assert "emphasis" in other.message
    main(["check", str(srcdir)])
    out = capsys.readouterr().out
    own = sum(own_problems(result).values())
    assert f"index.rst:{lineno}: [docutils] " in out
    assert f"{own + 1} problems found in {srcdir} ({own} of the assessment, 1 other warning" in out


def test_a_clean_project_is_zero_problems(tmp_path: Path) -> None:
    result = build_assessment(ROOTS / "test-complete", tmp_path / "out")
    assert result.problems == []
    assert summary_count(result) == 0
