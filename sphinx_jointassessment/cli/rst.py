"""reStructuredText syntax: headings, directives and inline text that docutils reads back exactly.

Small on purpose: every function returns lines that docutils parses without a
system message whatever the text holds (backticks, pipes, a leading colon, wide
characters), which is what "builds without errors" needs.
"""

from __future__ import annotations

import re

from ..urls import scheme_colons
from .mdparse import display_width

#: adornment of each heading level: level 1 has an overline as well
_ADORNMENTS = {1: "=", 2: "=", 3: "-", 4: "~", 5: "^", 6: '"'}
_SPECIAL = re.compile(r"([\\*`_|])")
#: text is escaped, so a line starting with one of these starts with markup
_MARKUP_STARTS = ("`", "*", "|img-", ":ref:`")
_LINE_START = re.compile(r"^(?:[^\w\s]|\w{1,3}[.)](?:\s|$))")


def escape(text: str) -> str:
    """Text that docutils shows as it is (no emphasis, literal, reference or substitution).

    docutils links a bare URL of any scheme it knows, ``javascript:`` and ``data:``
    included, so the colon of every scheme the URL policy would not link is
    escaped too: the text stays text (:func:`..urls.scheme_colons`).
    """
    text = _SPECIAL.sub(r"\\\1", text)
    parts, last = [], 0
    for position in scheme_colons(text):
        parts += [text[last:position], "\\"]
        last = position
    return "".join([*parts, text[last:]])


def escape_line_start(line: str) -> str:
    """A paragraph line that must not start a list, a field, a comment or a heading."""
    stripped = line.lstrip()
    if stripped.startswith(_MARKUP_STARTS):  # inline markup the converter wrote, not text
        return line
    if stripped and _LINE_START.match(stripped) and not stripped.startswith("\\"):
        indent = line[: len(line) - len(stripped)]
        return f"{indent}\\{stripped}"
    return line


def rst_heading(title: str, level: int) -> list[str]:
    """A section title (*title* already inline rST) at *level* (1 has an overline)."""
    title = " ".join(title.split()) or "\\ "
    char = _ADORNMENTS.get(level, '"')
    rule = char * max(display_width(title) + 2, 4)
    return [rule, title, rule] if level == 1 else [title, rule]


def option_value(value: str) -> str:
    return " ".join(value.split())


def guard_body(lines: list[str]) -> list[str]:
    """A body whose first line docutils would read as an option: escape the colon."""
    lines = list(lines)
    for index, line in enumerate(lines):
        if line.strip():
            if line.lstrip().startswith(":"):
                stripped = line.lstrip()
                lines[index] = line[: len(line) - len(stripped)] + "\\" + stripped
            break
    return lines


def rst_directive(
    name: str,
    argument: str = "",
    options: dict[str, str] | None = None,
    body: list[str] | tuple[str, ...] = (),
) -> list[str]:
    """``.. name:: argument`` with ``:key: value`` options and an indented body."""
    argument = " ".join(argument.split())
    lines = [f".. {name}:: {argument}".rstrip()]
    for key, value in (options or {}).items():
        lines.append(f"   :{key}: {option_value(value)}".rstrip())
    body = list(body)
    while body and not body[-1].strip():
        body.pop()
    while body and not body[0].strip():
        body.pop(0)
    if body:
        lines.append("")
        lines.extend(("   " + line).rstrip() for line in body)
    return lines


def indent(lines: list[str], width: int) -> list[str]:
    pad = " " * width
    return [(pad + line).rstrip() for line in lines]
