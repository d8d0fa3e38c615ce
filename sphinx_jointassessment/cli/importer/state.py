"""What the recognisers share while they read one document, and the recogniser's shape.

A :data:`Recogniser` is a function ``(state, block) -> bool``. It looks at one
block of the source (see :class:`~..mdparse.Block`): when the block is what it
knows (a Findings table, a heading that names an outline section...), it records
what the block becomes in the :class:`ImportState` (a section, a directive,
content, a line of the report) and returns True; otherwise it returns False and
has made nothing, and the next recogniser gets the block. A block no recogniser
takes is kept as content of the current section (:meth:`ImportState.keep`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ...outline import normalize_title
from ..mdparse import Block, GfmTable, parse_blocks, parse_gfm_table, plain_text
from ..model import Item, Section, SubHeading, Threat

if TYPE_CHECKING:
    from markdown_it.token import Token

    from ...outline import Outline, OutlineSection
    from ..model import HandsOn, Metadata, Report, Summary, Team
    from .review import ReviewPart

Recogniser = Callable[["ImportState", Block], bool]


@dataclass(slots=True)
class Catalogue:
    """A threat catalogue being read (see :mod:`.stride`): what comes next belongs to it."""

    #: threat ids taken
    ids: set[str] = field(default_factory=set)
    #: the STRIDE category of the heading or list item read last
    category: str | None = None
    #: the threats of that category: the mitigations written after them answer them all
    of_category: list[Threat] = field(default_factory=list)
    #: the threat whose description or controls the next blocks are, and which of the two
    target: tuple[Threat, str] | None = None
    #: after a "**Threats**:" or "**Mitigations**:" line: what the next list holds
    expect: str | None = None
    #: a list of ``Threat-NN-X`` items was read since the last heading: paragraphs and
    #: lists after it continue the catalogue
    listing: bool = False
    #: categories whose threats a ``threats-table`` already shows where they were written
    shown: set[str] = field(default_factory=set)
    #: the last heading (or bold line) named the STRIDE category: the labelled threats
    #: written under it are of that category (see :mod:`.labelled`)
    under_category: bool = False

    def reset(self) -> None:
        """A heading ends what the blocks before it were continuing."""
        self.target = None
        self.expect = None
        self.listing = False
        self.under_category = False


@dataclass(slots=True)
class Part:
    """Source lines kept as content, made safe once every anchor is known (see ``finish``)."""

    lines: list[str]
    tokens: list[Token]
    start: int  # 0-based source line


@dataclass(slots=True)
class Pending:
    """A section and its content so far: source parts and finished items, in order."""

    section: Section
    parts: list[Part | Item] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class ImportState:
    """Everything the recognisers read and write; one per imported document.

    A recogniser that must remember something across blocks (a Findings id already
    used, a threat-matrix name taken) keeps it here, in a field named for it.
    """

    outline: Outline
    report: Report
    #: from ``--project``, else from an "Assessment of X" heading, else guessed at the end
    project: str | None
    #: what reads the content of a list item that became a section (no heading rules there)
    in_list_item: Sequence[Recogniser] = ()
    #: content before the first outline section first, then one per section started
    pending: list[Pending] = field(default_factory=lambda: [Pending(Section(None, "", 1, 1))])
    sections: list[Section] = field(default_factory=list)
    current_outline: OutlineSection | None = None
    #: outline key -> source line of the section that took it
    used: dict[str, int] = field(default_factory=dict)
    metadata: Metadata | None = None
    hands_on: HandsOn | None = None
    #: the first level-1 heading was taken as the document's title
    title_seen: bool = False
    #: the document's own titles as written (inline Markdown): the first level-1
    #: heading, and a second "Self-assessment of X" under a generic one
    titles: list[str] = field(default_factory=list)
    #: inside a hand-made table of contents (its lines are dropped)
    in_toc: bool = False
    matrix_names: set[str] = field(default_factory=set)
    finding_ids: set[str] = field(default_factory=set)
    catalogue: Catalogue = field(default_factory=Catalogue)
    #: 0-based line where a hand-made table of contents starts (what precedes it may be a
    #: joint assessment's summary, see :mod:`.review`)
    toc_line: int | None = None
    #: the joint review's directives (one each) and the README part being read
    summary: Summary | None = None
    team: Team | None = None
    review_part: ReviewPart | None = None
    #: the document opened with a README's lines ("Completed: ...", "Security reviewers: ..."):
    #: its Summary and recommendation lists are the README's, even after its Background
    readme: bool = False
    _table: tuple[Block, GfmTable] | None = field(default=None, init=False, repr=False)

    @property
    def preamble(self) -> Section:
        return self.pending[0].section

    @property
    def current(self) -> Section:
        """The section content goes to: the last one started, or the preamble."""
        return self.pending[-1].section

    def read(self, blocks: Iterable[Block], recognisers: Sequence[Recogniser]) -> None:
        """Give each block to the first recogniser that takes it; keep it if none does."""
        for block in blocks:
            if not any(recognise(self, block) for recognise in recognisers):
                self.keep(block)

    def table_of(self, block: Block) -> GfmTable | None:
        """The cells of a GitHub ``table`` block (parsed once for all recognisers), else None."""
        if block.kind != "table":
            return None
        if self._table is None or self._table[0] is not block:
            self._table = (block, parse_gfm_table(block))
        return self._table[1]

    def start_section(self, section: OutlineSection, heading: str, line: int, level: int) -> None:
        """From here on content goes to *section*; its level follows the previous one's."""
        previous = self.sections[-1].level if self.sections else 1
        new = Section(section.key, heading, min(section.level, previous + 1), line, level)
        self.sections.append(new)
        self.pending.append(Pending(new))
        self.current_outline = section
        self.used[section.key] = line

    def start_extra(self, key: str, heading: str, line: int, level: int) -> None:
        """From here on content goes to a section of the document's own, after *key*."""
        new = Section(key, heading, 2, line, level, extra=True)
        self.sections.append(new)
        self.pending.append(Pending(new))

    @property
    def mapped(self) -> Section | None:
        """The last section started that is one of the outline's (not an extra one)."""
        return next((s for s in reversed(self.sections) if not s.extra), None)

    def keep(self, block: Block) -> None:
        """Keep *block* as content of the current section (counting rows of nested tables)."""
        if block.kind != "table":  # tables nested in lists or quotes: count their rows
            for empty in _nested_table_rows(block.tokens):
                if empty:
                    self.report.rows_empty += 1
                else:
                    self.report.rows_kept += 1
        self.pending[-1].parts.append(Part(block.lines, block.tokens, block.start))

    def keep_lines(self, lines: list[str], start: int) -> None:
        """Kept lines that are not one parsed block (table rows, list items): parse them."""
        for sub in parse_blocks("\n".join(lines) + "\n", offset=start):
            self.pending[-1].parts.append(Part(sub.lines, sub.tokens, sub.start))

    def add(self, item: Item) -> None:
        self.pending[-1].parts.append(item)

    def take_heading(self, titles: set[str] | None = None) -> SubHeading | None:
        """The kept heading right before a table that a directive replaces, taken out.

        Only a heading among *titles* (normalised) when given. The report then counts
        it as "other" (a directive's title), not as kept content.
        """
        parts = self.pending[-1].parts
        while parts and isinstance(parts[-1], Part) and not any(s.strip() for s in parts[-1].lines):
            parts.pop()
        last = parts[-1] if parts else None
        if not isinstance(last, SubHeading):
            return None
        if titles is not None and normalize_title(plain_text(last.text)) not in titles:
            return None
        parts.pop()
        self.report.headings_kept -= 1
        self.report.headings_other += 1
        return last

    def drop_generated_heading(self, *titles: str) -> None:
        """The heading the builder writes itself above a table it generates ("Findings")."""
        heading = self.take_heading(set(titles))
        if heading is not None:
            self.report.note(
                heading.line,
                f"heading {plain_text(heading.text)!r} is written by the builder with its table",
            )


def _nested_table_rows(tokens: list[Token]) -> list[bool]:
    """For each row of each table in *tokens*: whether it is empty (empty headers left out)."""
    rows: list[bool] = []
    in_head = False
    cells: list[str] = []
    for token in tokens:
        if token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open":
            cells = []
        elif token.type == "inline":
            cells.append(token.content)
        elif token.type == "tr_close":
            empty = not any(cell.strip() for cell in cells)
            if not (empty and in_head):
                rows.append(empty)
    return rows
