"""The Markdown writer: exact output, hostile text, and the CNCF linter (SPEC §4, §8)."""

from __future__ import annotations

import html
import random
import re
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

import pytest
from docutils import nodes
from docutils.core import publish_doctree
from docutils.utils import new_document
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from sphinx import addnodes

from sphinx_jointassessment.markdown import (
    MarkdownTranslator,
    code_span,
    escape_cell,
    escape_inline,
    escape_text_with_links,
    fenced_code,
    github_slug,
    join_blocks,
    join_inline,
    md_link,
    md_table,
    to_markdown,
    unemphasize_pseudo_headings,
)

from .markdownlint import lint_text, render_gfm, run_markdownlint

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path


def rst(source: str) -> nodes.document:
    """A plain-docutils doctree, sections kept as sections (as Sphinx does)."""
    tree: nodes.document = publish_doctree(
        source,
        settings_overrides={"report_level": 5, "halt_level": 5, "doctitle_xform": False},
    )
    return tree


def md(source: str, **options: Any) -> str:
    return to_markdown(rst(source), **options)


def doc_of(*children: nodes.Node) -> nodes.document:
    document = new_document("<test>")
    document.extend(children)
    return document


# The pipes of a table row that separate cells (not escaped by an odd number
# of backslashes).
_SEPARATOR = re.compile(r"(?<!\\)(?:\\\\)*\|")

# Markup a GFM renderer may produce from our Markdown; anything else means
# raw HTML got through.
_ALLOWED_TAGS = {
    "p", "em", "strong", "code", "a", "img", "ul", "ol", "li", "blockquote", "pre",
    "table", "thead", "tbody", "tr", "th", "td", "hr", "br",
    "h1", "h2", "h3", "h4", "h5", "h6",
}  # fmt: skip


class _HtmlAudit(HTMLParser):
    """Collects what must never be in the rendering of our Markdown."""

    def __init__(self) -> None:
        super().__init__()
        self.bad: list[str] = []
        self.tables: list[list[int]] = []
        self._rows: list[list[int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _ALLOWED_TAGS:
            self.bad.append(f"tag <{tag}>")
        for name, value in attrs:
            if name in {"href", "src"} and value:
                scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", value)
                if scheme and scheme.group(1).lower() not in {"http", "https", "mailto"}:
                    self.bad.append(f"{name}={value}")
        if tag == "table":
            self._rows.append([])
        elif tag == "tr":
            self._rows[-1].append(0)
        elif tag in {"td", "th"}:
            self._rows[-1][-1] += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.tables.append(self._rows.pop())


def audit_html(markdown: str) -> _HtmlAudit | None:
    """micromark's rendering of *markdown*, audited; None without Node."""
    rendered = render_gfm(markdown)
    if rendered is None:
        return None
    audit = _HtmlAudit()
    audit.feed(rendered)
    return audit


def assert_no_raw_html(markdown: str) -> None:
    """No raw HTML and no non-web URL gets through, as rendered by micromark
    (GitHub's parser family) or, without Node, by markdown-it with HTML on."""
    rendered = render_gfm(markdown)
    if rendered is None:
        renderer = MarkdownIt("commonmark", {"html": True}).enable("table")
        rendered = renderer.render(markdown)
    audit = _HtmlAudit()
    audit.feed(rendered)
    assert audit.bad == [], audit.bad


def table_lines(markdown: str) -> list[str]:
    return [line for line in markdown.split("\n") if line.lstrip(" >").startswith("|")]


# ---------------------------------------------------------------- escaping


def test_escape_inline_escapes_each_character_where_it_has_a_meaning() -> None:
    assert escape_inline("a*b_c`d[e]f#g|h~i\\j$k") == r"a\*b_c\`d\[e\]f#g\|h\~i\\j\$k"
    # ``_`` opens or closes emphasis only at a word's edge; ``#`` only starts a line
    assert escape_inline("_x_ snake_case") == r"\_x\_ snake_case"
    assert escape_inline("# 1 and C#") == r"\# 1 and C#"
    assert escape_inline("Issue #") == r"Issue \#"  # else a heading's closing run


def test_escape_inline_keeps_html_and_entities_from_forming() -> None:
    assert escape_inline("<script>alert('x')</script>") == "&lt;script>alert('x')&lt;/script>"
    assert escape_inline("a &amp; b &#60; &#x3c;") == r"a \&amp; b \&#60; \&#x3c;"
    # what cannot start a tag or an entity stays as written
    assert escape_inline("Q&A: a > b, c & d") == "Q&A: a > b, c & d"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- item", r"\- item"),
        ("+ item", r"\+ item"),
        ("= under", "= under"),
        ("1. first", r"1\. first"),
        ("2024) year", r"2024\) year"),
        (":--- row", r"\:--- row"),
        ("# heading", r"\# heading"),
        ("> quote", r"\> quote"),
        ("---", r"\---"),
        ("a - b + c = d", "a - b + c = d"),
        # nothing here would start a block: kept as written
        ("-v prints more", "-v prints more"),
        ("1.66.0 fixed it", "1.66.0 fixed it"),
        ("2024-01-01", "2024-01-01"),
    ],
)
def test_escape_inline_defuses_block_starts(text: str, expected: str) -> None:
    assert escape_inline(text) == expected


@pytest.mark.parametrize("text", ["- item", "+ item", "> quote", "1. first", "---", "=="])
def test_inside_a_line_nothing_starts_a_block(text: str) -> None:
    assert escape_inline(text, line_start=False) == text
    assert escape_cell(text) == text


def test_escape_inline_collapses_whitespace_and_keeps_edges() -> None:
    assert escape_inline(" a\n  b\tc\r\nd ") == " a b c d "
    assert escape_inline("no\u00a0break") == "no\u00a0break"


def test_escape_inline_breaks_autolink_literals() -> None:
    assert escape_inline("see https://x.org/a") == r"see https\://x.org/a"
    assert escape_inline("www.example.com") == r"www\.example.com"
    assert escape_inline("mail me@example.com") == r"mail me\@example.com"
    assert escape_inline("@mention and a @ b") == "@mention and a @ b"


