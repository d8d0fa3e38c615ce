"""What the importer makes of a Markdown assessment, independent of the output format.

The importer fills an :class:`ImportedAssessment`; the MyST and reStructuredText
writers only lay it out. Keeping the decisions (which heading is which section,
which table becomes which directive) in one place means both formats get the same
document and the same report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .htmltable import HtmlCell
    from .threats import ThreatMatrixData


@dataclass(slots=True)
class Markdown:
    """Source Markdown kept as content (already made safe for MyST)."""

    lines: list[str]
    #: 1-based source line of the first line
    line: int


@dataclass(slots=True)
class SubHeading:
    """A heading that is not an outline section: kept as a heading inside the section."""

    level: int
    #: inline Markdown, as written
    text: str
    line: int
    #: its anchor (what in-document links use)
    slug: str


@dataclass(slots=True)
class CodeBlock:
    """Raw HTML, kept visibly as code so nothing of it is lost and none of it is rendered."""

    lines: list[str]
    language: str
    line: int


@dataclass(slots=True)
class Comment:
    """An HTML comment: kept as a comment of the output format (invisible, as before)."""

    lines: list[str]
    line: int


@dataclass(slots=True)
class CellTable:
    """A table kept as content, as cells of Markdown (from HTML, or to become a list-table)."""

    rows: list[list[HtmlCell]]
    header_rows: int
    line: int


@dataclass(slots=True)
class ThreatsTable:
    """Where a table of threats stood: a ``threats-table`` in that layout, made from them."""

    layout: str
    line: int
    #: only the threats of this STRIDE category (``spoofing``), or all
    stride: str = ""


Item = Markdown | SubHeading | CodeBlock | Comment | CellTable | ThreatsTable


@dataclass(slots=True)
class Metadata:
    """The ``assessment-metadata`` block: options and "Doc: URL" security links."""

    options: dict[str, str] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)
    line: int = 0


@dataclass(slots=True)
class Matrix:
    title: str
    name: str | None
    data: ThreatMatrixData
    line: int


@dataclass(slots=True)
class Finding:
    id: str
    name: str
    reviewer: str
    notes: str
    line: int


@dataclass(slots=True)
class Threat:
    """A ``threat`` of a STRIDE catalogue or a lightweight threat table."""

    title: str
    line: int
    id: str = ""
    #: STRIDE keywords (``spoofing``...)
    stride: list[str] = field(default_factory=list)
    components: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    #: Markdown lines of the description and of the ``controls`` block, as written
    description: list[str] = field(default_factory=list)
    controls: list[str] = field(default_factory=list)


@dataclass(slots=True)
class HandsOn:
    """The ``hands-on-assessment`` block: the template's sentence and Assessment Details."""

    performed: str
    dates: str = ""
    reviewers: str = ""
    line: int = 0


@dataclass(slots=True)
class Summary:
    """The ``assessment-summary``: a joint README's facts, and the reviewers' verdict."""

    #: ``YYYY-MM-DD``
    completed: str = ""
    tracking_issue: str = ""
    website: str = ""
    #: the verdict: Markdown (made safe with the rest of the content)
    body: str = ""
    line: int = 0


@dataclass(slots=True)
class Team:
    """The ``assessment-team``: role key -> people as written (``Name @handle``)."""

    roles: dict[str, list[str]] = field(default_factory=dict)
    line: int = 0


@dataclass(slots=True)
class Recommendation:
    """One ``recommendation`` of a joint README's lists."""

    title: str
    audience: str
    #: Markdown (made safe with the rest of the content)
    body: str
    addressed_by: list[str]
    line: int
    #: the heading of the list it came from, kept above the directives on the page
    group: str = ""
    #: a severity the text states ("(SEVERITY: Medium)"), lower case; the text keeps it too
    severity: str = ""


Review = Summary | Team | Recommendation
Directive = Matrix | Finding | Metadata | HandsOn | Threat | Summary | Team | Recommendation


