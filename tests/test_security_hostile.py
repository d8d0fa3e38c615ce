"""Hostile input: injection, non-web URLs, path escapes, resource limits, odd Unicode.

``tests/roots/test-hostile`` holds a project whose every block is hostile, each
expected problem marked ``expect`` at its line (in ``.rst``, ``.md`` and the YAML
files under ``data/``). The test copies it, adds what a repository cannot hold
well (symlinks pointing outside the source folder, files that are not UTF-8),
builds it with ``html`` and ``jointassessment``, and checks SPEC §5 and §8:

* each problem is reported with its code at its line, and nothing else is;
* no page, not even the assembled assessment, holds a script, an event handler
  or a ``javascript:``/``data:``/``vbscript:`` URL;
* the Markdown holds no raw HTML, no such link, no bidi or control character,
  and its tables are unbroken and lint-clean; the JSON is valid;
* nothing outside the source folder is read.

Smaller cases, one project each, cover what one project cannot (a YAML loader
left alone with a body, a file that grows, a ``:file:`` that is a FIFO).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest
from bs4 import BeautifulSoup

from sphinx_jointassessment.yamlsafe import YamlLimits, YamlProblem, load_yaml

from .conftest import ROOTS
from .markdownlint import find_markdownlint, run_markdownlint
from .test_security_support import (
    build,
    check_html,
    check_json,
    check_markdown,
    check_tables,
    check_warnings,
    codes_at,
    warning_records,
)

if TYPE_CHECKING:
    from pathlib import Path

HOSTILE = ROOTS / "test-hostile"
_SAME_LINE = re.compile(r"# expect: (?P<code>[\w-]+)")
_NEXT_LINE = re.compile(r"^\s*(?:\.\.|%) expect-next: (?P<code>[\w-]+)")
#: bidi controls and C0/C1 controls other than tab and line feed
_BIDI_OR_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069\x00-\x08\x0b-\x1f\x7f-\x9f]")


def expected(srcdir: Path) -> set[tuple[str, int, str]]:
    """``# expect: CODE`` marks its line, ``.. expect-next: CODE`` the next non-marker line."""
    found = set()
    for path in sorted(srcdir.rglob("*")):
        if (
            path.suffix not in {".rst", ".md", ".yaml"}
            or path.is_symlink()
            or "_build" in path.parts
        ):
            continue
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError:
            continue
        for number, text in enumerate(lines, start=1):
            if match := _SAME_LINE.search(text):
                found.add((path.name, number, match["code"]))
            if match := _NEXT_LINE.match(text):
                target = number + 1
                while target <= len(lines) and _NEXT_LINE.match(lines[target - 1]):
                    target += 1
                found.add((path.name, target, match["code"]))
    return found


def hostile_project(tmp_path: Path) -> Path:
    """The hostile root, with symlinks out of it and files that are not UTF-8."""
    srcdir = tmp_path / "src"
    shutil.copytree(HOSTILE, srcdir)
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = "SECRET-OUTSIDE-THE-SOURCE-FOLDER"
    (outside / "m.yaml").write_text(
        f"components: [{secret}]\ncells: [{{victim: {secret}, attacker: {secret}, label: N/A}}]\n",
        encoding="utf-8",
    )
    (outside / "s.json").write_text(
        json.dumps({"bomFormat": "CycloneDX", "components": [{"name": secret}]}), encoding="utf-8"
    )
    data = srcdir / "data"
    (data / "link.yaml").symlink_to(outside / "m.yaml")
    (data / "link.json").symlink_to(outside / "s.json")
    (data / "linkdir").symlink_to(outside, target_is_directory=True)
    (data / "inside-link.yaml").symlink_to("inside-link.target.yaml")
    (data / "latin1.yaml").write_bytes(
        "components: [Caf\xe9]\ncells: [{victim: Caf\xe9, attacker: Caf\xe9, label: N/A}]\n".encode(
            "latin-1"
        )
    )
    (data / "latin1.json").write_bytes(b"\xff\xfe{\x00}\x00")
    return srcdir


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The hostile project built with html and with jointassessment (once for the module)."""
    tmp_path = tmp_path_factory.mktemp("hostile")
    srcdir = hostile_project(tmp_path)
    html = build(srcdir, "html", builddir=tmp_path / "html")
    assessment = build(srcdir, "jointassessment", builddir=tmp_path / "ja")
    return srcdir, html, assessment


@pytest.fixture(scope="module")
def hostile_latex(tmp_path_factory):
    """The hostile project built with latex (issue 18: footnotes, surrogates, controls)."""
    tmp_path = tmp_path_factory.mktemp("hostile-latex")
    srcdir = hostile_project(tmp_path)
    return srcdir, build(srcdir, "latex", builddir=tmp_path / "latex")


def assert_marked_problems(srcdir: Path, warnings: str) -> None:
    """The build's problems are exactly the ones marked ``expect`` in the sources."""
    check_warnings(warnings)
    got = {item for item in codes_at(warning_records(warnings)) if item[0] != "conf.py"}
    want = expected(srcdir)
    assert want <= got, f"missing: {sorted(want - got)}"
    assert got <= want, f"unexpected: {sorted(got - want)}"


