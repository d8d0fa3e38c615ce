"""Build every snippet of ``docs/snippets`` on its own, as a reader's project would.

Run by the docs build in a separate process (``python render_snippets.py SNIPPETS
OUT``), because a Sphinx build reconfigures process-wide state (logging, docutils
registries) that the docs build itself is using. For each snippet ``NAME`` (a pair
``NAME.rst`` / ``NAME.md``) it builds a tiny project twice, once per format, with
``snippets/conf.py`` plus ``NAME.conf.py`` and the files of ``snippets/_files``, and
writes ``OUT/NAME.pickle``:

* ``warnings``: per format, the warnings printed, with the page as ``index.rst`` or
  ``index.md``;
* ``nodes``: the resolved body of the rST page (placeholders filled, references
  resolved), with ids prefixed by ``ex-NAME-`` so several results fit on one page.

``ja_docs.py`` shows those nodes as the snippet's result and those warnings under
the check codes, so what the documentation shows is what the extension does today.
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
            str(srcdir), str(srcdir), str(srcdir / "_build"), str(srcdir / "_doctrees"),
            "html", status=io.StringIO(), warning=warnings, freshenv=True,
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


def main(argv: list[str]) -> int:
    folder, out = Path(argv[0]), Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ja-snippets-") as tmp:
        for name in snippet_names(folder):
            result: dict[str, object] = {"warnings": {}, "nodes": []}
            for fmt in FORMATS:
                lines, body = build(folder, name, fmt, Path(tmp))
                result["warnings"][fmt] = lines  # type: ignore[index]
                if fmt == "rst":
                    result["nodes"] = body
            with (out / f"{name}.pickle").open("wb") as stream:
                pickle.dump(result, stream, protocol=pickle.HIGHEST_PROTOCOL)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
