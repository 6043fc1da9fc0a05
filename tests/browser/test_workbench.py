"""Journeys of the 申报工作台 in a real browser against a real server (LibreOffice conversions included)."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import httpx
import pypdf
from playwright.sync_api import Page, expect

from tests.browser.conftest import SERVER_WORK_MS, ServerThread, screenshot, start_server

ROOT = Path(__file__).resolve().parents[2]
PARK_SAMPLE = ROOT / "samples" / "park_application.json"
PARK_ATTACHMENTS = ROOT / "samples" / "attachments" / "park"
BATCH_SAMPLE = ROOT / "samples" / "batch_guangzhou"


def leaves(value: Any, path: str = "$") -> list[tuple[str, Any]]:
    """(JSON path, value) of every scalar, in the API's error-location notation."""
    if isinstance(value, dict):
        return [leaf for key, sub in value.items() for leaf in leaves(sub, f"{path}.{key}")]
    if isinstance(value, list):
        return [leaf for i, sub in enumerate(value) for leaf in leaves(sub, f"{path}[{i}]")]
    return [(path, value)]


def field(page: Page, path: str) -> Any:
    return page.locator(f'[data-path="{path}"]')


def fill_field(page: Page, path: str, value: Any) -> None:
    control = field(page, path)
    tag = control.evaluate("el => el.tagName + ':' + (el.type || '')")
    if tag.startswith("SELECT"):
        control.select_option(str(value))
    elif tag == "INPUT:checkbox":
        control.set_checked(bool(value))
    else:
        control.fill("" if value is None else str(value))


def open_blank(page: Page, server: ServerThread, template: str) -> None:
    page.goto(server.base_url + "/")
    page.locator(f'[data-template="{template}"]').get_by_role("button", name="空白开始填写").click()
    expect(page.locator("#validation-status")).to_have_class(re.compile("invalid"), timeout=SERVER_WORK_MS)


def wait_valid(page: Page) -> None:
    expect(page.locator("#validation-status")).to_have_text(re.compile("全部通过校验"), timeout=SERVER_WORK_MS)


def test_fill_park_application_from_blank_then_fix_reload_preview_and_download(
    page: Page, server: ServerThread, tmp_path: Path
) -> None:
    sample = json.loads(PARK_SAMPLE.read_text(encoding="utf-8"))
    open_blank(page, server, "park_application")
    screenshot(page, "blank-form")
    # Every field of the paper form, typed into the generated form (rows added as a clerk would).
    for _ in range(len(sample["top_enterprises"]) - 1):
        page.locator("#sec-top_enterprises").get_by_role("button", name=re.compile("添加一行")).click()
    expect(page.locator("#sec-top_enterprises tbody tr")).to_have_count(len(sample["top_enterprises"]))
    for path, value in leaves(sample):
        fill_field(page, path, value)
    wait_valid(page)

    # Derived values come from the server: the page shows what POST /v1/validate computes.
    derived = httpx.post(f"{server.base_url}/v1/validate/park_application", json=sample, timeout=60).json()["derived"]
    average = derived["$.main_indicators.total_revenue.average"]
    series = page.locator("#sec-main_indicators fieldset.series").first
    expect(series.locator("output.derived")).to_have_text(str(round(average, 2)).removesuffix(".0"))

    # A wrong value: the server's Chinese message appears next to the field and in the linked summary.
    employees = field(page, "$.main_indicators.employees.2024")
    employees.fill("十二万")
    cell_errors = page.locator(".series-cell.has-error .field-errors .msg")
    expect(cell_errors).to_have_count(1, timeout=SERVER_WORK_MS)
    expect(employees).to_have_attribute("aria-invalid", "true")
    summary_link = page.locator("#error-summary a")
    expect(summary_link).to_have_count(1)
    expect(summary_link).to_contain_text("年末从业人员数量")
    screenshot(page, "validation-error")
    summary_link.click()
    expect(employees).to_be_focused()
    employees.fill(str(sample["main_indicators"]["employees"]["2024"]))
    wait_valid(page)
    expect(page.locator("#error-summary li")).to_have_count(0)

    # The narrative count against 2000 字 follows the typing.
    counter = page.locator("#sec-industrial_policy .counter")
    written = len(re.sub(r"\s", "", sample["industrial_policy"]))
    expect(counter).to_contain_text(f"已写 {written} / 2000 字")

    # Reload: the draft is in the list and restored with everything typed.
    page.reload()
    expect(page.locator("#validation-status")).to_have_text(re.compile("全部通过校验"), timeout=SERVER_WORK_MS)
    expect(field(page, "$.cover.applicant")).to_have_value(sample["cover"]["applicant"])
    expect(field(page, "$.top_enterprises[2].name")).to_have_value(sample["top_enterprises"][2]["name"])
    page.goto(server.base_url + "/#/drafts")
    expect(page.locator(".list-table tbody tr")).to_have_count(1)
    expect(page.locator(".list-table tbody")).to_contain_text(sample["cover"]["applicant"])
    page.locator(".list-table tbody a").click()
    wait_valid(page)

    # Preview (a blob URL in the frame), then the downloads, opened and read back.
    page.get_by_role("tab", name="预览与下载").click()
    page.get_by_role("button", name="生成预览").click()
    expect(page.locator("#pdf-preview")).to_have_attribute("src", re.compile("^blob:"), timeout=SERVER_WORK_MS)
    expect(page.locator("#preview-status")).to_contain_text("预览已更新")
    screenshot(page, "preview")
    with page.expect_download(timeout=SERVER_WORK_MS) as pdf_download:
        page.get_by_role("button", name="下载 PDF", exact=True).click()
    pdf_path = tmp_path / pdf_download.value.suggested_filename
    pdf_download.value.save_as(pdf_path)
    assert pdf_path.suffix == ".pdf" and sample["cover"]["applicant"] in pdf_path.name
    reader = pypdf.PdfReader(pdf_path)
    text = "".join(p.extract_text() for p in reader.pages)
    assert len(reader.pages) >= 5
    for probe in (sample["basic_info"]["name"], sample["top_enterprises"][0]["name"], "创建工作方案"):
        assert probe.replace(" ", "") in text.replace(" ", "").replace("\n", ""), probe
    with page.expect_download(timeout=SERVER_WORK_MS) as docx_download:
        page.get_by_role("button", name="下载 Word（.docx）").click()
    docx = zipfile.ZipFile(docx_download.value.path())
    assert sample["cover"]["applicant"] in docx.read("word/document.xml").decode("utf-8")


