"""``assessment-metadata :security-insights:``: an OpenSSF SECURITY-INSIGHTS 2.x file.

The file is checked against the specification's schema, translated from its CUE
(``schema/security-insights-2.schema.json``): the three published example files pass,
every required field of the CUE is required (one test each), and our validator agrees
with ``jsonschema`` on the translation. What the file states fills the metadata; a
value the directive writes wins, and a disagreement is ``metadata-value`` at the
directive. Hostile files give located warnings, never a traceback.
"""

from __future__ import annotations

import copy
import json
import re

import jsonschema
import pytest
import yaml

from sphinx_jointassessment.security_insights import (
    SCHEMA_FILE,
    read_security_insights,
    same_url,
)
from sphinx_jointassessment.yaml_schema import load_schema, validate
from sphinx_jointassessment.yamlsafe import YamlLimits, load_yaml

from .conftest import REFERENCE
from .objects_support import build, soup, warnings, write_project

INTEROP = REFERENCE / "interop"
FULL = INTEROP / "security-insights-template-full.yml"
MINIMUM = INTEROP / "security-insights-template-minimum.yml"
OSSF = INTEROP / "security-insights-example-ossf.yml"
LIMITS = YamlLimits(1024 * 1024)
SCHEMA = load_schema(SCHEMA_FILE)


def _problems(text: str, name: str = "si.yml") -> list[tuple[str, int | None, str]]:
    _insights, problems = read_security_insights(text, name, LIMITS)
    return [(p.code.value, p.line, p.message) for p in problems]


# -- the schema ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [FULL, MINIMUM, OSSF], ids=lambda p: p.stem)
def test_published_files_are_valid(path):
    assert _problems(path.read_text(encoding="utf-8")) == []
    errors = list(
        jsonschema.Draft202012Validator(SCHEMA).iter_errors(yaml.safe_load(path.read_text()))
    )
    assert errors == []


def test_the_translation_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def _cue_required() -> dict[str, set[str]]:
    """Required fields of every CUE definition (``name:`` but not ``name?:``), nested too."""
    text = (INTEROP / "security-insights-2.schema.cue").read_text(encoding="utf-8")
    required: dict[str, set[str]] = {}
    stack: list[str] = []
    for raw in text.splitlines():
        line = raw.split("//", 1)[0].strip()
        if not line:
            continue
        opening = re.match(r"^#(\w+):\s*\{$", line)
        field = re.match(r'^"?([\w-]+)"?(\?)?:\s*(.*)$', line)
        if opening:
            stack = [opening.group(1)]
            required.setdefault(stack[0], set())
        elif field and stack:
            name, optional, rest = field.groups()
            if optional is None:
                required.setdefault(".".join(stack), set()).add(name)
            if rest.endswith("{"):
                stack.append(name)
                required.setdefault(".".join(stack), set())
        elif line.startswith("}") and stack:
            stack.pop()
    return {name: fields for name, fields in required.items() if fields}


def _json_required() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}

    def walk(name: str, schema: dict) -> None:
        if schema.get("required"):
            found[name] = set(schema["required"])
        for key, sub in schema.get("properties", {}).items():
            if sub.get("type") == "object":
                walk(f"{name}.{key}", sub)

    for name, schema in SCHEMA["$defs"].items():
        walk(name, schema)
    return found


def test_required_fields_are_the_cue_schemas():
    assert _json_required() == _cue_required()


