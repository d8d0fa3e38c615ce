"""Translation: the texts the extension writes, and the user's texts in its blocks.

Texts the extension generates (table headers such as "Victim Components", field
names, short sentences) go through the extension's own message catalog
(``locale/<language>/LC_MESSAGES/sphinx_jointassessment.mo``): call :func:`_` when
the text is written into a page, never at import. Strings defined at module level
are marked with :func:`N_` so that ``pybabel extract -k _ -k N_`` finds them, and
translated where they are used.

The assembled Markdown of the ``jointassessment`` builder is submitted to the CNCF
in English, with the template's headings: for that builder :func:`_` gives the
English text whatever ``language`` is.

Text the user writes in a block (a matrix's title, its components, cell texts and
notes) is put in nodes that ``gettext`` offers like any paragraph
(:func:`translatable_text`), and Sphinx's ``Locale`` transform replaces it with the
user's translation when the page is read. An object's title is marked with its anchor
(:data:`TITLE_OF`): the domain reads it back once translated, so that tables listing
the object on other pages show the title its page shows (``domain.shown_title``); the
submitted Markdown keeps the title as written.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.locale import get_translation

if TYPE_CHECKING:
    from sphinx.application import Sphinx

CATALOG = "sphinx_jointassessment"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_translate = get_translation(CATALOG)

#: attribute of the node holding an object's title in its heading: the object's anchor,
#: so that the domain learns the title as translated (``domain.shown_title``)
TITLE_OF = "ja-title-of"


class _State:
    #: the builder writes what is submitted to the CNCF: English
    english_only = False
    #: texts already translated in this build: Sphinx's lookup builds a fallback object
    #: on every call, and a catalogue of 5,000 threats asks for the same few texts
    #: 80,000 times. Emptied whenever the catalogue may change (each app's set-up,
    #: ``builder-inited``).
    translated: dict[str, str] = {}


def _(message: str) -> str:
    """*message* in the build's language (English for the ``jointassessment`` builder)."""
    if _State.english_only:
        return message
    translated = _State.translated.get(message)
    if translated is None:
        translated = _State.translated[message] = str(_translate(message))
    return translated


def writes_submission() -> bool:
    """Whether this build writes what is submitted (English, the author's own words)."""
    return _State.english_only


def N_(message: str) -> str:  # the gettext convention
    """Marks a module-level string for the catalog; translate it with :func:`_` where used."""
    return message


def translatable_text(
    text: str,
    source: tuple[str | None, int | None] | None,
    classes: list[str] | None = None,
    title_of: str | None = None,
) -> nodes.inline:
    """User text as an inline node that ``gettext`` offers and ``Locale`` translates.

    *source* is the block's ``(file, line)``; without it (content built again when a
    page is written) the text is shown as it is, and offered nowhere twice.
    *title_of*: the anchor of the object whose title this is (see :data:`TITLE_OF`).
    """
    outer = nodes.inline(classes=classes or [])
    if title_of:
        outer[TITLE_OF] = title_of
    if source is None:
        outer += nodes.Text(text)
        return outer
    # Sphinx removes a translatable inline once the page is read and appends its
    # children to its parent's end: as the only child of a plain inline, they stay put
    inner = nodes.inline(text, text, translatable=True)
    inner.source, inner.line = source
    outer += inner
    return outer


def _english_for_submission(app: Sphinx) -> None:
    _State.english_only = app.builder.name == "jointassessment"
    _State.translated.clear()


def setup_i18n(app: Sphinx) -> None:
    app.add_message_catalog(CATALOG, str(LOCALE_DIR))
    _State.translated.clear()
    app.connect("builder-inited", _english_for_submission)
