"""threat, controls, threats-table and data-flow; the traceability checks; the OTM output.

The models on their own (STRIDE vocabulary, ATT&CK ids, the OWASP severity, the
Mermaid text from hostile names), then real builds of ``tests/roots/test-threats``
(and its MyST twin, which must give the same doctrees), every new check code at
its file and line, and the assembled Markdown, JSON and OTM.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sphinx_jointassessment.attack_risk import owasp_severity
from sphinx_jointassessment.data_flow import (
    Component,
    DataFlow,
    Flow,
    Zone,
    mermaid_label,
    mermaid_text,
    parse_data_flow,
)
from sphinx_jointassessment.stride import attack_url, parse_stride
from sphinx_jointassessment.threat import parse_threat
from sphinx_jointassessment.yamlsafe import YamlLimits, load_yaml

from .conftest import REFERENCE, ROOTS, inventory_names
from .markdownlint import require_markdownlint, run_markdownlint
from .objects_support import (
    assert_marked_warnings,
    assert_same_doctrees,
    build,
    cell_texts,
    soup,
    warnings,
    write_project,
)

if TYPE_CHECKING:
    from sphinx.testing.util import SphinxTestApp

OTM_SCHEMA = REFERENCE / "interop" / "otm-0.2.0.schema.json"
SCHEMA = (
    Path(__file__).resolve().parents[1] / "sphinx_jointassessment/schema/assessment.schema.json"
)

# -- the models on their own --------------------------------------------------------------


def test_stride_names_and_letters() -> None:
    assert parse_stride("S; tampering, Information Disclosure; denial_of_service; e") == (
        ("spoofing", "tampering", "information-disclosure", "denial-of-service",
         "elevation-of-privilege"),
        [],
    )  # fmt: skip
    assert parse_stride("R; X; spoof") == (("repudiation",), ["X", "spoof"])


@pytest.mark.parametrize(
    ("attack_id", "url"),
    [
        ("T1078", "https://attack.mitre.org/techniques/T1078/"),
        ("T1552.001", "https://attack.mitre.org/techniques/T1552/001/"),
        ("TA0001", "https://attack.mitre.org/tactics/TA0001/"),
        ("t1078", None),
        ("T107", None),
        ("T1078.1", None),
        ("TA001", None),
        ("T1078/../x", None),
        ("javascript:alert(1)", None),
    ],
)
def test_attack_ids_by_pattern(attack_id: str, url: str | None) -> None:
    assert attack_url(attack_id) == url


@pytest.mark.parametrize("likelihood", ["low", "medium", "high"])
@pytest.mark.parametrize("impact", ["low", "medium", "high"])
def test_severity_is_the_attack_risk_matrix(likelihood: str, impact: str) -> None:
    threat, problems = parse_threat("t", {"likelihood": likelihood, "impact": impact})
    assert problems == []
    assert threat.severity == owasp_severity(likelihood, impact)


def test_threat_options() -> None:
    threat, problems = parse_threat(
        "  Spoofing   of the admin ",
        {
            "stride": "S",
            "components": "API server; Agent, v2; API server",
            "attack": "T1078, T1552.001",
            "status": "In-Progress",
            "risks": "R-1; R-2",
            "findings": "3",
            "references": "https://example.dev/a; https://example.dev/b",
        },
    )
    assert problems == []
    assert threat.title == "Spoofing of the admin"
    assert threat.id == ""  # numbered T-<n> by the domain
    assert threat.components == ("API server", "Agent, v2")
    assert threat.attack == ("T1078", "T1552.001")
    assert threat.status == "in-progress"
    assert threat.is_open
    assert threat.severity is None
    assert (threat.risks, threat.findings) == (("R-1", "R-2"), ("3",))


def test_threat_option_problems() -> None:
    _, problems = parse_threat(
        "t",
        {"stride": "Q", "attack": "T1", "impact": "huge", "status": "done", "references": "x:y"},
    )
    assert [p.code.value for p in problems] == [
        "schema",
        "bad-identifier",
        "schema",
        "schema",
        "unknown-status",
        "bad-url",
    ]
    _, problems = parse_threat("t", {"likelihood": "low"})
    assert "without :impact:" in problems[0].message


def _decode(label: str) -> str:
    return re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), label[1:-1])


@given(st.text(max_size=60))
@settings(max_examples=200, deadline=None)
def test_mermaid_labels_are_only_text(text: str) -> None:
    label = mermaid_label(text)
    assert re.fullmatch(r'"[A-Za-z0-9 .,:/()+\-_?!@=\'#;]*"', label)
    assert _decode(label) == text


HOSTILE = [
    'A"] --> B',
    "x\nclick c1 call alert(1)",
    "%%{init: {'securityLevel': 'loose'}}%%",
    "<img src=x onerror=alert(1)>",
    "`**md**`",
    "end",
    "subgraph",
    "a|b|c",
    "#quot; &lt;",
    "\u202eevil",
]


def test_mermaid_text_from_hostile_names() -> None:
    zones = tuple(Zone(name, name) for name in HOSTILE[:3])
    components = tuple(
        Component(name, zones[index % 3].name, ("actor", "process", "store")[index % 3])
        for index, name in enumerate(HOSTILE)
    )
    flows = tuple(
        Flow(a.name, b.name, label, (label,), None)
        for a, b, label in zip(components, components[1:], HOSTILE, strict=False)
    )
    text = mermaid_text(DataFlow("d", "t", zones, components, flows))
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    statement = re.compile(
        r"^\s*(subgraph z\d+\[\"[^\"]*\"\]|end|c\d+(\[\"|\(\"|\[\(\")[^\"]*(\"\]|\"\)|\"\)\])"
        r"|c\d+ (-->|==>)(\|\"[^\"]*\"\|)? c\d+)$"
    )
    for line in lines[1:]:
        assert statement.match(line), line  # no statement but ours: no click, no directive
    labels = re.findall(r'"[^"]*"', text)
    assert len(labels) == len(zones) + len(components) + len(flows)
    for label in labels:
        for bad in ("<", ">", "`", "%", "&", "|", "[", "]", "{", "}", "\u202e"):
            assert bad not in label


def test_data_flow_model() -> None:
    data = load_yaml(
        "zones: [{name: A, trust: untrusted}, {name: B}]\n"
        "components: [{name: x, zone: A, kind: actor}, {name: y, zone: B}, {name: z}]\n"
        "flows: [{from: x, to: y}, {from: y, to: z, data: [keys, logs]}]\n",
        YamlLimits(10_000),
    )
    flow, problems = parse_data_flow(data, "d", "D")
    assert problems == []
    assert flow is not None
    assert [flow.crosses(f) for f in flow.flows] == [True, False]
    assert flow.flows[1].data == ("keys", "logs")
    assert flow.as_json()["flows"][0] == {
        "from": "x",
        "to": "y",
        "label": None,
        "data": [],
        "crosses_boundary": True,
    }


# -- builds --------------------------------------------------------------------------------


def real_warnings(app: SphinxTestApp) -> list[str]:
    """Warnings of the build, without those of a second app set up in one process."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue())
    return [
        line
        for line in text.splitlines()
        if "WARNING" in line and "is already registered" not in line
    ]


