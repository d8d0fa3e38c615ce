"""Every example of the documentation builds, the same way from rST and from MyST.

Each snippet of ``docs/snippets`` exists twice, ``NAME.rst`` and ``NAME.md``; the
documentation shows both. Here each one is built as a project of its own (the
snippets' ``conf.py`` plus ``NAME.conf.py``, beside the files of ``_files``), and

* the two formats give the same doctree (ids, names and source lines aside);
* a snippet named ``check-CODE`` (or ``check-CODE--VARIANT``) prints warnings of
  that check code and no other, the same number in both formats;
* every other snippet builds without any warning.

The tutorial's files (``docs/tutorial-files``) are checked the way the tutorial
tells a reader to use them: ``init``, then the files copied over, then ``check``
passes; both formats assemble the same Markdown. The documentation runs the same
steps (``docs/_ext/render_snippets.py``) to show their output.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from docutils import nodes

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType

    from sphinx.testing.util import SphinxTestApp

DOCS = Path(__file__).resolve().parents[1] / "docs"
SNIPPETS = DOCS / "snippets"
TUTORIAL = DOCS / "tutorial-files"


def _load_renderer() -> ModuleType:
    """docs/_ext/render_snippets.py: how the documentation builds a snippet."""
    spec = importlib.util.spec_from_file_location(
        "render_snippets", DOCS / "_ext" / "render_snippets.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


renderer = _load_renderer()
NAMES = renderer.snippet_names(SNIPPETS)
_WARNING = re.compile(r"(WARNING|ERROR|CRITICAL): .*")
_CODE = re.compile(r"\[jointassessment\.(?P<code>[\w-]+)\]$")
#: attributes that differ between two parses of the same content, whatever the syntax
_VOLATILE = ("ids", "names", "dupnames", "backrefs", "refid", "source", "line", "slug")


def test_there_are_snippets_in_both_formats() -> None:
    rst = {path.stem for path in SNIPPETS.glob("*.rst")}
    md = {path.stem for path in SNIPPETS.glob("*.md")}
    assert rst == md, f"snippets in one format only: {sorted(rst ^ md)}"
    assert len(NAMES) >= 30


def _build(
    make_app: Callable[..., SphinxTestApp], tmp_path: Path, name: str, fmt: str
) -> tuple[nodes.document, list[str]]:
    srcdir = tmp_path / fmt
    renderer.make_project(SNIPPETS, name, fmt, srcdir)
    app = make_app("html", srcdir=srcdir, freshenv=True)
    resolved: dict[str, nodes.document] = {}
    app.connect(
        "doctree-resolved", lambda _app, tree, doc: resolved.setdefault(doc, tree.deepcopy())
    )
    try:
        app.build()
        doctree = resolved["index"]
        text = re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue())
    finally:
        app.cleanup()  # the next build of this test starts from a clean docutils
    return doctree, [m.group(0) for m in _WARNING.finditer(text)]


def normalised(doctree: nodes.document) -> str:
    """The body's pformat without ids, names, sources, lines, or the top section title."""
    tree = doctree.deepcopy()
    for element in tree.findall(nodes.Element):
        _merge_text(element)
        for key in _VOLATILE:
            element.attributes.pop(key, None)
        uri = element.get("refuri")
        if isinstance(uri, str) and "#" in uri:
            element["refuri"] = uri.split("#", 1)[0] + "#"
    body = list(tree.children)
    if len(body) == 1 and isinstance(body[0], nodes.section) and body[0].children:
        first = body[0][0]
        body = list(body[0].children[1:]) if isinstance(first, nodes.title) else body
    text = "\n".join(child.pformat() for child in body)
    # a "not yet written" note names the directive in the page's own syntax
    return re.sub(r"```\{assessment-section\} (\S+)", r".. assessment-section:: \1", text)


def _merge_text(element: nodes.Element) -> None:
    """One Text node per run of text (MyST gives a soft line break a Text node of its own)."""
    merged: list[nodes.Node] = []
    for child in element.children:
        if isinstance(child, nodes.Text) and merged and isinstance(merged[-1], nodes.Text):
            merged[-1] = nodes.Text(merged[-1].astext() + child.astext())
        else:
            merged.append(child)
    if len(merged) != len(element.children):
        element.children = []
        element.extend(merged)


