"""Characters that pdflatex cannot typeset, left out of LaTeX output.

A page may hold control characters (U+0007) and invisible Unicode format
characters: bidirectional embeddings, overrides and isolates (U+202E), marks,
zero-width spaces and joiners. Sphinx writes them into the ``.tex`` file as they are,
and pdflatex then stops: "Unicode character not set up for use with LaTeX", or
"Text line contains an invalid character". None of them prints anything, and a
PDF has no bidirectional reordering to protect anyway, so for the LaTeX builder only
they are left out (line and paragraph separators become spaces), as the Markdown
writer leaves them out of ``joint-assessment.md``. Other builders keep the text as
written.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: C0 and C1 controls but tab and line breaks, and the format characters (Unicode
#: category Cf) that print nothing, but the soft hyphen, which LaTeX knows
INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)
_SEPARATORS = re.compile("[\u2028\u2029]")


def typesettable(text: str) -> str:
    """*text* without what pdflatex cannot typeset (see the module docstring)."""
    return _SEPARATORS.sub(" ", INVISIBLE.sub("", text))


class LatexInvisibleCharacters(SphinxPostTransform):
    """For LaTeX only: leave out control and invisible format characters."""

    default_priority = 900
    builders = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for text in list(self.document.findall(nodes.Text)):
            parent = text.parent
            if parent is not None and (INVISIBLE.search(text) or _SEPARATORS.search(text)):
                parent.replace(text, nodes.Text(typesettable(text)))


def setup_latex_text(app: Sphinx) -> None:
    app.add_post_transform(LatexInvisibleCharacters)
