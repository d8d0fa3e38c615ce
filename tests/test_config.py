"""Configuration never crashes (SPEC §6): a wrong value is one located ``schema`` warning.

Each ``jointassessment_*`` value of the wrong type (in ``conf.py`` or given with
``-D``) must give exactly one warning of the build, of type
``jointassessment.schema``, at the value's line of ``conf.py`` (or naming ``-D``),
and the build goes on with the default and exits 0 without ``-W``: no traceback,
no warning of Sphinx's own for the same mistake, no follow-on warnings.
"""

from __future__ import annotations

import io
import json
import re
from types import NoneType
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sphinx.application import Sphinx
from sphinx.cmd.build import build_main
from sphinx.config import ENUM, Config
from sphinx.util.docutils import docutils_namespace

from sphinx_jointassessment.cli.main import main
from sphinx_jointassessment.config import (
    DEFAULT_MAX_INPUT_BYTES,
    DEFAULT_PLACEHOLDER_PATTERNS,
    SETTINGS,
    checked_value,
    get_config,
)
from sphinx_jointassessment.outline import load_outline

if TYPE_CHECKING:
    from pathlib import Path

HEADER = 'project = "Demo"\nextensions = ["sphinx_jointassessment"]\n\n'
BAD_LINE = 4  # the line of conf.py the value at fault is set on
PAGE = "Demo\n====\n\nText.\n"
DEFAULT_PATTERNS = list(DEFAULT_PLACEHOLDER_PATTERNS)

