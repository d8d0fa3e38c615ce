"""``import --from otm`` and ``import --from threat-dragon`` (SPEC §7).

The shipped examples (tests/data/reference/interop, see SOURCES.txt) are imported in
both formats and built: every zone, component, flow and threat of the file is in a
directive, everything else is kept as text that reaches the assembled Markdown, and
the build finds exactly the checks the model calls for. The example project's own
OTM output, imported and rebuilt, gives the same threats, components and flows.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sphinx_jointassessment.cli.check import build_assessment
from sphinx_jointassessment.cli.emit import dump_yaml
from sphinx_jointassessment.cli.importer.otm import read_otm
from sphinx_jointassessment.cli.importer.threatdragon import read_threat_dragon
from sphinx_jointassessment.cli.importmodel import (
    READERS,
    _Safe,
    myst_model_pages,
    read_model_file,
    rst_model_pages,
)
from sphinx_jointassessment.cli.main import main
from sphinx_jointassessment.cli.model import Report

from .conftest import REFERENCE, REPO_ROOT

if TYPE_CHECKING:
    from pathlib import Path

INTEROP = REFERENCE / "interop"
FORMATS = ("myst", "rst")
TD_FILES = ("threat-dragon-v2-example.json", "threat-dragon-demo.json")


def _load(name: str) -> Any:
    return json.loads((INTEROP / name).read_text(encoding="utf-8"))


def _import_and_build(tool: str, source: Path, fmt: str, tmp_path: Path) -> tuple[Any, Any]:
    out = tmp_path / f"docs-{fmt}"
    assert main(["import", "--from", tool, str(source), "-o", str(out), "--format", fmt]) == 0
    return out, build_assessment(out, tmp_path / f"build-{fmt}")


def _codes(result: Any) -> Counter[str]:
    return Counter(problem.kind.removeprefix("jointassessment.") for problem in result.problems)


# -- OTM --------------------------------------------------------------------------------------


def test_otm_example_every_element_accounted_for() -> None:
    model = read_otm(_load("otm-example.json"))
    (diagram,) = model.diagrams
    assert diagram.zones == [
        {"name": "Internet", "trust": "untrusted"},
        {"name": "Private", "trust": "trusted"},
    ]
    assert [(c["name"], c.get("zone"), c["kind"]) for c in diagram.components] == [
        ("Web Client", "Internet", "actor"),
        ("Web Service", "Private", "process"),
        ("Customer Database", "Private", "store"),
        ("Class CustomerDatabase", "Private", "process"),
    ]
    assert [(f["from"], f["to"], f.get("data")) for f in diagram.flows] == [
        ("Web Client", "Web Service", None),
        ("Web Service", "Customer Database", ["Credit Card Data"]),
    ]
    (threat,) = model.threats
    assert threat.options == {
        "stride": "spoofing; tampering",
        "components": "Web Service; Customer Database",
        "likelihood": "medium",
        "impact": "high",
        "status": "open",
        "references": "https://cwe.mitre.org/data/definitions/79.html; "
        "https://cwe.mitre.org/data/definitions/787.html",
    }
    assert threat.source_id == "22724267-be7e-44c0-8b1f-d7d33e9a34ec"  # a UUID is no :id:
    assert "Tags: sql, cwe-123" in threat.description
    (control,) = threat.controls
    assert control.startswith("**This is the name of mitigation 1**: Description for mitigation 1")
    assert "risk reduction 50 %" in control
    assert "required on the flow" in control
    kept = "\n".join(model.kept)
    for text in ("Mitigation 2", "Credit Card Data", "Public Info", "John Doe", "cmdbId",
                 "tomcat", "tag1-df", "This is the internet trust zone"):  # fmt: skip
        assert text in kept
    assert model.mapped == Counter(zone=2, component=4, flow=2, threat=1, mitigation=1)
    assert any("representation" in note for note in model.notes)


@pytest.mark.parametrize("fmt", FORMATS)
def test_otm_example_builds_with_the_model_checks(fmt: str, tmp_path: Path) -> None:
    out, result = _import_and_build("otm", INTEROP / "otm-example.json", fmt, tmp_path)
    page = (out / f"threat-model.{'md' if fmt == 'myst' else 'rst'}").read_text("utf-8")
    assert "OTM id: 22724267-be7e-44c0-8b1f-d7d33e9a34ec" in page
    codes = _codes(result)
    assert codes["unassessed-flow"] == 1  # Web Client -> Web Service: no threat names both
    assert not {"unknown-component", "schema", "yaml-error", "uncovered-threat"} & set(codes)
    assert not [p for p in result.problems if not p.kind.startswith("jointassessment")]
    data = result.data
    assert [t["title"] for t in data["threats"]] == ["Threat 1"]
    assert data["threats"][0]["severity"] == "high"
    assert len(data["data_flows"][0]["flows"]) == 2
    markdown = (result.outdir / "joint-assessment.md").read_text("utf-8")
    threat_model = markdown[markdown.index("## Threat Model") :]
    for text in ("Mitigation 2", "Credit Card Data", "John Doe", "Threat 1"):
        assert text in threat_model  # what fits no directive reaches the submitted file


# -- Threat Dragon ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", TD_FILES)
def test_threat_dragon_examples_every_element_accounted_for(name: str) -> None:
    model = read_threat_dragon(_load(name))
    (diagram,) = model.diagrams
    assert (diagram.title, diagram.name) == ("Main Request Data Flow", "main-request-data-flow")
    zones = {zone["name"]: zone.get("trust") for zone in diagram.zones}
    assert zones == {
        "Background Worker Process zone": None,
        "Database zone": None,
        "Web Application zone": None,
        "Message Queue zone": None,
        "Browser zone": "untrusted",
    }
    members = {c["name"]: (c["kind"], c["zone"]) for c in diagram.components}
    assert members == {
        "Worker Config": ("store", "Background Worker Process zone"),
        "Background Worker Process": ("process", "Background Worker Process zone"),
        "Database": ("store", "Database zone"),
        "Web Application Config": ("store", "Web Application zone"),
        "Web Application": ("process", "Web Application zone"),
        "Message Queue": ("store", "Message Queue zone"),
        "Browser": ("actor", "Browser zone"),
    }
    assert len(diagram.flows) == 10
    label = "Web Request (HTTP/S, encrypted, public network)"
    assert {"from": "Browser", "to": "Web Application", "label": label} in diagram.flows
    assert len(model.threats) == 14
    stride = Counter(t.options["stride"] for t in model.threats)
    assert stride == {"information-disclosure": 10, "denial-of-service": 2, "tampering": 1,
                      "spoofing": 1}  # fmt: skip
    assert Counter(t.options["status"] for t in model.threats) == {"open": 10, "mitigated": 4}
    levels = Counter((t.options["likelihood"], t.options["impact"]) for t in model.threats)
    assert levels == {("medium", "high"): 8, ("medium", "medium"): 4, ("low", "medium"): 2}
    assert all(len(t.controls) == 1 for t in model.threats)  # every threat has its mitigation
    on_flow = [t for t in model.threats if ";" in t.options["components"]]
    assert len(on_flow) == 5
    kept = "\n".join(model.kept)
    assert "This data flow represents a read from the file system" in kept
    assert "Mike Goodwin" in kept
    assert "Jane Smith" in kept
    assert "Albert Moneypenny" in kept
    assert model.mapped["component"] == 7
    assert model.mapped["flow"] == 10


@pytest.mark.parametrize("fmt", FORMATS)
def test_threat_dragon_builds_with_the_model_checks(fmt: str, tmp_path: Path) -> None:
    source = INTEROP / "threat-dragon-v2-example.json"
    _out, result = _import_and_build("threat-dragon", source, fmt, tmp_path)
    codes = _codes(result)
    assert codes["unassessed-flow"] == 2  # Queries and Web App Query Results
    assert not {"unknown-component", "uncovered-threat", "schema", "yaml-error"} & set(codes)
    assert not [p for p in result.problems if not p.kind.startswith("jointassessment")]
    data = result.data
    assert len(data["threats"]) == 14
    assert sum(1 for t in data["threats"] if t["controls"]) == 14
    assert Counter(t["severity"] for t in data["threats"]) == {"high": 8, "medium": 4, "low": 2}
    markdown = (result.outdir / "joint-assessment.md").read_text("utf-8")
    assert "Out of scope in the Threat Dragon model" in markdown
    assert "Encrypt the DB credentials in the configuration file." in markdown


def test_rst_and_myst_imports_give_the_same_assessment(tmp_path: Path) -> None:
    source = INTEROP / "threat-dragon-demo.json"
    results = [_import_and_build("threat-dragon", source, fmt, tmp_path)[1] for fmt in FORMATS]
    myst, rst = (result.data for result in results)
    for key in ("threats", "data_flows"):  # the same objects; only their source lines differ
        same = [{**entry, "source": None} for entry in myst[key]]
        assert same == [{**entry, "source": None} for entry in rst[key]]


# -- round trip -------------------------------------------------------------------------------


def _comparable(otm: dict[str, Any]) -> dict[str, Any]:
    """The parts of an OTM document a round trip keeps: threats, components, flows."""
    zones = {zone["id"]: zone["name"] for zone in otm["trustZones"]}
    components = {c["id"]: c["name"] for c in otm["components"]}

    def instances(entry: dict[str, Any]) -> list[str]:
        return sorted(instance["threat"] for instance in entry.get("threats", []))

    return {
        "zones": sorted((z["name"], z["risk"]["trustRating"]) for z in otm["trustZones"]),
        "components": sorted(
            (c["name"], c["type"], zones[c["parent"]["trustZone"]], json.dumps(instances(c)))
            for c in otm["components"]
        ),
        "flows": sorted(
            (
                f["name"],
                components[f["source"]],
                components[f["destination"]],
                json.dumps(f["attributes"]),
                json.dumps(instances(f)),
            )
            for f in otm["dataflows"]
        ),
        "threats": [
            {
                **t,
                "attributes": {
                    **t.get("attributes", {}),
                    "stride": t.get("attributes", {}).get("stride"),
                },
            }
            for t in otm["threats"]
        ],
        "mitigations": [
            (m["id"], m["description"], m["riskReduction"]) for m in otm["mitigations"]
        ],
    }


@pytest.fixture(scope="module")
def example_otm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    build = tmp_path_factory.mktemp("example")
    result = build_assessment(REPO_ROOT / "example_project", build)
    path = result.outdir / "joint-assessment.otm.json"
    assert path.is_file()
    return path


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_example_round_trips_through_otm(example_otm: Path, fmt: str, tmp_path: Path) -> None:
    original = json.loads(example_otm.read_text("utf-8"))
    assert original["threats"]
    assert original["dataflows"]
    _out, result = _import_and_build("otm", example_otm, fmt, tmp_path)
    rebuilt = json.loads((result.outdir / "joint-assessment.otm.json").read_text("utf-8"))
    assert _comparable(rebuilt) == _comparable(original)


# -- files that are not models ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"{not json", "not JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "JSON"),
        (b"\xff\xfe", "not UTF-8"),
        (b"a: &a [*a]\n", ""),
    ],
)
def test_a_file_that_is_no_model_is_one_line_error(
    content: bytes, needle: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suffix = ".yaml" if content.startswith(b"a:") else ".json"
    source = tmp_path / f"model{suffix}"
    source.write_bytes(content)
    code = main(["import", "--from", "otm", str(source), "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    assert needle in err
    assert len(err.strip().splitlines()) == 1


def test_a_huge_file_is_refused_before_it_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "huge.json"
    source.write_bytes(b'{"otmVersion": "0.2.0", "x": "' + b"a" * (2 * 1024 * 1024) + b'"}')
    code = main(["import", "--from", "threat-dragon", str(source), "-o", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2
    assert "over the limit" in err


def test_any_json_value_is_a_model_or_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "list.json"
    source.write_text("[1, 2]", encoding="utf-8")
    assert main(["import", "--from", "otm", str(source), "-o", str(tmp_path / "o")]) == 0
    assert "warning: the file holds no OTM object" in capsys.readouterr().out


def test_hostile_text_stays_text(tmp_path: Path) -> None:
    """Descriptions are shown as text: no raw HTML, no directive, no script link."""
    model = {
        "otmVersion": "0.2.0",
        "project": {"name": "P", "id": "p", "description": "<script>alert(1)</script>"},
        "trustZones": [{"id": "z", "name": "Z", "risk": {"trustRating": 0}}],
        "components": [{"id": "a", "name": "A: {x}", "type": "t", "parent": {"trustZone": "z"}}],
        "dataflows": [],
        "threats": [
            {
                "id": "T-1",
                "name": "```{raw} html",
                "risk": {"likelihood": 10, "impact": 90},
                "description": "```{raw} html\n<img src=x onerror=alert(1)>\n```\n\n"
                "# Heading\n\n[x](javascript:alert(1))\n\n:option: value",
            }
        ],
        "mitigations": [],
    }
    source = tmp_path / "hostile.json"
    source.write_text(json.dumps(model), encoding="utf-8")
    for fmt in FORMATS:
        out = tmp_path / f"docs-{fmt}"
        assert main(["import", "--from", "otm", str(source), "-o", str(out), "--format", fmt]) == 0
        result = build_assessment(out, tmp_path / f"build-{fmt}")
        assert not [p for p in result.problems if not p.kind.startswith("jointassessment")]
        markdown = (result.outdir / "joint-assessment.md").read_text("utf-8")
        assert "```text\n<script>alert(1)</script>\n```" in markdown  # shown as code
        assert "```text\n<img src=x onerror=alert(1)>\n```" in markdown
        assert not re.search(r"(?<!\\)\]\(javascript:", markdown)  # text, never a link
        page = (out / f"threat-model.{'md' if fmt == 'myst' else 'rst'}").read_text("utf-8")
        lines = page.splitlines()
        assert not [line for line in lines if line.startswith(("```{raw}", ".. raw::"))]
        assert result.data["threats"][0]["likelihood"] == "low"


# -- hostile input (hypothesis) ---------------------------------------------------------------

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["", ";", "```{raw} html", "<script>", "javascript:x", "# H", ":a: b",
                     "tm.Flow", "tm.Actor", "tm.Boundary", "Critical", "Open", "STRIDE", "CIA"]),
)  # fmt: skip
_JSON = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=25,
)
_POINT = st.fixed_dictionaries({"x": _SCALARS | st.integers(0, 500), "y": st.integers(0, 500)})
_TD_CELL = st.fixed_dictionaries(
    {
        "id": st.sampled_from(["a", "b", "c", "d"]),
        "shape": st.sampled_from(
            [
                "actor",
                "process",
                "store",
                "flow",
                "trust-boundary-curve",
                "trust-boundary-box",
                "td-text-block",
                "x",
            ]
        ),
        "position": _POINT | _JSON,
        "size": st.fixed_dictionaries(
            {"width": st.integers(-5, 300), "height": st.integers(0, 300)}
        ),
        "source": st.fixed_dictionaries({"cell": st.sampled_from(["a", "b", "c"])}) | _POINT,
        "target": st.fixed_dictionaries({"cell": st.sampled_from(["a", "b", "d"])}) | _POINT,
        "vertices": st.lists(_POINT | _JSON, max_size=3),
        "data": st.fixed_dictionaries(
            {
                "type": _SCALARS,
                "name": _SCALARS,
                "outOfScope": _SCALARS,
                "threats": st.lists(
                    st.dictionaries(
                        st.sampled_from(
                            [
                                "title",
                                "type",
                                "modelType",
                                "status",
                                "severity",
                                "description",
                                "mitigation",
                                "number",
                                "score",
                                "x",
                            ]
                        ),
                        _SCALARS,
                        max_size=6,
                    ),
                    max_size=2,
                )
                | _JSON,
            },
        ),
    }
)
_TD = st.fixed_dictionaries(
    {
        "summary": st.dictionaries(st.sampled_from(["title", "owner", "description"]), _SCALARS),
        "detail": st.fixed_dictionaries(
            {
                "diagrams": st.lists(
                    st.fixed_dictionaries(
                        {"title": _SCALARS, "cells": st.lists(_TD_CELL, max_size=6) | _JSON}
                    ),
                    max_size=2,
                ),
                "contributors": _JSON,
                "reviewer": _SCALARS,
            }
        ),
    }
)
_OTM_REF = st.sampled_from(["z", "a", "b", "t", "m", "", None])
_OTM = st.fixed_dictionaries(
    {
        "otmVersion": _SCALARS,
        "project": st.dictionaries(
            st.sampled_from(["name", "id", "description", "attributes"]), _JSON, max_size=4
        ),
        "trustZones": st.lists(
            st.fixed_dictionaries(
                {"id": _OTM_REF, "name": _SCALARS, "risk": _JSON, "attributes": _JSON}
            ),
            max_size=3,
        ),
        "components": st.lists(
            st.fixed_dictionaries(
                {
                    "id": _OTM_REF,
                    "name": _SCALARS,
                    "type": _SCALARS,
                    "parent": st.fixed_dictionaries({"trustZone": _OTM_REF})
                    | st.fixed_dictionaries({"component": _OTM_REF})
                    | _JSON,
                    "threats": st.lists(
                        st.fixed_dictionaries(
                            {
                                "threat": _OTM_REF,
                                "state": _SCALARS,
                                "mitigations": st.lists(
                                    st.fixed_dictionaries(
                                        {"mitigation": _OTM_REF, "state": _SCALARS}
                                    ),
                                    max_size=2,
                                )
                                | _JSON,
                            }
                        ),
                        max_size=2,
                    )
                    | _JSON,
                }
            ),
            max_size=4,
        ),
        "dataflows": st.lists(
            st.fixed_dictionaries(
                {
                    "id": _OTM_REF,
                    "name": _SCALARS,
                    "source": _OTM_REF,
                    "destination": _OTM_REF,
                    "bidirectional": _SCALARS,
                    "attributes": _JSON,
                    "threats": _JSON,
                }
            ),
            max_size=3,
        ),
        "threats": st.lists(
            st.fixed_dictionaries(
                {
                    "id": _OTM_REF | _SCALARS,
                    "name": _SCALARS,
                    "categories": _JSON,
                    "cwes": _JSON,
                    "risk": st.fixed_dictionaries({"likelihood": _SCALARS, "impact": _SCALARS})
                    | _JSON,
                    "description": _SCALARS,
                    "tags": _JSON,
                    "attributes": _JSON,
                }
            ),
            max_size=3,
        ),
        "mitigations": st.lists(
            st.fixed_dictionaries(
                {
                    "id": _OTM_REF,
                    "name": _SCALARS,
                    "description": _SCALARS,
                    "riskReduction": _SCALARS,
                    "attributes": _JSON,
                }
            ),
            max_size=3,
        ),
    }
)


def _read_and_write(tool: str, data: Any) -> None:
    model = READERS[tool](data)
    safe = _Safe(Report(source="x", outline="joint", project="p"))
    for pages in (myst_model_pages(model, safe), rst_model_pages(model, safe)):
        assert set(pages) >= {"index.md", "threat-model.md"} or set(pages) >= {
            "index.rst",
            "threat-model.rst",
        }
    for diagram in model.diagrams:  # the data-flow body reads back as written
        assert yaml.safe_load("\n".join(dump_yaml(diagram.body()))) == diagram.body()
        names = [component["name"] for component in diagram.components]
        assert len(names) == len(set(names))
        assert all(";" not in name for name in names)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tool=st.sampled_from(sorted(READERS)), data=_JSON)
def test_any_json_reads_and_writes_without_raising(tool: str, data: Any) -> None:
    _read_and_write(tool, data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=_OTM)
def test_hostile_otm_reads_and_writes_without_raising(data: Any) -> None:
    _read_and_write("otm", data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=_TD)
def test_hostile_threat_dragon_reads_and_writes_without_raising(data: Any) -> None:
    _read_and_write("threat-dragon", data)


def test_otm_as_yaml_reads_as_the_json_does(tmp_path: Path) -> None:
    """OTM may be YAML: read with the extension's safe loader, it gives the same model."""
    data = _load("otm-example.json")
    source = tmp_path / "model.yaml"
    source.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    from_yaml, from_json = read_otm(read_model_file(source)), read_otm(data)
    assert from_yaml.diagrams == from_json.diagrams
    assert from_yaml.threats == from_json.threats
    assert from_yaml.kept == from_json.kept
