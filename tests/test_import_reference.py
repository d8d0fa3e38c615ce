"""``import`` on every real CNCF assessment of ``tests/data/reference``, and on both templates.

For each file: the import report accounts for every heading and every table row
of the source; the docs folder keeps every heading's and every table cell's
text; and, built with the ``jointassessment`` builder, it has no problem other
than real ones of the assessment (missing sections, template text, incomplete
metadata) and the submitted Markdown holds the text of every heading and every
table row of the assessment part. Texts are compared as sequences of words, so
formatting, escaping, quotes and line wrapping do not matter; words do.

A joint review is submitted as two files (SPEC section 4): the assessment and its
README. The README's own parts (Summary, the CNCF / Project / Additional
recommendation lists) have their place in ``README.md``, so the text of a joint
README's headings are looked for in both files the builder writes (:func:`is_readme_part`);
every other heading, row and bold line must be in the assessment's own file.
"""

from __future__ import annotations

import html
import json
import re
from typing import TYPE_CHECKING

import pytest

from sphinx_jointassessment.cli.check import build_assessment
from sphinx_jointassessment.cli.htmltable import parse_html_table
from sphinx_jointassessment.cli.importcmd import convert
from sphinx_jointassessment.cli.importer import FINDINGS_HEADER, METADATA_FIELDS
from sphinx_jointassessment.cli.main import main
from sphinx_jointassessment.cli.mdparse import (
    bold_line_title,
    markdown_parser,
    parse_blocks,
    plain_text,
    read_markdown,
)
from sphinx_jointassessment.outline import extra_id, load_outline, normalize_title
from sphinx_jointassessment.readme import FILENAME as README
from sphinx_jointassessment.stride import stride_category, stride_name

from .conftest import REFERENCE

if TYPE_CHECKING:
    from pathlib import Path

    from sphinx_jointassessment.cli.model import Section

FILES = [
    *sorted((REFERENCE / "assessments").glob("*.md")),
    REFERENCE / "template-joint-assessment.md",
    REFERENCE / "template-self-assessment.md",
]

#: (test, file) pairs that fail until ``import`` learns what a later issue asks of it.
#: The marks are strict: the change that makes one pass must remove its line here.
EXPECTED_FAILURES: dict[tuple[str, str], str] = {}


def each_file(test: str) -> pytest.MarkDecorator:
    """Run a test that takes ``imported`` once per file of FILES, with the expected failures
    of *test* (its key in EXPECTED_FAILURES) marked as such."""
    cases = []
    for path in FILES:
        reason = EXPECTED_FAILURES.get((test, path.name))
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        cases.append(pytest.param(path, id=path.name, marks=marks))
    return pytest.mark.parametrize("imported", cases, indirect=True)


#: problem kinds a real (or template) assessment may have; anything else is our fault
REAL_PROBLEMS = {
    "jointassessment.missing-section",
    "jointassessment.empty-section",
    "jointassessment.placeholder",
    "jointassessment.metadata-missing",
    "jointassessment.metadata-value",
    "jointassessment.bad-url",
    "jointassessment.matrix-missing-cell",
    "jointassessment.uncovered-threat",
}
_TOC = {"table of contents", "contents", "toc"}
#: cells of recognised tables that become directive syntax (an option name, a YAML key)
STRUCTURAL = {
    *METADATA_FIELDS,
    "doc",
    "url",
    *FINDINGS_HEADER,
    "victim components",
    # the lightweight threat model's columns: the threats-table in its place writes them
    "threat",
    "description",
    "controls",
    "references",
}
#: a bold line announcing a STRIDE category's list ("**Mitigations**:"): the list became
#: the category's threats or their controls, and the line that announced it their structure
LIST_LABELS = {"threat", "threats", "mitigation", "mitigations", "control", "controls"}
#: the corner cell of a STRIDE x component table: the threats-table writes its own
STRIDE_CORNER = {"stride element", "stride category", "stride", "stride elements"}
_THREAT_ID = re.compile(r"^(Threat-\d+-[A-Za-z])\b\s*[-\u2013\u2014:]?\s*(.*)$")


