"""``threat``, ``controls`` and ``threats-table``: a threat catalogue (SPEC §2.9).

Most published assessments model threats as a STRIDE catalogue, not as the
template's victim x attacker matrix: one entry per threat, its STRIDE category, the
components it touches, the MITRE ATT&CK techniques it uses, and the controls that
mitigate it. ``threat`` records one such entry; a nested ``controls`` block holds its
mitigations, kept apart from the description so the lightweight threat model's
"Threat | Description | Controls | References" table and the JSON can show them
apart. A rated threat (likelihood and impact) gets its severity from the same OWASP
matrix as ``attack-risk`` (:func:`.attack_risk.owasp_severity`).

As in every feature module: the model and :func:`parse_threat` (pure), the
whole-project check, the render functions, the directives, and :func:`setup_threat`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives

from .attack_risk import LEVELS, owasp_severity
from .badges import severity_badge
from .bodies import BODY_CLASS, copy_body
from .checks import register_check
from .citations import register_citation
from .data_flow import component_catalogue
from .directive import AssessmentDirective, ObjectDirective, add_assessment_directive
from .domain import get_domain, shown_model, shown_title
from .i18n import N_, _
from .kinds import Kind
from .links import ja_xref, safe_link
from .markdown_assessment import AssessmentMarkdown
from .object_json import register_object_json
from .placeholders import make_placeholder, register_renderer
from .problems import BlockProblem, Code, Problem
from .stride import STRIDE, attack_url, parse_stride, stride_name
from .tables import build_table, empty_note, field_list
from .urls import url_problem
from .values import choice, option_text, split_items

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import OptionSpec

    from .domain import AssessmentObject
    from .placeholders import ResolveContext, ja_placeholder

KIND = Kind.THREAT
TABLE_KIND = "threats-table"
#: the id of a threat written without ``:id:``
NUMBERED_ID = "T-{n}"

STATUSES = ("open", "in-progress", "mitigated", "accepted", "transferred", "not-applicable")
#: statuses of a threat that still needs an answer (no status given counts as open)
OPEN_STATUSES = (None, "open", "in-progress")
OPTIONS = (
    "id",
    "stride",
    "components",
    "actors",
    "attack",
    "likelihood",
    "impact",
    "status",
    "risks",
    "findings",
    "references",
)
LAYOUTS = ("list", "lightweight", "stride")


#: classes of the nested ``controls`` block and of its label
CONTROLS_CLASS = "ja-controls"
CONTROLS_TITLE_CLASS = "ja-controls-title"
#: ``env.temp_data`` key: how many ``threat`` bodies are being parsed around a block
_INSIDE_THREAT = "ja-inside-threat"


# -- model ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Threat:
    #: ``""`` for a threat numbered in document order (its id is the domain's)
    id: str
    title: str
    #: STRIDE keys (:data:`STRIDE`), in the order written
    stride: tuple[str, ...]
    components: tuple[str, ...]
    actors: tuple[str, ...]
    #: ATT&CK ids as written (the ones that do not parse are reported and not linked)
    attack: tuple[str, ...]
    likelihood: str | None
    impact: str | None
    status: str | None
    risks: tuple[str, ...]
    findings: tuple[str, ...]
    references: tuple[str, ...]
    #: whether the body holds a ``controls`` block
    has_controls: bool = False

    @property
    def severity(self) -> str | None:
        if self.likelihood is None or self.impact is None:
            return None
        return owasp_severity(self.likelihood, self.impact)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "stride": list(self.stride),
            "components": list(self.components),
            "actors": list(self.actors),
            "attack": list(self.attack),
            "likelihood": self.likelihood,
            "impact": self.impact,
            "severity": self.severity,
            "status": self.status,
            "risks": list(self.risks),
            "findings": list(self.findings),
            "references": list(self.references),
        }


# -- parsing -------------------------------------------------------------------------------


def _items(text: str) -> list[str]:
    """Ids separated by ``;`` or ``,`` (ids hold neither), each once, in order."""
    items, _empty = split_items(text.replace(",", ";"), ";")
    return list(dict.fromkeys(items))


def _names(text: str | None) -> tuple[str, ...]:
    """Names separated by ``;`` (a name may hold a comma), each once, in order."""
    if text is None:
        return ()
    items, _empty = split_items(text, ";")
    return tuple(dict.fromkeys(" ".join(item.split()) for item in items))


def _level(options: Mapping[str, Any], name: str, problems: list[BlockProblem]) -> str | None:
    text = option_text(options, name)
    level = choice(text, LEVELS)
    if text is not None and level is None:
        problems.append(
            BlockProblem(Code.SCHEMA, f":{name}: {text!r} is not one of low, medium, high")
        )
    return level


def parse_threat(title: str, options: Mapping[str, Any]) -> tuple[Threat, list[BlockProblem]]:
    """The model of one block and the problems of its options (``id == ""``: numbered)."""
    problems: list[BlockProblem] = []
    stride, unknown = parse_stride(option_text(options, "stride"))
    if unknown:
        problems.append(
            BlockProblem(
                Code.SCHEMA,
                f":stride: {', '.join(map(repr, unknown))} is not a STRIDE category "
                f"({', '.join(STRIDE)}, or a letter of STRIDE)",
            )
        )
    attack_text = option_text(options, "attack")
    attack = tuple(_items(attack_text)) if attack_text else ()
    bad_ids = [item for item in attack if attack_url(item) is None]
    if bad_ids:
        problems.append(
            BlockProblem(
                Code.BAD_IDENTIFIER,
                f":attack: {', '.join(map(repr, bad_ids))} is not a MITRE ATT&CK technique "
                "(T1234, T1234.001) or tactic (TA0001) id",
            )
        )
    likelihood = _level(options, "likelihood", problems)
    impact = _level(options, "impact", problems)
    given = [name for name in ("likelihood", "impact") if option_text(options, name)]
    if len(given) == 1:
        missing = "impact" if given == ["likelihood"] else "likelihood"
        problems.append(
            BlockProblem(
                Code.SCHEMA, f":{given[0]}: is given without :{missing}: (give both, or neither)"
            )
        )
    if likelihood is None or impact is None:
        likelihood = impact = None
    status_text = option_text(options, "status")
    status = choice(status_text, STATUSES)
    if status_text is not None and status is None:
        problems.append(
            BlockProblem(
                Code.UNKNOWN_STATUS, f":status: {status_text!r} is not one of {', '.join(STATUSES)}"
            )
        )
    references = _names(option_text(options, "references"))
    for url in references:
        reason = url_problem(url)
        if reason is not None:
            problems.append(BlockProblem(Code.BAD_URL, f":references: {reason}"))
    threat = Threat(
        id=option_text(options, "id") or "",
        title=" ".join(title.split()),
        stride=stride,
        components=_names(option_text(options, "components")),
        actors=_names(option_text(options, "actors")),
        attack=attack,
        likelihood=likelihood,
        impact=impact,
        status=status,
        risks=tuple(_items(option_text(options, "risks") or "")),
        findings=tuple(_items(option_text(options, "findings") or "")),
        references=references,
    )
    return threat, problems


# -- whole-project checks ------------------------------------------------------------------


def check_threat_references(env: BuildEnvironment) -> Iterable[Problem]:
    """Every ``:risks:`` and ``:findings:`` id names an object of the project."""
    domain = get_domain(env)
    for obj in domain.recorded(KIND):
        for option, kind, ids in (
            ("risks", Kind.RISK, obj.model.risks),
            ("findings", Kind.FINDING, obj.model.findings),
        ):
            for target in ids:
                if domain.get(kind, target) is None:
                    yield Problem(
                        Code.UNKNOWN_REFERENCE,
                        f"threat {obj.id!r}: :{option}: there is no "
                        f"{'attack risk' if kind is Kind.RISK else 'finding'} {target!r}",
                        obj.docname,
                        obj.lineno,
                    )


def check_threat_components(env: BuildEnvironment) -> Iterable[Problem]:
    """A threat's components are in the project's catalogue, when the project declares one."""
    domain = get_domain(env)
    catalogue = component_catalogue(domain)
    if not catalogue:
        return
    for obj in domain.recorded(KIND):
        unknown = [name for name in obj.model.components if name not in catalogue]
        if unknown:
            yield Problem(
                Code.UNKNOWN_COMPONENT,
                f"threat {obj.id!r}: :components: {', '.join(map(repr, unknown))} "
                "is declared by no data-flow or threat-matrix",
                obj.docname,
                obj.lineno,
            )


# -- rendering -----------------------------------------------------------------------------


def _joined(parts: Iterable[nodes.Node], separator: str = ", ") -> list[nodes.Node]:
    result: list[nodes.Node] = []
    for index, part in enumerate(parts):
        if index:
            result.append(nodes.Text(separator))
        result.append(part)
    return result


def attack_links(threat: Threat) -> list[nodes.Node]:
    """ATT&CK ids linked to their attack.mitre.org pages (an id that does not parse: text)."""
    parts: list[nodes.Node] = []
    for attack_id in threat.attack:
        url = attack_url(attack_id)
        parts.append(safe_link(url, attack_id) if url else nodes.Text(attack_id))
    return _joined(parts)


def object_links(kind: Kind, ids: Sequence[str], docname: str) -> list[nodes.Node]:
    return _joined(ja_xref(kind, target, nodes.inline(target, target), docname) for target in ids)


def reference_links(threat: Threat) -> list[nodes.Node]:
    return _joined((safe_link(url) for url in threat.references), "; ")


def _level_text(value: str | None) -> str:
    return _(value.capitalize()) if value else _("unrated")


#: the STRIDE names as shown (:data:`.stride.STRIDE`), for the message catalog
STRIDE_NAMES = (
    N_("Spoofing"),
    N_("Tampering"),
    N_("Repudiation"),
    N_("Information Disclosure"),
    N_("Denial of Service"),
    N_("Elevation of Privilege"),
)


def _stride_names(keys: Iterable[str]) -> str:
    return ", ".join(_(stride_name(key)) for key in keys)


def threat_heading(threat: Threat, shown_id: nodes.Node | None) -> nodes.paragraph:
    """``ID: title`` in bold, then the severity badge when the threat is rated."""
    para = nodes.paragraph(classes=["ja-object-title"])
    strong = nodes.strong()
    if shown_id is not None:
        strong += shown_id
        strong += nodes.Text(": ")
    strong += nodes.Text(threat.title)
    para += strong
    if threat.severity is not None:
        para += nodes.Text(" ")
        para += severity_badge(threat.severity)
    return para


def threat_fields(threat: Threat, docname: str) -> nodes.field_list | None:
    fields: list[tuple[str, Any]] = []
    if threat.stride:
        fields.append(("STRIDE", _stride_names(threat.stride)))
    if threat.components:
        fields.append((_("Components"), "; ".join(threat.components)))
    if threat.actors:
        fields.append((_("Actors"), "; ".join(threat.actors)))
    if threat.attack:
        fields.append(("MITRE ATT&CK", attack_links(threat)))
    if threat.severity is not None:
        fields.append((_("Likelihood"), _level_text(threat.likelihood)))
        fields.append((_("Impact"), _level_text(threat.impact)))
        fields.append((_("Severity"), _level_text(threat.severity)))
    if threat.status:
        fields.append((_("Status"), threat.status))
    if threat.risks:
        fields.append((_("Attack risks"), object_links(Kind.RISK, threat.risks, docname)))
    if threat.findings:
        fields.append((_("Findings"), object_links(Kind.FINDING, threat.findings, docname)))
    if threat.references:
        fields.append((_("References"), reference_links(threat)))
    return field_list(fields, classes=["ja-fields"]) if fields else None


def render_threat(
    threat: Threat, body: nodes.Element | None, docname: str, shown_id: nodes.Node | None
) -> list[nodes.Node]:
    """One threat: heading, fields, then its description and controls as written."""
    result: list[nodes.Node] = [threat_heading(threat, shown_id)]
    fields = threat_fields(threat, docname)
    if fields is not None:
        result.append(fields)
    if body is not None and body.children:
        result.append(body)
    return result


def split_controls(body: nodes.Element | None) -> tuple[list[nodes.Node], list[nodes.Node]]:
    """A copied body as (description, controls): the ``controls`` blocks' content apart."""
    description: list[nodes.Node] = []
    controls: list[nodes.Node] = []
    for child in body.children if body is not None else ():
        if isinstance(child, nodes.container) and CONTROLS_CLASS in child["classes"]:
            controls.extend(
                part
                for part in child.children
                if not (isinstance(part, nodes.Element) and CONTROLS_TITLE_CLASS in part["classes"])
            )
        else:
            description.append(child)
    return description, controls


