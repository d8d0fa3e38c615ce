"""The document's title, the project's name and the outline, from the first heading or the file.

Real assessments name the project in the title in many ways ("Harbor Project
Self Assessment", "# Self-assessment for Flux", "Joint Assessment of OpenFGA"),
some only in a second heading under a generic title, and the templates name it
"[Project]". The name matters: the builder writes it into fixed sentences, and the
template's fixed text is recognised by it (``finish.drop_fixed_text``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from ..mdparse import plain_text

if TYPE_CHECKING:
    from ..mdparse import Block
    from .state import ImportState

_ASSESSMENT_OF = re.compile(
    r"^(?:cncf\s+)?(?:joint|self)[\s-]*assessment\s+(?:of|for)\s+(?P<project>.+)$",
    re.IGNORECASE,
)
_TITLE_NOISE = re.compile(
    r"\b(?:cncf|tag-security|tag security|security|joint[\s-]*(?:assessment|review)|"
    r"self[\s-]*assessment|"
    r"assessment|project|outline|for|of|the|"
    # what the title of a threat model or a list of recommendations says of its kind
    r"threat[\s-]*model(?:l?ing)?|lightweight|stride|with|using|recommendations?)\b",
    re.IGNORECASE,
)
#: a file named for its kind ("threat-model.md", "self-assessment.md"): the folder names the project
_KIND_OF_FILE = re.compile(r"assessment|threat|recommendation|review|readme", re.IGNORECASE)


def first_title(blocks: list[Block]) -> str:
    """The first level-1 heading's text (inline Markdown), or "" when there is none."""
    first = next((b for b in blocks if b.kind == "heading" and b.level == 1), None)
    return first.title if first else ""


def detect_outline(title: str, filename: str) -> str:
    """``joint`` when the title or file name says so, or names a threat model (a part of
    the joint outline, not of the self one), else ``self`` (the usual case)."""
    words = " ".join(re.split(r"[\W_]+", f"{title} {filename}".casefold()))
    words = words.replace("modelling", "model").replace("modeling", "model")
    return "joint" if "joint" in words or "threat model" in words else "self"


def guess_project(title: str, filename: str) -> str:
    """The project's name from the title ("Harbor Project Self Assessment") or the file name.

    The title less the words every title has; failing that the file name: the part
    before ``__`` (``flux__self-assessment.md``), or the folder of a file named
    "...assessment...", "...threat...", "...recommendations..." or "...review..."
    (``cortex/threat-model.md``), as the CNCF repository files them.
    """
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
    parent = Path(filename).resolve().parent.name if _KIND_OF_FILE.search(stem) else stem
    return parent or "[Project]"


def document_title(state: ImportState, block: Block) -> bool:
    """The first level-1 heading before any section: the title, which the builder writes."""
    if block.kind != "heading" or block.level != 1 or state.title_seen or state.sections:
        return False
    state.title_seen = True
    state.titles.append(block.title)
    state.report.headings_other += 1
    return True


def assessment_of_heading(state: ImportState, block: Block) -> bool:
    """A heading "Self-assessment of X" before any section: a second title, naming the project.

    Some documents put a generic title first ("TAG Security") and the real one
    under it; both are the assessment's titles, kept as its opening lines.
    """
    if block.kind != "heading" or state.sections:
        return False
    plain = plain_text(block.title)
    match = _ASSESSMENT_OF.match(plain.strip())
    if match is None:
        return False
    if state.project is None:
        state.project = match["project"].strip()
    state.titles.append(block.title)
    state.report.headings_other += 1
    state.report.note(block.lineno, f"heading {plain!r} is the assessment's title")
    return True
