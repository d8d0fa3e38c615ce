"""Turn an assessment in the CNCF Markdown layout into an :class:`~..model.ImportedAssessment`.

How a document is read
======================

1. :func:`..mdparse.parse_blocks` cuts the text into top-level blocks (a heading,
   a paragraph, a list, a table, raw HTML...), every source line in one block.
2. Each block is offered to the recognisers of :data:`RECOGNISERS`, in order;
   the first that takes it records what it becomes (a section, a directive, a
   note in the report) and the others never see it. A block that none takes is
   kept as content of the current section (:meth:`.state.ImportState.keep`).
3. :mod:`.finish` then drops the template's fixed text, numbers the anchors and
   makes the kept content safe; the writers (:mod:`..emit`, :mod:`..emit_rst`)
   only lay out the result.

Adding a recogniser (the plug-in point)
=======================================

A new input pattern (a STRIDE threat catalogue, another table layout, a joint
README's summary) is a new module in this package with one function
``recognise(state: ImportState, block: Block) -> bool`` (see :mod:`.state`):
return False and change nothing unless the block is yours; otherwise record the
result in ``state`` (``state.current.directives``, ``state.add``,
``state.report``) and return True. Then put the function into
:data:`RECOGNISERS` before the first one that would otherwise take the block
(for a table: before :func:`.kept.kept_table`, which keeps any table), and into
:data:`IN_LIST_ITEM` too if the pattern can stand inside a list item. Keep checks
that only look (``is_...``) apart from the code that records, and count every
heading and table row in the report, so that nothing is dropped silently
(``tests/test_import_reference.py`` checks the counts on real assessments).

Modules: :mod:`.state` (shared state), :mod:`.title` (title, project, outline),
:mod:`.toc`, :mod:`.sections`, :mod:`.listsections`, :mod:`.handson`,
:mod:`.matrices`, :mod:`.findings`, :mod:`.metadata`, :mod:`.securitylinks`,
:mod:`.stride`, :mod:`.labelled` and :mod:`.lightweight` (threat catalogues),
:mod:`.kept`, :mod:`.html`,
:mod:`.review` (the recognisers), :mod:`.cells` (table cells),
:mod:`.parents` (a container section's content to its first sub-section),
:mod:`.finish`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ...outline import load_outline
from ..mdparse import normalise_text, parse_blocks, plain_text
from ..model import ImportedAssessment, Report
from .findings import FINDINGS_HEADER, findings_table
from .finish import drop_fixed_text, finish
from .handson import details_table, hands_on_sentence
from .html import html_table, raw_html
from .kept import horizontal_rule, kept_table
from .labelled import (
    labelled_threat_list,
    labelled_threat_paragraph,
    stride_bold_line,
    stride_labelled_list,
)
from .lightweight import lightweight_table
from .listsections import list_item_sections
from .matrices import threat_matrix_table
from .metadata import METADATA_FIELDS, metadata_table
from .parents import fill_first_child
from .review import readme_lines, readme_links, review_content, review_heading, summary_before_toc
from .sections import bold_line_section, section_heading, sub_heading
from .securitylinks import security_links_table
from .state import ImportState
from .stride import (
    stride_grid_table,
    stride_heading,
    threat_content,
    threat_heading,
    threat_model_heading,
)
from .title import assessment_of_heading, detect_outline, document_title, first_title, guess_project
from .toc import table_of_contents, toc_heading

if TYPE_CHECKING:
    from .state import Recogniser

__all__ = ["FINDINGS_HEADER", "IN_LIST_ITEM", "METADATA_FIELDS", "RECOGNISERS", "import_markdown"]

#: what reads the content of a list item that became a section: no heading can
#: start a section inside a list item, so headings there stay content
IN_LIST_ITEM: tuple[Recogniser, ...] = (
    hands_on_sentence,
    bold_line_section,
    list_item_sections,
    threat_matrix_table,
    stride_grid_table,
    lightweight_table,
    findings_table,
    details_table,
    metadata_table,
    security_links_table,
    kept_table,
    html_table,
    horizontal_rule,
    raw_html,
)

#: what reads the document's blocks, in order: the first recogniser that takes a block wins
RECOGNISERS: tuple[Recogniser, ...] = (
    threat_content,
    stride_bold_line,
    labelled_threat_list,
    stride_labelled_list,
    labelled_threat_paragraph,
    table_of_contents,
    document_title,
    toc_heading,
    assessment_of_heading,
    threat_heading,
    review_heading,
    readme_lines,
    readme_links,
    review_content,
    section_heading,
    threat_model_heading,
    stride_heading,
    sub_heading,
    *IN_LIST_ITEM,
)


def import_markdown(
    text: str,
    *,
    filename: str,
    source_dir: Path | None = None,
    outline_name: str | None = None,
    project: str | None = None,
    base_url: str | None = None,
) -> ImportedAssessment:
    """Read *text* (the content of *filename*) into an :class:`ImportedAssessment`."""
    blocks = parse_blocks(normalise_text(text))
    title = first_title(blocks)
    outline = load_outline(outline_name or detect_outline(title, Path(filename).name))
    report = Report(Path(filename).name, outline.name, project or "")
    state = ImportState(outline, report, project, in_list_item=IN_LIST_ITEM)
    state.read(blocks, RECOGNISERS)
    summary_before_toc(state)
    if state.project is None:
        state.project = guess_project(title, filename)
        report.note(None, f"project name {state.project!r} guessed (override: --project)")
    report.project = state.project
    shown_title = plain_text(title) if title else outline.document_title(state.project)
    fill_first_child(state)
    drop_fixed_text(state, state.project)
    images = finish(state, shown_title, base_url, source_dir)
    return ImportedAssessment(
        title=shown_title,
        project=state.project,
        outline=outline.name,
        preamble=state.preamble,
        sections=state.sections,
        metadata=state.metadata,
        report=report,
        images=images,
        titles=state.titles,
    )
