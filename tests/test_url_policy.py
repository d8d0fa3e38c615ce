"""The URL policy (:mod:`sphinx_jointassessment.urls`) and every part that writes a link.

Option links (``safe_link``), the Markdown writer (``md_link`` and the translator's
references and images), the body sanitiser and the importer (inline links,
autolinks, ``<a href>``, reference definitions, images; then MyST and rST) are fed
the same generated URLs, hostile prefixes included, and each must make a link
exactly when the policy allows one. Before the policy, four copies of the scheme
check disagreed (a zero-width space before ``javascript:`` kept a body link that
the Markdown writer refused). Then the documented rules, case by case, and the
import of bare ``javascript:``/``data:`` text built to HTML (issue 18, item 7).
"""

from __future__ import annotations

import html
import os
import re
from typing import TYPE_CHECKING

import pytest
from bs4 import BeautifulSoup
from docutils import nodes
from docutils.core import publish_doctree
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from sphinx_jointassessment.cli.importer.finish import sanitize_text
from sphinx_jointassessment.cli.main import main
from sphinx_jointassessment.cli.mdparse import normalise_text
from sphinx_jointassessment.cli.model import Report
from sphinx_jointassessment.cli.rst import escape, escape_line_start
from sphinx_jointassessment.cli.rstconv import RstContext, convert
from sphinx_jointassessment.cli.sanitize import LinkContext
from sphinx_jointassessment.links import safe_link
from sphinx_jointassessment.markdown import md_link, to_markdown
from sphinx_jointassessment.problems import Code
from sphinx_jointassessment.sanitize import sanitize
from sphinx_jointassessment.urls import (
    WEB_SCHEMES,
    browser_scheme,
    clean_url,
    image_problem,
    is_http_url,
    is_web_url,
    link_problem,
    looks_like_url,
    scheme_colons,
    url_problem,
)

if TYPE_CHECKING:
    from pathlib import Path

# -- generated URLs ---------------------------------------------------------------------------

PREFIXES = [
    "", " ", "  ", "\t", "\n", "\x00", "\x01", "\x1f", "\x7f", "\x85", "\xa0", "\u200b",
    "\u200e", "\u202e", "\u2066", "\ufeff", "\xad", "\u034f", "\u3000", "&#106;", "&#x6A;",
    "%6A", "\\",
]  # fmt: skip
SCHEMES = [
    "javascript:", "JaVaScRiPt:", "java\nscript:", "java\tscript:", "java\u200bscript:",
    "jav&#x61;script:", "data:", "data:text/html,", "data:image/png;base64,", "vbscript:",
    "VBScript:", "file:", "file://", "ftp://", "c:", "about:", "x-y+z.w:", "http://",
    "https://", "HTTPS://", "http:", "mailto:", "MailTo:", "//", "#", "/", "./", "",
]  # fmt: skip
RESTS = [
    "alert(1)", "example.org/a", "example.org/a b", "x@example.org", "", ")", "<b>", "%0a",
    "example.org/\u200b", "example.org/a:b", "top", "example.org/?a=1&amp;b", "a\\b",
]  # fmt: skip
SUFFIXES = ["", " ", "\n", "\u200b", "\x00", "\u202e"]

#: characters a Markdown or rST source file can hold (no lone surrogates)
_TEXT = st.characters(blacklist_categories=("Cs",))
urls = st.one_of(
    st.builds(
        lambda *parts: "".join(parts),
        st.sampled_from(PREFIXES),
        st.sampled_from(SCHEMES),
        st.one_of(st.sampled_from(RESTS), st.text(_TEXT, max_size=12)),
        st.sampled_from(SUFFIXES),
    ),
    st.text(_TEXT, max_size=30),
)
#: the same examples on every run unless PROPERTY_RANDOM is set (as tests/test_properties_all.py)
PROPERTY = settings(
    max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "300")),
    deadline=None,
    database=None,
    derandomize=os.environ.get("PROPERTY_RANDOM") is None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _links(markdown: str) -> tuple[list[str], list[str]]:
    """The link targets and image sources a CommonMark reader (MyST's) finds in *markdown*."""
    hrefs: list[str] = []
    sources: list[str] = []
    for token in MarkdownIt("commonmark").parse(markdown):
        for child in token.children or ():
            if child.type == "link_open":
                hrefs.append(str(child.attrGet("href")))
            elif child.type == "image":
                sources.append(str(child.attrGet("src")))
    return hrefs, sources


# -- every part agrees with the policy --------------------------------------------------------


