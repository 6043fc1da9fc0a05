"""The fill-in workbook of a template: written from its `WorkbookLayout`, optionally filled from a payload.

Input cells are pale yellow and unlocked; labels, headers and formulas are locked (the sheets are protected without a
password, so a clerk cannot shift the layout by accident but can lift the protection knowingly). Every input cell has
the data validation of its field: drop-down lists for enumerations and 是/否, whole or decimal ranges, dates, text
length (≤ 2000 for narratives).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from service.excel.mapping import (
    AVERAGE_COLUMN,
    BOOL_FALSE,
    BOOL_TRUE,
    FIRST_ROW,
    FORM_HEADERS,
    HEADER_ROW,
    HINT_COLUMN,
    META_SHEET,
    TITLE_ROW,
    VALUE_COLUMN,
    WORKBOOK_FORMAT,
    FormSheet,
    Leaf,
    TableSheet,
    WorkbookLayout,
)
from service.output.xlsx import xlsx_bytes

INPUT_FILL = PatternFill("solid", fgColor="FFF7D6")
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FONT = "宋体"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
INPUT_MARK = "黄色单元格为填写区；灰色为标题和公式，不可修改。"


def _font(bold: bool = False, size: float = 11) -> Font:
    return Font(name=FONT, bold=bold, size=size)


def _validation(leaf: Leaf) -> DataValidation | None:
    """The data validation of a field's input cells (cells are added by the caller)."""
    label = leaf.label[:32]
    dv: DataValidation | None = None
    if leaf.kind == "enum":
        dv = DataValidation(type="list", formula1='"' + ",".join(str(v) for v in leaf.enum) + '"')
        dv.error = "请从下拉列表中选择：" + "、".join(str(v) for v in leaf.enum)
    elif leaf.kind == "boolean":
        dv = DataValidation(type="list", formula1=f'"{BOOL_TRUE},{BOOL_FALSE}"')
        dv.error = f"请选择“{BOOL_TRUE}”或“{BOOL_FALSE}”"
    elif leaf.kind in ("integer", "number"):
        low = leaf.minimum if leaf.minimum is not None else -1e15
        high = leaf.maximum if leaf.maximum is not None else 1e15
        dv = DataValidation(
            type="whole" if leaf.kind == "integer" else "decimal",
            operator="between",
            formula1=_formula_number(low),
            formula2=_formula_number(high),
        )
        what = "整数" if leaf.kind == "integer" else "数字"
        dv.error = f"请输入{what}（{_formula_number(low)} 至 {_formula_number(high)}）"
    elif leaf.kind in ("date", "datetime"):
        dv = DataValidation(type="date", operator="between", formula1="1", formula2="109574")  # 1900-01-01 … 2199
        dv.error = "请输入日期，如 2026-03-18"
    elif leaf.max_length:
        dv = DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(leaf.max_length))
        dv.error = f"最多 {leaf.max_length} 个字"
    if dv is None:
        return None
    dv.allow_blank = True
    dv.showErrorMessage = True
    dv.errorTitle = label
    dv.promptTitle = label
    dv.prompt = leaf.hint[:255]
    dv.showInputMessage = True
    return dv


def _formula_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _style_input(cell: Any, leaf: Leaf) -> None:
    cell.fill = INPUT_FILL
    cell.border = BORDER
    cell.protection = Protection(locked=False)
    cell.font = _font()
    if leaf.kind == "date":
        cell.number_format = DATE_FORMAT
    elif leaf.kind == "datetime":
        cell.number_format = DATETIME_FORMAT
    elif leaf.kind in ("text", "narrative", "enum"):
        # Text cells keep what is typed: a phone number or credit code is not turned into a number.
        cell.number_format = "@"
    elif leaf.kind == "number":
        cell.number_format = "0.00##"
    elif leaf.kind == "integer":
        cell.number_format = "0"
    wrap = leaf.kind == "narrative" or leaf.kind == "text"
    cell.alignment = Alignment(vertical="top", wrap_text=wrap)


def cell_value(leaf: Leaf, value: Any) -> Any:
    """A payload value as the cell holds it (dates as dates, booleans as 是/否)."""
    if value is None:
        return None
    if leaf.kind == "boolean":
        return BOOL_TRUE if value else BOOL_FALSE
    if leaf.kind == "date" and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value  # the importer reports it at its cell
    if leaf.kind == "datetime" and isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, Decimal):
        return float(value)
    return value


