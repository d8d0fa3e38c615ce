"""Turn an assessment in the CNCF Markdown layout into an :class:`ImportedAssessment`.

The decisions live here, the layout in :mod:`.emit`: which heading is which
outline section (:meth:`Outline.match_title`, with a few rules so that a stray
"Goals" deep inside another section does not steal ``overview.goals``), which
table is the Metadata, the Security links, a threat matrix or the Findings, and
where everything else goes. Everything that is not recognised is kept as
content of the section it appears in; everything that is dropped or changed is
counted or named in the :class:`Report`.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..outline import Outline, OutlineSection, load_outline, normalize_title
from .htmltable import HtmlCell, parse_html_table, text_outside_cells
from .mdparse import (
    Block,
    GfmTable,
    TableRow,
    bold_line_title,
    github_slug,
    normalise_text,
    parse_blocks,
    parse_gfm_table,
    plain_text,
    slug_source_text,
    unique_slug,
)
from .model import (
    CellTable,
    CodeBlock,
    Comment,
    Finding,
    HandsOn,
    ImportedAssessment,
    Item,
    Markdown,
    Matrix,
    Metadata,
    Report,
    Section,
    SubHeading,
)
from .sanitize import LinkContext, sanitize_lines
from .threats import ThreatTableError, looks_like_threat_table, parse_threat_table, unescape_cell

if TYPE_CHECKING:
    from markdown_it.token import Token

#: metadata rows (normalised first cell) -> ``assessment-metadata`` option
METADATA_FIELDS = {
    "software": "software",
    "security provider": "security-provider",
    "languages": "languages",
    "language": "languages",
    "language(s)": "languages",
    "sbom": "sbom",
    "assessment stage": "stage",
}
STAGES = ("incomplete", "complete", "obsolete")
FINDINGS_HEADER = ("finding number", "finding name", "finding notes", "reviewer")
DETAILS_FIELDS = {"date of assessment": "dates", "hands on reviewers": "reviewers"}
_HANDS_ON_SENTENCE = re.compile(
    r"^\s*(\*\*|__)?(?P<project>.+?)\s+(?P<did>did/did not|did not|did)\s+receive\s+a\s+"
    r"hands[\s-]*(?:on[\s-]*)?assessment\s+from\s+TAG[\s-]Security\.?\s*(\*\*|__)?\s*$",
    re.IGNORECASE,
)
_TOC_TITLES = {"table of contents", "contents", "toc"}
_ASSESSMENT_OF = re.compile(
    r"^(?:cncf\s+)?(?:joint|self)[\s-]*assessment\s+(?:of|for)\s+(?P<project>.+)$",
    re.IGNORECASE,
)
_TITLE_NOISE = re.compile(
    r"\b(?:cncf|tag-security|tag security|security|joint[\s-]*assessment|self[\s-]*assessment|"
    r"assessment|project|outline|for|of|the)\b",
    re.IGNORECASE,
)
_MARKER = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>[-*+]|\d{1,9}[.)])(?P<space>[ \t]+|$)")
_LEADS = (
    re.compile(r"^(?P<lead>(\*\*|__)(?P<t>[^*_]+?)\2)\s*[.:]?(?:\s+|$)"),
    re.compile(r"^(?P<lead>(?P<t>\[[^\]]+\]\([^)\s]*\)))\s*[.:]?(?:\s+|$)"),
    re.compile(r"^(?P<lead>(?P<t>[^.:\n]{1,80}?)[.:])(?:\s+|$)"),
)
_LINK_ONLY = re.compile(r"^\[(?P<text>[^\]]*)\]\((?P<url>[^)\s]+)\)$|^<(?P<auto>[a-z]+:[^>\s]+)>$")
_DASH_ROW = re.compile(r"^:?-+:?$")


@dataclass(slots=True)
class _Part:
    """Source lines kept as content, made safe once every anchor is known."""

    lines: list[str]
    tokens: list[Token]
    start: int  # 0-based source line


@dataclass(slots=True)
class _Pending:
    section: Section
    parts: list[_Part | Item] = field(default_factory=list)


def detect_outline(title: str, filename: str) -> str:
    """``joint`` when the title or file name says so, else ``self`` (the usual case)."""
    return "joint" if "joint" in f"{title} {filename}".casefold() else "self"


def guess_project(title: str, filename: str) -> str:
    """The project's name from the title ("Harbor Project Self Assessment") or the file name."""
    text = plain_text(title) if title else ""
    match = _ASSESSMENT_OF.match(text.strip())
    if match:
        return match["project"].strip()
    text = " ".join(_TITLE_NOISE.sub(" ", text).split()).strip(" -:|")
    if text:
        return text
    stem = Path(filename).stem
    if "template" in stem.casefold():
        return "[Project]"
    if "__" in stem:
        return stem.split("__")[0]
    parent = Path(filename).resolve().parent.name if "assessment" in stem.casefold() else stem
    return parent or "[Project]"


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
    text = normalise_text(text)
    return _Importer(text, filename, source_dir, outline_name, project, base_url).run()