@PROPERTY
@given(url=urls)
def test_option_links_follow_the_policy(url: str) -> None:
    node = safe_link(url)
    assert isinstance(node, nodes.reference) == (url_problem(url) is None)
    if isinstance(node, nodes.reference):
        assert node["refuri"] == clean_url(url)
        # an option's URL is a web URL, which content may link too
        assert is_web_url(url)
        assert link_problem(url) is None


@PROPERTY
@given(url=urls)
def test_markdown_writer_follows_the_policy(url: str) -> None:
    cleaned = clean_url(url)
    fragment = cleaned.startswith("#") and len(cleaned) > 1 and link_problem(url) is None
    hrefs, _ = _links(md_link("Example", url))
    assert bool(hrefs) == (is_web_url(url) or fragment)
    paragraph = nodes.paragraph()
    paragraph += nodes.reference("", "Example", refuri=url)
    paragraph += nodes.Text(" and ")
    paragraph += nodes.image(uri=url, alt="picture")
    hrefs, sources = _links(to_markdown(paragraph))
    assert bool(hrefs) == is_web_url(url)
    assert bool(sources) == (image_problem(url) is None)
    assert all(is_web_url(href) for href in hrefs)


@PROPERTY
@given(url=urls)
def test_body_sanitiser_follows_the_policy(url: str) -> None:
    assume(url)  # an empty refuri is no URL: the sanitiser leaves such a reference alone
    body = nodes.container()
    paragraph = nodes.paragraph()
    paragraph += nodes.reference("", "text", refuri=url)
    paragraph += nodes.image(uri=url, alt="picture")
    body += paragraph
    problems = sanitize(body)
    link_kept = bool(list(body.findall(nodes.reference)))
    image_kept = bool(list(body.findall(nodes.image)))
    assert link_kept == (link_problem(url) is None)
    assert image_kept == (image_problem(url) is None)
    assert [code for code, _message, _line in problems] == [Code.BAD_URL] * (
        (not link_kept) + (not image_kept)
    )


def _import(markdown: str) -> str:
    """*markdown* as the importer writes it for MyST (no --base-url, no headings)."""
    context = LinkContext(set(), None, None, Report("x.md", "joint", "X"))
    return "\n".join(sanitize_text(normalise_text(markdown), 0, context))


def _rst_links(markdown: str) -> tuple[list[str], list[str]]:
    """Link targets and image sources docutils makes of *markdown* converted to rST."""
    rst = "\n".join(convert(markdown + "\n", RstContext()))
    doctree = publish_doctree(
        rst,
        settings_overrides={"report_level": 5, "halt_level": 5, "file_insertion_enabled": False},
    )
    hrefs = [str(ref["refuri"]) for ref in doctree.findall(nodes.reference) if "refuri" in ref]
    return hrefs, [str(image["uri"]) for image in doctree.findall(nodes.image)]


def _in_file(url: str) -> str:
    """*url* as it reads in a file the importer has normalised (CR as LF, NUL as U+FFFD...)."""
    return normalise_text("x" + url)[1:]


def _angle(url: str) -> str:
    """*url* as a ``<...>`` link destination that markdown-it reads back exactly."""
    return re.sub(r"[\\<>&]", r"\\\g<0>", url)


IMPORT_FORMS = {
    "inline": lambda url: f"See [x](<{_angle(url)}>) here.",
    "autolink": lambda url: f"See <{url}> here.",
    "anchor": lambda url: f'See <a href="{url}">x</a> here.',
    "definition": lambda url: f"See [x][r] here.\n\n[r]: <{_angle(url)}>",
}


@PROPERTY
@given(url=urls, form=st.sampled_from(sorted(IMPORT_FORMS)))
def test_importer_links_follow_the_policy(url: str, form: str) -> None:
    source = IMPORT_FORMS[form](url)
    written = _import(source)
    hrefs, _ = _links(written)
    # the URL as the importer reads it (in the file as normalised, an attribute unescaped)
    in_file = _in_file(url)
    read = html.unescape(in_file) if form == "anchor" else in_file
    linked_in_source = bool(_links(normalise_text(source))[0]) or (
        form == "anchor" and re.fullmatch(r"[^\"'<>\s]+", in_file) is not None
    )
    assert bool(hrefs) == (linked_in_source and is_web_url(read))
    assert all(is_web_url(href) for href in hrefs)
    if form == "inline" and is_web_url(read) and not re.search(r"[\n\r]", url):
        assert hrefs  # the test links something: a web URL written so stays a link
    rst_hrefs, _ = _rst_links(written)
    assert all(is_web_url(href) for href in rst_hrefs), rst_hrefs


