"""``joint-assessment.gemara.yaml``: the threat catalogue as Gemara artifacts (SPEC §4).

Gemara (an OpenSSF model) keeps threats as data: a *ThreatCatalog* whose threats
each reference the system *capabilities* they touch, listed in a *CapabilityCatalog*.
The 2026 Security Slam asks for a structured threat assessment in it, and projects
are moving their threat models there. The file holds two YAML documents, the
ThreatCatalog first and then the CapabilityCatalog it references (Gemara artifacts
say their type in ``metadata.type``, so a reader can split the stream):

* one threat per ``threat`` (its id, title and description), in the group of its
  first STRIDE category (``stride-s`` ... ``stride-e``, Gemara's own way of writing
  STRIDE; ``unclassified`` without one), its other categories named in the
  description; its components as capabilities, its ATT&CK ids as vectors of a
  ``mitre-attack`` mapping reference, its actors as Gemara actors;
* one capability per component of the project's catalogue (data-flow diagrams,
  threat matrices, threats), grouped by trust zone (``unzoned`` without one), and a
  ``system`` capability for threats that name no component (Gemara requires one).

Gemara's ``#Threat`` is closed: status, likelihood, impact, severity, controls,
risks, findings and references have no place in it (they belong to Gemara's risk
and control layers), and are in ``joint-assessment.json`` and the OTM file instead.
Nothing depends on the build's time, so two builds write the same bytes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml

from .config import get_config
from .domain import get_domain
from .kinds import Kind
from .section import project_outline
from .stride import STRIDE, attack_url, stride_name
from .threat import threat_markdown
from .values import UniqueIds, slug

if TYPE_CHECKING:
    from sphinx.environment import BuildEnvironment

    from .data_flow import DataFlow
    from .threat import Threat

#: the Gemara release whose schemas the output is checked against (in the tests)
GEMARA_VERSION = "1.1.0"
#: the artifacts' own version when Sphinx's ``version`` is not set
DEFAULT_VERSION = "1.0.0"
ATTACK_REFERENCE = {
    "id": "mitre-attack",
    "title": "MITRE ATT&CK",
    "version": "unspecified",
    "url": "https://attack.mitre.org/",
}
#: STRIDE group descriptions (S, T and E as Gemara's own examples word them)
STRIDE_DESCRIPTIONS = {
    "spoofing": "Impersonating something or someone to gain unauthorized access",
    "tampering": "Modifying data or code without authorization",
    "repudiation": "Denying having performed an action, without a way to prove otherwise",
    "information-disclosure": "Exposing information to someone not authorized to see it",
    "denial-of-service": "Denying or degrading service to legitimate users",
    "elevation-of-privilege": "Gaining capabilities without proper authorization",
}
UNCLASSIFIED = {
    "id": "unclassified",
    "title": "Unclassified",
    "description": "Threats without a STRIDE category",
}
UNZONED = {
    "id": "unzoned",
    "title": "Not in a trust zone",
    "description": "Components not placed in a trust zone",
}
SYSTEM_CAPABILITY = "system"


def stride_group(key: str) -> str:
    return f"stride-{STRIDE[key][0].lower()}"


class _Capabilities:
    """The capability catalogue: one capability per component, grouped by trust zone."""

    def __init__(self, project: str) -> None:
        self.project = project
        self.ids = UniqueIds()
        self.zone_ids = UniqueIds("zone")
        self.groups: list[dict[str, str]] = []
        self.entries: list[dict[str, str]] = []

    def zone_group(self, zone: str | None, trust: str | None = None) -> str:
        if zone is None:
            if UNZONED not in self.groups:
                self.groups.append(dict(UNZONED))
            return UNZONED["id"]
        if zone not in self.zone_ids.by_name:
            about = f"Trust zone ({trust})." if trust else "Trust zone."
            self.groups.append({"id": self.zone_ids.get(zone), "title": zone, "description": about})
        return self.zone_ids.by_name[zone]

    def add(self, name: str, description: str, group: str) -> str:
        if name not in self.ids.by_name:
            capability_id = self.ids.get(name)
            self.entries.append(
                {"id": capability_id, "title": name, "description": description, "group": group}
            )
        return self.ids.by_name[name]

    def system(self) -> str:
        """The capability of a threat that names no component: the project as a whole."""
        if SYSTEM_CAPABILITY not in self.ids.by_name:
            self.entries.append(
                {
                    "id": self.ids.get(SYSTEM_CAPABILITY),
                    "title": f"{self.project} as a whole",
                    "description": "The system as a whole, for threats that name no component.",
                    "group": self.zone_group(None),
                }
            )
        return self.ids.by_name[SYSTEM_CAPABILITY]


def _collect_capabilities(env: BuildEnvironment, project: str) -> _Capabilities:
    domain = get_domain(env)
    capabilities = _Capabilities(project)
    for obj in domain.objects(Kind.FLOW):
        diagram: DataFlow = obj.model
        trust = {zone.name: zone.trust for zone in diagram.zones}
        for zone in diagram.zones:
            capabilities.zone_group(zone.name, zone.trust)
        for component in diagram.components:
            where = f" in the {component.zone} zone" if component.zone else ""
            group = capabilities.zone_group(component.zone, trust.get(component.zone or ""))
            capabilities.add(component.name, f"{component.kind.capitalize()}{where}.", group)
    named = "Component named in the threat model."
    others = [obj.model.components for obj in domain.objects(Kind.MATRIX)]
    others += [obj.model.components for obj in domain.objects(Kind.THREAT)]
    for names in others:
        for name in names:
            if name not in capabilities.ids.by_name:
                capabilities.add(name, named, capabilities.zone_group(None))
    return capabilities


def _description(threat: Threat, markdown: str) -> str:
    text = markdown or threat.title
    others = [stride_name(key) for key in threat.stride[1:]]
    if others:
        text += f"\n\nAlso STRIDE: {', '.join(others)}."
    return text


def gemara_documents(env: BuildEnvironment) -> tuple[dict[str, Any], dict[str, Any]]:
    """The ThreatCatalog and the CapabilityCatalog of the project's threat model."""
    config = get_config(env)
    project = config.project
    kind = "security self-assessment" if project_outline(env).name == "self" else "joint assessment"
    base = slug(project)
    version = str(env.config.version or DEFAULT_VERSION)
    author = {"id": f"{base}-assessment", "name": f"{project} {kind} team", "type": "Human"}
    capabilities = _collect_capabilities(env, project)
    capability_id = f"{base}-capability-catalog"
    capability_title = f"{project} Capability Catalog"

    threats: list[dict[str, Any]] = []
    used: set[str] = set()
    uses_attack = False
    docname = env.config.root_doc
    for obj in get_domain(env).objects(Kind.THREAT):
        threat: Threat = obj.model
        description, _controls = threat_markdown(obj, docname)
        group = stride_group(threat.stride[0]) if threat.stride else UNCLASSIFIED["id"]
        used.add(group)
        entries = [capabilities.ids.by_name[name] for name in threat.components]
        if not entries:
            entries = [capabilities.system()]
        entry: dict[str, Any] = {
            "id": obj.id,
            "title": threat.title,
            "description": _description(threat, description),
            "group": group,
            "capabilities": [
                {
                    "reference-id": capability_id,
                    "entries": [{"reference-id": cap} for cap in entries],
                }
            ],
        }
        attack = [item for item in threat.attack if attack_url(item)]
        if attack:
            uses_attack = True
            entry["vectors"] = [
                {
                    "reference-id": ATTACK_REFERENCE["id"],
                    "entries": [{"reference-id": item} for item in attack],
                }
            ]
        if threat.actors:
            actor_ids = UniqueIds()
            entry["actors"] = [
                {"id": actor_ids.get(name), "name": name, "type": "Human"} for name in threat.actors
            ]
        threats.append(entry)

    references = [{"id": capability_id, "title": capability_title, "version": version}]
    if uses_attack:
        references.append(dict(ATTACK_REFERENCE))
    threat_catalog: dict[str, Any] = {
        "metadata": {
            "id": f"{base}-threat-catalog",
            "type": "ThreatCatalog",
            "gemara-version": GEMARA_VERSION,
            "version": version,
            "description": f"Threats identified in the {project} {kind}.",
            "author": author,
            "mapping-references": references,
        },
        "title": f"{project} Threat Catalog",
    }
    groups = [
        {"id": stride_group(key), "title": stride_name(key), "description": about}
        for key, about in STRIDE_DESCRIPTIONS.items()
        if stride_group(key) in used
    ]
    if UNCLASSIFIED["id"] in used:
        groups.append(dict(UNCLASSIFIED))
    if threats:
        threat_catalog["groups"] = groups
        threat_catalog["threats"] = threats

    capability_catalog: dict[str, Any] = {
        "metadata": {
            "id": capability_id,
            "type": "CapabilityCatalog",
            "gemara-version": GEMARA_VERSION,
            "version": version,
            "description": f"Components of {project} named in its {kind}, by trust zone.",
            "author": author,
        },
        "title": capability_title,
    }
    if capabilities.entries:
        capability_catalog["groups"] = capabilities.groups
        capability_catalog["capabilities"] = capabilities.entries
    return threat_catalog, capability_catalog


class _Dumper(yaml.SafeDumper):
    """Safe YAML whose text of several lines (a Markdown description) is a ``|`` block."""

    def represent_str(self, data: str) -> yaml.ScalarNode:
        style = "|" if "\n" in data else None
        return self.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _Dumper.represent_str)


def gemara_yaml(env: BuildEnvironment) -> str:
    """The two catalogs as one YAML stream, ThreatCatalog first."""
    documents = gemara_documents(env)
    return yaml.dump_all(documents, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
