"""The ``check`` command: build with the ``jointassessment`` builder and list every problem.

The build runs in-process (no second interpreter, the same Python packages) into a
temporary folder, so checking never leaves files in the docs folder. Every
warning counts as a problem, not only the ``jointassessment`` ones: a MyST or
docutils warning also means the assessment would not read as written.

The problems are Sphinx's own log records, taken by a handler beside Sphinx's
warning handler (with their location, type and subtype), never read back from
the text Sphinx prints; the summary line is computed from the JSON the builder
wrote, by the function the builder prints it with. So ``check``, the builder's
summary and the JSON's ``problems`` agree, also under ``suppress_warnings``.

A build runs the folder's ``conf.py``, which is Python: plain ``check DIR`` is for
folders you trust. ``check --untrusted --conf-dir TRUSTED DIR`` (a pull request
from someone you do not trust) builds DIR with TRUSTED's ``conf.py`` instead, with
:mod:`sphinx_jointassessment.untrusted` refusing what a page could run or read.
"""

from __future__ import annotations

import io
import json
import logging
import os
import sys
import tempfile
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.logging import (
    NAMESPACE,
    OnceFilter,
    SafeEncodingWriter,
    WarningStreamHandler,
    get_node_location,
    is_suppressed_warning,
)

from .errors import EXIT_PROBLEMS, CliError

if TYPE_CHECKING:
    from collections.abc import Iterator

#: the ``type`` of the extension's own warnings (see ``problems.WARNING_TYPE``)
OWN_TYPE = "jointassessment"


@dataclass(frozen=True, slots=True)
class BuildProblem:
    """One warning or error of the build."""

    #: ``file:line`` relative to the docs folder, or "" when Sphinx gives none
    location: str
    #: ``jointassessment.CODE``, ``myst.header``, ``docutils``... or the level
    kind: str
    message: str

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        return f"{where}[{self.kind}] {self.message}"

    @property
    def is_own(self) -> bool:
        """A problem of the extension's checks (the JSON lists exactly these)."""
        return self.kind.startswith(f"{OWN_TYPE}.")


@dataclass(frozen=True, slots=True)
class BuildResult:
    problems: list[BuildProblem]
    #: the builder's summary line(s)
    summary: list[str]
    outdir: Path
    #: the assembled assessment as the builder wrote it to JSON (None if it wrote none)
    data: dict[str, Any] | None = None


class ProblemRecorder(WarningStreamHandler):
    """Keeps each warning of a build as a :class:`BuildProblem`, from Sphinx's records.

    A :class:`~sphinx.util.logging.WarningStreamHandler`, so that Sphinx treats it as
    its own: held back while pages are read or written and replayed once after
    (``pending_warnings``). It sits before Sphinx's handler, so it sees each record
    as it was logged (a ``(docname, line)`` location, the bare message), and it
    filters as Sphinx does: ``suppress_warnings``, and ``once=True`` messages once.
    """

    def __init__(self, app: Sphinx) -> None:
        super().__init__(SafeEncodingWriter(io.StringIO()))  # never written to: see emit()
        self.setLevel(logging.WARNING)
        self.addFilter(OnceFilter())
        self._app = app
        self._srcdirs = sorted(
            {f"{app.srcdir}/", f"{Path(app.srcdir).resolve()}/"}, key=len, reverse=True
        )
        self.problems: list[BuildProblem] = []

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            suppressed = self._app.config.suppress_warnings
        except AttributeError:  # conf.py is still being read
            suppressed = []
        kind, subtype = getattr(record, "type", None), getattr(record, "subtype", None)
        if is_suppressed_warning(kind or "", subtype or "", suppressed):
            return False
        return bool(super().filter(record))

    def emit(self, record: logging.LogRecord) -> None:
        kind, subtype = getattr(record, "type", None), getattr(record, "subtype", None)
        label = f"{kind}.{subtype}" if kind and subtype else kind or record.levelname.lower()
        # the bare message, whatever record class Sphinx has made of it
        text = logging.LogRecord.getMessage(record)
        message = " ".join(line.strip() for line in text.splitlines() if line.strip())
        self.problems.append(BuildProblem(self._location(record), label, message))

    def _location(self, record: logging.LogRecord) -> str:
        """``file:line`` relative to the docs folder, from any location Sphinx accepts."""
        location = getattr(record, "location", None)
        where: str | None
        if isinstance(location, tuple):
            docname, lineno = location
            where = None
            if docname:
                where = str(self._app.env.doc2path(docname))
                where = f"{where}:{lineno}" if lineno else where
        elif isinstance(location, nodes.Node):
            where = get_node_location(location)
        elif location and ":" not in location:
            where = str(self._app.env.doc2path(location))  # a docname
        else:
            where = location
        where = (where or "").removesuffix(":")
        for prefix in self._srcdirs:
            if where.startswith(prefix):
                return where[len(prefix) :]
        return where

    @classmethod
    def attach(cls, app: Sphinx) -> ProblemRecorder:
        """Put a recorder for *app* before Sphinx's own warning handler."""
        recorder = cls(app)
        logging.getLogger(NAMESPACE).handlers.insert(0, recorder)
        return recorder


class _RecordingSphinx(Sphinx):
    """Sphinx, with a :class:`ProblemRecorder` from the first extension on.

    Sphinx sets its logging up at the start of its constructor, removing any handler
    there was; loading the first (built-in) extension is the first public step after
    that, before any configuration value is checked, so nothing is missed.
    """

    recorder: ProblemRecorder | None = None

    def setup_extension(self, extname: str) -> None:
        if self.recorder is None:
            self.recorder = ProblemRecorder.attach(self)
        super().setup_extension(extname)


