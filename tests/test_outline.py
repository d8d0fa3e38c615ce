"""The outlines: built-in data true to the CNCF templates, title matching, strict loading."""

from __future__ import annotations

import pickle
import re
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from sphinx_jointassessment.config import DEFAULT_PLACEHOLDER_PATTERNS
from sphinx_jointassessment.outline import (
    BUILTIN_OUTLINES,
    GENERATED_KINDS,
    Outline,
    OutlineError,
    OutlineSection,
    load_outline,
    normalize_title,
)

from .conftest import REFERENCE

if TYPE_CHECKING:
    from pathlib import Path

#: The joint outline's keys, copied from SPEC §3.
_SPEC_KEY_BLOCK = """
metadata
overview  overview.background  overview.goal  overview.non-goals
joint-assessment-use
intended-use.target-users  intended-use.operation
project-design.design  project-design.data-flow
functions-and-features.critical  functions-and-features.relevant
security-functions-and-features
configuration.default  configuration.secure  configuration.advanced-secure
project-compliance  existing-audits
security-analysis.attacker-motivations  security-analysis.predisposing-conditions
security-analysis.expected-attacker-capabilities  security-analysis.attack-risks-and-effects
security-analysis.security-degradation  security-analysis.compensating-mechanisms
threat-model
secure-development-practices  security-issue-resolution  closed-security-issues
hands-on-assessment
roadmap.next-steps  roadmap.cncf-requests
appendix.known-issues  appendix.case-studies  appendix.related-projects
"""
SPEC_JOINT_KEYS = _SPEC_KEY_BLOCK.split()

#: Template headings without a key of their own in SPEC §3, kept as grouping sections.
JOINT_GROUPING_KEYS = {
    "intended-use",
    "project-design",
    "functions-and-features",
    "configuration",
    "security-analysis",
    "roadmap",
    "appendix",
}

#: Headings inside generated parts: example threat matrices and hands-on sub-headings.
JOINT_EXEMPT_HEADINGS = {
    "Identity Theft",
    "Compromise",
    "Denial of Service",
    "Assessment Details",
    "Findings",
    "Hands-on assessment result",
}

#: Bullets that name a part which is its heading's own content, not a section.
EXEMPT_BULLETS = {"Compliance"}

SELF_KEYS = {
    "metadata",
    "metadata.security-links",
    "overview",
    "overview.background",
    "overview.actors",
    "overview.actions",
    "overview.goals",
    "overview.non-goals",
    "self-assessment-use",
    "security-functions-and-features",
    "security-functions-and-features.critical",
    "security-functions-and-features.security-relevant",
    "project-compliance",
    "secure-development-practices",
    "secure-development-practices.development-pipeline",
    "secure-development-practices.communication-channels",
    "secure-development-practices.communication-channels.internal",
    "secure-development-practices.communication-channels.inbound",
    "secure-development-practices.communication-channels.outbound",
    "secure-development-practices.ecosystem",
    "security-issue-resolution",
    "security-issue-resolution.responsible-disclosures",
    "security-issue-resolution.vulnerability-response",
    "security-issue-resolution.incident-response",
    "appendix",
    "appendix.known-issues",
    "appendix.openssf-best-practices",
    "appendix.case-studies",
    "appendix.related-projects",
}

TAG_SECURITY_GUIDE = "https://github.com/cncf/tag-security/blob/main/community/assessments/guide/"


@pytest.fixture(scope="module")
def joint() -> Outline:
    return load_outline("joint")


@pytest.fixture(scope="module")
def self_outline() -> Outline:
    return load_outline("self")


# --- the built-in outlines ----------------------------------------------------------


