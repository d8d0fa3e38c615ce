"""Untrusted mode: build pages written by someone you do not trust, running none of their code.

``sphinx-jointassessment check --untrusted --conf-dir TRUSTED DIR`` (SPEC §7) builds
DIR with the ``conf.py`` of TRUSTED, so DIR's own ``conf.py`` is never imported, and
loads this extension (it can also be listed in TRUSTED's ``conf.py`` for a
``sphinx-build -c TRUSTED`` build). It closes what a page itself can use to run
code or to read outside DIR:

* **MyST settings in front matter.** A page whose front matter has a ``myst``
  (or myst-nb's ``mystnb``) key, or the older top-level ``substitutions`` and
  ``html_meta``, can turn on MyST's ``substitution`` extension, which renders the
  page as a Jinja2 template: code runs. MyST reads the front matter in its parser,
  before anything is rendered, so the page's source is replaced by nothing in
  ``source-read``, and the page is one located ``schema`` problem. The front matter
  is found as MyST finds it and read with the extension's safe YAML loader; front
  matter that loader refuses (a key given twice, an alias bomb) is refused too.
* **``include`` with ``:parser:``.** It parses a file with a parser the page names
  (importing the module it names), and a MyST file so parsed reads its own front
  matter: refused.
* **Files and URLs.** ``include``, ``literalinclude`` and ``csv-table :file:`` read
  only files inside DIR (``file-outside-srcdir``); ``raw :file:`` and ``:url:``
  options, which read any path or fetch a URL, are refused.
* **Configurations that evaluate page text.** MyST's ``substitution`` extension and
  the extensions of :data:`EVALUATING_EXTENSIONS` in TRUSTED's ``conf.py`` would run
  what pages write: the build stops before reading any page.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils.parsers.rst import directives
from docutils.parsers.rst.directives.misc import Raw
from sphinx.directives.code import LiteralInclude
from sphinx.directives.other import Include
from sphinx.directives.patches import CSVTable
from sphinx.errors import ConfigError

from .config import get_config
from .domain import get_domain
from .paths import resolve_source_file
from .problems import Code, Problem, emit
from .yamlsafe import LineDict, YamlLimits, YamlProblem, load_yaml

if TYPE_CHECKING:
    from docutils import nodes
    from docutils.parsers.rst import Directive
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata

#: front-matter keys that MyST (and myst-nb) read as settings of the page
MYST_KEYS = ("myst", "mystnb", "substitutions", "html_meta")

#: extensions that run what a page writes: not with an untrusted page
EVALUATING_EXTENSIONS = {
    "sphinx.ext.ifconfig": "evaluates the Python expression of each ifconfig directive",
    "myst_nb": "executes the code cells of notebooks",
    "nbsphinx": "executes notebooks that have no outputs",
    "jupyter_sphinx": "executes jupyter-execute cells",
}


#: docutils' own files for ``include:: <isonum.txt>`` and the like
_STANDARD_INCLUDES = Path(Include.standard_include_path).resolve()


def front_matter(text: str) -> str | None:
    """The YAML front matter of a page, found exactly as MyST's parser finds it.

    The first line starts with ``---``; the front matter runs to the next line that
    starts with ``---`` or ``...`` (or to the end of the page).
    """
    if not text.startswith("---"):
        return None
    lines = text.splitlines()[1:]
    found = []
    for line in lines:
        if line.startswith(("---", "...")):
            break
        found.append(line.rstrip() + "\n")
    return "".join(found)


def myst_settings(text: str, max_bytes: int) -> tuple[int, str] | None:
    """``(line, reason)`` when *text*'s front matter sets MyST options, else None.

    The line is the page's (front matter starts on line 2). What the safe loader
    cannot read is refused as well: MyST's own reading of it might set options.
    """
    found = front_matter(text)
    if found is None:
        return None
    try:
        data = load_yaml(found, YamlLimits(max_bytes))
    except YamlProblem as exc:
        return 1 + (exc.line or 1), f"front matter that cannot be read safely ({exc})"
    if not isinstance(data, dict):
        return None  # MyST ignores it too
    keys = [key for key in MYST_KEYS if key in data]
    if not keys:
        return None
    line = 1 + data.line_of(keys[0]) if isinstance(data, LineDict) else 2
    return line, f"front matter sets MyST options ({', '.join(map(repr, keys))})"


def _report(env: BuildEnvironment, problem: Problem) -> None:
    get_domain(env).add_problem(problem)
    emit(env, problem)


def refuse_myst_settings(app: Sphinx, docname: str, source: list[str]) -> None:
    """``source-read``: a page whose front matter sets MyST options is read as empty."""
    found = myst_settings(source[0], get_config(app).max_input_bytes)
    if found is None:
        return
    line, reason = found
    source[0] = ""
    message = f"{reason}: refused in untrusted mode, nothing of this page is rendered"
    _report(app.env, Problem(Code.SCHEMA, message, docname, line))


def confine_included(
    app: Sphinx, relative_path: Path, parent_docname: str, content: list[str]
) -> None:
    """``include-read``: text included from outside the source folder is left out.

    MyST's ``include`` reads the file itself; this event is where its text passes.
    """
    srcdir = Path(app.srcdir).resolve()
    real = (srcdir / relative_path).resolve()
    if real.is_relative_to(srcdir) or real.is_relative_to(_STANDARD_INCLUDES):
        return
    content[0] = ""
    message = f"include {relative_path.as_posix()!r} resolves outside the source folder"
    _report(app.env, Problem(Code.FILE_OUTSIDE_SRCDIR, message, parent_docname, None))


def refuse_evaluating_configuration(app: Sphinx, *_args: Any) -> None:
    """Stop before any page is read if the configuration would evaluate page text."""
    reasons = [
        f"{name} {what}" for name, what in EVALUATING_EXTENSIONS.items() if name in app.extensions
    ]
    if "substitution" in set(getattr(app.config, "myst_enable_extensions", None) or ()):
        reasons.append("MyST's substitution extension renders pages as Jinja2 templates")
    if reasons:
        raise ConfigError(
            "untrusted mode: the configuration runs what pages write ("
            + "; ".join(reasons)
            + "): give a conf.py without it"
        )


def _refusal(
    directive: Directive, filename: str | None, refused: tuple[str, ...] = ()
) -> list[nodes.Node] | None:
    """Nothing (and the problem) if *directive* would read outside the folder, else None.

    An option of *refused* (one that names a path read as is, or a URL to fetch) is
    refused whatever its value; *filename* must resolve inside the source folder.
    """
    env: BuildEnvironment = directive.state.document.settings.env
    docname, lineno = env.docname, directive.lineno
    for option in refused:
        if option in directive.options:
            message = f"{directive.name} :{option}: is refused in untrusted mode"
            _report(env, Problem(Code.SCHEMA, message, docname, lineno))
            return []
    if filename is None or (filename.startswith("<") and filename.endswith(">")):
        return None  # no file, or one of docutils' own standard includes
    try:
        resolve_source_file(env, docname, filename)
    except YamlProblem as exc:
        _report(env, Problem(exc.code, f"{directive.name}: {exc}", docname, lineno))
        return []
    return None


class UntrustedInclude(Include):
    # the module a :parser: names would be imported while the options are read
    option_spec = {**Include.option_spec, "parser": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        refused = _refusal(self, self.arguments[0], ("parser",))
        return refused if refused is not None else list(super().run())


class UntrustedLiteralInclude(LiteralInclude):
    def run(self) -> list[nodes.Node]:
        refused = _refusal(self, self.arguments[0])
        return refused if refused is not None else super().run()


class UntrustedCSVTable(CSVTable):
    def run(self) -> list[nodes.Node]:
        refused = _refusal(self, self.options.get("file"), ("url",))
        return refused if refused is not None else super().run()


class UntrustedRaw(Raw):  # type: ignore[misc]
    def run(self) -> list[nodes.Node]:
        # docutils reads raw :file: from the page's folder, and an absolute path as is
        refused = _refusal(self, None, ("file", "url"))
        return refused if refused is not None else list(super().run())


def setup(app: Sphinx) -> ExtensionMetadata:
    """Load after the configuration's own extensions (``check`` does, or list it last)."""
    app.setup_extension("sphinx_jointassessment")
    app.connect("source-read", refuse_myst_settings, priority=900)
    app.connect("include-read", confine_included, priority=900)
    app.connect("env-before-read-docs", refuse_evaluating_configuration)
    app.add_directive("include", UntrustedInclude, override=True)
    app.add_directive("literalinclude", UntrustedLiteralInclude, override=True)
    app.add_directive("csv-table", UntrustedCSVTable, override=True)
    app.add_directive("raw", UntrustedRaw, override=True)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
