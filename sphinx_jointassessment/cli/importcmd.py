"""The ``import`` command: read FILE.md, write the docs folder, print the report."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from ..outline import OutlineError
from .emit import conf_py, myst_pages
from .errors import CliError
from .folders import prepare_output, write_files
from .images import copy_images
from .importer import import_markdown
from .mdparse import read_markdown

if TYPE_CHECKING:
    from pathlib import Path

    from .model import ImportedAssessment


def convert(
    source: Path,
    *,
    fmt: str = "myst",
    outline: str | None = None,
    project: str | None = None,
    base_url: str | None = None,
) -> tuple[ImportedAssessment, dict[str, str]]:
    """The imported assessment and the files of its docs folder (name -> text)."""
    text = read_markdown(source)
    try:
        assessment = import_markdown(
            text,
            filename=str(source),
            source_dir=source.parent,
            outline_name=outline,
            project=project,
            base_url=base_url,
        )
    except OutlineError as exc:
        raise CliError(str(exc)) from None
    if fmt == "rst":
        from .emit_rst import rst_pages

        pages = rst_pages(assessment)
    else:
        pages = myst_pages(assessment)
    files = {
        "conf.py": conf_py(
            project=assessment.project, outline=assessment.outline, myst=fmt == "myst"
        ),
        **pages,
    }
    return assessment, files


def run_import(
    source: Path,
    output: Path,
    *,
    fmt: str = "myst",
    outline: str | None = None,
    project: str | None = None,
    base_url: str | None = None,
) -> int:
    assessment, files = convert(
        source, fmt=fmt, outline=outline, project=project, base_url=base_url
    )
    prepare_output(output)
    write_files(output, files)
    try:
        copy_images(assessment.images, output, files, assessment.report)
    except OSError as exc:
        raise CliError(f"cannot copy an image into {output}: {exc.strerror or exc}") from None
    print(assessment.report.render())
    print(f"  wrote {', '.join(sorted(files))} to {output}")
    sys.stdout.flush()
    return 0
