"""The extension's stylesheet and the scroll box around each of its tables (html only).

How pages look in real themes is checked in a browser by ``nox -s browser``; these
tests check what the html and the other builders get.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from sphinx_jointassessment.stylesheet import STATIC_DIR, STYLESHEET

from .conftest import parse_warnings


@pytest.mark.sphinx("html", testroot="objects")
def test_every_table_of_the_extension_scrolls_in_its_own_box(app):
    app.build()
    assert not parse_warnings(app.warning.getvalue()), app.warning.getvalue()
    css = app.outdir / "_static" / STYLESHEET
    assert css.read_text(encoding="utf-8") == (STATIC_DIR / STYLESHEET).read_text(encoding="utf-8")
    seen = set()
    for page in sorted(app.outdir.glob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        if page.name in ("index.html", "tables.html"):
            assert soup.find("link", href=re.compile(rf"^_static/{STYLESHEET}\b")), page.name
        for table in soup.find_all("table"):
            ours = [c for c in table.get("class", []) if c.startswith("ja-")]
            if not ours:
                continue
            box = table.parent
            assert box.name == "div", (page.name, ours)
            assert box["class"] == ["ja-table-scroll"], (page.name, ours)
            # a keyboard reaches it to scroll; a captioned table names its region
            assert box["tabindex"] == "0"
            if table.caption is not None:
                assert box["role"] == "region"
                assert box["aria-label"] == table.caption.get_text(strip=True).rstrip("¶")
            # the box takes no id from the table
            assert not box.get("id")
            seen.update(ours)
    assert {
        "ja-threat-matrix",
        "ja-attack-risk-table",
        "ja-findings-table",
        "ja-closed-issues-table",
        "ja-metadata-table",
    } <= seen


@pytest.mark.sphinx("latex", testroot="matrix")
def test_other_builders_get_the_table_alone(app):
    app.build()
    tex = next(app.outdir.glob("*.tex")).read_text(encoding="utf-8")
    assert "ja-table-scroll" not in tex
    assert "Victim Components" in tex


def test_stylesheet_styles_only_the_extensions_classes():
    """Every rule names a class of the extension, so the theme keeps the rest of the page."""
    text = (STATIC_DIR / STYLESHEET).read_text(encoding="utf-8")
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)
    selectors = re.findall(r"([^{}]+)\{", text)
    for group in selectors:
        if group.strip().startswith("@media"):
            continue
        for selector in group.split(","):
            assert "ja-" in selector, selector.strip()
