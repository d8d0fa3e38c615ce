"""Benchmarks: what the extension costs, measured against plain Sphinx in the same run.

Each benchmark builds a synthetic project (``generate.py``) twice: once written
with the extension, once written with plain Sphinx markup (or, for the builder,
with the html builder), on the same machine, in the same run, alternating the
two so that a change in machine load touches both alike. Every build

* runs as its own subprocess, ``python -m sphinx -q -j 1 -b BUILDER SRC OUT``,
  so start-up is timed equally;
* starts from a fresh copy of the sources in a fresh temporary folder (except
  the incremental rebuilds, which by definition follow a full build);
* is timed by wall clock, and its peak memory is the maximum resident set size
  of that subprocess alone (``os.wait4``; ``RUSAGE_CHILDREN`` would give the
  maximum over every build of the run).

The table gives the median of ``--repeat`` runs. Benchmarks are not tests: the
runner exits 0 when a target is missed, and marks the row ``MISSED``. It does
exit 1 when a build fails or an assertion on the output does not hold (the
incremental build must rewrite the findings table with the new name).

    python benchmarks/run.py              # the full run (about 10 minutes on 2 cores)
    python benchmarks/run.py --quick      # a smoke run: fewer pages, one repeat
    python3 -m nox -s bench -- --repeat 5
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # the generator beside this file

if TYPE_CHECKING:
    from collections.abc import Callable

VARIANTS = generate.VARIANTS
#: findings per page of the findings projects (``generate.findings``' default)
PER_PAGE = 10


@dataclass
class Build:
    """One build subprocess: wall time, CPU time (user + system), peak RSS in MiB."""

    wall: float
    cpu: float
    rss_mib: float


@dataclass
class Row:
    """One line of the table: the builds of both sides, compared on one measure."""

    name: str
    #: the largest ratio that meets the target; None for a row given for comparison only
    target: float | None
    #: what is compared: "time" (wall or CPU, as the run says) or "memory" (peak RSS)
    unit: str = "time"
    plain: list[Build] = field(default_factory=list)
    ext: list[Build] = field(default_factory=list)

    def values(self, side: str, metric: str) -> list[float]:
        builds = self.plain if side == "plain" else self.ext
        if self.unit == "memory":
            return [build.rss_mib for build in builds]
        return [build.cpu if metric == "cpu" else build.wall for build in builds]

    def value(self, side: str, metric: str) -> float:
        return statistics.median(self.values(side, metric))

    def ratio(self, metric: str) -> float:
        return self.value("ext", metric) / self.value("plain", metric)

    def ok(self, metric: str) -> bool:
        return self.target is None or self.ratio(metric) <= self.target


class BuildFailed(RuntimeError):
    pass


@dataclass(frozen=True)
class Catalogue:
    """A project of many objects and one table of them: findings, or threats."""

    project: str
    #: what the rows say ("findings + findings-table")
    name: str
    rename: Callable[..., Path]
    title: Callable[[int, int], str]
    page_name: Callable[[int], str]
    table_page: str
    incremental_target: float
    #: the project variant the targets compare with: ``plain`` (admonitions, no table)
    #: or ``table`` (the same content by hand: admonitions and a list-table); the
    #: other variant is built too, and shown as a comparison row
    baseline: str = "plain"

    @property
    def compared(self) -> str:
        """The variant shown as a comparison row: the one the targets do not use."""
        return "table" if self.baseline == "plain" else "plain"


#: how the rows name each variant compared with
AGAINST = {"plain": "admonitions", "table": "admonitions + the same table by hand (list-table)"}
INCREMENTAL_AGAINST = {
    "plain": "the admonition (one page edited)",
    "table": "the table by hand (both pages edited)",
}


FINDINGS = Catalogue(
    "findings",
    "findings + findings-table",
    generate.rename_finding,
    generate.finding_title,
    generate.findings_page_name,
    generate.TABLE_PAGE,
    2.0,
)
THREATS = Catalogue(
    "threats",
    "threats + threats-table",
    generate.rename_threat,
    generate.threat_title,
    generate.threats_page_name,
    generate.THREATS_TABLE_PAGE,
    2.0,
    # issue 13 sets the target "against the same content as plain admonitions and a
    # hand-kept table": the threats *and* their table, written without the extension
    baseline="table",
)


#: the environment of every build: bytecode is cached (in the run's own folder, see
#: ``main``) for Sphinx and the extension alike, as for an installed package, even where
#: PYTHONDONTWRITEBYTECODE is set and the extension is installed editable
BUILD_ENV = dict(os.environ)
BUILD_ENV.pop("PYTHONDONTWRITEBYTECODE", None)


def sphinx_build(src: Path, out: Path, builder: str = "html", log: Path | None = None) -> Build:
    """Run one build as a subprocess; its own wall time, CPU time and peak RSS."""
    command = [sys.executable, "-m", "sphinx", "-q", "-j", "1", "-b", builder, str(src), str(out)]
    log = log or out.parent / f"{out.name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as stream:
        start = time.perf_counter()
        # run outside the repository: "python -m" puts the working folder first on sys.path
        process = subprocess.Popen(
            command, stdout=stream, stderr=subprocess.STDOUT, env=BUILD_ENV, cwd=out.parent
        )
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise BuildFailed(
            f"{' '.join(command)} exited {process.returncode}:\n{log.read_text(errors='replace')}"
        )
    warnings = [line for line in log.read_text(errors="replace").splitlines() if "WARNING" in line]
    if warnings:
        print(
            f"  note: {len(warnings)} warnings in {src.name}, e.g. {warnings[0]}", file=sys.stderr
        )
    # ru_maxrss is in KiB on Linux
    return Build(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def both(first: callable, second: callable) -> tuple[Build, Build]:
    """Call *first* and *second* at the same time (each waits on its own subprocess)."""
    with ThreadPoolExecutor(2) as pool:
        a, b = pool.submit(first), pool.submit(second)
        return a.result(), b.result()


class Bench:
    def __init__(self, work: Path, args: argparse.Namespace) -> None:
        self.work = work
        self.side_by_side = args.side_by_side
        self.repeat = args.repeat
        self.metric = args.metric
        self.verbose = args.verbose
        self.matrix_pages = args.matrix_pages
        self.finding_pages = args.finding_pages
        self.sources = work / "sources"
        self.runs = 0
        self.rows: list[Row] = []
        self.memory_rows: list[Row] = []

    # -- helpers ---------------------------------------------------------------------------

    def source(self, project: str, variant: str, pages: int) -> Path:
        """The generated project (made once per run, copied for each build)."""
        path = self.sources / f"{project}-{variant}"
        if not path.exists():
            generate.generate(project, variant, path, pages)
        return path

    def fresh_build(self, src: Path, builder: str = "html") -> tuple[Build, Path]:
        """Copy *src* to a fresh folder and build it there; the build and the folder."""
        self.runs += 1
        folder = Path(tempfile.mkdtemp(prefix=f"{self.runs:03d}-{src.name}-", dir=self.work))
        project = folder / "src"
        shutil.copytree(src, project)
        build = sphinx_build(project, folder / builder, builder)
        self.log(f"{src.name} -b {builder}", build)
        return build, folder

    def log(self, what: str, build: Build) -> None:
        if self.verbose:
            print(
                f"  {what}: {build.wall:.2f} s wall, {build.cpu:.2f} s CPU, "
                f"{build.rss_mib:.0f} MiB",
                file=sys.stderr,
                flush=True,
            )

    def pair(self, plain: callable, ext: callable) -> list[tuple[Build, Build]]:
        """*plain* and *ext* ``repeat`` times, alternating which goes first.

        With ``--side-by-side`` the two builds of each pair run at the same time, one
        per core, so that both meet the same machine: on a shared machine whose speed
        drifts by 10% or more from one minute to the next, that keeps the ratio steady.
        """
        results = []
        for index in range(self.repeat):
            if self.side_by_side:
                p, e = both(plain, ext)
            elif index % 2 == 0:
                p, e = plain(), ext()
            else:
                e, p = ext(), plain()
            results.append((p, e))
        return results

    def warm_up(self) -> None:
        """Build a tiny version of each project once, untimed: bytecode caches filled."""
        for project, variants in (
            ("matrices", ("ext", "plain")),
            ("findings", VARIANTS),
            ("threats", VARIANTS),
            ("assessment", ("ext",)),
        ):
            for variant in variants:
                src = generate.generate(
                    project, variant, self.work / "warm-up" / f"{project}-{variant}", 2
                )
                for builder in (
                    ("html", "jointassessment") if project == "assessment" else ("html",)
                ):
                    sphinx_build(src, src.parent / f"{src.name}-{builder}", builder)
        shutil.rmtree(self.work / "warm-up", ignore_errors=True)

    # -- benchmarks ------------------------------------------------------------------------

    def matrices(self) -> None:
        pages = self.matrix_pages
        plain_src = self.source("matrices", "plain", pages)
        ext_src = self.source("matrices", "ext", pages)
        print(f"# {pages} pages x 3 threat matrices, against list-table", file=sys.stderr)
        results = self.pair(
            lambda: self.fresh_build(plain_src)[0], lambda: self.fresh_build(ext_src)[0]
        )
        self.add_rows(f"{pages} pages x 3 threat matrices (rST) vs list-table", 1.0, results)

    def findings(self) -> None:
        self.catalogue(FINDINGS)

    def threats(self) -> None:
        self.catalogue(THREATS)

    def catalogue(self, kind: Catalogue) -> None:
        """A catalogue of objects and its table, against admonitions and a table by hand."""
        pages = self.finding_pages
        base, other = kind.baseline, kind.compared
        sources = {
            variant: self.source(kind.project, variant, pages) for variant in (base, "ext", other)
        }
        print(f"# {pages} pages x 10 {kind.name}, against {AGAINST[base]}", file=sys.stderr)
        folders: dict[str, Path] = {}

        def build(variant: str, src: Path) -> Build:
            result, folder = self.fresh_build(src)
            old = folders.get(variant)
            folders[variant] = folder
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
            return result

        # the other way of writing the same objects without the extension is built in
        # the same rounds (a machine whose speed drifts meets all three alike)
        results: list[tuple[Build, Build]] = []
        others: list[Build] = []
        for index in range(self.repeat):
            if self.side_by_side:
                builds = dict(
                    zip(
                        (base, "ext"),
                        both(
                            lambda: build(base, sources[base]), lambda: build("ext", sources["ext"])
                        ),
                        strict=True,
                    )
                )
                builds[other] = build(other, sources[other])
            else:
                order = (base, "ext", other) if index % 2 == 0 else (other, "ext", base)
                builds = {variant: build(variant, sources[variant]) for variant in order}
            results.append((builds[base], builds["ext"]))
            others.append(builds[other])
        self.add_rows(f"{pages} pages x 10 {kind.name} vs {AGAINST[base]}", 1.3, results)
        self.rows.append(
            Row(
                f"(comparison) the same, vs {AGAINST[other]}",
                None,
                plain=others,
                ext=[e for _, e in results],
            )
        )
        self.incremental(kind, folders, pages)

    def incremental(self, kind: Catalogue, folders: dict[str, Path], pages: int) -> None:
        """Rename one object (a different one each time), rebuild, check the table."""
        print(f"# incremental rebuild after renaming one of the {kind.name}", file=sys.stderr)
        base, other = kind.baseline, kind.compared
        name = f"incremental: rename one of the {kind.name}, rebuild"
        if base != "plain":
            name += f", vs {INCREMENTAL_AGAINST[base]}"
        row = Row(name, kind.incremental_target)
        compared = Row(
            f"(comparison) incremental, vs {INCREMENTAL_AGAINST[other]}", None, ext=row.ext
        )
        for index in range(self.repeat):
            number = (index * 37 * PER_PAGE + 5) % (pages * PER_PAGE) + 1
            rebuild = functools.partial(
                self.rename_and_build, kind, folders, number=number, revision=index + 1
            )
            order = [base, "ext", other] if index % 2 == 0 else [other, "ext", base]
            if self.side_by_side:
                pair = both(functools.partial(rebuild, base), functools.partial(rebuild, "ext"))
                builds = dict(zip((base, "ext"), pair, strict=True))
                if other in folders:
                    builds[other] = rebuild(other)
            else:
                builds = {variant: rebuild(variant) for variant in order if variant in folders}
            for variant, build in builds.items():
                {"ext": row.ext, base: row.plain, other: compared.plain}[variant].append(build)
        self.rows.append(row)
        if compared.plain:
            self.rows.append(compared)

    def rename_and_build(
        self, kind: Catalogue, folders: dict[str, Path], variant: str, *, number: int, revision: int
    ) -> Build:
        """Rename object *number* in *variant*'s project, rebuild, check the pages."""
        folder = folders[variant]
        kind.rename(folder / "src", variant, number, revision, PER_PAGE)
        table = folder / "html" / f"{kind.table_page}.html"
        before = table.stat().st_mtime_ns
        build = sphinx_build(folder / "src", folder / "html", "html")
        self.log(f"incremental {variant}", build)
        title = kind.title(number, revision)
        name = kind.page_name((number - 1) // PER_PAGE)
        page = folder / "html" / f"{name}.html"
        assert_contains(page, title)
        if variant != "plain":
            if table.stat().st_mtime_ns == before:
                raise AssertionError(f"{table} was not rewritten by the incremental build")
            assert_contains(table, title)
        return build

    def builder(self) -> None:
        pages = self.finding_pages
        src = self.source("assessment", "ext", pages)
        print(
            f"# jointassessment builder against html, {pages}-page findings project "
            "+ joint-assessment page",
            file=sys.stderr,
        )
        results = self.pair(
            lambda: self.cleanup(self.fresh_build(src, "html")),
            lambda: self.cleanup(self.fresh_build(src, "jointassessment")),
        )
        row = Row("`jointassessment` builder vs html build of the same project", 1.0)
        row.plain = [p for p, _ in results]  # here "plain" is the html build, extension on
        row.ext = [e for _, e in results]
        self.rows.append(row)

    def titles(self) -> None:
        """Issue 18: a 1M-character title of dots took 7.5 minutes in the builder (item 5),
        and 3 minutes and 2 GB in LaTeX (a node per break point of the table cell)."""
        short = generate.generate("titles", "short", self.sources / "titles-short")
        long = generate.generate("titles", "long", self.sources / "titles-long")
        for builder in ("jointassessment", "html", "latex"):
            self.builder_pair(
                f"{builder} builder, {generate.LONG_TITLE:,}-character titles against short",
                (short, long),
                Row(f"`{builder}`: {generate.LONG_TITLE:,}-character title vs a short one", 2.0),
                builder,
            )

    def sections(self) -> None:
        """Issue 16: an imported project spent 3.6 s of 7.9 s reading one page 69 times."""
        count = generate.FROM_SECTIONS
        without = generate.generate("sections", "without", self.sources / "sections-without")
        taken = generate.generate("sections", "from", self.sources / "sections-from")
        self.builder_pair(
            f"jointassessment builder, one page with {count} :from: sections against in place",
            (without, taken),
            Row(
                f"`jointassessment`: one page, {count} sections taken `:from:` vs written in place",
                1.2,
            ),
        )

    def builder_pair(
        self,
        heading: str,
        projects: tuple[Path, Path],
        row: Row,
        builder: str = "jointassessment",
    ) -> None:
        """Two projects built by one builder, both with the extension; "plain" is the first."""
        print(f"# {heading}", file=sys.stderr)
        first, second = projects
        results = self.pair(
            lambda: self.cleanup(self.fresh_build(first, builder)),
            lambda: self.cleanup(self.fresh_build(second, builder)),
        )
        row.plain = [p for p, _ in results]
        row.ext = [e for _, e in results]
        self.rows.append(row)

    def cleanup(self, built: tuple[Build, Path]) -> Build:
        build, folder = built
        shutil.rmtree(folder, ignore_errors=True)
        return build

    def add_rows(self, name: str, target: float, results: list[tuple[Build, Build]]) -> None:
        plain = [p for p, _ in results]
        ext = [e for _, e in results]
        self.rows.append(Row(name, target, plain=plain, ext=ext))
        self.memory_rows.append(
            Row(f"peak memory (max RSS): {name.split(' vs ')[0]}", 1.3, "memory", plain, ext)
        )


def assert_contains(path: Path, text: str) -> None:
    import html

    content = html.unescape(path.read_text(encoding="utf-8"))
    if text not in content:
        raise AssertionError(f"{path} does not show {text!r}")


def table(rows: list[Row], metric: str) -> str:
    """The Markdown table; times in seconds of *metric* (wall clock or CPU)."""
    unit = "s" if metric == "wall" else "s CPU"
    lines = [
        f"| benchmark | plain ({unit}) | extension ({unit}) | ratio | target | ok |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        plain, ext = row.value("plain", metric), row.value("ext", metric)
        if row.unit == "memory":
            shown = f"{plain:.0f} MiB | {ext:.0f} MiB"
        else:
            shown = f"{plain:.2f} | {ext:.2f}"
        if row.target is None:
            target, ok = "-", "(comparison)"
        else:
            target, ok = f"<= {row.target:.1f}x", "ok" if row.ok(metric) else "**MISSED**"
        lines.append(f"| {row.name} | {shown} | {row.ratio(metric):.2f}x | {target} | {ok} |")
    return "\n".join(lines)


def machine() -> dict[str, str]:
    import sphinx

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or "unknown"
    try:
        import docutils

        docutils_version = docutils.__version__
    except ImportError:  # pragma: no cover
        docutils_version = "?"
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "python": platform.python_version(),
        "sphinx": sphinx.__version__,
        "docutils": docutils_version,
        "platform": platform.platform(),
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer pages and one repeat")
    parser.add_argument("--repeat", type=int, default=None, help="runs of each build (median)")
    parser.add_argument(
        "--metric",
        choices=("wall", "cpu"),
        default="wall",
        help="time to compare: wall clock (default) or CPU time of the build process",
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=("matrices", "findings", "threats", "builder", "titles", "sections"),
        help="run only these benchmarks (findings and threats include an incremental rebuild)",
    )
    parser.add_argument(
        "--side-by-side",
        action="store_true",
        help="run the two builds of each pair at the same time, one per core",
    )
    parser.add_argument("--matrix-pages", type=int, help="pages of the matrices project")
    parser.add_argument("--finding-pages", type=int, help="pages of the findings projects")
    parser.add_argument("--keep", type=Path, help="build here and keep the folders")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every build")
    args = parser.parse_args(argv)
    args.repeat = args.repeat or (1 if args.quick else 3)
    args.matrix_pages = args.matrix_pages or (40 if args.quick else 200)
    args.finding_pages = args.finding_pages or (60 if args.quick else 500)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    info = machine()
    print("## machine", file=sys.stderr)
    for key, value in info.items():
        print(f"- {key}: {value}", file=sys.stderr)
    work = args.keep or Path(tempfile.mkdtemp(prefix="ja-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    BUILD_ENV["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    bench = Bench(work, args)
    start = time.perf_counter()
    try:
        bench.warm_up()
        for name in args.only or (
            "matrices",
            "findings",
            "threats",
            "builder",
            "titles",
            "sections",
        ):
            getattr(bench, name)()
    except (BuildFailed, AssertionError) as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 1
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    elapsed = time.perf_counter() - start
    info["load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    rows = [*bench.rows, *bench.memory_rows]
    other = "cpu" if args.metric == "wall" else "wall"
    result = table(rows, args.metric)
    print()
    print(
        f"Median of {args.repeat} run(s) each; serial (-j 1), -q, html builder unless stated; "
        f"pairs {'side by side' if args.side_by_side else 'one after the other'}; "
        f"{'wall-clock' if args.metric == 'wall' else 'CPU'} time of each build process; "
        f"total {elapsed:.0f} s."
    )
    print()
    print(result)
    missed = [row.name for row in rows if not row.ok(args.metric)]  # comparison rows: never
    print()
    print(f"MISSED: {len(missed)} target(s): {'; '.join(missed)}" if missed else "All targets met.")
    print()
    print(
        f"The same runs, {'CPU' if other == 'cpu' else 'wall-clock'} time "
        "(CPU time is the steadier on a busy machine):"
    )
    print()
    print(table(bench.rows, other))
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "machine": info,
                    "repeat": args.repeat,
                    "metric": args.metric,
                    "quick": args.quick,
                    "side_by_side": args.side_by_side,
                    "pages": {"matrices": args.matrix_pages, "findings": args.finding_pages},
                    "seconds": round(elapsed, 1),
                    "rows": [
                        {
                            "name": row.name,
                            "unit": row.unit,
                            "plain": [asdict(build) for build in row.plain],
                            "extension": [asdict(build) for build in row.ext],
                            "ratio": round(row.ratio(args.metric), 3),
                            f"ratio_{other}": round(row.ratio(other), 3),
                            "target": row.target,
                            "ok": row.ok(args.metric),
                        }
                        for row in rows
                    ],
                    "table": result,
                    f"table_{other}": table(bench.rows, other),
                },
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
