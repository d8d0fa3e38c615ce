"""Assessment outlines: which sections an assessment has, in which order, at which level.

The CNCF templates change now and then, and a project may follow its own variant,
so the outlines are data (``outlines/joint.yaml``, ``outlines/self.yaml``) rather
than code. Everything that walks an assessment (the ``assessment-section`` check,
the assembled document, the builder, ``init`` and ``import``) asks an
:class:`Outline` instead of knowing the template itself.

Outlines are read once and then trusted by all of that code, so :func:`load_outline`
validates strictly and fails with an :class:`OutlineError` that names the file, the
line and the section key at fault: a typo in a user's outline must be caught when
the build starts, not show up as a missing section much later. This module imports
nothing from Sphinx so that the command line and the tests can use it alone.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, ScalarNode

if TYPE_CHECKING:
    import os
    from collections.abc import Iterator

__all__ = [
    "BUILTIN_OUTLINES",
    "GENERATED_KINDS",
    "Outline",
    "OutlineError",
    "OutlineSection",
    "extra_id",
    "load_outline",
    "normalize_title",
]

#: Outlines shipped in the package, loadable by name.
BUILTIN_OUTLINES: Final = ("joint", "self")

#: What the extension can fill in by itself, as named by a section's ``generated`` (one
#: part, or a list of parts filled in that order): ``metadata`` the Metadata table,
#: ``metadata-links`` the Security links table (both from ``assessment-metadata``),
#: ``threat-matrices`` every threat matrix, ``threats`` every threat of the catalogue,
#: ``data-flows`` every data-flow diagram, ``attack-risks`` the attack-risk table,
#: ``risk-map`` the likelihood x impact grid of rated risks and threats,
#: ``closed-issues`` the closed-issue list (or the template's "no closed issues"
#: sentence), ``hands-on`` the hands-on assessment statement, details, findings and result;
#: ``project-recommendations`` and ``cncf-recommendations`` the reviewers' recommendations
#: to that audience, in a section that the project does not write itself.
GENERATED_KINDS: Final = frozenset(
    {
        "metadata",
        "metadata-links",
        "threat-matrices",
        "threats",
        "data-flows",
        "attack-risks",
        "risk-map",
        "closed-issues",
        "hands-on",
        "project-recommendations",
        "cncf-recommendations",
    }
)

#: The one placeholder that titles and fixed text may hold.
PROJECT_PLACEHOLDER: Final = "{project}"

#: A user's outline larger than this is not an outline; refuse rather than parse it.
MAX_OUTLINE_BYTES: Final = 1024 * 1024

_TOP_REQUIRED: Final = ("name", "title", "toc_title", "output", "sections")
_SECTION_REQUIRED: Final = ("key", "title", "level", "required", "guidance")
_SECTION_OPTIONAL: Final = ("generated", "text", "contributable", "aliases")

_KEY_RE: Final = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)*")
_NAME_RE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_BRACES_RE: Final = re.compile(r"[{}]")


class OutlineError(ValueError):
    """An outline file that cannot be used.

    The message says what is wrong and where: the file (and line, when known) and
    the key of the section at fault, so it can be shown to the user as it is.
    """


@dataclass(frozen=True, slots=True)
class OutlineSection:
    """One section of an outline: a heading of the assembled assessment.

    ``title`` is the heading exactly as the template writes it, because the
    assembled Markdown must look like the template to CNCF reviewers; ``aliases``
    are other spellings found in published assessments, so :meth:`Outline.match_title`
    can map an existing document's headings onto the outline.
    """

    #: dotted identifier users write in ``assessment-section`` (``overview.goal``)
    key: str
    #: heading text, as in the CNCF template
    title: str
    #: Markdown heading level in the assembled document, whose title is level 1
    level: int
    #: whether a missing contribution is a ``missing-section`` problem
    required: bool
    #: one line telling the author what to write, shown where the section is missing
    guidance: str
    #: what the extension fills in here by itself, in order (of :data:`GENERATED_KINDS`)
    generated: tuple[str, ...]
    #: fixed template text (Markdown, with ``{project}``) rendered before contributions
    text: str | None
    #: whether ``assessment-section`` may contribute content to this key
    contributable: bool
    #: other headings that mean this section, for :meth:`Outline.match_title`
    aliases: tuple[str, ...] = ()

    @property
    def parent_key(self) -> str | None:
        """The key this one extends (``overview`` for ``overview.goal``), if dotted."""
        head, dot, _tail = self.key.rpartition(".")
        return head if dot else None

    def render_text(self, project: str) -> str | None:
        """The fixed text with the project's name in place of ``{project}``.

        Plain replacement, not :meth:`str.format`: a project name or fixed text with
        other braces must never make a build raise.
        """
        if self.text is None:
            return None
        return self.text.replace(PROJECT_PLACEHOLDER, project)


@dataclass(frozen=True, slots=True)
class Outline:
    """An assessment outline: its title, table-of-contents heading and sections in order.

    Look-ups by key and by title are indexed once at construction because every
    page of every build asks them.
    """

    #: outline name (``joint``, ``self`` or a user's own)
    name: str
    #: document title (level 1), with ``{project}``
    title: str
    #: heading of the generated table of contents (level 2), as in the template
    toc_title: str
    #: base name of the builder's output files (``joint-assessment``.md/.json)
    output: str
    #: the sections, in document order
    sections: tuple[OutlineSection, ...]
    _by_key: dict[str, OutlineSection] = field(init=False, repr=False, compare=False, hash=False)
    _by_title: dict[str, OutlineSection] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        by_key: dict[str, OutlineSection] = {}
        by_title: dict[str, OutlineSection] = {}
        for section in self.sections:
            if section.key in by_key:
                raise OutlineError(f"outline {self.name!r}: duplicate section key {section.key!r}")
            by_key[section.key] = section
            for spelling in (section.title, *section.aliases):
                other = by_title.setdefault(normalize_title(spelling), section)
                if other is not section:
                    raise OutlineError(
                        f"outline {self.name!r}: section {section.key!r}: title or alias "
                        f"{spelling!r} also names section {other.key!r}"
                    )
        object.__setattr__(self, "_by_key", by_key)
        object.__setattr__(self, "_by_title", by_title)

    def get(self, key: str) -> OutlineSection | None:
        """The section with this key, or None."""
        return self._by_key.get(key)

    def keys(self) -> frozenset[str]:
        """Every section key of the outline."""
        return frozenset(self._by_key)

    def match_title(self, heading: str) -> OutlineSection | None:
        """The section a heading of an existing document stands for, or None.

        Real assessments spell headings loosely ("## **1. Attacker motivations:**",
        "Security Functions & Features"), so the comparison ignores what does not
        change the meaning; see :func:`normalize_title`.
        """
        return self._by_title.get(normalize_title(heading))

    def generated_section(self, kind: str) -> OutlineSection | None:
        """The section that the generated part *kind* goes into, or None."""
        for section in self.sections:
            if kind in section.generated:
                return section
        return None

    def document_title(self, project: str) -> str:
        """The document title with the project's name (plain replacement, see above)."""
        return self.title.replace(PROJECT_PLACEHOLDER, project)


