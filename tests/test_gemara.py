"""``joint-assessment.gemara.yaml``: a Gemara ThreatCatalog and the CapabilityCatalog it uses.

The ``cue`` tool is not available to the tests, so the Gemara CUE schemas are checked
through a JSON Schema translation (``data/gemara-1.schema.json``, its required
fields compared here with the CUE files) plus, in Python, what CUE states with
comprehensions: unique ids, groups that exist, mapping references that ``extends``
and ``imports`` need, and (stricter than CUE) capability references that resolve.
Gemara's own example catalogs pass; mutations of them fail; the builder's file passes.
"""

from __future__ import annotations

import copy
import datetime
import json
import re
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml

from .conftest import DATA, REFERENCE, ROOTS

GEMARA = REFERENCE / "interop" / "gemara"
SCHEMA = json.loads((DATA / "gemara-1.schema.json").read_text("utf-8"))
GOOD_THREATS = yaml.safe_load((GEMARA / "good-threat-catalog.yaml").read_text("utf-8"))
GOOD_CAPABILITIES = yaml.safe_load((GEMARA / "good-capability-catalog.yaml").read_text("utf-8"))


def schema_errors(document: dict) -> list[str]:
    """The JSON Schema errors of one Gemara document, by its ``metadata.type``."""
    kind = document.get("metadata", {}).get("type", "ThreatCatalog")
    if kind not in ("ThreatCatalog", "CapabilityCatalog"):
        kind = "ThreatCatalog"
    schema = {"$schema": SCHEMA["$schema"], "$defs": SCHEMA["$defs"], "$ref": f"#/$defs/{kind}"}
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in jsonschema.Draft202012Validator(schema).iter_errors(document)
    ]


def _duplicates(ids: list[str]) -> list[str]:
    return sorted({i for i in ids if ids.count(i) > 1})


def rule_errors(document: dict) -> list[str]:
    """What CUE says with comprehensions (threatcatalog.cue, capabilitycatalog.cue...)."""
    errors = []
    metadata = document.get("metadata", {})
    groups = [group["id"] for group in document.get("groups", [])]
    entries = document.get("threats", document.get("capabilities", []))
    references = [ref["id"] for ref in metadata.get("mapping-references", [])]
    for name, ids in [
        ("group", groups),
        ("entry", [entry["id"] for entry in entries]),
        ("mapping reference", references),
        ("applicability group", [g["id"] for g in metadata.get("applicability-groups", [])]),
    ]:
        if _duplicates(ids):
            errors.append(f"duplicate {name} ids {_duplicates(ids)}")
    errors += [
        f"{entry['id']}: group {entry['group']!r} is not a group"
        for entry in entries
        if entry["group"] not in groups
    ]
    if ("extends" in document or "imports" in document) and not references:
        errors.append("extends or imports without metadata.mapping-references")
    if "date" in metadata:
        try:
            datetime.datetime.fromisoformat(metadata["date"])
        except (TypeError, ValueError):
            errors.append(f"metadata.date {metadata['date']!r} is not a date-time")
    for threat in document.get("threats", []):
        for mapping in [*threat.get("capabilities", []), *threat.get("vectors", [])]:
            if mapping["reference-id"] not in references:
                errors.append(f"{threat['id']}: {mapping['reference-id']!r} is not referenced")
    return errors


def stream_errors(threats: dict, capabilities: dict) -> list[str]:
    """Each document's errors, and capabilities the threats name that the catalog lacks."""
    errors = schema_errors(threats) + rule_errors(threats)
    errors += schema_errors(capabilities) + rule_errors(capabilities)
    known = {cap["id"] for cap in capabilities.get("capabilities", [])}
    catalog = capabilities["metadata"]["id"]
    for threat in threats.get("threats", []):
        for mapping in threat["capabilities"]:
            if mapping["reference-id"] != catalog:
                continue
            errors += [
                f"{threat['id']}: capability {entry['reference-id']!r} is not in {catalog}"
                for entry in mapping["entries"]
                if entry["reference-id"] not in known
            ]
    return errors


# -- the schema translation ------------------------------------------------------------------


