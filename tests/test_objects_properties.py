"""Property tests: no option value, body or SBOM text makes the object features raise.

The parse and validate functions are pure, so they are called directly with any
text; a few small builds with random option text and bodies check the directives
end to end (the build succeeds, the text is escaped, only web URLs are linked).
"""

from __future__ import annotations

import json

from bs4 import BeautifulSoup
from docutils import nodes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sphinx.testing.util import SphinxTestApp

from sphinx_jointassessment import (
    attack_risk,
    finding,
    hands_on,
    metadata,
    recommendation,
    security_issue,
    summary,
    team,
)
from sphinx_jointassessment.sbom import parse_sbom
from sphinx_jointassessment.urls import WEB_SCHEMES, browser_scheme, url_problem
from sphinx_jointassessment.values import natural_key, parse_date_range, parse_iso_date
from sphinx_jointassessment.yamlsafe import YamlLimits, YamlProblem, load_yaml

from .objects_support import write_project

# option values as docutils and MyST hand them over: one line of any text
line = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"), max_size=60
)
interesting = st.sampled_from(
    [
        "low", "Medium", "HIGH", "yes", "No", "critical", "informational", "fixed", "wontfix",
        "2024-02-29", "2023-02-29", "03012025-03152025", "12312025-01012025", "R-1, R-2",
        "m/a/b; m/c/d", "a/b", "javascript:alert(1)", "JaVaScRiPt:alert(1)", "https://example.org",
        "mailto:security@example.org", "data:text/html,<script>", "<script>alert(1)</script>",
        "http://[::1", "https://", "//evil.example", "", "   ", ";", ",,", "yes. because",
    ]
)  # fmt: skip
value = st.one_of(line, interesting)


def options_for(names: tuple[str, ...]) -> st.SearchStrategy[dict[str, str]]:
    return st.dictionaries(st.sampled_from(names), value)


def _json_ok(model: object) -> None:
    json.dumps(model.as_json(), allow_nan=False)  # type: ignore[attr-defined]


@given(title=line, options=options_for(attack_risk.OPTIONS))
def test_parse_risk_never_raises(title, options):
    risk, problems = attack_risk.parse_risk(title, options)
    _json_ok(risk)
    assert risk.severity in (None, *attack_risk.SEVERITIES)
    attack_risk.render_risk(risk, None, "index")
    attack_risk.render_risk_table([risk], "index")
    assert all(problem.code.value for problem in problems)


@given(title=line, options=options_for(finding.OPTIONS))
def test_parse_finding_never_raises(title, options):
    model, _problems = finding.parse_finding(title, options)
    _json_ok(model)
    finding.render_finding(model, None, "index")
    assert model.severity in (None, *finding.SEVERITIES)
    assert model.status in (None, *finding.STATUSES)


@given(title=line, options=options_for(security_issue.OPTIONS))
def test_parse_issue_never_raises(title, options):
    issue, _problems = security_issue.parse_issue(title, options)
    _json_ok(issue)
    security_issue.render_issue(issue, None)
    security_issue.sort_key(issue)


@given(title=line, options=options_for(recommendation.OPTIONS))
def test_parse_recommendation_never_raises(title, options):
    model, problems = recommendation.parse_recommendation(title, options)
    _json_ok(model)
    assert model.audience in (None, *recommendation.AUDIENCES)
    assert model.status in (None, *recommendation.STATUSES)
    assert all(browser_scheme(url) in WEB_SCHEMES for url in model.addressed_by)
    recommendation.render_fields(model, "index")
    recommendation.heading(None, model)
    assert all(problem.code.value for problem in problems)


@given(options=options_for(summary.OPTIONS))
def test_parse_summary_never_raises(options):
    model, problems = summary.parse_summary(options)
    _json_ok(model)
    refused = [url for url in (model.tracking_issue, model.website) if url and url_problem(url)]
    assert len([p for p in problems if p.code.value == "bad-url"]) == len(refused)
    for shown in (summary.facts(model), summary.facts(model, readme=True)):
        for node in shown:
            for link in node.findall(nodes.reference):
                assert browser_scheme(link["refuri"]) in WEB_SCHEMES


