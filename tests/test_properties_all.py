"""Property tests of every directive, in rST and in MyST: no input makes a build fail.

For each family of directives, hypothesis writes pages of a few random blocks (the
same blocks in an rST page and in a MyST page): random arguments, known and unknown
options with random or hostile values, YAML bodies (structured, broken, hostile)
and markup bodies (links of every scheme, raw HTML, images, code, lists...). Each
example is built in-process with the html builder, then:

* the build never raises;
* every problem is a ``jointassessment`` warning with a SPEC §5 code and a
  ``file:line`` pointing into the file (see :func:`.check_warnings`); no docutils
  ERROR or SEVERE comes from one of our directives;
* no page holds a script, an event handler or a non-web URL;
* the assembled assessment (made in-process as the ``jointassessment`` builder
  makes it) has no raw HTML, no non-web link, unbroken tables and valid JSON;
  every Markdown of a family is also linted with the CNCF configuration.

``PROPERTY_EXAMPLES`` (an environment variable) raises the number of examples
for a long run (``PROPERTY_RANDOM=1`` for new examples each run); the default, 20 per
family, keeps the whole file near 30 seconds.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from .markdownlint import find_markdownlint, run_markdownlint
from .test_security_support import (
    CONF,
    assembled_outputs,
    build,
    check_html,
    check_json,
    check_markdown,
    check_tables,
    check_warnings,
    codes_at,
    warning_records,
    write_sources,
)

if TYPE_CHECKING:
    from pathlib import Path

EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", "20"))

# -- text ------------------------------------------------------------------------------------

HOSTILE = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "a | b",
    "a \\| b",
    "`tick`",
    "``x``",
    "[x](javascript:alert(1))",
    "**bold**",
    "\u202eevil\u202c",
    "\u2066iso\u2069 \u200f",
    "&amp; &lt; &#x3c;",
    "$x$ ~~y~~ #z",
    "- item",
    "1. one",
    "> quote",
    "---",
    "TODO",
    "[Project]",
    "https://example.org/x?a=1&b=2",
    "mailto:security@example.org",
    "R-1",
    "1",
    "x" * 300,
)
# one line of any text (an option value, a title), surrogates excluded
any_line = st.text(
    st.characters(
        blacklist_categories=("Cs",),
        blacklist_characters="\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029",
    ),
    max_size=40,
)
words = st.text(
    st.characters(min_codepoint=32, max_codepoint=0x17F, blacklist_characters="`\\"), max_size=30
)
text_value = st.one_of(st.sampled_from(HOSTILE), any_line, words)

# -- blocks ----------------------------------------------------------------------------------


@dataclass
class Block:
    name: str
    argument: str | None = None
    options: list[tuple[str, str]] = field(default_factory=list)
    #: markup body: fragments, each (rST lines, MyST lines)
    markup: list[tuple[list[str], list[str]]] = field(default_factory=list)
    #: YAML body lines (the same in rST and MyST)
    yaml_lines: list[str] | None = None
    prefix: str = ""


def _body(block: Block, myst: bool) -> list[str]:
    if block.yaml_lines is not None:
        lines = list(block.yaml_lines)
        if myst and lines and (lines[0].lstrip().startswith(":") or lines[0].startswith("---")):
            lines.insert(0, "# a YAML body may not open with ':' or '---' in MyST")
        return lines
    lines = []
    for rst, md in block.markup:
        part = md if myst else rst
        if part:
            if lines:
                lines.append("")
            lines.extend(part)
    if myst and lines and (lines[0].lstrip().startswith(":") or lines[0].startswith("---")):
        lines.insert(0, "Body.")
    return lines


def _one_line(text: str) -> str:
    return re.sub(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]", " ", text)


def render_rst(block: Block) -> str:
    head = f".. {block.prefix}{block.name}::"
    if block.argument is not None:
        head += f" {_one_line(block.argument)}"
    lines = [head.rstrip()]
    for name, value in block.options:
        lines.append(f"   :{name}: {_one_line(value)}".rstrip())
    body = _body(block, myst=False)
    if body:
        lines.append("")
        lines.extend(f"   {line}" if line.strip() else "" for line in body)
    return "\n".join(lines) + "\n"


def render_myst(block: Block) -> str:
    body = _body(block, myst=True)
    everything = "\n".join([*body, *(v for _, v in block.options)])
    longest = max((len(run) for run in re.findall(r"`+", everything)), default=0)
    fence = "`" * max(3, longest + 1)
    head = f"{fence}{{{block.prefix}{block.name}}}"
    if block.argument is not None:
        head += " " + _one_line(block.argument).replace("`", "'")
    lines = [head.rstrip()]
    for name, value in block.options:
        lines.append(f":{name}: {_one_line(value)}".rstrip())
    lines.extend(body)
    lines.append(fence)
    return "\n".join(lines) + "\n"


# markup fragments: (rST lines, MyST lines)
FRAGMENTS = (
    (["A link: `x <javascript:alert(1)>`_ and `y <https://example.org/a|b>`_."],
     ["A link: [x](javascript:alert(1)) and [y](https://example.org/a|b)."]),
    (["`d <data:text/html;base64,PHNjcmlwdD4=>`_ `v <vbscript:msgbox(1)>`_"],
     ["<data:text/html;base64,PHNjcmlwdD4=> <vbscript:msgbox(1)> [v](vbscript:msgbox(1))"]),
    ([".. raw:: html", "", "   <script>alert('raw')</script>"],
     ["<script>alert('raw')</script>"]),
    (["Inline :raw-html:`<img src=x onerror=alert(1)>` text."],
     ["Inline <img src=x onerror=alert(1)> text <!-- a comment -->."]),
    ([".. image:: javascript:alert(1)"], ["![x](javascript:alert(1))"]),
    ([".. image:: data:image/svg+xml,<svg onload=alert(1)>"],
     ["![y](data:image/svg+xml;base64,PHN2Zz4=)"]),
    (["``code | pipe``, ``<script>``, `ab|cd <https://example.org/>`_"],
     ["`code | pipe`, `<script>`, [ab|cd](https://example.org/)"]),
    (["- a | b", "- <b>c</b> & d", "- `e`"], ["- a | b", "- <b>c</b> & d", "- `e`"]),
    (["::", "", "   code <script>alert(1)</script>", "   | x |"],
     ["```", "code <script>alert(1)</script>", "| x |", "```"]),
    ([":ja:finding:`1` :ja:risk:`R-1` :ja:matrix:`nope` :ja:issue:`<x>`"],
     ["{ja:finding}`1` {ja:risk}`R-1` {ja:matrix}`nope` {ja:issue}`<x>`"]),
    ([".. controls::", "", "   * a <script>alert(1)</script>", "   * `c <javascript:x>`_"],
     ["```{controls}", "* a <script>alert(1)</script>", "* [c](javascript:x)", "```"]),
    ([".. note::", "", "   nested <script>alert(1)</script>"],
     ["```{note}", "nested <script>alert(1)</script>", "```"]),
    (["| a | b |", "|---|---|", "| 1 | 2 |"], ["| a | b |", "|---|---|", "| 1 | 2 |"]),
    (["Heading", "-------", "", "text"], ["# Heading", "", "text"]),
    (["TODO and [Project] and Flibble"], ["TODO and [Project] and Flibble"]),
    (["*unclosed emphasis and `unclosed"], ["*unclosed emphasis and `unclosed"]),
)  # fmt: skip


def _plain_fragment(text: str) -> tuple[list[str], list[str]]:
    line = _one_line(text).strip() or "text"
    if line.startswith((".. ", "::", "#", "```", "~~~", ":", "%", "---", "===", "(", "+++")):
        line = "x " + line
    return [line], [line]


markup_fragment = st.one_of(st.sampled_from(FRAGMENTS), text_value.map(_plain_fragment))
markup_body = st.lists(markup_fragment, max_size=4)


def options_strategy(known: dict[str, st.SearchStrategy[str]]) -> st.SearchStrategy:
    names = list(known)
    if not names:
        return st.lists(st.tuples(st.sampled_from(["bogus", "id"]), text_value), max_size=1)

    def value_for(name: str) -> st.SearchStrategy[tuple[str, str]]:
        return st.tuples(st.just(name), st.one_of(known[name], text_value))

    known_option = st.sampled_from(names).flatmap(value_for)
    unknown_option = st.tuples(st.sampled_from(["bogus", "Name", "ID", "x-y"]), text_value)
    return st.lists(st.one_of(known_option, known_option, known_option, unknown_option), max_size=6)


def vocab(*words: str) -> st.SearchStrategy[str]:
    return st.sampled_from(words)


FILES = vocab(
    "data/m.yaml", "data/bad.yaml", "data/latin1.yaml", "data/big.yaml", "data/link.yaml",
    "data/linkdir/m.yaml", "../outside.yaml", "/../outside.yaml", "/etc/passwd",
    "data", "nope.yaml", "data/sbom.json",
)  # fmt: skip
SBOMS = vocab(
    "data/sbom.json", "data/spdx.json", "data/link.json", "../outside.json", "data/latin1.yaml",
    "data/m.yaml", "https://example.org/sbom.json", "javascript:alert(1)", "data:,x", "nope.json",
)  # fmt: skip
URLS = vocab(
    "https://example.org/issues/1", "javascript:alert(1)", "JAVASCRIPT:alert(1)",
    "java\tscript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)",
    "mailto:security@example.org", "http://", "//evil.example/x", "https://example.org/a|b`c`",
    "https://example.org/<script>", "file:///etc/passwd", "ftp://example.org",
)  # fmt: skip
COMPONENT_NAMES = (
    "Server", "Agent", "A", "B", "<script>alert(1)</script>", "a|b", "`c`", "x\ny",
    "\u202eevil\u202c", "javascript:alert(1)", "**bold**", "[l](javascript:alert(1))",
    "1", "-", " spaced ",
)  # fmt: skip
LABELS = ("N/A", "NONE", "Mitigated", "Mitigated by TLS", "ESCAPE", "MITM", "<b>x</b>", "a|b", "")
SCORES = (0, 1, 57.5, 0.6825, -1, "12", "x", True, None, 1e309, float("nan"), "nan", [1], {"a": 1})


def broken_body(draw: st.DrawFn, templates: list[list[str]]) -> list[str] | None:
    """One time in five random lines, one in five a hand-written hostile body; else None."""
    kind = draw(st.sampled_from(["structured", "structured", "structured", "text", "template"]))
    if kind == "text":
        return draw(st.lists(any_line, min_size=1, max_size=5))
    if kind == "template":
        return draw(st.sampled_from(templates))
    return None


@st.composite
def matrix_yaml(draw: st.DrawFn) -> list[str]:
    """A threat-matrix body: structured (JSON flow or YAML block), broken or hostile."""
    broken = broken_body(
        draw,
        [
            ["components: [A]", "components: [B]", "cells: []"],
            [
                "a: &a [x, x, x, x, x, x, x, x, x, x]",
                "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]",
                "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]",
                "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]",
                "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d]",
            ],
            ["components: " + "[" * 50 + "]" * 50, "cells: []"],
            [
                "components: [A]",
                "cells: [{victim: A, attacker: A, label: !!python/object:os.system x}]",
            ],
            ["components: [A]", "cells: *nothing"],
            ["components: [A]", 'cells: [{victim: A, attacker: A, label: "\\x01\\u202e"}]'],
            ["- just", "- a list"],
            [
                "components: [A, A]",
                "cells: [{victim: A, attacker: A, entries: [], label: x}]",
            ],
            [
                "components: [A]",
                "cells:",
                "  - victim: A",
                "    attacker: A",
                "    label: x",
                "    label: y",
            ],
            [
                "components: [A]",
                "cells: [{victim: A, attacker: A, label: x, text: " + "y" * 5000 + "}]",
            ],
        ],
    )
    if broken is not None:
        return broken
    components = draw(st.lists(st.sampled_from(COMPONENT_NAMES), max_size=3, unique=True))
    pool = [*components, *draw(st.lists(st.sampled_from(COMPONENT_NAMES), max_size=1))]
    cells = []
    if pool:
        pairs = [(v, a) for v in pool for a in pool]
        chosen = draw(st.lists(st.sampled_from(pairs), max_size=len(pairs) + 1))
        for victim, attacker in chosen:
            cell: dict[str, object] = {"victim": victim, "attacker": attacker}
            if draw(st.booleans()):
                cell["label"] = draw(st.sampled_from(LABELS))
                cell["text"] = draw(text_value)
                if draw(st.booleans()):
                    cell["score"] = draw(st.sampled_from(SCORES))
            else:
                cell["entries"] = [
                    {"label": draw(st.sampled_from(LABELS)), "text": draw(text_value),
                     "score": draw(st.sampled_from(SCORES))}
                    for _ in range(draw(st.integers(0, 2)))
                ]  # fmt: skip
            if draw(st.booleans()):
                cell["notes"] = draw(st.lists(text_value, max_size=2))
            if draw(st.integers(0, 5)) == 0:
                cell["status"] = draw(st.sampled_from(["n/a", "possible", "bogus", 3]))
            if draw(st.integers(0, 6)) == 0:
                cell[draw(st.sampled_from(["extra", "Victim", "score"]))] = draw(text_value)
            cells.append(cell)
    data: dict[str, object] = {"components": components, "cells": cells}
    if draw(st.integers(0, 5)) == 0:
        del data[draw(st.sampled_from(["components", "cells"]))]
    data = json.loads(
        json.dumps(data, default=str).replace("NaN", '"nan"').replace("Infinity", '"inf"')
    )
    if draw(st.booleans()):
        text = json.dumps(data, ensure_ascii=draw(st.booleans()))
    else:
        text = yaml.safe_dump(data, allow_unicode=draw(st.booleans()), sort_keys=False, width=60)
    return text.splitlines()


ZONE_NAMES = ("Internet", "Cluster", "<b>z</b>", "a|b", "end", "%%{init}%%", "")
TRUSTS = ("trusted", "untrusted", "partly", "", 3, None, ["x"])
KINDS = ("actor", "process", "store", "pipe", "", None)


@st.composite
def data_flow_yaml(draw: st.DrawFn) -> list[str]:
    """A data-flow body: zones, components and flows, hostile names included, or broken."""
    broken = broken_body(
        draw,
        [
            ["components: [A]"],
            ["components: [{name: A}, {name: A}]", "flows: [{from: A, to: A}]"],
            ["zones: x", "components: {a: 1}", "flows: [1, 2]"],
            ["components: [{name: A, zone: nowhere, kind: pipe, colour: red}]"],
            ["flows: [{from: A, to: B}]"],
            ['components: [{name: "A"]; click A call alert(1)"}]'],
            ["components: [{name: !!python/object:os.system x}]"],
        ],
    )
    if broken is not None:
        return broken
    zones = [
        {"name": draw(st.sampled_from(ZONE_NAMES)), "trust": draw(st.sampled_from(TRUSTS))}
        for _ in range(draw(st.integers(0, 3)))
    ]
    names = draw(st.lists(st.sampled_from(COMPONENT_NAMES), min_size=1, max_size=4, unique=True))
    components = []
    for name in names:
        component: dict[str, object] = {"name": name}
        if zones and draw(st.booleans()):
            component["zone"] = draw(st.sampled_from([z["name"] for z in zones] + ["nowhere"]))
        if draw(st.booleans()):
            component["kind"] = draw(st.sampled_from(KINDS))
        components.append(component)
    pool = [*names, "Ghost"]
    flows = [
        {
            "from": draw(st.sampled_from(pool)),
            "to": draw(st.sampled_from(pool)),
            "label": draw(text_value),
            "data": draw(st.lists(text_value, max_size=2)),
        }
        for _ in range(draw(st.integers(0, 4)))
    ]
    data = {"zones": zones, "components": components, "flows": flows}
    if draw(st.booleans()):
        text = json.dumps(data, ensure_ascii=draw(st.booleans()), default=str)
    else:
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=60)
    return text.splitlines()


@st.composite
def links_yaml(draw: st.DrawFn) -> list[str]:
    """The security links body of assessment-metadata."""
    if draw(st.integers(0, 4)) == 0:
        return draw(st.lists(any_line, min_size=1, max_size=3))
    links = draw(st.dictionaries(text_value, st.one_of(URLS, text_value), max_size=3))
    if draw(st.integers(0, 5)) == 0:
        return ["Doc: https://example.org/a", "Doc: https://example.org/b"]
    text = yaml.safe_dump(links, allow_unicode=True, sort_keys=False) if links else ""
    return text.splitlines()


PEOPLE = st.one_of(
    vocab("Marina Moore (@mnm678)", "@hydai", "Ann Other", "Bad (@-x-)", "<script>(@x)",
          "Name (@a|b)", "[x](javascript:alert(1)) (@y)"),
    text_value,
)  # fmt: skip


@st.composite
def team_yaml(draw: st.DrawFn) -> list[str]:
    """The roles and conflicts body of assessment-team."""
    if draw(st.integers(0, 5)) == 0:
        return draw(st.lists(any_line, min_size=1, max_size=3))
    roles = ("reviewers", "lead-reviewer", "facilitator", "project-security-lead",
             "project-team", "auditors", "conflicts")  # fmt: skip
    data: dict[str, object] = {}
    for role in draw(st.lists(st.sampled_from(roles), max_size=5, unique=True)):
        if role == "conflicts":
            data[role] = [
                {"reviewer": draw(PEOPLE),
                 draw(st.sampled_from(["hard", "soft", "mild"])): draw(st.lists(text_value,
                                                                                max_size=2))}
                for _ in range(draw(st.integers(0, 2)))
            ]  # fmt: skip
        elif draw(st.booleans()):
            data[role] = draw(st.lists(PEOPLE, max_size=3))
        else:
            data[role] = draw(st.one_of(PEOPLE, st.integers(), st.none()))
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).splitlines() if data else []


def block(directive: str, **known: st.SearchStrategy[str]) -> st.SearchStrategy[Block]:
    """A block of directive *directive*: argument, options, and the body its kind takes."""
    takes_argument = directive in (
        "threat-matrix", "attack-risk", "finding", "closed-issue", "threat", "data-flow",
        "security-issue", "recommendation",
    )  # fmt: skip
    argument = (
        st.one_of(text_value, st.sampled_from(HOSTILE), st.none())
        if takes_argument
        else st.one_of(st.none(), st.none(), st.none(), text_value)
    )
    if directive == "assessment-section":
        argument = st.one_of(
            st.sampled_from(
                [
                    "overview.background",
                    "overview.goal",
                    "threat-model",
                    "metadata",
                    "security-analysis.attacker-motivations",
                    "overview.actors",
                    "nope",
                    "<script>",
                    "appendix.case-studies",
                ]
            ),
            text_value,
            st.none(),
        )
    if directive == "threat-matrix":
        body = st.one_of(matrix_yaml(), matrix_yaml(), st.none())
    elif directive == "data-flow":
        body = st.one_of(data_flow_yaml(), data_flow_yaml(), st.none())
    elif directive == "assessment-metadata":
        body = st.one_of(links_yaml(), st.none())
    elif directive == "assessment-team":
        body = st.one_of(team_yaml(), team_yaml(), st.none())
    elif directive in ("attack-risk-table", "findings-table", "closed-issues-table",
                       "security-issues-table", "recommendations-table", "joint-assessment",
                       "self-assessment", "threats-table"):  # fmt: skip
        body = st.one_of(
            st.none(), st.none(), st.none(), st.lists(any_line, min_size=1, max_size=2)
        )
    else:
        body = st.none()
    markup = (
        markup_body
        if directive
        in (
            "attack-risk",
            "finding",
            "hands-on-assessment",
            "closed-issue",
            "assessment-section",
            "threat",
            "controls",
            "security-issue",
            "recommendation",
            "assessment-summary",
        )
        else st.just([])
    )
    return st.builds(
        Block,
        name=st.just(directive),
        argument=argument,
        options=options_strategy(known),
        markup=markup,
        yaml_lines=body,
        prefix=st.sampled_from(["", "", "", "ja:"]),
    )


CVSS_VECTORS = (
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N",
    "CVSS:3.0/AV:L/AC:H/PR:H/UI:R/S:C/C:N/I:N/A:N",
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U/CR:H",
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",
    "CVSS:3.1/AV:N/AV:N",
    "CVSS:4.0/AV:X",
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N/",
    "AV:N/AC:L/Au:N/C:P/I:P/A:P",
    "CVSS:3.1/<script>alert(1)</script>",
)
LEVEL = vocab("low", "medium", "high", "HIGH", "critical", "")
BLOCKS = {
    "threat-matrix": block(
        "threat-matrix", name=st.one_of(vocab("m", "identity-theft", "M"), text_value),
        file=FILES, **{"class": vocab("a", "x y", "!!", "")},
    ),
    "attack-risk": block(
        "attack-risk", id=vocab("R-1", "R-2", "R-10", "<x>", ""), likelihood=LEVEL, impact=LEVEL,
        attacker=text_value,
        cells=vocab("m/A/A", "m/A/B; m/B/A", "m/<script>alert(1)</script>/A", "nope/x/y", "a/b",
                    ";", "m/a|b/A"),
    ),
    "attack-risk-table": block("attack-risk-table"),
    "finding": block(
        "finding", id=vocab("1", "2", "10", "1|2", "<img src=x onerror=alert(1)>", ""),
        reviewer=text_value, severity=vocab("high", "Critical", "informational", "bogus"),
        status=vocab("open", "fixed", "wontfix", "bogus"), issue=URLS,
        risks=vocab("R-1", "R-1, R-2", "R-1; nope", ","),
    ),
    "findings-table": block("findings-table"),
    "assessment-metadata": block(
        "assessment-metadata", software=URLS,
        **{"security-provider": vocab("yes", "No. Because.", "maybe", "")},
        languages=vocab("Go, Rust", "Go,,", "<script>alert(1)</script>", "a|b"),
        sbom=SBOMS, stage=vocab("incomplete", "complete", "bogus"),
        **{
            "security-insights": vocab(
                "data/si.yml", "data/si-bad.yml", "data/m.yaml", "data/latin1.yaml",
                "data/big.yaml", "../outside.yaml", "nope.yml", "data",
            ),
            "best-practices": vocab("1234", "0", "12a", "https://www.bestpractices.dev/projects/9"),
            "scorecard": vocab("github.com/a/b", "github.com/a", "javascript:alert(1)", "a|b"),
            "clomonitor": vocab("cncf/kestrel", "kestrel", "<x>/y", "cncf/k|x"),
        },
    ),
    "hands-on-assessment": block(
        "hands-on-assessment", performed=vocab("yes", "no", "YES", "maybe", ""),
        dates=vocab("03012025-03152025", "02302025-03012025", "03152025-03012025", "mmddyyyy",
                    "2025-03-01"),
        reviewers=vocab("Jane Doe (@jdoe); John Roe", "<script>alert(1)</script>", ";", "a|b"),
    ),
    "closed-issue": block(
        "closed-issue", id=vocab("GHSA-1", "CVE-2024-1", "<x>", ""), url=URLS,
        **{"fixed-in": text_value}, date=vocab("2023-05-01", "2023-02-29", "05/01/2023", ""),
    ),
    "closed-issues-table": block("closed-issues-table"),
    "security-issue": block(
        "security-issue", id=vocab("CVE-2025-12345", "GHSA-p4xq-9fgh-2mvc", "CVE-25-1", "GHSA-x",
                                   "I-1", "<x>", ""),
        state=vocab("open", "closed", "OPEN", "pending", ""),
        cvss=st.one_of(vocab(*CVSS_VECTORS), text_value), url=URLS,
        affected=text_value, **{"fixed-in": text_value}, date=vocab("2025-03-01", "2025-02-30"),
        threats=vocab("Threat-01-S", "Threat-01-S, nope", ";"),
    ),
    "recommendation": block(
        "recommendation", id=vocab("CNCF-1", "PROJECT-1", "<x>", ""),
        audience=vocab("project", "cncf", "additional", "CNCF", "vendors", ""),
        severity=vocab("high", "bogus"), status=vocab("open", "in-progress", "bogus"),
        issue=URLS, threats=vocab("Threat-01-S", ";"), findings=vocab("1", "1, 2", "nope"),
        **{"addressed-by": st.one_of(URLS, vocab("https://a.example/1 https://b.example/2, x"))},
    ),
    "recommendations-table": block(
        "recommendations-table", audience=vocab("project", "cncf", "Additional", "all", "")
    ),
    "assessment-summary": block(
        "assessment-summary", completed=vocab("2025-01-29", "2025-02-30", "01 07 2025", ""),
        version=text_value, **{"tracking-issue": URLS},
    ),
    "assessment-team": block("assessment-team", file=FILES),
    "security-issues-table": block(
        "security-issues-table", state=vocab("open", "closed", "Closed", "fixed", "")
    ),
    "assessment-section": block(
        "assessment-section", **{"from": vocab("existing", "no-such-label", "Existing", "")},
        **{"class": vocab("a", "!!")},
    ),
    "joint-assessment": block("joint-assessment"),
    "self-assessment": block("self-assessment"),
    "threat": block(
        "threat", id=vocab("Threat-01-S", "T-1", "T-2", "<x>", "a|b", ""),
        stride=vocab("S", "spoofing; T", "Denial of Service, e", "STRIDE", "x", ";"),
        components=vocab("A; B", "Server", "Ghost", "<script>alert(1)</script>; a|b", ";"),
        actors=text_value,
        attack=vocab("T1078", "T1552.001; TA0001", "t1078", "T1", "javascript:alert(1)", ","),
        likelihood=LEVEL, impact=LEVEL,
        status=vocab("open", "in-progress", "mitigated", "Accepted", "closed", ""),
        risks=vocab("R-1", "R-1, R-2", "nope"), findings=vocab("1", "1; 2", "nope"),
        references=URLS,
    ),
    "controls": block("controls"),
    "threats-table": block(
        "threats-table", layout=vocab("list", "lightweight", "stride", "STRIDE", "grid", ""),
        stride=vocab("S", "tampering; I", "x", ""), component=vocab("A", "Server", "<x>", ""),
    ),
    "data-flow": block(
        "data-flow", name=st.one_of(vocab("dfd", "d", "<x>"), text_value), file=FILES,
        **{"class": vocab("a", "!!", "")},
    ),
}  # fmt: skip

FAMILIES = {
    "threat-matrix": ("threat-matrix",),
    "attack-risk": ("attack-risk", "attack-risk-table", "threat-matrix"),
    "finding": ("finding", "findings-table", "attack-risk"),
    "assessment-metadata": ("assessment-metadata",),
    "hands-on-assessment": ("hands-on-assessment", "finding"),
    "closed-issue": ("closed-issue", "closed-issues-table"),
    "security-issue": (
        "security-issue",
        "security-issues-table",
        "closed-issue",
        "closed-issues-table",
    ),
    "recommendation": (
        "recommendation",
        "recommendations-table",
        "finding",
        "joint-assessment",
    ),
    "review": ("assessment-summary", "assessment-team", "recommendation", "joint-assessment"),
    "assessment-section": ("assessment-section", "joint-assessment"),
    "assembly": ("joint-assessment", "self-assessment", "assessment-section", "finding"),
    "threat": ("threat", "controls", "threats-table", "attack-risk", "finding"),
    "data-flow": ("data-flow", "threat", "threat-matrix", "joint-assessment"),
}

# -- projects --------------------------------------------------------------------------------

MATRIX = "components: [A, B]\ncells:\n" + "".join(
    f"  - {{victim: {v}, attacker: {a}, label: NONE, text: t, score: 1}}\n"
    for v in "AB"
    for a in "AB"
)
SBOM = json.dumps(
    {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "metadata": {"component": {"name": "<script>alert(1)</script>", "bom-ref": "root"}},
        "components": [
            {"name": "a|b`c`", "version": "<img src=x onerror=alert(1)>", "bom-ref": "a"},
            {"name": "javascript:alert(1)", "version": "1", "bom-ref": "j"},
        ],
        "dependencies": [{"ref": "root", "dependsOn": ["a", "j", "[x](javascript:alert(1))"]}],
    }
)
SPDX = json.dumps(
    {
        "spdxVersion": "SPDX-2.3",
        "SPDXID": "SPDXRef-DOCUMENT",
        "packages": [
            {"SPDXID": "SPDXRef-root", "name": "root"},
            {"SPDXID": "SPDXRef-x", "name": "\u202eevil | x", "versionInfo": "`1`"},
        ],
        "relationships": [
            {"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES",
             "relatedSpdxElement": "SPDXRef-root"},
            {"spdxElementId": "SPDXRef-root", "relationshipType": "DEPENDS_ON",
             "relatedSpdxElement": "SPDXRef-x"},
        ],
    }
)  # fmt: skip
LABELS_PAGE = """\
Labels
======