def _codes(lines: list[str]) -> list[str]:
    found = []
    for line in lines:
        match = _CODE.search(line)
        found.append(match["code"] if match else f"not a jointassessment warning: {line}")
    return found


@pytest.mark.parametrize("name", NAMES)
def test_snippet(make_app: Callable[..., SphinxTestApp], tmp_path: Path, name: str) -> None:
    rst_tree, rst_warnings = _build(make_app, tmp_path, name, "rst")
    md_tree, md_warnings = _build(make_app, tmp_path, name, "md")
    assert normalised(rst_tree) == normalised(md_tree)
    for warnings in (rst_warnings, md_warnings):
        if name.startswith("check-"):
            code = name.removeprefix("check-").split("--")[0]
            assert warnings, f"{name} printed no warning"
            assert set(_codes(warnings)) == {code}, warnings
        else:
            assert warnings == []
    if name.startswith("check-"):
        # the same problems, at the same places of the same snippet
        assert len(rst_warnings) == len(md_warnings)


# -- the tutorial -------------------------------------------------------------------------------


def _tutorial_project(tmp_path: Path, fmt: str) -> Path:
    """What a reader has at the end of the tutorial: ``init``, then the files copied in."""
    from sphinx_jointassessment.cli.main import main

    folder = tmp_path / f"wren-{fmt}" / "docs"
    folder.parent.mkdir()
    assert main(["init", str(folder), "--project", "Wren", "--format", fmt]) == 0
    source = TUTORIAL / fmt
    for path in sorted(source.rglob("*")):
        if path.is_file():
            target = folder / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target)
    return folder


@pytest.mark.parametrize("fmt", ["myst", "rst"])
def test_tutorial_ends_with_a_passing_check(
    tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from sphinx_jointassessment.cli.main import main

    folder = _tutorial_project(tmp_path, fmt)
    capsys.readouterr()
    status = main(["check", str(folder)])
    out = capsys.readouterr().out
    assert status == 0, out
    assert f"0 problems found in {folder}" in out


def test_tutorial_files_are_the_same_in_both_formats(
    make_app: Callable[..., SphinxTestApp], tmp_path: Path
) -> None:
    """The MyST and rST files of the tutorial assemble the same joint-assessment.md."""
    outputs = []
    for fmt in ("myst", "rst"):
        folder = _tutorial_project(tmp_path, fmt)
        app = make_app("jointassessment", srcdir=folder, freshenv=True)
        try:
            app.build()
        finally:
            app.cleanup()
        outputs.append((Path(app.outdir) / "joint-assessment.md").read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1]


def test_tutorial_files_replace_what_init_writes(tmp_path: Path) -> None:
    """Each tutorial file replaces a page of ``init``, in both formats, and the tutorial
    (the steps the documentation shows and runs) copies every one of them."""
    from sphinx_jointassessment.cli.main import main

    steps = {page for _step, pages, _command in renderer.TUTORIAL for page in pages}
    for fmt, suffix in (("myst", ".md"), ("rst", ".rst")):
        folder = tmp_path / fmt
        assert main(["init", str(folder), "--format", fmt, "--project", "Wren"]) == 0
        written = {path.stem for path in folder.glob(f"*{suffix}")}
        pages = {path.stem for path in (TUTORIAL / fmt).glob(f"*{suffix}")}
        assert pages <= written, sorted(pages - written)
        assert pages == steps


# -- this documentation's own assessment ---------------------------------------------------------


def test_own_assessment_sbom_lists_the_declared_dependencies() -> None:
    """docs/assessment/sbom.cdx.json is written by hand: it must follow pyproject.toml."""
    import json
    import tomllib

    project = tomllib.loads((DOCS.parent / "pyproject.toml").read_text(encoding="utf-8"))
    declared = {}
    for requirement in project["project"]["dependencies"]:
        match = re.match(r"^([A-Za-z0-9_.-]+)\s*(.*)$", requirement)
        assert match is not None, requirement
        declared[match[1].lower()] = match[2].strip()
    sbom = json.loads((DOCS / "assessment" / "sbom.cdx.json").read_text(encoding="utf-8"))
    listed = {component["name"]: component["version"] for component in sbom["components"]}
    assert listed == declared
