"""A filled-in workbook back to the JSON payload, through the same `WorkbookLayout` the writer used.

Every problem is reported at once, each located as `工作表!单元格` with its JSON path and Chinese label: cells of the
wrong type (text in a number cell, a date typed as text), formulas that return errors, merged cells over input
cells, missing sheets or a shifted layout, and then every error of the payload's own validation, mapped back to the
cell it came from.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
import zipfile
from dataclasses import dataclass
from typing import Any

from service.errors import DocgenError, ErrorKind, FieldError
from service.excel.mapping import (
    AVERAGE_COLUMN,
    BOOL_FALSE,
    BOOL_TRUE,
    FIRST_ROW,
    HEADER_ROW,
    META_SHEET,
    TITLE_ROW,
    VALUE_COLUMN,
    FormSheet,
    Leaf,
    TableSheet,
    WorkbookLayout,
    cell_ref,
    layout_for,
)
from service.excel.safety import WorkbookRefused, check_workbook_bytes
from service.payloads.errors import Loc, json_path, label_for

EXCEL_ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "Err:")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class CellError(FieldError):
    """A FieldError located in a workbook: `cell` is `工作表!单元格`."""

    cell: str = ""


class WorkbookInvalid(DocgenError):
    """A workbook whose cells or payload are wrong: carries every `CellError`."""

    code = "workbook_invalid"
    kind = ErrorKind.INVALID
    title = "Excel 数据有误"

    def __init__(self, errors: list[CellError]) -> None:
        super().__init__(f"Excel 工作簿有 {len(errors)} 处错误，请按单元格逐一修改。", errors=errors)


class _BadCell(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def convert(leaf: Leaf, value: Any) -> Any:
    """The payload value of a cell value, or _BadCell; None for an empty cell."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str) and value.startswith(EXCEL_ERRORS):
        raise _BadCell("formula_error", f"公式计算出错（{value}），请改为填写数值")
    kind = leaf.kind
    if kind in ("text", "narrative"):
        return _text(value).replace("\r\n", "\n").replace("\r", "\n")
    if kind == "enum":
        text = _text(value).strip()
        for option in leaf.enum:
            if str(option) == text:
                return option
        raise _BadCell("not_allowed_value", f"“{text}”不在下拉列表中，只能是以下之一：{'、'.join(map(str, leaf.enum))}")
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        text = _text(value).strip()
        if text in (BOOL_TRUE, "TRUE", "true"):
            return True
        if text in (BOOL_FALSE, "FALSE", "false"):
            return False
        raise _BadCell("wrong_type", f"应选择“{BOOL_TRUE}”或“{BOOL_FALSE}”，而不是“{text}”")
    if kind in ("integer", "number"):
        if isinstance(value, bool) or isinstance(value, dt.date | dt.time):
            raise _BadCell("wrong_type", "应填写数字")
        if isinstance(value, str):
            raise _BadCell(
                "number_text",
                f"应填写数字，而单元格中是文字“{value.strip()[:30]}”（以文本格式存储的数字请转换为数字，不要带单位）",
            )
        if kind == "integer":
            if isinstance(value, float) and not value.is_integer():
                raise _BadCell("wrong_type", f"应为整数，不能有小数（{value}）")
            return int(value)
        return float(value)
    if kind == "date":
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
            return value.strip()
        raise _BadCell(
            "date_text",
            f"应为日期，而单元格中是{'文字' if isinstance(value, str) else '数字'}“{_text(value).strip()[:30]}”："
            "请按日期格式输入，如 2026-03-18",
        )
    if kind == "datetime":
        if isinstance(value, dt.datetime):
            return value.isoformat(timespec="seconds" if value.second else "minutes")
        if isinstance(value, dt.date):
            return dt.datetime.combine(value, dt.time()).isoformat(timespec="minutes")
        raise _BadCell(
            "date_text", f"应为日期和时间，而单元格中是“{_text(value).strip()[:30]}”：请输入如 2026-03-19 10:00"
        )
    return value


def _set(payload: dict[str, Any], loc: Loc, value: Any) -> None:
    current: Any = payload
    for part, nxt in itertools.pairwise(loc):
        if isinstance(current, dict):
            current = current.setdefault(part, [] if isinstance(nxt, int) else {})
        else:
            while len(current) <= int(part):
                current.append([] if isinstance(nxt, int) else {})
            current = current[int(part)]
    last = loc[-1]
    if isinstance(current, dict):
        current[last] = value
    else:
        current.append(value)


