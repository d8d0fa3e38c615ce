"""The markup body of a block, kept once and copied wherever the object is shown.

A finding's notes, a risk's effects, an issue's summary or a section's content are
shown where they were written *and* copied into tables and the assembled assessment
on other pages. :class:`Body` owns the three things that copying needs, so no other
module has to know how a body is stored:

* **Keeping** (:meth:`Body.freeze`): once its page is read, the body is kept pickled,
  without its page's document and parent, and already stripped of what no copy shows
  (ids, names, the empty targets of embedded URIs): a few bytes instead of dozens of
  nodes per object, which keeps the environment and the garbage collector's work
  small on large projects, and makes each copy one ``pickle.loads``.
* **Copying** (:meth:`Body.copy`): a fresh, unshared copy per page.
* **Retargeting**: cross-references in a copy are resolved from the page showing it
  (as ``sphinx.ext.todo`` does); a relative ``:doc:`` target is first made absolute
  from the page it was written on, so it still names the same document.
* **Footnotes**: a copy's footnotes have no ids either; each keeps the id it had
  (:data:`FOOTNOTE_OF`) and each footnote and reference of one copy carries the same
  :data:`COPY_OF` mark, so that :mod:`.footnotes` can pair them again on the page.
"""

from __future__ import annotations

import io
import itertools
import pickle
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.util import docname_join

#: the class by which Sphinx's html search index skips an element (Sphinx >= 8.2)
NO_SEARCH = "no-search"
#: attribute of a copied footnote: the id it had where it was written
FOOTNOTE_OF = "ja-footnote-of"
#: attribute of the footnotes and footnote references of one copy: the copy's mark
COPY_OF = "ja-copy"
#: marks of copies; they pair nodes within one build and never reach an output
_COPIES = itertools.count(1)
_NOTES = (nodes.footnote, nodes.footnote_reference)


