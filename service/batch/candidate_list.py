"""A city's candidate list as an .xlsx (候选名单), accepted wherever a manifest.json is.

One sheet 候选名单: the 推荐单位 block (地市, 推荐单位, 联系人, 联系电话, 填报日期: label in column A, value in
column B), then a header row and one row per candidate:

    类型 | 申报单位 | 园区/企业名称 | 领域 | 优先级 | 备注 | 申请书数据文件 | 附件文件夹
    (optional: 候选标识 | 母公司统一社会信用代码)

Columns are found by their header text, so a clerk may reorder or drop the optional ones. 申请书数据文件 is a
payload JSON file or a fill-in workbook made by `docgen workbook` (imported with service.excel.importer); paths
are relative to the list's folder, exactly as in a manifest. 申报单位, 园区/企业名称 and 领域 are what the clerk
sees in the list: when filled they must agree with the payload (the 推荐汇总表 takes them from the payload).

The list becomes the same manifest dict a manifest.json holds and goes through the manifest loader
(`service.batch.manifest` calls `load` and hands in its parser: this module must not import it, which would be
an import cycle); every error is then located as `候选名单!单元格`, or `[数据文件.xlsx]工作表!单元格` for a
payload workbook's own cells.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from service.errors import DocgenError, FieldError
from service.excel.importer import EXCEL_ERRORS, CellError
from service.output.xlsx import xlsx_bytes

LIST_SHEET = "候选名单"
LIST_NAMES = ("list.xlsx", "候选名单.xlsx")
"""File names under which an uploaded batch ZIP's candidate list is found (beside or instead of manifest.json)."""
MANIFEST_JSON = "manifest.json"  # service.batch.manifest.MANIFEST_NAME (importing it would make a cycle)
LIST_TITLE = "国家新兴产业发展示范基地创建对象候选名单"
MAX_ROWS = 200  # service.batch.manifest.MAX_CANDIDATES

# The 推荐单位 block: label in column A → the manifest field whose value is in column B.
HEAD_FIELDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("地市", ("recommender", "city")),
    ("推荐单位", ("recommender", "department")),
    ("联系人", ("contact", "name")),
    ("联系电话", ("contact", "phone")),
    ("填报日期", ("date",)),
)


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    width: float = 16


COLUMNS = (
    Column("type", "类型", ("申报类别", "类别"), required=True, width=8),
    Column("applicant", "申报单位", ("申报单位名称",), width=34),
    Column("name", "园区/企业名称", ("名称", "园区名称", "企业名称"), width=34),
    Column("field", "领域", ("创建领域", "申报创建领域", "申报领域"), width=20),
    Column("priority", "优先级", ("推荐优先级",), required=True, width=8),
    Column("remark", "备注", (), width=16),
    Column("payload", "申请书数据文件", ("申请书数据", "数据文件"), required=True, width=28),
    Column("attachments", "附件文件夹", ("附件",), width=24),
    Column("id", "候选标识", (), width=14),
    Column("parent_credit_code", "母公司统一社会信用代码", ("母公司（集团公司）统一社会信用代码",), width=26),
)
TYPES = {"园区": "park", "园区类": "park", "park": "park", "企业": "enterprise", "企业类": "enterprise",
         "enterprise": "enterprise"}  # fmt: skip
# Manifest fields of a candidate → the list column that holds them.
FIELD_COLUMN = {"type": "type", "priority": "priority", "payload": "payload", "attachments": "attachments",
                "remark": "remark", "id": "id", "parent_credit_code": "parent_credit_code"}  # fmt: skip
# List columns checked against the payload: (column, payload path, what the message calls it).
CROSS_CHECKS = (
    ("applicant", ("cover", "applicant"), "申报单位"),
    ("name", ("basic_info", "name"), "名称"),
    ("field", ("cover", "creation_field"), "创建领域"),
)
HEADER_SCAN_ROWS = 30
_CANDIDATE_LOC = re.compile(r"^\$\.candidates\[(\d+)\](?:\.([A-Za-z_]+))?")