#: every required field of the CUE schema, as a path in the full template that holds it
REQUIRED = [
    ("header", "last-reviewed"),
    ("header", "last-updated"),
    ("header", "schema-version"),
    ("header", "url"),
    ("project", "name"),
    ("project", "administrators"),
    ("project", "repositories"),
    ("project", "vulnerability-reporting"),
    ("project.administrators[0]", "name"),
    ("project.administrators[0]", "primary"),
    ("project.repositories[0]", "name"),
    ("project.repositories[0]", "comment"),
    ("project.repositories[0]", "url"),
    ("project.steward", "uri"),
    ("project.steward", "comment"),
    ("project.vulnerability-reporting", "reports-accepted"),
    ("project.vulnerability-reporting", "bug-bounty-available"),
    ("project.vulnerability-reporting.contact", "name"),
    ("project.vulnerability-reporting.contact", "primary"),
    ("repository", "status"),
    ("repository", "url"),
    ("repository", "accepts-change-request"),
    ("repository", "accepts-automated-change-request"),
    ("repository", "core-team"),
    ("repository", "license"),
    ("repository", "security"),
    ("repository.license", "url"),
    ("repository.license", "expression"),
    ("repository.release", "automated-pipeline"),
    ("repository.release", "distribution-points"),
    ("repository.release.distribution-points[0]", "uri"),
    ("repository.release.distribution-points[0]", "comment"),
    ("repository.release.attestations[0]", "name"),
    ("repository.release.attestations[0]", "location"),
    ("repository.release.attestations[0]", "predicate-uri"),
    ("repository.security", "assessments"),
    ("repository.security.assessments", "self"),
    ("repository.security.assessments.self", "comment"),
    ("repository.security.tools[0]", "name"),
    ("repository.security.tools[0]", "type"),
    ("repository.security.tools[0]", "rulesets"),
    ("repository.security.tools[0]", "integration"),
    ("repository.security.tools[0]", "results"),
    ("repository.security.tools[0].integration", "adhoc"),
    ("repository.security.tools[0].integration", "ci"),
    ("repository.security.tools[0].integration", "release"),
    ("repository.security.tools[0].results.ci", "name"),
]


def _at(data, path: str):
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        data = data[int(part[1:-1])] if part.startswith("[") else data[part]
    return data


@pytest.mark.parametrize(("path", "key"), REQUIRED, ids=lambda v: str(v))
def test_each_required_field_is_required(path, key):
    data = load_yaml(FULL.read_text(encoding="utf-8"), LIMITS)
    parent = _at(data, path)
    line = parent.line
    del parent[key]
    problems = validate(data, SCHEMA, where="si.yml")
    assert [(p.code.value, p.line, p.message) for p in problems] == [
        ("schema", line, f"si.yml: {path}: missing required key {key!r}")
    ]
    plain = json.loads(json.dumps(yaml.safe_load(FULL.read_text())))
    del _at(plain, path)[key]
    errors = list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(plain))
    assert [error.validator for error in errors] == ["required"]


def test_a_missing_key_is_reported_at_its_mapping_line():
    text = MINIMUM.read_text(encoding="utf-8").replace(
        "  url: https://example.com/kubernetes/kubernetes\n", ""
    )
    assert _problems(text) == [("schema", 2, "si.yml: header: missing required key 'url'")]


#: one change to the minimum template: what it breaks, at which line of the file, with which
#: code; and whether jsonschema sees it too (a real calendar date is CUE's time.Format only)
MUTATIONS = [
    ("status: active", "status: retired", 30, "schema",
     "repository.status: 'retired' is not one of", True),
    ("status: active", "status: [active]", 30, "schema",
     "repository.status: ['active'] is not one of", True),
    ("reports-accepted: true", "reports-accepted: 'yes'", 25, "schema",
     "reports-accepted must be true or false, not text", True),
    ("url: https://vcs.example.com/foobar/foo\n  status", "url: javascript:alert(1)\n  status",
     29, "bad-url", "repository.url: 'javascript:alert(1)' is not an http or https URL", True),
    ("last-updated: '2025-03-01'", "last-updated: '2025-02-30'", 3, "bad-date",
     "header.last-updated: '2025-02-30' is not a real calendar date", False),
    ("last-updated: '2025-03-01'", "last-updated: 'March 2025'", 3, "bad-date",
     "header.last-updated: 'March 2025' is not a date in the form YYYY-MM-DD", True),
    ("schema-version: 2.0.0", "schema-version: v2", 2, "schema",
     "header.schema-version: 'v2'", True),
    ("  name: FooBar\n", "  name: FooBar\n  colour: blue\n", 13, "schema",
     "project: unknown key 'colour'", True),
    ("      email: joe.bob@example.com", "      email: not-an-address", 16, "schema",
     "project.administrators[0].email: 'not-an-address'", True),
    ("  core-team:\n", "  core-team: []\n  old-team:\n", 33, "schema",
     "repository.core-team must list at least 1 item", True),
]  # fmt: skip


@pytest.mark.parametrize(("old", "new", "line", "code", "message", "both"), MUTATIONS)
def test_invalid_values_are_located(old, new, line, code, message, both):
    original = MINIMUM.read_text(encoding="utf-8")
    assert old in original
    text = original.replace(old, new, 1)
    found = _problems(text)
    assert (code, line) in [(c, n) for c, n, m in found if message in m], found
    plain = json.loads(json.dumps(yaml.safe_load(text)))
    assert bool(list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(plain))) is both


