"""``data-flow``: the data-flow diagram of the joint template, written as data (SPEC §2.10).

Forty published assessments paste their data-flow diagram as a picture, which no
check can read. Written as zones, components and flows, the same diagram is drawn
(Mermaid: by sphinxcontrib-mermaid in html, as a ```` ```mermaid ```` block in the
Markdown, which GitHub draws) *and* listed as tables, so the content never depends on
the picture: LaTeX and text get the tables only. Threats are then checked against it:
their components against the catalogue (:func:`component_catalogue`), flows across a
trust boundary against the threats naming both ends (``traceability.py``).

The Mermaid text is built from names that come from pages, possibly from a pull
request: every node id is ours (``c1``, ``z1``), and every label is quoted with each
character outside a small safe set written as a Mermaid entity (``#60;``), so a name
can never end a label, add a statement (``click``), a directive (``%%{init}``) or markup.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from .directive import YamlObjectDirective, add_assessment_directive
from .domain import get_domain
from .i18n import N_, _
from .kinds import Kind
from .markdown import DIAGRAM_ATTRIBUTE
from .problems import BlockProblem, Code
from .tables import build_table
from .yaml_reader import Reader

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from .directive import YamlSource
    from .domain import JointAssessmentDomain
    from .yamlsafe import LineDict

KIND = Kind.FLOW
COMPONENT_KINDS = ("actor", "process", "store")
TRUST_WORDS = ("trusted", "untrusted")


# -- model ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Zone:
    name: str
    #: trusted, untrusted, or free text
    trust: str | None


@dataclass(frozen=True, slots=True)
class Component:
    name: str
    zone: str | None
    kind: str


@dataclass(frozen=True, slots=True)
class Flow:
    source: str
    target: str
    label: str | None
    data: tuple[str, ...]
    #: line in the YAML body (or ``:file:``), for problems about this flow
    line: int | None


@dataclass(frozen=True, slots=True)
class DataFlow:
    id: str
    title: str
    zones: tuple[Zone, ...]
    components: tuple[Component, ...]
    flows: tuple[Flow, ...]
    #: where the YAML came from: a ``:file:`` (relative to the source folder), or the
    #: document line of the body's first line; flows' lines are relative to it
    path: str | None = None
    first_line: int | None = None

    def component(self, name: str) -> Component | None:
        return next((c for c in self.components if c.name == name), None)

    def zone_of(self, name: str) -> str | None:
        component = self.component(name)
        return component.zone if component is not None else None

    def crosses(self, flow: Flow) -> bool:
        """Whether *flow* crosses a trust boundary: its ends lie in two different zones."""
        source, target = self.zone_of(flow.source), self.zone_of(flow.target)
        return source is not None and target is not None and source != target

    def flow_location(self, flow: Flow, block_line: int) -> tuple[str | None, int]:
        """(file, line) of *flow* for a problem: the ``:file:``'s line, or the page's."""
        if flow.line is None:
            return None, block_line
        if self.path is not None:
            return self.path, flow.line
        if self.first_line is not None:
            return None, self.first_line + flow.line - 1
        return None, block_line

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "zones": [{"name": z.name, "trust": z.trust} for z in self.zones],
            "components": [
                {"name": c.name, "zone": c.zone, "kind": c.kind} for c in self.components
            ],
            "flows": [
                {
                    "from": f.source,
                    "to": f.target,
                    "label": f.label,
                    "data": list(f.data),
                    "crosses_boundary": self.crosses(f),
                }
                for f in self.flows
            ],
        }


def component_catalogue(domain: JointAssessmentDomain) -> set[str]:
    """Every component name a ``data-flow`` or a ``threat-matrix`` of the project declares."""
    names: set[str] = set()
    for obj in domain.objects(KIND):
        names.update(component.name for component in obj.model.components)
    for obj in domain.objects(Kind.MATRIX):
        names.update(obj.model.components)
    return names


# -- parsing -------------------------------------------------------------------------------

_TOP_KEYS = ("zones", "components", "flows")
_ZONE_KEYS = ("name", "trust")
_COMPONENT_KEYS = ("name", "zone", "kind")
_FLOW_KEYS = ("from", "to", "label", "data")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def parse_data_flow(
    data: Any, flow_id: str, title: str
) -> tuple[DataFlow | None, list[BlockProblem]]:
    """The model of a data-flow body, with every problem found on the way."""
    reader = Reader()
    top = reader.mapping(data, "the body", None)
    if top is None:
        return None, reader.problems
    reader.check_keys(top, "the body", _TOP_KEYS, required=("components",), top_level=True)
    zones = _zones(reader, top)
    components = _components(reader, top, {zone.name for zone in zones})
    flows = _flows(reader, top, {component.name for component in components})
    model = DataFlow(flow_id, title, tuple(zones), tuple(components), tuple(flows))
    return model, reader.problems


def _entries(reader: Reader, top: LineDict, key: str) -> list[tuple[LineDict, int | None]]:
    raw = reader.sequence(top, key, "the body")
    result = []
    for index, item in enumerate(raw or ()):
        line = raw.line_of(index) if raw is not None else None
        data = reader.mapping(item, f"an item of {key!r}", line)
        if data is not None:
            result.append((data, line))
    return result


def _zones(reader: Reader, top: LineDict) -> list[Zone]:
    zones: list[Zone] = []
    for data, line in _entries(reader, top, "zones"):
        reader.check_keys(data, "a zone", _ZONE_KEYS, required=("name",))
        name = reader.text(data, "name", "a zone")
        trust = reader.text(data, "trust", f"zone {name!r}")
        if name is None or not name.strip():
            continue
        name = _one_line(name)
        if any(zone.name == name for zone in zones):
            reader.problem(Code.DUPLICATE_ID, f"zone {name!r} is declared twice", line)
            continue
        zones.append(Zone(name, _one_line(trust) if trust and trust.strip() else None))
    return zones


def _components(reader: Reader, top: LineDict, zone_names: set[str]) -> list[Component]:
    components: list[Component] = []
    for data, line in _entries(reader, top, "components"):
        reader.check_keys(data, "a component", _COMPONENT_KEYS, required=("name",))
        name = reader.text(data, "name", "a component")
        if name is None or not name.strip():
            continue
        name = _one_line(name)
        where = f"component {name!r}"
        zone = reader.text(data, "zone", where)
        zone = _one_line(zone) if zone and zone.strip() else None
        if zone is not None and zone not in zone_names:
            reader.problem(
                Code.SCHEMA,
                f"{where}: zone {zone!r} is not declared in 'zones'",
                data.line_of("zone"),
            )
            zone = None
        kind_text = reader.text(data, "kind", where)
        kind = (kind_text or "process").strip().casefold()
        if kind not in COMPONENT_KINDS:
            reader.problem(
                Code.SCHEMA,
                f"{where}: kind {kind_text!r} is not one of {', '.join(COMPONENT_KINDS)}",
                data.line_of("kind"),
            )
            kind = "process"
        if any(component.name == name for component in components):
            reader.problem(Code.DUPLICATE_ID, f"{where} is declared twice", line)
            continue
        components.append(Component(name, zone, kind))
    return components


def _flows(reader: Reader, top: LineDict, component_names: set[str]) -> list[Flow]:
    flows: list[Flow] = []
    for data, line in _entries(reader, top, "flows"):
        reader.check_keys(data, "a flow", _FLOW_KEYS, required=("from", "to"))
        ends = [reader.text(data, key, "a flow") for key in ("from", "to")]
        label = reader.text(data, "label", "a flow")
        items = [_one_line(text) for text, _line in reader.text_list(data, "data", "a flow")]
        if ends[0] is None or ends[1] is None:
            continue
        source, target = _one_line(ends[0]), _one_line(ends[1])
        unknown = [name for name in (source, target) if name not in component_names]
        if unknown:
            reader.problem(
                Code.SCHEMA,
                f"flow {source} -> {target} names undeclared component "
                + ", ".join(map(repr, unknown)),
                line,
            )
            continue
        text = _one_line(label) if label and label.strip() else None
        flows.append(Flow(source, target, text, tuple(item for item in items if item), line))
    return flows


# -- Mermaid -------------------------------------------------------------------------------

#: characters a Mermaid label may hold as they are; every other one is written ``#NNN;``
_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:/()+-_?!@='")
#: the node shape of each component kind: actor a box, process rounded, store a cylinder
_SHAPES = {"actor": ('["', '"]'), "process": ('("', '")'), "store": ('[("', '")]')}


def mermaid_label(text: str) -> str:
    """*text* as a quoted Mermaid label that cannot be anything but text."""
    return '"' + "".join(ch if ch in _SAFE else f"#{ord(ch)};" for ch in text) + '"'


def mermaid_text(flow: DataFlow) -> str:
    """The diagram as a Mermaid flowchart: zones as subgraphs, crossing flows thick."""
    ids = {component.name: f"c{index}" for index, component in enumerate(flow.components, 1)}
    lines = ["flowchart LR"]

    def node(component: Component, indent: str) -> str:
        opening, closing = _SHAPES[component.kind]
        label = mermaid_label(component.name)[1:-1]
        return f"{indent}{ids[component.name]}{opening}{label}{closing}"

    for index, zone in enumerate(flow.zones, 1):
        members = [c for c in flow.components if c.zone == zone.name]
        title = f"{zone.name} ({zone.trust})" if zone.trust else zone.name
        lines.append(f"  subgraph z{index}[{mermaid_label(title)}]")
        lines.extend(node(component, "    ") for component in members)
        lines.append("  end")
    lines.extend(node(c, "  ") for c in flow.components if c.zone is None)
    for item in flow.flows:
        arrow = "==>" if flow.crosses(item) else "-->"
        text = item.label or ", ".join(item.data)
        label = f"|{mermaid_label(text)}|" if text else ""
        lines.append(f"  {ids[item.source]} {arrow}{label} {ids[item.target]}")
    return "\n".join(lines) + "\n"


class data_flow_diagram(nodes.General, nodes.Element):  # type: ignore[misc]  # docutils naming
    """The Mermaid text of a diagram until the page is written (see :class:`DrawDiagrams`)."""


def has_diagrams(env: BuildEnvironment) -> bool:
    """Diagrams come only from recorded ``data-flow`` blocks (in place, or copied): a
    project without one has none, and its pages need not be walked for them."""
    return get_domain(env).has_objects(KIND)


class DrawDiagramsHtml(SphinxPostTransform):
    """In html, each diagram becomes sphinxcontrib-mermaid's node, drawn in the browser."""

    default_priority = 6  # after the placeholders (5): assembled pages hold diagrams too
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        if not has_diagrams(self.env):
            return
        from sphinxcontrib.mermaid import mermaid

        for node in list(self.document.findall(data_flow_diagram)):
            drawn = mermaid()
            drawn["code"] = node["code"]
            drawn["options"] = {}
            drawn["alt"] = node["alt"]
            node.replace_self(drawn)