def test_every_problem_has_its_code_at_its_line(hostile):
    srcdir, html, assessment = hostile
    for built in (html, assessment):
        assert_marked_problems(srcdir, built.warnings)


def test_no_script_handler_or_non_web_url_in_any_page(hostile):
    _srcdir, html, _assessment = hostile
    pages = html.all_pages()
    assert {"index", "injection", "urls", "paths", "limits", "unicode", "myst"} <= set(pages)
    for name, page in pages.items():
        check_html(page, name)
    # the assembled assessment, on the index page, copies every block's text
    soup = BeautifulSoup(pages["index"], "html.parser")
    assembled = soup.select_one("section.ja-assessment, .ja-assessment")
    assert assembled is not None
    text = assembled.get_text(" ")
    for payload in ("<script>alert(", "finding", "<img src=x onerror=alert(12)>"):
        assert payload in text  # shown, as text


def test_hostile_text_is_shown_as_text(hostile):
    _srcdir, html, _assessment = hostile
    soup = BeautifulSoup(html.page("injection"), "html.parser")
    matrix = soup.select_one("table.ja-threat-matrix")
    header = [th.get_text(" ", strip=True) for th in matrix.thead.find_all("th")]
    assert header == [
        "Victim Components",
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(2)>",
        "a | b `c`",
    ]
    finding = soup.select_one(".ja-finding")
    assert "<script>alert(\u201cfinding\u201d)</script>" in finding.get_text()  # smart quotes
    # the raw block of the finding became a literal block, its text intact
    assert 'alert("raw in a finding")' in finding.select_one("pre").get_text()


def test_symlinks_and_dot_dot_read_nothing_outside(hostile):
    _srcdir, html, assessment = hostile
    secret = "SECRET-OUTSIDE-THE-SOURCE-FOLDER"
    for page in html.all_pages().values():
        assert secret not in page
    for path in assessment.outdir.iterdir():
        if path.suffix in (".md", ".json"):
            assert secret not in path.read_text(encoding="utf-8")
    # the symlink inside the folder to a file inside it is read
    assert "ja-matrix-inside-link" in html.page("paths")


def test_markdown_has_no_raw_html_no_bad_link_and_clean_tables(hostile, tmp_path):
    _srcdir, _html, assessment = hostile
    markdown = (assessment.outdir / "joint-assessment.md").read_text(encoding="utf-8")
    check_markdown(markdown, render=True)
    assert check_tables(markdown) > 20
    assert not _BIDI_OR_CONTROL.search(markdown), "a bidi or control character in the Markdown"
    assert "\u200b" in markdown  # a zero-width space is content, not a control: kept
    if find_markdownlint() is not None:
        assert run_markdownlint(assessment.outdir / "joint-assessment.md") == []