def test_an_unquoted_date_is_a_date():
    text = MINIMUM.read_text(encoding="utf-8").replace("'2025-03-01'", "2025-03-01")
    assert _problems(text) == []


def test_problems_are_capped():
    text = MINIMUM.read_text(encoding="utf-8") + "".join(f"extra{n}: 1\n" for n in range(80))
    found = _problems(text)
    assert len(found) == 51
    assert found[-1][2] == "si.yml: 30 more problem(s) not listed"


# -- what the file states --------------------------------------------------------------------


def test_statements_of_the_full_template():
    insights, _found = read_security_insights(FULL.read_text(encoding="utf-8"), "si.yml", LIMITS)
    assert insights is not None
    assert insights.software.value == "https://github.com/kubernetes/kubernetes"
    assert insights.software.path == "repository.url"
    assert [(s.label, s.value) for s in insights.links] == [
        ("Security file", "https://example.com/security-policy.html"),
        ("Vulnerability reporting policy", "https://example.com/reporting.html"),
        ("Vulnerability reporting contact", "mailto:security@something.com"),
        ("Bug bounty program", "https://example.com/bugs.html"),
        ("Signature verification", "https://example.com/signature-verification"),
        ("Dependency management policy", "https://example.com/dependency-management-policy"),
        ("Release attestation: Release VEX", "https://example.com/release/{version}#vex"),
        ("Release attestation: Maintainer Identity VSA", "https://example.com/maintainer-identity"),
        ("Release attestation: SCA Scan Results", "https://example.com/test-results#{version}"),
        ("Self-assessment (2021-09-01)", "https://example.com/assessment.html"),
        ("Third-party assessment: 2021-09-01", "https://example.com/artifact.html"),
    ]
    assert [(s.label, s.value, s.line) for s in insights.sboms] == [
        ("Release SBOM", "https://example.com/release/{version}#spdx", 94)
    ]
    assert [(a.kind, a.evidence) for a in insights.assessments] == [
        ("self", "https://example.com/assessment.html"),
        ("third-party", "https://example.com/artifact.html"),
    ]


def test_software_falls_back_to_the_project_repository():
    text = OSSF.read_text(encoding="utf-8")
    data = load_yaml(text, LIMITS)
    del data["repository"]
    insights, _ = read_security_insights(yaml.safe_dump(json.loads(json.dumps(data))), "x", LIMITS)
    assert insights.software.value == "https://github.com/ossf/security-insights-spec"
    assert insights.software.path == "project.repositories[0].url"


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("https://GitHub.com/a/b", "https://github.com/a/b/", True),
        ("https://github.com/a/b.git", "https://github.com/a/b", True),
        ("https://github.com/a/B", "https://github.com/a/b", False),
    ],
)
def test_same_url(first, second, same):
    assert same_url(first, second) is same


# -- in a build ------------------------------------------------------------------------------

META = """\
Meta
====

.. assessment-metadata::
{options}

{body}
"""


def _project(tmp_path, options: str, si_text: str | None, *, body: str = "", conf: str = ""):
    files = {
        "index.rst": META.format(
            options="\n".join(f"   {line}" for line in options.strip().splitlines()),
            body="\n".join(f"   {line}" for line in body.strip().splitlines()) if body else "",
        )
    }
    if si_text is not None:
        files["security-insights.yml"] = si_text
    base = 'project = "Example"\nextensions = ["sphinx_jointassessment"]\n'
    return write_project(tmp_path / "src", files, conf=base + conf)


def _build(make_app, srcdir, builder="html"):
    app = build(make_app, srcdir, builder, freshenv=True)
    return app, [(w.file, w.line, w.code, w.message) for w in warnings(app)]


OPTIONS = """\
:security-provider: no
:languages: Go
:security-insights: security-insights.yml
"""
#: the OSSF example has no SBOM
WITH_SBOM = OPTIONS + ":sbom: https://example.com/sbom.json\n"


def test_the_file_fills_the_metadata(make_app, tmp_path):
    srcdir = _project(tmp_path, WITH_SBOM, OSSF.read_text(encoding="utf-8"))
    app, found = _build(make_app, srcdir)
    assert found == []
    page = soup(app, "index")
    rows = {
        row.th.get_text(strip=True): row.td.get_text(" ", strip=True)
        for row in page.select("table.ja-metadata-table tbody tr")
    }
    assert rows["Software"] == "https://github.com/ossf/security-insights-spec"
    links = page.select("table.ja-security-links-table tbody tr")
    assert [r.find("td").get_text(strip=True) for r in links] == ["Self-assessment"]
    note = page.select_one("p.ja-metadata-source")
    assert note.get_text() == "From security-insights.yml: Software, Self-assessment."