def _threat_heading_kept(text: str, haystack_text: str) -> bool:
    """``Threat-01-S - Title``: the id and the title are each kept (the directive's id and
    title); ``Threat-01-S Recommended Mitigations``: the id is (the threat's controls)."""
    match = _THREAT_ID.match(text.strip())
    if match is None:
        return False
    rest = re.sub(r"(?i)^(recommended\s+)?(mitigations?|controls?)\s*:?$", "", match[2].strip())
    return words(match[1]) in haystack_text and (not rest or words(rest) in haystack_text)


def words(text: str) -> str:
    """Text reduced to its words, lower case, one space apart: what the comparison compares."""
    text = html.unescape(text.replace("\\", ""))
    return " ".join(re.findall(r"[^\W_]+", text.casefold()))


#: an HTML tag or comment (not an autolink such as <https://example.org>)
_TAG = re.compile(r"(?s)<!--.*?-->|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^>]*)?/?>")


def haystack(markdown: str) -> str:
    """Words of Markdown with link destinations and without, and without HTML tags (which the
    importer escapes into text), so every form of a kept text is found."""
    without = re.sub(r"\]\((?:[^()\s]|\([^)]*\))*(?:\s+\"[^\"]*\")?\)", "]", markdown)
    # a vague link text ("link", "here") is written with its URL beside it (MD059)
    without = re.sub(r" \(<[^<>\s]+>\)", "", without)
    untagged = re.sub(_TAG, " ", html.unescape(without.replace("\\<", "<")))
    return " | ".join((words(markdown), words(without), words(untagged)))


def source_items(path: Path) -> tuple[list[tuple[int, str]], list[tuple[int, list[str]]]]:
    """(line, heading text) of every heading and (line, cell texts) of every table row."""
    tokens = markdown_parser().parse(read_markdown(path))
    headings: list[tuple[int, str]] = []
    rows: list[tuple[int, list[str]]] = []
    cells: list[str] = []
    row_line = 0
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.map is not None:
            headings.append((token.map[0] + 1, tokens[index + 1].content))
        elif token.type == "tr_open":
            cells = []
            row_line = token.map[0] + 1 if token.map else row_line
        elif token.type == "inline" and tokens[index - 1].type in {"th_open", "td_open"}:
            cells.append(token.content)
        elif token.type == "tr_close" and any(c.strip() for c in cells):
            rows.append((row_line, cells))
    for block in parse_blocks(read_markdown(path)):
        if block.kind == "html_table":
            rows += [
                (block.lineno, [c.markdown for c in row]) for row in parse_html_table(block.text)
            ]
    return headings, rows


def cell_words(cell: str) -> list[str]:
    """Acceptable word forms of a cell: its text, or for a lone link its URL.

    Inline HTML is markup, not text: the importer never lets it through as HTML.
    """
    cell = re.sub(_TAG, " ", cell)
    forms = [words(plain_text(cell.replace("\\|", "|")))]
    link = re.fullmatch(r"\s*\[([^\]]*)\]\(([^)\s]+)\)\s*", cell)
    if link:
        forms.append(words(link.group(2)))
    category = stride_category(plain_text(cell))
    if category is not None:  # a row of a STRIDE table: its category, by its name
        forms.append(words(stride_name(category)))
    return [form for form in forms if form]


@pytest.fixture
def imported(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, Path, object]:
    """*request.param* (a file of FILES, see :func:`each_file`) imported into a docs folder."""
    source: Path = request.param
    out = tmp_path / "docs"
    assert main(["import", str(source), "-o", str(out)]) == 0
    assessment, _files = convert(source)
    return source, out, assessment