def template_parts(
    path: Path, start: str, exempt_headings: set[str], shift: int = 0
) -> list[tuple[str, int]]:
    """The (title, level) of every heading and part-naming bullet from heading *start* on.

    A bullet ("* Critical. A listing ...", "  * Internal. How ...") is one level below
    its heading, one more per level of bullet nesting; its title is the text up to
    the first period, or its link text ("* [Open SSF Best Practices](url).").
    """
    parts: list[tuple[str, int]] = []
    started = False
    heading_level = 1
    in_comment = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if "<!--" in line and "-->" not in line:
            in_comment = True
        if in_comment:
            in_comment = "-->" not in line
            continue
        if heading := re.match(r"^(#{1,6})\s+(.+?)\s*$", line):
            title = heading[2]
            started = started or title == start
            heading_level = len(heading[1]) - shift
            if started and title not in exempt_headings:
                parts.append((title, heading_level))
            continue
        bullet = re.match(r"^( *)\* (.+)$", line)
        if not started or not bullet:
            continue
        indent, text = len(bullet[1]), bullet[2]
        if link := re.match(r"\[([^\]]+)\]\(", text):
            title = link[1]
        else:
            title = re.split(r"\.(?:\s|$)", text, maxsplit=1)[0].strip()
        if title not in EXEMPT_BULLETS:
            parts.append((title, heading_level + 1 + indent // 2))
    return parts


def test_builtin_outlines_load() -> None:
    for name in BUILTIN_OUTLINES:
        outline = load_outline(name)
        assert outline.name == name
        assert outline.sections
        assert load_outline(name) is outline  # cached: loaded on every build


def test_joint_top_level(joint: Outline) -> None:
    assert joint.title == "Joint-assessment of {project}"
    assert joint.document_title("OpenFGA") == "Joint-assessment of OpenFGA"
    assert joint.toc_title == "Table of Contents"
    assert joint.output == "joint-assessment"


def test_self_top_level(self_outline: Outline) -> None:
    assert self_outline.title == "Self-assessment of {project}"
    assert self_outline.toc_title == "Table of contents"
    assert self_outline.output == "self-assessment"


def test_joint_keys_cover_spec(joint: Outline) -> None:
    assert len(SPEC_JOINT_KEYS) == len(set(SPEC_JOINT_KEYS)) == 34
    missing = set(SPEC_JOINT_KEYS) - joint.keys()
    assert not missing
    assert joint.keys() >= JOINT_GROUPING_KEYS
    extra = joint.keys() - set(SPEC_JOINT_KEYS) - JOINT_GROUPING_KEYS
    assert extra == {"metadata.security-links"}


def test_self_keys(self_outline: Outline) -> None:
    assert self_outline.keys() == SELF_KEYS


def test_joint_follows_template(joint: Outline) -> None:
    expected = template_parts(
        REFERENCE / "template-joint-assessment.md", "Metadata", JOINT_EXEMPT_HEADINGS
    )
    assert [(s.title, s.level) for s in joint.sections] == expected


def test_self_follows_template(self_outline: Outline) -> None:
    # The template nests everything under "## Self-assessment outline"; the outline
    # drops that level, as published self-assessments do.
    expected = template_parts(REFERENCE / "template-self-assessment.md", "Metadata", set(), 1)
    assert [(s.title, s.level) for s in self_outline.sections] == expected


def test_template_toc_titles_match(joint: Outline, self_outline: Outline) -> None:
    """Every entry of the templates' own tables of contents names a section."""
    for outline, name in ((joint, "joint"), (self_outline, "self")):
        text = (REFERENCE / f"template-{name}-assessment.md").read_text(encoding="utf-8")
        toc = text.split(outline.toc_title, 1)[1].split("\n#", 1)[0]
        entries = re.findall(r"\* \[([^\]]+)\]", re.sub(r"\s*\n\s+", " ", toc))
        assert entries
        for entry in entries:
            assert outline.match_title(entry) is not None, entry


def test_generated_parts(joint: Outline, self_outline: Outline) -> None:
    generated = {s.key: s.generated for s in joint.sections if s.generated}
    assert generated == {
        "metadata": ("metadata",),
        "metadata.security-links": ("metadata-links",),
        "project-design.data-flow": ("data-flows",),
        "threat-model": ("threat-matrices", "threats"),
        "security-analysis.attack-risks-and-effects": ("risk-map", "attack-risks"),
        "closed-security-issues": ("closed-issues",),
        "hands-on-assessment": ("hands-on",),
        "roadmap.next-steps": ("project-recommendations",),
        "roadmap.cncf-requests": ("cncf-recommendations",),
    }
    assert {part for parts in generated.values() for part in parts} <= GENERATED_KINDS
    assert joint.generated_section("threat-matrices") == joint.get("threat-model")
    assert joint.generated_section("threats") == joint.get("threat-model")
    assert {s.key: s.generated for s in self_outline.sections if s.generated} == {
        "metadata": ("metadata",),
        "metadata.security-links": ("metadata-links",),
    }


def test_required(joint: Outline, self_outline: Outline) -> None:
    not_required = {s.key for s in joint.sections if not s.required}
    # metadata is required, and filled by the assessment-metadata block
    assert not_required == JOINT_GROUPING_KEYS | {
        "metadata.security-links",
        "joint-assessment-use",
        "configuration.advanced-secure",
        "existing-audits",
        "closed-security-issues",
        "hands-on-assessment",
    }
    assert {s.key for s in self_outline.sections if not s.required} == {
        "metadata.security-links",
        "self-assessment-use",
        "security-functions-and-features",
        "secure-development-practices",
        "secure-development-practices.communication-channels",
        "security-issue-resolution",
        "appendix",
    }


def test_sections_are_well_formed(joint: Outline, self_outline: Outline) -> None:
    placeholders = [re.compile(p, re.IGNORECASE) for p in DEFAULT_PLACEHOLDER_PATTERNS]
    for outline in (joint, self_outline):
        keys = outline.keys()
        for section in outline.sections:
            parent = section.parent_key
            assert parent is None or parent in keys, section.key
            assert section.guidance, section.key
            assert "\n" not in section.guidance, section.key
            assert section.contributable, section.key
            # guidance is shown where a section is missing: it must not look like
            # template text left in
            for text in (section.guidance, section.text or ""):
                for pattern in placeholders:
                    assert not pattern.search(text), (section.key, pattern.pattern)


def _paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip())]


