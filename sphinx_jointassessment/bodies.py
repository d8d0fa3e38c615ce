"""Markup bodies of object blocks (finding notes, risk effects, issue summaries, results).

A body is shown twice: in place, and copied into tables and the assembled
assessment on other pages. So each directive parses its body into a container
(:func:`parse_body`) that it shows in place and records as the object's ``body``.
When the page has been read (``doctree-read``, after every read transform, so
substitutions and smart quotes are done), :func:`_on_doctree_read`

* makes the markup safe: a link whose URL is not a web URL (``javascript:``...)
  keeps its text but stops being a link (``bad-url``), and raw output (raw HTML,
  which MyST makes of inline ``<tags>``) is shown as text instead (``schema``);
* keeps each recorded body as a pickled copy detached from the page's document
  (:meth:`~.domain.AssessmentObject.freeze_body`), so the environment holds only
  the body, not the whole page with it, and as bytes rather than nodes.

Tables then insert :func:`copy_body` of the recorded body.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx import addnodes
from sphinx.util import docname_join

from .domain import FRESH_COPY, FROZEN_CLEAN, get_domain
from .links import WEB_SCHEMES, uri_scheme
from .problems import Code, Problem, emit

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sphinx.application import Sphinx
    from sphinx.util.docutils import SphinxDirective

    from .directive import AssessmentDirective

#: class of every body container; the read handler looks for it
BODY_CLASS = "ja-body"
#: class of ``assessment-section`` content: made safe the same way, frozen by its own module
SECTION_CLASS = "ja-section"
#: one HTML comment and nothing else (``--!>`` also ends a comment in HTML)
_HTML_COMMENT = re.compile(r"\s*<!--(?P<inner>(?:(?!--!?>).)*?)--!?>\s*", re.DOTALL)
#: the only schemes an image may be loaded from (``data:`` and ``javascript:`` may not)
IMAGE_SCHEMES = frozenset({"http", "https"})


def parse_body(directive: SphinxDirective, classes: Iterable[str] = ()) -> nodes.container:
    """The directive's content parsed as normal markup (rST or MyST), in a container."""
    container = nodes.container(classes=[BODY_CLASS, *classes])
    directive.set_source_info(container)
    if directive.content:
        container.extend(directive.parse_content_to_nodes())
    return container


def block_too_large(directive: AssessmentDirective) -> bool:
    """Report a block over ``jointassessment_max_input_bytes``; such a block is not parsed.

    Pages may come from pull requests: one enormous block must not make every
    table that copies its body enormous too.
    """
    size = len(directive.block_text.encode("utf-8", "surrogatepass"))
    limit = directive.ja_config.max_input_bytes
    if size <= limit:
        return False
    directive.report(
        Code.INPUT_TOO_LARGE,
        f"the block is {size} bytes, over the limit of {limit} (jointassessment_max_input_bytes)",
    )
    return True


def has_content(body: nodes.Element | None) -> bool:
    return body is not None and bool(body.children)


def copy_body(
    body: nodes.Element | None, docname: str, written_on: str | None = None
) -> nodes.container | None:
    """A copy of a recorded body to show on page *docname*.

    Ids are dropped (the original keeps them), and cross-references are resolved
    from *docname*, as ``sphinx.ext.todo`` does; a relative ``:doc:`` target is
    first made absolute from the page it was written on. Shown on another page
    than *written_on*, the copy has Sphinx's ``no-search`` class: its words are
    indexed where they were written, and a search should not also list every table
    or assembled page that repeats them.
    """
    copy = _copy(body, docname)
    if copy is not None and written_on != docname:
        copy["classes"].append(NO_SEARCH)
    return copy


#: the class by which Sphinx's html search index skips an element (Sphinx >= 8.2)
NO_SEARCH = "no-search"


def _copy(body: nodes.Element | None, docname: str) -> nodes.container | None:
    if body is None or not body.children:
        return None
    if getattr(body, FRESH_COPY, False):
        # a copy made for this call by AssessmentObject.body: use it, once
        setattr(body, FRESH_COPY, False)
        has_xrefs = getattr(body, FROZEN_CLEAN, None)
        if has_xrefs is not None:  # ids already cleared when it was pickled
            delattr(body, FROZEN_CLEAN)
            if has_xrefs:
                retarget_references(body, docname)
            return body
        copy = body
    else:
        copy = body.deepcopy()
    for element in copy.findall(nodes.Element):
        element["ids"] = []
        element["names"] = []
    retarget_references(copy, docname)
    return copy


