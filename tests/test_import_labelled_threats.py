"""``import`` of threats written as labelled parts (``**Threat:**``, ``Category:``, ...).

Published lightweight threat models write a threat as a few labelled lines under a
STRIDE heading or bold line, or under a heading that names the threat; and a
``Threat-NN-X`` list item is often followed by the sentence that describes it. Each
pattern is written here as a minimal snippet: the threat is found with its title,
category, description and controls, as written, and the other lists are left alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from sphinx_jointassessment.cli.check import build_assessment
from sphinx_jointassessment.cli.importer import import_markdown
from sphinx_jointassessment.cli.main import main
from sphinx_jointassessment.cli.model import ImportedAssessment, Threat, ThreatsTable

if TYPE_CHECKING:
    from pathlib import Path


def threats(assessment: ImportedAssessment) -> list[Threat]:
    return [
        d
        for section in [assessment.preamble, *assessment.sections]
        for d in section.directives
        if isinstance(d, Threat)
    ]


LABELLED_LIST = """\
# Demo threat model

### 1. Spoofing:

- **Threat:** Unauthorized access to components.
- **Application to Demo:** Out of scope before.
- **Mitigation:** Network policies restrict access.

### Tampering:
- **Threat**: Modification of settings.
- **Mitigation**: Read-only configuration.

### Additional Considerations:
- **Alertmanager:** already mitigated.
"""


def test_labelled_list_under_a_stride_heading() -> None:
    assessment = import_markdown(LABELLED_LIST, filename="threat-model.md")
    found = threats(assessment)
    assert [(t.title, t.stride) for t in found] == [
        ("Unauthorized access to components.", ["spoofing"]),
        ("Modification of settings.", ["tampering"]),
    ]
    assert found[0].description == ["- **Application to Demo:** Out of scope before."]
    assert found[0].controls == ["Network policies restrict access."]
    assert found[1].controls == ["Read-only configuration."]
    assert "Alertmanager" not in "\n".join(
        line for t in found for line in t.description + t.controls
    )


BOLD_LINES = """\
# Threat Modeling with STRIDE

**1. Spoofing**

**Threat:** An attacker impersonates a member.

**Mitigation:**

- Authenticate every connection.
- Audit the logs.

**2. Denial-of-Service (DoS)**

**Threat:** An attacker floods the server.

**Mitigation:**

- Rate limits.
"""


def test_bold_line_category_and_threat_paragraph() -> None:
    assessment = import_markdown(BOLD_LINES, filename="threat-model.md")
    found = threats(assessment)
    assert [(t.title, t.stride) for t in found] == [
        ("An attacker impersonates a member.", ["spoofing"]),
        ("An attacker floods the server.", ["denial-of-service"]),
    ]
    assert found[0].controls[:2] == ["- Authenticate every connection.", "- Audit the logs."]
    assert found[1].controls[0] == "- Rate limits."
    # the bold lines stay as written, each with its category's table under it, in the
    # Threat Model section (no section heading came before them)
    [section] = assessment.sections
    assert section.key == "threat-model"
    items = section.items
    kept = "\n".join(line for item in items for line in getattr(item, "lines", []))
    assert "**1. Spoofing**" in kept
    tables = [item.stride for item in items if isinstance(item, ThreatsTable)]
    assert tables == ["spoofing", "denial-of-service"]


HEADING_PER_THREAT = """\
# Demo Lightweight Threat Assessment

## Threat Analysis

### Unauthorized Access to Configurations

* Category: Repudiation
* Actions should be traceable.
* Possible Mitigation Strategies:
    * Mandate logging.
    * Audit access logs.

### Misconfiguration of Networks

* Category: Denial of Service, Tampering
* Some configurations lead to denial of service.
* Possible Mitigation Strategies:
    * Validate configurations.

### Something else

