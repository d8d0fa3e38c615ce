"""Translation: the extension's own texts through its catalog, the user's through gettext."""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

import pytest
from bs4 import BeautifulSoup

from sphinx_jointassessment.i18n import CATALOG, LOCALE_DIR

from .conftest import ROOTS, parse_warnings

if TYPE_CHECKING:
    from pathlib import Path

#: the users' titles as their .po translates them (tests/roots/test-i18n-tables)
GERMAN_TITLES = {
    "Token replay": "Wiederholung von Tokens",
    "Stolen signing keys": "Gestohlene Signaturschlüssel",
    "Spoofing of the admin": "Vortäuschen des Administrators",
    "Tampering with stored records": "Manipulation gespeicherter Datensätze",
    "Commission a follow-up audit": "Eine Folgeprüfung beauftragen",
    "Token replay across clusters": "Wiederholung von Tokens über Cluster hinweg",
    "Unbounded request bodies": "Unbegrenzte Anfragekörper",
}
#: each summary table of the index page, the column of its titles, and the titles it lists
TABLE_TITLES = {
    "table.ja-findings-table": (1, ["Wiederholung von Tokens"]),
    "table.ja-attack-risk-table": (1, ["Gestohlene Signaturschlüssel"]),
    "table.ja-threats-table:not(.ja-lightweight)": (
        1,
        ["Vortäuschen des Administrators", "Manipulation gespeicherter Datensätze"],
    ),
    "table.ja-threats-table.ja-lightweight": (
        0,
        ["T-9 : Vortäuschen des Administrators", "T-1 : Manipulation gespeicherter Datensätze"],
    ),
    "table.ja-recommendations-table": (1, ["Eine Folgeprüfung beauftragen"]),
    "table.ja-security-issues-table": (
        1,
        ["Wiederholung von Tokens über Cluster hinweg", "Unbegrenzte Anfragekörper"],
    ),
    "table.ja-closed-issues-table": (1, ["Unbegrenzte Anfragekörper"]),
}