@pytest.mark.sphinx("html", testroot="threats")
def test_builds_without_warnings(app: SphinxTestApp) -> None:
    app.build()
    assert "WARNING" not in app.warning.getvalue(), app.warning.getvalue()


@pytest.mark.sphinx("html", testroot="threats")
def test_threat_in_place(app: SphinxTestApp) -> None:
    app.build()
    page = soup(app, "threats")
    blocks = page.select("div.ja-threat")
    titles = [block.select_one(".ja-object-title").get_text(" ", strip=True) for block in blocks]
    assert titles == [
        "Threat-01-S: Spoofing of the admin High",
        "T-1: Tampering with stored records",
        "T-2: Denial of service of the API",
    ]
    first = blocks[0]
    links = {a.get_text(): a["href"] for a in first.select("a.reference")}
    assert links["T1552.001"] == "https://attack.mitre.org/techniques/T1552/001/"
    assert links["TA0001"] == "https://attack.mitre.org/tactics/TA0001/"
    assert links["R-1"].startswith("risks.html#")
    controls = first.select_one("div.ja-controls")
    assert controls.select_one(".ja-controls-title").get_text() == "Controls"
    assert len(controls.select("li")) == 2


@pytest.mark.sphinx("html", testroot="threats")
def test_risks_and_findings_list_the_threats_naming_them(app: SphinxTestApp) -> None:
    app.build()
    page = soup(app, "risks")
    cited = [p.get_text(" ", strip=True) for p in page.select("p.ja-cited-by")]
    assert cited == ["Threats: Threat-01-S", "Threats: Threat-01-S"]
    assert page.select_one("p.ja-cited-by a")["href"].startswith("threats.html#")