class Body:
    """A block's markup content: the live node while its page is read, then pickled."""

    __slots__ = ("_has_notes", "_has_xrefs", "_keep_ids", "_node", "_pickled")

    def __init__(self, node: nodes.Element, *, keep_ids: bool = False) -> None:
        self._node: nodes.Element | None = node
        self._pickled: bytes | None = None
        #: whether the pickled copy holds cross-references (copies must retarget them)
        self._has_xrefs = True
        #: copies keep the ids of the original (content that says which parts of it
        #: belong elsewhere by their ids, as a section taken ``:from:`` does)
        self._keep_ids = keep_ids
        #: whether it holds footnotes or footnote references (copies are marked)
        self._has_notes = True

    @property
    def node(self) -> nodes.Element | None:
        """The node in its page while that page is read; ``None`` once frozen."""
        return self._node

    @property
    def is_empty(self) -> bool:
        if self._node is not None:
            return not self._node.children
        return self._pickled is None

    def freeze(self) -> bool:
        """Keep the body pickled, as every copy shows it, and let go of the page's nodes.

        False when the body cannot be kept: nested so deeply that walking or pickling
        it exceeds Python's recursion limit (the caller reports it; copies are empty).
        """
        node = self._node
        if node is None:
            return True
        self._node = None
        if not node.children:
            return True  # nothing to copy, ever: ``copy`` gives None
        try:
            self._pickled = self._pickle(node)
        except RecursionError:
            self._pickled = None
            return False
        return True

    def _pickle(self, node: nodes.Element) -> bytes:
        """*node* pickled as copies show it; the page's own node is left as it was."""
        # one walk of the body finds everything below (a body is walked once per object)
        everything = list(node.findall())
        saved = [
            (element, element["ids"], element["names"])
            for element in everything
            if isinstance(element, nodes.Element)
        ]
        self._has_xrefs = self._has_notes = False
        for element, ids, _names in saved:
            if not self._keep_ids:
                if isinstance(element, nodes.footnote) and ids:
                    element[FOOTNOTE_OF] = ids[0]
                element["ids"], element["names"] = [], []
            self._has_xrefs = self._has_xrefs or isinstance(element, addnodes.pending_xref)
            self._has_notes = self._has_notes or isinstance(element, _NOTES)
        # the target of an embedded URI (```text <url>`_``) writes nothing: copies go
        # without it (one node fewer per link, in tables of thousands of rows)
        places = [
            (target.parent, target.parent.index(target), target)
            for target, _ids, _names in saved
            if isinstance(target, nodes.target)
            and target.get("refuri")
            and not target.children
            and target.parent is not None
        ]
        for parent, index, _target in reversed(places):
            del parent[index]
        dropped = {id(target) for _parent, _index, target in places}
        inside = {id(element) for element in everything if id(element) not in dropped}
        try:
            buffer = io.BytesIO()
            _BodyPickler(buffer, inside).dump(node)
            return buffer.getvalue()
        finally:  # the page itself keeps what it had
            for parent, index, target in places:
                parent.insert(index, target)
            for element, ids, names in saved:
                element["ids"], element["names"] = ids, names
                if isinstance(element, nodes.footnote):
                    element.attributes.pop(FOOTNOTE_OF, None)

    def _fresh(self) -> nodes.Element | None:
        """An unshared copy without ids or names, or ``None`` when there is nothing."""
        if self._pickled is not None:
            loaded: nodes.Element = pickle.loads(self._pickled)
            return loaded
        if self._node is None or not self._node.children:
            return None
        copy = self._node.deepcopy()
        if not self._keep_ids:
            for element in copy.findall(nodes.Element):
                if isinstance(element, nodes.footnote) and element["ids"]:
                    element[FOOTNOTE_OF] = element["ids"][0]
                element["ids"], element["names"] = [], []
        return copy

    def _marked(self) -> nodes.Element | None:
        """:meth:`_fresh`, its footnotes and their references marked as one copy."""
        copy = self._fresh()
        if copy is not None and self._has_notes:
            mark = next(_COPIES)
            for note in copy.findall(lambda node: isinstance(node, _NOTES)):
                note[COPY_OF] = mark
        return copy

    def copy(self, docname: str, written_on: str | None = None) -> nodes.Element | None:
        """A copy to show on page *docname*, its cross-references resolved from there.

        Shown on another page than *written_on*, the copy has Sphinx's ``no-search``
        class: its words are indexed where they were written, and a search should not
        also list every table or assembled page that repeats them.
        """
        copy = self._marked()
        if copy is None:
            return None
        if self._has_xrefs:
            retarget_references(copy, docname)
        if written_on != docname:
            copy["classes"].append(NO_SEARCH)
        return copy

    def content(self) -> list[nodes.Node]:
        """Copies of the body's children, for content that takes the body's place."""
        copy = self._marked()
        return list(copy.children) if copy is not None else []

    # the environment pickles objects with their bodies: only the frozen form travels
    def __getstate__(self) -> tuple[bytes | None, bool, bool, bool]:
        self.freeze()
        return (self._pickled, self._has_xrefs, self._has_notes, self._keep_ids)

    def __setstate__(self, state: tuple[bytes | None, bool, bool, bool]) -> None:
        self._node = None
        self._pickled, self._has_xrefs, self._has_notes, self._keep_ids = state


def retarget_references(root: nodes.Element, docname: str) -> None:
    """Make cross-references copied from other pages resolve from page *docname*."""
    for ref in root.findall(addnodes.pending_xref):
        original = ref.get("refdoc")
        if original and original != docname:
            if ref.get("refdomain") == "std" and ref.get("reftype") == "doc":
                target = ref["reftarget"]
                if not target.startswith("/"):
                    ref["reftarget"] = "/" + docname_join(original, target)
            ref["refdoc"] = docname


class _BodyPickler(pickle.Pickler):
    """Writes every node outside the body (its parent, the document, the targets that
    docutils notes in ``expect_referenced_by_id``...) as a call of :func:`_none`.

    Without that, one such reference pulls the rest of the page into the pickle: a
    section taken from a page of thirty would carry every section before it.
    ``reducer_override`` is asked only about objects of classes (the nodes), not
    about every string and list as ``persistent_id`` would be, and loading then
    needs no hook at all.
    """

    def __init__(self, file: io.BytesIO, inside: set[int]) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        #: ``id()`` of every node of the body (the body keeps them alive while pickling)
        self._inside = inside

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, nodes.Node) and id(obj) not in self._inside:
            return _none, ()
        return NotImplemented


def _none() -> None:
    """What the parent and the document of a pickled body become when it is loaded."""
    return None