def _template_section(name: str, heading: str) -> str:
    text = (REFERENCE / f"template-{name}-assessment.md").read_text(encoding="utf-8")
    return text.split(heading + "\n", 1)[1].split("\n#", 1)[0]


def test_joint_fixed_texts(joint: Outline) -> None:
    use = joint.get("joint-assessment-use")
    assert use is not None
    assert use.text is not None
    assert "[project]" not in use.text.lower()
    links = re.findall(r"\]\(([^)]+)\)", use.text)
    assert len(links) == 3
    assert all(link.startswith(TAG_SECURITY_GUIDE) for link in links)

    template = _template_section("joint", "## Joint-assessment use")
    template = template.replace("[project]", "{project}")
    template = re.sub(r"\]\((?:\./)?", "](" + TAG_SECURITY_GUIDE, template)
    assert _paragraphs(use.text) == _paragraphs(template)

    rendered = use.render_text("Flux")
    assert rendered is not None
    assert "{project}" not in rendered
    assert "security audit of Flux" in rendered

    hands_on = joint.get("hands-on-assessment")
    assert hands_on is not None
    assert hands_on.text is not None
    template = _template_section("joint", "## Hands-on assessment")
    assert _paragraphs(hands_on.text) == _paragraphs(template)[:1]
    assert hands_on.text.startswith("The hands-on assessment is a lightweight review")

    closed = joint.get("closed-security-issues")
    assert closed is not None
    assert closed.text is None  # the extension renders the "no closed issues" sentence


def test_self_fixed_text(self_outline: Outline) -> None:
    use = self_outline.get("self-assessment-use")
    assert use is not None
    assert use.text is not None
    template = _template_section("self", "### Self-assessment use")
    assert _paragraphs(use.text) == _paragraphs(template.replace("[project]", "{project}"))
    assert len(_paragraphs(use.text)) == 3


def test_outline_pickles(joint: Outline) -> None:
    """Outlines may be kept in the Sphinx environment, which is pickled."""
    copy = pickle.loads(pickle.dumps(joint))
    assert copy == joint
    assert copy.match_title("Threat Model") == joint.get("threat-model")


# --- match_title --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "key"),
    [
        ("## **1. Attacker motivations:**", "security-analysis.attacker-motivations"),
        ("### Non-Goals", "overview.non-goals"),
        ("Security Functions & Features", "security-functions-and-features"),
        ("Security Functions &amp; Features", "security-functions-and-features"),
        ("Goals", "overview.goal"),
        ("  2.3  __Background__ ", "overview.background"),
        ("A. Threat Model.", "threat-model"),
        ("## 3. STRIDE Analysis", "threat-model"),
        ("Threat analysis", "threat-model"),
        ("iv) Appendix", "appendix"),
        ("`Roadmap`", "roadmap"),
        ("## Metadata ##", "metadata"),
        ("Security Links", "metadata.security-links"),
        ("Relevant Links", "metadata.security-links"),
        ("Target users", "intended-use.target-users"),
        ("Use cases", "intended-use.target-users"),
        ("Configuration and Set up", "configuration"),
        ("Configuration and Setup", "configuration"),
        ("Joint assessment use", "joint-assessment-use"),
        ("Hands-On Assessment", "hands-on-assessment"),
        ("Related Projects/Vendors", "appendix.related-projects"),
        ("Related Projects and Vendors", "appendix.related-projects"),
        ("Data flow diagram / Architecture diagram", "project-design.data-flow"),
        ("*Closed Security Issues and Vulnerabilities*", "closed-security-issues"),
        ("Security Hygiene and Secure Development Practices", "secure-development-practices"),
    ],
)
def test_match_title_joint(joint: Outline, heading: str, key: str) -> None:
    section = joint.match_title(heading)
    assert section is not None, heading
    assert section.key == key


