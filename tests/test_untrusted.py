"""Untrusted mode (SPEC §7, issue 18 item 1): no code from the checked folder runs.

``check --untrusted --conf-dir TRUSTED DIR`` must never import DIR's ``conf.py``,
and must refuse, as located problems with nothing rendered, the ways a page can
make the build run code (MyST options in front matter turning a page into a
Jinja2 template, ``include :parser:``) or read outside DIR. Every payload below is
first shown to run in an ordinary build, so that its absence proves something.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sphinx.cmd.build import build_main

from sphinx_jointassessment.cli.check import build_assessment, import_paths_outside
from sphinx_jointassessment.cli.main import main
from sphinx_jointassessment.untrusted import MYST_KEYS, front_matter, myst_settings

if TYPE_CHECKING:
    from sphinx_jointassessment.cli.check import BuildResult

TRUSTED_CONF = 'project = "Demo"\nextensions = ["myst_parser", "sphinx_jointassessment"]\n'
FINDING = """\
```{{finding}} Template injection
:id: 1
:reviewer: Jane Doe (@jdoe)
:severity: high
:status: open

{payload}
```
"""


def payload(marker: Path) -> str:
    """The issue's payload, making a folder instead of running ``id``."""
    return f"{{{{ cycler.__init__.__globals__.os.makedirs({str(marker)!r}) }}}}"


class Project:
    """A trusted configuration folder and a pull request's docs folder beside it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.trusted = root / "trusted"
        self.trusted.mkdir()
        (self.trusted / "conf.py").write_text(TRUSTED_CONF, encoding="utf-8")
        # the same configuration, for sphinx-build -c, with the untrusted-mode extension
        self.trusted_ext = root / "trusted-ext"
        self.trusted_ext.mkdir()
        (self.trusted_ext / "conf.py").write_text(
            TRUSTED_CONF + 'extensions.append("sphinx_jointassessment.untrusted")\n',
            encoding="utf-8",
        )
        self.pr = root / "pr"
        self.pr.mkdir()
        self.conf_ran = root / "conf-ran"
        (self.pr / "conf.py").write_text(
            f"import pathlib\npathlib.Path({str(self.conf_ran)!r}).mkdir()\n" + TRUSTED_CONF,
            encoding="utf-8",
        )
        self.page("index.md", "# Demo\n\n```{toctree}\npage\n```\n")

    def page(self, name: str, text: str) -> Path:
        path = self.pr / name
        path.write_text(text, encoding="utf-8")
        return path

    def check(self, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
        code = main(["check", "--untrusted", "--conf-dir", str(self.trusted), str(self.pr)])
        out = capsys.readouterr().out
        return code, [line for line in out.splitlines() if "missing-section" not in line]

    def untrusted(self, tmp: Path) -> BuildResult:
        return build_assessment(self.pr, tmp, confdir=self.trusted, untrusted=True)

    def sphinx_build(
        self, builder: str, confdir: Path, capsys: pytest.CaptureFixture[str], status: int = 0
    ) -> str:
        out = self.root / f"out-{builder}-{confdir.name}"
        args = ["-q", "-E", "-N", "-b", builder, "-c", str(confdir), str(self.pr), str(out)]
        assert build_main(args) == status
        return capsys.readouterr().err


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)


MYST_FRONT_MATTER = {
    "myst": "myst:\n  enable_extensions: [substitution]\n",
    "myst-flow": 'myst: {enable_extensions: ["substitution"]}\n',
    "mystnb": "mystnb:\n  execution_mode: force\n",
    "substitutions": "substitutions:\n  x: 1\n",
    "html_meta": "html_meta:\n  description: x\n",
    "merge-key": "base: &b\n  myst: {enable_extensions: [substitution]}\n<<: *b\n",
}


def test_the_payload_runs_in_an_ordinary_build(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """The control: without untrusted mode the page's template code runs."""
    marker = payload_page(project, MYST_FRONT_MATTER["myst"])
    project.sphinx_build("html", project.trusted, capsys)
    assert marker.exists()


def payload_page(project: Project, front: str) -> Path:
    """A page with *front* matter and the payload in its text and in a finding's notes."""
    marker = project.root / "payload"
    text = f"# Page\n\n{payload(marker)}\n\n" + FINDING.format(payload=payload(marker))
    project.page("page.md", f"---\n{front}---\n{text}")
    return marker


