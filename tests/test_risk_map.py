"""risk-map: the OWASP likelihood x impact grid of rated risks and threats (SPEC §2.14)."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from .conftest import parse_warnings
from .objects_support import build, write_project


def _grid(app, page: str):
    soup = BeautifulSoup((app.outdir / f"{page}.html").read_text(encoding="utf-8"), "html.parser")
    return soup.select_one("table.ja-risk-map")


@pytest.mark.sphinx("html", testroot="risk-map")
def test_the_grid_places_each_rated_risk_and_threat_in_its_cell(app):
    app.build()
    codes = [w.code for w in parse_warnings(app.warning.getvalue())]
    assert codes == ["schema"], codes  # R-3's likelihood "often"
    for page in ("index", "threats"):  # rST and MyST alike
        table = _grid(app, page)
        assert table.caption.get_text(strip=True) == "Risk map: likelihood x impact"
        assert [th["scope"] for th in table.thead.find_all("th")] == ["col"] * 4
        assert [th.get_text() for th in table.thead.find_all("th")] == [
            "Likelihood \\ Impact",
            "Low",
            "Medium",
            "High",
        ]
        rows = table.tbody.find_all("tr")
        # rows from high to low likelihood, each headed by a row header
        assert [row.th.get_text() for row in rows] == ["High", "Medium", "Low"]
        assert {row.th["scope"] for row in rows} == {"row"}
        cells = {
            (row.th.get_text(), column): td
            for row in rows
            for column, td in zip(("Low", "Medium", "High"), row.find_all("td"), strict=True)
        }
        critical = cells[("High", "High")]
        assert "ja-severity-critical" in critical["class"]
        assert critical.get_text(" ", strip=True) == "Critical: R-2 , Threat-01-S"
        assert [a["href"].split("#")[1] for a in critical.find_all("a")] == [
            "ja-risk-R-2",
            "ja-threat-Threat-01-S",
        ]
        low = cells[("Medium", "Low")]
        assert "ja-severity-low" in low["class"]
        assert low.get_text(" ", strip=True) == "Low: R-10"
        # an unrated risk is in no cell; the other cells name their severity only
        assert "R-3" not in table.get_text()
        assert cells[("Low", "Low")].get_text(strip=True) == "Note:"
        # in its own scroll box, named by the caption
        box = table.parent
        assert box["class"] == ["ja-table-scroll"]
        assert box["aria-label"] == "Risk map: likelihood x impact"


@pytest.mark.sphinx("text", testroot="risk-map")
def test_other_builders_get_a_plain_table(app):
    app.build()
    text = (app.outdir / "index.txt").read_text(encoding="utf-8")
    assert "Risk map: likelihood x impact" in text
    grid = text[text.index("Risk map") :]
    assert "| High " in grid
    assert "| Critical: R-2," in grid
    assert "Threat-01-S" in grid


def test_a_project_with_nothing_rated_says_so(make_app, tmp_path):
    srcdir = write_project(tmp_path / "empty", {"index.rst": "Map\n===\n\n.. risk-map::\n"})
    html = (build(make_app, srcdir).outdir / "index.html").read_text(encoding="utf-8")
    assert "No attack risk or threat is rated yet." in html
    assert "ja-risk-map" not in html
