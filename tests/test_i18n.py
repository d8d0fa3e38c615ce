"""Translation: the extension's own texts through its catalog, the user's through gettext."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from sphinx_jointassessment.i18n import CATALOG, LOCALE_DIR

from .conftest import parse_warnings


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


@pytest.mark.sphinx("jointassessment", testroot="i18n", srcdir="i18n-markdown")
def test_the_submitted_markdown_stays_in_the_templates_english(app):
    app.build()
    markdown = "\n".join(
        path.read_text(encoding="utf-8") for path in sorted(app.outdir.glob("*.md"))
    )
    assert "Opferkomponenten" not in markdown
    assert "Befund" not in markdown


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


def test_the_extension_ships_its_catalog_with_a_german_translation():
    template = (LOCALE_DIR / f"{CATALOG}.pot").read_text(encoding="utf-8")
    assert 'msgid "Victim Components"' in template
    german = LOCALE_DIR / "de" / "LC_MESSAGES"
    assert 'msgstr "Opferkomponenten"' in (german / f"{CATALOG}.po").read_text(encoding="utf-8")
    assert (german / f"{CATALOG}.mo").stat().st_size > 0
