"""Reading a software bill of materials (CycloneDX JSON or SPDX 2.x JSON) for ``:sbom:``.

The template asks for the SBOM "with the libraries, packages, versions used by
the project, [and] may also include direct dependencies". Given a file, the
metadata shows its *direct* dependencies with versions, taken from the
dependency graph:

* CycloneDX: the ``dependencies`` entry whose ``ref`` is ``metadata.component``'s
  ``bom-ref``, and its ``dependsOn``;
* SPDX 2.x: the packages the document describes (``documentDescribes`` or a
  ``DESCRIBES`` relationship), and what they ``DEPENDS_ON`` (or, failing that,
  ``CONTAINS``), inverse relationships included.

Without a graph, every component or package is listed. Only the ``json``
module is used, on text already confined and size-checked by the caller; a file
that is not such an SBOM, or is malformed, gives problems, never an exception.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .problems import BlockProblem, Code

#: relationship types giving direct dependencies, in order of preference, with inverses
_SPDX_DIRECT = (("DEPENDS_ON", "DEPENDENCY_OF"), ("CONTAINS", "CONTAINED_BY"))
_SPDX_NO_ELEMENT = frozenset({"NOASSERTION", "NONE"})


@dataclass(frozen=True, slots=True)
class Dependency:
    name: str
    version: str | None

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version}


@dataclass(frozen=True, slots=True)
class Sbom:
    """The ``:sbom:`` value: a URL, or a file and what it lists."""

    #: the URL, or the file's path relative to the source folder
    source: str
    is_url: bool
    #: "CycloneDX 1.5", "SPDX-2.3"; ``None`` for a URL or an unreadable file
    format: str | None = None
    #: the component the SBOM describes, "name version"
    subject: str | None = None
    dependencies: tuple[Dependency, ...] = field(default=())
    #: the dependencies are the direct ones from the graph (else every component)
    direct: bool = False
    #: what the SBOM covers, when ``:sbom:`` names several ("Python deps: https://...")
    label: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "source": self.source,
            "kind": "url" if self.is_url else "file",
            "format": self.format,
            "subject": self.subject,
            "direct": self.direct,
            "dependencies": [dep.as_json() for dep in self.dependencies],
        }


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return " ".join(value.split())
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _unique(items: list[Dependency]) -> tuple[Dependency, ...]:
    return tuple(dict.fromkeys(items))


def parse_sbom(text: str, shown: str) -> tuple[Sbom | None, list[BlockProblem]]:
    """What the SBOM file *shown* (relative path) lists, and why it could not be read.

    A problem's ``line`` is a line of the file (JSON syntax errors) or ``None``.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, [
            BlockProblem(
                Code.METADATA_VALUE, f"SBOM {shown!r} is not valid JSON: {exc.msg}", exc.lineno
            )
        ]
    except RecursionError:
        return None, [BlockProblem(Code.METADATA_VALUE, f"SBOM {shown!r} is nested too deeply")]
    except ValueError as exc:  # e.g. an integer with too many digits
        return None, [
            BlockProblem(Code.METADATA_VALUE, f"SBOM {shown!r} is not usable JSON: {exc}")
        ]
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:  # a \u escape of half a surrogate pair: not writable as UTF-8
        return None, [
            BlockProblem(
                Code.METADATA_VALUE, f"SBOM {shown!r} holds a \\u escape of a lone surrogate"
            )
        ]
    if not isinstance(data, dict):
        return None, [BlockProblem(Code.METADATA_VALUE, f"SBOM {shown!r} is not a JSON object")]
    if data.get("bomFormat") == "CycloneDX":
        return _cyclonedx(data, shown)
    version = data.get("spdxVersion")
    if isinstance(version, str) and version.startswith("SPDX-2."):
        return _spdx(data, shown)
    return None, [
        BlockProblem(
            Code.METADATA_VALUE,
            f'SBOM {shown!r} is neither CycloneDX JSON ("bomFormat": "CycloneDX") '
            'nor SPDX 2.x JSON ("spdxVersion": "SPDX-2.x")',
        )
    ]


def _list(data: dict[str, Any], key: str, shown: str, problems: list[BlockProblem]) -> list[Any]:
    value = data.get(key, [])
    if isinstance(value, list):
        return value
    problems.append(BlockProblem(Code.METADATA_VALUE, f"SBOM {shown!r}: {key!r} is not a list"))
    return []


