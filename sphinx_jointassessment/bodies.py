"""Markup bodies of object blocks (finding notes, risk effects, issue summaries, results).

A body is shown twice: in place, and copied into tables and the assembled
assessment on other pages. So each directive parses its body into a container
(:func:`parse_body`) that it shows in place and records with its object, where a
:class:`~.body.Body` keeps it. When the page has been read (``doctree-read``, after
every read transform, so substitutions and smart quotes are done),
:func:`_on_doctree_read` makes every body and section of the page safe
(:func:`~.sanitize.sanitize`) and then freezes the recorded bodies
(:meth:`~.body.Body.freeze`), so the environment holds each body alone, pickled,
not the page with it. Tables then insert :func:`copy_body` of the recorded body.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes

from .domain import get_domain
from .problems import Code, Problem, emit
from .sanitize import sanitize

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sphinx.application import Sphinx

    from .body import Body
    from .directive import AssessmentDirective

#: class of every body container; the read handler looks for it
BODY_CLASS = "ja-body"
#: class of ``assessment-section`` content, made safe the same way
SECTION_CLASS = "ja-section"
#: elements nested in one body at most (twenty levels of lists), as YAML bodies are
#: bounded: a hundred levels of lists made pickling the body (and then the page)
#: exceed Python's recursion limit, and stopped the build
MAX_BODY_DEPTH = 40


def parse_body(directive: AssessmentDirective, classes: Iterable[str] = ()) -> nodes.container:
    """The directive's content parsed as normal markup (rST or MyST), in a container."""
    container = nodes.container(classes=[BODY_CLASS, *classes])
    directive.set_source_info(container)
    if directive.content:
        parse_bounded(directive, container)
    return container


def parse_bounded(
    directive: AssessmentDirective, body: nodes.Element, *, allow_section_headings: bool = False
) -> None:
    """Parse the directive's content into *body*, unless it nests too deeply.

    Content nested deeper than :data:`MAX_BODY_DEPTH` is reported and left out (the
    body stays empty); so is content so deep that docutils' own parser exceeds
    Python's recursion limit (hundreds of levels) before there is anything to count.
    """
    try:
        body.extend(directive.parse_content_to_nodes(allow_section_headings=allow_section_headings))
    except RecursionError:
        del body[:]
    else:
        if nesting_depth(body, MAX_BODY_DEPTH) <= MAX_BODY_DEPTH:
            return
        del body[:]
    directive.report(
        Code.INPUT_TOO_LARGE,
        f"the body nests markup more than {MAX_BODY_DEPTH} levels deep (lists in lists...); "
        "it is not shown",
    )


def nesting_depth(root: nodes.Element, limit: int) -> int:
    """How deep elements nest under *root* (its children are 1), counted up to *limit* + 1."""
    deepest = 0
    stack = [(child, 1) for child in root.children if isinstance(child, nodes.Element)]
    while stack and deepest <= limit:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend(
            (child, depth + 1) for child in node.children if isinstance(child, nodes.Element)
        )
    return deepest


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
    body: Body | None, docname: str, written_on: str | None = None
) -> nodes.Element | None:
    """A copy of a recorded body to show on page *docname* (see :meth:`.Body.copy`)."""
    return body.copy(docname, written_on) if body is not None else None


def _on_doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    docname = env.current_document.docname
    domain = get_domain(env)
    recorded = [obj.body for obj in domain.read_on(docname) if obj.body is not None]
    containers = {
        id(container): container
        for container in doctree.findall(nodes.container)
        if BODY_CLASS in container["classes"] or SECTION_CLASS in container["classes"]
    }
    for body in recorded:  # a body not shown in the page is made safe all the same
        if body.node is not None:
            containers.setdefault(id(body.node), body.node)
    for container in containers.values():
        for code, message, line in sanitize(container):
            problem = Problem(code, message, docname, line or container.line)
            domain.add_problem(problem)
            emit(env, problem)
    for body in recorded:
        node = body.node
        if not body.freeze():  # a pickled copy, detached from the page's document
            problem = Problem(
                Code.INPUT_TOO_LARGE,
                "the body nests too deeply to be copied; tables and the assessment leave it out",
                docname,
                node.line if node is not None else None,
            )
            domain.add_problem(problem)
            emit(env, problem)


def setup_bodies(app: Sphinx) -> None:
    app.connect("doctree-read", _on_doctree_read)