class DrawDiagramsMarkdown(SphinxPostTransform):
    """In Markdown (the ``jointassessment`` builder), a ```` ```mermaid ```` block."""

    default_priority = 6
    formats = ("markdown",)

    def run(self, **kwargs: Any) -> None:
        if not has_diagrams(self.env):
            return
        for node in list(self.document.findall(data_flow_diagram)):
            code = node["code"]
            block = nodes.literal_block(code, code, language="mermaid")
            block[DIAGRAM_ATTRIBUTE] = True  # drawn on purpose: see markdown.DRAWN_LANGUAGES
            node.replace_self(block)


class DropDiagrams(SphinxPostTransform):
    """Any other builder (LaTeX, text, man...) shows the tables only.

    So no extension warns that it cannot make a picture, and nothing depends on one.
    """

    default_priority = 7

    def run(self, **kwargs: Any) -> None:
        if not has_diagrams(self.env):
            return
        for node in list(self.document.findall(data_flow_diagram)):
            node.replace_self([])


# -- rendering -----------------------------------------------------------------------------

FLOW_COLUMNS = (
    (N_("From"), 18),
    (N_("To"), 18),
    (N_("Data"), 20),
    (N_("Label"), 20),
    (N_("Crosses boundary"), 22),
)
COMPONENT_COLUMNS = ((N_("Component"), 22), (N_("Kind"), 10), (N_("Zone"), 18), (N_("Trust"), 12))
#: the words of :data:`COMPONENT_KINDS` and :data:`TRUST_WORDS` as shown, for the catalog
SHOWN_WORDS = (N_("actor"), N_("process"), N_("store"), N_("trusted"), N_("untrusted"))


