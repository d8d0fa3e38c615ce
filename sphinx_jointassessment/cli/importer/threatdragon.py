"""``import --from threat-dragon``: an OWASP Threat Dragon model (v2 or v1) as a ThreatModel.

Threat Dragon draws a model: per diagram, actors, processes and stores, flows between
them, trust boundaries (boxes, or open curves), and threats on any element. Read here:

* one ``data-flow`` per diagram; components from the actors, processes and stores;
  flows with their name and what Threat Dragon says of them (protocol, encrypted,
  public network, bidirectional) as the label;
* zones: nothing in the file says which side of a boundary a node is on. A box holds
  the nodes whose centre lies in it (the smallest box wins). Curves do not enclose
  anything, so a flow whose line crosses a curve crosses a boundary, and a zone is a
  set of nodes joined by flows that cross none; a zone of actors only is untrusted;
* one ``threat`` per Threat Dragon threat: STRIDE category from its type, components
  from its element (a flow's two ends), likelihood and impact from its severity
  (Critical high/high, High medium/high, Medium medium/medium, Low low/medium: the
  same OWASP severity back), status, description, and its mitigation as ``controls``.

Threat Dragon's own JSON schema is not used to refuse a file: its published examples
fail it. Every value is type-checked where it is read, and whatever has no place
(out-of-scope reasons, element flags, text blocks, unknown shapes) is kept as text or
listed in the report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...stride import parse_stride
from .threatmodel import (
    Diagram,
    DiagramNames,
    ModelThreat,
    Names,
    ThreatModel,
    as_items,
    as_map,
    as_text,
    keepable_id,
    one_line,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

Point = tuple[float, float]

_KINDS = {"tm.Actor": "actor", "tm.Process": "process", "tm.Store": "store"}
_KIND_SHAPES = {"actor": "actor", "process": "process", "store": "store"}
_AGENT_TYPES = ("tm.Agent", "agent", "agent-tool")
_SEVERITY = {
    "critical": ("high", "high"),
    "high": ("medium", "high"),
    "medium": ("medium", "medium"),
    "low": ("low", "medium"),
}
_STATUS = {
    "open": "open",
    "mitigated": "mitigated",
    "notapplicable": "not-applicable",
    "na": "not-applicable",
    "n/a": "not-applicable",
    "accepted": "accepted",
    "transferred": "transferred",
    "inprogress": "in-progress",
}
#: CIA and CIADIE letters that have a STRIDE counterpart
_CIA = {
    "confidentiality": "information-disclosure",
    "integrity": "tampering",
    "availability": "denial-of-service",
}
_THREAT_KEYS = frozenset(
    ("title", "type", "modelType", "status", "severity", "description", "mitigation", "id",
     "threatId", "number", "score", "new")
)  # fmt: skip
#: cell keys that are drawing or bookkeeping, not model content
_CELL_LAYOUT = frozenset(
    ("id", "shape", "type", "position", "size", "attrs", "zIndex", "z", "angle", "ports",
     "source", "target", "vertices", "labels", "connector", "router", "smooth", "width",
     "height", "data", "threats", "markup", "visible", "tools", "parent", "children",
     "hasOpenThreats", "name", "description", "outOfScope", "reasonOutOfScope",
     "isTrustBoundary", "protocol", "isEncrypted", "isPublicNetwork", "isBidirectional",
     "lineStyle", "version")
)  # fmt: skip


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if value == value and abs(value) < 1e12 else None


def _point(value: Any) -> Point | None:
    data = as_map(value)
    x, y = _number(data.get("x")), _number(data.get("y"))
    return (x, y) if x is not None and y is not None else None


class _Cell:
    """One cell, v1 or v2, with the parts read from where each version keeps them."""

    def __init__(self, raw: Mapping[Any, Any]) -> None:
        self.raw = raw
        self.data = as_map(raw.get("data")) or raw  # v1 keeps the model on the cell
        self.id = as_text(raw.get("id"))
        self.type = as_text(self.data.get("type")) or as_text(raw.get("type"))
        self.shape = as_text(raw.get("shape"))

    @property
    def kind(self) -> str | None:
        if self.type in _KINDS:
            return _KINDS[self.type]
        if self.type in _AGENT_TYPES or self.shape in _AGENT_TYPES:
            return "process"
        return _KIND_SHAPES.get(self.shape) if not self.type else None

    @property
    def is_flow(self) -> bool:
        return self.type == "tm.Flow" or (not self.type and self.shape == "flow")

    @property
    def is_box(self) -> bool:
        return self.type == "tm.BoundaryBox" or self.shape == "trust-boundary-box"

    @property
    def is_curve(self) -> bool:
        return self.type == "tm.Boundary" or self.shape in (
            "trust-boundary-curve",
            "trust-broundary-curve",
        )

    @property
    def is_text(self) -> bool:
        return self.type == "tm.Text" or self.shape == "td-text-block"

    def name(self) -> Any:
        if as_text(self.data.get("name")):
            return self.data.get("name")
        attrs = as_map(self.raw.get("attrs"))
        for key in ("text", "label", "headerText"):
            if as_text(as_map(attrs.get(key)).get("text")):
                return as_map(attrs.get(key)).get("text")
        for label in as_items(self.raw.get("labels")):
            text = as_map(as_map(label.get("attrs")).get("text")).get("text")
            if as_text(text):
                return text
            if as_text(as_map(as_map(label.get("attrs")).get("label")).get("text")):
                return as_map(as_map(label.get("attrs")).get("label")).get("text")
        return ""

    def box(self) -> tuple[float, float, float, float] | None:
        corner = _point(self.raw.get("position"))
        size = as_map(self.raw.get("size"))
        width, height = _number(size.get("width")), _number(size.get("height"))
        if corner is None or width is None or height is None:
            return None
        return corner[0], corner[1], width, height

    def centre(self) -> Point | None:
        box = self.box()
        return (box[0] + box[2] / 2, box[1] + box[3] / 2) if box else None

    def end(self, key: str) -> str:
        end = as_map(self.raw.get(key))
        return as_text(end.get("cell")) or as_text(end.get("id"))

    def vertices(self) -> list[Point]:
        raw = self.raw.get("vertices")
        points = [_point(item) for item in raw] if isinstance(raw, list) else []
        return [point for point in points if point is not None]

    def threats(self) -> list[Mapping[Any, Any]]:
        return as_items(self.data.get("threats")) or as_items(self.raw.get("threats"))


def _orientation(a: Point, b: Point, c: Point) -> float:
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def _segments_cross(p1: Point, p2: Point, q1: Point, q2: Point) -> bool:
    d1, d2 = _orientation(q1, q2, p1), _orientation(q1, q2, p2)
    d3, d4 = _orientation(p1, p2, q1), _orientation(p1, p2, q2)
    return ((d1 > 0) != (d2 > 0)) and ((d3 > 0) != (d4 > 0)) and 0 not in (d1, d2, d3, d4)


def _polylines_cross(first: list[Point], second: list[Point]) -> bool:
    return any(
        _segments_cross(first[i], first[i + 1], second[j], second[j + 1])
        for i in range(len(first) - 1)
        for j in range(len(second) - 1)
    )


class _DiagramReader:
    def __init__(self, model: ThreatModel, raw: Mapping[Any, Any], index: int, names: DiagramNames):
        self.model = model
        cells = raw.get("cells")
        if not isinstance(cells, list):
            cells = as_map(raw.get("diagramJson")).get("cells")
        self.cells = [_Cell(cell) for cell in as_items(cells)]
        title = one_line(as_text(raw.get("title"))) or f"Data flow {index}"
        self.diagram = Diagram(title=title, name=names.get(title, index))
        self.diagram_type = as_text(raw.get("diagramType"))
        self.names = Names()
        self.nodes = [cell for cell in self.cells if cell.kind is not None]
        self.flows: list[tuple[_Cell, str, str]] = []

    def read(self) -> Diagram:
        for cell in self.nodes:
            name = self.names.add(cell.id, cell.name(), cell.kind or "process")
            self.diagram.components.append({"name": name, "kind": cell.kind or "process"})
            self.model.mapped["component"] += 1
            self._keep_cell(cell, f"Component {name}")
        for cell in self.cells:
            if cell.is_flow:
                self._flow(cell)
            elif cell.is_box or cell.is_curve:
                self.model.mapped["trust boundary"] += 1
                if as_text(cell.data.get("description")):
                    self.model.keep(
                        "trust boundary",
                        [f"Trust boundary {one_line(as_text(cell.name())) or cell.id}:",
                         as_text(cell.data.get("description"))],
                    )  # fmt: skip
            elif cell.is_text:
                text = as_text(cell.name()) or as_text(cell.data.get("description"))
                if text:
                    self.model.keep("text", [f"Text on the diagram {self.diagram.title}:", text])
            elif cell.kind is None:
                self.model.notes.append(
                    f"not read: a cell of type {cell.type or cell.shape or '?'!r} on the "
                    f"diagram {self.diagram.title}"
                )
        self._zones()
        for cell in self.cells:
            self._threats(cell)
        return self.diagram

    def _keep_cell(self, cell: _Cell, label: str) -> None:
        lines = []
        if as_text(cell.data.get("description")):
            lines.append(as_text(cell.data.get("description")))
        if cell.data.get("outOfScope") is True:
            reason = one_line(as_text(cell.data.get("reasonOutOfScope")))
            lines.append(
                "Out of scope in the Threat Dragon model" + (f": {reason}" if reason else ".")
            )
        flags = []
        for key, value in cell.data.items():
            if str(key) in _CELL_LAYOUT or value in (False, None, "", [], {}):
                continue
            shown = "yes" if value is True else one_line(as_text(value)) or one_line(repr(value))
            flags.append(f"{key}: {shown}")
        if flags:
            lines.append("Threat Dragon properties: " + "; ".join(flags))
        if lines:
            self.model.keep("element", [f"{label}:", *lines])

    def _flow(self, cell: _Cell) -> None:
        source = self.names.by_key.get(cell.end("source"))
        target = self.names.by_key.get(cell.end("target"))
        name = one_line(as_text(cell.name()))
        if source is None or target is None:
            self.model.keep(
                "flow",
                [f"Data flow {name or cell.id} on the diagram {self.diagram.title}: an end is "
                 "not an actor, process or store, so it is not in the diagram."],
            )  # fmt: skip
            self._keep_cell(cell, f"Data flow {name or cell.id}")
            return
        details = []
        if as_text(cell.data.get("protocol")):
            details.append(one_line(as_text(cell.data.get("protocol"))))
        for key, word in (
            ("isEncrypted", "encrypted"),
            ("isPublicNetwork", "public network"),
            ("isBidirectional", "bidirectional"),
        ):
            if cell.data.get(key) is True:
                details.append(word)
        label = f"{name} ({', '.join(details)})" if details else name
        flow: dict[str, Any] = {"from": source, "to": target}
        if label.strip():
            flow["label"] = label.strip()
        self.diagram.flows.append(flow)
        self.flows.append((cell, source, target))
        self.model.mapped["flow"] += 1
        self._keep_cell(cell, f"Data flow {source} to {target}")

    # -- zones --------------------------------------------------------------------------

    def _zones(self) -> None:
        boxes = [(cell, cell.box()) for cell in self.cells if cell.is_box]
        boxes_known = [(cell, box) for cell, box in boxes if box is not None]
        curves = [cell for cell in self.cells if cell.is_curve]
        if boxes_known:
            self._box_zones(boxes_known)
        elif curves:
            self._curve_zones(curves)

    def _set_zones(self, groups: list[tuple[str, list[int]]]) -> None:
        taken: set[str] = set()
        for base, members in groups:
            name, number = base, 1
            while name in taken:
                number += 1
                name = f"{base} ({number})"
            taken.add(name)
            zone = {"name": name}
            kinds = {self.diagram.components[i]["kind"] for i in members}
            if kinds == {"actor"}:
                zone["trust"] = "untrusted"
            self.diagram.zones.append(zone)
            self.model.mapped["zone"] += 1
            for i in members:
                self.diagram.components[i]["zone"] = name

    def _box_zones(self, boxes: list[tuple[_Cell, tuple[float, float, float, float]]]) -> None:
        inside: dict[int, list[int]] = {}
        outside: list[int] = []
        for index, node in enumerate(self.nodes):
            centre = node.centre()
            holding = [
                (box[2] * box[3], number)
                for number, (_cell, box) in enumerate(boxes)
                if centre is not None
                and box[0] <= centre[0] <= box[0] + box[2]
                and box[1] <= centre[1] <= box[1] + box[3]
            ]
            if holding:
                inside.setdefault(min(holding)[1], []).append(index)
            else:
                outside.append(index)
        groups = []
        for number, (cell, _box) in enumerate(boxes):
            if number in inside:
                name = one_line(as_text(cell.name())) or f"Trust boundary {number + 1}"
                groups.append((name.replace(";", ","), inside[number]))
        if outside:
            groups.append(("Outside trust boundaries", outside))
        self._set_zones(groups)

    def _curve_zones(self, curves: list[_Cell]) -> None:
        lines = []
        for curve in curves:
            points = [
                _point(curve.raw.get("source")),
                *curve.vertices(),
                _point(curve.raw.get("target")),
            ]
            known = [point for point in points if point is not None]
            if len(known) >= 2:
                lines.append(known)
        index_of = {node.id: i for i, node in enumerate(self.nodes)}
        parent = list(range(len(self.nodes)))

        def root(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for cell, _source, _target in self.flows:
            ends = [index_of.get(cell.end(key)) for key in ("source", "target")]
            if ends[0] is None or ends[1] is None:
                continue
            a, b = self.nodes[ends[0]].centre(), self.nodes[ends[1]].centre()
            if a is None or b is None:
                continue
            path = [a, *cell.vertices(), b]
            if not any(_polylines_cross(path, line) for line in lines):
                parent[root(ends[0])] = root(ends[1])
        members: dict[int, list[int]] = {}
        for i in range(len(self.nodes)):
            members.setdefault(root(i), []).append(i)
        groups = []
        for group in sorted(members.values(), key=min):
            processes = [i for i in group if self.diagram.components[i]["kind"] == "process"]
            first = (processes or group)[0]
            groups.append((f"{self.diagram.components[first]['name']} zone", group))
        self._set_zones(groups)

    # -- threats ------------------------------------------------------------------------

    def _threats(self, cell: _Cell) -> None:
        threats = cell.threats()
        if not threats:
            return
        if cell.kind is not None:
            components = [self.names.by_key[cell.id]] if cell.id in self.names.by_key else []
            where = components[0] if components else cell.id
        else:
            ends = [self.names.by_key.get(cell.end(key)) for key in ("source", "target")]
            components = list(dict.fromkeys(end for end in ends if end))
            where = f"the flow {' to '.join(components)}" if components else "a flow"
        for raw in threats:
            self.model.threats.append(self._threat(raw, components, where))
            self.model.mapped["threat"] += 1

    def _threat(self, raw: Mapping[Any, Any], components: list[str], where: str) -> ModelThreat:
        title = one_line(as_text(raw.get("title"))) or f"Threat {len(self.model.threats) + 1}"
        threat = ModelThreat(title=title)
        number = raw.get("number")
        if isinstance(number, int) and not isinstance(number, bool) and number >= 0:
            threat.options["id"] = keepable_id(f"TD-{number}") or ""
        source_id = as_text(raw.get("id")) or as_text(raw.get("threatId"))
        if source_id and "id" not in threat.options:
            threat.source_id = source_id
        body: list[str] = []
        kind_text, model_type = one_line(as_text(raw.get("type"))), as_text(raw.get("modelType"))
        stride = self._stride(kind_text, model_type)
        if stride:
            threat.options["stride"] = stride
        elif kind_text:
            body.append(
                f"Threat Dragon type: {kind_text}" + (f" ({model_type})" if model_type else "")
            )
        if components:
            threat.options["components"] = "; ".join(components)
        severity = as_text(raw.get("severity"))
        if severity.casefold() in _SEVERITY:
            threat.options["likelihood"], threat.options["impact"] = _SEVERITY[severity.casefold()]
        elif severity:
            body.append(f"Threat Dragon severity: {one_line(severity)}")
        status = as_text(raw.get("status"))
        folded = status.casefold().replace(" ", "").replace("-", "")
        if folded in _STATUS:
            threat.options["status"] = _STATUS[folded]
        elif folded in ("avoided", "eliminated"):
            threat.options["status"] = "mitigated"
            body.append(f"Threat Dragon status: {status}")
        elif status:
            body.append(f"Threat Dragon status: {one_line(status)}")
        if as_text(raw.get("description")):
            threat.description.append(as_text(raw.get("description")))
        if as_text(raw.get("score")):
            body.append(f"Score: {one_line(as_text(raw.get('score')))}")
        for key, value in raw.items():
            if str(key) not in _THREAT_KEYS and value not in (None, "", [], {}):
                body.append(f"{key}: {one_line(as_text(value)) or one_line(repr(value))}")
        threat.description += body
        mitigation = as_text(raw.get("mitigation"))
        if mitigation:
            threat.controls.append(mitigation)
        if not components:
            threat.description.append(f"On {where} in the Threat Dragon model.")
        return threat

    def _stride(self, kind_text: str, model_type: str) -> str:
        model = (model_type or self.diagram_type or "STRIDE").upper()
        if model == "STRIDE" or not model_type:
            keys, unknown = parse_stride(kind_text.replace(";", ","))
            if keys and not unknown:
                return "; ".join(keys)
        if model in ("CIA", "CIADIE"):
            key = _CIA.get(kind_text.casefold())
            return key or ""
        return ""


def read_threat_dragon(data: Any) -> ThreatModel:
    """The threat model a Threat Dragon file holds (never raises, whatever *data* is)."""
    top = as_map(data)
    summary = as_map(top.get("summary"))
    detail = as_map(top.get("detail"))
    title = one_line(as_text(summary.get("title"))) or "Threat model"
    model = ThreatModel(tool="Threat Dragon", title=title, project=title)
    if not top:
        model.warnings.append("the file holds no Threat Dragon model (a JSON object)")
        return model
    if not detail:
        model.warnings.append("the file has no 'detail' object: no diagram to read")
    lines = []
    if as_text(summary.get("description")):
        lines.append(as_text(summary.get("description")))
    if as_text(summary.get("owner")):
        lines.append(f"Owner: {one_line(as_text(summary.get('owner')))}")
    if as_text(detail.get("reviewer")):
        lines.append(f"Reviewer: {one_line(as_text(detail.get('reviewer')))}")
    contributors = [one_line(as_text(c.get("name"))) for c in as_items(detail.get("contributors"))]
    if any(contributors):
        lines.append("Contributors: " + ", ".join(name for name in contributors if name))
    if lines:
        model.keep("summary", [f"The threat model {title}:", *lines])
    names = DiagramNames()
    for index, raw in enumerate(as_items(detail.get("diagrams")), 1):
        reader = _DiagramReader(model, raw, index, names)
        diagram = reader.read()
        if diagram.components:
            model.diagrams.append(diagram)
        elif reader.cells:
            model.notes.append(f"diagram {diagram.title}: no actor, process or store")
    if isinstance(detail.get("diagrams"), list) and not model.diagrams:
        model.warnings.append("no diagram holds an actor, process or store")
    return model
