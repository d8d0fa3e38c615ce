"""The ``jointassessment`` builder: the assembled assessment as Markdown and JSON (SPEC §4).

It writes no page of its own: after Sphinx has read every page (running every
check, as the html build does), it assembles the assessment exactly as the
``joint-assessment`` directive would show it, and writes

* ``<output>.md``: GitHub-flavoured Markdown in the CNCF template's layout, ready
  to submit, clean under the CNCF repository's markdownlint configuration;
* ``<output>.json``: the same assessment as data (``schema_version`` 2, validated
  in the tests against ``schema/assessment.schema.json``);
* ``<output>.otm.json``: the threat model (data-flow diagrams and threats) in the
  Open Threat Model format 0.2.0, for threat-modelling tools (see :mod:`.otm`);
* ``<output>.gemara.yaml``: the threat catalogue as a Gemara ThreatCatalog and the
  CapabilityCatalog it references (see :mod:`.gemara`);

and prints one summary line, which ends with where the files go in the repository
they are submitted to (:mod:`.submission`).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.builders import Builder
from sphinx.util import logging
from sphinx.util.docutils import new_document
from sphinx.util.logging import is_suppressed_warning

from .assembly import assemble, outline_sections, own_content
from .checks import project_problems
from .config import get_config
from .domain import JointAssessmentDomain, document_order, get_domain
from .footnotes import link_copied_footnotes
from .gemara import gemara_yaml
from .images import copy_images
from .kinds import Kind
from .markdown_assessment import AssessmentMarkdown
from .object_json import object_json
from .otm import otm_document
from .outline_checks import section_is_filled
from .placeholders import ResolveContext, fill
from .problems import WARNING_TYPE
from .readme import FILENAME as README
from .readme import readme
from .section import project_outline
from .spelling import declared_words, ignore_comments
from .submission import submission

if TYPE_CHECKING:
    from collections.abc import Callable, Set
    from pathlib import Path

    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

    from .problems import Problem

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 2
#: object kinds listed in the JSON, and the key of each
JSON_LISTS = {
    Kind.MATRIX: "threat_matrices",
    Kind.RISK: "attack_risks",
    Kind.FINDING: "findings",
    Kind.THREAT: "threats",
    Kind.FLOW: "data_flows",
}


class JointAssessmentBuilder(Builder):
    """Writes ``joint-assessment.md`` and ``joint-assessment.json`` (or ``self-assessment.*``)."""

    name = "jointassessment"
    format = "markdown"
    epilog = "The assembled assessment is in %(outdir)s."
    allow_parallel = True
    default_translator_class = AssessmentMarkdown

    def init(self) -> None:
        get_domain(self.env).assembling = True

    def get_outdated_docs(self) -> str:
        return "the assembled assessment"

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        return ""  # one document: links between pages become plain text

    def prepare_writing(self, docnames: Set[str]) -> None:
        pass

    def write_documents(self, docnames: Set[str]) -> None:
        pass  # nothing per page; see finish()

    def write_doc(self, docname: str, doctree: nodes.document) -> None:
        pass

    def finish(self) -> None:
        outline = project_outline(self.env)
        document = assembled_document(self.env)
        copy_images(self.env, document, self.outdir)
        root = next(iter(document.findall(nodes.section)))
        markdown = AssessmentMarkdown.document_markdown(root)
        declared = declared_words(self.env)
        if declared:  # for the CNCF repository's spell check: see spelling.py
            markdown = f"{markdown.rstrip()}\n\n{ignore_comments(declared)}\n"
        data = assessment_json(self.env, root, self.env.config.root_doc)
        self.outdir.mkdir(parents=True, exist_ok=True)
        readme_path = self.outdir / README
        readme_path.unlink(missing_ok=True)  # a README of an earlier build would be stale
        if outline.name == "joint":
            readme_document = resolved_document(self.env, lambda context: readme(context, root))
            if readme_document is not None:
                readme_root = next(iter(readme_document.findall(nodes.section)))
                readme_markdown = AssessmentMarkdown.document_markdown(readme_root)
                if declared:  # the README is submitted too, and spell-checked the same
                    readme_markdown = f"{readme_markdown.rstrip()}\n\n{ignore_comments(declared)}\n"
                readme_path.write_text(
                    readme_markdown,
                    encoding="utf-8",
                    newline="\n",
                )
        md_path = self.outdir / f"{outline.output}.md"
        json_path = self.outdir / f"{outline.output}.json"
        otm_path = self.outdir / f"{outline.output}.otm.json"
        md_path.write_text(markdown, encoding="utf-8", newline="\n")
        _write_json(json_path, data)
        _write_json(otm_path, otm_document(self.env))
        gemara_path = self.outdir / f"{outline.output}.gemara.yaml"
        gemara_path.write_text(gemara_yaml(self.env), encoding="utf-8", newline="\n")
        logger.info("jointassessment: %s", summary_line(data, md_path.name))


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.write_text(
        json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n",
        encoding="utf-8",
        newline="\n",
    )


def assembled_document(env: BuildEnvironment) -> nodes.document:
    """The assessment as a resolved doctree, as the ``joint-assessment`` page shows it."""
    document = resolved_document(env, lambda context: assemble(context, project_outline(env)))
    assert document is not None  # the assessment is always made
    return document


def resolved_document(
    env: BuildEnvironment, make: Callable[[ResolveContext], nodes.Node | None]
) -> nodes.document | None:
    """What *make* builds, in a document of the root page, filled and resolved."""
    docname = env.config.root_doc
    context = ResolveContext(env, docname)
    content = make(context)
    if content is None:
        return None
    document = new_document(str(env.doc2path(docname)))
    document.settings.env = env
    document += content
    fill(context, document)
    link_copied_footnotes(document)
    env.apply_post_transforms(document, docname)
    return document


def assessment_json(env: BuildEnvironment, root: nodes.Element, docname: str) -> dict[str, Any]:
    domain = get_domain(env)
    outline = project_outline(env)
    config = get_config(env)
    nodes_by_key = {section["ja-key"]: section for section in outline_sections(root)}
    sections: list[dict[str, Any]] = []
    for section in outline.sections:
        obj = domain.get(Kind.SECTION, section.key)
        node = nodes_by_key.get(section.key)
        markdown = (
            AssessmentMarkdown.fragment_markdown(own_content(node), section.level + 1)
            if node is not None
            else ""
        )
        if obj is not None:
            status = "written"
        elif section_is_filled(env, outline, section.key) or section.generated or section.text:
            status = "generated"
        elif section.required:
            status = "missing"
        else:
            status = "optional"
        sections.append(
            {
                "key": section.key,
                "title": section.title,
                "level": section.level,
                "required": section.required,
                "status": status,
                "source": f"{obj.docname}:{obj.lineno}" if obj is not None else None,
                "markdown": markdown,
            }
        )
    for section in outline.sections:  # extras after their section's subtree, as in the Markdown
        extras = _extras_json(domain, nodes_by_key, section.key)
        if extras:
            last = max(
                index
                for index, entry in enumerate(sections)
                if entry["key"] == section.key or entry["key"].startswith(section.key + ".")
            )
            sections[last + 1 : last + 1] = extras
    data: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "project": config.project,
        "outline": outline.name,
        "title": outline.document_title(config.project),
        "metadata": _single(domain, Kind.METADATA),
        "opening": _opening_markdown(root),
        "sections": sections,
    }
    for kind, key in JSON_LISTS.items():
        data[key] = [object_json(env, obj) for obj in domain.objects(kind)]
    data["closed_issues"] = [
        {**obj.model.as_closed_json(), "source": f"{obj.docname}:{obj.lineno}"}
        for obj in domain.objects(Kind.ISSUE)
        if obj.model.state == "closed"
    ]
    data["hands_on"] = _single(domain, Kind.HANDS_ON)
    data["submission"] = submission(
        config.target, config.project, outline.output, config.published_url
    ).as_json()
    # schema_version 2
    data["summary"] = _single(domain, Kind.SUMMARY)
    if data["summary"] is not None:
        summary = domain.objects(Kind.SUMMARY)[0]
        verdict = summary.body.copy(docname, summary.docname) if summary.body else None
        data["summary"]["markdown"] = (
            AssessmentMarkdown.fragment_markdown(verdict, 2) if verdict is not None else ""
        )
    data["team"] = _single(domain, Kind.TEAM)
    data["recommendations"] = [
        {**obj.model.as_json(), "id": obj.id, "source": f"{obj.docname}:{obj.lineno}"}
        for obj in domain.objects(Kind.RECOMMENDATION)
    ]
    data["security_issues"] = [
        {**obj.model.as_json(), "source": f"{obj.docname}:{obj.lineno}"}
        for obj in domain.objects(Kind.ISSUE)
    ]
    data["problems"] = [problem.as_json(env) for problem in reported_problems(env)]
    return data


def reported_problems(env: BuildEnvironment) -> list[Problem]:
    """Every problem of the project that the build reports, in document order.

    The configuration's first (they are reported first), then each page's. A problem
    whose code ``suppress_warnings`` silences is left out, as Sphinx leaves out its
    warning: the JSON, the summary line and ``check`` count the same problems.
    """
    order = document_order(env)
    problems = [*get_domain(env).problems(), *project_problems(env)]
    problems.sort(
        key=lambda p: (
            order.get(p.docname or "", len(order)),
            p.docname or "",
            p.path or "",
            p.lineno or 0,
            p.code.value,
            p.message,
        )
    )
    suppressed = env.config.suppress_warnings
    return [
        problem
        for problem in [*get_config(env).problems, *problems]
        if not is_suppressed_warning(WARNING_TYPE, problem.code.value, suppressed)
    ]


def _opening_markdown(root: nodes.Element) -> str | None:
    """The authors' opening (under the title, before the table of contents) as Markdown."""
    holder = nodes.container()
    for child in root.children:
        if isinstance(child, nodes.section) and "ja-toc" in child["classes"]:
            break
        if not isinstance(child, nodes.title):
            holder += child.deepcopy()
    return AssessmentMarkdown.fragment_markdown(holder, 2) if holder.children else None


