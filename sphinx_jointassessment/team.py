"""``assessment-team``: who reviewed, who answered, and their conflicts of interest (SPEC §2.12).

The TAG process names the people of a joint review (the project's security lead
and team, the security reviewers, the lead reviewer and the facilitator) and asks
each reviewer to declare conflicts of interest, hard or soft. The body is YAML:
each role is a person or a list of people written ``Name (@handle)``; a handle is
linked to its GitHub profile. The team is shown as a table of roles and people,
and the conflicts as a table of reviewers and statements, where a reviewer who
declared none reads "no conflict declared". One per project.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives

from .bodies import block_too_large
from .directive import AssessmentDirective, add_assessment_directive
from .i18n import N_, _
from .kinds import Kind
from .links import safe_link
from .placeholders import register_renderer
from .problems import BlockProblem, Code
from .tables import build_table
from .yaml_reader import Reader

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sphinx.application import Sphinx
    from sphinx.util.typing import OptionSpec

    from .placeholders import ResolveContext, ja_placeholder
    from .yamlsafe import LineDict

KIND = Kind.TEAM
#: one block per project: a second one is a duplicate-id
OBJECT_ID = "team"
#: the team where the assembled assessment opens, after the summary
OPENING_KIND = "assessment-team"

#: the roles, in the order the README names them, with their labels
ROLES = {
    "reviewers": N_("Security reviewers"),
    "lead-reviewer": N_("Lead reviewer"),
    "facilitator": N_("Facilitator"),
    "project-security-lead": N_("Project security lead"),
    "project-team": N_("Project team"),
}
CONFLICT_KINDS = ("hard", "soft")
NO_CONFLICT = N_("no conflict declared")

#: ``Name (@handle)``, ``Name @handle``, ``@handle``, or a name alone
_PERSON = re.compile(r"^(?P<name>.*?)[\s,]*\(?@(?P<handle>[^\s()]+)\)?$")
#: GitHub's user names: letters, digits and single hyphens, at most 39
_HANDLE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}")


# -- model ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    #: a GitHub handle, without ``@``; ``None`` when none is given or it is not one (reported)
    handle: str | None

    @property
    def profile(self) -> str | None:
        return f"https://github.com/{self.handle}" if self.handle else None

    def text(self) -> str:
        if self.handle and self.name:
            return f"{self.name} (@{self.handle})"
        return f"@{self.handle}" if self.handle else self.name

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name or None, "handle": self.handle}


@dataclass(frozen=True, slots=True)
class Conflict:
    reviewer: Person
    hard: tuple[str, ...]
    soft: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "reviewer": self.reviewer.as_json(),
            "hard": list(self.hard),
            "soft": list(self.soft),
        }


@dataclass(frozen=True, slots=True)
class Team:
    #: role key -> people, in :data:`ROLES` order (roles without people left out)
    roles: tuple[tuple[str, tuple[Person, ...]], ...]
    conflicts: tuple[Conflict, ...]

    def people(self, role: str) -> tuple[Person, ...]:
        return next((people for key, people in self.roles if key == role), ())

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            key.replace("-", "_"): [p.as_json() for p in self.people(key)] for key in ROLES
        }
        data["conflicts"] = [conflict.as_json() for conflict in self.conflicts]
        return data


# -- parsing -------------------------------------------------------------------------------


def parse_person(text: str) -> tuple[Person, str | None]:
    """A person from ``Name (@handle)``; the second value says why a handle is refused."""
    text = " ".join(text.split())
    match = _PERSON.match(text)
    if match is None:
        return Person(text, None), None
    name, handle = match["name"].strip(), match["handle"]
    if not _HANDLE.fullmatch(handle):
        return Person(text, None), f"{handle!r} is not a GitHub handle"
    return Person(name, handle), None


def parse_team(data: Any) -> tuple[Team, list[BlockProblem]]:
    """The team from the loaded YAML; problems carry body lines."""
    reader = Reader()
    mapping = reader.mapping(data, "the body", getattr(data, "line", 1))
    if mapping is None:
        return Team((), ()), reader.problems
    reader.check_keys(mapping, "assessment-team", (*ROLES, "conflicts"), top_level=True)
    roles = []
    for key in ROLES:
        people = _people(reader, mapping, key)
        if people:
            roles.append((key, people))
    conflicts = []
    for index, item in enumerate(reader.sequence(mapping, "conflicts", "assessment-team") or []):
        conflict = _conflict(reader, item, index, mapping)
        if conflict is not None:
            conflicts.append(conflict)
    return Team(tuple(roles), tuple(conflicts)), reader.problems


def _people(reader: Reader, data: LineDict, key: str) -> tuple[Person, ...]:
    people = []
    for text, line in reader.text_list(data, key, "assessment-team"):
        person, problem = parse_person(text)
        if problem is not None:
            reader.problem(Code.SCHEMA, f"assessment-team: {key!r}: {problem}", line)
        if person.name or person.handle:
            people.append(person)
    return tuple(people)


def _conflict(reader: Reader, item: Any, index: int, parent: LineDict) -> Conflict | None:
    where = f"conflicts item {index + 1}"
    entry = reader.mapping(item, where, getattr(item, "line", parent.line_of("conflicts")))
    if entry is None:
        return None
    reader.check_keys(entry, where, ("reviewer", *CONFLICT_KINDS), ("reviewer",))
    reviewer = reader.text(entry, "reviewer", where)
    if reviewer is None:
        return None
    person, problem = parse_person(reviewer)
    if problem is not None:
        reader.problem(Code.SCHEMA, f"{where}: 'reviewer': {problem}", entry.line_of("reviewer"))
    hard, soft = (
        tuple(text for text, _line in reader.text_list(entry, kind, where))
        for kind in CONFLICT_KINDS
    )
    return Conflict(person, hard, soft)


# -- rendering -----------------------------------------------------------------------------


def person_nodes(people: Iterable[Person]) -> list[nodes.Node]:
    """People separated by commas; each handle linked to its GitHub profile."""
    result: list[nodes.Node] = []
    for index, person in enumerate(people):
        if index:
            result.append(nodes.Text(", "))
        if person.profile:
            if person.name:
                result.append(nodes.Text(f"{person.name} ("))
            result.append(safe_link(person.profile, f"@{person.handle}"))
            if person.name:
                result.append(nodes.Text(")"))
        else:
            result.append(nodes.Text(person.name))
    return result


def render_team(team: Team) -> list[nodes.Node]:
    """The table of roles and people, then the conflicts of interest."""
    result: list[nodes.Node] = []
    if team.roles:
        rows = [[_(ROLES[key]), person_nodes(people)] for key, people in team.roles]
        result.append(
            build_table(
                ((N_("Role"), 22), (N_("People"), 50)),
                rows,
                classes=["ja-team-table"],
                title=_("Assessment team"),
                stub=True,
            )
        )
    result.extend(render_conflicts(team))
    return result


def render_conflicts(team: Team) -> list[nodes.Node]:
    """Each reviewer's declared conflicts; "no conflict declared" for those who declared none."""
    declared = {conflict.reviewer: conflict for conflict in team.conflicts}
    reviewers = [*team.people("lead-reviewer"), *team.people("reviewers")]
    reviewers = [*dict.fromkeys([*reviewers, *declared])]
    if not reviewers:
        return []
    rows = []
    for person in reviewers:
        conflict = declared.get(person)
        hard = "; ".join(conflict.hard) if conflict and conflict.hard else None
        soft = "; ".join(conflict.soft) if conflict and conflict.soft else None
        none = _(NO_CONFLICT) if hard is None and soft is None else None
        rows.append([person_nodes([person]), hard or none, soft or none])
    return [
        build_table(
            ((N_("Reviewer"), 26), (N_("Hard conflicts"), 26), (N_("Soft conflicts"), 26)),
            rows,
            classes=["ja-conflicts-table"],
            title=_("Conflicts of interest"),
        )
    ]


def _render_opening(context: ResolveContext, node: ja_placeholder) -> list[nodes.Node]:
    objs = context.domain.objects(KIND)
    return render_team(objs[0].model) if objs else []


# -- directive -----------------------------------------------------------------------------


class AssessmentTeamDirective(AssessmentDirective):
    """``.. assessment-team::`` with a YAML body (or ``:file:``) of roles and conflicts."""

    has_content = True
    option_spec: ClassVar[OptionSpec] = {"file": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        if block_too_large(self):
            return self.error_node()
        loaded = self.read_yaml()
        if loaded is None:
            return self.error_node()
        data, source = loaded
        team, problems = parse_team(data)
        for problem in problems:
            self.report(problem.code, problem.message, line=problem.line, source=source)
        anchor = self.make_anchor(KIND, OBJECT_ID)
        self.record(KIND, OBJECT_ID, "Assessment team", team, anchor)
        container = self.target_section(anchor, ["ja-assessment-team"])
        container.extend(render_team(team))
        return [container]


def setup_team(app: Sphinx) -> None:
    add_assessment_directive(app, "assessment-team", AssessmentTeamDirective)
    register_renderer(OPENING_KIND, _render_opening)
