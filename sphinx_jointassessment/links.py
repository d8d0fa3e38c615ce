"""Only web links: the one place where text from a block may become a link.

A page may come from an untrusted pull request, so ``javascript:``, ``data:``,
``vbscript:`` and every other scheme are shown as text, never linked.
"""

from __future__ import annotations

import re

from docutils import nodes

#: schemes that may be linked (SPEC §8)
WEB_SCHEMES = ("http", "https", "mailto")

_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def is_web_url(url: str) -> bool:
    """True for http, https and mailto URLs, whatever whitespace or case hides the scheme."""
    cleaned = _CONTROL.sub("", url).lower()
    scheme, colon, rest = cleaned.partition(":")
    if not colon or not rest:
        return False
    if scheme in ("http", "https"):
        return rest.startswith("//") and len(rest) > 2
    return scheme == "mailto"


def safe_link(url: str, text: str | None = None) -> nodes.Node:
    """A reference for a web URL; plain text (the URL shown, not linked) for anything else."""
    shown = text if text else url
    if is_web_url(url):
        return nodes.reference(shown, shown, refuri=url.strip())
    return nodes.Text(shown)
