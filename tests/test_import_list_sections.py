"""``import`` of list items that open subsections, in the ways published assessments write them.

Besides "Critical. text" and "**Goals**: text", assessments set the subsection's name
off with a dash ("Development Pipeline - we review...") or write it alone over a
nested list ("- Communication Channels" with the channels under it). Each such item
is its subsection, with the item's text as content, so the builder does not report
as missing what is written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sphinx_jointassessment.cli.check import build_assessment
from sphinx_jointassessment.cli.importer import import_markdown
from sphinx_jointassessment.cli.main import main

if TYPE_CHECKING:
    from pathlib import Path

SOURCE = """\
# Self-assessment of Demo

## Secure development practices

* Development Pipeline - Demo reviews every change before merge.
  Tests run on each pull request.
* Communication Channels
  * Internal - Slack and GitHub
  * Inbound
    * Users open issues on GitHub
    * Users mail the team
  * Outbound
    * Release notes
    * A mailing list
* Ecosystem
  * Demo runs on Kubernetes.
* Fuzzing - not a subsection of the outline: kept in the list.
"""

PREFIX = "secure-development-practices"


def test_dash_and_title_only_items_open_their_subsections() -> None:
    assessment = import_markdown(SOURCE, filename="self-assessment.md")
    keys = [section.key for section in assessment.sections]
    assert keys == [
        PREFIX,
        f"{PREFIX}.development-pipeline",
        f"{PREFIX}.communication-channels",
        f"{PREFIX}.communication-channels.internal",
        f"{PREFIX}.communication-channels.inbound",
        f"{PREFIX}.communication-channels.outbound",
        f"{PREFIX}.ecosystem",
    ]
    notes = "\n".join(assessment.report.notes)
    assert "list item 'Development Pipeline -' is section" in notes
    assert "list item 'Communication Channels' is section" in notes


def test_the_subsections_are_written_with_their_text(tmp_path: Path) -> None:
    source = tmp_path / "self-assessment.md"
    source.write_text(SOURCE, encoding="utf-8")
    out = tmp_path / "docs"
    assert main(["import", str(source), "-o", str(out)]) == 0
    result = build_assessment(out, tmp_path / "build")
    missing = [p.message for p in result.problems if p.kind.endswith("missing-section")]
    assert not [m for m in missing if f"'{PREFIX}." in m]
    markdown = " ".join((result.outdir / "self-assessment.md").read_text(encoding="utf-8").split())
    pipeline = markdown.index("### Development Pipeline")
    assert markdown.index("Demo reviews every change before merge.") > pipeline
    assert "#### Inbound * Users open issues on GitHub * Users mail the team" in markdown
    assert "#### Internal Slack and GitHub" in markdown
    assert "Fuzzing - not a subsection of the outline: kept in the list." in markdown