# --- title matching ---------------------------------------------------------------

_ATX_OPEN: Final = re.compile(r"^#{1,6}(?:\s+|$)")
_ATX_CLOSE: Final = re.compile(r"\s+#+$")
_LINK: Final = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_EMPHASIS: Final = re.compile(r"[*`~]+|(?<![0-9A-Za-z])_+|_+(?![0-9A-Za-z])")
_NUMBERING: Final = re.compile(r"^\(?(?:\d+(?:\.\d+)*[.)]?|[A-Za-z][.)]|(?i:[ivxlc]+)[.)])\s+")
_DASHES: Final = re.compile(r"[-\u2010\u2011\u2012\u2013\u2014]+")
_SLASH: Final = re.compile(r"\s*/\s*")
_TRAILING: Final = ".:;,"


def extra_id(key: str, title: str) -> str:
    """The id of an extra section titled *title* of outline section *key* (``key/slug``).

    Extra sections (``assessment-section`` with ``:extra:``) are the document's own;
    the id names the section they belong to and their title, so two with one title
    under one section are one id (and reported as contributed twice).
    """
    slug = re.sub(r"[^a-z0-9]+", "-", title.casefold()).strip("-") or "extra"
    return f"{key}/{slug}"


def normalize_title(heading: str) -> str:
    """A heading reduced to what identifies it, for comparing headings loosely.

    Drops Markdown heading marks, links (keeping their text), emphasis and code
    marks, leading numbering ("1.", "2.3", "A.", "iv)"), trailing ":" "." ";" ",",
    case, and differences of whitespace; reads "&" as "and", hyphens and dashes as
    spaces ("Set-Up" = "Set up"), and ignores spaces around "/".
    """
    text = heading.strip().replace("&amp;", "&").replace("\u2019", "'")
    text = _ATX_CLOSE.sub("", _ATX_OPEN.sub("", text))
    text = _LINK.sub(r"\1", text)
    text = _EMPHASIS.sub("", text).strip()
    text = _NUMBERING.sub("", text)
    text = text.replace("&", " and ")
    text = _DASHES.sub(" ", text)
    text = " ".join(text.split()).rstrip(_TRAILING).strip()
    text = _SLASH.sub("/", text)
    return " ".join(text.casefold().split())


