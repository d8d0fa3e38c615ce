"""Tables of objects stay right across incremental and parallel builds (SPEC §8).

Each test works on its own copy of ``tests/roots/test-objects-incr`` (a page per
kind of object, the tables on the root page), builds it, changes the sources as
a user would, builds again with a new application (as a second ``sphinx-build``
run would), and compares with what a clean build of the same sources gives.
"""

from __future__ import annotations

import os
import shutil
import time
from typing import TYPE_CHECKING

from .conftest import ROOTS
from .objects_support import build, cell_texts, soup, warnings

if TYPE_CHECKING:
    from pathlib import Path

ROOT = ROOTS / "test-objects-incr"


def _copy(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copytree(ROOT, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    later = time.time() + 5  # newer than the last build, whatever the clock's resolution
    os.utime(path, (later, later))


def _tables(app, page: str) -> list[str]:
    """Every table of objects on *page*, and the risks listed in matrix cells, as html."""
    page_soup = soup(app, page)
    found = page_soup.select(
        "table.ja-attack-risk-table, table.ja-findings-table, table.ja-closed-issues-table, "
        "table.ja-metadata-table, table.ja-sbom-table, table.ja-hands-on-details, "
        "p.ja-cell-risks, p.ja-closed-issues-none, p.ja-empty"
    )
    return [str(node) for node in found]


PAGES = ("index", "matrix", "handson", "meta")


def _same_as_clean_build(make_app, tmp_path: Path, srcdir: Path, app) -> None:
    clean_src = tmp_path / "clean"
    shutil.copytree(srcdir, clean_src, ignore=shutil.ignore_patterns("_build"))
    clean = build(make_app, clean_src, freshenv=True)
    for page in PAGES:
        assert _tables(app, page) == _tables(clean, page), page
    assert [(w.file, w.line, w.code) for w in warnings(app)] == [
        (w.file, w.line, w.code) for w in warnings(clean)
    ]


def test_renaming_a_finding_updates_tables_on_other_pages(make_app, tmp_path):
    srcdir = _copy(tmp_path, "rename")
    first = build(make_app, srcdir)
    assert not warnings(first), first.warning.getvalue()
    names = [
        row[1] for row in cell_texts(soup(first, "index").select_one("table.ja-findings-table"))
    ]
    assert names == ["Admin API open by default", "Escape not detected", "Verbose errors"]

    _edit(srcdir / "findings-b.rst", "Verbose errors", "Stack traces in error pages")
    _edit(srcdir / "findings-b.rst", "Notes of finding 10.", "New notes of finding 10.")
    second = build(make_app, srcdir)
    assert "1 changed" in second.status.getvalue()  # only the edited page was read again
    for page in ("index", "handson"):
        table = soup(second, page).select_one("table.ja-findings-table")
        rows = cell_texts(table)
        assert rows[2][1] == "Stack traces in error pages", page
        assert "New notes of finding 10." in rows[2][2], page
        assert "Verbose errors" not in str(table)
    _same_as_clean_build(make_app, tmp_path, srcdir, second)


def test_deleting_a_page_removes_its_objects_from_every_table(make_app, tmp_path):
    srcdir = _copy(tmp_path, "delete")
    first = build(make_app, srcdir)
    risks = cell_texts(soup(first, "index").select_one("table.ja-attack-risk-table"))
    assert [row[0] for row in risks] == ["R-3", "R-1", "R-2"]
    cell = soup(first, "matrix").select_one("td#ja-cell-compromise-agent-server p.ja-cell-risks")
    assert cell.get_text(" ", strip=True) == "Risks: R-3 , R-1"

    (srcdir / "risks-b.rst").unlink()
    second = build(make_app, srcdir)
    risks = cell_texts(soup(second, "index").select_one("table.ja-attack-risk-table"))
    assert [row[0] for row in risks] == ["R-1", "R-2"]
    cell = soup(second, "matrix").select_one("td#ja-cell-compromise-agent-server p.ja-cell-risks")
    assert cell.get_text(" ", strip=True) == "Risks: R-1"
    assert (
        soup(second, "matrix").select_one("td#ja-cell-compromise-agent-agent .ja-cell-risks")
        is None
    )
    # finding 2 was not read again, yet its :risks: R-3 is now reported
    assert [(w.file, w.line, w.code) for w in warnings(second)] == [
        ("findings-a.rst", 13, "unknown-reference")
    ]
    _same_as_clean_build(make_app, tmp_path, srcdir, second)

    (srcdir / "issues.rst").unlink()
    third = build(make_app, srcdir)
    none = soup(third, "index").select_one("p.ja-closed-issues-none")
    assert none.get_text(strip=True).startswith("At the time of the joint assessment, Incremental")


def test_editing_the_sbom_file_rebuilds_the_metadata(make_app, tmp_path):
    srcdir = _copy(tmp_path, "sbom")
    first = build(make_app, srcdir)
    deps = cell_texts(soup(first, "meta").select_one("table.ja-sbom-table"))
    assert deps[0] == ["golang.org/x/crypto", "0.21.0"]
    _edit(srcdir / "sbom.json", '"0.21.0"', '"0.22.0"')
    second = build(make_app, srcdir)
    deps = cell_texts(soup(second, "meta").select_one("table.ja-sbom-table"))
    assert deps[0] == ["golang.org/x/crypto", "0.22.0"]


def test_parallel_build_gives_the_same_tables(make_app, tmp_path):
    serial = build(make_app, _copy(tmp_path, "serial"))
    parallel = build(make_app, _copy(tmp_path, "parallel"), parallel=2)
    assert not warnings(parallel), parallel.warning.getvalue()
    for page in PAGES:
        assert _tables(serial, page) == _tables(parallel, page), page
        assert _tables(parallel, page)
    # and an incremental parallel build after an edit matches a clean serial one
    srcdir = parallel.srcdir
    _edit(srcdir / "risks-a.rst", ":likelihood: medium", ":likelihood: high")
    again = build(make_app, srcdir, parallel=2)
    severity = cell_texts(soup(again, "index").select_one("table.ja-attack-risk-table"))
    assert [(row[0], row[4]) for row in severity][:2] == [("R-1", "Critical"), ("R-3", "Critical")]
    _same_as_clean_build(make_app, tmp_path, srcdir, again)
