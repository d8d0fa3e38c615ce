"""Property tests of classes of hostile input found by the red-team pass (issue 18).

* YAML scalars that PyYAML resolves by their look and then fails to build (tags on
  the wrong text, impossible dates, integers of thousands of digits, numbers past
  float's range) and YAML 1.1's base-60 numbers (``1:30`` read as 90): wherever
  they are written, each is a problem with a code at the value's line, or a value
  kept as written; never an exception.
* Titles made of punctuation runs: the Markdown heading clean-up does work in
  proportion to the title, not to its square (counted, not timed: the timing is
  in ``benchmarks/run.py --only titles``).
"""

from __future__ import annotations

import math
import os
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sphinx_jointassessment.config import DEFAULT_LABELS, AssessmentConfig
from sphinx_jointassessment.metadata import parse_links
from sphinx_jointassessment.problems import Code
from sphinx_jointassessment.threat_matrix import parse_matrix
from sphinx_jointassessment.yamlsafe import YamlLimits, YamlProblem, load_yaml

from .test_security_support import build, codes_at, warning_records, write_sources

if TYPE_CHECKING:
    import re

EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", "200"))
#: the same examples on every run unless PROPERTY_RANDOM is set (as tests/test_properties_all.py)
PURE = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=os.environ.get("PROPERTY_RANDOM") is None,
)
LIMITS = YamlLimits(1 << 20)
CONFIG = AssessmentConfig(
    project="P",
    outline="joint",
    labels={key.casefold(): value for key, value in DEFAULT_LABELS.items()},
    score_range=None,
    placeholder_patterns=(),
    max_input_bytes=LIMITS.max_bytes,
)

# -- YAML scalars ----------------------------------------------------------------------------

TAGS = ("!!int", "!!float", "!!timestamp", "!!bool", "!!str", "!!null", "!!binary")
word = st.text(st.sampled_from("abcxyz0123456789_.:-+eE"), min_size=1, max_size=12)


@st.composite
def dates(draw: st.DrawFn) -> str:
    """``YYYY-MM-DD`` (sometimes with a time), impossible dates included (2024-02-30)."""
    year = draw(st.integers(1, 9999))
    month = draw(st.integers(0, 13))
    day = draw(st.integers(0, 32))
    text = f"{year:04d}-{month:02d}-{day:02d}"
    if draw(st.booleans()):
        text += draw(st.sampled_from(["T10:00:00Z", " 25:61:61", "t00:00:00.5+01:00"]))
    return text


@st.composite
def long_integers(draw: st.DrawFn) -> str:
    """Integers around Python's 4300-digit conversion limit, and past float's range."""
    digits = draw(st.one_of(st.integers(300, 420), st.integers(4290, 4400)))
    return draw(st.sampled_from(["", "-", "+"])) + "1" + "0" * (digits - 1)


@st.composite
def sexagesimal(draw: st.DrawFn) -> str:
    """YAML 1.1's base 60: ``1:30`` (90), ``10:30:15``, ``1:30.5``."""
    parts = draw(st.lists(st.integers(0, 59), min_size=1, max_size=3))
    text = str(draw(st.integers(1, 99))) + "".join(f":{part:02d}" for part in parts)
    return text + draw(st.sampled_from(["", ".5", "."]))


@st.composite
def yaml_scalars(draw: st.DrawFn) -> str:
    """One plain YAML scalar as an author might write it, with or without a tag."""
    text = draw(
        st.one_of(
            dates(),
            long_integers(),
            sexagesimal(),
            st.sampled_from(["1.0e+400", "-1.0e+400", ".inf", ".nan", "0x", "0b2", "0o9", "1_0"]),
            word,
        )
    )
    if draw(st.integers(0, 2)) == 0:
        text = f"{draw(st.sampled_from(TAGS))} {text}"
    return text


def _matrix_body(key: str, scalar: str) -> tuple[str, int]:
    """A one-cell matrix whose *key* is *scalar*; and the body line of the value."""
    lines = [
        "components: [A]",
        "cells:",
        "  - victim: A",
        "    attacker: A",
        *(["    label: NONE"] if key != "label" else []),
        f"    {key}: {scalar}",
    ]
    return "\n".join(lines) + "\n", len(lines)


