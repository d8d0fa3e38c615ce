"""``assessment-section``: mark existing content as one section of the outline (SPEC §2.7).

Content is written in place (the directive's body) or taken ``:from:`` a labelled
section of the existing docs, so nothing has to move. Either way it is recorded in
the ``ja`` domain under its outline key, and the assembled assessment copies it.
The checks between sections (duplicate, empty, missing) are in :mod:`.outline_checks`.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.util import logging

from .bodies import block_too_large, parse_bounded
from .body import Body
from .config import get_config
from .directive import AssessmentDirective, add_assessment_directive
from .domain import get_domain
from .i18n import _
from .kinds import Kind
from .outline import Outline, OutlineError, extra_id, load_outline
from .placeholders import ja_placeholder
from .problems import Code, setting_line
from .template_text import find_placeholders

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import OptionSpec

    from .domain import AssessmentObject

logger = logging.getLogger(__name__)

KIND = Kind.SECTION
#: class of the sentence a ``:from:`` directive shows in place ("The assessment's section
#: "X" is Y."): for readers of the docs, never copied into the assessment
FROM_NOTE_CLASS = "ja-section-from"
#: the placeholder kind of the assembled assessment (``joint-assessment``): content that
#: the assessment copies must not hold it, or the assessment would copy itself
ASSEMBLY_PLACEHOLDER = "assessment"

# -- the project's outline -----------------------------------------------------------------

_OUTLINES: dict[int, tuple[Any, Outline]] = {}


def project_outline(env: BuildEnvironment) -> Outline:
    """The outline named by ``jointassessment_outline``; the joint one if that fails to load."""
    config = env.config
    cached = _OUTLINES.get(id(config))
    if cached is not None and cached[0] is config:
        return cached[1]
    settings = get_config(env)
    try:
        # config-inited made a path outline absolute (relative to conf.py's folder)
        outline = load_outline(settings.outline)
    except OutlineError as exc:  # the file went away or changed since
        conf_py = Path(settings.conf_py)  # the setting at fault
        logger.warning(
            "jointassessment_outline: %s; using the joint outline",
            exc,
            type="jointassessment",
            subtype=Code.SCHEMA.value,
            location=f"{conf_py}:{setting_line(conf_py, 'jointassessment_outline')}",
        )
        outline = load_outline("joint")
    _OUTLINES.clear()
    _OUTLINES[id(config)] = (config, outline)
    return outline


# -- model -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SectionContribution:
    """What one ``assessment-section`` block contributes."""

    key: str
    #: the label of an existing section whose content is used, or None for in-place content
    from_label: str | None
    #: whether the in-place body had any content
    has_content: bool
    #: the document line of the ``:from:`` option (problems of the source point there)
    from_line: int | None = None
    #: the title of an extra sub-section of *key* (``:extra:``), or None for the section
    extra: str | None = None
    #: the extra section follows *key* at its level (``:after:``) instead of ending it
    after: bool = False

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "from": self.from_label, "extra": self.extra, "after": self.after}


# -- directive -------------------------------------------------------------------------------------


class AssessmentSectionDirective(AssessmentDirective):
    """``.. assessment-section:: KEY`` with a body, or ``:from: LABEL``.

    With ``:extra: TITLE`` the content is an extra sub-section of KEY, titled TITLE,
    that the outline does not have (a MITRE ATT&CK review, an appendix the template
    lacks): the assembled assessment places it at the end of KEY, after KEY's own
    content and sub-sections, one level below it; with ``:after:`` too, it follows
    KEY at KEY's own level instead (a section of the document's own between two of
    the outline's).
    """

    required_arguments = 1
    has_content = True
    option_spec: ClassVar[OptionSpec] = {
        "from": directives.unchanged,  # empty: no label, and an empty-section problem
        "extra": directives.unchanged,
        "after": directives.flag,
        "class": directives.class_option,
    }

    def run(self) -> list[nodes.Node]:
        if block_too_large(self):  # as every block with a body: not parsed, not copied
            return self.error_node()
        key = self.arguments[0].strip()
        outline = project_outline(self.env)
        section = outline.get(key)
        if section is None:
            near = [k for k in sorted(outline.keys()) if k.split(".")[0] == key.split(".")[0]]
            hint = f" (did you mean {', '.join(near[:4])}?)" if near else ""
            self.report(
                Code.UNKNOWN_SECTION,
                f"{key!r} is not a section of the {outline.name} outline{hint}",
            )
        extra = " ".join((self.options.get("extra") or "").split()) or None
        if "extra" in self.options and extra is None:
            self.report(Code.SCHEMA, ":extra: names no title for the extra sub-section")
        after = "after" in self.options
        if after and extra is None:
            self.report(Code.SCHEMA, ":after: places an extra section: give :extra: TITLE too")
        if section is not None and not section.contributable and extra is None:
            self.report(Code.UNKNOWN_SECTION, f"{key!r} is generated and takes no content")
        from_label = (self.options.get("from") or "").strip().lower() or None
        has_content = any(line.strip() for line in self.content)
        if from_label and has_content:
            self.report(Code.SCHEMA, "give either content or :from:, not both")
        elif not from_label and not has_content:
            self.report(Code.EMPTY_SECTION, f"section {key!r} has no content")
        title = section.title if section is not None else key
        obj_id = key
        if extra is not None:
            title, obj_id = extra, extra_id(key, extra)
        anchor = self.make_anchor(KIND, obj_id)
        container = self.target_section(anchor, ["ja-section", *self.options.get("class", [])])
        container["ja-key"] = key
        if from_label:
            container += self._from_note(title, from_label)
        elif has_content:
            with headings_kept_in(self, container):
                parse_bounded(self, container, allow_section_headings=True)
            for held in assembly_placeholders(container):
                self.report(
                    Code.INPUT_TOO_LARGE,
                    "the section holds the assembled assessment itself; the assessment "
                    "copies the section without it, or it would copy itself without end",
                    line=held.line,
                )
            for text, _source, line in find_placeholders(
                container, get_config(self.env).placeholder_patterns
            ):
                self.report(
                    Code.PLACEHOLDER, f"template text {text!r} left in section {key!r}", line=line
                )
        # the container itself: frozen once the page is read (images, smart quotes done)
        body = None if from_label else container
        if section is not None and (section.contributable or extra is not None):
            from_line = self._option_line("from")
            model = SectionContribution(
                key, from_label, has_content, from_line, extra, after and extra is not None
            )
            self.record(KIND, obj_id, title, model, anchor, body)
        return [container]

    def _option_line(self, name: str) -> int:
        """The document line of option *name* (rST ``:name:``, MyST also ``name:``)."""
        option = re.compile(rf"\s*:?{re.escape(name)}:")
        for offset, text in enumerate(self.block_text.splitlines()):
            if offset and option.match(text):
                return int(self.lineno) + offset
        return int(self.lineno)

    def _from_note(self, title: str, label: str) -> nodes.paragraph:
        para = nodes.paragraph(classes=[FROM_NOTE_CLASS])
        before, _sep, after = _("The assessment's section “{title}” is {label}.").partition(
            "{label}"
        )
        para += nodes.Text(before.format(title=title))
        ref = addnodes.pending_xref(
            "",
            nodes.inline(label, label),
            refdomain="std",
            reftype="ref",
            reftarget=label,
            refexplicit=False,
            refwarn=False,
            refdoc=self.docname,
        )
        self.set_source_info(ref)
        para += ref
        para += nodes.Text(after.format(title=title))
        return para


@contextmanager
def headings_kept_in(directive: AssessmentDirective, container: nodes.Element) -> Iterator[None]:
    """Keep the sections of the content parsed in the block inside *container*.

    Given content with headings, MyST appends each new section to the page's section
    of the level above, wherever the directive is: the sub-headings and everything
    after the first of them left the block (the assessment kept only what came
    before it, silently). So the page's sections (and the document) around the
    directive are watched while it parses, and what they gained is moved into
    *container*, in order, as reStructuredText nests it.
    """
    current = getattr(getattr(directive.state, "inliner", None), "parent", None)
    if not type(directive.state).__module__.startswith("myst_parser") or current is None:
        yield
        return
    holders = []
    while current is not None:
        if isinstance(current, nodes.section | nodes.document):
            holders.append((current, len(current.children)))
        current = current.parent
    yield
    escaped: list[nodes.Node] = []
    for holder, count in holders:
        escaped.extend(holder.children[count:])
        del holder[count:]
    escaped.sort(key=lambda node: node.line or 0)
    container.extend(escaped)


# -- content for the assembled assessment --------------------------------------------------------


def from_section(env: BuildEnvironment, obj: AssessmentObject) -> tuple[str, nodes.Element] | None:
    """The docname and a copy of the section *obj* takes ``:from:``, or None.

    A section on the same page as its ``assessment-section`` (as ``import`` writes
    them) was kept with the object when the page was read (:func:`_keep_same_page`);
    one on another page is read back from that page.
    """
    model: SectionContribution = obj.model
    if model.from_label is None:
        return None
    if obj.body is not None:
        holder = nodes.section()
        holder.extend(obj.body.content())
        return obj.docname, holder
    return labelled_section(env, model.from_label)


def labelled_section(env: BuildEnvironment, label: str) -> tuple[str, nodes.Element] | None:
    """The docname and element a ``std`` label points at, or None."""
    labels = env.domains["std"].labels
    target = labels.get(label)
    if target is None:
        return None
    docname, labelid = target[0], target[1]
    if not docname or docname not in env.all_docs:
        return None
    element = get_domain(env).element(docname, labelid)
    return (docname, element) if element is not None else None


def assembly_placeholders(root: nodes.Element) -> list[ja_placeholder]:
    """The assembled assessment's placeholders under *root* (``joint-assessment`` blocks)."""
    return [
        node for node in root.findall(ja_placeholder) if node.get("kind") == ASSEMBLY_PLACEHOLDER
    ]