def test_sbom_missing_when_the_file_has_none(make_app, tmp_path):
    srcdir = _project(tmp_path, OPTIONS, MINIMUM.read_text(encoding="utf-8"))
    _app, found = _build(make_app, srcdir)
    assert [(f, line, code) for f, line, code, _m in found] == [
        ("index.rst", 4, "metadata-missing")
    ]
    assert ":sbom:" in found[0][3]


def test_the_directive_wins_and_a_disagreement_is_reported(make_app, tmp_path):
    options = (
        OPTIONS
        + ":software: https://github.com/example/other\n:sbom: https://example.com/sbom.json\n"
    )
    body = "Security file: https://example.com/SECURITY.md"
    srcdir = _project(
        tmp_path, options, FULL.read_text(encoding="utf-8"), body=body, conf='release = "2.1"\n'
    )
    app, found = _build(make_app, srcdir)
    assert [(f, line, code) for f, line, code, _m in found] == [
        ("index.rst", 4, "metadata-value")
    ] * 3
    messages = "\n".join(m for *_rest, m in found)
    assert (
        "differs from 'https://github.com/kubernetes/kubernetes' "
        "(security-insights.yml's repository.url, line 63)" in messages
    )
    assert (
        ":sbom: names none of the SBOMs security-insights.yml lists "
        "(https://example.com/release/2.1#spdx)" in messages
    )
    assert "security link 'Security file'" in messages
    page = soup(app, "index")
    assert (
        page.select_one("table.ja-metadata-table tbody a")["href"]
        == "https://github.com/example/other"
    )
    first = page.select_one("table.ja-security-links-table tbody tr")
    assert first.a["href"] == "https://example.com/SECURITY.md"
    hrefs = [a["href"] for a in page.select("table.ja-security-links-table a")]
    assert "https://example.com/release/2.1#vex" in hrefs  # {version} is the release


def test_versioned_urls_without_a_release_are_left_out_and_said(make_app, tmp_path):
    srcdir = _project(tmp_path, OPTIONS, FULL.read_text(encoding="utf-8"))
    app, found = _build(make_app, srcdir)
    assert [(f, line, code) for f, line, code, _m in found] == [
        ("index.rst", 4, "metadata-missing"),
        ("index.rst", 4, "metadata-value"),
    ]
    assert "3 URL(s) hold {version}" in found[1][3]
    assert "{version}" not in (app.outdir / "index.html").read_text(encoding="utf-8")


def test_json_says_what_came_from_the_file(make_app, tmp_path):
    srcdir = _project(tmp_path, OPTIONS, OSSF.read_text(encoding="utf-8"))
    app, _found = _build(make_app, srcdir, "jointassessment")
    data = json.loads((app.outdir / "joint-assessment.json").read_text(encoding="utf-8"))
    assert data["metadata"]["security_insights"] == {
        "file": "security-insights.yml",
        "fields": ["Software", "Self-assessment"],
    }
    assert (
        data["metadata"]["security_links"][0]["from"]
        == "repository.security.assessments.self.evidence"
    )


PUBLISHED = (
    "https://github.com/cncf/toc/blob/main/projects/example/security-assessment/joint-assessment.md"
)


def test_a_published_assessment_must_be_linked(make_app, tmp_path):
    srcdir = _project(
        tmp_path, WITH_SBOM, OSSF.read_text(encoding="utf-8"),
        conf=f"jointassessment_published_url = {PUBLISHED!r}\n",
    )  # fmt: skip
    _app, found = _build(make_app, srcdir)
    assert [(f, line, code) for f, line, code, _m in found] == [("index.rst", 4, "metadata-value")]
    assert f"does not link the published assessment {PUBLISHED}" in found[0][3]
    assert "repository.security.assessments.third-party" in found[0][3]


def test_a_linked_assessment_is_not_reported(make_app, tmp_path):
    text = OSSF.read_text(encoding="utf-8").replace(
        "  security:\n    assessments:\n",
        "  security:\n    assessments:\n      third-party:\n"
        f"        - evidence: {PUBLISHED}\n          comment: CNCF joint assessment\n",
    )
    srcdir = _project(
        tmp_path, WITH_SBOM, text, conf=f"jointassessment_published_url = {PUBLISHED!r}\n"
    )
    _app, found = _build(make_app, srcdir)
    assert found == []


