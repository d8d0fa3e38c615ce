"""The vocabularies of a threat catalogue: STRIDE categories and MITRE ATT&CK ids.

Pure functions, without Sphinx, so that ``threat`` and ``import`` read the same
words the same way: a ``:stride:`` option, a heading "3.1 Spoofing", a table row
"Spoofing Identity" and the letter of ``Threat-01-S`` all name one category.
"""

from __future__ import annotations

import re

#: the STRIDE categories, in STRIDE order, with their letter and their name
STRIDE: dict[str, tuple[str, str]] = {
    "spoofing": ("S", "Spoofing"),
    "tampering": ("T", "Tampering"),
    "repudiation": ("R", "Repudiation"),
    "information-disclosure": ("I", "Information Disclosure"),
    "denial-of-service": ("D", "Denial of Service"),
    "elevation-of-privilege": ("E", "Elevation of Privilege"),
}
_BY_LETTER = {letter: key for key, (letter, _name) in STRIDE.items()}
#: other names the categories go by in published catalogues (compared as by :func:`_folded`)
_ALIASES = {
    "spoofing-identity": "spoofing",
    "identity-spoofing": "spoofing",
    "tampering-with-data": "tampering",
    "data-tampering": "tampering",
    "info-disclosure": "information-disclosure",
    "dos": "denial-of-service",
    "denial-of-service-dos": "denial-of-service",
    "elevation-of-privileges": "elevation-of-privilege",
    "privilege-escalation": "elevation-of-privilege",
}

#: MITRE ATT&CK ids: techniques (``T1234``, sub-technique ``T1234.001``) and tactics
_TECHNIQUE = re.compile(r"T(\d{4})(?:\.(\d{3}))?")
_TACTIC = re.compile(r"TA\d{4}")
ATTACK_SITE = "https://attack.mitre.org"


def stride_name(key: str) -> str:
    return STRIDE[key][1]


def _folded(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def stride_category(text: str) -> str | None:
    """The category a name, an alias or a letter stands for, or ``None``."""
    text = text.strip()
    if len(text) == 1:
        return _BY_LETTER.get(text.upper())
    folded = _folded(text)
    if folded in STRIDE:
        return folded
    return _ALIASES.get(folded)


def parse_stride(text: str | None) -> tuple[tuple[str, ...], list[str]]:
    """STRIDE keys of ``spoofing; T; Denial of service``, and the items that are none."""
    if text is None:
        return (), []
    keys: list[str] = []
    unknown: list[str] = []
    for raw in re.split(r"[;,]", text):
        item = raw.strip()
        if not item:
            continue
        key = stride_category(item)
        if key is None:
            unknown.append(item)
        elif key not in keys:
            keys.append(key)
    return tuple(keys), unknown


def attack_url(attack_id: str) -> str | None:
    """The attack.mitre.org page of a technique or tactic id, ``None`` if it is neither."""
    technique = _TECHNIQUE.fullmatch(attack_id)
    if technique is not None:
        number, sub = technique.groups()
        tail = f"T{number}/{sub}/" if sub else f"T{number}/"
        return f"{ATTACK_SITE}/techniques/{tail}"
    if _TACTIC.fullmatch(attack_id):
        return f"{ATTACK_SITE}/tactics/{attack_id}/"
    return None
