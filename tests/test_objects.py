"""attack-risk, finding, closed-issue, assessment-metadata, hands-on-assessment and their tables.

Rendering (html structure, text, LaTeX and man builders), rST/MyST parity, every
check code at its line, hostile text, and the model functions on their own.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from docutils import nodes

from sphinx_jointassessment.attack_risk import OWASP_MATRIX, AttackRisk, owasp_severity, sort_key
from sphinx_jointassessment.finding import parse_finding
from sphinx_jointassessment.hands_on import parse_hands_on
from sphinx_jointassessment.metadata import parse_metadata, parse_security_provider
from sphinx_jointassessment.placeholders import ResolveContext, fill, ja_placeholder
from sphinx_jointassessment.sbom import Dependency, parse_sbom
from sphinx_jointassessment.security_issue import parse_issue

from .conftest import ROOTS, inventory_names
from .objects_support import (
    assert_marked_warnings,
    assert_same_doctrees,
    build,
    cell_texts,
    codes,
    soup,
    warnings,
    write_project,
)

if TYPE_CHECKING:
    from pathlib import Path

SBOMS = ROOTS / "test-sbom"

# -- the model on its own ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("likelihood", "impact", "severity"),
    [
        ("low", "low", "note"),
        ("low", "medium", "low"),
        ("low", "high", "medium"),
        ("medium", "low", "low"),
        ("medium", "medium", "medium"),
        ("medium", "high", "high"),
        ("high", "low", "medium"),
        ("high", "medium", "high"),
        ("high", "high", "critical"),
    ],
)
def test_severity_follows_the_owasp_matrix(likelihood, impact, severity):
    assert owasp_severity(likelihood, impact) == severity
    risk = AttackRisk("R-1", "t", likelihood, impact, None, ())
    assert risk.severity == severity


def test_owasp_matrix_is_complete():
    levels = ("low", "medium", "high")
    assert set(OWASP_MATRIX) == {(a, b) for a in levels for b in levels}


def test_risks_sort_by_severity_then_numeric_id():
    risks = [
        AttackRisk("R-10", "", "high", "high", None, ()),
        AttackRisk("R-2", "", "high", "high", None, ()),
        AttackRisk("R-1", "", "low", "low", None, ()),
        AttackRisk("R-3", "", None, "low", None, ()),
        AttackRisk("R-9", "", "medium", "high", None, ()),
    ]
    assert [r.id for r in sorted(risks, key=sort_key)] == ["R-2", "R-10", "R-9", "R-1", "R-3"]


def test_option_values_are_checked_by_us():
    finding, problems = parse_finding(
        "t", {"id": "1", "severity": "HIGH", "status": "Fixed", "risks": "R-1; R-2, R-1"}
    )
    assert (finding.severity, finding.status, finding.risks) == ("high", "fixed", ("R-1", "R-2"))
    assert problems == []
    _, problems = parse_finding("t", {"severity": "bad", "status": "bad", "issue": "data:x"})
    assert [p.code.value for p in problems] == ["schema", "schema", "unknown-status", "bad-url"]
    assert "':severity:'" not in problems[1].message
    assert ":severity:" in problems[1].message
    issue, problems = parse_issue("t", {"id": "X", "date": "2024-02-29"})
    assert issue.date is not None
    assert issue.date.isoformat() == "2024-02-29"
    assert problems == []
    _, problems = parse_issue("t", {"id": "X", "date": "2023-02-29"})
    assert [p.code.value for p in problems] == ["bad-date"]


@pytest.mark.parametrize(
    ("dates", "problem"),
    [
        ("03012025-03152025", None),
        ("03152025-03152025", None),
        ("03152025-03012025", "starts after it ends"),
        ("02302025-03012025", "not a real calendar date"),
        ("2025-03-01", "mmddyyyy-mmddyyyy"),
        ("mmddyyyy-mmddyyyy", "mmddyyyy-mmddyyyy"),
    ],
)
def test_hands_on_dates(dates, problem):
    hands_on, problems = parse_hands_on(
        {"performed": "yes", "dates": dates, "reviewers": "Jane Doe (@jdoe)"}
    )
    if problem is None:
        assert problems == []
        assert hands_on.start is not None
        assert hands_on.start <= hands_on.end
    else:
        assert [p.code.value for p in problems] == ["bad-date"]
        assert problem in problems[0].message


def test_performed_needs_reviewers_and_dates():
    _, problems = parse_hands_on({"performed": "yes"})
    assert [p.code.value for p in problems] == ["hands-on-inconsistent"] * 2
    _, problems = parse_hands_on({"performed": "no"})
    assert problems == []
    _, problems = parse_hands_on({})
    assert [p.code.value for p in problems] == ["schema"]


@pytest.mark.parametrize(
    ("text", "answer", "note"),
    [
        ("yes", True, None),
        ("No", False, None),
        ("Yes. OpenFGA decides who may do what.", True, "OpenFGA decides who may do what."),
        ("maybe", None, None),
        ("yesterday", None, None),
    ],
)
def test_security_provider(text, answer, note):
    assert parse_security_provider(text) == (answer, note)


def test_metadata_fields_are_required():
    _, problems = parse_metadata({})
    assert [p.code.value for p in problems] == ["metadata-missing"] * 4
    _, problems = parse_metadata({}, stage_required=True)
    assert len(problems) == 5
    assert "stage" in problems[0].message
    meta, problems = parse_metadata(
        {
            "software": "https://github.com/x/y",
            "security-provider": "no",
            "languages": "Go, , Rust",
            "sbom": "sbom.json",
            "stage": "Complete",
        }
    )
    assert [p.code.value for p in problems] == ["metadata-value"]
    assert meta.languages == ("Go", "Rust")
    assert meta.stage == "complete"
    assert meta.sbom is not None
    assert not meta.sbom.is_url


# -- SBOM files ----------------------------------------------------------------------------


def _sbom(name: str):
    return parse_sbom((SBOMS / name).read_text(encoding="utf-8"), name)


def test_cyclonedx_direct_dependencies_from_the_graph():
    sbom, problems = _sbom("cyclonedx-graph.json")
    assert problems == []
    assert sbom.format == "CycloneDX 1.5"
    assert sbom.subject == "project 1.0.0"
    assert sbom.direct
    assert sbom.dependencies == (
        Dependency("golang.org/x/crypto", "0.21.0"),
        Dependency("github.com/spf13/cobra", "1.8.0"),
    )


def test_cyclonedx_without_graph_lists_every_component():
    sbom, problems = _sbom("cyclonedx-flat.json")
    assert not sbom.direct
    assert [d.name for d in sbom.dependencies] == ["alpha", "beta", "gamma"]
    assert sbom.dependencies[1].version is None
    assert [p.code.value for p in problems] == ["metadata-value"]  # the unnamed component


def test_spdx_depends_on_from_the_described_package():
    sbom, problems = _sbom("spdx-depends.json")
    assert problems == []
    assert sbom.format == "SPDX-2.3"
    assert sbom.subject == "project 1.0.0"
    assert sbom.direct
    # DEPENDS_ON and its inverse; CONTAINS is ignored when DEPENDS_ON exists
    assert sbom.dependencies == (Dependency("openssl", "3.0.13"), Dependency("zlib", "1.3.1"))


def test_spdx_contains_when_no_depends_on():
    sbom, _ = _sbom("spdx-contains.json")
    assert sbom.direct
    assert sbom.subject == "app 5.0"
    assert sbom.dependencies == (Dependency("lib", "0.9"),)


def test_spdx_without_graph_lists_every_package():
    sbom, _ = _sbom("spdx-flat.json")
    assert not sbom.direct
    assert [d.name for d in sbom.dependencies] == ["x", "y"]


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ((SBOMS / "broken.json").read_text(), "not valid JSON", 4),
        ('{"hello": "world"}', "neither CycloneDX", None),
        ("[1, 2]", "not a JSON object", None),
        ("[" * 100_000, "nested too deeply", None),
        ('{"bomFormat": "CycloneDX", "components": {"a": 1}}', "'components' is not a list", None),
        ("1" * 5000, "not usable JSON", None),
    ],
)
def test_malformed_sbom_is_a_problem(text, message, line):
    sbom, problems = parse_sbom(text, "x.json")
    assert problems, sbom
    assert all(p.code.value == "metadata-value" for p in problems)
    assert message in problems[0].message
    assert problems[0].line == line


# -- rendering -----------------------------------------------------------------------------


@pytest.mark.sphinx("html", testroot="objects")
def test_builds_without_warnings(app):
    app.build()
    assert not warnings(app), app.warning.getvalue()
    assert "WARNING" not in app.warning.getvalue()


@pytest.mark.sphinx("html", testroot="objects")
def test_attack_risk_table(app):
    app.build()
    table = soup(app, "tables").select_one("table.ja-attack-risk-table")
    header = [th.get_text(strip=True) for th in table.thead.find_all("th")]
    assert header == ["ID", "Risk", "Likelihood", "Impact", "Severity", "Threat-matrix cells"]
    assert cell_texts(table) == [
        ["R-2", "Server takeover", "High", "High", "Critical",
         "Identity Theft: victim Agent, attacker Server"],
        ["R-1", "Agent key theft through container escape", "Low", "High", "Medium",
         "Identity Theft: victim Agent, attacker Agent ; "
         "Identity Theft: victim Agent, attacker Server"],
        ["R-10", "Log flooding", "Medium", "Low", "Low", ""],
    ]  # fmt: skip
    rows = table.tbody.find_all("tr")
    assert "ja-severity-critical" in rows[0]["class"]
    assert rows[0].find("a")["href"] == "risks.html#ja-risk-R-2"
    badge = rows[0].select_one(".sd-badge")
    assert {"ja-severity-critical", "sd-bg-danger"} <= set(badge["class"])
    assert badge.name == "abbr"
    assert badge["title"] == "severity: critical"  # the severity in words, not colour only
    cells = rows[1].find_all("td")[5].find_all("a")
    assert [a["href"] for a in cells] == [
        "matrices.html#ja-cell-identity-theft-agent-agent",
        "matrices.html#ja-cell-identity-theft-agent-server",
    ]


@pytest.mark.sphinx("html", testroot="objects")
def test_each_cell_lists_the_risks_pointing_at_it(app):
    app.build()
    page = soup(app, "matrices")
    cell = page.select_one("td#ja-cell-identity-theft-agent-server")
    risks = cell.select_one("p.ja-cell-risks")
    assert risks.get_text(" ", strip=True) == "Risks: R-2 , R-1"
    assert [a["href"] for a in risks.find_all("a")] == [
        "risks.html#ja-risk-R-2",
        "risks.html#ja-risk-R-1",
    ]
    assert page.select_one("td#ja-cell-identity-theft-server-server .ja-cell-risks") is None


@pytest.mark.sphinx("html", testroot="objects")
def test_findings_table(app):
    app.build()
    table = soup(app, "tables").select_one("table.ja-findings-table")
    header = [th.get_text(strip=True) for th in table.thead.find_all("th")]
    assert header == ["Finding Number", "Finding name", "Finding Notes", "Reviewer"]
    rows = cell_texts(table)
    assert [row[0] for row in rows] == ["1", "2", "10"]  # numbers sort as numbers
    assert rows[2][1] == "Default configuration exposes the admin API"
    assert rows[2][3] == "Jane Doe (@jdoe)"
    notes = table.tbody.find_all("tr")[2].find_all("td")[2]
    assert "Status: fixed" in notes.get_text(" ", strip=True)
    assert "Finding notes, in normal markup" in notes.get_text(" ", strip=True)
    issue = notes.select_one("a.reference.external")
    assert issue["href"] == "https://github.com/example/project/issues/123"
    # the role in the copied notes resolves from the table's page
    assert notes.select_one("a[href='risks.html#ja-risk-R-2']") is not None
    assert notes.select_one("a[href='risks.html#ja-risk-R-1']") is not None  # :risks:
    assert table.tbody.find_all("tr")[0].find("a")["href"] == "findings.html#ja-finding-1"


@pytest.mark.sphinx("html", testroot="objects")
def test_copied_notes_are_searched_where_they_were_written(app):
    """The table's copy of the notes has ``no-search``: a search lists the finding's page."""
    app.build()
    text = (app.outdir / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    pages = index["docnames"]
    found = index["terms"]["stack"]  # "Errors show stack traces." (finding 2's notes)
    assert [pages[i] for i in _as_list(found)] == ["findings"]
    # the rest of the table is indexed: the finding's name ("Verbose errors", stemmed)
    verbose = next(v for k, v in index["terms"].items() if k.startswith("verbos"))
    assert {"findings", "tables"} <= {pages[i] for i in _as_list(verbose)}
    notes = soup(app, "tables").select_one("table.ja-findings-table .ja-finding-notes")
    assert "no-search" in notes["class"]
    result = soup(app, "handson").select_one(".ja-hands-on-result")  # in place: searchable
    assert "no-search" not in result["class"]


def _as_list(value: int | list[int]) -> list[int]:
    return value if isinstance(value, list) else [value]


@pytest.mark.sphinx("html", testroot="objects")
def test_closed_issues_table(app):
    app.build()
    table = soup(app, "tables").select_one("table.ja-closed-issues-table")
    header = [th.get_text(strip=True) for th in table.thead.find_all("th")]
    assert header == ["ID", "Issue", "Fixed in", "Date", "Summary"]
    assert cell_texts(table) == [
        ["CVE-2022-0001", "Token leak in logs", "v1.2.0", "2022-01-15",
         "Tokens were logged at debug level."],
        ["GHSA-abcd-1234-wxyz", "Path traversal in the bundle loader", "v1.4.2", "2023-05-01",
         "Brief summary."],
    ]  # fmt: skip
    link = table.tbody.find_all("tr")[1].find_all("td")[1].find("a")
    assert link["href"].endswith("GHSA-abcd-1234-wxyz")
    assert table.tbody.find("tr").find("a")["href"] == "issues.html#ja-issue-CVE-2022-0001"


@pytest.mark.sphinx("html", testroot="objects")
def test_metadata_tables(app):
    app.build()
    page = soup(app, "meta")
    table = page.select_one("table.ja-metadata-table")
    assert [th.get_text(strip=True) for th in table.select("th.stub")] == [
        "Software",
        "Security Provider",
        "Languages",
        "SBOM",
    ]
    rows = cell_texts(table)
    assert rows[0] == ["Software", "https://github.com/example/project"]
    assert rows[1] == ["Security Provider", "No"]
    assert rows[2] == ["Languages", "Go, Rust"]
    assert rows[3][1] == (
        "sbom.cdx.json (CycloneDX 1.5, project 1.0.0): 2 direct dependencies, listed below"
    )
    assert table.tbody.find("a")["href"] == "https://github.com/example/project"
    sbom = page.select_one("table.ja-sbom-table")
    assert cell_texts(sbom) == [
        ["golang.org/x/crypto", "0.21.0"],
        ["github.com/spf13/cobra", "1.8.0"],
    ]
    links = page.select_one("table.ja-security-links-table")
    assert [th.get_text(strip=True) for th in links.thead.find_all("th")] == ["Doc", "URL"]
    assert cell_texts(links)[0] == [
        "Security file",
        "https://github.com/example/project/blob/main/SECURITY.md",
    ]


@pytest.mark.sphinx("html", testroot="objects")
def test_hands_on(app):
    app.build()
    page = soup(app, "handson")
    block = page.select_one("div.ja-hands-on")
    assert block.select_one("p.ja-hands-on-summary").get_text(strip=True) == (
        "Example did receive a hands-on assessment from TAG-Security."
    )
    assert [r.get_text(strip=True) for r in block.select("p.rubric")] == [
        "Assessment Details",
        "Findings",
        "Hands-on assessment result",
    ]
    details = block.select_one("table.ja-hands-on-details")
    assert [th.get_text(strip=True) for th in details.thead.find_all("th")] == [
        "Field",
        "Description",
    ]
    assert cell_texts(details) == [
        ["Date of assessment", "03012025-03152025"],
        ["Hands-on reviewers", "Jane Doe (@jdoe), John Roe (@jroe)"],
    ]
    findings = block.select_one("table.ja-findings-table")
    assert [row[0] for row in cell_texts(findings)] == ["1", "2", "10"]
    assert findings.find("a")["href"] == "findings.html#ja-finding-1"
    assert "Result, in normal markup." in block.get_text()


@pytest.mark.sphinx("html", testroot="objects")
def test_objects_in_place(app):
    app.build()
    risk = soup(app, "risks").select_one("div#ja-risk-R-1")
    assert "ja-severity-medium" in risk["class"]
    title = risk.select_one("p.ja-object-title")
    assert title.get_text(" ", strip=True) == "R-1: Agent key theft through container escape Medium"
    fields = [dt.get_text(strip=True).rstrip(":") for dt in risk.select("dl dt")]
    assert fields == ["Likelihood", "Impact", "Severity", "Attacker", "Threat-matrix cells"]
    assert risk.select_one("dl").find("a")["href"] == (
        "matrices.html#ja-cell-identity-theft-agent-agent"
    )
    finding = soup(app, "findings").select_one("div#ja-finding-10")
    assert finding.select_one("p.ja-object-title strong").get_text() == (
        "Finding 10: Default configuration exposes the admin API"
    )
    issue = soup(app, "issues").select_one("div#ja-issue-GHSA-abcd-1234-wxyz")
    assert "Brief summary." in issue.get_text()


@pytest.mark.sphinx("html", testroot="objects")
def test_objects_are_in_objects_inv(app):
    app.build()
    inventory = app.outdir / "objects.inv"
    assert inventory_names(inventory, "ja:risk") == {"R-1", "R-2", "R-10"}
    assert inventory_names(inventory, "ja:finding") == {"1", "2", "10"}
    assert inventory_names(inventory, "ja:issue") == {"GHSA-abcd-1234-wxyz", "CVE-2022-0001"}
    assert not inventory_names(inventory, "ja:cell")


@pytest.mark.sphinx("html", testroot="objects")
def test_models_as_json(app):
    app.build()
    from sphinx_jointassessment.domain import get_domain

    domain = get_domain(app.env)
    risk = domain.get("risk", "R-1").model.as_json()
    assert risk["severity"] == "medium"
    assert risk["cells"] == ["identity-theft/Agent/Agent", "identity-theft/Agent/Server"]
    meta = domain.get("metadata", "metadata").model.as_json()
    assert meta["sbom"]["dependencies"][0] == {"name": "golang.org/x/crypto", "version": "0.21.0"}
    assert meta["security_links"][1]["doc"] == "Default and optional configs"
    hands_on = domain.get("hands-on", "hands-on").model.as_json()
    assert hands_on["start"] == "2025-03-01"
    assert hands_on["end"] == "2025-03-15"
    issue = domain.get("issue", "CVE-2022-0001").model.as_json()
    assert issue["date"] == "2022-01-15"
    for kind in ("risk", "finding", "issue", "metadata", "hands-on"):
        for obj in domain.objects(kind):
            json.dumps(obj.model.as_json(), allow_nan=False)


@pytest.mark.filterwarnings("ignore:'tags' will become a required")
def test_rst_and_myst_give_the_same_doctree(make_app, tmp_path):
    rst = build(make_app, ROOTS / "test-objects", builddir=tmp_path / "rst")
    myst = build(make_app, ROOTS / "test-objects-myst", builddir=tmp_path / "myst")
    assert not warnings(myst), myst.warning.getvalue()
    pages = ("risks", "findings", "issues", "meta", "handson", "tables", "matrices")
    assert_same_doctrees(rst, myst, pages)


@pytest.mark.sphinx("text", testroot="objects")
def test_text_builder(app):
    app.build()
    assert "WARNING" not in app.warning.getvalue()
    tables = (app.outdir / "tables.txt").read_text(encoding="utf-8")
    assert "| ID       | Risk" in tables
    assert "Critical" in tables
    assert "(severity:" in tables
    assert "| Finding  | Finding name" in tables
    assert "CVE-2022-0001" in tables
    hands_on = (app.outdir / "handson.txt").read_text(encoding="utf-8")
    assert "Example did receive a hands-on assessment from TAG-Security." in hands_on
    assert "Date of assessment" in hands_on
    meta = (app.outdir / "meta.txt").read_text(encoding="utf-8")
    assert "| Security Provider  | No" in meta
    assert "github.com/spf13/cobra" in meta


@pytest.mark.sphinx("latex", testroot="objects")
def test_latex_builder(app):
    app.build()
    assert "WARNING" not in app.warning.getvalue()
    tex = next(app.outdir.glob("*.tex")).read_text(encoding="utf-8")
    for text in ("matrix cells", "Finding Notes", "Fixed in", "Security Provider",
                 "Date of assessment", "Server takeover"):  # fmt: skip
        assert text in tex


@pytest.mark.sphinx("man", testroot="objects")
def test_man_builder(app):
    app.build()
    assert "WARNING" not in app.warning.getvalue()
    page = next(app.outdir.glob("*.1")).read_text(encoding="utf-8")
    assert "Finding Notes" in page
    assert "Server takeover" in page


# -- checks --------------------------------------------------------------------------------


@pytest.mark.sphinx("html", testroot="objects-bad")
def test_every_check_code_at_its_line(app):
    app.build()
    found = assert_marked_warnings(app)
    assert {w.code for w in found} >= {
        "schema",
        "unknown-status",
        "duplicate-id",
        "unknown-reference",
        "metadata-missing",
        "metadata-value",
        "bad-url",
        "bad-date",
        "hands-on-inconsistent",
    }
    by_message = {w.message for w in found}
    assert any(":likelihood: 'sometimes'" in m for m in by_message)  # the option is named
    assert any("no threat matrix 'nosuch'" in m for m in by_message)
    assert any("no such victim/attacker cell" in m for m in by_message)
    # after the bad blocks the build went on and rendered what it could
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert "Bad likelihood" in html
    assert "ja-risk-R-bad-1" in html
    # the docutils parser itself raised nothing either
    assert "ERROR" not in app.warning.getvalue()


@pytest.mark.sphinx("html", testroot="objects-bad")
def test_hostile_text_is_escaped_and_never_linked(app):
    app.build()
    for page in ("hostile", "index", "myst", "meta"):
        html = (app.outdir / f"{page}.html").read_text(encoding="utf-8")
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "<b onmouseover" not in html
        assert 'href="javascript:' not in html.lower()
        assert 'href="java\tscript' not in html
        page_soup = soup(app, page)
        for link in page_soup.find_all("a", href=True):
            href = link["href"].strip().lower()
            assert not href.startswith(("javascript", "data:", "ftp:", "java")), href
    hostile = (app.outdir / "hostile.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(" in hostile
    assert "&lt;img src=x onerror=alert(2)&gt;" in hostile
    # raw HTML in a body is shown as text, not written out
    assert '&lt;script&gt;alert("raw")&lt;/script&gt;' in hostile


def _project_with(tmp_path: Path, name: str, files: dict[str, str], **conf: str) -> Path:
    extra = "".join(f"{key} = {value!r}\n" for key, value in conf.items())
    base = 'project = "Example"\nextensions = ["sphinx_jointassessment", "myst_parser"]\n'
    return write_project(tmp_path / name, files, base + extra)


def test_tables_with_nothing_to_list(make_app, tmp_path):
    srcdir = _project_with(
        tmp_path,
        "empty",
        {
            "index.rst": """
                Empty
                =====

                .. attack-risk-table::

                .. findings-table::

                .. closed-issues-table::

                .. hands-on-assessment::
                   :performed: no
            """
        },
        jointassessment_project="Flux",
    )
    app = build(make_app, srcdir)
    assert not warnings(app), app.warning.getvalue()
    page = soup(app, "index")
    none = page.select_one("p.ja-closed-issues-none")
    assert none.get_text(strip=True) == (
        "At the time of the joint assessment, Flux did not have known security issues with a "
        "closed state or any known vulnerabilities that were fixed."
    )
    assert "No attack risks are recorded." in page.get_text()
    assert "No findings are recorded." in page.get_text()
    summary = page.select_one("p.ja-hands-on-summary").get_text(strip=True)
    assert summary == "Flux did not receive a hands-on assessment from TAG-Security."
    assert not page.select("table")


def test_findings_need_a_performed_hands_on(make_app, tmp_path):
    files = {
        "index.rst": """
            Findings
            ========

            .. finding:: Something
               :id: 1

            .. toctree::

               handson
        """,
        "handson.rst": """
            Hands-on
            ========

            .. hands-on-assessment::
               :performed: no
        """,
    }
    app = build(make_app, _project_with(tmp_path, "performed-no", files))
    assert [(w.file, w.line, w.code) for w in warnings(app)] == [
        ("handson.rst", 4, "hands-on-inconsistent")
    ]
    del files["handson.rst"]
    files["index.rst"] = files["index.rst"].split(".. toctree::")[0]
    app = build(make_app, _project_with(tmp_path, "no-block", files))
    assert [(w.file, w.line, w.code) for w in warnings(app)] == [
        ("index.rst", 4, "hands-on-inconsistent")
    ]
    # a hands-on that found nothing says so in the template's words
    files["index.rst"] = """
        Nothing found
        =============

        .. hands-on-assessment::
           :performed: yes
           :dates: 01012025-01022025
           :reviewers: Jane Doe (@jdoe)
    """
    app = build(make_app, _project_with(tmp_path, "nothing-found", files))
    assert not warnings(app), app.warning.getvalue()
    text = soup(app, "index").get_text(" ", strip=True)
    assert "did not reveal any significant or notable security findings for Example" in text
    assert "No findings are recorded." in text


def test_self_outline_needs_a_stage(make_app, tmp_path):
    block = """
        Metadata
        ========

        .. assessment-metadata::
           :software: https://github.com/example/project
           :security-provider: no
           :languages: Go
           :sbom: https://example.org/sbom.json
    """
    app = build(
        make_app,
        _project_with(tmp_path, "self", {"index.rst": block}, jointassessment_outline="self"),
    )
    assert [(w.line, w.code) for w in warnings(app)] == [(4, "metadata-missing")]
    assert ":stage:" in warnings(app)[0].message
    app = build(make_app, _project_with(tmp_path, "joint", {"index.rst": block}))
    assert not warnings(app)
    row = soup(app, "index").select_one("table.ja-metadata-table tr")
    assert row.get_text(" ", strip=True).startswith("Software")


@pytest.mark.parametrize(
    ("sbom", "code", "where"),
    [
        ("broken.json", "metadata-value", ("broken.json", 4)),
        ("not-an-sbom.json", "metadata-value", ("index.rst", 4)),
        ("missing.json", "metadata-value", ("index.rst", 4)),
        ("../../../../../../../etc/passwd", "file-outside-srcdir", ("index.rst", 4)),
        ("/../../../etc/hostname", "file-outside-srcdir", ("index.rst", 4)),
        ("big.json", "input-too-large", ("index.rst", 4)),
        ("javascript:alert(1)", "bad-url", ("index.rst", 4)),
    ],
)
def test_bad_sbom_values(make_app, tmp_path, sbom, code, where):
    files = {
        "index.rst": f"""
            SBOM
            ====

            .. assessment-metadata::
               :software: https://github.com/example/project
               :security-provider: no
               :languages: Go
               :sbom: {sbom}
        """,
        "broken.json": (SBOMS / "broken.json").read_text(encoding="utf-8"),
        "not-an-sbom.json": '{"hello": "world"}',
        "big.json": '{"bomFormat": "CycloneDX", "components": []}' + " " * 5000,
    }
    app = build(
        make_app,
        _project_with(tmp_path, "sbom", files, jointassessment_max_input_bytes=4096),
    )
    assert [(w.file, w.line, w.code) for w in warnings(app)] == [(*where, code)]
    # the block is still shown, with the value as text
    cell = soup(app, "index").select("table.ja-metadata-table tr")[-1]
    assert cell.get_text(" ", strip=True).startswith("SBOM")
    assert not cell.find("a")


@pytest.mark.sphinx("html", testroot="sbom")
def test_spdx_sbom_in_the_metadata_table(app):
    app.build()
    assert not warnings(app), app.warning.getvalue()
    page = soup(app, "index")
    assert cell_texts(page.select_one("table.ja-sbom-table")) == [
        ["openssl", "3.0.13"],
        ["zlib", "1.3.1"],
    ]
    provider = cell_texts(page.select_one("table.ja-metadata-table"))[1]
    assert provider == ["Security Provider", "Yes. The project issues workload identities."]


@pytest.mark.sphinx("html", testroot="objects")
def test_placeholders_of_the_assembled_assessment(app):
    """The kinds the assembly inserts render from the domain, on any page."""
    app.build()
    context = ResolveContext(app.env, "index")

    def render(*kinds: str) -> nodes.container:
        root = nodes.container()
        for kind in kinds:
            root += ja_placeholder(kind=kind)
        fill(context, root)
        return root

    both = render("metadata")
    assert [t["classes"][0] for t in both.findall(nodes.table)] == [
        "ja-metadata-table",
        "ja-sbom-table",
        "ja-security-links-table",
    ]
    split = render("metadata", "metadata-links")  # the links once, where they are asked for
    assert [t["classes"][0] for t in split.findall(nodes.table)] == [
        "ja-metadata-table",
        "ja-sbom-table",
        "ja-security-links-table",
    ]
    # under the assembled outline's own headings the tables need no caption of their own
    assert [t.astext() for t in both.findall(nodes.title)] == [
        "Metadata",
        "SBOM: direct dependencies",
        "Security links",
    ]
    assert [t.astext() for t in split.findall(nodes.title)] == ["SBOM: direct dependencies"]
    parts = render("hands-on-summary", "hands-on-details", "findings-table", "hands-on-result")
    assert parts[0].astext() == "Example did receive a hands-on assessment from TAG-Security."
    assert [t["classes"][0] for t in parts.findall(nodes.table)] == [
        "ja-hands-on-details",
        "ja-findings-table",
    ]
    assert parts[-1].astext() == "Result, in normal markup."
    assert render("attack-risk-table", "closed-issues-table").astext().count("R-1") >= 1


def test_metadata_placeholder_without_a_block(make_app, tmp_path):
    app = build(make_app, _project_with(tmp_path, "nometa", {"index.rst": "Nothing\n=======\n"}))
    root = nodes.container()
    root += ja_placeholder(kind="metadata")
    root += ja_placeholder(kind="metadata-links")
    fill(ResolveContext(app.env, "index"), root)
    assert root.astext() == (
        "No assessment-metadata block was found: the Metadata table is not filled in."
    )
    assert "ja-missing" in root[0]["classes"]


def test_unknown_options_are_reported_not_raised(make_app, tmp_path):
    files = {
        "index.rst": """
            Unknown
            =======

            .. finding:: With a typo
               :id: 1
               :severity: low
               :reviewr: Jane

            .. attack-risk::
        """
    }
    app = build(make_app, _project_with(tmp_path, "unknown", files))
    text = app.warning.getvalue()
    assert 'unknown option: "reviewr"' in text
    assert "Traceback" not in text
    assert not codes(app)


def test_block_over_the_size_limit(make_app, tmp_path):
    notes = "".join(f"   Line {n} of very long notes.\n" for n in range(40))
    page = f"Big\n===\n\n.. finding:: Huge\n   :id: 1\n\n{notes}\n.. findings-table::\n"
    srcdir = _project_with(
        tmp_path, "big", {"index.rst": page}, jointassessment_max_input_bytes=400
    )
    app = build(make_app, srcdir)
    found = [(w.file, w.line, w.code) for w in warnings(app)]
    assert found == [("index.rst", 4, "input-too-large")]
    page_soup = soup(app, "index")
    assert "Line 3 of very long notes" not in page_soup.get_text()
    assert page_soup.select_one("div.ja-problem") is not None
    assert "No findings are recorded." in page_soup.get_text()


def test_copies_leave_out_link_targets_and_keep_the_links(make_app, tmp_path):
    """An embedded URI's target writes nothing: the table's copy leaves it out, the page not."""
    files = {
        "index.rst": """
            Links
            =====

            .. finding:: Linked notes
               :id: 1

               See the `hardening guide <https://example.org/hardening>`_.

            .. findings-table::
        """
    }
    app = build(make_app, _project_with(tmp_path, "targets", files))
    doctree = app.env.get_and_resolve_doctree("index", app.builder)
    finding = next(n for n in doctree.findall(nodes.container) if "ja-finding" in n["classes"])
    assert len(list(finding.findall(nodes.target))) == 1  # the original is untouched
    table = next(doctree.findall(nodes.table))
    assert not list(table.findall(nodes.target))
    links = [ref["refuri"] for ref in table.findall(nodes.reference) if "refuri" in ref]
    assert "https://example.org/hardening" in links
    assert soup(app, "index").select_one("table a[href='https://example.org/hardening']")
    # a copy on the page where the notes were written is searchable like them
    notes = soup(app, "index").select_one("table .ja-finding-notes")
    assert "no-search" not in notes["class"]
