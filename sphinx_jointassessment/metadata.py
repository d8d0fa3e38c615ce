"""``assessment-metadata``: the Metadata and Security links tables (SPEC §2.4).

The template opens with a quick-reference table used for indexing (Software,
Security Provider, Languages, SBOM; and Assessment Stage in a self-assessment),
then a table of security links. Options give the first, a YAML body of
``Doc: URL`` lines the second. ``:sbom:`` is a URL, or a CycloneDX or SPDX JSON
file in the source folder whose direct dependencies are listed (see
:mod:`.sbom`). One block per project; the assembled assessment shows it through
the ``metadata`` and ``metadata-links`` placeholders.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives

from .bodies import block_too_large
from .directive import AssessmentDirective, YamlSource, add_assessment_directive
from .i18n import N_, _
from .kinds import Kind
from .links import safe_link
from .paths import read_source_text, resolve_source_file
from .placeholders import ja_placeholder, register_renderer
from .posture import OPTIONS as POSTURE_OPTIONS
from .posture import Posture, parse_posture, posture_cell, setup_posture
from .problems import BlockProblem, Code
from .sbom import Sbom, parse_sbom
from .security_insights import (
    VERSION_PLACEHOLDER,
    SecurityInsights,
    Stated,
    read_security_insights,
    same_url,
)
from .tables import build_table
from .urls import looks_like_url, url_problem
from .values import choice, option_text, split_items
from .yamlsafe import LineDict, YamlLimits, YamlProblem

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping

    from sphinx.application import Sphinx
    from sphinx.util.typing import OptionSpec

    from .placeholders import ResolveContext

KIND = Kind.METADATA
#: the placeholder of the Metadata table
TABLE_KIND = "metadata"
#: one block per project: a second one is a duplicate-id
OBJECT_ID = "metadata"
LINKS_KIND = "metadata-links"

STAGES = ("incomplete", "complete", "obsolete")
OPTIONS = (
    "software",
    "security-provider",
    "languages",
    "sbom",
    "stage",
    *POSTURE_OPTIONS,
    "security-insights",
)

#: what each field is, for metadata-missing messages
FIELD_HELP = {
    "software": "a link to the software's repository",
    "security-provider": "yes or no: is the project's primary function to support security?",
    "languages": "the languages the project is written in, comma-separated",
    "sbom": "a link to the software bill of materials, or its JSON file",
    "stage": "incomplete, complete or obsolete",
}

_YES_NO = re.compile(r"^(yes|no)\b[\s.,;:!-]*(.*)$", re.IGNORECASE | re.DOTALL)


# -- model ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SecurityLink:
    doc: str
    url: str
    #: where a row taken from the SECURITY-INSIGHTS file is stated there
    origin: str | None = None


@dataclass(frozen=True, slots=True)
class Metadata:
    software: str | None
    #: ``None`` when absent or not yes/no (reported)
    security_provider: bool | None
    #: what follows "Yes." or "No." ("OpenFGA is used to decide...")
    security_provider_note: str | None
    languages: tuple[str, ...]
    #: the first (or only) SBOM; all of them are in :attr:`sboms`
    sbom: Sbom | None
    stage: str | None
    links: tuple[SecurityLink, ...] = ()
    #: the answer as written ("Yes, however, ..."), shown as it is
    security_provider_text: str | None = None
    #: every SBOM ``:sbom:`` names, in order
    sboms: tuple[Sbom, ...] = ()
    #: OpenSSF Best Practices, Scorecard and CLOMonitor identifiers
    posture: Posture = field(default_factory=Posture)
    #: the SECURITY-INSIGHTS file read (relative to the source folder), and the fields
    #: it filled ("Software", "SBOM", security link labels)
    security_insights: str | None = None
    from_security_insights: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "software": self.software,
            "security_provider": self.security_provider,
            "security_provider_note": self.security_provider_note,
            "languages": list(self.languages),
            "sbom": self.sbom.as_json() if self.sbom else None,
            "sboms": [sbom.as_json() for sbom in self.sboms],
            "security_links": [
                {"doc": link.doc, "url": link.url, "from": link.origin} for link in self.links
            ],
            "posture": self.posture.as_json(),
            "security_insights": (
                {"file": self.security_insights, "fields": list(self.from_security_insights)}
                if self.security_insights
                else None
            ),
        }


# -- parsing -------------------------------------------------------------------------------


def parse_security_provider(text: str) -> tuple[bool | None, str | None]:
    """``yes``/``no``, optionally followed by an explanation ("Yes. It decides...")."""
    match = _YES_NO.match(text.strip())
    if match is None:
        return None, None
    note = " ".join(match.group(2).split()) or None
    return match.group(1).casefold() == "yes", note


def parse_metadata(
    options: Mapping[str, Any],
    *,
    stage_required: bool = False,
    provided: Collection[str] = (),
) -> tuple[Metadata, list[BlockProblem]]:
    """The model of the options (the SBOM file is read by the directive) and their problems.

    *provided* names the fields a SECURITY-INSIGHTS file states, which are not missing.
    """
    problems: list[BlockProblem] = []
    required = ["software", "security-provider", "languages", "sbom"]
    if stage_required:
        required.insert(0, "stage")
    for name in required:
        if option_text(options, name) is None and name not in provided:
            problems.append(
                BlockProblem(Code.METADATA_MISSING, f"missing :{name}: ({FIELD_HELP[name]})")
            )
    software = option_text(options, "software")
    if software is not None and (reason := url_problem(software)) is not None:
        problems.append(BlockProblem(Code.BAD_URL, f":software: {reason}"))
    provider, note = None, None
    provider_text = option_text(options, "security-provider")
    if provider_text is not None:
        provider, note = parse_security_provider(provider_text)
        if provider is None:
            problems.append(
                BlockProblem(
                    Code.METADATA_VALUE, f":security-provider: {provider_text!r} is not yes or no"
                )
            )
    languages: list[str] = []
    languages_text = option_text(options, "languages")
    if languages_text is not None:
        languages, empty = split_items(languages_text, ",")
        if empty:
            problems.append(
                BlockProblem(
                    Code.METADATA_VALUE,
                    f":languages: {languages_text!r} has an empty item (a stray comma?)",
                )
            )
    sboms, sbom_problems = parse_sbom_option(option_text(options, "sbom"))
    problems += sbom_problems
    stage = None
    stage_text = option_text(options, "stage")
    if stage_text is not None:
        stage = choice(stage_text, STAGES)
        if stage is None:
            problems.append(
                BlockProblem(
                    Code.METADATA_VALUE,
                    f":stage: {stage_text!r} is not one of {', '.join(STAGES)}",
                )
            )
    posture, posture_problems = parse_posture(options)
    problems += posture_problems
    metadata = Metadata(
        software=software,
        security_provider=provider,
        security_provider_note=note,
        languages=tuple(languages),
        sbom=sboms[0] if sboms else None,
        sboms=sboms,
        stage=stage,
        security_provider_text=" ".join(provider_text.split()) if provider_text else None,
        posture=posture,
    )
    return metadata, problems


#: one labelled SBOM link: "Python deps: https://..." (a space after the label's colon,
#: so that a URL's own ``https:`` is never taken for a label)
_LABELLED = re.compile(r"^(?P<label>[^;]+?):\s+(?P<url>\S+)$")


def parse_sbom_option(text: str | None) -> tuple[tuple[Sbom, ...], list[BlockProblem]]:
    """``:sbom:``: one URL or file, or several labelled links separated by ``;``.

    A release-linked SBOM URL is what reviewers prefer; a project with several
    (one per language, a lock file) labels each: ``Go: https://...; UI: https://...``.
    """
    if text is None:
        return (), []
    items, _empty = split_items(text, ";")
    labelled = [_LABELLED.match(item) for item in items]
    if len(items) == 1 and labelled[0] is None:
        item = items[0]
        if looks_like_url(item) and (reason := url_problem(item)) is not None:
            if len([word for word in item.split() if looks_like_url(word)]) > 1:
                reason = "names several URLs: give them as 'Label: URL; Label: URL'"
            return (Sbom(item, True),), [BlockProblem(Code.BAD_URL, f":sbom: {reason}")]
        return (Sbom(item, looks_like_url(item)),), []
    sboms: list[Sbom] = []
    problems: list[BlockProblem] = []
    for item, match in zip(items, labelled, strict=True):
        label, url = (match["label"].strip(), match["url"]) if match else (None, item)
        reason = url_problem(url)
        if reason is not None:
            problems.append(
                BlockProblem(
                    Code.BAD_URL,
                    f":sbom: {item!r}: {reason} (several SBOMs are given as "
                    "'Label: URL; Label: URL')",
                )
            )
        sboms.append(Sbom(url, True, label=label))
    return tuple(sboms), problems


def parse_links(data: Any) -> tuple[tuple[SecurityLink, ...], list[BlockProblem]]:
    """The body's ``Doc: URL`` lines (loaded YAML); problems carry body lines."""
    if data is None:
        return (), []
    if not isinstance(data, LineDict):
        return (), [
            BlockProblem(
                Code.SCHEMA,
                "the body must be 'Doc: URL' lines (a YAML mapping of security links)",
                getattr(data, "line", 1),
            )
        ]
    links: list[SecurityLink] = []
    problems: list[BlockProblem] = []
    for key, value in data.items():
        line = data.line_of(key)
        if not isinstance(key, str):
            problems.append(
                BlockProblem(
                    Code.SCHEMA, f"security link name {key!r} must be text (quote it)", line
                )
            )
            continue
        if not isinstance(value, str):
            problems.append(
                BlockProblem(Code.SCHEMA, f"security link {key!r} must be a URL (text)", line)
            )
            continue
        reason = url_problem(value)
        if reason is not None:
            problems.append(BlockProblem(Code.BAD_URL, f"security link {key!r}: {reason}", line))
        links.append(SecurityLink(" ".join(key.split()), value.strip()))
    return tuple(links), problems