@pytest.mark.parametrize(
    ("text", "markdown"),
    [
        ("see https://x.org/a.", "see <https://x.org/a>."),
        ("(https://x.org/a_(b))", "(<https://x.org/a_(b)>)"),
        ("(https://x.org/a)", "(<https://x.org/a>)"),
        ("q https://x.org/?a=1&b=2", "q <https://x.org/?a=1&b=2>"),
        ("q https://x.org/?a=1&amp;", r"q https\://x.org/?a=1\&amp;"),
        ("q https://x.org/`a`|b", r"q https\://x.org/\`a\`\|b"),
        ("mail me@example.com.", "mail [me@example.com](mailto:me@example.com)."),
        ("!a@b.co", r"\![a@b.co](mailto:a@b.co)"),
        ("- https://x.org", r"\- <https://x.org>"),
        ("javascript:alert(1) ftp://x.org", r"javascript:alert(1) ftp\://x.org"),
        ("https:// and www.x.org and @handle", r"https\:// and www\.x.org and @handle"),
        ("a_b https://x.org/*y*", r"a_b <https://x.org/*y>\*"),  # as GitHub ends it
    ],
)
def test_bare_urls_and_addresses_stay_links(text: str, markdown: str) -> None:
    assert escape_text_with_links(text) == markdown


def test_escape_inline_drops_control_and_bidi_override_characters() -> None:
    assert escape_inline("a\x00b\x1b[31mc\u202egnp.exe\u202c") == r"ab\[31mcgnp.exe"
    assert escape_inline("line\u2028sep") == "line sep"
    # Right-to-left text itself is content and is kept.
    assert escape_inline("שלום עולם") == "שלום עולם"


def test_escape_cell() -> None:
    assert escape_cell("  a|b\n c  ") == r"a\|b c"
    assert escape_cell("") == ""
    assert escape_cell("`x|y`") == r"\`x\|y\`"


# ---------------------------------------------------------------- code spans


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x", "`x`"),
        ("a`b", "``a`b``"),
        ("a``b", "```a``b```"),
        ("`x`", "`` `x` ``"),
        ("<b>", "`<b>`"),
        ("a|b", "`a|b`"),
        ("  padded\n\tcode ", "`padded  code`"),
        ("", ""),
        ("  ", ""),
    ],
)
def test_code_span(text: str, expected: str) -> None:
    assert code_span(text) == expected


def test_code_span_in_table_escapes_pipes() -> None:
    assert code_span("a|b", in_table=True) == r"`a\|b`"
    assert code_span("a\\\\|b", in_table=True) == r"`a\\\|b`"
    # A single backslash before a pipe cannot be written in a code span in a
    # table: the text comes out plain, escaped, lossless.
    assert code_span("a\\|b", in_table=True) == r"a\\\|b"


# ---------------------------------------------------------------- URLs


def test_md_link() -> None:
    assert md_link("Example", "https://example.com") == "[Example](https://example.com)"
    assert md_link("", "https://example.com") == "<https://example.com>"
    assert md_link("https://example.com", "https://example.com") == "<https://example.com>"
    assert md_link("Evil", "javascript:alert(1)") == "Evil"
    assert md_link("Data", "data:text/html,x") == "Data"
    assert md_link("Top", "#top-section") == "[Top](#top-section)"
    assert md_link("W", "https://en.wikipedia.org/wiki/A_(b)|c") == (
        "[W](https://en.wikipedia.org/wiki/A_%28b%29%7Cc)"
    )
    assert md_link("W", "https://en.wikipedia.org/wiki/A c") == "W"  # a space: never a link
    assert md_link("here", "https://example.com/x") == "here (<https://example.com/x>)"
    assert (
        md_link("Click here!", "https://example.com/x") == "Click here! (<https://example.com/x>)"
    )
    assert md_link("Q", "https://x.org/?a=1&lt;") == "[Q](https://x.org/?a=1&amp;lt;)"
    assert md_link("", "https://x.org/a_b*c") == "<https://x.org/a_b*c>"
    assert (
        md_link("", "https://x.org/?a=1&b=2")
        == "[https\\://x.org/?a=1&b=2](https://x.org/?a=1&b=2)"
    )


# ---------------------------------------------------------------- slugs


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        (
            "Closed security issues and vulnerabilities",
            "closed-security-issues-and-vulnerabilities",
        ),
        ("Configuration and Set-Up", "configuration-and-set-up"),
        ("Non-goals", "non-goals"),
        ("Joint-assessment use", "joint-assessment-use"),
        ("Data flow diagram/Architecture diagram", "data-flow-diagramarchitecture-diagram"),
        ("Related Projects / Vendors", "related-projects--vendors"),
        ("Security issue resolution", "security-issue-resolution"),
        ("What's new in v1.2?", "whats-new-in-v12"),
        ("snake_case & C++", "snake_case--c"),
        ("Über Sicherheit", "über-sicherheit"),
        ("安全 評価", "安全-評価"),
        ("Title.", "title"),
        ("  Spaced \n out  ", "spaced-out"),
        ("`code` *em*", "code-em"),
    ],
)
def test_github_slug(title: str, slug: str) -> None:
    assert github_slug(title, {}) == slug


def test_github_slug_numbers_duplicates() -> None:
    seen: dict[str, int] = {}
    slugs = [github_slug(title, seen) for title in ["Scope", "Scope", "scope!", "Other", "Scope"]]
    assert slugs == ["scope", "scope-1", "scope-2", "other", "scope-3"]
    assert github_slug("!!!", seen) == ""


def test_table_of_contents_links_pass_md051(tmp_path: Path) -> None:
    titles = [
        "Closed security issues and vulnerabilities",
        "Configuration and Set-Up",
        "Non-goals",
        "Joint-assessment use",
        "Data flow diagram/Architecture diagram",
        "Related Projects / Vendors",
        "Über Sicherheit: Prüfung",
        "Q&A <draft>",
        "snake_case `code` *emphasis*",
        "Scope",
        "Scope",
    ]
    seen: dict[str, int] = {}
    toc = [f"* {md_link(escape_inline(t), '#' + github_slug(t, seen))}" for t in titles]
    translator = MarkdownTranslator(new_document("<toc>"))
    headings = [translator.heading(escape_inline(t), 2) for t in titles[:-1]]
    headings.append("### " + escape_inline(titles[-1]))  # a duplicate, not a sibling
    markdown = join_blocks(["# Assessment", "\n".join(toc), *headings]) + "\n"
    assert lint_text(markdown, tmp_path) == []


