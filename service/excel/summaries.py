"""The two 推荐汇总表 as .xlsx: the Word form's title, 推荐单位 line, 园区类/企业类 captions and columns, as real
cells a clerk can sort and filter (序号 as integers), bordered, header rows repeated on every printed page,
landscape A4 fit to width.

The column texts come from the Word template's builder (`word_templates.build.summaries` is not shipped, so the
texts are kept here and a test compares them with the rendered Word table cell by cell).
"""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from service.output.xlsx import xlsx_bytes
from service.payloads.summaries import CITY_NOTE, CityRecommendationSummary

SUMMARY_TEMPLATES = ("city_recommendation_summary", "province_recommendation_summary")
CITY_COLUMNS = ("序号", "申报单位名称", "园区/企业名称", "申报类别\n（园区/企业）", "申报创建领域", "备注")
PROVINCE_COLUMNS = CITY_COLUMNS[:5]
# Column widths in character units: wide enough for the Chinese header on one line (two units a character, the
# category header on two lines) and, like the Word form's millimetres, the names get the most room.
CITY_WIDTHS = (7, 36, 36, 15, 22, 16)
PROVINCE_WIDTHS = (7, 44, 44, 15, 22)
CAPTIONS = (("parks", "园区类"), ("enterprises", "企业类"))
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
SONG, HEI, FANG = "宋体", "黑体", "仿宋"


def summary_rows(model: Any) -> list[tuple[str, list[list[Any]]]]:
    """(caption, rows) of each non-empty category, rows as the cells of the table (priority as an int)."""
    remark = isinstance(model, CityRecommendationSummary)
    out: list[tuple[str, list[list[Any]]]] = []
    for collection, caption in CAPTIONS:
        rows = []
        for r in getattr(model, collection):
            cells: list[Any] = [r.priority, r.applicant, r.name, r.category.value, r.creation_field]
            if remark:
                cells.append(r.remark or None)
            rows.append(cells)
        if rows:
            out.append((caption, rows))
    return out


def summary_workbook(model: Any) -> bytes:
    """The 推荐汇总表 of a validated city or province summary payload as .xlsx bytes."""
    city = isinstance(model, CityRecommendationSummary)
    columns = CITY_COLUMNS if city else PROVINCE_COLUMNS
    widths = CITY_WIDTHS if city else PROVINCE_WIDTHS
    last = get_column_letter(len(columns))
    title = model.document_title()
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "推荐汇总表"
    wb.properties.title = title
    wb.properties.creator = "docgen"

    row = 1
    if model.annex_mark:
        ws.cell(row, 1, model.annex_mark).font = Font(name=HEI, size=16)
        row += 1
    ws.merge_cells(f"A{row}:{last}{row}")
    cell = ws.cell(row, 1, title)
    cell.font = Font(name="方正小标宋简体", size=22)
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[row].height = 40
    row += 1
    ws.merge_cells(f"A{row}:{last}{row}")
    ws.cell(row, 1, f"推荐单位（盖章）：{model.recommender}").font = Font(name=FANG, size=14)
    row += 1
    first_header: int | None = None
    for caption, rows in summary_rows(model):
        ws.merge_cells(f"A{row}:{last}{row}")
        ws.cell(row, 1, caption).font = Font(name=HEI, size=14)
        row += 1
        first_header = first_header or row
        for col, text in enumerate(columns, start=1):
            c = ws.cell(row, col, text)
            c.font = Font(name=HEI, size=12)
            c.border = BORDER
            c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.row_dimensions[row].height = 36
        row += 1
        for values in rows:
            for col, value in enumerate(values, start=1):
                c = ws.cell(row, col, value)
                c.font = Font(name=FANG, size=12)
                c.border = BORDER
                centre = col in (1, 4)
                c.alignment = Alignment(horizontal="center" if centre else "left", vertical="center", wrap_text=True)
                if col == 1:
                    c.number_format = "0"
            row += 1
        row += 1
    if city:
        ws.cell(row, 1, CITY_NOTE).font = Font(name=FANG, size=14)
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    if first_header is not None:
        ws.print_title_rows = f"{first_header}:{first_header}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    return xlsx_bytes(wb)


def summary_xlsx(template_id: str, payload: Any) -> bytes:
    """Validate a summary payload and return its .xlsx (PayloadInvalid on errors)."""
    from service.payloads import validate_payload
    from service.rendering.catalog import get_template

    spec = get_template(template_id)
    if spec.id not in SUMMARY_TEMPLATES:
        from service.excel.mapping import WorkbookUnsupported

        raise WorkbookUnsupported(f"模板“{spec.id}”不提供 xlsx 格式，只有推荐汇总表可导出为 Excel")
    return summary_workbook(validate_payload(spec.model, payload).model)