def contribution_content(env: BuildEnvironment, obj: AssessmentObject) -> list[nodes.Node] | None:
    """Copies of what *obj* contributes: its body, or the labelled section without its title.

    Content taken ``:from:`` a section leaves out what belongs elsewhere: the sentence
    an ``assessment-section`` directive shows in place (it speaks to readers of the
    docs, not of the assessment), and the parts of the section that are contributed
    to other outline keys, which the assessment shows under their own headings.
    Either way the assembled assessment itself is left out, if the content holds it
    (a ``:from:`` label on the page of the ``joint-assessment`` block): that is
    reported where it is written, and a copy holding it would copy the assessment
    into itself.
    """
    model: SectionContribution = obj.model
    if model.from_label is None:
        content = obj.body.content() if obj.body is not None else []
        for node in content:
            if isinstance(node, nodes.Element):
                for held in assembly_placeholders(node):
                    if held.parent is not None:
                        held.parent.remove(held)
        return [node for node in content if not _is_assembly(node)]
    found = from_section(env, obj)
    if found is None:
        return None
    _docname, element = found
    fresh = obj.body is not None  # copies made for this call: no need to copy them again
    elsewhere = _contributed_elsewhere(env, obj.id)
    content = []
    for child in element.children:
        if isinstance(child, nodes.title) or _belongs_elsewhere(child, elsewhere):
            continue
        copy = child if fresh else child.deepcopy()
        if isinstance(copy, nodes.Element):
            for inner in list(copy.findall(nodes.Element)):
                parent = inner.parent
                if (
                    inner is not copy
                    and parent is not None
                    and _belongs_elsewhere(inner, elsewhere)
                ):
                    parent.remove(inner)
        content.append(copy)
    return content