@pytest.mark.parametrize(
    ("heading", "key"),
    [
        ("Development Pipeline", "secure-development-practices.development-pipeline"),
        ("Responsible Disclosure Process", "security-issue-resolution.responsible-disclosures"),
        ("Vulnerability Response Process", "security-issue-resolution.vulnerability-response"),
        ("CII Best Practices", "appendix.openssf-best-practices"),
        ("OpenSSF Best Practices", "appendix.openssf-best-practices"),
        (
            "[Open SSF Best Practices](https://www.bestpractices.dev/en).",
            "appendix.openssf-best-practices",
        ),
        ("Known Issues over time", "appendix.known-issues"),
        ("Goal", "overview.goals"),
        ("Self-Assessment Use", "self-assessment-use"),
        ("Critical Security Components", "security-functions-and-features.critical"),
        ("Security Relevant Features", "security-functions-and-features.security-relevant"),
        ("#### Inbound", "secure-development-practices.communication-channels.inbound"),
    ],
)
def test_match_title_self(self_outline: Outline, heading: str, key: str) -> None:
    section = self_outline.match_title(heading)
    assert section is not None, heading
    assert section.key == key


@pytest.mark.parametrize(
    "heading",
    ["", "Identity Theft", "Findings", "Overview of the threats", "Security", "1."],
)
def test_match_title_no_match(joint: Outline, heading: str) -> None:
    assert joint.match_title(heading) is None


def test_normalize_title() -> None:
    assert normalize_title("## **1. Attacker motivations:**") == "attacker motivations"
    assert normalize_title("Configuration and Set-Up") == "configuration and set up"
    assert normalize_title("Related Projects / Vendors") == "related projects/vendors"
    assert normalize_title("Project\u2019s   Design") == "project's design"
    assert normalize_title("snake_case_name") == "snake_case_name"


# --- user outlines ------------------------------------------------------------------


def minimal() -> dict[str, Any]:
    return {
        "name": "custom",
        "title": "Review of {project}",
        "toc_title": "Contents",
        "output": "review",
        "sections": [
            {"key": "intro", "title": "Introduction", "level": 2, "required": True,
             "guidance": "Say what the project is."},
            {"key": "intro.scope", "title": "Scope", "level": 3, "required": False,
             "guidance": "What is covered.", "aliases": ["Coverage"]},
            {"key": "threats", "title": "Threats", "level": 2, "required": True,
             "guidance": "The threat matrices.", "generated": "threat-matrices",
             "text": "Threats to {project}.\n", "contributable": True},
        ],
    }  # fmt: skip