class _Importer:
    def __init__(
        self,
        text: str,
        filename: str,
        source_dir: Path | None,
        outline_name: str | None,
        project: str | None,
        base_url: str | None,
    ) -> None:
        self.blocks = parse_blocks(text)
        self.filename = filename
        self.source_dir = source_dir
        self.base_url = base_url
        first_h1 = next((b for b in self.blocks if b.kind == "heading" and b.level == 1), None)
        self.title = first_h1.title if first_h1 else ""
        name = outline_name or detect_outline(self.title, Path(filename).name)
        self.outline: Outline = load_outline(name)
        self.project = project
        self.report = Report(Path(filename).name, self.outline.name, project or "")
        self.preamble = Section(None, "", 1, 1)
        self.sections: list[Section] = []
        self.pending: dict[int, _Pending] = {id(self.preamble): _Pending(self.preamble)}
        self.current = self.preamble
        self.current_outline: OutlineSection | None = None
        self.used: dict[str, int] = {}
        self.metadata: Metadata | None = None
        self.title_seen = False
        self.in_toc = False
        self.matrix_names: set[str] = set()
        self.hands_on: HandsOn | None = None
        self.finding_ids: set[str] = set()

    # -- driver -----------------------------------------------------------------------------

    def run(self) -> ImportedAssessment:
        self.process(self.blocks)
        if self.project is None:
            self.project = guess_project(self.title, self.filename)
            self.report.note(None, f"project name {self.project!r} guessed (override: --project)")
        self.report.project = self.project
        title = plain_text(self.title) if self.title else self.outline.document_title(self.project)
        self._drop_fixed_text()
        images = self._finish(title)
        return ImportedAssessment(
            title=title,
            project=self.project,
            outline=self.outline.name,
            preamble=self.preamble,
            sections=self.sections,
            metadata=self.metadata,
            report=self.report,
            images=images,
        )

    def process(self, blocks: list[Block]) -> None:
        for block in blocks:
            if self.in_toc:
                if block.kind in {"list", "blank"} or (
                    block.kind == "html" and block.text.lstrip().startswith("<!--")
                ):
                    if block.kind != "blank":
                        self.report.note(
                            block.lineno,
                            f"table of contents dropped ({len(block.lines)} lines): "
                            "the builder writes its own",
                        )
                    continue
                self.in_toc = False
            if not self.sections and _is_toc(block):
                self.in_toc = True
                self.report.note(
                    block.lineno,
                    f"table of contents dropped ({len(block.lines)} lines): "
                    "the builder writes its own",
                )
                continue
            handler = getattr(self, f"on_{block.kind}", None)
            if handler is None:
                self.keep(block)
            else:
                handler(block)

    # -- sections ---------------------------------------------------------------------------

    def _eligible(
        self, section: OutlineSection | None, *, strict: bool, level: int | None = None
    ) -> OutlineSection | None:
        if section is None or not section.contributable or section.key in self.used:
            return None
        current = self.current_outline
        parent = section.parent_key if self.outline.get(section.parent_key or "") else None
        if strict:
            if current is not None and parent == current.key:
                return section
            if parent is None and (current is None or self._index(section) > self._index(current)):
                return section
            return None
        if current is None or parent is None:
            return section
        if section.key.split(".")[0] == current.key.split(".")[0] or parent not in self.used:
            return section
        if level is not None and level <= self.current.source_level:
            return section
        return None

    def _index(self, section: OutlineSection) -> int:
        return self.outline.sections.index(section)

    def start_section(self, section: OutlineSection, heading: str, line: int, level: int) -> None:
        previous = self.sections[-1].level if self.sections else 1
        new = Section(section.key, heading, min(section.level, previous + 1), line, level)
        self.sections.append(new)
        self.pending[id(new)] = _Pending(new)
        self.current = new
        self.current_outline = section
        self.used[section.key] = line

    def on_heading(self, block: Block) -> None:
        text = block.title
        plain = plain_text(text)
        if block.level == 1 and not self.title_seen and not self.sections:
            self.title_seen = True
            self.report.headings_other += 1
            return
        if normalize_title(plain) in _TOC_TITLES:
            self.in_toc = True
            self.report.headings_other += 1
            return
        match = _ASSESSMENT_OF.match(plain.strip())
        if match and not self.sections:
            if self.project is None:
                self.project = match["project"].strip()
            self.report.headings_other += 1
            self.report.note(block.lineno, f"heading {plain!r} is the assessment's title")
            return
        section = self._eligible(self.outline.match_title(plain), strict=False, level=block.level)
        if section is not None:
            self.report.headings_mapped += 1
            if normalize_title(plain) != normalize_title(section.title):
                self.report.note(
                    block.lineno, f"heading {plain!r} is section {section.key} ({section.title!r})"
                )
            self.start_section(section, text, block.lineno, block.level)
            return
        found = self.outline.match_title(plain)
        if found is not None and found.key in self.used:
            inside = self.current.key or "the preamble"
            self.report.warn(
                block.lineno,
                f"heading {plain!r} names section {found.key} again (first at line "
                f"{self.used[found.key]}): kept as a heading inside {inside}",
            )
        self.report.headings_kept += 1
        self.add(SubHeading(block.level, text, block.lineno, ""))

    def on_paragraph(self, block: Block) -> None:
        sentence = _HANDS_ON_SENTENCE.match(" ".join(block.lines))
        if sentence is not None and self.hands_on is None:
            did = sentence["did"].casefold()
            if did != "did/did not":
                self.hands_on = HandsOn("no" if did == "did not" else "yes", line=block.lineno)
                self.current.directives.append(self.hands_on)
                self.report.note(
                    block.lineno,
                    f"hands-on statement is performed: {self.hands_on.performed} "
                    "(the builder writes the sentence)",
                )
                return
        title = bold_line_title(block)
        if title is not None:
            section = self._eligible(self.outline.match_title(title), strict=True)
            if section is not None:
                self.report.headings_mapped += 1
                self.report.note(block.lineno, f"bold line {title!r} is section {section.key}")
                heading = block.lines[0].strip()
                self.start_section(section, heading, block.lineno, 99)
                return
        self.keep(block)

    def on_list(self, block: Block) -> None:
        """A list whose items start "Critical. ...": each such item is its own section."""
        items = [t for t in block.tokens if t.type == "list_item_open" and t.level == 1]
        splits: list[tuple[int, OutlineSection, str]] = []
        for index, item in enumerate(items):
            if item.map is None:
                return self.keep(block)
            first = block.lines[item.map[0] - block.start]
            marker = _MARKER.match(first)
            if marker is None:
                return self.keep(block)
            rest = first[marker.end() :]
            lead = next((m for m in (r.match(rest) for r in _LEADS) if m is not None), None)
            one_line = item.map[1] - item.map[0] <= 2 and len(rest.strip()) <= 80
            title = plain_text(lead["t"]) if lead else (rest.strip() if one_line else "")
            current = self.current_outline
            section = self.outline.match_title(title) if title else None
            if (
                section is not None
                and current is not None
                and section.parent_key == current.key
                and section.key not in self.used
                and section.contributable
                and all(section.key != s.key for _i, s, _t in splits)
            ):
                splits.append((index, section, lead["lead"] if lead else rest.strip()))
        if not splits:
            return self.keep(block)
        bounds = [item.map[0] - block.start for item in items if item.map] + [len(block.lines)]
        first_split = splits[0][0]
        if first_split:  # items before the first named one stay in the parent, as a list
            self.keep_lines(block.lines[: bounds[first_split]], block.start)
        by_index = {index: (section, lead) for index, section, lead in splits}
        for index in range(first_split, len(items)):
            lines = block.lines[bounds[index] : bounds[index + 1]]
            if index not in by_index:
                self.keep_lines(lines, block.start + bounds[index])
                continue
            section, lead_text = by_index[index]
            self.report.note(
                block.start + bounds[index] + 1,
                f"list item {plain_text(lead_text)!r} is section {section.key}",
            )
            self.start_section(section, section.title, block.start + bounds[index] + 1, 99)
            content = _item_content(lines, lead_text)
            offset = block.start + bounds[index]
            for sub in parse_blocks("\n".join(content) + "\n"):
                sub.start += offset
                sub.end += offset
                _shift_tokens(sub.tokens, offset)
                handler = getattr(self, f"on_{sub.kind}", None)
                if handler is None or sub.kind == "heading":
                    self.keep(sub)
                else:
                    handler(sub)
        return None

    # -- tables -----------------------------------------------------------------------------

    def on_table(self, block: Block) -> None:
        table = parse_gfm_table(block)
        header = [_norm_cell(cell) for cell in table.header.cells]
        if looks_like_threat_table(table):
            self.threat_table(block, table)
        elif tuple(header[:4]) == FINDINGS_HEADER and len(header) == 4:
            self.findings_table(block, table)
        elif self._details_table(table):
            self.details_table(table)
        elif self._metadata_table(table):
            self.metadata_table(block, table)
        elif len(header) == 2 and header[0] == "doc" and header[1] in {"url", "link", "links"}:
            self.links_table(block, table)
        else:
            self.keep_table(block, table)

    def threat_table(self, block: Block, table: GfmTable) -> None:
        try:
            data = parse_threat_table(table)
        except ThreatTableError as exc:
            self.report.warn(block.lineno, f"threat table not read, kept as a table: {exc}")
            self.keep_table(block, table)
            return
        title, line = "", block.lineno
        heading = self._take_heading()
        if heading is not None:
            title = plain_text(heading.text)
            self.report.note(heading.line, f"heading {title!r} is the title of a threat matrix")
        if not title:
            title = f"Threat matrix {len(self.matrix_names) + 1}"
            self.report.warn(line, f"threat table without a heading: titled {title!r}")
        name = None
        slug = github_slug(title) or "matrix"
        if slug in self.matrix_names:
            name = unique_slug(slug, self.matrix_names)
            slug = name
        self.matrix_names.add(slug)
        self.count_rows(table, mapped=True)
        self.current.directives.append(Matrix(title, name, data, line))

    def _take_heading(self, titles: set[str] | None = None) -> SubHeading | None:
        """The kept heading right before a table that a directive replaces, taken out."""
        pending = self.pending[id(self.current)].parts
        while (
            pending
            and isinstance(pending[-1], _Part)
            and not any(s.strip() for s in pending[-1].lines)
        ):
            pending.pop()
        last = pending[-1] if pending else None
        if not isinstance(last, SubHeading):
            return None
        if titles is not None and normalize_title(plain_text(last.text)) not in titles:
            return None
        pending.pop()
        self.report.headings_kept -= 1
        self.report.headings_other += 1
        return last

    def _generated_heading(self, *titles: str) -> None:
        heading = self._take_heading(set(titles))
        if heading is not None:
            self.report.note(
                heading.line,
                f"heading {plain_text(heading.text)!r} is written by the builder with its table",
            )

    def findings_table(self, block: Block, table: GfmTable) -> None:
        self._generated_heading("findings")
        self.report.rows_mapped += 1  # the header
        for row in table.rows:
            cells = [unescape_cell(cell) for cell in row.cells]
            if not any(cells):
                self.report.rows_empty += 1
                continue
            cells += [""] * (4 - len(cells))
            number, name, notes, reviewer = cells[:4]
            if any(cells[4:]):
                notes = " ".join([notes, *[c for c in cells[4:] if c]])
                self.report.warn(row.line + 1, "finding row has extra cells: added to the notes")
            finding_id = number.strip() or f"row-{row.line + 1}"
            if finding_id in self.finding_ids:
                finding_id = unique_slug(f"{finding_id}-line-{row.line + 1}", self.finding_ids)
                self.report.warn(row.line + 1, f"finding number repeated: id {finding_id!r}")
            elif not number.strip():
                self.report.warn(row.line + 1, f"finding without a number: id {finding_id!r}")
            self.finding_ids.add(finding_id)
            if not name.strip():
                name = f"Finding {finding_id}"
                self.report.warn(row.line + 1, f"finding without a name: named {name!r}")
            self.report.rows_mapped += 1
            self.current.directives.append(
                Finding(finding_id, name.strip(), reviewer.strip(), notes.strip(), row.line + 1)
            )

    def _details_table(self, table: GfmTable) -> bool:
        """The Assessment Details table, once the hands-on statement said yes or no."""
        if table.width != 2:
            return False
        keys = {_norm_cell(row.cells[0]) for row in table.rows if row.cells}
        if not keys or not keys <= set(DETAILS_FIELDS) | {""}:
            return False
        if self.hands_on is None:
            dates = [
                r.cells[1] for r in table.rows if _norm_cell(r.cells[0]) == "date of assessment"
            ]
            if not any(re.fullmatch(r"\s*\d{8}\s*-\s*\d{8}\s*", d) for d in dates):
                return False  # no statement and no real dates: nothing to say it was performed
            self.hands_on = HandsOn("yes", line=table.header.line + 1)
            self.current.directives.append(self.hands_on)
        return not (self.hands_on.dates or self.hands_on.reviewers)

    def details_table(self, table: GfmTable) -> None:
        assert self.hands_on is not None
        self._generated_heading("assessment details")
        self.report.rows_mapped += 1 if any(table.header.cells) else 0
        for row in table.rows:
            cells = [unescape_cell(cell) for cell in row.cells] + [""]
            field = DETAILS_FIELDS.get(_norm_cell(cells[0]))
            if field is None or not cells[1].strip():
                self.report.rows_empty += 1
                continue
            value = " ".join(cells[1].split())
            if field == "reviewers":
                value = value.replace(";", ",") if "(" in value or "@" in value else value
            setattr(self.hands_on, field, value)
            self.report.rows_mapped += 1

    def _metadata_table(self, table: GfmTable) -> bool:
        if self.metadata is not None and self.metadata.options:
            return False
        if self.current.key not in {None, "metadata"} or table.width > 3:
            return False
        rows = [table.header, *table.rows]
        return any(_norm_cell(row.cells[0]) in METADATA_FIELDS for row in rows if row.cells)

    def _get_metadata(self, line: int) -> Metadata:
        if self.metadata is None:
            self.metadata = Metadata(line=line)
            self.current.directives.append(self.metadata)
        return self.metadata

    def metadata_table(self, block: Block, table: GfmTable) -> None:
        metadata = self._get_metadata(block.lineno)
        rows = [table.header, *table.rows] if any(table.header.cells) else table.rows
        kept: list[TableRow] = []
        last: str | None = None
        for row in rows:
            cells = [unescape_cell(cell) for cell in row.cells] + ["", ""]
            key, value = _norm_cell(cells[0]), " ".join(c for c in cells[1:] if c).strip()
            if not key and not value:
                self.report.rows_empty += 1
                continue
            if _DASH_ROW.match(cells[0].strip()) and _DASH_ROW.match(cells[1].strip() or "-"):
                self.report.rows_empty += 1
                self.report.note(row.line + 1, "row of dashes in a table ignored")
                continue
            option = METADATA_FIELDS.get(key) if key else last
            if option is None:
                kept.append(row)
                self.report.rows_kept += 1
                last = None
                continue
            mapped, keep = self.set_option(metadata, option, value, row.line + 1, continued=not key)
            if keep:
                kept.append(row)
            if mapped:
                self.report.rows_mapped += 1
            elif keep:
                self.report.rows_kept += 1
            else:
                self.report.rows_empty += 1
            last = option
        if kept:
            header_kept = table.header in kept
            head = block.lines[0] if header_kept else "|" + "  |" * table.width
            body = [block.lines[r.line - block.start] for r in kept if r is not table.header]
            self.keep_lines([head, block.lines[1], *body], block.start)

    def set_option(
        self, metadata: Metadata, option: str, value: str, line: int, *, continued: bool
    ) -> tuple[bool, bool]:
        """Set one metadata option: (whether it was set, whether to keep the row as content).

        Options get only what the directive accepts (yes/no, a stage, one URL);
        when the cell says more, the whole row is kept as content too, so no
        word of it is lost and the option stays valid.
        """
        value = " ".join(value.split())
        if continued and option in metadata.options:
            self.report.note(line, f"metadata {option}: continuation row kept as content")
            return False, True
        if not value:
            return False, False
        keep = False
        if option == "security-provider":
            answer = re.match(
                r"^\W*(yes|no)(?:\W*$|[.,;:!)\u2013\u2014-]\s*(?P<rest>.*)$)", value, re.IGNORECASE
            )
            if answer is None:
                return False, self._keep_row(option, value, line, "not yes or no")
            keep = bool(answer["rest"])
            value = answer.group(1).lower()
        elif option == "stage":
            if value.casefold().strip(" .") not in STAGES:
                return False, self._keep_row(
                    option, value, line, "not incomplete, complete or obsolete"
                )
            value = value.casefold().strip(" .")
        elif option in {"software", "sbom"}:
            urls = _urls(value)
            if not urls:
                return False, self._keep_row(option, value, line, "no link in it")
            keep = value.strip() not in {urls[0], f"<{urls[0]}>"} and not _LINK_ONLY.match(value)
            value = urls[0]
        if option in metadata.options:
            return False, self._keep_row(option, value, line, "given twice")
        metadata.options[option] = value
        if keep:
            self.report.note(line, f"metadata {option}: the cell says more; row kept as content")
        return True, keep

    def _keep_row(self, option: str, value: str, line: int, why: str) -> bool:
        self.report.warn(line, f"metadata {option} {value[:60]!r}: {why}; row kept as content")
        return True

    def _url_of(self, value: str, line: int) -> str:
        link = _LINK_ONLY.match(value.strip())
        if link is None:
            return value
        url = link["url"] or link["auto"]
        text = link["text"]
        if text and plain_text(text) not in {url, ""}:
            self.report.note(line, f"link text {plain_text(text)!r} replaced by its URL {url}")
        return str(url)

    def links_table(self, block: Block, table: GfmTable) -> None:
        if self.current.key not in {None, "metadata", "metadata.security-links"} or (
            self.metadata is not None and self.metadata.links
        ):
            self.keep_table(block, table)
            return
        metadata = self._get_metadata(block.lineno)
        self.report.rows_mapped += 1
        kept: list[TableRow] = []
        for row in table.rows:
            cells = [unescape_cell(cell) for cell in row.cells] + ["", ""]
            doc, url = cells[0].strip(), " ".join(c for c in cells[1:] if c).strip()
            if not doc and not url:
                self.report.rows_empty += 1
                continue
            if _DASH_ROW.match(doc) and _DASH_ROW.match(url or "-"):
                self.report.rows_empty += 1
                self.report.note(row.line + 1, "row of dashes in a table ignored")
                continue
            urls = _urls(url)
            if (
                not doc
                or len(urls) != 1
                or (
                    url.strip() not in {urls[0], f"<{urls[0]}>"}
                    and not _LINK_ONLY.match(url.strip())
                )
            ):
                self.report.note(row.line + 1, f"security link {doc!r} is not one URL: row kept")
                kept.append(row)
                continue
            name = doc
            number = 2
            while name in metadata.links:
                name = f"{doc} ({number})"
                number += 1
            if name != doc:
                self.report.warn(row.line + 1, f"security link {doc!r} repeated: named {name!r}")
            metadata.links[name] = self._url_of(url, row.line + 1)
            self.report.rows_mapped += 1
        if kept:
            self.report.rows_kept += len(kept)
            self.keep_lines(
                [
                    block.lines[0],
                    block.lines[1],
                    *(block.lines[r.line - block.start] for r in kept),
                ],
                block.start,
            )

    def keep_table(self, block: Block, table: GfmTable) -> None:
        self.count_rows(table, mapped=False)
        widest = max((len(row.cells) for row in table.rows), default=0)
        extra = [
            row
            for row in table.rows
            if len(row.cells) > table.width and any(row.cells[table.width :])
        ]
        if not extra:
            self.keep(block)
            return
        self.report.warn(
            block.lineno,
            f"table rows with more cells than its {table.width} columns: "
            f"widened to {widest} so no cell is lost",
        )
        add = widest - table.width
        header = block.lines[0].rstrip()
        header = (header if header.endswith("|") else header + " |") + "  |" * add
        delimiter = block.lines[1].rstrip()
        delimiter = (delimiter if delimiter.endswith("|") else delimiter + " |") + " --- |" * add
        self.keep_lines([header, delimiter, *block.lines[2:]], block.start)

    def count_rows(self, table: GfmTable, *, mapped: bool) -> None:
        for row in [table.header, *table.rows]:
            if not any(cell.strip() for cell in row.cells):
                if row is not table.header:
                    self.report.rows_empty += 1
            elif mapped:
                self.report.rows_mapped += 1
            else:
                self.report.rows_kept += 1

    def on_html_table(self, block: Block) -> None:
        rows = parse_html_table(block.text)
        outside = text_outside_cells(block.text)
        if not rows:
            self.on_html(block)
            return
        if outside:
            self.report.warn(
                block.lineno, f"text outside the HTML table's cells: HTML kept as code: {outside!r}"
            )
            self.add(CodeBlock(block.lines, "html", block.lineno))
            return
        kept: list[list[HtmlCell]] = []
        metadata_ok = (
            self.current.key in {None, "metadata"}
            and (self.metadata is None or not self.metadata.options)
            and any(row and _norm_cell(row[0].inline) in METADATA_FIELDS for row in rows)
        )
        metadata = self._get_metadata(block.lineno) if metadata_ok else None
        for row in rows:
            if not any(cell.paragraphs for cell in row):
                self.report.rows_empty += 1
                continue
            key = _norm_cell(row[0].inline) if row else ""
            option = METADATA_FIELDS.get(key)
            if metadata is not None and option is not None and len(row) >= 2:
                value = " ".join(cell.inline for cell in row[1:])
                mapped, keep = self.set_option(
                    metadata, option, value, block.lineno, continued=False
                )
                if keep:
                    kept.append(row)
                if mapped:
                    self.report.rows_mapped += 1
                else:
                    self.report.rows_kept += 1
            else:
                kept.append(row)
                self.report.rows_kept += 1
        if kept:
            header_rows = 1 if kept and all(cell.header for cell in kept[0]) else 0
            self.add(CellTable(kept, header_rows, block.lineno))

    # -- everything else ----------------------------------------------------------------------

    def on_hr(self, block: Block) -> None:
        """A horizontal rule: not allowed inside a section's content (docutils), and no text."""
        self.report.note(block.lineno, "horizontal rule dropped (it holds no text)")

    def on_html(self, block: Block) -> None:
        text = block.text.strip()
        if re.fullmatch(r"(?s)(\s*<!--.*?-->\s*)+", text):
            self.add(Comment(block.lines, block.lineno))
            return
        self.report.note(block.lineno, "raw HTML kept as a code block (it is never rendered)")
        self.add(CodeBlock(block.lines, "html", block.lineno))

    def keep(self, block: Block) -> None:
        if block.kind != "table":  # tables nested in lists or quotes: count their rows
            for empty in _nested_table_rows(block.tokens):
                if empty:
                    self.report.rows_empty += 1
                else:
                    self.report.rows_kept += 1
        self.pending[id(self.current)].parts.append(_Part(block.lines, block.tokens, block.start))

    def keep_lines(self, lines: list[str], start: int) -> None:
        """Kept lines that are not one parsed block (table rows, list items): parse them."""
        for sub in parse_blocks("\n".join(lines) + "\n"):
            _shift_tokens(sub.tokens, start)
            self.pending[id(self.current)].parts.append(
                _Part(sub.lines, sub.tokens, sub.start + start)
            )

    def add(self, item: Item) -> None:
        self.pending[id(self.current)].parts.append(item)

    # -- finishing ----------------------------------------------------------------------------

    def _drop_fixed_text(self) -> None:
        """Content equal to an outline section's fixed text: the builder writes that text."""
        assert self.project is not None
        for section in self.sections:
            outline_section = self.outline.get(section.key or "")
            if outline_section is None or outline_section.text is None:
                continue
            parts = self.pending[id(section)].parts
            if not all(isinstance(p, _Part) for p in parts):
                continue
            body = " ".join(" ".join(p.lines) for p in parts if isinstance(p, _Part))
            fixed = outline_section.render_text("[project]") or ""
            if _similar(body, fixed, self.project):
                self.report.note(
                    section.line,
                    f"content of {section.key} is the template's fixed text, which the "
                    "builder writes itself: not copied",
                )
                parts.clear()

    def _finish(self, title: str) -> list[tuple[str, str]]:
        """Anchors first (links must name existing headings), then safe Markdown items.

        Anchors are numbered per page in the order MyST meets the headings: the
        page title, then each section's heading and the headings inside it.
        """
        index_slugs = {github_slug(title)} - {""}
        page_slugs = {github_slug(page_title(title))} - {""}
        for item in self.pending[id(self.preamble)].parts:
            if isinstance(item, SubHeading):
                item.slug = _add_slug(item.text, index_slugs)
        for section in self.sections:
            section.slug = _add_slug(section.heading, page_slugs)
            for item in self.pending[id(section)].parts:
                if isinstance(item, SubHeading):
                    item.slug = _add_slug(item.text, page_slugs)
        images: list[tuple[str, str]] = []
        for pending in self.pending.values():
            slugs = index_slugs if pending.section is self.preamble else page_slugs
            context = LinkContext(slugs, self.base_url, self.source_dir, self.report)
            items: list[Item] = []
            for part in pending.parts:
                if not isinstance(part, _Part):
                    items.append(part)
                    continue
                lines = sanitize_lines(part.lines, part.tokens, part.start, context)
                if items and isinstance(items[-1], Markdown):
                    items[-1].lines.extend(lines)
                else:
                    items.append(Markdown(list(lines), part.start + 1))
            for item in items:
                if isinstance(item, Markdown):
                    while item.lines and not item.lines[-1].strip():
                        item.lines.pop()
                    while item.lines and not item.lines[0].strip():
                        item.lines.pop(0)
            for item in items:
                if isinstance(item, CellTable):
                    for row in item.rows:
                        for cell in row:
                            cell.paragraphs = [
                                " ".join(sanitize_text(p, item.line - 1, context))
                                for p in cell.paragraphs
                            ]
            pending.section.items = [
                item for item in items if not isinstance(item, Markdown) or item.lines
            ]
            images.extend(context.images)
            for directive in pending.section.directives:
                if isinstance(directive, Finding) and directive.notes:
                    directive.notes = "\n".join(
                        sanitize_text(directive.notes, directive.line - 1, context)
                    )
        return images