def test_package_with_two_attachments(page: Page, server: ServerThread, tmp_path: Path) -> None:
    page.goto(server.base_url + "/")
    page.locator('[data-template="park_application"]').get_by_role("button", name="从示例数据开始").click()
    wait_valid(page)
    page.get_by_role("tab", name="申报材料包").click()
    plan = PARK_ATTACHMENTS / "1" / "01_示范基地空间布局平面图.png"
    companies = PARK_ATTACHMENTS / "3" / "主导产业规上企业名单.pdf"
    page.locator("#att-input-1").set_input_files(str(plan))
    page.locator("#att-input-3").set_input_files(str(companies))
    # Two files the service cannot take: one refused in the page (type), one by the server (not a real PDF).
    page.locator("#att-input-8").set_input_files(
        [{"name": "名单.xlsx", "mimeType": "application/octet-stream", "buffer": b"PK\x03\x04 not really"}]
    )
    zone8 = page.locator('.item-zone[data-item="8"]')
    expect(zone8.locator(".file-row .msg")).to_contain_text("不支持的文件类型")
    zone8.get_by_role("button", name=re.compile("移除")).click()
    page.locator("#att-input-8").set_input_files(
        [{"name": "损坏的证明.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7\nthis is not a pdf"}]
    )
    page.locator("#build-package").click()
    expect(zone8.locator(".file-row .msg")).to_be_visible(timeout=SERVER_WORK_MS)
    expect(page.locator("#package-errors")).to_contain_text("损坏的证明.pdf")
    zone8.get_by_role("button", name=re.compile("移除")).click()

    # Titles are editable; the package uses them.
    page.locator('.item-zone[data-item="1"] .att-title').fill("园区空间布局平面图（2026 版）")
    page.locator("#build-package").click()
    ranges = page.locator("#page-ranges tbody tr")
    expect(ranges).to_have_count(3, timeout=SERVER_WORK_MS)
    expect(ranges.nth(1)).to_contain_text("园区空间布局平面图（2026 版）")
    expect(ranges.nth(1)).to_contain_text(re.compile(r"第 \d+(–\d+)? 页"))
    screenshot(page, "package")
    with page.expect_download(timeout=SERVER_WORK_MS) as zip_download:
        page.locator("#download-package-zip").click()
    bundle = zipfile.ZipFile(zip_download.value.path())
    merged_name = next(n for n in bundle.namelist() if n.endswith("/完整申报材料.pdf"))
    manifest = json.loads(bundle.read(next(n for n in bundle.namelist() if n.endswith("/manifest.json"))))
    merged = pypdf.PdfReader(io.BytesIO(bundle.read(merged_name)))
    assert len(merged.pages) == manifest["pages"]["total"]
    assert [a["title"] for a in manifest["attachments"]] == ["园区空间布局平面图（2026 版）", "主导产业规上企业名单"]
    shown = ranges.nth(2).inner_text()
    last = manifest["attachments"][1]
    assert str(last["first_page"]) in shown and str(last["last_page"]) in shown
    with page.expect_download(timeout=SERVER_WORK_MS) as pdf_download:
        page.locator("#download-package-pdf").click()
    assert pdf_download.value.suggested_filename.endswith("完整申报材料.pdf")
    assert len(pypdf.PdfReader(pdf_download.value.path()).pages) == manifest["pages"]["total"]


