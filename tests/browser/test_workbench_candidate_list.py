"""The workbench's batch upload with a candidate list (list.xlsx) instead of manifest.json: the check view lists
the same candidates, a list error is shown with its cell, and the hint names list.xlsx."""

from __future__ import annotations

import zipfile
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import SERVER_WORK_MS, ServerThread
from tests.excel.excel_helpers import edit
from tests.excel.test_batch_list import LIST_SHEET, make_list_batch


def _zip(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w") as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(folder).as_posix())
    return target


def test_batch_upload_takes_a_list_xlsx(page: Page, server: ServerThread, tmp_path: Path) -> None:
    folder = tmp_path / "广州"
    listing = make_list_batch(folder)
    listing.write_bytes(edit(listing.read_bytes(), lambda wb: wb[LIST_SHEET].__setitem__("A9", "公司")))
    page.goto(server.base_url + "/#/batch")
    expect(page.locator("label[for=batch-file]")).to_contain_text("list.xlsx")
    expect(page.locator("#batch-file-hint")).to_contain_text("--template-xlsx")
    page.locator("#batch-file").set_input_files(str(_zip(folder, tmp_path / "广州.zip")))
    expect(page.locator("#check-table tbody tr")).to_have_count(7, timeout=SERVER_WORK_MS)
    # park-1 (row 9: 类型 “公司”) and park-2 (its workbook's deliberate error) are skipped, each error at its cell.
    expect(page.locator("#check-table tbody tr.row-skip")).to_have_count(3)  # and enterprise-3 (group rule)
    expect(page.locator("#check-table")).to_contain_text("候选名单!A9：类型应为“园区”或“企业”，实为“公司”")
    expect(page.locator("#check-table")).to_contain_text("[park-2.xlsx]总体情况!B4")
