"""After the last block: drop the template's fixed text, number the anchors, make content safe.

These steps need the whole document: a link can only be checked once every
heading's anchor is known, and anchors are numbered in the order MyST meets the
headings. Content is kept as source lines until then (:class:`.state.Part`).
"""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING

from ..mdparse import github_slug, parse_blocks, slug_source_text, unique_slug
from ..model import (
    CellTable,
    Finding,
    Item,
    Markdown,
    Recommendation,
    SubHeading,
    Summary,
    page_title,
)
from ..sanitize import LinkContext, sanitize_lines
from .state import Part

if TYPE_CHECKING:
    from pathlib import Path

    from .state import ImportState, Pending


def drop_fixed_text(state: ImportState, project: str) -> None:
    """Content equal to an outline section's fixed text: the builder writes that text.

    Assessments started from the template often keep its fixed paragraphs (with
    the project's name filled in); the builder writes them itself. "Equal" means
    word for word, the project's name (however spelt) in place of ``{project}``:
    text the author changed (the authors' names added, "joint-review" for
    "joint-assessment") is kept as written, and the builder writes it instead of
    the template's.
    """
    for pending in state.pending[1:]:
        section = pending.section
        outline_section = state.outline.get(section.key or "")
        if outline_section is None or outline_section.text is None:
            continue
        if not all(isinstance(p, Part) for p in pending.parts):
            continue
        body = " ".join(" ".join(p.lines) for p in pending.parts if isinstance(p, Part))
        fixed = outline_section.render_text("[project]") or ""
        changed = _changed_words(body, fixed, project)
        if changed == 0:
            state.report.note(
                section.line,
                f"content of {section.key} is the template's fixed text, which the "
                "builder writes itself: not copied",
            )
            pending.parts.clear()
        elif changed is not None:
            state.report.note(
                section.line,
                f"content of {section.key} is the template's fixed text with {changed} "
                "words changed: kept as written, in place of the template's",
            )


def finish(
    state: ImportState, title: str, base_url: str | None, source_dir: Path | None
) -> list[tuple[str, str]]:
    """Anchors first (links must name existing headings), then safe Markdown items.

    Anchors are numbered per page in the order MyST meets the headings: the
    page title, then each section's heading and the headings inside it. Returns
    the local images the content uses (see :attr:`LinkContext.images`).
    """
    _safe_headings(state, *_assign_slugs(state, title), base_url, source_dir)
    index_slugs, page_slugs = _assign_slugs(state, title)  # of the headings as now written
    images: list[tuple[str, str]] = []
    for number, pending in enumerate(state.pending):
        slugs = page_slugs if number else index_slugs
        context = LinkContext(slugs, base_url, source_dir, state.report)
        _make_safe(pending, context)
        images.extend(context.images)
    return images


def _assign_slugs(state: ImportState, title: str) -> tuple[set[str], set[str]]:
    """Give every heading its anchor; the anchors of the index page and of the page."""
    index_slugs = {github_slug(title)} - {""}
    page_slugs = {github_slug(page_title(title))} - {""}
    for item in state.pending[0].parts:
        if isinstance(item, SubHeading):
            item.slug = _add_slug(item.text, index_slugs)
    for pending in state.pending[1:]:
        pending.section.slug = _add_slug(pending.section.heading, page_slugs)
        for item in pending.parts:
            if isinstance(item, SubHeading):
                item.slug = _add_slug(item.text, page_slugs)
    return index_slugs, page_slugs


def _safe_headings(
    state: ImportState,
    index_slugs: set[str],
    page_slugs: set[str],
    base_url: str | None,
    source_dir: Path | None,
) -> None:
    """Make headings safe as the text under them is: they are written as they are.

    A heading's links, autolinks and inline HTML would otherwise reach the pages
    (a non-web link, an ``onclick``), as nothing else from the source may. Their
    anchors are numbered again afterwards, from the headings as written.
    """
    for number, pending in enumerate(state.pending):
        slugs = page_slugs if number else index_slugs
        context = LinkContext(slugs, base_url, source_dir, state.report)
        if number:
            section = pending.section
            section.heading = _safe_heading(section.heading, section.line, context)
        for item in pending.parts:
            if isinstance(item, SubHeading):
                item.text = _safe_heading(item.text, item.line, context)


def _safe_heading(text: str, line: int, context: LinkContext) -> str:
    return " ".join(part.strip() for part in sanitize_text(text, line - 1, context))


def _make_safe(pending: Pending, context: LinkContext) -> None:
    """The section's items: kept parts sanitised and joined, cells and finding notes too."""
    items: list[Item] = []
    for part in pending.parts:
        if not isinstance(part, Part):
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
        elif isinstance(item, CellTable):
            for row in item.rows:
                for cell in row:
                    cell.paragraphs = [
                        " ".join(sanitize_text(p, item.line - 1, context)) for p in cell.paragraphs
                    ]
    pending.section.items = [item for item in items if not isinstance(item, Markdown) or item.lines]
    for directive in pending.section.directives:
        if isinstance(directive, Finding) and directive.notes:
            directive.notes = "\n".join(sanitize_text(directive.notes, directive.line - 1, context))
        elif isinstance(directive, Summary | Recommendation) and directive.body:
            safe = "\n".join(sanitize_text(directive.body, directive.line - 1, context))
            directive.body = re.sub(r"\n\s*\n(?:\s*\n)+", "\n\n", safe).strip("\n")


def sanitize_text(text: str, start: int, context: LinkContext) -> list[str]:
    """Markdown that is not one block of the source (a table cell), made safe the same way."""
    lines: list[str] = []
    for block in parse_blocks(text + "\n"):
        lines.extend(sanitize_lines(block.lines, block.tokens, start, context))
    return lines


def _add_slug(heading: str, slugs: set[str]) -> str:
    slug = github_slug(slug_source_text(heading))
    if not slug:
        return ""
    slug = unique_slug(slug, slugs)
    slugs.add(slug)
    return slug


def _words(text: str) -> list[str]:
    text = re.sub(r"\]\([^)]*\)", "]", text)
    return re.findall(r"[a-z0-9]+", text.casefold())


def _changed_words(body: str, fixed: str, project: str) -> int | None:
    """How many words of *body* differ from the fixed text *fixed* (0: none but the
    project's name), or None when *body* is not that text (under 90 % of its words)."""
    if not body.strip():
        return None
    words = _words(body.replace(project, "[project]"))
    expected = _words(fixed)
    matcher = difflib.SequenceMatcher(None, words, expected, autojunk=False)
    if matcher.ratio() < 0.9:
        return None
    name = {*_words(project), "project"}
    changed = 0
    for operation, start, end, fixed_start, fixed_end in matcher.get_opcodes():
        ours, theirs = words[start:end], expected[fixed_start:fixed_end]
        if operation == "equal" or (set(ours) <= name and set(theirs) <= {"project"}):
            continue  # the project's name as the author spells it, where {project} stands
        changed += max(len(ours), len(theirs))
    return changed
