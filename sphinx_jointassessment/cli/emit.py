"""Write an :class:`ImportedAssessment` as a Sphinx docs folder in MyST Markdown.

Layout: ``conf.py``; ``index.md`` with the document's title, whatever came
before the first outline section (authors, dates), the toctree and the
``joint-assessment`` (or ``self-assessment``) directive; ``assessment.md`` with
one labelled page section per outline section, holding the source's text and,
as real subsections, the headings that are not outline sections; then one
``assessment-section :from: <label>`` per section, and the imported
``assessment-metadata``, ``threat-matrix`` and ``finding`` blocks.

Why ``:from:`` rather than a directive body: a heading inside a directive body
is either refused or, in MyST, lifted out of the block, taking the text under
it along; a labelled page section keeps its subsections, so the assembled
assessment gets them with their text and their level. Sections are all at one
level on the page, so no outline section is copied into another. One page keeps
every in-document ``#anchor`` link of the source working.

Directive bodies follow SPEC §2: YAML is written by ``yaml.safe_dump`` (so any
cell text reads back the same) and never starts with ``---`` or ``:``, which MyST
would read as options.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import yaml

from .htmltable import escape_markdown
from .mdparse import plain_text
from .model import (
    CellTable,
    CodeBlock,
    Comment,
    Finding,
    HandsOn,
    ImportedAssessment,
    Markdown,
    Matrix,
    Metadata,
    Recommendation,
    Section,
    SubHeading,
    Summary,
    Team,
    Threat,
    ThreatsTable,
    page_title,
    review_text,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .model import Item, Review

ASSESSMENT_DOC = "assessment"
SECTIONS_TITLE = "Outline sections"
SECTIONS_TEXT = (
    "Each section above is one section of the assessment's outline; these blocks say which "
    "(the assembled assessment copies the section, its subsections included)."
)
DATA_TITLE = "Assessment data"
DATA_TEXT = "The imported tables, as data: the assembled assessment places them itself."


def dump_yaml(data: Any) -> list[str]:
    """YAML lines for a directive body: safe, one value per line, never ``---`` or ``:`` first."""
    text = yaml.safe_dump(
        data, sort_keys=False, allow_unicode=True, width=2**31 - 1, default_flow_style=False
    )
    if yaml.safe_load(text) != data:  # Unicode line breaks (U+0085, U+2028...) written raw
        text = yaml.safe_dump(
            data, sort_keys=False, allow_unicode=False, width=2**31 - 1, default_flow_style=False
        )
    lines = text.rstrip("\n").split("\n")
    if lines and (lines[0].startswith(("---", ":")) or not lines[0].strip()):
        lines.insert(0, "# YAML")
    return lines


def conf_py(*, project: str, outline: str, myst: bool) -> str:
    """A ``conf.py`` that builds at once with the ``jointassessment`` builder."""
    extensions = ["myst_parser", "sphinx_jointassessment"] if myst else ["sphinx_jointassessment"]
    lines = [
        '"""Sphinx configuration of a CNCF security assessment (sphinx-jointassessment)."""',
        "",
        f"project = {project!r}",
        f"extensions = {extensions!r}",
        "",
        "# the project's name in the assembled assessment, and the CNCF outline it follows",
        f"jointassessment_project = {project!r}",
        f"jointassessment_outline = {outline!r}",
        "",
        'exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]',
    ]
    if myst:
        lines += [
            "",
            "# every heading gets its GitHub-style anchor, so [text](#anchor) links keep working",
            "myst_heading_anchors = 6",
        ]
    return "\n".join(lines) + "\n"


# -- MyST syntax ---------------------------------------------------------------------------------

_OPTION_PLAIN = re.compile(r"^[A-Za-z0-9][^\n#'\"]*$")


def myst_option(value: str) -> str:
    """An option value MyST's option parser reads back as exactly *value*."""
    value = " ".join(value.split())
    if _OPTION_PLAIN.match(value) and ": " not in value and not value.endswith(":"):
        return value
    return "'" + value.replace("'", "''") + "'"


def _fence_for(lines: list[str], char: str = "`") -> str:
    longest = 2
    for line in lines:
        for run in re.findall(re.escape(char) + "+", line):
            longest = max(longest, len(run))
    return char * (longest + 1)


def guard_markdown(lines: list[str]) -> list[str]:
    """A Markdown body whose first line MyST would read as options, made plain text."""
    lines = list(lines)
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        stripped = line.lstrip()
        if re.fullmatch(r"-{3,}\s*", stripped):
            lines[index] = line[: len(line) - len(stripped)] + "***"
        elif stripped.startswith((":", "---")):
            lines[index] = line[: len(line) - len(stripped)] + "\\" + stripped
        break
    return lines


