"""The object kinds, the domain's API by kind, and the ``Body`` that copies block content."""

from __future__ import annotations

import pickle

import pytest
from docutils import nodes
from sphinx import addnodes

from sphinx_jointassessment.body import NO_SEARCH, Body
from sphinx_jointassessment.domain import JointAssessmentDomain
from sphinx_jointassessment.kinds import KINDS, LINKABLE, Kind, kind_info


def test_every_kind_is_described_once() -> None:
    assert set(KINDS) == set(Kind)


def test_roles_and_inventory_types_come_from_the_kinds() -> None:
    """SPEC §1: roles matrix, risk, finding, issue, section, threat, flow, recommendation."""
    roles = {KINDS[kind].role for kind in LINKABLE}
    assert roles == {
        "matrix", "risk", "finding", "issue", "section", "threat", "flow", "recommendation",
    }  # fmt: skip
    assert set(JointAssessmentDomain.roles) == roles
    assert set(JointAssessmentDomain.object_types) == {kind.value for kind in LINKABLE}
    # a role's name is its kind's value, so a role target is looked up by that kind
    assert all(KINDS[kind].role == kind.value for kind in LINKABLE)


def test_unknown_kind_names_get_a_neutral_description() -> None:
    assert kind_info("no-such-kind").label == "no-such-kind"
    assert kind_info("finding").link_text == "Finding {id}"


def _body() -> nodes.container:
    para = nodes.paragraph("", "", ids=["p1"], names=["p1"])
    para += nodes.Text("See ")
    ref = addnodes.pending_xref(
        "", nodes.inline("", "other"), refdomain="std", reftype="doc",
        reftarget="other", refdoc="dir/page",
    )  # fmt: skip
    para += ref
    para += nodes.target("", "", refuri="https://example.org/")
    container = nodes.container("", para, classes=["ja-body"], ids=["c1"])
    return container


def test_a_frozen_body_copies_without_ids_and_with_references_retargeted() -> None:
    node = _body()
    body = Body(node)
    body.freeze()
    assert body.node is None
    assert not body.is_empty
    # the page keeps what it had
    assert node["ids"] == ["c1"]
    assert node[0]["ids"] == ["p1"]
    assert any(isinstance(n, nodes.target) for n in node.findall())
    copy = body.copy("index", written_on="dir/page")
    assert copy is not None
    assert all(not e["ids"] and not e["names"] for e in copy.findall(nodes.Element))
    assert not any(isinstance(n, nodes.target) for n in copy.findall())
    ref = next(copy.findall(addnodes.pending_xref))
    assert ref["refdoc"] == "index"
    assert ref["reftarget"] == "/dir/other"
    assert NO_SEARCH in copy["classes"]
    # shown where it was written, it stays searchable; each copy is a new node
    again = body.copy("dir/page", written_on="dir/page")
    assert again is not None
    assert again is not copy
    assert NO_SEARCH not in again["classes"]


def test_a_body_travels_with_the_environment_only_in_its_frozen_form() -> None:
    body = Body(_body())
    loaded = pickle.loads(pickle.dumps(body))
    assert loaded.node is None
    copy = loaded.copy("index")
    assert copy is not None
    assert copy.astext() == "See other"


@pytest.mark.parametrize("frozen", [False, True])
def test_an_empty_body_gives_no_copy(frozen: bool) -> None:
    body = Body(nodes.container())
    if frozen:
        body.freeze()
    assert body.is_empty
    assert body.copy("index") is None
    assert body.content() == []
