"""``import`` of a joint review's outcome: the README's summary, team and recommendations.

On the two published joint assessments of the training material
(``tests/data/reference``, see ``SOURCES.txt``): every recommendation lands under its
audience, every reviewer handle in the team, the summary is found; the imported folder
builds, in MyST and in reStructuredText, and writes a README that passes the CNCF linter.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sphinx_jointassessment.cli.check import build_assessment
from sphinx_jointassessment.cli.importcmd import convert
from sphinx_jointassessment.cli.importer.review import audience_of, parse_completed, people
from sphinx_jointassessment.cli.main import main
from sphinx_jointassessment.cli.mdparse import markdown_parser, plain_text, read_markdown
from sphinx_jointassessment.cli.model import Recommendation, Summary, Team

from .conftest import REFERENCE
from .markdownlint import find_markdownlint, run_markdownlint
from .test_import_reference import haystack, words

DATA = Path(__file__).parent / "data"
WASMEDGE = DATA / "reference" / "assessments" / "wasmedge__joint-assessment.md"
OPENFGA = DATA / "reference" / "assessments" / "openfga__joint-assessment.md"


def _review(path: Path) -> tuple[Summary | None, Team | None, list[Recommendation]]:
    assessment, _files = convert(path)
    directives = [d for s in [assessment.preamble, *assessment.sections] for d in s.directives]
    summary = next((d for d in directives if isinstance(d, Summary)), None)
    team = next((d for d in directives if isinstance(d, Team)), None)
    return summary, team, [d for d in directives if isinstance(d, Recommendation)]


def _written(folder: Path, text: str) -> Path:
    """*text* as a joint README in *folder*."""
    source = folder / "kestrel__joint-assessment.md"
    source.write_text(text, encoding="utf-8")
    return source


def _audiences(recommendations: list[Recommendation]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for recommendation in recommendations:
        counts[recommendation.audience] = counts.get(recommendation.audience, 0) + 1
    return counts


def _list_items(text: str, heading: str) -> int:
    """Top-level items of the list under the source's *heading*."""
    part = text.split(f"### {heading}\n", 1)[1].split("\n#", 1)[0]
    return len(re.findall(r"^(?:\*|\d+\.) ", part, re.MULTILINE))


def test_wasmedge_readme_every_recommendation_under_its_audience():
    summary, team, recommendations = _review(WASMEDGE)
    source = WASMEDGE.read_text(encoding="utf-8")
    expected = {
        audience: _list_items(source, f"{name} recommendations")
        for audience, name in (
            ("cncf", "CNCF"),
            ("project", "Project"),
            ("additional", "Additional"),
        )
    }
    assert expected == {"cncf": 3, "project": 11, "additional": 3}
    assert _audiences(recommendations) == expected
    assert recommendations[0].title == (
        "Improve documentation translation across languages, especially into English"
    )
    assert summary is not None
    assert summary.completed == "2025-07-01"
    assert summary.tracking_issue == "https://github.com/WasmEdge/WasmEdge/issues/4237"
    assert summary.website == "https://wasmedge.org/"
    assert summary.body.startswith("The project has built a reasonably secure system")
    assert team is not None
    handles = set(re.findall(r"@([\w-]+)", source.split("* Source code")[0]))
    in_team = {
        h for people in team.roles.values() for p in people for h in re.findall(r"@([\w-]+)", p)
    }
    assert handles == in_team == {
        "JustinCappos", "mnm678", "entlein", "camilaavilarinho", "victorjunlu", "hydai", "dm4"
    }  # fmt: skip
    assert [p.split(" @")[1] for p in team.roles["reviewers"]] == [
        "JustinCappos", "mnm678", "entlein", "camilaavilarinho", "victorjunlu"
    ]  # fmt: skip
    assert team.roles["project-security-lead"] == ["Hung-Ying Tai @hydai"]


def test_openfga_text_before_the_table_of_contents_is_the_summary():
    summary, team, recommendations = _review(OPENFGA)
    assert summary is not None
    assert summary.body.startswith("The joint-assessment is built on top of the")
    assert summary.body.rstrip().endswith("from their repo into the self-assessment.")
    assert team is None
    assert recommendations == []