def _versioned(url: str, release: str) -> str | None:
    """*url* with ``{version}`` replaced by the release; ``None`` when there is no release."""
    if VERSION_PLACEHOLDER not in url:
        return url
    return url.replace(VERSION_PLACEHOLDER, release) if release else None


def _where(shown: str, stated: Stated) -> str:
    line = f", line {stated.line}" if stated.line else ""
    return f"{shown}'s {stated.path}{line}"


def merge_security_insights(
    meta: Metadata, insights: SecurityInsights, shown: str, release: str
) -> tuple[Metadata, list[BlockProblem]]:
    """*meta* completed with what the SECURITY-INSIGHTS file states.

    A value written in the directive wins; one the file states differently is a
    ``metadata-value`` problem (at the directive). Rows the body already has, by
    label, keep the body's URL. URLs holding ``{version}`` take Sphinx's ``release``;
    without one they are left out, and said so.
    """
    problems: list[BlockProblem] = []
    filled: list[str] = []
    unversioned: list[Stated] = []

    def usable(stated: Stated) -> str | None:
        url = _versioned(stated.value, release)
        if url is None:
            unversioned.append(stated)
        return url

    software = meta.software
    if insights.software is not None:
        if software is None:
            software = insights.software.value
            filled.append("Software")
        elif not same_url(software, insights.software.value):
            problems.append(
                BlockProblem(
                    Code.METADATA_VALUE,
                    f":software: {software!r} differs from {insights.software.value!r} "
                    f"({_where(shown, insights.software)}): the directive's value is used",
                )
            )
    sboms = meta.sboms
    from_file = [(stated, usable(stated)) for stated in insights.sboms]
    file_sboms = tuple(Sbom(url, True, label=s.label) for s, url in from_file if url)
    if file_sboms and not sboms:
        sboms = file_sboms
        filled.append("SBOM")
    elif (
        file_sboms
        and all(sbom.is_url for sbom in sboms)
        and not any(same_url(a.source, b.source) for a in sboms for b in file_sboms)
    ):
        listed = ", ".join(sbom.source for sbom in file_sboms)
        problems.append(
            BlockProblem(
                Code.METADATA_VALUE,
                f":sbom: names none of the SBOMs {shown} lists ({listed}): "
                "the directive's value is used",
            )
        )
    links = list(meta.links)
    by_label = {link.doc.casefold(): link for link in links}
    for stated in insights.links:
        url = usable(stated)
        if url is None:
            continue
        written = by_label.get(stated.label.casefold())
        if written is None:
            links.append(SecurityLink(stated.label, url, stated.path))
            filled.append(stated.label)
        elif not same_url(written.url, url):
            problems.append(
                BlockProblem(
                    Code.METADATA_VALUE,
                    f"security link {written.doc!r}: {written.url!r} differs from {url!r} "
                    f"({_where(shown, stated)}): the body's value is used",
                )
            )
    if unversioned:
        paths = ", ".join(s.path for s in sorted(unversioned, key=lambda s: s.line or 0))
        problems.append(
            BlockProblem(
                Code.METADATA_VALUE,
                f"{shown}: {len(unversioned)} URL(s) hold {VERSION_PLACEHOLDER} ({paths}) and "
                "are not shown: set release in conf.py to fill it in",
            )
        )
    merged = dataclasses.replace(
        meta,
        software=software,
        sbom=sboms[0] if sboms else None,
        sboms=sboms,
        links=tuple(links),
        security_insights=shown,
        from_security_insights=tuple(filled),
    )
    return merged, problems