def test_expected_failures_name_real_cases() -> None:
    """A misspelt pair in EXPECTED_FAILURES would mark nothing and hide nothing: refuse it."""
    names = {path.name for path in FILES}
    for test, file in EXPECTED_FAILURES:
        assert test in {"report", "docs", "html", "built"}, test
        assert file in names, file


@each_file("report")
def test_report_accounts_for_every_heading_and_row(imported) -> None:  # type: ignore[no-untyped-def]
    source, _out, assessment = imported
    report = assessment.report
    blocks = parse_blocks(read_markdown(source))
    headings = sum(1 for block in blocks if block.kind == "heading")
    bold = sum(1 for note in report.notes if re.search(r"bold line .* is section", note))
    assert report.headings_mapped + report.headings_kept + report.headings_other == headings + bold
    tokens = markdown_parser().parse(read_markdown(source))
    total_rows, in_head, cells = 0, False, []
    for token in tokens:
        if token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open":
            cells = []
        elif token.type == "inline":
            cells.append(token.content)
        elif token.type == "tr_close" and not (in_head and not any(c.strip() for c in cells)):
            total_rows += 1
    total_rows += sum(
        len(parse_html_table(block.text)) for block in blocks if block.kind == "html_table"
    )
    assert report.rows_mapped + report.rows_kept + report.rows_empty == total_rows
    assert report.headings_mapped > 0
    mapped = [section.key for section in assessment.sections if not section.extra]
    assert len(mapped) == len(set(mapped)), "an outline key is contributed twice"


@each_file("docs")
def test_docs_folder_keeps_every_heading_and_cell(imported) -> None:  # type: ignore[no-untyped-def]
    source, out, _assessment = imported
    emitted = haystack(" ".join(p.read_text(encoding="utf-8") for p in out.glob("*.md")))
    emitted_words = set(emitted.split())
    headings, rows = source_items(source)
    for line, heading in headings:
        if normalize_title(plain_text(heading)) in _TOC or _is_title(plain_text(heading)):
            continue  # the builder writes both from the outline and the project's name
        if _threat_heading_kept(plain_text(heading), emitted):
            continue  # a threat's id and title became its directive's options
        assert words(plain_text(heading)) in emitted, f"line {line}: heading {heading!r} lost"
    for line, cells in rows:
        for cell in cells:
            if normalize_title(plain_text(cell)) in STRUCTURAL | STRIDE_CORNER:
                continue
            forms = cell_words(cell)
            forms += [form.removeprefix("victim ") for form in forms]
            if forms and cells[0].casefold().startswith("victim"):
                # a threat-matrix cell is YAML now (label:, text:, score:, notes:): every word
                forms = [" ".join(w for w in forms[0].split() if w not in emitted_words)]
                assert forms == [""] or set(forms[0].split()) <= {"note"}, (
                    f"line {line}: words {forms[0]!r} of threat cell lost"
                )
                continue
            assert not forms or any(form in emitted for form in forms), (
                f"line {line}: cell {cell!r} lost"
            )


@each_file("html")
def test_html_is_never_raw(imported) -> None:  # type: ignore[no-untyped-def]
    _source, out, _assessment = imported
    pages = sorted(out.glob("*.md"))
    assert pages, "import wrote no page: nothing to check"
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "{raw}" not in text
        assert not re.search(r"^\s*<(?!https?:|mailto:)[a-zA-Z!/]", text, re.MULTILINE) or (
            _only_in_code(text)
        )


def _only_in_code(text: str) -> bool:
    """Whether every line starting with an HTML tag is inside a fenced code block."""
    fence: str | None = None
    for line in text.splitlines():
        marker = re.match(r"^\s*(`{3,}|~{3,})", line)
        if marker and (fence is None or marker.group(1).startswith(fence)):
            fence = None if fence else marker.group(1)
            continue
        if fence is None and re.match(r"^\s*<(?!https?:|mailto:)[a-zA-Z!/]", line):
            return False
    return True