def threat_copy(obj: AssessmentObject, docname: str) -> list[nodes.Node]:
    """A threat shown away from its page (the assembled assessment): as written in place."""
    body = copy_body(obj.body, docname, obj.docname)
    return render_threat(shown_model(obj), body, docname, nodes.Text(obj.id))


def _markdown(parts: Sequence[nodes.Node]) -> str:
    holder = nodes.container()
    holder.extend(parts)
    return AssessmentMarkdown.fragment_markdown(holder, 4).strip("\n")


def threat_markdown(obj: AssessmentObject, docname: str) -> tuple[str, str]:
    """A threat's description and controls as Markdown (the JSON's and the OTM's)."""
    description, controls = split_controls(copy_body(obj.body, docname, obj.docname))
    return _markdown(description), _markdown(controls)


def controls_items(obj: AssessmentObject, docname: str) -> list[str]:
    """The controls as Markdown, one per item when they are one bullet list, else whole."""
    _description, controls = split_controls(copy_body(obj.body, docname, obj.docname))
    if len(controls) == 1 and isinstance(controls[0], nodes.bullet_list):
        return [_markdown(list(item.children)) for item in controls[0].children]
    text = _markdown(controls)
    return [text] if text else []


def _threat_json(env: BuildEnvironment, obj: AssessmentObject) -> dict[str, Any]:
    description, controls = threat_markdown(obj, env.config.root_doc)
    return {"id": obj.id, "description": description, "controls": controls}