def published_link_problem(
    insights: SecurityInsights, shown: str, url: str, outline: str
) -> BlockProblem | None:
    """The problem of a SECURITY-INSIGHTS file that does not link the published assessment."""
    if insights.links_to(url) is not None:
        return None
    where = "self" if outline == "self" else "third-party"
    return BlockProblem(
        Code.METADATA_VALUE,
        f"{shown} does not link the published assessment {url} "
        f"(repository.security.assessments.{where}); "
        "'sphinx-jointassessment security-insights DIR' prints the entry to add",
    )


# -- rendering -----------------------------------------------------------------------------


def _sboms_cell(sboms: tuple[Sbom, ...]) -> list[nodes.Node] | None:
    """One SBOM as its link or file; several as "Label: link" separated by "; "."""
    if len(sboms) <= 1:
        return _sbom_cell(sboms[0] if sboms else None)
    cell: list[nodes.Node] = []
    for index, sbom in enumerate(sboms):
        if index:
            cell.append(nodes.Text("; "))
        if sbom.label:
            cell.append(nodes.Text(f"{sbom.label}: "))
        cell.extend(_sbom_cell(sbom) or [])
    return cell


def _sbom_cell(sbom: Sbom | None) -> list[nodes.Node] | None:
    if sbom is None:
        return None
    if sbom.is_url:
        return [safe_link(sbom.source)]
    cell: list[nodes.Node] = [nodes.literal(sbom.source, sbom.source)]
    if sbom.format is None:
        return cell
    about = ", ".join(filter(None, (sbom.format, sbom.subject)))
    count = len(sbom.dependencies)
    if count:
        listed = (
            _("({about}): {count} direct dependencies, listed below")
            if sbom.direct
            else _("({about}): {count} components, listed below")
        )
        text = listed.format(about=about, count=count)
    else:
        none = (
            _("({about}): no direct dependencies") if sbom.direct else _("({about}): no components")
        )
        text = none.format(about=about)
    cell.append(nodes.Text(" " + text))
    return cell


