"""Translation: the extension's own texts through its catalog, the user's through gettext."""

from __future__ import annotations

import shutil
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
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


def _copy_root(tmp_path: Path) -> Path:
    """A copy of the root: Sphinx compiles its .po next to it, and tests run side by side."""
    source = tmp_path / "src"
    shutil.copytree(ROOTS / "test-i18n-tables", source)
    return source


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
        "html", srcdir=_copy_root(tmp_path), builddir=tmp_path / "build", parallel=parallel
    )
    app.build()
    assert not [
        warning
        for warning in parse_warnings(app.warning.getvalue())
        if warning.code != "missing-section"
    ], app.warning.getvalue()
    assert_tables_show_the_translated_titles(app.outdir)


def test_incremental_builds_keep_the_translated_titles_in_the_tables(make_app, tmp_path):
    source = _copy_root(tmp_path)
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
    # a new translation: the objects' page is read again, the tables written again (in a
    # process of its own, as sphinx-build is: Sphinx keeps the catalogs it loaded; alone,
    # it reads only that page, but in a suite a change of configuration may read both)
    po = source / "locale" / "de" / "LC_MESSAGES" / "objects.po"
    po.write_text(
        po.read_text(encoding="utf-8").replace(
            'msgstr "Wiederholung von Tokens"', 'msgstr "Token-Wiederholung"'
        ),
        encoding="utf-8",
    )
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-d", build / "doctrees"]
    subprocess.run([*command, source, app.outdir], check=True, capture_output=True)
    table = _soup(app.outdir, "index").select_one("table.ja-findings-table")
    assert _column(table, 1) == ["Token-Wiederholung"]


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
    # the extension's field names and headings are in its catalog, not the user's
    for text in ("Severity", "Likelihood", "STRIDE", "Audience", "Hands-on assessment result"):
        assert f'msgid "{text}"' not in pot, text


def _headers(table) -> list[str]:
    return [th.get_text(" ", strip=True) for th in table.thead.find_all("th")]


def test_generated_texts_are_in_the_pages_language(make_app, tmp_path):
    """With ``language = "de"`` headers, field names, values and captions are German."""
    app = make_app("html", srcdir=_copy_root(tmp_path), builddir=tmp_path / "build")
    app.build()
    index, objects = _soup(app.outdir, "index"), _soup(app.outdir, "objects")
    threats = index.select_one("table.ja-threats-table:not(.ja-lightweight)")
    assert _headers(threats) == [
        "ID",
        "Bedrohung",
        "STRIDE",
        "Komponenten",
        "Schweregrad",
        "Status",
    ]
    assert _column(threats, 2) == ["Identitätsvortäuschung", "Manipulation"]
    assert _headers(index.select_one("table.ja-lightweight")) == [
        "Bedrohung",
        "Beschreibung",
        "Gegenmaßnahmen",
        "Verweise",
    ]
    recommendations = index.select_one("table.ja-recommendations-table")
    assert _headers(recommendations)[1:3] == ["Empfehlung", "Zielgruppe"]
    assert _column(recommendations, 3) == ["Mittel"]  # the severity badge
    issues = index.select_one("table.ja-security-issues-table")
    assert _headers(issues)[4:] == ["Zustand", "Behoben in Version"]
    closed = index.select_one("table.ja-closed-issues-table")
    assert _headers(closed)[2:] == ["Behoben in Version", "Datum", "Zusammenfassung"]
    # "See :ja:recommendation:`CNCF-1` and :ja:finding:`1`."
    role = next(p for p in index.select("div.body p") if p.get_text().startswith("See "))
    assert [link.get_text() for link in role.find_all("a")] == ["CNCF-1", "Befund 1"]
    # the objects in place: field names, values, captions, the hands-on sentence
    fields = [
        [dt.get_text(" ", strip=True).rstrip(" :") for dt in block.select("dl.field-list dt")]
        for block in objects.select(".ja-threat")
    ]
    assert fields[0] == [
        "STRIDE",
        "Komponenten",
        "Wahrscheinlichkeit",
        "Auswirkung",
        "Schweregrad",
        "Status",
    ]
    assert [node.get_text() for node in objects.select(".ja-controls-title")] == [
        "Gegenmaßnahmen"
    ] * 2
    recommendation = objects.select_one(".ja-recommendation dl.field-list")
    assert [dt.get_text(" ", strip=True).rstrip(" :") for dt in recommendation.find_all("dt")] == [
        "Zielgruppe",
        "Schweregrad",
        "Status",
    ]
    issue = objects.select_one(".ja-closed-issue dl.field-list")
    assert "Behoben in Version" in issue.get_text()
    components = objects.select_one("table.ja-data-flow-components")
    assert components.caption.get_text(strip=True).startswith("Kestrel data flow: Komponenten")
    assert _headers(components) == ["Komponente", "Art", "Zone", "Vertrauen"]
    assert _column(components, 1) == ["Akteur", "Prozess"]
    flows = objects.select_one("table.ja-data-flow-flows")
    assert _headers(flows) == ["Aus", "Nach", "Daten", "Beschriftung", "Überschreitet Grenze"]
    assert "Kestrel hat eine praktische Bewertung durch TAG-Security erhalten." in (
        objects.get_text()
    )


def test_the_extension_ships_its_catalog_with_a_german_translation():
    template = (LOCALE_DIR / f"{CATALOG}.pot").read_text(encoding="utf-8")
    assert 'msgid "Victim Components"' in template
    german = LOCALE_DIR / "de" / "LC_MESSAGES"
    assert 'msgstr "Opferkomponenten"' in (german / f"{CATALOG}.po").read_text(encoding="utf-8")
    assert (german / f"{CATALOG}.mo").stat().st_size > 0


def _ids(catalog) -> set[str]:
    return {message.id for message in catalog if message.id}


def test_the_catalog_holds_every_marked_text_translated_and_compiled():
    """The .pot is what ``pybabel extract -k _ -k N_`` finds in the package (not cli/),
    the German .po translates all of it, and the shipped .mo is that .po compiled:
    regenerate them as docs/how-to/publish.md says when this fails."""
    package = LOCALE_DIR.parent
    marked = {
        message
        for _file, _line, message, *_rest in extract_from_dir(
            package,
            keywords={"_": None, "N_": None},
            directory_filter=lambda path: "cli" not in path.split("/"),
        )
    }
    with (LOCALE_DIR / f"{CATALOG}.pot").open("rb") as file:
        assert _ids(read_po(file)) == marked
    german = LOCALE_DIR / "de" / "LC_MESSAGES"
    with (german / f"{CATALOG}.po").open("rb") as file:
        po = read_po(file)
    assert _ids(po) == marked
    assert not [message.id for message in po if message.id and not message.string]
    with (german / f"{CATALOG}.mo").open("rb") as file:
        mo = read_mo(file)
    assert {m.id: m.string for m in mo if m.id} == {m.id: m.string for m in po if m.id}
