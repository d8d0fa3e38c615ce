"""The URL policy: what a URL's scheme is, and when a URL may become a link or an image.

Block text is untrusted (a page may come from a pull request) and what we write is
published: HTML pages, the assembled Markdown, imported docs folders. Every part
that links a URL asks this module, so that no two parts can disagree about what a
URL is (before it existed, four copies did: a zero-width space before
``javascript:`` was a harmless relative link to one and a refused script to
another). It knows nothing of Sphinx or docutils: pure functions of strings.

The rules:

1. **Edges.** Leading and trailing ASCII white space (space, tab, line feed,
   carriage return, form feed, vertical tab) is ignored, as browsers ignore it,
   and the URL is written without it.
2. **Invisible characters.** A URL that still holds white space (ASCII or
   Unicode), a control character (Unicode category Cc, C1 controls included), a
   format character (Cf: U+200B zero-width space, U+200E/U+200F and U+202A-U+202E
   bidi controls, U+2066-U+2069 isolates, U+FEFF, U+00AD soft hyphen...), another
   default-ignorable character (U+034F, U+115F, U+3164, variation selectors...),
   a surrogate, or a private-use or unassigned code point **never becomes a link
   or an image**. Such characters are skipped by some readers and kept by others
   (browsers strip tab and newline but not U+200B; some Markdown tools strip
   U+200B; a person sees neither), so which scheme the URL has, and where it
   goes, depends on who reads it. Refusing them is the one answer every reader
   agrees with.
3. **Scheme.** The scheme is the one a browser reads (WHATWG URL Standard):
   leading and trailing C0 controls and spaces stripped, tab, CR and LF removed
   anywhere, then an ASCII letter followed by ASCII letters, digits, ``+``, ``-``
   or ``.`` up to the first ``:``, compared in lower case. So ``java\\nscript:``,
   `` JaVaScRiPt:`` and ``\\x01javascript:`` all have the scheme ``javascript``,
   and ``/a:b``, ``&#106;avascript:`` or ``%6Aavascript:`` have none (they are
   relative: entities are written escaped, so no browser decodes them). Rule 2
   refuses a URL with hidden characters whatever its scheme.
4. **URLs given in an option** (``:issue:``, ``:url:``, ``:software:``,
   ``:sbom:``, security links; :func:`url_problem`) must be absolute web URLs:
   ``http`` or ``https`` with a host, or ``mailto`` with an address, and hold none
   of ``<``, ``>``, ``"``, ``\\`` or a backtick (never valid unencoded, and the
   stuff of markup injection).
5. **Links in content** (:func:`link_problem`) may be relative (no scheme: a
   page, an anchor) or ``http``, ``https`` or ``mailto``.
6. **Images in content** (:func:`image_problem`) may be relative or ``http`` or
   ``https``: never ``data:``, ``javascript:``, ``file:``...
7. **Links written to Markdown** that leaves the project (the assembled
   assessment, an imported page; :func:`is_web_url`) must be absolute
   ``http``, ``https`` or ``mailto`` URLs: a relative link means nothing there.
8. **Running text** (:func:`scheme_colons`): where text is written for a format
   that turns bare URLs into links (reStructuredText does, for every scheme
   docutils knows, ``javascript:`` and ``data:`` included), the colon after a
   word that could be a non-web scheme is escaped, so the text stays text.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import NamedTuple
from urllib.parse import urlsplit

__all__ = [
    "IMAGE_SCHEMES",
    "WEB_SCHEMES",
    "browser_scheme",
    "clean_url",
    "image_problem",
    "is_http_url",
    "is_web_url",
    "link_problem",
    "looks_like_url",
    "scheme_colons",
    "url_problem",
]

#: the only URL schemes that ever become links
WEB_SCHEMES = frozenset({"http", "https", "mailto"})
#: the only URL schemes an image is loaded from (and the web pages' own)
IMAGE_SCHEMES = frozenset({"http", "https"})

#: rule 1: what is ignored at either end of a URL
_EDGE_SPACE = " \t\n\r\f\v"
#: rule 3, WHATWG: stripped at either end before the scheme is read ...
_C0_OR_SPACE = "".join(map(chr, range(0x21)))
#: ... and removed anywhere
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*(?=:)")
#: rule 2, the ASCII part: space and C0 controls, DEL
_ASCII_HIDDEN = re.compile(r"[\x00-\x20\x7f]")
#: rule 2: default-ignorable code points outside the categories checked by name
_IGNORABLE = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0\U000e0000-\U000e0fff]"
)
#: rule 4: never valid unencoded in a URL (RFC 3986)
_NOT_IN_URLS = re.compile(r'[<>"\\`]')
#: rule 8: a run of scheme characters right before a colon that text continues after
#: (the look-behind starts matches at run boundaries only: linear in the text's length)
_COLON_AFTER_WORD = re.compile(r"(?<![A-Za-z0-9+.\-])([A-Za-z0-9+.\-]+):(?=\S)")
#: rule 8: a web URL in text, as far as docutils reads one (its colons are the URL's)
_WEB_URL_IN_TEXT = re.compile(
    r"(?<![A-Za-z0-9+.\-])(?:https?|mailto):[A-Za-z0-9_\-.!~*'()\[\];/:@&=+$,%#?]*",
    re.IGNORECASE,
)


class _Reading(NamedTuple):
    """A URL as this policy reads it (rules 1 to 3)."""

    #: the URL without the white space at its ends: what is written
    text: str
    #: the scheme a browser reads, lower case, or None (a relative URL)
    scheme: str | None
    #: why the URL never becomes a link (rule 2), or None
    hidden: str | None


def _hidden(text: str) -> str | None:
    """Why *text* (edges already stripped) holds characters no link may hold, or None."""
    if text.isascii():
        return "contains spaces or control characters" if _ASCII_HIDDEN.search(text) else None
    for char in text:
        category = unicodedata.category(char)
        if char.isspace() or category in {"Cc", "Zs", "Zl", "Zp"}:
            return "contains spaces or control characters"
        if category in {"Cf", "Cs", "Co", "Cn"} or _IGNORABLE.match(char):
            return f"contains an invisible or format character (U+{ord(char):04X})"
    return None


@functools.lru_cache(maxsize=65536)  # every table showing a URL asks again
def _read(url: str) -> _Reading:
    text = url.strip(_EDGE_SPACE)
    return _Reading(text, browser_scheme(url), _hidden(text))


def browser_scheme(url: str) -> str | None:
    """The scheme a browser reads in *url* (lower case), or ``None`` when it is relative.

    As the WHATWG URL Standard parses: C0 controls and spaces stripped at the
    ends, tab, CR and LF removed anywhere, then ``letter (letter|digit|+|-|.)* :``.
    """
    normal = _TAB_OR_NEWLINE.sub("", url.strip(_C0_OR_SPACE))
    match = _SCHEME.match(normal)
    return match.group(0).lower() if match else None


def clean_url(url: str) -> str:
    """*url* as it is written when it is linked: without white space at its ends."""
    return url.strip(_EDGE_SPACE)


@functools.lru_cache(maxsize=65536)  # each URL is checked again by every table showing it
def url_problem(url: str) -> str | None:
    """Why *url*, given in an option, may not become a link; ``None`` for a web URL (rule 4)."""
    reading = _read(url)
    text = reading.text
    if not text:
        return "the URL is empty"
    if reading.hidden is not None:
        return f"{text!r} {reading.hidden}"
    if _NOT_IN_URLS.search(text):
        return f'{text!r} contains characters a URL cannot hold unencoded (<, >, ", \\ or `)'
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:
        return f"{text!r} is not a valid URL"
    if reading.scheme not in WEB_SCHEMES:
        return f"{text!r} is not an http, https or mailto URL"
    if reading.scheme != "mailto" and not host:
        return f"{text!r} has no host"
    if reading.scheme == "mailto" and not parts.path:
        return f"{text!r} has no address"
    return None


def is_http_url(url: str) -> bool:
    """Whether *url* is an option URL (rule 4) that names a web page: http or https."""
    return url_problem(url) is None and browser_scheme(url) in IMAGE_SCHEMES


def _content_problem(url: str, schemes: frozenset[str], names: str) -> str | None:
    reading = _read(url)
    if not reading.text:
        return "the URL is empty"
    if reading.scheme is not None and reading.scheme not in schemes:
        return f"not an {names} URL"
    return reading.hidden


def link_problem(url: str) -> str | None:
    """Why a link to *url* in content must become text; ``None`` if it may stay a link.

    Relative URLs and http, https and mailto URLs may (rule 5). The reason reads
    after the URL: ``link to 'x': <reason>``.
    """
    return _content_problem(url, WEB_SCHEMES, "http, https or mailto")


def image_problem(url: str) -> str | None:
    """Why an image may not be loaded from *url*; ``None`` if it may (relative, http, https)."""
    return _content_problem(url, IMAGE_SCHEMES, "http or https")


def is_web_url(url: str) -> bool:
    """Whether *url* may be linked from Markdown that leaves the project (rule 7).

    An absolute http, https or mailto URL without hidden characters; relative
    URLs are not web URLs.
    """
    reading = _read(url)
    return reading.scheme in WEB_SCHEMES and reading.hidden is None


def looks_like_url(text: str) -> bool:
    """Whether *text* (an option that takes a path or a URL) names a scheme: a URL.

    One-letter schemes are taken as Windows drive letters, that is as paths.
    Characters rule 2 refuses are skipped here, so that ``\\u200bjavascript:x``
    is judged as the URL it pretends to be (and refused), not read as a file name.
    """
    reading = _read(text)
    visible = "".join(c for c in reading.text if _hidden(c) is None)
    scheme = browser_scheme(visible)
    return scheme is not None and len(scheme) > 1


def scheme_colons(text: str) -> list[int]:
    """Positions of the colons in running *text* to escape so that no bare URL is linked (rule 8).

    A colon counts when text goes on right after it and the run of scheme
    characters (letters, digits, ``+ - .``) right before it holds a letter and is
    not ``http``, ``https`` or ``mailto``: ``javascript:alert(1)``,
    ``data:text/html,x``, ``foo.javascript:x``, ``key:value``. Escaping a colon
    changes nothing a reader sees, so this errs on the side of escaping; only
    the colons inside a web URL (``https://x.org/a:b``) are left, since escaping
    one would cut the URL's link short.
    """
    if ":" not in text:
        return []
    in_web_urls = {
        position
        for url in _WEB_URL_IN_TEXT.finditer(text)
        for position in range(url.start(), url.end())
        if text[position] == ":"
    }
    return [
        match.end(1)
        for match in _COLON_AFTER_WORD.finditer(text)
        if match.end(1) not in in_web_urls
        and match.group(1).lower() not in WEB_SCHEMES
        and any(char.isalpha() for char in match.group(1))
    ]