#: (conf.py line or "", -D arguments, the value at fault, the value the build uses)
WRONG: dict[str, tuple[str, list[str], str, Any]] = {
    "labels-list": ('jointassessment_labels = ["x"]', [], "jointassessment_labels", {}),
    "labels-status": (
        'jointassessment_labels = {"MITM": "bogus", "HAMMER": "mitigated"}',
        [],
        "jointassessment_labels",
        {"HAMMER": "mitigated"},
    ),
    "labels-key": (
        'jointassessment_labels = {3: "mitigated"}',
        [],
        "jointassessment_labels",
        {},
    ),
    "max-bytes-text": (
        'jointassessment_max_input_bytes = "big"',
        [],
        "jointassessment_max_input_bytes",
        DEFAULT_MAX_INPUT_BYTES,
    ),
    "max-bytes-zero": (
        "jointassessment_max_input_bytes = 0",
        [],
        "jointassessment_max_input_bytes",
        DEFAULT_MAX_INPUT_BYTES,
    ),
    "max-bytes-bool": (
        "jointassessment_max_input_bytes = True",
        [],
        "jointassessment_max_input_bytes",
        DEFAULT_MAX_INPUT_BYTES,
    ),
    "max-bytes-float": (
        "jointassessment_max_input_bytes = 1e6",
        [],
        "jointassessment_max_input_bytes",
        DEFAULT_MAX_INPUT_BYTES,
    ),
    "patterns-string": (
        'jointassessment_placeholder_patterns = "TODO"',
        [],
        "jointassessment_placeholder_patterns",
        DEFAULT_PATTERNS,
    ),
    "patterns-bad-regex": (
        'jointassessment_placeholder_patterns = ["(", r"\\bXXX\\b"]',
        [],
        "jointassessment_placeholder_patterns",
        [r"\bXXX\b"],
    ),
    "patterns-not-text": (
        "jointassessment_placeholder_patterns = [1, None]",
        [],
        "jointassessment_placeholder_patterns",
        [],
    ),
    "score-range-text": (
        'jointassessment_score_range = "0,10"',
        [],
        "jointassessment_score_range",
        None,
    ),
    "score-range-reversed": (
        "jointassessment_score_range = (10, 0)",
        [],
        "jointassessment_score_range",
        None,
    ),
    "score-range-three": (
        "jointassessment_score_range = [0, 5, 10]",
        [],
        "jointassessment_score_range",
        None,
    ),
    "score-range-infinite": (
        'jointassessment_score_range = (0, float("inf"))',
        [],
        "jointassessment_score_range",
        None,
    ),
    "project-number": ("jointassessment_project = 42", [], "jointassessment_project", ""),
    "outline-list": ('jointassessment_outline = ["joint"]', [], "jointassessment_outline", "joint"),
    "outline-missing": (
        'jointassessment_outline = "missing.yaml"',
        [],
        "jointassessment_outline",
        "joint",
    ),
    "target-unknown": ('jointassessment_target = "cncf"', [], "jointassessment_target", "toc"),
    "target-number": ("jointassessment_target = 1", [], "jointassessment_target", "toc"),
    "traceability-text": (
        'jointassessment_traceability = "yes"',
        [],
        "jointassessment_traceability",
        True,
    ),
    "traceability-number": (
        "jointassessment_traceability = 2",
        [],
        "jointassessment_traceability",
        True,
    ),
    "cli-score-range": (
        "",
        ["-D", "jointassessment_score_range=0,10"],
        "jointassessment_score_range",
        None,
    ),
    "cli-max-bytes": (
        "",
        ["-D", "jointassessment_max_input_bytes=big"],
        "jointassessment_max_input_bytes",
        DEFAULT_MAX_INPUT_BYTES,
    ),
    "cli-labels": ("", ["-D", "jointassessment_labels=x"], "jointassessment_labels", {}),
    "cli-traceability": (
        "",
        ["-D", "jointassessment_traceability=maybe"],
        "jointassessment_traceability",
        True,
    ),
    "cli-target": ("", ["-D", "jointassessment_target=cncf"], "jointassessment_target", "toc"),
    "cli-patterns": (
        "",
        ["-D", "jointassessment_placeholder_patterns=("],
        "jointassessment_placeholder_patterns",
        [],
    ),
    # the published URL is judged by the URL policy (urls.py): https, a host, nothing hidden
    "published-url-http": (
        'jointassessment_published_url = "http://example.org/a.md"',
        [],
        "jointassessment_published_url",
        "",
    ),
    "published-url-javascript": (
        'jointassessment_published_url = "javascript:alert(1)//https://x"',
        [],
        "jointassessment_published_url",
        "",
    ),
    "published-url-hidden": (
        'jointassessment_published_url = "https://exa\\u200bmple.org/a.md"',
        [],
        "jointassessment_published_url",
        "",
    ),
}

#: right values, in conf.py or with -D: no warning at all
RIGHT: dict[str, tuple[str, list[str], str, Any]] = {
    "score-range-list": (
        "jointassessment_score_range = [0, 10]",
        [],
        "jointassessment_score_range",
        (0.0, 10.0),
    ),
    "traceability-false": (
        "jointassessment_traceability = False",
        [],
        "jointassessment_traceability",
        False,
    ),
    "cli-traceability-strict": (
        "",
        ["-D", "jointassessment_traceability=strict"],
        "jointassessment_traceability",
        "strict",
    ),
    "cli-traceability-0": (
        "",
        ["-D", "jointassessment_traceability=0"],
        "jointassessment_traceability",
        False,
    ),
    "cli-target": (
        "",
        ["-D", "jointassessment_target=tag-security"],
        "jointassessment_target",
        "tag-security",
    ),
    "cli-patterns": (
        "",
        ["-D", "jointassessment_placeholder_patterns=TODO,TBD"],
        "jointassessment_placeholder_patterns",
        ["TODO", "TBD"],
    ),
    "cli-max-bytes": (
        "",
        ["-D", "jointassessment_max_input_bytes=4096"],
        "jointassessment_max_input_bytes",
        4096,
    ),
    "cli-label": (
        "",
        ["-D", "jointassessment_labels.MITM=conditional"],
        "jointassessment_labels",
        {"MITM": "conditional"},
    ),
    "published-url": (
        'jointassessment_published_url = " HTTPS://example.org/a.md "',
        [],
        "jointassessment_published_url",
        "HTTPS://example.org/a.md",
    ),
}