def _title(ws: Worksheet, text: str, width: int) -> None:
    ws.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=width)
    cell = ws.cell(TITLE_ROW, 1, text)
    cell.font = _font(bold=True, size=14)
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[TITLE_ROW].height = 30


def _header(ws: Worksheet, labels: list[str]) -> None:
    for col, text in enumerate(labels, start=1):
        cell = ws.cell(HEADER_ROW, col, text)
        cell.font = _font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.freeze_panes = ws.cell(FIRST_ROW, 1)


def _page_setup(ws: Worksheet, landscape: bool) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.protection.sheet = True
    ws.protection.formatRows = False
    ws.protection.formatColumns = False
    ws.protection.sort = False
    ws.protection.autoFilter = False


def _get(payload: Any, loc: tuple[str | int, ...]) -> Any:
    current = payload
    for part in loc:
        if isinstance(part, int):
            if not isinstance(current, list) or part >= len(current):
                return None
            current = current[part]
        else:
            if not isinstance(current, dict):
                return None
            current = current.get(part)
    return current


def _form_sheet(ws: Worksheet, sheet: FormSheet, payload: Any) -> None:
    _title(ws, sheet.title, len(FORM_HEADERS))
    _header(ws, list(FORM_HEADERS))
    validations: dict[int, tuple[DataValidation, list[str]]] = {}

    def validate(leaf: Leaf, ref: str) -> None:
        dv = _validation(leaf)
        if dv is None:
            return
        key = hash((leaf.kind, leaf.enum, leaf.minimum, leaf.maximum, leaf.max_length, leaf.label))
        validations.setdefault(key, (dv, []))[1].append(ref)

    for r in sheet.rows:
        label = ws.cell(r.row, 1, r.label)
        label.font = _font(bold=r.heading)
        label.border = BORDER
        label.alignment = Alignment(vertical="top", wrap_text=True, indent=0 if r.heading else 1)
        if r.heading:
            for col in range(2, HINT_COLUMN + 1):
                ws.cell(r.row, col).border = BORDER
            continue
        if r.leaf is not None:
            cell = ws.cell(r.row, VALUE_COLUMN, cell_value(r.leaf, _get(payload, r.loc)))
            _style_input(cell, r.leaf)
            validate(r.leaf, cell.coordinate)
            if r.leaf.kind == "narrative":
                # Narratives span B–E so that a paragraph is readable; only B holds the value.
                ws.merge_cells(start_row=r.row, start_column=VALUE_COLUMN, end_row=r.row, end_column=AVERAGE_COLUMN)
                ws.row_dimensions[r.row].height = 150
            else:
                for col in range(VALUE_COLUMN + 1, AVERAGE_COLUMN + 1):
                    ws.cell(r.row, col).border = BORDER
            hint = ws.cell(r.row, HINT_COLUMN, r.leaf.hint)
        else:
            for i, leaf in enumerate(r.series):
                cell = ws.cell(r.row, VALUE_COLUMN + i, cell_value(leaf, _get(payload, (*r.loc, leaf.key))))
                _style_input(cell, leaf)
                validate(leaf, cell.coordinate)
            first = ws.cell(r.row, VALUE_COLUMN).coordinate
            last = ws.cell(r.row, VALUE_COLUMN + len(r.series) - 1).coordinate
            # 近三年平均值 of the years filled in, as the service computes it (rounded to 2 places).
            avg = ws.cell(r.row, AVERAGE_COLUMN, f'=IF(COUNT({first}:{last})=0,"",ROUND(AVERAGE({first}:{last}),2))')
            avg.border = BORDER
            avg.number_format = "0.00"
            avg.font = _font()
            hint = ws.cell(r.row, HINT_COLUMN, "选填；各年数字，近三年平均值自动计算" + _series_hint(r.series[0]))
        hint.font = _font(size=9)
        hint.border = BORDER
        hint.alignment = Alignment(vertical="top", wrap_text=True)
    for dv, refs in validations.values():
        dv.sqref = " ".join(refs)
        ws.add_data_validation(dv)
    for letter, width in zip("ABCDEF", (44, 30, 14, 14, 14, 46), strict=True):
        ws.column_dimensions[letter].width = width
    ws.cell(sheet.last_row + 2, 1, INPUT_MARK).font = _font(size=9)
    _page_setup(ws, landscape=False)


