"""What the documentation of sphinx-jointassessment needs beyond the extension itself.

* ``ja-snippet NAME``: shows ``snippets/NAME.rst`` and ``snippets/NAME.md`` in
  synchronised tabs, then, with ``:result:``, what the extension renders from them,
  or, with ``:warnings:``, the warnings the build prints. Both come from building
  each snippet as a project of its own (``render_snippets.py``, in a separate
  process), never inside this documentation, so examples do not become part of
  this site's own assessment and examples of problems do not fail ``-W``. A
  snippet shown with ``:result:`` that warns, or a ``check-CODE`` snippet that does
  not print exactly that code, is reported as a warning of this build.
* ``ja-cli-help COMMAND``: the ``--help`` text of the command line, as it is now.
* ``check`` (directive and role): one check code of the reference.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.errors import ExtensionError
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

if TYPE_CHECKING:
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
RENDERER = HERE / "render_snippets.py"
SNIPPETS = "snippets"
#: how many warnings a check snippet shows before "... and N more"
SHOWN_WARNINGS = 3
_CODE = re.compile(r"\[jointassessment\.(?P<code>[\w-]+)\]$")

# -- rendering the snippets (once per build, cached by content) ------------------------------


def _fingerprint(paths: list[Path]) -> str:
    digest = hashlib.sha256(sys.version.encode())
    for root in paths:
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for path in files:
            if "__pycache__" in path.parts:
                continue
            digest.update(str(path.relative_to(root.parent)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def render_snippets(app: Sphinx) -> None:
    """Build every snippet in a separate process, unless nothing changed since last time."""
    import sphinx
    import sphinx_jointassessment

    folder = Path(app.srcdir) / SNIPPETS
    out = Path(app.doctreedir) / "ja-snippets"
    package = Path(sphinx_jointassessment.__file__).resolve().parent
    key = _fingerprint([folder, RENDERER, package]) + sphinx.__version__
    stamp = out / "fingerprint"
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == key:
        return
    logger.info("building the documentation's snippets... ", nonl=True)
    done = subprocess.run(
        [sys.executable, str(RENDERER), str(folder), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise ExtensionError(f"render_snippets.py failed:\n{done.stdout}\n{done.stderr}")
    stamp.write_text(key, encoding="utf-8")
    logger.info("done")


def load_result(env: Any, name: str) -> dict[str, Any] | None:
    path = Path(env.doctreedir) / "ja-snippets" / f"{name}.pickle"
    if not path.is_file():
        return None
    with path.open("rb") as stream:
        return pickle.load(stream)  # noqa: S301 (written by render_snippets.py in this build)


def codes(lines: list[str]) -> list[str]:
    """The jointassessment codes of warning lines ("other" for any other warning)."""
    found = []
    for line in lines:
        if "WARNING" not in line and "ERROR" not in line:
            continue
        match = _CODE.search(line)
        found.append(match["code"] if match else "other")
    return found


# -- the directives ------------------------------------------------------------------------


def _is_myst(directive: SphinxDirective) -> bool:
    return type(directive.state).__module__.startswith("myst_parser")


def _fence(text: str, char: str = "`") -> str:
    longest = max((len(run) for run in re.findall(f"{re.escape(char)}+", text)), default=0)
    return char * max(3, longest + 1)


class SnippetDirective(SphinxDirective):
    """``ja-snippet NAME``: a snippet in both formats, then its result or its warnings."""

    required_arguments = 1
    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {
        "result": directives.flag,
        "warnings": directives.flag,
        "caption": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        name = self.arguments[0].strip()
        folder = Path(self.env.srcdir) / SNIPPETS
        paths = {fmt: folder / f"{name}.{fmt}" for fmt in ("rst", "md")}
        missing = [str(path) for path in paths.values() if not path.is_file()]
        if missing:
            logger.warning("ja-snippet %s: missing %s", name, ", ".join(missing),
                           location=self.get_location())
            return []
        result = load_result(self.env, name)
        if result is None:
            logger.warning("ja-snippet %s: it was not built", name, location=self.get_location())
            return []
        for path in paths.values():
            self.env.note_dependency(str(path))
        self._verify(name, result)
        warnings = result["warnings"] if "warnings" in self.options else None
        output: list[nodes.Node] = []
        conf = folder / f"{name}.conf.py"
        if conf.is_file():
            self.env.note_dependency(str(conf))
            para = nodes.paragraph(text="With, in conf.py:")
            text = conf.read_text(encoding="utf-8").rstrip("\n")
            block = nodes.literal_block(text, text, language="python")
            output += [para, block]
        output += self._tabs(name, warnings)
        if "result" in self.options:
            output.append(self._result(result["nodes"]))
        return output

    def _verify(self, name: str, result: dict[str, Any]) -> None:
        for fmt, lines in result["warnings"].items():
            found = codes(lines)
            if name.startswith("check-"):
                expected = name.removeprefix("check-").split("--")[0]
                if not found or set(found) != {expected}:
                    logger.warning(
                        "ja-snippet %s (%s) should print only %s, printed: %s",
                        name, fmt, expected, "; ".join(lines) or "nothing",
                        location=self.get_location(),
                    )
            elif "result" in self.options and lines:
                logger.warning(
                    "ja-snippet %s (%s) should build without a warning, printed: %s",
                    name, fmt, "; ".join(lines), location=self.get_location(),
                )

    def _tabs(self, name: str, warnings: dict[str, list[str]] | None) -> list[nodes.Node]:
        items = [("reStructuredText", "rst", "rst"), ("MyST Markdown", "myst", "md")]
        myst = _is_myst(self)
        lines: list[str] = []
        if myst:
            lines += ["::::{tab-set}", ":sync-group: markup", ""]
        else:
            lines += [".. tab-set::", "   :sync-group: markup", ""]
        for label, sync, fmt in items:
            shown = self._warning_text(warnings[fmt], fmt) if warnings else None
            language = "rst" if fmt == "rst" else "markdown"
            if myst:
                lines += [f":::{{tab-item}} {label}", f":sync: {sync}", "",
                          f"```{{literalinclude}} /{SNIPPETS}/{name}.{fmt}",
                          f":language: {language}", "```", ""]
                if shown is not None:
                    fence = _fence(shown)
                    lines += ["The build prints:", "", f"{fence}text", *shown.splitlines(),
                              fence, ""]
                lines += [":::", ""]
            else:
                lines += [f"   .. tab-item:: {label}", f"      :sync: {sync}", "",
                          f"      .. literalinclude:: /{SNIPPETS}/{name}.{fmt}",
                          f"         :language: {language}", ""]
                if shown is not None:
                    lines += ["      The build prints:", "", "      .. code-block:: text", ""]
                    lines += [f"         {line}" for line in shown.splitlines()]
                    lines += [""]
        if myst:
            lines += ["::::"]
        return self.parse_text_to_nodes("\n".join(lines))

    @staticmethod
    def _warning_text(lines: list[str], fmt: str) -> str:
        shown = lines[:SHOWN_WARNINGS]
        if len(lines) > SHOWN_WARNINGS:
            shown.append(f"... and {len(lines) - SHOWN_WARNINGS} more of the same kind")
        return "\n".join(shown)

    def _result(self, body: list[nodes.Node]) -> nodes.container:
        box = nodes.container(classes=["ja-example-result"])
        box += nodes.rubric(text=self.options.get("caption") or "Result")
        for node in body:
            box += _flatten_sections(node.deepcopy())
        return box


def _flatten_sections(node: nodes.Node) -> nodes.Node:
    """Sections of a snippet become containers under a rubric, so no heading joins our toc."""
    if not isinstance(node, nodes.Element):
        return node
    for section in list(node.findall(nodes.section)):
        box = nodes.container(classes=["ja-example-section"], ids=section["ids"])
        for child in section.children:
            if isinstance(child, nodes.title):
                box += nodes.rubric(text=child.astext())
            else:
                box += child
        section.replace_self(box)
    if isinstance(node, nodes.section):
        return _flatten_sections(nodes.container("", node))
    return node


class CliHelpDirective(SphinxDirective):
    """``ja-cli-help [COMMAND]``: ``sphinx-jointassessment [COMMAND] --help``, as it prints it."""

    optional_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        from sphinx_jointassessment.cli.main import PROG, build_parser

        parser = build_parser()
        command = self.arguments[0] if self.arguments else None
        previous = os.environ.get("COLUMNS")
        os.environ["COLUMNS"] = "80"
        try:
            if command is None:
                text = parser.format_help()
            else:
                subparsers = next(
                    action for action in parser._actions if action.choices and action.dest == "command"
                )
                text = subparsers.choices[command].format_help()
        finally:
            if previous is None:
                del os.environ["COLUMNS"]
            else:
                os.environ["COLUMNS"] = previous
        shown = f"$ {PROG}{' ' + command if command else ''} --help\n{text.rstrip()}"
        return [nodes.literal_block(shown, shown, language="text", classes=["ja-cli-help"])]


# -- a workaround ---------------------------------------------------------------------------


class TitledTableIds(SphinxPostTransform):
    """Give an id to each titled table filled in after reading.

    The ``joint-assessment`` page fills its tables (Metadata, Security links) when it
    is resolved, after Sphinx gave ids to the tables read from the sources, and
    Sphinx's html writer warns "Any IDs not assigned for table node" for a titled
    table without one. Harmless once the extension sets ids itself.
    """

    default_priority = 6  # after the extension fills its placeholders (5)

    def run(self, **kwargs: Any) -> None:
        for table in self.document.findall(nodes.table):
            if not table["ids"] and any(isinstance(c, nodes.title) for c in table.children):
                self.document.set_id(table)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("ja-snippet", SnippetDirective)
    app.add_directive("ja-cli-help", CliHelpDirective)
    app.add_object_type(
        "check", "check", indextemplate="pair: %s; check code", objname="check code"
    )
    app.add_post_transform(TitledTableIds)
    app.connect("builder-inited", render_snippets)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