def page_title(title: str) -> str:
    """Title of the page that holds the imported sections."""
    return f"{title}: sections"


def _add_slug(heading: str, slugs: set[str]) -> str:
    slug = github_slug(slug_source_text(heading))
    if not slug:
        return ""
    slug = unique_slug(slug, slugs)
    slugs.add(slug)
    return slug


def sanitize_text(text: str, start: int, context: LinkContext) -> list[str]:
    """Markdown that is not one block of the source (a table cell), made safe the same way."""
    lines: list[str] = []
    for block in parse_blocks(text + "\n"):
        lines.extend(sanitize_lines(block.lines, block.tokens, start, context))
    return lines


_TOC_COMMENT = re.compile(r"^\s*<!--\s*(?:TOC|table of contents)\b", re.IGNORECASE)


def _is_toc(block: Block) -> bool:
    """A hand-made table of contents: a "TOC" comment, or a list of nothing but #links."""
    if block.kind == "html":
        return bool(_TOC_COMMENT.match(block.text))
    if block.kind != "list":
        return False
    links = 0
    for token in block.tokens:
        for child in token.children or ():
            if child.type == "link_open":
                if not str(child.attrGet("href") or "").startswith("#"):
                    return False
                links += 1
            elif child.type == "text" and child.content.strip() and not _in_link(token, child):
                return False
    return links >= 3


