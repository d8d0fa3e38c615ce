"""``risk-map``: the OWASP likelihood x impact grid with every rated risk and threat in it.

A picture where people would rather look than read (SPEC §2.14): rows from high to low
likelihood, columns from low to high impact, each cell coloured by the severity the
OWASP matrix gives it and holding the linked ids of the attack risks and rated threats
that fall in it. The grid is a standard table, so Markdown, LaTeX and text get a
plain table; in html :class:`ja_risk_map` writes it as an accessible table (caption,
``scope`` on every header cell) in its own scroll box.

Objects are found through the domain by kind: any kind listed in :data:`RATED_KINDS`
whose model has a ``likelihood`` and an ``impact`` is placed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes

from .attack_risk import LEVELS, owasp_severity
from .directive import add_assessment_directive
from .i18n import N_, _
from .kinds import Kind
from .placeholders import PlaceholderDirective, register_renderer
from .tables import empty_note, entry
from .values import natural_key

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.writers.html5 import HTML5Translator

    from .placeholders import ResolveContext, ja_placeholder

KIND = "risk-map"
#: the kinds whose rated objects the map places, in the order a cell lists them
RATED_KINDS = (Kind.RISK, Kind.THREAT)
#: the words of the levels, for the message catalog
LEVEL_WORDS = {"low": N_("Low"), "medium": N_("Medium"), "high": N_("High")}


class ja_risk_map(nodes.General, nodes.Element):  # type: ignore[misc]  # docutils naming
    """Holds the grid's table; html writes it with header scopes, others the table."""


def placed(context: ResolveContext) -> dict[tuple[str, str], list[tuple[Kind, str]]]:
    """(likelihood, impact) -> the (kind, id) of each rated object there, ids in order."""
    grid: dict[tuple[str, str], list[tuple[Kind, str]]] = {}
    for kind in RATED_KINDS:
        for obj in context.domain.objects(kind):
            likelihood = getattr(obj.model, "likelihood", None)
            impact = getattr(obj.model, "impact", None)
            if likelihood in LEVELS and impact in LEVELS:
                grid.setdefault((likelihood, impact), []).append((kind, obj.id))
    for found in grid.values():
        found.sort(key=lambda item: (RATED_KINDS.index(item[0]), natural_key(item[1])))
    return grid


def render_risk_map(context: ResolveContext, *, optional: bool = False) -> list[nodes.Node]:
    """The grid; with nothing rated, a sentence (or nothing, when *optional*)."""
    grid = placed(context)
    if not grid:
        if optional:
            return []
        return [empty_note(_("No attack risk or threat is rated yet."))]
    table = nodes.table(classes=["ja-risk-map"])
    table += nodes.title(text=_("Risk map: likelihood x impact"))
    group = nodes.tgroup(cols=len(LEVELS) + 1)
    table += group
    group += nodes.colspec(colwidth=14, stub=1)
    for _level in LEVELS:
        group += nodes.colspec(colwidth=24)
    head = nodes.thead()
    group += head
    header = nodes.row()
    head += header
    header += entry(_("Likelihood \\ Impact"))
    header.extend(entry(_(LEVEL_WORDS[impact])) for impact in LEVELS)
    body = nodes.tbody()
    group += body
    for likelihood in reversed(LEVELS):  # high likelihood first
        row = nodes.row()
        body += row
        row += entry(_(LEVEL_WORDS[likelihood]))
        for impact in LEVELS:
            severity = owasp_severity(likelihood, impact)
            para = nodes.paragraph()
            para += nodes.inline(
                text=_(severity.capitalize()) + ":", classes=["ja-risk-map-severity"]
            )
            for index, (kind, obj_id) in enumerate(grid.get((likelihood, impact), [])):
                para += nodes.Text(", " if index else " ")
                para += context.xref(kind, obj_id, nodes.inline(obj_id, obj_id))
            row += entry(para, classes=[f"ja-severity-{severity}"])
    return [ja_risk_map("", table)]


def _render(context: ResolveContext, node: ja_placeholder) -> list[nodes.Node]:
    return render_risk_map(context, optional=bool(node.get("optional")))


# -- html: an accessible grid ----------------------------------------------------------------


def _cells(row: nodes.row) -> list[nodes.entry]:
    return [entry for entry in row.children if isinstance(entry, nodes.entry)]


def visit_risk_map_html(self: HTML5Translator, node: ja_risk_map) -> None:
    """Caption, column headers with ``scope="col"``, row headers with ``scope="row"``."""
    table = node.next_node(nodes.table)
    title = table.next_node(nodes.title)
    caption = title.astext() if title is not None else ""
    self.body.append(
        self.starttag(
            node,
            "div",
            CLASS="ja-table-scroll",
            tabindex="0",
            role="region",
            **{"aria-label": caption},
        )
    )
    self.body.append('<table class="ja-risk-map docutils">\n')
    self.body.append(f"<caption>{self.encode(caption)}</caption>\n")
    head = table.next_node(nodes.thead)
    body = table.next_node(nodes.tbody)
    self.body.append("<thead><tr>")
    for cell in _cells(head.next_node(nodes.row)):
        self.body.append(f'<th scope="col">{self.encode(cell.astext())}</th>')
    self.body.append("</tr></thead>\n<tbody>\n")
    for row in body.children:
        cells = _cells(row)
        self.body.append(f'<tr><th scope="row">{self.encode(cells[0].astext())}</th>')
        for cell in cells[1:]:
            self.body.append(f'<td class="{" ".join(cell["classes"])}">')
            for child in cell.children:
                for inline in child.children:  # the paragraph's content
                    inline.walkabout(self)
            self.body.append("</td>")
        self.body.append("</tr>\n")
    self.body.append("</tbody>\n</table>\n</div>\n")
    raise nodes.SkipNode


def _pass(self: nodes.NodeVisitor, node: nodes.Node) -> None:
    """Other builders write the table the node holds."""


class RiskMapDirective(PlaceholderDirective):
    """``.. risk-map::``: the grid of every rated attack risk and threat, filled when written."""

    kind: ClassVar[str] = KIND
    option_spec: ClassVar[dict[str, Any]] = {}


def setup_risk_map(app: Sphinx) -> None:
    app.add_node(
        ja_risk_map,
        html=(visit_risk_map_html, None),
        latex=(_pass, _pass),
        text=(_pass, _pass),
        man=(_pass, _pass),
        texinfo=(_pass, _pass),
    )
    add_assessment_directive(app, "risk-map", RiskMapDirective)
    register_renderer(KIND, _render, sources=RATED_KINDS)
