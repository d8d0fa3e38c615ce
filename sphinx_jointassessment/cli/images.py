"""Local images of an imported document: only image files are copied, never over a file.

``import`` copies the local images the Markdown shows next to the pages it writes,
so the docs show them as the document did. The document may come from anywhere:
``![b](conf.py)`` would have copied a ``conf.py`` over the one the import writes
(which ``check`` then runs), ``![d](evil.md)`` a page with raw ``<script>`` into the
docs. So a file named as an image is copied only if

* its name has an image extension and no control character (a newline in a name
  would also break the line of the page that shows it),
* it is a regular file of at most :data:`MAX_IMAGE_BYTES`,
* its content starts as that format's does (:data:`SIGNATURES`), and an SVG, which
  is XML, holds no script, event handler, ``javascript:`` URL or foreign object;

and when it is copied, it never takes a name the import itself writes nor replaces
a file. What is refused is in the report, and the page shows the image's text.
"""

from __future__ import annotations

import html
import re
import shutil
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from .model import Report

#: largest image copied
MAX_IMAGE_BYTES = 20 * 1024 * 1024
#: how each image format's content starts, by extension
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".webp": (b"RIFF",),
    ".bmp": (b"BM",),
    ".ico": (b"\x00\x00\x01\x00",),
    ".svg": (b"<",),
}
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
#: what makes an SVG active when opened on its own (scripts run there, not in <img>); a
#: DTD is refused too: its entities could spell any of it where no pattern can see
_ACTIVE_SVG = re.compile(
    r"<\s*script|<\s*foreignobject|\bon[a-z]+\s*=|<!\s*(?:doctype|entity)", re.I
)
#: a link to script, as a browser reads a URL: white space and controls anywhere ignored
_SCRIPT_URL = re.compile(r"(?:java|vb)script:", re.I)
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f]+")


def _active_svg(content: bytes) -> bool:
    """Whether an SVG could run script when opened on its own, however it spells it.

    Character references (``&#115;``) are read first, as XML reads them before any
    attribute; the standard library's reader also reads named ones, which only refuses
    more.
    """
    decoded = html.unescape(content.decode("utf-8", "replace"))
    if _ACTIVE_SVG.search(decoded):
        return True
    return bool(_SCRIPT_URL.search(_IGNORED_IN_URL.sub("", decoded)))


def image_refusal(path: Path, name: str) -> str | None:
    """Why the file *path*, named *name* in the document, is not copied; None to copy it."""
    if _CONTROL.search(name):
        return "its name holds a line break or a control character"
    suffix = path.suffix.lower()
    if suffix not in SIGNATURES:
        return f"{path.name!r} is not an image file (known: {', '.join(sorted(SIGNATURES))})"
    try:
        if not path.is_file():
            return "it is not a regular file"
        size = path.stat().st_size
        if size > MAX_IMAGE_BYTES:
            return f"it is {size} bytes, over the limit of {MAX_IMAGE_BYTES}"
        with path.open("rb") as stream:
            head = stream.read(MAX_IMAGE_BYTES if suffix == ".svg" else 16)
    except OSError as exc:
        return f"it cannot be read ({exc.strerror or exc})"
    if suffix == ".webp" and head[8:12] != b"WEBP":
        return f"its content is not a {suffix[1:]} image"
    if not head.startswith(SIGNATURES[suffix]):
        return f"its content is not a {suffix[1:]} image"
    if suffix == ".svg" and (b"<svg" not in head.lower() or _active_svg(head)):
        return (
            "it is not an SVG image without scripts, event handlers, script links, "
            "foreign objects or a DTD"
        )
    return None


def copy_images(
    images: Iterable[tuple[str, str]], out_dir: Path, written: Iterable[str], report: Report
) -> None:
    """Copy each image beside the pages, never over a written file or another image."""
    taken = {name.casefold() for name in written}
    copied: dict[str, str] = {}
    root = out_dir.resolve()
    for source, relative in images:
        if copied.get(relative.casefold()) == source:
            continue  # the same image shown twice
        target = (out_dir / relative).resolve()
        reason = None
        if not target.is_relative_to(root) or target == root:
            reason = "it would be written outside the output folder"
        elif relative.casefold() in taken:
            reason = "the import writes a file of that name"
        elif relative.casefold() in copied:
            reason = "another image has that name (letter case aside)"
        elif target.exists() or any(p.exists() and not p.is_dir() for p in target.parents):
            reason = "a file of that name exists: nothing is replaced"
        if reason is not None:
            report.warn(None, f"image {relative!r} is not copied: {reason}")
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        copied[relative.casefold()] = source
