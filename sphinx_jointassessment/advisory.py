"""Advisory ids and CVSS vectors: what a ``security-issue`` names its vulnerability by.

A CVE id (``CVE-2025-12345``) or a GitHub advisory id (``GHSA-xxxx-xxxx-xxxx``) is
checked by its pattern and linked to its public advisory page, so a reader reaches
the authoritative record in one click and a typo is caught at the block
(``bad-identifier``) rather than published as a dead link. Other ids (a project's
own ``KESTREL-2025-01``) are taken as written.

A CVSS v3.0, v3.1 or v4.0 vector is scored by the maintained ``cvss`` library
(Red Hat Product Security's), never by hand: the base score and its severity are
what NVD and GitHub publish for the same vector. A v4.0 vector that carries threat
or environmental metrics scores differently from its base metrics alone, so its
score is labelled with FIRST's nomenclature (CVSS-BT, CVSS-BE, CVSS-BTE) and is
never passed off as a base score. The functions here are pure, so the property
tests can feed them any text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cvss import CVSS3, CVSS4
from cvss.exceptions import CVSSError

#: ``CVE-YEAR-NUMBER`` (the number has four digits or more, as the CVE program assigns)
CVE_PATTERN = re.compile(r"CVE-\d{4}-\d{4,19}")
#: ``GHSA-`` and three groups of four lower-case letters or digits
GHSA_PATTERN = re.compile(r"GHSA(?:-[0-9a-z]{4}){3}")
#: the prefixes that claim an advisory id: an id that starts so must match its pattern
_CLAIMS = (("CVE-", CVE_PATTERN, "CVE-YYYY-NNNN"), ("GHSA-", GHSA_PATTERN, "GHSA-xxxx-xxxx-xxxx"))

NVD_URL = "https://nvd.nist.gov/vuln/detail/{id}"
GITHUB_ADVISORY_URL = "https://github.com/advisories/{id}"

#: the CVSS versions that are scored, by the prefix of their vectors
CVSS_VERSIONS = {"CVSS:3.0/": "3.0", "CVSS:3.1/": "3.1", "CVSS:4.0/": "4.0"}
#: the CVSS v4.0 environmental metrics (threat metrics: ``E`` alone)
_ENVIRONMENTAL_V4 = frozenset(
    {"CR", "IR", "AR", "MAV", "MAC", "MAT", "MPR", "MUI", "MVC", "MVI", "MVA", "MSC", "MSI", "MSA"}
)
#: no real vector is this long; longer text is refused before it reaches the library
MAX_VECTOR_LENGTH = 300


def id_problem(issue_id: str) -> str | None:
    """Why *issue_id*, which claims to be a CVE or GHSA id, is not one (``None`` if fine)."""
    for prefix, pattern, form in _CLAIMS:
        if issue_id.upper().startswith(prefix) and not pattern.fullmatch(issue_id):
            return f"{issue_id!r} is not a valid {prefix[:-1]} id (the form is {form})"
    return None


def advisory_url(issue_id: str) -> str | None:
    """The public advisory page of a valid CVE or GHSA id; ``None`` for any other id."""
    if CVE_PATTERN.fullmatch(issue_id):
        return NVD_URL.format(id=issue_id)
    if GHSA_PATTERN.fullmatch(issue_id):
        return GITHUB_ADVISORY_URL.format(id=issue_id)
    return None


@dataclass(frozen=True, slots=True)
class CvssScore:
    """A scored CVSS vector."""

    #: the vector as the library normalises it (metrics in the specification's order)
    vector: str
    #: ``3.0``, ``3.1`` or ``4.0``
    version: str
    #: the base score, 0.0 to 10.0
    score: float
    #: none, low, medium, high or critical
    severity: str
    #: what the v4.0 score is of: ``CVSS-B`` (base metrics only), ``CVSS-BT``, ``CVSS-BE``
    #: or ``CVSS-BTE``; ``None`` for v3.x, whose score is always the base score
    nomenclature: str | None = None

    @property
    def is_base(self) -> bool:
        """Whether the score is the base score (every v3.x score; a v4.0 CVSS-B one)."""
        return self.nomenclature in (None, "CVSS-B")

    def score_text(self) -> str:
        """``9.1``, or ``8.1 (CVSS-BT)`` when a v4.0 score is not the base score."""
        return f"{self.score:.1f}" if self.is_base else f"{self.score:.1f} ({self.nomenclature})"


def score_vector(text: str) -> tuple[CvssScore | None, str | None]:
    """The base score and severity of a CVSS v3.0, v3.1 or v4.0 vector, or why there is none."""
    vector = text.strip()
    version = next((v for prefix, v in CVSS_VERSIONS.items() if vector.startswith(prefix)), None)
    if version is None:
        return None, (
            f"{_shown(vector)} is not a CVSS v3.0, v3.1 or v4.0 vector "
            "(it starts with CVSS:3.0/, CVSS:3.1/ or CVSS:4.0/)"
        )
    if len(vector) > MAX_VECTOR_LENGTH:
        return None, f"{_shown(vector)} is too long for a CVSS vector"
    try:
        nomenclature = None
        if version == "4.0":
            parsed4 = CVSS4(vector)
            score, severity, clean = parsed4.base_score, parsed4.severity, parsed4.clean_vector()
            nomenclature = v4_nomenclature(parsed4.original_metrics)
        else:
            parsed3 = CVSS3(vector)
            score, severity = parsed3.scores()[0], parsed3.severities()[0]
            clean = parsed3.clean_vector()
    except (CVSSError, KeyError, ValueError, IndexError) as exc:
        return None, f"{_shown(vector)} is not a valid CVSS v{version} vector: {exc}"
    return CvssScore(str(clean), version, float(score), str(severity).lower(), nomenclature), None


def v4_nomenclature(metrics: dict[str, str]) -> str:
    """FIRST's name for what a v4.0 score is of, from the metrics the vector gives."""
    used = {key for key, value in metrics.items() if value != "X"}
    threat = "T" if "E" in used else ""
    environmental = "E" if used & _ENVIRONMENTAL_V4 else ""
    return f"CVSS-B{threat}{environmental}"


def _shown(text: str) -> str:
    return repr(text if len(text) <= 80 else text[:77] + "...")
