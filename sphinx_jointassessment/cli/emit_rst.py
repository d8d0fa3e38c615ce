"""Write an :class:`ImportedAssessment` as reStructuredText pages (``--format rst``).

The same layout as :mod:`.emit` (``index.rst`` and ``assessment.rst``); the kept
Markdown goes through :mod:`.rstconv`. Headings get an explicit label
``src-<anchor>`` so that the source's ``[text](#anchor)`` links, converted to
``:ref:`` roles, keep pointing at them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .emit import (
    ASSESSMENT_DOC,
    DATA_TEXT,
    DATA_TITLE,
    SECTIONS_TEXT,
    SECTIONS_TITLE,
    dump_yaml,
    hands_on_options,
    heading_levels,
    review_groups,
    section_label,
    section_options,
    section_source_level,
    threat_options,
    threats_table_options,
)
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
    Section,
    SubHeading,
    Threat,
    ThreatsTable,
    page_title,
    review_text,
)
from .rst import escape, guard_body, rst_directive, rst_heading
from .rstconv import RstContext, convert, flush_substitutions, inline, list_table

if TYPE_CHECKING:
    from .model import Item


def _inline_text(markdown: str, context: RstContext) -> str:
    """Inline Markdown (a heading, a cell) as one line of inline rST."""
    from markdown_it.tree import SyntaxTreeNode

    from .mdparse import markdown_parser

    tokens = markdown_parser().parseInline(markdown)
    if not tokens:
        return ""
    return inline(SyntaxTreeNode(tokens).children[0], context)


def _heading(markdown: str, level: int, slug: str, context: RstContext) -> list[str]:
    text = re.sub(r"\|img-\d+\|", "", _inline_text(markdown, context))
    context.substitutions.clear()  # an image in a title is left out: a title holds text
    label = [f".. _{context.label_prefix}{slug}:", ""] if slug else []
    return [*label, *rst_heading(text, level), ""]


def rst_item(item: Item, level: int, context: RstContext) -> list[str]:
    before = len(context.substitutions)
    return _rst_item(item, level, context) + flush_substitutions(context, before)


def _rst_item(item: Item, level: int, context: RstContext) -> list[str]:
    if isinstance(item, Markdown):
        return convert("\n".join(item.lines) + "\n", context)
    if isinstance(item, SubHeading):
        return _heading(item.text, level, item.slug, context)[:-1]
    if isinstance(item, CodeBlock):
        return rst_directive("code-block", item.language, None, item.lines)
    if isinstance(item, Comment):
        return ["..", *("   " + line for line in item.lines)]
    if isinstance(item, ThreatsTable):
        return rst_directive("threats-table", "", threats_table_options(item))
    return _cell_table(item, context)


def _cell_table(table: CellTable, context: RstContext) -> list[str]:
    rows = [
        [" ".join(_inline_text(p, context) for p in cell.paragraphs) for cell in row]
        for row in table.rows
    ]
    return list_table(rows, table.header_rows)


def rst_body(
    items: list[Item], parent: int, context: RstContext, source: int | None = None
) -> list[str]:
    levels = heading_levels(items, parent, source)
    lines: list[str] = []
    for item in items:
        if lines:
            lines.append("")
        lines += rst_item(item, levels.get(id(item), 0), context)
    return lines


def rst_section(section: Section, context: RstContext) -> list[str]:
    lines = _heading(section.heading, 2, section.slug, context)
    if section.has_content() and not section.slug:
        lines = [f".. _{section_label(section)}:", "", *lines]
    body = rst_body(section.items, 2, context, section_source_level(section))
    return [*lines, *body, ""] if body else lines


def rst_data(section: Section, context: RstContext) -> list[str]:
    lines: list[str] = []
    for directive in section.directives:
        if isinstance(directive, Metadata):
            body = dump_yaml(directive.links) if directive.links else []
            lines += rst_directive("assessment-metadata", "", directive.options, body)
        elif isinstance(directive, Matrix):
            options = {"name": directive.name} if directive.name else {}
            lines += rst_directive(
                "threat-matrix", directive.title, options, dump_yaml(directive.data.as_yaml())
            )
        elif isinstance(directive, HandsOn):
            lines += rst_directive("hands-on-assessment", "", hands_on_options(directive))
        elif isinstance(directive, Threat):
            lines += _threat(directive, context)
        elif isinstance(directive, Finding):
            lines += _finding(directive, context)
        else:
            continue  # the review's directives: on the index page (see rst_review)
        lines.append("")
    return lines


def rst_review(section: Section, context: RstContext) -> list[str]:
    """The joint README's summary, team and recommendations, as they stood in the source."""
    lines: list[str] = []
    for heading, directives in review_groups(section):
        if heading:
            lines += [*_heading(heading, 2, "", context), ""]
        for directive in directives:
            text = review_text(directive)
            if text.data is not None:
                body = dump_yaml(text.data)
            else:
                body = guard_body(convert(text.markdown + "\n", context)) if text.markdown else []
            lines += [*rst_directive(text.name, text.argument, text.options, body), ""]
    return lines


def _finding(finding: Finding, context: RstContext) -> list[str]:
    options = {"id": finding.id}
    if finding.reviewer:
        options["reviewer"] = finding.reviewer
    body = guard_body(convert(finding.notes + "\n", context)) if finding.notes else []
    return rst_directive("finding", finding.name, options, body)


def _threat(threat: Threat, context: RstContext) -> list[str]:
    body = guard_body(convert("\n".join(threat.description) + "\n", context))
    body = body if threat.description else []
    if threat.controls:
        controls = rst_directive(
            "controls", "", None, convert("\n".join(threat.controls) + "\n", context)
        )
        body = [*body, "", *controls] if body else controls
    return rst_directive("threat", threat.title, threat_options(threat), body)


def rst_pages(assessment: ImportedAssessment) -> dict[str, str]:
    """File name -> text of every page."""
    directive = "joint-assessment" if assessment.outline == "joint" else "self-assessment"
    context = RstContext(label_prefix="src-index-")
    index = [*rst_heading(escape(assessment.title), 1), ""]
    # the document's titles and what comes before its first section: the assessment's
    # opening, which the builder writes under the title of the submitted file
    titles = [escape(" ".join(plain_text(title).split())) for title in assessment.titles]
    opening = [line for title in titles for line in (title, "")]
    levels = heading_levels(assessment.preamble.items, 1)
    for item in assessment.preamble.items:
        opening += [*rst_item(item, levels.get(id(item), 0), context), ""]
    index += rst_review(assessment.preamble, context)
    index += [
        *rst_directive("toctree", "", {"maxdepth": "2"}, [ASSESSMENT_DOC]),
        "",
        *rst_directive(directive, "", None, opening),
    ]
    context = RstContext()
    page = [*rst_heading(escape(page_title(assessment.title)), 1), ""]
    for section in assessment.sections:
        page += rst_section(section, context)
    written = [section for section in assessment.sections if section.has_content()]
    if written:
        page += [*rst_heading(SECTIONS_TITLE, 2), "", SECTIONS_TEXT, ""]
        for section in written:
            options = section_options(section)
            page += [*rst_directive("assessment-section", section.key or "", options), ""]
    data = [
        line
        for section in [assessment.preamble, *assessment.sections]
        for line in rst_data(section, context)
    ]
    if data:
        page += [*rst_heading(DATA_TITLE, 2), "", DATA_TEXT, "", *data]
    return {
        "index.rst": "\n".join(index) + "\n",
        f"{ASSESSMENT_DOC}.rst": "\n".join(page).rstrip("\n") + "\n",
    }