def _cyclonedx(data: dict[str, Any], shown: str) -> tuple[Sbom, list[BlockProblem]]:
    problems: list[BlockProblem] = []
    by_ref: dict[str, Dependency] = {}
    everything: list[tuple[str | None, Dependency]] = []
    unnamed = 0
    for component in _list(data, "components", shown, problems):
        name = _text(component.get("name")) if isinstance(component, dict) else None
        if name is None:
            unnamed += 1
            continue
        group = _text(component.get("group"))
        dep = Dependency(f"{group}/{name}" if group else name, _text(component.get("version")))
        ref = component.get("bom-ref")
        ref = ref if isinstance(ref, str) else None
        everything.append((ref, dep))
        if ref is not None:
            by_ref.setdefault(ref, dep)
    if unnamed:
        problems.append(
            BlockProblem(
                Code.METADATA_VALUE,
                f"SBOM {shown!r}: {unnamed} component(s) without a name ignored",
            )
        )
    metadata = data.get("metadata")
    root = metadata.get("component") if isinstance(metadata, dict) else None
    root_ref = root.get("bom-ref") if isinstance(root, dict) else None
    root_ref = root_ref if isinstance(root_ref, str) else None
    subject = None
    if isinstance(root, dict) and _text(root.get("name")):
        subject = " ".join(filter(None, (_text(root.get("name")), _text(root.get("version")))))
    direct: list[Dependency] | None = None
    if root_ref is not None:
        for entry in _list(data, "dependencies", shown, problems):
            if isinstance(entry, dict) and entry.get("ref") == root_ref:
                depends = entry.get("dependsOn", [])
                if isinstance(depends, list):
                    direct = [
                        by_ref.get(ref) or Dependency(ref, None)
                        for ref in depends
                        if isinstance(ref, str) and ref != root_ref
                    ]
                break
    spec = _text(data.get("specVersion"))
    sbom_format = f"CycloneDX {spec}" if spec else "CycloneDX"
    if direct is not None:
        return Sbom(shown, False, sbom_format, subject, _unique(direct), True), problems
    listed = [dep for ref, dep in everything if ref is None or ref != root_ref]
    return Sbom(shown, False, sbom_format, subject, _unique(listed), False), problems


def _spdx(data: dict[str, Any], shown: str) -> tuple[Sbom, list[BlockProblem]]:
    problems: list[BlockProblem] = []
    by_id: dict[str, Dependency] = {}
    everything: list[tuple[str | None, Dependency]] = []
    unnamed = 0
    for package in _list(data, "packages", shown, problems):
        name = _text(package.get("name")) if isinstance(package, dict) else None
        if name is None:
            unnamed += 1
            continue
        dep = Dependency(name, _text(package.get("versionInfo")))
        spdx_id = package.get("SPDXID")
        spdx_id = spdx_id if isinstance(spdx_id, str) else None
        everything.append((spdx_id, dep))
        if spdx_id is not None:
            by_id.setdefault(spdx_id, dep)
    if unnamed:
        problems.append(
            BlockProblem(
                Code.METADATA_VALUE, f"SBOM {shown!r}: {unnamed} package(s) without a name ignored"
            )
        )
    document_id = data.get("SPDXID") if isinstance(data.get("SPDXID"), str) else "SPDXRef-DOCUMENT"
    described = [
        item for item in _list(data, "documentDescribes", shown, problems) if isinstance(item, str)
    ]
    relationships: list[tuple[str, str, str]] = []
    for rel in _list(data, "relationships", shown, problems):
        if not isinstance(rel, dict):
            continue
        element, kind, related = (
            rel.get("spdxElementId"),
            rel.get("relationshipType"),
            rel.get("relatedSpdxElement"),
        )
        if isinstance(element, str) and isinstance(kind, str) and isinstance(related, str):
            relationships.append((element, kind, related))
    for element, kind, related in relationships:
        if kind == "DESCRIBES" and element == document_id:
            described.append(related)
        elif kind == "DESCRIBED_BY" and related == document_id:
            described.append(element)
    subjects = [by_id[item] for item in dict.fromkeys(described) if item in by_id]
    subject = ", ".join(" ".join(filter(None, (d.name, d.version))) for d in subjects) or None
    chosen: list[str] = []
    for forward, inverse in _SPDX_DIRECT:
        for element, kind, related in relationships:
            if kind == forward and element in described:
                chosen.append(related)
            elif kind == inverse and related in described:
                chosen.append(element)
        if chosen:
            break
    sbom_format = str(data["spdxVersion"])
    if chosen:
        direct = [
            by_id.get(item) or Dependency(item, None)
            for item in dict.fromkeys(chosen)
            if item not in _SPDX_NO_ELEMENT and item not in described
        ]
        return Sbom(shown, False, sbom_format, subject, _unique(direct), True), problems
    listed = [dep for spdx_id, dep in everything if spdx_id is None or spdx_id not in described]
    return Sbom(shown, False, sbom_format, subject, _unique(listed), False), problems
