"""The kinds of object the ``ja`` domain holds, and what each kind means to the domain.

Every feature records its blocks as objects of one :class:`Kind`; the domain, the
checks, the roles and the JSON output ask :data:`KINDS` what a kind is called, whether
it has a role and an ``objects.inv`` entry, how a link to it reads, and whether a
project may have more than one. A new kind of object is therefore one enum member,
one :class:`KindInfo` line here, and one feature module.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .i18n import N_


class Kind(StrEnum):
    """An object kind; its value is the object type written to ``objects.inv``."""

    MATRIX = "matrix"
    """A ``threat-matrix``."""
    CELL = "cell"
    """A victim x attacker cell of a threat matrix (looked up in its matrix, not recorded)."""
    RISK = "risk"
    """An ``attack-risk``."""
    FINDING = "finding"
    """A ``finding`` of the hands-on assessment."""
    ISSUE = "issue"
    """A ``security-issue`` (``closed-issue`` is its closed state)."""
    THREAT = "threat"
    """A ``threat`` of a threat catalogue."""
    FLOW = "flow"
    """A ``data-flow`` diagram."""
    RECOMMENDATION = "recommendation"
    """A reviewers' ``recommendation``."""
    METADATA = "metadata"
    """The project's ``assessment-metadata`` (one per project)."""
    HANDS_ON = "hands-on"
    """The ``hands-on-assessment`` block (one per project)."""
    SUMMARY = "summary"
    """The reviewers' ``assessment-summary`` (one per project)."""
    TEAM = "team"
    """The ``assessment-team`` (one per project)."""
    SECTION = "section"
    """An outline section contributed by ``assessment-section``."""
    ASSESSMENT = "assessment"
    """The page holding ``joint-assessment`` or ``self-assessment``."""


@dataclass(frozen=True, slots=True)
class KindInfo:
    """What the domain needs to know about one kind."""

    #: what messages call an object of this kind
    label: str
    #: the ``ja:`` role that links to it, or ``None`` (no role, no ``objects.inv`` entry)
    role: str | None = None
    #: the text of a link written without explicit text: ``{id}`` and ``{title}`` are
    #: replaced, so people see what they cite ("Finding 3", "R-1", a matrix's title)
    link_text: str = "{id}"
    #: one per project: a second one is reported as "a second ..."
    single: bool = False


KINDS: dict[Kind, KindInfo] = {
    Kind.MATRIX: KindInfo("threat matrix", role="matrix", link_text="{title}"),
    Kind.CELL: KindInfo("threat-matrix cell", link_text="{title}"),
    Kind.RISK: KindInfo("attack risk", role="risk"),
    Kind.FINDING: KindInfo("finding", role="finding", link_text=N_("Finding {id}")),
    Kind.ISSUE: KindInfo("security issue", role="issue"),
    Kind.THREAT: KindInfo("threat", role="threat"),
    Kind.FLOW: KindInfo("data-flow diagram", role="flow", link_text="{title}"),
    Kind.RECOMMENDATION: KindInfo("recommendation", role="recommendation"),
    Kind.METADATA: KindInfo("assessment-metadata", single=True),
    Kind.HANDS_ON: KindInfo("hands-on-assessment", single=True),
    Kind.SUMMARY: KindInfo("assessment-summary", single=True),
    Kind.TEAM: KindInfo("assessment-team", single=True),
    Kind.SECTION: KindInfo("assessment section", role="section", link_text="{title}"),
    Kind.ASSESSMENT: KindInfo("assembled assessment", single=True, link_text="{title}"),
}

#: kinds that have a role and an ``objects.inv`` entry, in a fixed order
LINKABLE: tuple[Kind, ...] = tuple(kind for kind, info in KINDS.items() if info.role)


def kind_info(kind: Kind | str) -> KindInfo:
    """The :class:`KindInfo` of *kind*; a name that is no kind gets a neutral one."""
    try:
        return KINDS[Kind(kind)]
    except ValueError:
        return KindInfo(str(kind))