@pytest.mark.parametrize("fmt", ["myst", "rst"])
def test_imported_review_builds_its_readme(fmt, tmp_path):
    out = tmp_path / "docs"
    assert main(["import", str(WASMEDGE), "-o", str(out), "--format", fmt]) == 0
    result = build_assessment(out, tmp_path / "build")
    codes = {problem.kind for problem in result.problems}
    assert codes <= {"jointassessment.missing-section", "jointassessment.metadata-missing"}
    readme = (result.outdir / "README.md").read_text(encoding="utf-8")
    assert readme.startswith(
        "# WasmEdge TAG-Security Security Assessment\n\nCompleted: 01 Jul 2025"
    )
    for name, count in (("CNCF", 3), ("Project", 11), ("Additional", 3)):
        part = readme.split(f"### {name} recommendations\n", 1)[1].split("\n#", 1)[0]
        assert len(re.findall(r"^\* ", part, re.MULTILINE)) == count, name
    assert "Tracking issue: <https://github.com/WasmEdge/WasmEdge/issues/4237>" in readme
    data = json.loads((result.outdir / "joint-assessment.json").read_text(encoding="utf-8"))
    assert len(data["recommendations"]) == 17
    assert len(data["team"]["reviewers"]) == 5
    if find_markdownlint() is not None:
        assert run_markdownlint(result.outdir / "README.md") == []


