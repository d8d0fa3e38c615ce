"""``joint-assessment.otm.json``: the threat model in the Open Threat Model format (SPEC §4).

Threat-modelling tools (IriusRisk, OWASP Threat Dragon, StartLeft...) read the Open
Threat Model (OTM 0.2.0). The assessment's data-flow diagrams and threat catalogue
are written in it, so the model a project reviewed with the TAG can be opened there:

* trust zones from the diagrams' zones (``zone-<slug>``; trust rating untrusted 0,
  trusted 100, anything else 50, our word kept in ``attributes.trust``);
* components from the diagrams, and those only a threat or a threat matrix names, in
  an ``Unspecified`` zone (``component-<slug>``; the OTM ``type`` tells a client, a
  service and a database apart as Threat Dragon reads it);
* data flows (``flow-<diagram>-<n>``), one diagram representation each;
* threats with their STRIDE categories, ATT&CK ids as tags, likelihood and impact
  (low 25, medium 50, high 75) and every option of the block in ``attributes``;
* mitigations from each threat's ``controls`` (one per item of a bullet list), and
  each threat instantiated on the components it names and on the flows whose two
  ends it names (the rule of the ``unassessed-flow`` check).

The document is built in document order, so two builds of the same sources write
the same bytes. A key with no value is left out (the schema refuses most nulls).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .config import get_config
from .domain import get_domain
from .kinds import Kind
from .stride import STRIDE, attack_url, stride_name
from .threat import controls_items, threat_markdown
from .values import UniqueIds, slug

if TYPE_CHECKING:
    from sphinx.environment import BuildEnvironment

    from .data_flow import DataFlow
    from .domain import AssessmentObject
    from .threat import Threat

OTM_VERSION = "0.2.0"
LEVEL_SCORES = {"low": 25, "medium": 50, "high": 75}
TRUST_RATINGS = {"untrusted": 0, "trusted": 100}
COMPONENT_TYPES = {
    "actor": "generic-client",
    "process": "generic-service",
    "store": "generic-database",
}
#: OTM instance state of a threat, and of its mitigations, per threat status
THREAT_STATES = {
    None: ("exposed", "required"),
    "open": ("exposed", "required"),
    "in-progress": ("partly-mitigated", "required"),
    "mitigated": ("mitigated", "implemented"),
    "accepted": ("accepted", "required"),
    "transferred": ("transferred", "required"),
    "not-applicable": ("not-applicable", "required"),
}
UNSPECIFIED_ZONE = "zone-unspecified"
DIAGRAM_SIZE = {"width": 1000, "height": 600}
_NAME_LENGTH = 100


def _short_name(markdown: str) -> str:
    """A mitigation's name: its first sentence as plain text, at most 100 characters."""
    text = " ".join(re.sub(r"[*_`\[\]]|\]\([^)]*\)", "", markdown).split())
    first = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
    return first if len(first) <= _NAME_LENGTH else first[: _NAME_LENGTH - 1] + "\u2026"


def _risk(threat: Threat) -> dict[str, Any]:
    if threat.likelihood is None or threat.impact is None:
        return {"likelihood": None, "impact": 50, "impactComment": "Not rated in the assessment."}
    return {
        "likelihood": LEVEL_SCORES[threat.likelihood],
        "likelihoodComment": threat.likelihood,
        "impact": LEVEL_SCORES[threat.impact],
        "impactComment": threat.impact,
    }


def _threat_attributes(threat: Threat) -> dict[str, str]:
    values = {
        "stride": "; ".join(threat.stride),
        "actors": "; ".join(threat.actors),
        "attack": "; ".join(threat.attack),
        "likelihood": threat.likelihood or "",
        "impact": threat.impact or "",
        "severity": threat.severity.capitalize() if threat.severity else "",
        "status": threat.status or "",
        "risks": "; ".join(threat.risks),
        "findings": "; ".join(threat.findings),
        "references": "; ".join(threat.references),
    }
    attributes = {key: value for key, value in values.items() if value}
    if threat.severity is None:
        attributes["rated"] = "no"
    return attributes


