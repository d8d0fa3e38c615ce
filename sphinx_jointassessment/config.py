"""Typed configuration: the ``jointassessment_*`` values of ``conf.py``.

Sphinx stores configuration loosely; :class:`AssessmentConfig` reads it once into a
frozen dataclass, so the rest of the extension works with checked, typed values.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from types import NoneType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sphinx.application import Sphinx
    from sphinx.config import Config

#: The cell statuses of a threat matrix, in order of increasing concern.
STATUSES = ("n/a", "mitigated", "conditional", "possible")

#: Labels with a known status (SPEC §2.1); compared without regard to case.
DEFAULT_LABELS: dict[str, str] = {"N/A": "n/a", "Mitigated": "mitigated", "ESCAPE": "conditional"}

#: Template text that must not survive into a submitted assessment (SPEC §5).
DEFAULT_PLACEHOLDER_PATTERNS: tuple[str, ...] = (
    r"\[project\]",
    r"\bFlibble\w*",
    r"\bmmddyyyy\b",
    r"\bTODO\b",
    r"\bTBD\b",
    r"A link to the software.s repository",
    r"Is the primary function of the project to support the security of an integrating system",
    r"One or two sentences describing the project",
    r"Provide information for reviewers who may not be familiar",
    r"A listing with brief description of",
    r"A description of the system design that discusses how it works",
    r"A discussion about the likely goals of an attacker",
    r"A rough estimation of the risk posed by different attacks",
    r"Link to your general roadmap, if available",
    r"my\.security\.(file|config)",
)

DEFAULT_MAX_INPUT_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class AssessmentConfig:
    """The extension's configuration, validated."""

    project: str
    outline: str
    labels: Mapping[str, str]
    score_range: tuple[float, float] | None
    placeholder_patterns: tuple[re.Pattern[str], ...]
    max_input_bytes: int
    #: problems in conf.py itself, reported once at start-up
    errors: tuple[str, ...] = field(default=())

    @classmethod
    def from_sphinx(cls, config: Config) -> AssessmentConfig:
        errors: list[str] = []
        labels = {key.casefold(): value for key, value in DEFAULT_LABELS.items()}
        for key, value in dict(config.jointassessment_labels or {}).items():
            if str(value) not in STATUSES:
                errors.append(f"jointassessment_labels: {key!r} maps to unknown status {value!r}")
                continue
            labels[str(key).casefold()] = str(value)
        patterns = []
        for pattern in config.jointassessment_placeholder_patterns or ():
            try:
                patterns.append(re.compile(pattern, re.IGNORECASE))
            except re.error as exc:
                errors.append(f"jointassessment_placeholder_patterns: {pattern!r}: {exc}")
        return cls(
            project=str(config.jointassessment_project or config.project or "Project"),
            outline=str(config.jointassessment_outline or "joint"),
            labels=labels,
            score_range=_score_range(config.jointassessment_score_range, errors),
            placeholder_patterns=tuple(patterns),
            max_input_bytes=max(1, int(config.jointassessment_max_input_bytes)),
            errors=tuple(errors),
        )

    def status_for_label(self, label: str) -> str:
        """The status a label implies: configured labels first, ``Mitigated...`` prefix next."""
        folded = label.strip().casefold()
        if folded in self.labels:
            return self.labels[folded]
        if folded.startswith("mitigated"):
            return "mitigated"
        return "possible"


def _score_range(value: Any, errors: list[str]) -> tuple[float, float] | None:
    if value is None:
        return None
    try:
        low, high = (float(v) for v in value)
    except (TypeError, ValueError):
        errors.append(f"jointassessment_score_range must be None or (min, max), not {value!r}")
        return None
    if not (math.isfinite(low) and math.isfinite(high)) or low > high:
        errors.append(f"jointassessment_score_range {value!r} is not a finite (min, max)")
        return None
    return (low, high)


_TYPED: dict[int, tuple[Config, AssessmentConfig]] = {}


def get_config(app_or_env: Any) -> AssessmentConfig:
    """The typed configuration of ``app.config`` or ``env.config``, built once per config.

    Kept beside the Sphinx config rather than on it, so nothing of ours is pickled
    with the environment or compared when Sphinx decides what to rebuild.
    """
    config: Config = app_or_env.config
    cached = _TYPED.get(id(config))
    if cached is None or cached[0] is not config:
        cached = (config, AssessmentConfig.from_sphinx(config))
        _TYPED.clear()  # one build at a time: never keep old configs alive
        _TYPED[id(config)] = cached
    return cached[1]


def setup_config(app: Sphinx) -> None:
    """Register the ``jointassessment_*`` values with their types."""
    app.add_config_value("jointassessment_project", "", "env", types=frozenset({str}))
    app.add_config_value("jointassessment_outline", "joint", "env", types=frozenset({str}))
    app.add_config_value("jointassessment_labels", {}, "env", types=frozenset({dict}))
    app.add_config_value(
        "jointassessment_score_range", None, "env", types=frozenset({NoneType, tuple, list})
    )
    app.add_config_value(
        "jointassessment_placeholder_patterns",
        list(DEFAULT_PLACEHOLDER_PATTERNS),
        "env",
        types=frozenset({list, tuple}),
    )
    app.add_config_value(
        "jointassessment_max_input_bytes", DEFAULT_MAX_INPUT_BYTES, "env", types=frozenset({int})
    )
