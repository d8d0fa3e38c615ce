"""Confine ``:file:`` and ``:sbom:`` paths to the source folder.

A page must not make the build read ``/etc/passwd`` or a file reached through
``..`` or a symlink: the path is resolved (symlinks included) and must stay under
the source folder, which is itself resolved the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .problems import Code
from .yamlsafe import YamlProblem

if TYPE_CHECKING:
    from sphinx.environment import BuildEnvironment


def resolve_source_file(env: BuildEnvironment, docname: str, filename: str) -> tuple[Path, str]:
    """Resolve *filename* as Sphinx does for ``include`` (``/x`` is srcdir-relative).

    Returns the real path and the path relative to the source folder, or raises
    :class:`YamlProblem` with ``file-outside-srcdir``.
    """
    if "\x00" in filename or not filename.strip():
        raise YamlProblem(Code.FILE_OUTSIDE_SRCDIR, f"invalid file name {filename!r}")
    rel, _abs = env.relfn2path(filename.strip(), docname)
    srcdir = Path(env.srcdir).resolve()
    try:
        real = (srcdir / rel).resolve()
    except (OSError, RuntimeError) as exc:
        raise YamlProblem(
            Code.FILE_OUTSIDE_SRCDIR, f"{filename!r} cannot be resolved: {exc}"
        ) from None
    if not real.is_relative_to(srcdir):
        raise YamlProblem(
            Code.FILE_OUTSIDE_SRCDIR, f"{filename!r} resolves outside the source folder"
        )
    return real, real.relative_to(srcdir).as_posix()


def read_source_text(path: Path, shown: str, max_bytes: int) -> str:
    """Read a confined file as UTF-8 text, within the size limit."""
    try:
        if not path.is_file():
            raise YamlProblem(Code.SCHEMA, f"file {shown!r} does not exist or is not a file")
        size = path.stat().st_size
        if size > max_bytes:
            raise YamlProblem(
                Code.INPUT_TOO_LARGE,
                f"file {shown!r} is {size} bytes, over the limit of {max_bytes} "
                "(jointassessment_max_input_bytes)",
            )
        data = path.read_bytes()[: max_bytes + 1]
    except OSError as exc:
        raise YamlProblem(Code.SCHEMA, f"file {shown!r} cannot be read: {exc.strerror}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise YamlProblem(
            Code.YAML_ERROR, f"file {shown!r} is not UTF-8 (byte {exc.start})"
        ) from None
