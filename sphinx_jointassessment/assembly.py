"""``joint-assessment`` / ``self-assessment``: the whole assessment on one page (SPEC §2.8).

The directive leaves a placeholder; when the page is resolved, :func:`assemble`
builds the assessment from the outline and the ``ja`` domain: the title, a table
of contents, then every outline section in order with its fixed template text,
the content contributed by ``assessment-section`` blocks, and the generated parts
(metadata, threat matrices, risk table, closed issues, hands-on details, recommendations).
The reviewers' summary and the team, when written, open it before the table of contents. The
``jointassessment`` builder writes the very same tree as Markdown, so the html
page and the submitted file cannot disagree.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes

from .bodies import block_too_large, parse_bounded
from .body import retarget_references
from .config import get_config
from .data_flow import render_data_flow
from .directive import AssessmentDirective, add_assessment_directive
from .domain import shown_title
from .i18n import _
from .kinds import Kind
from .outline_checks import section_is_filled
from .placeholders import (
    ResolveContext,
    fill,
    ja_placeholder,
    make_placeholder,
    register_renderer,
)
from .problems import Code
from .section import (
    ASSEMBLY_PLACEHOLDER,
    SectionContribution,
    contribution_content,
    headings_kept_in,
    project_outline,
)
from .security_issue import has_closed_issues
from .template_text import find_placeholders
from .threat import TABLE_KIND as THREATS_TABLE_KIND
from .threat import render_threats_section
from .threat_matrix import render_matrix

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import OptionSpec

    from .domain import JointAssessmentDomain
    from .outline import Outline, OutlineSection

#: generated part of the outline -> placeholder kind rendered by its feature module
GENERATED_PLACEHOLDERS = {
    "metadata": "metadata",
    "metadata-links": "metadata-links",
    "attack-risks": "attack-risk-table",
    "closed-issues": "closed-issues-table",
}
#: generated parts that list objects of one kind and, with none, write a sentence of
#: their own ("No attack risks are recorded."); under a section the author wrote, that
#: sentence could contradict what is written, so it is left out there
LISTS_OF: dict[str, Callable[[JointAssessmentDomain], bool]] = {
    "attack-risks": lambda domain: bool(domain.objects(Kind.RISK)),
    "closed-issues": has_closed_issues,
}

#: generated parts that fill a section only when nobody wrote it (the authors' text wins):
#: generated part -> (placeholder kind, its audience)
WHEN_NOT_WRITTEN = {
    "project-recommendations": ("recommendations-list", "project"),
    "cncf-recommendations": ("recommendations-list", "cncf"),
}

#: what opens the assessment, before its table of contents: the reviewers' summary and the
#: team (placeholders of :mod:`.summary` and :mod:`.team`; nothing when not written)
OPENING_KINDS = ("assessment-summary", "assessment-team")

#: class of the assessment's own opening (the directive's content)
OPENING_CLASS = "ja-opening"
#: class of the admonition shown where a required section is not written
NOT_WRITTEN_CLASS = "ja-not-yet-written"


def section_id(key: str) -> str:
    return str(nodes.make_id(f"ja-assessment-{key}"))


# -- fixed template text ---------------------------------------------------------------------

_INLINE = re.compile(r"\[(?P<text>[^\]]+)\]\((?P<url>[^)\s]+)\)|\*\*(?P<strong>[^*]+)\*\*")


def fixed_text_nodes(text: str) -> list[nodes.Node]:
    """The outline's fixed text (paragraphs, ``[links](url)``, ``**bold**``) as nodes.

    Outlines are data written by us or by a project; only web links become links.
    """
    from .links import safe_link

    paragraphs: list[nodes.Node] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        para = nodes.paragraph(classes=["ja-fixed-text"])
        flat = " ".join(block.split())
        position = 0
        for match in _INLINE.finditer(flat):
            para += nodes.Text(flat[position : match.start()])
            if match["strong"]:
                para += nodes.strong(text=match["strong"])
            else:
                para += safe_link(match["url"], match["text"])
            position = match.end()
        para += nodes.Text(flat[position:])
        paragraphs.append(para)
    return paragraphs


# -- assembling --------------------------------------------------------------------------------


def not_written(
    section: OutlineSection, reason: str | None = None, *, myst: bool = False
) -> nodes.admonition:
    """A visible note where a required section has no content yet.

    It ends with the first line of the directive that would write the section, in
    the syntax of the page that shows the assessment (*myst*: MyST Markdown).
    """
    note = nodes.admonition(classes=[NOT_WRITTEN_CLASS])
    note += nodes.title(text=_("Not yet written"))
    para = nodes.paragraph()
    para += nodes.Text(reason or section.guidance)
    para += nodes.Text(" ")
    if myst:
        para += nodes.literal(text=f"```{{assessment-section}} {section.key}")
    else:
        para += nodes.literal(text=f".. assessment-section:: {section.key}")
    note += para
    return note


def is_myst_page(env: BuildEnvironment, docname: str) -> bool:
    """Whether page *docname* is written in MyST Markdown (by its source suffix)."""
    try:
        suffix = env.doc2path(docname).suffix
    except (KeyError, ValueError):
        return False
    return bool(env.config.source_suffix.get(suffix) == "markdown")


#: object kinds shown one by one under headings of their own: (id prefix, class, render)
_TITLED_PARTS: dict[Kind, tuple[str, str, Callable[[Any], list[nodes.Node]]]] = {
    Kind.MATRIX: ("matrix", "ja-matrix-section", lambda m: render_matrix(m, [], caption=False)),
    Kind.FLOW: ("data-flow", "ja-data-flow", lambda f: render_data_flow(f, [], caption=False)),
}


def _titled(context: ResolveContext, kind: Kind, level: int, skip: set[str]) -> list[nodes.Node]:
    """Each object of *kind* (matrix, diagram), in document order, under its own heading."""
    prefix, classes, render = _TITLED_PARTS[kind]
    result: list[nodes.Node] = []
    for obj in context.domain.objects(kind):
        if obj.anchor in skip:
            continue
        sub = nodes.section(ids=[section_id(f"{prefix}-{obj.id}")], classes=[classes])
        sub["ja-level"] = level
        sub += nodes.title(text=shown_title(obj))
        sub += render(obj.model)
        result.append(sub)
    return result


def _threats(context: ResolveContext, section: OutlineSection, skip: set[str]) -> list[nodes.Node]:
    """The threat catalogue under its own heading: the list, then each threat as written."""
    shown = render_threats_section(context, skip)
    if not shown:
        return []
    sub = nodes.section(ids=[section_id(f"{section.key}-threats")], classes=["ja-threats-section"])
    sub["ja-level"] = section.level + 1
    sub += nodes.title(text=_("Threats"))
    sub += ja_placeholder(kind=THREATS_TABLE_KIND, layout="list", stride=[], component=None)
    sub.extend(shown)
    return [sub]


def _ids_in(content: list[nodes.Node]) -> set[str]:
    return {
        ident
        for node in content
        if isinstance(node, nodes.Element)
        for element in node.findall(nodes.Element)
        for ident in element["ids"]
    }


def _placeholder_kinds(content: list[nodes.Node]) -> set[str]:
    return {
        found["kind"]
        for node in content
        if isinstance(node, nodes.Element)
        for found in node.findall(ja_placeholder)
    }


def _hands_on(context: ResolveContext, section: OutlineSection) -> list[nodes.Node]:
    """The template's hands-on layout: summary sentence, then its three sub-headings.

    The template asks for the details "if a hands-on assessment was performed":
    without a performed ``hands-on-assessment`` only the sentence is written.
    """
    parts: list[nodes.Node] = [ja_placeholder(kind="hands-on-summary")]
    recorded = context.domain.objects(Kind.HANDS_ON)
    if not recorded or not getattr(recorded[0].model, "performed", False):
        # what the author wrote in the block is kept, performed or not
        if recorded and recorded[0].body is not None and not recorded[0].body.is_empty:
            parts.append(ja_placeholder(kind="hands-on-result"))
        return parts
    for title, kind in (
        ("Assessment Details", "hands-on-details"),
        ("Findings", "findings-table"),
        ("Hands-on assessment result", "hands-on-result"),
    ):
        sub = nodes.section(ids=[section_id(f"{section.key}-{kind}")])
        sub["ja-level"] = section.level + 1
        sub += nodes.title(text=_(title))  # the template's English in the Markdown
        sub += ja_placeholder(kind=kind)
        parts.append(sub)
    return parts


def _section_body(
    context: ResolveContext, outline: Outline, section: OutlineSection, project: str
) -> list[nodes.Node]:
    body: list[nodes.Node] = []
    obj = context.domain.get(Kind.SECTION, section.key)
    text = section.render_text(project)
    if text and obj is None:  # the template's text, unless the author wrote the section
        body.extend(fixed_text_nodes(text))
    content: list[nodes.Node] = []
    if obj is not None:
        found = contribution_content(context.env, obj)
        if found is None:
            body.append(
                not_written(
                    section,
                    f"The section labelled {obj.model.from_label!r} was not found.",
                    myst=is_myst_page(context.env, context.docname),
                )
            )
        else:
            content = found
            body.extend(content)
    elif section.required and not section_is_filled(context.env, outline, section.key):
        body.append(not_written(section, myst=is_myst_page(context.env, context.docname)))
    for generated in section.generated:
        if generated == "threat-matrices":
            body.extend(_titled(context, Kind.MATRIX, section.level + 1, _ids_in(content)))
        elif generated == "threats":
            body.extend(_threats(context, section, _ids_in(content)))
        elif generated == "data-flows":
            body.extend(_titled(context, Kind.FLOW, section.level + 1, _ids_in(content)))
        elif generated == "hands-on":
            body.extend(_hands_on(context, section))
        elif generated == "risk-map":
            # only when something is rated: no grid of empty cells above an empty table
            if "risk-map" not in _placeholder_kinds(content):
                body.append(ja_placeholder(kind="risk-map", optional=True))
        elif generated in WHEN_NOT_WRITTEN:
            if obj is None:  # the authors' text wins
                kind, audience = WHEN_NOT_WRITTEN[generated]
                body.append(ja_placeholder(kind=kind, audience=audience))
        elif generated in GENERATED_PLACEHOLDERS:
            kind = GENERATED_PLACEHOLDERS[generated]
            listed = LISTS_OF.get(generated)
            says_none = listed is not None and not listed(context.domain)
            if kind not in _placeholder_kinds(content) and not (content and says_none):
                body.append(ja_placeholder(kind=kind))
    return body


def assemble(context: ResolveContext, outline: Outline) -> nodes.section:
    """The whole assessment as one section tree (levels carried in ``ja-level``).

    Its generated parts are filled here, so that sections left empty once filled
    can be left out before the table of contents is made.
    """
    project = get_config(context.env).project
    root = nodes.section(ids=[section_id("title")], classes=["ja-assessment"])
    root["ja-level"] = 1
    root["ja-outline"] = outline.name
    root += nodes.title(text=outline.document_title(project))
    root += opening_content(context)
    for kind in OPENING_KINDS:
        root += ja_placeholder(kind=kind)
    toc = nodes.section(ids=[section_id("toc")], classes=["ja-toc"])
    toc["ja-level"] = 2
    toc += nodes.title(text=outline.toc_title)
    root += toc
    stack: list[nodes.section] = [root]
    for section in outline.sections:
        node = nodes.section(ids=[section_id(section.key)], classes=["ja-outline-section"])
        node["ja-level"] = section.level
        node["ja-key"] = section.key
        node += nodes.title(text=section.title)
        node.extend(_section_body(context, outline, section, project))
        while len(stack) > 1 and stack[-1]["ja-level"] >= section.level:
            stack.pop()
        stack[-1] += node
        stack.append(node)
    _add_extras(context, root)
    # what it holds is inside the assessment: a copy holding the assessment is refused
    fill(context, root, identify_tables=False, inside=frozenset({ASSEMBLY_PLACEHOLDER}))
    _prune_empty(root, outline)
    entries = [
        (int(node["ja-level"]), node[0].astext(), node["ids"][0])
        for node in root.findall(nodes.section)
        if node.get("ja-key") and int(node["ja-level"]) <= 3
    ]
    toc += _toc_list(entries)
    _drop_duplicate_ids(root)
    _identify_sections(root)
    return root


def opening_content(context: ResolveContext) -> list[nodes.Node]:
    """What the authors wrote in the ``joint-assessment`` block: under the title."""
    pages = context.domain.objects(Kind.ASSESSMENT)
    body = pages[0].body if pages else None
    return body.content() if body is not None else []


def _add_extras(context: ResolveContext, root: nodes.section) -> None:
    """Each extra section (``:extra:``) where it goes, in document order.

    At the end of its section, one level below it; with ``:after:``, right after
    its section (and the extras placed after it before), at its level.
    """
    by_key = {node["ja-key"]: node for node in root.findall(nodes.section) if node.get("ja-key")}
    last_after: dict[str, nodes.section] = {}
    for obj in context.domain.objects(Kind.SECTION):
        extra: SectionContribution = obj.model
        parent = by_key.get(extra.key)
        if extra.extra is None or parent is None:
            continue
        level = int(parent["ja-level"]) if extra.after else min(int(parent["ja-level"]) + 1, 6)
        node = nodes.section(ids=[section_id(obj.id)], classes=["ja-extra-section"])
        node["ja-level"] = level
        node["ja-key"] = obj.id
        node += nodes.title(text=obj.title)
        found = contribution_content(context.env, obj)
        if found is None:
            label = extra.from_label
            note = _("The section labelled {label} was not found.").format(label=repr(label))
            node += nodes.paragraph(text=note)
        else:
            node.extend(found)
        if not extra.after:
            parent += node
            continue
        previous = last_after.get(extra.key, parent)
        holder = previous.parent
        holder.insert(holder.index(previous) + 1, node)
        last_after[extra.key] = node


def _prune_empty(root: nodes.section, outline: Outline) -> None:
    """Leave out optional sections with nothing in them: no heading without content.

    A section is empty when it holds nothing but its title (and sections that are
    themselves left out). Required sections always stay: an unwritten one shows its
    "not yet written" note.
    """

    def empty(section: nodes.section) -> bool:
        for child in list(section.children):
            if isinstance(child, nodes.section) and child.get("ja-key") and empty(child):
                section.remove(child)
        own = [child for child in section.children if not isinstance(child, nodes.title)]
        entry = outline.get(str(section.get("ja-key", "")))
        return not own and entry is not None and not entry.required

    for child in list(root.children):
        if isinstance(child, nodes.section) and child.get("ja-key") and empty(child):
            root.remove(child)


def _toc_list(entries: list[tuple[int, str, str]]) -> nodes.bullet_list:
    """Nested bullet list of in-page links, as the template's table of contents."""
    top = nodes.bullet_list(classes=["ja-toc-list"])
    lists: dict[int, nodes.bullet_list] = {2: top}
    last_item: dict[int, nodes.list_item] = {}
    for level, title, ident in entries:
        parent = lists.get(level)
        if parent is None:
            owner = last_item.get(level - 1)
            if owner is None:
                parent = top
            else:
                parent = nodes.bullet_list()
                owner += parent
                lists[level] = parent
        item = nodes.list_item()
        para = nodes.paragraph()
        para += nodes.reference("", title, refid=ident, internal=True)
        item += para
        parent += item
        last_item[level] = item
        for deeper in [lv for lv in lists if lv > level]:
            del lists[deeper]
    return top


