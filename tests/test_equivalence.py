"""The same sources give the same output: serial or ``-j 2``, clean or incremental (SPEC §8).

On a copy of ``example_project``:

* a serial build and a ``-j 2`` build write byte-identical ``joint-assessment.md``
  and ``.json``, and the same html pages;
* after each kind of change (add a page, edit pages, delete a page, change the
  ``:file:`` YAML of a threat matrix, change ``conf.py``) an incremental build
  writes exactly what a clean build of the same sources writes: the Markdown, the
  JSON and the assembled ``security/assessment.html``, byte for byte with nothing
  stripped, and the content (``div.body``) of every other page. Only the content:
  Sphinx itself does not rewrite the "next"/"previous" links of the neighbours of
  a page added or deleted (nothing of ours is there), so those differ by design.
* changing the ``:file:`` YAML makes Sphinx read the page that uses it again,
  and its html changes;
* ``-b latex`` builds the example without a single warning.

Each state is built once for html and once for ``jointassessment``; the second
builder reuses the environment (the doctrees) of the first, as ``make html
latexpdf`` does, so reading is not paid twice.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from .test_security_support import build

EXAMPLE = Path(__file__).resolve().parents[1] / "example_project"
#: pages of Sphinx's own, whose content is not ours to compare
_SPHINX_PAGES = {"search.html", "genindex.html", "py-modindex.html"}
#: the page of the joint-assessment directive, compared byte for byte
ASSEMBLED = "security/assessment.html"


@dataclass
class Outputs:
    markdown: bytes
    json: bytes
    otm: bytes
    pages: dict[str, bytes]
    #: documents Sphinx read in the html build
    read: list[str] = field(default_factory=list)


def _pages(outdir: Path) -> dict[str, bytes]:
    return {
        path.relative_to(outdir).as_posix(): path.read_bytes()
        for path in sorted(outdir.rglob("*.html"))
        if path.name not in _SPHINX_PAGES
    }


def build_both(srcdir: Path, builddir: Path, *, fresh: bool, parallel: int = 0) -> Outputs:
    """html then jointassessment into *builddir*, sharing one environment."""
    read: list[str] = []

    def watch(app):
        app.connect("env-before-read-docs", lambda _app, _env, docnames: read.extend(docnames))

    html = build(srcdir, "html", freshenv=fresh, builddir=builddir, parallel=parallel, setup=watch)
    assert "Traceback" not in html.warnings
    assessment = build(
        srcdir, "jointassessment", freshenv=False, builddir=builddir, parallel=parallel
    )
    return Outputs(
        (assessment.outdir / "joint-assessment.md").read_bytes(),
        (assessment.outdir / "joint-assessment.json").read_bytes(),
        (assessment.outdir / "joint-assessment.otm.json").read_bytes(),
        _pages(html.outdir),
        sorted(read),
    )


def assert_same(got: Outputs, want: Outputs, what: str) -> None:
    assert got.markdown == want.markdown, f"{what}: joint-assessment.md differs"
    assert got.json == want.json, f"{what}: joint-assessment.json differs"
    assert got.otm == want.otm, f"{what}: joint-assessment.otm.json differs"
    # Sphinx leaves the html of a deleted page in place: only the clean build's pages count
    assert set(want.pages) <= set(got.pages), f"{what}: not the same html pages"
    assert got.pages[ASSEMBLED] == want.pages[ASSEMBLED], f"{what}: {ASSEMBLED} differs"
    differ = [name for name, page in want.pages.items() if _body(got.pages[name]) != _body(page)]
    assert not differ, f"{what}: the content of {', '.join(differ)} differs"


def _body(page: bytes) -> str:
    """A page's content: Sphinx does not rewrite the "next" and "previous" links of the
    pages around a page added or deleted, so incremental builds differ there by design."""
    return str(BeautifulSoup(page, "html.parser").select_one("div.body"))


def _copy_example(path: Path) -> Path:
    srcdir = path / "src"
    shutil.copytree(EXAMPLE, srcdir, ignore=shutil.ignore_patterns("_build"))
    return srcdir


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


EXTRA_PAGE = """\
# Extra review notes

```{attack-risk} Replay of a stolen token
:id: R-9
:likelihood: medium
:impact: medium
:cells: identity-theft/Agent/Agent

A stolen token can be replayed until it expires.
```

