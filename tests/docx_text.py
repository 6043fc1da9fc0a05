"""Reading a rendered .docx back in tests: paragraphs in document order (including those inside tables)
and the text of every table cell, merged cells once.

    doc = open_docx(render("park_application", payload))
    assert "一、基本情况" in paragraphs(doc)
    block = find_table(doc, "近三年主要发展指标")
    assert row_starting(block, "总营业收入（亿元）") == ["总营业收入（亿元）", "1268.40", ...]

python-docx renders a line break (w:br) as "\\n" and a tab as "\\t" in a paragraph's text.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterator
from pathlib import Path

import docx
from docx.document import Document
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

Rows = list[list[str]]


def open_docx(data: bytes | Path) -> Document:
    if isinstance(data, Path):
        data = data.read_bytes()
    return docx.Document(io.BytesIO(data))


def _walk(container) -> Iterator[Paragraph]:
    for item in container.iter_inner_content():
        if isinstance(item, Paragraph):
            yield item
        else:
            for cell in cells(item):
                yield from _walk(cell)


def paragraphs(doc: Document) -> list[str]:
    """Text of every paragraph of the body in document order, table cells included."""
    return [p.text for p in _walk(doc)]


def full_text(doc: Document) -> str:
    return "\n".join(paragraphs(doc))


def cells(table: Table) -> list[_Cell]:
    """The table's real cells (w:tc), row by row; a cell spanning columns appears once."""
    return [_Cell(tc, table) for tr in table._tbl.tr_lst for tc in tr.tc_lst]


def table_rows(table: Table) -> Rows:
    """Each row as the texts of its real cells."""
    return [[_Cell(tc, table).text for tc in tr.tc_lst] for tr in table._tbl.tr_lst]


def _is_block_title(tr) -> bool:
    """A row that opens a block of a form: one cell, its text set in 黑体 (kit's "section" cells)."""
    if len(tr.tc_lst) != 1:
        return False
    fonts = tr.tc_lst[0].findall(".//" + qn("w:rFonts"))
    return bool(fonts) and all(f.get(qn("w:eastAsia")) == "黑体" for f in fonts)


def tables(doc: Document) -> list[Rows]:
    """Every top-level table of the body as rows of cell texts; a table holding several blocks of a form
    (一、基本情况 is one ruled table) is split into its blocks, each starting at its title row."""
    out: list[Rows] = []
    for table in doc.tables:
        rows = table._tbl.tr_lst
        starts = [i for i, tr in enumerate(rows) if i and _is_block_title(tr)]
        bounds = [0, *starts, len(rows)]
        for first, end in itertools.pairwise(bounds):
            out.append([[_Cell(tc, table).text for tc in tr.tc_lst] for tr in rows[first:end]])
    return out


def cell_texts(doc: Document) -> set[str]:
    return {text for rows in tables(doc) for row in rows for text in row}


def find_table(doc: Document | list[Rows], title: str) -> Rows:
    """The table whose first cell is `title` (a block of the form such as "近三年主要发展指标")."""
    all_tables = tables(doc) if isinstance(doc, Document) else doc
    found = [rows for rows in all_tables if rows and rows[0] and rows[0][0] == title]
    if len(found) != 1:
        raise AssertionError(f"expected one table titled {title!r}, found {len(found)}")
    return found[0]


def row_starting(rows: Rows, label: str) -> list[str]:
    """The row whose first cell is `label`."""
    found = [row for row in rows if row and row[0] == label]
    if len(found) != 1:
        raise AssertionError(f"expected one row starting with {label!r}, found {len(found)}: {rows}")
    return found[0]


def value_after(rows: Rows, label: str) -> str:
    """The text of the cell right after the cell `label` (a label/value pair)."""
    found = [row[i + 1] for row in rows for i, text in enumerate(row[:-1]) if text == label]
    if len(found) != 1:
        raise AssertionError(f"expected one cell {label!r} followed by a value, found {len(found)}")
    return found[0]


# --- Payload values in the form's tables -------------------------------------------------------------------