# ---------------------------------------------------------------- tables


def test_md_table() -> None:
    assert md_table(["A", "B"], [["1", "2"], ["3"]]) == (
        "| A | B |\n| --- | --- |\n| 1 | 2 |\n| 3 | |"
    )


def test_md_table_widens_to_the_longest_row() -> None:
    assert md_table(["A"], [["1", "2"]]) == "| A | |\n| --- | --- |\n| 1 | 2 |"


def test_md_table_guards_unescaped_input() -> None:
    assert md_table(["a|b"], [["line\nbreak", "x\\|y", "x\\\\|y"]]) == (
        "| a\\|b | | |\n| --- | --- | --- |\n| line break | x\\|y | x\\\\\\|y |"
    )


def test_md_table_without_columns() -> None:
    assert md_table([], []) == ""


@given(
    header=st.lists(st.text(max_size=20), min_size=1, max_size=4),
    rows=st.lists(st.lists(st.text(max_size=30), max_size=6), max_size=5),
    codes=st.lists(st.text(max_size=20), max_size=3),
)
@settings(max_examples=300, deadline=None)
def test_tables_of_any_text_keep_their_shape(
    header: list[str], rows: list[list[str]], codes: list[str]
) -> None:
    body = [[escape_cell(cell) for cell in row] for row in rows]
    body.append([code_span(code, in_table=True) for code in codes])
    table = md_table([escape_cell(cell) for cell in header], body)
    width = max(len(header), *(len(row) for row in rows), len(codes))
    lines = table.split("\n")
    assert len(lines) == len(rows) + 3
    for line in lines:
        assert "\r" not in line
        assert line == line.strip()
        assert len(_SEPARATOR.findall(line)) == width + 1, line
        assert line.startswith("|")
        assert line.endswith("|")


def _hostile_strings(count: int, seed: int) -> list[str]:
    pieces = [
        "|", "\\", "\\|", "`", "``", "```", "*", "_", "[", "]", "(", ")", "<", ">", "&",
        "&amp;", "&#124;", "<script>", "</td>", "javascript:", "http://x.org", "www.x.y",
        "a@b.co", "$", "~", "#", "!", "-", "+", "=", "1.", ":", "\n", "\t", " ", "  ",
        "\u202e", "\u200f", "\x00", "\x1b", "é", "שלום", "漢字", "a", "b", "word",
    ]  # fmt: skip
    rng = random.Random(seed)
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))) for _ in range(count)]


def _visible(text: str) -> str:
    """What a reader should see for *text*: controls gone, whitespace collapsed."""
    text = re.sub("[\x00-\x08\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", "", text)
    return re.sub(r"[ \t\n\r\f\v]+", " ", text).strip()


def test_hostile_text_round_trips_through_a_gfm_renderer() -> None:
    strings = _hostile_strings(300, seed=7)
    blocks = []
    for text in strings:
        blocks.append(escape_inline(text).strip() or "empty")
        blocks.append(md_table(["h"], [[escape_cell(text)], [code_span(text, in_table=True)]]))
    rendered = render_gfm("\n\n".join(blocks) + "\n")
    if rendered is None:
        pytest.skip("node and micromark are needed to render GFM")
    paragraphs = re.findall(r"<p>(.*?)</p>", rendered, re.DOTALL)
    cells = re.findall(r"<td>(.*?)</td>", rendered, re.DOTALL)
    tables = re.findall(r"<table>.*?</table>", rendered, re.DOTALL)
    assert len(paragraphs) == len(strings)
    assert len(tables) == len(strings)
    assert len(cells) == 2 * len(strings)
    for index, text in enumerate(strings):
        expected = _visible(text) or "empty"
        assert html.unescape(paragraphs[index]) == expected, text
        assert html.unescape(cells[2 * index]) == _visible(text), text
        code = html.unescape(re.sub(r"</?code>", "", cells[2 * index + 1]))
        assert code == _visible(text).replace("\t", " "), text


def test_hostile_text_in_inline_markup_round_trips() -> None:
    strings = [text for text in _hostile_strings(300, seed=11) if _visible(text)]
    paragraphs = [
        nodes.paragraph(
            "",
            "",
            nodes.Text("x "),
            nodes.emphasis("", text),
            nodes.Text(" y "),
            nodes.strong("", text),
            nodes.Text(" z "),
            nodes.reference("", text, refuri="https://e.org/"),
        )
        for text in strings
    ]
    rendered = render_gfm(to_markdown(doc_of(*paragraphs)))
    if rendered is None:
        pytest.skip("node and micromark are needed to render GFM")
    found = re.findall(r"<p>(.*?)</p>", rendered, re.DOTALL)
    assert len(found) == len(strings)
    shape = re.compile(
        r'x <em>(.*)</em> y <strong>(.*)</strong> z <a href="https://e.org/">(.*)</a>'
    )
    for text, paragraph in zip(strings, found, strict=True):
        match = shape.fullmatch(paragraph.replace("\n", " "))
        assert match, (text, paragraph)
        for group in match.groups():
            assert html.unescape(re.sub(r"<[^>]+>", "", group)) == _visible(text), text


# ---------------------------------------------------------------- code blocks


def test_fenced_code() -> None:
    assert fenced_code("print(1)\n", "python") == "```python\nprint(1)\n```"
    assert fenced_code("a\tb", None) == "```text\na       b\n```"
    assert fenced_code("```\ninner\n```", "md") == "````md\n```\ninner\n```\n````"
    assert fenced_code("x", "a`b c") == "```abc\nx\n```"
    assert fenced_code("x", "default") == "```text\nx\n```"
    assert fenced_code("\n\n  x  \n\n", "text") == "```text\n  x\n```"


def test_fenced_code_drops_prompts_only_when_no_output() -> None:
    assert fenced_code("$ pip install x\n$ make", "console") == (
        "```console\npip install x\nmake\n```"
    )
    assert fenced_code("$ ls\nfile.txt", "console") == "```console\n$ ls\nfile.txt\n```"


# ---------------------------------------------------------------- translator


def test_inline_markup() -> None:
    source = (
        "Text *em* **strong** ``lit`` `Example <https://example.com>`_ and"
        " https://example.org/x and `title ref` and x|y."
    )
    assert md(source) == (
        "Text *em* **strong** `lit` [Example](https://example.com) and <https://example.org/x>"
        " and *title\nref* and x\\|y.\n"
    )


