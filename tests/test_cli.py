"""The command line (SPEC §7): arguments, errors, ``init``, ``import`` and ``check``.

Errors must be one line on stderr with exit status 2 and no traceback; ``init``
must give a folder that builds at once and whose every stub ``check`` reports;
``import`` must write directives whose YAML reads back exactly, for any input.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sphinx_jointassessment.cli.emit import dump_yaml, myst_option, myst_pages
from sphinx_jointassessment.cli.emit_rst import rst_pages
from sphinx_jointassessment.cli.importer import import_markdown
from sphinx_jointassessment.cli.main import main
from sphinx_jointassessment.cli.threats import parse_cell
from sphinx_jointassessment.outline import load_outline

if TYPE_CHECKING:
    from pathlib import Path


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code: int, err: str, *needles: str) -> None:
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("sphinx-jointassessment")
    assert "Traceback" not in err
    for needle in needles:
        assert needle in lines[0], lines[0]


# -- arguments ---------------------------------------------------------------------------------


def test_help_lists_the_commands_and_a_ci_job(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for command in ("init", "import", "check"):
        assert command in out
    assert "runs-on:" in out
    assert "sphinx-jointassessment check" in out
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    assert "runs-on:" in capsys.readouterr().out


def test_python_m_runs_the_same_command_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sphinx_jointassessment", "init"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        ([], "required"),
        (["frobnicate"], "invalid choice"),
        (["init"], "required"),
        (["init", "x", "--format", "docx"], "invalid choice"),
        (["init", "x", "--outline", "mine"], "invalid choice"),
        (["import", "a.md"], "-o/--output"),
        (["import", "a.md", "-o", "out", "--format", "html"], "invalid choice"),
        (["check"], "required"),
        (["check", "a", "b"], "unrecognized arguments"),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(
    argv: list[str], needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(argv, capsys)
    assert_one_line_error(code, err, needle)


# -- import errors -----------------------------------------------------------------------------


def test_import_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(["import", str(tmp_path / "nope.md"), "-o", str(tmp_path / "o")], capsys)
    assert_one_line_error(code, err, "no such file")
    assert not (tmp_path / "o").exists()


def test_import_folder_instead_of_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(["import", str(tmp_path), "-o", str(tmp_path / "o")], capsys)
    assert_one_line_error(code, err, "folder")


def test_import_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "latin1.md"
    source.write_bytes("# Évaluation\n\ncaf\xe9\n".encode("latin-1"))
    code, _out, err = run(["import", str(source), "-o", str(tmp_path / "o")], capsys)
    assert_one_line_error(code, err, "not UTF-8")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_import_unreadable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "secret.md"
    source.write_text("# x\n", encoding="utf-8")
    source.chmod(0)
    try:
        code, _out, err = run(["import", str(source), "-o", str(tmp_path / "o")], capsys)
    finally:
        source.chmod(0o600)
    assert_one_line_error(code, err, "cannot read")


def test_import_refuses_a_folder_that_is_not_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "a.md"
    source.write_text("# Self-assessment of X\n\n## Overview\n\nText.\n", encoding="utf-8")
    out = tmp_path / "docs"
    out.mkdir()
    (out / "notes.md").write_text("mine", encoding="utf-8")
    code, _out, err = run(["import", str(source), "-o", str(out)], capsys)
    assert_one_line_error(code, err, "not empty")
    assert sorted(p.name for p in out.iterdir()) == ["notes.md"]
    assert (out / "notes.md").read_text(encoding="utf-8") == "mine"


def test_import_refuses_a_file_as_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "a.md"
    source.write_text("# x\n", encoding="utf-8")
    code, _out, err = run(["import", str(source), "-o", str(source)], capsys)
    assert_one_line_error(code, err, "not a folder")


# -- init --------------------------------------------------------------------------------------


def test_init_refuses_a_folder_that_is_not_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "keep.txt").write_text("x", encoding="utf-8")
    code, _out, err = run(["init", str(tmp_path)], capsys)
    assert_one_line_error(code, err, "not empty")


def test_init_accepts_an_empty_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, _err = run(["init", str(tmp_path), "--project", "Empty"], capsys)
    assert code == 0
    assert (tmp_path / "conf.py").is_file()


STUB = re.compile(r"(?:```\{assessment-section\}|\.\. assessment-section::) (?P<key>[\w.-]+)")


@pytest.mark.parametrize("fmt", ["myst", "rst"])
@pytest.mark.parametrize("outline", ["joint", "self"])
def test_init_writes_a_stub_per_section(
    fmt: str, outline: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "docs"
    code, out, _err = run(
        ["init", str(folder), "--format", fmt, "--outline", outline, "--project", "Flux"], capsys
    )
    assert code == 0
    assert "wrote" in out
    suffix = ".md" if fmt == "myst" else ".rst"
    conf = (folder / "conf.py").read_text(encoding="utf-8")
    assert "'sphinx_jointassessment'" in conf
    assert ("'myst_parser'" in conf) == (fmt == "myst")
    assert f"jointassessment_outline = '{outline}'" in conf
    assert "jointassessment_project = 'Flux'" in conf
    index = (folder / f"index{suffix}").read_text(encoding="utf-8")
    assert f"{outline}-assessment" in index
    assert "toctree" in index
    pages = {p.name: p.read_text(encoding="utf-8") for p in folder.glob(f"*{suffix}")}
    keys = {m["key"] for text in pages.values() for m in STUB.finditer(text)}
    loaded = load_outline(outline)
    required = {
        s.key for s in loaded.sections if s.required and s.contributable and not s.generated
    }
    assert any("assessment-metadata" in text for text in pages.values())  # fills "metadata"
    assert required <= keys, f"required sections without a stub: {sorted(required - keys)}"
    for text in pages.values():
        for match in STUB.finditer(text):
            section = loaded.get(match["key"])
            assert section is not None
            assert f"TODO: {section.guidance}" in text
    assert any("assessment-metadata" in text for text in pages.values())


@pytest.mark.parametrize("fmt", ["myst", "rst"])
@pytest.mark.parametrize("outline", ["joint", "self"])
def test_check_lists_every_stub_of_init(
    fmt: str, outline: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "docs"
    assert run(["init", str(folder), "--format", fmt, "--outline", outline], capsys)[0] == 0
    code, out, err = run(["check", str(folder)], capsys)
    assert code == 1, err
    problems = [line for line in out.splitlines() if "] " in line and ": [" in line]
    assert problems
    kinds = {re.search(r"\[([\w.-]+)\]", line).group(1) for line in problems}  # type: ignore[union-attr]
    assert kinds <= {
        "jointassessment.placeholder",
        "jointassessment.bad-url",
        "jointassessment.metadata-value",
        "jointassessment.metadata-missing",
    }, kinds
    text = "\n".join(problems)
    keys = {
        m["key"]
        for page in folder.iterdir()
        if page.suffix in {".md", ".rst"}
        for m in STUB.finditer(page.read_text(encoding="utf-8"))
    }
    for key in keys:
        assert f"'{key}'" in text, f"stub {key} not reported"
    for field in ("software", "security-provider", "sbom", "languages"):
        assert f":{field}:" in text, f"metadata {field} not reported"
    assert any(line.startswith("jointassessment: ") for line in out.splitlines())
    assert re.search(r"^\d+ problems found", out, re.MULTILINE)


def test_check_passes_once_every_stub_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "docs"
    assert run(["init", str(folder), "--project", "Flux"], capsys)[0] == 0
    for page in folder.glob("*.md"):
        text = re.sub(r"TODO: .*", "Written by the project, with care.", page.read_text("utf-8"))
        text = text.replace(
            ":software: TODO\n:security-provider: TODO\n:sbom: TODO\n",
            ":software: https://github.com/fluxcd/flux2\n:security-provider: no\n"
            ":languages: Go\n:sbom: https://github.com/fluxcd/flux2/releases\n",
        ).replace("Security file: TODO", "Security file: https://fluxcd.io/security/")
        page.write_text(text, encoding="utf-8")
    code, out, _err = run(["check", str(folder)], capsys)
    assert code == 0, out
    assert "0 problems found" in out


# -- check errors ------------------------------------------------------------------------------


def test_check_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(["check", str(tmp_path / "nope")], capsys)
    assert_one_line_error(code, err, "no such folder")


def test_check_folder_without_conf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(["check", str(tmp_path)], capsys)
    assert_one_line_error(code, err, "conf.py")


def test_check_broken_conf_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "conf.py").write_text("raise RuntimeError('boom')\n", encoding="utf-8")
    code, _out, err = run(["check", str(tmp_path)], capsys)
    assert_one_line_error(code, err, "build failed")


# -- import: a small assessment with every table the importer knows -------------------------------

SAMPLE = """\
# Joint-assessment of Widget