def _word(value: str | None) -> str | None:
    return _(value) if value else None


def crossing_text(flow: DataFlow, item: Flow) -> str:
    if not flow.crosses(item):
        return _("no")
    return _("yes: {source} \u2192 {target}").format(
        source=flow.zone_of(item.source), target=flow.zone_of(item.target)
    )


def render_data_flow(
    flow: DataFlow, classes: list[str], *, caption: bool = True
) -> list[nodes.Node]:
    """The diagram, then the components and the flows as tables."""
    diagram = data_flow_diagram(
        code=mermaid_text(flow), alt=_("Data-flow diagram: {title}").format(title=flow.title)
    )
    trust = {zone.name: zone.trust for zone in flow.zones}
    components = build_table(
        COMPONENT_COLUMNS,
        [
            [c.name, _word(c.kind), c.zone, _word(trust.get(c.zone)) if c.zone else None]
            for c in flow.components
        ],
        classes=["ja-data-flow-components", *classes],
        title=_("{title}: components").format(title=flow.title) if caption else None,
    )
    result: list[nodes.Node] = [diagram, components]
    if flow.flows:
        rows = [
            [
                item.source,
                item.target,
                ", ".join(item.data) or None,
                item.label,
                crossing_text(flow, item),
            ]
            for item in flow.flows
        ]
        result.append(
            build_table(
                FLOW_COLUMNS,
                rows,
                classes=["ja-data-flow-flows", *classes],
                title=_("{title}: flows").format(title=flow.title) if caption else None,
            )
        )
    return result


