"""Automation: tests on the oldest and newest Sphinx, the example, the docs, lint, benchmarks.

Every session installs what it needs itself, so ``python3 -m nox -s NAME`` works on
a fresh machine with Python 3.11+ (and npm, for the Markdown linter, if present).
"""

from __future__ import annotations

import os
import shutil
import tomllib
from pathlib import Path

import nox

ROOT = Path(__file__).parent
EXAMPLE = ROOT / "example_project"
BUILD = ROOT / "build"
#: the oldest Sphinx we support and the newest major line
SPHINX_VERSIONS = {"oldest": "sphinx==8.2.*", "newest": "sphinx>=9,<10"}
_PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
#: the CNCF repository's Markdown linter, at the version pinned once in pyproject.toml
MARKDOWNLINT_VERSION = _PYPROJECT["tool"]["sphinx-jointassessment-dev"]["markdownlint-cli"]
#: the spell checker cncf/tag-security runs on the Markdown of its pull requests, pinned there too
CSPELL_VERSION = _PYPROJECT["tool"]["sphinx-jointassessment-dev"]["cspell"]
#: the CNCF repository's configurations of both (copies; see tests/data/SOURCES.txt)
REFERENCE = ROOT / "tests" / "data" / "reference"

nox.options.sessions = ["tests", "lint", "example"]
nox.options.reuse_existing_virtualenvs = True


def _npm_tool(session: nox.Session, package: str, version: str, command: str) -> Path | None:
    """Install *package* at *version* with npm (one folder per version); its *command*.

    ``None`` when npm is not available.
    """
    prefix = ROOT / ".nox" / f"_{package}-{version}"
    binary = prefix / "node_modules" / ".bin" / command
    if not binary.exists():
        if shutil.which("npm") is None:
            return None
        prefix.mkdir(parents=True, exist_ok=True)
        session.run(
            "npm",
            "install",
            "--silent",
            "--no-audit",
            "--no-fund",
            "--prefix",
            str(prefix),
            f"{package}@{version}",
            external=True,
        )
    return binary


def _markdownlint(session: nox.Session) -> dict[str, str]:
    """The pinned markdownlint-cli (the CNCF repository's linter) and cspell, for the tests."""
    markdownlint = _npm_tool(session, "markdownlint-cli", MARKDOWNLINT_VERSION, "markdownlint")
    cspell = _npm_tool(session, "cspell", CSPELL_VERSION, "cspell")
    if markdownlint is None or cspell is None:
        session.warn("npm not found: the Markdown lint and spelling tests will be skipped")
        return {}
    return {"MARKDOWNLINT": str(markdownlint), "CSPELL": str(cspell)}


@nox.session
@nox.parametrize("sphinx", list(SPHINX_VERSIONS), ids=list(SPHINX_VERSIONS))
def tests(session: nox.Session, sphinx: str) -> None:
    """Run the test suite on the oldest and the newest supported Sphinx."""
    session.install("-e", ".[tests]", SPHINX_VERSIONS[sphinx])
    env = _markdownlint(session)
    session.run("python", "-c", "import sphinx; print('Sphinx', sphinx.__version__)")
    session.run("pytest", *(session.posargs or ["-q", "-p", "no:cacheprovider"]), env=env)


@nox.session
def example(session: nox.Session) -> None:
    """Build the example project: html and the assembled assessment, with -W -n."""
    session.install("-e", ".[myst]")
    html = BUILD / "example" / "html"
    assessment = BUILD / "example" / "jointassessment"
    common = ("-W", "-n", "--keep-going", "-E")
    session.run("sphinx-build", *common, "-q", "-b", "html", str(EXAMPLE), str(html))
    # not quiet: the builder prints its one-line summary of the assessment
    session.run("sphinx-build", *common, "-b", "jointassessment", str(EXAMPLE), str(assessment))
    session.log(f"html: {html / 'index.html'}")
    for name in sorted(os.listdir(assessment)):
        if name.endswith((".md", ".json", ".yaml")):
            session.log(f"assessment: {assessment / name}")