def _drop_duplicate_ids(root: nodes.Element) -> None:
    """Copied content may repeat ids (the same object twice): keep the first of each."""
    seen: set[str] = set()
    for element in root.findall(nodes.Element):
        unique = []
        for ident in element["ids"]:
            if ident not in seen:
                seen.add(ident)
                unique.append(ident)
        element["ids"] = unique


def _identify_sections(root: nodes.Element) -> None:
    """Sections copied in (sub-headings of written content) lost their ids: give them new.

    A heading needs an id for its permalink (html writes one for every section);
    each is made from the heading's text, numbered when it repeats.
    """
    used = {ident for element in root.findall(nodes.Element) for ident in element["ids"]}
    for section in root.findall(nodes.section):
        if section["ids"]:
            continue
        title = section[0].astext() if section.children else ""
        base = section_id(f"part-{title}") if title else section_id("part")
        ident, number = base, 1
        while ident in used:
            number += 1
            ident = f"{base}-{number}"
        section["ids"].append(ident)
        used.add(ident)


def outline_sections(root: nodes.Element) -> Iterator[nodes.section]:
    """The outline sections of an assembled assessment, in document order."""
    for section in root.findall(nodes.section):
        if section.get("ja-key"):
            yield section


def own_content(section: nodes.section) -> nodes.Element:
    """A copy of a section's content without its title and its nested outline sections."""
    holder = nodes.container()
    for child in section.children:
        if isinstance(child, nodes.title):
            continue
        if isinstance(child, nodes.section) and child.get("ja-key"):
            continue
        holder += child.deepcopy()
    return holder