class _Reader:
    def __init__(self, layout: WorkbookLayout, model: Any) -> None:
        self.layout = layout
        self.model = model
        self.errors: list[CellError] = []
        self.cells: dict[str, str] = {}
        """JSON path → cell, for the values read (table items are numbered as they end up in the payload)."""

    def error(self, loc: Loc | str, ref: str, code: str, message: str) -> None:
        path = loc if isinstance(loc, str) else json_path(loc)
        label = "" if isinstance(loc, str) else label_for(self.model, loc)
        self.errors.append(CellError(path, label, code, f"{ref}：{message}", cell=ref))

    def read(self, wb: Any, name: str) -> dict[str, Any]:
        self._meta(wb, name)
        payload: dict[str, Any] = {}
        found = set(wb.sheetnames)
        for sheet in self.layout.sheets:
            if sheet.name not in found:
                loc = sheet.loc if isinstance(sheet, TableSheet) else sheet.rows[0].loc[:1]
                self.error(
                    loc,
                    f"{sheet.name}!A1",
                    "sheet_missing",
                    f"缺少工作表“{sheet.name}”（工作表不能改名或删除；本文件的工作表：{'、'.join(wb.sheetnames)}）",
                )
                continue
            ws = wb[sheet.name]
            merged = self._merged(ws, sheet)
            if isinstance(sheet, FormSheet):
                self._form(ws, sheet, merged, payload)
            else:
                self._table(ws, sheet, merged, payload)
        return payload

    def _meta(self, wb: Any, name: str) -> None:
        if META_SHEET not in wb.sheetnames:
            raise WorkbookRefused(
                f"{name} 不是本服务生成的填报表（缺少隐藏工作表 {META_SHEET}）："
                "请用“下载 Excel 填报表”得到的工作簿填写",
                code="workbook_not_docgen",
            )
        ws = wb[META_SHEET]
        meta = {str(ws.cell(r, 1).value): str(ws.cell(r, 2).value) for r in range(1, 4)}
        if meta.get("template_id") != self.layout.template_id:
            raise WorkbookRefused(
                f"{name} 是模板“{meta.get('template_id')}”的填报表，不能导入为“{self.layout.template_id}”",
                code="workbook_template_mismatch",
            )
        if meta.get("version") != self.layout.version:
            raise WorkbookRefused(
                f"{name} 是模板“{self.layout.template_id}”旧版本（{meta.get('version')}）的填报表，当前版本为 "
                f"{self.layout.version}：请下载新的填报表，把数据复制过去后再导入",
                code="workbook_version_mismatch",
            )

    def _merged(self, ws: Any, sheet: FormSheet | TableSheet) -> set[tuple[int, int]]:
        """Input cells covered by a merge the writer did not make (reported once per merge)."""
        allowed: set[str] = {f"A{TITLE_ROW}:{_col(_width(sheet))}{TITLE_ROW}"}
        if isinstance(sheet, FormSheet):
            allowed |= {
                f"B{r.row}:{_col(AVERAGE_COLUMN)}{r.row}"
                for r in sheet.rows
                if r.leaf is not None and r.leaf.kind == "narrative"
            }
        bad: set[tuple[int, int]] = set()
        for rng in ws.merged_cells.ranges:
            if rng.coord in allowed or rng.max_row < FIRST_ROW:
                continue
            cells = {(r, c) for r in range(rng.min_row, rng.max_row + 1) for c in range(rng.min_col, rng.max_col + 1)}
            bad |= cells
            self.error(
                "$",
                cell_ref(ws.title, rng.min_row, rng.min_col),
                "merged_cells",
                f"单元格 {rng.coord} 被合并：填写区不能合并单元格，请取消合并后每格填写一个值",
            )
        return bad

    def _value(self, ws: Any, row: int, col: int, leaf: Leaf, loc: Loc, merged: set[tuple[int, int]]) -> Any:
        ref = cell_ref(ws.title, row, col)
        self.cells[json_path(loc)] = ref
        if (row, col) in merged:
            return None
        cell = ws.cell(row, col)
        value = cell.value
        if cell.data_type == "e":
            self.error(loc, ref, "formula_error", f"公式计算出错（{value}），请改为填写数值")
            return None
        try:
            return convert(leaf, value)
        except _BadCell as bad:
            self.error(loc, ref, bad.code, bad.message)
            return None

    def _form(self, ws: Any, sheet: FormSheet, merged: set[tuple[int, int]], payload: dict[str, Any]) -> None:
        # The objects of the sheet exist even when empty, so that each missing field is reported at its own cell.
        for r in sheet.rows:
            container = r.loc if r.heading else r.loc[:-1]
            if container:
                self._ensure(payload, container)
        for r in sheet.rows:
            label = ws.cell(r.row, 1).value
            if str(label or "").strip() != r.label:
                self.error(
                    r.loc,
                    cell_ref(ws.title, r.row, 1),
                    "layout_changed",
                    f"此处应为“{r.label}”，而是“{label or ''}”：请不要在填报表中插入或删除行",
                )
                continue
            if r.leaf is not None:
                value = self._value(ws, r.row, VALUE_COLUMN, r.leaf, r.loc, merged)
                if value is not None:
                    _set(payload, r.loc, value)
            for i, leaf in enumerate(r.series):
                loc = (*r.loc, leaf.key)
                value = self._value(ws, r.row, VALUE_COLUMN + i, leaf, loc, merged)
                if value is not None:
                    _set(payload, loc, value)
            if r.heading:
                self.cells[json_path(r.loc)] = cell_ref(ws.title, r.row, 1)

    def _ensure(self, payload: dict[str, Any], loc: Loc) -> None:
        current: Any = payload
        for part in loc:
            current = current.setdefault(part, {})

    def _table(self, ws: Any, sheet: TableSheet, merged: set[tuple[int, int]], payload: dict[str, Any]) -> None:
        for i, leaf in enumerate(sheet.columns):
            col = sheet.column_of(i)
            header = str(ws.cell(HEADER_ROW, col).value or "").strip()
            if header != leaf.label:
                self.error(
                    sheet.loc,
                    cell_ref(ws.title, HEADER_ROW, col),
                    "layout_changed",
                    f"此列应为“{leaf.label}”，而是“{header}”：请不要插入、删除或移动列",
                )
                return
        self.cells[json_path(sheet.loc)] = cell_ref(ws.title, TITLE_ROW, 1)
        items: list[Any] = []
        last_col = sheet.column_of(len(sheet.columns) - 1)
        for row in range(FIRST_ROW, sheet.last_row + 1):
            raw = [ws.cell(row, sheet.column_of(i)).value for i in range(len(sheet.columns))]
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in raw):
                if not any((row, c) in merged for c in range(2, last_col + 1)):
                    continue
            n = len(items)
            item: dict[str, Any] = {}
            value: Any = None
            for i, leaf in enumerate(sheet.columns):
                loc: Loc = (*sheet.loc, n) if sheet.scalar_items else (*sheet.loc, n, leaf.key)
                value = self._value(ws, row, sheet.column_of(i), leaf, loc, merged)
                if value is not None:
                    item[leaf.key] = value
            self.cells[json_path((*sheet.loc, n))] = cell_ref(ws.title, row, 2)
            items.append(value if sheet.scalar_items else item)
        # Rows typed below the table are beyond the schema's limit: say so instead of dropping them.
        for row in range(sheet.last_row + 1, (ws.max_row or 0) + 1):
            values = [ws.cell(row, c).value for c in range(2, last_col + 1)]
            if any(v is not None and str(v).strip() for v in values) and ws.cell(row, 1).value is not None:
                if isinstance(ws.cell(row, 1).value, int | float):
                    self.error(
                        sheet.loc,
                        cell_ref(ws.title, row, 2),
                        "too_many_items",
                        f"“{sheet.title}”最多填写 {sheet.max_rows} 行，第 {row} 行超出范围",
                    )
                    break
        if items:
            _set(payload, sheet.loc, items)

    def locate(self, path: str) -> str:
        probe = path
        while probe and probe != "$":
            if probe in self.cells:
                return self.cells[probe]
            probe = re.sub(r"(\.[^.\[]+|\[\d+\])$", "", probe)
        return self.layout.cell_for(path)


