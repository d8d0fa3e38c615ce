"""Structural validation of loaded YAML against a small JSON Schema, with file lines.

An interchange file the build reads (a SECURITY-INSIGHTS file) is checked against
its published schema, shipped as JSON Schema data in ``schema/``, so that a problem
names the key and the line of the file, as every other YAML problem does. The
extension does not depend on a JSON Schema library: only the keywords those schema
files use are understood (``$ref`` to ``#/$defs``, ``type``, ``properties``,
``required``, ``additionalProperties: false``, ``items``, ``minItems``,
``pattern``, ``enum``), and the tests validate the same files with ``jsonschema``
to show both agree. A schema using another keyword is refused when it is loaded.
"""

from __future__ import annotations

import datetime
import functools
import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

from .problems import Code
from .values import parse_iso_date
from .yamlsafe import LineDict, LineList

#: the keywords :func:`validate` understands; the others are documentation
_UNDERSTOOD = frozenset(
    {
        "$ref",
        "type",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "minItems",
        "pattern",
        "enum",
    }
)
_ANNOTATIONS = frozenset({"$schema", "$id", "$defs", "$comment", "title", "description"})
#: a definition whose values are calendar dates (``#Date`` in CUE): checked as real dates
DATE_DEFINITION = "Date"
#: at most this many problems per file, then one that says how many more there are
MAX_PROBLEMS = 50

_TYPE_NAMES = {
    "object": "a mapping",
    "array": "a list",
    "string": "text",
    "boolean": "true or false",
    "number": "a number",
    "integer": "a whole number",
}


@dataclass(frozen=True, slots=True)
class SchemaProblem:
    code: Code
    message: str
    #: 1-based line in the file, ``None`` for the document as a whole
    line: int | None


@functools.cache
def load_schema(name: str) -> dict[str, Any]:
    """A schema of ``sphinx_jointassessment/schema``, checked to use known keywords only."""
    text = resources.files("sphinx_jointassessment").joinpath("schema", name).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    _check_keywords(schema, top=True)
    return schema


def _check_keywords(schema: dict[str, Any], *, top: bool = False) -> None:
    unknown = set(schema) - _UNDERSTOOD - (_ANNOTATIONS if top else _ANNOTATIONS - {"$defs"})
    if unknown:
        raise ValueError(f"schema keywords not understood: {sorted(unknown)}")
    for sub in schema.get("$defs", {}).values():
        _check_keywords(sub)
    for sub in schema.get("properties", {}).values():
        _check_keywords(sub)
    if isinstance(schema.get("items"), dict):
        _check_keywords(schema["items"])


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "text"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, datetime.date):
        return "a date"
    return type(value).__name__


def _is_type(value: Any, name: str) -> bool:
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    if name == "string":
        return isinstance(value, str)
    if name == "boolean":
        return isinstance(value, bool)
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return False


def _line(container: Any, key: Any, fallback: int | None) -> int | None:
    if isinstance(container, LineDict):
        return container.line_of(key)
    if isinstance(container, LineList) and isinstance(key, int):
        return container.line_of(key)
    return getattr(container, "line", fallback)


