"""Images of the assembled assessment, copied next to the Markdown that shows them.

A section written in the docs may show a local image (a diagram kept in the
repository). The html build copies it to ``_images/``; the Markdown submitted to the
CNCF repository needs its own copy, beside it, or the reviewers see a broken image.
So the ``jointassessment`` builder copies each local image of the assembled
assessment to ``OUT/images/`` (one file per source image, under the unique name
Sphinx gave it) and the Markdown links to ``images/NAME``. An image it cannot copy
is reported at the image's line and written as its text; remote images stay links.
"""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

from docutils import nodes

from .problems import Code, Problem, emit

if TYPE_CHECKING:
    from pathlib import Path

    from sphinx.environment import BuildEnvironment

#: the folder beside the Markdown that holds its images
IMAGES = "images"


def copy_images(env: BuildEnvironment, document: nodes.document, outdir: Path) -> list[Problem]:
    """Copy the local images *document* shows into ``outdir/images``; link them there."""
    problems: list[Problem] = []
    copied: dict[str, str] = {}
    for image in list(document.findall(nodes.image)):
        candidates = image.get("candidates", {})
        source = candidates.get("*") or next(iter(sorted(candidates.values())), None)
        if "?" in candidates or not source:
            continue  # a remote image (or none at all): the writer keeps a web URL only
        if source not in copied:
            target = _copy(env, source, outdir)
            if target is None:
                where, line = _location(env, image)
                problem = Problem(
                    Code.BAD_URL,
                    f"image {source!r} cannot be copied next to the Markdown "
                    "(the file cannot be read): written as its text",
                    where,
                    line,
                )
                problems.append(problem)
                emit(env, problem)
                alt = image.get("alt") or source
                shown = nodes.inline(alt, alt, classes=["ja-unlinked"])
                inline = isinstance(image.parent, nodes.TextElement)
                image.replace_self(shown if inline else nodes.paragraph("", "", shown))
                continue
            copied[source] = target
        image["uri"] = copied[source]
    return problems


def _copy(env: BuildEnvironment, source: str, outdir: Path) -> str | None:
    """Copy *source* (relative to the source folder); its path beside the Markdown."""
    path = (env.srcdir / source).resolve()
    if not path.is_relative_to(env.srcdir.resolve()) or not path.is_file():
        return None
    name = env.images[source][1] if source in env.images else path.name
    folder = outdir / IMAGES
    folder.mkdir(parents=True, exist_ok=True)
    try:
        shutil.copyfile(path, folder / name)
    except OSError:
        return None
    return f"{IMAGES}/{name}"


def _location(env: BuildEnvironment, node: nodes.Node) -> tuple[str | None, int | None]:
    """The page and line an image was written on, for the warning."""
    current: nodes.Node | None = node
    while current is not None:
        source, line = getattr(current, "source", None), getattr(current, "line", None)
        if source and line:
            return env.path2doc(source.split(":docstring of ")[0]), line
        current = current.parent
    return None, None
