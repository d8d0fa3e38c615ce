"""``security-insights DIR`` prints the entry that links the assessment; ``check
--security-insights FILE`` reports a file that does not.

The printed entry, merged into the published minimum template, is a valid
SECURITY-INSIGHTS file (our validator and jsonschema on the schema translation).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import jsonschema
import pytest
import yaml

from sphinx_jointassessment.cli.main import main
from sphinx_jointassessment.security_insights import SCHEMA_FILE, read_security_insights
from sphinx_jointassessment.yaml_schema import load_schema
from sphinx_jointassessment.yamlsafe import YamlLimits

from .conftest import REFERENCE
from .objects_support import write_project

if TYPE_CHECKING:
    from pathlib import Path

MINIMUM = REFERENCE / "interop" / "security-insights-template-minimum.yml"
TOC = "https://github.com/cncf/toc/blob/main/projects/kestrel/security-assessment/"

PAGE = """\
Kestrel
=======

.. assessment-metadata::
   :software: https://github.com/example/kestrel
   :security-provider: no
   :languages: Go
   :sbom: https://example.com/sbom.json
"""


def _docs(tmp_path: Path, conf: str = "") -> Path:
    return write_project(
        tmp_path / "docs",
        {"index.rst": PAGE},
        conf='project = "Kestrel"\nextensions = ["sphinx_jointassessment"]\n'
        'suppress_warnings = ["jointassessment.missing-section"]\n' + conf,
    )


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_a_joint_assessment_is_a_third_party_entry(tmp_path, capsys):
    code, out, err = _run(["security-insights", str(_docs(tmp_path))], capsys)
    assert code == 0
    assert yaml.safe_load(out) == {
        "repository": {
            "security": {
                "assessments": {
                    "third-party": [
                        {
                            "name": "Kestrel joint security assessment (CNCF)",
                            "evidence": TOC + "joint-assessment.md",
                            "comment": "CNCF joint security assessment of Kestrel, by its "
                            "maintainers and CNCF security reviewers.",
                        }
                    ]
                }
            }
        }
    }
    assert "to be published at" in err
    assert "assessments.self is required too" in err


def test_a_self_assessment_with_url_and_date(tmp_path, capsys):
    docs = _docs(tmp_path, 'jointassessment_outline = "self"\n')
    url = "https://kestrel.example.dev/security/self-assessment.md"
    code, out, err = _run(
        ["security-insights", str(docs), "--url", url, "--date", "2025-06-30"], capsys
    )
    assert code == 0
    assert "date: '2025-06-30'" in out  # quoted: SECURITY-INSIGHTS dates are text
    entry = yaml.safe_load(out)["repository"]["security"]["assessments"]["self"]
    assert entry["evidence"] == url
    assert entry["name"] == "Kestrel security self-assessment (CNCF)"
    assert "published at" in err


def test_the_published_url_setting_is_used(tmp_path, capsys):
    url = "https://github.com/cncf/toc/blob/main/projects/kestrel/security-assessment/x.md"
    docs = _docs(tmp_path, f"jointassessment_published_url = {url!r}\n")
    _code, out, _err = _run(["security-insights", str(docs)], capsys)
    assert url in out


def test_the_target_sets_the_default_url(tmp_path, capsys):
    docs = _docs(tmp_path, 'jointassessment_target = "tag-security"\n')
    _code, out, _err = _run(["security-insights", str(docs)], capsys)
    assert (
        "https://github.com/cncf/tag-security/blob/main/community/assessments/projects/"
        "kestrel/joint-assessment.md" in out
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--url", "javascript:alert(1)"], "--url 'javascript:alert(1)' is not an http"),
        (["--date", "2025-02-30"], "--date '2025-02-30' is not a real calendar date"),
    ],
)
def test_bad_arguments(tmp_path, capsys, argv, message):
    code, _out, err = _run(["security-insights", str(_docs(tmp_path)), *argv], capsys)
    assert code == 2
    assert message in err


@pytest.mark.parametrize("outline", ["joint", "self"])
def test_the_entry_merged_into_a_file_is_valid(tmp_path, capsys, outline):
    docs = _docs(tmp_path, f"jointassessment_outline = {outline!r}\n")
    _code, out, _err = _run(["security-insights", str(docs), "--date", "2025-06-30"], capsys)
    entry = yaml.safe_load(out)["repository"]["security"]["assessments"]
    data = yaml.safe_load(MINIMUM.read_text(encoding="utf-8"))
    data["repository"]["security"]["assessments"].update(entry)
    text = yaml.safe_dump(data, sort_keys=False)
    insights, problems = read_security_insights(text, "si.yml", YamlLimits(1 << 20))
    assert problems == []
    assert insights.links_to(TOC + f"{outline}-assessment.md") is not None
    plain = json.loads(json.dumps(data))
    assert list(jsonschema.Draft202012Validator(load_schema(SCHEMA_FILE)).iter_errors(plain)) == []


def test_check_reports_a_file_that_does_not_link_the_assessment(tmp_path, capsys):
    docs = _docs(tmp_path)
    si = tmp_path / "security-insights.yml"
    si.write_text(MINIMUM.read_text(encoding="utf-8"), encoding="utf-8")
    code, out, _err = _run(["check", str(docs), "--security-insights", str(si)], capsys)
    assert code == 1
    assert (
        f"{si}: [jointassessment.metadata-value] {si} does not link the assessment "
        f"{TOC}joint-assessment.md in repository.security.assessments.third-party"
    ) in out


def test_check_passes_a_file_that_links_it_and_reports_schema_problems(tmp_path, capsys):
    docs = _docs(tmp_path)
    _code, entry, _err = _run(["security-insights", str(docs)], capsys)
    data = yaml.safe_load(MINIMUM.read_text(encoding="utf-8"))
    data["repository"]["security"]["assessments"].update(
        yaml.safe_load(entry)["repository"]["security"]["assessments"]
    )
    si = tmp_path / "security-insights.yml"
    si.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    code, out, _err = _run(["check", str(docs), "--security-insights", str(si)], capsys)
    assert code == 0, out
    si.write_text(si.read_text(encoding="utf-8").replace("status: active", "status: gone"))
    code, out, _err = _run(["check", str(docs), "--security-insights", str(si)], capsys)
    assert code == 1
    assert "[jointassessment.schema]" in out
    assert "repository.status: 'gone' is not one of" in out


def test_check_with_a_missing_file_is_a_usage_error(tmp_path, capsys):
    code, _out, err = _run(
        ["check", str(_docs(tmp_path)), "--security-insights", str(tmp_path / "nope.yml")], capsys
    )
    assert code == 2
    assert "nope.yml: cannot be read" in err
