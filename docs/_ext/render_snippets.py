"""Build every snippet of ``docs/snippets`` on its own, as a reader's project would.

Run by the docs build in a separate process (``python render_snippets.py SNIPPETS
OUT``), because a Sphinx build reconfigures process-wide state (logging, docutils
registries) that the docs build itself is using. For each snippet ``NAME`` (a pair
``NAME.rst`` / ``NAME.md``) it builds a tiny project, with ``snippets/conf.py`` plus
``NAME.conf.py`` and the files of ``snippets/_files``, and writes ``OUT/NAME.pickle``:

* ``warnings``: per format, the warnings printed, with the page as ``index.rst`` or
  ``index.md`` (for a ``check-CODE`` snippet; the others are built in rST only, as
  the tests make sure both formats agree and print nothing);
* ``nodes``: the resolved body of the rST page (placeholders filled, references
  resolved), with ids prefixed by ``ex-NAME-`` so several results fit on one page.

``ja_docs.py`` shows those nodes as the snippet's result and those warnings under
the check codes, so what the documentation shows is what the extension does today.

It also follows the tutorial (:data:`TUTORIAL`) and the import guide (:data:`IMPORT`)
in temporary folders, in both formats, and writes what each command printed, its
exit status, and the files it wrote, to ``OUT/tutorial.pickle``.
"""

from __future__ import annotations

import io
import pickle
import re
import shutil
import sys
import tempfile
from pathlib import Path

from docutils import nodes

FORMATS = {"rst": "index.rst", "md": "index.md"}

#: The tutorial's steps: (step, pages of ``tutorial-files`` copied in first, command).
#: ``docs/tutorial.md`` tells the reader to do exactly this, in this order.
TUTORIAL: list[tuple[str, list[str], list[str]]] = [
    ("init", [], ["sphinx-jointassessment", "init", "docs", "--project", "Wren"]),
    ("html", [], ["sphinx-build", "-b", "html", "docs", "docs/_build/html"]),
    ("check-stubs", [], ["sphinx-jointassessment", "check", "docs"]),
    ("check-metadata", ["metadata"], ["sphinx-jointassessment", "check", "docs"]),
    (
        "check-sections",
        [
            "overview",
            "intended-use",
            "project-design",
            "configuration",
            "project-compliance",
            "secure-development-practices",
            "security-issue-resolution",
            "roadmap",
            "appendix",
        ],
        ["sphinx-jointassessment", "check", "docs"],
    ),
    (
        "check-pass",
        ["security-analysis", "threat-model"],
        ["sphinx-jointassessment", "check", "docs"],
    ),
    ("build", [], ["sphinx-build", "-b", "jointassessment", "docs", "docs/_build/assessment"]),
]

#: The steps of the import how-to, run in a folder of their own that holds
#: ``tutorial-files/import/joint-assessment.md``.
IMPORT: list[tuple[str, list[str], list[str]]] = [
    ("import", [], ["sphinx-jointassessment", "import", "joint-assessment.md", "-o", "docs"]),
    ("import-check", [], ["sphinx-jointassessment", "check", "docs"]),
]


def snippet_names(folder: Path) -> list[str]:
    """Snippets that exist in both formats, sorted."""
    rst = {path.stem for path in folder.glob("*.rst")}
    md = {path.stem for path in folder.glob("*.md")}
    return sorted(rst & md)


def make_project(folder: Path, name: str, fmt: str, srcdir: Path) -> None:
    """The tiny project of one snippet in one format, in *srcdir*."""
    srcdir.mkdir(parents=True, exist_ok=True)
    conf = (folder / "conf.py").read_text(encoding="utf-8")
    extra = folder / f"{name}.conf.py"
    if extra.is_file():
        conf += "\n" + extra.read_text(encoding="utf-8")
    (srcdir / "conf.py").write_text(conf, encoding="utf-8")
    files = folder / "_files"
    if files.is_dir():
        for path in files.iterdir():
            if path.is_file():
                shutil.copy(path, srcdir / path.name)
    shutil.copy(folder / f"{name}.{fmt}", srcdir / FORMATS[fmt])


def _prefix_ids(root: nodes.Element, prefix: str) -> None:
    for element in root.findall(nodes.Element):
        for key in ("ids", "backrefs"):
            if element.get(key):
                element[key] = [prefix + ident for ident in element[key]]
        for key in ("names", "dupnames"):
            if element.get(key):
                element[key] = []
        if element.get("refid"):
            element["refid"] = prefix + element["refid"]
        uri = element.get("refuri")
        if isinstance(uri, str) and uri.startswith("#"):
            element["refuri"] = "#" + prefix + uri[1:]


def _detached(node: nodes.Node) -> nodes.Node:
    copy = node.deepcopy()
    copy.parent = None
    for child in copy.findall():
        child.document = None
    return copy