```{closed-issue} Token replay window too long
:id: GHSA-k3st-r3l0-0009
:url: https://github.com/example/kestrel/security/advisories/GHSA-k3st-r3l0-0009
:fixed-in: v1.3.0
:date: 2025-09-01

The default lifetime went from one hour to fifteen minutes.
```
"""


def add_a_page(srcdir: Path) -> None:
    (srcdir / "security" / "extra.md").write_text(EXTRA_PAGE, encoding="utf-8")
    _edit(srcdir / "index.md", "security/process\n", "security/process\nsecurity/extra\n")


def edit_pages(srcdir: Path) -> None:
    # a risk's rating (the risk table of the assembled page) and a ``:from:`` source
    _edit(srcdir / "security" / "risks.rst", ":likelihood: low", ":likelihood: high")
    _edit(
        srcdir / "overview.md",
        "Kestrel is a credential broker",
        "Kestrel is a small credential broker",
    )


def edit_a_threat(srcdir: Path) -> None:
    # the risk it names lists it, the tables and the assembled catalogue show it, the
    # OTM carries it; a flow's label changes the diagram and the flows table
    _edit(srcdir / "security" / "threat-model.md", ":id: Threat-04-D", ":id: Threat-04-DoS")
    _edit(srcdir / "architecture.rst", "label: TokenReview", "label: TokenReview API")


def delete_a_page(srcdir: Path) -> None:
    # the findings, the hands-on block and a closed issue live on this page
    (srcdir / "security" / "hands-on.rst").unlink()
    _edit(srcdir / "index.md", "security/hands-on\n", "")


def change_the_yaml_file(srcdir: Path) -> None:
    _edit(
        srcdir / "data" / "identity-theft.yaml",
        "text: There is only one server",
        "text: There is only one server, and it is replicated",
    )


def change_conf(srcdir: Path) -> None:
    _edit(
        srcdir / "conf.py",
        'jointassessment_project = "Kestrel"',
        'jointassessment_project = "Kestrel Next"',
    )


CHANGES = {
    "add-a-page": add_a_page,
    "edit-pages": edit_pages,
    "edit-a-threat": edit_a_threat,
    "delete-a-page": delete_a_page,
    "change-the-yaml-file": change_the_yaml_file,
    "change-conf-py": change_conf,
}


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """The example, built clean, then changed step by step and built again both ways."""
    root = tmp_path_factory.mktemp("equivalence")
    srcdir = _copy_example(root)
    incremental = root / "incremental"
    states = {"initial": build_both(srcdir, incremental, fresh=True)}
    clean: dict[str, Outputs] = {}
    for name, change in CHANGES.items():
        change(srcdir)
        states[name] = build_both(srcdir, incremental, fresh=False)
        clean[name] = build_both(srcdir, root / f"clean-{name}", fresh=True)
    return srcdir, states, clean


@pytest.mark.parametrize("step", list(CHANGES))
def test_incremental_build_equals_a_clean_build(history, step):
    _srcdir, states, clean = history
    assert_same(states[step], clean[step], f"after {step}")


def test_every_change_changes_the_assessment(history):
    """The comparison above is not vacuous: each step changes the assembled output."""
    _srcdir, states, _clean = history
    previous = states["initial"]
    for step in CHANGES:
        current = states[step]
        assert current.markdown != previous.markdown, f"{step} changed nothing"
        assert (
            current.pages["security/assessment.html"] != previous.pages["security/assessment.html"]
        )
        previous = current


def test_incremental_builds_read_only_what_changed(history):
    _srcdir, states, _clean = history
    assert "security/extra" in states["add-a-page"].read
    assert "security/risks" in states["edit-pages"].read
    assert "overview" in states["edit-pages"].read
    assert "security/threat-model" not in states["edit-pages"].read
    # conf.py changed a value of ours: everything is read again
    assert len(states["change-conf-py"].read) >= 10


def test_changing_the_yaml_file_rereads_and_rewrites_its_page(history):
    _srcdir, states, _clean = history
    before, after = states["delete-a-page"], states["change-the-yaml-file"]
    assert after.read == ["security/threat-model"]
    page = "security/threat-model.html"
    assert before.pages[page] != after.pages[page]
    assert b"and it is replicated" in after.pages[page]
    assert b"and it is replicated" in after.pages["security/assessment.html"]
    assert b"and it is replicated" in after.markdown


def test_deleting_a_page_leaves_no_stale_object(history):
    _srcdir, states, _clean = history
    after = states["delete-a-page"]
    assert b"GHSA-k3st-r3l0-0001" not in after.markdown
    assert b"Agent socket readable" not in after.markdown
    assert b"Agent socket readable" not in after.pages["security/assessment.html"]
    assert b"security/hands-on" not in after.json


def test_parallel_build_equals_serial(tmp_path):
    srcdir = _copy_example(tmp_path)
    serial = build_both(srcdir, tmp_path / "serial", fresh=True)
    parallel = build_both(srcdir, tmp_path / "parallel", fresh=True, parallel=2)
    assert_same(parallel, serial, "-j 2")


def test_example_builds_with_latex_without_any_warning(tmp_path):
    srcdir = _copy_example(tmp_path)
    built = build(srcdir, "latex", builddir=tmp_path / "build")
    assert built.warnings == ""
    tex = next(built.outdir.glob("*.tex")).read_text(encoding="utf-8")
    assert "assessment of Kestrel" in tex
    assert "Identity Theft" in tex
    # every internal link of the PDF has its target: risks, findings and matrix cells too
    links = set(re.findall(r"\\hyperref\[\\detokenize\{([^}]*)\}\]", tex))
    labels = set(re.findall(r"\\label\{\\detokenize\{([^}]*)\}\}", tex))
    assert {link for link in links if ":ja-" in link}, "no link to an assessment object"
    assert links <= labels, f"links without a target: {sorted(links - labels)}"


def test_problems_are_listed_alike_in_every_kind_of_build(tmp_path):
    """The hostile project (dozens of problems on eight pages): serial, ``-j 2``,
    incremental after an edit and clean give the same Markdown and JSON."""
    from .test_security_hostile import hostile_project

    srcdir = hostile_project(tmp_path)

    def outputs(builddir: Path, **kwargs: object) -> tuple[bytes, bytes]:
        built = build(srcdir, "jointassessment", builddir=builddir, **kwargs)
        return (
            (built.outdir / "joint-assessment.md").read_bytes(),
            (built.outdir / "joint-assessment.json").read_bytes(),
        )

    serial = outputs(tmp_path / "serial")
    assert outputs(tmp_path / "parallel", parallel=2) == serial
    _edit(srcdir / "urls.rst", ":issue: javascript:alert(1)", ":issue: https://example.org/1")
    incremental = outputs(tmp_path / "serial", freshenv=False)
    assert incremental != serial
    assert incremental == outputs(tmp_path / "clean")
