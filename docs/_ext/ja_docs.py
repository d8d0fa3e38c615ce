"""What the documentation of sphinx-jointassessment needs beyond the extension itself.

* ``ja-snippet NAME``: shows ``snippets/NAME.rst`` and ``snippets/NAME.md`` in
  synchronised tabs, then, with ``:result:``, what the extension renders from them,
  or, with ``:warnings:``, the warnings the build prints. Both come from building
  each snippet as a project of its own (``render_snippets.py``, in a separate
  process), never inside this documentation, so examples do not become part of
  this site's own assessment and examples of problems do not fail ``-W``. A
  snippet shown with ``:result:`` that warns, or a ``check-CODE`` snippet that does
  not print exactly that code, is reported as a warning of this build.
* ``ja-tutorial-output STEP``, ``ja-tutorial-pages``, ``ja-tutorial-file``: the
  commands of the tutorial and of the import guide, what they printed and wrote, and
  the pages the reader copies in; ``render_snippets.py`` follows those steps in a
  temporary folder, so the pages show what the commands do today.
* ``ja-cli-help COMMAND``: the ``--help`` text of the command line, as it is now.
* ``ja-outline NAME``: the sections of a shipped outline, as a table.
* ``ja-optional-toctree``: a toctree of the entries whose documents exist.
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
from sphinx.directives.other import TocTree
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

if TYPE_CHECKING:
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
RENDERER = HERE / "render_snippets.py"
SNIPPETS = "snippets"
TUTORIAL_FILES = "tutorial-files"
#: tab label, sync key, folder of ``tutorial-files`` and suffix of each format
TUTORIAL_FORMATS = (
    ("MyST Markdown", "myst", "myst", ".md"),
    ("reStructuredText", "rst", "rst", ".rst"),
)
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
    import myst_parser
    import sphinx
    import sphinx_design

    import sphinx_jointassessment

    folder = Path(app.srcdir) / SNIPPETS
    out = Path(app.doctreedir) / "ja-snippets"
    package = Path(sphinx_jointassessment.__file__).resolve().parent
    inputs = [folder, Path(app.srcdir) / TUTORIAL_FILES, RENDERER, package]
    versions = (sphinx.__version__, myst_parser.__version__, sphinx_design.__version__)
    key = _fingerprint(inputs) + " ".join(versions)
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
        return pickle.load(stream)


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


#: a block of a tab: ("include", path, language), ("code", text, language), ("para", text, "");
#: ("output", text, language) is code whose long lines wrap (warnings, command output)
Block = tuple[str, str, str]
LANGUAGES = {"rst": "rst", "md": "markdown"}


def tab_set(tabs: list[tuple[str, str, list[Block]]]) -> list[str]:
    """reStructuredText of a sphinx-design tab-set synchronised on the markup language."""
    lines = [".. tab-set::", "   :sync-group: markup", ""]
    for label, sync, blocks in tabs:
        lines += [f"   .. tab-item:: {label}", f"      :sync: {sync}", ""]
        for kind, text, language in blocks:
            if kind == "include":
                lines += [
                    f"      .. literalinclude:: {text}",
                    f"         :language: {language}",
                    "",
                ]
            elif kind in ("code", "output"):
                lines += [f"      .. code-block:: {language}"]
                lines += ["         :class: ja-output", ""] if kind == "output" else [""]
                lines += [f"         {line}" if line else "" for line in text.splitlines()]
                lines += [""]
            else:
                lines += [f"      {text}", ""]
    return lines


def parse_rst(directive: SphinxDirective, lines: list[str]) -> list[nodes.Node]:
    """Parse generated reStructuredText, whatever the syntax of the page it is on."""
    from docutils.statemachine import StringList
    from sphinx.util.parsing import nested_parse_to_nodes

    if type(directive.state).__module__.startswith("myst_parser"):
        fence = _fence("\n".join(lines))
        return directive.parse_text_to_nodes("\n".join([f"{fence}{{eval-rst}}", *lines, fence]))
    return nested_parse_to_nodes(directive.state, StringList(lines), source="<ja-docs>")


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
            logger.warning(
                "ja-snippet %s: missing %s", name, ", ".join(missing), location=self.get_location()
            )
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
                        name,
                        fmt,
                        expected,
                        "; ".join(lines) or "nothing",
                        location=self.get_location(),
                    )
            elif "result" in self.options and lines:
                logger.warning(
                    "ja-snippet %s (%s) should build without a warning, printed: %s",
                    name,
                    fmt,
                    "; ".join(lines),
                    location=self.get_location(),
                )

    def _tabs(self, name: str, warnings: dict[str, list[str]] | None) -> list[nodes.Node]:
        tabs = []
        for label, sync, fmt in (
            ("MyST Markdown", "myst", "md"),
            ("reStructuredText", "rst", "rst"),
        ):
            blocks: list[Block] = [("include", f"/{SNIPPETS}/{name}.{fmt}", LANGUAGES[fmt])]
            if warnings:
                blocks += [
                    ("para", "The build prints:", ""),
                    ("output", self._warning_text(warnings[fmt]), "text"),
                ]
            tabs.append((label, sync, blocks))
        return parse_rst(self, tab_set(tabs))

    @staticmethod
    def _warning_text(lines: list[str]) -> str:
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
    for section in reversed(list(node.findall(nodes.section, include_self=False))):
        section.replace_self(_section_box(section))
    return _section_box(node) if isinstance(node, nodes.section) else node


def _section_box(section: nodes.Element) -> nodes.container:
    box = nodes.container(classes=["ja-example-section"], ids=section["ids"])
    for child in section.children:
        if isinstance(child, nodes.title):
            box += nodes.rubric(text=child.astext())
        else:
            box += child.deepcopy()
    return box


class TutorialOutputDirective(SphinxDirective):
    """``ja-tutorial-output STEP``: the command of a tutorial step and what it printed.

    ``:head:`` and ``:tail:`` keep the first or last lines of a long output;
    ``:status:`` is the exit status the step must have (a warning otherwise).
    """

    required_arguments = 1
    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {
        "head": directives.nonnegative_int,
        "tail": directives.nonnegative_int,
        "status": directives.nonnegative_int,
    }

    def run(self) -> list[nodes.Node]:
        step = self.arguments[0].strip()
        results = load_result(self.env, "tutorial")
        if results is None or step not in results["myst"]:
            logger.warning("ja-tutorial-output: no step %r", step, location=self.get_location())
            return []
        tabs = []
        for label, sync, fmt, _suffix in TUTORIAL_FORMATS:
            command, status, output = results[fmt][step]
            expected = self.options.get("status")
            if expected is not None and status != expected:
                logger.warning(
                    "tutorial step %s (%s) exited with %s, not %s:\n%s",
                    step,
                    fmt,
                    status,
                    expected,
                    output,
                    location=self.get_location(),
                )
            text = f"$ {command}\n{self._trim(output)}".rstrip()
            tabs.append((label, sync, [("output", text, "console")]))
        return parse_rst(self, tab_set(tabs))

    def _trim(self, output: str) -> str:
        lines = output.rstrip("\n").splitlines()
        head, tail = self.options.get("head"), self.options.get("tail")
        if head is None and tail is None:
            return "\n".join(lines)
        head, tail = head or 0, tail or 0
        if head + tail >= len(lines):
            return "\n".join(lines)
        kept = (
            [*lines[:head], "...", *lines[len(lines) - tail :]] if tail else [*lines[:head], "..."]
        )
        return "\n".join(kept)


def _page_tabs(directive: SphinxDirective, page: str, source: str | None = None) -> list[str]:
    """A tab-set with a page in both formats: from ``tutorial-files``, or as ``init`` wrote it."""
    tabs = []
    for label, sync, fmt, suffix in TUTORIAL_FORMATS:
        language = LANGUAGES[suffix[1:]]
        if source is None:
            path = f"/{TUTORIAL_FILES}/{fmt}/{page}{suffix}"
            tabs.append(
                (
                    label,
                    sync,
                    [("para", f"``docs/{page}{suffix}``:", ""), ("include", path, language)],
                )
            )
        else:
            results = load_result(directive.env, "tutorial") or {}
            _name, _status, text = results[fmt][f"{source}:{page}"]
            tabs.append(
                (
                    label,
                    sync,
                    [
                        ("para", f"``docs/{page}{suffix}``, as ``{source}`` wrote it:", ""),
                        ("code", text.rstrip("\n"), language),
                    ],
                )
            )
    return tab_set(tabs)


class TutorialPagesDirective(SphinxDirective):
    """``ja-tutorial-pages STEP`` or ``ja-tutorial-pages PAGE...``: pages of the tutorial.

    With a step of the tutorial (``check-sections``), the pages the reader copies in
    before that step, each in a dropdown: so the page lists what the tutorial's run
    did. With ``:written-by: STEP``, the page as that step (``init``, ``import``)
    wrote it.
    """

    required_arguments = 1
    final_argument_whitespace = True
    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {"written-by": directives.unchanged_required}

    def run(self) -> list[nodes.Node]:
        from render_snippets import TUTORIAL

        steps = {step: pages for step, pages, _command in TUTORIAL}
        names = self.arguments[0].split()
        dropdown = len(names) == 1 and names[0] in steps
        pages = steps[names[0]] if dropdown else names
        lines: list[str] = []
        for page in pages:
            tabs = _page_tabs(self, page, self.options.get("written-by"))
            if dropdown:
                lines += [f".. dropdown:: docs/{page}", "   :open:" if len(pages) == 1 else "", ""]
                lines += [f"   {line}" if line else "" for line in tabs]
            else:
                lines += tabs
            lines.append("")
        return parse_rst(self, lines)


class TutorialFileDirective(SphinxDirective):
    """``ja-tutorial-file STEP:NAME``: a file a step of the tutorial wrote (MyST run).

    ``:lines:`` keeps the first N lines; ``:language:`` sets the highlighting.
    """

    required_arguments = 1
    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {
        "lines": directives.positive_int,
        "language": directives.unchanged,
        "caption": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        key = self.arguments[0].strip()
        results = load_result(self.env, "tutorial") or {}
        if key not in results.get("myst", {}):
            logger.warning("ja-tutorial-file: no file %r", key, location=self.get_location())
            return []
        _name, _status, text = results["myst"][key]
        lines = text.rstrip("\n").splitlines()
        limit = self.options.get("lines")
        if limit is not None and len(lines) > limit:
            lines = [*lines[:limit], "..."]
        shown = "\n".join(lines)
        block = nodes.literal_block(shown, shown, language=self.options.get("language", "text"))
        caption = self.options.get("caption")
        if not caption:
            return [block]
        container = nodes.container("", literal_block=True, classes=["literal-block-wrapper"])
        container += nodes.caption(caption, caption)
        container += block
        return [container]


class OutlineDirective(SphinxDirective):
    """``ja-outline NAME``: the sections of a built-in outline, as a table."""

    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        from sphinx_jointassessment.outline import load_outline

        outline = load_outline(self.arguments[0].strip())
        columns = ("Key", "Title", "Level", "Required", "Filled by")
        table = nodes.table(classes=["ja-outline-table"])
        group = nodes.tgroup(cols=len(columns))
        table += group
        for width in (30, 30, 6, 8, 26):
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        group += head
        head += self._row(columns)
        body = nodes.tbody()
        group += body
        for section in outline.sections:
            if section.generated:
                filled = f"generated: {section.generated}"
            elif section.text:
                filled = "fixed template text"
            else:
                filled = "assessment-section"
            body += self._row(
                (
                    nodes.literal(section.key, section.key),
                    section.title,
                    str(section.level),
                    "yes" if section.required else "",
                    filled,
                )
            )
        return [table]

    @staticmethod
    def _row(cells: tuple[Any, ...]) -> nodes.row:
        row = nodes.row()
        for cell in cells:
            entry = nodes.entry()
            para = nodes.paragraph()
            para += cell if isinstance(cell, nodes.Node) else nodes.Text(cell)
            entry += para
            row += entry
        return row


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
                    action
                    for action in parser._actions
                    if action.choices and action.dest == "command"
                )
                text = subparsers.choices[command].format_help()
        finally:
            if previous is None:
                del os.environ["COLUMNS"]
            else:
                os.environ["COLUMNS"] = previous
        shown = f"$ {PROG}{' ' + command if command else ''} --help\n{text.rstrip()}"
        return [nodes.literal_block(shown, shown, language="text", classes=["ja-cli-help"])]


class OptionalTocTree(TocTree):
    """``ja-optional-toctree``: a toctree of the entries whose documents exist.

    For pages written separately from these docs (the benchmarks), so the site
    builds, without a warning, before and after they are added.
    """

    def run(self) -> list[nodes.Node]:
        from docutils.statemachine import StringList
        from sphinx.util import docname_join

        found = self.env.found_docs
        lines = [
            line
            for line in self.content
            if line.strip()
            and docname_join(self.env.current_document.docname, line.strip()) in found
        ]
        if not lines:
            return []
        self.content = StringList(lines, source=self.content.source(0))
        return super().run()


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("ja-snippet", SnippetDirective)
    app.add_directive("ja-cli-help", CliHelpDirective)
    app.add_directive("ja-tutorial-output", TutorialOutputDirective)
    app.add_directive("ja-tutorial-pages", TutorialPagesDirective)
    app.add_directive("ja-tutorial-file", TutorialFileDirective)
    app.add_directive("ja-outline", OutlineDirective)
    app.add_directive("ja-optional-toctree", OptionalTocTree)
    app.add_object_type(
        "check", "check", indextemplate="pair: %s; check code", objname="check code"
    )
    app.connect("builder-inited", render_snippets)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
