"""Placeholder nodes: tables of objects from every page, filled when a page is resolved.

A table such as ``findings-table`` cannot be built while its page is read: the
findings may be on pages not read yet. Its directive leaves a
:class:`ja_placeholder`; :class:`FillPlaceholders` replaces it just before Sphinx
resolves references, so the links it inserts (``pending_xref`` of the ``ja``
domain) are resolved like any other. The domain remembers which pages hold
placeholders so they are written again when the objects change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

from .domain import JointAssessmentDomain, get_domain, register_summary_sources
from .footnotes import link_copied_footnotes
from .problems import Code, Problem, emit

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from .kinds import Kind

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
        #: the placeholder kinds whose content is being rendered, and the nearest of
        #: those placeholders written in a page (see :func:`fill`)
        self.inside: frozenset[str] = frozenset()
        self.written: ja_placeholder | None = None

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
#: kinds whose content a renderer writes itself, besides its own (see :func:`fill`)
_INCLUDES: dict[str, frozenset[str]] = {}


def register_renderer(
    kind: str,
    renderer: Renderer,
    *,
    includes: Iterable[str] = (),
    sources: Iterable[Kind] | None = None,
) -> None:
    """Each feature registers how its placeholder kind is rendered.

    *includes* names the kinds whose content the renderer writes without their
    placeholder (the hands-on block writes the Findings table itself), so that a
    copy that would hold itself is found through them too. *sources*: the object
    kinds the content comes from, when it is not every kind; a page holding the
    placeholder is then written again only when those change.
    """
    _RENDERERS[kind] = renderer
    _INCLUDES[kind] = frozenset(includes)
    if sources is not None:
        register_summary_sources(kind, sources)


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
    inside: frozenset[str] = frozenset(),
) -> None:
    """Replace every placeholder under *root*, including placeholders the renderers add.

    Only what the renderers insert is searched again (a table of thousands of rows
    is walked once here, not once per round); renderers may add placeholders (the
    assembly does), so the rounds are bounded. A placeholder may hold content of its
    page that its renderer completes and gives back (a threat matrix's table, to
    which ``cell-risks`` adds the risks): that content was searched with its page.
    Captioned tables get ids unless *identify_tables* is false (a renderer filling
    its own part of a page leaves that to the fill of the whole page).

    A placeholder inside content that a placeholder of its own kind inserted (a
    ``findings-table`` in a finding's notes, copied by the findings table) would
    copy itself round after round, multiplying the page: it is left out of the copy
    and reported at its block (:func:`_refuse_recursive`). *inside* names the kinds
    whose content *root* is (the assembly fills what it made itself); a renderer
    that fills its own content passes on, through the context, where it is.
    """
    if pending is None:  # the caller may have found them already
        pending = list(root.findall(ja_placeholder))
    # each placeholder with the kinds of the placeholders whose content holds it, and
    # the nearest of those written in a page (where a refused copy is reported)
    Waiting = tuple[ja_placeholder, frozenset[str], ja_placeholder | None]
    waiting: list[Waiting] = [(node, context.inside | inside, context.written) for node in pending]
    titled: list[nodes.Element] = []
    for _round in range(8):
        if not waiting:
            break
        inserted: list[tuple[nodes.Node, frozenset[str], ja_placeholder | None]] = []
        for node, outer, origin in waiting:
            kind = node["kind"]
            written = node if node.source else origin
            if kind in outer:
                _refuse_recursive(context, node, written)
                node.replace_self([])
                continue
            held = {id(child) for child in node.children}
            renderer = _RENDERERS.get(kind)
            inner = outer | {kind} | _INCLUDES.get(kind, frozenset())
            saved = context.inside, context.written
            context.inside, context.written = inner, written
            try:
                new = renderer(context, node) if renderer else []
            finally:
                context.inside, context.written = saved
            node.replace_self(new)
            inserted.extend((child, inner, written) for child in new if id(child) not in held)
        waiting = []
        for top, inner, written in inserted:
            for element in top.findall(nodes.Element):
                if isinstance(element, ja_placeholder):
                    waiting.append((element, inner, written))
                elif _needs_id(element):
                    titled.append(element)
    for node, _outer, _origin in waiting:  # nested deeper than the bound: dropped
        node.replace_self([])
    if titled and identify_tables:
        _identify_titled_tables(root, titled)


def _refuse_recursive(
    context: ResolveContext, node: ja_placeholder, written: ja_placeholder | None
) -> None:
    """Report, once per build, a placeholder left out of a copy of its own content.

    A placeholder that the assembly made (its Findings table) is reported at the
    nearest block around it that is written in a page (*written*).
    """
    where = written or node
    kind = where["kind"]
    docname = context.env.path2doc(where.source) if where.source else None
    key = (docname, where.line, kind)
    if key in context.domain.resolve_problems:
        return
    problem = context.domain.resolve_problems[key] = Problem(
        Code.INPUT_TOO_LARGE,
        f"this {kind!r} block is inside content that it copies (a block it lists): "
        "the copies leave it out, or it would copy itself without end",
        docname,
        where.line,
    )
    emit(context.env, problem)


def _needs_id(element: nodes.Element) -> bool:
    """A copied section, or a copied table with a caption: each needs an id."""
    if element["ids"] or not isinstance(element, nodes.table | nodes.section):
        return False
    return isinstance(element, nodes.section) or any(
        isinstance(child, nodes.title) for child in element.children
    )


def _identify_titled_tables(root: nodes.Node, elements: list[nodes.Element]) -> None:
    """Copies lose their ids; a captioned table needs one for its permalink, and a
    section (a sub-heading of an ``assessment-section``) for its heading's anchor,
    without which Sphinx's html writer fails."""
    used = {ident for element in root.findall(nodes.Element) for ident in element["ids"]}
    numbers = {"table": 0, "section": 0}
    for element in elements:
        if element["ids"] or element.parent is None:  # given one since, or replaced
            continue
        kind = "table" if isinstance(element, nodes.table) else "section"
        while f"ja-{kind}-{numbers[kind]}" in used:
            numbers[kind] += 1
        element["ids"].append(f"ja-{kind}-{numbers[kind]}")
        used.add(element["ids"][-1])


#: a numbered object's id (``T-3``) where it is shown in place: known once every page is read
NUMBERED_ID_KIND = "numbered-id"


def numbered_id_placeholder(directive: SphinxDirective, anchor: str) -> ja_placeholder:
    """Stands for the id of the object at *anchor* of the directive's page."""
    return make_placeholder(directive, NUMBERED_ID_KIND, anchor=anchor)


def _render_numbered_id(context: ResolveContext, node: ja_placeholder) -> list[nodes.Node]:
    for obj in context.domain.objects_on(context.docname):
        if obj.anchor == node["anchor"]:
            return [nodes.Text(obj.id)]
    return []


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
            link_copied_footnotes(self.document)


class KeepOnlyOwnContentForLinkcheck(SphinxPostTransform):
    """linkcheck sees each URL where it is written, not in a table that copies it.

    ``linkcheck`` reports a URL at the first page and line it meets it on; a filled
    placeholder (a summary table, the assembled assessment) would put copies of URLs
    on other pages, at lines of those pages. For linkcheck the placeholders are not
    filled: each keeps only the page's own content it holds.
    """

    builders = ("linkcheck",)
    default_priority = 4  # before FillPlaceholders

    def run(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(ja_placeholder)):
            node.replace_self(list(node.children))


def _skip(self: nodes.NodeVisitor, node: nodes.Node) -> None:
    raise nodes.SkipNode


def setup_placeholders(app: Sphinx) -> None:
    handlers = (_skip, None)
    app.add_node(
        ja_placeholder, html=handlers, latex=handlers, text=handlers, man=handlers, texinfo=handlers
    )
    app.add_post_transform(FillPlaceholders)
    register_renderer(NUMBERED_ID_KIND, _render_numbered_id)
    app.add_post_transform(KeepOnlyOwnContentForLinkcheck)
