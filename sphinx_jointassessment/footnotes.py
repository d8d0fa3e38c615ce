"""Footnotes in copied bodies: each copy gets its own, linked from its own references.

A finding's notes with a footnote are copied into the findings table and the
assembled assessment; copies carry no ids (:mod:`.body`), so the copied footnote
had none and its reference still pointed at the footnote where it was written, on
another page or nowhere. Sphinx's LaTeX builder, which gathers every footnote of
the document by its id, then failed (``IndexError``); html linked to an anchor that
the page does not have.

:func:`link_copied_footnotes` runs once a page's placeholders are filled, for every
builder: each copied footnote gets an id of its own on the page, and each reference
of the same copy (:data:`~.body.COPY_OF`) to it points there. A copied reference
whose footnote was not copied with it (the footnote is written outside the block)
is shown as its plain label, ``[1]``: it has nothing on this page to link to.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes

from .body import COPY_OF, FOOTNOTE_OF


def link_copied_footnotes(document: nodes.Element) -> None:
    """Give the copied footnotes under *document* ids, and their references links."""
    copied: dict[tuple[Any, str], nodes.footnote] = {}
    count = 0
    for footnote in document.findall(nodes.footnote):
        if footnote["ids"] or COPY_OF not in footnote:
            continue
        count += 1
        original = str(footnote.get(FOOTNOTE_OF, "footnote"))
        footnote["ids"] = [f"ja-copy-{count}-{original}"]
        footnote["backrefs"] = []
        copied[footnote[COPY_OF], original] = footnote
    for ref in list(document.findall(nodes.footnote_reference)):
        if ref["ids"] or COPY_OF not in ref:
            continue
        footnote = copied.get((ref[COPY_OF], ref.get("refid", "")))
        if footnote is None:
            label = ref.astext()
            ref.replace_self(nodes.inline(label, f"[{label}]", classes=["ja-footnote-label"]))
            continue
        ref["refid"] = footnote["ids"][0]
        ref["ids"] = [f"{ref['refid']}-ref-{len(footnote['backrefs']) + 1}"]
        footnote["backrefs"].append(ref["ids"][0])
