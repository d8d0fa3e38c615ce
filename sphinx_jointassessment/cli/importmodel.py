"""``import --from otm|threat-dragon FILE``: a tool's threat model as a docs folder.

The file is read with limits (at most :data:`DEFAULT_MAX_INPUT_BYTES`, JSON without
recursion blow-ups, YAML through the extension's safe loader), turned into a
:class:`~.importer.threatmodel.ThreatModel` by the format's reader, and written as
``conf.py``, ``index`` (the title, the toctree, the ``joint-assessment`` directive)
and ``threat-model`` (one ``data-flow`` per diagram, one ``threat`` per threat, and
what fits no directive in an ``assessment-section:: threat-model``, so that it reaches
the assembled assessment too). Text from the file is Markdown made safe the way the
Markdown import makes it (no raw HTML, only web links, no MyST syntax), with its
headings made bold paragraphs: a heading cannot stand inside a directive.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..config import DEFAULT_MAX_INPUT_BYTES
from ..yamlsafe import YamlLimits, YamlProblem, load_yaml
from .emit import conf_py, dump_yaml, guard_markdown, myst_directive
from .errors import CliError
from .folders import prepare_output, write_files
from .htmltable import escape_markdown
from .importer.otm import read_otm
from .importer.threatdragon import read_threat_dragon
from .mdparse import normalise_text, parse_blocks, plain_text, read_text_file
from .model import Report
from .rst import guard_body, rst_directive, rst_heading
from .rstconv import RstContext, convert
from .sanitize import LinkContext, sanitize_lines

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from .importer.threatmodel import ModelThreat, ThreatModel

READERS: dict[str, Callable[[Any], ThreatModel]] = {
    "otm": read_otm,
    "threat-dragon": read_threat_dragon,
}
PAGE = "threat-model"
KEPT_TITLE = "What the model holds beyond the directives"


def read_model_file(path: Path, *, max_bytes: int = DEFAULT_MAX_INPUT_BYTES) -> Any:
    """The parsed JSON (or, for ``.yaml``/``.yml``, YAML) of *path*; :class:`CliError` if none."""
    text = read_text_file(path, max_bytes, "a model file")
    if path.suffix.casefold() in (".yaml", ".yml"):
        try:
            return load_yaml(text, YamlLimits(max_bytes))
        except YamlProblem as exc:
            where = f" (line {exc.line})" if exc.line else ""
            raise CliError(f"{path}: {exc.message}{where}") from None
    try:
        return json.loads(text)
    except RecursionError:
        raise CliError(f"{path}: JSON nested too deeply") from None
    except ValueError as exc:
        raise CliError(f"{path}: not JSON: {exc}") from None


@dataclass(slots=True)
class _Safe:
    """Makes text from the file safe Markdown for a directive body."""

    report: Report

    def lines(self, text: str) -> list[str]:
        context = LinkContext(set(), None, None, self.report)
        result: list[str] = []
        for block in parse_blocks(normalise_text(text).strip("\n") + "\n"):
            if block.kind == "heading":
                title = escape_markdown(" ".join(plain_text(block.title).split()))
                result.append(f"**{title}**" if title else "")
                continue
            if block.kind == "hr":
                result.append("***")
                continue
            if block.kind in ("html", "html_table"):  # raw HTML is shown as code, never run
                runs = [len(run) for line in block.lines for run in re.findall("`+", line)]
                fence = "`" * max([3, *(run + 1 for run in runs)])
                result += [f"{fence}text", *block.lines, fence]
                self.report.note(None, "raw HTML kept as a code block")
                continue
            result.extend(sanitize_lines(block.lines, block.tokens, block.start, context))
        while result and not result[-1].strip():
            result.pop()
        return result

    def paragraphs(self, texts: list[str]) -> list[str]:
        lines: list[str] = []
        for text in texts:
            part = self.lines(text)
            if part:
                lines += [*([""] if lines else []), *part]
        return lines


def _controls(model: ThreatModel, threat: ModelThreat, safe: _Safe) -> list[str]:
    if model.tool != "OTM":
        return safe.paragraphs(threat.controls)
    lines: list[str] = []
    for item in threat.controls:
        part = safe.lines(item) or [""]
        lines += [f"* {part[0]}", *(f"  {line}" if line.strip() else "" for line in part[1:])]
    return lines


def myst_model_pages(model: ThreatModel, safe: _Safe) -> dict[str, str]:
    index = [f"# {escape_markdown(model.title)}", ""]
    index += [*myst_directive("toctree", "", {"maxdepth": "2"}, [PAGE]), ""]
    index += myst_directive("joint-assessment")
    page = ["# Threat model", ""]
    for diagram in model.diagrams:
        page += [*myst_directive("data-flow", diagram.title, {"name": diagram.name},
                                 dump_yaml(diagram.body())), ""]  # fmt: skip
    for threat in model.threats:
        if threat.source_id:
            page.append(f"% {model.tool} id: {' '.join(threat.source_id.split())}")
        body = guard_markdown(safe.paragraphs(threat.description))
        controls = _controls(model, threat, safe)
        if controls:
            body = [*body, *([""] if body else []), *myst_directive("controls", "", None, controls)]
        page += [*myst_directive("threat", threat.title, threat.options, body), ""]
    kept = safe.lines("\n".join(model.kept)) if model.kept else []
    if kept:
        page += [f"## {KEPT_TITLE}", ""]
        page += [*myst_directive("assessment-section", "threat-model", None, guard_markdown(kept))]
    return {
        "index.md": "\n".join(index) + "\n",
        f"{PAGE}.md": "\n".join(page).rstrip("\n") + "\n",
    }


def rst_model_pages(model: ThreatModel, safe: _Safe) -> dict[str, str]:
    context = RstContext()

    def rst(lines: list[str]) -> list[str]:
        return convert("\n".join(lines) + "\n", context) if lines else []

    index = [*rst_heading(model.title, 1), ""]
    index += [*rst_directive("toctree", "", {"maxdepth": "2"}, [PAGE]), ""]
    index += rst_directive("joint-assessment")
    page = [*rst_heading("Threat model", 1), ""]
    for diagram in model.diagrams:
        page += [*rst_directive("data-flow", diagram.title, {"name": diagram.name},
                                dump_yaml(diagram.body())), ""]  # fmt: skip
    for threat in model.threats:
        if threat.source_id:
            page += [f".. {model.tool} id: {' '.join(threat.source_id.split())}", ""]
        body = guard_body(rst(safe.paragraphs(threat.description)))
        controls = rst(_controls(model, threat, safe))
        if controls:
            body = [*body, *([""] if body else []), *rst_directive("controls", "", None, controls)]
        page += [*rst_directive("threat", threat.title, threat.options, body), ""]
    kept = rst(safe.lines("\n".join(model.kept))) if model.kept else []
    if kept:
        page += [*rst_heading(KEPT_TITLE, 2), ""]
        page += rst_directive("assessment-section", "threat-model", None, guard_body(kept))
    return {
        "index.rst": "\n".join(index) + "\n",
        f"{PAGE}.rst": "\n".join(page).rstrip("\n") + "\n",
    }


def convert_model(
    source: Path, tool: str, *, fmt: str = "myst", project: str | None = None
) -> tuple[ThreatModel, Report, dict[str, str]]:
    """The model read from *source*, the import report and the docs folder's files."""
    model = READERS[tool](read_model_file(source))
    if project:
        model.project = project
    report = Report(source=str(source), outline="joint", project=model.project)
    safe = _Safe(report)
    pages = rst_model_pages(model, safe) if fmt == "rst" else myst_model_pages(model, safe)
    files = {"conf.py": conf_py(project=model.project, outline="joint", myst=fmt == "myst"),
             **pages}  # fmt: skip
    return model, report, files


def model_report(model: ThreatModel, report: Report) -> str:
    """What was mapped to directives, what was kept as text, what was not read, and why."""

    def counts(counter: Any) -> str:
        return ", ".join(f"{count} {kind}" for kind, count in sorted(counter.items())) or "none"

    lines = [
        f"imported the {model.tool} model {model.title!r} as project {model.project!r}",
        f"  into directives: {counts(model.mapped)}",
        f"  kept as text in the threat-model section: {counts(model.kept_counts)}",
    ]
    lines += [f"  note: {note}" for note in [*model.notes, *report.notes]]
    lines += [f"  warning: {warning}" for warning in [*model.warnings, *report.warnings]]
    return "\n".join(lines)


def run_import_model(
    source: Path, output: Path, tool: str, *, fmt: str = "myst", project: str | None = None
) -> int:
    model, report, files = convert_model(source, tool, fmt=fmt, project=project)
    prepare_output(output)
    write_files(output, files)
    print(model_report(model, report))
    print(f"  wrote {', '.join(sorted(files))} to {output}")
    sys.stdout.flush()
    return 0