def test_sections_nest_from_the_heading_level() -> None:
    source = "Top\n===\n\nOne.\n\nSub:\n----\n\nTwo.\n\nSub2\n----\n\nDeep\n~~~~\n\nThree.\n"
    assert md(source) == ("## Top\n\nOne.\n\n### Sub\n\nTwo.\n\n### Sub2\n\n#### Deep\n\nThree.\n")
    assert md(source, heading_level=5).split("\n\n")[::2] == [
        "##### Top",
        "###### Sub",
        "###### Sub2",
        "Three.\n",
    ]


def test_document_title_is_the_outermost_heading() -> None:
    tree = publish_doctree("Title\n=====\n\nSection\n-------\n\nText.\n")
    assert to_markdown(tree, heading_level=1) == "# Title\n\n## Section\n\nText.\n"


def test_heading_text_loses_trailing_punctuation_and_repeats_stay_as_written() -> None:
    source = "A\n=\n\nSame.\n----\n\nx\n\nSame\n----\n\ny\n\nB\n=\n\nSame\n----\n\nz\n"
    assert md(source) == (
        "## A\n\n### Same\n\nx\n\n<!-- markdownlint-disable-next-line MD024 -->\n### Same\n\ny"
        "\n\n## B\n\n### Same\n\nz\n"
    )


def test_heading_of_punctuation_only_keeps_it() -> None:
    assert md("...\n===\n\nText.\n\n...\n===\n\nMore.\n") == (
        "## ..&#46;\n\nText.\n\n"
        "<!-- markdownlint-disable-next-line MD024 -->\n## ..&#46;\n\nMore.\n"
    )
    assert github_slug("...", {}) == ""


def test_heading_markup_and_escapes() -> None:
    source = "The ``|pipe|`` *and* <b> #1:\n===========================\n\nText.\n"
    assert md(source) == "## The `|pipe|` *and* &lt;b> #1\n\nText.\n"


def test_wrapping_can_be_turned_off() -> None:
    class Unwrapped(MarkdownTranslator):
        wrap_width = 0

    text = " ".join(["word"] * 200)
    assert to_markdown(rst(text), translator_class=Unwrapped) == text + "\n"


def test_bullet_lists() -> None:
    source = "* one\n* two\n\n  more\n\n  * nested\n  * nested too\n\n* three\n"
    assert md(source) == ("* one\n\n* two\n\n  more\n\n  * nested\n  * nested too\n\n* three\n")
    assert md("* a\n* b\n") == "* a\n* b\n"


def test_adjacent_lists_stay_apart() -> None:
    assert md("* a\n\n..\n\n* b\n") == "* a\n\n+ b\n"
    item = nodes.list_item("", nodes.transition(), nodes.paragraph("", "b"))
    tree = doc_of(nodes.bullet_list("", nodes.list_item("", nodes.paragraph("", "a"))))
    tree += nodes.bullet_list("", item)
    assert to_markdown(tree) == "* a\n\n+ ---\n\n  b\n"
    assert md("#. a\n#. b\n\n..\n\n5. c\n6. d\n") == "1. a\n2. b\n\n1) c\n2) d\n"


def test_enumerated_lists_count_from_one() -> None:
    assert md("3. c\n4. d\n") == "1. c\n2. d\n"
    assert md("a) x\nb) y\n") == "1. x\n2. y\n"
    items = "".join(f"#. item {n}\n" for n in range(1, 12))
    out = md(items)
    assert out.splitlines()[-1] == "11. item 11"


def test_definition_list() -> None:
    source = "term\n   Definition.\n\n   More.\n\nother : kind\n   Short.\n"
    assert md(source) == (
        "* **term**\n\n  Definition.\n\n  More.\n\n* **other** *(kind)*\n\n  Short.\n"
    )


def test_field_list() -> None:
    source = ":Author: Me\n:Scope: First.\n\n   Second.\n"
    assert md(source) == "* **Author:** Me\n\n* **Scope:** First.\n\n  Second.\n"


def test_option_list() -> None:
    source = "-a         All.\n--out=FILE  Output file.\n"
    assert md(source) == "* `-a`: All.\n* `--out=FILE`: Output file.\n"


def test_literal_blocks() -> None:
    source = "Code::\n\n    x = 1\n\tindented\n\n.. code:: python\n\n   print(1)\n\n>>> 1 + 1\n2\n"
    assert md(source) == (
        "Code:\n\n```text\nx = 1\n    indented\n```\n\n```python\nprint(1)\n```\n\n"
        "```pycon\n>>> 1 + 1\n2\n```\n"
    )


def test_literal_block_language_from_sphinx() -> None:
    block = nodes.literal_block("a: 1", "a: 1", language="yaml")
    assert to_markdown(doc_of(block)) == "```yaml\na: 1\n```\n"
    block = nodes.literal_block("x", "x", language="default")
    assert to_markdown(doc_of(block)) == "```text\nx\n```\n"


def test_block_quote() -> None:
    source = "Intro.\n\n    Quoted.\n\n    Again.\n\n    -- Someone\n"
    assert md(source) == "Intro.\n\n> Quoted.\n>\n> Again.\n>\n> \u2014 Someone\n"


def test_line_block() -> None:
    source = "| one\n| two\n|     indented\n|\n| after\n"
    assert md(source) == "one\\\ntwo\\\n&nbsp;&nbsp;indented\n\nafter\n"


def test_admonitions() -> None:
    assert md(".. note:: Be careful.\n\n   Second.\n") == "> **Note:** Be careful.\n>\n> Second.\n"
    assert md(".. warning::\n\n   * a\n") == "> **Warning:**\n>\n> * a\n"
    assert md(".. admonition:: Custom title\n\n   Body.\n") == "> **Custom title:** Body.\n"
    assert md(".. tip:: Tip.\n\nText.\n") == "> **Tip:** Tip.\n\nText.\n"