@PROPERTY
@given(url=urls)
def test_importer_images_follow_the_policy(url: str) -> None:
    source = f"See ![x](<{_angle(url)}>) here."
    written = _import(source)
    _, sources = _links(written)
    in_source = bool(_links(normalise_text(source))[1])
    read = _in_file(url)
    allowed = image_problem(read) is None and browser_scheme(read) is not None  # no local file
    assert bool(sources) == (in_source and allowed)
    _, rst_sources = _rst_links(written)
    assert all(image_problem(uri) is None for uri in rst_sources)


FRAGMENTS = [
    "[",
    "]",
    "](",
    "![",
    "<",
    ">",
    "`",
    "\\",
    "\n",
    "\n\n",
    "> ",
    "- ",
    "[r]: ",
    ": ",
    "#",
]


@PROPERTY
@given(
    parts=st.lists(
        st.one_of(
            st.builds(
                lambda form, url: IMPORT_FORMS[form](url),
                st.sampled_from(sorted(IMPORT_FORMS)),
                urls,
            ),
            st.builds(lambda url: f"![i](<{_angle(url)}>)", urls),
            st.sampled_from(FRAGMENTS),
            st.text(_TEXT, max_size=6),
        ),
        max_size=8,
    )
)
def test_imported_markdown_never_links_what_the_policy_refuses(parts: list[str]) -> None:
    """Forms mixed in one text (brackets left over, definitions, HTML): no refused link."""
    written = _import("".join(parts))
    hrefs, sources = _links(written)
    assert all(is_web_url(href) for href in hrefs), hrefs
    assert all(image_problem(src) is None and browser_scheme(src) for src in sources), sources
    rst_hrefs, rst_sources = _rst_links(written)
    assert all(is_web_url(href) for href in rst_hrefs), rst_hrefs
    assert all(image_problem(src) is None for src in rst_sources), rst_sources


_PROSE = st.characters(blacklist_categories=("Cs", "Cc"))


@PROPERTY
@given(
    parts=st.lists(
        st.one_of(urls.map(lambda url: " ".join(url.split())), st.text(_PROSE, max_size=8)),
        max_size=6,
    )
)
def test_bare_urls_in_rst_text_stay_text(parts: list[str]) -> None:
    """Text the importer writes as rST never becomes a non-web link, and reads the same."""
    text = " ".join(f"See {' '.join(parts)} end.".split())
    assume("\x00" not in text)
    doctree = publish_doctree(
        escape_line_start(escape(text)),
        settings_overrides={"report_level": 5, "halt_level": 5},
    )
    for ref in doctree.findall(nodes.reference):
        assert is_web_url(ref["refuri"]), ref["refuri"]
    assert " ".join(doctree.astext().split()) == text


# -- the rules, case by case ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("https://example.org", "https"),
        ("  HTTPS://example.org", "https"),
        ("java\nscript:alert(1)", "javascript"),
        ("java\tscript:alert(1)", "javascript"),
        ("\x01\x1f javascript:alert(1)", "javascript"),
        (" JaVaScRiPt:alert(1)", "javascript"),
        ("\u200bjavascript:alert(1)", None),  # not a C0 control: a browser keeps it
        ("\ufeffjavascript:alert(1)", None),
        ("&#106;avascript:alert(1)", None),  # entities are written escaped
        ("%6Aavascript:alert(1)", None),
        ("/a:b", None),
        ("c:alert(1)", "c"),
        ("x-y+z.w:1", "x-y+z.w"),
        ("1http://x", None),
        ("", None),
    ],
)
def test_browser_scheme(url: str, scheme: str | None) -> None:
    assert browser_scheme(url) == scheme


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://example.org/a", None),
        ("  https://example.org/a\n", None),
        ("mailto:security@example.org", None),
        ("", "the URL is empty"),
        ("   ", "the URL is empty"),
        ("https://exa mple.org", "'https://exa mple.org' contains spaces or control characters"),
        ("https://example.org/\x00", "contains spaces or control characters"),
        ("https://example.org/\x85", "contains spaces or control characters"),
        ("https://example.org/\xa0", "contains spaces or control characters"),
        ("https://example.org/\u2028", "contains spaces or control characters"),
        ("java\nscript:alert(1)", "contains spaces or control characters"),
        ("https://exa\u200bmple.org", "contains an invisible or format character (U+200B)"),
        ("\ufeffhttps://example.org", "contains an invisible or format character (U+FEFF)"),
        ("https://example.org/\u202e", "contains an invisible or format character (U+202E)"),
        ("https://example.org/\xad", "contains an invisible or format character (U+00AD)"),
        ("https://example.org/\u034f", "contains an invisible or format character (U+034F)"),
        ("https://example.org/\ue000", "contains an invisible or format character (U+E000)"),
        ('https://example.org/"x', "contains characters a URL cannot hold unencoded"),
        ("https://[x", "is not a valid URL"),
        ("javascript:alert(1)", "is not an http, https or mailto URL"),
        ("data:text/html,x", "is not an http, https or mailto URL"),
        ("ftp://example.org", "is not an http, https or mailto URL"),
        ("example.org/a", "is not an http, https or mailto URL"),
        ("https:///a", "has no host"),
        ("mailto:", "has no address"),
    ],
)
def test_option_url_problems(url: str, problem: str | None) -> None:
    """The messages of ``bad-url`` for a URL given in an option."""
    found = url_problem(url)
    assert found == problem if problem is None else problem in (found or "")


