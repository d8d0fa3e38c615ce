"""The review's outcome: security issues with CVSS, recommendations, summary and team.

Rendering (html, JSON), rST/MyST parity, every check code at its line, and the model
functions on their own, scores checked against NVD's published ones.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sphinx_jointassessment.advisory import advisory_url, id_problem, score_vector
from sphinx_jointassessment.security_issue import parse_issue

from .conftest import ROOTS, expected_markers, inventory_names
from .markdownlint import find_markdownlint, run_markdownlint
from .objects_support import assert_same_doctrees, build, cell_texts, soup, warnings
from .test_security_support import check_json

# -- CVSS against the scores NVD publishes --------------------------------------------------

#: (CVE, vector, published base score, severity), as the CVE records publish them (the CNA's
#: score, which NVD's detail page https://nvd.nist.gov/vuln/detail/<CVE> shows too); records
#: read from CVEProject/cvelistV5 (cves/<year>/<n>xxx/<CVE>.json) unless said otherwise
NVD_SCORES = [
    ("CVE-2025-32433", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0, "critical"),
    ("CVE-2024-3400", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0, "critical"),
    ("CVE-2024-10914", "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", 8.1, "high"),
    ("CVE-2024-10914", "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", 8.1, "high"),
    ("CVE-2024-7793", "CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:U/C:N/I:L/A:N", 3.5, "low"),
    ("CVE-2024-5238", "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:L/A:L", 6.3, "medium"),
    ("CVE-2024-8145", "CVSS:3.1/AV:N/AC:L/PR:H/UI:R/S:U/C:N/I:L/A:N", 2.4, "low"),
    # nvd@nist.gov's score, as republished by https://vulndex.at/cve/CVE-2021-44023
    ("CVE-2021-44023", "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:H/A:H", 7.1, "high"),
    ("CVE-2024-10914", "CVSS:4.0/AV:N/AC:H/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.2,
     "critical"),
    ("CVE-2024-7793", "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N", 5.3,
     "medium"),
    ("CVE-2024-5238", "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N", 5.3,
     "medium"),
    ("CVE-2024-8145", "CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N", 5.1,
     "medium"),
    # supplemental metrics (AU, R, V, RE, U) do not change the score
    ("CVE-2024-0012",
     "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:L/SI:N/SA:N/AU:N/R:U/V:C/RE:H/U:Red",
     9.3, "critical"),
]  # fmt: skip


@pytest.mark.parametrize(("cve", "vector", "score", "severity"), NVD_SCORES)
def test_cvss_scores_match_nvd(cve, vector, score, severity):
    scored, problem = score_vector(vector)
    assert problem is None
    assert scored is not None
    assert (scored.score, scored.severity) == (score, severity), cve
    assert scored.version == vector[5:8]
    assert scored.is_base


def test_v4_scores_with_threat_metrics_are_labelled():
    base = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
    for suffix, score, label in (
        ("", 9.3, "CVSS-B"),
        ("/E:U", 8.1, "CVSS-BT"),
        ("/MAV:L", 8.6, "CVSS-BE"),
        ("/E:U/CR:L", None, "CVSS-BTE"),
    ):
        scored, _problem = score_vector(base + suffix)
        assert scored.nomenclature == label
        if score is not None:
            assert scored.score == score
        assert scored.score_text().endswith("" if label == "CVSS-B" else f"({label})")


def test_cvss_versions_and_refusals():
    v30, problem = score_vector("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
    assert problem is None
    assert (v30.version, v30.score) == ("3.0", 9.8)
    for bad in (
        "AV:N/AC:L/Au:N/C:P/I:P/A:P",  # CVSS v2
        "CVSS:2.0/AV:N",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",  # a metric missing
        "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",  # a metric twice
        "CVSS:4.0/AV:X/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
        "CVSS:3.1/" + "AV:N/" * 100,
        "",
    ):
        scored, problem = score_vector(bad)
        assert scored is None, bad
        assert problem, bad


def test_advisory_ids_are_checked_and_linked():
    assert advisory_url("CVE-2021-44228") == "https://nvd.nist.gov/vuln/detail/CVE-2021-44228"
    assert (
        advisory_url("GHSA-p4xq-9fgh-2mvc") == "https://github.com/advisories/GHSA-p4xq-9fgh-2mvc"
    )
    assert advisory_url("KESTREL-1") is None
    assert id_problem("KESTREL-1") is None
    assert id_problem("CVE-2021-44228") is None
    for bad in ("CVE-2021-1", "cve-2021-44228", "CVE-21-44228", "GHSA-1", "GHSA-ABCD-1234-wxyz"):
        assert id_problem(bad), bad
        assert advisory_url(bad) is None


def test_issue_options():
    issue, problems = parse_issue(
        "t", {"id": "CVE-2025-12345", "cvss": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N"}
    )
    assert problems == []
    assert (issue.state, issue.severity, issue.cvss.score) == ("open", "critical", 9.1)
    closed, problems = parse_issue("t", {"id": "X", "state": "open"}, state="closed")
    assert closed.state == "closed"
    _, problems = parse_issue("t", {"id": "CVE-1", "state": "gone", "cvss": "x"})
    codes = [p.code.value for p in problems]
    assert codes == ["bad-identifier", "unknown-status", "bad-identifier"]


# -- rendering -------------------------------------------------------------------------------


@pytest.mark.sphinx("html", testroot="review")
def test_security_issue_in_place(app):
    app.build()
    assert not warnings(app), app.warning.getvalue()
    page = soup(app, "issues")
    block = page.select_one("#ja-issue-CVE-2025-12345")
    assert "ja-open-issue" in block["class"]
    assert "ja-severity-critical" in block["class"]
    text = block.get_text(" ", strip=True)
    assert "CVE-2025-12345: Token replay across clusters Critical" in text
    assert "9.1 (CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N)" in text
    assert "State : open" in text
    links = [a["href"] for a in block.select("a")]
    assert "https://nvd.nist.gov/vuln/detail/CVE-2025-12345" in links
    closed = page.select_one("#ja-issue-CVE-2022-0001")
    assert "ja-closed-issue" in closed["class"]
    assert "State" not in closed.get_text()


@pytest.mark.sphinx("html", testroot="review")
def test_security_issues_table(app):
    app.build()
    page = soup(app, "issues")
    tables = page.select("table.ja-security-issues-table")
    header = [th.get_text(strip=True) for th in tables[0].thead.find_all("th")]
    assert header == ["ID", "Issue", "Severity", "CVSS", "State", "Fixed in"]
    assert cell_texts(tables[0]) == [
        ["CVE-2025-12345", "Token replay across clusters", "Critical", "9.1", "open", "2.1.4"],
        ["KESTREL-2025-01", "Verbose errors leak paths", "", "", "open", ""],
        ["CVE-2022-0001", "Token leak in logs", "", "", "closed", "v1.2.0"],
        ["GHSA-p4xq-9fgh-2mvc", "Unbounded request bodies", "High", "8.7", "closed", "2.0.1"],
    ]
    assert [row[0] for row in cell_texts(tables[1])] == ["CVE-2025-12345", "KESTREL-2025-01"]
    # the title links to the :url:, or to the advisory page without one
    ghsa = tables[0].tbody.find_all("tr")[3].find_all("td")[1].find("a")
    assert ghsa["href"] == "https://github.com/advisories/GHSA-p4xq-9fgh-2mvc"
    closed = page.select_one("table.ja-closed-issues-table")
    assert [row[0] for row in cell_texts(closed)] == ["CVE-2022-0001", "GHSA-p4xq-9fgh-2mvc"]
    assert {"CVE-2025-12345", "GHSA-p4xq-9fgh-2mvc", "CVE-2022-0001"} <= inventory_names(
        app.outdir / "objects.inv", "ja:issue"
    )


def test_rst_and_myst_give_the_same_doctree(make_app, tmp_path):
    rst = build(make_app, ROOTS / "test-review", builddir=tmp_path / "rst")
    myst = build(make_app, ROOTS / "test-review-myst", builddir=tmp_path / "myst")
    assert not warnings(rst), rst.warning.getvalue()
    assert not warnings(myst), myst.warning.getvalue()
    assert_same_doctrees(rst, myst, sorted(p.stem for p in (ROOTS / "test-review").glob("*.rst")))


@pytest.mark.sphinx("html", testroot="review-bad")
def test_every_check_at_its_line(app):
    app.build()
    got = {(w.file, w.line, w.code) for w in warnings(app)}
    expected = expected_markers(app.srcdir)
    assert expected <= got, f"missing: {sorted(expected - got)}\nall: {app.warning.getvalue()}"
    assert got <= expected, f"unexpected: {sorted(got - expected)}"
    assert "Traceback" not in app.warning.getvalue()


# -- recommendations ------------------------------------------------------------------------


@pytest.mark.sphinx("html", testroot="review")
def test_recommendations_are_numbered_by_audience_in_document_order(app):
    app.build()
    assert not warnings(app), app.warning.getvalue()
    page = soup(app, "recommendations")
    headings = [
        p.get_text(" ", strip=True) for p in page.select(".ja-recommendation > p.ja-object-title")
    ]
    assert headings == [
        "CNCF-7: Commission a follow-up audit Medium",
        "PROJECT-1: Document the threat model of the agent",
        "PROJECT-2: Explain the token lifetime to operators",
        "ADDITIONAL-1: Consider SPIFFE for workload identity",
    ]
    tables = page.select("table.ja-recommendations-table")
    assert [row[:3] for row in cell_texts(tables[0])] == [
        ["CNCF-7", "Commission a follow-up audit", "CNCF"],
        ["PROJECT-1", "Document the threat model of the agent", "Project"],
        ["PROJECT-2", "Explain the token lifetime to operators", "Project"],
        ["ADDITIONAL-1", "Consider SPIFFE for workload identity", "Additional"],
    ]
    assert [row[0] for row in cell_texts(tables[1])] == ["PROJECT-1", "PROJECT-2"]
    addressed = cell_texts(tables[0])[1][5]
    assert addressed == "https://github.com/example/project/pull/953 , https://example.org/docs"
    # roles find numbered ids, and link to the block's anchor
    links = {a.get_text(): a["href"] for a in page.select("a.reference.internal")}
    assert links["PROJECT-2"].startswith("#ja-recommendation")
    assert links["CNCF-7"] == "#ja-recommendation-CNCF-7"
    # ja:issue finds a security issue in either state, on its page
    assert links["CVE-2025-12345"] == "issues.html#ja-issue-CVE-2025-12345"
    assert links["CVE-2022-0001"] == "issues.html#ja-issue-CVE-2022-0001"
    finding = page.select_one(".ja-recommendation a[href='#ja-finding-1']")
    assert finding is not None
    names = inventory_names(app.outdir / "objects.inv", "ja:recommendation")
    assert names == {"CNCF-7", "PROJECT-1", "PROJECT-2", "ADDITIONAL-1"}


def test_numbers_follow_the_pages_in_any_build(make_app, tmp_path):
    """A recommendation added on an earlier page renumbers the later ones: serial, -j 2,
    and incremental builds agree (the later page is written again)."""
    import shutil

    srcdir = tmp_path / "src"
    shutil.copytree(ROOTS / "test-review", srcdir)
    (srcdir / "early.rst").write_text(
        "Early\n=====\n\n.. recommendation:: An early one\n   :audience: project\n",
        encoding="utf-8",
    )
    index = srcdir / "index.rst"
    index.write_text(
        index.read_text(encoding="utf-8").replace("   issues\n", "   early\n   issues\n"),
        encoding="utf-8",
    )
    serial = build(make_app, srcdir, builddir=tmp_path / "serial")
    parallel = build(make_app, srcdir, builddir=tmp_path / "parallel", parallel=2)
    for app in (serial, parallel):
        page = soup(app, "recommendations")
        titles = [p.get_text(" ", strip=True) for p in page.select("p.ja-object-title")]
        assert "PROJECT-3: Explain the token lifetime to operators" in titles
    (srcdir / "early.rst").write_text("Early\n=====\n\nNothing now.\n", encoding="utf-8")
    again = build(make_app, srcdir, builddir=tmp_path / "serial", freshenv=False)
    titles = [
        p.get_text(" ", strip=True)
        for p in soup(again, "recommendations").select("p.ja-object-title")
    ]
    assert "PROJECT-2: Explain the token lifetime to operators" in titles


# -- summary and team -----------------------------------------------------------------------


@pytest.mark.sphinx("html", testroot="review")
def test_summary_and_team_in_place(app):
    app.build()
    page = soup(app, "outcome")
    summary = page.select_one(".ja-assessment-summary")
    facts = [p.get_text(strip=True) for p in summary.select("p.ja-summary-fact")]
    assert facts == [
        "Completed: 29 Jan 2025",
        "Assessed version: v2.1.0",
        "Tracking issue:https://github.com/cncf/toc/issues/1234",
    ]
    assert "Design" in summary.select_one(".ja-summary-verdict strong").get_text()
    team = page.select_one("table.ja-team-table")
    assert cell_texts(team) == [
        ["Security reviewers", "Marina Moore ( @mnm678 ), Rahul Jadhav ( @nyrahul )"],
        ["Lead reviewer", "Marina Moore ( @mnm678 )"],
        ["Facilitator", "Justin Cappos ( @JustinCappos )"],
        ["Project security lead", "Gaius ( @gaius-qi )"],
        ["Project team", "Jane Doe ( @jdoe ), Ann Other"],
    ]
    assert team.select_one("td a")["href"] == "https://github.com/mnm678"
    conflicts = page.select_one("table.ja-conflicts-table")
    assert cell_texts(conflicts) == [
        ["Marina Moore ( @mnm678 )", "no conflict declared", "no conflict declared"],
        ["Rahul Jadhav ( @nyrahul )", "", "contributed to a dependency of the project"],
    ]


def test_team_people_and_handles():
    from sphinx_jointassessment.team import parse_person

    assert parse_person("Marina Moore (@mnm678)")[0].text() == "Marina Moore (@mnm678)"
    assert parse_person("Justin Cappos @JustinCappos")[0].handle == "JustinCappos"
    assert parse_person("@hydai")[0].text() == "@hydai"
    assert parse_person("Ann Other")[0].handle is None
    person, problem = parse_person("Bad (@-nope-)")
    assert person.handle is None
    assert problem


# -- the builder: README and JSON ------------------------------------------------------------

DATA = Path(__file__).parent / "data"


def _headings(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith("#")]


@pytest.mark.sphinx("jointassessment", testroot="review")
def test_readme_in_the_joint_readme_layout(app):
    app.build()
    readme = (app.outdir / "README.md").read_text(encoding="utf-8")
    template = (DATA / "reference" / "template-joint-readme.md").read_text(encoding="utf-8")
    # the template's headings, in its order, less those with nothing to show
    wanted = [h for h in _headings(template) if h not in ("## Background", "### Maturity")]
    assert _headings(readme) == ["# Example TAG-Security Security Assessment", *wanted[1:]]
    lines = readme.splitlines()
    assert lines[2] == "Completed: 29 Jan 2025"
    assert "Project security lead: Gaius ([@gaius-qi](https://github.com/gaius-qi))" in lines
    # the README's text ends with the tracking issue; then the words cspell is to accept
    text = [line for line in lines if not line.startswith("<!-- cSpell:ignore ")]
    assert lines[-1].startswith("<!-- cSpell:ignore ")
    assert "Tracking issue: <https://github.com/cncf/toc/issues/1234>" in text[-2:]
    project = readme.split("### Project recommendations")[1].split("###")[0]
    assert "* Document the threat model of the agent" in project
    assert "  * Addressed in <https://github.com/example/project/pull/953>" in project
    if find_markdownlint() is not None:
        assert run_markdownlint(app.outdir / "README.md") == []


@pytest.mark.sphinx("jointassessment", testroot="review")
def test_json_version_2(app):
    app.build()
    data = check_json((app.outdir / "joint-assessment.json").read_text(encoding="utf-8"))
    assert data["schema_version"] == 2
    assert data["summary"]["completed"] == "2025-01-29"
    assert data["summary"]["markdown"].startswith("**Design**: what the reviewers found")
    assert [p["handle"] for p in data["team"]["reviewers"]] == ["mnm678", "nyrahul"]
    assert data["team"]["conflicts"][0]["soft"] == ["contributed to a dependency of the project"]
    by_id = {r["id"]: r for r in data["recommendations"]}
    assert set(by_id) == {"CNCF-7", "PROJECT-1", "PROJECT-2", "ADDITIONAL-1"}
    assert by_id["PROJECT-1"]["addressed_by"][0] == "https://github.com/example/project/pull/953"
    issues = {i["id"]: i for i in data["security_issues"]}
    assert issues["CVE-2025-12345"]["score"] == 9.1
    assert issues["CVE-2025-12345"]["severity"] == "critical"
    assert issues["CVE-2025-12345"]["state"] == "open"
    assert issues["GHSA-p4xq-9fgh-2mvc"]["cvss_nomenclature"] == "CVSS-B"
    # closed_issues keeps the closed ones with the fields of version 1
    assert [i["id"] for i in data["closed_issues"]] == ["GHSA-p4xq-9fgh-2mvc", "CVE-2022-0001"]
    assert set(data["closed_issues"][0]) == {"id", "title", "url", "fixed_in", "date", "source"}


def test_no_readme_without_a_summary(make_app, tmp_path):
    import shutil

    # a copy: the test root's environment belongs to every test using it
    srcdir = tmp_path / "objects"
    shutil.copytree(ROOTS / "test-objects", srcdir)
    app = build(make_app, srcdir, "jointassessment")
    assert (app.outdir / "joint-assessment.md").exists()
    assert not (app.outdir / "README.md").exists()