class _Validator:
    def __init__(self, root: dict[str, Any], codes: dict[str, Code], where: str) -> None:
        self.defs: dict[str, Any] = root.get("$defs", {})
        self.codes = codes
        self.where = where
        self.problems: list[SchemaProblem] = []

    def add(self, code: Code, path: str, message: str, line: int | None) -> None:
        """One problem: ``si.yml: header.url: ...`` (``the file`` for the document)."""
        self.problems.append(
            SchemaProblem(code, f"{self.where}: {path or 'the file'}{message}", line)
        )

    @staticmethod
    def join(path: str, key: str | int) -> str:
        if isinstance(key, int):
            return f"{path}[{key}]"
        return f"{path}.{key}" if path else key

    def check(
        self,
        value: Any,
        schema: dict[str, Any],
        path: str,
        line: int | None,
        code: Code = Code.SCHEMA,
    ) -> None:
        ref = schema.get("$ref")
        if ref is not None:
            name = ref.removeprefix("#/$defs/")
            code = self.codes.get(name, code)
            if name == DATE_DEFINITION and isinstance(value, datetime.date):
                value = value.isoformat()  # YAML 1.1 reads an unquoted date as one
            self.check(value, self.defs[name], path, line, code)
            if name == DATE_DEFINITION and isinstance(value, str):
                _day, reason = parse_iso_date(value)
                if reason is not None and not self._failed_pattern(value, self.defs[name]):
                    self.add(Code.BAD_DATE, path, f": {reason}", line)
            return
        expected = schema.get("type")
        if expected is not None and not _is_type(value, expected):
            shown = _TYPE_NAMES.get(expected, expected)
            self.add(Code.SCHEMA, path, f" must be {shown}, not {_kind(value)}", line)
            return
        if "enum" in schema and value not in schema["enum"]:
            choices = ", ".join(map(str, schema["enum"]))
            self.add(Code.SCHEMA, path, f": {_short(value)} is not one of {choices}", line)
        if isinstance(value, str) and self._failed_pattern(value, schema):
            self.add(code, path, f": {_short(value)} {_pattern_reason(code)}", line)
        if isinstance(value, dict):
            self.check_mapping(value, schema, path, line)
        elif isinstance(value, list):
            self.check_list(value, schema, path, line)

    @staticmethod
    def _failed_pattern(value: str, schema: dict[str, Any]) -> bool:
        pattern = schema.get("pattern")
        return pattern is not None and re.search(pattern, value) is None

    def check_mapping(
        self, value: dict[Any, Any], schema: dict[str, Any], path: str, line: int | None
    ) -> None:
        properties: dict[str, Any] = schema.get("properties", {})
        own_line = getattr(value, "line", line)
        for key in schema.get("required", ()):
            if key not in value:
                self.add(Code.SCHEMA, path, f": missing required key {key!r}", own_line)
        closed = schema.get("additionalProperties") is False
        for key, item in value.items():
            key_line = _line(value, key, own_line)
            if key in properties:
                self.check(item, properties[key], self.join(path, key), key_line)
            elif closed:
                known = ", ".join(properties)
                self.add(
                    Code.SCHEMA, path, f": unknown key {_short(key)} (known: {known})", key_line
                )

    def check_list(
        self, value: list[Any], schema: dict[str, Any], path: str, line: int | None
    ) -> None:
        own_line = getattr(value, "line", line)
        minimum = schema.get("minItems")
        if minimum is not None and len(value) < minimum:
            self.add(Code.SCHEMA, path, f" must list at least {minimum} item(s)", own_line)
        items = schema.get("items")
        if isinstance(items, dict):
            for index, item in enumerate(value):
                self.check(item, items, self.join(path, index), _line(value, index, own_line))


def _pattern_reason(code: Code) -> str:
    if code is Code.BAD_URL:
        return "is not an http or https URL"
    if code is Code.BAD_DATE:
        return "is not a date in the form YYYY-MM-DD"
    return "is not in the expected form"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:60] + f"...({len(text)} characters)"


def validate(
    data: Any, schema: dict[str, Any], *, where: str, codes: dict[str, Code] | None = None
) -> list[SchemaProblem]:
    """Problems of *data* (loaded by ``yamlsafe``) against *schema*, at most :data:`MAX_PROBLEMS`.

    *where* names the document in messages (its file name); *codes* gives the check
    code of a value of a named definition that does not match (``URL``: ``bad-url``).
    """
    validator = _Validator(schema, codes or {}, where)
    validator.check(data, schema, "", getattr(data, "line", None))
    problems = validator.problems
    if len(problems) > MAX_PROBLEMS:
        more = len(problems) - MAX_PROBLEMS
        problems = [
            *problems[:MAX_PROBLEMS],
            SchemaProblem(Code.SCHEMA, f"{where}: {more} more problem(s) not listed", None),
        ]
    return problems
