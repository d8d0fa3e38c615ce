"""``import`` of a section holding the template's fixed text, as written or edited.

Word for word (the project's name however spelt) the builder writes it itself, so the
import does not copy it; edited (the authors' names added, "joint-review" for
"joint-assessment") it is the author's text, kept, and the builder writes it once, in
place of the template's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sphinx_jointassessment.cli.check import build_assessment
from sphinx_jointassessment.cli.importer import import_markdown
from sphinx_jointassessment.cli.main import main
from sphinx_jointassessment.outline import load_outline

if TYPE_CHECKING:
    from pathlib import Path

KEY = "self-assessment-use"


def source(body: str) -> str:
    return f"# Self-assessment of DemoProj\n\n## Self-assessment use\n\n{body}\n"


def fixed_text(project: str) -> str:
    section = load_outline("self").get(KEY)
    assert section is not None
    return section.render_text(project) or ""


def test_the_template_text_with_the_name_in_another_case_is_not_copied() -> None:
    assessment = import_markdown(source(fixed_text("demoproj")), filename="self-assessment.md")
    section = next(s for s in assessment.sections if s.key == KEY)
    assert not section.has_content()
    assert any("builder writes itself: not copied" in n for n in assessment.report.notes)


def test_edited_template_text_is_kept_and_written_once(tmp_path: Path) -> None:
    edited = "Written by Ada Lovelace and Alan Turing.\n\n" + fixed_text("DemoProj").replace(
        "joint-assessment", "joint-review"
    )
    assessment = import_markdown(source(edited), filename="self-assessment.md")
    section = next(s for s in assessment.sections if s.key == KEY)
    assert section.has_content()
    assert any("words changed: kept as written" in n for n in assessment.report.notes)
    path = tmp_path / "self-assessment.md"
    path.write_text(source(edited), encoding="utf-8")
    assert main(["import", str(path), "-o", str(tmp_path / "docs")]) == 0
    result = build_assessment(tmp_path / "docs", tmp_path / "build")
    markdown = " ".join((result.outdir / "self-assessment.md").read_text(encoding="utf-8").split())
    assert "Written by Ada Lovelace and Alan Turing." in markdown
    assert "to assist in a joint-review" in markdown
    assert markdown.count("It is not intended to provide a security audit") == 1
