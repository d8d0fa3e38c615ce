"""OpenSSF SECURITY-INSIGHTS 2.x files: read, check, and what they state (SPEC §2.4).

A project's ``security-insights.yml`` already states its repository, security
policy, vulnerability-reporting contact and policy, signature verification,
dependency policy, release attestations and existing assessments; CLOMonitor and
the Security Slam read it. ``assessment-metadata :security-insights: FILE`` fills the
Metadata and Security links tables from it rather than having them typed twice.

The file is untrusted like any block: it is read with the safe YAML loader and its
limits, then checked against the specification's schema (``schema.cue``, shipped
translated to ``schema/security-insights-2.schema.json``), every problem at its line
of the file. A value that fails the schema is not used. What the file states is
returned as :class:`SecurityInsights`, each value with the path it came from, so the
metadata can say which fields the file filled.

Pure functions, without Sphinx: the ``security-insights`` command uses them too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .problems import BlockProblem, Code
from .urls import is_http_url
from .yaml_schema import load_schema, validate
from .yamlsafe import LineDict, LineList, YamlLimits, YamlProblem, load_yaml

SCHEMA_FILE = "security-insights-2.schema.json"
#: the check code of a value of each schema definition that does not match it
_CODES = {"URL": Code.BAD_URL, "Date": Code.BAD_DATE}
#: a release attestation whose name or predicate says it is a bill of materials
_SBOM = re.compile(r"spdx|cyclonedx|sbom", re.IGNORECASE)
#: the placeholder SECURITY-INSIGHTS files put in release URLs
VERSION_PLACEHOLDER = "{version}"


@dataclass(frozen=True, slots=True)
class Stated:
    """One value the file states: what it is, where it is in the file."""

    label: str
    value: str
    #: its path in the file (``repository.documentation.security-policy``)
    path: str
    line: int | None


@dataclass(frozen=True, slots=True)
class Assessment:
    """An entry of ``repository.security.assessments``."""

    kind: str  # "self" or "third-party"
    comment: str
    name: str | None
    evidence: str | None
    date: str | None
    line: int | None


@dataclass(frozen=True, slots=True)
class SecurityInsights:
    """What a SECURITY-INSIGHTS file states that an assessment repeats."""

    project_name: str | None = None
    software: Stated | None = None
    #: rows of the Security links table, in the order of the file's sections
    links: tuple[Stated, ...] = ()
    #: release attestations that are SBOMs
    sboms: tuple[Stated, ...] = ()
    assessments: tuple[Assessment, ...] = ()
    #: ``header.project-si-source``: the project section lives in another file
    project_source: str | None = None
    schema_version: str | None = None
    notes: tuple[str, ...] = field(default=())

    def links_to(self, url: str) -> Assessment | None:
        """The assessment entry whose evidence is *url* (compared as :func:`same_url`)."""
        return next((a for a in self.assessments if a.evidence and same_url(a.evidence, url)), None)


def same_url(first: str, second: str) -> bool:
    """Whether two URLs name the same page: scheme and host without case, no final ``/``.

    ``.git`` at the end of a repository URL is dropped too: ``repository.url`` is
    often the clone URL of the repository the metadata links.
    """
    return _normal_url(first) == _normal_url(second)


def _normal_url(url: str) -> str:
    text = url.strip()
    match = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*://[^/?#]*)(.*)$", text)
    if match is not None:
        text = match.group(1).casefold() + match.group(2)
    text = text.rstrip("/")
    return text.removesuffix(".git")


# -- reading ---------------------------------------------------------------------------------


def read_security_insights(
    text: str, shown: str, limits: YamlLimits
) -> tuple[SecurityInsights | None, list[BlockProblem]]:
    """The file's statements and its problems (lines of the file), or ``None`` if unusable."""
    try:
        data = load_yaml(text, limits)
    except YamlProblem as exc:
        return None, [BlockProblem(exc.code, f"{shown}: {exc.message}", exc.line)]
    problems = [
        BlockProblem(problem.code, problem.message, problem.line)
        for problem in validate(data, load_schema(SCHEMA_FILE), where=shown, codes=_CODES)
    ]
    if not isinstance(data, LineDict):
        return None, problems
    return _statements(data), problems


def _get(data: Any, *path: str | int) -> Any:
    """The value at *path*, or ``None`` where the file has none or has another shape."""
    for key in path:
        if isinstance(key, int):
            if not isinstance(data, LineList) or key >= len(data):
                return None
        elif not isinstance(data, LineDict) or key not in data:
            return None
        data = data[key]
    return data


def _line_of(data: Any, *path: str | int) -> int | None:
    parent = _get(data, *path[:-1]) if len(path) > 1 else data
    key = path[-1]
    if isinstance(parent, LineDict) and key in parent:
        return parent.line_of(key)
    if isinstance(parent, LineList) and isinstance(key, int):
        return parent.line_of(key)
    return None


def dotted(path: tuple[str | int, ...]) -> str:
    """``repository.release.attestations[1].location``: a path as the messages name it."""
    text = ""
    for key in path:
        text += f"[{key}]" if isinstance(key, int) else f".{key}" if text else key
    return text


