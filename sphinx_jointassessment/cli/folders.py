"""Creating the output folder of ``init`` and ``import`` without ever overwriting work.

Both commands refuse a folder that exists and is not empty: a docs folder holds
hand-written text, and a command that silently replaced it would lose it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import CliError

if TYPE_CHECKING:
    from pathlib import Path


def prepare_output(folder: Path) -> None:
    """Create *folder* (and its parents); :class:`CliError` if it exists and is not empty."""
    try:
        if folder.exists() or folder.is_symlink():
            if not folder.is_dir():
                raise CliError(f"{folder}: exists and is not a folder")
            if any(folder.iterdir()):
                raise CliError(f"{folder}: folder exists and is not empty; choose a new one")
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CliError(f"{folder}: cannot create the folder: {exc.strerror or exc}") from None


def write_files(folder: Path, files: dict[str, str]) -> list[Path]:
    """Write each ``name -> text`` under *folder* as UTF-8; the paths written."""
    written = []
    for name, text in files.items():
        path = folder / name
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CliError(f"{path}: cannot write: {exc.strerror or exc}") from None
        written.append(path)
    return written