def _id_link(obj: AssessmentObject, docname: str) -> nodes.Node:
    return ja_xref(KIND, obj.id, nodes.inline(obj.id, obj.id), docname)


def _severity_cell(threat: Threat) -> nodes.Node | None:
    return severity_badge(threat.severity) if threat.severity else None


LIST_COLUMNS = (
    (N_("ID"), 12),
    (N_("Threat"), 30),
    ("STRIDE", 18),
    (N_("Components"), 20),
    (N_("Severity"), 10),
    (N_("Status"), 12),
)
LIGHTWEIGHT_COLUMNS = (
    (N_("Threat"), 25),
    (N_("Description"), 40),
    (N_("Controls"), 40),
    (N_("References"), 25),
)


def _list_table(objects: Sequence[AssessmentObject], docname: str) -> nodes.table:
    rows = [
        [
            _id_link(obj, docname),
            shown_title(obj),
            _stride_names(obj.model.stride) or None,
            "; ".join(obj.model.components) or None,
            _severity_cell(obj.model),
            obj.model.status,
        ]
        for obj in objects
    ]
    return build_table(LIST_COLUMNS, rows, classes=["ja-threats-table"])


def _references_cell(obj: AssessmentObject, docname: str) -> list[nodes.Node]:
    threat: Threat = obj.model
    parts: list[list[nodes.Node]] = []
    if threat.attack:
        parts.append(attack_links(threat))
    if threat.risks:
        parts.append(object_links(Kind.RISK, threat.risks, docname))
    if threat.findings:
        parts.append(
            [nodes.Text(_("Findings") + " "), *object_links(Kind.FINDING, threat.findings, docname)]
        )
    if threat.references:
        parts.append(reference_links(threat))
    result: list[nodes.Node] = []
    for index, part in enumerate(parts):
        if index:
            result.append(nodes.Text("; "))
        result.extend(part)
    return result