def _series_hint(leaf: Leaf) -> str:
    if leaf.kind == "integer":
        return "（整数）"
    if leaf.minimum is not None and leaf.minimum < 0:
        return "（可为负）"
    return ""


def _table_sheet(ws: Worksheet, sheet: TableSheet, payload: Any) -> None:
    width = len(sheet.columns) + 1
    limit = f"（最多 {sheet.max_rows} 行" + (f"，至少 {sheet.min_rows} 行）" if sheet.min_rows else "）")
    _title(ws, sheet.title + limit, width)
    _header(ws, ["序号", *[c.label for c in sheet.columns]])
    items = _get(payload, sheet.loc)
    items = items if isinstance(items, list) else []
    last = sheet.last_row
    for n in range(sheet.max_rows):
        row = FIRST_ROW + n
        seq = ws.cell(row, 1, n + 1)
        seq.border = BORDER
        seq.font = _font()
        seq.alignment = Alignment(horizontal="center")
        item = items[n] if n < len(items) else None
        for i, leaf in enumerate(sheet.columns):
            value = item if sheet.scalar_items else (item.get(leaf.key) if isinstance(item, dict) else None)
            cell = ws.cell(row, sheet.column_of(i), cell_value(leaf, value))
            _style_input(cell, leaf)
    for i, leaf in enumerate(sheet.columns):
        dv = _validation(leaf)
        if dv is not None:
            col = get_column_letter(sheet.column_of(i))
            dv.sqref = f"{col}{FIRST_ROW}:{col}{last}"
            ws.add_data_validation(dv)
        ws.column_dimensions[get_column_letter(sheet.column_of(i))].width = _column_width(leaf)
    ws.column_dimensions["A"].width = 6
    note_row = last + 2
    ws.cell(note_row, 1, INPUT_MARK + "每行一项，空行不计。").font = _font(size=9)
    for i, leaf in enumerate(sheet.columns):
        ws.cell(note_row + 1 + i, 1, f"{leaf.label}：{leaf.hint}").font = _font(size=9)
    _page_setup(ws, landscape=width > 4)


def _column_width(leaf: Leaf) -> float:
    """Wide enough for the Chinese header (two units a character) and for typical values."""
    header = sum(2 if ord(ch) > 0x2E80 else 1 for ch in leaf.label) + 2
    typical = {"narrative": 60, "text": 30, "enum": 20, "date": 12, "datetime": 18}.get(leaf.kind, 12)
    if leaf.kind == "text" and leaf.max_length and leaf.max_length <= 50:
        typical = 16
    return float(min(max(header, typical), 60))


def _meta_sheet(wb: Workbook, layout: WorkbookLayout) -> None:
    ws = wb.create_sheet(META_SHEET)
    for row, (key, value) in enumerate(
        (("template_id", layout.template_id), ("version", layout.version), ("format", WORKBOOK_FORMAT)), start=1
    ):
        ws.cell(row, 1, key)
        ws.cell(row, 2, value)
    ws.sheet_state = "hidden"
    ws.protection.sheet = True


def write_workbook(layout: WorkbookLayout, payload: Any = None) -> bytes:
    """The fill-in workbook as .xlsx bytes; with `payload`, its values are filled in."""
    wb = Workbook()
    default = wb.active
    assert default is not None
    wb.remove(default)
    wb.properties.title = layout.title
    wb.properties.subject = "Excel 填报表"
    wb.properties.creator = "docgen"
    for sheet in layout.sheets:
        ws = wb.create_sheet(sheet.name)
        if isinstance(sheet, FormSheet):
            _form_sheet(ws, sheet, payload)
        else:
            _table_sheet(ws, sheet, payload)
    _meta_sheet(wb, layout)
    return xlsx_bytes(wb)


def workbook_for(template_id: str, payload: Any = None) -> bytes:
    """The fill-in workbook of a catalog template."""
    from service.excel.mapping import layout_for

    return write_workbook(layout_for(template_id), payload)