def build(folder: Path, name: str, fmt: str, tmp: Path) -> tuple[list[str], list[nodes.Node]]:
    """Build one snippet in one format: its warnings and its resolved body."""
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    srcdir = tmp / f"{name}-{fmt}"
    make_project(folder, name, fmt, srcdir)
    captured: dict[str, nodes.document] = {}

    def keep(app: Sphinx, doctree: nodes.document, docname: str) -> None:
        if docname == "index":
            captured["index"] = doctree.deepcopy()

    warnings = io.StringIO()
    with patch_docutils(str(srcdir)), docutils_namespace():
        app = Sphinx(
            str(srcdir),
            str(srcdir),
            str(srcdir / "_build"),
            str(srcdir / "_doctrees"),
            "html",
            status=io.StringIO(),
            warning=warnings,
            freshenv=True,
        )
        app.connect("doctree-resolved", keep)
        app.build(force_all=True)
    text = re.sub(r"\x1b\[[0-9;]*m", "", warnings.getvalue())
    lines = [line.replace(f"{srcdir}/", "") for line in text.splitlines() if line.strip()]
    body: list[nodes.Node] = []
    document = captured.get("index")
    if document is not None:
        for child in document.children:
            copy = _detached(child)
            if isinstance(copy, nodes.Element):
                _prefix_ids(copy, f"ex-{name}-")
            body.append(copy)
    return lines, body


def _run(command: list[str]) -> tuple[int, str]:
    """Run a command of the tutorial in this process, as the reader's shell would."""
    import contextlib

    from sphinx.cmd.build import main as sphinx_build

    from sphinx_jointassessment.cli.main import main as cli

    stream = io.StringIO()
    with contextlib.redirect_stdout(stream), contextlib.redirect_stderr(stream):
        if command[0] == "sphinx-build":
            status = sphinx_build(["--no-color", *command[1:]])
        else:
            status = cli(command[1:])
    return status, stream.getvalue()


def follow_tutorial(files: Path, tmp: Path) -> dict[str, dict[str, tuple[str, int, str]]]:
    """Each step's command line, exit status and output, per format (``myst``, ``rst``).

    Files written by a step are kept too, as ``STEP:NAME``: the pages ``init`` wrote,
    the Markdown and JSON the builder wrote.
    """
    import os

    results: dict[str, dict[str, tuple[str, int, str]]] = {}
    here = Path.cwd()
    for fmt, suffix in (("myst", ".md"), ("rst", ".rst")):
        results[fmt] = {}
        for flow, steps in (("tutorial", TUTORIAL), ("import", IMPORT)):
            work = tmp / f"{flow}-{fmt}"
            work.mkdir()
            if flow == "import":
                shutil.copy(files / "import" / "joint-assessment.md", work)
            os.chdir(work)
            try:
                for step, pages, command in steps:
                    for page in pages:
                        shutil.copy(files / fmt / f"{page}{suffix}", work / "docs")
                    if fmt == "rst" and command[1] in ("init", "import"):
                        command = [*command, "--format", "rst"]
                    status, output = _run(command)
                    results[fmt][step] = (" ".join(command), status, output)
                    _keep_files(results[fmt], step, command, work, suffix)
            finally:
                os.chdir(here)
    return results


def _keep_files(
    results: dict[str, tuple[str, int, str]], step: str, command: list[str], work: Path, suffix: str
) -> None:
    """Keep what a step wrote: the builder's files by name, pages by name without suffix."""
    if command[0] == "sphinx-build" and command[2] == "jointassessment":
        for path in sorted((work / "docs" / "_build" / "assessment").iterdir()):
            if path.suffix in (".md", ".json"):
                results[f"{step}:{path.name}"] = (path.name, 0, path.read_text(encoding="utf-8"))
    elif command[1] in ("init", "import"):
        for path in sorted((work / "docs").iterdir()):
            if path.suffix == suffix:
                results[f"{step}:{path.stem}"] = (path.name, 0, path.read_text(encoding="utf-8"))


def render_one(folder: Path, name: str, out: Path, tmp: Path) -> None:
    """Build snippet *name* in both formats and write ``OUT/NAME.pickle``."""
    result: dict[str, object] = {"warnings": {}, "nodes": []}
    # a valid snippet gives the same doctree, and no warning, in both formats (the tests
    # check it): the documentation needs only its rST build
    formats = FORMATS if name.startswith("check-") else ("rst",)
    for fmt in formats:
        lines, body = build(folder, name, fmt, tmp)
        result["warnings"][fmt] = lines  # type: ignore[index]
        if fmt == "rst":
            result["nodes"] = body
    with (out / f"{name}.pickle").open("wb") as stream:
        pickle.dump(result, stream, protocol=pickle.HIGHEST_PROTOCOL)


def render_tutorial(files: Path, out: Path, tmp: Path) -> None:
    tutorial = follow_tutorial(files, tmp)
    with (out / "tutorial.pickle").open("wb") as stream:
        pickle.dump(tutorial, stream, protocol=pickle.HIGHEST_PROTOCOL)


def main(argv: list[str]) -> int:
    """Render every snippet and the tutorial, one build per worker process at a time."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    folder, out = Path(argv[0]).resolve(), Path(argv[1]).resolve()
    out.mkdir(parents=True, exist_ok=True)
    context = multiprocessing.get_context("spawn")
    with (
        tempfile.TemporaryDirectory(prefix="ja-snippets-") as tmp,
        ProcessPoolExecutor(
            max_workers=min(8, multiprocessing.cpu_count()), mp_context=context
        ) as pool,
    ):
        jobs = [pool.submit(render_tutorial, folder.parent / "tutorial-files", out, Path(tmp))]
        jobs += [
            pool.submit(render_one, folder, name, out, Path(tmp)) for name in snippet_names(folder)
        ]
        for job in jobs:
            job.result()  # re-raises a worker's exception
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