def _norm(text: Any) -> str:
    return re.sub(r"\s+", "", str(text)) if text is not None else ""


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _col(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(n))


def manifest_in(folder: Path) -> Path | None:
    """The batch's manifest in `folder`: manifest.json, else a candidate list (list.xlsx, 候选名单.xlsx)."""
    for name in (MANIFEST_JSON, *LIST_NAMES):
        if (folder / name).is_file():
            return folder / name
    return None


# --- reading ---------------------------------------------------------------------------------------------------


@dataclass
class _Row:
    index: int
    """Position among the candidates (0-based), as in the manifest."""
    row: int
    values: dict[str, Any]
    errors: list[FieldError] = field(default_factory=list)
    fields_reported: set[str] = field(default_factory=set)


@dataclass
class _Sheet:
    name: str
    head_cells: dict[tuple[str, ...], str] = field(default_factory=dict)
    """Manifest path of a 推荐单位 field → its value cell."""
    columns: dict[str, int] = field(default_factory=dict)
    header_row: int = 0
    rows: list[_Row] = field(default_factory=list)

    def cell(self, row: int, key: str | None) -> str:
        column = self.columns.get(key or "", 1)
        return f"{self.name}!{_col(column)}{row}"


def _cell_error(ref: str, loc: str, label: str, code: str, message: str) -> CellError:
    return CellError(loc, label, code, f"{ref}：{message}", cell=ref)


