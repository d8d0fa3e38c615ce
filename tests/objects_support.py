"""Helpers for the object tests (risks, findings, issues, metadata, hands-on).

Most tests build the projects under ``tests/roots``; the ones that need a project
per case (one ``assessment-metadata`` per project, an SBOM file per case) write a
small project into a temporary folder with :func:`write_project`.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from bs4 import BeautifulSoup
from docutils import nodes

from .conftest import expected_markers, parse_warnings

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping
    from pathlib import Path

    from sphinx.testing.util import SphinxTestApp

    from .conftest import Warning_

CONF = 'project = "Example"\nextensions = ["sphinx_jointassessment", "myst_parser"]\n'


def write_project(root: Path, files: Mapping[str, str], conf: str = CONF) -> Path:
    """A source folder with ``conf.py`` and *files* (dedented); returns it."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "conf.py").write_text(conf, encoding="utf-8")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def build(
    make_app: Callable[..., SphinxTestApp],
    srcdir: Path,
    buildername: str = "html",
    **kwargs: object,
) -> SphinxTestApp:
    app = make_app(buildername, srcdir=srcdir, **kwargs)
    app.build()
    return app


def soup(app: SphinxTestApp, page: str) -> BeautifulSoup:
    return BeautifulSoup((app.outdir / f"{page}.html").read_text(encoding="utf-8"), "html.parser")


def warnings(app: SphinxTestApp) -> list[Warning_]:
    return parse_warnings(app.warning.getvalue())


def codes(app: SphinxTestApp) -> set[str]:
    return {warning.code for warning in warnings(app)}


def cell_texts(table: object) -> list[list[str]]:
    """The body rows of a bs4 table as lists of cell texts."""
    return [
        [cell.get_text(" ", strip=True) for cell in row.find_all(["td", "th"])]
        for row in table.tbody.find_all("tr")  # type: ignore[attr-defined]
    ]


def assert_marked_warnings(app: SphinxTestApp) -> list[Warning_]:
    """The build's warnings are exactly the ``expect`` markers of its sources; returns them."""
    found = warnings(app)
    got = {(w.file, w.line, w.code) for w in found}
    expected = expected_markers(app.srcdir)
    assert expected <= got, f"missing: {sorted(expected - got)}\nall: {app.warning.getvalue()}"
    assert got <= expected, f"unexpected: {sorted(got - expected)}"
    return found


def assert_same_doctrees(rst: SphinxTestApp, myst: SphinxTestApp, pages: Iterable[str]) -> None:
    """Each page's doctree is the same from rST and from MyST, as read and as written
    (before placeholders and links are resolved, and after)."""
    for page in pages:
        for get in ("get_doctree", "get_and_resolve_doctree"):
            trees = []
            for app in (rst, myst):
                method = getattr(app.env, get)
                args = (page,) if get == "get_doctree" else (page, app.builder)
                trees.append(method(*args).next_node(nodes.section).pformat())
            assert trees[0] == trees[1], (page, get)