def shown(value: object) -> str:
    """How a payload value is expected to read in the document (independent of the rendering code)."""
    import datetime as dt
    from decimal import ROUND_HALF_UP, Decimal
    from enum import Enum

    if value is None:
        return ""
    if isinstance(value, bool):
        return "☑" if value else "☐"
    if isinstance(value, Decimal | float):
        return str(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


def text_paragraphs(text: str) -> list[str]:
    """A narrative as the document shows it: one paragraph per non-empty line, stripped."""
    return [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if line.strip()]


def payload_mismatches(doc: Document, model, *, skip: set[str] = frozenset()) -> list[str]:
    """Every value of a form payload checked in the table of its block; returns what is missing or wrong.

    A sub-model field of the payload is a block: the table whose first cell is the field's title. In it, a
    year series is the row starting with its title (2023, 2024, 2025, 近三年平均值); any other value is the
    cell after its title; a bool is the cell "☑ title" / "☐ title". A list is a table whose rows after the
    two title rows are the items' fields in order. A top-level text is a table with the instruction line and
    the text's paragraphs. `skip` names fields (dotted paths) a test checks in its own way; fields marked
    `"x-printed": False` in their JSON schema extra are not on the form and are skipped too.
    """
    from pydantic import BaseModel

    from service.payloads.common import YearSeries

    problems: list[str] = []
    all_tables = tables(doc)
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        if name in skip:
            continue
        try:
            block = find_table(all_tables, info.title)
        except AssertionError as exc:
            problems.append(f"{name}: {exc}")
            continue
        if isinstance(value, list):
            rows = block[2:]
            if len(rows) != len(value):
                problems.append(f"{name}: {len(rows)} rows for {len(value)} items")
            for index, (row, item) in enumerate(zip(rows, value, strict=False)):
                expected = [shown(getattr(item, f)) for f in type(item).model_fields]
                if row != expected:
                    problems.append(f"{name}[{index}]: {row} != {expected}")
        elif isinstance(value, str):
            cell = block[1][0].split("\n")
            if cell[0] != "详细描述有关情况（不超过 2000 字）。" or cell[1:] != text_paragraphs(value):
                problems.append(f"{name}: narrative cell reads {cell[:3]}…")
        elif isinstance(value, BaseModel):
            for sub, sub_info in type(value).model_fields.items():
                if f"{name}.{sub}" in skip or (sub_info.json_schema_extra or {}).get("x-printed") is False:
                    continue  # a test checks it its own way, or the form does not print it
                sub_value = getattr(value, sub)
                try:
                    if isinstance(sub_value, YearSeries):
                        expected = [sub_info.title] + [shown(v) for v in (*sub_value.values(), sub_value.average)]
                        actual = row_starting(block, sub_info.title)
                    elif isinstance(sub_value, bool):
                        expected = f"{shown(sub_value)} {sub_info.title}"
                        actual = expected if expected in {c for row in block for c in row} else "（没有）"
                    else:
                        expected = shown(sub_value)
                        actual = value_after(block, sub_info.title)
                except AssertionError as exc:
                    problems.append(f"{name}.{sub}: {exc}")
                    continue
                if actual != expected:
                    problems.append(f"{name}.{sub}: {actual!r} != {expected!r}")
    return problems


def unfilled_fields(model_cls, data: dict, path: str = "$") -> list[str]:
    """JSON paths of the model's fields that a sample leaves missing or empty (nested models included)."""
    missing: list[str] = []
    for name, info in model_cls.model_fields.items():
        key = info.alias or name
        if not isinstance(data, dict) or data.get(key) in (None, "", []):
            missing.append(f"{path}.{key}")
            continue
        sub = info.annotation
        if isinstance(sub, type) and hasattr(sub, "model_fields"):
            missing += unfilled_fields(sub, data[key], f"{path}.{key}")
    return missing


def seed_form_mismatches(doc: Document, table_labels: list[str], body_lines: list[str]) -> list[str]:
    """What a rendered form lacks of the seed form: table labels, body lines, and the seed's order of both."""
    problems = [f"label missing: {label}" for label in table_labels if label not in cell_texts(doc)]
    body = paragraphs(doc)
    problems += [f"line missing: {line}" for line in body_lines if line not in body]
    positions = [body.index(line) for line in body_lines if line in body]
    if positions != sorted(positions):
        problems.append("body lines out of the seed's order")
    order = [block[0][0] for block in tables(doc)[1:-1]]  # between the cover and the 推荐意见 box
    if order != [label for label in table_labels if label in order]:
        problems.append(f"table blocks out of the seed's order: {order}")
    return problems