#: YAML bodies an ``assessment-team`` may be given: its keys with any values, and any text
team_keys = st.sampled_from([*team.ROLES, "conflicts", "reviewer", "hard", "soft", "x"])
team_values = st.recursive(
    st.one_of(value, st.none(), st.integers()),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(team_keys, children, max_size=4)
    ),
    max_leaves=12,
)


@given(body=st.one_of(st.dictionaries(team_keys, team_values, max_size=6), st.text(max_size=200)))
def test_parse_team_never_raises(body):
    text = body if isinstance(body, str) else json.dumps(body)
    try:
        data = load_yaml(text, YamlLimits(4096))
    except YamlProblem:
        return
    model, problems = team.parse_team(data)
    _json_ok(model)
    team.render_team(model)
    team.render_conflicts(model)
    assert {key for key, _people in model.roles} <= set(team.ROLES)
    assert all(problem.line is None or problem.line >= 1 for problem in problems)


@given(text=st.one_of(line, st.from_regex(r"[\w .]{0,12}\(?@[\w-]{0,40}\)?", fullmatch=True)))
def test_parse_person_never_raises(text):
    person, problem = team.parse_person(text)
    if person.handle is not None:
        assert problem is None
        assert person.profile == f"https://github.com/{person.handle}"
    team.person_nodes([person])


@given(options=options_for(metadata.OPTIONS), stage=st.booleans())
def test_parse_metadata_never_raises(options, stage):
    meta, _problems = metadata.parse_metadata(options, stage_required=stage)
    _json_ok(meta)
    metadata.render_metadata(meta)


@given(options=options_for(hands_on.OPTIONS))
def test_parse_hands_on_never_raises(options):
    model, _problems = hands_on.parse_hands_on(options)
    _json_ok(model)
    if model.start and model.end:
        assert model.start <= model.end
    hands_on.render_hands_on("P", model, [], False, [])


@given(body=st.text(max_size=300))
def test_security_links_from_any_body(body):
    try:
        data = load_yaml(body, YamlLimits(4096))
    except YamlProblem:
        return
    links, problems = metadata.parse_links(data)
    for link in links:
        assert isinstance(link.doc, str)
        assert isinstance(link.url, str)
    assert all(problem.line is None or problem.line >= 1 for problem in problems)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=5)
    | st.dictionaries(
        st.sampled_from(
            ["bomFormat", "specVersion", "components", "metadata", "component", "bom-ref", "name",
             "version", "group", "dependencies", "ref", "dependsOn", "spdxVersion", "SPDXID",
             "packages", "versionInfo", "documentDescribes", "relationships", "spdxElementId",
             "relationshipType", "relatedSpdxElement", "DESCRIBES", "DEPENDS_ON", "CONTAINS"]
        ) | st.text(max_size=8),
        children,
        max_size=6,
    ),
    max_leaves=30,
)  # fmt: skip


@given(data=json_values, kind=st.sampled_from(["CycloneDX", "SPDX-2.3", None]))
def test_parse_sbom_never_raises_on_any_json(data, kind):
    if isinstance(data, dict) and kind == "CycloneDX":
        data["bomFormat"] = kind
    elif isinstance(data, dict) and kind is not None:
        data["spdxVersion"] = kind
    sbom, problems = parse_sbom(json.dumps(data), "x.json")
    assert sbom is not None or problems
    if sbom is not None:
        json.dumps(sbom.as_json(), allow_nan=False)


@given(text=st.text(max_size=200))
def test_parse_sbom_never_raises_on_any_text(text):
    sbom, problems = parse_sbom(text, "x.json")
    assert sbom is not None or problems