@dataclass(frozen=True, slots=True)
class DirectiveText:
    """A review directive as both writers lay it out: name, argument, options and body."""

    name: str
    argument: str
    options: dict[str, str]
    #: a Markdown body (converted for rST), or None
    markdown: str | None = None
    #: a YAML body (the same in both formats), or None
    data: Any = None


def review_text(directive: Review) -> DirectiveText:
    """What a summary, a team or a recommendation is written as, in either format."""
    if isinstance(directive, Summary):
        options = {
            key: value
            for key, value in (
                ("completed", directive.completed),
                ("tracking-issue", directive.tracking_issue),
                ("website", directive.website),
            )
            if value
        }
        return DirectiveText("assessment-summary", "", options, directive.body or None)
    if isinstance(directive, Team):
        return DirectiveText("assessment-team", "", {}, data=directive.roles)
    options = {"audience": directive.audience}
    if directive.severity:
        options["severity"] = directive.severity
    if directive.addressed_by:
        options["addressed-by"] = " ".join(directive.addressed_by)
    return DirectiveText("recommendation", directive.title, options, directive.body or None)


@dataclass(slots=True)
class Section:
    """One outline section (or the preamble, ``key=None``) and what goes into it."""

    key: str | None
    #: heading as written in the source (inline Markdown); the outline title if none
    heading: str
    #: level of the heading on the generated page (consecutive, page title is 1)
    level: int
    line: int
    #: level of the heading in the source (99 for a bold line or list item), for matching
    source_level: int = 99
    #: the heading's anchor on the page
    slug: str = ""
    items: list[Item] = field(default_factory=list)
    directives: list[Directive] = field(default_factory=list)
    #: a section of the document's own that the outline lacks, placed after *key* at its
    #: level (``assessment-section KEY :extra: HEADING :after:``)
    extra: bool = False

    def has_content(self) -> bool:
        return any(
            not isinstance(item, Markdown) or any(line.strip() for line in item.lines)
            for item in self.items
        )


@dataclass(slots=True)
class Report:
    """What happened to each heading and table row, so nothing is dropped silently."""

    source: str
    outline: str
    project: str
    headings_mapped: int = 0
    headings_kept: int = 0
    #: the title, matrix titles, table-of-contents headings (counted, not kept as content)
    headings_other: int = 0
    rows_mapped: int = 0
    rows_kept: int = 0
    rows_empty: int = 0
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def warn(self, line: int | None, message: str) -> None:
        self.warnings.append(f"line {line}: {message}" if line else message)

    def note(self, line: int | None, message: str) -> None:
        self.notes.append(f"line {line}: {message}" if line else message)

    def summary(self) -> str:
        return (
            f"headings: {self.headings_mapped} mapped to outline sections, "
            f"{self.headings_kept} kept as content, {self.headings_other} other "
            f"(title, matrix titles, table of contents); "
            f"table rows: {self.rows_mapped} mapped to directives, "
            f"{self.rows_kept} kept as content, {self.rows_empty} empty"
        )

    def render(self) -> str:
        lines = [f"{self.source}: outline {self.outline}, project {self.project!r}"]
        lines.append("  " + self.summary())
        lines.extend(f"  note: {note}" for note in self.notes)
        lines.extend(f"  warning: {warning}" for warning in self.warnings)
        return "\n".join(lines)


def page_title(title: str) -> str:
    """Title of the page that holds the imported sections.

    Here because both sides need it: the importer computes the anchors of that
    page's headings (the page title takes the first), the writers write it.
    """
    return f"{title}: sections"


@dataclass(slots=True)
class ImportedAssessment:
    title: str
    project: str
    outline: str
    #: content before the first outline section (authors, dates...): the opening of the
    #: ``joint-assessment`` block, shown under the title and before the table of contents
    preamble: Section
    sections: list[Section]
    metadata: Metadata | None
    report: Report
    #: local images to copy beside the pages: (source file, path relative to the pages)
    images: list[tuple[str, str]] = field(default_factory=list)
    #: the document's own titles as written (inline Markdown), the first lines of its opening
    titles: list[str] = field(default_factory=list)