def test_json_is_valid_and_lists_every_problem(hostile):
    srcdir, _html, assessment = hostile
    raw = (assessment.outdir / "joint-assessment.json").read_bytes()
    data = check_json(raw)
    listed = {
        (problem["location"].rsplit(":", 1)[0].rsplit("/", 1)[-1], problem["code"])
        for problem in data["problems"]
    }
    for name, _line, code in expected(srcdir):
        assert (name, code) in listed or name.endswith(".yaml"), (name, code)
    assert data["project"] == "Evil <script>alert('project')</script> | `x` \u202eevil"


def test_bidi_names_do_not_break_tables(hostile):
    _srcdir, html, assessment = hostile
    soup = BeautifulSoup(html.page("unicode"), "html.parser")
    table = soup.select_one("table#ja-matrix-bidi, #ja-matrix-bidi table")
    assert table is not None
    width = len(table.thead.find_all("th"))
    assert width == 4
    for row in table.tbody.find_all("tr"):
        assert len(row.find_all(["td", "th"])) == width
    markdown = (assessment.outdir / "joint-assessment.md").read_text(encoding="utf-8")
    rows = [line for line in markdown.splitlines() if line.startswith("| Victim Server")]
    assert rows
    assert all(line.count(" | ") >= 3 for line in rows)


# -- smaller cases ----------------------------------------------------------------------------


BILLION_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 10)}]\n" for p, n in zip("abcde", "bcdef", strict=True)
)


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        (BILLION_LAUGHS, "input-too-large", None),
        ("a: " + "[" * 100 + "]" * 100, "input-too-large", 1),
        ("a: 1\nb: 2\na: 3\n", "yaml-error", 3),
        ("a: !!python/object/apply:os.system [id]\n", "yaml-error", 1),
        ("a: !!binary AAAA\n", None, None),
        ('a: "\\ud800"\n', "yaml-error", 1),
        ("a: \x1b[31m\n", "yaml-error", 1),
        ("\ufeffa: 1\n", None, None),
        ("x" * 5000, "input-too-large", None),
        ("a: &a [*a]\n", "input-too-large", None),
        ("{" * 3000, "input-too-large", 1),
    ],
)  # fmt: skip
def test_yaml_loader_limits(text, code, line):
    """The loader alone: every hostile body is a problem with its code, never an exception."""
    if code is None:
        load_yaml(text, YamlLimits(4000))
        return
    with pytest.raises(YamlProblem) as caught:
        load_yaml(text, YamlLimits(4000))
    assert caught.value.code.value == code, caught.value.message
    assert caught.value.line == line, caught.value.message


