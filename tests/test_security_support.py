"""Helpers of the reliability and security suites (issue 7); this module holds no test.

The suites build small projects in-process (``SphinxTestApp``, as Sphinx's own
``make_app`` does) and then check what SPEC §5 and §8 promise about the result:

* :func:`check_warnings`: every problem is a ``jointassessment`` warning with a
  known code, a ``file:line`` location and a one-line message, and no docutils
  ERROR or SEVERE comes from one of our directives (unknown options, missing
  arguments and content where none is allowed are the user's markup: allowed);
* :func:`check_html`: no script, event handler or non-web URL in a page;
* :func:`assembled_outputs`: the assembled Markdown and JSON of a built
  project, made in-process exactly as the ``jointassessment`` builder makes
  them (so a property test gets them without a second build);
* :func:`check_markdown` and :func:`check_tables`: no raw HTML and no non-web
  link in the Markdown, every table row as wide as its header;
* :func:`check_json`: valid UTF-8 JSON, valid against the shipped schema.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bs4 import BeautifulSoup
from docutils import nodes
from sphinx.testing.util import SphinxTestApp

from sphinx_jointassessment.markdown import linter_comment
from sphinx_jointassessment.problems import Code

from .markdownlint import render_gfm

if TYPE_CHECKING:
    from collections.abc import Callable

CODES = frozenset(code.value for code in Code)
SCHEMA = Path(__file__).resolve().parents[1] / "sphinx_jointassessment" / "schema"
SCHEMA_FILE = SCHEMA / "assessment.schema.json"
#: every directive of the extension, by its bare name (``ja:NAME`` is the same class)
DIRECTIVES = (
    "threat-matrix",
    "attack-risk",
    "attack-risk-table",
    "finding",
    "findings-table",
    "assessment-metadata",
    "hands-on-assessment",
    "closed-issue",
    "closed-issues-table",
    "security-issue",
    "security-issues-table",
    "recommendation",
    "recommendations-table",
    "assessment-summary",
    "assessment-team",
    "assessment-section",
    "joint-assessment",
    "self-assessment",
    "threat",
    "controls",
    "threats-table",
    "data-flow",
)
WEB_SCHEMES = frozenset({"http", "https", "mailto"})
CONF = (
    'project = "Example"\n'
    'extensions = ["sphinx_jointassessment", "myst_parser"]\n'
    # fast: no theme of its own to render, no copied sources, no general index
    'html_theme = "basic"\n'
    "html_copy_source = False\n"
    "html_use_index = False\n"
    "html_domain_indices = False\n"
)

# -- building ------------------------------------------------------------------------------


@dataclass
class Built:
    app: SphinxTestApp
    warnings: str
    status: str = ""
    #: html pages by name, read lazily
    pages: dict[str, str] = field(default_factory=dict)

    @property
    def outdir(self) -> Path:
        return Path(self.app.outdir)

    def page(self, name: str) -> str:
        if name not in self.pages:
            self.pages[name] = (self.outdir / f"{name}.html").read_text(encoding="utf-8")
        return self.pages[name]

    def all_pages(self) -> dict[str, str]:
        """Every page made from a source (Sphinx's own search and index pages left out)."""
        for path in sorted(self.outdir.rglob("*.html")):
            name = path.relative_to(self.outdir).with_suffix("").as_posix()
            if name not in ("search", "genindex", "py-modindex"):
                self.page(name)
        return self.pages


def write_sources(srcdir: Path, files: dict[str, str | bytes], conf: str = CONF) -> Path:
    """Replace the sources of *srcdir* (its ``_build`` is kept, to reuse static files)."""
    srcdir.mkdir(parents=True, exist_ok=True)
    for child in srcdir.iterdir():
        if child.name == "_build":
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    (srcdir / "conf.py").write_text(conf, encoding="utf-8")
    for name, text in files.items():
        path = srcdir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8", newline="\n")
    return srcdir


def build(
    srcdir: Path,
    buildername: str = "html",
    *,
    freshenv: bool = True,
    builddir: Path | None = None,
    setup: Callable[[SphinxTestApp], None] | None = None,
    **kwargs: Any,
) -> Built:
    """Build *srcdir* in-process; an exception from the build propagates (a failure).

    *setup* is called with the application before it builds (to connect to events).
    """
    status, warning = io.StringIO(), io.StringIO()
    app = SphinxTestApp(
        buildername,
        srcdir=srcdir,
        builddir=builddir or srcdir / "_build",
        status=status,
        warning=warning,
        freshenv=freshenv,
        **kwargs,
    )
    if setup is not None:
        setup(app)
    try:
        app.build()
    finally:
        app.cleanup()
    return Built(app, warning.getvalue(), status.getvalue())


# -- warnings ------------------------------------------------------------------------------

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_RECORD = re.compile(r"^(?:(?P<location>.*?): )?(?P<level>WARNING|ERROR|SEVERE|CRITICAL): ")
_TYPE = re.compile(r" \[(?P<type>[\w.-]+)\]$")
_LOCATION = re.compile(r"^(?P<file>.+?):(?P<line>\d+)$")
#: docutils errors that come from the user's markup, not from our directives
_USER_MARKUP_ERRORS = (
    "unknown option",
    "no content permitted",
    "argument(s) required",
    "argument(s) allowed",
    "invalid option block",
    "invalid option data",
    "duplicate option",
    # docutils' own :class: option, given nothing or what cannot be a class name; every
    # other option of ours takes any text, so an "invalid option value" there is ours
    'invalid option value: (option: "class"',
    "content block expected",
)
_MYST_OPTION = re.compile(
    r"'(?:ja:)?(?P<name>[\w-]+)': Invalid option value for '(?P<option>[\w-]+)'"
)
_OUR_DIRECTIVE = re.compile(
    r'Error in "(?:ja:)?(?P<name>' + "|".join(map(re.escape, DIRECTIVES)) + r')" directive'
)


@dataclass(frozen=True)
class Record:
    location: str | None
    level: str
    message: str
    type: str | None
    lines: int


def warning_records(text: str) -> list[Record]:
    """The warnings of a build; a line that starts no record continues the one before."""
    records: list[list[str]] = []
    for line in _ANSI.sub("", text).splitlines():
        if _RECORD.match(line) or not records:
            records.append([line])
        else:
            records[-1].append(line)
    result = []
    for lines in records:
        match = _RECORD.match(lines[0])
        if match is None:
            result.append(Record(None, "?", "\n".join(lines), None, len(lines)))
            continue
        whole = "\n".join(lines)
        kind = _TYPE.search(lines[-1])
        message = whole[match.end() :]
        if kind:
            message = message[: -len(kind.group(0))]
        result.append(
            Record(
                match["location"],
                match["level"],
                message,
                kind["type"] if kind else None,
                len(lines),
            )
        )
    return result


def ours(records: list[Record]) -> list[Record]:
    return [r for r in records if r.type and r.type.startswith("jointassessment.")]


def check_warnings(text: str) -> list[Record]:
    """Assert SPEC §5 on every warning of a build; return the ``jointassessment`` ones."""
    # a Python traceback's own first line: the word alone may be text of a hostile block
    # (hypothesis also draws strings from the constants of the code it tests)
    assert "Traceback (most recent call last)" not in text, text
    assert "Exception occurred" not in text, text
    records = warning_records(text)
    for record in records:
        assert record.level != "?", f"a warning without a level: {record.message!r}"
        if record.type and record.type.startswith("jointassessment."):
            code = record.type.split(".", 1)[1]
            assert code in CODES, f"unknown code {code!r}: {record}"
            assert record.lines == 1, f"a warning message over several lines: {record}"
            assert record.location, f"a warning without a location: {record}"
            where = _LOCATION.match(record.location)
            assert where is not None, f"a location without a line: {record}"
            assert int(where["line"]) >= 1, record
        myst = _MYST_OPTION.search(record.message)
        if myst is not None and myst["name"] in DIRECTIVES:
            assert myst["option"] == "class", f"MyST could not read an option of ours: {record}"
        if record.level in ("ERROR", "SEVERE", "CRITICAL"):
            match = _OUR_DIRECTIVE.search(record.message)
            if match is not None:
                assert any(part in record.message for part in _USER_MARKUP_ERRORS), (
                    f"a docutils {record.level} from our directive {match['name']}: {record}"
                )
    return ours(records)


def codes_at(records: list[Record]) -> set[tuple[str, int | None, str]]:
    """(file name, line, code) of each ``jointassessment`` warning."""
    found = set()
    for record in ours(records):
        location = record.location or ""
        where = _LOCATION.match(location)
        name = Path(where["file"] if where else location).name
        line = int(where["line"]) if where else None
        found.add((name, line, record.type.split(".", 1)[1]))  # type: ignore[union-attr]
    return found


# -- html ----------------------------------------------------------------------------------

#: the only inline script Sphinx's basic and alabaster themes write themselves
_THEME_SCRIPT = re.compile(
    r"^\s*document\.getElementById\('searchbox'\)\.style\.display = \"block\"\s*$"
)
#: sphinxcontrib-mermaid's module script on a page with a data-flow diagram: a fixed
#: template filled from configuration, never from page text (checked below)
_MERMAID_SCRIPT = re.compile(
    r'^import mermaid from "https://cdn\.jsdelivr\.net/npm/mermaid@[0-9.]+/'
)
_URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "poster", "data")
_IGNORED_IN_SCHEMES = re.compile(r"[\x00-\x20\x7f-\x9f]")