.. _existing:

Existing
--------

Content of an existing section, with <script>alert(1)</script> as text.
"""


SECURITY_INSIGHTS = """\
header: {schema-version: 2.0.0, last-updated: '2025-03-01', last-reviewed: '2025-03-01',
         url: https://example.org/si}
repository:
  url: https://example.org/repo
  status: active
  accepts-change-request: true
  accepts-automated-change-request: true
  core-team: [{name: "<script>alert(1)</script>", primary: true}]
  license: {url: https://example.org/LICENSE, expression: MIT}
  documentation: {security-policy: "https://example.org/a|b"}
  release:
    automated-pipeline: true
    distribution-points: [{uri: x, comment: y}]
    attestations: [{name: SBOM, location: "https://example.org/{version}", predicate-uri: spdx}]
  security: {assessments: {self: {comment: x, evidence: https://example.org/self}}}
"""

LATIN1 = "components: [A]\ncells: [{victim: A, attacker: A, label: caf\xe9}]\n".encode("latin-1")


def project_files(blocks: list[Block]) -> dict[str, str | bytes]:
    rst = "".join(render_rst(b) + "\n" for b in blocks)
    myst = "".join(render_myst(b) + "\n" for b in blocks)
    return {
        "index.rst": f"Index\n=====\n\n.. toctree::\n\n   myst\n   labels\n\n{rst}",
        "myst.md": f"# MyST\n\n{myst}",
        "labels.rst": LABELS_PAGE,
        "data/m.yaml": MATRIX,
        "data/bad.yaml": "components: [A]\ncomponents: [A]\ncells: []\n",
        "data/big.yaml": "components: [A]\ncells: []\n# " + "x" * 9000 + "\n",
        "data/latin1.yaml": LATIN1,
        "data/sbom.json": SBOM,
        "data/spdx.json": SPDX,
        "data/si.yml": SECURITY_INSIGHTS,
        "data/si-bad.yml": SECURITY_INSIGHTS.replace("https://example.org/", "javascript:")
        + "header: twice\n",
    }


def make_links(srcdir: Path) -> None:
    """Symlinks inside the source folder that point outside it."""
    outside = srcdir.parent / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "m.yaml").write_text(MATRIX, encoding="utf-8")
    (outside / "s.json").write_text(SBOM, encoding="utf-8")
    (srcdir.parent / "outside.yaml").write_text(MATRIX, encoding="utf-8")
    (srcdir.parent / "outside.json").write_text(SBOM, encoding="utf-8")
    (srcdir / "data" / "link.yaml").symlink_to(outside / "m.yaml")
    (srcdir / "data" / "link.json").symlink_to(outside / "s.json")
    (srcdir / "data" / "linkdir").symlink_to(outside, target_is_directory=True)


conf_strategy = st.fixed_dictionaries(
    {
        "outline": vocab("joint", "joint", "self", "custom.yaml"),
        "project": st.one_of(vocab("Kestrel", "Evil <script>alert(1)</script> | `x`"), text_value),
        "max_bytes": vocab(1024 * 1024, 6000),
    }
)


def conf_text(conf: dict[str, object]) -> str:
    return (
        CONF
        + f"jointassessment_outline = {conf['outline']!r}\n"
        + f"jointassessment_project = {conf['project']!r}\n"
        + f"jointassessment_max_input_bytes = {conf['max_bytes']!r}\n"
    )


def line_counts(srcdir: Path) -> dict[str, int]:
    return {
        path.name: len(path.read_bytes().splitlines()) + 1
        for path in srcdir.rglob("*")
        if path.is_file() and "_build" not in path.parts
    }


@dataclass
class Tally:
    examples: int = 0
    markdown: list[str] = field(default_factory=list)


TALLY: dict[str, Tally] = {}


def run_family(family: str, tmp_path: Path) -> None:
    srcdir = tmp_path / "src"
    tally = TALLY.setdefault(family, Tally())
    names = FAMILIES[family]

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        derandomize=os.environ.get("PROPERTY_RANDOM") is None,
        # a build per example makes shrinking slow: failures print the whole example
        phases=list(Phase)
        if os.environ.get("PROPERTY_SHRINK")
        else [Phase.explicit, Phase.generate],
    )
    @given(
        blocks=st.lists(st.sampled_from(names).flatmap(BLOCKS.__getitem__), min_size=1, max_size=4),
        conf=conf_strategy,
    )
    def example(blocks: list[Block], conf: dict[str, object]) -> None:
        write_sources(srcdir, project_files(blocks), conf_text(conf))
        make_links(srcdir)
        built = build(srcdir)  # raises if the build raises
        tally.examples += 1
        check_warnings(built.warnings)
        counts = line_counts(srcdir)
        for name, line, _code in codes_at(warning_records(built.warnings)):
            if line is not None and name in counts:
                assert line <= counts[name], f"line {line} is past the end of {name}"
        for page, html in built.all_pages().items():
            check_html(html, page)
        markdown, data = assembled_outputs(built.app)
        check_markdown(markdown)
        check_tables(markdown)
        check_json(data)
        tally.markdown.append(markdown)

    example()
    if find_markdownlint() is not None and tally.markdown:
        folder = tmp_path / "lint"
        folder.mkdir()
        for index, markdown in enumerate(tally.markdown):
            (folder / f"{family}-{index}.md").write_text(markdown, encoding="utf-8", newline="\n")
        problems = run_markdownlint(folder)
        assert not problems, "\n".join(p.message for p in problems[:20])


@pytest.mark.parametrize("family", list(FAMILIES))
def test_no_input_breaks_the_build(family, tmp_path):
    """Every directive, with random options and bodies, in rST and MyST (see module doc)."""
    run_family(family, tmp_path)
    assert TALLY[family].examples >= 1


def test_every_directive_is_generated():
    """Each directive of SPEC §2 is in some family."""
    from .test_security_support import DIRECTIVES

    covered = {name for names in FAMILIES.values() for name in names}
    assert covered == set(DIRECTIVES)