def batch_zip(tmp_path: Path) -> Path:
    """The Guangzhou sample cut to one park and one enterprise, plus the enterprise entered twice."""
    manifest = json.loads((BATCH_SAMPLE / "manifest.json").read_text(encoding="utf-8"))
    by_id = {c["id"]: c for c in manifest["candidates"]}
    twice = {**by_id["enterprise-1"], "id": "enterprise-again", "priority": 2}
    manifest["candidates"] = [by_id["park-1"], by_id["enterprise-1"], twice]
    target = tmp_path / "广州市批量.zip"
    with zipfile.ZipFile(target, "w") as zf:
        zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False))
        for path in sorted(BATCH_SAMPLE.rglob("*")):
            rel = path.relative_to(BATCH_SAMPLE).as_posix()
            if path.is_file() and rel.startswith(("payloads/", "attachments/")):
                zf.write(path, rel)
    return target


def test_batch_checked_run_to_completion_across_a_reload(page: Page, server: ServerThread, tmp_path: Path) -> None:
    page.goto(server.base_url + "/#/batch")
    page.locator("#batch-file").set_input_files(str(batch_zip(tmp_path)))
    expect(page.locator("#check-table tbody tr")).to_have_count(3, timeout=SERVER_WORK_MS)
    expect(page.locator("#cross-problems li")).to_have_count(1)
    expect(page.locator("#cross-problems li")).to_have_attribute("data-code", "duplicate_credit_code")
    expect(page.locator("#check-table tbody tr.row-skip")).to_have_count(1)
    screenshot(page, "batch-check")
    page.locator("#start-batch").click()
    page.wait_for_url(re.compile(r"#/batch/[0-9a-f]{32}$"))
    job_id = page.url.rsplit("/", 1)[1]
    expect(page.locator("#job-table tbody tr")).to_have_count(3)
    page.reload()  # the job lives on the server; its id in the URL brings the page back to it
    expect(page.locator("#job-state")).to_contain_text("已完成", timeout=SERVER_WORK_MS * 2)
    expect(page.locator("#job-progress")).to_have_attribute("value", "3")
    expect(page.locator("#job-counts")).to_contain_text("成功 2，失败 1")
    expect(page.locator("#job-table tr.status-ok")).to_have_count(2)
    screenshot(page, "batch-done")
    with page.expect_download(timeout=SERVER_WORK_MS) as result:
        page.locator("#download-batch").click()
    names = zipfile.ZipFile(result.value.path()).namelist()
    assert any(n.endswith("完整申报材料.pdf") for n in names)
    with page.expect_download(timeout=SERVER_WORK_MS) as summary:
        page.locator("#download-summary").click()
    reader = pypdf.PdfReader(summary.value.path())
    assert "推荐汇总表" in summary.value.suggested_filename
    assert "广州市" in "".join(p.extract_text() for p in reader.pages)
    status = httpx.get(f"{server.base_url}/v1/batches/{job_id}", timeout=60).json()
    assert status["state"] == "completed_with_failures"


def test_api_key_asked_once_per_session(page: Page, converter: Any, tmp_path: Path) -> None:
    with start_server(converter, tmp_path, api_keys="key-for-the-test") as srv:
        page.goto(srv.base_url + "/")
        dialog = page.locator("#key-dialog")
        expect(dialog).to_be_visible()
        page.locator("#key-input").fill("wrong")
        dialog.get_by_role("button", name="确定").click()
        expect(page.locator("#key-error")).to_have_text("密钥不正确，请重新输入。")
        page.locator("#key-input").fill("key-for-the-test")
        dialog.get_by_role("button", name="确定").click()
        expect(page.locator(".template-card")).to_have_count(6)
        page.reload()  # kept for the session: no second question
        expect(page.locator(".template-card")).to_have_count(6)
        expect(dialog).to_be_hidden()
        assert httpx.get(f"{srv.base_url}/v1/templates", timeout=30).status_code == 401