def _scalar(value: Any) -> Any:
    """A cell's value as the manifest wants it (text stripped, whole numbers as int, dates as dates)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value
    return value


def _formula_error(value: Any) -> str | None:
    if isinstance(value, str) and value.strip().startswith(EXCEL_ERRORS):
        return value.strip()
    return None


def _find_layout(ws: Any, sheet: _Sheet) -> list[FieldError]:
    """Locate the 推荐单位 block and the header row; errors for whatever is missing."""
    errors: list[FieldError] = []
    labels = {_norm(label): path for label, path in HEAD_FIELDS}
    last = min(ws.max_row, HEADER_SCAN_ROWS)
    for row in range(1, last + 1):
        texts = {_norm(ws.cell(row, c).value): c for c in range(1, ws.max_column + 1)}
        label = _norm(ws.cell(row, 1).value).removesuffix("：").removesuffix(":")
        if label in labels and labels[label] not in sheet.head_cells:
            sheet.head_cells[labels[label]] = f"{sheet.name}!B{row}"
        known = [c for c in COLUMNS if any(_norm(t) in texts for t in (c.header, *c.aliases))]
        if len(known) >= 3:  # the header row: several known column headers (one may be misspelt)
            sheet.header_row = row
            for column in known:
                text = next(t for t in (column.header, *column.aliases) if _norm(t) in texts)
                sheet.columns[column.key] = texts[_norm(text)]
            break
    if not sheet.header_row:
        return [_cell_error(f"{sheet.name}!A1", "$.candidates", "申报对象", "list_header_missing",
                            "找不到名单的表头行（应有“类型”“优先级”“申请书数据文件”等列，请使用 docgen batch "
                            "--template-xlsx 生成的模板）")]  # fmt: skip
    for column in COLUMNS:
        if column.required and column.key not in sheet.columns:
            ref = f"{sheet.name}!A{sheet.header_row}"
            errors.append(_cell_error(ref, "$.candidates", f"申报对象 / {column.header}", "list_column_missing",
                                      f"表头行缺少“{column.header}”列"))  # fmt: skip
    return errors


def _merged_rows(ws: Any, first_row: int) -> dict[int, str]:
    """Data rows covered by a merged range (other than the title) → the range, e.g. 候选名单!C9:C10."""
    covered: dict[int, str] = {}
    for rng in ws.merged_cells.ranges:
        if rng.max_row < first_row:
            continue
        for row in range(max(rng.min_row, first_row), rng.max_row + 1):
            covered.setdefault(row, f"{ws.title}!{rng.coord}")
    return covered


def _read_rows(ws: Any, sheet: _Sheet) -> None:
    first = sheet.header_row + 1
    merged = _merged_rows(ws, first)
    merged_done: set[str] = set()
    for row in range(first, ws.max_row + 1):
        raw = {key: ws.cell(row, col).value for key, col in sheet.columns.items()}
        if all(_blank(v) for v in raw.values()):
            continue
        item = _Row(len(sheet.rows), row, {})
        sheet.rows.append(item)
        where = f"申报对象第 {item.index + 1} 项（第 {row} 行）"
        if row in merged and merged[row] not in merged_done:
            merged_done.add(merged[row])
            message = "名单中有合并单元格：每个申报对象占一行、每格一个值，请取消合并后逐行填写"
            item.errors.append(_cell_error(merged[row], f"$.candidates[{item.index}]", where, "merged_cell", message))
        for key, value in raw.items():
            column = next(c for c in COLUMNS if c.key == key)
            ref = sheet.cell(row, key)
            loc = f"$.candidates[{item.index}].{key}"
            label = f"{where} / {column.header}"
            if (bad := _formula_error(value)) is not None:
                item.errors.append(
                    _cell_error(ref, loc, label, "formula_error", f"公式计算出错（{bad}），请改为数值或文字")
                )
                item.fields_reported.add(key)
                continue
            value = _scalar(value)
            if key == "type" and not _blank(value):
                mapped = TYPES.get(str(value))
                if mapped is None:
                    item.errors.append(
                        _cell_error(ref, loc, label, "list_type", f"类型应为“园区”或“企业”，实为“{value}”")
                    )
                    item.fields_reported.add(key)
                value = mapped or str(value)
            if key == "priority" and isinstance(value, str) and value.isdigit():
                value = int(value)  # a number typed into a text-formatted cell is still unambiguous
            if key == "priority" and isinstance(value, float | str) and not _blank(value):
                item.errors.append(
                    _cell_error(ref, loc, label, "wrong_type", f"优先级应为整数（1、2、3 …），实为“{value}”")
                )
                item.fields_reported.add(key)
            if key in ("payload", "attachments", "id", "parent_credit_code", "remark") and not _blank(value):
                value = str(value)
            item.values[key] = None if _blank(value) else value
        if len(sheet.rows) > MAX_ROWS:
            break


def _candidate_dict(item: _Row) -> dict[str, Any]:
    v = item.values
    data: dict[str, Any] = {"type": v.get("type"), "priority": v.get("priority"), "payload": v.get("payload")}
    for key in ("attachments", "id", "parent_credit_code", "remark"):
        if v.get(key) is not None:
            data[key] = v[key]
    return data


def _head_value(ws: Any, ref: str | None) -> Any:
    if ref is None:
        return None
    value = ws[ref.split("!", 1)[1]].value
    if _formula_error(value):
        return value
    value = _scalar(value)
    return None if _blank(value) else (value if isinstance(value, dt.date) else str(value))


@dataclass
class _Workbook:
    payload: dict[str, Any] | None
    errors: list[FieldError]


def _payload_workbook(
    item: _Row, sheet: _Sheet, base_dir: Path, resolve: Callable[[Path, str], Path]
) -> _Workbook | None:
    """Import the candidate's payload workbook (.xlsx); None when the payload is not a workbook."""
    from service.excel.importer import WorkbookInvalid, read_payload

    rel = item.values.get("payload")
    if not isinstance(rel, str) or not rel.lower().endswith(".xlsx") or item.values.get("type") not in TYPES.values():
        return None
    ref = sheet.cell(item.row, "payload")
    label = f"申报对象第 {item.index + 1} 项（第 {item.row} 行） / 申请书数据文件"
    loc = f"$.candidates[{item.index}].payload"
    try:
        path = resolve(base_dir, rel)
        if not path.is_file():
            raise ValueError("文件不存在")
        data = path.read_bytes()
    except (ValueError, OSError) as exc:
        reason = exc if isinstance(exc, ValueError) else "文件无法读取"
        return _Workbook(None, [_cell_error(ref, loc, label, "payload_file", f"申请书数据文件“{rel}”：{reason}")])
    template_id = "park_application" if item.values["type"] == "park" else "enterprise_application"
    try:
        return _Workbook(read_payload(template_id, data, f"“{rel}”"), [])
    except WorkbookInvalid as exc:
        name = Path(rel).name
        errors: list[FieldError] = []
        for e in exc.errors:
            inner = getattr(e, "cell", "") or ""
            where = f"[{name}]{inner}" if inner else ref
            text = e.message.removeprefix(f"{inner}：") if inner else e.message
            errors.append(CellError(e.loc, f"申请书数据（{name}） / {e.label}", e.code,
                                    f"{where}：{text}", cell=where))  # fmt: skip
        return _Workbook(None, errors)
    except DocgenError as exc:  # refused (macros, external links, not an .xlsx), another template's workbook …
        return _Workbook(None, [_cell_error(ref, loc, label, exc.code, f"申请书数据文件“{rel}”：{exc.message}")])