def write(tmp_path: Path, data: Any, name: str = "outline.yaml") -> Path:
    path = tmp_path / name
    text = data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def test_user_outline_relative_to_base_dir(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    write(tmp_path / "docs", minimal())
    outline = load_outline("outline.yaml", base_dir=tmp_path / "docs")
    assert outline.name == "custom"
    assert outline.document_title("X") == "Review of X"
    assert [s.key for s in outline.sections] == ["intro", "intro.scope", "threats"]
    scope = outline.get("intro.scope")
    assert scope == OutlineSection(
        key="intro.scope",
        title="Scope",
        level=3,
        required=False,
        guidance="What is covered.",
        generated=(),
        text=None,
        contributable=True,
        aliases=("Coverage",),
    )
    assert outline.match_title("1. Coverage") is scope
    threats = outline.get("threats")
    assert threats is not None
    assert threats.text == "Threats to {project}."
    assert threats.render_text("X") == "Threats to X."
    assert outline.get("nope") is None


def test_user_outline_absolute_path(tmp_path: Path) -> None:
    path = write(tmp_path, minimal())
    assert load_outline(str(path), base_dir="/nonexistent").name == "custom"
    assert load_outline(path).name == "custom"


def test_user_outline_missing_file(tmp_path: Path) -> None:
    with pytest.raises(OutlineError, match="neither a built-in outline"):
        load_outline("nope.yaml", base_dir=tmp_path)


def _set(path: str, value: Any) -> Any:
    """A change to :func:`minimal`: ``"sections.1.level"`` -> value (``...`` deletes)."""

    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = data
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        if value is ...:
            del target[int(last) if last.isdigit() else last]
        else:
            target[int(last) if last.isdigit() else last] = value

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set("extra", 1), "outline: unknown key 'extra'"),
        (_set("toc_title", ...), "outline: missing key 'toc_title'"),
        (_set("title", 3), "outline: 'title' must be a non-empty string"),
        (_set("title", "Review of {name}"), "no braces other than the placeholder"),
        (_set("output", "../evil"), "'output' value '../evil' does not match"),
        (_set("sections", []), "'sections' must be a non-empty list"),
        (_set("sections.1", "scope"), "section #2 must be a mapping"),
        (_set("sections.1.colour", "red"), "section 'intro.scope': unknown key 'colour'"),
        (_set("sections.1.title", ...), "section 'intro.scope': missing key 'title'"),
        (_set("sections.1.key", "Intro Scope"), "'key' value 'Intro Scope' does not match"),
        (_set("sections.1.level", "3"), "section 'intro.scope': 'level' must be an integer"),
        (_set("sections.1.level", True), "section 'intro.scope': 'level' must be an integer"),
        (_set("sections.1.level", 7), "section 'intro.scope': 'level' must be from 2 to 6"),
        (_set("sections.0.level", 1), "section 'intro': 'level' must be from 2 to 6"),
        (_set("sections.1.level", 4), "section 'intro.scope': level 4 jumps from level 2"),
        (_set("sections.0.level", 3), "section 'intro': level 3 jumps from level 1"),
        (_set("sections.1.required", "yes"), "section 'intro.scope': 'required' must be true"),
        (_set("sections.1.contributable", 1), "'contributable' must be true or false"),
        (_set("sections.1.guidance", ["a"]), "section 'intro.scope': 'guidance' must be a str"),
        (_set("sections.1.generated", "diagrams"), "unknown 'generated' value 'diagrams'"),
        (_set("sections.1.generated", ["threats", 3]), "unknown 'generated' value"),
        (_set("sections.1.generated", ["threats", "threats"]), "names a part twice"),
        (
            _set("sections.1.generated", "threat-matrices"),
            "already goes into section 'intro.scope'",
        ),
        (_set("sections.1.text", ""), "section 'intro.scope': 'text' must be a non-empty"),
        (_set("sections.1.text", "a {b}"), "'text' may hold no braces"),
        (_set("sections.1.aliases", "Coverage"), "'aliases' must be a list"),
        (_set("sections.1.key", "intro"), "section 'intro': duplicate section key"),
        (_set("sections.1.aliases", ["Introduction"]), "also names section 'intro'"),
        (_set("sections.1.title", "1. INTRODUCTION:"), "also names section 'intro'"),
        (_set("sections.0.contributable", False), "section 'intro': required, but nothing"),
    ],
)
def test_validation_errors(tmp_path: Path, change: Any, message: str) -> None:
    data = minimal()
    change(data)
    path = write(tmp_path, data)
    with pytest.raises(OutlineError) as excinfo:
        load_outline(path)
    assert message in str(excinfo.value)
    assert str(path) in str(excinfo.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- a\n- b\n", "an outline must be a mapping, not a list"),
        ("", "an outline must be a mapping, not null"),
        ("name: [unclosed\n", "not valid YAML"),
        ("name: a\nname: b\n", "found duplicate key 'name'"),
        ("!!python/object:os.system {}\n", "not valid YAML"),
    ],
)
def test_bad_yaml(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(OutlineError, match=re.escape(message)):
        load_outline(path)


def test_error_names_line(tmp_path: Path) -> None:
    data = minimal()
    data["sections"][2]["level"] = 9
    path = write(tmp_path, data)
    text = path.read_text(encoding="utf-8")
    line = text.splitlines().index("- key: threats", 10) + 1
    with pytest.raises(OutlineError, match=re.escape(f"{path}:{line}: section 'threats'")):
        load_outline(path)


def test_outline_error_is_value_error() -> None:
    assert issubclass(OutlineError, ValueError)
