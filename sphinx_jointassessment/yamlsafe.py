"""Safe YAML for block bodies and ``:file:`` files.

Block text is untrusted: a page may come from a pull request. So YAML is read
with PyYAML's safe loader only, after a size check, with a limit on nesting and
on how far aliases expand (a "billion laughs" body stays a few hundred bytes but
expands to millions of nodes), and duplicate keys are refused instead of the
last one silently winning. Mappings and sequences keep the line of each key and
item, so a schema problem can name the exact line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader, ReaderError
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from .problems import Code

#: more nested than this is not a hand-written assessment
MAX_DEPTH = 40
#: nodes a document may expand to once aliases are followed
MAX_EXPANDED_NODES = 100_000
#: half of a UTF-16 surrogate pair, which a ``\\u`` escape can make but UTF-8 cannot hold
_SURROGATE = re.compile("[\ud800-\udfff]")
_TAG_PREFIX = "tag:yaml.org,2002:"
_INT, _FLOAT, _STR = (_TAG_PREFIX + name for name in ("int", "float", "str"))
#: what a constructor raises on a value that matches its tag's pattern but is not one
#: (``2024-02-30``, ``!!int abc``, an integer of more than 4300 digits...)
_CONSTRUCTOR_ERRORS = (ValueError, TypeError, KeyError, AttributeError, OverflowError)


class YamlProblem(Exception):
    """A body that cannot be used, with the check code and the 1-based line in the body."""

    def __init__(self, code: Code, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line


class LineDict(dict[Any, Any]):
    """A mapping that remembers the line of itself and of each key (1-based)."""

    line: int = 1
    key_lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list[Any]):
    """A sequence that remembers the line of itself and of each item (1-based)."""

    line: int = 1
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        if 0 <= index < len(self.item_lines):
            return self.item_lines[index]
        return self.line


class _LimitedComposer(Composer):
    """Composer that bounds nesting depth while the node graph is built."""

    _depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark  # type: ignore[attr-defined]  # Parser's, mixed in
                raise YamlProblem(
                    Code.INPUT_TOO_LARGE,
                    f"YAML nested deeper than {MAX_DEPTH} levels",
                    mark.line + 1,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _Resolver(Resolver):
    """YAML 1.1's resolver without base 60: ``1:30`` is the text "1:30", not 90.

    YAML 1.1 reads digits separated by colons as a base-60 number (``1:30`` is 90,
    ``10:30`` is 630): an author who wrote a time or a ratio would see another number
    submitted, without a word. YAML 1.2 dropped the rule; so do we, and a score
    written so is a ``bad-score`` at its line instead of a silent 90.
    """

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        tag = super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
        if tag in (_INT, _FLOAT) and ":" in value:
            return _STR
        return tag


def _bad_scalar(node: Node, exc: Exception) -> str:
    """Why a value whose tag was resolved (or given) cannot be constructed."""
    kind = node.tag.removeprefix(_TAG_PREFIX)
    value = node.value if isinstance(node.value, str) else ""
    shown = repr(value if len(value) <= 40 else value[:40] + "...")
    if kind == "int" and isinstance(exc, ValueError) and len(value) > 4300:
        return f"an integer of {len(value)} digits is too long (at most 4300)"
    if kind == "timestamp":
        return f"{shown} is not a real date (quote it to write it as text)"
    return f"{shown} is not a valid {kind} (quote it to write it as text)"


class _LineConstructor(SafeConstructor):
    """Safe constructor building :class:`LineDict`/:class:`LineList` and refusing duplicates."""

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        """The value of *node*; one that its constructor refuses is a problem at its line.

        PyYAML resolves ``2024-02-30`` as a date and ``!!int abc`` as an integer, then
        its constructors raise plain Python errors on them: each would stop the build.
        """
        try:
            return super().construct_object(node, deep=deep)
        except _CONSTRUCTOR_ERRORS as exc:
            raise YamlProblem(
                Code.YAML_ERROR, f"invalid YAML: {_bad_scalar(node, exc)}", node.start_mark.line + 1
            ) from None

    def construct_yaml_int(self, node: ScalarNode) -> int:
        if ":" in str(node.value):  # only with an explicit !!int: see _Resolver
            raise ValueError("base 60")
        return int(super().construct_yaml_int(node))

    def construct_yaml_float(self, node: ScalarNode) -> float:
        if ":" in str(node.value):
            raise ValueError("base 60")
        return float(super().construct_yaml_float(node))

    def construct_yaml_map(self, node: MappingNode) -> Any:
        data = LineDict()
        data.line = node.start_mark.line + 1
        data.key_lines = {}
        yield data
        self.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise YamlProblem(
                    Code.YAML_ERROR,
                    "a mapping key must be a plain value",
                    key_node.start_mark.line + 1,
                ) from None
            if key in data.key_lines:
                raise YamlProblem(
                    Code.YAML_ERROR,
                    f"duplicate key {key!r} (also given "
                    f"{key_node.start_mark.line + 1 - data.key_lines[key]} line(s) above)",
                    key_node.start_mark.line + 1,
                )
            data.key_lines[key] = key_node.start_mark.line + 1
            data[key] = self.construct_object(value_node, deep=True)

    def construct_yaml_str(self, node: ScalarNode) -> str:
        """A string; ``\\u`` escapes of a surrogate pair (as JSON writes them) are joined.

        YAML reads each ``\\uD83D`` escape as a character of its own, and a lone
        surrogate cannot be written as UTF-8: it would make writing the output fail.
        """
        value = str(self.construct_scalar(node))
        if _SURROGATE.search(value):
            try:
                value = value.encode("utf-16", "surrogatepass").decode("utf-16")
            except UnicodeDecodeError:
                raise YamlProblem(
                    Code.YAML_ERROR,
                    "invalid YAML: a \\u escape names half of a surrogate pair "
                    "(write the character, or \\U and its 8 hex digits)",
                    node.start_mark.line + 1,
                ) from None
        return value

    def construct_yaml_seq(self, node: SequenceNode) -> Any:
        data = LineList()
        data.line = node.start_mark.line + 1
        data.item_lines = [child.start_mark.line + 1 for child in node.value]
        yield data
        data.extend(self.construct_object(child, deep=True) for child in node.value)


_LineConstructor.add_constructor(_INT, _LineConstructor.construct_yaml_int)  # type: ignore[type-var]
_LineConstructor.add_constructor(_FLOAT, _LineConstructor.construct_yaml_float)  # type: ignore[type-var]
_LineConstructor.add_constructor("tag:yaml.org,2002:str", _LineConstructor.construct_yaml_str)  # type: ignore[type-var]
_LineConstructor.add_constructor("tag:yaml.org,2002:map", _LineConstructor.construct_yaml_map)  # type: ignore[type-var]
_LineConstructor.add_constructor("tag:yaml.org,2002:seq", _LineConstructor.construct_yaml_seq)  # type: ignore[type-var]


class _Loader(Reader, Scanner, Parser, _LimitedComposer, _LineConstructor, _Resolver):
    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        _LimitedComposer.__init__(self)
        _LineConstructor.__init__(self)
        _Resolver.__init__(self)


try:  # libyaml, when PyYAML was built with it (its wheels are)
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - a PyYAML without libyaml: _Loader alone
    _CParser = object  # type: ignore[misc,assignment]
    HAVE_LIBYAML = False
else:
    HAVE_LIBYAML = True


class _FastLoader(_LimitedComposer, _CParser, _LineConstructor, _Resolver):
    """:class:`_Loader` with libyaml's scanner and parser, several times faster.

    Only the events come from libyaml: composing (with the depth limit), resolving
    and constructing are the same Python code, so the result, lines included, is
    the same. A body it does not load is read again by :class:`_Loader`, so every
    problem is reported exactly as before (see :func:`load_yaml`).
    """

    def __init__(self, stream: str) -> None:
        _CParser.__init__(self, stream)
        _LimitedComposer.__init__(self)
        _LineConstructor.__init__(self)
        _Resolver.__init__(self)


class _CComposingLoader(_CParser, _LineConstructor, _Resolver):
    """:class:`_FastLoader` whose node graph is composed by libyaml as well.

    Used only for text whose nesting is bounded (:func:`_nesting_bound`); the
    depth limit is then checked on the finished graph by :func:`_too_deep`.
    """

    def __init__(self, stream: str) -> None:
        _CParser.__init__(self, stream)
        _LineConstructor.__init__(self)
        _Resolver.__init__(self)


#: what libyaml and the pure-Python loader may read differently: characters the reader
#: refuses, tabs, other line breaks, a byte-order mark, directives, tags and "?" starting
#: a token, a comment right after a block scalar's "|" or ">". Bodies with any of them
#: take the pure-Python loader alone (tests/test_yamlsafe_fast.py compares the two).
_FAST_UNSAFE = re.compile(
    Reader.NON_PRINTABLE.pattern
    + r"|[\t\r\x85\u2028\u2029\ufeff]|^%|(?:^|[\s\[\]{},:])[!?]|[|>][-+0-9]*#",
    re.MULTILINE,
)


def _fast_path_safe(text: str) -> bool:
    """Whether libyaml reads *text* as the pure-Python loader does (see ``_FAST_UNSAFE``)."""
    if _FAST_UNSAFE.search(text) is not None:
        return False
    # inside flow collections they disagree on "?" within plain scalars
    return not ("?" in text and ("[" in text or "{" in text))


#: libyaml composes recursively in C: it is only given bodies that cannot nest deeper
#: than this (see :func:`_nesting_bound`), far below what the C stack holds
_C_COMPOSE_MAX_NESTING = 2_000


def _nesting_bound(text: str) -> int:
    """An upper bound of how deep *text* can nest, computed from the text alone.

    Take the line where the deepest node starts. Its block ancestors that start on
    earlier lines start at smaller columns, or at the same column for a sequence
    under a mapping key: at most two per column of the line's indent. Those that
    start on the line itself each follow an indicator (``-`` or ``:``; ``?`` keys
    never reach here). Flow ancestors each need a bracket. Counting every ``-``
    and ``:`` on the line, and every bracket of the text, can only overestimate.
    """
    widest = 0
    for line in text.splitlines():
        indent = len(line) - len(line.lstrip(" "))
        widest = max(widest, 2 * (indent + 1) + line.count("-") + line.count(":"))
    return widest + text.count("[") + text.count("{") + 2


def _too_deep(root: Node) -> bool:
    """Whether the node graph nests deeper than :data:`MAX_DEPTH` (aliases followed)."""
    stack: list[tuple[Node, int]] = [(root, 1)]
    seen: set[tuple[int, int]] = set()  # a node shared by aliases is walked once per depth
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        if (id(node), depth) in seen:
            continue
        seen.add((id(node), depth))
        if isinstance(node, SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, MappingNode):
            for key_node, value_node in node.value:
                stack.append((key_node, depth + 1))
                stack.append((value_node, depth + 1))
    return False


def _load_fast(text: str) -> Any:
    """The value of *text* read with libyaml; any problem raises (the caller falls back).

    Where the text cannot nest deeply, libyaml composes the node graph too (in C),
    and the depth limit is checked on the graph afterwards; otherwise composing is
    :class:`_LimitedComposer`'s, which stops at the limit while it reads.
    """
    bound = _nesting_bound(text)
    shallow = bound <= _C_COMPOSE_MAX_NESTING
    loader = _CComposingLoader(text) if shallow else _FastLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if shallow and bound > MAX_DEPTH and _too_deep(node):
            raise YamlProblem(Code.INPUT_TOO_LARGE, "nested too deeply", None)
        # without "*" there is no alias, so the graph is no larger than the text
        if "*" in text and _expanded_size(node) > MAX_EXPANDED_NODES:
            raise YamlProblem(Code.INPUT_TOO_LARGE, "aliases expand too far", None)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _expanded_size(root: Node) -> int:
    """Count the nodes of *root* with every alias followed, stopping at the limit."""
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()

    def size(node: Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in in_progress:
            raise YamlProblem(Code.INPUT_TOO_LARGE, "YAML alias refers to itself", None)
        in_progress.add(key)
        total = 1
        if isinstance(node, SequenceNode):
            for child in node.value:
                total += size(child)
                if total > MAX_EXPANDED_NODES:
                    break
        elif isinstance(node, MappingNode):
            for key_node, value_node in node.value:
                total += size(key_node) + size(value_node)
                if total > MAX_EXPANDED_NODES:
                    break
        in_progress.discard(key)
        sizes[key] = min(total, MAX_EXPANDED_NODES + 1)
        return sizes[key]

    if isinstance(root, ScalarNode):
        return 1
    return size(root)


@dataclass(frozen=True, slots=True)
class YamlLimits:
    max_bytes: int


def load_yaml(text: str, limits: YamlLimits) -> Any:
    """Parse *text* safely; raise :class:`YamlProblem` with a code and a body line."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limits.max_bytes:
        raise YamlProblem(
            Code.INPUT_TOO_LARGE,
            f"body is {size} bytes, over the limit of {limits.max_bytes} "
            "(jointassessment_max_input_bytes)",
            None,
        )
    if HAVE_LIBYAML and _fast_path_safe(text):
        try:
            return _load_fast(text)
        except Exception:
            pass  # the pure-Python loader below reports every problem, as it always has
    try:
        # the reader checks every character when it is built: a control character
        # in a body is a YAML error at its line, not an exception
        loader = _Loader(text)
    except ReaderError as exc:
        char = exc.character
        shown = f"#x{char:04x}" if isinstance(char, int) else repr(char)
        raise YamlProblem(
            Code.YAML_ERROR,
            f"invalid YAML: character {shown} is not allowed",
            text[: exc.position].count("\n") + 1,
        ) from None
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _expanded_size(node) > MAX_EXPANDED_NODES:
            raise YamlProblem(
                Code.INPUT_TOO_LARGE,
                f"YAML aliases expand to more than {MAX_EXPANDED_NODES} nodes",
                None,
            )
        return loader.construct_document(node)
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        reason = exc.problem or exc.context or "invalid YAML"
        raise YamlProblem(Code.YAML_ERROR, f"invalid YAML: {reason}", line) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(Code.YAML_ERROR, f"invalid YAML: {exc}", None) from None
    except RecursionError:
        raise YamlProblem(Code.INPUT_TOO_LARGE, "YAML nested too deeply", None) from None
    finally:
        loader.dispose()