def build_assessment(
    srcdir: Path, outdir: Path, *, confdir: Path | None = None, untrusted: bool = False
) -> BuildResult:
    """Build *srcdir* with the ``jointassessment`` builder into *outdir*, recording warnings.

    With *confdir*, the ``conf.py`` there is used instead of *srcdir*'s own (which
    is then never imported). *untrusted* adds what
    :mod:`sphinx_jointassessment.untrusted` refuses, and keeps Python from importing
    modules from *srcdir* or a folder above it.
    """
    from sphinx.errors import SphinxError
    from sphinx.util.console import nocolor
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    confdir = confdir or srcdir
    for folder in {srcdir, confdir}:
        if not folder.is_dir():
            raise CliError(f"{folder}: no such folder")
    if not (confdir / "conf.py").is_file():
        raise CliError(f"{confdir}: no conf.py in this folder (create one with `init`)")
    if untrusted and confdir.resolve().is_relative_to(srcdir.resolve()):
        raise CliError(f"{confdir}: the trusted conf.py must not be inside {srcdir}")
    nocolor()
    try:
        # as sphinx-build does: docutils' global registries are restored afterwards, so
        # several builds in one process (tests, editors) do not see each other's nodes;
        # docutils.conf is read beside the conf.py in use, never from an untrusted folder
        with (
            patch_docutils(str(confdir)),
            docutils_namespace(),
            import_paths_outside(srcdir) if untrusted else nullcontext(),
        ):
            app = _RecordingSphinx(
                str(srcdir),
                str(confdir),
                str(outdir),
                str(outdir / ".doctrees"),
                "jointassessment",
                status=io.StringIO(),
                warning=io.StringIO(),
                freshenv=True,
            )
            if untrusted:
                app.setup_extension("sphinx_jointassessment.untrusted")
            app.build(force_all=True)
    except SphinxError as exc:
        raise CliError(f"{srcdir}: the build failed: {_short(str(exc))}") from None
    except Exception as exc:
        raise CliError(
            f"{srcdir}: the build failed: {type(exc).__name__}: {_short(str(exc))}"
        ) from None
    problems = app.recorder.problems if app.recorder is not None else []
    data, summary = _written_assessment(app)
    return BuildResult(problems, summary, outdir, data)


@contextmanager
def import_paths_outside(folder: Path) -> Iterator[None]:
    """While building *folder*, Python imports no module from it or from a folder above it.

    ``python -m`` puts the current folder first on ``sys.path``: run from a pull
    request's checkout, a ``yaml.py`` or ``sphinx_design.py`` there would be imported
    in place of the real one. The path is restored afterwards (without what the
    trusted ``conf.py`` added to it).
    """
    real = folder.resolve()

    def reaches(entry: str) -> bool:
        path = Path(entry or os.getcwd()).resolve()  # "" is the current folder
        return path.is_relative_to(real) or real.is_relative_to(path)

    saved = sys.path[:]
    sys.path[:] = [entry for entry in saved if not reaches(entry)]
    try:
        yield
    finally:
        sys.path[:] = saved


def _written_assessment(app: Sphinx) -> tuple[dict[str, Any] | None, list[str]]:
    """The JSON the builder wrote, and its summary line as the builder printed it."""
    from ..builder import summary_line
    from ..section import project_outline

    output = project_outline(app.env).output
    try:
        text = (Path(app.outdir) / f"{output}.json").read_text(encoding="utf-8")
    except OSError:
        return None, []
    data = json.loads(text)
    return data, [f"{OWN_TYPE}: {summary_line(data, f'{output}.md')}"]


def _short(message: str) -> str:
    """A message without the traceback Sphinx puts into some (a failing conf.py)."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    if any(line.startswith("Traceback") for line in lines):
        head = lines[0].removesuffix(":").removesuffix("Traceback (most recent call last)")
        return f"{head.strip(' :')}: {lines[-1]}"
    return " ".join(lines)


def count_line(problems: list[BuildProblem], srcdir: Path) -> str:
    """``N problems found in DIR``; with how many are not the assessment's own, if any.

    The builder's summary counts the assessment's own problems (the JSON's), so the
    line says how the two numbers add up when a MyST or docutils warning is among them.
    """
    line = f"{_plural(len(problems), 'problem')} found in {srcdir}"
    others = sum(1 for problem in problems if not problem.is_own)
    if others:
        own = len(problems) - others
        line += f" ({own} of the assessment, {_plural(others, 'other warning')} of the build)"
    return line


def _plural(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def run_check(
    srcdir: Path,
    confdir: Path | None = None,
    *,
    untrusted: bool = False,
    security_insights: Path | None = None,
) -> int:
    """Build, print each problem and the summary; with *security_insights*, check that too."""
    if untrusted and confdir is None:
        raise CliError("check --untrusted needs --conf-dir TRUSTED: DIR's own conf.py is code")
    with tempfile.TemporaryDirectory(prefix="jointassessment-check-") as tmp:
        result = build_assessment(srcdir, Path(tmp) / "out", confdir=confdir, untrusted=untrusted)
    if security_insights is not None and result.data is not None:
        from .insights import insights_problems

        result.problems.extend(insights_problems(security_insights, result.data))
    for problem in result.problems:
        print(problem)
    for line in result.summary or [f"{OWN_TYPE}: the builder wrote no assessment"]:
        print(line)
    print(count_line(result.problems, srcdir))
    return EXIT_PROBLEMS if result.problems else 0