def _provider_text(meta: Metadata) -> str | None:
    """ "Yes" or "No" as the template writes it; an explanation after it as written."""
    if meta.security_provider is None:
        return None
    answer = "Yes" if meta.security_provider else "No"
    if not meta.security_provider_note or not meta.security_provider_text:
        return answer
    return answer + meta.security_provider_text[len(answer) :]


def render_metadata_table(meta: Metadata, *, caption: bool = True) -> list[nodes.Node]:
    """The template's Metadata table (field names as row headers), then the SBOM's list.

    *caption* titles the table "Metadata"; the assembled assessment, which puts it under
    a heading of that name, does without.
    """
    rows: list[list[Any]] = []
    if meta.stage:
        rows.append([_("Assessment Stage"), meta.stage.capitalize()])
    rows.append([_("Software"), safe_link(meta.software) if meta.software else None])
    rows.append([_("Security Provider"), _provider_text(meta)])
    rows.append([_("Languages"), ", ".join(meta.languages) or None])
    rows.append(["SBOM", _sboms_cell(meta.sboms)])
    posture = posture_cell(meta.posture)
    if posture is not None:
        rows.append([_("Security posture"), posture])
    result: list[nodes.Node] = [
        build_table(
            ((N_("Field"), 18), (N_("Value"), 52)),
            rows,
            classes=["ja-metadata-table"],
            title=_("Metadata") if caption else None,
            header=False,
            stub=True,
        )
    ]
    sbom = meta.sbom
    if sbom is not None and sbom.dependencies:
        result.append(
            build_table(
                ((N_("Dependency"), 36), (N_("Version"), 16)),
                [[dep.name, dep.version] for dep in sbom.dependencies],
                classes=["ja-sbom-table"],
                title=_("SBOM: direct dependencies") if sbom.direct else _("SBOM: components"),
            )
        )
    return result


