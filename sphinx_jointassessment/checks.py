"""Checks that need every page: duplicate ids, unknown references, and each feature's own.

Problems inside one block are reported while the block is read. Problems between
blocks (two findings numbered 1, a risk pointing at a cell that does not exist, a
required section nobody wrote) can only be seen once every page has been read:
each feature registers a check here, and they run in ``env-check-consistency``
for every builder (html and ``jointassessment`` alike, so ``-W`` gates both) and
again when the ``jointassessment`` builder writes its JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from .domain import get_domain
from .kinds import KINDS, Kind, kind_info
from .problems import Code, Problem, emit

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

Check = Callable[["BuildEnvironment"], Iterable[Problem]]
_CHECKS: list[Check] = []


def register_check(check: Check) -> None:
    """Add a whole-project check (each feature registers its own in its ``setup_*``)."""
    if check not in _CHECKS:
        _CHECKS.append(check)


def project_problems(env: BuildEnvironment) -> list[Problem]:
    """Every whole-project problem, in a stable order."""
    found = dict.fromkeys(problem for check in _CHECKS for problem in check(env))
    # stable: problems at one place keep the order their check gives (outline order...)
    return sorted(found, key=lambda p: (p.docname or "", p.path or "", p.lineno or 0))


def source_location(env: BuildEnvironment, docname: str, lineno: int | None) -> str:
    """``file:line`` as warnings print it, for messages that point at another place."""
    path = str(env.doc2path(docname, base=False))
    return f"{path}:{lineno}" if lineno else path


def check_duplicate_ids(env: BuildEnvironment) -> Iterable[Problem]:
    domain = get_domain(env)
    for kind in domain.kinds():
        if kind in (Kind.SECTION, Kind.CELL):
            # duplicate-section is reported by the outline checks; a cell given twice is
            # matrix-duplicate-cell, and cells of a matrix id used twice come with it
            continue
        info = KINDS[kind]
        for objs in domain.duplicates(kind):
            first = objs[0]
            where = source_location(env, first.docname, first.lineno)
            for other in objs[1:]:
                if info.single:
                    message = f"a second {info.label} (the first is in {where})"
                else:
                    message = f"{info.label} id {other.id!r} is used twice (first in {where})"
                yield Problem(Code.DUPLICATE_ID, message, other.docname, other.lineno)


def in_other_projects(env: BuildEnvironment, role: str, target: str) -> bool:
    """Whether an intersphinx inventory holds *target* for the ``ja`` role *role*.

    Such a link is resolved by intersphinx (``missing-reference``) when pages are
    written; it is no unknown reference. ``project:target`` looks in that project's
    inventory only, as intersphinx does.
    """
    if not hasattr(env, "intersphinx_inventory"):  # intersphinx is not loaded
        return False
    from sphinx.ext.intersphinx import InventoryAdapter

    adapter = InventoryAdapter(env)
    types = [f"ja:{objtype}" for objtype in get_domain(env).objtypes_for_role(role) or ()]
    if any(target in adapter.main_inventory.get(objtype, {}) for objtype in types):
        return True
    project, colon, rest = target.partition(":")
    named = adapter.named_inventory.get(project) if colon else None
    return named is not None and any(rest in named.get(objtype, {}) for objtype in types)


def check_role_references(env: BuildEnvironment) -> Iterable[Problem]:
    domain = get_domain(env)
    roles = {info.role for info in KINDS.values() if info.role}
    for ref in domain.references():
        if (
            ref.kind in roles
            and domain.get(ref.kind, ref.target) is None
            and not in_other_projects(env, ref.kind, ref.target)
        ):
            yield Problem(
                Code.UNKNOWN_REFERENCE,
                f":ja:{ref.kind}: no {kind_info(ref.kind).label} with id {ref.target!r}",
                ref.docname,
                ref.lineno,
            )


def unknown_targets(
    env: BuildEnvironment, kind: Kind, option: str, target_kind: Kind
) -> Iterable[Problem]:
    """Every id that an object of *kind* lists in *option* names an object of *target_kind*.

    The model keeps the ids in the attribute named as the option (``risks``,
    ``threats``...). The look-up goes through the domain, so a kind that another
    feature adds later (threats, findings) is found as soon as it is recorded.
    """
    domain = get_domain(env)
    attribute = option.replace("-", "_")
    source, target = kind_info(kind).label, kind_info(target_kind).label
    for obj in domain.recorded(kind):
        for target_id in getattr(obj.model, attribute, ()):
            if domain.get(target_kind, target_id) is None:
                yield Problem(
                    Code.UNKNOWN_REFERENCE,
                    f"{source} {obj.id!r}: :{option}: there is no {target} {target_id!r}",
                    obj.docname,
                    obj.lineno,
                )


def _emit_project_problems(app: Sphinx, env: BuildEnvironment) -> None:
    for problem in project_problems(env):
        emit(env, problem)


def setup_checks(app: Sphinx) -> None:
    register_check(check_duplicate_ids)
    register_check(check_role_references)
    app.connect("env-check-consistency", _emit_project_problems)