# -- hostile files ---------------------------------------------------------------------------

SI = "security-insights.yml"
LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join([f'*{chr(97 + n)}'] * 10)}]\n" for n in range(6)
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(LAUGHS, [("index.rst", 4, "input-too-large")], id="aliases"),
        pytest.param("a:\n" + "".join("  " * n + "- \n" for n in range(1, 60)),
                     [("security-insights.yml", 41, "input-too-large")], id="deep"),
        pytest.param("header: [1, 2]\nproject: text\nrepository: 3\n",
                     [(SI, 1, "schema"), (SI, 2, "schema"), (SI, 3, "schema")], id="wrong-types"),
        pytest.param("- just\n- a list\n", [("security-insights.yml", 1, "schema")], id="a-list"),
        pytest.param("header: {url: 'x'}\n: :\n", [("security-insights.yml", 2, "yaml-error")],
                     id="broken"),
        pytest.param("key: !!python/object:os.system ls\n",
                     [("security-insights.yml", 1, "yaml-error")], id="python-tag"),
        pytest.param("\x00", [("security-insights.yml", 1, "yaml-error")], id="nul"),
    ],
)  # fmt: skip
def test_hostile_files_give_located_warnings(make_app, tmp_path, text, expected):
    srcdir = _project(
        tmp_path, OPTIONS + ":software: https://example.com\n:sbom: https://example.com/s", text
    )
    app, found = _build(make_app, srcdir)
    got = [(f, line, code) for f, line, code, _m in found if code != "metadata-missing"]
    assert got[: len(expected)] == expected
    assert "Traceback" not in app.warning.getvalue()


def test_a_huge_file_is_refused_at_the_directive(make_app, tmp_path):
    srcdir = _project(
        tmp_path, OPTIONS, "# x\n" * 40_000, conf="jointassessment_max_input_bytes = 100_000\n"
    )
    _app, found = _build(make_app, srcdir)
    assert [(f, line, code) for f, line, code, _m in found if code != "metadata-missing"] == [
        ("index.rst", 4, "input-too-large")
    ]


def test_javascript_urls_are_reported_and_never_linked(make_app, tmp_path):
    text = (
        FULL.read_text(encoding="utf-8")
        .replace(
            "security-policy: https://example.com/security-policy.html",
            "security-policy: javascript:alert(1)",
        )
        .replace(
            "url: https://github.com/kubernetes/kubernetes", "url: 'javascript:alert(2)//https://x'"
        )
        .replace(
            "evidence: https://example.com/assessment.html",
            "evidence: data:text/html,<script>x</script>",
        )
    )
    srcdir = _project(tmp_path, OPTIONS, text, conf='release = "1"\n')
    app, found = _build(make_app, srcdir)
    bad = sorted((f, line) for f, line, code, _m in found if code == "bad-url")
    assert bad == [
        ("security-insights.yml", 63),
        ("security-insights.yml", 78),
        ("security-insights.yml", 116),
    ]
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert "javascript:" not in html
    assert "data:text" not in html
    assert "<script>x" not in html


def test_a_file_outside_the_source_folder_is_refused(make_app, tmp_path):
    (tmp_path / "outside.yml").write_text(OSSF.read_text(encoding="utf-8"), encoding="utf-8")
    srcdir = _project(tmp_path, OPTIONS.replace("security-insights.yml", "../outside.yml"), None)
    _app, found = _build(make_app, srcdir)
    assert ("index.rst", 4, "file-outside-srcdir") in [
        (f, line, code) for f, line, code, _m in found
    ]


def test_the_file_is_a_dependency_of_its_page(make_app, tmp_path):
    srcdir = _project(tmp_path, OPTIONS, OSSF.read_text(encoding="utf-8"))
    app, _found = _build(make_app, srcdir)
    assert any(
        str(path).endswith("security-insights.yml") for path in app.env.dependencies["index"]
    )


def test_the_template_file_and_the_minimum_need_deep_copies_only():
    # the reading never changes what the loader returned (values are copied out)
    data = load_yaml(FULL.read_text(encoding="utf-8"), LIMITS)
    before = copy.deepcopy(data)
    validate(data, SCHEMA, where="x")
    assert data == before