@pytest.mark.parametrize(
    ("url", "link", "image"),
    [
        ("https://example.org/a.png", None, None),
        ("page.html#part", None, None),
        ("#part", None, None),
        ("../img/a.png", None, None),
        ("mailto:a@example.org", None, "not an http or https URL"),
        ("javascript:alert(1)", "not an http, https or mailto URL", "not an http or https URL"),
        ("data:image/png;base64,AA==", "not an http, https", "not an http or https URL"),
        ("\u200bjavascript:alert(1)", "contains an invisible", "contains an invisible"),
        ("https://example.org/a b", "contains spaces", "contains spaces"),
        ("", "the URL is empty", "the URL is empty"),
    ],
)  # fmt: skip
def test_content_link_and_image_problems(url: str, link: str | None, image: str | None) -> None:
    for found, expected in ((link_problem(url), link), (image_problem(url), image)):
        assert found == expected if expected is None else expected in (found or "")


@pytest.mark.parametrize(
    ("url", "web", "http"),
    [
        ("https://example.com", True, True),
        ("HTTP://EXAMPLE.COM", True, True),
        ("  https://example.com  ", True, True),
        ("mailto:security@example.com", True, False),  # linked, but names no page
        ("MailTo:x@y.z", True, False),
        ("https:example.org", True, False),  # no host: no option URL
        ("javascript:alert(1)", False, False),
        ("java\tscript:alert(1)", False, False),
        ("java\nscript:alert(1)", False, False),
        ("\x00javascript:alert(1)", False, False),
        ("\x00https://example.com", False, False),  # a control character: never a link
        (" JaVaScRiPt:alert(1)", False, False),
        ("java\u200bscript:alert(1)", False, False),
        ("https://exa\u200bmple.com", False, False),
        ("data:text/html;base64,PHNjcmlwdD4=", False, False),
        ("vbscript:msgbox", False, False),
        ("file:///etc/passwd", False, False),
        ("ftp://example.com", False, False),
        ("relative/page.html", False, False),
        ("#anchor", False, False),
        ("", False, False),
    ],
)
def test_is_web_url_and_is_http_url(url: str, web: bool, http: bool) -> None:
    assert is_web_url(url) is web
    assert is_http_url(url) is http


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://example.org/sbom.json", True),
        ("javascript:alert(1)", True),
        ("\u200bjavascript:alert(1)", True),  # judged (and refused) as the URL it pretends to be
        ("data/sbom.json", False),
        ("C:\\sbom.json", False),  # a drive letter: a path
        ("sbom.json", False),
    ],
)
def test_looks_like_url(text: str, expected: bool) -> None:
    assert looks_like_url(text) is expected


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("javascript:alert(1)", "javascript\\:alert(1)"),
        ("run JAVASCRIPT:x and data:text/html,x", "run JAVASCRIPT\\:x and data\\:text/html,x"),
        ("1.javascript:x", "1.javascript\\:x"),  # docutils may start a URL after the dot
        ("https://example.org/a:b and mailto:a@b.org", None),  # web URLs keep their colons
        ("https://x.org<javascript:x>", "https://x.org<javascript\\:x>"),
        ("Note: a colon before a space", None),
        ("at 12:30", None),
        ("ftp://example.org", "ftp\\://example.org"),
    ],
)
def test_scheme_colons(text: str, escaped: str | None) -> None:
    positions = scheme_colons(text)
    result = "".join("\\" + c if i in positions else c for i, c in enumerate(text))
    assert result == (text if escaped is None else escaped)


def test_web_schemes_are_the_documented_three() -> None:
    assert frozenset({"http", "https", "mailto"}) == WEB_SCHEMES


# -- the importer, case by case ---------------------------------------------------------------


