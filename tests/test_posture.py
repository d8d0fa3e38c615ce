"""Security posture links: ``:best-practices:``, ``:scorecard:``, ``:clomonitor:``.

The identifiers are checked, the links and badge images are built from them (never
taken from the page), badges are shown only where a reader's browser fetches them
(html, the Markdown), and no builder downloads anything.
"""

from __future__ import annotations

import json

import pytest

from sphinx_jointassessment.posture import Posture, parse_posture

from .objects_support import build, soup, warnings, write_project

PAGE = """\
Meta
====

.. assessment-metadata::
   :software: https://github.com/example/kestrel
   :security-provider: no
   :languages: Go
   :sbom: https://example.com/sbom.json
{options}

.. joint-assessment::
"""
GOOD = """\
   :best-practices: 1234
   :scorecard: github.com/example/kestrel
   :clomonitor: cncf/kestrel"""


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"best-practices": "1234"}, Posture(best_practices="1234")),
        (
            {"scorecard": "github.com/ossf/scorecard"},
            Posture(scorecard="github.com/ossf/scorecard"),
        ),
        (
            {"scorecard": "gitlab.com/group/sub/repo"},
            Posture(scorecard="gitlab.com/group/sub/repo"),
        ),
        ({"clomonitor": "cncf/artifact-hub"}, Posture(clomonitor="cncf/artifact-hub")),
        ({}, Posture()),
    ],
)
def test_good_identifiers(options, expected):
    assert parse_posture(options) == (expected, [])


@pytest.mark.parametrize(
    ("name", "value", "hint"),
    [
        ("best-practices", "0", None),
        ("best-practices", "12ab", None),
        ("best-practices", "https://www.bestpractices.dev/projects/1234", "'1234'"),
        ("best-practices", "https://bestpractices.coreinfrastructure.org/en/projects/77", "'77'"),
        ("scorecard", "github.com/example", None),
        ("scorecard", "https://github.com/example/kestrel", "'github.com/example/kestrel'"),
        ("scorecard", "https://scorecard.dev/viewer/?uri=github.com/a/b", "'github.com/a/b'"),
        ("scorecard", "javascript:alert(1)", None),
        ("scorecard", "github.com/a/b?x=<script>", None),
        ("clomonitor", "kestrel", None),
        ("clomonitor", "https://clomonitor.io/projects/cncf/kestrel", "'cncf/kestrel'"),
        ("clomonitor", "cncf/Kestrel Project", None),
    ],
)
def test_bad_identifiers_are_metadata_value(name, value, hint):
    posture, problems = parse_posture({name: value})
    assert posture == Posture()
    assert [p.code.value for p in problems] == ["metadata-value"]
    assert problems[0].message.startswith(f":{name}: {value!r} is not ")
    if hint:
        assert problems[0].message.endswith(f"(write {hint})")


def _project(tmp_path, options: str = GOOD):
    return write_project(tmp_path / "src", {"index.rst": PAGE.format(options=options)})


def _row(page):
    row = next(
        row
        for row in page.select("table.ja-metadata-table tbody tr")
        if row.th.get_text(strip=True) == "Security posture"
    )
    return row.td


def test_html_shows_the_services_badges_and_links(make_app, tmp_path):
    app = build(make_app, _project(tmp_path))
    assert [w.code for w in warnings(app) if w.code != "missing-section"] == []
    cell = _row(soup(app, "index"))
    links = [(a["href"], a.img["src"] if a.img else a.get_text()) for a in cell.find_all("a")]
    assert links == [
        (
            "https://www.bestpractices.dev/projects/1234",
            "https://www.bestpractices.dev/projects/1234/badge",
        ),
        (
            "https://scorecard.dev/viewer/?uri=github.com/example/kestrel",
            "https://api.scorecard.dev/projects/github.com/example/kestrel/badge",
        ),
        ("https://clomonitor.io/projects/cncf/kestrel", "CLOMonitor cncf/kestrel"),
    ]
    assert [img["alt"] for img in cell.find_all("img")] == [
        "OpenSSF Best Practices 1234",
        "OpenSSF Scorecard github.com/example/kestrel",
    ]


def test_markdown_and_json(make_app, tmp_path):
    app = build(make_app, _project(tmp_path), "jointassessment")
    markdown = (app.outdir / "joint-assessment.md").read_text(encoding="utf-8")
    assert (
        "| Security posture | [![OpenSSF Best Practices 1234]"
        "(https://www.bestpractices.dev/projects/1234/badge)]"
        "(https://www.bestpractices.dev/projects/1234); "
    ) in markdown
    assert "[CLOMonitor cncf/kestrel](https://clomonitor.io/projects/cncf/kestrel) |" in markdown
    data = json.loads((app.outdir / "joint-assessment.json").read_text(encoding="utf-8"))
    posture = data["metadata"]["posture"]
    assert posture["best_practices"] == "1234"
    assert posture["scorecard"] == "github.com/example/kestrel"
    assert posture["clomonitor"] == "cncf/kestrel"
    assert [link["service"] for link in posture["links"]] == [
        "OpenSSF Best Practices",
        "OpenSSF Scorecard",
        "CLOMonitor",
    ]


@pytest.mark.parametrize("builder", ["latex", "text"])
def test_other_builders_get_the_links_and_download_nothing(make_app, tmp_path, builder):
    app = build(make_app, _project(tmp_path), builder)
    output = next(app.outdir.glob("*.tex" if builder == "latex" else "index.txt"))
    text = output.read_text(encoding="utf-8")
    assert "OpenSSF Best Practices 1234" in text
    assert "badge" not in text  # no image, so no download of one
    assert "Could not fetch remote image" not in app.warning.getvalue()


def test_a_bad_identifier_is_located_and_links_nothing(make_app, tmp_path):
    app = build(make_app, _project(tmp_path, "   :scorecard: javascript:alert(1)"))
    found = [(w.file, w.line, w.code) for w in warnings(app) if w.code != "missing-section"]
    assert found == [("index.rst", 4, "metadata-value")]
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert "javascript:" not in html
    assert "Security posture" not in html