def retarget_references(root: nodes.Element, docname: str) -> None:
    """Make cross-references copied from other pages resolve from page *docname*.

    As ``sphinx.ext.todo`` does; a relative ``:doc:`` target is first made absolute
    from the page it was written on, so it still names the same document.
    """
    for ref in root.findall(addnodes.pending_xref):
        original = ref.get("refdoc")
        if original and original != docname:
            if ref.get("refdomain") == "std" and ref.get("reftype") == "doc":
                target = ref["reftarget"]
                if not target.startswith("/"):
                    ref["reftarget"] = "/" + docname_join(original, target)
            ref["refdoc"] = docname


def _line(node: nodes.Node) -> int | None:
    while node is not None:
        if getattr(node, "line", None):
            return node.line  # type: ignore[no-any-return]
        node = node.parent
    return None


def sanitize(body: nodes.Element) -> list[tuple[Code, str, int | None]]:
    """Unlink non-web URLs, drop non-web images and show raw output as text; the problems.

    A substitution definition is made safe too, but reported only where it is used.
    """
    inside = [n for d in body.findall(nodes.substitution_definition) for n in d.findall()]
    definitions = {id(node) for node in inside}  # ``inside`` keeps them alive: ids stay unique
    found = [
        (code, message, line)
        for code, message, line, node_id in _sanitize(body)
        if node_id not in definitions
    ]
    del inside
    return found


def _sanitize(body: nodes.Element) -> list[tuple[Code, str, int | None, int]]:
    problems: list[tuple[Code, str, int | None, int]] = []
    for ref in list(body.findall(nodes.reference)):
        uri = ref.get("refuri")
        if not uri:
            continue
        scheme = uri_scheme(uri)
        if scheme is not None and scheme not in WEB_SCHEMES:
            problems.append(
                (
                    Code.BAD_URL,
                    f"link to {uri!r}: not an http, https or mailto URL; shown as text",
                    _line(ref),
                    id(ref),
                )
            )
            plain = nodes.inline("", "", *[child.deepcopy() for child in ref.children])
            plain["classes"].append("ja-unlinked")
            ref.replace_self(plain)
    for image in list(body.findall(nodes.image)):
        scheme = uri_scheme(image.get("uri", ""))
        if scheme is not None and scheme not in IMAGE_SCHEMES:
            problems.append(
                (
                    Code.BAD_URL,
                    f"image {image.get('uri', '')[:80]!r}: not an http or https URL; "
                    "shown as its text",
                    _line(image),
                    id(image),
                )
            )
            alt = image.get("alt") or f"[image {image.get('uri', '')[:80]}]"
            shown = nodes.inline(alt, alt, classes=["ja-unlinked"])
            inline = isinstance(image.parent, nodes.TextElement)
            image.replace_self(shown if inline else nodes.paragraph("", "", shown))
    for raw in list(body.findall(nodes.raw)):
        line = _line(raw)
        text = raw.astext()
        comment = _HTML_COMMENT.fullmatch(text)
        if comment is not None and "html" in raw.get("format", "").split():
            # an HTML comment (MyST keeps ``<!-- ... -->`` as raw html) shows nothing: keep
            # it as a comment, which writers escape or skip, not as a problem
            raw.replace_self(nodes.comment(comment["inner"], comment["inner"]))
            continue
        problems.append(
            (
                Code.SCHEMA,
                f"raw {raw.get('format', '')} output is not allowed in an assessment block; "
                "shown as text",
                line,
                id(raw),
            )
        )
        if isinstance(raw.parent, nodes.TextElement):
            raw.replace_self(nodes.literal(text, text))
        else:
            raw.replace_self(nodes.literal_block(text, text, language="text"))
    return problems


def detached(body: nodes.Element) -> nodes.Element:
    """A deep copy of *body* that refers to no document (safe and small to pickle)."""
    copy = body.deepcopy()
    copy.parent = None
    for node in copy.findall():
        node.document = None
    return copy


def _on_doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    docname = env.current_document.docname
    domain = get_domain(env)
    # only bodies made by parse_body: other features keep their own content as they want it
    recorded = [
        obj
        for obj in domain.data["objects"].get(docname, [])
        if obj.body is not None and BODY_CLASS in obj.body.get("classes", ())
    ]
    bodies = {
        id(body): body
        for body in doctree.findall(nodes.container)
        if BODY_CLASS in body["classes"] or SECTION_CLASS in body["classes"]
    }
    for obj in recorded:
        bodies.setdefault(id(obj.body), obj.body)
    for body in bodies.values():
        for code, message, line in sanitize(body):
            problem = Problem(code, message, docname, line or body.line)
            domain.add_problem(problem)
            emit(env, problem)
    for obj in recorded:
        obj.freeze_body()  # a pickled copy, detached from the page's document


def setup_bodies(app: Sphinx) -> None:
    app.connect("doctree-read", _on_doctree_read)