def _render_assessment(context: ResolveContext, node: ja_placeholder) -> list[nodes.Node]:
    root = assemble(context, project_outline(context.env))
    retarget_references(root, context.docname)
    return [root]


# -- directive -----------------------------------------------------------------------------------


class AssessmentDirectiveBase(AssessmentDirective):
    """Shared by ``joint-assessment`` and ``self-assessment``.

    The directive's content, if any, is the assessment's own opening: what its
    authors wrote under the title and before the table of contents (the title
    they gave it, a status line, an introduction). It is shown there, in the
    page and in the submitted Markdown, and may hold sub-headings.
    """

    outline_name: ClassVar[str] = "joint"
    has_content = True
    option_spec: ClassVar[OptionSpec] = {}

    def run(self) -> list[nodes.Node]:
        if block_too_large(self):
            return self.error_node()
        outline = project_outline(self.env)
        configured = get_config(self.env).outline
        if configured in ("joint", "self") and configured != self.outline_name:
            self.report(
                Code.SCHEMA,
                f"jointassessment_outline is {configured!r} but this page asks for the "
                f"{self.outline_name} outline: set jointassessment_outline = "
                f"{self.outline_name!r} in conf.py",
            )
        anchor = self.make_anchor(Kind.ASSESSMENT, Kind.ASSESSMENT.value)
        self.record(
            Kind.ASSESSMENT,
            Kind.ASSESSMENT.value,
            outline.document_title(get_config(self.env).project),
            {"outline": outline.name},
            anchor,
            self._opening(),
        )
        container = self.target_section(anchor, ["ja-assessment-page"])
        container += make_placeholder(self, "assessment")
        return [container]

    def _opening(self) -> nodes.container | None:
        """The content, parsed, checked for template text; shown by the assembly only."""
        if not any(line.strip() for line in self.content):
            return None
        opening = nodes.container(classes=[OPENING_CLASS])
        self.set_source_info(opening)
        with headings_kept_in(self, opening):  # MyST's headings too: see section.py
            parse_bounded(self, opening, allow_section_headings=True)
        for text, _source, line in find_placeholders(
            opening, get_config(self.env).placeholder_patterns
        ):
            self.report(Code.PLACEHOLDER, f"template text {text!r} left in the opening", line=line)
        return opening


class JointAssessmentPageDirective(AssessmentDirectiveBase):
    outline_name = "joint"


class SelfAssessmentPageDirective(AssessmentDirectiveBase):
    outline_name = "self"


def setup_assembly(app: Sphinx) -> None:
    for name, directive in (
        ("joint-assessment", JointAssessmentPageDirective),
        ("self-assessment", SelfAssessmentPageDirective),
    ):
        add_assessment_directive(app, name, directive)
    register_renderer("assessment", _render_assessment)
