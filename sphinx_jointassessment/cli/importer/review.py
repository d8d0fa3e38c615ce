"""A joint review's outcome: the README's summary, team and recommendations, and the opening text.

A joint review is delivered as a README in the CNCF layout
(``joint-readme-template.md``), which the published joint assessments follow:

* lines at the top, "Completed: 01 07 2025", "Security reviewers: Name @handle,
  ...", "Project security lead: ...", "Project team: ...", the "Source code" and
  "Web site" list, and "Tracking issue: <url>" at the end: the facts of
  ``assessment-summary`` and the people of ``assessment-team``;
* a "Summary" heading, whose text is the reviewers' verdict (``assessment-summary``);
* "CNCF recommendations", "Project recommendations", "Additional recommendations"
  (or "Suggestions to the project team" and the like), each a list whose items are
  ``recommendation`` blocks of that audience, an "Addressed in <link>" sub-item
  giving ``:addressed-by:``.

An assessment that opens with text before its table of contents has that text as
its summary (:func:`summary_before_toc`). Only before the first outline section and
with the joint outline: elsewhere such lines and headings are the assessment's
content. What is taken stays on the index page, as directives, under the headings
it had.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...finding import SEVERITIES
from ...outline import normalize_title
from ..mdparse import plain_text
from ..model import Recommendation, Summary, Team
from .listsections import LIST_MARKER, item_content
from .metadata import get_metadata
from .state import Part

if TYPE_CHECKING:
    from ..mdparse import Block
    from .state import ImportState

#: the README's lines, by their label (normalised): what each fills
TEAM_LABELS = {
    "security reviewers": "reviewers",
    "reviewers": "reviewers",
    "lead reviewer": "lead-reviewer",
    "lead security reviewer": "lead-reviewer",
    "facilitator": "facilitator",
    "project security lead": "project-security-lead",
    "project security leads": "project-security-lead",
    "project team": "project-team",
}
_LINE = re.compile(r"^\s*(?P<label>[A-Za-z][A-Za-z ]{2,40}?)\s*:\s*(?P<value>.*\S)\s*$")
_LINK_LINE = re.compile(r"^\s*[-*+]\s*(?P<label>source code|web ?site)\s*:\s*(?P<value>.+)$", re.I)
_URL = re.compile(r"https?://[^\s<>()\]\[]+")
_PEOPLE_SPLIT = re.compile(r"\s*(?:,|;|\band\b)\s*")
_AUDIENCE_HEADING = re.compile(
    r"^(?:(?P<before>cncf|project|additional|other)\s+)?(?:recommendations?|suggestions?)"
    r"(?:\s+(?:to|for)\s+(?:the\s+)?(?P<after>cncf|project|toc)(?:\s+team)?"
    r"(?:\s*(?:/|and)\s*(?:the\s+)?toc)?)?$"
)
_AUDIENCES = {
    "cncf": "cncf",
    "toc": "cncf",  # "Suggestions to CNCF / TOC": the TOC is the CNCF's
    "project": "project",
    "additional": "additional",
    "other": "additional",
}
#: "Control recommendation (SEVERITY: Medium)", "[Severity: high]": a severity stated in the text
_SEVERITY = re.compile(r"[(\[]\s*severity\s*:\s*(?P<severity>[A-Za-z]+)\s*[)\]]", re.IGNORECASE)
#: a hard line break in a list item's first paragraph: ``<br>``, ``<br/>``
_HARD_BREAK = re.compile(r"\s*<br\s*/?>\s*", re.IGNORECASE)
_ADDRESSED = re.compile(r"^\s*addressed\s+(?:in|by)\s*:?\s*(?P<links>.+)$", re.IGNORECASE)
_MONTHS = {
    name: number
    for number, names in enumerate(
        (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")),
        start=1,
    )
    for name in names
}  # fmt: skip


@dataclass(slots=True)
class ReviewPart:
    """Where the reader is in a README: under "Summary", or under a recommendations list."""

    kind: str  # "summary" or "recommendations"
    level: int
    audience: str | None = None
    heading: str = ""


# -- the lines at the top ----------------------------------------------------------------------


def parse_completed(text: str) -> str | None:
    """``YYYY-MM-DD`` from the README's date: ISO, "01 07 2025" (day first, as the template's
    "dd MMM yyyy"), "29 Jan 2025", "January 29, 2025"; ``None`` when it is none of them."""
    text = plain_text(text).strip().rstrip(".")
    day = month = year = None
    if match := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
        year, month, day = (int(g) for g in match.groups())
    elif match := re.fullmatch(r"(\d{1,2})[ ./-]+(\d{1,2})[ ./-]+(\d{4})", text):
        day, month, year = (int(g) for g in match.groups())
    elif match := re.fullmatch(r"(\d{1,2})\s+([A-Za-z]+)\.?,?\s+(\d{4})", text):
        day, month, year = int(match[1]), _MONTHS.get(match[2].casefold()), int(match[3])
    elif match := re.fullmatch(r"([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})", text):
        month, day, year = _MONTHS.get(match[1].casefold()), int(match[2]), int(match[3])
    if day is None or month is None or year is None:
        return None
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


def people(text: str) -> list[str]:
    """``Justin Cappos @JustinCappos, Marina Moore @mnm678, and Victor Lu @victorjunlu``."""
    return [person for person in _PEOPLE_SPLIT.split(plain_text(text)) if person.strip()]


def _readme_lines(block: Block) -> tuple[list[tuple[str, str]], list[int]] | None:
    """(label, value) of the README lines of a paragraph, and the indexes of its other lines.

    None unless the paragraph opens with a README line ("Completed: ...").
    """
    if block.kind != "paragraph":
        return None
    found: list[tuple[str, str]] = []
    others: list[int] = []
    for index, line in enumerate(block.lines):
        if not line.strip():
            continue
        match = _LINE.match(line)
        label = " ".join(match["label"].casefold().split()) if match else ""
        if label in TEAM_LABELS or label in ("completed", "tracking issue"):
            found.append((label, match["value"] if match else ""))
        elif not found:
            return None
        else:
            others.append(index)
    return (found, others) if found else None


def _in_readme_part(state: ImportState) -> bool:
    """Before the first outline section of a joint assessment; anywhere in a README (the
    template puts Background and Maturity, overview sections, before the Summary)."""
    return state.outline.name == "joint" and (state.readme or not state.sections)


def readme_lines(state: ImportState, block: Block) -> bool:
    """ "Completed: ...", "Security reviewers: ...", "Tracking issue: ..." lines at the top."""
    if not _in_readme_part(state):
        return False
    parsed = _readme_lines(block)
    if parsed is None:
        return False
    lines, others = parsed
    values = dict(lines)
    completed = values.get("completed")
    date = parse_completed(completed) if completed is not None else None
    tracking = _URL.search(values.get("tracking issue", ""))
    if (completed is not None and date is None) or ("tracking issue" in values and not tracking):
        return False  # kept as written: a value the directives cannot hold
    if any(_is_guidance(value) for _label, value in lines):
        return False  # the template's guidance, kept as written (the placeholder check sees it)
    state.readme = True
    summary = summary_of(state, block.lineno)
    if date is not None:
        summary.completed = date
    if tracking is not None:
        summary.tracking_issue = tracking.group(0)
    roles = [(TEAM_LABELS[label], value) for label, value in lines if label in TEAM_LABELS]
    if roles:
        team = team_of(state, block.lineno)
        for role, value in roles:
            team.roles.setdefault(role, []).extend(people(value))
    for index in others:  # "Tracking project board: ..." and the like: kept as written
        state.keep_lines([block.lines[index]], block.start + index)
    state.report.note(block.lineno, "README lines: taken into assessment-summary and -team")
    return True


def _is_guidance(value: str) -> bool:
    """``_list names and github handles as appropriate_``: the template's words, in italics."""
    return re.fullmatch(r"\s*(_|\*)(?!\1)[^_*]+\1\s*", value) is not None


