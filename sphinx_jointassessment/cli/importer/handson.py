"""The joint template's hands-on statement and Assessment Details table: ``hands-on-assessment``.

The template says "[Project] did/did not receive a hands-on assessment from TAG
Security." and, when it did, gives a two-row table (Date of assessment, Hands on
reviewers). The builder writes that sentence and table from the directive's
options, so a filled-in sentence and table become the options; the unfilled
template sentence ("did/did not") is left as content.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..mdparse import unescape_cell
from ..model import HandsOn
from .cells import norm_cell

if TYPE_CHECKING:
    from ..mdparse import Block, GfmTable
    from .state import ImportState

DETAILS_FIELDS = {"date of assessment": "dates", "hands on reviewers": "reviewers"}
_HANDS_ON_SENTENCE = re.compile(
    r"^\s*(\*\*|__)?(?P<project>.+?)\s+(?P<did>did/did not|did not|did)\s+receive\s+a\s+"
    r"hands[\s-]*(?:on[\s-]*)?assessment\s+from\s+TAG[\s-]Security\.?\s*(\*\*|__)?\s*$",
    re.IGNORECASE,
)
_DATES = re.compile(r"\s*\d{8}\s*-\s*\d{8}\s*")


def hands_on_sentence(state: ImportState, block: Block) -> bool:
    """The filled-in sentence "X did (not) receive a hands-on assessment...", the first one."""
    if block.kind != "paragraph" or state.hands_on is not None:
        return False
    sentence = _HANDS_ON_SENTENCE.match(" ".join(block.lines))
    if sentence is None or sentence["did"].casefold() == "did/did not":
        return False
    performed = "no" if sentence["did"].casefold() == "did not" else "yes"
    state.hands_on = HandsOn(performed, line=block.lineno)
    state.current.directives.append(state.hands_on)
    state.report.note(
        block.lineno,
        f"hands-on statement is performed: {performed} (the builder writes the sentence)",
    )
    return True


def is_details_table(state: ImportState, table: GfmTable) -> bool:
    """The Assessment Details table, not yet read, when the assessment is known to be done.

    Done means: the sentence said "did" or "did not", or, without a sentence, the
    table gives real dates ("20230101 - 20230301"); a template's empty table says
    nothing about it and stays content.
    """
    if table.width != 2:
        return False
    keys = {norm_cell(row.cells[0]) for row in table.rows if row.cells}
    if not keys or not keys <= set(DETAILS_FIELDS) | {""}:
        return False
    if state.hands_on is None:
        dates = [r.cells[1] for r in table.rows if norm_cell(r.cells[0]) == "date of assessment"]
        return any(_DATES.fullmatch(d) for d in dates)
    return not (state.hands_on.dates or state.hands_on.reviewers)


def details_table(state: ImportState, block: Block) -> bool:
    """The Assessment Details table: its dates and reviewers become the directive's options."""
    table = state.table_of(block)
    if table is None or not is_details_table(state, table):
        return False
    if state.hands_on is None:  # no sentence, but real dates: it was performed
        state.hands_on = HandsOn("yes", line=table.header.line + 1)
        state.current.directives.append(state.hands_on)
    state.drop_generated_heading("assessment details")
    state.report.rows_mapped += 1 if any(table.header.cells) else 0
    for row in table.rows:
        cells = [unescape_cell(cell) for cell in row.cells] + [""]
        field = DETAILS_FIELDS.get(norm_cell(cells[0]))
        if field is None or not cells[1].strip():
            state.report.rows_empty += 1
            continue
        value = " ".join(cells[1].split())
        if field == "reviewers":
            value = value.replace(";", ",") if "(" in value or "@" in value else value
        setattr(state.hands_on, field, value)
        state.report.rows_mapped += 1
    return True