* Category: Billing
* Not a STRIDE category: kept as written.
"""


def test_heading_over_a_category_list_is_the_threat() -> None:
    assessment = import_markdown(HEADING_PER_THREAT, filename="threat-assessment.md")
    found = threats(assessment)
    assert [(t.title, t.stride) for t in found] == [
        ("Unauthorized Access to Configurations", ["repudiation"]),
        ("Misconfiguration of Networks", ["denial-of-service", "tampering"]),
    ]
    assert found[0].description == ["* Actions should be traceable."]
    assert found[0].controls == ["* Mandate logging.", "* Audit access logs."]
    assert found[1].controls == ["* Validate configurations."]
    report = assessment.report
    assert report.headings_other >= 3  # the title and the two threats' headings


SCENARIOS = """\
# Demo joint review

### Attack Risks and Effects

* Denial of Service, Tampering: Set the function's concurrency to 0.
* Information Disclosure: Redirect the logs to an open bucket.
* Alternatively, read the logs where they are.
* Spoofing & Elevation of Privileges: Create a function and invoke it.
* Outcome: not a STRIDE label, kept as an item.
"""


def test_items_labelled_by_stride_categories_are_threats() -> None:
    assessment = import_markdown(SCENARIOS, filename="joint-review.md")
    found = threats(assessment)
    assert [(t.title, t.stride) for t in found] == [
        ("Set the function's concurrency to 0.", ["denial-of-service", "tampering"]),
        ("Redirect the logs to an open bucket.", ["information-disclosure"]),
        ("Create a function and invoke it.", ["spoofing", "elevation-of-privilege"]),
    ]
    assert found[1].description == ["* Alternatively, read the logs where they are."]
    assert found[2].description == ["* Outcome: not a STRIDE label, kept as an item."]
    tables = [
        item.stride
        for section in assessment.sections
        for item in section.items
        if isinstance(item, ThreatsTable)
    ]
    assert tables == [
        "denial-of-service, tampering, information-disclosure, spoofing, elevation-of-privilege"
    ]


def test_one_stride_labelled_item_is_no_catalogue() -> None:
    text = "# Demo\n\n* Spoofing: see the design.\n* Other notes.\n"
    assert threats(import_markdown(text, filename="notes.md")) == []


def test_control_families_are_no_threats() -> None:
    text = """\
# Demo Lightweight Threat Model

### Networking
- **Control**: TLS between components.
- **Data**: Packets.
- **Threats**: Interception.
"""
    assert threats(import_markdown(text, filename="threat-model.md")) == []


def test_an_item_after_a_threat_item_is_its_description() -> None:
    text = """\
# Demo Threat Model

## Spoofing

- Threat-01-S: Impersonating an Administrator
- An attacker could impersonate an admin
  to access data.

## Tampering

- TAMPERING
  - Threat-02-T: Altering components

- Verify signatures.
"""
    found = threats(import_markdown(text, filename="threat-model.md"))
    assert [t.id for t in found] == ["Threat-01-S", "Threat-02-T"]
    assert found[0].description == ["- An attacker could impersonate an admin", "  to access data."]
    assert found[0].controls == []
    assert found[1].controls == ["- Verify signatures."]


@pytest.mark.parametrize("syntax", ["myst", "rst"])
def test_labelled_threats_reach_the_assembled_markdown(syntax: str, tmp_path: Path) -> None:
    source = tmp_path / "threat-model.md"
    source.write_text(HEADING_PER_THREAT + "\n" + BOLD_LINES.split("\n", 1)[1], encoding="utf-8")
    out = tmp_path / "docs"
    assert main(["import", str(source), "-o", str(out), "--format", syntax]) == 0
    result = build_assessment(out, tmp_path / "build")
    assert not [p for p in result.problems if p.kind.endswith(("schema", "uncovered-threat"))]
    markdown = (result.outdir / "joint-assessment.md").read_text(encoding="utf-8")
    flat = " ".join(markdown.split())
    for title in (
        "Unauthorized Access to Configurations",
        "Misconfiguration of Networks",
        "An attacker floods the server.",
    ):
        assert title in flat
    assert "Mandate logging." in flat
    assert "Validate configurations." in flat
