"""The ``ja`` domain: where every assessment object of the project lives.

Directives only *record* objects here while a page is read; tables, roles and the
assembled assessment *look them up* when pages are resolved, by kind
(:meth:`JointAssessmentDomain.objects`, :meth:`~JointAssessmentDomain.get`). Because
the data is kept per document, ``clear_doc`` and ``merge_domaindata`` are one line
each, and incremental and parallel (``-j``) builds stay right by construction.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from docutils import nodes
from sphinx import addnodes
from sphinx.domains import Domain, ObjType
from sphinx.roles import XRefRole
from sphinx.util.nodes import make_refnode

from .i18n import TITLE_OF, _, writes_submission
from .kinds import KINDS, LINKABLE, Kind, kind_info

T = TypeVar("T")

if TYPE_CHECKING:
    from collections.abc import Callable, Hashable, Iterable, Iterator, Set

    from sphinx.addnodes import pending_xref
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

    from .body import Body
    from .problems import Problem


@dataclass(slots=True)
class AssessmentObject:
    """One object as recorded by its directive: where it is and what it holds."""

    kind: Kind
    id: str
    title: str
    docname: str
    lineno: int
    anchor: str
    #: the typed model of the feature (a frozen dataclass)
    model: Any
    #: markup content written in the block (notes, effects...), copied where the object
    #: is shown on other pages
    body: Body | None = None
    #: for a block written without an id: the id it takes, ``{n}`` numbered in document
    #: order over the project among the blocks of that template (``T-{n}``); the domain
    #: sets :attr:`id` from it each time it orders the objects
    number_as: str | None = None
    #: the title as the page shows it once the user's translation replaced it (``None``:
    #: as written); see :func:`shown_title`
    translated_title: str | None = None


@dataclass(frozen=True, slots=True)
class RoleReference:
    """A ``ja:`` role used on a page, checked once every page has been read."""

    kind: str
    target: str
    docname: str
    lineno: int | None


@dataclass(slots=True)
class _Index:
    by_kind: dict[Kind, dict[str, list[AssessmentObject]]] = field(default_factory=dict)


class JointAssessmentDomain(Domain):
    """Assessment objects, per document, with roles and inventory entries."""

    name = "ja"
    label = "Joint assessment"
    object_types: ClassVar[dict[str, ObjType]] = {
        kind.value: ObjType(KINDS[kind].label, KINDS[kind].role) for kind in LINKABLE
    }
    roles: ClassVar[dict[str, Any]] = {
        str(KINDS[kind].role): XRefRole(innernodeclass=nodes.inline) for kind in LINKABLE
    }
    initial_data: ClassVar[dict[str, Any]] = {
        "objects": {},  # docname -> list[AssessmentObject]
        "problems": {},  # docname -> list[Problem]
        "references": {},  # docname -> list[RoleReference]
        "summaries": {},  # docname -> sorted tuple of placeholder kinds on that page
        "changed": set(),  # kinds of objects changed since the summary pages were written
        "reread": set(),  # documents read in this build (their content may feed other pages)
    }
    data_version = 4

    _index: _Index | None = None
    #: doctrees read back for ``:from:`` content, kept for the rest of the build, with
    #: each element by id: an assessment taking 30 sections from one page would otherwise
    #: unpickle it, and walk it, 30 times
    _doctrees: dict[str, tuple[nodes.document, dict[str, nodes.Element]]] | None = None
    #: what checks computed from those doctrees (see :meth:`remember`)
    _memo: dict[Hashable, Any] | None = None
    #: whether this build assembles the assessment (the ``jointassessment`` builder says
    #: so when it starts): then a project without a ``joint-assessment`` page is still
    #: checked for missing sections. Not part of the environment: it is per build.
    assembling: bool = False
    #: problems found while pages are resolved, not read (a placeholder that would copy
    #: itself, see ``placeholders.fill``): reported once per build, not once per page,
    #: and listed with the others. Per build, as :attr:`assembling` is.
    resolve_problems: dict[tuple[str | None, int | None, str], Problem]

    def __init__(self, env: BuildEnvironment) -> None:
        super().__init__(env)
        self.resolve_problems = {}

    # -- recording (while reading) ------------------------------------------------

    def add_object(self, obj: AssessmentObject) -> None:
        self.data["objects"].setdefault(obj.docname, []).append(obj)
        self.data["changed"].add(obj.kind)
        self._index = None

    def add_problem(self, problem: Problem) -> None:
        if problem.docname is not None:
            self.data["problems"].setdefault(problem.docname, []).append(problem)

    def add_reference(self, ref: RoleReference) -> None:
        self.data["references"].setdefault(ref.docname, []).append(ref)

    def note_summary(self, docname: str, kind: str) -> None:
        kinds = set(self.data["summaries"].get(docname, ()))
        kinds.add(kind)
        self.data["summaries"][docname] = tuple(sorted(kinds))

    # -- Domain API -----------------------------------------------------------------

    def _read_back(self, docname: str) -> tuple[nodes.document, dict[str, nodes.Element]]:
        if self._doctrees is None:
            self._doctrees = {}
        found = self._doctrees.get(docname)
        if found is None:
            doctree = self.env.get_doctree(docname)
            by_id: dict[str, nodes.Element] = {}
            for element in doctree.findall(nodes.Element):
                for ident in element["ids"]:
                    by_id.setdefault(ident, element)
            found = self._doctrees[docname] = (doctree, by_id)
        return found

    def remember(self, key: Hashable, compute: Callable[[], T]) -> T:
        """*compute*'s value, kept until a page is read again (per process, never pickled).

        Checks of content taken ``:from:`` other pages run in every build and again when
        the builder writes its JSON; the pages they read do not change in between.
        """
        if self._memo is None:
            self._memo = {}
        if key not in self._memo:
            self._memo[key] = compute()
        return cast("T", self._memo[key])

    def element(self, docname: str, ident: str) -> nodes.Element | None:
        """The element of page *docname* (as read) with id *ident*: never change it."""
        return self._read_back(docname)[1].get(ident)

    def clear_doc(self, docname: str) -> None:
        if self._doctrees:
            self._doctrees.pop(docname, None)
        self._memo = None
        removed = self.data["objects"].pop(docname, None)
        if removed:
            self.data["changed"].update(obj.kind for obj in removed)
            self._index = None
        for key in ("problems", "references", "summaries"):
            self.data[key].pop(docname, None)

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        for key in ("objects", "problems", "references", "summaries"):
            for docname in docnames:
                if docname in otherdata[key]:
                    self.data[key][docname] = otherdata[key][docname]
        self.data["changed"] |= otherdata.get("changed", set())
        self.data["reread"] |= otherdata.get("reread", set())
        self._index = None

    def process_doc(self, env: BuildEnvironment, docname: str, document: nodes.document) -> None:
        self.data["reread"].add(docname)
        # Sphinx counts what its ``Locale`` transform translated: most builds translate
        # nothing, and then no page is walked for titles
        translated = document.get("translation_progress", {}).get("translated")
        if translated and self.data["objects"].get(docname):
            self._note_translated_titles(docname, document)
        for node in document.findall(addnodes.pending_xref):
            # links made by a block's own options are checked by that feature, at the
            # option; ``:external:`` roles are intersphinx's to report
            if (
                node.get("refdomain") == self.name
                and not node.get("ja_generated")
                and not node.get("intersphinx")
            ):
                self.add_reference(
                    RoleReference(node["reftype"], node["reftarget"], docname, node.line)
                )

    def _note_translated_titles(self, docname: str, document: nodes.document) -> None:
        """Each object's title as its page shows it, once the user's ``.po`` translated it.

        Objects are recorded while their block is parsed, before Sphinx's ``Locale``
        transform (which runs before this) replaces the title in the page: the tables
        that list the objects on other pages show the title the object's page shows.
        """
        shown = {
            node[TITLE_OF]: " ".join(node.astext().split())
            for node in document.findall(nodes.TextElement)
            if TITLE_OF in node
        }
        for obj in self.data["objects"][docname]:
            title = shown.get(obj.anchor)
            obj.translated_title = title if title and title != obj.title else None

    def resolve_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        typ: str,
        target: str,
        node: pending_xref,
        contnode: nodes.Element,
    ) -> nodes.reference | None:
        obj = self.get(typ, target)
        if obj is None:
            return None  # reported once as unknown-reference by the checks
        if not node.get("refexplicit"):
            text = link_text(obj)
            contnode = nodes.inline(text, text, classes=contnode.get("classes", []))
        return make_refnode(
            builder, fromdocname, obj.docname, obj.anchor, contnode, shown_title(obj)
        )

    def resolve_any_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        target: str,
        node: pending_xref,
        contnode: nodes.Element,
    ) -> list[tuple[str, nodes.reference]]:
        results = []
        for kind in LINKABLE:
            obj = self.get(kind, target)
            if obj is not None:
                ref = make_refnode(builder, fromdocname, obj.docname, obj.anchor, contnode)
                results.append((f"ja:{KINDS[kind].role}", ref))
        return results

    def get_objects(self) -> Iterator[tuple[str, str, str, str, str, int]]:
        # the display name is the link text of a local link ("R-1", "Finding 1"), so that
        # another project linking through intersphinx shows the same words
        for kind in LINKABLE:
            for obj in self.objects(kind):
                yield (obj.id, link_text(obj), kind.value, obj.docname, obj.anchor, 1)

    # -- lookup (while resolving and writing) ---------------------------------------

    def _build_index(self) -> _Index:
        index = _Index()
        order = document_order(self.env)
        everything = sorted(
            (obj for objs in self.data["objects"].values() for obj in objs),
            key=lambda o: (order.get(o.docname, len(order)), o.docname, o.lineno),
        )
        numbers: dict[tuple[Kind, str], int] = {}
        for obj in everything:
            if obj.number_as is not None:
                key = (obj.kind, obj.number_as)
                numbers[key] = numbers.get(key, 0) + 1
                obj.id = obj.number_as.replace("{n}", str(numbers[key]))
            index.by_kind.setdefault(obj.kind, {}).setdefault(obj.id, []).append(obj)
        return index

    @property
    def index(self) -> _Index:
        if self._index is None:
            self._index = self._build_index()
        return self._index

    def objects(self, kind: Kind) -> list[AssessmentObject]:
        """Every object of *kind*, first of each id, in document order."""
        return [objs[0] for objs in self.index.by_kind.get(kind, {}).values()]

    def recorded(self, kind: Kind) -> list[AssessmentObject]:
        """Every object of *kind*, ids given twice included, in document order.

        For checks of each block's own references: a block whose id repeats another's
        is still a block whose options may be wrong.
        """
        return [obj for objs in self.index.by_kind.get(kind, {}).values() for obj in objs]

    def has_objects(self, kind: Kind) -> bool:
        """Whether the project records any object of *kind*.

        A post-transform that only rewrites what objects of one kind put on pages (a
        data-flow diagram) need not walk every page of a project that has none.
        """
        return kind in self.index.by_kind

    def kinds(self) -> list[Kind]:
        """The kinds the project has objects of, in a fixed order."""
        return sorted(self.index.by_kind)

    def duplicates(self, kind: Kind) -> Iterable[list[AssessmentObject]]:
        """Objects of *kind* that share an id, each group in document order."""
        return (objs for objs in self.index.by_kind.get(kind, {}).values() if len(objs) > 1)

    def get(self, kind: Kind | str, obj_id: str) -> AssessmentObject | None:
        """The object of *kind* with id *obj_id* (the first, if written twice), or ``None``.

        *kind* may be a role's name as Sphinx passes it; an unknown kind has no objects.
        """
        try:
            kind = Kind(kind)
        except ValueError:
            return None
        derive = _DERIVED_KINDS.get(kind)
        if derive is not None:
            return derive(self, obj_id)
        objs = self.index.by_kind.get(kind, {}).get(obj_id)
        return objs[0] if objs else None

    def objects_on(self, docname: str, kind: Kind | None = None) -> list[AssessmentObject]:
        """The objects recorded on page *docname* (of *kind* only, if given), as written."""
        _ = self.index  # numbered ids are set when the objects are ordered
        return self.read_on(docname, kind)

    def read_on(self, docname: str, kind: Kind | None = None) -> list[AssessmentObject]:
        """:meth:`objects_on` before the project is ordered: for ``doctree-read`` handlers.

        Ordering every object of the project (:attr:`index`) once per page read made
        reading quadratic in the number of objects; a handler that needs only the
        page's own blocks, not their numbers, asks this instead.
        """
        recorded = self.data["objects"].get(docname, [])
        return [obj for obj in recorded if kind is None or obj.kind == kind]

    def problems(self) -> list[Problem]:
        """Problems recorded while reading, in document order."""
        order = document_order(self.env)
        docs = sorted(self.data["problems"], key=lambda d: (order.get(d, len(order)), d))
        found = [p for doc in docs for p in self.data["problems"][doc]]
        return found + list(self.resolve_problems.values())

    def references(self) -> list[RoleReference]:
        return [
            ref for doc in sorted(self.data["references"]) for ref in self.data["references"][doc]
        ]

    def summary_docs(self) -> list[str]:
        return sorted(self.data["summaries"])


#: kinds whose objects are not recorded but found inside another object when asked for
#: (a threat-matrix cell inside its matrix: thousands of cells, each its own record,
#: would weigh on every build's environment)
_DERIVED_KINDS: dict[Kind, Callable[[JointAssessmentDomain, str], AssessmentObject | None]] = {}


def register_derived_kind(
    kind: Kind, derive: Callable[[JointAssessmentDomain, str], AssessmentObject | None]
) -> None:
    """Objects of *kind* are looked up by *derive* (domain, id) instead of being recorded."""
    _DERIVED_KINDS[kind] = derive


def link_text(obj: AssessmentObject) -> str:
    """What a role without explicit text shows: titles, or ids where ids are what people cite."""
    return _(kind_info(obj.kind).link_text).format(id=obj.id, title=shown_title(obj))


def shown_title(obj: AssessmentObject) -> str:
    """The object's title as its own page shows it: translated, except in what is submitted.

    The assembled Markdown keeps what the author wrote (:func:`.i18n.writes_submission`).
    """
    if obj.translated_title is None or writes_submission():
        return obj.title
    return obj.translated_title


def shown_model(obj: AssessmentObject) -> Any:
    """The object's model with :func:`shown_title`, for tables listing it on other pages."""
    title = shown_title(obj)
    if title == obj.title or getattr(obj.model, "title", title) == title:
        return obj.model
    return dataclasses.replace(obj.model, title=title)