def render_links_table(meta: Metadata, *, caption: bool = True) -> list[nodes.Node]:
    """The Security links table (Doc, URL); nothing when the block lists none."""
    if not meta.links:
        return []
    rows = [[link.doc, safe_link(link.url)] for link in meta.links]
    return [
        build_table(
            ((N_("Doc"), 28), ("URL", 48)),
            rows,
            classes=["ja-security-links-table"],
            title=_("Security links") if caption else None,
        )
    ]


def render_metadata(
    meta: Metadata, *, links: bool = True, caption: bool = True
) -> list[nodes.Node]:
    """Both tables (the links only if *links*), as the block shows them in place."""
    tables = render_metadata_table(meta, caption=caption)
    return tables + (render_links_table(meta, caption=caption) if links else [])


def from_file_note(meta: Metadata) -> nodes.paragraph:
    """Which fields the SECURITY-INSIGHTS file filled, under the tables in place."""
    para = nodes.paragraph(classes=["ja-metadata-source"])
    para += nodes.Text(_("From") + " ")
    para += nodes.literal(meta.security_insights, meta.security_insights)
    para += nodes.Text(": " + ", ".join(meta.from_security_insights) + ".")
    return para


def missing_note() -> nodes.paragraph:
    return nodes.paragraph(
        text=_("No assessment-metadata block was found: the Metadata table is not filled in."),
        classes=["ja-missing"],
    )


def _has_links_placeholder(node: nodes.Node) -> bool:
    """Whether the page shows the Security links on their own (the assembled outline does)."""
    root = node
    while root.parent is not None:
        root = root.parent
    return any(found["kind"] == LINKS_KIND for found in root.findall(ja_placeholder))


def _render_metadata(context: ResolveContext, node: ja_placeholder) -> list[nodes.Node]:
    """Both tables, unless a ``metadata-links`` placeholder on the page shows the links.

    Placeholders stand under the assessment's own headings, so the tables have no
    caption; with the links here, though, a caption tells the two tables apart.
    """
    objs = context.domain.objects(KIND)
    if not objs:
        return [missing_note()]
    separate = _has_links_placeholder(node)
    return render_metadata(objs[0].model, links=not separate, caption=not separate)


def _render_links(context: ResolveContext, node: ja_placeholder) -> list[nodes.Node]:
    objs = context.domain.objects(KIND)
    return render_links_table(objs[0].model, caption=False) if objs else []


# -- directive -----------------------------------------------------------------------------


