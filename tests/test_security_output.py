"""Output integrity: the Markdown tables never break, the linter finds nothing, the JSON is valid.

Whatever a cell holds (pipes, escaped pipes, backslashes, newlines, backticks,
code spans, HTML, Markdown, entities, odd Unicode), every row of every table of
the assembled Markdown has the header's number of cells (unescaped pipes are
counted: GFM splits a row at them before it reads code spans), the file passes
markdownlint with the CNCF configuration, and the JSON is valid UTF-8 and valid
against ``schema/assessment.schema.json``. Checked on a project that puts a list
of tricky texts in every table column, with the real ``jointassessment``
builder, and on random texts (hypothesis), in-process.
"""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from .markdownlint import find_markdownlint, run_markdownlint
from .test_security_support import (
    CONF,
    assembled_outputs,
    build,
    check_json,
    check_markdown,
    check_tables,
    check_warnings,
    markdown_tables,
    table_cells,
    write_sources,
)

TRICKY = (
    "a | b", "a \\| b", "a \\\\| b", "ends with a backslash \\", "\\", "`a | b`", "``a | b``",
    "```", "a`b``c```d", "`", "<b>bold</b>", "<!-- comment -->", "<script>alert(1)</script>",
    "line one\nline two", "para\n\npara", "tab\there", "crlf\r\nx", "* star", "_under_",
    "[link](https://example.org)", "![img](x.png)", "&amp; &#124; &lt;", "# hash", "- dash",
    "1. number", "> quote", "| --- |", "---", "===", ":---:", "$math$", "~~strike~~",
    "https://bare.example.org/a|b", "www.example.org", "user@example.org", "trailing ",
    " leading", "{{ jinja }}", "%s %(x)s", "\u00a0nbsp", "emoji \U0001f600", "rtl \u202e override",
    "zero\u200bwidth", "|", "||", "\\|\\|", "a|", "|a",
)  # fmt: skip


def _one_line(text: str) -> str:
    return " ".join(text.split()) or "x"


def _yaml(value: object) -> str:
    return json.dumps(value, ensure_ascii=True)


def tricky_project(texts: tuple[str, ...] | list[str], outline: str = "joint") -> dict[str, str]:
    """Every table column of the assessment filled with *texts* (one block per text)."""
    components = [f"C{index} {_one_line(text)}" for index, text in enumerate(texts[:4])] or ["C"]
    cells = []
    for victim in components:
        for index, attacker in enumerate(components):
            text = texts[(index + len(cells)) % len(texts)]
            cells.append(
                {
                    "victim": victim,
                    "attacker": attacker,
                    "entries": [{"label": _one_line(text)[:20], "text": text, "score": 1}],
                    "notes": [text],
                }
            )
    matrix = _yaml({"components": components, "cells": cells})
    blocks = [
        ".. joint-assessment::\n" if outline == "joint" else ".. self-assessment::\n",
        f".. threat-matrix:: Matrix {_one_line(texts[0])}\n   :name: m\n\n   {matrix}\n",
    ]
    links = {
        f"Doc {index} {_one_line(text)}": "https://example.org/" for index, text in enumerate(texts)
    }
    blocks.append(
        ".. assessment-metadata::\n   :software: https://example.org\n   :security-provider: no\n"
        f"   :languages: {', '.join(_one_line(t) for t in texts[:5])}\n"
        "   :sbom: https://example.org/sbom.json\n   :stage: complete\n\n"
        + "".join(f"   {_yaml(key)}: {value}\n" for key, value in links.items())
    )
    blocks.append(
        ".. hands-on-assessment::\n   :performed: yes\n   :dates: 03012025-03152025\n"
        f"   :reviewers: {'; '.join(_one_line(t).replace(';', ',') for t in texts[:5])}\n"
    )
    for index, text in enumerate(texts):
        line = _one_line(text)
        body = "\n".join(f"   {part}" for part in text.splitlines() if part.strip()) or "   x"
        key = components[index % len(components)]
        blocks.append(
            f".. attack-risk:: Risk {line}\n   :id: R-{index} {line}\n   :likelihood: low\n"
            f"   :impact: high\n   :attacker: {line}\n   :cells: m/{key}/{key}\n\n"
            f"   ``{line.replace('`', '')}`` and {line}\n"
        )
        blocks.append(
            f".. finding:: Finding {line}\n   :id: {index}\n   :reviewer: {line}\n"
            f"   :severity: low\n   :status: open\n   :risks: R-{index} {line}\n\n{body}\n"
        )
        blocks.append(
            f".. closed-issue:: Issue {line}\n   :id: I-{index} {line}\n   :fixed-in: {line}\n"
            f"   :date: 2024-01-0{1 + index % 9}\n\n{body}\n"
        )
    blocks += [".. attack-risk-table::\n", ".. findings-table::\n", ".. closed-issues-table::\n"]
    index = "Tricky\n======\n\n" + "\n".join(blocks)
    return {"index.rst": index}


