"""The words the build declares, for the spell check of the CNCF repository (cspell).

cncf/tag-security checks the spelling of every Markdown file a pull request changes
with cspell; a word it does not know fails the check unless the file says
``<!-- cSpell:ignore WORD ... -->``. Most such words in an assessment are names the
build itself knows as names, not prose: the project, the ids of its objects, the
components, zones and actors of its threat model, the reviewers, the languages, the
dependencies of its SBOM, and the service names the extension writes itself
("OpenSSF", "CLOMonitor"). The builder declares those at the end of the Markdown, so
the authors answer only for the words of their own text (with their own
``cSpell:`` comments, which the Markdown keeps where they were written).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .config import get_config
from .domain import get_domain
from .kinds import Kind

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from sphinx.environment import BuildEnvironment

#: cspell checks words of four letters or more (its ``minWordLength``)
MIN_LENGTH = 4
#: a comment line stays well under the CNCF markdownlint's 512 characters (MD013)
MAX_LINE = 400
#: words the extension itself writes that a dictionary may not hold (posture links, the
#: template's fixed text)
GENERATED = ("OpenSSF", "CLOMonitor", "TSSA")
#: model fields that hold names (not prose), in any kind of object
_NAME_FIELDS = ("components", "actors", "reviewer", "reviewers", "attacker", "languages")
_WORD = re.compile(r"[A-Za-z]+")
#: what may stand in the comment (the Markdown writer's rule for linter comments)
_SAFE_WORD = re.compile(rf"[A-Za-z]{{{MIN_LENGTH},}}")


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _texts(item)


def _names(env: BuildEnvironment) -> Iterator[str]:
    """Every name the project's objects declare, in document order."""
    domain = get_domain(env)
    yield get_config(env).project
    yield from GENERATED
    for kind in Kind:
        if kind in (Kind.SECTION, Kind.CELL):
            continue  # section keys are the outline's words; cells are looked up
        for obj in domain.objects(kind):
            yield obj.id
            model = obj.model
            for field in _NAME_FIELDS:
                yield from _texts(getattr(model, field, None))
            yield from _model_names(model)


def _model_names(model: Any) -> Iterator[str]:
    """Names held deeper in a model: zones, SBOM dependencies, the team, posture ids."""
    for zone in getattr(model, "zones", ()):
        yield from _texts(getattr(zone, "name", None))
    for component in getattr(model, "components", ()):
        yield from _texts(getattr(component, "name", None))
    for sbom in getattr(model, "sboms", ()):
        for dependency in sbom.dependencies:
            yield dependency.name
    for _role, people in getattr(model, "roles", ()):  # the assessment team
        for person in people:
            yield from _texts([person.name, person.handle])
    for conflict in getattr(model, "conflicts", ()):
        yield from _texts([conflict.reviewer.name, conflict.reviewer.handle])
    posture = getattr(model, "posture", None)
    if posture is not None:
        yield from _texts([posture.scorecard, posture.clomonitor])
    for link in getattr(model, "links", ()):
        if getattr(link, "origin", None):  # a row the SECURITY-INSIGHTS file named
            yield link.doc


def words(names: Iterable[str]) -> list[str]:
    """The words of *names* cspell would check, once each (without case), sorted."""
    found: dict[str, str] = {}
    for name in names:
        for word in _WORD.findall(name):
            if _SAFE_WORD.fullmatch(word):
                found.setdefault(word.casefold(), word)
    return sorted(found.values(), key=lambda word: (word.casefold(), word))


def declared_words(env: BuildEnvironment) -> list[str]:
    return words(_names(env))


def ignore_comments(found: list[str]) -> str:
    """``<!-- cSpell:ignore ... -->`` lines holding *found*, each under :data:`MAX_LINE`."""
    lines: list[str] = []
    current: list[str] = []
    for word in found:
        if current and len(" ".join([*current, word])) + 24 > MAX_LINE:
            lines.append(f"<!-- cSpell:ignore {' '.join(current)} -->")
            current = []
        current.append(word)
    if current:
        lines.append(f"<!-- cSpell:ignore {' '.join(current)} -->")
    return "\n".join(lines)
