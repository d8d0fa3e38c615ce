"""The base of every assessment directive: problems, YAML bodies and recording.

Each feature's directive parses its block into a typed model, validates the
model, records it in the ``ja`` domain and renders it. What they share lives
here: reporting a problem at the right line, reading a YAML body or ``:file:``
safely, and adding an object with its anchor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import make_id

from .config import AssessmentConfig, get_config
from .domain import AssessmentObject, JointAssessmentDomain, get_domain
from .paths import read_source_text, resolve_source_file
from .problems import Code, Problem, emit
from .yamlsafe import YamlLimits, YamlProblem, load_yaml

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sphinx.application import Sphinx


class YamlSource:
    """Where a YAML body came from, to turn a body line into a file line."""

    def __init__(self, first_line: int | None, path: str | None) -> None:
        #: document line of the body's first line (None for a ``:file:``)
        self.first_line = first_line
        #: file relative to the source folder, for a ``:file:``
        self.path = path


class AssessmentDirective(SphinxDirective):
    """Shared behaviour of the ``ja`` directives."""

    #: the block's own problems, kept so ``run`` can decide to render anyway
    _problems: list[Problem]

    @property
    def ja_config(self) -> AssessmentConfig:
        return get_config(self.env)

    @property
    def domain(self) -> JointAssessmentDomain:
        return get_domain(self.env)

    @property
    def docname(self) -> str:
        return self.env.current_document.docname

    # -- problems ---------------------------------------------------------------------

    def report(
        self, code: Code, message: str, *, line: int | None = None, source: YamlSource | None = None
    ) -> None:
        """Warn about this block. *line* is a line of the YAML body when *source* is given."""
        path = None
        lineno: int | None = self.lineno
        if source is not None and line is not None:
            if source.path is not None:
                path, lineno = source.path, line
            elif source.first_line is not None:
                lineno = source.first_line + line - 1
        elif line is not None:
            lineno = line
        prefix = f"{self.name} {self.arguments[0]!r}: " if self.arguments else f"{self.name}: "
        problem = Problem(code, prefix + message, self.docname, lineno, path)
        if not hasattr(self, "_problems"):
            self._problems = []
        self._problems.append(problem)
        self.domain.add_problem(problem)
        emit(self.env, problem)

    @property
    def problems(self) -> list[Problem]:
        return getattr(self, "_problems", [])

    def error_node(self) -> list[nodes.Node]:
        """What a block too broken to render shows: a visible, escaped note."""
        para = nodes.paragraph()
        para += nodes.strong(text=f"{self.name}: ")
        para += nodes.Text("this block has problems and is not rendered; see the build warnings.")
        return [nodes.container("", para, classes=["ja-problem"])]

    def body_first_line(self) -> int:
        """The document line of the body's first line, in rST and in MyST alike.

        docutils gives ``content_offset`` as a 0-based line of the document; MyST
        gives it relative to the directive's opening line.
        """
        if type(self.state).__module__.startswith("myst_parser"):
            return int(self.lineno + self.content_offset + 1)
        return int(self.content_offset + 1)

    # -- YAML ---------------------------------------------------------------------------

    def read_yaml(self) -> tuple[Any, YamlSource] | None:
        """The YAML of the body or of ``:file:``; ``None`` (and a problem) when unusable."""
        limits = YamlLimits(self.ja_config.max_input_bytes)
        filename = self.options.get("file")
        source: YamlSource | None = None
        try:
            if filename is not None:
                if not filename.strip():
                    self.report(Code.SCHEMA, ":file: names no file")
                    return None
                if self.content:
                    self.report(Code.SCHEMA, "give either a body or :file:, not both")
                    return None
                real, shown = resolve_source_file(self.env, self.docname, filename)
                self.env.note_dependency(str(real))
                source = YamlSource(None, shown)
                text = read_source_text(real, shown, limits.max_bytes)
            else:
                source = YamlSource(self.body_first_line(), None)
                text = "\n".join(self.content)
            return load_yaml(text, limits), source
        except YamlProblem as exc:
            self.report(exc.code, exc.message, line=exc.line, source=source)
            return None

    # -- recording ------------------------------------------------------------------------

    def make_anchor(self, kind: str, obj_id: str) -> str:
        return make_id(self.env, self.state.document, f"ja-{kind}", obj_id) or f"ja-{kind}"

    def record(
        self,
        kind: str,
        obj_id: str,
        title: str,
        model: Any,
        anchor: str,
        body: nodes.Element | None = None,
    ) -> AssessmentObject:
        obj = AssessmentObject(kind, obj_id, title, self.docname, self.lineno, anchor, model, body)
        self.domain.add_object(obj)
        return obj

    def object_container(
        self,
        kind: str,
        obj_id: str | None,
        title: str,
        model: Any,
        classes: list[str],
        body: nodes.Element | None = None,
    ) -> nodes.container:
        """The block's container: recorded with its anchor when it has an id.

        A block without an id (already reported) is still shown, but nothing can
        link to it and no table lists it.
        """
        if obj_id:
            anchor = self.make_anchor(kind, obj_id)
            self.record(kind, obj_id, title, model, anchor, body)
            return self.target_section(anchor, classes)
        container = nodes.container(classes=classes)
        self.set_source_info(container)
        return container

    def target_section(self, anchor: str, classes: Iterable[str]) -> nodes.container:
        """A container carrying the object's anchor, noted as an explicit target."""
        container = nodes.container(classes=list(classes))
        container["ids"].append(anchor)
        self.set_source_info(container)
        self.state.document.note_explicit_target(container)
        return container


def add_assessment_directive(app: Sphinx, name: str, directive: type[SphinxDirective]) -> None:
    """Register *name* both bare and as ``ja:NAME`` (SPEC §1)."""
    app.add_directive(name, directive)
    app.add_directive_to_domain("ja", name, directive)


# -- anchors in LaTeX ------------------------------------------------------------------------


class ja_latex_anchor(nodes.General, nodes.Element):  # type: ignore[misc]  # docutils naming
    """The ids of a block or a matrix cell, as LaTeX labels.

    LaTeX writes no label for the ids of a container or a table cell, where our
    anchors are, so the links to risks, findings and cells would point nowhere
    in the PDF. :class:`LatexAnchors` puts one of these first in each such element.
    """


def _visit_latex_anchor(self: Any, node: nodes.Element) -> None:
    self.body.append(self.hypertarget_to(node, anchor=True))
    raise nodes.SkipNode


def _skip_anchor(self: Any, node: nodes.Element) -> None:
    raise nodes.SkipNode


class LatexAnchors(SphinxPostTransform):
    """For LaTeX only: a label for each anchor held by a container or a table cell."""

    default_priority = 900
    builders = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for element in list(self.document.findall(nodes.container)) + list(
            self.document.findall(nodes.entry)
        ):
            ids = [ident for ident in element["ids"] if ident.startswith("ja-")]
            if ids:
                element.insert(0, ja_latex_anchor(ids=ids))


def setup_latex_anchors(app: Sphinx) -> None:
    skip = (_skip_anchor, None)
    app.add_node(
        ja_latex_anchor,
        latex=(_visit_latex_anchor, None),
        html=skip,
        text=skip,
        man=skip,
        texinfo=skip,
    )
    app.add_post_transform(LatexAnchors)