def _extras_json(
    domain: JointAssessmentDomain, nodes_by_key: dict[str, nodes.section], key: str
) -> list[dict[str, Any]]:
    """The extra sections (``:extra:``) of section *key*, in the assessment's order.

    Those at the end of *key* come first, then those placed ``:after:`` it.
    """
    extras = []
    ordered = sorted(domain.objects(Kind.SECTION), key=lambda obj: bool(obj.model.after))
    for obj in ordered:
        node = nodes_by_key.get(obj.id)
        if obj.model.extra is None or obj.model.key != key or node is None:
            continue
        level = int(node["ja-level"])
        extras.append(
            {
                "key": obj.id,
                "title": obj.title,
                "level": level,
                "required": False,
                "status": "written",
                "source": f"{obj.docname}:{obj.lineno}",
                "markdown": AssessmentMarkdown.fragment_markdown(own_content(node), level + 1),
            }
        )
    return extras


def _single(domain: JointAssessmentDomain, kind: Kind) -> dict[str, Any] | None:
    objs = domain.objects(kind)
    if not objs:
        return None
    return object_json(domain.env, objs[0])


def _count(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number == 1 else plural}"


def summary_line(data: dict[str, Any], filename: str) -> str:
    """``joint-assessment.md: 28 sections written, 2 missing; 3 threat matrices, ...``.

    It ends with where the files go in the repository they are submitted to.
    """
    statuses = [section["status"] for section in data["sections"]]
    target = data.get("submission")
    where = f"; submit to {target['repository']}: {target['path']}" if target else ""
    return (
        f"{filename}: {_count(statuses.count('written'), 'section', 'sections')} written, "
        f"{statuses.count('missing')} missing; "
        f"{_count(len(data['threat_matrices']), 'threat matrix', 'threat matrices')}, "
        f"{_count(len(data['attack_risks']), 'attack risk', 'attack risks')}, "
        f"{_count(len(data['findings']), 'finding', 'findings')}, "
        f"{_count(len(data['closed_issues']), 'closed issue', 'closed issues')}; "
        f"{_count(len(data['problems']), 'problem', 'problems')}{where}"
    )


def _keep_quotes_as_written(app: Sphinx, config: Config) -> None:
    """No smart quotes for the submitted Markdown: its characters stay as written.

    Sphinx's smartquotes curl the apostrophe of ``c7n's`` and make ``--`` an en dash
    while pages are read; that suits html, but the Markdown is what the authors
    submit, so the ``jointassessment`` builder reads pages without it, as Sphinx
    does for its text and man builders.
    """
    excludes = dict(config.smartquotes_excludes or {})
    builders = list(excludes.get("builders", []))
    if JointAssessmentBuilder.name not in builders:
        excludes["builders"] = [*builders, JointAssessmentBuilder.name]
        config.smartquotes_excludes = excludes


def setup_builder(app: Sphinx) -> None:
    app.add_builder(JointAssessmentBuilder)
    app.connect("config-inited", _keep_quotes_as_written)