#: the headings of a joint README's own parts (``template-joint-readme.md``): Summary, the
#: recommendation lists (by audience, or "Suggestions to the project team" and the like)
_README_PART = re.compile(
    r"^(summary|(?:(?:cncf|project|additional|other) )?(?:recommendations?|suggestions?)"
    r"(?: (?:to|for) (?:the )?(?:cncf|project)(?: team)?)?)$"
)


def is_readme_part(heading: str) -> bool:
    return _README_PART.match(words(plain_text(heading))) is not None


def submitted_markdown(outdir: Path, output: str) -> str:
    """The Markdown files the builder writes for submission: the assessment and, for a joint
    review with a summary, its README (SPEC section 4)."""
    paths = [outdir / f"{output}.md", outdir / README]
    return "\n\n".join(path.read_text(encoding="utf-8") for path in paths if path.exists())


@each_file("built")
def test_built_assessment_keeps_the_text(imported, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source, out, assessment = imported
    result = build_assessment(out, tmp_path / "build")
    ours = [str(p) for p in result.problems if p.kind not in REAL_PROBLEMS]
    assert not ours, "problems that are not the assessment's own:\n" + "\n".join(ours)
    assert result.summary, "the builder printed no summary"
    outline = load_outline(assessment.outline)
    own_md = (result.outdir / f"{outline.output}.md").read_text(encoding="utf-8")
    built = haystack(own_md)
    # the joint README's own parts may be in README.md only; nothing else may
    with_readme = haystack(submitted_markdown(result.outdir, outline.output))
    data = json.loads((result.outdir / f"{outline.output}.json").read_text(encoding="utf-8"))
    written = {section["key"] for section in data["sections"] if section.get("status") == "written"}
    started = {section.line: section.key for section in assessment.sections if section.key}
    headings, rows = source_items(source)
    # every heading and row reaches the submitted file, the title and what comes before
    # the first section (the assessment's opening) included
    for line, heading in headings:
        text = plain_text(heading)
        if normalize_title(text) in _TOC:
            continue
        section = outline.match_title(text)
        if line in started:  # the heading the importer mapped this section to
            section = outline.get(started[line])
        found = words(text) in built or (section is not None and words(section.title) in built)
        found = found or _threat_heading_kept(text, built)
        found = found or (is_readme_part(text) and words(text) in with_readme)
        assert found, f"line {line}: heading {heading!r} not in the built Markdown"
    findings = [d for s in assessment.sections for d in s.directives if hasattr(d, "reviewer")]
    for line, cells in rows:
        target = built
        for cell in cells:
            if not findings and normalize_title(plain_text(cell)) in FINDINGS_HEADER:
                continue  # a Findings table without findings: the builder writes none
            if normalize_title(plain_text(cell)) in STRIDE_CORNER:
                continue
            forms = cell_words(cell)
            assert not forms or any(form in target for form in forms), (
                f"line {line}: cell {cell!r} not in the built Markdown"
            )
    for section in assessment.sections:
        if section.has_content():
            key = contributed_key(section)
            assert key in written, f"section {key} not written"
    for bold in (b for b in parse_blocks(read_markdown(source)) if bold_line_title(b)):
        title = bold_line_title(bold) or ""
        if normalize_title(title.rstrip(":")) in LIST_LABELS:
            continue
        section = outline.match_title(title)
        statement = re.search(r"(did not|did) receive a hands", title)
        assert (
            words(title) in built
            or (statement is not None and words(f"{statement.group(1)} receive a hands") in built)
            or (section is not None and words(section.title) in built)
        ), f"line {bold.lineno}: bold line {title!r} not in the built Markdown"


@pytest.mark.parametrize("source", FILES, ids=[path.name for path in FILES])
def test_rst_format_builds_the_same_sections(source: Path, tmp_path: Path) -> None:
    """``--format rst`` converts the kept Markdown; the result has the same outline sections."""
    out = tmp_path / "docs"
    assert main(["import", str(source), "-o", str(out), "--format", "rst"]) == 0
    assert not list(out.glob("*.md"))
    result = build_assessment(out, tmp_path / "build")
    ours = [str(p) for p in result.problems if p.kind not in REAL_PROBLEMS]
    assert not ours, "problems that are not the assessment's own:\n" + "\n".join(ours)
    assessment, _files = convert(source)
    outline = load_outline(assessment.outline)
    data = json.loads((result.outdir / f"{outline.output}.json").read_text(encoding="utf-8"))
    written = {section["key"] for section in data["sections"] if section.get("status") == "written"}
    for section in assessment.sections:
        if section.has_content():
            key = contributed_key(section)
            assert key in written, f"section {key} not written"
    built = haystack((result.outdir / f"{outline.output}.md").read_text(encoding="utf-8"))
    _headings, rows = source_items(source)
    preamble_end = min((section.line for section in assessment.sections), default=10**9)
    for line, cells in rows:
        if normalize_title(plain_text(cells[0])) in FINDINGS_HEADER and not data["findings"]:
            continue  # a Findings table without findings: the builder writes none
        if normalize_title(plain_text(cells[0])) in STRIDE_CORNER:
            continue
        if line >= preamble_end and cells and cells[0].strip():
            first = cell_words(cells[0])
            assert not first or any(form in built for form in first), (
                f"line {line}: row {cells[0]!r} not in the built Markdown"
            )


def contributed_key(section: Section) -> str:
    """The key the assessment lists *section* under: its own, or ``KEY/slug`` for an extra."""
    if not section.extra:
        return str(section.key)
    return extra_id(str(section.key), " ".join(plain_text(section.heading).split()))


def _is_title(text: str) -> bool:
    return bool(re.match(r"(?i)^(joint|self)[\s-]*assessment", text))


@pytest.mark.parametrize(
    "template", ["template-joint-assessment.md", "template-self-assessment.md"]
)
def test_check_reports_template_placeholders(
    template: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "docs"
    assert main(["import", str(REFERENCE / template), "-o", str(out)]) == 0
    capsys.readouterr()
    assert main(["check", str(out)]) == 1
    printed = capsys.readouterr().out
    placeholders = [
        line for line in printed.splitlines() if "[jointassessment.placeholder]" in line
    ]
    assert placeholders
    text = "\n".join(placeholders)
    assert "flibble" in text.casefold()
    if "joint" in template:  # the self template has [project] only in its fixed text
        assert "[project]" in text.casefold()
        assert "mmddyyyy" in text
    assert re.search(r"^\S+\.md:\d+: \[jointassessment\.placeholder\] ", text, re.MULTILINE)
    assert any(line.startswith("jointassessment: ") for line in printed.splitlines())


def test_threat_matrix_of_the_joint_template(tmp_path: Path) -> None:
    """The template's Identity Theft table becomes one threat-matrix with every cell."""
    assessment, files = convert(REFERENCE / "template-joint-assessment.md")
    matrices = [d for s in assessment.sections for d in s.directives if hasattr(d, "data")]
    assert [m.title for m in matrices] == ["Identity Theft"]
    data = matrices[0].data
    assert data.components == ["Server", "Agent", "Container (same node)", "Container (diff node)"]
    assert len(data.cells) == 16
    cell = next(
        c for c in data.cells if c.victim == "Container (diff node)" and c.attacker == "Agent"
    )
    assert cell.notes == ["This condition only occurs under certain configurations"]
    assert cell.entries[0].label == "NONE"
    assert cell.entries[0].score == 12.5
    quoted = next(c for c in data.cells if c.victim == "Server" and c.attacker == "Agent")
    assert quoted.entries[0].label == "Mitigated"
    assert not quoted.entries[0].text.startswith('"')
    assert "```{threat-matrix} Identity Theft" in files["assessment.md"]
