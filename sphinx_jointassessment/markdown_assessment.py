"""The assembled assessment as Markdown: the generic translator plus what the outline needs.

:mod:`.markdown` turns any doctree into lint-clean GitHub Markdown. The assembled
assessment adds three things: outline sections carry their heading level
(``ja-level``), so headings match the template whatever the nesting; the table
of contents links to GitHub's anchors of those headings; and a status badge is
written as its label, as in the template's "LABEL: text Score: N" cells.
"""

from __future__ import annotations

from docutils import nodes

from .markdown import MarkdownTranslator, github_slug, to_markdown


class AssessmentMarkdown(MarkdownTranslator):
    """Markdown of an assembled assessment (see the module docstring)."""

    def __init__(
        self,
        document: nodes.document,
        *,
        heading_level: int = 1,
        anchors: dict[str, str] | None = None,
    ) -> None:
        super().__init__(document, heading_level=heading_level)
        #: section id -> GitHub anchor of its heading in this file
        self.anchors = anchors or {}
        self._levels: list[int] = []

    @classmethod
    def document_markdown(cls, root: nodes.Element) -> str:
        """The whole assessment, its title a level-1 heading."""
        return to_markdown(
            root, heading_level=1, translator_class=cls, anchors=heading_anchors(root)
        )

    @classmethod
    def fragment_markdown(cls, node: nodes.Node, level: int) -> str:
        """Markdown of part of the assessment (a section's own content, for the JSON)."""
        return to_markdown(node, heading_level=level, translator_class=cls)

    def visit_section(self, node: nodes.Element) -> None:
        self.flush_inline()
        self._levels.append(self.section_level)
        level = node.get("ja-level")
        self.section_level = int(level) if level else self.section_level + 1

    def depart_section(self, node: nodes.Element) -> None:
        self.flush_inline()
        self.section_level = self._levels.pop()

    def visit_reference(self, node: nodes.Element) -> None:
        anchor = self.anchors.get(node.get("refid", ""))
        if anchor is not None:
            label = self._inline_raw(node.children)
            self.add_inline(f"[{label}](#{anchor})")
            raise nodes.SkipNode
        super().visit_reference(node)

    def visit_abbreviation(self, node: nodes.Element) -> None:
        if "sd-badge" in node.get("classes", []):
            self.add_inline(self._inline_raw(node.children))
            raise nodes.SkipNode
        super().visit_abbreviation(node)


def heading_anchors(root: nodes.Element) -> dict[str, str]:
    """GitHub's anchor for each section heading, in document order (duplicates get -1...)."""
    seen: dict[str, int] = {}
    anchors: dict[str, str] = {}
    for section in root.findall(nodes.section):
        title = next((c for c in section.children if isinstance(c, nodes.title)), None)
        if title is None:
            continue
        slug = github_slug(title.astext(), seen)
        for ident in section["ids"]:
            anchors.setdefault(ident, slug)
    return anchors


__all__ = ["AssessmentMarkdown", "heading_anchors"]