## Metadata

| | |
| -- | -- |
| Software | <https://github.com/example/widget> |
| Security Provider | No. Widget stores widgets. |
| Languages | Go |
| SBOM | https://github.com/example/widget/sbom.json |
| Maintainers | Jane |

### Security links

| Doc | URL |
| -- | -- |
| Security file | https://github.com/example/widget/SECURITY.md |

## Overview

Widget does things. See [goals](#goal) and <b>bold</b> text.<br>Next.

### Goal

Keep widgets safe: `a | b`.

#### A heading that is no section

% not a comment, (label)= not a target

<div align="center">raw html</div>

## Threat Model

### Identity Theft

| Victim Components | Server | Agent |
|---|---|---|
| Victim Server | N/A: only one | "NONE: a: b Score: 5 MITM: c Score: 0.5 NOTE: rare" |
| Victim Agent | \u201cMitigated: it is checked. Score: 0.1\u201d | ESCAPE: 'quoted' text Score: 1 |

## Hands-on assessment

**Widget did receive a hands-on assessment from TAG-Security.**

### Assessment Details

| Field | Description |
|---|---|
| Date of assessment | 03012025-03152025 |
| Hands-on reviewers | Jane Doe (@jane) |

### Findings

| Finding Number | Finding name | Finding Notes | Reviewer |
|---|---|---|---|
| 1 | Admin API open | Close it: see [docs](https://example.org/docs). | Jane (@jane) |
| | | | |
"""


@pytest.mark.parametrize("fmt", ["myst", "rst"])
def test_import_sample_maps_every_table(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "widget-joint-assessment.md"
    source.write_text(SAMPLE, encoding="utf-8")
    out = tmp_path / "docs"
    code, report, _err = run(["import", str(source), "-o", str(out), "--format", fmt], capsys)
    assert code == 0
    assert "outline joint, project 'Widget'" in report
    assert "table rows: 14 mapped to directives, 1 kept as content, 1 empty" in report
    assert "headings: 6 mapped to outline sections, 1 kept as content, 4 other" in report
    suffix = ".md" if fmt == "myst" else ".rst"
    page = (out / f"assessment{suffix}").read_text(encoding="utf-8")
    assert "threat-matrix" in page
    assert "finding" in page
    assert "assessment-metadata" in page
    # raw HTML is kept as a code block, never as HTML
    raw = '<div align="center">raw html</div>'
    kept = f"```html\n{raw}\n```" if fmt == "myst" else f".. code-block:: html\n\n   {raw}\n"
    assert kept in page
    assert page.count("<div") == 1
    assert "{raw}" not in page
    assert ".. raw::" not in page
    assert "jointassessment_project = 'Widget'" in (out / "conf.py").read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["myst", "rst"])
def test_import_sample_builds_with_the_same_data(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from sphinx_jointassessment.cli.check import build_assessment

    source = tmp_path / "widget-joint-assessment.md"
    source.write_text(SAMPLE, encoding="utf-8")
    out = tmp_path / "docs"
    assert run(["import", str(source), "-o", str(out), "--format", fmt], capsys)[0] == 0
    result = build_assessment(out, tmp_path / "build")
    foreign = [
        str(p)
        for p in result.problems
        if p.kind not in {"jointassessment.missing-section", "jointassessment.metadata-missing"}
    ]
    assert not foreign, foreign
    data = json.loads((tmp_path / "build" / "joint-assessment.json").read_text(encoding="utf-8"))
    assert data["project"] == "Widget"
    assert data["metadata"]["security_provider"] is False
    [matrix] = data["threat_matrices"]
    assert matrix["components"] == ["Server", "Agent"]
    cell = next(c for c in matrix["cells"] if c["victim"] == "Server" and c["attacker"] == "Agent")
    assert [e["label"] for e in cell["entries"]] == ["NONE", "MITM"]
    assert cell["notes"] == ["rare"]
    [finding] = data["findings"]
    assert finding["id"] == "1"
    assert finding["reviewer"] == "Jane (@jane)"
    built = (tmp_path / "build" / "joint-assessment.md").read_text(encoding="utf-8")
    assert "A heading that is no section" in built
    assert "raw html" in built
    fence = False
    for line in built.splitlines():  # HTML only inside code blocks
        if line.startswith("```"):
            fence = not fence
        assert fence or not line.lstrip().startswith("<div"), line


# -- hostile input -----------------------------------------------------------------------------

FRAGMENTS = [
    "# ",
    "## ",
    "### Overview",
    "## Metadata",
    "## Threat Model",
    "**Metadata**",
    "\n",
    "\n\n",
    "| Victim Components | A | B |",
    "|---|---|---|",
    '| Victim A | N/A: x | "X: y Score: 1" |',
    "| Finding Number | Finding name | Finding Notes | Reviewer |",
    "| 1 | n | notes | r |",
    "| Software | <https://x> |",
    "| Doc | URL |",
    "| -- | -- |",
    "<table><tr><td>Software",
    "</td><td>x</td></tr>",
    "</table>",
    "<!--",
    "-->",
    "<br>",
    '<a href="javascript:x">',
    "</a>",
    "```",
    "~~~",
    "```{eval}",
    "    code",
    "- item",
    "* Critical. text",
    "1. one",
    "> quote",
    "[x](#nowhere)",
    "[y](../up.md)",
    "![i](x.png)",
    "[^1]",
    "{role}`x`",
    "% c",
    "(t)=",
    "+++",
    "---",
    ":opt: v",
    "\\",
    "`",
    "*",
    "_",
    "|",
    "\x00",
    "\t",
    "\u202e",
    "é",
    "Score: 1e999",
    "NOTE: n",
    "\u201c",
    "\u201d",
    "&amp;",
    "<",
    ">",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=20)), max_size=40),
    st.sampled_from(["joint", "self"]),
)
def test_importer_never_raises_and_yaml_reads_back(parts: list[str], outline: str) -> None:
    text = "".join(parts)
    assessment = import_markdown(text, filename="hostile.md", outline_name=outline)
    pages = {**myst_pages(assessment), **rst_pages(assessment)}
    assert all(isinstance(page, str) for page in pages.values())
    for section in assessment.sections:
        for directive in section.directives:
            data = getattr(directive, "data", None)
            if data is not None:
                assert yaml.safe_load("\n".join(dump_yaml(data.as_yaml()))) == data.as_yaml()
    if assessment.metadata is not None and assessment.metadata.links:
        links = assessment.metadata.links
        assert yaml.safe_load("\n".join(dump_yaml(links))) == links


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_cell_text_round_trips_through_yaml(text: str) -> None:
    try:
        entries, notes = parse_cell(text)
    except ValueError:
        return
    data = {"entries": [e.as_yaml() for e in entries], "notes": notes, "raw": text}
    lines = dump_yaml(data)
    assert not lines[0].startswith((":", "---"))
    assert yaml.safe_load("\n".join(lines)) == data


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=60))
def test_myst_option_values_read_back(value: str) -> None:
    """What MyST's option parser reads from ``:key: <myst_option(value)>`` is the value."""
    from myst_parser.parsers.options import options_to_items

    expected = " ".join(value.split())
    items, _state = options_to_items(f"key: {myst_option(value)}")
    assert dict(items).get("key", "") == expected


def test_base_url_keeps_relative_links_and_local_images_are_copied(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source_dir = tmp_path / "src"
    (source_dir / "docs").mkdir(parents=True)
    (source_dir / "docs" / "arch.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    source = source_dir / "self-assessment.md"
    source.write_text(
        "# Self-assessment of Widget\n\n## Overview\n\nSee [the guide](guide.md), "
        "[ftp](ftp://example.org/f) and [nowhere](#nowhere).\n\n![arch](docs/arch.png)\n",
        encoding="utf-8",
    )
    out = tmp_path / "plain"
    code, report, _err = run(["import", str(source), "-o", str(out)], capsys)
    assert code == 0
    page = (out / "assessment.md").read_text(encoding="utf-8")
    assert "[the guide\\](guide.md)" in page  # shown as text: it points into the source repo
    assert "[ftp\\](ftp\\://example.org/f)" in page  # its colon too: no bare ftp: URL
    assert "[nowhere\\](#nowhere)" in page
    assert "![arch](docs/arch.png)" in page
    assert (out / "docs" / "arch.png").is_file()
    assert report.count("warning:") == 3
    out = tmp_path / "linked"
    base = "https://github.com/example/widget/blob/main/"
    code, report, _err = run(["import", str(source), "-o", str(out), "--base-url", base], capsys)
    assert code == 0
    page = (out / "assessment.md").read_text(encoding="utf-8")
    assert f"[the guide]({base}guide.md)" in page
    assert f"![arch]({base}docs/arch.png)" in page