def test_adjacent_quotes_stay_apart() -> None:
    assert md(".. note:: One.\n\n.. warning:: Two.\n") == (
        "> **Note:** One.\n\n[//]: #\n\n> **Warning:** Two.\n"
    )
    out = md(".. note::\n\n   #. a\n\n.. warning::\n\n   #. b\n")
    assert out == "> **Note:**\n>\n> 1. a\n\n[//]: #\n\n> **Warning:**\n>\n> 1. b\n"
    audit = audit_html(out)
    if audit is not None:
        assert audit.bad == []


def test_sphinx_admonitions() -> None:
    seealso = addnodes.seealso("", nodes.paragraph("", "Other page."))
    version = addnodes.versionmodified(
        "",
        "",
        nodes.paragraph(
            "",
            "",
            nodes.inline("", "Added in version 1.0: ", classes=["versionmodified"]),
            nodes.Text("New."),
        ),
    )
    out = to_markdown(doc_of(seealso, nodes.paragraph("", "Between."), version))
    assert out == "> **See also:** Other page.\n\nBetween.\n\n> Added in version 1.0: New.\n"


def test_grid_table_with_spans() -> None:
    source = (
        "+-----+-----+-----+\n"
        "| H1  | H2  | H3  |\n"
        "+=====+=====+=====+\n"
        "| a|b | ``c|d``   |\n"
        "+-----+-----+-----+\n"
        "| e   | f   | g   |\n"
        "+     +-----+-----+\n"
        "|     | h   | i   |\n"
        "+-----+-----+-----+\n"
    )
    assert md(source) == (
        "| H1 | H2 | H3 |\n| --- | --- | --- |\n| a\\|b | `c\\|d` | |\n| e | f | g |\n| | h | i |\n"
    )


def test_list_table_header_and_block_cells() -> None:
    source = (
        ".. list-table:: Findings\n"
        "   :header-rows: 1\n\n"
        "   * - ID\n"
        "     - Notes\n"
        "   * - F-1\n"
        "     - First.\n\n"
        "       Second with ``a|b``.\n\n"
        "       * x\n"
        "       * y\n\n"
        "       ::\n\n"
        "          code | here\n"
    )
    assert md(source) == (
        "Findings\n\n"
        "| ID | Notes |\n"
        "| --- | --- |\n"
        "| F-1 | First. Second with `a\\|b`. x; y `code \\| here` |\n"
    )


def test_table_without_header_uses_its_first_row() -> None:
    source = "===  ===\na    b\nc    d\n===  ===\n"
    assert md(source) == "| a | b |\n| --- | --- |\n| c | d |\n"


def test_hostile_table_cells_keep_the_row_count() -> None:
    hostile = [
        "pipe | in text",
        "``code | with pipe``",
        "``back\\slash|pipe``",
        "`` `` ``",
        "<script>alert(1)</script>",
        "`javascript <javascript:alert(1)>`_",
        "line one\n       line two",
        "\u202etxt.exe",
    ]
    source = ".. list-table::\n   :header-rows: 1\n\n   * - Head\n     - Other\n"
    for text in hostile:
        source += f"   * - {text}\n     - x\n"
    out = md(source)
    lines = table_lines(out)
    assert len(lines) == len(hostile) + 2
    assert all(len(_SEPARATOR.findall(line)) == 3 for line in lines), lines
    assert_no_raw_html(out)
    assert "javascript" not in out.replace("javascript\\", "").replace("javascript ", "")
    audit = audit_html(out)
    if audit is not None:
        assert audit.tables == [[2] * (len(hostile) + 1)]


def test_images() -> None:
    out = md(
        ".. image:: https://example.com/a.png\n   :alt: Diagram\n\n"
        ".. image:: img/b|c(1).png\n\n"
        ".. image:: data:image/png;base64,AAAA\n   :alt: Sneaky\n\n"
        ".. image:: javascript:alert(1)\n"
    )
    assert out == (
        "![Diagram](https://example.com/a.png)\n\n![image](img/b%7Cc%281%29.png)\n\nSneaky\n\nimage\n"
    )


def test_figure() -> None:
    source = ".. figure:: arch.png\n   :alt: Architecture\n\n   The caption.\n\n   The legend.\n"
    assert md(source) == "![Architecture](arch.png)\n\nThe caption.\n\nThe legend.\n"


def test_footnotes_and_citations() -> None:
    source = "Claim [#]_ and [CIT]_.\n\n.. [#] The note.\n.. [CIT] A book.\n"
    assert md(source) == "Claim \\[1\\] and \\[CIT\\].\n\n\\[1\\] The note.\n\n\\[CIT\\] A book.\n"


def test_references() -> None:
    source = (
        "`bad <javascript:alert(1)>`_, `tab <java\tscript:x>`_, `rel <page.html>`_,"
        " `Internal`_, `here <https://example.com/more>`_, foo@example.com,"
        " `x <https://e.com/a_(b)>`_.\n\n.. _Internal:\n\nTarget.\n"
    )
    assert md(source) == (
        "bad, tab, rel, Internal, here (<https://example.com/more>),\n"
        "[foo\\@example.com](mailto:foo@example.com), [x](https://e.com/a_%28b%29).\n\nTarget.\n"
    )


def test_skipped_nodes() -> None:
    source = (
        ".. comment\n\n.. raw:: html\n\n   <b>raw</b>\n\n.. |s| replace:: sub\n\n"
        ".. _tgt:\n\nText |s| and _`inline target`.\n\n.. unknown-directive:: x\n"
    )
    assert md(source) == "Text sub and inline target.\n"


def test_problematic_text_is_kept() -> None:
    # docutils keeps the source of markup it could not resolve.
    assert md("Broken `ref`_ here.\n") == "Broken \\`ref\\`\\_ here.\n"


def test_containers_topics_rubrics_and_transitions() -> None:
    source = (
        ".. container:: box\n\n   In box.\n\n"
        ".. compound::\n\n   Compound.\n\n"
        ".. topic:: Topic title\n\n   Topic body.\n\n"
        "Para.\n\n"
        ".. sidebar:: Side\n   :subtitle: Sub\n\n   Side body.\n\n"
        ".. rubric:: A rubric\n\n"
        "Before.\n\n----------\n\nAfter.\n"
    )
    assert md(source) == (
        "In box.\n\nCompound.\n\n> **Topic title:** Topic body.\n\nPara.\n\n"
        "> **Side: Sub:** Side body.\n\nA rubric\n\nBefore.\n\n---\n\nAfter.\n"
    )