def myst_directive(
    name: str,
    argument: str = "",
    options: dict[str, str] | None = None,
    body: Sequence[str] = (),
) -> list[str]:
    """A fenced MyST directive; the fence is longer than any backtick run in the body."""
    argument = " ".join(argument.split())
    char = "~" if "`" in argument else "`"
    fence = _fence_for(list(body), char)
    lines = [f"{fence}{{{name}}} {argument}".rstrip()]
    for key, value in (options or {}).items():
        lines.append(f":{key}: {myst_option(value)}" if value else f":{key}:")
    if body:
        if options:
            lines.append("")
        lines.extend(body)
    lines.append(fence)
    return lines


def heading_levels(items: list[Item], parent: int, source: int | None = None) -> dict[int, int]:
    """Levels for the headings kept inside a section: below *parent*, never skipping one.

    Sphinx reads them as real subsections, and both MyST and docutils refuse a
    heading that jumps levels or climbs above the section that contains it. With
    *source*, the level of the section's own heading in the source, each heading
    keeps its depth below it ("## System Design" then "### Identity Provider" under
    a "# Project Design" stay one level apart), whatever level the page gives them.
    """
    levels: dict[int, int] = {}
    previous = parent
    for item in items:
        if isinstance(item, SubHeading):
            wanted = parent + item.level - source if source is not None else item.level
            level = max(parent + 1, min(wanted, previous + 1, 6))
            levels[id(item)] = level
            previous = level
    return levels


def myst_item(item: Item, level: int = 0) -> list[str]:
    if isinstance(item, Markdown):
        return list(item.lines)
    if isinstance(item, SubHeading):
        return ["#" * max(1, min(level or item.level, 6)) + " " + item.text]
    if isinstance(item, CodeBlock):
        fence = _fence_for(item.lines)
        return [f"{fence}{item.language}", *item.lines, fence]
    if isinstance(item, Comment):
        return [f"% {line}".rstrip() for line in item.lines]
    if isinstance(item, ThreatsTable):
        return myst_directive("threats-table", "", threats_table_options(item))
    return myst_list_table(item)


def myst_list_table(table: CellTable) -> list[str]:
    width = max(len(row) for row in table.rows)
    lines: list[str] = []
    for row in table.rows:
        cells = [cell.paragraphs for cell in row] + [[] for _ in range(width - len(row))]
        for index, paragraphs in enumerate(cells):
            prefix = "* - " if index == 0 else "  - "
            if not paragraphs:
                lines.append(prefix.rstrip())
                continue
            lines.append(prefix + paragraphs[0])
            for paragraph in paragraphs[1:]:
                lines += ["", "    " + paragraph]
    options = {"header-rows": str(table.header_rows)} if table.header_rows else {}
    return myst_directive("list-table", "", options, ["", *lines] if not options else lines)


def myst_body(items: list[Item], parent: int, source: int | None = None) -> list[str]:
    levels = heading_levels(items, parent, source)
    lines: list[str] = []
    for item in items:
        if lines:
            lines.append("")
        lines.extend(myst_item(item, levels.get(id(item), 0)))
    return lines


def myst_metadata(metadata: Metadata) -> list[str]:
    body = dump_yaml(metadata.links) if metadata.links else []
    return myst_directive("assessment-metadata", "", metadata.options, body)


def myst_matrix(matrix: Matrix) -> list[str]:
    options = {"name": matrix.name} if matrix.name else {}
    return myst_directive("threat-matrix", matrix.title, options, dump_yaml(matrix.data.as_yaml()))


def hands_on_options(hands_on: HandsOn) -> dict[str, str]:
    options = {"performed": hands_on.performed}
    if hands_on.dates:
        options["dates"] = hands_on.dates
    if hands_on.reviewers:
        options["reviewers"] = hands_on.reviewers
    return options


def myst_finding(finding: Finding) -> list[str]:
    options = {"id": finding.id}
    if finding.reviewer:
        options["reviewer"] = finding.reviewer
    body = guard_markdown(finding.notes.split("\n")) if finding.notes else []
    return myst_directive("finding", finding.name, options, body)


def threats_table_options(table: ThreatsTable) -> dict[str, str]:
    options = {"layout": table.layout}
    if table.stride:
        options["stride"] = table.stride
    return options


def threat_options(threat: Threat) -> dict[str, str]:
    """The options of an imported ``threat``, as its directive writes them."""
    options: dict[str, str] = {}
    if threat.id:
        options["id"] = threat.id
    for name, values in (
        ("stride", threat.stride),
        ("components", threat.components),
        ("references", threat.references),
    ):
        if values:
            options[name] = "; ".join(values)
    return options


