"""The ``init`` command: a new docs folder with one stub per outline section.

Each stub's body is the literal text ``TODO: <guidance>``, so the ``placeholder``
check flags every stub still unwritten, and ``check`` lists exactly what is left.
Only what an author must write is stubbed: sections filled by the extension
itself (fixed template text, generated tables) and optional grouping sections
get their heading but no stub.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..outline import Outline, OutlineError, OutlineSection, load_outline
from .emit import conf_py, myst_directive
from .errors import CliError
from .folders import prepare_output, write_files
from .rst import rst_directive, rst_heading

if TYPE_CHECKING:
    from pathlib import Path

#: placeholder values of the ``assessment-metadata`` stub, each one flagged by ``check``
#: (not a URL, not yes/no); languages is left out so ``metadata-missing`` names it
METADATA_STUB = {
    "software": "TODO",
    "security-provider": "TODO",
    "sbom": "TODO",
}


def stub_text(section: OutlineSection) -> str:
    return f"TODO: {section.guidance}"


def needs_stub(outline: Outline, index: int) -> bool:
    """Whether the author has to write this section (see the module docstring)."""
    section = outline.sections[index]
    if not section.contributable or {"metadata", "metadata-links"} & set(section.generated):
        return False
    if not section.required and (section.text is not None or section.generated):
        return False
    following = outline.sections[index + 1] if index + 1 < len(outline.sections) else None
    has_children = following is not None and following.level > section.level
    return section.required or not has_children


def parts(outline: Outline) -> list[list[int]]:
    """Indexes of the sections of each top-level part (one page each), in order."""
    top = min(section.level for section in outline.sections)
    result: list[list[int]] = []
    for index, section in enumerate(outline.sections):
        if section.level == top or not result:
            result.append([])
        result[-1].append(index)
    return result


def page_name(section: OutlineSection) -> str:
    return section.key.replace(".", "-")


def init_files(outline: Outline, project: str, fmt: str) -> dict[str, str]:
    """File name -> text of a new docs folder for *outline*."""
    myst = fmt == "myst"
    suffix = ".md" if myst else ".rst"
    top = min(section.level for section in outline.sections)
    files = {"conf.py": conf_py(project=project, outline=outline.name, myst=myst)}
    pages: list[str] = []
    for part in parts(outline):
        first = outline.sections[part[0]]
        lines: list[str] = []
        for index in part:
            section = outline.sections[index]
            level = section.level - top + 1
            lines += _heading(section.title, level, myst)
            lines += _section_body(outline, index, myst, stage=outline.name == "self")
        pages.append(page_name(first))
        files[page_name(first) + suffix] = "\n".join(lines).rstrip("\n") + "\n"
    directive = "joint-assessment" if outline.name == "joint" else "self-assessment"
    title = f"{project} security assessment"
    write = myst_directive if myst else rst_directive
    index_page = [
        *_heading(title, 1, myst),
        *write("toctree", "", {"maxdepth": "2"}, pages),
        "",
        *write(directive),
    ]
    files["index" + suffix] = "\n".join(index_page) + "\n"
    return files


def _heading(title: str, level: int, myst: bool) -> list[str]:
    if myst:
        return ["#" * level + " " + title, ""]
    return [*rst_heading(title, level), ""]


def _section_body(outline: Outline, index: int, myst: bool, *, stage: bool) -> list[str]:
    section = outline.sections[index]
    directive = myst_directive if myst else rst_directive
    if "metadata" in section.generated:
        options = dict(METADATA_STUB)
        if stage:
            options["stage"] = "incomplete"
        return [*directive("assessment-metadata", "", options, ["Security file: TODO"]), ""]
    if not needs_stub(outline, index):
        return []
    return [*directive("assessment-section", section.key, None, [stub_text(section)]), ""]


def run_init(folder: Path, *, fmt: str, outline: str, project: str | None) -> int:
    try:
        loaded = load_outline(outline)
    except OutlineError as exc:
        raise CliError(str(exc)) from None
    name = project if project is not None else (folder.resolve().name or "Project")
    if not name.strip() or "\n" in name:
        raise CliError("--project must be a one-line name")
    prepare_output(folder)
    files = init_files(loaded, name.strip(), fmt)
    write_files(folder, files)
    stubs = sum(text.count("TODO") for text in files.values())
    print(f"wrote {len(files)} files to {folder} ({fmt}, {loaded.name} outline, {stubs} stubs)")
    print(f"next: write the stubs, then run: sphinx-jointassessment check {folder}")
    return 0
