"""The template's threat tables (victim x attacker grids) as ``threat-matrix`` directives.

The cells are read by :mod:`..threats`; this module decides the matrix's title and
name. The template puts a heading over each table ("Threat Matrix: Infrastructure
Level"), which becomes the matrix's title instead of a heading of its own; two
matrices with one title get distinct names, so that references stay unique.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..mdparse import github_slug, plain_text, unique_slug
from ..model import Matrix
from ..threats import ThreatTableError, looks_like_threat_table, parse_threat_table
from .cells import count_rows
from .kept import keep_table

if TYPE_CHECKING:
    from ..mdparse import Block
    from .state import ImportState


def threat_matrix_table(state: ImportState, block: Block) -> bool:
    """A threat table: a ``threat-matrix`` directive, or the table kept when a cell is unclear."""
    table = state.table_of(block)
    if table is None or not looks_like_threat_table(table):
        return False
    try:
        data = parse_threat_table(table)
    except ThreatTableError as exc:
        state.report.warn(block.lineno, f"threat table not read, kept as a table: {exc}")
        keep_table(state, block, table)
        return True
    title, line = "", block.lineno
    heading = state.take_heading()
    if heading is not None:
        title = plain_text(heading.text)
        state.report.note(heading.line, f"heading {title!r} is the title of a threat matrix")
    if not title:
        title = f"Threat matrix {len(state.matrix_names) + 1}"
        state.report.warn(line, f"threat table without a heading: titled {title!r}")
    name = None
    slug = github_slug(title) or "matrix"
    if slug in state.matrix_names:
        name = unique_slug(slug, state.matrix_names)
        slug = name
    state.matrix_names.add(slug)
    count_rows(state.report, table, mapped=True)
    state.current.directives.append(Matrix(title, name, data, line))
    return True
