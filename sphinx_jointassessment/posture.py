"""Security posture links of ``assessment-metadata`` (SPEC §2.4, version 2).

Thirty-five of sixty-seven published assessments link the project's OpenSSF Best
Practices entry, eleven its OpenSSF Scorecard, five its CLOMonitor report, and the
self-assessment template asks for the badge. ``:best-practices:``, ``:scorecard:``
and ``:clomonitor:`` take the services' own identifiers, checked here, and the
Metadata table gets a "Security posture" row of links built from them: no URL is
taken from the page, so nothing else can be linked, and nothing is fetched.

Badges: html pages and the submitted Markdown show the badge images that the
services themselves serve over https (bestpractices.dev, api.scorecard.dev); the
builders that would download a remote image (LaTeX, epub) get the link text only
(:class:`PostureBadges`), so a build never uses the network. CLOMonitor serves its
badge only through a shields.io endpoint (another host), so it is a link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from .domain import get_domain
from .kinds import Kind
from .problems import BlockProblem, Code
from .values import option_text

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sphinx.application import Sphinx

OPTIONS = ("best-practices", "scorecard", "clomonitor")

#: the OpenSSF Best Practices project number (bestpractices.dev/projects/N)
_BEST_PRACTICES = re.compile(r"[1-9][0-9]{0,8}")
#: a repository Scorecard knows: github.com/ORG/REPO, or a GitLab project path
_SCORECARD = re.compile(
    r"github\.com/[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}"
    r"|gitlab\.com(?:/[A-Za-z0-9][A-Za-z0-9._-]{0,254}){2,20}"
)
#: a CLOMonitor project: FOUNDATION/PROJECT (clomonitor.io/projects/cncf/kestrel)
_CLOMONITOR = re.compile(r"[a-z0-9][a-z0-9-]{0,62}/[a-z0-9][a-z0-9._-]{0,127}")

#: node attribute holding the badge image's URL, made from a checked identifier only
BADGE_ATTRIBUTE = "ja_badge"


@dataclass(frozen=True, slots=True)
class PostureLink:
    """One service's entry: what the row shows, where it links, and its badge if any."""

    service: str
    text: str
    url: str
    badge: str | None


@dataclass(frozen=True, slots=True)
class Posture:
    best_practices: str | None = None
    scorecard: str | None = None
    clomonitor: str | None = None

    def links(self) -> list[PostureLink]:
        """The row's links, in the order of the options."""
        found = []
        if self.best_practices:
            page = f"https://www.bestpractices.dev/projects/{self.best_practices}"
            found.append(
                PostureLink(
                    "OpenSSF Best Practices",
                    f"OpenSSF Best Practices {self.best_practices}",
                    page,
                    f"{page}/badge",
                )
            )
        if self.scorecard:
            found.append(
                PostureLink(
                    "OpenSSF Scorecard",
                    f"OpenSSF Scorecard {self.scorecard}",
                    f"https://scorecard.dev/viewer/?uri={self.scorecard}",
                    f"https://api.scorecard.dev/projects/{self.scorecard}/badge",
                )
            )
        if self.clomonitor:
            found.append(
                PostureLink(
                    "CLOMonitor",
                    f"CLOMonitor {self.clomonitor}",
                    f"https://clomonitor.io/projects/{self.clomonitor}",
                    None,
                )
            )
        return found

    def as_json(self) -> dict[str, Any]:
        return {
            "best_practices": self.best_practices,
            "scorecard": self.scorecard,
            "clomonitor": self.clomonitor,
            "links": [
                {"service": link.service, "url": link.url, "badge": link.badge}
                for link in self.links()
            ],
        }


_FORMATS = {
    "best-practices": (
        _BEST_PRACTICES,
        "the OpenSSF Best Practices project number (the N of bestpractices.dev/projects/N)",
    ),
    "scorecard": (_SCORECARD, "a repository as Scorecard names it: github.com/ORG/REPO"),
    "clomonitor": (
        _CLOMONITOR,
        "a CLOMonitor project path FOUNDATION/PROJECT (clomonitor.io/projects/cncf/NAME)",
    ),
}

#: what users paste instead of the identifier: the service's own page
_PAGE_PREFIXES = {
    "best-practices": re.compile(
        r"^https?://(?:www\.)?(?:bestpractices\.dev|bestpractices\.coreinfrastructure\.org)"
        r"(?:/[a-z]{2}(?:-[A-Z]{2})?)?/projects/"
    ),
    "scorecard": re.compile(
        r"^(?:https?://(?:(?:www\.)?(?:securityscorecards|scorecard)\.dev/viewer/\?uri=)?)"
    ),
    "clomonitor": re.compile(r"^https?://clomonitor\.io/projects/"),
}


def parse_posture(options: Mapping[str, Any]) -> tuple[Posture, list[BlockProblem]]:
    """The three identifiers, each checked against its service's format."""
    values: dict[str, str | None] = {}
    problems: list[BlockProblem] = []
    for name in OPTIONS:
        text = option_text(options, name)
        values[name] = None
        if text is None:
            continue
        pattern, expected = _FORMATS[name]
        if pattern.fullmatch(text):
            values[name] = text
            continue
        hint = ""
        stripped = _PAGE_PREFIXES[name].sub("", text).rstrip("/")
        if stripped != text and pattern.fullmatch(stripped):
            hint = f" (write {stripped!r})"
        problems.append(
            BlockProblem(Code.METADATA_VALUE, f":{name}: {text!r} is not {expected}{hint}")
        )
    return Posture(values["best-practices"], values["scorecard"], values["clomonitor"]), problems


def posture_cell(posture: Posture) -> list[nodes.Node] | None:
    """The "Security posture" cell: one link per service, separated by "; "."""
    links = posture.links()
    if not links:
        return None
    cell: list[nodes.Node] = []
    for index, link in enumerate(links):
        if index:
            cell.append(nodes.Text("; "))
        reference = nodes.reference(
            link.text, link.text, refuri=link.url, classes=["ja-link", "ja-posture"]
        )
        if link.badge:
            reference[BADGE_ATTRIBUTE] = link.badge
        cell.append(reference)
    return cell


class PostureBadges(SphinxPostTransform):
    """Show the services' badge images where a remote image costs the build nothing.

    html links to the image and the Markdown writes ``![...](https://...)``: the
    reader's browser fetches it. Builders that would download it at build time keep
    the link text (this transform does not run for them).
    """

    default_priority = 90  # before Sphinx's ImageDownloader (100)
    formats = ("html", "markdown")

    def run(self, **kwargs: Any) -> None:
        # only the metadata's table (in place, or copied) links badges: a project without
        # assessment metadata has none, and its pages need not be walked for them
        if not get_domain(self.env).has_objects(Kind.METADATA):
            return
        for reference in list(self.document.findall(nodes.reference)):
            badge = reference.get(BADGE_ATTRIBUTE)
            if not badge:
                continue
            alt = reference.astext()
            del reference[:]
            reference += nodes.image(uri=badge, alt=alt, candidates={"?": badge})
            del reference[BADGE_ATTRIBUTE]


def setup_posture(app: Sphinx) -> None:
    app.add_post_transform(PostureBadges)