def document_order(env: BuildEnvironment) -> dict[str, int]:
    """Position of each document in the reading order of the toctree.

    Objects are listed in the order a reader meets them: depth-first through the
    toctree from the root document; documents outside every toctree come last,
    by name, so the order never depends on file-system or process timing.
    """
    order: dict[str, int] = {}
    stack = [env.config.root_doc]
    while stack:
        docname = stack.pop()
        if docname in order:
            continue
        order[docname] = len(order)
        stack.extend(reversed(env.toctree_includes.get(docname, [])))
    for docname in sorted(env.found_docs):
        order.setdefault(docname, len(order))
    return order


def get_domain(env: BuildEnvironment) -> JointAssessmentDomain:
    return env.domains["ja"]  # type: ignore[return-value]


#: placeholder kind -> the object kinds its content comes from (a kind not named here may
#: show objects of any kind: its pages are written again whenever any object changes)
_SUMMARY_SOURCES: dict[str, frozenset[Kind]] = {}


def register_summary_sources(placeholder_kind: str, kinds: Iterable[Kind]) -> None:
    """Pages holding *placeholder_kind* are written again only when objects of *kinds* change.

    A finding's page lists the threats that name it: editing another finding need not
    write every finding page again, editing a threat must.
    """
    _SUMMARY_SOURCES[placeholder_kind] = frozenset(kinds)


def _rewrite_summary_pages(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Pages whose tables list objects must be written again when those objects changed."""
    domain = get_domain(env)
    changed: set[Kind] = domain.data["changed"]
    if not changed:
        return []
    domain.data["changed"] = set()
    return [
        docname
        for docname in domain.summary_docs()
        if any(
            kind not in _SUMMARY_SOURCES or _SUMMARY_SOURCES[kind] & changed
            for kind in domain.data["summaries"][docname]
        )
    ]


def _start_reading(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    domain = get_domain(env)
    domain.data["reread"] = set()
    domain._doctrees = None
    domain._memo = None


def _missing_reference(app: Sphinx, domain: Domain | None, node: pending_xref) -> bool | None:
    """Unknown ``ja`` targets are reported once, as ``unknown-reference`` at their line.

    Without this, ``-n`` would add Sphinx's generic "reference target not found"
    for the same target.
    """
    return True if node.get("refdomain") == JointAssessmentDomain.name else None


def setup_domain(app: Sphinx) -> None:
    app.add_domain(JointAssessmentDomain)
    app.connect("warn-missing-reference", _missing_reference)
    app.connect("env-before-read-docs", _start_reading)
    app.connect("env-get-updated", _rewrite_summary_pages)