def _contributed_elsewhere(env: BuildEnvironment, key: str) -> set[str]:
    """Ids of the sections that other outline keys take ``:from:``."""
    labels = env.domains["std"].labels
    ids = set()
    for other in get_domain(env).objects(KIND):
        label = other.model.from_label
        if other.id != key and label and label in labels:
            ids.add(labels[label][1])
    return ids


def _is_assembly(node: nodes.Node) -> bool:
    return isinstance(node, ja_placeholder) and node.get("kind") == ASSEMBLY_PLACEHOLDER


def _belongs_elsewhere(node: nodes.Node, elsewhere: set[str]) -> bool:
    if not isinstance(node, nodes.Element):
        return False
    if _is_assembly(node):  # the assessment itself: see contribution_content
        return True
    classes = node.get("classes", [])
    if FROM_NOTE_CLASS in classes or "ja-section" in classes:
        return True
    return isinstance(node, nodes.section) and not elsewhere.isdisjoint(node["ids"])


def _keep_same_page(app: Sphinx, doctree: nodes.document) -> None:
    """Keep, with each ``:from:`` section, the labelled section it takes from its own page.

    The assembled assessment then copies it from there instead of reading the whole
    page back (an imported assessment takes 30 sections from the page its blocks are
    on). A label on another page is read back when needed; a page read again keeps
    its sections again, so nothing kept is stale.
    """
    env = app.env
    wanted = {
        str(obj.model.from_label): obj
        for obj in get_domain(env).read_on(env.current_document.docname, KIND)
        if obj.model.from_label
    }
    if not wanted:
        return
    for element in doctree.findall(nodes.section):
        for name in element["names"]:
            obj = wanted.pop(name, None)
            if obj is not None:
                obj.body = Body(element, keep_ids=True)
                obj.body.freeze()


def _from_sources(env: BuildEnvironment) -> set[str]:
    labels = env.domains["std"].labels
    sources = set()
    for obj in get_domain(env).objects(KIND):
        label = obj.model.from_label
        if label and label in labels:
            sources.add(labels[label][0])
    return sources


def _rewrite_when_sources_change(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """A page read again may be the ``:from:`` source of the assembled assessment."""
    domain = get_domain(env)
    if domain.data["reread"] & _from_sources(env):
        return domain.summary_docs()
    return []


def setup_section(app: Sphinx) -> None:
    add_assessment_directive(app, "assessment-section", AssessmentSectionDirective)
    # after bodies' own pass, which makes block content safe: a labelled section is the
    # project's own page, shown there as written
    app.connect("doctree-read", _keep_same_page, priority=600)
    app.connect("env-get-updated", _rewrite_when_sources_change)
