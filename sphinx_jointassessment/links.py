"""Links made from block text: the one place that decides what may become a link.

Block text is untrusted (a page may come from a pull request), and an assessment
is published on the project's web site. So a URL given in an option (``:issue:``,
``:url:``, ``:software:``, ``:sbom:``, a security link) becomes a link only when it
is an ``http``, ``https`` or ``mailto`` URL; anything else (``javascript:``,
``data:``, ``file:``...) is shown as plain text and reported as ``bad-url``. Every
feature builds its links through :func:`safe_link`, so that rule lives here only.

Links to assessment objects (a risk's threat-matrix cells, a finding's risks) are
``pending_xref`` nodes of the ``ja`` domain made by :func:`ja_xref`, resolved by
Sphinx like roles, so they work across pages and builders.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from docutils import nodes
from sphinx import addnodes

from .problems import BlockProblem, Code
from .values import option_text

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

#: the only URL schemes that ever become links
WEB_SCHEMES = frozenset({"http", "https", "mailto"})

#: browsers drop tabs and newlines anywhere in a URL and leading controls and spaces,
#: so ``java\nscript:`` is ``javascript:``; compare schemes after doing the same
_BROWSER_IGNORED = re.compile(r"[\t\n\r]")
#: white space (as ``str.isspace`` has it) and control characters
_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f]")
#: never valid unencoded in a URL (RFC 3986), and the stuff of markup injection
_NOT_IN_URLS = re.compile(r'[<>"\\`]')
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")


@functools.lru_cache(maxsize=65536)  # each URL is checked again by every table showing it
def url_problem(url: str) -> str | None:
    """Why *url* may not become a link, or ``None`` when it is a web URL."""
    text = url.strip()
    if not text:
        return "the URL is empty"
    if _SPACE_OR_CONTROL.search(text):
        return f"{text!r} contains spaces or control characters"
    if _NOT_IN_URLS.search(text):
        return f'{text!r} contains characters a URL cannot hold unencoded (<, >, ", \\ or `)'
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:
        return f"{text!r} is not a valid URL"
    scheme = parts.scheme.lower()
    if scheme not in WEB_SCHEMES:
        return f"{text!r} is not an http, https or mailto URL"
    if scheme in ("http", "https") and not host:
        return f"{text!r} has no host"
    if scheme == "mailto" and not parts.path:
        return f"{text!r} has no address"
    return None


def looks_like_url(text: str) -> bool:
    """Whether *text* names a scheme (``https:``, ``javascript:``) rather than a path.

    One-letter schemes are taken as Windows drive letters, that is as paths.
    """
    match = _SCHEME.match(text.strip())
    return match is not None and len(match.group(1)) > 1


def uri_scheme(uri: str) -> str | None:
    """The scheme a browser would see in *uri* (lower case), or ``None`` when relative."""
    normalized = _BROWSER_IGNORED.sub("", uri).lstrip("".join(map(chr, range(33))))
    match = _SCHEME.match(normalized)
    return match.group(1).lower() if match else None


def safe_link(url: str, text: str | None = None) -> nodes.Node:
    """A link to *url* showing *text* (the URL itself by default), if *url* is a web URL.

    Any other value is shown as plain text, never as a link. docutils escapes the
    text and the URL when a builder writes them.
    """
    shown = url.strip() if text is None else text
    if url_problem(url) is None:
        return nodes.reference(shown, shown, refuri=url.strip(), classes=["ja-link"])
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
