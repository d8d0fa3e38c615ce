"""``security-insights``: the SECURITY-INSIGHTS entry that links the published assessment.

OpenSSF's assessment guidance asks projects to link their assessment from their
``security-insights.yml`` "at minimum"; CLOMonitor and the Security Slam find it
there. This command builds the docs (as ``check`` does), and prints the entry of
``repository.security.assessments`` to paste: ``third-party`` for a joint assessment
(it was made with the CNCF's reviewers), ``self`` for a self-assessment, pointing at
the published Markdown (``jointassessment_published_url``, else the path
``jointassessment_target`` gives it in the CNCF repository).

``check --security-insights FILE`` uses :func:`insights_problems` to report a
SECURITY-INSIGHTS file, anywhere on disk, that does not link the assessment.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

from ..security_insights import read_security_insights
from ..urls import is_http_url
from ..values import parse_iso_date
from ..yamlsafe import YamlLimits
from .check import OWN_TYPE, BuildProblem, build_assessment
from .errors import CliError

#: the largest SECURITY-INSIGHTS file read (the build's own default limit)
MAX_BYTES = 1024 * 1024


def entry_kind(outline: str) -> str:
    """``self`` for a self-assessment; a joint assessment, made with reviewers, is third-party."""
    return "self" if outline == "self" else "third-party"


def assessment_entry(data: dict[str, Any], url: str, date: str | None) -> dict[str, Any]:
    """The SECURITY-INSIGHTS ``#Assessment`` for the assembled assessment *data*."""
    project = data["project"]
    if data["outline"] == "self":
        name = f"{project} security self-assessment (CNCF)"
        comment = f"Security self-assessment of {project}, written by its maintainers."
    else:
        name = f"{project} joint security assessment (CNCF)"
        comment = (
            f"CNCF joint security assessment of {project}, by its maintainers "
            "and CNCF security reviewers."
        )
    entry: dict[str, Any] = {"name": name, "evidence": url}
    if date:
        entry["date"] = date
    entry["comment"] = comment
    return entry


def fragment(data: dict[str, Any], url: str, date: str | None) -> str:
    """The YAML to merge into ``security-insights.yml``."""
    entry = assessment_entry(data, url, date)
    kind = entry_kind(data["outline"])
    assessments = {kind: [entry] if kind == "third-party" else entry}
    document = {"repository": {"security": {"assessments": assessments}}}
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=1000)


def _completed(data: dict[str, Any]) -> str | None:
    summary = data.get("summary")
    completed = summary.get("completed") if isinstance(summary, dict) else None
    return completed if isinstance(completed, str) else None


def _check_url(url: str) -> str:
    if not is_http_url(url):
        raise CliError(f"--url {url!r} is not an http or https URL")
    return url


def _check_date(date: str) -> str:
    _day, reason = parse_iso_date(date)
    if reason is not None:
        raise CliError(f"--date {reason}")
    return date


def run_security_insights(srcdir: Path, *, url: str | None = None, date: str | None = None) -> int:
    """Build *srcdir* and print its entry (stdout) and what to do with it (stderr)."""
    if url is not None:
        _check_url(url)
    if date is not None:
        _check_date(date)
    with tempfile.TemporaryDirectory(prefix="jointassessment-insights-") as tmp:
        result = build_assessment(srcdir, Path(tmp) / "out")
    data = result.data
    if data is None:
        raise CliError(f"{srcdir}: the builder wrote no assessment")
    published = url or data["submission"]["url"]
    kind = entry_kind(data["outline"])
    print(fragment(data, published, date or _completed(data)), end="")
    where = "published at" if url or data["submission"]["published"] else "to be published at"
    notes = [
        f"# the {data['outline']} assessment, {where} {published}",
        f"# merge this into repository.security.assessments of security-insights.yml "
        f"({'an item of the third-party list' if kind == 'third-party' else 'the self entry'})",
    ]
    if kind == "third-party":
        notes.append(
            "# assessments.self is required too: keep yours, or add "
            "'self: {comment: Self assessment has not yet been completed.}'"
        )
    if result.problems:
        notes.append(f"# the assessment has {len(result.problems)} problem(s): see `check`")
    print("\n".join(notes), file=sys.stderr)
    return 0


def insights_problems(path: Path, data: dict[str, Any]) -> list[BuildProblem]:
    """Problems of the SECURITY-INSIGHTS file *path*: its schema, and the link to *data*."""
    shown = str(path)
    try:
        raw = path.read_bytes()[: MAX_BYTES + 1]
    except OSError as exc:
        raise CliError(f"{path}: cannot be read: {exc.strerror}") from None
    if len(raw) > MAX_BYTES:
        raise CliError(f"{path}: larger than {MAX_BYTES} bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CliError(f"{path}: not UTF-8") from None
    insights, problems = read_security_insights(text, shown, YamlLimits(MAX_BYTES))
    found = [
        BuildProblem(
            f"{shown}:{problem.line}" if problem.line else shown,
            f"{OWN_TYPE}.{problem.code.value}",
            problem.message,
        )
        for problem in problems
    ]
    url = data["submission"]["url"]
    if insights is not None and insights.links_to(url) is None:
        kind = entry_kind(data["outline"])
        found.append(
            BuildProblem(
                shown,
                f"{OWN_TYPE}.metadata-value",
                f"{shown} does not link the assessment {url} in "
                f"repository.security.assessments.{kind}: "
                "`sphinx-jointassessment security-insights DIR` prints the entry to add",
            )
        )
    return found
