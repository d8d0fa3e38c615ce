"""What the author wrote is what gets submitted (issue 16): nothing dropped, added or rewritten.

Each test builds ``tests/roots/test-fidelity`` and reads what users get: the
assembled Markdown and JSON of the ``jointassessment`` builder, or the html page.
"""

from __future__ import annotations

import json
import re

import pytest
from bs4 import BeautifulSoup

from .conftest import parse_warnings

#: the build's own declaration of names for the spell check, at the end of the file
_DECLARED = re.compile(r"\n\n(?:<!-- cSpell:ignore [^\n]* -->\n)+\Z")


def _markdown(app) -> str:
    """The Markdown as written by the authors: without the build's trailing declaration."""
    app.build()
    markdown = (app.outdir / "joint-assessment.md").read_text(encoding="utf-8")
    return _DECLARED.sub("\n", markdown)


def _section(markdown: str, title: str) -> str:
    """The Markdown under heading *title*, up to the next heading of any level."""
    match = re.search(rf"^#+ {re.escape(title)}\n(.*?)(?=^#+ |\Z)", markdown, re.M | re.S)
    assert match is not None, f"no heading {title!r}"
    return match.group(1).strip()


@pytest.mark.sphinx("jointassessment", testroot="fidelity")
def test_from_inside_its_own_section_copies_the_content_not_the_directive_sentence(app):
    markdown = _markdown(app)
    assert _section(markdown, "Design") == "Wren has a server and an agent."
    assert "The assessment's section" not in markdown


@pytest.mark.sphinx("jointassessment", testroot="fidelity")
def test_a_marked_sub_section_is_written_once_under_its_own_key(app):
    markdown = _markdown(app)
    assert markdown.count("The agent keeps its keys in memory only.") == 1
    assert _section(markdown, "Critical") == "The agent keeps its keys in memory only."
    assert "Agent internals" not in markdown


@pytest.mark.sphinx("jointassessment", testroot="fidelity")
def test_hands_on_content_is_kept_when_not_performed(app):
    markdown = _markdown(app)
    hands_on = _section(markdown, "Hands-on assessment")
    assert "**Wren did not receive a hands-on assessment from TAG-Security.**" in hands_on
    assert hands_on.endswith("A hands-on review is planned for the next release.")
    data = json.loads((app.outdir / "joint-assessment.json").read_text(encoding="utf-8"))
    section = next(s for s in data["sections"] if s["key"] == "hands-on-assessment")
    assert "A hands-on review is planned for the next release." in section["markdown"]


@pytest.mark.sphinx("jointassessment", testroot="fidelity")
def test_no_generated_sentence_contradicts_what_is_written(app):
    markdown = _markdown(app)
    # the author wrote the section: the template's disclaimer is not added as well
    assert _section(markdown, "Joint-assessment use") == (
        "Our own statement of what this joint assessment is."
    )
    assert "This document does not intend to provide a security audit" not in markdown
    # prose about attack risks, and no attack-risk block: no "No attack risks" sentence
    assert _section(markdown, "Attack Risks and Effects") == (
        "An attacker who controls the agent can replay its tokens."
    )
    assert "No attack risks are recorded." not in markdown
    assert _section(markdown, "Closed security issues and vulnerabilities") == (
        "We list past advisories on our security page."
    )
    assert "did not have known security issues" not in markdown


@pytest.mark.sphinx("jointassessment", testroot="fidelity")
def test_optional_sections_nobody_wrote_have_no_heading(app):
    markdown = _markdown(app)
    headings = re.findall(r"^#+ (.*)$", markdown, re.M)
    for title in ("Advanced Secure", "Existing Audits", "Security links"):
        assert title not in headings
        assert f"[{title}]" not in markdown  # nor in the table of contents
    # a required section nobody wrote stays, with its visible note
    assert "**Not yet written:**" in _section(markdown, "Non-goals")
    assert not [w for w in parse_warnings(app.warning.getvalue()) if w.code != "missing-section"]


@pytest.mark.sphinx("jointassessment", testroot="fidelity")
def test_text_reaches_the_markdown_as_written(app):
    markdown = _markdown(app)
    # no smart quotes, no dashes made of hyphens, no entities or escapes where plain
    # characters are safe on GitHub
    assert (
        """The c7n's "policy" -- run by wrenctl -- answers Q&A: a > b, see 1.66.0 - or """
        "snake_case." in markdown
    )
    assert "| Security Provider | Yes, however, only for the workloads it signs. |" in markdown