def myst_threat(threat: Threat) -> list[str]:
    body = guard_markdown(threat.description) if threat.description else []
    if threat.controls:
        controls = myst_directive("controls", "", None, threat.controls)
        body = [*body, "", *controls] if body else controls
    return myst_directive("threat", threat.title, threat_options(threat), body)


def section_label(section: Section) -> str:
    """The label ``assessment-section :from:`` names: ``src-`` and the heading's anchor."""
    return f"src-{section.slug}" if section.slug else f"src-line-{section.line}"


def myst_section(section: Section) -> list[str]:
    """The section as a page section; its subheadings stay real headings below it."""
    lines = [f"({section_label(section)})=", ""] if section.has_content() else []
    lines += [f"## {section.heading}", ""]
    body = myst_body(section.items, 2, section_source_level(section))
    return [*lines, *body, ""] if body else lines


def section_source_level(section: Section) -> int | None:
    """The level of the section's heading in the source; None for a bold line or list item."""
    return section.source_level if section.source_level < 7 else None


def section_options(section: Section) -> dict[str, str]:
    """The options of the ``assessment-section`` that contributes *section*."""
    if not section.extra:
        return {"from": section_label(section)}
    title = " ".join(plain_text(section.heading).split())
    return {"extra": title, "after": "", "from": section_label(section)}


def myst_data(section: Section) -> list[str]:
    lines: list[str] = []
    for directive in section.directives:
        if isinstance(directive, Metadata):
            lines += myst_metadata(directive)
        elif isinstance(directive, Matrix):
            lines += myst_matrix(directive)
        elif isinstance(directive, HandsOn):
            lines += myst_directive("hands-on-assessment", "", hands_on_options(directive))
        elif isinstance(directive, Threat):
            lines += myst_threat(directive)
        elif isinstance(directive, Finding):
            lines += myst_finding(directive)
        else:
            continue  # the review's directives: on the index page (see myst_review)
        lines.append("")
    return lines


def review_groups(section: Section) -> list[tuple[str, list[Review]]]:
    """The review's directives in order, each run of recommendations under its list's heading."""
    groups: list[tuple[str, list[Review]]] = []
    for directive in section.directives:
        if not isinstance(directive, Summary | Team | Recommendation):
            continue
        heading = directive.group if isinstance(directive, Recommendation) else ""
        if not groups or groups[-1][0] != heading:
            groups.append((heading, []))
        groups[-1][1].append(directive)
    return groups


def myst_review(section: Section) -> list[str]:
    """The joint README's summary, team and recommendations, as they stood in the source."""
    lines: list[str] = []
    for heading, directives in review_groups(section):
        if heading:
            lines += [f"## {heading}", ""]
        for directive in directives:
            text = review_text(directive)
            if text.data is not None:
                body = dump_yaml(text.data)
            else:
                body = guard_markdown(text.markdown.split("\n")) if text.markdown else []
            lines += [*myst_directive(text.name, text.argument, text.options, body), ""]
    return lines


def myst_pages(assessment: ImportedAssessment) -> dict[str, str]:
    """File name -> text of every page."""
    directive = "joint-assessment" if assessment.outline == "joint" else "self-assessment"
    index = [f"# {escape_markdown(_one_line(assessment.title))}", ""]
    # the document's titles and what comes before its first section: the assessment's
    # opening, which the builder writes under the title of the submitted file
    titles = [escape_markdown(_one_line(plain_text(title))) for title in assessment.titles]
    opening = [line for title in titles for line in (title, "")]
    levels = heading_levels(assessment.preamble.items, 1)
    for item in assessment.preamble.items:
        opening += [*myst_item(item, levels.get(id(item), 0)), ""]
    index += myst_review(assessment.preamble)
    index += [
        *myst_directive("toctree", "", {"maxdepth": "2"}, [ASSESSMENT_DOC]),
        "",
        *myst_directive(directive, "", None, guard_markdown(opening[:-1])),
    ]
    page = [f"# {escape_markdown(_one_line(page_title(assessment.title)))}", ""]
    for section in assessment.sections:
        page += myst_section(section)
    written = [section for section in assessment.sections if section.has_content()]
    if written:
        page += [f"## {SECTIONS_TITLE}", "", SECTIONS_TEXT, ""]
        for section in written:
            options = section_options(section)
            page += [*myst_directive("assessment-section", section.key or "", options), ""]
    data = [
        line
        for section in [assessment.preamble, *assessment.sections]
        for line in myst_data(section)
    ]
    if data:
        page += [f"## {DATA_TITLE}", "", DATA_TEXT, "", *data]
    return {
        "index.md": "\n".join(index) + "\n",
        f"{ASSESSMENT_DOC}.md": "\n".join(page).rstrip("\n") + "\n",
    }


def _one_line(text: str) -> str:
    return " ".join(text.split()) or "Assessment"