def _locate(sheet: _Sheet, error: FieldError) -> FieldError:
    """A manifest-path error of the loader at the list cell it came from."""
    if isinstance(error, CellError):
        return error
    ref: str | None = None
    for path, cell in sheet.head_cells.items():
        if error.loc == "$." + ".".join(path) or error.loc.startswith("$." + ".".join(path) + "."):
            ref = cell
    m = _CANDIDATE_LOC.match(error.loc)
    if m and int(m[1]) < len(sheet.rows):
        item = sheet.rows[int(m[1])]
        ref = sheet.cell(item.row, FIELD_COLUMN.get(m[2] or "", None))
    if ref is None and error.loc.startswith("$.candidates"):
        ref = f"{sheet.name}!A{sheet.header_row + 1}"
    ref = ref or f"{sheet.name}!A1"
    return CellError(error.loc, error.label, error.code, f"{ref}：{error.message}", cell=ref)


def _field_of(error: FieldError) -> str | None:
    m = _CANDIDATE_LOC.match(error.loc)
    return m[2] if m else None


def _cross_check(item: _Row, sheet: _Sheet, payload: dict[str, Any]) -> list[FieldError]:
    errors: list[FieldError] = []
    for key, path, what in CROSS_CHECKS:
        listed = item.values.get(key)
        if listed is None or key not in sheet.columns:
            continue
        node: Any = payload
        for part in path:
            node = node.get(part) if isinstance(node, dict) else None
        if node is None or _norm(listed) == _norm(node):
            continue
        column = next(c for c in COLUMNS if c.key == key)
        errors.append(_cell_error(
            sheet.cell(item.row, key), f"$.candidates[{item.index}].{key}",
            f"申报对象第 {item.index + 1} 项（第 {item.row} 行） / {column.header}", "list_mismatch",
            f"名单中的{what}“{listed}”与申请书数据中的“{node}”不一致：请核对名单或申请书",
        ))  # fmt: skip
    return errors