def _load(body: str) -> tuple[object, YamlProblem | None]:
    """The loaded body, or the problem the loader raised."""
    try:
        return load_yaml(body, LIMITS), None
    except YamlProblem as problem:
        return None, problem


def _is_base_sixty(text: str) -> bool:
    return ":" in text and not text.startswith("!!") and "-" not in text


@PURE
@given(scalar=yaml_scalars(), key=st.sampled_from(["score", "text", "label"]))
def test_a_yaml_scalar_is_a_located_problem_or_kept(scalar, key):
    """In a matrix cell: a yaml-error, schema or bad-score problem at its line, or kept."""
    body, line = _matrix_body(key, scalar)
    data, problem = _load(body)
    if problem is not None:
        assert (problem.code, problem.line) == (Code.YAML_ERROR, line), problem.message
        return
    matrix, problems = parse_matrix(data, "m", "M", CONFIG)
    at_value = [p for p in problems if p.line == line]
    assert all(p.line == line for p in problems), problems
    assert all(p.code in (Code.SCHEMA, Code.BAD_SCORE) for p in problems), problems
    if at_value:
        return
    assert matrix is not None
    entry = matrix.cells[0].entries[0]
    if key == "score":
        assert entry.score is not None
        assert entry.score >= 0
        assert math.isfinite(float(entry.score))
    if _is_base_sixty(scalar) and key != "score":
        # written as text, never read as a number of minutes
        assert (entry.text if key == "text" else entry.label) == scalar


@PURE
@given(scalar=yaml_scalars(), as_key=st.booleans())
def test_a_yaml_scalar_as_a_security_link_is_a_located_problem(scalar, as_key):
    """``Doc: VALUE`` (or ``VALUE: URL``) lines of assessment-metadata."""
    body = "Security file: https://example.org/s\n" + (
        f"{scalar}: https://example.org/x\n" if as_key else f"Doc: {scalar}\n"
    )
    data, problem = _load(body)
    if problem is not None:
        assert (problem.code, problem.line) == (Code.YAML_ERROR, 2), problem.message
        return
    links, problems = parse_links(data)
    assert all(p.line == 2 for p in problems), problems
    assert problems or len(links) == 2  # reported at its line, or kept as a link


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ("a: 1\nb: !!int abc\n", "yaml-error", 2),
        ("a: !!float abc\n", "yaml-error", 1),
        ("a: !!timestamp abc\n", "yaml-error", 1),
        ("a: !!bool abc\n", "yaml-error", 1),
        ("a: [x,\n  2024-02-30]\n", "yaml-error", 2),
        ("2024-02-30: x\n", "yaml-error", 1),
        ("a: " + "1" * 4301 + "\n", "yaml-error", 1),
        ("a: !!int 1:30\n", "yaml-error", 1),
        ("a: 1:30\n", None, "1:30"),
        ("a: 10:30:15\n", None, "10:30:15"),
        ("a: 1.0e+400\n", None, float("inf")),
    ],
)  # fmt: skip
def test_yaml_values_pyyaml_builds_badly(text, code, line):
    """The loader alone: each named case of issue 18, item 4 (and 14's ``1:30``)."""
    if code is None:
        assert load_yaml(text, LIMITS)["a"] == line
        return
    with pytest.raises(YamlProblem) as caught:
        load_yaml(text, LIMITS)
    assert (caught.value.code.value, caught.value.line) == (code, line), caught.value.message


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
    derandomize=True,
)
@given(score=yaml_scalars(), link=yaml_scalars())
def test_a_build_goes_on_past_any_yaml_scalar(tmp_path_factory, score, link):
    """End to end: the html build succeeds; each problem is at the value's line."""
    srcdir = tmp_path_factory.mktemp("scalars")
    page = (
        "T\n=\n\n"
        ".. threat-matrix:: M\n\n"
        "   components: [A]\n"
        "   cells:\n"
        "     - victim: A\n"
        "       attacker: A\n"
        "       label: NONE\n"
        f"       score: {score}\n"  # line 11
        "\n"
        ".. assessment-metadata::\n"
        "   :software: https://example.org/p\n"
        "   :security-provider: no\n"
        "   :languages: Go\n"
        "   :sbom: https://example.org/sbom.json\n"
        "\n"
        f"   Security file: {link}\n"  # line 19
    )
    write_sources(
        srcdir,
        {"index.rst": page},
        'project = "P"\nextensions = ["sphinx_jointassessment"]\n'
        "jointassessment_max_input_bytes = 100000\n",
    )
    built = build(srcdir)
    for _name, line, code in codes_at(warning_records(built.warnings)):
        assert line in (11, 19), (line, code)


