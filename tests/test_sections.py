"""assessment-section and the joint-assessment page: section checks and the assembled html."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from sphinx_jointassessment.outline import load_outline

from .conftest import expected_markers, inventory_names, parse_warnings


@pytest.mark.sphinx("html", testroot="sections-bad")
def test_section_check_codes_at_their_lines(app):
    app.build()
    warnings = parse_warnings(app.warning.getvalue())
    got = {(w.file, w.line, w.code) for w in warnings}
    expected = expected_markers(app.srcdir)
    assert expected <= got, f"missing: {sorted(expected - got)}"
    assert got <= expected, f"unexpected: {sorted(got - expected)}"
    missing = [w.message for w in warnings if w.code == "missing-section"]
    # in outline order, each naming its key, title and guidance
    keys = [message.split("'")[1] for message in missing]
    outline_keys = [s.key for s in load_outline("joint").sections]
    assert keys == sorted(keys, key=outline_keys.index)
    assert "configuration.default" in keys
    assert "overview.goal" not in keys
    assert all(message.endswith(".") or message for message in missing)
    # code and HTML comments are not template text
    assert not [w for w in warnings if w.code == "placeholder" and "TODO" in w.message]


@pytest.mark.sphinx("html", testroot="sections-bad")
def test_missing_sections_show_a_visible_note(app):
    app.build()
    soup = BeautifulSoup((app.outdir / "index.html").read_text(encoding="utf-8"), "html.parser")
    notes = soup.select(".ja-not-yet-written")
    assert len(notes) >= 10
    design = soup.select_one("#ja-assessment-configuration-default")
    assert "Not yet written" in design.get_text(" ", strip=True)
    assert ".. assessment-section:: configuration.default" in design.get_text(" ", strip=True)


@pytest.mark.sphinx("html", testroot="complete")
def test_complete_project_assembles_in_outline_order(app):
    app.build()
    assert not parse_warnings(app.warning.getvalue()), app.warning.getvalue()
    soup = BeautifulSoup(
        (app.outdir / "assessment.html").read_text(encoding="utf-8"), "html.parser"
    )
    root = soup.select_one("section.ja-assessment")
    assert root.find(["h1", "h2"]).get_text(strip=True).rstrip("¶") == "Joint-assessment of Tern"
    headings = [
        h.get_text(strip=True).rstrip("¶") for h in root.find_all(["h2", "h3", "h4", "h5", "h6"])
    ]
    outline = load_outline("joint").sections
    in_order = [h for h in headings if h in {s.title for s in outline}]
    # every section in the outline's order, but for optional ones nobody wrote:
    # no heading without content (the complete project leaves two of them out)
    left_out = ["Advanced Secure", "Existing Audits"]
    assert in_order == [s.title for s in outline if s.title not in left_out]
    for title in left_out:
        section = next(s for s in outline if s.title == title)
        assert not section.required
        assert not root.select(f"#ja-assessment-{section.key.replace('.', '-')}")
    assert "Identity Theft" in headings
    # the table of contents links to every level-2 and level-3 section
    toc_links = {a["href"] for a in root.select(".ja-toc a")}
    assert "#ja-assessment-overview-goal" in toc_links
    assert "#ja-assessment-metadata" in toc_links
    # :from: content is copied without its title; in-place content as written
    design = root.select_one("#ja-assessment-project-design-design")
    assert "Tern has a controller and a node daemon" in design.get_text()
    assert "How Tern works" not in design.get_text()
    goal = root.select_one("#ja-assessment-overview-goal")
    assert goal.select_one("a[href='https://example.org/overview.goal']") is not None
    # fixed template text with the project's name
    use = root.select_one("#ja-assessment-joint-assessment-use").get_text(" ", strip=True)
    assert "security audit of Tern" in use
    assert "[project]" not in use.lower()
    # the matrix appears once, under Threat Model
    assert len(root.select("#ja-assessment-threat-model table.ja-threat-matrix")) == 1
    assert not root.select(".ja-not-yet-written")


@pytest.mark.sphinx("html", testroot="complete")
def test_sections_are_in_objects_inv_and_linkable(app):
    app.build()
    names = inventory_names(app.outdir / "objects.inv", "ja:section")
    assert {"overview", "threat-model", "project-design.design"} <= names
