"""Half of a surrogate pair in a page: shown as U+FFFD, and reported where it is made.

Python strings may hold half of a UTF-16 surrogate pair, which no UTF-8 file can:
``.. |half| unicode:: U+D83D`` used in a finding's notes made the ``jointassessment``
and LaTeX builders fail when they wrote their output (html writes a character
reference and passes). The ``unicode`` directive is the only way markup makes one
(page sources are decoded UTF-8; MyST turns such a character reference into
U+FFFD itself; YAML bodies are checked by :mod:`.yamlsafe`), and its substitution
definitions stay in the page. So when a page is read, its definitions are looked at
(not its text: a page without such a definition costs nothing); if one holds a half,
the page's text is mended: a whole pair written as two halves (``U+D83D U+DE00``)
becomes its character, a lone half becomes U+FFFD, and the definition's line is
reported (``schema``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from docutils import nodes

from .domain import get_domain
from .problems import Code, Problem, emit

if TYPE_CHECKING:
    from sphinx.application import Sphinx

_SURROGATE = re.compile("[\ud800-\udfff]")


def mend(text: str) -> str:
    """*text* with surrogate pairs joined and lone halves as U+FFFD."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _on_doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    definitions = [
        (name, definition)
        for name, definition in doctree.substitution_defs.items()
        if _SURROGATE.search(definition.astext())
    ]
    if not definitions:
        return
    env = app.env
    docname = env.current_document.docname
    for name, definition in definitions:
        text = definition.astext()
        halves = mend(text).count("\ufffd") - text.count("\ufffd")
        if not halves:
            continue  # whole pairs only: they become their characters, nothing is lost
        problem = Problem(
            Code.SCHEMA,
            f"substitution |{name}| holds half of a UTF-16 surrogate pair, which is not a "
            "character and cannot be written as UTF-8: shown as U+FFFD",
            docname,
            definition.line,
        )
        get_domain(env).add_problem(problem)
        emit(env, problem)
    parents = {
        id(text.parent): text.parent
        for text in doctree.findall(nodes.Text)
        if text.parent is not None and _SURROGATE.search(text)
    }
    for parent in parents.values():
        _mend_children(parent)


def _mend_children(parent: nodes.Element) -> None:
    """Mend *parent*'s text, each run of text nodes as one (``unicode`` makes one per code)."""
    children: list[nodes.Node] = []
    run: list[str] = []
    for child in [*parent.children, None]:
        if isinstance(child, nodes.Text):
            run.append(str(child))
            continue
        if run:
            children.append(nodes.Text(mend("".join(run))))
            run = []
        if child is not None:
            children.append(child)
    del parent[:]
    parent.extend(children)


def setup_surrogates(app: Sphinx) -> None:
    # before the bodies are frozen (bodies.py connects at the default priority, 500)
    app.connect("doctree-read", _on_doctree_read, priority=400)