def write_project(tmp_path: Path, line: str) -> Path:
    srcdir = tmp_path / "docs"
    srcdir.mkdir()
    (srcdir / "conf.py").write_text(HEADER + line + "\n", encoding="utf-8")
    (srcdir / "index.rst").write_text(PAGE, encoding="utf-8")
    return srcdir


def sphinx_build(
    srcdir: Path, out: Path, args: list[str], capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    status = build_main(["-q", "-E", "-N", *args, str(srcdir), str(out)])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    assert "Exception occurred" not in captured.out + captured.err
    return status, captured.err


def warnings_of(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "WARNING:" in line or "ERROR:" in line]


def value_used(srcdir: Path, args: list[str], name: str, make_app: Any) -> Any:
    overrides = dict(arg.split("=", 1) for arg in args if arg != "-D")
    app = make_app("html", srcdir=srcdir, confoverrides=overrides)
    get_config(app)  # what the extension reads
    return getattr(app.config, name)


CASES = {
    **{f"wrong-{k}": (*v, True) for k, v in WRONG.items()},
    **{f"right-{k}": (*v, False) for k, v in RIGHT.items()},
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_a_wrong_value_is_one_located_schema_warning(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], make_app: Any
) -> None:
    """And a right one none; either way the build exits 0 with the value shown used."""
    line, args, name, expected, wrong = CASES[case]
    srcdir = write_project(tmp_path, line)
    status, stderr = sphinx_build(srcdir, tmp_path / "out", ["-b", "html", *args], capsys)
    assert status == 0, stderr
    assert value_used(srcdir, args, name, make_app) == expected
    if not wrong:
        assert warnings_of(stderr) == []
        return
    [warning] = warnings_of(stderr)
    assert warning.endswith("[jointassessment.schema]"), warning
    if line:
        assert warning.startswith(f"{srcdir / 'conf.py'}:{BAD_LINE}: WARNING: {name}: "), warning
    else:
        assert warning.startswith(f"WARNING: {name} (set with -D on the command line): ")


def test_all_wrong_at_once_is_one_warning_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [case[0] for key, case in WRONG.items() if case[0] and key.endswith(("list", "text"))]
    srcdir = write_project(tmp_path, "\n".join(lines))
    status, stderr = sphinx_build(srcdir, tmp_path / "out", ["-b", "html"], capsys)
    assert status == 0
    found = warnings_of(stderr)
    assert len(found) == len(lines), "\n".join(found)
    assert [int(re.search(r"conf\.py:(\d+):", w)[1]) for w in found] == list(  # type: ignore[index]
        range(BAD_LINE, BAD_LINE + len(lines))
    )


def test_with_W_a_wrong_value_fails_the_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    srcdir = write_project(tmp_path, 'jointassessment_placeholder_patterns = "TODO"')
    status, stderr = sphinx_build(srcdir, tmp_path / "out", ["-b", "html", "-W"], capsys)
    assert status == 1
    assert "jointassessment.schema" in stderr


def test_the_json_and_check_list_a_configuration_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``conf.py:4`` in the JSON and in ``check``; a ``-D`` one has no file to point at."""
    srcdir = write_project(tmp_path, 'jointassessment_max_input_bytes = "big"')
    args = ["-b", "jointassessment", "-D", "jointassessment_target=cncf"]
    status, stderr = sphinx_build(srcdir, tmp_path / "out", args, capsys)
    assert status == 0
    data = json.loads((tmp_path / "out" / "joint-assessment.json").read_text(encoding="utf-8"))
    schema = [p for p in data["problems"] if p["code"] == "schema"]
    assert [p["location"] for p in schema] == ["conf.py:4", ""]
    assert schema[0]["message"].startswith("jointassessment_max_input_bytes: ")
    assert schema[1]["message"].startswith("jointassessment_target (set with -D")
    assert sum("[jointassessment.schema]" in line for line in warnings_of(stderr)) == 2
    assert main(["check", str(srcdir)]) == 1
    out = capsys.readouterr().out
    assert "conf.py:4: [jointassessment.schema] jointassessment_max_input_bytes: " in out


def test_check_config_problem_without_location_is_printed_without_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    srcdir = write_project(tmp_path, "jointassessment_traceability = 'yes'")
    assert main(["check", str(srcdir)]) == 1
    out = capsys.readouterr().out
    assert "conf.py:4: [jointassessment.schema] jointassessment_traceability: " in out


# -- every value, any type -----------------------------------------------------------------------

any_value = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(["toc", "tag-security", "strict", "joint", "self", "(", "n/a"]),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=6) | st.integers(), inner, max_size=3)
    ),
    max_leaves=8,
)


def _declared(value: Any, types: Any) -> bool:
    if isinstance(types, ENUM):
        return bool(types.match(value))
    return type(value) in types or (value is None and NoneType in types)


@settings(max_examples=300, deadline=None)
@given(index=st.integers(min_value=0, max_value=len(SETTINGS) - 1), value=any_value)
def test_any_value_of_any_setting_gives_a_usable_value(index: int, value: Any) -> None:
    """Whatever the value, the one used is of a declared type, and checks as itself."""
    setting = SETTINGS[index]
    config = Config({setting.name: value}, {})
    for each in SETTINGS:
        config.add(each.name, each.default, "env", each.types)
    used, message = checked_value(setting, config)
    assert _declared(used, setting.types), (used, setting.types)
    assert setting.check(used) == used
    if message is None:
        assert used == setting.check(value)
    else:
        assert "\n" not in message


def test_every_setting_has_its_reference_entry() -> None:
    from pathlib import Path

    page = Path(__file__).resolve().parents[1] / "docs" / "reference" / "configuration.md"
    text = page.read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert f"{{confval}} {setting.name}\n" in text, setting.name


def test_an_outline_gone_after_the_configuration_is_reported_at_the_conf_py_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With ``-c`` the conf.py is not in the source folder: the warning names the one read."""
    from sphinx_jointassessment import section

    confdir = tmp_path / "conf"
    confdir.mkdir()
    (confdir / "conf.py").write_text(
        HEADER + 'jointassessment_outline = "outline.yaml"\n', encoding="utf-8"
    )
    outline = confdir / "outline.yaml"
    outline.write_text(
        (section.Path(section.__file__).parent / "outlines" / "joint.yaml").read_text("utf-8"),
        encoding="utf-8",
    )
    srcdir = tmp_path / "src"
    srcdir.mkdir()
    (srcdir / "index.rst").write_text(PAGE, encoding="utf-8")
    (srcdir / "conf.py").write_text("raise SystemExit('not this conf.py')\n", encoding="utf-8")
    out = tmp_path / "out"
    code = build_main(["-q", "-E", "-b", "html", "-c", str(confdir), str(srcdir), str(out)])
    assert code == 0
    assert warnings_of(capsys.readouterr().err) == []
    warnings = io.StringIO()
    # as sphinx-build does: directives and nodes the app registers are undone after it,
    # so that tests run after this one in the same process see no "already registered"
    with docutils_namespace():
        app = Sphinx(
            srcdir, confdir, out, tmp_path / "doctrees", "html", status=None, warning=warnings
        )
        outline.unlink()  # changed between reading the configuration and the pages
        section._OUTLINES.clear()
        assert section.project_outline(app.env) == load_outline("joint")
    [warning] = warnings_of(warnings.getvalue())
    assert warning.startswith(f"{confdir / 'conf.py'}:4: WARNING: jointassessment_outline: ")
    assert warning.endswith("[jointassessment.schema]")