@pytest.mark.sphinx("html", testroot="threats")
def test_threats_tables(app: SphinxTestApp) -> None:
    app.build()
    tables = soup(app, "tables").select("table.ja-threats-table")
    assert len(tables) == 4
    listed, lightweight, stride, filtered = tables
    assert [th.get_text(strip=True) for th in listed.thead.find_all("th")] == [
        "ID", "Threat", "STRIDE", "Components", "Severity", "Status",
    ]  # fmt: skip
    assert cell_texts(listed)[0] == [
        "Threat-01-S", "Spoofing of the admin", "Spoofing", "Operator; API server", "High",
        "mitigated",
    ]  # fmt: skip
    assert [th.get_text(strip=True) for th in lightweight.thead.find_all("th")] == [
        "Threat", "Description", "Controls", "References",
    ]  # fmt: skip
    row = cell_texts(lightweight)[0]
    assert row[1] == "The identity of an admin can be spoofed with stolen credentials."
    assert "authenticates every request" in row[2]
    assert "Controls" not in row[2]
    assert row[3].startswith("T1078")
    rows = {row[0]: row[1:] for row in cell_texts(stride)}
    header = [th.get_text(strip=True) for th in stride.thead.find_all("th")]
    assert header == ["STRIDE category", "Operator", "API server", "Datastore", "(no component)"]
    assert rows["Spoofing"] == ["Threat-01-S", "Threat-01-S", "", ""]
    assert rows["Tampering"] == ["", "", "T-1", ""]
    assert rows["Denial of Service"] == ["", "", "", "T-2"]
    assert cell_texts(filtered) == [
        ["T-1", "Tampering with stored records", "Tampering, Information Disclosure",
         "Datastore", "", ""],
    ]  # fmt: skip


@pytest.mark.sphinx("html", testroot="threats")
def test_data_flow_in_html(app: SphinxTestApp) -> None:
    app.build()
    page = soup(app, "flows")
    diagram = page.select_one("pre.mermaid")
    assert diagram is not None
    assert 'c1 ==>|"gRPC over mTLS"| c2' in diagram.get_text()
    flows = page.select_one("table.ja-data-flow-flows")
    assert cell_texts(flows) == [
        ["Operator", "API server", "credentials", "gRPC over mTLS", "yes: Internet \u2192 Cluster"],
        ["API server", "Datastore", "", "SQL", "no"],
    ]
    html = (app.outdir / "flows.html").read_text(encoding="utf-8")
    assert "mermaid" in html
    assert 'type="module"' in html


