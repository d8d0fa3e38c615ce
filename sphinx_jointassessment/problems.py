"""Check codes and the one place that reports problems.

Every problem the extension finds is a Sphinx warning of type ``jointassessment``
whose subtype is a :class:`Code`, with the file and line of the block at fault.
Users can therefore gate a build with ``-W`` and silence one code with
``suppress_warnings = ["jointassessment.CODE"]``, exactly as with Sphinx's own
warnings. Problems found while reading are also kept in the ``ja`` domain, so
the ``jointassessment`` builder can list them in its JSON even for pages that an
incremental build did not read again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from sphinx.util import logging

if TYPE_CHECKING:
    from pathlib import Path

    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

WARNING_TYPE = "jointassessment"


class Code(StrEnum):
    """The check codes of SPEC §5, one per kind of problem."""

    YAML_ERROR = "yaml-error"
    """A YAML body or file does not parse; the message names the line in the block."""
    SCHEMA = "schema"
    """An unknown key, a missing required key or a value of the wrong type."""
    MATRIX_MISSING_CELL = "matrix-missing-cell"
    """A victim x attacker pair of the declared components has no cell."""
    MATRIX_UNKNOWN_COMPONENT = "matrix-unknown-component"
    """A cell names a component that the matrix does not declare."""
    MATRIX_DUPLICATE_CELL = "matrix-duplicate-cell"
    """Two cells describe the same victim x attacker pair."""
    BAD_SCORE = "bad-score"
    """A score that is not a finite number >= 0, or outside the configured range."""
    UNKNOWN_STATUS = "unknown-status"
    """A status outside the vocabulary (n/a, mitigated, conditional, possible...)."""
    DUPLICATE_ID = "duplicate-id"
    """Two objects of one kind share an id, or the project has two metadata blocks."""
    UNKNOWN_REFERENCE = "unknown-reference"
    """A ``:cells:``, ``:risks:`` or role target that does not exist."""
    MISSING_SECTION = "missing-section"
    """A required outline section that nothing contributed."""
    EMPTY_SECTION = "empty-section"
    """A contributed section without content."""
    DUPLICATE_SECTION = "duplicate-section"
    """One outline key contributed twice."""
    UNKNOWN_SECTION = "unknown-section"
    """An ``assessment-section`` key that the outline does not have."""
    PLACEHOLDER = "placeholder"
    """Template text left in ([Project], Flibble, mmddyyyy, TODO, guidance sentences)."""
    METADATA_MISSING = "metadata-missing"
    """A metadata field is absent."""
    METADATA_VALUE = "metadata-value"
    """A metadata value outside its vocabulary or malformed."""
    BAD_URL = "bad-url"
    """A URL that is not http, https or mailto."""
    BAD_DATE = "bad-date"
    """A date not in the required format or not a real calendar date."""
    HANDS_ON_INCONSISTENT = "hands-on-inconsistent"
    """Findings without a performed hands-on assessment, or one without reviewers or dates."""
    FILE_OUTSIDE_SRCDIR = "file-outside-srcdir"
    """A ``:file:`` or ``:sbom:`` path that resolves outside the source folder."""
    INPUT_TOO_LARGE = "input-too-large"
    """A block or file over the size limit, or YAML aliases expanding too far."""
    UNKNOWN_COMPONENT = "unknown-component"
    """A ``threat`` names a component that no ``data-flow`` or ``threat-matrix`` declares.

    Only when the project declares components at all: a catalogue without diagrams or
    matrices has nothing to be checked against."""
    BAD_IDENTIFIER = "bad-identifier"
    """An identifier that does not parse: a MITRE ATT&CK id, a CVE or GHSA id, a CVSS vector."""
    UNASSESSED_FLOW = "unassessed-flow"
    """A flow across a trust boundary whose two ends no threat names together."""
    UNCOVERED_THREAT = "uncovered-threat"
    """An open threat with neither controls nor a recommendation naming it (in ``"strict"``
    traceability also a ``possible`` threat-matrix cell that no attack risk names)."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem as data: what the JSON output lists and tests compare."""

    code: Code
    message: str
    docname: str | None
    lineno: int | None
    #: a file that is not a document (a ``:file:`` YAML), relative to the source folder
    path: str | None = None

    def location(self, env: BuildEnvironment | None = None) -> str:
        """``file:line`` relative to the source folder, stable across machines."""
        if self.path is not None:
            where = self.path
        elif self.docname is not None:
            where = _relative_source(env, self.docname)
        else:
            return ""
        return f"{where}:{self.lineno}" if self.lineno else where

    def as_json(self, env: BuildEnvironment | None = None) -> dict[str, str]:
        return {"code": self.code.value, "message": self.message, "location": self.location(env)}


def _relative_source(env: BuildEnvironment | None, docname: str) -> str:
    if env is None:
        return docname
    return str(env.doc2path(docname, base=False))


def setting_line(conf_py: Path, *names: str) -> int:
    """The line of ``conf.py`` that sets the first of *names* found (1 if none is).

    A problem of a setting points there: Sphinx reads a location without a line as
    a document name, and warnings are expected to carry ``file:line``.
    """
    try:
        lines = conf_py.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return 1
    for name in names:
        pattern = re.compile(rf"^{re.escape(name)}\s*(?::[^=]*)?=")
        for number, text in enumerate(lines, start=1):
            if pattern.match(text):
                return number
    return 1


def emit(env: BuildEnvironment | None, problem: Problem) -> None:
    """Log *problem* as a Sphinx warning of type ``jointassessment``."""
    location: str | tuple[str, int | None] | None
    if problem.path is not None and env is not None:
        full = env.srcdir / problem.path
        # always with a line: Sphinx would take a bare path for a document name
        location = f"{full}:{problem.lineno or 1}"
    elif problem.docname is not None:
        location = (problem.docname, problem.lineno)
    else:
        location = None
    logger.warning(
        "%s",
        printable(problem.message),
        type=WARNING_TYPE,
        subtype=problem.code.value,
        location=location,
    )


#: line breaks, controls and bidi overrides: block text quoted in a message would split
#: the warning over lines (forging log lines, hiding the code) or reorder what a CI log shows
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(message: str) -> str:
    """*message* on one line, each control or bidi character written as its escape."""
    return _UNPRINTABLE.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), message)


@dataclass(frozen=True, slots=True)
class BlockProblem:
    """A problem found by a parser or validator, before it knows its page.

    ``line`` is 1-based inside the block's YAML body (or ``None`` for the block
    itself); the directive turns it into a file line when it reports it.
    """

    code: Code
    message: str
    line: int | None = None