@pytest.mark.parametrize("builder", ["html", "jointassessment"])
def test_the_payload_does_not_run_with_the_extension(
    builder: str, project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    marker = payload_page(project, MYST_FRONT_MATTER["myst"])
    err = project.sphinx_build(builder, project.trusted_ext, capsys)
    assert not marker.exists()
    assert not project.conf_ran.exists()
    assert f"{project.pr / 'page.md'}:2: WARNING: front matter sets MyST options ('myst')" in err
    assert "[jointassessment.schema]" in err


def test_check_untrusted_runs_neither_conf_py_nor_the_payload(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    marker = payload_page(project, "title: x\n" + MYST_FRONT_MATTER["myst"])
    code, lines = project.check(capsys)
    assert code == 1
    assert not marker.exists()
    assert not project.conf_ran.exists()
    assert lines[0] == (
        "page.md:3: [jointassessment.schema] front matter sets MyST options ('myst'): "
        "refused in untrusted mode, nothing of this page is rendered"
    )
    result = project.untrusted(project.root / "out")
    assert result.data is not None
    assert result.data["findings"] == []  # nothing of the page is rendered
    [refused] = [p for p in result.data["problems"] if p["code"] == "schema"]
    assert refused["location"] == "page.md:3"


def test_plain_check_runs_the_folders_conf_py(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """What ``--help`` and the docs say: plain ``check DIR`` imports DIR's conf.py."""
    main(["check", str(project.pr)])
    capsys.readouterr()
    assert project.conf_ran.exists()


@pytest.mark.parametrize("form", list(MYST_FRONT_MATTER))
def test_every_form_of_myst_settings_is_refused(
    form: str, project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    project.page("page.md", f"---\n{MYST_FRONT_MATTER[form]}---\n# Page\n\nText.\n")
    code, lines = project.check(capsys)
    assert code == 1
    assert lines[0].startswith("page.md:")
    assert "[jointassessment.schema] front matter sets MyST options" in lines[0]
    assert len([line for line in lines if "[" in line]) == 1, lines


def test_front_matter_without_myst_options_is_rendered(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    project.page("page.md", "---\ntitle: A page\norphan: false\n---\n# Page\n\nText.\n")
    result = project.untrusted(project.root / "out")
    assert [str(p) for p in result.problems if not p.kind.endswith("missing-section")] == []


def test_front_matter_the_safe_loader_refuses_is_refused(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """A key given twice: PyYAML keeps the last one, which could be ``myst``."""
    project.page("page.md", "---\nmyst: {}\nmyst: {enable_extensions: [substitution]}\n---\n# P\n")
    code, lines = project.check(capsys)
    assert code == 1
    assert "front matter that cannot be read safely" in lines[0]
    assert lines[0].startswith("page.md:3: [jointassessment.schema]")


def test_include_with_a_parser_is_refused(
    project: Project,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``:parser:`` imports the module it names; a MyST file so parsed reads its front matter."""
    marker, imported = project.root / "payload", project.root / "imported"
    project.page("evil.txt", f"---\n{MYST_FRONT_MATTER['myst']}---\n\n{payload(marker)}\n")
    modules = tmp_path / "modules"
    modules.mkdir()
    (modules / "ja_probe_parser.py").write_text(
        f"import pathlib\npathlib.Path({str(imported)!r}).mkdir()\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(modules))
    project.page(
        "page.rst",
        "Page\n====\n\n.. include:: evil.txt\n   :parser: myst_parser.sphinx_\n\n"
        ".. include:: evil.txt\n   :parser: ja_probe_parser\n",
    )
    project.page("more.md", "# More\n\n```{include} inside.txt\n:parser: ja_probe_parser\n```\n")
    project.page("inside.txt", "Inside.\n")
    project.page("index.md", "# Demo\n\n```{toctree}\npage\nmore\n```\n")
    code, lines = project.check(capsys)
    assert not marker.exists()
    assert not imported.exists()
    assert "ja_probe_parser" not in sys.modules
    assert code == 1
    assert lines[:2] == [
        "page.rst:4: [jointassessment.schema] include :parser: is refused in untrusted mode",
        "page.rst:7: [jointassessment.schema] include :parser: is refused in untrusted mode",
    ]
    # the control: an ordinary build parses the file with MyST (the payload runs), and
    # imports the module a :parser: names (which then fails the build: it is no parser)
    (project.pr / "more.md").unlink()
    project.page("index.md", "# Demo\n\n```{toctree}\npage\n```\n")
    project.sphinx_build("html", project.trusted, capsys, status=2)
    assert marker.exists()
    assert imported.exists()


def test_files_outside_the_folder_are_not_read(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = project.root / "secret.txt"
    secret.write_text("SECRET-TEXT\n", encoding="utf-8")
    project.page("inside.txt", "INSIDE-TEXT\n")
    project.page(
        "page.rst",
        "Page\n====\n\n"
        ".. include:: ../secret.txt\n\n"  # 4
        ".. include:: ../secret.txt\n   :literal:\n\n"  # 6
        ".. literalinclude:: ../secret.txt\n\n"  # 9
        ".. raw:: html\n   :file: inside.txt\n\n"  # 11
        ".. csv-table::\n   :url: http://127.0.0.1:9/x.csv\n\n"  # 14
        ".. csv-table::\n   :file: ../secret.txt\n\n"  # 17
        ".. include:: inside.txt\n\n"
        ".. include:: <isonum.txt>\n",
    )
    project.page(
        "more.md", "# More\n\n```{include} ../secret.txt\n```\n\n```{include} inside.txt\n```\n"
    )
    project.page("index.md", "# Demo\n\n```{toctree}\npage\nmore\n```\n")
    code, lines = project.check(capsys)
    assert code == 1
    own = [line for line in lines if "[jointassessment." in line]
    assert own == [
        "more.md: [jointassessment.file-outside-srcdir] include '../secret.txt' resolves "
        "outside the source folder",
        "page.rst:4: [jointassessment.file-outside-srcdir] include: '../secret.txt' resolves "
        "outside the source folder",
        "page.rst:6: [jointassessment.file-outside-srcdir] include: '../secret.txt' resolves "
        "outside the source folder",
        "page.rst:9: [jointassessment.file-outside-srcdir] literalinclude: '../secret.txt' "
        "resolves outside the source folder",
        "page.rst:11: [jointassessment.schema] raw :file: is refused in untrusted mode",
        "page.rst:14: [jointassessment.schema] csv-table :url: is refused in untrusted mode",
        "page.rst:17: [jointassessment.file-outside-srcdir] csv-table: '../secret.txt' "
        "resolves outside the source folder",
    ]
    assert all("SECRET-TEXT" not in line for line in lines)
    # what is inside the folder is still included, in html as in check
    project.sphinx_build("html", project.trusted_ext, capsys)
    html = (project.root / "out-html-trusted-ext" / "page.html").read_text(encoding="utf-8")
    assert "INSIDE-TEXT" in html
    assert "SECRET-TEXT" not in html
    more = (project.root / "out-html-trusted-ext" / "more.html").read_text(encoding="utf-8")
    assert "INSIDE-TEXT" in more
    assert "SECRET-TEXT" not in more


@pytest.mark.parametrize(
    "conf",
    [
        'myst_enable_extensions = ["substitution"]',
        'extensions.append("sphinx.ext.ifconfig")',
    ],
)
def test_a_configuration_that_evaluates_pages_is_refused(
    conf: str, project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    (project.trusted / "conf.py").write_text(TRUSTED_CONF + conf + "\n", encoding="utf-8")
    marker = project.root / "payload"
    project.page("page.md", f"# Page\n\n{payload(marker)}\n")
    code = main(["check", "--untrusted", "--conf-dir", str(project.trusted), str(project.pr)])
    err = capsys.readouterr().err
    assert code == 2
    assert "untrusted mode: the configuration runs what pages write" in err
    assert len(err.strip().splitlines()) == 1
    assert not marker.exists()


def test_untrusted_needs_a_conf_dir_outside_the_folder(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--untrusted", str(project.pr)]) == 2
    assert "--untrusted needs --conf-dir" in capsys.readouterr().err
    inner = project.pr / "docs"
    inner.mkdir()
    (inner / "conf.py").write_text(TRUSTED_CONF, encoding="utf-8")
    assert main(["check", "--untrusted", "--conf-dir", str(inner), str(project.pr)]) == 2
    assert "must not be inside" in capsys.readouterr().err
    assert main(["check", "--untrusted", "--conf-dir", str(project.pr), str(project.pr)]) == 2
    assert not project.conf_ran.exists()


def test_conf_dir_without_untrusted_builds_with_that_conf(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    project.page("page.md", "# Page\n\nText.\n")
    main(["check", "--conf-dir", str(project.trusted), str(project.pr)])
    assert "page.md" not in capsys.readouterr().out
    assert not project.conf_ran.exists()


def test_no_module_is_imported_from_the_folder_or_above(tmp_path: Path) -> None:
    folder = tmp_path / "checkout" / "docs"
    folder.mkdir(parents=True)
    elsewhere = str(tmp_path / "elsewhere")
    entries = [str(folder), str(folder / "_ext"), str(tmp_path / "checkout"), elsewhere]
    saved = sys.path[:]
    sys.path[:0] = entries
    try:
        with import_paths_outside(folder):
            assert elsewhere in sys.path
            assert not set(entries[:3]) & set(sys.path)
            sys.path.append("added by conf.py")
        assert sys.path[:4] == entries
        assert "added by conf.py" not in sys.path
    finally:
        sys.path[:] = saved


def test_the_current_folder_counts_when_it_holds_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend("")
    with import_paths_outside(folder):
        assert "" not in sys.path


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("---\nmyst: {}\n---\n", "myst: {}\n"),
        ("----\nmyst: {}\n...\nrest\n", "myst: {}\n"),
        ("---\nmyst: {}\n", "myst: {}\n"),  # no end: MyST reads to the end
        ("--- \nmyst: {}   \n---", "myst: {}\n"),
        ("\n---\nmyst: {}\n---\n", None),  # not on the first line
        ("# Title\n", None),
    ],
)
def test_front_matter_is_found_as_myst_finds_it(text: str, found: str | None) -> None:
    from myst_parser.config.main import read_topmatter

    assert front_matter(text) == found
    expected = read_topmatter(text)
    assert (expected is not None and "myst" in expected) == (found is not None)


def test_myst_settings_names_the_line_of_the_key() -> None:
    assert myst_settings("---\na: 1\nb: 2\nhtml_meta: {}\n---\n", 1000) == (
        4,
        "front matter sets MyST options ('html_meta')",
    )
    assert myst_settings("---\n- a list\n---\n", 1000) is None
    assert myst_settings("---\nx: " + "y" * 2000 + "\n---\n", 1000) is not None


# -- never miss what MyST would read ----------------------------------------------------------

_LINES = st.sampled_from(
    [
        "---",
        "----",
        "...",
        "--- x",
        "myst: {}",
        "myst:",
        "  enable_extensions: [substitution]",
        "myst: {enable_extensions: [substitution]}",
        "mystnb: {}",
        "substitutions: {x: 1}",
        "html_meta: {a: b}",
        "title: x",
        "a: &x {myst: 1}",
        "<<: *x",
        "b: &y",
        "  myst: 1",
        "<<: *y",
        "? myst",
        ": 1",
        '"myst": 1',
        "'myst': 1",
        "!!str myst: 1",
        "myst : 1",
        "\tmyst: 1",
        "# comment",
        "- item",
        "{myst: 1}",
        "myst: 1 # c",
        "x: |",
        "  myst: 1",
    ]
)


@settings(max_examples=400, deadline=None)
@given(
    lines=st.lists(_LINES | st.text(max_size=8), max_size=8),
    newline=st.sampled_from(["\n", "\r\n", "\r", "\x0b", "\u2028"]),
)
def test_every_front_matter_myst_reads_as_settings_is_refused(
    lines: list[str], newline: str
) -> None:
    from myst_parser.config.main import read_topmatter

    text = newline.join(lines)
    try:
        read = read_topmatter(text)
    except Exception:
        read = None  # MyST warns and uses no setting of the page
    found = myst_settings(text, 1024 * 1024)  # never raises
    if isinstance(read, dict) and any(key in read for key in MYST_KEYS):
        assert found is not None, text


@pytest.mark.sphinx("html", testroot="complete")
def test_security_md_names_every_directive_its_guarantees_cover(app) -> None:
    """SECURITY.md lists the blocks its guarantees cover: a new directive must be named."""
    text = (Path(__file__).parent.parent / "SECURITY.md").read_text(encoding="utf-8")
    covered = text.split("**inside the extension's blocks**", 1)[1].split("extension guarantees")[0]
    named = set(re.findall(r"`([a-z-]+)`", covered))
    assert set(app.env.get_domain("ja").directives) <= named