# -- titles of punctuation runs --------------------------------------------------------------

#: what a heading's end may hold: MD026 punctuation (ASCII and full-width), escapes,
#: entities, spaces, and the characters around them
RUNS = (".", ",", ";", ":", "!", "\u3002", "\uff0c", "\\", "\\.", " ", "\u3000", "&amp;", "&#12;",
        "&x", "#", "x", "-")  # fmt: skip


@st.composite
def punctuation_titles(draw: st.DrawFn) -> str:
    """A title made of runs of punctuation (and a few other characters), up to ~3000 long."""
    runs = draw(
        st.lists(st.tuples(st.sampled_from(RUNS), st.integers(1, 300)), min_size=1, max_size=10)
    )
    return "".join(piece * count for piece, count in runs)


def _oracle(markdown: str) -> str:
    """The clean-up as it was written before issue 18 (quadratic, obviously right)."""
    from sphinx_jointassessment.markdown import _HEADING_PUNCTUATION, _TRAILING_ENTITY

    original = text = markdown.rstrip()
    while text and text[-1] in _HEADING_PUNCTUATION and not _TRAILING_ENTITY.search(text):
        text = text[:-1]
        backslashes = len(text) - len(text.rstrip("\\"))
        if backslashes % 2 == 1:
            text = text[:-1]
        text = text.rstrip()
    if not text and original:
        return f"{original[:-1]}&#{ord(original[-1])};"
    return text


class _CountingPattern:
    """Stands for a compiled pattern; counts the characters each match call may scan."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.scanned = 0

    def _count(self, text: str, pos: int = 0, endpos: int | None = None) -> None:
        self.scanned += (len(text) if endpos is None else endpos) - pos

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        self._count(text, pos, endpos)
        return self.pattern.search(text, pos, len(text) if endpos is None else endpos)

    def fullmatch(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        self._count(text, pos, endpos)
        return self.pattern.fullmatch(text, pos, len(text) if endpos is None else endpos)


@PURE
@given(title=punctuation_titles(), lead=st.sampled_from(["x", "", "Title ", "&amp;"]))
def test_heading_clean_up_of_punctuation_runs_is_linear(title, lead):
    """Item 5: the same result as before, with work in proportion to the title.

    The work counted is what the entity pattern is asked to scan, which was the
    whole title once per character removed (125,000 dots: 9 s; 1,000,000: 7.5 min).
    """
    from sphinx_jointassessment import markdown

    counting = _CountingPattern(markdown._TRAILING_ENTITY)
    text = lead + title
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(markdown, "_TRAILING_ENTITY", counting)
        got = markdown._strip_heading_markdown(text)
    assert counting.scanned <= 50 * len(text) + 50
    assert got == _oracle(text)


def test_heading_clean_up_work_grows_linearly(monkeypatch):
    """Ten times the dots (and semicolons, which may end an entity): ten times the work."""
    from sphinx_jointassessment import markdown

    counting = _CountingPattern(markdown._TRAILING_ENTITY)
    monkeypatch.setattr(markdown, "_TRAILING_ENTITY", counting)
    work = []
    for size in (1_000, 10_000):
        counting.scanned = 0
        markdown._strip_heading_markdown("x" + "a;" * size + ".;" * size)
        work.append(counting.scanned)
    assert work[1] <= 10 * work[0] + 100
