"""Links made from block text: an option's URL becomes a link here, or text.

Block text is untrusted (a page may come from a pull request), and an assessment
is published on the project's web site. So a URL given in an option (``:issue:``,
``:url:``, ``:software:``, ``:sbom:``, a security link) becomes a link only when it
is an ``http``, ``https`` or ``mailto`` URL; anything else (``javascript:``,
``data:``, ``file:``...) is shown as plain text and reported as ``bad-url``. Every
feature builds its links through :func:`safe_link`; what a web URL is, is decided
by :mod:`.urls` (the one URL policy), never here.

Links to assessment objects (a risk's threat-matrix cells, a finding's risks) are
``pending_xref`` nodes of the ``ja`` domain made by :func:`ja_xref`, resolved by
Sphinx like roles, so they work across pages and builders.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes

from .problems import BlockProblem, Code
from .urls import clean_url, url_problem
from .values import option_text

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence


def safe_link(url: str, text: str | None = None) -> nodes.Node:
    """A link to *url* showing *text* (the URL itself by default), if *url* is a web URL.

    Any other value is shown as plain text, never as a link. docutils escapes the
    text and the URL when a builder writes them.
    """
    shown = clean_url(url) if text is None else text
    if url_problem(url) is None:
        return nodes.reference(shown, shown, refuri=clean_url(url), classes=["ja-link"])
    return nodes.inline(shown, shown, classes=["ja-unlinked"])


def ja_xref(
    kind: str, target: str, content: nodes.Node, docname: str, *, explicit: bool = True
) -> addnodes.pending_xref:
    """A link to the ``ja`` object *kind*/*target*, resolved like a role when pages are written.

    Unlike a role written by the user, it is marked ``ja_generated``: the feature
    that made it reports an unknown target itself, at its option, so the domain
    does not report it a second time as a role. An unknown target shows *content*.
    With ``explicit=False`` the domain replaces *content* by the object's own text.
    """
    return addnodes.pending_xref(
        "",
        content,
        refdomain="ja",
        reftype=kind,
        reftarget=target,
        refdoc=docname,
        refexplicit=explicit,
        refwarn=False,
        ja_generated=True,
    )


def xref_list(kind: str, ids: Sequence[str], docname: str) -> list[nodes.Node]:
    """Links to the ``ja`` objects *ids* of *kind*, separated by commas (an option's list)."""
    result: list[nodes.Node] = []
    for index, target in enumerate(ids):
        if index:
            result.append(nodes.Text(", "))
        result.append(ja_xref(kind, target, nodes.inline(target, target), docname))
    return result


def url_option(options: Mapping[str, Any], name: str, problems: list[BlockProblem]) -> str | None:
    """Option *name* as written; a value that is not a web URL is added to *problems*."""
    url = option_text(options, name)
    if url is not None and (reason := url_problem(url)) is not None:
        problems.append(BlockProblem(Code.BAD_URL, f":{name}: {reason}"))
    return url