def test_abbreviation_and_inline() -> None:
    paragraph = nodes.paragraph(
        "",
        "",
        nodes.abbreviation("CNCF", "CNCF", explanation="Cloud Native Computing Foundation"),
        nodes.Text(" and "),
        nodes.inline("", "inline", classes=["x"]),
        nodes.Text(" and "),
        addnodes.literal_emphasis("", "lit-em"),
        nodes.Text(" "),
        addnodes.literal_strong("", "lit-strong"),
    )
    assert to_markdown(doc_of(paragraph)) == (
        "CNCF (Cloud Native Computing Foundation) and inline and *lit-em* **lit-strong**\n"
    )


def test_sphinx_nodes() -> None:
    xref = addnodes.pending_xref("", nodes.literal("", "func"), reftype="ref")
    conditional = addnodes.pending_xref(
        "",
        addnodes.pending_xref_condition("", "resolved", condition="resolved"),
        addnodes.pending_xref_condition("", "fallback", condition="*"),
    )
    download = addnodes.download_reference("", "", nodes.literal("", "conf.py"), reftarget="x")
    numref = addnodes.number_reference("", "Fig. 1", refid="fig")
    para = addnodes.compact_paragraph(
        "", "", xref, nodes.Text(" "), conditional, nodes.Text(" "), download, nodes.Text(" "),
        numref,
    )  # fmt: skip
    signature = addnodes.desc_signature("", "", addnodes.desc_name("", "spam"))
    signature += addnodes.desc_parameterlist("", "", addnodes.desc_parameter("", "eggs"))
    desc = addnodes.desc("", signature, addnodes.desc_content("", nodes.paragraph("", "Spam.")))
    glossary = addnodes.glossary(
        "",
        nodes.definition_list(
            "",
            nodes.definition_list_item(
                "",
                nodes.term("", "", addnodes.index(entries=[]), nodes.Text("Term")),
                nodes.definition("", nodes.paragraph("", "Meaning.")),
            ),
        ),
    )
    hlist = addnodes.hlist(
        "",
        addnodes.hlistcol("", nodes.bullet_list("", nodes.list_item("", nodes.paragraph("", "a")))),
        addnodes.hlistcol("", nodes.bullet_list("", nodes.list_item("", nodes.paragraph("", "b")))),
    )
    tree = doc_of(
        para,
        addnodes.toctree(entries=[], includefiles=[]),
        addnodes.index(entries=[]),
        desc,
        addnodes.only("", nodes.paragraph("", "Only."), expr="html"),
        glossary,
        hlist,
        addnodes.centered("", "Centered."),
        addnodes.productionlist("", addnodes.production("", "a ::= b")),
    )
    assert to_markdown(tree) == (
        "`func` fallback `conf.py` Fig. 1\n\n`spam(eggs)`\n\nSpam.\n\nOnly.\n\n"
        "* **Term**\n\n  Meaning.\n\n+ a\n\n* b\n\n**Centered.**\n\n```text\na ::= b\n```\n"
    )


def test_unknown_nodes_render_their_children() -> None:
    class mystery_block(nodes.General, nodes.Element):  # type: ignore[misc]
        pass

    class mystery_text(nodes.General, nodes.TextElement):  # type: ignore[misc]
        pass

    class mystery_inline(nodes.Inline, nodes.TextElement):  # type: ignore[misc]
        pass

    tree = doc_of(
        mystery_block("", nodes.paragraph("", "Inside.")),
        mystery_text("", "Own paragraph."),
        mystery_text("", "Another."),
        nodes.paragraph("", "", nodes.Text("a "), mystery_inline("", "b*"), nodes.Text(" c")),
    )
    assert to_markdown(tree) == "Inside.\n\nOwn paragraph.\n\nAnother.\n\na b\\* c\n"


def test_subclasses_render_their_own_nodes() -> None:
    class finding(nodes.General, nodes.Element):  # type: ignore[misc]
        pass

    class FindingTranslator(MarkdownTranslator):
        def visit_finding(self, node: nodes.Element) -> None:
            body = self.render_children(node)
            self.add_block(md_table(["ID", "Text"], [[escape_cell(node["id_"]), body]]))
            raise nodes.SkipNode

    tree = doc_of(finding("", nodes.paragraph("", "Leak | here"), id_="F-1"))
    assert to_markdown(tree, translator_class=FindingTranslator) == (
        "| ID | Text |\n| --- | --- |\n| F-1 | Leak \\| here |\n"
    )


def test_emphasis_only_paragraphs_do_not_look_like_headings() -> None:
    assert md("**Bold alone**\n\n*Ends with punctuation.*\n\n* **In a list**\n") == (
        "Bold alone\n\n*Ends with punctuation.*\n\n* **In a list**\n"
    )
    assert unemphasize_pseudo_headings("```\n**kept in code**\n```") == (
        "```\n**kept in code**\n```"
    )
    assert unemphasize_pseudo_headings("`` ```x`` ``\n\n**x**") == "`` ```x`` ``\n\nx"


def test_touching_code_spans_and_emphasis_are_separated() -> None:
    assert join_inline(["`a`", "`b`"]) == "`a` `b`"
    assert join_inline(["*a*", "*b*"]) == "*a* *b*"
    assert join_inline(["\\*", "*b*"]) == "\\**b*"
    assert join_inline(["\\`", "`b`"]) == "\\``b`"
    assert join_inline(["`a\\`", "``b`c``"]) == "`a\\` ``b`c``"
    assert md("``a``\\ ``b``\\ *c*\\ *d*\n") == "`a` `b`*c* *d*\n"


def test_long_paragraphs_are_wrapped() -> None:
    out = md(" ".join(f"word{n}" for n in range(100)) + "\n")
    lines = out.rstrip("\n").split("\n")
    assert len(lines) > 5
    assert all(len(line) <= 100 for line in lines)
    assert " ".join(lines) == " ".join(f"word{n}" for n in range(100))


def test_wrapped_lines_never_start_a_block() -> None:
    words = " ".join(f"word{n} - 1. + = :-- {n}" for n in range(60))
    out = md(words + "\n")
    lines = out.rstrip("\n").split("\n")
    assert len(lines) > 5
    assert not any(re.match(r"[-+=:0-9]", line) for line in lines)
    rendered = render_gfm(out)
    if rendered is not None:
        assert html.unescape(rendered) == f"<p>{out.rstrip()}</p>\n".replace("\\", "")


