"""Status badges: a sphinx-design badge whose colour, class and tooltip carry the status.

Colour alone must never carry meaning, so the badge also has the class
``ja-status-<status>`` and the status as its tooltip text (``<abbr title>``), and
the label itself is always written out.
"""

from __future__ import annotations

from docutils import nodes

from .i18n import N_, _

#: sphinx-design semantic colour per status, and per severity
STATUS_COLOURS = {
    "n/a": "secondary",
    "mitigated": "success",
    "conditional": "warning",
    "possible": "danger",
}
SEVERITY_COLOURS = {
    "note": "secondary",
    "informational": "secondary",
    "low": "info",
    "medium": "warning",
    "high": "danger",
    "critical": "danger",
}


#: the severities as badges show them, for the message catalog
SEVERITY_NAMES = (
    N_("Informational"),
    N_("Note"),
    N_("Low"),
    N_("Medium"),
    N_("High"),
    N_("Critical"),
)


def status_class(status: str) -> str:
    return "ja-status-" + status.replace("/", "")


def badge(text: str, colour: str, *, tooltip: str, extra_class: str) -> nodes.abbreviation:
    """A sphinx-design badge (``sd-badge``) that states its meaning as a tooltip.

    One ``<abbr>`` carries both the badge classes and the tooltip: a wrapping
    ``<span>`` would add a node per badge, and tables hold thousands of badges.
    """
    return nodes.abbreviation(
        text,
        text,
        explanation=tooltip,
        classes=[
            "sd-sphinx-override",
            "sd-badge",
            f"sd-bg-{colour}",
            f"sd-bg-text-{colour}",
            extra_class,
        ],
    )


def status_badge(label: str, status: str) -> nodes.abbreviation:
    return badge(
        label,
        STATUS_COLOURS.get(status, "secondary"),
        tooltip=_("status: {status}").format(status=status),
        extra_class=status_class(status),
    )


def severity_badge(severity: str) -> nodes.abbreviation:
    return badge(
        _(severity.capitalize()),
        SEVERITY_COLOURS.get(severity.lower(), "secondary"),
        tooltip=_("severity: {severity}").format(severity=severity.lower()),
        extra_class=f"ja-severity-{severity.lower()}",
    )