def scheme_of(url: str) -> str | None:
    """The scheme a browser reads in *url* (controls and spaces dropped), lower case."""
    match = re.match(r"^([A-Za-z][A-Za-z0-9+.\-]*):", _IGNORED_IN_SCHEMES.sub("", url))
    return match.group(1).lower() if match else None


def check_html(html: str, where: str = "page") -> None:
    """No script of ours, no event handler, no ``javascript:``/``data:``... URL."""
    soup = BeautifulSoup(html, "html.parser")
    for script in soup.find_all("script"):
        src = script.get("src")
        if src is not None:
            # the theme's own scripts, from the output folder
            assert scheme_of(src) is None, (where, src)
            assert not src.startswith("//"), (where, src)
            assert not script.string or not script.string.strip(), (where, str(script))
        elif script.get("type") == "module" and _MERMAID_SCRIPT.match(script.string or ""):
            text = script.string.casefold()
            for needle in ("alert(", "<script", "onerror", "javascript:"):
                assert needle not in text, f"{where}: {needle!r} in the Mermaid script"
        else:
            assert _THEME_SCRIPT.match(script.string or ""), f"{where}: {script}"
    body = soup.select_one("div.body") or soup
    for tag in ("iframe", "object", "embed", "frame", "frameset", "applet", "base", "form", "svg"):
        assert body.find(tag) is None, f"{where}: <{tag}> in the page's body"
    for element in soup.find_all(True):
        for name, value in element.attrs.items():
            assert not name.lower().startswith("on"), f"{where}: {name}= on <{element.name}>"
            if name.lower() in _URL_ATTRIBUTES:
                values = value if isinstance(value, list) else [value]
                for url in values:
                    scheme = scheme_of(url)
                    assert scheme is None or scheme in WEB_SCHEMES, f"{where}: {name}={url!r}"
        if element.name == "meta" and element.get("http-equiv", "").lower() == "refresh":
            raise AssertionError(f"{where}: meta refresh")
    lowered = html.lower()
    for needle in ("<script>alert", "<svg", "<img src=x"):
        if needle in lowered:
            # text that only looks like markup is escaped (&lt;...); as markup it is a failure
            raise AssertionError(f"{where}: {needle!r} reached the html unescaped")