def test_output_ends_with_one_newline_and_empty_gives_nothing() -> None:
    assert md("Text.\n") == "Text.\n"
    assert md(".. comment\n") == ""


def test_fragment_without_document() -> None:
    paragraph = nodes.paragraph("", "", nodes.Text("Hello "), nodes.emphasis("", "world"))
    assert to_markdown(paragraph) == "Hello *world*\n"


def test_translator_records_headings() -> None:
    tree = rst("Top\n===\n\nSub\n---\n\nText.\n")
    translator = MarkdownTranslator(tree, heading_level=3)
    translator.render(tree)
    assert translator.headings == [(3, "Top"), (4, "Sub")]


# ---------------------------------------------------------------- hostile documents


def test_hostile_paragraph_emits_no_html() -> None:
    source = (
        "<script>alert(1)</script> <img src=x onerror=alert(1)> <!-- c --> <?php ?> "
        "<![CDATA[x]]> &lt;b&gt; `click <javascript:alert(1)>`_ `d <data:text/html,x>`_\n"
    )
    out = md(source)
    assert_no_raw_html(out)
    assert "](javascript" not in out
    assert "](data" not in out


_HOSTILE_TEXT = [
    "a|b", "`x`", "``", "```", "<script>alert(1)</script>", "javascript:alert(1)", "line\nbreak",
    "tab\there", "\u202eRTL\u202c", "*star*", "_under_", "# hash", "- dash", "1. one", "+ plus",
    "= eq", "---", "~~~", "> quote", "[x]: http://evil", "![x](y)", "&amp;", "&#60;", "back\\",
    "\\|", "**", "http://x.org", "www.x.com", "a@b.co", "$x$", "<!-- c -->", "<https://x>",
    "\x00nul\x1b[31m", "    indented", "|", "\\", "`|`", "a\\|b", "1)", "10.", " ", "", "[^1]",
    "~~s~~", "==", "<div>", "&", "here", "Ends.", "*", "***", "___", "<", ">", "|---|", ":---:",
    "\u2028ls", "Same", "Same",
]  # fmt: skip
_HOSTILE_URLS = [
    "https://ok.org/a|b", "javascript:x", "java\tscript:x", "http://x.org/(a)", " https://e.com ",
    "mailto:a@b.c", "data:x", "#frag", "HTTPS://E.COM/<x>",
]  # fmt: skip


class _TreeMaker:
    """Random doctrees of every common node type filled with hostile text."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def text(self) -> str:
        rng = self.rng
        return "".join(
            rng.choice(_HOSTILE_TEXT) + rng.choice(["", " ", " word "])
            for _ in range(rng.randint(1, 4))
        )

    def inline(self) -> nodes.Node:
        rng = self.rng
        kind = rng.randint(0, 8)
        if kind == 0:
            return nodes.emphasis("", self.text())
        if kind == 1:
            return nodes.strong("", self.text())
        if kind == 2:
            return nodes.literal("", self.text())
        if kind == 3:
            label = rng.choice(["", self.text()])
            return nodes.reference("", label, refuri=rng.choice(_HOSTILE_URLS))
        if kind == 4:
            uri = rng.choice(["data:image/png;base64,xx", "pic|.png", "https://e.com/i.png"])
            return nodes.image("", uri=uri, alt=self.text())
        if kind == 5:
            return nodes.footnote_reference("", self.text())
        return nodes.Text(self.text())

    def paragraph(self) -> nodes.paragraph:
        return nodes.paragraph("", "", *[self.inline() for _ in range(self.rng.randint(1, 5))])

    def blocks(self, depth: int, low: int = 1, high: int = 2) -> list[nodes.Node]:
        return [self.block(depth + 1) for _ in range(self.rng.randint(low, high))]

    def block(self, depth: int = 0) -> nodes.Node:
        rng = self.rng
        kind = rng.randint(0, 15 if depth < 3 else 3)
        if kind <= 2:
            return self.paragraph()
        if kind == 3:
            language = rng.choice(["python", "a`b", "", "x y"])
            return nodes.literal_block("", self.text(), language=language)
        if kind == 4:
            items = [nodes.list_item("", *self.blocks(depth, 0)) for _ in range(rng.randint(1, 3))]
            return nodes.bullet_list("", *items)
        if kind == 5:
            items = [nodes.list_item("", *self.blocks(depth)) for _ in range(rng.randint(1, 3))]
            return nodes.enumerated_list("", *items)
        if kind == 6:
            return nodes.block_quote("", *self.blocks(depth))
        if kind == 7:
            return rng.choice([nodes.note, nodes.warning, addnodes.seealso])(
                "", *self.blocks(depth)
            )
        if kind == 8:
            return self.table(depth)
        if kind == 9:
            items = [
                nodes.definition_list_item(
                    "", nodes.term("", self.text()), nodes.definition("", *self.blocks(depth))
                )
                for _ in range(2)
            ]
            return nodes.definition_list("", *items)
        if kind == 10:
            return nodes.line_block("", *[nodes.line("", self.text()) for _ in range(3)])
        if kind == 11:
            return nodes.rubric("", self.text())
        if kind == 12:
            name = nodes.field_name("", self.text())
            return nodes.field_list("", nodes.field("", name, nodes.field_body("", self.block())))
        if kind == 13:
            label = nodes.label("", str(rng.randint(1, 9)))
            return nodes.footnote("", label, *self.blocks(depth))
        if kind == 14:
            return nodes.transition()
        return nodes.topic("", nodes.title("", self.text()), *self.blocks(depth))

    def table(self, depth: int) -> nodes.table:
        rng = self.rng
        columns = rng.randint(1, 4)

        def row() -> nodes.row:
            entries = []
            for _ in range(rng.randint(1, columns)):
                entry = nodes.entry("", *self.blocks(depth, 0))
                if rng.random() < 0.2:
                    entry["morecols"] = 1
                entries.append(entry)
            return nodes.row("", *entries)

        tgroup = nodes.tgroup(cols=columns)
        tgroup += [nodes.colspec(colwidth=1) for _ in range(columns)]
        if rng.random() < 0.5:
            tgroup += nodes.thead("", row())
        tgroup += nodes.tbody("", *[row() for _ in range(rng.randint(0, 3))])
        return nodes.table("", tgroup)

    def section(self, depth: int) -> nodes.section:
        section = nodes.section("", nodes.title("", self.text()))
        section.extend(self.block() for _ in range(self.rng.randint(1, 5)))
        if depth < 3:
            section.extend(self.section(depth + 1) for _ in range(self.rng.randint(0, 2)))
        return section

    def document(self) -> nodes.document:
        return doc_of(*[self.section(0) for _ in range(3)])


def test_random_hostile_documents_are_lint_clean_and_html_free(tmp_path: Path) -> None:
    outputs = []
    for seed in range(30):
        out = "# Assessment\n\n" + to_markdown(_TreeMaker(seed).document())
        outputs.append(out)
        (tmp_path / f"doc{seed:02}.md").write_text(out, encoding="utf-8", newline="\n")
        assert "\t" not in out
        assert out.endswith("\n")
        assert not out.endswith("\n\n")
    assert run_markdownlint(tmp_path) == []
    # Each output is complete (no open fence), so they can be rendered at once.
    assert_no_raw_html("\n\n".join(outputs))
    audit = audit_html("\n\n".join(outputs))
    if audit is not None:
        for rows in audit.tables:
            assert len(set(rows)) == 1, rows


# ---------------------------------------------------------------- the CNCF linter

_MIXED_DOCUMENT = """\
Joint assessment
================