@pytest.mark.sphinx("html", testroot="threats")
def test_objects_inv(app: SphinxTestApp) -> None:
    app.build()
    inventory = app.outdir / "objects.inv"
    assert inventory_names(inventory, "ja:threat") == {"Threat-01-S", "T-1", "T-2"}
    assert inventory_names(inventory, "ja:flow") == {"kestrel-dfd"}


@pytest.mark.filterwarnings("ignore:'tags' will become a required")
def test_rst_and_myst_give_the_same_doctree(make_app, tmp_path) -> None:
    rst = build(make_app, ROOTS / "test-threats", builddir=tmp_path / "rst")
    myst = build(make_app, ROOTS / "test-threats-myst", builddir=tmp_path / "myst")
    assert not real_warnings(rst), rst.warning.getvalue()
    assert not real_warnings(myst), myst.warning.getvalue()
    assert_same_doctrees(rst, myst, ("flows", "threats", "tables", "risks"))


@pytest.mark.parametrize("builder", ["text", "latex", "man"])
def test_other_builders_get_the_tables_and_no_warning(make_app, tmp_path, builder: str) -> None:
    app = build(make_app, ROOTS / "test-threats", builder, builddir=tmp_path)
    assert not real_warnings(app), app.warning.getvalue()
    text = "\n".join(
        path.read_text(encoding="utf-8") for path in app.outdir.rglob("*") if path.is_file()
        and path.suffix in (".txt", ".tex", ".1")
    )  # fmt: skip
    assert "Crosses boundary" in text
    assert "gRPC over mTLS" in text
    assert "[graph" not in text  # sphinxcontrib-mermaid's placeholder for a picture
    assert "flowchart" not in text
    assert "Tampering with stored records" in text


# -- checks --------------------------------------------------------------------------------


@pytest.mark.sphinx("html", testroot="threats-bad")
def test_every_check_code_at_its_line(app: SphinxTestApp) -> None:
    app.build()
    found = assert_marked_warnings(app)
    assert {w.code for w in found} >= {
        "unknown-component",
        "bad-identifier",
        "unassessed-flow",
        "uncovered-threat",
    }
    assert "ERROR" not in app.warning.getvalue()
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert "Orphan controls are shown as written." in html  # shown, not dropped


def _bad_copy(tmp_path: Path, conf_extra: str) -> Path:
    srcdir = tmp_path / "src"
    shutil.copytree(ROOTS / "test-threats-bad", srcdir)
    conf = srcdir / "conf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + conf_extra, encoding="utf-8")
    return srcdir


@pytest.mark.parametrize(
    ("setting", "left"),
    [
        ("jointassessment_traceability = True\n", {"unassessed-flow", "uncovered-threat"}),
        ("jointassessment_traceability = False\n", set()),
        ('suppress_warnings = ["jointassessment.unassessed-flow"]\n', {"uncovered-threat"}),
    ],
)
def test_traceability_can_be_turned_down(make_app, tmp_path, setting: str, left: set[str]) -> None:
    app = build(make_app, _bad_copy(tmp_path, setting), builddir=tmp_path / "build")
    codes = [w.code for w in warnings(app)]
    assert {"unassessed-flow", "uncovered-threat"} & set(codes) == left
    strict_cells = [w for w in warnings(app) if "possible cell" in w.message]
    # the project's conf.py says "strict": the cells are reported unless it is overridden
    assert bool(strict_cells) == ("traceability" not in setting)


def test_no_component_check_without_a_catalogue(make_app, tmp_path) -> None:
    srcdir = write_project(
        tmp_path / "src",
        {
            "index.rst": """\
            T
            =

            .. threat:: Anything
               :components: Anywhere
               :status: accepted

            .. attack-risk-table::
            """
        },
    )
    app = build(make_app, srcdir, builddir=tmp_path / "build")
    assert not real_warnings(app), app.warning.getvalue()
    # the page holds a threat: no "No attack risks are recorded." beside it
    assert "No attack risks are recorded" not in (app.outdir / "index.html").read_text("utf-8")


