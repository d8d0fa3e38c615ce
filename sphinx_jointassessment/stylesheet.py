"""The extension's stylesheet and the scroll box around each of its tables in html.

An assessment is published in whatever theme the project's docs use, and read on
phones. Themes disagree on tables (sphinx-rtd-theme keeps cells on one line, alabaster
lets a wide table widen the page) and on badge colours, so the extension ships a small
stylesheet (``static/jointassessment.css``) scoped to its own classes, and puts each
of its tables in a box that scrolls sideways on its own: a wide threat matrix never
makes the page scroll. The box is added for html builders only, when pages are
written; the doctree the other builders (LaTeX, Markdown) see is unchanged.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.writers.html5 import HTML5Translator

STATIC_DIR = Path(__file__).resolve().parent / "static"
STYLESHEET = "jointassessment.css"
#: class of the box around each table of the extension
SCROLL_CLASS = "ja-table-scroll"


class ja_scroll_box(nodes.General, nodes.Element):  # type: ignore[misc]  # docutils naming
    """A box that scrolls sideways, around one wide table (html only)."""


def is_extension_table(node: nodes.Node) -> bool:
    """Tables the extension made carry one of its ``ja-*`` classes."""
    return isinstance(node, nodes.table) and any(
        name.startswith("ja-") for name in node.get("classes", ())
    )


def extension_tables(root: nodes.Node) -> list[nodes.table]:
    """The extension's tables under *root*, in document order.

    ``findall`` given a class walks the tree without calling Python code at each node;
    given a function, it calls it at every node of every page (a tenth of a second per
    hundred pages of threats, for pages that mostly hold no table at all).
    """
    return [table for table in root.findall(nodes.table) if is_extension_table(table)]


class WrapTablesInScrollBoxes(SphinxPostTransform):
    """Put each of the extension's tables in a :class:`ja_scroll_box` (html only).

    Runs after the placeholders are filled (priority 5), so the summary tables they
    insert are boxed too.
    """

    default_priority = 50
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        for table in extension_tables(self.document):
            if isinstance(table.parent, ja_scroll_box):
                continue
            box = ja_scroll_box()
            titles = [child for child in table.children if isinstance(child, nodes.title)]
            if titles:
                box["label"] = titles[0].astext()
            table.parent.replace(table, box)  # not replace_self: it moves the ids
            box += table


def visit_scroll_box(self: HTML5Translator, node: ja_scroll_box) -> None:
    # focusable, so that keyboard users can scroll it; named by the table's caption
    attributes = {"tabindex": "0"}
    if node.get("label"):
        attributes.update({"role": "region", "aria-label": node["label"]})
    self.body.append(self.starttag(node, "div", CLASS=SCROLL_CLASS, **attributes))


def depart_scroll_box(self: HTML5Translator, node: ja_scroll_box) -> None:
    self.body.append("</div>\n")


def _pass(self: nodes.NodeVisitor, node: nodes.Node) -> None:
    """Other builders never see the box; if one does, it writes the table alone."""


def _add_static_path(app: Sphinx, config: Config) -> None:
    """Make ``_static/jointassessment.css`` part of every html build (the user's path kept)."""
    if str(STATIC_DIR) not in map(str, config.html_static_path):
        config.html_static_path = [*config.html_static_path, str(STATIC_DIR)]


def setup_stylesheet(app: Sphinx) -> None:
    app.add_node(
        ja_scroll_box,
        html=(visit_scroll_box, depart_scroll_box),
        latex=(_pass, _pass),
        text=(_pass, _pass),
        man=(_pass, _pass),
        texinfo=(_pass, _pass),
    )
    app.add_post_transform(WrapTablesInScrollBoxes)
    app.connect("config-inited", _add_static_path)
    # default priority (500): the user's own html_css_files (800) still come after it
    app.add_css_file(STYLESHEET)