def readme_links(state: ImportState, block: Block) -> bool:
    """The README's list "* Source code: <url>", "* Web site: <url>"."""
    if not _in_readme_part(state) or block.kind != "list":
        return False
    urls: dict[str, str] = {}
    for line in block.lines:
        if not line.strip():
            continue
        match = _LINK_LINE.match(line)
        url = _URL.search(match["value"]) if match else None
        if match is None or url is None:
            return False
        urls[match["label"].casefold().replace(" ", "")] = url.group(0)
    if "website" in urls:
        summary_of(state, block.lineno).website = urls["website"]
    if "sourcecode" in urls:
        get_metadata(state, block.lineno).options.setdefault("software", urls["sourcecode"])
    state.report.note(block.lineno, "README links: source code and web site taken")
    return True


# -- headings and what follows them ----------------------------------------------------------


def audience_of(heading: str) -> tuple[bool, str | None]:
    """Whether *heading* names a list of recommendations, and for whom (None: not said)."""
    match = _AUDIENCE_HEADING.match(normalize_title(plain_text(heading)))
    if match is None:
        return False, None
    word = match["before"] or match["after"]
    return True, _AUDIENCES.get(word) if word else None


def review_heading(state: ImportState, block: Block) -> bool:
    """ "Summary", "Recommendations", "CNCF recommendations"...: the README's parts."""
    if block.kind != "heading":
        return False
    part = state.review_part
    if part is not None and block.level <= part.level and not _is_review_heading(block):
        state.review_part = None
    if not _in_readme_part(state) or not _is_review_heading(block):
        return False
    title = normalize_title(plain_text(block.title))
    if title == "summary":
        summary_of(state, block.lineno)
        state.review_part = ReviewPart("summary", block.level)
    else:
        _is, audience = audience_of(block.title)
        outer = part.level if part is not None and part.kind == "recommendations" else None
        level = outer if outer is not None and outer < block.level else block.level
        state.review_part = ReviewPart("recommendations", level, audience, block.title)
    state.report.headings_mapped += 1
    return True