def _col(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(n))


def _width(sheet: FormSheet | TableSheet) -> int:
    return 6 if isinstance(sheet, FormSheet) else len(sheet.columns) + 1


def open_workbook(data: bytes, name: str) -> Any:
    """openpyxl's workbook (cached formula values) after the safety checks; never a stack trace."""
    import warnings

    from openpyxl import load_workbook

    check_workbook_bytes(data, name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's notes on unsupported extensions (slicers, …)
            return load_workbook(io.BytesIO(data), data_only=True, read_only=False, keep_links=False)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, IndexError, AttributeError) as exc:
        raise WorkbookRefused(f"{name} 无法读取：文件已损坏或不是 Excel 工作簿", detail=repr(exc)) from None


def read_payload(template_id: str, data: bytes, name: str = "Excel 文件") -> dict[str, Any]:
    """The JSON payload of a filled-in workbook of `template_id`, validated; WorkbookInvalid lists every error."""
    from service.payloads import PayloadInvalid, validate_payload
    from service.rendering.catalog import get_template

    spec = get_template(template_id)
    layout = layout_for(template_id)
    wb = open_workbook(data, name)
    reader = _Reader(layout, spec.model)
    payload = reader.read(wb, name)
    for key, info in spec.model.model_fields.items():
        name_in_json = info.alias or key
        if payload.get(name_in_json) == {} and not info.is_required():
            del payload[name_in_json]  # an optional section left empty is omitted, as in JSON
    reported = {e.loc for e in reader.errors}
    errors = list(reader.errors)
    try:
        validate_payload(spec.model, payload)
    except PayloadInvalid as exc:
        for e in exc.errors:
            if any(e.loc == r or e.loc.startswith(r + ".") or e.loc.startswith(r + "[") for r in reported if r != "$"):
                continue  # already reported at its cell (a wrong type, an unreadable date)
            ref = reader.locate(e.loc)
            errors.append(CellError(e.loc, e.label, e.code, f"{ref}：{e.message}", cell=ref))
    if errors:
        raise WorkbookInvalid(errors)
    return payload