def _lightweight_table(objects: Sequence[AssessmentObject], docname: str) -> nodes.table:
    rows = []
    for obj in objects:
        description, controls = split_controls(copy_body(obj.body, docname, obj.docname))
        rows.append(
            [
                [_id_link(obj, docname), nodes.Text(f": {shown_title(obj)}")],
                description or None,
                controls or None,
                _references_cell(obj, docname) or None,
            ]
        )
    return build_table(LIGHTWEIGHT_COLUMNS, rows, classes=["ja-threats-table", "ja-lightweight"])


#: the row and the column of threats without a category or without components
NO_CATEGORY = N_("(no category)")
NO_COMPONENT = N_("(no component)")


def _in_category(threat: Threat, key: str) -> bool:
    return key in threat.stride or (key == NO_CATEGORY and not threat.stride)


def _on_component(threat: Threat, column: str) -> bool:
    return column in threat.components or (column == NO_COMPONENT and not threat.components)


def _stride_table(
    objects: Sequence[AssessmentObject],
    docname: str,
    categories: Sequence[str],
    component: str | None,
) -> nodes.table:
    """STRIDE categories as rows, components as columns, threat ids in the cells."""
    columns: list[str] = [component] if component else []
    for obj in objects if not component else ():
        for name in obj.model.components or (NO_COMPONENT,):
            if name not in columns:
                columns.append(name)
    rows_keys: list[str] = list(categories or STRIDE)
    if not categories and any(not obj.model.stride for obj in objects):
        rows_keys.append(NO_CATEGORY)
    rows = []
    for key in rows_keys:
        row: list[Any] = [_(stride_name(key) if key in STRIDE else key)]
        for column in columns:
            ids = [
                obj
                for obj in objects
                if (key in obj.model.stride or (key == NO_CATEGORY and not obj.model.stride))
                and (
                    column in obj.model.components
                    or (column == NO_COMPONENT and not obj.model.components)
                )
            ]
            row.append(_joined(_id_link(obj, docname) for obj in ids) or None)
        rows.append(row)
    table_columns = [(N_("STRIDE category"), 22), *((name, 16) for name in columns)]
    return build_table(table_columns, rows, classes=["ja-threats-table", "ja-stride"], stub=True)