@nox.session(name="output-lint")
def output_lint(session: nox.Session) -> None:
    """The example's Markdown under cncf/tag-security's linters: markdownlint and cspell.

    Both with that repository's configurations, both must report no problem. The
    words the build declares (names, ids, reviewers) are in the Markdown's own
    ``cSpell:ignore`` comment; the authors' other words in theirs.
    """
    session.install("-e", ".[myst]")
    markdownlint = _npm_tool(session, "markdownlint-cli", MARKDOWNLINT_VERSION, "markdownlint")
    cspell = _npm_tool(session, "cspell", CSPELL_VERSION, "cspell")
    if markdownlint is None or cspell is None:
        session.error("npm is needed to install markdownlint-cli and cspell")
    assessment = BUILD / "example" / "jointassessment"
    common = ("-W", "-n", "--keep-going", "-E", "-q")
    session.run("sphinx-build", *common, "-b", "jointassessment", str(EXAMPLE), str(assessment))
    files = sorted(path.name for path in assessment.glob("*.md"))
    with session.chdir(assessment):  # cspell checks files under the current folder only
        session.run(
            str(markdownlint), "-c", str(REFERENCE / "cncf-markdownlint.json"), *files,
            external=True,
        )  # fmt: skip
        session.run(
            str(cspell), "--no-progress", "-c", str(REFERENCE / "cncf-spelling-config.json"),
            *files, external=True,
        )  # fmt: skip
    session.log(f"markdownlint-cli {MARKDOWNLINT_VERSION} and cspell {CSPELL_VERSION}: "
                f"no problem in {', '.join(files)}")  # fmt: skip


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation with -W -n."""
    session.install("-e", ".[docs]")
    out = BUILD / "docs" / "html"
    session.run(
        "sphinx-build", "-W", "-n", "--keep-going", "-q", "-E", "-b", "html", "docs", str(out)
    )
    session.log(f"docs: {out / 'index.html'}")


@nox.session
def lint(session: nox.Session) -> None:
    """ruff and mypy, both clean."""
    session.install("-e", ".[tests]", "ruff", "mypy", "types-PyYAML")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks against plain Sphinx on synthetic projects (prints a table of ratios).

    By default each pair of builds runs side by side, one build per core, so that a
    shared machine's changing speed touches both alike; any arguments replace that.
    """
    session.install("-e", ".[myst]")
    session.run("python", "benchmarks/run.py", *(session.posargs or ["--side-by-side"]))


def _chromium_flags() -> list[str]:
    """Chromium's flags for a headless run with no network, as ``browser/check.py`` has them."""
    import runpy

    flags: list[str] = runpy.run_path(str(ROOT / "browser" / "check.py"))["CHROMIUM_ARGS"]
    return flags


@nox.session
def screenshot(session: nox.Session) -> None:
    """Picture of a rendered threat matrix of the example project, for the README.

    Builds the example with furo, writes a page that holds only the matrix (with the
    site's stylesheets) and photographs it with headless Chromium into
    docs/_static/threat-matrix.png.
    """
    import re
    import tempfile

    session.install("-e", ".[myst]", "furo")
    html = BUILD / "screenshot" / "html"
    session.run(
        "sphinx-build", "-q", "-E", "-b", "html", "-D", "html_theme=furo", str(EXAMPLE), str(html)
    )
    page = (html / "security" / "threat-model.html").read_text(encoding="utf-8")
    # the matrix's block: from its opening <div> to the </div> that closes it
    start = page.index(
        '<div class="ja-threat-matrix-block docutils container" id="ja-matrix-compromise">'
    )
    depth, position = 0, start
    for tag in re.finditer(r"<(/?)div\b", page[start:]):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            position = start + tag.end() + page[start + tag.end() :].index(">") + 1
            break
    matrix = page[start:position]
    styles = "\n".join(re.findall(r'<link rel="stylesheet"[^>]*>', page))
    # about 120 pixels a row of short cells, plus the title and the header
    height = min(1400, 150 + 120 * matrix.count('class="ja-victim'))
    frame = html / "security" / "_threat-matrix.html"
    frame.write_text(
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">{styles}'
        "<style>body{margin:0;padding:16px 24px;background:#fff}</style></head>"
        f'<body><article class="bd-article">{matrix}</article></body></html>',
        encoding="utf-8",
    )
    chromium = next(
        filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None
    )
    if chromium is None:
        session.error("chromium (or google-chrome) is needed for the screenshot")
    picture = ROOT / "docs" / "_static" / "threat-matrix.png"
    with tempfile.TemporaryDirectory() as profile:
        session.run(
            chromium,
            *_chromium_flags(),
            f"--user-data-dir={profile}",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
            f"--window-size=1400,{height}",
            f"--screenshot={picture}",
            frame.as_uri(),
            external=True,
        )
    session.log(f"screenshot: {picture} ({picture.stat().st_size} bytes)")