def _cue_required() -> dict[str, set[str]]:
    """Required fields of each CUE definition, embedded definitions (``#Entity``) included."""
    fields: dict[str, set[str]] = {}
    embeds: dict[str, list[str]] = {}
    for path in sorted(GEMARA.glob("*.cue")):
        current, depth = None, 0
        for raw in path.read_text(encoding="utf-8").splitlines():
            line = raw.split("//", 1)[0].strip()
            if not line:
                continue
            opening = re.match(r"^#(\w+):\s*\{$", line)
            if opening and depth == 0:
                current, depth = opening.group(1), 1
                fields[current], embeds[current] = set(), []
                continue
            if current is None:
                continue
            if depth == 1:
                if re.fullmatch(r"#\w+", line):
                    embeds[current].append(line[1:])
                field = re.match(r'^(?:\w+=)?"?([\w-]+)"?(\?)?:', line)
                if field and not field.group(1).startswith("_") and field.group(2) is None:
                    fields[current].add(field.group(1))
            depth += line.count("{") - line.count("}")
            if depth == 0:
                current = None

    def required(name: str) -> set[str]:
        found = set(fields.get(name, set()))
        for embedded in embeds.get(name, []):
            found |= required(embedded)
        return found

    return {name: required(name) for name in fields}


@pytest.mark.parametrize(
    "name",
    [
        "ThreatCatalog", "Threat", "CapabilityCatalog", "Capability", "Metadata", "Group",
        "Actor", "Contact", "MappingReference", "ArtifactMapping", "MultiEntryMapping",
    ],
)  # fmt: skip
def test_required_fields_are_the_cue_schemas(name):
    assert set(SCHEMA["$defs"][name].get("required", [])) == _cue_required()[name]


def test_gemaras_examples_are_valid():
    assert stream_errors(GOOD_THREATS, GOOD_CAPABILITIES) == []


def _mutate(change) -> list[str]:
    document = copy.deepcopy(GOOD_THREATS)
    change(document)
    return schema_errors(document) + rule_errors(document)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda d: d["threats"][0].update(stride="S"), id="extra-key"),
        pytest.param(lambda d: d["threats"][0].update(group="stride-x"), id="unknown-group"),
        pytest.param(lambda d: d["threats"][0].pop("capabilities"), id="no-capabilities"),
        pytest.param(lambda d: d["threats"][0].update(capabilities=[]), id="empty-capabilities"),
        pytest.param(lambda d: d["threats"][0]["actors"][0].update(type="Attacker"), id="actor"),
        pytest.param(lambda d: d["threats"].append(d["threats"][0]), id="duplicate-id"),
        pytest.param(lambda d: d.pop("groups"), id="no-groups"),
        pytest.param(lambda d: d["metadata"].update(date="2025-06-30"), id="bare-date"),
        pytest.param(lambda d: d["metadata"]["mapping-references"][0].pop("version"), id="ref"),
        pytest.param(lambda d: d["metadata"].update(type="RiskCatalog"), id="type"),
        pytest.param(
            lambda d: d["threats"][0]["capabilities"][0].update({"reference-id": "NOPE"}),
            id="unreferenced",
        ),
    ],
)
def test_mutations_of_the_example_are_caught(change):
    assert _mutate(change)


# -- the builder's file ------------------------------------------------------------------------


def _build(make_app, tmp_path: Path, root: str = "test-threats", conf: str = "") -> Path:
    srcdir = tmp_path / root
    shutil.copytree(ROOTS / root, srcdir)
    if conf:
        with (srcdir / "conf.py").open("a", encoding="utf-8") as handle:
            handle.write(conf)
    app = make_app("jointassessment", srcdir=srcdir, freshenv=True)
    app.build()
    return next(Path(app.outdir).glob("*.gemara.yaml"))