# --- loading ----------------------------------------------------------------------


class _LineDict(dict[Any, Any]):
    """A mapping that remembers the (1-based) line it starts on, for messages."""

    line: int = 0


class _NoDuplicateKeys(SafeConstructor):
    """Refuses duplicate keys instead of keeping the last one.

    A duplicated ``required:`` in a hand-edited outline would otherwise pass
    silently with whichever value came last.
    """

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _value_node in node.value:
            if isinstance(key_node, ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                key = self.construct_object(key_node, deep=True)
                if isinstance(key, str | int | float | bool | None) and key in seen:
                    raise ConstructorError(
                        "while reading a mapping",
                        node.start_mark,
                        f"found duplicate key {key!r}",
                        key_node.start_mark,
                    )
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _construct_line_dict(loader: _StrictLoader, node: MappingNode) -> Iterator[_LineDict]:
    data = _LineDict()
    data.line = node.start_mark.line + 1
    yield data
    data.update(loader.construct_mapping(node))


class _StrictLoader(_NoDuplicateKeys, yaml.SafeLoader):
    """PyYAML's safe loader, refusing duplicate keys."""


class _StrictCLoader(_NoDuplicateKeys, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """:class:`_StrictLoader` on libyaml, for the built-in outlines (ours, read every build)."""


for _loader in (_StrictLoader, _StrictCLoader):
    _loader.add_constructor("tag:yaml.org,2002:map", _construct_line_dict)


def load_outline(
    name_or_path: str | os.PathLike[str], base_dir: str | os.PathLike[str] | None = None
) -> Outline:
    """Load a built-in outline by name, or a user's outline file by path.

    A name in :data:`BUILTIN_OUTLINES` loads the file shipped in the package (cached:
    it is loaded on every build). Anything else is a path to a YAML file in the same
    format, relative to *base_dir* (the Sphinx configuration folder) when not
    absolute. Raises :class:`OutlineError` for a missing, unreadable or invalid file.
    """
    if isinstance(name_or_path, str) and name_or_path in BUILTIN_OUTLINES:
        return _load_builtin(name_or_path)
    path = Path(name_or_path)
    if base_dir is not None and not path.is_absolute():
        path = Path(base_dir) / path
    shown = str(path)
    try:
        if not path.is_file():
            raise OutlineError(
                f"outline {str(name_or_path)!r} is neither a built-in outline "
                f"({', '.join(BUILTIN_OUTLINES)}) nor an existing file ({shown})"
            )
        size = path.stat().st_size
        if size > MAX_OUTLINE_BYTES:
            raise OutlineError(f"{shown}: outline file is {size} bytes, over {MAX_OUTLINE_BYTES}")
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise OutlineError(f"{shown}: cannot read outline file: {exc}") from None
    except UnicodeDecodeError as exc:
        raise OutlineError(f"{shown}: outline file is not UTF-8: {exc}") from None
    return parse_outline(text, shown)


@functools.lru_cache(maxsize=len(BUILTIN_OUTLINES))
def _load_builtin(name: str) -> Outline:
    resource = resources.files("sphinx_jointassessment").joinpath("outlines", f"{name}.yaml")
    text = resource.read_text(encoding="utf-8")
    return parse_outline(text, f"{name}.yaml (built-in)", loader=_StrictCLoader)


def parse_outline(
    text: str, source: str, *, loader: type[yaml.SafeLoader] | None = None
) -> Outline:
    """Parse and validate the YAML text of an outline; *source* names it in messages."""
    try:
        data = yaml.load(text, Loader=loader or _StrictLoader)  # SafeLoader subclasses
    except yaml.YAMLError as exc:
        raise OutlineError(f"{source}: not valid YAML: {exc}") from None
    return _Validator(source).outline(data)


class _Validator:
    """Turns loaded YAML into an :class:`Outline`, failing on the first problem."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: Any, message: str) -> OutlineError:
        line = getattr(where, "line", 0)
        location = f"{self.source}:{line}" if line else self.source
        return OutlineError(f"{location}: {message}")

    def outline(self, data: Any) -> Outline:
        if not isinstance(data, dict):
            raise self.fail(None, f"an outline must be a mapping, not {_kind(data)}")
        self.check_keys(data, "outline", _TOP_REQUIRED, ())
        name = self.string(data, "name", "outline", pattern=_NAME_RE)
        title = self.string(data, "title", "outline", placeholder=True)
        toc_title = self.string(data, "toc_title", "outline")
        output = self.string(data, "output", "outline", pattern=_NAME_RE)
        raw_sections = data["sections"]
        if not isinstance(raw_sections, list) or not raw_sections:
            raise self.fail(data, "outline: 'sections' must be a non-empty list of sections")
        sections = self.sections(raw_sections, data)
        try:
            return Outline(name, title, toc_title, output, sections)
        except OutlineError as exc:
            raise self.fail(data, str(exc)) from None

    def sections(self, raw: list[Any], parent: Any) -> tuple[OutlineSection, ...]:
        result: list[OutlineSection] = []
        keys: set[str] = set()
        generated_by: dict[str, str] = {}
        previous_level = 1  # the document title
        for index, item in enumerate(raw, start=1):
            if not isinstance(item, dict):
                raise self.fail(parent, f"section #{index} must be a mapping, not {_kind(item)}")
            section = self.section(item, index)
            where = f"section {section.key!r}"
            if section.key in keys:
                raise self.fail(item, f"{where}: duplicate section key")
            keys.add(section.key)
            if section.level > previous_level + 1:
                raise self.fail(
                    item,
                    f"{where}: level {section.level} jumps from level {previous_level} of the "
                    f"previous {'section' if result else 'document title'}; "
                    "a heading may go at most one level deeper",
                )
            previous_level = section.level
            for part in section.generated:
                if part in generated_by:
                    raise self.fail(
                        item,
                        f"{where}: generated part {part!r} already goes into "
                        f"section {generated_by[part]!r}",
                    )
                generated_by[part] = section.key
            if (
                section.required
                and not section.contributable
                and not section.generated
                and section.text is None
            ):
                raise self.fail(
                    item,
                    f"{where}: required, but nothing can fill it (not contributable, "
                    "not generated, no text)",
                )
            result.append(section)
        return tuple(result)

    def section(self, item: dict[Any, Any], index: int) -> OutlineSection:
        raw_key = item.get("key")
        where = f"section {raw_key!r}" if isinstance(raw_key, str) else f"section #{index}"
        self.check_keys(item, where, _SECTION_REQUIRED, _SECTION_OPTIONAL)
        key = self.string(item, "key", where, pattern=_KEY_RE)
        where = f"section {key!r}"
        title = self.string(item, "title", where)
        level = item["level"]
        if not isinstance(level, int) or isinstance(level, bool):
            raise self.fail(item, f"{where}: 'level' must be an integer, not {_kind(level)}")
        if not 2 <= level <= 6:
            raise self.fail(item, f"{where}: 'level' must be from 2 to 6, not {level}")
        required = self.boolean(item, "required", where, None)
        guidance = item["guidance"]
        if not isinstance(guidance, str):
            raise self.fail(item, f"{where}: 'guidance' must be a string, not {_kind(guidance)}")
        raw_generated = item.get("generated")
        parts = [raw_generated] if isinstance(raw_generated, str) else raw_generated or []
        if not isinstance(parts, list) or any(part not in GENERATED_KINDS for part in parts):
            raise self.fail(
                item,
                f"{where}: unknown 'generated' value {raw_generated!r} "
                f"(known: {', '.join(sorted(GENERATED_KINDS))}, a list of them, or null)",
            )
        if len(set(parts)) != len(parts):
            raise self.fail(item, f"{where}: 'generated' names a part twice")
        generated = tuple(parts)
        text = item.get("text")
        if text is not None:
            if not isinstance(text, str) or not text.strip():
                raise self.fail(item, f"{where}: 'text' must be a non-empty string or null")
            self.check_placeholders(item, where, "text", text)
            text = text.strip("\n").rstrip()
        contributable = self.boolean(item, "contributable", where, True)
        aliases = item.get("aliases", [])
        if not isinstance(aliases, list) or not all(
            isinstance(alias, str) and alias.strip() and "\n" not in alias for alias in aliases
        ):
            raise self.fail(item, f"{where}: 'aliases' must be a list of one-line strings")
        return OutlineSection(
            key=key,
            title=title,
            level=level,
            required=required,
            guidance=" ".join(guidance.split()),
            generated=generated,
            text=text,
            contributable=contributable,
            aliases=tuple(alias.strip() for alias in aliases),
        )

    def check_keys(
        self,
        data: dict[Any, Any],
        where: str,
        required: tuple[str, ...],
        optional: tuple[str, ...],
    ) -> None:
        known = (*required, *optional)
        for key in data:
            if key not in known:
                raise self.fail(data, f"{where}: unknown key {key!r} (known: {', '.join(known)})")
        for key in required:
            if key not in data:
                raise self.fail(data, f"{where}: missing key {key!r}")

    def string(
        self,
        data: dict[Any, Any],
        key: str,
        where: str,
        *,
        pattern: re.Pattern[str] | None = None,
        placeholder: bool = False,
    ) -> str:
        value = data[key]
        if not isinstance(value, str) or not value.strip():
            raise self.fail(
                data, f"{where}: {key!r} must be a non-empty string, not {_kind(value)}"
            )
        value = value.strip()
        if "\n" in value:
            raise self.fail(data, f"{where}: {key!r} must be on one line")
        if pattern is not None and not pattern.fullmatch(value):
            raise self.fail(
                data, f"{where}: {key!r} value {value!r} does not match {pattern.pattern}"
            )
        if placeholder:
            self.check_placeholders(data, where, key, value)
        return value

    def check_placeholders(self, data: Any, where: str, key: str, value: str) -> None:
        """Only ``{project}`` may appear in braces, so no renderer can trip on a brace."""
        if _BRACES_RE.search(value.replace(PROJECT_PLACEHOLDER, "")):
            raise self.fail(
                data, f"{where}: {key!r} may hold no braces other than the placeholder {{project}}"
            )

    def boolean(self, data: dict[Any, Any], key: str, where: str, default: bool | None) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(data, f"{where}: {key!r} must be true or false, not {_kind(value)}")
        return value


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return f"a number ({value!r})"
    if isinstance(value, str):
        return f"a string ({value!r})" if len(value) < 40 else "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__
