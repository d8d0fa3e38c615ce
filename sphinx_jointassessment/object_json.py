"""How each object is written to ``joint-assessment.json``.

By default an object is its model's ``as_json()`` plus where it was written
(``source``). A feature whose JSON needs more than its model, such as a threat's
description and controls as Markdown (from its body), registers a function here;
the builder asks this module, so it never needs to know one feature from another.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.environment import BuildEnvironment

    from .domain import AssessmentObject
    from .kinds import Kind

#: more fields of an object of one kind: (environment, object) -> fields
Extra = Callable[["BuildEnvironment", "AssessmentObject"], dict[str, Any]]
_EXTRA: dict[Kind, Extra] = {}


def register_object_json(kind: Kind, extra: Extra) -> None:
    """Objects of *kind* get the fields *extra* returns, after their model's."""
    _EXTRA[kind] = extra


def model_json(model: Any) -> dict[str, Any]:
    as_json = getattr(model, "as_json", None)
    return dict(as_json()) if callable(as_json) else {}


def object_json(env: BuildEnvironment, obj: AssessmentObject) -> dict[str, Any]:
    """The object as the JSON lists it."""
    data = model_json(obj.model)
    extra = _EXTRA.get(obj.kind)
    if extra is not None:
        data.update(extra(env, obj))
    data["source"] = f"{obj.docname}:{obj.lineno}"
    return data