# -- the assembled assessment, in-process --------------------------------------------------


def assembled_outputs(app: SphinxTestApp) -> tuple[str, dict[str, Any]]:
    """The Markdown and JSON the ``jointassessment`` builder would write for *app*'s env."""
    from sphinx_jointassessment.builder import assembled_document, assessment_json
    from sphinx_jointassessment.domain import get_domain
    from sphinx_jointassessment.markdown_assessment import AssessmentMarkdown

    env = app.env
    domain = get_domain(env)
    assembling = getattr(domain, "assembling", False)
    domain.assembling = True  # type: ignore[attr-defined]
    try:
        document = assembled_document(env)
        root = next(iter(document.findall(nodes.section)))
        markdown = AssessmentMarkdown.document_markdown(root)
        data = assessment_json(env, root, env.config.root_doc)
    finally:
        domain.assembling = assembling  # type: ignore[attr-defined]
    return markdown, data


# -- Markdown ------------------------------------------------------------------------------

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(?<!\\)(`+)(?!`)(.+?)(?<!`)\1(?!`)")
#: an autolink (``<https://...>``), which is not HTML
_AUTOLINK = re.compile(r"<(?:https?|mailto):[^\s<>]*>")
_HTML_TAG = re.compile(
    r"<(?:[A-Za-z][A-Za-z0-9-]*|/[A-Za-z][A-Za-z0-9-]*|!--|!\[CDATA\[|\?|![A-Z])"
)
_MD_LINK = re.compile(r"(?<!\\)\]\((?P<url>[^)\s]*)")


