"""Links between projects: intersphinx targets are no unknown references, link texts match
local links, and linkcheck reports each URL where it is written."""

from __future__ import annotations

import json
import textwrap
from typing import TYPE_CHECKING

import pytest
from bs4 import BeautifulSoup
from sphinx.util.inventory import InventoryFile

from .conftest import parse_warnings

if TYPE_CHECKING:
    from pathlib import Path


def _inventory(path: Path) -> dict[str, dict[str, object]]:
    inventory = InventoryFile.loads(path.read_bytes(), uri="https://example.org/objs/")
    return inventory.data if hasattr(inventory, "data") else inventory  # Sphinx 9 / 8.2


def _display_name(item: object) -> str:
    name = getattr(item, "display_name", None)
    return str(name if name is not None else item[3])  # type: ignore[index]


def _write_linking_project(folder: Path, inventory: Path, body: str) -> Path:
    folder.mkdir()
    (folder / "conf.py").write_text(
        textwrap.dedent(
            f"""
            project = "Linking"
            extensions = ["sphinx.ext.intersphinx", "sphinx_jointassessment"]
            intersphinx_mapping = {{"objs": ("https://example.org/objs/", {str(inventory)!r})}}
            """
        ),
        encoding="utf-8",
    )
    (folder / "index.rst").write_text("Links\n=====\n\n" + body, encoding="utf-8")
    return folder


@pytest.mark.sphinx("html", testroot="objects")
def test_another_project_links_with_the_same_texts_and_no_warning(app, make_app, tmp_path):
    app.build()
    inventory = tmp_path / "objects.inv"
    inventory.write_bytes((app.outdir / "objects.inv").read_bytes())
    app.cleanup()  # one Sphinx application at a time registers its nodes
    data = _inventory(inventory)
    # display names are the link texts of local links ("-": the same as the name)
    assert _display_name(data["ja:risk"]["R-1"]) in ("R-1", "-")
    assert _display_name(data["ja:finding"]["10"]) == "Finding 10"
    assert _display_name(data["ja:matrix"]["identity-theft"]) == "Identity Theft"

    body = textwrap.dedent(
        """
        Risk :ja:risk:`R-1`, finding :ja:finding:`10`, named :ja:risk:`objs:R-2`,
        explicit :ja:finding:`the first <1>` and :external+objs:ja:finding:`2`.
        """
    )
    srcdir = _write_linking_project(tmp_path / "linking", inventory, body)
    linking = make_app("html", srcdir=srcdir, warningiserror=True)
    linking.build()
    assert linking.warning.getvalue() == ""
    soup = BeautifulSoup((linking.outdir / "index.html").read_text(encoding="utf-8"), "html.parser")
    links = {
        a.get_text(strip=True): a["href"]
        for a in soup.select("a.reference.external")
        if a["href"].startswith("https://example.org/objs/")
    }
    assert links["R-1"] == "https://example.org/objs/risks.html#ja-risk-R-1"
    assert links["Finding 10"].startswith("https://example.org/objs/findings.html#")
    assert "R-2" in links
    assert "the first" in links
    assert "Finding 2" in links


@pytest.mark.sphinx("html", testroot="objects")
def test_a_target_no_project_has_is_still_unknown(app, make_app, tmp_path):
    app.build()
    inventory = tmp_path / "objects.inv"
    inventory.write_bytes((app.outdir / "objects.inv").read_bytes())
    app.cleanup()
    body = "Missing :ja:finding:`NOPE-9` here.\n"
    srcdir = _write_linking_project(tmp_path / "linking", inventory, body)
    linking = make_app("html", srcdir=srcdir)
    linking.build()
    found = parse_warnings(linking.warning.getvalue())
    assert [(w.file, w.line, w.code) for w in found] == [("index.rst", 4, "unknown-reference")], (
        linking.warning.getvalue()
    )


@pytest.mark.sphinx("linkcheck", testroot="linkcheck")
def test_linkcheck_reports_each_url_where_it_is_written(app):
    app.build()
    results = [
        json.loads(line)
        for line in (app.outdir / "output.json").read_text(encoding="utf-8").splitlines()
    ]
    where = {(r["uri"], r["filename"], r["lineno"]) for r in results}
    # the :issue: option at the finding's block (line 6), the notes' link on its line
    assert ("http://127.0.0.1:9/advisory", "review.rst", 6) in where
    assert ("http://127.0.0.1:9/notes", "review.rst", 11) in where
    # never at the findings table that shows copies of them
    assert not [r for r in results if r["filename"] == "index.rst"], results
