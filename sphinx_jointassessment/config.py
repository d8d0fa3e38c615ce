"""Typed configuration: the ``jointassessment_*`` values of ``conf.py`` (SPEC §6).

Each value is declared once, in :data:`SETTINGS`: its name, default, types, the
function that checks it and a line of documentation. At ``config-inited`` every
value is checked; a wrong one (a wrong type, a status that does not exist, a
regular expression that does not compile, ``-D`` text that cannot be read) is
*one* ``schema`` warning at its line of ``conf.py`` (or naming ``-D``), and the
default takes its place. That happens before Sphinx compares the values with
their declared types, so Sphinx finds nothing to add: one mistake, one warning,
never a traceback later in the build.

:class:`AssessmentConfig` then reads the checked values once into a frozen
dataclass, so the rest of the extension works with typed values.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from types import NoneType
from typing import TYPE_CHECKING, Any, Literal

from sphinx.config import ENUM
from sphinx.errors import ConfigError
from sphinx.util import logging

from .problems import WARNING_TYPE, Code, Problem, printable, setting_line
from .urls import browser_scheme, url_problem

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from sphinx.application import Sphinx
    from sphinx.config import Config

logger = logging.getLogger(__name__)

#: The cell statuses of a threat matrix, in order of increasing concern.
STATUSES = ("n/a", "mitigated", "conditional", "possible")

#: Labels with a known status (SPEC §2.1); compared without regard to case.
DEFAULT_LABELS: dict[str, str] = {"N/A": "n/a", "Mitigated": "mitigated", "ESCAPE": "conditional"}

#: Template text that must not survive into a submitted assessment (SPEC §5).
DEFAULT_PLACEHOLDER_PATTERNS: tuple[str, ...] = (
    r"\[project\]",
    r"\bFlibble\w*",
    r"\bmmddyyyy\b",
    r"\bTODO\b",
    r"\bTBD\b",
    r"A link to the software.s repository",
    r"Is the primary function of the project to support the security of an integrating system",
    r"One or two sentences describing the project",
    r"Provide information for reviewers who may not be familiar",
    r"A listing with brief description of",
    r"A description of the system design that discusses how it works",
    r"A discussion about the likely goals of an attacker",
    r"A rough estimation of the risk posed by different attacks",
    r"Link to your general roadmap, if available",
    r"my\.security\.(file|config)",
    # the joint README template's guidance (template-joint-readme.md)
    r"\[project name\]",
    r"\bdd MMM yyyy\b",
    r"\blist names? and github handles? as appropriate",
    r"\burl to repo\b",
    r"\blink to issue for assessment\b",
    r"Brief synops[ie]s of the project",
)

DEFAULT_MAX_INPUT_BYTES = 1024 * 1024

#: the repositories an assessment is submitted to (SPEC §4, version 2)
TARGETS = ("toc", "tag-security")

Traceability = bool | Literal["strict"]


class Invalid(Exception):
    """A configuration value that cannot be used as given.

    *keep* is what to use instead of the default, when part of the value is good
    (the other labels of a mapping with one bad status).
    """

    def __init__(self, message: str, keep: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.keep = keep


@dataclass(frozen=True, slots=True)
class Setting:
    """One ``jointassessment_*`` value: declared to Sphinx and checked from this one entry."""

    name: str
    default: Any
    #: what Sphinx is told; :attr:`check` accepts exactly these
    types: frozenset[type] | ENUM
    #: returns the value to use, or raises :class:`Invalid`
    check: Callable[[Any], Any]
    doc: str


def _shown(value: Any) -> str:
    """``a list: ['x']``: a value's type and a short repr, for a message."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    name = type(value).__name__
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}: {text}"


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid(f"must be a string, not {_shown(value)}")
    return value