def _source_lines(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every line of text of the source: paragraphs, list items, headings."""
    lines = []
    for token in markdown_parser().parse(read_markdown(path)):
        if token.type == "inline" and token.map is not None:
            for offset, line in enumerate(token.content.split("\n")):
                lines.append((token.map[0] + offset + 1, line))
    return lines


@pytest.mark.parametrize("fmt", ["myst", "rst"])
def test_every_line_of_the_joint_readme_is_submitted(fmt, tmp_path):
    """Imported and built, each line of the README reaches the files submitted for a joint
    review (the assessment and its README, SPEC section 4), its words in the order written;
    the date and the people lines are data, written in the template's layout."""
    out = tmp_path / "docs"
    assert main(["import", str(WASMEDGE), "-o", str(out), "--format", fmt]) == 0
    result = build_assessment(out, tmp_path / "build")
    readme = (result.outdir / "README.md").read_text(encoding="utf-8")
    own = (result.outdir / "joint-assessment.md").read_text(encoding="utf-8")
    submitted = haystack(own + "\n\n" + readme)
    lines = _source_lines(WASMEDGE)
    assert len(lines) == 37
    for line, text in lines:
        label, _sep, value = text.partition(": ")
        if label == "Completed":
            assert parse_completed(value) == "2025-07-01"
            assert "\nCompleted: 01 Jul 2025\n" in readme
        elif label in {"Security reviewers", "Project security lead", "Project team"}:
            for person in people(value):
                name, handle = person.rsplit(" @", 1)
                assert f"{name} ([@{handle}](https://github.com/{handle}))" in " ".join(
                    readme.split()
                ), (line, person)
        else:
            assert words(plain_text(text)) in submitted, f"line {line}: {text!r}"
    # the README's parts are in the README, in the template's order
    parts = [
        "## Summary",
        "## Recommendations",
        "### CNCF recommendations",
        "### Project recommendations",
        "### Additional recommendations",
        "Tracking issue:",
    ]
    places = [readme.index(part) for part in parts]
    assert places == sorted(places)


SUGGESTIONS = """\
# Kestrel TAG-Security Security Assessment

Completed: 29 Jan 2025

Security reviewers: Jane Doe (@jdoe); Ravi Kumar (@rkumar)

## Summary

**Design**: sound.

## Suggestions to the project team

- Rate-limit the agent.
  - Addressed in <https://github.com/example/kestrel/pull/9>
- Document the socket mode.

Tracking issue: <https://github.com/cncf/toc/issues/1>
"""


def test_suggestions_and_addressed_in(tmp_path):
    source = _written(tmp_path, SUGGESTIONS)
    summary, team, recommendations = _review(source)
    assert [(r.title, r.audience, r.addressed_by) for r in recommendations] == [
        ("Rate-limit the agent.", "project", ["https://github.com/example/kestrel/pull/9"]),
        ("Document the socket mode.", "project", []),
    ]
    assert summary.body == "**Design**: sound."
    assert summary.tracking_issue == "https://github.com/cncf/toc/issues/1"
    assert team.roles["reviewers"] == ["Jane Doe (@jdoe)", "Ravi Kumar (@rkumar)"]
    out = tmp_path / "docs"
    assert main(["import", str(source), "-o", str(out)]) == 0
    result = build_assessment(out, tmp_path / "build")
    readme = (result.outdir / "README.md").read_text(encoding="utf-8")
    assert (
        "* Rate-limit the agent.\n\n  * Addressed in <https://github.com/example/kestrel/pull/9>"
        in (readme)
    )


TEMPLATE_LAYOUT = """\
# Kestrel TAG-Security Security Assessment

Completed: 29 Jan 2025

Security reviewers: Jane Doe @jdoe, and Ravi Kumar @rkumar

Project security lead: Ana Lima @alima

* Source code: <https://github.com/example/kestrel>
* Web site: <https://kestrel.example.org>

## Background

Kestrel brokers short-lived credentials for workloads.

### Maturity

* Used in production by three adopters.

## Summary

**Design**: sound.

## Recommendations

### CNCF recommendations

* Fund a third-party audit.

### Project recommendations

* Rate-limit signing requests.
  * Addressed in <https://github.com/example/kestrel/pull/9>
*

### Additional recommendations

* Compare with SPIRE.

Tracking issue: <https://github.com/cncf/toc/issues/1>
"""


def test_a_readme_in_the_templates_layout_round_trips(tmp_path):
    """Background and Maturity (overview sections) before the Summary, as the template has
    them: the Summary and the lists after them are still the README's; an empty item is none."""
    source = _written(tmp_path, TEMPLATE_LAYOUT)
    summary, team, recommendations = _review(source)
    assert [(r.title, r.audience) for r in recommendations] == [
        ("Fund a third-party audit.", "cncf"),
        ("Rate-limit signing requests.", "project"),
        ("Compare with SPIRE.", "additional"),
    ]
    assert summary is not None
    assert (summary.body, summary.tracking_issue) == (
        "**Design**: sound.",
        "https://github.com/cncf/toc/issues/1",
    )
    assert team is not None
    assert team.roles["reviewers"] == ["Jane Doe @jdoe", "Ravi Kumar @rkumar"]
    out = tmp_path / "docs"
    assert main(["import", str(source), "-o", str(out)]) == 0
    result = build_assessment(out, tmp_path / "build")
    readme = (result.outdir / "README.md").read_text(encoding="utf-8")
    # the source again, but for the people's links and the item's blank line
    expected = (
        TEMPLATE_LAYOUT.replace("Jane Doe @jdoe, and Ravi Kumar @rkumar", PEOPLE)
        .replace("Ana Lima @alima", "Ana Lima ([@alima](https://github.com/alima))")
        .replace("signing requests.\n  *", "signing requests.\n\n  *")
        .replace("/pull/9>\n*\n", "/pull/9>\n")
    )
    # after it, the words a spelling checker is told are names (cSpell:ignore comments)
    text, _sep, comments = readme.partition("\n\n<!-- cSpell:ignore ")
    assert text + "\n" == expected
    assert "jdoe" in comments.split()
    if find_markdownlint() is not None:
        assert run_markdownlint(result.outdir / "README.md") == []


PEOPLE = "Jane Doe ([@jdoe](https://github.com/jdoe)), Ravi Kumar\n([@rkumar](https://github.com/rkumar))"


def test_the_readme_templates_guidance_is_kept_and_reported(tmp_path):
    """The template's own lines (``_list names..._``, ``dd MMM yyyy``) are no team and no date:
    kept as written, where the placeholder check reports them at their lines."""
    source = REFERENCE / "template-joint-readme.md"
    summary, team, _recommendations = _review(source)
    assert summary is None
    assert team is None
    out = tmp_path / "docs"
    assert main(["import", str(source), "-o", str(out)]) == 0
    result = build_assessment(out, tmp_path / "build")
    index = (out / "index.md").read_text(encoding="utf-8").splitlines()
    found = {
        (p.location, p.message.split("'")[1])
        for p in result.problems
        if p.kind == "jointassessment.placeholder" and p.location.startswith("index.md")
    }
    for text in ("dd MMM yyyy", "list names and github handles as appropriate", "url to repo"):
        line = next(n for n, written in enumerate(index, 1) if text in written)
        assert (f"index.md:{line}", text) in found


SEVERITIES = """\
# Kestrel TAG-Security Security Assessment

## Summary

Sound.

### Project recommendations

1. Control recommendation (SEVERITY: Medium): rotate the signing key.
2. Logging recommendation [severity: LOW]
3. Naming recommendation (SEVERITY: unclear)
"""


def test_a_severity_in_the_text_is_the_recommendations_severity(tmp_path):
    source = _written(tmp_path, SEVERITIES)
    _summary, _team, recommendations = _review(source)
    assert [(r.title, r.severity) for r in recommendations] == [
        ("Control recommendation (SEVERITY: Medium): rotate the signing key.", "medium"),
        ("Logging recommendation [severity: LOW]", "low"),
        ("Naming recommendation (SEVERITY: unclear)", ""),
    ]
    out = tmp_path / "docs"
    assert main(["import", str(source), "-o", str(out)]) == 0
    assert ":severity: medium\n" in (out / "index.md").read_text(encoding="utf-8")
    result = build_assessment(out, tmp_path / "build")
    data = json.loads((result.outdir / "joint-assessment.json").read_text(encoding="utf-8"))
    assert [(r["title"], r["severity"]) for r in data["recommendations"]] == [
        ("Control recommendation (SEVERITY: Medium): rotate the signing key.", "medium"),
        ("Logging recommendation [severity: LOW]", "low"),
        ("Naming recommendation (SEVERITY: unclear)", None),
    ]


HARD_BREAKS = """\
# Kestrel TAG-Security Security Assessment

## Summary

Sound.

## Suggestions to the project team

1. Branch protection for core repos? The control might cover it
    <br/>2. Maintainers: added to the repository settings.
2. Sign the release images.<br>Maintainers: planned.
3. Rotate keys <br/>
"""


def test_a_hard_line_break_ends_the_recommendations_title(tmp_path):
    """What follows a ``<br/>`` in an item (a reply, a sub-point) is its text, not its title."""
    _summary, _team, recommendations = _review(_written(tmp_path, HARD_BREAKS))
    assert [(r.title, r.body) for r in recommendations] == [
        (
            "Branch protection for core repos? The control might cover it",
            "2. Maintainers: added to the repository settings.",
        ),
        ("Sign the release images.", "Maintainers: planned."),
        ("Rotate keys", ""),
    ]


def test_readme_values():
    assert parse_completed("01 07 2025") == "2025-07-01"
    assert parse_completed("29 Jan 2025") == "2025-01-29"
    assert parse_completed("January 29, 2025") == "2025-01-29"
    assert parse_completed("2025-01-29") == "2025-01-29"
    assert parse_completed("dd MMM yyyy") is None
    assert parse_completed("31 02 2025") is None
    assert people("A @a, B @b, and C @c") == ["A @a", "B @b", "C @c"]
    assert audience_of("CNCF recommendations") == (True, "cncf")
    assert audience_of("Suggestions to the project team") == (True, "project")
    assert audience_of("Suggestions to CNCF / TOC") == (True, "cncf")
    assert audience_of("Recommendations to the TOC") == (True, "cncf")
    assert audience_of("Other recommendations") == (True, "additional")
    assert audience_of("Recommendations") == (True, None)
    assert audience_of("Recommended mitigations")[0] is False


README_PIECES = (
    "# Kestrel TAG-Security Security Assessment",
    "Completed: 01 07 2025",
    "Completed: 31 02 2025",
    "Completed: dd MMM yyyy",
    "Security reviewers: A @a, B (@b) and <script>alert(1)</script>",
    "Project security lead: @-bad-",
    "Project team: ",
    "Tracking issue: javascript:alert(1)",
    "Tracking issue: <https://example.org/1>\nTracking board: x",
    "* Source code: <https://example.org/src>\n* Web site: data:x",
    "## Summary",
    "### Summary",
    "## Recommendations",
    "### CNCF recommendations",
    "### Suggestions to the project team",
    "### Other recommendations",
    "## Table of Contents\n\n* [a](#a)\n* [b](#b)\n* [c](#c)",
    "## Overview",
    "- one [x](javascript:alert(1))\n  - Addressed in <https://example.org/pr/1>\n- two",
    "1. first\n2. second\n   * Addressed by: [pr](https://example.org/2)",
    "- Control recommendation (SEVERITY: Medium)\n- [severity: x] (severity:high)",
    "| a | b |\n| - | - |\n| 1 | 2 |",
    "<b>raw</b>",
    "**Design**: text with `code`.",
)


@given(
    pieces=st.lists(
        st.one_of(st.sampled_from(README_PIECES), st.text(max_size=40)), min_size=1, max_size=12
    )
)
@settings(max_examples=60, deadline=None, derandomize=True, database=None)
def test_any_readme_imports(pieces):
    """README-like input in any order: the import never raises, and what it makes is valid."""
    from sphinx_jointassessment.cli.emit import myst_pages
    from sphinx_jointassessment.cli.emit_rst import rst_pages
    from sphinx_jointassessment.cli.importer import import_markdown

    assessment = import_markdown("\n\n".join(pieces) + "\n", filename="x__joint-assessment.md")
    for directive in assessment.preamble.directives:
        if isinstance(directive, Recommendation):
            assert directive.audience in ("project", "cncf", "additional")
            assert directive.severity in ("", "critical", "high", "medium", "low", "informational")
            assert all(url.startswith(("http://", "https://")) for url in directive.addressed_by)
        if isinstance(directive, Summary) and directive.completed:
            assert parse_completed(directive.completed) == directive.completed
    myst_pages(assessment)
    rst_pages(assessment)


@given(text=st.one_of(st.text(max_size=40), st.from_regex(r"\d{1,4}[ ./-]\w{1,9}[ ./-]\d{1,4}")))
@settings(max_examples=200, deadline=None, derandomize=True, database=None)
def test_readme_line_parsers_never_raise(text):
    """The README's date, people and heading readers on any text."""
    completed = parse_completed(text)
    if completed is not None:
        assert parse_completed(completed) == completed
    assert all(person.strip() for person in people(text))
    is_list, audience = audience_of(text)
    assert audience is None or is_list
