"""``import`` of STRIDE catalogues and lightweight threat tables (SPEC §7, version 2).

On the four published threat models of the training material: every threat is
found, with the STRIDE category and the controls its source gives it, written as a
``threat`` with a ``controls`` block, and the threats reach the assembled Markdown
(not only the docs folder). The counts per file are the ones the source holds:
a lightweight table names no category, the TiKV grid gives no controls.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from sphinx_jointassessment.cli.check import build_assessment
from sphinx_jointassessment.cli.importcmd import convert
from sphinx_jointassessment.cli.importer import import_markdown
from sphinx_jointassessment.cli.main import main
from sphinx_jointassessment.cli.model import Threat

from .conftest import REFERENCE

if TYPE_CHECKING:
    from pathlib import Path

ASSESSMENTS = REFERENCE / "assessments"

#: file -> (threats, with a STRIDE category, with controls)
COUNTS = {
    "external-secrets__docs__stride-threat-model.md": (11, 11, 11),
    "longhorn__threat-model.md": (21, 12, 21),
    "tikv__tikv-threat-model.md": (59, 59, 0),
    "emissary-ingress__self-assessment.md": (20, 9, 20),
}


def threats_of(name: str) -> list[Threat]:
    assessment, _files = convert(ASSESSMENTS / name)
    return [
        directive
        for section in [assessment.preamble, *assessment.sections]
        for directive in section.directives
        if isinstance(directive, Threat)
    ]


@pytest.mark.parametrize(("name", "counts"), COUNTS.items(), ids=list(COUNTS))
def test_every_threat_with_its_category_and_controls(name: str, counts: tuple[int, ...]) -> None:
    threats = threats_of(name)
    found = (
        len(threats),
        sum(1 for t in threats if t.stride),
        sum(1 for t in threats if t.controls),
    )
    assert found == counts


def test_threat_headings_and_recommended_mitigations() -> None:
    threats = threats_of("external-secrets__docs__stride-threat-model.md")
    assert [t.id for t in threats] == [
        f"Threat-{n:02d}-{c}" for n, c in enumerate("SSTTRRIDDEE", 1)
    ]
    letters = {"S": "spoofing", "T": "tampering", "R": "repudiation",
               "I": "information-disclosure", "D": "denial-of-service",
               "E": "elevation-of-privilege"}  # fmt: skip
    assert all(t.stride == [letters[t.id[-1]]] for t in threats)
    first = threats[0]
    assert first.title == "Spoofing of External Secrets Operator"
    assert first.description[0].startswith("A malicious actor might attempt")
    assert first.controls[0].startswith("* Implementing mutual TLS")
    supply_chain = threats[2]
    assert "* Build Threats:" in "\n".join(supply_chain.description)  # a list in the description


def test_category_lists_and_lightweight_tables() -> None:
    longhorn = threats_of("longhorn__threat-model.md")
    spoofing = [t for t in longhorn if t.stride == ["spoofing"]]
    assert [t.title for t in spoofing] == [
        "Unauthorised access to the Longhorn management interface or API.",
        "Impersonation of Longhorn components or services.",
    ]
    assert all("mutual TLS (mTLS)" in "\n".join(t.controls) for t in spoofing)
    table = [t for t in longhorn if not t.stride]
    assert table[0].title == "Deployment Architecture"
    assert table[0].references == [
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/"
    ]
    emissary = threats_of("emissary-ingress__self-assessment.md")
    ids = [t.id for t in emissary if t.id]
    assert ids == [f"Threat-{n:02d}-{c}" for n, c in enumerate("SSTTRIDDE", 1)]
    outage = next(t for t in emissary if t.id == "Threat-08-D")
    assert outage.title == "Crashing control plane"
    assert "repeatedly crash the control plane" in "\n".join(outage.description)
    assert "Rate limiting" in "\n".join(outage.controls)
    grouped = next(t for t in emissary if t.title.startswith("Storage as Single Point"))
    assert grouped.description[0] == "*Storage*"


def test_stride_grid_by_component() -> None:
    threats = threats_of("tikv__tikv-threat-model.md")
    first = threats[0]
    assert first.stride == ["spoofing"]
    assert first.components == ["Access Controls"]
    assert first.title.startswith("Attackers could impersonate authorized users")


def test_threat_headings_map_to_the_threat_model() -> None:
    text = "## Our threat modelling\n\n#### Spoofing\n\n##### Threat-01-S - Fake server\nA fake.\n"
    assessment = import_markdown(text, filename="x-threat-model.md")
    assert assessment.outline == "joint"
    assert [s.key for s in assessment.sections] == ["threat-model"]


def test_a_catalogue_under_the_title_only_is_the_threat_model() -> None:
    """No section heading before the catalogue: it starts Threat Model, not the opening."""
    text = (
        "# Threat Modeling with STRIDE\n\nHow we looked at it.\n\n**1. Spoofing**\n\n"
        "**Threat:** A fake member joins.\n\n**Mitigation:**\n\n- mutual TLS\n"
    )
    assessment = import_markdown(text, filename="etcd__threat-model.md")
    [section] = assessment.sections
    assert (section.key, section.line) == ("threat-model", 5)
    [threat] = [d for d in section.directives if isinstance(d, Threat)]
    assert threat.stride == ["spoofing"]
    assert not [d for d in assessment.preamble.directives if isinstance(d, Threat)]
    opening = [line for item in assessment.preamble.items for line in getattr(item, "lines", [])]
    assert "How we looked at it." in opening


@pytest.mark.parametrize(
    ("title", "filename", "project"),
    [
        ("STRIDE Threat Model", "/src/cortex/threat-model.md", "cortex"),
        ("Threat Modeling with STRIDE", "/src/etcd/Threat Modeling.md", "etcd"),
        ("Chaos Mesh Lightweight Threat Model", "/src/x/model.md", "Chaos Mesh"),
        ("Threat Modelling", "longhorn__threat-model.md", "longhorn"),
        ("Cloud Custodian Joint-review", "/src/custodian/joint-review.md", "Cloud Custodian"),
        ("Recommendations", "/src/knative/recommendations.md", "knative"),
    ],
)
def test_the_kind_of_document_in_its_title_names_no_project(
    title: str, filename: str, project: str
) -> None:
    """The words a title says of the document's kind are no project's name: the rest of
    the title is, else the file's folder (the CNCF repository files them per project)."""
    assessment = import_markdown(f"# {title}\n\n## Spoofing\n\nText.\n", filename=filename)
    assert assessment.project == project


@pytest.mark.parametrize("name", list(COUNTS))
def test_threats_reach_the_assembled_markdown(name: str, tmp_path: Path) -> None:
    out = tmp_path / "docs"
    assert main(["import", str(ASSESSMENTS / name), "-o", str(out)]) == 0
    result = build_assessment(out, tmp_path / "build")
    assessment, _files = convert(ASSESSMENTS / name)
    output = "joint-assessment" if assessment.outline == "joint" else "self-assessment"
    markdown = (result.outdir / f"{output}.md").read_text(encoding="utf-8")
    if assessment.outline == "joint":  # under Threat Model, after the matrices
        markdown = markdown[markdown.index("## Threat Model") :]
    flat = " ".join(markdown.replace("\\|", "|").split())
    for threat in threats_of(name):
        title = " ".join(threat.title.split())
        assert title[:40] in flat, f"{threat.title!r} not in the assembled Markdown"
    assert "{threat}" in (out / "assessment.md").read_text(encoding="utf-8") or (
        "{threat}" in (out / "index.md").read_text(encoding="utf-8")
    )
