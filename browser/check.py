"""Open the example's html in headless Chromium, in each theme, and check what readers get.

Used by ``nox -s browser``, which builds the example once per theme into
``build/browser/<theme>/`` and runs::

    python browser/check.py build/browser --screenshots build/browser/screenshots

For each theme, at 1280x900 (desktop) and 390x844 (phone), on every page:

* ``page``: the page is no wider than the window (nothing makes it scroll sideways);
* ``table``: each table of the extension fits its column, or scrolls inside a box of
  its own; nothing around it gets wider because of it;
* ``badge``: the text of each status and severity badge has a contrast of at least
  4.5:1 (WCAG AA) with its background, computed from the browser's computed styles.
  Themes with a dark mode (furo, pydata-sphinx-theme, sphinx-book-theme) are checked
  in it too.

Playwright drives the system's Chromium (``--chromium``, default ``/usr/bin/chromium``);
it never downloads a browser. Pages are opened from ``file://`` URLs and every other
request is refused, so the run needs no network. Exit status 1 when any check fails.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

VIEWPORTS = {"desktop": (1280, 900), "phone": (390, 844)}
#: how each theme switches to its dark mode (None: the theme has none)
DARK_MODE = {
    "furo": "body",  # <body data-theme="dark">
    "pydata_sphinx_theme": "html",  # <html data-theme="dark">
    "sphinx_book_theme": "html",
}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: pages that are Sphinx's own, not the project's
SKIP_PAGES = {"genindex.html", "search.html", "py-modindex.html"}
#: a pixel of slack for sub-pixel layout
SLACK = 1.0
AA = 4.5

# Runs in the page: switches a theme with a dark mode to it.
DARK_SWITCH = """
(where) => {
  const el = where === "body" ? document.body : document.documentElement;
  el.dataset.theme = "dark";
  if (where === "html") el.dataset.mode = "dark";
}
"""

# Runs in the page: every measurement the checks need, as plain data.
MEASURE = """
() => {
  const parse = (text) => {
    const m = text.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return [0, 0, 0, 0];
    const parts = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
  };
  const over = (top, bottom) => {
    const a = top[3] + bottom[3] * (1 - top[3]);
    if (a === 0) return [0, 0, 0, 0];
    const mix = (i) => (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / a;
    return [mix(0), mix(1), mix(2), a];
  };
  // the colour behind an element: its own background over its ancestors', over white
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      layers.push(parse(getComputedStyle(e).backgroundColor));
    }
    let colour = [255, 255, 255, 1];
    for (const layer of layers.reverse()) colour = over(layer, colour);
    return colour;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    "." + [...el.classList].filter(c => c.startsWith("ja-")).join(".");
  const scrolls = (el) => ["auto", "scroll"].includes(getComputedStyle(el).overflowX);
  const root = document.scrollingElement || document.documentElement;
  const tables = [];
  for (const table of document.querySelectorAll("table")) {
    if (![...table.classList].some(c => c.startsWith("ja-"))) continue;
    if (!table.getClientRects().length) continue;  // hidden (a collapsed block)
    // the box it scrolls in: the nearest ancestor that scrolls sideways
    let box = null;
    for (let e = table.parentElement; e && e !== document.body; e = e.parentElement) {
      if (scrolls(e)) { box = e; break; }
    }
    const own = box !== null && box.classList.contains("ja-table-scroll");
    const width = table.getBoundingClientRect().width;
    const boxWidth = box ? box.clientWidth : null;
    // ancestors that the table (or its box) sticks out of
    const column = box || table;
    const right = column.getBoundingClientRect().right;
    const widened = [];
    for (let e = column.parentElement; e && e !== document.documentElement; e = e.parentElement) {
      const limit = e.getBoundingClientRect().left + e.clientLeft + e.clientWidth;
      if (right > limit + 1 && !scrolls(e)) {
        widened.push(name(e) + " ends at " + Math.round(limit) + " px");
        break;
      }
    }
    tables.push({
      name: name(table), width: Math.round(width), box: own ? "own" : (box ? name(box) : null),
      boxWidth, fits: box ? width <= box.clientWidth + 1 : true,
      widened,
    });
  }
  const badges = [];
  for (const badge of document.querySelectorAll(".sd-badge")) {
    if (![...badge.classList].some(c => c.startsWith("ja-"))) continue;
    if (!badge.getClientRects().length) continue;
    const style = getComputedStyle(badge);
    const fg = parse(style.color);
    const bg = background(badge);
    const classes = [...badge.classList].filter(c => c.startsWith("ja-"));
    badges.push({text: badge.textContent.trim(), classes, fg: over(fg, bg), bg});
  }
  // what sticks out of the window: the deepest elements past its right edge
  const outside = [];
  if (root.scrollWidth > window.innerWidth + 1) {
    for (const el of document.body.querySelectorAll("*")) {
      const rect = el.getBoundingClientRect();
      if (rect.right > window.innerWidth + 1 && rect.width > 0 &&
          ![...el.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 1)) {
        outside.push(name(el) + " to " + Math.round(rect.right) + " px");
        if (outside.length >= 3) break;
      }
    }
  }
  return {pageWidth: root.scrollWidth, window: window.innerWidth, tables, badges, outside};
}
"""


def luminance(rgb: list[float]) -> float:
    def channel(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: list[float], two: list[float]) -> float:
    high, low = sorted((luminance(one), luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@dataclass
class Tally:
    passed: int = 0
    failed: list[str] = field(default_factory=list)

    def check(self, ok: bool, what: str) -> None:
        if ok:
            self.passed += 1
        else:
            self.failed.append(what)

    @property
    def total(self) -> int:
        return self.passed + len(self.failed)


def check_page(data: dict[str, Any], where: str, tally: Tally, desktop: bool) -> None:
    tally.check(
        data["pageWidth"] <= data["window"] + SLACK,
        f"{where}: page is {data['pageWidth']} px wide in a {data['window']} px window "
        f"({', '.join(data['outside'])})",
    )
    for table in data["tables"]:
        ok = not table["widened"]
        if desktop:
            # on a desktop the table fits its column, or scrolls in its own box
            ok = ok and (table["fits"] or table["box"] == "own")
        tally.check(
            ok,
            f"{where}: {table['name']} ({table['width']} px, box {table['box']} "
            f"{table['boxWidth']} px) sticks out of {table['widened'] or 'nothing'}",
        )
    for badge in data["badges"]:
        ratio = contrast(badge["fg"], badge["bg"])
        tally.check(
            ratio >= AA,
            f"{where}: badge {badge['text']!r} {badge['classes']} contrast {ratio:.2f}:1",
        )


def pages_of(site: Path) -> list[Path]:
    return sorted(
        path
        for path in site.rglob("*.html")
        if path.name not in SKIP_PAGES
        and "_static" not in path.parts
        and not path.name.startswith("_")
    )


def visit_site(
    browser: Any,
    site: Path,
    theme: str,
    viewport: str,
    mode: str,
    tally: Tally,
    shot: Path | None,
    shot_page: str,
) -> None:
    """Check every page of one theme's site at one window size, light or dark."""
    width, height = VIEWPORTS[viewport]
    context = browser.new_context(
        viewport={"width": width, "height": height}, color_scheme=mode, device_scale_factor=1
    )
    context.set_default_timeout(120_000)  # a busy CI machine is slow, not broken
    # only the site's own files: no network, ever
    context.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort(),
    )
    page = context.new_page()
    try:
        for path in pages_of(site):
            page.goto(path.as_uri(), wait_until="load")
            if mode == "dark":
                page.evaluate(DARK_SWITCH, DARK_MODE[theme])
            data = page.evaluate(MEASURE)
            name = path.relative_to(site).as_posix()
            check_page(data, f"{theme} {viewport} {mode} {name}", tally, viewport == "desktop")
            if shot is not None and name == shot_page:
                page.screenshot(path=str(shot))
    finally:
        context.close()