def prose_lines(markdown: str) -> list[str]:
    """Lines outside fenced code, code spans removed (what a renderer reads as markup)."""
    result = []
    fence: str | None = None
    for line in markdown.split("\n"):
        opening = _FENCE.match(line)
        if fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            continue
        if opening:
            fence = opening.group(1)
            continue
        result.append(_CODE_SPAN.sub("", line))
    return result


def check_markdown(markdown: str, *, render: bool = False) -> None:
    """No raw HTML and no link that is not http, https, mailto or ``#anchor``; UTF-8."""
    markdown.encode("utf-8")  # what the builder writes: a lone surrogate would fail there
    for line in prose_lines(markdown):
        comment = re.fullmatch(r"<!-- (.*) -->", line)
        if comment and linter_comment(comment.group(1)) == comment.group(1):
            continue  # a comment for the CNCF repository's linters, as the writer makes them
        text = _AUTOLINK.sub("", line)
        # an escaped "\<" is text; "&lt;" is text
        found = [m for m in _HTML_TAG.finditer(text) if not text[: m.start()].endswith("\\")]
        assert not found, f"raw HTML in the Markdown: {line!r}"
        for match in _MD_LINK.finditer(line):
            url = match["url"]
            scheme = scheme_of(url)
            assert scheme is None or scheme in WEB_SCHEMES, f"a {scheme}: link: {line!r}"
        for scheme in ("javascript", "vbscript", "data"):
            assert not re.search(rf"<{scheme}:", line, re.IGNORECASE), line
    if render:
        html = render_gfm(markdown)
        if html is not None:
            soup = BeautifulSoup(html, "html.parser")
            assert soup.find("script") is None, "the Markdown renders a <script>"
            for element in soup.find_all(True):
                for name, value in element.attrs.items():
                    assert not name.lower().startswith("on"), f"rendered {name}="
                    if name in ("href", "src"):
                        scheme = scheme_of(str(value))
                        assert scheme is None or scheme in WEB_SCHEMES, f"rendered {name}={value}"


_UNESCAPED_PIPE = re.compile(r"(?<!\\)(?:\\\\)*\|")


def table_cells(line: str) -> int:
    """Number of cells of a GFM table row: unescaped pipes, less one (code spans included:
    GFM splits a row at its pipes before it reads code spans)."""
    return len(_UNESCAPED_PIPE.findall(line)) - 1


def markdown_tables(markdown: str) -> list[list[str]]:
    """The tables of *markdown* (outside code), each a list of its lines."""
    tables: list[list[str]] = []
    current: list[str] | None = None
    fence: str | None = None
    for line in markdown.split("\n"):
        opening = _FENCE.match(line)
        if fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            continue
        if opening:
            fence = opening.group(1)
            current = None
            continue
        if line.startswith("|"):
            if current is None:
                current = []
                tables.append(current)
            current.append(line)
        else:
            current = None
    return tables


def check_tables(markdown: str) -> int:
    """Every row of every table has the header's number of cells; the number of rows."""
    rows = 0
    for table in markdown_tables(markdown):
        assert len(table) >= 2, table
        width = table_cells(table[0])
        assert width >= 1, table[0]
        assert re.fullmatch(r"\|(?: :?-{3,}:? \|)+", table[1]), table[1]
        for row in table:
            assert row.endswith("|"), row
            assert not row.endswith("\\|"), row
            assert table_cells(row) == width, f"{width} columns in the header, not in {row!r}"
            rows += 1
    return rows


# -- JSON ----------------------------------------------------------------------------------

_SCHEMA_CACHE: dict[str, Any] = {}


def check_json(data: dict[str, Any] | str | bytes) -> dict[str, Any]:
    """Valid UTF-8, strict JSON (no NaN), valid against the shipped schema; the data."""
    import jsonschema

    if isinstance(data, bytes):
        data = data.decode("utf-8")  # strict: not UTF-8 fails here
    if isinstance(data, str):
        data = json.loads(data)
    text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    text.encode("utf-8")  # no lone surrogate
    if "validator" not in _SCHEMA_CACHE:
        schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
        validator_class = jsonschema.validators.validator_for(schema)
        validator_class.check_schema(schema)
        _SCHEMA_CACHE["validator"] = validator_class(schema)
    _SCHEMA_CACHE["validator"].validate(data)
    for problem in data["problems"]:
        assert problem["code"] in CODES, problem
        assert re.search(r".:[1-9][0-9]*$", problem["location"]), f"no file:line: {problem}"
    return data