#: the themes ``browser`` checks the example in: html_theme -> what to install
BROWSER_THEMES = {
    "alabaster": None,  # comes with Sphinx
    "furo": "furo>=2024.8.6",
    "sphinx_rtd_theme": "sphinx-rtd-theme>=3,<4",
    "pydata_sphinx_theme": "pydata-sphinx-theme>=0.16,<0.21",
    "sphinx_book_theme": "sphinx-book-theme>=1.1,<2",
}


@nox.session
def browser(session: nox.Session) -> None:
    """The example in five themes, opened in headless Chromium at desktop and phone sizes.

    Builds the example with -W once per theme into build/browser/<theme>/, then
    ``browser/check.py`` checks every page with Playwright driving the system's
    Chromium (Debian's ``chromium``; Playwright never downloads a browser here): each
    extension table fits its column or scrolls in its own box, no page is wider than
    the phone's screen, every badge reaches 4.5:1 contrast (dark modes too). It
    writes the figures (figures.json) and a screenshot per theme and size into
    build/browser/screenshots/.
    """
    chromium = next(filter(None, map(shutil.which, ("chromium", "chromium-browser"))), None)
    if chromium is None:
        session.error("chromium is needed: apt-get install chromium")
    themes = [theme for theme in BROWSER_THEMES if not session.posargs or theme in session.posargs]
    session.install("-e", ".[myst]", "playwright>=1.40,<2", *filter(None, BROWSER_THEMES.values()))
    out = BUILD / "browser"
    for theme in themes:
        session.run(
            "sphinx-build", "-W", "-n", "--keep-going", "-q", "-E", "-b", "html",
            "-D", f"html_theme={theme}", str(EXAMPLE), str(out / theme),
        )  # fmt: skip
    session.run(
        "python", "browser/check.py", str(out), *themes, "--chromium", chromium,
        "--screenshots", str(out / "screenshots"), "--json", str(out / "figures.json"),
        env={"PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1"},
    )  # fmt: skip


#: the Debian packages that give latexmk and what Sphinx's LaTeX needs
TEX_PACKAGES = (
    "latexmk texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended tex-gyre"
)


@nox.session
def pdf(session: nox.Session) -> None:
    """The example project as a PDF: ``-b latex`` with -W, then latexmk if it is installed."""
    session.install("-e", ".[myst]")
    latex = BUILD / "example" / "latex"
    session.run(
        "sphinx-build", "-W", "-n", "--keep-going", "-q", "-E", "-b", "latex",
        str(EXAMPLE), str(latex),
    )  # fmt: skip
    if shutil.which("latexmk") is None or shutil.which("make") is None:
        session.log(f"LaTeX sources: {latex}")
        session.log("latexmk (or make) is not on PATH, so no PDF is made. On Debian or Ubuntu:")
        session.log(f"    sudo apt-get install {TEX_PACKAGES}")
        session.log("then run this session again.")
        return
    session.run("make", "-C", str(latex), external=True)
    for path in sorted(latex.glob("*.pdf")):
        session.log(f"pdf: {path} ({path.stat().st_size} bytes)")
    # no table of the extension may run off the page: overfull boxes inside them fail
    session.run(
        "python", "-c",
        "import sys, pathlib; from sphinx_jointassessment.latex_tables import report_overfull;"
        " sys.exit(report_overfull(pathlib.Path(sys.argv[1])))",
        str(latex),
    )  # fmt: skip