@pytest.mark.sphinx("jointassessment", testroot="fidelity")
def test_bare_urls_stay_links(app):
    """GitHub links a bare URL or address; MyST text keeps them as text: the .md links them."""
    goal = _section(_markdown(app), "Goal")
    assert (
        "Its guide is <https://wren.example.org/guide_(v2)>, its contact\n"
        "[security@wren.example.org](mailto:security@wren.example.org)." in goal
    )


@pytest.mark.sphinx("jointassessment", testroot="fidelity")
def test_linter_comments_are_kept_where_written_in_rst_and_myst(app):
    markdown = _markdown(app)
    background = _section(markdown, "Background")
    assert background.startswith("<!-- cSpell:ignore wrenctl -->\n\nThe c7n's")
    assert _section(markdown, "Goal").startswith("<!-- markdownlint-disable MD024 -->\n\nWren's")
    # other comments are the authors' notes: never submitted
    assert "authors' note" not in markdown
    assert markdown.count("<!--") == 2
    # and the build declares the names it knows, at the end
    written = (app.outdir / "joint-assessment.md").read_text(encoding="utf-8")
    assert _DECLARED.search(written)
    assert "Wren" in written.rsplit("<!-- cSpell:ignore", 1)[1]


@pytest.mark.sphinx("html", testroot="fidelity")
def test_html_keeps_smart_quotes_and_hides_the_comments(app):
    app.build()
    page = (app.outdir / "design.html").read_text(encoding="utf-8")
    assert "c7n\u2019s" in page  # html keeps Sphinx's smart quotes
    assert "cSpell" not in page  # a comment for the Markdown's linters: never shown


@pytest.mark.sphinx("jointassessment", testroot="fidelity")
def test_several_labelled_sboms(app):
    markdown = _markdown(app)
    release = "https://github.com/example/wren/releases/download/v1.0"
    assert (
        f"| SBOM | Go modules: <{release}/go.spdx.json>; UI: <{release}/ui.cdx.json> |" in markdown
    )
    data = json.loads((app.outdir / "joint-assessment.json").read_text(encoding="utf-8"))
    sboms = data["metadata"]["sboms"]
    assert [(s["label"], s["source"]) for s in sboms] == [
        ("Go modules", f"{release}/go.spdx.json"),
        ("UI", f"{release}/ui.cdx.json"),
    ]
    assert data["metadata"]["sbom"] == sboms[0]  # the v1 field: the first one


@pytest.mark.parametrize(
    "text",
    ["https://x.org/a.json https://x.org/b.json", "https://x.org/a.json, https://x.org/b.json"],
)
def test_several_sbom_urls_without_labels_say_how_to_give_several(text: str) -> None:
    from sphinx_jointassessment.metadata import parse_sbom_option

    _sboms, problems = parse_sbom_option(text)
    assert [p.code.value for p in problems] == ["bad-url"]
    assert "give them as 'Label: URL; Label: URL'" in problems[0].message
    assert "spaces" not in problems[0].message


@pytest.mark.sphinx("jointassessment", testroot="fidelity")
def test_content_without_an_outline_slot_goes_in_an_extra_sub_section(app):
    markdown = _markdown(app)
    headings = re.findall(r"^(#+) (.*)$", markdown, re.M)
    titles = [title for _level, title in headings]
    # at the end of its section, one level below it, in the table of contents too
    review = titles.index("MITRE ATT&CK review")
    assert titles[review - 1] == "Compensating Mechanisms"
    assert titles[review + 1] == "Threat Model"
    assert headings[review][0] == "###"
    assert _section(markdown, "MITRE ATT&CK review") == (
        "T1078 (valid accounts) applies to the agent's tokens."
    )
    assert titles[-1] == "Review tooling"
    assert _section(markdown, "Review tooling") == "The review used a fuzzer for two weeks."
    assert "* [MITRE ATT&CK review](#mitre-attck-review)" in markdown
    data = json.loads((app.outdir / "joint-assessment.json").read_text(encoding="utf-8"))
    keys = [section["key"] for section in data["sections"]]
    extra = keys.index("security-analysis/mitre-att-ck-review")
    assert keys[extra - 1] == "security-analysis.compensating-mechanisms"
    assert keys[-1] == "appendix/review-tooling"
    assert data["sections"][extra]["source"] == "notes:9"
    assert data["sections"][extra]["markdown"].startswith("T1078")