def test_reference_definitions_are_judged_where_they_are_defined() -> None:
    written = _import(
        "See [a][web], [b][ftp], [c][rel] and [d].\n\n"
        "[web]: https://example.org/a\n[ftp]: ftp://example.org/b\n"
        "[rel]: docs/c.md\n[d]: &#x66;tp://example.org/d\n"
    )
    assert _links(written)[0] == ["https://example.org/a"]
    assert "\\[ftp]: ftp\\://example.org/b" in written  # shown as text
    assert "\\[rel]: docs/c.md" in written


def test_entity_and_unicode_tricks_never_link() -> None:
    written = _import(
        "[a](&#x66;tp://x.org/a) <a href='&#106;avascript:alert(1)'>b</a> "
        '<a href="&#106;avascript:alert(1)">c</a> [d](<\u200bjavascript:alert(1)>) '
        "[e](<https://exa\u200bmple.org>) <FTP://x.org/f>"
    )
    assert _links(written) == ([], [])
    assert "<https://exa" not in written.replace("\\<https://exa", "")  # no autolink left


def test_a_link_made_text_leaves_no_brackets_for_another() -> None:
    """Escaping a refused link's ``](`` must not let its ``[`` pair with a later ``](``."""
    context = LinkContext(set(), None, None, Report("x.md", "joint", "X"))
    source = "See ![x](<](>) then ](data:image/png;base64,AAAA) and [ok](https://x.org)."
    written = "\n".join(sanitize_text(source, 0, context))
    assert _links(written) == ([], [])  # all kept as text, the web link too
    assert "no link kept here" in context.report.warnings[-1]
    # an HTML tag escaped to text can complete a link reference definition
    assert _links(_import("See [x][r] here.\n\n[r]: <java\nscript:>")) == ([], [])


def test_imported_headings_are_made_safe(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "self-assessment.md"
    source.write_text(
        "# Self-assessment of Widget\n\n## Overview\n\nText.\n\n"
        '### Sub <b onclick="x">bold</b> and [x](ftp://example.org/h)\n\nMore.\n',
        encoding="utf-8",
    )
    assert main(["import", str(source), "-o", str(tmp_path / "docs")]) == 0
    report = capsys.readouterr().out
    page = (tmp_path / "docs" / "assessment.md").read_text(encoding="utf-8")
    assert '### Sub \\<b onclick="x">bold\\</b> and [x\\](ftp\\://example.org/h)' in page
    assert "line 7: link 'ftp://example.org/h'" in report


HOSTILE_IMPORT = """\
# Self-assessment of Widget

## Overview

Bare javascript:alert(1) and data:text/html,<b>x</b> and vbscript:msgbox(1).
Also JAVASCRIPT:alert(2), file:///etc/passwd and 1.javascript:alert(3); the web
stays linked: https://example.org/a:b.

### On javascript:alert(4)

| Where | What |
| - | - |
| cell | javascript:alert(5) and data:text/html,y |
"""


def _imported_html(markdown: str, fmt: str, folder: Path) -> str:
    """*markdown* imported as *fmt* pages, built by the html builder: the sections page."""
    from sphinx.cmd.build import build_main

    source = folder / "self-assessment.md"
    source.write_text(markdown, encoding="utf-8")
    docs, out = folder / "docs", folder / "html"
    assert main(["import", str(source), "-o", str(docs), "--format", fmt]) == 0
    assert build_main(["-q", "-E", "-b", "html", str(docs), str(out)]) == 0
    return (out / "assessment.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["myst", "rst"])
def test_import_never_links_bare_non_web_urls(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = _imported_html(HOSTILE_IMPORT, fmt, tmp_path)
    capsys.readouterr()
    assert not re.search(r"""href\s*=\s*["']?\s*(?:javascript|data|vbscript|file):""", page, re.I)
    soup = BeautifulSoup(page, "html.parser")
    main_text = soup.find(attrs={"role": "main"}) or soup
    for link in main_text.find_all("a", href=True):
        assert browser_scheme(link["href"]) in {None, *WEB_SCHEMES}, link["href"]
    if fmt == "rst":  # docutils links bare web URLs (MyST does not, without linkify)
        hrefs = [a["href"] for a in main_text.find_all("a", href=True)]
        assert "https://example.org/a:b" in hrefs
    text = " ".join(main_text.get_text(" ").split())
    for visible in (
        "javascript:alert(1)",
        "data:text/html,<b>x</b>",
        "vbscript:msgbox(1)",
        "JAVASCRIPT:alert(2)",
        "file:///etc/passwd",
        "1.javascript:alert(3)",
        "On javascript:alert(4)",
        "javascript:alert(5) and data:text/html,y",
    ):
        assert visible in text, visible