def _outline(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Invalid(
            f"must be 'joint', 'self' or the path of an outline file, not {_shown(value)}"
        )
    return value


def _labels(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise Invalid(f"must be a dict of label to status, not {_shown(value)}")
    good, bad = {}, []
    for label, status in value.items():
        if isinstance(label, str) and isinstance(status, str) and status in STATUSES:
            good[label] = status
        else:
            bad.append(f"{label!r}: {status!r}")
    if bad:
        raise Invalid(
            f"{', '.join(bad)} ignored: a label is a string and its status one of "
            f"{', '.join(STATUSES)}",
            keep=good,
        )
    return good


def _score_range(value: Any) -> tuple[float, float] | None:
    if value is None:
        return None
    numbers = (
        list(value)
        if isinstance(value, (list, tuple))
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
        else []
    )
    if len(numbers) != 2:
        raise Invalid(f"must be None or (min, max), two numbers, not {_shown(value)}")
    low, high = float(numbers[0]), float(numbers[1])
    if not (math.isfinite(low) and math.isfinite(high)) or low > high:
        raise Invalid(f"{value!r} is not a finite (min, max) with min <= max")
    return (low, high)


def _patterns(value: Any) -> list[str]:
    if not isinstance(value, (list, tuple)):
        # a string would be read letter by letter: 'TODO' is not ['TODO']
        raise Invalid(f"must be a list of regular expressions, not {_shown(value)}")
    good, bad = [], []
    for pattern in value:
        try:
            if not isinstance(pattern, str):
                raise TypeError(f"not a string but {_shown(pattern)}")
            re.compile(pattern)
        except (re.error, TypeError, RecursionError, OverflowError) as exc:
            bad.append(f"{pattern!r} ({exc})")
        else:
            good.append(pattern)
    if bad:
        raise Invalid(f"ignored, not a regular expression: {', '.join(bad)}", keep=good)
    return good


def _positive_int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise Invalid(f"must be a whole number of bytes, 1 or more, not {_shown(value)}")
    return value


def _target(value: Any) -> str:
    if value not in TARGETS or not isinstance(value, str):
        raise Invalid(f"must be one of {', '.join(map(repr, TARGETS))}, not {_shown(value)}")
    return value


def _published_url(value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid(f"must be an https URL (a string), or empty, not {_shown(value)}")
    text = value.strip()
    if text and (url_problem(text) is not None or browser_scheme(text) != "https"):
        raise Invalid(f"must be the https URL of the published assessment, not {text!r}")
    return text


def _traceability(value: Any) -> Traceability:
    if value is True or value is False or value == "strict":
        return value  # type: ignore[no-any-return]
    raise Invalid(f"must be True, False or 'strict', not {_shown(value)}")


#: every configuration value of the extension, declared once
SETTINGS: tuple[Setting, ...] = (
    Setting(
        "jointassessment_project",
        "",
        frozenset({str}),
        _text,
        "The project's name as the assessment writes it; empty: Sphinx's project.",
    ),
    Setting(
        "jointassessment_outline",
        "joint",
        frozenset({str}),
        _outline,
        "'joint', 'self' or the path of an outline file, relative to conf.py's folder.",
    ),
    Setting(
        "jointassessment_labels",
        {},
        frozenset({dict}),
        _labels,
        "More threat-matrix labels with their status, merged with the defaults.",
    ),
    Setting(
        "jointassessment_score_range",
        None,
        frozenset({NoneType, tuple, list}),
        _score_range,
        "None, or the (min, max) that threat-matrix scores must fall in.",
    ),
    Setting(
        "jointassessment_placeholder_patterns",
        list(DEFAULT_PLACEHOLDER_PATTERNS),
        frozenset({list, tuple}),
        _patterns,
        "Regular expressions that mark template text left in a section.",
    ),
    Setting(
        "jointassessment_max_input_bytes",
        DEFAULT_MAX_INPUT_BYTES,
        frozenset({int}),
        _positive_int,
        "The largest YAML body, :file: or SBOM file the extension reads.",
    ),
    Setting(
        "jointassessment_target",
        "toc",
        ENUM(*TARGETS),
        _target,
        "The repository the assessment is submitted to: 'toc' or 'tag-security'.",
    ),
    Setting(
        "jointassessment_published_url",
        "",
        frozenset({str}),
        _published_url,
        "The URL of the assessment once published (empty until then); a SECURITY-INSIGHTS "
        "file the metadata reads must then link it.",
    ),
    Setting(
        "jointassessment_traceability",
        True,
        ENUM(True, False, "strict"),
        _traceability,
        "True: the unassessed-flow and uncovered-threat checks; False: neither; "
        "'strict': also threat-matrix cells.",
    ),
)


@dataclass(frozen=True, slots=True)
class AssessmentConfig:
    """The extension's configuration, checked."""

    project: str
    outline: str
    labels: Mapping[str, str]
    score_range: tuple[float, float] | None
    placeholder_patterns: tuple[re.Pattern[str], ...]
    max_input_bytes: int
    target: str = "toc"
    traceability: Traceability = True
    #: the published assessment's URL, "" while it is not published
    published_url: str = ""
    #: the problems of the configuration itself, as the JSON lists them
    problems: tuple[Problem, ...] = ()
    #: the ``conf.py`` read (in Sphinx's ``confdir``, which ``-c`` may set apart from the
    #: sources): where a problem of a setting found later is reported
    conf_py: str = "conf.py"

    @classmethod
    def from_sphinx(
        cls, config: Config, problems: tuple[Problem, ...] = (), conf_py: str = "conf.py"
    ) -> AssessmentConfig:
        """The typed values of a *config* whose values :func:`check_config` has checked."""
        labels = {key.casefold(): value for key, value in DEFAULT_LABELS.items()}
        labels.update(
            {str(key).casefold(): value for key, value in config.jointassessment_labels.items()}
        )
        return cls(
            project=str(config.jointassessment_project or config.project or "Project"),
            outline=config.jointassessment_outline,
            labels=labels,
            score_range=config.jointassessment_score_range,
            placeholder_patterns=tuple(
                re.compile(pattern, re.IGNORECASE)
                for pattern in config.jointassessment_placeholder_patterns
            ),
            max_input_bytes=config.jointassessment_max_input_bytes,
            target=config.jointassessment_target,
            traceability=config.jointassessment_traceability,
            published_url=config.jointassessment_published_url,
            problems=problems,
            conf_py=conf_py,
        )

    def status_for_label(self, label: str) -> str:
        """The status a label implies: configured labels first, ``Mitigated...`` prefix next."""
        folded = label.strip().casefold()
        if folded in self.labels:
            return self.labels[folded]
        if folded.startswith("mitigated"):
            return "mitigated"
        return "possible"


_TYPED: dict[int, tuple[Config, AssessmentConfig]] = {}


def get_config(app_or_env: Any) -> AssessmentConfig:
    """The typed configuration of ``app.config`` or ``env.config``, built once per config.

    Kept beside the Sphinx config rather than on it, so nothing of ours is pickled
    with the environment or compared when Sphinx decides what to rebuild.
    """
    config: Config = app_or_env.config
    cached = _TYPED.get(id(config))
    if cached is None or cached[0] is not config:
        # a config that did not go through config-inited (a test's own): check it quietly
        read_command_line(config)
        found = [checked_value(setting, config) for setting in SETTINGS]
        for setting, (value, _message) in zip(SETTINGS, found, strict=True):
            setattr(config, setting.name, value)
        _remember(config, AssessmentConfig.from_sphinx(config))
        cached = _TYPED[id(config)]
    return cached[1]


def _remember(config: Config, typed: AssessmentConfig) -> None:
    _TYPED.clear()  # one build at a time: never keep old configs alive
    _TYPED[id(config)] = (config, typed)


class CommandLineText:
    """``-D NAME=TEXT`` that Sphinx cannot convert to the value's type, kept to report it."""

    def __init__(self, text: str, reason: str) -> None:
        self.text, self.reason = text, reason

    def __repr__(self) -> str:
        return repr(self.text)


def read_command_line(config: Config) -> None:
    """Convert the ``-D`` text of our values now, as Sphinx would, keeping what fails.

    Sphinx converts ``-D`` text when a value is first read, and it reads every value
    to log the ``config-inited`` event, before any handler runs: a text it cannot
    convert would be its own warning, without a type, then ours a second one.
    """
    for setting in SETTINGS:
        text = config.overrides.get(setting.name)
        if not isinstance(text, str):
            continue
        try:
            value = config.convert_overrides(setting.name, text)
        except (ValueError, ConfigError) as exc:
            value = CommandLineText(text, str(exc).replace(", ignoring", ""))
        setattr(config, setting.name, value)


def checked_value(setting: Setting, config: Config) -> tuple[Any, str | None]:
    """The value to use for *setting*, and what is wrong with the one given (or None)."""
    given = getattr(config, setting.name)
    try:
        if isinstance(given, CommandLineText):
            raise Invalid(given.reason)
        return setting.check(given), None
    except Invalid as exc:
        if exc.keep is not None:
            return exc.keep, exc.message
        default = repr(setting.default)
        shown = f" ({default})" if len(default) <= 40 else ""
        return setting.default, f"{exc.message}; using the default{shown}"


def check_config(app: Sphinx, config: Config) -> None:
    """Check every value (one warning for each wrong one), then read them into a dataclass.

    Connected to ``config-inited`` before Sphinx's own type comparison (priority
    800), which then finds only values of the declared types. The warnings come in
    the order of conf.py's lines, then those of ``-D``.
    """
    conf_py = Path(app.confdir, "conf.py")
    wrong = []
    for setting in SETTINGS:
        value, message = checked_value(setting, config)
        setattr(config, setting.name, value)
        if message is not None:
            wrong.append((setting.name, message))
    outline_message = _resolve_outline(app, config)
    if outline_message is not None:
        wrong.append(("jointassessment_outline", outline_message))
    problems = sorted(
        (_problem(app, name, message, conf_py, config) for name, message in wrong),
        key=lambda problem: (problem.lineno is None, problem.lineno or 0),
    )
    for problem in problems:
        where = f"{conf_py}:{problem.lineno}" if problem.lineno is not None else None
        logger.warning(
            "%s", problem.message, type=WARNING_TYPE, subtype=problem.code.value, location=where
        )
    _remember(config, AssessmentConfig.from_sphinx(config, tuple(problems), str(conf_py)))


def _resolve_outline(app: Sphinx, config: Config) -> str | None:
    """A path outline is relative to conf.py's folder; one that does not load is the joint."""
    from .outline import BUILTIN_OUTLINES, OutlineError, load_outline

    outline = config.jointassessment_outline
    if outline in BUILTIN_OUTLINES:
        return None
    path = Path(app.confdir, outline)
    config.jointassessment_outline = str(path)
    try:
        load_outline(path)
    except OutlineError as exc:
        config.jointassessment_outline = "joint"
        return f"{exc}; using the joint outline"
    return None


def _problem(app: Sphinx, name: str, message: str, conf_py: Path, config: Config) -> Problem:
    """The problem of the value *name*, where it is set: its line of conf.py, or ``-D``."""
    if name in config.overrides:
        text = printable(f"{name} (set with -D on the command line): {message}")
        return Problem(Code.SCHEMA, text, None, None)
    text = printable(f"{name}: {message}")
    line = setting_line(conf_py, name)
    return Problem(Code.SCHEMA, text, None, line, os.path.relpath(conf_py, app.srcdir))


def exclude_output(app: Sphinx, config: Config) -> None:
    """The assembled Markdown must never be read back as a source page by the next build."""
    outdir, srcdir = Path(app.outdir).resolve(), Path(app.srcdir).resolve()
    if outdir.is_relative_to(srcdir) and outdir != srcdir:
        pattern = outdir.relative_to(srcdir).as_posix()
        if pattern not in config.exclude_patterns:
            config.exclude_patterns = [*config.exclude_patterns, pattern]


def setup_config(app: Sphinx) -> None:
    """Declare the values of :data:`SETTINGS` and check them once conf.py is read."""
    for setting in SETTINGS:
        app.add_config_value(
            setting.name, setting.default, "env", types=setting.types, description=setting.doc
        )
    read_command_line(app.config)
    app.connect("config-inited", check_config)
    app.connect("config-inited", exclude_output)