def otm_document(env: BuildEnvironment) -> dict[str, Any]:
    """The project's threat model as an OTM 0.2.0 document."""
    domain = get_domain(env)
    docname = env.config.root_doc
    project = get_config(env).project
    diagrams: list[AssessmentObject] = domain.objects(Kind.FLOW)
    threats: list[AssessmentObject] = domain.objects(Kind.THREAT)

    zone_ids = UniqueIds("zone")
    zones: list[dict[str, Any]] = []
    for obj in diagrams:
        for zone in obj.model.zones:
            if zone.name in zone_ids.by_name:
                continue
            entry: dict[str, Any] = {
                "id": zone_ids.get(zone.name),
                "name": zone.name,
                "risk": {"trustRating": TRUST_RATINGS.get(zone.trust or "", 50)},
            }
            if zone.trust:
                entry["attributes"] = {"trust": zone.trust}
            zones.append(entry)

    component_ids = UniqueIds("component")
    components: list[dict[str, Any]] = []
    by_name: dict[str, dict[str, Any]] = {}

    def add_component(name: str, kind: str, zone: str | None) -> None:
        if name in by_name:
            return
        parent = zone_ids.by_name[zone] if zone is not None else UNSPECIFIED_ZONE
        entry = {
            "id": component_ids.get(name),
            "name": name,
            "type": COMPONENT_TYPES[kind],
            "parent": {"trustZone": parent},
            "attributes": {"kind": kind},
        }
        by_name[name] = entry
        components.append(entry)

    for obj in diagrams:
        for component in obj.model.components:
            add_component(component.name, component.kind, component.zone)
    for obj in domain.objects(Kind.MATRIX):
        for name in obj.model.components:
            add_component(name, "process", None)
    for obj in threats:
        for name in obj.model.components:
            add_component(name, "process", None)
    if any(entry["parent"]["trustZone"] == UNSPECIFIED_ZONE for entry in components):
        zones.append({"id": UNSPECIFIED_ZONE, "name": "Unspecified", "risk": {"trustRating": 50}})

    flows: list[tuple[dict[str, Any], str, str]] = []
    for obj in diagrams:
        diagram: DataFlow = obj.model
        for number, flow in enumerate(diagram.flows, 1):
            attributes = {"crossesBoundary": "yes" if diagram.crosses(flow) else "no"}
            if flow.data:
                attributes = {"data": "; ".join(flow.data), **attributes}
            entry = {
                "id": f"flow-{slug(obj.id)}-{number}",
                "name": flow.label or f"{flow.source} to {flow.target}",
                "source": by_name[flow.source]["id"],
                "destination": by_name[flow.target]["id"],
                "bidirectional": False,
                "attributes": attributes,
            }
            flows.append((entry, flow.source, flow.target))

    otm_threats: list[dict[str, Any]] = []
    mitigations: list[dict[str, Any]] = []
    for obj in threats:
        threat: Threat = obj.model
        description, _controls = threat_markdown(obj, docname)
        entry = {"id": obj.id, "name": threat.title}
        if description:
            entry["description"] = description
        if threat.stride:
            entry["categories"] = [stride_name(key) for key in STRIDE if key in threat.stride]
        entry["risk"] = _risk(threat)
        tags = [attack_id for attack_id in threat.attack if attack_url(attack_id)]
        if tags:
            entry["tags"] = tags
        attributes = _threat_attributes(threat)
        if attributes:
            entry["attributes"] = attributes
        otm_threats.append(entry)
        state, mitigation_state = THREAT_STATES[threat.status]
        reduction = 100 if threat.status == "mitigated" else 50
        own: list[str] = []
        for number, item in enumerate(controls_items(obj, docname), 1):
            mitigation_id = f"{obj.id}-M{number}"
            own.append(mitigation_id)
            mitigations.append(
                {
                    "id": mitigation_id,
                    "name": _short_name(item) or f"Controls for {threat.title}",
                    "description": item,
                    "riskReduction": reduction,
                }
            )
        instance = {
            "threat": obj.id,
            "state": state,
            "mitigations": [{"mitigation": m, "state": mitigation_state} for m in own],
        }
        named = set(threat.components)
        for name in threat.components:
            by_name[name].setdefault("threats", []).append(instance)
        for flow_entry, source, target in flows:
            if source in named and target in named:
                flow_entry.setdefault("threats", []).append(instance)

    document: dict[str, Any] = {
        "otmVersion": OTM_VERSION,
        "project": {
            "name": project,
            "id": slug(project),
            "attributes": {"generator": "sphinx-jointassessment"},
        },
    }
    if diagrams:
        document["representations"] = [
            {"name": obj.title, "id": obj.id, "type": "diagram", "size": dict(DIAGRAM_SIZE)}
            for obj in diagrams
        ]
    document["trustZones"] = zones
    document["components"] = components
    document["dataflows"] = [entry for entry, _source, _target in flows]
    document["threats"] = otm_threats
    document["mitigations"] = mitigations
    return document
