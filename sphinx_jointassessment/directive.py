"""The base of every assessment directive: problems, YAML bodies and recording.

Each feature's directive parses its block into a typed model, validates the
model, records it in the ``ja`` domain and renders it. What they share lives
here: reporting a problem at the right line, reading a YAML body or ``:file:``
safely, and adding an object with its anchor (:class:`AssessmentDirective`); and
the whole ``run()`` of a titled object with options and a markup body, such as
``finding`` or ``attack-risk`` (:class:`ObjectDirective`), as sphinx-design
factors its directives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import make_id

from .bodies import block_too_large, parse_body
from .body import Body
from .citations import cited_by_placeholder, is_cited_kind
from .config import AssessmentConfig, get_config
from .domain import AssessmentObject, JointAssessmentDomain, get_domain
from .i18n import TITLE_OF, _, translatable_text
from .paths import read_source_text, resolve_source_file
from .placeholders import make_placeholder, numbered_id_placeholder
from .problems import Code, Problem, emit
from .values import choice, option_text, slugify
from .yamlsafe import YamlLimits, YamlProblem, load_yaml

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from sphinx.application import Sphinx
    from sphinx.util.typing import OptionSpec

    from .kinds import Kind
    from .problems import BlockProblem


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
        para += nodes.Text(
            _("this block has problems and is not rendered; see the build warnings.")
        )
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

    def make_anchor(self, kind: Kind, obj_id: str) -> str:
        return make_id(self.env, self.state.document, f"ja-{kind}", obj_id) or f"ja-{kind}"

    def record(
        self,
        kind: Kind,
        obj_id: str,
        title: str,
        model: Any,
        anchor: str,
        body: nodes.Element | None = None,
        number_as: str | None = None,
    ) -> AssessmentObject:
        """Add the object to the domain; *body* is copied wherever the object is shown.

        *number_as* (``T-{n}``) gives a block written without an id its id in document
        order; see :attr:`.AssessmentObject.number_as`.
        """
        stored = Body(body) if body is not None else None
        obj = AssessmentObject(
            kind, obj_id, title, self.docname, self.lineno, anchor, model, stored, number_as
        )
        self.domain.add_object(obj)
        return obj

    def object_container(
        self,
        kind: Kind,
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

    def offer_title(self, container: nodes.Element, title: str) -> None:
        """The title the user wrote, in the object's heading, offered for translation.

        The heading (``heading_paragraph``) reads "<id>: <title>", its title last; the
        title becomes a node of its own that ``gettext`` offers and ``Locale``
        translates, marked with the object's anchor so that the domain learns the
        title as the page shows it (tables on other pages show the same).
        """
        if not title:
            return
        for heading in container.findall(nodes.paragraph):
            if "ja-object-title" not in heading["classes"]:
                continue
            strong = heading.next_node(nodes.strong)
            last = strong.children[-1] if strong is not None and strong.children else None
            if not isinstance(last, nodes.Text) or not last.endswith(title):
                return
            strong.remove(last)
            if last[: -len(title)]:
                strong += nodes.Text(last[: -len(title)])
            anchor = container["ids"][0] if container["ids"] else None
            strong += translatable_text(title, self.get_source_info(), title_of=anchor)
            return

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


class TitledModel(Protocol):
    """What :class:`ObjectDirective` needs of a model: its id and title."""

    @property
    def id(self) -> str: ...

    @property
    def title(self) -> str: ...


M = TypeVar("M", bound=TitledModel)


class ObjectDirective(AssessmentDirective, Generic[M]):
    """``.. NAME:: <title>`` with options and a markup body: one object of :attr:`kind`.

    The shared ``run()``: refuse a block over the size limit, parse the title and
    options into the model (:meth:`parse`), report the problems at the block, parse
    the body as normal markup, record the object (when it has an id) and show it
    (:meth:`render`). A feature names its kind, options and classes and gives the two
    methods; everything else is the same for every kind.
    """

    required_arguments = 1
    final_argument_whitespace = True
    has_content = True

    #: the kind of object each block records
    kind: ClassVar[Kind]
    #: the option names; values are read as plain text and checked by :meth:`parse`, so a
    #: bad value is our warning at the block rather than docutils' error
    option_names: ClassVar[Sequence[str]] = ()
    option_spec: ClassVar[OptionSpec] = {}
    #: the class of the body's container (``ja-finding-notes``...)
    body_class: ClassVar[str]
    #: the id of a block written without one, ``{n}`` numbered in document order over
    #: the project (``T-{n}``); ``None`` when the id is required
    numbered_id: ClassVar[str | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.option_spec = dict.fromkeys(cls.option_names, directives.unchanged)

    def parse(self, title: str, options: Mapping[str, Any]) -> tuple[M, list[BlockProblem]]:
        """The model of the block and the problems of its options (pure)."""
        raise NotImplementedError

    def classes(self, model: M) -> list[str]:
        """Classes of the block's container (the kind's, and its severity's or status's)."""
        return [f"ja-{self.kind}"]

    def render(self, model: M, body: nodes.Element) -> list[nodes.Node]:
        """The object shown in place: heading, fields, then the body."""
        raise NotImplementedError

    #: the anchor of a block numbered in document order (its id is known when written)
    numbered_anchor: str | None = None

    def shown_id(self, model: M) -> nodes.Node | None:
        """The block's id as text, or what stands for a numbered id until the page is written."""
        if model.id:
            return nodes.Text(model.id)
        if self.numbered_anchor is not None:
            return numbered_id_placeholder(self, self.numbered_anchor)
        return None

    def number_as(self, model: M) -> str | None:
        """The id template of a block written without an id (default: :attr:`numbered_id`)."""
        return self.numbered_id

    def parse_markup(self) -> nodes.container:
        """The body parsed as normal markup (a feature may prepare nested blocks for it)."""
        return parse_body(self, [self.body_class])

    def complete(self, model: M, body: nodes.Element) -> M:
        """The model with what only the parsed body tells (the default: as it is)."""
        return model

    def run(self) -> list[nodes.Node]:
        if block_too_large(self):
            return self.error_node()
        model, problems = self.parse(self.arguments[0], self.options)
        for problem in problems:
            self.report(problem.code, problem.message)
        body = self.parse_markup()
        model = self.complete(model, body)
        classes = self.classes(model)
        number_as = self.number_as(model)
        if not model.id and number_as is not None:
            anchor = make_id(self.env, self.state.document, f"ja-{self.kind}")
            self.record(self.kind, "", model.title, model, anchor, body, number_as)
            container = self.target_section(anchor, classes)
            self.numbered_anchor = anchor
        else:
            container = self.object_container(
                self.kind, model.id, model.title, model, classes, body
            )
        container.extend(self.render(model, body))
        self.offer_title(container, model.title)
        if container["ids"] and is_cited_kind(self.kind):
            container += cited_by_placeholder(self, self.kind, container["ids"][0])
        return [container]