# -- directive -----------------------------------------------------------------------------


class DataFlowDirective(YamlObjectDirective[DataFlow]):
    """``.. data-flow:: <title>`` with a YAML body or ``:file:``."""

    kind = KIND
    block_class = "ja-data-flow"

    def title(self) -> str:
        return " ".join(str(self.arguments[0]).split())

    def parse_yaml(
        self, data: Any, obj_id: str, title: str, source: YamlSource
    ) -> tuple[DataFlow | None, list[BlockProblem]]:
        model, problems = parse_data_flow(data, obj_id, title)
        if model is not None:  # flows' lines are read from where the YAML came from
            model = dataclasses.replace(model, path=source.path, first_line=source.first_line)
        return model, problems

    def render(self, model: DataFlow) -> list[nodes.Node]:
        return render_data_flow(model, self.options.get("class", []))


def _skip(self: nodes.NodeVisitor, node: nodes.Node) -> None:
    raise nodes.SkipNode


def setup_data_flow(app: Sphinx) -> None:
    app.setup_extension("sphinxcontrib.mermaid")
    handlers = (_skip, None)
    app.add_node(
        data_flow_diagram,
        html=handlers,
        latex=handlers,
        text=handlers,
        man=handlers,
        texinfo=handlers,
    )
    for transform in (DrawDiagramsHtml, DrawDiagramsMarkdown, DropDiagrams):
        app.add_post_transform(transform)
    add_assessment_directive(app, "data-flow", DataFlowDirective)
