"""Objects named by others: a risk's or a finding's page lists the threats that name it.

A ``threat`` names the attack risks and findings it relates to (``:risks:``,
``:findings:``). A reader of the risk should see those threats too, without the
author writing the link twice. A feature declares what its blocks name
(:func:`register_citation`); every block of a named kind then leaves a ``cited-by``
placeholder under itself, filled when its page is written with "Threats: T-1,
Threat-01-S", linked, or nothing when no block names it. The placeholder's pages are
written again when objects of the naming kinds change, so incremental builds list
what a clean build lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from docutils import nodes

from .i18n import _
from .placeholders import make_placeholder, register_renderer

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from sphinx.util.docutils import SphinxDirective

    from .kinds import Kind
    from .placeholders import ResolveContext, ja_placeholder

CITED_BY_KIND = "cited-by"


@dataclass(frozen=True, slots=True)
class Citation:
    """Blocks of kind *citing* name objects of kind *cited* by id (``names(model)``)."""

    citing: Kind
    cited: Kind
    #: what the line under a cited object starts with ("Threats")
    label: str
    names: Callable[[Any], Iterable[str]]


_CITATIONS: list[Citation] = []


def register_citation(
    citing: Kind, cited: Kind, label: str, names: Callable[[Any], Iterable[str]]
) -> None:
    """Objects of *cited* show, under themselves, the objects of *citing* naming them."""
    # one entry per pair: setting up Sphinx again in the same process registers it anew
    _CITATIONS[:] = [c for c in _CITATIONS if (c.citing, c.cited) != (citing, cited)]
    _CITATIONS.append(Citation(citing, cited, label, names))
    register_renderer(CITED_BY_KIND, _render, sources={c.citing for c in _CITATIONS})


def is_cited_kind(kind: Kind) -> bool:
    return any(citation.cited == kind for citation in _CITATIONS)


def cited_by_placeholder(directive: SphinxDirective, kind: Kind, anchor: str) -> ja_placeholder:
    """The line listing what names the object at *anchor* of this page, filled when written."""
    return make_placeholder(directive, CITED_BY_KIND, cited=kind.value, anchor=anchor)


def _citing_index(context: ResolveContext, citation: Citation) -> dict[str, list[str]]:
    """Cited id -> ids of the objects naming it, in document order (once per page)."""

    def compute() -> dict[str, list[str]]:
        index: dict[str, list[str]] = {}
        for obj in context.domain.objects(citation.citing):
            for name in dict.fromkeys(citation.names(obj.model)):
                index.setdefault(name, []).append(obj.id)
        return index

    return context.cached(f"citations-{citation.citing}-{citation.cited}", compute)


def _render(context: ResolveContext, node: ja_placeholder) -> list[nodes.Node]:
    cited = next(
        (
            obj
            for obj in context.domain.objects_on(context.docname)
            if obj.anchor == node["anchor"] and obj.kind.value == node["cited"]
        ),
        None,
    )
    if cited is None:
        return []
    result: list[nodes.Node] = []
    for citation in _CITATIONS:
        if citation.cited != cited.kind:
            continue
        naming = _citing_index(context, citation).get(cited.id, [])
        if not naming:
            continue
        para = nodes.paragraph(classes=["ja-cited-by"])
        para += nodes.Text(_("{label}: ").format(label=_(citation.label)))
        for index, obj_id in enumerate(naming):
            if index:
                para += nodes.Text(", ")
            para += context.xref(citation.citing, obj_id, nodes.inline(obj_id, obj_id))
        result.append(para)
    return result