@pytest.mark.sphinx("jointassessment", testroot="images")
def test_local_images_are_copied_next_to_the_markdown(app):
    markdown = _markdown(app)
    assert "![Wren's data flow](images/flow.png)" in markdown
    copied = app.outdir / "images" / "flow.png"
    assert copied.read_bytes() == (app.srcdir / "diagrams" / "flow.png").read_bytes()
    # one it cannot copy: reported at the image's line, written as its text
    assert "the missing picture" in markdown
    assert "missing.png" not in markdown.replace("the missing picture", "")
    problems = [w for w in parse_warnings(app.warning.getvalue()) if w.code == "bad-url"]
    assert [(w.file, w.line) for w in problems] == [("index.rst", 13)]
    assert "cannot be copied next to the Markdown" in problems[0].message


@pytest.mark.sphinx("html", testroot="myst-notes")
def test_not_yet_written_notes_speak_the_syntax_of_the_page(app):
    # the assessment page is MyST: the notes show a MyST fence, not rST
    app.build()
    soup = BeautifulSoup((app.outdir / "index.html").read_text(encoding="utf-8"), "html.parser")
    notes = [note.get_text(" ", strip=True) for note in soup.select(".ja-not-yet-written")]
    assert any(note.endswith("```{assessment-section} overview.goal") for note in notes)
    assert not any(".. assessment-section::" in note for note in notes)


@pytest.mark.sphinx("jointassessment", testroot="fidelity")
def test_the_authors_opening_comes_under_the_title(app):
    markdown = _markdown(app)
    assert markdown.startswith(
        "# Joint-assessment of Wren\n\n"
        "Wren Security Assessment, as its reviewers titled it.\n\n"
        "## Introduction\n\n"
        "This assessment covers Wren 1.0.\n\n"
        "## Table of Contents\n"
    )
    data = json.loads((app.outdir / "joint-assessment.json").read_text(encoding="utf-8"))
    assert data["opening"].startswith("Wren Security Assessment, as its reviewers titled it.")


@pytest.mark.sphinx("html", testroot="fidelity")
def test_the_opening_is_shown_once_on_the_assessment_page(app):
    app.build()
    soup = BeautifulSoup(
        (app.outdir / "assessment.html").read_text(encoding="utf-8"), "html.parser"
    )
    text = soup.select_one("section.ja-assessment").get_text(" ", strip=True)
    assert text.count("This assessment covers Wren 1.0.") == 1
    assert text.index("This assessment covers") < text.index("Table of Contents")


@pytest.mark.sphinx("jointassessment", testroot="fidelity")
def test_an_extra_section_after_its_section_keeps_its_level(app):
    markdown = _markdown(app)
    headings = re.findall(r"^(#+) (.*)$", markdown, re.M)
    history = headings.index(("##", "History"))
    assert headings[history - 1] == ("###", "Non-goals")  # after Overview and all it holds
    assert headings[history + 1] == ("##", "Joint-assessment use")
    assert _section(markdown, "History") == "Wren began as a weekend project."
    assert "\n* [History](#history)\n" in markdown  # a top-level entry of the contents


def test_same_page_from_content_follows_edits(make_app, tmp_path, rootdir):
    """A :from: section kept with its block is kept again when its page is read again."""
    import shutil

    srcdir = tmp_path / "fidelity"
    shutil.copytree(rootdir / "test-fidelity", srcdir)
    app = make_app("jointassessment", srcdir=srcdir)
    app.build()
    assert "Wren has a server and an agent." in (app.outdir / "joint-assessment.md").read_text()
    index = srcdir / "index.rst"
    index.write_text(
        index.read_text().replace("Wren has a server and an agent.", "Wren has two parts."),
        encoding="utf-8",
    )
    app2 = make_app("jointassessment", srcdir=srcdir)  # the same environment, read again
    app2.build()
    markdown = (app2.outdir / "joint-assessment.md").read_text(encoding="utf-8")
    assert _section(markdown, "Design") == "Wren has two parts."
    assert "Wren has a server and an agent." not in markdown