def run(args: argparse.Namespace) -> int:
    from playwright.sync_api import sync_playwright

    root: Path = args.root.resolve()
    themes = args.themes or sorted(p.name for p in root.iterdir() if (p / "index.html").is_file())
    shots: Path | None = args.screenshots
    if shots is not None:
        shots.mkdir(parents=True, exist_ok=True)
    summary: dict[str, dict[str, list[int]]] = {}
    failures: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=args.chromium, args=CHROMIUM_ARGS, timeout=120_000
        )
        try:
            for theme in themes:
                summary[theme] = {}
                for viewport in VIEWPORTS:
                    tally = Tally()
                    for mode in ["light", "dark"] if theme in DARK_MODE else ["light"]:
                        shot = shots / f"{theme}-{viewport}-{mode}.png" if shots else None
                        visit_site(
                            browser, root / theme, theme, viewport, mode, tally, shot,
                            args.shot_page,
                        )  # fmt: skip
                    summary[theme][viewport] = [tally.passed, tally.total]
                    failures.extend(tally.failed)
                    print(f"{theme:22} {viewport:8} {tally.passed}/{tally.total} checks passed")
        finally:
            browser.close()
    for failure in failures:
        print("FAIL", failure)
    if args.json is not None:
        args.json.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("root", type=Path, help="folder holding one html build per theme")
    parser.add_argument("themes", nargs="*", help="themes to check (default: every build)")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--screenshots", type=Path, default=None)
    parser.add_argument(
        "--shot-page", default="security/threat-model.html", help="page to photograph"
    )
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