class AssessmentMetadataDirective(AssessmentDirective):
    """``.. assessment-metadata::`` with the fields as options and security links as body."""

    has_content = True
    option_spec: ClassVar[OptionSpec] = dict.fromkeys(OPTIONS, directives.unchanged)

    def run(self) -> list[nodes.Node]:
        if block_too_large(self):
            return self.error_node()
        insights, shown = self.read_security_insights()
        release = str(self.config.release or "")
        provided = set()
        if insights is not None:
            provided = {"software"} if insights.software else set()
            if any(_versioned(sbom.value, release) for sbom in insights.sboms):
                provided.add("sbom")
        meta, problems = parse_metadata(
            self.options, stage_required=self.ja_config.outline == "self", provided=provided
        )
        for problem in problems:
            self.report(problem.code, problem.message)
        links: tuple[SecurityLink, ...] = ()
        if self.content:
            loaded = self.read_yaml()
            if loaded is not None:
                data, source = loaded
                links, link_problems = parse_links(data)
                for problem in link_problems:
                    self.report(problem.code, problem.message, line=problem.line, source=source)
        sbom = meta.sbom
        if sbom is not None and not sbom.is_url:
            sbom = self.read_sbom(sbom.source)
            meta = dataclasses.replace(meta, sbom=sbom, sboms=(sbom,))
        meta = dataclasses.replace(meta, links=links)
        if insights is not None and shown is not None:
            meta = self.merge_security_insights(meta, insights, shown, release)
        anchor = self.make_anchor(KIND, OBJECT_ID)
        self.record(KIND, OBJECT_ID, "Metadata", meta, anchor)
        container = self.target_section(anchor, ["ja-assessment-metadata"])
        container.extend(render_metadata(meta))
        if meta.from_security_insights:
            container += from_file_note(meta)
        return [container]

    def read_security_insights(self) -> tuple[SecurityInsights | None, str | None]:
        """The ``:security-insights:`` file's statements (problems at its lines), if given."""
        filename = option_text(self.options, "security-insights")
        if filename is None:
            return None, None
        limits = YamlLimits(self.ja_config.max_input_bytes)
        try:
            real, shown = resolve_source_file(self.env, self.docname, filename)
            self.env.note_dependency(str(real))
            text = read_source_text(real, shown, limits.max_bytes)
        except YamlProblem as exc:
            self.report(exc.code, f":security-insights: {exc.message}")
            return None, None
        insights, problems = read_security_insights(text, shown, limits)
        source = YamlSource(None, shown)
        for problem in problems:
            if problem.line is None:  # the file as a whole: said at the directive
                self.report(problem.code, f":security-insights: {problem.message}")
            else:
                self.report(problem.code, problem.message, line=problem.line, source=source)
        return insights, shown

    def merge_security_insights(
        self, meta: Metadata, insights: SecurityInsights, shown: str, release: str
    ) -> Metadata:
        meta, problems = merge_security_insights(meta, insights, shown, release)
        published = self.ja_config.published_url
        if published:
            missing = published_link_problem(insights, shown, published, self.ja_config.outline)
            problems += [missing] if missing is not None else []
        for problem in problems:
            self.report(problem.code, problem.message)
        return meta

    def read_sbom(self, filename: str) -> Sbom:
        """Read the SBOM file (confined to the source folder, size-limited, a dependency)."""
        try:
            real, shown = resolve_source_file(self.env, self.docname, filename)
            self.env.note_dependency(str(real))
            text = read_source_text(real, shown, self.ja_config.max_input_bytes)
        except YamlProblem as exc:
            keep = (Code.FILE_OUTSIDE_SRCDIR, Code.INPUT_TOO_LARGE)
            code = exc.code if exc.code in keep else Code.METADATA_VALUE
            self.report(code, f":sbom: {exc.message}")
            return Sbom(filename, False)
        sbom, problems = parse_sbom(text, shown)
        source = YamlSource(None, shown)
        for problem in problems:
            self.report(problem.code, problem.message, line=problem.line, source=source)
        return sbom if sbom is not None else Sbom(shown, False)


def setup_metadata(app: Sphinx) -> None:
    add_assessment_directive(app, "assessment-metadata", AssessmentMetadataDirective)
    register_renderer(TABLE_KIND, _render_metadata)
    register_renderer(LINKS_KIND, _render_links)
    setup_posture(app)
