"""LaTeX: the extension's tables as longtables whose columns fit the text width."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from docutils import nodes

from sphinx_jointassessment.latex_tables import (
    BEGIN_MARK,
    LINE,
    PADDING,
    column_fractions,
    longest_words,
    overfull_boxes_in_tables,
    word_width,
)

from .conftest import parse_warnings

_SPEC = re.compile(r"\\begin\{longtable\}\{((?:[^{}]|\{[^{}]*\})*)\}")
_FRACTION = re.compile(r"\\X\{(\d+)\}\{1000\}")


def test_no_column_is_narrower_than_its_longest_word():
    # "Victim Components" in the stub: the header word needs its width
    fractions = column_fractions([17, 30, 30, 30, 30], [12.5, 6, 6, 11, 11], 1.0)
    assert fractions is not None
    assert fractions[0] * LINE >= 12.5 + PADDING
    assert abs(sum(fractions) - 1) < 1e-9
    # the others keep the proportions asked for
    assert fractions[1] == pytest.approx(fractions[2])


def test_words_too_wide_for_the_size_ask_for_a_smaller_one():
    assert column_fractions([1] * 9, [8] * 9, 1.0) is None
    assert column_fractions([1] * 9, [8] * 9, 0.7) is not None


def test_capitals_are_wider():
    assert word_width("ESCAPE") > word_width("escape")


def test_overfull_boxes_are_counted_inside_the_marks_only():
    tex = "\n".join(["a", BEGIN_MARK, "b", "c", "% end of sphinx-jointassessment table", "d"])
    log = (
        "Overfull \\hbox (3.0pt too wide) in paragraph at lines 3--4\n"
        "Overfull \\hbox (9.0pt too wide) in paragraph at lines 6--6\n"
    )
    assert overfull_boxes_in_tables(tex, log) == [log.splitlines()[0]]


@pytest.mark.sphinx("latex", testroot="latex-wide")
def test_every_table_is_a_longtable_that_fits(app):
    app.build()
    assert not parse_warnings(app.warning.getvalue()), app.warning.getvalue()
    tex = (app.outdir / "wide.tex").read_text(encoding="utf-8")
    assert "tabulary" not in tex
    specs = _SPEC.findall(tex)
    # the matrix, the attack-risk table, the findings table, the hands-on details
    assert len(specs) == tex.count(BEGIN_MARK) >= 4
    for spec in specs:
        fractions = [int(n) for n in _FRACTION.findall(spec)]
        assert fractions
        assert abs(sum(fractions) - 1000) <= len(fractions)
    # nine columns of long words: the matrix is set in a smaller size
    matrix = tex[tex.index(BEGIN_MARK) :]
    assert matrix.split("\n", 2)[1].startswith(
        ("\\begingroup\\small", "\\begingroup\\footnotesize", "\\begingroup\\scriptsize")
    )


@pytest.mark.skipif(shutil.which("latexmk") is None, reason="latexmk (TeX Live) not installed")
@pytest.mark.sphinx("latex", testroot="latex-wide")
def test_the_pdf_has_no_overfull_box_in_the_tables(app):
    app.build()
    result = subprocess.run(
        ["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "wide.tex"],
        cwd=app.outdir,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert (app.outdir / "wide.pdf").is_file(), result.stdout[-3000:]
    log = (app.outdir / "wide.log").read_text(encoding="utf-8", errors="replace")
    tex = (app.outdir / "wide.tex").read_text(encoding="utf-8")
    assert overfull_boxes_in_tables(tex, log) == []


def test_a_table_in_copied_notes_builds(make_app, tmp_path):
    """A finding's notes holding a table, copied into the findings table: a table in a
    table, which Sphinx 8.2 refuses inside a longtable (the outer table stays a tabular)."""
    (tmp_path / "conf.py").write_text(
        'extensions = ["sphinx_jointassessment"]\n'
        'latex_documents = [("index", "nested.tex", "Nested", "Tests", "howto")]\n',
        encoding="utf-8",
    )
    (tmp_path / "index.rst").write_text(
        "Nested\n======\n\n"
        ".. finding:: A finding with a table\n   :id: 1\n\n"
        "   .. list-table::\n\n      * - inner cell\n        - second cell\n\n"
        ".. findings-table::\n\n"
        ".. hands-on-assessment::\n   :performed: yes\n   :dates: 03022026-03132026\n"
        "   :reviewers: Jane Doe (@jdoe)\n",
        encoding="utf-8",
    )
    app = make_app("latex", srcdir=tmp_path)
    app.build()
    assert not parse_warnings(app.warning.getvalue()), app.warning.getvalue()
    tex = (app.outdir / "nested.tex").read_text(encoding="utf-8")
    # where the finding is written, and its copy in the findings table
    assert tex.count("inner cell") >= 2


def test_a_long_word_is_one_node_whatever_its_break_points():
    """Issue 18, item 5 in LaTeX: a title of a million dots in a cell made two million
    nodes (a text and a break per dot), and the build took minutes; counted, not timed."""
    from docutils import nodes
    from sphinx.util import texescape

    from sphinx_jointassessment.latex_tables import ALLOW_BREAK, PLAIN, make_long_tokens_breakable

    texescape.init()  # as the LaTeX builder does
    title = "x" + "." * 10_000 + " #50% {a}\u202e"
    table = nodes.table("", nodes.tgroup("", nodes.tbody("", nodes.row("", nodes.entry()))))
    entry = next(iter(table.findall(nodes.entry)))
    entry += nodes.paragraph("", title)
    make_long_tokens_breakable(table, "pdflatex")
    paragraph = entry[0]
    assert len(paragraph.children) == 1
    raw = paragraph[0]
    assert isinstance(raw, nodes.raw)
    assert raw.astext().count(ALLOW_BREAK) == 9_999  # after each dot but the last
    # escaped as the LaTeX writer escapes text, without what pdflatex cannot typeset
    assert raw.astext().endswith(r" \#50\% \{a\}")
    assert raw[PLAIN].startswith("x. . .")


def _table(*cells: nodes.Node) -> nodes.table:
    row = nodes.row("", *(nodes.entry("", nodes.paragraph("", "", cell)) for cell in cells))
    group = nodes.tgroup("", *(nodes.colspec(colwidth=1) for _ in cells), cols=len(cells))
    group += nodes.tbody("", row)
    return nodes.table("", group)


def test_a_linked_identifier_is_measured_whole_and_a_sentence_is_not():
    # an ID links to its object: broken after a hyphen it reads "Threat-01-" / "S"
    linked = nodes.reference("", "", nodes.inline("", "Threat-01-S"), refid="threat-01-s")
    plain = nodes.Text("Threat-01-S")
    widths = longest_words(_table(linked, plain), 2)
    assert widths[0] == pytest.approx(word_width("Threat-01-S"))
    assert widths[1] == pytest.approx(word_width("Threat-"))
    # a link's words longer than an identifier still break where LaTeX may break them
    title = nodes.reference("", "Denial of service by a flood", refid="t")
    assert longest_words(_table(title), 1)[0] == pytest.approx(word_width("service"))
