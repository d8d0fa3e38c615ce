"""LaTeX: the extension's tables as ``longtable`` with columns that fit the text width.

Left to itself, Sphinx writes a table as ``tabulary``, which cannot break across
pages (a threat matrix of many rows runs through the footer) and may squeeze a
column below its longest word ("Victim Components" one letter a line). For LaTeX
only, a post-transform makes each of the extension's tables a ``longtable`` and gives
it a column spec (:func:`column_fractions`): each column at least as wide as its
longest word, the rest shared in the proportions the table asks for, in the
largest font size at which that fits. Comments in the LaTeX mark where each table
starts and ends, so a test can count overfull boxes inside them from the log.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes, version_info
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import texescape

from .latex_text import typesettable
from .stylesheet import extension_tables

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from sphinx.application import Sphinx

#: written before and after each table of the extension in the ``.tex`` file
BEGIN_MARK = "% sphinx-jointassessment table"
END_MARK = "% end of sphinx-jointassessment table"

#: characters of body text (10pt) on a line of the text width, on the safe side
LINE = 84.0
#: what a column's padding and rules take, in characters
PADDING = 3.0
#: font sizes to try, largest first, with their size relative to the body text
SIZES: tuple[tuple[str, float], ...] = (
    ("", 1.0),
    (r"\small", 0.9),
    (r"\footnotesize", 0.8),
    (r"\scriptsize", 0.7),
)
#: Sphinx sets most cells in a ``varwidth`` box, which justifies its text again (a
#: column's ``>{\raggedright}`` does not reach it); every cell paragraph starts with
#: ``\sphinxAtStartPar``, so inside the table's group that sets it ragged right
RAGGED_CELLS = (
    r"\let\jaOrigAtStartPar\sphinxAtStartPar"
    r"\def\sphinxAtStartPar{\raggedright\arraybackslash\jaOrigAtStartPar}"
)
#: header cells are set in bold sans serif, wider than body text
HEADER_FACTOR = 1.2
#: whether Sphinx's LaTeX writer sets a table inside a ``longtable`` (Sphinx 9 does;
#: 8.2 stops the build with "longtable does not support nesting a table")
LONGTABLE_HOLDS_TABLES = version_info >= (9,)
#: where LaTeX may break a line: spaces, and after a hyphen
_BREAKS = re.compile(r"\s+|(?<=-)")


def word_width(word: str) -> float:
    """The width of *word* in characters of average body text (capitals are wider)."""
    return sum(1.4 if char.isupper() else 1.0 for char in word)


#: a token longer than this gets break points (a URL or a path written as text)
LONG_TOKEN = 14
#: after these characters a long token may break
_BREAK_AFTER = re.compile(r"(?<=[/._:?&=#,;-])")
#: and a piece still longer than this breaks anyway
CHUNK = 16
ALLOW_BREAK = r"\allowbreak{}"


#: attribute of the raw node that holds a text with break points: that text, a space
#: at each break point (what the column widths are measured on)
PLAIN = "ja-plain"


def _pieces(token: str) -> list[str]:
    parts = [part for part in _BREAK_AFTER.split(token) if part]
    return [part[i : i + CHUNK] for part in parts for i in range(0, len(part), CHUNK)]


def make_long_tokens_breakable(table: nodes.table, latex_engine: str) -> None:
    """Let LaTeX break long tokens of plain text (a URL written as text) between pieces.

    Each text with such a token becomes one raw LaTeX node, escaped as Sphinx escapes
    text, with ``\\allowbreak{}`` between the pieces: one node, whatever the number of
    break points (a title of a million dots made two million nodes, and the build
    took minutes). Links are left alone: LaTeX breaks a URL link by itself. Code and
    raw text are left alone too.
    """
    for text in list(table.findall(nodes.Text)):
        parent = text.parent
        if parent is None or any(
            isinstance(node, nodes.reference | nodes.raw | nodes.FixedTextElement)
            for node in (parent, *_ancestors(parent))
        ):
            continue
        value = str(text)
        if not any(len(token) > LONG_TOKEN for token in value.split()):
            continue
        # as the LaTeX writer would write the text, less what pdflatex cannot typeset
        # (that clean-up runs later, on text nodes only: see latex_text)
        value = typesettable(value)
        segments: list[str] = []
        buffer = ""
        for piece in re.split(r"(\s+)", value):
            if len(piece) <= LONG_TOKEN:
                buffer += piece
                continue
            for index, part in enumerate(_pieces(piece)):
                if index:
                    segments.append(buffer)
                    buffer = ""
                buffer += part
        segments.append(buffer)
        # escaping maps each character on its own: the text is escaped in one go, with
        # NUL (which typesettable left out) where the break points go
        latex = texescape.escape("\0".join(segments), latex_engine)
        latex = latex.replace("\0", ALLOW_BREAK)
        raw = nodes.raw("", latex, format="latex")
        raw[PLAIN] = " ".join(segments)
        parent.replace(text, raw)


#: a hyphen LaTeX does not break after (what the widths are measured on)
_KEPT_HYPHEN = "\u2011"


def _entry_text(entry: nodes.entry) -> str:
    """The entry's text with a space wherever LaTeX may break a line.

    A short identifier that links to an object (``Threat-01-S``, ``R-2``) is measured
    whole: its column is made wide enough that LaTeX need not break it after a hyphen,
    which would leave ``Threat-01-`` on one line and ``S`` on the next.
    """
    out = []
    for node in entry.findall(lambda n: isinstance(n, nodes.Text | nodes.raw)):
        if isinstance(node, nodes.raw):
            out.append(str(node.get(PLAIN, "")))
        elif isinstance(node, nodes.Text) and not isinstance(node.parent, nodes.raw):
            text = str(node)
            reference = _reference_around(node, entry)
            if reference is not None and text == reference.get("refuri"):
                out.append(" ".join(_pieces(text)))
            elif reference is not None and _is_identifier(text):
                out.append(text.replace("-", _KEPT_HYPHEN))
            else:
                out.append(text)
    return "".join(out)


def _reference_around(node: nodes.Node, entry: nodes.entry) -> nodes.reference | None:
    """The link *node* is the text of, looking no further up than its table *entry*."""
    parent = node.parent
    while parent is not None and parent is not entry:
        if isinstance(parent, nodes.reference):
            return parent
        parent = parent.parent
    return None


def _is_identifier(text: str) -> bool:
    return 0 < len(text) <= LONG_TOKEN and not any(char.isspace() for char in text)


def longest_words(table: nodes.table, columns: int) -> list[float]:
    """Per column, the width of the longest word that cannot be broken."""
    widths = [1.0] * columns
    for part in table.findall(lambda node: isinstance(node, nodes.thead | nodes.tbody)):
        factor = HEADER_FACTOR if isinstance(part, nodes.thead) else 1.0
        for row in part.children:
            column = 0
            for entry in row.children:
                if not isinstance(entry, nodes.entry):
                    continue
                span = entry.get("morecols", 0) + 1
                if span == 1 and column < columns:
                    words = _BREAKS.split(_entry_text(entry))
                    # only the longest words can be the widest (a capital counts 1.4)
                    most = max(map(len, words), default=0)
                    longest = max(
                        (word_width(word) for word in words if len(word) * 1.4 >= most),
                        default=0.0,
                    )
                    widths[column] = max(widths[column], longest * factor)
                column += span
    return widths


def column_fractions(
    wanted: Sequence[float], longest: Sequence[float], size: float
) -> list[float] | None:
    """Shares of the text width: *wanted*'s proportions, no column below its longest word.

    ``None`` when the longest words alone do not fit at this font *size*.
    """
    minimum = [(word * size + PADDING) / LINE for word in longest]
    if sum(minimum) > 1.0:
        return None
    total = sum(wanted) or 1.0
    fractions = [width / total for width in wanted]
    fixed: set[int] = set()
    # columns below their minimum take it; the others share what is left, by proportion
    for _ in range(len(fractions)):
        short = {i for i, f in enumerate(fractions) if f < minimum[i] - 1e-9} - fixed
        if not short:
            break
        fixed |= short
        left = 1.0 - sum(minimum[i] for i in fixed)
        free = [i for i in range(len(fractions)) if i not in fixed]
        free_total = sum(wanted[i] for i in free) or 1.0
        fractions = [
            minimum[i] if i in fixed else left * wanted[i] / free_total
            for i in range(len(fractions))
        ]
    return fractions


def table_spec(table: nodes.table) -> tuple[str, str]:
    """The column spec of *table* and the font size it is set in (``""``: body size)."""
    groups = [child for child in table.children if isinstance(child, nodes.tgroup)]
    if not groups:
        return "", ""
    specs = [child for child in groups[0].children if isinstance(child, nodes.colspec)]
    wanted = [float(spec.get("colwidth", 1) or 1) for spec in specs]
    longest = longest_words(table, len(specs))
    command, size = SIZES[-1]
    fractions = None
    for candidate in SIZES:
        fractions = column_fractions(wanted, longest, candidate[1])
        if fractions is not None:
            command, size = candidate
            break
    if fractions is None:  # words too long for any size: each column its longest word
        minimum = [word * size + PADDING for word in longest]
        fractions = [width / sum(minimum) for width in minimum]
    columns = "|".join(
        rf">{{\raggedright\arraybackslash}}\X{{{round(f * 1000)}}}{{1000}}" for f in fractions
    )
    return f"|{columns}|", command


class LatexTables(SphinxPostTransform):
    """For LaTeX only: each table of the extension as a ``longtable`` that fits the page.

    Runs after references are resolved (priority 10), so that link texts are known
    when words are measured.
    """

    default_priority = 20
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for table in extension_tables(self.document):
            if any(isinstance(parent, nodes.table) for parent in _ancestors(table)):
                continue  # a table inside a table cell: LaTeX sets it as it is
            make_long_tokens_breakable(table, self.config.latex_engine)
            spec, size = table_spec(table)
            if not spec:
                continue
            if LONGTABLE_HOLDS_TABLES or not _holds_table(table):
                # otherwise (a table copied into a finding's notes shown in the findings
                # table) Sphinx sets it as a tabular, which cannot break across pages
                table["classes"].append("longtable")
            parent = table.parent
            index = parent.index(table)
            begin = f"{BEGIN_MARK}\n\\begingroup{size}{RAGGED_CELLS}\n"
            parent.insert(index + 1, nodes.raw("", f"\\endgroup\n{END_MARK}\n", format="latex"))
            parent.insert(index, addnodes.tabular_col_spec(spec=spec))
            parent.insert(index, nodes.raw("", begin, format="latex"))


def _holds_table(table: nodes.table) -> bool:
    return any(inner is not table for inner in table.findall(nodes.table))


def _ancestors(node: nodes.Node) -> list[nodes.Node]:
    result = []
    while node.parent is not None:
        node = node.parent
        result.append(node)
    return result


def overfull_boxes_in_tables(tex: str, log: str) -> list[str]:
    """The overfull-box messages of *log* whose lines fall inside the extension's tables.

    *tex* is the main ``.tex`` file, *log* its LaTeX log: TeX reports an overfull box
    "in paragraph at lines N--M" of the file it is reading.
    """
    ranges: list[tuple[int, int]] = []
    start = None
    for number, line in enumerate(tex.splitlines(), start=1):
        if line == BEGIN_MARK:
            start = number
        elif line == END_MARK and start is not None:
            ranges.append((start, number))
            start = None
    found = []
    for match in re.finditer(r"^Overfull \\hbox .*?lines (\d+)--(\d+)$", log, re.MULTILINE):
        first, last = int(match.group(1)), int(match.group(2))
        if any(low <= first and last <= high for low, high in ranges):
            found.append(match.group(0))
    return found


def report_overfull(folder: Path) -> int:
    """Print the overfull boxes of each compiled ``.tex`` in *folder*; 1 if any in our tables."""
    status = 0
    for tex in sorted(folder.glob("*.tex")):
        log_path = tex.with_suffix(".log")
        if not log_path.is_file():
            continue
        log = log_path.read_text(encoding="utf-8", errors="replace")
        found = overfull_boxes_in_tables(tex.read_text(encoding="utf-8"), log)
        total = len(re.findall(r"^Overfull \\hbox", log, re.MULTILINE))
        print(f"{tex.name}: {len(found)} overfull boxes in extension tables ({total} in all)")
        for message in found:
            print(f"  {message}")
        status = status or (1 if found else 0)
    return status


def setup_latex_tables(app: Sphinx) -> None:
    app.add_post_transform(LatexTables)
