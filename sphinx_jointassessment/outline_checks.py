"""The outline checks: sections contributed twice, empty, missing, or with template text.

They need every page: a section may be taken ``:from:`` a label on any page, and a
required section is missing only if no page contributes it. They run with the other
whole-project checks (:mod:`.checks`), in every build. Missing sections matter only
once the project assembles an assessment: a ``joint-assessment`` page, or the
``jointassessment`` builder (:attr:`.JointAssessmentDomain.assembling`).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes

from .checks import register_check, source_location
from .config import get_config
from .domain import get_domain
from .kinds import Kind
from .placeholders import ja_placeholder
from .problems import Code, Problem, setting_line
from .recommendation import has_audience
from .sanitize import drawn_code_blocks
from .section import KIND, assembly_placeholders, from_section, project_outline
from .template_text import find_placeholders

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from .config import AssessmentConfig
    from .domain import AssessmentObject, JointAssessmentDomain
    from .outline import Outline


#: what the checks need of a section taken ``:from:``: its page, whether it is empty,
#: whether it holds the assembled assessment, its template text (text, line) and the
#: problems of its code blocks that GitHub would draw (code, message, line)
FromContent = tuple[
    str, bool, bool, list[tuple[str, int | None]], list[tuple[Code, str, int | None]]
]


def _from_content(
    env: BuildEnvironment, obj: AssessmentObject, config: AssessmentConfig
) -> FromContent | None:
    """What :data:`FromContent` says of the section *obj* takes ``:from:``; None if none."""
    found = from_section(env, obj)
    if found is None:
        return None
    docname, element = found
    content = [child for child in element.children if not isinstance(child, nodes.title)]
    empty = not any(_shows_something(child) for child in content)
    placeholders = find_placeholders(element, config.placeholder_patterns)
    found_text = [(text, line) for text, _, line in placeholders]
    drawn = [(code, message, line) for code, message, line, _ in drawn_code_blocks(element)]
    return docname, empty, bool(assembly_placeholders(element)), found_text, drawn


def check_sections(env: BuildEnvironment) -> Iterator[Problem]:
    domain = get_domain(env)
    outline = project_outline(env)
    config = get_config(env)
    for objs in domain.duplicates(KIND):
        first = objs[0]
        for other in objs[1:]:
            yield Problem(
                Code.DUPLICATE_SECTION,
                f"section {other.id!r} is contributed twice "
                f"(first in {source_location(env, first.docname, first.lineno)})",
                other.docname,
                other.lineno,
            )
    for obj in domain.objects(KIND):
        label = obj.model.from_label
        if label is None:
            continue
        # computed once a build: the builder asks again for its JSON
        found = domain.remember(("from-content", obj.id), partial(_from_content, env, obj, config))
        if found is None:
            yield Problem(
                Code.UNKNOWN_REFERENCE,
                f"assessment-section {obj.id!r}: no section labelled {label!r}",
                obj.docname,
                obj.lineno,
            )
            continue
        docname, empty, holds_assembly, placeholders, drawn = found
        if empty:
            yield Problem(
                Code.EMPTY_SECTION,
                f"section {obj.id!r}: the section labelled {label!r} has no content",
                obj.docname,
                obj.lineno,
            )
        if holds_assembly:
            yield Problem(
                Code.INPUT_TOO_LARGE,
                f"assessment-section {obj.id!r}: the section labelled {label!r} holds the "
                "assembled assessment itself; it is copied without it, or the assessment "
                "would copy itself without end",
                obj.docname,
                obj.model.from_line or obj.lineno,
            )
        for code, message, line in drawn:
            yield Problem(code, f"{message} (in the section labelled {label!r})", docname, line)
        for text, line in placeholders:
            yield Problem(
                Code.PLACEHOLDER,
                f"template text {text!r} left in section {obj.id!r} (from {label!r})",
                docname,
                line,
            )
    if not wants_assembly(env):
        return
    for pattern in config.placeholder_patterns:
        if match := pattern.search(config.project):
            yield Problem(
                Code.PLACEHOLDER,
                f"the project's name {config.project!r} is template text ({match.group(0)!r}): "
                "set jointassessment_project in conf.py",
                None,
                setting_line(Path(env.srcdir, "conf.py"), "jointassessment_project", "project"),
                path="conf.py",
            )
            break
    where = domain.objects(Kind.ASSESSMENT)
    # without a joint-assessment block, the builder assembles from the root document
    docname, lineno = (where[0].docname, where[0].lineno) if where else (env.config.root_doc, 1)
    for section in outline.sections:
        if section.required and not section_is_filled(env, outline, section.key):
            yield Problem(
                Code.MISSING_SECTION,
                f"required section {section.key!r} ({section.title}) is not written: "
                f"{section.guidance}",
                docname,
                lineno,
            )


#: generated parts that fill a required section by themselves: the object kind they list,
#: or whether the domain holds what they list
FILLED_BY_OBJECTS: dict[str, Kind | Callable[[JointAssessmentDomain], bool]] = {
    "threat-matrices": Kind.MATRIX,
    "threats": Kind.THREAT,
    "data-flows": Kind.FLOW,
    "attack-risks": Kind.RISK,
    "metadata": Kind.METADATA,
    "project-recommendations": has_audience("project"),
    "cncf-recommendations": has_audience("cncf"),
}


def _shows_something(node: nodes.Node) -> bool:
    """Text, or a table filled when the page is written (a ``threats-table`` alone)."""
    if node.astext().strip():
        return True
    return isinstance(node, nodes.Element) and any(True for _ in node.findall(ja_placeholder))


def section_is_filled(env: BuildEnvironment, outline: Outline, key: str) -> bool:
    domain = get_domain(env)
    if domain.get(KIND, key) is not None:
        return True
    section = outline.get(key)
    if section is None:
        return False
    return any(_fills(domain, part) for part in section.generated)


def _fills(domain: JointAssessmentDomain, part: str) -> bool:
    """Whether the generated *part* has anything to list."""
    filled = FILLED_BY_OBJECTS.get(part)
    if isinstance(filled, Kind):
        return bool(domain.objects(filled))
    return filled is not None and filled(domain)


def wants_assembly(env: BuildEnvironment) -> bool:
    """Missing sections matter once the project assembles an assessment (page or builder)."""
    domain = get_domain(env)
    return domain.assembling or bool(domain.objects(Kind.ASSESSMENT))


def setup_outline_checks(app: Sphinx) -> None:
    register_check(check_sections)
