"""The jointassessment builder: Markdown in the template's layout, JSON valid, output stable."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from sphinx_jointassessment.outline import load_outline

from .conftest import REFERENCE, ROOTS, parse_warnings
from .markdownlint import find_markdownlint, require_markdownlint, run_markdownlint

SCHEMA = (
    Path(__file__).resolve().parents[1]
    / "sphinx_jointassessment"
    / "schema"
    / ("assessment.schema.json")
)


def _headings(markdown: str) -> list[tuple[int, str]]:
    found = []
    in_fence = False
    for line in markdown.splitlines():
        if line.startswith("```"):
            in_fence = not in_fence
        if not in_fence and (match := re.match(r"^(#{1,6}) (.*)$", line)):
            found.append((len(match[1]), match[2].strip()))
    return found


def _template_headings() -> list[str]:
    template = (REFERENCE / "template-joint-assessment.md").read_text(encoding="utf-8")
    titles = [title for _level, title in _headings(template)]
    # from the template's own title onwards; "[Project]" becomes the project's name
    return titles[titles.index("Joint-assessment of [Project]") :]


@pytest.mark.sphinx("jointassessment", testroot="complete")
def test_markdown_has_every_template_heading_in_order(app):
    app.build()
    markdown = (app.outdir / "joint-assessment.md").read_text(encoding="utf-8")
    ours = [title for _level, title in _headings(markdown)]
    expected = [t.replace("[Project]", "Tern") for t in _template_headings()]
    # every template heading, in the template's order (matrices are the project's own:
    # the template's example "Compromise" and "Denial of Service" are not Tern's)
    examples = {"Compromise", "Denial of Service", "Identity Theft"}
    # optional sections nobody wrote have no heading (no heading without content)
    unwritten = {"Advanced Secure", "Existing Audits"}
    assert not unwritten & set(ours)
    position = 0
    for title in expected:
        if title in examples or title in unwritten:
            continue
        assert title in ours[position:], f"{title!r} missing or out of order"
        position = ours.index(title, position) + 1
    assert ours[0] == "Joint-assessment of Tern"
    assert markdown.splitlines()[0] == "# Joint-assessment of Tern"
    # template levels: the title is the only level-1 heading
    levels = {title: level for level, title in _headings(markdown)}
    assert levels["Metadata"] == 2
    assert levels["Security links"] == 3
    assert levels["Critical"] == 4
    assert levels["Identity Theft"] == 3
    # the threat matrix as the template's table
    assert "| Victim Components | Controller | Daemon |" in markdown
    assert (
        "| Victim Controller | N/A: Only one controller "
        "| Mitigated: Daemons are \\| authenticated. Score: 0.1 |" in markdown
    )
    # fixed texts with the project's name, and no template placeholder left
    assert "did not have known security issues" in markdown
    assert "[project]" not in markdown.lower()


@pytest.mark.sphinx("jointassessment", testroot="complete")
def test_markdown_passes_the_cncf_linter(app):
    require_markdownlint()
    app.build()
    problems = run_markdownlint(app.outdir / "joint-assessment.md")
    assert problems == []


@pytest.mark.sphinx("jointassessment", testroot="complete")
def test_json_is_valid_and_carries_every_object(app):
    app.build()
    data = json.loads((app.outdir / "joint-assessment.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert data["schema_version"] == 2
    assert data["project"] == "Tern"
    assert data["outline"] == "joint"
    keys = [section["key"] for section in data["sections"]]
    assert keys == [section.key for section in load_outline("joint").sections]
    design = next(s for s in data["sections"] if s["key"] == "project-design.design")
    assert design["status"] == "written"
    lines = (app.srcdir / "sections.rst").read_text(encoding="utf-8").splitlines()
    line = lines.index(".. assessment-section:: project-design.design") + 1
    assert design["source"] == f"sections:{line}"
    assert "controller and a node daemon" in design["markdown"]
    assert [m["id"] for m in data["threat_matrices"]] == ["identity-theft"]
    cell = data["threat_matrices"][0]["cells"][1]
    assert cell == {
        "victim": "Controller",
        "attacker": "Daemon",
        "status": "mitigated",
        "entries": [
            {
                "label": "Mitigated",
                "text": "Daemons are | authenticated.",
                "score": 0.1,
                "status": "mitigated",
            }
        ],
        "notes": [],
    }
    assert data["problems"] == []


@pytest.mark.sphinx("jointassessment", testroot="complete")
def test_summary_line(app):
    app.build()
    status = app.status.getvalue()
    assert re.search(
        r"joint-assessment\.md: 28 sections written, 0 missing; 1 threat matrix, "
        r"0 attack risks, 1 finding, 0 closed issues; 0 problems; "
        r"submit to cncf/toc: projects/tern/security-assessment/$",
        status,
        re.MULTILINE,
    ), status


@pytest.mark.sphinx(
    "jointassessment",
    testroot="complete",
    confoverrides={"jointassessment_target": "tag-security", "project": "Kestrel Mesh"},
)
def test_the_summary_names_the_target_repositorys_folder(app):
    app.build()
    assert (
        app.status.getvalue().count(
            "0 problems; submit to cncf/tag-security: "
            "community/assessments/projects/kestrel-mesh/\n"
        )
        == 1
    )
    data = json.loads((app.outdir / "joint-assessment.json").read_text(encoding="utf-8"))
    assert data["submission"] == {
        "target": "tag-security",
        "repository": "cncf/tag-security",
        "path": "community/assessments/projects/kestrel-mesh/",
        "url": "https://github.com/cncf/tag-security/blob/main/"
        "community/assessments/projects/kestrel-mesh/joint-assessment.md",
        "published": False,
    }


def _build(make_app, srcdir: Path, outdir_name: str, parallel: int = 0, freshenv: bool = True):
    app = make_app(
        "jointassessment",
        srcdir=srcdir,
        builddir=srcdir / outdir_name,
        freshenv=freshenv,
        parallel=parallel,
    )
    app.build()
    out = Path(app.outdir)
    return (out / "joint-assessment.md").read_bytes(), (out / "joint-assessment.json").read_bytes()


def _copy_root(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copytree(ROOTS / f"test-{name}", target)
    return target


def test_two_builds_are_byte_identical(make_app, tmp_path):
    src = _copy_root(tmp_path, "complete")
    assert _build(make_app, src, "_a") == _build(make_app, src, "_b")


def test_parallel_build_equals_serial(make_app, tmp_path):
    src = _copy_root(tmp_path, "complete")
    assert _build(make_app, src, "_serial") == _build(make_app, src, "_parallel", parallel=2)


def test_incremental_build_after_editing_a_section_equals_a_clean_build(make_app, tmp_path):
    src = _copy_root(tmp_path, "complete")
    _build(make_app, src, "_inc")
    page = src / "design.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace("a controller and a node daemon", "a new design"),
        encoding="utf-8",
    )
    incremental = _build(make_app, src, "_inc", freshenv=False)
    clean = _build(make_app, src, "_clean")
    assert incremental == clean
    assert b"a new design" in incremental[0]


@pytest.mark.sphinx("jointassessment", testroot="sections-bad")
def test_builder_reports_problems_in_json_and_warnings(app):
    app.build()
    data = json.loads((app.outdir / "joint-assessment.json").read_text(encoding="utf-8"))
    codes = {problem["code"] for problem in data["problems"]}
    assert {"missing-section", "placeholder", "unknown-section", "duplicate-section"} <= codes
    missing = next(p for p in data["problems"] if p["code"] == "missing-section")
    assert missing["location"] == "index.rst:40"
    warned = {w.code for w in parse_warnings(app.warning.getvalue())}
    assert codes <= warned
    markdown = (app.outdir / "joint-assessment.md").read_text(encoding="utf-8")
    assert "Not yet written" in markdown


EXAMPLE = Path(__file__).resolve().parents[1] / "example_project"


def _example(tmp_path: Path) -> Path:
    target = tmp_path / "example"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("_build"))
    return target


def test_example_project_builds_without_any_warning(make_app, tmp_path):
    src = _example(tmp_path)
    for builder in ("html", "jointassessment"):
        app = make_app(builder, srcdir=src, builddir=src / f"_{builder}", freshenv=True)
        app.build()
        # (a second app in one process re-registers Sphinx's nodes: not the project's fault)
        warnings = [
            line
            for line in app.warning.getvalue().splitlines()
            if "WARNING" in line and "while setting up extension" not in line
        ]
        assert warnings == []
    data = json.loads(
        (src / "_jointassessment" / "jointassessment" / "joint-assessment.json").read_text(
            encoding="utf-8"
        )
    )
    assert data["problems"] == []
    assert len(data["threat_matrices"]) == 3
    assert {f["id"] for f in data["findings"]} == {"1", "2", "3"}
    _example_delivers_the_review(src / "_jointassessment" / "jointassessment", data)


def _example_delivers_the_review(outdir: Path, data: dict[str, Any]) -> None:
    """The example's review outcome (issue 14): a summary and a team, recommendations for each
    audience, an open security issue scored from its CVSS vector, and the joint README; both
    Markdown files pass the CNCF linter."""
    assert data["summary"]["completed"] == "2026-03-20"
    assert [p["handle"] for p in data["team"]["reviewers"]] == ["jdoe", "rkumar"]
    assert [p["handle"] for p in data["team"]["project_security_lead"]] == ["alima"]
    assert {r["audience"] for r in data["recommendations"]} == {"project", "cncf", "additional"}
    scored = [i for i in data["security_issues"] if i["state"] == "open" and i["cvss"]]
    assert [(i["cvss_version"], i["score"], i["severity"]) for i in scored] == [
        ("3.1", 6.5, "medium")
    ]
    readme = (outdir / "README.md").read_text(encoding="utf-8")
    parts = [
        "# Kestrel TAG-Security Security Assessment\n\nCompleted: 20 Mar 2026\n",
        "\nSecurity reviewers: ",
        "\nProject security lead: ",
        "\n## Background\n",
        "\n## Summary\n",
        "\n### CNCF recommendations\n",
        "\n### Project recommendations\n",
        "\n### Additional recommendations\n",
        "\nTracking issue: <https://github.com/cncf/toc/issues/1234>\n",
    ]
    places = [readme.find(part) for part in parts]
    assert -1 not in places, list(zip(parts, places, strict=True))
    assert places == sorted(places), list(zip(parts, places, strict=True))
    assessment = (outdir / "joint-assessment.md").read_text(encoding="utf-8")
    assert assessment.index("**Design**:") < assessment.index("## Table of Contents")
    if find_markdownlint() is not None:
        assert run_markdownlint(outdir / "README.md") == []
        assert run_markdownlint(outdir / "joint-assessment.md") == []


def test_example_with_a_section_removed_and_template_text_fails(make_app, tmp_path):
    src = _example(tmp_path)
    page = src / "security" / "analysis.rst"
    text = page.read_text(encoding="utf-8")
    text = text.replace(".. assessment-section:: project-compliance", ".. rubric:: Compliance")
    text = text.replace(
        "Kestrel is not documented as meeting any compliance standard.",
        "Kestrel is not documented as meeting any compliance standard.",
    )
    text = text.replace(
        "   Kestrel's goal is that every workload",
        "   TODO: say more. Kestrel's goal is that every workload",
    )
    page.write_text(text, encoding="utf-8")
    app = make_app("jointassessment", srcdir=src, builddir=src / "_ja", freshenv=True)
    app.build()
    warnings = parse_warnings(app.warning.getvalue())
    lines = text.splitlines()
    todo_line = next(i for i, line in enumerate(lines, 1) if "TODO: say more" in line)
    assert ("analysis.rst", todo_line, "placeholder") in {
        (w.file, w.line, w.code) for w in warnings
    }
    assessment = (src / "security" / "assessment.md").read_text(encoding="utf-8").splitlines()
    directive_line = next(
        i
        for i, line in enumerate(assessment, 1)
        if "joint-assessment" in line and line.startswith("```")
    )
    missing = [w for w in warnings if w.code == "missing-section"]
    assert [(w.file, w.line) for w in missing] == [("assessment.md", directive_line)]
    assert "'project-compliance'" in missing[0].message