# -- the assembled assessment --------------------------------------------------------------


def _assembled(make_app, tmp_path, root=ROOTS / "test-threats", **kwargs):
    srcdir = tmp_path / "src"
    if not srcdir.exists():
        shutil.copytree(root, srcdir)
        (srcdir / "assessment.rst").write_text(
            "Assessment\n==========\n\n.. joint-assessment::\n", encoding="utf-8"
        )
        index = srcdir / "index.rst"
        index.write_text(index.read_text(encoding="utf-8") + "   assessment\n", encoding="utf-8")
    app = build(make_app, srcdir, "jointassessment", builddir=tmp_path / "build", **kwargs)
    return Path(app.outdir)


def test_assembled_markdown_json_and_otm(make_app, tmp_path) -> None:
    outdir = _assembled(make_app, tmp_path)
    markdown = (outdir / "joint-assessment.md").read_text(encoding="utf-8")
    data_flow = markdown.index("### Data flow diagram/Architecture diagram")
    assert markdown.index("```mermaid", data_flow) < markdown.index("| From | To |", data_flow)
    threat_model = markdown.index("## Threat Model")
    threats = markdown.index("### Threats", threat_model)
    assert threats < markdown.index("**Threat-01-S: Spoofing of the admin**", threats)
    assert "* The API server authenticates every request." in markdown[threats:]
    data = json.loads((outdir / "joint-assessment.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert data["schema_version"] == 2
    assert [t["id"] for t in data["threats"]] == ["Threat-01-S", "T-1", "T-2"]
    first = data["threats"][0]
    assert first["severity"] == "high"
    assert first["description"].startswith("The identity of an admin can be spoofed")
    assert first["controls"].startswith("* The API server authenticates every request.")
    assert data["threats"][2]["controls"] == ""
    assert data["data_flows"][0]["flows"][0]["crosses_boundary"] is True
    otm = json.loads((outdir / "joint-assessment.otm.json").read_text(encoding="utf-8"))
    schema = json.loads(OTM_SCHEMA.read_text(encoding="utf-8"))
    errors = list(jsonschema.Draft7Validator(schema).iter_errors(otm))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]
    _check_otm_integrity(otm)
    api = next(c for c in otm["components"] if c["name"] == "API server")
    assert api["parent"] == {"trustZone": "zone-cluster"}
    assert [i["threat"] for i in api["threats"]] == ["Threat-01-S"]
    assert otm["dataflows"][0]["threats"][0]["mitigations"] == [
        {"mitigation": "Threat-01-S-M1", "state": "implemented"},
        {"mitigation": "Threat-01-S-M2", "state": "implemented"},
    ]
    spoofing = otm["threats"][0]
    assert spoofing["categories"] == ["Spoofing"]
    assert (spoofing["risk"]["likelihood"], spoofing["risk"]["impact"]) == (50, 75)
    assert spoofing["tags"] == ["T1078", "T1552.001", "TA0001"]
    assert otm["threats"][2]["risk"]["likelihood"] is None


def _check_otm_integrity(otm: dict) -> None:  # type: ignore[type-arg]
    """What the OTM schema does not check: ids unique, every reference resolves."""
    for key in ("trustZones", "components", "dataflows", "threats", "mitigations"):
        ids = [item["id"] for item in otm.get(key, [])]
        assert len(ids) == len(set(ids)), key
    zones = {zone["id"] for zone in otm["trustZones"]}
    components = {component["id"] for component in otm["components"]}
    threats = {threat["id"] for threat in otm["threats"]}
    mitigations = {mitigation["id"] for mitigation in otm["mitigations"]}
    for component in otm["components"]:
        assert component["parent"]["trustZone"] in zones
    for flow in otm["dataflows"]:
        assert {flow["source"], flow["destination"]} <= components
    for holder in [*otm["components"], *otm["dataflows"]]:
        for instance in holder.get("threats", []):
            assert instance["threat"] in threats
            assert {m["mitigation"] for m in instance["mitigations"]} <= mitigations


def test_assembled_markdown_passes_the_cncf_linter(make_app, tmp_path) -> None:
    require_markdownlint()
    outdir = _assembled(make_app, tmp_path)
    assert run_markdownlint(outdir / "joint-assessment.md") == []


def _text(page: object) -> str:
    return " ".join(page.get_text(" ").split())  # type: ignore[attr-defined]


def test_incremental_build_after_editing_a_threat_is_never_stale(make_app, tmp_path) -> None:
    """Editing one threat changes every table, list and id that shows it, as a clean build."""
    outdir = _assembled(make_app, tmp_path)
    html_first = build(make_app, tmp_path / "src", builddir=tmp_path / "build")
    assert "Threats: Threat-01-S" in _text(soup(html_first, "risks"))
    threats = tmp_path / "src" / "threats.rst"
    text = threats.read_text(encoding="utf-8")
    text = text.replace(":id: Threat-01-S", ":id: Threat-09-S").replace(
        ".. threat:: Tampering with stored records",
        ".. threat:: Replay of tokens\n   :stride: S\n   :status: accepted\n\n"
        ".. threat:: Tampering with stored records",
    )
    threats.write_text(text, encoding="utf-8")
    incremental = build(make_app, tmp_path / "src", builddir=tmp_path / "build")
    assert "Threats: Threat-09-S" in _text(soup(incremental, "risks"))
    table = soup(incremental, "tables").select_one("table.ja-threats-table")
    rows = [row[0] for row in cell_texts(table)]
    assert rows == ["Threat-09-S", "T-1", "T-2", "T-3"]
    fresh_dir = tmp_path / "fresh"
    shutil.copytree(tmp_path / "src", fresh_dir)
    clean = build(make_app, fresh_dir, builddir=tmp_path / "clean", freshenv=True)
    for page in ("risks", "tables", "threats"):
        assert str(soup(incremental, page).select_one("div.body")) == str(
            soup(clean, page).select_one("div.body")
        ), page
    incremental_md = _assembled(make_app, tmp_path)
    clean_md = _assembled(make_app, tmp_path / "clean-md", root=fresh_dir, freshenv=True)
    for name in ("joint-assessment.md", "joint-assessment.json", "joint-assessment.otm.json"):
        assert (incremental_md / name).read_bytes() == (clean_md / name).read_bytes(), name
    assert outdir == incremental_md


def test_bench_catalogue_rebuilt_after_renaming_one_threat(make_app, tmp_path) -> None:
    """The benchmark's threat catalogue: after renaming one threat, an incremental build
    writes the threats table (and the threat's page) as a clean build does."""
    import importlib.util

    bench = Path(__file__).resolve().parents[1] / "benchmarks" / "generate.py"
    spec = importlib.util.spec_from_file_location("bench_generate", bench)
    assert spec is not None
    assert spec.loader is not None
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    srcdir = generate.threats(tmp_path / "src", "ext", pages=3)
    first = build(make_app, srcdir, builddir=tmp_path / "build")
    assert not real_warnings(first), first.warning.getvalue()
    generate.rename_threat(srcdir, "ext", 17, 1)
    incremental = build(make_app, srcdir, builddir=tmp_path / "build")
    renamed = generate.threat_title(17, 1)
    listed = cell_texts(soup(incremental, generate.THREATS_TABLE_PAGE).select_one("table"))
    assert [row[1] for row in listed if row[0] == "Threat-0017"] == [renamed]
    clean = build(make_app, srcdir, builddir=tmp_path / "clean", freshenv=True)
    for page in (generate.THREATS_TABLE_PAGE, generate.threats_page_name(1)):
        assert str(soup(incremental, page).select_one("div.body")) == str(
            soup(clean, page).select_one("div.body")
        ), page