def _web_url(value: Any) -> str | None:
    """*value* if it is an http(s) URL the schema and the link policy accept, else ``None``."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    return url if is_http_url(url) else None


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None


class _Collector:
    """Builds the statements, taking only values the schema and the link policy accept."""

    def __init__(self, data: LineDict) -> None:
        self.data = data
        self.links: list[Stated] = []

    def url(self, label: str, *path: str | int) -> Stated | None:
        url = _web_url(_get(self.data, *path))
        if url is None:
            return None
        return Stated(label, url, dotted(path), _line_of(self.data, *path))

    def link(self, label: str, *path: str | int) -> Stated | None:
        stated = self.url(label, *path)
        if stated is not None and not any(same_url(s.value, stated.value) for s in self.links):
            self.links.append(stated)
        return stated


def _statements(data: LineDict) -> SecurityInsights:
    collect = _Collector(data)
    software = (
        collect.url("Software", "repository", "url")
        or collect.url("Software", "project", "repositories", 0, "url")
        or collect.url("Software", "project", "homepage")
    )
    vuln = ("project", "vulnerability-reporting")
    collect.link("Security file", "repository", "documentation", "security-policy")
    collect.link("Security file", *vuln, "security-policy")
    if len(collect.links) == 2:  # the two differ: the second is the reporting policy
        collect.links[1] = Stated("Vulnerability reporting policy", *_rest(collect.links[1]))
    _contact(collect, data)
    if _get(data, *vuln, "bug-bounty-available") is True:
        collect.link("Bug bounty program", *vuln, "bug-bounty-program")
    collect.link("Signature verification", "project", "documentation", "signature-verification")
    repo_docs = ("repository", "documentation")
    collect.link("Dependency management policy", *repo_docs, "dependency-management-policy")
    sboms = _attestations(collect, data)
    assessments = _assessments(collect, data)
    return SecurityInsights(
        project_name=_text(_get(data, "project", "name")),
        software=software,
        links=tuple(collect.links),
        sboms=tuple(sboms),
        assessments=tuple(assessments),
        project_source=_web_url(_get(data, "header", "project-si-source")),
        schema_version=_text(_get(data, "header", "schema-version")),
    )


def _rest(stated: Stated) -> tuple[str, str, int | None]:
    return stated.value, stated.path, stated.line


def _contact(collect: _Collector, data: LineDict) -> None:
    """The vulnerability-reporting contact: its address as a ``mailto:`` link, or its page."""
    path = ("project", "vulnerability-reporting", "contact")
    email = _get(data, *path, "email")
    if isinstance(email, str) and re.fullmatch(
        r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", email.strip()
    ):
        collect.links.append(
            Stated(
                "Vulnerability reporting contact",
                f"mailto:{email.strip()}",
                dotted((*path, "email")),
                _line_of(data, *path, "email"),
            )
        )
        return
    collect.link("Vulnerability reporting contact", *path, "social")


def _attestations(collect: _Collector, data: LineDict) -> list[Stated]:
    """Release attestations: SBOMs apart (they fill ``:sbom:``), the others as links."""
    sboms: list[Stated] = []
    attestations = _get(data, "repository", "release", "attestations")
    if not isinstance(attestations, LineList):
        return sboms
    for index, item in enumerate(attestations):
        name = _text(_get(item, "name")) or f"attestation {index + 1}"
        predicate = _get(item, "predicate-uri")
        path = ("repository", "release", "attestations", index, "location")
        is_sbom = _SBOM.search(name) or (isinstance(predicate, str) and _SBOM.search(predicate))
        if is_sbom:
            stated = collect.url(name, *path)
            if stated is not None:
                sboms.append(stated)
        else:
            collect.link(f"Release attestation: {name}", *path)
    return sboms


def _assessments(collect: _Collector, data: LineDict) -> list[Assessment]:
    base = ("repository", "security", "assessments")
    found: list[Assessment] = []
    entries: list[tuple[str, Any, tuple[str | int, ...]]] = [
        ("self", _get(data, *base, "self"), (*base, "self"))
    ]
    third = _get(data, *base, "third-party")
    if isinstance(third, LineList):
        entries += [
            ("third-party", item, (*base, "third-party", index)) for index, item in enumerate(third)
        ]
    for kind, item, path in entries:
        if not isinstance(item, LineDict):
            continue
        date = _get(item, "date")
        date_text = date.isoformat() if hasattr(date, "isoformat") else _text(date)
        assessment = Assessment(
            kind,
            _text(_get(item, "comment")) or "",
            _text(_get(item, "name")),
            _web_url(_get(item, "evidence")),
            date_text,
            item.line,
        )
        found.append(assessment)
        if assessment.evidence is None:
            continue
        if kind == "self":
            label = assessment.name or "Self-assessment"
        else:
            label = f"Third-party assessment: {assessment.name or assessment.date or 'undated'}"
        if assessment.date and kind == "self":
            label += f" ({assessment.date})"
        collect.link(label, *path, "evidence")
    return found
