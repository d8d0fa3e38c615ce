"""The joint README: the short file delivered beside the joint assessment (SPEC §4).

A joint review is delivered as two files: the assessment and a README in the CNCF
template's layout (``joint-readme-template.md``): the title, when it was completed,
who reviewed and who answered, where the source and the web site are, the
project's background and maturity, the reviewers' summary, their recommendations
to the CNCF, to the project and additional ones, and the tracking issue.

Everything in it comes from what the project wrote elsewhere, so the two files
cannot disagree: the summary and the team (:mod:`.summary`, :mod:`.team`), the
software link of the metadata, the recommendations, and the content of the
assessment's outline sections named in :data:`FROM_SECTIONS`, taken from the
assembled assessment itself. A part with nothing to show is left out with its
heading: the README never carries template text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes

from .assembly import outline_sections, own_content
from .config import get_config
from .kinds import Kind
from .links import safe_link
from .recommendation import AUDIENCES, of_audience, render_list
from .summary import facts
from .team import person_nodes

if TYPE_CHECKING:
    from .placeholders import ResolveContext
    from .summary import Summary
    from .team import Team

#: the README's output file name
FILENAME = "README.md"
#: the README's own headings, and the sections of the assessment each is taken from
FROM_SECTIONS = {
    "Background": ("overview", "overview.background"),
    "Maturity": ("intended-use.target-users",),
}
#: the team's lines at the top, as the template names them: (label, role)
TEAM_LINES = (
    ("Security reviewers", "reviewers"),
    ("Lead reviewer", "lead-reviewer"),
    ("Facilitator", "facilitator"),
    ("Project security lead", "project-security-lead"),
    ("Project team", "project-team"),
)


def _section(title: str, level: int, ident: str) -> nodes.section:
    section = nodes.section(ids=[f"ja-readme-{ident}"], classes=["ja-readme-section"])
    section["ja-level"] = level
    section += nodes.title(text=title)
    return section


def _line(label: str, *value: nodes.Node) -> nodes.paragraph:
    para = nodes.paragraph()
    para += nodes.Text(f"{label}: ")
    para.extend(value)
    return para


def _team_lines(team: Team | None) -> list[nodes.Node]:
    if team is None:
        return []
    return [
        _line(label, *person_nodes(team.people(role)))
        for label, role in TEAM_LINES
        if team.people(role)
    ]


def _links(context: ResolveContext, summary: Summary) -> list[nodes.Node]:
    """``* Source code: ...`` and ``* Web site: ...``, those that are known."""
    metadata = context.domain.objects(Kind.METADATA)
    software = metadata[0].model.software if metadata else None
    items = nodes.bullet_list()
    for label, url in (("Source code", software), ("Web site", summary.website)):
        if url:
            item = nodes.list_item()
            item += _line(label, safe_link(url))
            items += item
    return [items] if items.children else []


def _from_assessment(assessment: nodes.Element) -> list[nodes.section]:
    """Background and Maturity, with the content of their outline sections (if any)."""
    by_key = {section["ja-key"]: section for section in outline_sections(assessment)}
    result = []
    for index, (title, keys) in enumerate(FROM_SECTIONS.items()):
        content = [
            child
            for key in keys
            if key in by_key
            for child in own_content(by_key[key]).children
            if "ja-not-yet-written" not in child.get("classes", [])
        ]
        if content:
            section = _section(title, 2 if index == 0 else 3, title.lower())
            section.extend(content)
            result.append(section)
    if len(result) == 1 and result[0]["ja-level"] == 3:  # Maturity without Background
        result[0]["ja-level"] = 2
    elif len(result) == 2:
        result[0] += result.pop()  # Maturity is a sub-section of Background
    return result


def _recommendations(context: ResolveContext) -> list[nodes.section]:
    objects = context.domain.objects(Kind.RECOMMENDATION)
    if not objects:
        return []
    section = _section("Recommendations", 2, "recommendations")
    for audience, name in AUDIENCES.items():
        listed = render_list(of_audience(objects, audience), context.docname)
        if listed:
            sub = _section(f"{name} recommendations", 3, f"{audience}-recommendations")
            sub.extend(listed)
            section += sub
    return [section]


def readme(context: ResolveContext, assessment: nodes.Element) -> nodes.section | None:
    """The README as a section tree (levels in ``ja-level``), from the assembled assessment.

    ``None`` when the project has no ``assessment-summary``: without the reviewers'
    summary there is no joint README to deliver.
    """
    summaries = context.domain.objects(Kind.SUMMARY)
    if not summaries:
        return None
    summary_obj = summaries[0]
    summary: Summary = summary_obj.model
    teams = context.domain.objects(Kind.TEAM)
    project = get_config(context.env).project
    root = _section(f"{project} TAG-Security Security Assessment", 1, "title")
    root.extend(facts(summary, readme=True))
    root.extend(_team_lines(teams[0].model if teams else None))
    root.extend(_links(context, summary))
    root.extend(_from_assessment(assessment))
    body = summary_obj.body
    verdict = body.copy(context.docname, summary_obj.docname) if body is not None else None
    if verdict is not None:
        section = _section("Summary", 2, "summary")
        section += verdict
        root += section
    root.extend(_recommendations(context))
    if summary.tracking_issue:
        last = root  # the closing line, in the last section (sections come after paragraphs)
        while isinstance(last.children[-1], nodes.section):
            last = last.children[-1]
        last += _line("Tracking issue", safe_link(summary.tracking_issue))
    return root