def _project(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    srcdir = tmp_path / "src"
    srcdir.mkdir()
    (srcdir / "conf.py").write_text(
        'project = "P"\nextensions = ["sphinx_jointassessment", "myst_parser"]\n'
        "jointassessment_max_input_bytes = 4000\n",
        encoding="utf-8",
    )
    for name, text in files.items():
        path = srcdir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    return srcdir


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_not_read(tmp_path):
    """A ``:file:`` that is a FIFO would block the build forever: it is not a file."""
    srcdir = _project(
        tmp_path, {"index.rst": "T\n=\n\n.. threat-matrix:: F\n   :file: pipe.yaml\n"}
    )
    os.mkfifo(srcdir / "pipe.yaml")
    built = build(srcdir, "html")
    assert codes_at(warning_records(built.warnings)) == {("index.rst", 4, "schema")}


def test_the_limit_counts_bytes_not_characters(tmp_path):
    """3000 characters of 3 bytes each are over a 4000-byte limit."""
    body = (
        "components: [A]\ncells: [{victim: A, attacker: A, label: N/A, text: " + "€" * 3000 + "}]"
    )
    srcdir = _project(
        tmp_path,
        {
            "index.rst": "T\n=\n\n.. threat-matrix:: F\n\n"
            + "\n".join(f"   {line}" for line in body.splitlines())
            + "\n"
        },
    )
    built = build(srcdir, "html")
    assert codes_at(warning_records(built.warnings)) == {("index.rst", 4, "input-too-large")}


def test_hostile_project_name_is_escaped_everywhere(tmp_path):
    """conf.py is trusted code, but the name it sets is shown, and must be escaped."""
    name = "<script>alert('name')</script> | [x](javascript:alert(1)) \u202e"
    srcdir = _project(
        tmp_path,
        {
            "index.rst": "T\n=\n\n.. joint-assessment::\n\n.. hands-on-assessment::\n"
            "   :performed: no\n\n.. closed-issues-table::\n"
        },
    )
    conf = srcdir / "conf.py"
    conf.write_text(conf.read_text() + f"jointassessment_project = {name!r}\n", encoding="utf-8")
    html = build(srcdir, "html")
    check_html(html.page("index"), "index")
    assert "&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;" in html.page("index").replace(
        "&#x27;", "&#39;"
    ) or "&lt;script&gt;alert('name')&lt;/script&gt;" in html.page("index")
    assessment = build(srcdir, "jointassessment", builddir=tmp_path / "ja")
    markdown = (assessment.outdir / "joint-assessment.md").read_text(encoding="utf-8")
    check_markdown(markdown, render=True)
    assert not _BIDI_OR_CONTROL.search(markdown)
    check_json((assessment.outdir / "joint-assessment.json").read_bytes())


# -- issue 18: what the red-team pass found ---------------------------------------------------


def test_base_sixty_values_stay_as_written(hostile):
    """Item 14: YAML 1.1 would read ``10:30`` as 630 and ``12:30:45`` as 45045."""
    _srcdir, _html, assessment = hostile
    markdown = (assessment.outdir / "joint-assessment.md").read_text(encoding="utf-8")
    assert "NONE: Every day at 10:30 Score: 2" in markdown
    assert "NONE: 12:30:45" in markdown


def test_no_table_or_assessment_copies_itself(hostile):
    """Item 3: a findings-table in a finding's notes, an assessment inside a section."""
    _srcdir, html, assessment = hostile
    for name, page in html.all_pages().items():
        soup = BeautifulSoup(page, "html.parser")
        assert not soup.select("table.ja-findings-table table.ja-findings-table"), name
        assert not soup.select(".ja-assessment .ja-assessment"), name
    markdown = (assessment.outdir / "joint-assessment.md").read_text(encoding="utf-8")
    assert markdown.count("# Joint-assessment of") == 1
    assert len(markdown) < 100_000


@pytest.mark.parametrize(
    ("name", "page", "from_line"),
    [
        (
            "index.rst",
            "T\n=\n\n.. assessment-section:: overview.background\n   :from: loop\n\n"
            ".. _loop:\n\nLoop\n----\n\nText.\n\n.. joint-assessment::\n",
            5,
        ),
        (
            "index.md",
            "# T\n\n```{assessment-section} overview.background\n:from: loop\n```\n\n"
            "(loop)=\n## Loop\n\nText.\n\n```{joint-assessment}\n```\n",
            4,
        ),
    ],
)
def test_a_from_section_holding_the_assessment_is_not_copied_into_itself(
    tmp_path, name, page, from_line
):
    """Item 3: the last section of the assessment's page used as a ``:from:`` source."""
    srcdir = _project(tmp_path, {name: page})
    for builder in ("html", "jointassessment"):
        built = build(srcdir, builder, builddir=tmp_path / builder)
        found = codes_at(warning_records(built.warnings))
        assert (name, from_line, "input-too-large") in found
        assert {code for _n, _l, code in found} == {"input-too-large", "missing-section"}
    markdown = (tmp_path / "jointassessment" / "jointassessment" / "joint-assessment.md").read_text(
        encoding="utf-8"
    )
    assert markdown.count("# Joint-assessment of") == 1
    background = markdown.split("### Background", 1)[1].split("\n## ", 1)[0]
    assert "Text." in background  # the section itself is copied


def test_matrix_size_is_bounded_and_missing_cells_counted(hostile):
    """Item 6: 51 components are refused; 143 missing pairs are one short problem."""
    _srcdir, html, _assessment = hostile
    records = [r for r in warning_records(html.warnings) if "matrix-missing-cell" in (r.type or "")]
    message = next(r.message for r in records if "'Missing cells are counted" in r.message)
    assert "no cell for 143 victim/attacker pairs: M0/M1, M0/M2," in message
    assert message.endswith("and 133 more")
    assert len(message) < 300
    assert "ja-matrix-many-missing" in html.page("limits")


def test_a_matrix_with_more_cells_than_pairs_is_refused(tmp_path):
    """Item 6: cells are bounded too (2,500, one per pair of 50 components)."""
    cells = "\n".join(
        f"     - {{victim: A, attacker: A, label: N/A, text: '{n}'}}" for n in range(2501)
    )
    srcdir = _project(
        tmp_path,
        {"index.rst": f"T\n=\n\n.. threat-matrix:: M\n\n   components: [A]\n   cells:\n{cells}\n"},
    )
    conf = srcdir / "conf.py"
    conf.write_text(conf.read_text().replace("= 4000", "= 1_000_000"), encoding="utf-8")
    built = build(srcdir, "html")
    assert codes_at(warning_records(built.warnings)) == {("index.rst", 7, "input-too-large")}
    assert "2501 cells, over the limit of 2500" in built.warnings


def test_latex_builds_with_every_problem_at_its_line(hostile_latex):
    """Items 8, 10 and 12: the LaTeX build finishes, each problem located as in html."""
    srcdir, latex = hostile_latex
    assert_marked_problems(srcdir, latex.warnings)


def test_latex_has_no_character_pdflatex_cannot_typeset(hostile_latex):
    """Item 12: no control, bidi or zero-width character; no half surrogate (item 8)."""
    _srcdir, latex = hostile_latex
    tex = (latex.outdir / "hostile.tex").read_text(encoding="utf-8")
    assert not _BIDI_OR_CONTROL.search(tex), "a bidi or control character in the .tex"
    assert "\u200b" not in tex
    assert "\u200f" not in tex
    assert "an override here, an isolate x, a mark" in tex
    assert "Half \ufffd and a whole pair \U0001f600" in tex


def test_copied_footnotes_are_footnotes_of_their_own(hostile, hostile_latex):
    """Item 10: each copy of a body has its own footnote, linked from its reference."""
    _srcdir, html, assessment = hostile
    for name, page in html.all_pages().items():
        soup = BeautifulSoup(page, "html.parser")
        ids = {element["id"] for element in soup.select("[id]")}
        for ref in soup.select("a.footnote-reference"):
            assert ref["href"].lstrip("#") in ids, (name, ref)
    copies = BeautifulSoup(html.page("injection"), "html.parser").select(
        "table.ja-findings-table .footnote"
    )
    assert any("Inside the notes." in note.get_text() for note in copies)
    _srcdir, latex = hostile_latex
    tex = (latex.outdir / "hostile.tex").read_text(encoding="utf-8")
    # LaTeX prints a page's footnote once; a copy with the same number refers to it
    assert "Inside the notes." in tex
    assert "\\sphinxfootnotemark[" in tex
    markdown = (assessment.outdir / "joint-assessment.md").read_text(encoding="utf-8")
    assert "Inside the notes." in markdown


@pytest.mark.parametrize(
    ("name", "levels"),
    [("index.rst", 110), ("index.rst", 300), ("index.md", 110)],
)
def test_deeply_nested_bodies_are_refused_not_pickled(tmp_path, name, levels):
    """Item 11: a hundred levels of lists in a body stopped the build (RecursionError)."""
    if name.endswith(".rst"):
        nested = "".join("   " + "  " * level + "- item\n\n" for level in range(levels))
        page = f"T\n=\n\n.. finding:: F\n   :id: 1\n\n{nested}\n.. joint-assessment::\n"
    else:
        nested = "".join("  " * level + "- item\n" for level in range(levels))
        page = f"# T\n\n```{{finding}} F\n:id: 1\n\n{nested}```\n\n```{{joint-assessment}}\n```\n"
    srcdir = _project(tmp_path, {name: page})
    conf = srcdir / "conf.py"
    conf.write_text(conf.read_text().replace("= 4000", "= 1_000_000"), encoding="utf-8")
    for builder in ("html", "jointassessment", "latex"):
        built = build(srcdir, builder, builddir=tmp_path / builder)
        codes = codes_at(warning_records(built.warnings))
        allowed = {"input-too-large", "missing-section", "hands-on-inconsistent"}
        assert {code for _name, _line, code in codes} <= allowed
        if name.endswith(".rst"):  # MyST stops nesting lists at its own depth (20)
            assert (name, 4, "input-too-large") in codes, codes


def test_a_body_too_deep_to_pickle_is_not_kept():
    """Item 11: past the parse-time bound, ``Body.freeze`` says so instead of raising."""
    from docutils import nodes

    from sphinx_jointassessment.body import Body

    root = inner = nodes.container()
    for _level in range(600):  # docutils finds a node's document up its parents: not more
        child = nodes.container()
        inner += child
        inner = child
    inner += nodes.paragraph(text="deep")
    body = Body(root)
    assert body.freeze() is False
    assert body.copy("index") is None


SUB_HEADINGS = {
    "index.rst": (
        "T\n=\n\n.. assessment-section:: overview.background\n\n   Intro.\n\n   Sub\n   ---\n\n"
        "   Text.\n\n   Deeper\n   ~~~~~~\n\n   Deep text.\n\n"
        "   Sub two\n   -------\n\n   More.\n\n"
        "After the block.\n\n.. assessment-section:: overview.goal\n\n   Starts with heading\n"
        "   -------------------\n\n   Goal text.\n\nPage heading\n------------\n\n"
        ".. joint-assessment::\n"
    ),
    "index.md": (
        "# T\n\n```{assessment-section} overview.background\nIntro.\n\n## Sub\n\nText.\n\n"
        "### Deeper\n\nDeep text.\n\n## Sub two\n\nMore.\n```\n\nAfter the block.\n\n"
        "```{assessment-section} overview.goal\n## Starts with heading\n\nGoal text.\n```\n\n"
        "## Page heading\n\n```{joint-assessment}\n```\n"
    ),
}


def test_myst_section_keeps_its_sub_headings_as_rst_does(tmp_path):
    """Item 9: MyST moved everything from a section's first heading on out of the block."""
    results = {}
    for name, page in SUB_HEADINGS.items():
        folder = tmp_path / name.replace(".", "-")
        folder.mkdir()
        srcdir = _project(folder, {name: page})
        html = build(srcdir, "html", builddir=folder / "html")
        assessment = build(srcdir, "jointassessment", builddir=folder / "ja")
        soup = BeautifulSoup(html.page("index"), "html.parser")
        blocks = soup.select("div.ja-section")
        headings = [[h.get_text().rstrip("¶") for h in b.select("h2, h3, h4")] for b in blocks]
        assert headings == [["Sub", "Deeper", "Sub two"], ["Starts with heading"]], name
        assert "After the block." not in blocks[0].get_text()
        data = json.loads((assessment.outdir / "joint-assessment.json").read_text("utf-8"))
        sections = {s["key"]: s["markdown"] for s in data["sections"]}
        results[name] = (sections["overview.background"], sections["overview.goal"])
    background, goal = results["index.md"]
    assert results["index.md"] == results["index.rst"]
    assert background == (
        "Intro.\n\n#### Sub\n\nText.\n\n##### Deeper\n\nDeep text.\n\n#### Sub two\n\nMore.\n"
    )
    assert "#### Starts with heading" in goal
    assert "Goal text." in goal


def test_code_github_would_draw_is_written_as_code(hostile):
    """Item 14: a ``mermaid``, ``math``, ``topojson`` or ``stl`` code block stays code.

    (The ``math`` directive is still written as a ``math`` fence: it is a formula.)
    """
    _srcdir, _html, assessment = hostile
    markdown = (assessment.outdir / "joint-assessment.md").read_text(encoding="utf-8")
    fences = [
        line[3:].strip("`").lower() for line in markdown.splitlines() if line.startswith("```")
    ]
    assert {"mermaid", "geojson", "topojson", "stl"}.isdisjoint(fences)
    assert "math" not in fences
    assert "solid cube\nendsolid cube" in markdown


# -- import: what the document names is not trusted (items 2 and 13) ---------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
GIF = b"GIF89a" + b"\x00" * 16


def _import_source(tmp_path: Path, page: str, files: dict[str, bytes]) -> Path:
    source = tmp_path / "repo"
    source.mkdir()
    for name, data in files.items():
        path = source / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (source / "assessment.md").write_text(page, encoding="utf-8")
    return source / "assessment.md"


IMPORTED_IMAGES = (
    "# Joint-assessment of Foo\n\n## Metadata\n\n| | |\n| - | - |\n| Software | https://x.org |\n\n"
    "## Overview\n\nA config ![b](conf.py), a page ![d](evil.md), a picture ![ok](pic.png),\n"
    "a text named as one ![fake](fake.png), a script in SVG ![s](bad.svg), a plain SVG\n"
    "![g](good.svg), one in a folder ![a](img/a.gif), one in a folder named like a page\n"
    "![p](index.SUFFIX/x.png), a line break ![nl](a%0Ab.png), and one as an entity\n"
    "![ent](c&#10;d.png) (markdown-it decodes it).\n"
)


@pytest.mark.parametrize("fmt", ["myst", "rst"])
def test_import_copies_only_image_files_and_never_over_its_own(tmp_path, capsys, fmt):
    """Item 2: ``![b](conf.py)`` replaced the conf.py that check then runs."""
    suffix = "md" if fmt == "myst" else "rst"
    source = _import_source(
        tmp_path,
        IMPORTED_IMAGES.replace("SUFFIX", suffix),
        {
            "conf.py": b"raise SystemExit('the pull request ran')\n",
            "evil.md": b"<script>alert(1)</script>\n",
            "pic.png": PNG,
            "fake.png": b"<script>alert(2)</script>",
            "bad.svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(3)</script></svg>',
            "good.svg": b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="1"/></svg>',
            "img/a.gif": GIF,
            f"index.{suffix}/x.png": PNG,
            "a\nb.png": PNG,
            "c\nd.png": PNG,
        },
    )
    out = tmp_path / "docs"
    from sphinx_jointassessment.cli.main import main

    assert main(["import", str(source), "-o", str(out), "--format", fmt]) == 0
    report = capsys.readouterr().out
    written = {path.relative_to(out).as_posix() for path in out.rglob("*") if path.is_file()}
    assert "evil.md" not in written
    assert "the pull request ran" not in (out / "conf.py").read_text(encoding="utf-8")
    assert {"pic.png", "good.svg", "img/a.gif"} <= written
    assert not written & {"fake.png", "bad.svg", f"index.{suffix}/x.png", "a\nb.png", "c\nd.png"}
    assert (out / "pic.png").read_bytes() == PNG
    refused = [line for line in report.splitlines() if "is not copied" in line]
    refused_names = ("conf.py", "evil.md", "fake.png", "bad.svg", f"index.{suffix}/x.png")
    for name in (*refused_names, "a%0Ab.png"):
        assert any(repr(name) in line for line in refused), (name, report)
    # decoded, the name with an entity is checked and reported too (kept as text)
    assert any(repr("c\nd.png") in line for line in report.splitlines() if "warning:" in line)
    pages = "".join(page.read_text(encoding="utf-8") for page in out.rglob(f"*.{suffix}"))
    # refused images are kept as their text: no image (or link) names them
    for name in ("conf.py", "evil.md", "fake.png", "bad.svg"):
        named = re.escape(name)
        link = rf"(?<!\\)\]\({named}\)" if fmt == "myst" else rf"image:: {named}|<{named}>`_"
        assert not re.search(link, pages), name


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_import_refuses_a_fifo_instead_of_waiting_on_it(tmp_path):
    """Item 13: a FIFO given as the document made ``import`` wait forever."""
    fifo = tmp_path / "in.md"
    os.mkfifo(fifo)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx_jointassessment",
            "import",
            str(fifo),
            "-o",
            str(tmp_path / "o"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "not a regular file" in done.stderr
    assert "Traceback" not in done.stderr


IMPORTED_SCHEMES = (
    "# Joint-assessment of Foo\n\n## Overview\n\n"
    "Prose javascript:alert(1) and data:text/html,<script>alert(2)</script>, glued\n"
    "x-javascript:alert(3), upper JavaScript:alert(4), file:///etc/passwd, vbscript:x,\n"
    "an autolink <javascript:alert(5)>, links [a](javascript:alert(6)) and\n"
    "[b](data:text/html,x), *emphasis javascript:alert(7)* and <https://example.org/ok>.\n\n"
    "- item javascript:alert(8)\n\n"
    "| Col | Other |\n| - | - |\n| javascript:alert(9) | data:text/html,y |\n\n"
    "### Heading javascript:alert(10)\n\nText.\n"
)


@pytest.mark.parametrize("fmt", ["myst", "rst"])
def test_imported_text_never_links_a_non_web_scheme(tmp_path, fmt):
    """Item 7: docutils linked ``javascript:`` and ``data:`` written in imported prose."""
    from sphinx_jointassessment.cli.main import main

    source = _import_source(tmp_path, IMPORTED_SCHEMES, {})
    out = tmp_path / "docs"
    assert main(["import", str(source), "-o", str(out), "--format", fmt]) == 0
    html = build(out, "html", builddir=tmp_path / "html")
    hrefs = []
    for page in html.all_pages().values():
        soup = BeautifulSoup(page, "html.parser")
        hrefs += [str(a.get("href", "")) for a in soup.select("a[href]")]
        hrefs += [str(img.get("src", "")) for img in soup.select("img[src]")]
    schemes = {href.split(":", 1)[0].lower() for href in hrefs if re.match(r"[\w+.-]+:", href)}
    assert schemes <= {"http", "https", "mailto"}, hrefs
    assert any(href.startswith("https://example.org/ok") for href in hrefs), hrefs
    text = BeautifulSoup(html.page("assessment"), "html.parser").get_text(" ")
    for number in range(1, 11):  # every payload is still there, as text
        assert f"alert({number})" in text, number
    assert "file:///etc/passwd" in text


_SVG = b'<svg xmlns="http://www.w3.org/2000/svg">%s</svg>'


@pytest.mark.parametrize(
    ("body", "refused"),
    [
        (b'<rect width="1"/><text>a&#xa;b&#160;c</text>', False),
        (b'<a href="https://example.org/"><rect/></a>', False),
        (b"<script>alert(1)</script>", True),
        (b'<a href="java&#115;cript:alert(1)"><rect/></a>', True),
        (b'<a href="&#x6A;avascript:alert(1)"><rect/></a>', True),
        (b'<a href="java\nscript:alert(1)"><rect/></a>', True),
        (b'<a href="java&#9;script:alert(1)"><rect/></a>', True),
        (b'<a href=" VBScript:x"><rect/></a>', True),
        (b'<rect onclick="alert(1)"/>', True),
    ],
)
def test_an_svg_is_copied_only_without_script_however_spelt(
    tmp_path: Path, body: bytes, refused: bool
) -> None:
    """XML reads character references before any attribute: java&#115;cript: is javascript:."""
    from sphinx_jointassessment.cli.images import image_refusal

    svg = tmp_path / "picture.svg"
    svg.write_bytes(_SVG % body)
    assert (image_refusal(svg, svg.name) is not None) is refused


def test_an_svg_with_a_dtd_is_not_copied(tmp_path: Path) -> None:
    """An entity declared in a DTD could spell javascript: where no pattern sees it."""
    from sphinx_jointassessment.cli.images import image_refusal

    svg = tmp_path / "picture.svg"
    svg.write_bytes(b'<!DOCTYPE svg [<!ENTITY j "javascript">]>' + _SVG % b'<a href="&j;:x"/>')
    assert "DTD" in (image_refusal(svg, svg.name) or "")
