"""``import --from otm``: an Open Threat Model (OTM 0.2.0) document as a :class:`ThreatModel`.

OTM keeps a threat model as data: trust zones, components (each in a zone or in
another component), data flows between components, threats and mitigations defined
once, and instances tying a threat to the components and flows it touches. Read here:

* the whole document is one ``data-flow`` (zones, components, flows); the trust of a
  zone is ``attributes.trust`` when the file has it, else its rating (below 50
  untrusted, above 50 trusted);
* each threat is a ``threat``: its categories as STRIDE, its components from its
  instances (both ends of a flow that carries it), likelihood and impact by thirds of
  0-100, its status from the instances' states, its mitigations as ``controls``;
* what our own writer (``joint-assessment.otm.json``) keeps in ``attributes`` is read
  back exactly, so a model written by the builder and imported gives the same threats,
  components and flows.

Nothing is trusted: every value is type-checked where it is read; a value of the
wrong type, an id that names nothing, a key no directive holds, is kept as text or
listed in the report, never dropped in silence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...stride import attack_url, parse_stride
from .threatmodel import (
    LEVELS,
    STATUSES,
    Diagram,
    DiagramNames,
    ModelThreat,
    Names,
    ThreatModel,
    as_items,
    as_list,
    as_map,
    as_text,
    component_kind,
    keepable_id,
    level,
    one_line,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

GENERATOR = "sphinx-jointassessment"
#: the zone our writer invents for components no diagram places
UNSPECIFIED_ZONE = "zone-unspecified"
#: keys of the document, and of its parts, that this reader places somewhere
_TOP_KEYS = frozenset(
    ("otmVersion", "project", "representations", "assets", "trustZones", "components",
     "dataflows", "threats", "mitigations")
)  # fmt: skip
#: the keys of each kind of object this reader places (layout ``representations`` aside)
_KNOWN = {
    "project": ("name", "id", "description", "owner", "ownerContact", "tags", "attributes"),
    "trust zone": ("id", "name", "type", "description", "risk", "parent", "attributes",
                   "representations"),
    "component": ("id", "name", "type", "description", "parent", "assets", "threats", "tags",
                  "attributes", "representations"),
    "data flow": ("id", "name", "description", "source", "destination", "bidirectional",
                  "assets", "threats", "tags", "attributes", "representations"),
    "threat": ("id", "name", "description", "categories", "cwes", "risk", "tags", "attributes"),
    "mitigation": ("id", "name", "description", "riskReduction", "attributes"),
    "asset": ("id", "name", "description", "risk", "attributes"),
}  # fmt: skip
_OUR_THREAT_ATTRIBUTES = frozenset(
    ("stride", "actors", "attack", "likelihood", "impact", "severity", "status", "risks",
     "findings", "references", "rated")
)  # fmt: skip
#: instance states, in the order they decide a threat's status
_STATE_WORDS = (
    ("open", ("exposed", "expose", "open", "unmitigated", "not-mitigated")),
    ("in-progress", ("partly-mitigated", "partially-mitigated", "mitigating", "in-progress")),
    ("mitigated", ("mitigated", "mitigate", "fixed", "closed")),
    ("accepted", ("accepted", "accept")),
    ("transferred", ("transferred", "transfer")),
    ("not-applicable", ("not-applicable", "na", "n/a", "not-relevant")),
)
_OUR_COMMENTS = frozenset((*LEVELS, "Not rated in the assessment."))


def _split(value: Any) -> list[str]:
    return [item.strip() for item in as_text(value).split(";") if item.strip()]


def _attribute_lines(label: str, attributes: Mapping[Any, Any], skip: frozenset[str]) -> list[str]:
    shown = [
        f"{key}: {one_line(as_text(value)) or one_line(repr(value))}"
        for key, value in attributes.items()
        if str(key) not in skip
    ]
    return [f"{label}: " + "; ".join(shown)] if shown else []


class _OtmReader:
    def __init__(self, data: Any) -> None:
        self.data = as_map(data)
        project = as_map(self.data.get("project"))
        self.ours = as_text(as_map(project.get("attributes")).get("generator")) == GENERATOR
        title = one_line(as_text(project.get("name"))) or "Threat model"
        self.model = ThreatModel(tool="OTM", title=title, project=title)
        self.names = Names()
        self.zone_names: dict[str, str] = {}
        self.component_zone: dict[str, str | None] = {}
        self.flow_ends: dict[str, tuple[str, str]] = {}
        #: threat id -> components named, and (place, state) of each instance
        self.touched: dict[str, list[str]] = {}
        self.states: dict[str, list[str]] = {}
        #: mitigation id -> (place, state) of each instance
        self.mitigation_uses: dict[str, list[tuple[str, str]]] = {}
        self.threat_mitigations: dict[str, list[str]] = {}
        #: objects placed on a drawing (their position and size are not read)
        self.layout = 0

    def unknown(self, kind: str, item: Mapping[Any, Any]) -> None:
        """Report the keys of *item* no directive or kept text holds."""
        for key in item:
            if str(key) not in _KNOWN[kind]:
                name = one_line(as_text(item.get("name"))) or as_text(item.get("id")) or "?"
                self.model.notes.append(f"not read: key {str(key)!r} of {kind} {name}")
        layout = item.get("representations")
        if isinstance(layout, list) and layout:
            self.layout += 1

    def read(self) -> ThreatModel:
        if not self.data:
            self.model.warnings.append("the file holds no OTM object (a JSON or YAML mapping)")
            return self.model
        version = as_text(self.data.get("otmVersion"))
        if version != "0.2.0":
            self.model.warnings.append(f"otmVersion is {version or 'missing'}; read as OTM 0.2.0")
        for key in self.data:
            if str(key) not in _TOP_KEYS:
                self.model.notes.append(f"not read: top-level key {str(key)!r}")
        self._project()
        diagram = Diagram(title=self.model.title, name=DiagramNames().get(self.model.title, 1))
        self._zones(diagram)
        self._components(diagram)
        self._flows(diagram)
        if diagram.components:
            self.model.diagrams.append(diagram)
        self._representations()
        self._assets()
        mitigations = {
            as_text(item.get("id")): item for item in as_items(self.data.get("mitigations"))
        }
        for item in mitigations.values():
            self.unknown("mitigation", item)
        for item in as_items(self.data.get("threats")):
            self._threat(item, mitigations)
        unused = [m for key, m in mitigations.items() if key not in self.mitigation_uses]
        for item in unused:
            self.model.keep(
                "mitigation",
                [f"Mitigation that no threat instance refers to: {self._mitigation_text(item)}"],
            )
        return self.model

    # -- project, zones, components, flows ---------------------------------------------

    def _project(self) -> None:
        project = as_map(self.data.get("project"))
        self.unknown("project", project)
        lines = []
        description = as_text(project.get("description"))
        if description:
            lines.append(description)
        for key, label in (("owner", "Owner"), ("ownerContact", "Owner contact")):
            if as_text(project.get(key)):
                lines.append(f"{label}: {one_line(as_text(project.get(key)))}")
        tags = [one_line(as_text(tag)) for tag in as_list(project.get("tags")) if as_text(tag)]
        if isinstance(project.get("tags"), list) and tags:
            lines.append("Tags: " + ", ".join(tags))
        skip = frozenset(("generator",))
        lines += _attribute_lines("Attributes", as_map(project.get("attributes")), skip)
        if lines:
            self.model.keep("project", [f"The threat model {self.model.title}:", *lines])

    def _zones(self, diagram: Diagram) -> None:
        taken: set[str] = set()
        for item in as_items(self.data.get("trustZones")):
            self.unknown("trust zone", item)
            zone_id = as_text(item.get("id"))
            if self.ours and zone_id == UNSPECIFIED_ZONE:
                self.model.mapped["zone"] += 1  # our writer's home for unplaced components
                continue
            name = one_line(as_text(item.get("name"))) or f"Trust zone {len(taken) + 1}"
            base, number = name, 1
            while name in taken:
                number += 1
                name = f"{base} ({number})"
            taken.add(name)
            self.zone_names[zone_id] = name
            zone: dict[str, str] = {"name": name}
            trust = as_text(as_map(item.get("attributes")).get("trust"))
            rating = as_map(item.get("risk")).get("trustRating")
            if not trust and isinstance(rating, int | float) and not isinstance(rating, bool):
                trust = "untrusted" if rating < 50 else "trusted" if rating > 50 else ""
            if trust:
                zone["trust"] = one_line(trust)
            diagram.zones.append(zone)
            self.model.mapped["zone"] += 1
            lines = []
            if as_text(item.get("description")):
                lines.append(as_text(item.get("description")))
            if as_text(item.get("type")):
                lines.append(f"Type: {one_line(as_text(item.get('type')))}")
            parent = as_map(item.get("parent"))
            if parent:
                lines.append(
                    "Inside: " + ", ".join(as_text(v) for v in parent.values() if as_text(v))
                )
            lines += _attribute_lines(
                "Attributes", as_map(item.get("attributes")), frozenset({"trust"})
            )
            if lines:
                self.model.keep("zone", [f"Trust zone {name}:", *lines])

    def _components(self, diagram: Diagram) -> None:
        items = as_items(self.data.get("components"))
        parents = {as_text(item.get("id")): as_map(item.get("parent")) for item in items}

        def zone_of(component_id: str) -> str | None:
            seen: set[str] = set()
            current = component_id
            while current and current not in seen:
                seen.add(current)
                parent = parents.get(current, {})
                if as_text(parent.get("trustZone")):
                    return self.zone_names.get(as_text(parent.get("trustZone")))
                current = as_text(parent.get("component"))
            return None

        for index, item in enumerate(items):
            self.unknown("component", item)
            component_id = as_text(item.get("id")) or f"#{index}"
            attributes = as_map(item.get("attributes"))
            kind = component_kind(item.get("type"), attributes.get("kind"))
            name = self.names.add(component_id, item.get("name"), kind)
            zone = zone_of(component_id)
            entry = {"name": name}
            if zone is not None:
                entry["zone"] = zone
            entry["kind"] = kind
            diagram.components.append(entry)
            self.component_zone[component_id] = zone
            self.model.mapped["component"] += 1
            self._instances(item.get("threats"), name, [name])
            lines = []
            if as_text(item.get("description")):
                lines.append(as_text(item.get("description")))
            type_name = as_text(item.get("type"))
            if type_name and not (self.ours and "kind" in attributes):
                lines.append(f"Type: {one_line(type_name)}")
            assets = as_map(item.get("assets"))
            for key in ("processed", "stored"):
                names = [self._asset_name(a) for a in as_list(assets.get(key)) if as_text(a)]
                if isinstance(assets.get(key), list) and names:
                    lines.append(f"Assets {key}: " + ", ".join(names))
            tags = item.get("tags")
            if isinstance(tags, list) and any(as_text(tag) for tag in tags):
                lines.append("Tags: " + ", ".join(as_text(tag) for tag in tags if as_text(tag)))
            lines += _attribute_lines("Attributes", attributes, frozenset({"kind"}))
            if lines:
                self.model.keep("component", [f"Component {name}:", *lines])

    def _asset_name(self, asset_id: Any) -> str:
        for item in as_items(self.data.get("assets")):
            if as_text(item.get("id")) == as_text(asset_id):
                return one_line(as_text(item.get("name"))) or as_text(asset_id)
        return as_text(asset_id)

    def _flows(self, diagram: Diagram) -> None:
        for index, item in enumerate(as_items(self.data.get("dataflows"))):
            self.unknown("data flow", item)
            flow_id = as_text(item.get("id")) or f"#{index}"
            name = one_line(as_text(item.get("name")))
            ends = [
                self.names.by_key.get(as_text(item.get(key))) for key in ("source", "destination")
            ]
            source, target = ends
            if source is None or target is None:
                self.model.keep(
                    "flow",
                    [f"Data flow {name or flow_id} (from {as_text(item.get('source')) or '?'} to "
                     f"{as_text(item.get('destination')) or '?'}): an end is not a component, "
                     "so it is not in the diagram."],
                )  # fmt: skip
                continue
            flow: dict[str, Any] = {"from": source, "to": target}
            label = name if name and name != f"{source} to {target}" else ""
            if item.get("bidirectional") is True:
                label = f"{label} (bidirectional)".strip()
            if label:
                flow["label"] = label
            attributes = as_map(item.get("attributes"))
            data = _split(attributes.get("data"))
            if not data and isinstance(item.get("assets"), list):
                data = [self._asset_name(a) for a in item["assets"] if as_text(a)]
            if data:
                flow["data"] = [one_line(entry) for entry in data]
            diagram.flows.append(flow)
            self.flow_ends[flow_id] = (source, target)
            self.model.mapped["flow"] += 1
            place = f"the flow {source} to {target}"
            self._instances(item.get("threats"), place, [source, target])
            lines = []
            if as_text(item.get("description")):
                lines.append(as_text(item.get("description")))
            tags = item.get("tags")
            if isinstance(tags, list) and any(as_text(tag) for tag in tags):
                lines.append("Tags: " + ", ".join(as_text(tag) for tag in tags if as_text(tag)))
            skip = frozenset(("data", "crossesBoundary"))
            lines += _attribute_lines("Attributes", attributes, skip)
            if lines:
                self.model.keep("flow", [f"Data flow {source} to {target}:", *lines])

    def _instances(self, value: Any, place: str, components: list[str]) -> None:
        for instance in as_items(value):
            threat_id = as_text(instance.get("threat"))
            if not threat_id:
                continue
            touched = self.touched.setdefault(threat_id, [])
            touched += [name for name in components if name not in touched]
            self.states.setdefault(threat_id, []).append(as_text(instance.get("state")).casefold())
            own = self.threat_mitigations.setdefault(threat_id, [])
            for used in as_items(instance.get("mitigations")):
                mitigation = as_text(used.get("mitigation"))
                if not mitigation:
                    continue
                if mitigation not in own:
                    own.append(mitigation)
                state = as_text(used.get("state"))
                self.mitigation_uses.setdefault(mitigation, []).append((place, state))

    def _representations(self) -> None:
        count = len(as_items(self.data.get("representations")))
        if count or self.layout:
            self.model.notes.append(
                f"not read: {count} representation(s) and the places of {self.layout} "
                "object(s) on them (a drawing's layout: the data-flow diagram is drawn from "
                "the flows)"
            )

    def _assets(self) -> None:
        for item in as_items(self.data.get("assets")):
            self.unknown("asset", item)
            name = one_line(as_text(item.get("name"))) or as_text(item.get("id"))
            lines = [f"Asset {name}:"]
            if as_text(item.get("description")):
                lines += [as_text(item.get("description"))]
            risk = as_map(item.get("risk"))
            keys = ("confidentiality", "integrity", "availability")
            parts = [f"{key} {as_text(risk.get(key))}" for key in keys if as_text(risk.get(key))]
            if parts:
                lines += ["Risk: " + ", ".join(parts)]
            if as_text(risk.get("comment")):
                lines += [as_text(risk.get("comment"))]
            lines += _attribute_lines("Attributes", as_map(item.get("attributes")), frozenset())
            self.model.keep("asset", lines)

    # -- threats ------------------------------------------------------------------------

    def _threat(self, item: Mapping[Any, Any], mitigations: dict[str, Any]) -> None:
        self.unknown("threat", item)
        threat_id = as_text(item.get("id"))
        title = one_line(as_text(item.get("name"))) or f"Threat {len(self.model.threats) + 1}"
        threat = ModelThreat(title=title)
        keep_id = keepable_id(threat_id)
        if keep_id:
            threat.options["id"] = keep_id
        elif threat_id:
            threat.source_id = threat_id
        attributes = as_map(item.get("attributes"))
        self._threat_options(threat, item, attributes)
        if as_text(item.get("description")):
            threat.description.append(as_text(item.get("description")))
        risk = as_map(item.get("risk"))
        for key, label in (("likelihoodComment", "Likelihood"), ("impactComment", "Impact")):
            comment = as_text(risk.get(key))
            if comment and comment not in _OUR_COMMENTS:
                threat.description.append(f"{label}: {comment}")
        categories = [as_text(c) for c in as_list(item.get("categories")) if as_text(c)]
        if isinstance(item.get("categories"), list):
            _keys, unknown = parse_stride("; ".join(c.replace(";", ",") for c in categories))
            if unknown:
                threat.description.append("Categories: " + ", ".join(unknown))
        tags = item.get("tags")
        other = [as_text(t) for t in as_list(tags) if as_text(t) and not attack_url(as_text(t))]
        if other:
            threat.description.append("Tags: " + ", ".join(other))
        threat.description += _attribute_lines("Attributes", attributes, _OUR_THREAT_ATTRIBUTES)
        for mitigation_id in self.threat_mitigations.get(threat_id, []):
            mitigation = mitigations.get(mitigation_id)
            if mitigation is None:
                threat.controls.append(f"Mitigation {mitigation_id} (not defined in the file)")
                continue
            self.model.mapped["mitigation"] += 1
            threat.controls.append(self._mitigation_text(mitigation, self._users(mitigation_id)))
        self.model.threats.append(threat)
        self.model.mapped["threat"] += 1

    def _users(self, mitigation_id: str) -> list[tuple[str, str]]:
        return self.mitigation_uses.get(mitigation_id, [])

    def _threat_options(
        self, threat: ModelThreat, item: Mapping[Any, Any], attributes: Mapping[Any, Any]
    ) -> None:
        threat_id = as_text(item.get("id"))
        stride_text = as_text(attributes.get("stride"))
        if not stride_text and isinstance(item.get("categories"), list):
            stride_text = "; ".join(as_text(c).replace(";", ",") for c in item["categories"])
        keys, _unknown = parse_stride(stride_text)
        if keys:
            threat.options["stride"] = "; ".join(keys)
        if self.touched.get(threat_id):
            threat.options["components"] = "; ".join(self.touched[threat_id])
        if as_text(attributes.get("actors")):
            threat.options["actors"] = "; ".join(_split(attributes.get("actors")))
        attack = _split(attributes.get("attack"))
        if not attack and isinstance(item.get("tags"), list):
            attack = [as_text(t) for t in item["tags"] if attack_url(as_text(t))]
        if attack:
            threat.options["attack"] = "; ".join(attack)
        risk = as_map(item.get("risk"))
        likelihood = as_text(attributes.get("likelihood")).casefold()
        impact = as_text(attributes.get("impact")).casefold()
        if likelihood not in LEVELS or impact not in LEVELS:
            likelihood = level(risk.get("likelihood")) or ""
            impact = level(risk.get("impact")) or ""
        if likelihood and impact and as_text(attributes.get("rated")) != "no":
            threat.options["likelihood"] = likelihood
            threat.options["impact"] = impact
        status = as_text(attributes.get("status")).casefold()
        if status not in STATUSES:
            status = _status(self.states.get(threat_id, []))
        if status:
            threat.options["status"] = status
        for key in ("risks", "findings"):
            if _split(attributes.get(key)):
                threat.options[key] = "; ".join(_split(attributes.get(key)))
        references = _split(attributes.get("references"))
        for cwe in as_list(item.get("cwes")):
            number = as_text(cwe).upper().removeprefix("CWE-")
            if number.isdigit():
                url = f"https://cwe.mitre.org/data/definitions/{int(number)}.html"
                if url not in references:
                    references.append(url)
            elif as_text(cwe):
                threat.description.append(f"CWE: {as_text(cwe)}")
        if references:
            threat.options["references"] = "; ".join(references)

    def _mitigation_text(
        self, item: Mapping[Any, Any], uses: list[tuple[str, str]] | None = None
    ) -> str:
        name = one_line(as_text(item.get("name")))
        description = as_text(item.get("description"))
        folded = " ".join(description.replace("*", "").replace("_", "").replace("`", "").split())
        if description and (not name or folded.startswith(name.rstrip("\u2026"))):
            text = description
        elif description:
            text = f"**{name}**: {description}"
        else:
            text = name or as_text(item.get("id")) or "Mitigation"
        extra = []
        reduction = item.get("riskReduction")
        if not self.ours and isinstance(reduction, int | float) and not isinstance(reduction, bool):
            extra.append(f"risk reduction {as_text(reduction)} %")
        attributes = _attribute_lines("attributes", as_map(item.get("attributes")), frozenset())
        extra += attributes
        states = {state for _place, state in uses or []}
        if len(states) > 1:
            extra += [f"{state or 'no state'} on {place}" for place, state in uses or []]
        return f"{text} ({'; '.join(extra)})" if extra else text


def _status(states: list[str]) -> str:
    """Our status for the states of a threat's instances (the first rule that matches)."""
    if not states:
        return ""
    for status, words in _STATE_WORDS:
        matches = [state in words for state in states]
        if status == "mitigated" and all(matches):
            return status
        if status != "mitigated" and any(matches):
            return status
    return ""


def read_otm(data: Any) -> ThreatModel:
    """The threat model an OTM document holds (never raises, whatever *data* is)."""
    return _OtmReader(data).read()