def _render_table(context: ResolveContext, node: ja_placeholder) -> list[nodes.Node]:
    categories: tuple[str, ...] = tuple(node.get("stride", ()))
    component: str | None = node.get("component")
    objects = [
        obj
        for obj in context.domain.objects(KIND)
        if (not categories or set(categories) & set(obj.model.stride))
        and (component is None or component in obj.model.components)
    ]
    if not objects:
        filtered = categories or component
        return [empty_note(_("No threats match.") if filtered else _("No threats are recorded."))]
    layout = node.get("layout", "list")
    if layout == "lightweight":
        return [_lightweight_table(objects, context.docname)]
    if layout == "stride":
        return [_stride_table(objects, context.docname, categories, component)]
    return [_list_table(objects, context.docname)]


def render_threats_section(context: ResolveContext, skip: set[str]) -> list[nodes.Node]:
    """Every threat of the project, in document order, for the assembled assessment."""
    result: list[nodes.Node] = []
    for obj in context.domain.objects(KIND):
        if obj.anchor in skip:
            continue
        block = nodes.container(classes=["ja-threat"])
        block.extend(threat_copy(obj, context.docname))
        result.append(block)
    return result


# -- directives ----------------------------------------------------------------------------


class ThreatDirective(ObjectDirective[Threat]):
    """``.. threat:: <title>`` with ``:stride:``, ``:components:``, ``:attack:``..."""

    kind = KIND
    option_names = OPTIONS
    body_class = "ja-threat-description"
    numbered_id = NUMBERED_ID

    parse = staticmethod(parse_threat)

    def parse_markup(self) -> nodes.container:
        """The body, with ``controls`` blocks inside it allowed."""
        current = self.env.current_document
        depth = int(current.get(_INSIDE_THREAT) or 0)
        current[_INSIDE_THREAT] = depth + 1
        try:
            return super().parse_markup()
        finally:
            current[_INSIDE_THREAT] = depth

    def complete(self, model: Threat, body: nodes.Element) -> Threat:
        has_controls = any(
            isinstance(child, nodes.container) and CONTROLS_CLASS in child["classes"]
            for child in body.children
        )
        return dataclasses.replace(model, has_controls=has_controls)

    def classes(self, model: Threat) -> list[str]:
        return ["ja-threat", f"ja-severity-{model.severity or 'unrated'}"]

    def render(self, model: Threat, body: nodes.Element) -> list[nodes.Node]:
        return render_threat(model, body, self.docname, self.shown_id(model))


