"""Plain docutils tables for the object features (risks, findings, issues, metadata).

Each feature's summary is a standard ``table`` node, so every builder (html, text,
LaTeX, man, the Markdown of the ``jointassessment`` builder) writes it with no
extra support. This module only turns rows of cell contents into that node.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Union

from docutils import nodes

from .i18n import _

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

#: what one table cell may be given as: text, an inline node, body nodes, or a list of them
CellContent = Union[str, nodes.Node, "Sequence[CellContent]", None]


def _body_nodes(content: CellContent) -> list[nodes.Node]:
    """Body elements for a table cell; runs of text and inline nodes share one paragraph."""
    if content is None:
        return []
    items = [content] if isinstance(content, str | nodes.Node) else list(content)
    result: list[nodes.Node] = []
    para: nodes.paragraph | None = None
    for item in items:
        if item is None:
            continue
        if not isinstance(item, nodes.Node) and isinstance(item, str):
            item = nodes.Text(item)
        if isinstance(item, nodes.Text | nodes.Inline):
            if para is None:
                para = nodes.paragraph()
                result.append(para)
            para += item
        elif isinstance(item, nodes.Node):
            para = None
            result.append(item)
        else:
            para = None
            result.extend(_body_nodes(item))
    return result


def entry(content: CellContent, classes: Iterable[str] = ()) -> nodes.entry:
    cell = nodes.entry(classes=list(classes))
    cell.extend(_body_nodes(content))
    return cell


def build_table(
    columns: Sequence[tuple[str, int]],
    rows: Iterable[Sequence[CellContent]],
    *,
    classes: Iterable[str] = (),
    title: str | None = None,
    header: bool = True,
    stub: bool = False,
    row_classes: Sequence[Sequence[str]] | None = None,
) -> nodes.table:
    """A table with *columns* (header text, width in characters for the text builder).

    ``stub`` makes the first column row headers (``<th>``), for two-column tables of
    fields, so screen readers announce which field a value belongs to.
    """
    table = nodes.table(classes=list(classes))
    if title:
        table += nodes.title(text=title)
    group = nodes.tgroup(cols=len(columns))
    table += group
    for index, (_name, width) in enumerate(columns):
        spec = nodes.colspec(colwidth=width)
        if stub and index == 0:
            spec["stub"] = 1
        group += spec
    if header:
        head = nodes.thead()
        group += head
        head_row = nodes.row()
        head += head_row
        for name, _width in columns:
            head_row += entry(_(name))  # headers are the extension's own texts
    body = nodes.tbody()
    group += body
    for index, cells in enumerate(rows):
        row = nodes.row(classes=list(row_classes[index]) if row_classes else [])
        for cell in cells:
            row += entry(cell)
        body += row
    return table


def field_list(
    fields: Iterable[tuple[str, CellContent]], classes: Iterable[str] = ()
) -> nodes.field_list:
    """Name/value pairs shown with an object in place (Likelihood, Status, Reviewer...)."""
    result = nodes.field_list(classes=list(classes))
    for name, content in fields:
        field = nodes.field()
        # the extension's own text, in its catalog: not offered in the user's
        field += nodes.field_name(text=name, translatable=False)
        field_body = nodes.field_body()
        field_body.extend(_body_nodes(content))
        field += field_body
        result += field
    return result


def heading_paragraph(
    text: str, *extra: nodes.Node, classes: Iterable[str] = ()
) -> nodes.paragraph:
    """The first line of an object shown in place: its id and title in bold, then badges."""
    para = nodes.paragraph(classes=["ja-object-title", *classes])
    para += nodes.strong(text=text)
    for node in extra:
        para += nodes.Text(" ")
        para += node
    return para


def empty_note(text: str) -> nodes.paragraph:
    """What a summary shows when there is nothing to list, instead of an empty table."""
    return nodes.paragraph(text=text, classes=["ja-empty"])
