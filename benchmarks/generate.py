"""Synthetic Sphinx projects for the benchmarks, each in two variants.

Every project exists as ``ext`` (written with the extension's directives,
``extensions = ["sphinx_jointassessment"]``) and as ``plain`` (the same content
written with plain Sphinx markup, no extension at all), so that one run can
compare the two on the same machine:

* ``matrices``: pages with three 4x4 threat matrices each. ``plain`` writes the
  same cells ("LABEL: text Score: N", notes) as ``list-table`` blocks.
* ``findings``: pages with ten findings each and one ``findings-table`` on a page
  of its own. ``plain`` writes each finding as an ``admonition`` with the same
  fields and notes, and the table page without a table. ``table`` is ``plain``
  with the table written by hand: a ``list-table`` of the same rows (number
  linked to the finding, name, the same notes, reviewer), which a project without
  the extension would have to keep up to date itself.
* ``threats``: pages with ten threats each (STRIDE category, components, ATT&CK ids,
  rating, a description and a ``controls`` block) and one ``threats-table`` on a page
  of its own. ``plain`` writes each threat as an ``admonition`` with the same fields,
  description and controls, and the table page without a table; ``table`` adds the
  same table written by hand (``list-table``, ids linked to the threats).
* ``assessment``: the ``findings`` project (``ext`` only) plus a page with
  ``joint-assessment`` and one page contributing every required outline section,
  so that the ``jointassessment`` builder has a complete assessment to write.
* ``titles``: a ``joint-assessment`` page, a threat matrix and a finding whose title
  is ``x`` and a run of dots (and the findings table), in two variants of its own:
  ``long`` (a million characters, which took 7.5 minutes in the builder before issue
  18, and 3 minutes in LaTeX) and ``short`` (``x.``).
* ``sections``: an imported project's shape, every section of the assessment on
  one page, and a ``joint-assessment`` page, in two variants of its own: ``from``
  (each section under a label of its own, and 30 ``assessment-section`` blocks at
  the end of the page taking them ``:from:`` their labels, as ``import`` writes
  them) and ``without`` (the same content written inside the blocks, in place).

Content is deterministic (no randomness, no dates): the same arguments always
give the same files. Usable alone::

    python benchmarks/generate.py findings ext /tmp/findings --pages 50
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Callable

VARIANTS = ("ext", "plain", "table")
#: variants of the ``titles`` project
TITLE_VARIANTS = ("short", "long")
PROJECTS = ("matrices", "findings", "threats", "assessment", "titles", "sections")
#: characters of the long title
LONG_TITLE = 1_000_000
#: variants of the ``sections`` project
SECTION_VARIANTS = ("from", "without")
#: sections of the ``sections`` project, each taken ``:from:`` its label
FROM_SECTIONS = 30

COMPONENTS = ("Server", "Agent", "Container (same node)", "Container (diff node)")
ATTACK_CLASSES = ("Identity Theft", "Compromise", "Denial of Service")
LABELS = ("N/A", "NONE", "MITM", "ESCAPE", "Mitigated by mTLS", "HAMMER")
SEVERITIES = ("critical", "high", "medium", "low", "informational")
STATUSES = ("open", "fixed", "accepted", "wontfix")
REVIEWERS = ("Jane Doe (@jdoe)", "John Roe (@jroe)", "Ada Lovelace (@ada)")

#: the required sections of the joint outline (SPEC §3), written by the assessment project
SECTION_KEYS = (
    "overview",
    "overview.background",
    "overview.goal",
    "overview.non-goals",
    "intended-use.target-users",
    "intended-use.operation",
    "project-design.design",
    "project-design.data-flow",
    "functions-and-features.critical",
    "functions-and-features.relevant",
    "security-functions-and-features",
    "configuration.default",
    "configuration.secure",
    "project-compliance",
    "security-analysis.attacker-motivations",
    "security-analysis.predisposing-conditions",
    "security-analysis.expected-attacker-capabilities",
    "security-analysis.attack-risks-and-effects",
    "security-analysis.security-degradation",
    "security-analysis.compensating-mechanisms",
    "threat-model",
    "secure-development-practices",
    "security-issue-resolution",
    "roadmap.next-steps",
    "roadmap.cncf-requests",
    "appendix.known-issues",
    "appendix.case-studies",
    "appendix.related-projects",
)

PROSE = (
    "This page describes one part of the system in the words its maintainers use, "
    "with *emphasis*, ``inline code`` and a `link <https://example.org/docs>`_, "
    "as an ordinary documentation page would."
)


def _conf(variant: str, project: str) -> str:
    extensions = ["sphinx_jointassessment"] if variant == "ext" else []
    lines = [
        f'project = "Bench {project}"',
        'author = "Benchmarks"',
        f"extensions = {extensions!r}",
        'exclude_patterns = ["_build"]',
        # the same for both variants; keeps the html writer's work comparable
        'html_theme = "alabaster"',
    ]
    if variant == "ext":
        lines.append('jointassessment_project = "Bench"')
        if project == "findings":
            # findings without a hands-on-assessment block are reported once; the plain
            # variant has no such check, so keep both builds free of warnings
            lines.append('suppress_warnings = ["jointassessment.hands-on-inconsistent"]')
        if project in ("titles", "sections"):  # a page or two, not a whole assessment
            suppressed = ["jointassessment.missing-section"]
            if project == "titles":  # a finding, without a hands-on-assessment block
                suppressed.append("jointassessment.hands-on-inconsistent")
            lines.append(f"suppress_warnings = {suppressed!r}")
            lines.append("jointassessment_max_input_bytes = 4 * 1024 * 1024")
    return "\n".join(lines) + "\n"


def _heading(text: str, char: str = "=") -> str:
    return f"{text}\n{char * len(text)}\n"


def _toctree_page(title: str, pages: list[str], intro: str = "") -> str:
    toctree = "\n".join(f"   {page}" for page in pages)
    return f"{_heading(title)}\n{intro or PROSE}\n\n.. toctree::\n   :maxdepth: 1\n\n{toctree}\n"


#: pages per chapter: a large site is a tree, not one flat list; with a flat toctree the
#: sidebar of every page lists every page, and plain Sphinx spends most of its time there
CHAPTER = 50


def _index(title: str, pages: list[str], extra: tuple[str, ...] = ()) -> dict[str, str]:
    """``index.rst`` with one chapter page per ``CHAPTER`` pages, then the *extra* pages."""
    files = {}
    chapters = []
    for start in range(0, len(pages), CHAPTER):
        name = f"chapter{start // CHAPTER:02d}"
        files[f"{name}.rst"] = _toctree_page(
            f"Chapter {start // CHAPTER + 1}",
            [f"/{page}" for page in pages[start : start + CHAPTER]],
        )
        chapters.append(name)
    files["index.rst"] = _toctree_page(title, [*chapters, *extra])
    return files


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _fresh(dest: Path) -> Path:
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    return dest


# -- threat matrices ---------------------------------------------------------------------


def _cells(page: int, matrix: int) -> list[dict[str, object]]:
    """The 16 cells of one matrix: label, text, score (none for N/A), sometimes a note."""
    cells = []
    for v, victim in enumerate(COMPONENTS):
        for a, attacker in enumerate(COMPONENTS):
            n = page * 48 + matrix * 16 + v * 4 + a
            label = "N/A" if v == a else LABELS[1 + n % (len(LABELS) - 1)]
            cell: dict[str, object] = {
                "victim": victim,
                "attacker": attacker,
                "label": label,
                "text": f"The {attacker.lower()} can reach the {victim.lower()} in case {n}.",
                "score": None if label == "N/A" else round((n % 97) * 0.75 + 0.5, 2),
                "note": "Only under a non-default configuration." if n % 5 == 0 else None,
            }
            cells.append(cell)
    return cells


def _matrix_ext(page: int, matrix: int, title: str) -> str:
    lines = [
        f".. threat-matrix:: {title}",
        f"   :name: p{page}-m{matrix}",
        "",
        "   components: [" + ", ".join(COMPONENTS) + "]",
        "   cells:",
    ]
    for cell in _cells(page, matrix):
        lines.append(f"     - victim: {cell['victim']}")
        lines.append(f"       attacker: {cell['attacker']}")
        lines.append(f"       label: {cell['label']}")
        lines.append(f"       text: {cell['text']}")
        if cell["score"] is not None:
            lines.append(f"       score: {cell['score']}")
        if cell["note"]:
            lines.append(f"       notes: [{cell['note']}]")
    return "\n".join(lines) + "\n"


def _matrix_plain(page: int, matrix: int, title: str) -> str:
    lines = [
        f".. list-table:: {title}",
        f"   :name: p{page}-m{matrix}",
        "   :header-rows: 1",
        "   :stub-columns: 1",
        "",
        "   * - Victim Components",
    ]
    lines += [f"     - {attacker}" for attacker in COMPONENTS]
    cells = {(c["victim"], c["attacker"]): c for c in _cells(page, matrix)}
    for victim in COMPONENTS:
        lines.append(f"   * - Victim {victim}")
        for attacker in COMPONENTS:
            cell = cells[(victim, attacker)]
            text = f"**{cell['label']}**: {cell['text']}"
            if cell["score"] is not None:
                text += f" Score: {cell['score']}"
            lines.append(f"     - {text}")
            if cell["note"]:
                lines.append("")
                lines.append(f"       **NOTE:** {cell['note']}")
    return "\n".join(lines) + "\n"


def matrices(dest: Path, variant: str, pages: int = 200) -> Path:
    """*pages* pages, each with three 4x4 threat matrices (or list-tables)."""
    root = _fresh(dest)
    names = [f"model/page{page:04d}" for page in range(pages)]
    files = {"conf.py": _conf(variant, "matrices"), **_index("Threat models", names)}
    render = _matrix_ext if variant == "ext" else _matrix_plain
    for page, name in enumerate(names):
        parts = [_heading(f"Component {page}"), PROSE, ""]
        for matrix, title in enumerate(ATTACK_CLASSES):
            parts += [_heading(f"{title} of component {page}", "-"), render(page, matrix, title)]
        files[f"{name}.rst"] = "\n".join(parts)
    _write(root, files)
    return root


# -- findings ------------------------------------------------------------------------------


def finding_title(number: int, revision: int = 0) -> str:
    title = f"Default configuration {number} exposes the admin API"
    return title if revision == 0 else f"{title} (renamed {revision})"


def _finding_fields(number: int) -> dict[str, str]:
    return {
        "reviewer": REVIEWERS[number % len(REVIEWERS)],
        "severity": SEVERITIES[number % len(SEVERITIES)],
        "status": STATUSES[number % len(STATUSES)],
        "issue": f"https://github.com/example/project/issues/{number}",
    }


def _finding_notes(number: int) -> list[str]:
    return [
        f"The admin API of instance {number} listens on all interfaces by default, so any",
        "workload on the node can reach it. See the `hardening guide",
        "<https://example.org/hardening>`_ and ``admin.listen`` in the configuration.",
        "",
        "- bind to ``127.0.0.1`` by default;",
        "- require a client certificate.",
    ]


def _finding_ext(number: int, revision: int) -> str:
    fields = _finding_fields(number)
    lines = [f".. finding:: {finding_title(number, revision)}", f"   :id: {number}"]
    lines += [f"   :{key}: {value}" for key, value in fields.items()]
    lines.append("")
    lines += [f"   {line}".rstrip() for line in _finding_notes(number)]
    return "\n".join(lines) + "\n"


def _finding_plain(number: int, revision: int, label: bool = False) -> str:
    fields = _finding_fields(number)
    lines = [f".. _finding-{number}:", ""] if label else []
    lines += [
        f".. admonition:: Finding {number}: {finding_title(number, revision)}",
        f"   :class: finding severity-{fields['severity']}",
        "",
        f"   :Severity: {fields['severity'].capitalize()}",
        f"   :Status: {fields['status']}",
        f"   :Reviewer: {fields['reviewer']}",
        f"   :Issue: {fields['issue']}",
        "",
    ]
    lines += [f"   {line}".rstrip() for line in _finding_notes(number)]
    return "\n".join(lines) + "\n"


def _objects_page(
    title: str,
    variant: str,
    page: int,
    per_page: int,
    revisions: dict[int, int],
    ext: Callable[[int, int], str],
    plain: Callable[[int, int, bool], str],
) -> str:
    """One page of *per_page* objects; ``revisions`` renames some (number -> revision)."""
    parts = [_heading(title), PROSE, ""]
    for index in range(per_page):
        number = page * per_page + index + 1
        revision = revisions.get(number, 0)
        if variant == "ext":
            parts.append(ext(number, revision))
        else:
            parts.append(plain(number, revision, variant == "table"))
    return "\n".join(parts)


def findings_page(variant: str, page: int, per_page: int, revisions: dict[int, int]) -> str:
    """One page of *per_page* findings; ``revisions`` renames some (number -> revision)."""
    return _objects_page(
        f"Area {page}", variant, page, per_page, revisions, _finding_ext, _finding_plain
    )


def _table_row(number: int, revision: int) -> list[str]:
    """One row of the hand-written table: what ``findings-table`` shows for the finding."""
    fields = _finding_fields(number)
    summary = (
        f"Severity: {fields['severity'].capitalize()}; Status: {fields['status']}; "
        f"Issue: {fields['issue']}"
    )
    notes = [f"       {line}".rstrip() for line in _finding_notes(number)]
    return [
        f"   * - :ref:`{number} <finding-{number}>`",
        f"     - {finding_title(number, revision)}",
        f"     - {summary}",
        "",
        *notes,
        f"     - {fields['reviewer']}",
    ]


def table_page(variant: str, findings: int, revisions: dict[int, int]) -> str:
    """The page listing every finding: ``findings-table``, a hand-written table, or none."""
    if variant == "ext":
        body = ".. findings-table::\n"
    elif variant == "plain":
        body = "Each finding is on its area's page.\n"
    else:
        lines = [
            ".. list-table::",
            "   :header-rows: 1",
            "",
            "   * - Finding Number",
            "     - Finding name",
            "     - Finding Notes",
            "     - Reviewer",
        ]
        for number in range(1, findings + 1):
            lines += _table_row(number, revisions.get(number, 0))
        body = "\n".join(lines) + "\n"
    return f"{_heading('All findings')}\n{body}"


def findings_page_name(page: int) -> str:
    return f"area/page{page:04d}"  # as FINDINGS.page_name


#: the page that lists every finding (a ``findings-table`` in the ``ext`` variant)
TABLE_PAGE = "findings"


class CatalogueProject(NamedTuple):
    """How a project of many objects and one table of them is written (findings, threats)."""

    project: str
    title: str
    folder: str
    table_page: str
    page: Callable[[str, int, int, dict[int, int]], str]
    table: Callable[[str, int, dict[int, int]], str]

    def page_name(self, page: int) -> str:
        return f"{self.folder}/page{page:04d}"

    def write(self, dest: Path, variant: str, pages: int, per_page: int) -> Path:
        """*pages* pages of *per_page* objects, and a page with the table of them all."""
        root = _fresh(dest)
        names = [self.page_name(page) for page in range(pages)]
        files = {
            "conf.py": _conf(variant, self.project),
            **_index(self.title, names, (self.table_page,)),
        }
        for page, name in enumerate(names):
            files[f"{name}.rst"] = self.page(variant, page, per_page, {})
        files[f"{self.table_page}.rst"] = self.table(variant, pages * per_page, {})
        _write(root, files)
        return root

    def rename(self, root: Path, variant: str, number: int, revision: int, per_page: int) -> Path:
        """Rewrite the page of object *number* with that object renamed; the page's path.

        In the ``table`` variant the hand-written table is edited too, as its maintainers
        would have to.
        """
        page = (number - 1) // per_page
        path = root / f"{self.page_name(page)}.rst"
        path.write_text(self.page(variant, page, per_page, {number: revision}), encoding="utf-8")
        if variant == "table":
            count = sum(1 for _ in (root / self.folder).glob("*.rst")) * per_page
            text = self.table(variant, count, {number: revision})
            (root / f"{self.table_page}.rst").write_text(text, encoding="utf-8")
        return path


FINDINGS = CatalogueProject(
    "findings", "Findings of the review", "area", TABLE_PAGE, findings_page, table_page
)


def findings(dest: Path, variant: str, pages: int = 500, per_page: int = 10) -> Path:
    """*pages* pages of *per_page* findings, and a page with the findings table."""
    return FINDINGS.write(dest, variant, pages, per_page)


def rename_finding(
    root: Path, variant: str, number: int, revision: int, per_page: int = 10
) -> Path:
    """Rewrite the page of finding *number* with that finding renamed (see ``rename``)."""
    return FINDINGS.rename(root, variant, number, revision, per_page)


# -- threat catalogues ----------------------------------------------------------------------

STRIDE_NAMES = (
    ("spoofing", "Spoofing"),
    ("tampering", "Tampering"),
    ("repudiation", "Repudiation"),
    ("information-disclosure", "Information Disclosure"),
    ("denial-of-service", "Denial of Service"),
    ("elevation-of-privilege", "Elevation of Privilege"),
)
LEVELS = ("low", "medium", "high")
#: the OWASP matrix, as the extension computes it, for the plain and table variants
OWASP = {
    ("low", "low"): "Note", ("low", "medium"): "Low", ("low", "high"): "Medium",
    ("medium", "low"): "Low", ("medium", "medium"): "Medium", ("medium", "high"): "High",
    ("high", "low"): "Medium", ("high", "medium"): "High", ("high", "high"): "Critical",
}  # fmt: skip
#: the page that lists every threat (a ``threats-table`` in the ``ext`` variant)
THREATS_TABLE_PAGE = "threats"


def threat_title(number: int, revision: int = 0) -> str:
    title = f"Spoofing of service {number} with a stolen token"
    return title if revision == 0 else f"{title} (renamed {revision})"


def _threat_fields(number: int) -> dict[str, str]:
    key, _name = STRIDE_NAMES[number % len(STRIDE_NAMES)]
    return {
        "id": f"Threat-{number:04d}",
        "stride": key,
        "components": f"Service {number % 7}; Gateway",
        "attack": f"T1078; T{1550 + number % 9}.001",
        "likelihood": LEVELS[number % 3],
        "impact": LEVELS[(number // 3) % 3],
        "status": "mitigated" if number % 2 else "accepted",
    }


def _threat_description(number: int) -> list[str]:
    return [
        f"A client holding a token of service {number} can act as that service towards",
        "the gateway until the token expires. See the `token guide",
        "<https://example.org/tokens>`_ and ``auth.ttl`` in the configuration.",
    ]


def _threat_controls(number: int) -> list[str]:
    return [
        f"- tokens of service {number} expire after fifteen minutes;",
        "- the gateway checks the token's audience.",
    ]


def _threat_ext(number: int, revision: int) -> str:
    lines = [f".. threat:: {threat_title(number, revision)}"]
    lines += [f"   :{key}: {value}" for key, value in _threat_fields(number).items()]
    lines.append("")
    lines += [f"   {line}".rstrip() for line in _threat_description(number)]
    lines += ["", "   .. controls::", ""]
    lines += [f"      {line}" for line in _threat_controls(number)]
    return "\n".join(lines) + "\n"


def _threat_summary(number: int) -> dict[str, str]:
    fields = _threat_fields(number)
    name = dict(STRIDE_NAMES)[fields["stride"]]
    severity = OWASP[(fields["likelihood"], fields["impact"])]
    return {**fields, "stride": name, "severity": severity}


def _threat_plain(number: int, revision: int, label: bool = False) -> str:
    fields = _threat_summary(number)
    lines = [f".. _{fields['id'].lower()}:", ""] if label else []
    lines += [
        f".. admonition:: {fields['id']}: {threat_title(number, revision)}",
        "   :class: threat",
        "",
        f"   :STRIDE: {fields['stride']}",
        f"   :Components: {fields['components']}",
        f"   :MITRE ATT&CK: {fields['attack']}",
        f"   :Likelihood: {fields['likelihood'].capitalize()}",
        f"   :Impact: {fields['impact'].capitalize()}",
        f"   :Severity: {fields['severity']}",
        f"   :Status: {fields['status']}",
        "",
    ]
    lines += [f"   {line}".rstrip() for line in _threat_description(number)]
    lines += ["", "   **Controls**", ""]
    lines += [f"   {line}" for line in _threat_controls(number)]
    return "\n".join(lines) + "\n"


def threats_page(variant: str, page: int, per_page: int, revisions: dict[int, int]) -> str:
    """One page of *per_page* threats; ``revisions`` renames some (number -> revision)."""
    return _objects_page(
        f"Threats of area {page}", variant, page, per_page, revisions, _threat_ext, _threat_plain
    )


def threats_table_page(variant: str, threats: int, revisions: dict[int, int]) -> str:
    """The page listing every threat: ``threats-table``, a hand-written table, or none."""
    if variant == "ext":
        body = ".. threats-table::\n"
    elif variant == "plain":
        body = "Each threat is on its area's page.\n"
    else:
        lines = [
            ".. list-table::",
            "   :header-rows: 1",
            "",
            "   * - ID",
            "     - Threat",
            "     - STRIDE",
            "     - Components",
            "     - Severity",
            "     - Status",
        ]
        for number in range(1, threats + 1):
            fields = _threat_summary(number)
            lines += [
                f"   * - :ref:`{fields['id']} <{fields['id'].lower()}>`",
                f"     - {threat_title(number, revisions.get(number, 0))}",
                f"     - {fields['stride']}",
                f"     - {fields['components']}",
                f"     - {fields['severity']}",
                f"     - {fields['status']}",
            ]
        body = "\n".join(lines) + "\n"
    return f"{_heading('All threats')}\n{body}"


THREATS = CatalogueProject(
    "threats", "Threat catalogue", "threats", THREATS_TABLE_PAGE, threats_page, threats_table_page
)
threats_page_name = THREATS.page_name


def threats(dest: Path, variant: str, pages: int = 500, per_page: int = 10) -> Path:
    """*pages* pages of *per_page* threats, and a page with the threats table."""
    return THREATS.write(dest, variant, pages, per_page)


def rename_threat(root: Path, variant: str, number: int, revision: int, per_page: int = 10) -> Path:
    """Rewrite the page of threat *number* with that threat renamed (see ``rename``)."""
    return THREATS.rename(root, variant, number, revision, per_page)


# -- the assembled assessment --------------------------------------------------------------


def assessment(dest: Path, pages: int = 500, per_page: int = 10) -> Path:
    """The ``ext`` findings project plus every required section and a joint-assessment page."""
    root = findings(dest, "ext", pages, per_page)
    names = [findings_page_name(page) for page in range(pages)]
    index = _index("Findings of the review", names, (TABLE_PAGE, "sections", "assessment"))
    sections = [_heading("Assessment sections"), PROSE, ""]
    for key in SECTION_KEYS:
        sections += [
            f".. assessment-section:: {key}",
            "",
            f"   Bench's text for {key}, with a `link <https://example.org/{key}>`__",
            "   and ``code``.",
            "",
        ]
    sections += [
        ".. assessment-metadata::",
        "   :software: https://github.com/example/project",
        "   :security-provider: no",
        "   :languages: Go, Rust",
        "   :sbom: https://github.com/example/project/releases/download/v1.0/sbom.spdx.json",
        "",
        "   Security file: https://github.com/example/project/blob/main/SECURITY.md",
        "   Default and optional configs: https://example.dev/docs/configuration",
        "",
        ".. hands-on-assessment::",
        "   :performed: yes",
        "   :dates: 03012025-03152025",
        "   :reviewers: Jane Doe (@jdoe); John Roe (@jroe)",
        "",
        "   The reviewers confirmed the findings listed on the area pages.",
        "",
    ]
    _write(
        root,
        {
            "sections.rst": "\n".join(sections),
            "assessment.rst": f"{_heading('Joint assessment')}\n.. joint-assessment::\n",
            "index.rst": index["index.rst"],
        },
    )
    return root


# -- titles of punctuation runs ------------------------------------------------------------


def titles(dest: Path, variant: str, length: int = LONG_TITLE, *, subheading: bool = False) -> Path:
    """A threat matrix and a finding titled ``x`` and a run of dots (*length* characters,
    or 2 for ``short``), and the findings table that shows the finding's title in a cell.

    With *subheading*, a section's sub-heading has the same title (rST then checks an
    underline as long, which is docutils' own cost).
    """
    if variant not in TITLE_VARIANTS:
        raise ValueError(f"the titles project has the variants {TITLE_VARIANTS}")
    title = "x" + "." * ((length if variant == "long" else 2) - 1)
    root = _fresh(dest)
    blocks = [
        _heading("Blocks"),
        f".. threat-matrix:: {title}",
        "   :name: long",
        "",
        "   components: [Server, Agent]",
        "   cells:",
        *(
            f"     - {{victim: {victim}, attacker: {attacker}, label: NONE, text: t}}"
            for victim in ("Server", "Agent")
            for attacker in ("Server", "Agent")
        ),
        "",
        # the same title in a table cell (LaTeX breaks long words there)
        f".. finding:: {title}",
        "   :id: 1",
        "",
        "   Notes.",
        "",
        ".. findings-table::",
        "",
        ".. assessment-section:: overview.background",
        "",
        "   Background.",
        "",
    ]
    if subheading:
        blocks += [f"   {line}" for line in _heading(title, "-").splitlines()]
        blocks += ["", "   Text.", ""]
    files = {
        "conf.py": _conf("ext", "titles"),
        "index.rst": _toctree_page("Titles", ["blocks", "assessment"]),
        "blocks.rst": "\n".join(blocks),
        "assessment.rst": f"{_heading('Joint assessment')}\n.. joint-assessment::\n",
    }
    _write(root, files)
    return root


# -- one page of sections taken :from: their labels ------------------------------------------


def sections(dest: Path, variant: str, count: int = FROM_SECTIONS) -> Path:
    """*count* sections of one page: taken ``:from:`` their labels, or written in place.

    Both variants give the same assessment; ``from`` measures what taking content
    ``:from:`` a labelled section costs over writing it inside the block.
    """
    if variant not in SECTION_VARIANTS:
        raise ValueError(f"the sections project has the variants {SECTION_VARIANTS}")
    keys = (SECTION_KEYS * (count // len(SECTION_KEYS) + 1))[:count]
    root = _fresh(dest)
    page = [_heading("The assessment's sections")]
    for number, key in enumerate(keys):
        body = [f"{PROSE} Paragraph {paragraph}.\n" for paragraph in range(12)]
        body += [_heading(f"Details of section {number}", "~")]
        body += [f"* {PROSE}" for _item in range(4)] + [""]
        page += [f".. _section-{number}:", "", _heading(f"Section {number}", "-")]
        if variant == "from":
            page += body
        else:
            page += [f".. assessment-section:: {key}", ""]
            page += [f"   {line}" if line else "" for text in body for line in text.split("\n")]
    if variant == "from":
        page += [_heading("Outline sections", "-")]
        for number, key in enumerate(keys):
            page += [f".. assessment-section:: {key}", f"   :from: section-{number}", ""]
    files = {
        # a key given twice (30 sections, 28 keys) is reported alike in both variants
        "conf.py": _conf("ext", "sections")
        + 'suppress_warnings += ["jointassessment.duplicate-section"]\n',
        "index.rst": _toctree_page("Sections", ["sections", "assessment"]),
        "sections.rst": "\n".join(page),
        "assessment.rst": f"{_heading('Joint assessment')}\n.. joint-assessment::\n",
    }
    _write(root, files)
    return root


def generate(project: str, variant: str, dest: Path, pages: int | None = None) -> Path:
    if project == "sections":
        return sections(dest, variant, pages or FROM_SECTIONS)
    if project == "titles":
        return titles(dest, variant, pages or LONG_TITLE)
    if project == "matrices":
        return matrices(dest, variant, pages or 200)
    if project == "findings":
        return findings(dest, variant, pages or 500)
    if project == "threats":
        return threats(dest, variant, pages or 500)
    if variant == "table":
        raise ValueError("the table variant is a findings or threats project")
    if project == "assessment":
        return assessment(dest, pages or 500)
    raise ValueError(f"unknown project {project!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("project", choices=PROJECTS)
    parser.add_argument("variant", choices=VARIANTS + TITLE_VARIANTS + SECTION_VARIANTS)
    parser.add_argument("dest", type=Path)
    parser.add_argument(
        "--pages", type=int, default=None, help="pages (for titles: the long title's length)"
    )
    args = parser.parse_args(argv)
    root = generate(args.project, args.variant, args.dest, args.pages)
    print(root)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