def load(
    path: Path,
    *,
    parse: Callable[[Any, Path, Path], Any],
    invalid: Callable[[list[FieldError], Path], Exception],
    resolve: Callable[[Path, str], Path],
) -> Any:
    """Read a candidate list and load it as a manifest (`parse` = manifest.parse_manifest, `invalid` =
    ManifestInvalid, `resolve` = manifest.resolve_inside); every error located at its cell."""
    from service.excel.importer import open_workbook

    def unusable(code: str, message: str, ref: str = "") -> Exception:
        where = f"{ref}：" if ref else ""
        return invalid([CellError("$", "候选名单", code, where + message, cell=ref)], path)

    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise unusable("manifest_file", f"{path.name}：文件不存在") from None
    except OSError:
        raise unusable("manifest_file", f"{path.name}：文件无法读取") from None
    try:
        wb = open_workbook(data, path.name)
    except DocgenError as exc:
        raise unusable(exc.code, exc.message) from None
    if LIST_SHEET not in wb.sheetnames:
        names = "、".join(f"“{n}”" for n in wb.sheetnames)
        raise unusable("list_sheet_missing", f"{path.name} 中没有“{LIST_SHEET}”工作表（现有 {names}），请使用 "
                       "docgen batch --template-xlsx 生成的模板")  # fmt: skip
    ws = wb[LIST_SHEET]
    sheet = _Sheet(LIST_SHEET)
    layout_errors = _find_layout(ws, sheet)
    if layout_errors:
        raise invalid(layout_errors, path)
    _read_rows(ws, sheet)
    head: dict[str, Any] = {"recommender": {}, "contact": {}}
    head_errors: list[FieldError] = []
    for label, fpath in HEAD_FIELDS:
        ref = sheet.head_cells.get(fpath)
        value = _head_value(ws, ref)
        if ref is not None and (bad := _formula_error(value)):
            head_errors.append(
                _cell_error(ref, "$." + ".".join(fpath), label, "formula_error", f"公式计算出错（{bad}）")
            )
            continue
        if ref is None and fpath != ("date",):
            head_errors.append(_cell_error(f"{LIST_SHEET}!A1", "$." + ".".join(fpath), label, "list_row_missing",
                                           f"名单上方缺少“{label}”行（A 列为“{label}”，B 列填写）"))  # fmt: skip
            continue
        if value is None:
            continue
        if fpath == ("date",) and isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            head_errors.append(_cell_error(ref or "", "$.date", label, "date_text",
                                           f"日期“{value}”是文字：请输入为 Excel 日期（如 2026-03-18）"))  # fmt: skip
            continue
        if fpath == ("date",):
            head["date"] = value.isoformat() if isinstance(value, dt.date) else value
        else:
            head[fpath[0]][fpath[1]] = value
    if head_errors:
        raise invalid(head_errors, path)
    workbooks: dict[int, _Workbook] = {}
    base_dir = path.parent
    for item in sheet.rows:
        if (wbk := _payload_workbook(item, sheet, base_dir, resolve)) is not None:
            workbooks[item.index] = wbk
    candidates = []
    for item in sheet.rows:
        cand = _candidate_dict(item)
        if item.index in workbooks:
            cand["payload"] = workbooks[item.index].payload or {}
        candidates.append(cand)
    manifest_data = {**head, "candidates": candidates}
    try:
        loaded = parse(manifest_data, base_dir, path)
    except DocgenError as exc:
        raise invalid([_locate(sheet, e) for e in exc.errors], path) from None
    for cand in loaded.candidates:
        item = sheet.rows[cand.index]
        own = list(item.errors)
        wbk = workbooks.get(cand.index)
        if wbk is not None and wbk.payload is None:
            own += wbk.errors
            item.fields_reported.add("payload")
            cand.payload = None
        others = [_locate(sheet, e) for e in cand.errors if _field_of(e) not in item.fields_reported]
        cand.errors = own + others
        if not cand.errors and cand.payload is not None:
            cand.errors = _cross_check(item, sheet, cand.payload)
    return loaded


# --- the empty list ------------------------------------------------------------------------------------------


