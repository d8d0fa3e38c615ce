"""``sphinx-jointassessment``: argument parsing, dispatch and exit statuses.

Exit statuses: 0 success, 1 ``check`` found problems, 2 a usage or input error
(a missing or unreadable file, an output folder that is not empty, a bad
argument). Errors are one line on stderr, never a traceback, because the command
is meant for CI logs and for people who did not write it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from .errors import EXIT_USAGE, CliError

if TYPE_CHECKING:
    from collections.abc import Sequence

PROG = "sphinx-jointassessment"

EPILOG = """\
exit status: 0 success, 1 check found problems, 2 usage or input error.

Check an assessment in CI (GitHub Actions):

  jobs:
    assessment:
      runs-on: ubuntu-latest
      steps:
        - uses: actions/checkout@v4
        - uses: actions/setup-python@v5
          with: {python-version: "3.12"}
        - run: pip install "sphinx-jointassessment[myst]"
        - run: sphinx-jointassessment check docs/assessment

`check` builds the folder with the jointassessment builder in a temporary
folder, prints every problem as "file:line: [jointassessment.CODE] message"
and fails the job while any is left.

`check DIR` runs DIR's conf.py (Python code), as any Sphinx build does. For a
pull request from someone you do not trust, check out the base branch too and
use `check --untrusted --conf-dir BASE/docs/assessment docs/assessment`: DIR is
built with the base branch's conf.py, and pages that could run code are refused.
"""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit status 2 (no usage dump)."""

    def error(self, message: str) -> NoReturn:
        raise CliError(f"{self.prog}: error: {message} (see --help)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Start, import and check CNCF security assessments written with Sphinx.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from .. import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    init = commands.add_parser(
        "init",
        help="write a new docs folder stubbing every outline section",
        description="Write a docs folder that builds at once: conf.py, an index page with the "
        "assembled assessment, and one page per part of the outline whose sections are "
        "'TODO: <guidance>' stubs, so that `check` lists exactly what is left to write.",
    )
    init.add_argument(
        "dir", metavar="DIR", type=Path, help="new folder (must not exist or be empty)"
    )
    init.add_argument("--format", choices=("myst", "rst"), default="myst", help="default: myst")
    init.add_argument(
        "--outline", choices=("joint", "self"), default="joint", help="default: joint"
    )
    init.add_argument("--project", metavar="NAME", help="project name (default: from DIR)")

    imp = commands.add_parser(
        "import",
        help="turn a CNCF Markdown assessment into a docs folder",
        description="Turn an assessment in the CNCF Markdown layout into a docs folder using the "
        "sphinx-jointassessment directives, and print what was mapped and what was kept. "
        "With --format rst the Markdown content is converted to reStructuredText.",
    )
    imp.add_argument(
        "file",
        metavar="FILE.md",
        type=Path,
        help="the assessment to import (with --from: the tool's JSON or OTM YAML file)",
    )
    imp.add_argument(
        "--from",
        dest="source_format",
        choices=("markdown", "otm", "threat-dragon"),
        default="markdown",
        help="markdown (default): an assessment in the CNCF layout; otm: an Open Threat "
        "Model 0.2.0 file; threat-dragon: an OWASP Threat Dragon model (v2 or v1)",
    )
    imp.add_argument(
        "-o",
        "--output",
        metavar="DIR",
        type=Path,
        required=True,
        help="new folder (must not exist or be empty)",
    )
    imp.add_argument("--format", choices=("myst", "rst"), default="myst", help="default: myst")
    imp.add_argument(
        "--outline",
        choices=("joint", "self"),
        help="default: joint if the title or file name says 'joint', else self",
    )
    imp.add_argument("--project", metavar="NAME", help="project name (default: from the title)")
    imp.add_argument(
        "--base-url",
        metavar="URL",
        help="where FILE.md is published (for example its GitHub folder URL), to "
        "keep relative links and images as links",
    )

    check = commands.add_parser(
        "check",
        help="build with the jointassessment builder and list the problems",
        description="""\
Build DIR with the jointassessment builder in a temporary folder, print each
problem and the builder's summary; exit 1 if there is any problem.

Plain `check DIR` imports DIR's conf.py, which is Python code: use it on folders
you trust. For a pull request from someone you do not trust, use
`check --untrusted --conf-dir TRUSTED DIR` (see SECURITY.md).""",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument("dir", metavar="DIR", type=Path, help="the docs folder")
    check.add_argument(
        "--conf-dir",
        metavar="TRUSTED",
        type=Path,
        help="build DIR with the conf.py in TRUSTED (for instance the base branch's "
        "checkout of the docs folder) instead of DIR's own, which is then never imported",
    )
    check.add_argument(
        "--untrusted",
        action="store_true",
        help="DIR comes from someone you do not trust: needs --conf-dir; refuses pages "
        "whose front matter sets MyST options, include :parser:, files outside DIR, "
        "and a conf.py whose extensions would run what pages write",
    )
    check.add_argument(
        "--security-insights",
        metavar="FILE",
        type=Path,
        help="also check the project's SECURITY-INSIGHTS file (anywhere, for instance at "
        "the repository's root): its schema, and that it links the assessment",
    )

    insights = commands.add_parser(
        "security-insights",
        help="print the SECURITY-INSIGHTS entry that links the assessment",
        description="Build DIR (running its conf.py, as `check` does) and print the entry "
        "of repository.security.assessments that links the published assessment, ready to "
        "paste into the project's security-insights.yml: third-party for a joint "
        "assessment, self for a self-assessment. Notes go to stderr.",
    )
    insights.add_argument("dir", metavar="DIR", type=Path, help="the docs folder")
    insights.add_argument(
        "--url",
        metavar="URL",
        help="where the assessment is published (default: jointassessment_published_url, "
        "else its path in the repository that jointassessment_target names)",
    )
    insights.add_argument(
        "--date",
        metavar="YYYY-MM-DD",
        help="the assessment's date (default: the completed date of assessment-summary)",
    )
    return parser


def run(argv: Sequence[str] | None = None) -> int:
    """Parse *argv* and run the command; raises :class:`CliError` for usage errors."""
    args = build_parser().parse_args(argv)
    if args.command == "init":
        from .init import run_init

        return run_init(args.dir, fmt=args.format, outline=args.outline, project=args.project)
    if args.command == "import" and args.source_format != "markdown":
        from .importmodel import run_import_model

        return run_import_model(
            args.file, args.output, args.source_format, fmt=args.format, project=args.project
        )
    if args.command == "import":
        from .importcmd import run_import

        return run_import(
            args.file,
            args.output,
            fmt=args.format,
            outline=args.outline,
            project=args.project,
            base_url=args.base_url,
        )
    if args.command == "security-insights":
        from .insights import run_security_insights

        return run_security_insights(args.dir, url=args.url, date=args.date)
    from .check import run_check

    return run_check(
        args.dir,
        args.conf_dir,
        untrusted=args.untrusted,
        security_insights=args.security_insights,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Console entry point: one-line errors on stderr with exit status 2, never a traceback."""
    try:
        return run(argv)
    except CliError as exc:
        message = exc.message if exc.message.startswith(PROG) else f"{PROG}: error: {exc.message}"
        print(message, file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
