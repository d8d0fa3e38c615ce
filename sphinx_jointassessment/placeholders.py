"""Placeholder nodes: tables of objects from every page, filled when a page is resolved.

A table such as ``findings-table`` cannot be built while its page is read: the
findings may be on pages not read yet. Its directive leaves a
:class:`ja_placeholder`; :class:`FillPlaceholders` replaces it just before Sphinx
resolves references, so the links it inserts (``pending_xref`` of the ``ja``
domain) are resolved like any other. The domain remembers which pages hold
placeholders so they are written again when the objects change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

from .domain import JointAssessmentDomain, get_domain

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

T = TypeVar("T")


class ja_placeholder(nodes.General, nodes.Element):  # type: ignore[misc]  # docutils naming
    """Stands for generated content of kind ``node['kind']`` until the page is resolved.

    It may hold the page's own content that its renderer completes (see :func:`fill`).
    """


class ResolveContext:
    """What a renderer may use: the environment, the domain and the page being written."""

    def __init__(self, env: BuildEnvironment, docname: str) -> None:
        self.env = env
        self.docname = docname
        self.domain: JointAssessmentDomain = get_domain(env)
        self._cache: dict[str, Any] = {}

    def cached(self, key: str, compute: Callable[[], T]) -> T:
        """*compute*'s value, computed once per page: renderers called per node share it."""
        if key not in self._cache:
            self._cache[key] = compute()
        return cast("T", self._cache[key])

    def xref(self, kind: str, target: str, content: nodes.Node) -> addnodes.pending_xref:
        """A link to an assessment object, resolved by the domain like a role."""
        ref = addnodes.pending_xref(
            "",
            content,
            refdomain="ja",
            reftype=kind,
            reftarget=target,
            refdoc=self.docname,
            refexplicit=True,
            refwarn=False,
        )
        return ref


Renderer = Callable[[ResolveContext, ja_placeholder], list[nodes.Node]]
_RENDERERS: dict[str, Renderer] = {}


def register_renderer(kind: str, renderer: Renderer) -> None:
    """Each feature registers how its placeholder kind is rendered."""
    _RENDERERS[kind] = renderer


def make_placeholder(directive: SphinxDirective, kind: str, **attributes: Any) -> ja_placeholder:
    """A placeholder for *kind* on the directive's page, noted in the domain."""
    node = ja_placeholder(kind=kind, **attributes)
    directive.set_source_info(node)
    get_domain(directive.env).note_summary(directive.env.current_document.docname, kind)
    return node


def fill(
    context: ResolveContext,
    root: nodes.Node,
    pending: list[ja_placeholder] | None = None,
    *,
    identify_tables: bool = True,
) -> None:
    """Replace every placeholder under *root*, including placeholders the renderers add.

    Only what the renderers insert is searched again (a table of thousands of rows
    is walked once here, not once per round); renderers may add placeholders (the
    assembly does), so the rounds are bounded. A placeholder may hold content of its
    page that its renderer completes and gives back (a threat matrix's table, to
    which ``cell-risks`` adds the risks): that content was searched with its page.
    Captioned tables get ids unless *identify_tables* is false (a renderer filling
    its own part of a page leaves that to the fill of the whole page).
    """
    if pending is None:  # the caller may have found them already
        pending = list(root.findall(ja_placeholder))
    titled: list[nodes.table] = []
    for _round in range(8):
        if not pending:
            break
        inserted: list[nodes.Node] = []
        for node in pending:
            held = {id(child) for child in node.children}
            renderer = _RENDERERS.get(node["kind"])
            new = renderer(context, node) if renderer else []
            node.replace_self(new)
            inserted.extend(child for child in new if id(child) not in held)
        pending = []
        for top in inserted:
            for element in top.findall(nodes.Element):
                if isinstance(element, ja_placeholder):
                    pending.append(element)
                elif isinstance(element, nodes.table) and _needs_id(element):
                    titled.append(element)
    for node in pending:  # nested deeper than the bound: dropped
        node.replace_self([])
    if titled and identify_tables:
        _identify_titled_tables(root, titled)


def _needs_id(table: nodes.table) -> bool:
    return not table["ids"] and any(isinstance(child, nodes.title) for child in table.children)


def _identify_titled_tables(root: nodes.Node, tables: list[nodes.table]) -> None:
    """Copied tables lose their ids; a table with a caption needs one for its permalink."""
    used = {ident for element in root.findall(nodes.Element) for ident in element["ids"]}
    number = 0
    for table in tables:
        if table["ids"] or table.parent is None:  # given one since, or replaced
            continue
        while f"ja-table-{number}" in used:
            number += 1
        table["ids"].append(f"ja-table-{number}")
        used.add(f"ja-table-{number}")


class PlaceholderDirective(SphinxDirective):
    """A directive that stands for a table of objects from every page (``findings-table``...).

    Subclasses only name their placeholder kind.
    """

    kind: ClassVar[str]
    has_content = False

    def run(self) -> list[nodes.Node]:
        return [make_placeholder(self, self.kind)]


class FillPlaceholders(SphinxPostTransform):
    """Fill placeholders before references are resolved (ReferencesResolver is 10)."""

    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        pending = list(self.document.findall(ja_placeholder))
        if pending:
            context = ResolveContext(self.env, self.env.current_document.docname)
            fill(context, self.document, pending)


def _skip(self: nodes.NodeVisitor, node: nodes.Node) -> None:
    raise nodes.SkipNode


def setup_placeholders(app: Sphinx) -> None:
    handlers = (_skip, None)
    app.add_node(
        ja_placeholder, html=handlers, latex=handlers, text=handlers, man=handlers, texinfo=handlers
    )
    app.add_post_transform(FillPlaceholders)