Metadata
--------

.. list-table::
   :header-rows: 1

   * - Field
     - Value
   * - Project
     - Demo | the "best" <project>
   * - Repository
     - https://github.com/example/demo
   * - Contact
     - security@example.com

Overview
--------

The *project* does **things**, see `the docs <https://example.com/docs>`_ or
`here <https://example.com/here>`_ and https://example.org/bare. Unsafe
`link <javascript:alert(1)>`_ stays text. A footnote [#]_.

**An emphasised line**

*Another one*

.. [#] The footnote text.

Background
~~~~~~~~~~

* First point with ``code``.
* Second point

  with a second paragraph.

  #. nested one
  #. nested two

* Third point.

term
   Its definition.

   Its second paragraph.

:Field: value
:Other: other value

-v, --verbose   Talk more.

.. code-block:: python

   def f():
   \treturn "```"

::

    $ make install

.. note:: A note.

.. warning:: A warning.

    A quote.

    -- Author

| Line one
| Line two

Threats
-------

+--------------+-----------------+
| Threat       | Status          |
+==============+=================+
| Spoofing     | Mitigated       |
+--------------+-----------------+
| Tampering    | ``a|b`` pending |
+--------------+-----------------+
| Spans two columns              |
+--------------------------------+

.. image:: https://example.com/diagram.png
   :alt: Data flow diagram

.. image:: data:image/png;base64,AAAA

.. rubric:: Summary

.. topic:: Recommendations

   Do better.

----

Recommendations
~~~~~~~~~~~~~~~

Recommendations
~~~~~~~~~~~~~~~

Trailing section with a long paragraph: {long}

Deep
^^^^

Deeper
''''''

Deepest
```````

Too deep
........

Text.
"""


def test_mixed_document_passes_the_cncf_linter(tmp_path: Path) -> None:
    long = " ".join(f"sentence {n} - with + signs and 1. numbers" for n in range(40))
    source = _MIXED_DOCUMENT.replace("{long}", long).replace("\\t", "\t")
    out = to_markdown(
        publish_doctree(source, settings_overrides={"report_level": 5}), heading_level=1
    )
    assert out.startswith("# Joint assessment\n\n## Metadata\n")
    assert "\n````python\ndef f():\n" in out  # a fence longer than the ``` inside
    assert "here (<https://example.com/here>)" in out
    assert "\nAn emphasised line\n" in out
    assert "<!-- markdownlint-disable-next-line MD024 -->\n### Recommendations\n" in out
    assert "| Tampering | `a\\|b` pending |" in out
    assert_no_raw_html(out)
    assert lint_text(out, tmp_path) == []


@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")
def test_sphinx_doctree_passes_the_cncf_linter(
    tmp_path: Path, make_app: Callable[..., Any]
) -> None:
    srcdir = tmp_path / "src"
    srcdir.mkdir()
    (srcdir / "conf.py").write_text(
        'project = "Demo"\nextensions = ["sphinx.ext.todo"]\ntodo_include_todos = True\n'
    )
    (srcdir / "other.rst").write_text("Other\n=====\n\nText.\n")
    (srcdir / "index.rst").write_text(
        "Demo\n====\n\n.. toctree::\n\n   other\n\n.. index:: single: thing\n\n"
        "See :ref:`label`, :doc:`other`, :download:`conf.py`, :kbd:`Ctrl+C`,"
        " :guilabel:`&OK`, :file:`/etc/{x}`, :abbr:`CNCF (Cloud Native)`, :term:`Widget`,"
        " :rfc:`2119` and `ext <https://example.com>`_.\n\n"
        ".. _label:\n\nSection\n-------\n\n"
        ".. seealso:: Other things.\n\n"
        ".. versionadded:: 1.0\n   Something new.\n\n"
        ".. glossary::\n\n   Widget\n   Gadget\n      A thing.\n\n"
        ".. hlist::\n   :columns: 2\n\n   * a\n   * b\n   * c\n\n"
        ".. centered:: Centered\n\n"
        ".. py:function:: spam(eggs: int) -> str\n\n   Does spam.\n\n"
        ".. only:: html\n\n   Only html.\n\n"
        ".. todo:: Fix it.\n\n"
        ".. code-block:: yaml\n   :caption: A caption\n\n   a: 1\n\n"
        ".. productionlist::\n   stmt: a | b\n\n"
        ".. rubric:: Footnotes\n"
    )
    app = make_app("text", srcdir=srcdir)
    app.build()
    tree = app.env.get_and_resolve_doctree("index", app.builder)
    out = "# Top\n\n" + to_markdown(tree)
    assert "> **Todo:** Fix it." in out
    assert "[**RFC 2119**](https://datatracker.ietf.org/doc/html/rfc2119.html)" in out
    assert "`spam(eggs: int) -> str`" in out
    assert "[ext](https://example.com)" in out
    assert_no_raw_html(out)
    assert lint_text(out, tmp_path) == []