@given(text=st.one_of(line, interesting))
def test_dates_and_ordering_never_raise(text):
    parse_iso_date(text)
    span, reason = parse_date_range(text)
    assert (span is None) != (reason is None)
    # its key compares with any other (digit runs and text runs never meet as int and str)
    ranked = sorted([text, "", "2", "R-10", "R-2", "x"], key=natural_key)
    assert ranked.index("R-2") < ranked.index("R-10")


@given(
    ids=st.lists(st.one_of(line, st.from_regex(r"[A-Z]-[0-9]{1,3}", fullmatch=True)), max_size=8)
)
def test_natural_order_is_total(ids):
    assert sorted(ids, key=natural_key) == sorted(sorted(ids), key=natural_key)


# -- whole builds with random option text and bodies -------------------------------------

safe_line = (
    st.text(
        st.characters(
            min_codepoint=32,
            max_codepoint=0x2FF,
            blacklist_characters="`|*_\\:",
            blacklist_categories=("Cs",),
        ),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)


def _rst_options(options: dict[str, str]) -> str:
    return "".join(f"   :{name}: {text}\n" for name, text in options.items())


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    title=safe_line,
    risk=st.dictionaries(st.sampled_from(attack_risk.OPTIONS), safe_line),
    found=st.dictionaries(st.sampled_from(finding.OPTIONS), safe_line),
    meta=st.dictionaries(st.sampled_from(metadata.OPTIONS), safe_line),
    body=st.lists(safe_line, max_size=3),
)
def test_build_with_random_options_and_bodies(tmp_path_factory, title, risk, found, meta, body):
    text = "\n".join(f"   {part}" for part in body)
    page = (
        "Random\n======\n\n"
        f".. attack-risk:: {title}\n{_rst_options(risk)}\n{text}\n\n"
        f".. finding:: {title}\n{_rst_options(found)}\n{text}\n\n"
        f".. assessment-metadata::\n{_rst_options(meta)}\n"
        ".. attack-risk-table::\n\n.. findings-table::\n\n.. closed-issues-table::\n"
    )
    srcdir = write_project(tmp_path_factory.mktemp("random"), {"index.rst": page})
    app = SphinxTestApp("html", srcdir=srcdir, builddir=srcdir / "_build")
    try:
        app.build()
    finally:
        app.cleanup()
    assert "Traceback" not in app.warning.getvalue()
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    for link in soup.select("div.body a[href]"):
        scheme = browser_scheme(link["href"])
        assert scheme is None or scheme in WEB_SCHEMES, link["href"]
    assert not soup.select("div.body script")


cvss_like = st.one_of(
    line,
    st.builds(
        lambda prefix, parts: prefix + "/".join(parts),
        st.sampled_from(["CVSS:3.0/", "CVSS:3.1/", "CVSS:4.0/", "CVSS:2.0/", ""]),
        st.lists(
            st.builds(
                lambda key, value: f"{key}:{value}",
                st.sampled_from(
                    [
                        "AV",
                        "AC",
                        "PR",
                        "UI",
                        "S",
                        "C",
                        "I",
                        "A",
                        "AT",
                        "VC",
                        "VI",
                        "VA",
                        "SC",
                        "SI",
                        "SA",
                        "E",
                        "CR",
                        "MAV",
                        "X",
                        "",
                    ]
                ),
                st.sampled_from(["N", "L", "H", "P", "A", "R", "U", "C", "X", "", "Z"]),
            ),
            max_size=14,
        ),
    ),
)


@given(vector=cvss_like, issue_id=st.one_of(line, st.from_regex(r"(CVE|GHSA|cve)-[0-9a-z-]{0,20}")))
def test_advisory_parsers_never_raise(vector, issue_id):
    from sphinx_jointassessment.advisory import advisory_url, id_problem, score_vector

    scored, problem = score_vector(vector)
    assert (scored is None) != (problem is None)
    if scored is not None:
        assert 0.0 <= scored.score <= 10.0
        assert scored.severity in ("none", "low", "medium", "high", "critical")
    if advisory_url(issue_id) is not None:
        assert id_problem(issue_id) is None