def _soup(outdir: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((outdir / f"{page}.html").read_text(encoding="utf-8"), "html.parser")


def _column(table, index: int) -> list[str]:
    return [
        " ".join(row.find_all("td")[index].get_text(" ", strip=True).split())
        for row in table.tbody.find_all("tr")
    ]


def assert_tables_show_the_translated_titles(outdir: Path) -> None:
    index = _soup(outdir, "index")
    for selector, (column, titles) in TABLE_TITLES.items():
        assert _column(index.select_one(selector), column) == titles, selector
    # the same words as the objects' own page
    headings = {
        " ".join(node.get_text(" ", strip=True).split())
        for node in _soup(outdir, "objects").select(".ja-object-title strong")
    }
    for title in GERMAN_TITLES.values():
        assert any(heading.endswith(title) for heading in headings), title
    # a role's link shows the translated title as its tooltip
    link = index.select_one('a[href$="#ja-recommendation-CNCF-1"]')
    assert link["title"] == "Eine Folgeprüfung beauftragen"


@pytest.mark.sphinx("html", testroot="i18n")
def test_a_small_po_translates_matrix_cells_and_the_headers(app):
    app.build()
    assert not parse_warnings(app.warning.getvalue()), app.warning.getvalue()
    soup = BeautifulSoup((app.outdir / "index.html").read_text(encoding="utf-8"), "html.parser")
    table = soup.select_one("table.ja-threat-matrix")
    # the user's catalog: caption, component, cell text, note
    assert table.caption.get_text(strip=True).startswith("Identitätsdiebstahl")
    header = [th.get_text(" ", strip=True) for th in table.thead.find_all("th")]
    # the extension's catalog: the generated header
    assert header == ["Opferkomponenten", "Server", "Agentendienst"]
    rows = table.tbody.find_all("tr")
    assert rows[1].find("td").get_text(" ", strip=True) == "Opfer Agentendienst"
    cell = rows[1].find_all("td")[1]
    assert "Der Server hat die Signaturschlüssel." in cell.get_text(" ", strip=True)
    assert "Wert: 57.5" in cell.get_text(" ", strip=True)
    assert "HINWEIS: Nur in bestimmten Konfigurationen" in cell.get_text(" ", strip=True)
    # the status stays the label's, whatever the translation
    assert "ja-status-possible" in cell["class"]
    # a finding's title, written by the user, and its generated prefix
    title = " ".join(soup.select_one(".ja-finding .ja-object-title strong").get_text().split())
    assert title == "Befund 1: Wiederholung von Tokens"


@pytest.mark.parametrize("parallel", [0, 2])
def test_summary_tables_show_the_titles_as_translated_on_the_objects_page(
    make_app, tmp_path, parallel
):
    """Objects are recorded before Sphinx translates their page: the tables on other
    pages still show the title the object's page shows, in serial and parallel builds."""
    app = make_app(
        "html", srcdir=ROOTS / "test-i18n-tables", builddir=tmp_path / "build", parallel=parallel
    )
    app.build()
    assert not [
        warning
        for warning in parse_warnings(app.warning.getvalue())
        if warning.code != "missing-section"
    ], app.warning.getvalue()
    assert_tables_show_the_translated_titles(app.outdir)


def test_incremental_builds_keep_the_translated_titles_in_the_tables(make_app, tmp_path):
    source = tmp_path / "src"
    shutil.copytree(ROOTS / "test-i18n-tables", source)
    build = tmp_path / "build"
    make_app("html", srcdir=source, builddir=build).build()
    # the tables' page read again alone (the objects come from the saved environment),
    # then the objects' page alone (its objects are recorded and translated again)
    for page in ("index", "objects"):
        path = source / f"{page}.rst"
        path.write_text(path.read_text(encoding="utf-8") + "\nMore words.\n", encoding="utf-8")
        app = make_app("html", srcdir=source, builddir=build, freshenv=False)
        app.build()
        assert "More words." in _soup(app.outdir, page).get_text()
        assert_tables_show_the_translated_titles(app.outdir)


@pytest.mark.sphinx("jointassessment", testroot="i18n", srcdir="i18n-markdown")
def test_the_submitted_markdown_stays_in_the_templates_english(app):
    app.build()
    markdown = "\n".join(
        path.read_text(encoding="utf-8") for path in sorted(app.outdir.glob("*.md"))
    )
    assert "Opferkomponenten" not in markdown
    assert "Befund" not in markdown


@pytest.mark.sphinx("jointassessment", testroot="i18n-tables", srcdir="i18n-tables-markdown")
def test_the_submitted_markdown_lists_the_titles_as_the_author_wrote_them(app):
    app.build()
    markdown = (app.outdir / "joint-assessment.md").read_text(encoding="utf-8")
    for english, german in GERMAN_TITLES.items():
        assert german not in markdown
        # an open security issue is not part of the template
        assert english in markdown or english == "Token replay across clusters", english


@pytest.mark.sphinx(
    "gettext", testroot="i18n", srcdir="i18n-gettext", confoverrides={"language": "en"}
)
def test_gettext_offers_the_users_texts_and_not_the_extensions(app):
    app.build()
    pot = (app.outdir / "index.pot").read_text(encoding="utf-8")
    for text in (
        "Identity Theft",
        "Agent",
        "The server has the signing keys.",
        "Only under certain configurations",
        "Token replay",
    ):
        assert f'msgid "{text}"' in pot, text
    # the extension's own texts are in its catalog, not the user's
    assert 'msgid "Victim Components"' not in pot


@pytest.mark.sphinx(
    "gettext",
    testroot="i18n-tables",
    srcdir="i18n-tables-gettext",
    confoverrides={"language": "en"},
)
def test_gettext_offers_the_titles_of_every_kind_of_object(app):
    """Threats, recommendations and issues (a numbered threat too) as findings and risks."""
    app.build()
    pot = (app.outdir / "objects.pot").read_text(encoding="utf-8")
    for title in GERMAN_TITLES:
        assert f'msgid "{title}"' in pot, title
    # offered once each, at its block's line
    assert pot.count('msgid "Spoofing of the admin"') == 1
    assert "objects.rst:33" in pot.split('msgid "Spoofing of the admin"')[0].rsplit("#:", 1)[1]


def test_the_extension_ships_its_catalog_with_a_german_translation():
    template = (LOCALE_DIR / f"{CATALOG}.pot").read_text(encoding="utf-8")
    assert 'msgid "Victim Components"' in template
    german = LOCALE_DIR / "de" / "LC_MESSAGES"
    assert 'msgstr "Opferkomponenten"' in (german / f"{CATALOG}.po").read_text(encoding="utf-8")
    assert (german / f"{CATALOG}.mo").stat().st_size > 0
