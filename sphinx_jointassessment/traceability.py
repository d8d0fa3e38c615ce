"""Traceability checks: what the threat model leaves unanswered (SPEC §5, §6).

A reviewer reads a threat model for its gaps: a flow into the cluster from the
internet that no threat considers, a threat that nothing answers. Once the model is
written as data these gaps can be found, so they are reported like any other
problem, at the block at fault, and can be silenced one code at a time
(``suppress_warnings``) or all together (``jointassessment_traceability = False``):

* ``unassessed-flow``: a ``data-flow`` flow that crosses a trust boundary and whose
  two ends no ``threat`` names together in ``:components:``;
* ``uncovered-threat``: an open ``threat`` (status open, in-progress, or none) with
  neither a ``controls`` block nor a recommendation naming it; with
  ``jointassessment_traceability = "strict"`` also a ``possible`` threat-matrix cell
  that no attack risk names in ``:cells:``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .checks import register_check
from .config import get_config
from .domain import get_domain
from .kinds import Kind
from .problems import Code, Problem
from .threat_matrix import cell_key

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


def check_unassessed_flows(env: BuildEnvironment) -> Iterable[Problem]:
    if not get_config(env).traceability:
        return
    domain = get_domain(env)
    named_by: dict[str, set[int]] = {}  # component -> the threats naming it
    for number, obj in enumerate(domain.objects(Kind.THREAT)):
        for component in obj.model.components:
            named_by.setdefault(component, set()).add(number)
    for obj in domain.recorded(Kind.FLOW):
        diagram = obj.model
        for flow in diagram.flows:
            if not diagram.crosses(flow):
                continue
            if named_by.get(flow.source, set()) & named_by.get(flow.target, set()):
                continue
            path, line = diagram.flow_location(flow, obj.lineno)
            yield Problem(
                Code.UNASSESSED_FLOW,
                f"data-flow {obj.id!r}: the flow {flow.source} -> {flow.target} crosses the "
                f"trust boundary {diagram.zone_of(flow.source)} / "
                f"{diagram.zone_of(flow.target)}, and no threat names both in :components:",
                obj.docname,
                line,
                path,
            )


def _recommended_threats(env: BuildEnvironment) -> set[str]:
    """Ids of threats that a recommendation names (``:threats:``), when there are any."""
    named: set[str] = set()
    for obj in get_domain(env).objects(Kind.RECOMMENDATION):
        named.update(getattr(obj.model, "threats", ()))
    return named


def check_uncovered_threats(env: BuildEnvironment) -> Iterable[Problem]:
    mode = get_config(env).traceability
    if not mode:
        return
    domain = get_domain(env)
    recommended = _recommended_threats(env)
    for obj in domain.recorded(Kind.THREAT):
        threat = obj.model
        if threat.is_open and not threat.has_controls and obj.id not in recommended:
            yield Problem(
                Code.UNCOVERED_THREAT,
                f"threat {obj.id!r} is {threat.status or 'open'} and has neither a controls "
                "block nor a recommendation naming it",
                obj.docname,
                obj.lineno,
            )
    if mode != "strict":
        return
    named = {key for obj in domain.objects(Kind.RISK) for key in obj.model.cells}
    for obj in domain.recorded(Kind.MATRIX):
        matrix = obj.model
        for cell in matrix.cells:
            if (
                cell.status == "possible"
                and cell_key(matrix.id, cell.victim, cell.attacker) not in named
            ):
                yield Problem(
                    Code.UNCOVERED_THREAT,
                    f"threat-matrix {matrix.id!r}: the possible cell victim {cell.victim}, "
                    f"attacker {cell.attacker} is named by no attack risk (:cells:)",
                    obj.docname,
                    obj.lineno,
                )


def setup_traceability(app: Sphinx) -> None:
    register_check(check_unassessed_flows)
    register_check(check_uncovered_threats)