def template_xlsx() -> bytes:
    """The empty 候选名单 with its 推荐单位 block, headers and data validation (drop-downs for 类型 and 领域,
    whole numbers for 优先级, a date for 填报日期)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    from service.payloads.common import CreationField

    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    input_fill = PatternFill("solid", fgColor="FFF7D6")
    header_fill = PatternFill("solid", fgColor="DDE4EE")
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = LIST_SHEET
    wb.properties.title = LIST_TITLE
    wb.properties.creator = "docgen"
    last = _col(len(COLUMNS))
    ws.merge_cells(f"A1:{last}1")
    ws["A1"] = LIST_TITLE
    ws["A1"].font = Font(name="黑体", size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30
    for i, (label, _path) in enumerate(HEAD_FIELDS, start=2):
        ws.cell(i, 1, label).font = Font(name="宋体", bold=True)
        ws.cell(i, 1).fill = header_fill
        value = ws.cell(i, 2)
        value.fill = input_fill
        value.border = border
        ws.merge_cells(start_row=i, start_column=2, end_row=i, end_column=3)
    date_row = 1 + len(HEAD_FIELDS)
    ws.cell(date_row, 2).number_format = "yyyy-mm-dd"
    note_row = date_row + 1
    ws.cell(note_row, 1, "每行一个申报对象。类型填“园区”或“企业”；优先级在同一类型内从 1 起连续编号；申请书数据文件为"
            "申请书 JSON 或 docgen workbook 生成的填报工作簿（.xlsx），路径相对本名单所在文件夹；附件文件夹内按附件清单"
            "序号放 1/、2/ … 子文件夹。申报单位、名称、领域可不填，填写时须与申请书数据一致。").font = Font(
        name="宋体", size=9, color="666666")  # fmt: skip
    header_row = note_row + 1
    for col, column in enumerate(COLUMNS, start=1):
        c = ws.cell(header_row, col, column.header)
        c.font = Font(name="黑体", bold=True)
        c.fill = header_fill
        c.border = border
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[_col(col)].width = column.width
    ws.column_dimensions["A"].width = 12
    first, end = header_row + 1, header_row + MAX_ROWS
    for row in range(first, end + 1):
        for col in range(1, len(COLUMNS) + 1):
            cell = ws.cell(row, col)
            cell.fill = input_fill
            cell.border = border
    col_of = {c.key: _col(i) for i, c in enumerate(COLUMNS, start=1)}

    def add(dv: DataValidation, ref: str, title: str, prompt: str, error: str) -> None:
        dv.promptTitle, dv.prompt, dv.errorTitle, dv.error = title, prompt, title, error
        dv.showInputMessage = dv.showErrorMessage = True
        dv.add(ref)
        ws.add_data_validation(dv)

    add(DataValidation(type="list", formula1='"园区,企业"', allow_blank=True),
        f"{col_of['type']}{first}:{col_of['type']}{end}", "类型", "园区或企业", "类型只能是“园区”或“企业”")  # fmt: skip
    fields = ",".join(f.value for f in CreationField)
    add(DataValidation(type="list", formula1=f'"{fields}"', allow_blank=True),
        f"{col_of['field']}{first}:{col_of['field']}{end}", "领域", "通知规定的十个创建领域之一",
        "请从下拉列表中选择创建领域")  # fmt: skip
    add(DataValidation(type="whole", operator="between", formula1="1", formula2=str(MAX_ROWS), allow_blank=True),
        f"{col_of['priority']}{first}:{col_of['priority']}{end}", "优先级",
        "同一类型内从 1 起连续编号，1 为最优先", f"优先级应为 1–{MAX_ROWS} 的整数")  # fmt: skip
    add(DataValidation(type="textLength", operator="lessThanOrEqual", formula1="200", allow_blank=True),
        f"{col_of['remark']}{first}:{col_of['remark']}{end}", "备注", "推荐汇总表“备注”栏，不超过 200 字",
        "备注不超过 200 字")  # fmt: skip
    add(DataValidation(type="date", operator="between", formula1="DATE(2000,1,1)", formula2="DATE(2100,12,31)",
                       allow_blank=True),
        f"B{date_row}", "填报日期", "推荐汇总表的日期，如 2026-03-27", "请填写日期")  # fmt: skip
    ws.freeze_panes = f"A{first}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return xlsx_bytes(wb)