Y = TypeVar("Y")


class YamlObjectDirective(AssessmentDirective, Generic[Y]):
    """``.. NAME:: <title>`` whose body, or ``:file:``, is YAML: one object of :attr:`kind`.

    The shared ``run()`` of a threat matrix or a data-flow diagram: the id from
    ``:name:`` (or the slug of the title), the YAML read safely, the problems reported
    at their line of the body or file, the object recorded and shown. A feature gives
    :meth:`parse_yaml` and :meth:`render`.
    """

    required_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec: ClassVar[OptionSpec] = {
        # plain text: an empty value is our problem at the block, not docutils' error
        "name": directives.unchanged,
        "file": directives.unchanged,
        "class": directives.class_option,
    }
    #: the kind of object each block records
    kind: ClassVar[Kind]
    #: the class of the block's container
    block_class: ClassVar[str]

    def title(self) -> str:
        return str(self.arguments[0]).strip()

    def parse_yaml(
        self, data: Any, obj_id: str, title: str, source: YamlSource
    ) -> tuple[Y | None, list[BlockProblem]]:
        """The model of the loaded YAML and every problem found (pure but for *source*)."""
        raise NotImplementedError

    def render(self, model: Y) -> list[nodes.Node]:
        raise NotImplementedError

    def run(self) -> list[nodes.Node]:
        title = self.title()
        obj_id = (self.options.get("name") or "").strip() or slugify(title)
        loaded = self.read_yaml()
        if loaded is None:
            return self.error_node()
        data, source = loaded
        model, problems = self.parse_yaml(data, obj_id, title, source)
        for problem in problems:
            self.report(problem.code, problem.message, line=problem.line, source=source)
        if model is None:
            return self.error_node()
        anchor = self.make_anchor(self.kind, obj_id)
        self.record(self.kind, obj_id, title, model, anchor)
        container = self.target_section(anchor, [self.block_class])
        container += self.render(model)
        caption = container.next_node(nodes.title)
        if caption is not None and caption.astext() == title:
            caption[TITLE_OF] = anchor  # translated as any caption: see offer_title
        return [container]


class FilteredTableDirective(AssessmentDirective):
    """A table of objects from every page, optionally filtered by one option.

    ``.. recommendations-table::`` with ``:audience: cncf``, ``.. security-issues-table::``
    with ``:state: open``: the value is checked against :attr:`filter_values` (a bad one
    is reported and the table lists everything) and kept on the placeholder, whose
    renderer reads it with ``node.get(filter_option)``.
    """

    has_content = False
    #: the placeholder kind
    kind: ClassVar[str]
    filter_option: ClassVar[str]
    filter_values: ClassVar[Sequence[str]]
    #: the code of a value outside :attr:`filter_values`
    filter_code: ClassVar[Code] = Code.SCHEMA

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.option_spec = {cls.filter_option: directives.unchanged}

    def run(self) -> list[nodes.Node]:
        attributes: dict[str, str] = {}
        text = option_text(self.options, self.filter_option)
        if text is not None:
            value = choice(text, self.filter_values)
            if value is None:
                self.report(
                    self.filter_code,
                    f":{self.filter_option}: {text!r} is not one of "
                    f"{', '.join(self.filter_values)}",
                )
            else:
                attributes[self.filter_option] = value
        return [make_placeholder(self, self.kind, **attributes)]
