"""threat-matrix: rendering, rST/MyST parity, every check code at its line, hostile text."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from docutils import nodes

from .conftest import expected_markers, inventory_names, parse_warnings


def _matrix_block(app, docname: str, anchor: str) -> nodes.Element:
    doctree = app.env.get_doctree(docname)
    for node in doctree.findall(nodes.container):
        if anchor in node["ids"]:
            return node
    raise AssertionError(f"no matrix {anchor} in {docname}")


@pytest.mark.sphinx("html", testroot="matrix")
def test_template_matrix_renders_as_the_templates_table(app):
    app.build()
    assert not parse_warnings(app.warning.getvalue()), app.warning.getvalue()
    soup = BeautifulSoup((app.outdir / "index.html").read_text(encoding="utf-8"), "html.parser")
    table = soup.select("table.ja-threat-matrix")[0]
    assert table.caption.get_text(strip=True).startswith("Identity Theft")
    header = [th.get_text(" ", strip=True) for th in table.thead.find_all("th")]
    assert header == [
        "Victim Components",
        "Server",
        "Agent",
        "Container (same node)",
        "Container (diff node)",
    ]
    rows = table.tbody.find_all("tr")
    assert [" ".join(row.find("td").get_text().split()) for row in rows] == [
        "Victim Server",
        "Victim Agent",
        "Victim Container (same node)",
        "Victim Container (diff node)",
    ]
    # row "Victim Agent", column "Server": NONE ... Score: 57.5, status possible (red)
    cell = rows[1].find_all("td")[1]
    assert "ja-status-possible" in cell["class"]
    assert cell.get_text(" ", strip=True) == (
        "NONE : The server has the signing keys and can issue new identities at will. Score: 57.5"
    )
    badge = cell.select_one(".sd-badge")
    assert {"sd-bg-danger", "ja-status-possible"} <= set(badge["class"])
    assert badge.name == "abbr"
    assert badge["title"] == "status: possible"
    # status never relies on colour alone: each cell has its status class
    statuses = [
        next(c for c in td["class"] if c.startswith("ja-status-"))
        for row in rows
        for td in row.find_all("td")[1:]
    ]
    assert statuses.count("ja-status-na") == 1
    assert statuses.count("ja-status-mitigated") == 5
    assert statuses.count("ja-status-conditional") == 5
    assert statuses.count("ja-status-possible") == 5
    note_cell = rows[3].find_all("td")[2]
    assert "NOTE: This condition only occurs under certain configurations" in note_cell.get_text(
        " ", strip=True
    )
    assert "Score: 12.5" in note_cell.get_text()
    # the role links to the matrix
    link = soup.select_one("a.reference.internal[href='#ja-matrix-identity-theft']")
    assert link is not None
    assert link.get_text(strip=True) == "Identity Theft"


@pytest.mark.sphinx("html", testroot="matrix")
def test_file_option_gives_the_same_table(app):
    app.build()
    body = _matrix_block(app, "index", "ja-matrix-identity-theft").deepcopy()
    from_file = _matrix_block(app, "index", "ja-matrix-from-file").deepcopy()
    for node in (body, from_file):
        for element in node.findall(nodes.Element):
            element["ids"] = []
        node[0][0].children = []  # the titles differ on purpose
    assert body.pformat().replace("identity-theft", "X") == from_file.pformat().replace(
        "from-file", "X"
    )


@pytest.mark.sphinx("html", testroot="matrix")
def test_rst_and_myst_give_the_same_doctree(app):
    app.build()
    rst = _matrix_block(app, "index", "ja-matrix-identity-theft").pformat()
    myst = _matrix_block(app, "myst", "ja-matrix-identity-theft-myst").pformat()
    assert "identity-theft-myst" not in rst
    assert rst == myst.replace("identity-theft-myst", "identity-theft")


@pytest.mark.sphinx("html", testroot="matrix")
def test_matrices_are_in_objects_inv(app):
    app.build()
    names = inventory_names(app.outdir / "objects.inv", "ja:matrix")
    assert {"identity-theft", "from-file", "identity-theft-myst"} <= names


@pytest.mark.sphinx("html", testroot="matrix-bad")
def test_every_check_code_at_its_line(app):
    app.build()
    warnings = parse_warnings(app.warning.getvalue())
    got = {(w.file, w.line, w.code) for w in warnings}
    expected = expected_markers(app.srcdir)
    assert expected <= got, f"missing: {sorted(expected - got)}\nall: {app.warning.getvalue()}"
    assert got <= expected, f"unexpected: {sorted(got - expected)}"
    codes = {w.code for w in warnings}
    assert codes >= {
        "yaml-error",
        "schema",
        "matrix-missing-cell",
        "matrix-unknown-component",
        "matrix-duplicate-cell",
        "bad-score",
        "unknown-status",
        "file-outside-srcdir",
        "input-too-large",
    }
    schema = next(w for w in warnings if w.code == "schema" and "colour" in w.message)
    assert "'colour'" in schema.message  # the key is named
    # after the bad blocks the build went on
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert "Still fine" in html
    assert "ja-matrix-still-fine" in html


@pytest.mark.sphinx("html", testroot="matrix-bad")
def test_hostile_text_is_escaped(app):
    app.build()
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "<b onmouseover" not in html
    assert 'href="javascript:' not in html
    # the text is shown, as text (quotes may be made typographic by Sphinx)
    assert "&lt;script&gt;alert(" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


@pytest.mark.sphinx("text", testroot="matrix")
def test_text_builder_writes_a_readable_table(app):
    app.build()
    text = (app.outdir / "index.txt").read_text(encoding="utf-8")
    assert "Victim Components" in text
    assert "Victim Container (diff node)" in text
    assert "NONE (status: possible): The" in text  # the status in words, not colour
    assert "Score: 57.5" in text
    assert not parse_warnings(app.warning.getvalue())


@pytest.mark.sphinx("latex", testroot="matrix")
def test_latex_builder_writes_the_table(app):
    app.build()
    tex = next(app.outdir.glob("*.tex")).read_text(encoding="utf-8")
    assert "Victim Components" in tex
    assert "Score: 57.5" in tex
    assert "WARNING" not in app.warning.getvalue()


@pytest.mark.sphinx("man", testroot="matrix")
def test_man_builder_writes_the_table(app):
    app.build()
    assert "WARNING" not in app.warning.getvalue()
    page = next(app.outdir.glob("*.1")).read_text(encoding="utf-8")
    assert "Victim Components" in page
