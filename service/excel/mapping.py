"""The one schema-driven mapping between a template's JSON payload and its fill-in workbook.

Both directions read the same `WorkbookLayout`, built from the template's JSON Schema alone (no per-template code):
the writer (`service.excel.workbook`) puts every field at the cell the layout names, the importer
(`service.excel.importer`) reads it back from there, and an error found on a JSON path is reported at the layout's
cell for that path.

The layout, in the form's order (the schema's property order):

- every top-level object is a *form sheet*: one row per field (label in A, value in B), a nested object is a bold
  heading row followed by its fields, a 2023–2025 year series is one row with the years in B–D and the 近三年平均值
  as a formula in E;
- consecutive top-level scalars (附件标注, narratives such as 主导产业产业政策情况) share one form sheet;
- every list (of objects or of scalars) is a *table sheet*: a header row and as many numbered rows as the schema's
  `maxItems`;
- a hidden sheet `_docgen` holds the template id and version.

Schemas with lists inside list rows or with optional nested objects (the 公文's embedded documents) have no sensible
table shape: `build_layout` refuses them with `WorkbookUnsupported`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from openpyxl.utils import get_column_letter

from service.errors import DocgenError, ErrorKind
from service.payloads.errors import Loc, json_path

Kind = Literal["text", "narrative", "integer", "number", "boolean", "date", "datetime", "enum"]

YEAR_KEYS = ("2023", "2024", "2025")
META_SHEET = "_docgen"
WORKBOOK_FORMAT = "docgen-workbook/1"
NARRATIVE_LIMIT = 2000
"""Characters a narrative cell accepts (the forms' 不超过 2000 字)."""
TITLE_ROW = 1
HEADER_ROW = 2
FIRST_ROW = 3
FORM_HEADERS = ("项目", "填写内容 / 2023 年", "2024 年", "2025 年", "近三年平均值", "填写说明")
VALUE_COLUMN = 2
AVERAGE_COLUMN = 5
HINT_COLUMN = 6
BOOL_TRUE, BOOL_FALSE = "是", "否"
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


class WorkbookUnsupported(DocgenError):
    """The template's payload has no workbook shape (nested lists, optional nested objects)."""

    code = "workbook_unsupported"
    kind = ErrorKind.INVALID
    title = "该模板不提供 Excel 填报表"


@dataclass(frozen=True)
class Leaf:
    """One scalar field: how it is typed, checked and labelled."""

    key: str
    label: str
    kind: Kind
    required: bool = False
    nullable: bool = False
    enum: tuple[Any, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None
    default: Any = None
    description: str = ""

    @property
    def hint(self) -> str:
        """The 填写说明 column: required or not, the type and its limits, the default."""
        parts = ["必填" if self.required else "选填"]
        if self.kind == "enum":
            parts.append("从下拉列表选择")
        elif self.kind == "boolean":
            parts.append(f"选择“{BOOL_TRUE}”或“{BOOL_FALSE}”")
        elif self.kind == "date":
            parts.append("日期，如 2026-03-18（请输入日期，不要输入文字）")
        elif self.kind == "datetime":
            parts.append("日期和时间，如 2026-03-19 10:00")
        elif self.kind in ("integer", "number"):
            what = "整数" if self.kind == "integer" else "数字"
            if self.minimum is not None and self.maximum is not None:
                parts.append(f"{what}，{_num(self.minimum)}–{_num(self.maximum)}")
            elif self.minimum is not None:
                parts.append(f"{what}，不小于 {_num(self.minimum)}")
            else:
                parts.append(what)
        elif self.kind == "narrative":
            parts.append(f"正文，不超过 {NARRATIVE_LIMIT} 字，可在单元格内换行分段")
        elif self.max_length:
            parts.append(f"不超过 {self.max_length} 字")
        if self.default not in (None, "", False):
            parts.append(f"默认：{self.default}")
        if self.description and self.kind != "narrative":
            parts.append(self.description)
        return "；".join(parts)


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


@dataclass(frozen=True)
class FormRow:
    """A row of a form sheet: a heading, one field, or a year series."""

    row: int
    label: str
    loc: Loc
    leaf: Leaf | None = None
    series: tuple[Leaf, ...] = ()
    heading: bool = False
    parent_required: bool = True
    """Whether the object holding this field is required (an optional object is omitted when all is empty)."""


@dataclass
class FormSheet:
    name: str
    title: str
    rows: list[FormRow] = field(default_factory=list)
    kind: Literal["form"] = "form"

    @property
    def last_row(self) -> int:
        return self.rows[-1].row if self.rows else HEADER_ROW


@dataclass
class TableSheet:
    name: str
    title: str
    loc: Loc
    columns: list[Leaf]
    max_rows: int
    min_rows: int = 0
    scalar_items: bool = False
    """A list of scalars: one column, each row one item."""
    kind: Literal["table"] = "table"

    @property
    def last_row(self) -> int:
        return FIRST_ROW + self.max_rows - 1

    def column_of(self, index: int) -> int:
        """Sheet column (1-based) of the table's `index`-th field: column A is 序号."""
        return index + 2


Sheet = FormSheet | TableSheet


@dataclass
class WorkbookLayout:
    template_id: str
    version: str
    title: str
    sheets: list[Sheet]

    def cells(self) -> Iterator[tuple[str, Sheet, int, int]]:
        """(JSON path, sheet, row, column) of every input cell; table rows use their first row's cells."""
        for sheet in self.sheets:
            if isinstance(sheet, FormSheet):
                for r in sheet.rows:
                    if r.leaf is not None:
                        yield json_path(r.loc), sheet, r.row, VALUE_COLUMN
                    for i, leaf in enumerate(r.series):
                        yield json_path((*r.loc, leaf.key)), sheet, r.row, VALUE_COLUMN + i
            else:
                for n in range(sheet.max_rows):
                    if sheet.scalar_items:
                        yield json_path((*sheet.loc, n)), sheet, FIRST_ROW + n, sheet.column_of(0)
                    else:
                        for i, leaf in enumerate(sheet.columns):
                            yield json_path((*sheet.loc, n, leaf.key)), sheet, FIRST_ROW + n, sheet.column_of(i)

    def cell_for(self, path: str) -> str:
        """`工作表!单元格` of a JSON path: the field's own cell, else the nearest enclosing row or sheet."""
        index = {p: (s, r, c) for p, s, r, c in self.cells()}
        probe = path
        while probe:
            if probe in index:
                s, r, c = index[probe]
                return cell_ref(s.name, r, c)
            for sheet in self.sheets:
                if isinstance(sheet, TableSheet) and json_path(sheet.loc) == probe:
                    return cell_ref(sheet.name, TITLE_ROW, 1)
                if isinstance(sheet, FormSheet):
                    for form_row in sheet.rows:
                        if json_path(form_row.loc) == probe:
                            column = 1 if form_row.heading else VALUE_COLUMN
                            return cell_ref(sheet.name, form_row.row, column)
            # A list row ($.rows[3]) points at the row's first input cell.
            m = re.fullmatch(r"(.*)\[(\d+)\]", probe)
            if m:
                for p, (s, r, c) in index.items():
                    if p.startswith(probe + ".") or p == probe:
                        return cell_ref(s.name, r, c)
            probe = re.sub(r"(\.[^.\[]+|\[\d+\])$", "", probe)
            if probe == "$":
                break
        first = self.sheets[0]
        return cell_ref(first.name, TITLE_ROW, 1)


def cell_ref(sheet: str, row: int, column: int) -> str:
    return f"{sheet}!{get_column_letter(column)}{row}"


# --- Building the layout from a JSON Schema -----------------------------------------------------------------


def _resolve(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target = root["$defs"][node["$ref"].rsplit("/", 1)[-1]]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _unwrap_nullable(node: dict[str, Any], root: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The non-null member of `anyOf: [X, null]` and whether null was allowed."""
    node = _resolve(node, root)
    if "anyOf" in node:
        members = [_resolve(m, root) for m in node["anyOf"]]
        real = [m for m in members if m.get("type") != "null"]
        if len(real) == 1:
            merged = {**real[0], **{k: v for k, v in node.items() if k != "anyOf"}}
            return merged, len(real) < len(members)
    return node, False


def _type(node: dict[str, Any]) -> str:
    t = node.get("type")
    return t if isinstance(t, str) else ""


def _is_series(node: dict[str, Any]) -> bool:
    return _type(node) == "object" and tuple(node.get("properties", {})) == YEAR_KEYS


def _leaf(key: str, node: dict[str, Any], root: dict[str, Any], required: bool) -> Leaf | None:
    """A scalar field, or None when the node is not a scalar."""
    node, nullable = _unwrap_nullable(node, root)
    t = _type(node)
    title = str(node.get("title") or key)
    common: dict[str, Any] = {
        "key": key,
        "label": title,
        "required": required and not nullable and "default" not in node,
        "nullable": nullable,
        "default": node.get("default"),
        "description": str(node.get("description") or ""),
    }
    if "enum" in node:
        return Leaf(kind="enum", enum=tuple(node["enum"]), **common)
    if t == "string":
        fmt = node.get("format")
        if fmt == "date":
            return Leaf(kind="date", **common)
        if fmt == "date-time":
            return Leaf(kind="datetime", **common)
        narrative = "不超过 2000 字" in common["description"]
        return Leaf(
            kind="narrative" if narrative else "text",
            max_length=NARRATIVE_LIMIT if narrative else node.get("maxLength"),
            **common,
        )
    if t in ("integer", "number"):
        return Leaf(kind=t, minimum=node.get("minimum"), maximum=node.get("maximum"), **common)  # type: ignore[arg-type]
    if t == "boolean":
        return Leaf(kind="boolean", **common)
    return None


def sheet_name(title: str, taken: set[str]) -> str:
    """A valid, unique sheet name (≤ 31 characters) from a Chinese title: the part before its parenthesis."""
    base = title.split("（", 1)[0].split("(", 1)[0].strip() or title
    base = _SHEET_NAME_BAD.sub("", base)[:31] or "表"
    name, n = base, 2
    while name in taken or name == META_SHEET:
        suffix = f"（{n}）"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name)
    return name


def _unsupported(template_id: str, label: str) -> WorkbookUnsupported:
    return WorkbookUnsupported(
        f"模板“{template_id}”的“{label}”含有嵌套的列表或可选的子文档，无法用 Excel 表格填报，请使用 JSON。"
    )


def build_layout(template_id: str, version: str, schema: dict[str, Any]) -> WorkbookLayout:
    """The workbook layout of a payload schema (see the module docstring)."""
    root = schema
    taken: set[str] = set()
    sheets: list[Sheet] = []
    pending: list[tuple[str, dict[str, Any], bool]] = []
    required_top = set(schema.get("required", []))

    def flush() -> None:
        if not pending:
            return
        titles = [str(_resolve(n, root).get("title") or k) for k, n, _ in pending]
        title = "、".join(titles)
        sheet = FormSheet(sheet_name(title if len(pending) > 1 else titles[0], taken), title)
        row = FIRST_ROW
        for key, node, req in pending:
            leaf = _leaf(key, node, root, req)
            assert leaf is not None
            sheet.rows.append(FormRow(row, leaf.label, (key,), leaf=leaf))
            row += 1
        sheets.append(sheet)
        pending.clear()

    for key, raw in schema.get("properties", {}).items():
        node, nullable = _unwrap_nullable(raw, root)
        required = key in required_top
        if _leaf(key, raw, root, required) is not None:
            pending.append((key, raw, required))
            continue
        flush()
        title = str(node.get("title") or key)
        if _type(node) == "array":
            sheets.append(_table(template_id, (key,), node, root, title, taken))
        elif _type(node) == "object":
            sheet = FormSheet(sheet_name(title, taken), title)
            extra: list[TableSheet] = []
            _form_rows(template_id, sheet, node, root, (key,), FIRST_ROW, extra, taken, not nullable)
            sheets.append(sheet)
            sheets.extend(extra)
        else:
            raise _unsupported(template_id, title)
    flush()
    return WorkbookLayout(template_id, version, str(schema.get("title") or template_id), sheets)


def _form_rows(
    template_id: str,
    sheet: FormSheet,
    node: dict[str, Any],
    root: dict[str, Any],
    loc: Loc,
    row: int,
    extra: list[TableSheet],
    taken: set[str],
    parent_required: bool,
) -> int:
    required = set(node.get("required", []))
    for key, raw in node.get("properties", {}).items():
        child, nullable = _unwrap_nullable(raw, root)
        title = str(child.get("title") or key)
        leaf = _leaf(key, raw, root, key in required)
        if leaf is not None:
            sheet.rows.append(FormRow(row, leaf.label, (*loc, key), leaf=leaf, parent_required=parent_required))
            row += 1
        elif _is_series(child):
            years = tuple(
                _leaf(y, child["properties"][y], root, False) or Leaf(y, f"{y} 年", "number") for y in YEAR_KEYS
            )
            sheet.rows.append(FormRow(row, title, (*loc, key), series=years, parent_required=parent_required))
            row += 1
        elif _type(child) == "object":
            if nullable:
                raise _unsupported(template_id, title)
            sheet.rows.append(FormRow(row, title, (*loc, key), heading=True))
            row = _form_rows(template_id, sheet, child, root, (*loc, key), row + 1, extra, taken, parent_required)
        elif _type(child) == "array":
            extra.append(_table(template_id, (*loc, key), child, root, title, taken))
        else:
            raise _unsupported(template_id, title)
    return row


def _table(
    template_id: str, loc: Loc, node: dict[str, Any], root: dict[str, Any], title: str, taken: set[str]
) -> TableSheet:
    items = _resolve(node.get("items", {}), root)
    max_rows = int(node.get("maxItems") or 100)
    min_rows = int(node.get("minItems") or 0)
    scalar = _leaf("", items, root, True)
    if scalar is not None:
        column = Leaf(
            "", "内容", scalar.kind, True, False, scalar.enum, scalar.minimum, scalar.maximum, scalar.max_length
        )
        return TableSheet(sheet_name(title, taken), title, loc, [column], max_rows, min_rows, scalar_items=True)
    if _type(items) != "object":
        raise _unsupported(template_id, title)
    required = set(items.get("required", []))
    columns: list[Leaf] = []
    for key, raw in items.get("properties", {}).items():
        leaf = _leaf(key, raw, root, key in required)
        if leaf is None:
            raise _unsupported(template_id, title)
        columns.append(leaf)
    return TableSheet(sheet_name(title, taken), title, loc, columns, max_rows, min_rows)


def layout_for(template_id: str) -> WorkbookLayout:
    """The layout of a catalog template (its current version)."""
    from service.rendering.catalog import get_template

    spec = get_template(template_id)
    schema = spec.model.model_json_schema()
    return build_layout(spec.id, schema_version(schema), schema)


def schema_version(schema: dict[str, Any]) -> str:
    """The workbook's version: a hash of the payload schema, which alone decides the layout (a rebuilt Word
    template with the same fields keeps the filled-in workbooks valid)."""
    import hashlib
    import json

    return hashlib.sha256(json.dumps(schema, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]