class ControlsDirective(AssessmentDirective):
    """``.. controls::`` inside a ``threat``: its mitigations, in normal markup."""

    has_content = True
    option_spec: ClassVar[OptionSpec] = {}

    def run(self) -> list[nodes.Node]:
        inside = int(self.env.current_document.get(_INSIDE_THREAT) or 0) > 0
        if not inside:
            self.report(
                Code.SCHEMA,
                "is only valid inside a threat block; its content is shown here as written",
            )
        # inside a threat it is made safe with the threat's body; alone, as a body of its own
        classes = [CONTROLS_CLASS] if inside else [BODY_CLASS, "ja-controls-alone"]
        container = nodes.container(classes=classes)
        self.set_source_info(container)
        label = nodes.paragraph(classes=[CONTROLS_TITLE_CLASS])
        label += nodes.strong(text=_("Controls"))
        container += label
        if self.content:
            container.extend(self.parse_content_to_nodes())
        return [container]


class ThreatsTableDirective(AssessmentDirective):
    """``.. threats-table::`` with ``:layout:``, ``:stride:`` and ``:component:``."""

    has_content = False
    option_spec: ClassVar[OptionSpec] = {
        "layout": directives.unchanged,
        "stride": directives.unchanged,
        "component": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        layout_text = option_text(self.options, "layout")
        layout = choice(layout_text, LAYOUTS)
        if layout_text is not None and layout is None:
            self.report(Code.SCHEMA, f":layout: {layout_text!r} is not one of {', '.join(LAYOUTS)}")
        categories, unknown = parse_stride(option_text(self.options, "stride"))
        if unknown:
            self.report(
                Code.SCHEMA, f":stride: {', '.join(map(repr, unknown))} is not a STRIDE category"
            )
        component = option_text(self.options, "component")
        node = make_placeholder(
            self,
            TABLE_KIND,
            layout=layout or "list",
            stride=list(categories),
            component=" ".join(component.split()) if component else None,
        )
        return [node]


def _named_risks(threat: Threat) -> tuple[str, ...]:
    return threat.risks


def _named_findings(threat: Threat) -> tuple[str, ...]:
    return threat.findings


def setup_threat(app: Sphinx) -> None:
    for name, directive in (
        ("threat", ThreatDirective),
        ("controls", ControlsDirective),
        ("threats-table", ThreatsTableDirective),
    ):
        add_assessment_directive(app, name, directive)
    register_renderer(TABLE_KIND, _render_table)
    register_citation(KIND, Kind.RISK, N_("Threats"), _named_risks)
    register_citation(KIND, Kind.FINDING, N_("Threats"), _named_findings)
    register_check(check_threat_references)
    register_check(check_threat_components)
    register_object_json(KIND, _threat_json)
