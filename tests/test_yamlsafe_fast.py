"""The libyaml fast path of ``load_yaml`` gives exactly what the pure-Python loader gives.

``load_yaml`` reads a body with libyaml's scanner and parser when PyYAML has it, and
reads it again with the pure-Python loader when that fails, so that problems are
reported as before. These tests compare the two loaders directly: values, types and
the line of every key and item, on hand-picked documents and on generated ones.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sphinx_jointassessment import yamlsafe
from sphinx_jointassessment.yamlsafe import LineDict, LineList, YamlLimits, YamlProblem, load_yaml

pytestmark = pytest.mark.skipif(not yamlsafe.HAVE_LIBYAML, reason="PyYAML without libyaml")


def _shape(value: Any) -> Any:
    """Value, type and lines, comparable with ``==``."""
    if isinstance(value, LineDict):
        return (
            "map",
            value.line,
            [(repr(k), value.line_of(k), _shape(v)) for k, v in value.items()],
        )
    if isinstance(value, LineList):
        return ("seq", value.line, [(value.line_of(i), _shape(v)) for i, v in enumerate(value)])
    return (type(value).__name__, repr(value))


def _outcome(text: str, *, libyaml: bool) -> Any:
    """What ``load_yaml`` gives, with or without the libyaml fast path."""
    saved = yamlsafe.HAVE_LIBYAML
    yamlsafe.HAVE_LIBYAML = libyaml
    try:
        return ("ok", _shape(load_yaml(text, YamlLimits(1 << 20))))
    except YamlProblem as exc:
        return ("problem", exc.code, exc.message, exc.line)
    finally:
        yamlsafe.HAVE_LIBYAML = saved


def _same(text: str) -> None:
    assert _outcome(text, libyaml=True) == _outcome(text, libyaml=False)


DOCUMENTS = [
    "",
    "# only a comment\n",
    "a: 1\nb: [x, y]\nc: {d: e}\n",
    "components: [Server, Agent]\ncells:\n  - victim: Server\n    attacker: Agent\n"
    "    label: N/A\n    text: There is only one server\n"
    "  - {victim: Agent, attacker: Server, label: NONE, score: 57.5}\n",
    "- a\n-\n  - b\n  - c\n- d: e\n  f: |\n    literal\n    text\n",
    "a: >\n  folded\n  text\n\nb: 'single'\nc: \"double \\u00e9\"\n",
    "base: &b {x: 1}\nother: *b\n",
    "? complex key\n: value\n",
    "a: 2001-12-14\nb: 0o17\nc: .inf\nd: ~\ne: yes\n",
    "\ufeffa: bom\n",
    "--- \na: 1\n...\n",
    "a: [1, 2\n",
    "a: b\na: c\n",
    "a: b: c\n",
    "[" * 50 + "]" * 50,
    "a: &a [*a]\n",
    "- &x [a, a, a, a, a, a, a, a, a, a]\n- &y [*x, *x, *x, *x, *x, *x, *x, *x, *x, *x]\n"
    "- &z [*y, *y, *y, *y, *y, *y, *y, *y, *y, *y]\n- [*z, *z, *z, *z, *z, *z, *z, *z, *z, *z]\n"
    "- [*z, *z, *z, *z, *z, *z, *z, *z, *z, *z, *z, *z, *z, *z, *z, *z, *z, *z, *z, *z]\n",
    "{[1]: 2}\n",
    "a: 1\n---\nb: 2\n",
    "a:\tb\n",
    "key: value # comment\nlist:\n- one\n- two # more\n",
    'a: "\\ud800"\n',
    'a: "\\ud83d\\ude00 \\U0001F600 \\x85 \\N\\_\\L"\n',
    "a: |#\n  text\n",
    "a: [b ?c]\n",
]


@pytest.mark.parametrize("text", DOCUMENTS)
def test_documents(text: str) -> None:
    _same(text)


def test_the_fast_path_is_taken() -> None:
    """Ordinary bodies do go through libyaml (else this file tests nothing)."""
    assert yamlsafe._fast_path_safe(DOCUMENTS[3])
    assert _shape(yamlsafe._load_fast(DOCUMENTS[3])) == _outcome(DOCUMENTS[3], libyaml=False)[1]


_scalars = st.one_of(
    st.integers(-1000, 1000).map(str),
    st.sampled_from(["N/A", "NONE", "yes", "no", "~", "null", "1.5", ".inf", "0x1f", "a: b", "#x"]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=12),
)
_values = st.recursive(
    _scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(_scalars, children, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_values, st.booleans())
def test_generated_documents(value: Any, flow: bool) -> None:
    _same(yaml.safe_dump(value, default_flow_style=flow, allow_unicode=True))


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=" -:[]{},#&*!%|>'\"?\nab1\t\r.~", max_size=40))
def test_generated_text(text: str) -> None:
    _same(text)


def _depth(node: Any) -> int:
    from yaml.nodes import MappingNode, SequenceNode

    if isinstance(node, SequenceNode):
        return 1 + max((_depth(child) for child in node.value), default=0)
    if isinstance(node, MappingNode):
        return 1 + max((max(_depth(k), _depth(v)) for k, v in node.value), default=0)
    return 1


_deep_values = st.recursive(
    st.sampled_from(["x", "a-b", "c: d", "1"]),
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.sampled_from("abc"), children, max_size=3),
    ),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None)
@given(_deep_values, st.sampled_from([False, True, None]), st.integers(2, 6))
def test_the_nesting_bound_is_never_below_the_real_depth(
    value: Any, flow: bool | None, indent: int
) -> None:
    """libyaml composes (in C, recursively) only text whose bound is small, and the depth
    check on the graph is skipped when the bound is within the limit: both rely on it."""
    text = yaml.safe_dump(value, default_flow_style=flow, indent=indent)
    assert yamlsafe._nesting_bound(text) >= _depth(yaml.compose(text))


@pytest.mark.parametrize(
    "text",
    [
        "- " * 45 + "x\n",
        "a:\n" + "".join("  " * i + "- k:\n" for i in range(1, 45)),
        "[" * 41 + "]" * 41,
    ],
)
def test_too_deep_on_the_fast_path_reads_as_on_the_slow_one(text: str) -> None:
    assert _outcome(text, libyaml=True)[:2] == ("problem", yamlsafe.Code.INPUT_TOO_LARGE)
    _same(text)