def _conf(outline: str = "joint") -> str:
    return (
        CONF + f"jointassessment_project = 'Tricky | `x`'\njointassessment_outline = {outline!r}\n"
    )


@pytest.mark.parametrize("outline", ["joint", "self"])
def test_tricky_text_in_every_column_keeps_every_table_whole(tmp_path, outline):
    srcdir = write_sources(tmp_path / "src", tricky_project(TRICKY, outline), _conf(outline))
    built = build(srcdir, "jointassessment")
    check_warnings(built.warnings)
    name = "joint-assessment" if outline == "joint" else "self-assessment"
    markdown = (built.outdir / f"{name}.md").read_text(encoding="utf-8")
    rows = check_tables(markdown)
    assert rows > len(TRICKY)  # the security links at least: one row per text
    check_markdown(markdown, render=True)
    widths = {table_cells(table[0]) for table in markdown_tables(markdown)}
    assert 2 in widths  # the metadata tables, in both outlines
    if outline == "joint":
        assert rows > 3 * len(TRICKY)  # risks, findings, issues
        assert {4, 6} <= widths  # the findings and attack risk tables
    if find_markdownlint() is not None:
        problems = run_markdownlint(built.outdir / f"{name}.md")
        assert problems == [], "\n".join(p.message for p in problems)
    data = check_json((built.outdir / f"{name}.json").read_bytes())
    assert len(data["findings"]) == len(TRICKY)
    assert {finding["reviewer"] for finding in data["findings"]} >= {
        _one_line(text) for text in TRICKY
    }


cell_text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30).filter(
    lambda text: text.strip() and "\x00" not in text
)
tricky = st.one_of(st.sampled_from(TRICKY), cell_text)


def test_tables_hold_any_text(tmp_path):
    """Random texts in every column (in-process assembly); all the Markdown linted at once."""
    collected: list[str] = []
    srcdir = tmp_path / "src"

    @settings(
        max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "10")),
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        derandomize=os.environ.get("PROPERTY_RANDOM") is None,
        phases=[Phase.explicit, Phase.generate],
    )
    @given(texts=st.lists(tricky, min_size=1, max_size=5))
    def example(texts: list[str]) -> None:
        write_sources(srcdir, tricky_project(texts), _conf())
        built = build(srcdir, "html")
        check_warnings(built.warnings)
        markdown, data = assembled_outputs(built.app)
        check_tables(markdown)
        check_markdown(markdown)
        check_json(data)
        collected.append(markdown)

    example()
    if find_markdownlint() is not None:
        folder = tmp_path / "lint"
        folder.mkdir()
        for number, markdown in enumerate(collected):
            (folder / f"{number}.md").write_text(markdown, encoding="utf-8", newline="\n")
        problems = run_markdownlint(folder)
        assert problems == [], "\n".join(p.message for p in problems[:20])