def test_the_file_is_valid_and_holds_every_threat(make_app, tmp_path):
    path = _build(make_app, tmp_path)
    threats, capabilities = yaml.safe_load_all(path.read_text(encoding="utf-8"))
    assert stream_errors(threats, capabilities) == []
    assert threats["metadata"]["type"] == "ThreatCatalog"
    assert capabilities["metadata"]["type"] == "CapabilityCatalog"
    assert [t["id"] for t in threats["threats"]] == ["Threat-01-S", "T-1", "T-2"]
    assert [g["id"] for g in threats["groups"]] == ["stride-s", "stride-t", "stride-d"]
    first, second, third = threats["threats"]
    assert first["group"] == "stride-s"
    assert first["capabilities"] == [
        {
            "reference-id": "kestrel-capability-catalog",
            "entries": [{"reference-id": "operator"}, {"reference-id": "api-server"}],
        }
    ]
    assert first["vectors"] == [
        {
            "reference-id": "mitre-attack",
            "entries": [{"reference-id": i} for i in ("T1078", "T1552.001", "TA0001")],
        }
    ]
    assert first["actors"] == [
        {"id": "external-attacker", "name": "External attacker", "type": "Human"}
    ]
    assert first["description"] == (
        "The identity of an admin can be spoofed with stolen credentials."
    )
    # a second STRIDE category is named in the description (a threat has one group)
    assert second["group"] == "stride-t"
    assert second["description"].endswith("\n\nAlso STRIDE: Information Disclosure.")
    # a threat without components points at the system as a whole
    assert third["capabilities"][0]["entries"] == [{"reference-id": "system"}]
    assert [(c["id"], c["group"], c["description"]) for c in capabilities["capabilities"]] == [
        ("operator", "zone-internet", "Actor in the Internet zone."),
        ("api-server", "zone-cluster", "Process in the Cluster zone."),
        ("datastore", "zone-cluster", "Store in the Cluster zone."),
        ("system", "unzoned", "The system as a whole, for threats that name no component."),
    ]
    assert [g["id"] for g in capabilities["groups"]] == ["zone-internet", "zone-cluster", "unzoned"]


def test_a_project_without_threats_writes_valid_empty_catalogs(make_app, tmp_path):
    path = _build(make_app, tmp_path, "test-complete")
    threats, capabilities = yaml.safe_load_all(path.read_text(encoding="utf-8"))
    assert stream_errors(threats, capabilities) == []
    assert "threats" not in threats


def test_the_self_outline_and_the_version(make_app, tmp_path):
    conf = 'jointassessment_outline = "self"\nversion = "2.3"\n'
    path = _build(make_app, tmp_path, conf=conf)
    assert path.name == "self-assessment.gemara.yaml"
    threats, capabilities = yaml.safe_load_all(path.read_text(encoding="utf-8"))
    assert threats["metadata"]["description"] == (
        "Threats identified in the Kestrel security self-assessment."
    )
    assert threats["metadata"]["version"] == capabilities["metadata"]["version"] == "2.3"
    assert threats["metadata"]["mapping-references"][0]["version"] == "2.3"


def test_two_builds_write_the_same_bytes(make_app, tmp_path):
    first = _build(make_app, tmp_path / "a").read_bytes()
    second = _build(make_app, tmp_path / "b").read_bytes()
    assert first == second


def test_hostile_names_stay_data(make_app, tmp_path):
    srcdir = tmp_path / "src"
    srcdir.mkdir()
    (srcdir / "conf.py").write_text(
        'project = "Example"\nextensions = ["sphinx_jointassessment"]\n', encoding="utf-8"
    )
    (srcdir / "index.rst").write_text(
        "Threats\n=======\n\n"
        ".. threat:: --- !!python/object:os.system\n"
        "   :components: *alias; &anchor; {a: b}\n"
        "   :actors: '; \"\n\n"
        "   Text with ``---`` and ``...`` lines:\n\n"
        "   ---\n\n   ...\n",
        encoding="utf-8",
    )
    app = make_app("jointassessment", srcdir=srcdir, freshenv=True)
    app.build()
    text = (Path(app.outdir) / "joint-assessment.gemara.yaml").read_text(encoding="utf-8")
    documents = list(yaml.safe_load_all(text))
    assert len(documents) == 2
    threats, capabilities = documents
    assert stream_errors(threats, capabilities) == []
    assert threats["threats"][0]["title"] == "--- !!python/object:os.system"
    assert [c["title"] for c in capabilities["capabilities"]] == ["*alias", "&anchor", "{a: b}"]