def _is_review_heading(block: Block) -> bool:
    return normalize_title(plain_text(block.title)) == "summary" or audience_of(block.title)[0]


def review_content(state: ImportState, block: Block) -> bool:
    """The blocks under "Summary" (the verdict) and the lists under a recommendations heading."""
    part = state.review_part
    if part is None or block.kind in ("heading", "blank") or not _in_readme_part(state):
        return False
    if part.kind == "summary":
        summary = summary_of(state, block.lineno)
        summary.body = "\n".join([summary.body, "", *block.lines]).strip("\n")
        return True
    if block.kind != "list":
        return False
    audience = part.audience or "project"
    for lines, offset in _items(block):
        if not plain_text("\n".join(lines)).strip(" \n*-+.0123456789"):
            continue  # an empty item (the template's "*")
        recommendation = _recommendation(lines, offset + 1, audience, part.heading)
        state.preamble.directives.append(recommendation)
    return True


def _items(block: Block) -> list[tuple[list[str], int]]:
    items = [t for t in block.tokens if t.type == "list_item_open" and t.level == 1 and t.map]
    bounds = [t.map[0] - block.start for t in items if t.map] + [len(block.lines)]
    return [
        (block.lines[bounds[i] : bounds[i + 1]], block.start + bounds[i]) for i in range(len(items))
    ]


def _recommendation(lines: list[str], line: int, audience: str, heading: str) -> Recommendation:
    """One list item: its text, less the "Addressed in" sub-items, which give the links."""
    marker = LIST_MARKER.match(lines[0])
    lead = lines[0][marker.end() :] if marker else lines[0]
    content = item_content(lines, lead) if marker else lines
    first = lead.strip()
    kept: list[str] = []
    addressed: list[str] = []
    for text in content:
        sub = LIST_MARKER.match(text)
        addressed_match = _ADDRESSED.match(text[sub.end() :]) if sub else None
        urls = _URL.findall(addressed_match["links"]) if addressed_match else []
        if urls:
            addressed.extend(urls)
        else:
            kept.append(text)
    paragraphs = "\n".join([first, *kept]).strip().split("\n\n", 1)
    # a hard line break ends the title: what follows it (a reply, a sub-point) is the text
    head, *after = _HARD_BREAK.split(paragraphs[0], maxsplit=1)
    if after and head.strip():
        paragraphs = [head, "\n\n".join(part.strip() for part in [after[0], *paragraphs[1:]])]
    title = " ".join(paragraphs[0].split())
    body = paragraphs[1].strip() if len(paragraphs) > 1 else ""
    if plain_text(title) != title:  # markup in it: the text keeps it, the title is plain
        body = "\n".join([first, *kept]).strip()
        title = _first_sentence(plain_text(title))
    stated = _SEVERITY.search(first)
    severity = stated["severity"].casefold() if stated else ""
    return Recommendation(
        title,
        audience,
        body,
        list(dict.fromkeys(addressed)),
        line,
        heading,
        severity if severity in SEVERITIES else "",
    )


def _first_sentence(text: str) -> str:
    match = re.match(r"^(.{20,}?[.?!])(?:\s|$)", text)
    return match.group(1) if match else text


# -- the text before a table of contents -----------------------------------------------------


def summary_before_toc(state: ImportState) -> None:
    """Text that opens a joint assessment before its table of contents is its summary."""
    if state.outline.name != "joint" or state.toc_line is None or state.summary is not None:
        return
    preamble = state.pending[0]
    before = [p for p in preamble.parts if isinstance(p, Part) and p.start < state.toc_line]
    text = "\n\n".join("\n".join(p.lines).strip("\n") for p in before).strip()
    if not text:
        return
    preamble.parts = [p for p in preamble.parts if not any(p is b for b in before)]
    summary = summary_of(state, before[0].start + 1)
    summary.body = text
    state.report.note(summary.line, "the text before the table of contents: the summary")


# -- the directives, one each --------------------------------------------------------------


def summary_of(state: ImportState, line: int) -> Summary:
    if state.summary is None:
        state.summary = Summary(line=line)
        state.preamble.directives.append(state.summary)
    return state.summary


def team_of(state: ImportState, line: int) -> Team:
    if state.team is None:
        state.team = Team(line=line)
        state.preamble.directives.append(state.team)
    return state.team