def _in_link(inline: Token, child: Token) -> bool:
    depth = 0
    for token in inline.children or ():
        if token is child:
            return depth > 0
        if token.type == "link_open":
            depth += 1
        elif token.type == "link_close":
            depth -= 1
    return False


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
        elif token.type == "inline" and cells is not None:
            cells.append(token.content)
        elif token.type == "tr_close":
            empty = not any(cell.strip() for cell in cells)
            if not (empty and in_head):
                rows.append(empty)
    return rows


def _shift_tokens(tokens: list[Token], offset: int) -> None:
    for token in tokens:
        if token.map is not None:
            token.map = [token.map[0] + offset, token.map[1] + offset]


_URL = re.compile(r"""(?:\]\(|<|^|(?<=[\s(]))(?P<url>(?:https?|mailto):[^\s<>()\[\]]+)""")


def _urls(text: str) -> list[str]:
    """The http(s)/mailto URLs a cell names, in order, without trailing punctuation."""
    found: list[str] = []
    for match in _URL.finditer(text.replace("\\", "")):
        url = match["url"].rstrip(".,;:!?*_'\"")
        if url not in found:
            found.append(url)
    return found


def _norm_cell(cell: str) -> str:
    return normalize_title(plain_text(cell)) if cell.strip() else ""


def _item_content(lines: list[str], lead: str) -> list[str]:
    """A list item's lines without its marker and lead phrase, unindented."""
    first = lines[0]
    marker = _MARKER.match(first)
    assert marker is not None
    indent = len(marker.group(0).expandtabs(4))
    rest = first[marker.end() :]
    rest = rest[rest.find(lead) + len(lead) :] if lead in rest else rest
    rest = re.sub(r"^\s*[.:]?\s*", "", rest)
    content = [rest] if rest.strip() else []
    for line in lines[1:]:
        expanded = line.expandtabs(4)
        if expanded[:indent].strip():
            content.append(expanded.lstrip())  # a lazy continuation line
        else:
            content.append(expanded[indent:])
    return content


def _words(text: str) -> list[str]:
    text = re.sub(r"\]\([^)]*\)", "]", text)
    return re.findall(r"[a-z0-9]+", text.casefold())


def _similar(body: str, fixed: str, project: str) -> bool:
    if not body.strip():
        return False
    words = _words(body.replace(project, "[project]"))
    expected = _words(fixed)
    return difflib.SequenceMatcher(None, words, expected, autojunk=False).ratio() >= 0.9
