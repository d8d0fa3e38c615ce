"""Anchors in LaTeX: a label for each ``ja-`` id held by a container or a table cell.

LaTeX writes no label for the ids of a container or a table cell, which is where the
extension puts the anchors of risks, findings and threat-matrix cells; without a
label, links to them would point nowhere in the PDF. A post-transform, for the LaTeX
builder only, puts a :class:`ja_latex_anchor` first in each such element, and its
visitor writes the labels.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

if TYPE_CHECKING:
    from sphinx.application import Sphinx


class ja_latex_anchor(nodes.General, nodes.Element):  # type: ignore[misc]  # docutils naming
    """The ids of a block or a matrix cell, as LaTeX labels (see the module docstring)."""


def _visit_latex_anchor(self: Any, node: nodes.Element) -> None:
    self.body.append(self.hypertarget_to(node, anchor=True))
    raise nodes.SkipNode


def _skip_anchor(self: Any, node: nodes.Element) -> None:
    raise nodes.SkipNode


class LatexAnchors(SphinxPostTransform):
    """For LaTeX only: a label for each anchor held by a container or a table cell."""

    default_priority = 900
    builders = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for element in list(self.document.findall(nodes.container)) + list(
            self.document.findall(nodes.entry)
        ):
            ids = [ident for ident in element["ids"] if ident.startswith("ja-")]
            if not ids:
                continue
            # inside a cell's first paragraph: before it, the label takes a line of its own
            first = element.children[0] if element.children else None
            target = first if isinstance(first, nodes.paragraph) else element
            target.insert(0, ja_latex_anchor(ids=ids))


def setup_latex_anchors(app: Sphinx) -> None:
    skip = (_skip_anchor, None)
    app.add_node(
        ja_latex_anchor,
        latex=(_visit_latex_anchor, None),
        html=skip,
        text=skip,
        man=skip,
        texinfo=skip,
    )
    app.add_post_transform(LatexAnchors)
