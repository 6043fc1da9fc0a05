"""The application package read back: pages, bookmarks, stamped numbers, 附件清单 page references, metadata,
the disc bundle (manifest hashes, UTF-8 names, determinism) and the `docgen package` command.

Every check reads the produced files (pypdf, zipfile) and compares them with what the inputs say independently:
page counts of the original PDFs, text found on the pages, the images' pixel sizes.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import docx
import pikepdf
import pytest
import typer
from pypdf import PdfReader
from typer.testing import CliRunner

from service.packaging import Attachment, Package, assemble_package, attachments_from_dir
from service.packaging.merge import SECTION_TITLES

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
MM = 72 / 25.4
STAMP = re.compile(r"— (\d+) —")


def payload(template_id: str) -> dict:
    return json.loads((SAMPLES / f"{template_id}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def park(converter) -> tuple[Package, list[Attachment]]:
    atts = attachments_from_dir(SAMPLES / "attachments" / "park")
    return assemble_package("park_application", payload("park_application"), atts, converter=converter), atts


@pytest.fixture(scope="module")
def enterprise(converter) -> tuple[Package, list[Attachment]]:
    atts = attachments_from_dir(SAMPLES / "attachments" / "enterprise")
    return assemble_package(
        "enterprise_application", payload("enterprise_application"), atts, converter=converter
    ), atts


def small_attachments() -> list[Attachment]:
    park_dir = SAMPLES / "attachments" / "park"
    finance = (park_dir / "5" / "融资情况证明材料.pdf").read_bytes()
    return [
        Attachment.from_path(park_dir / "1" / "01_示范基地空间布局平面图.png", 1),
        Attachment(item=5, title="融资情况证明", data=finance, filename="融资.pdf"),
        Attachment.from_path(park_dir / "7" / "节能环保与安全生产达标说明.docx", 7),
    ]


@pytest.fixture(scope="module")
def small(converter) -> Package:
    return assemble_package(
        "park_application", payload("park_application"), small_attachments(), sequence=7, converter=converter
    )


def reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def original_pages(att: Attachment) -> int | None:
    """Page count of an attachment known without the package: PDFs counted by pypdf, images one page."""
    suffix = att.name.lower().rsplit(".", 1)[-1]
    if suffix == "pdf":
        return len(reader(att.read()).pages)
    if suffix in ("png", "jpg", "jpeg"):
        return 1
    return None  # DOCX: converted by LibreOffice


def stamps(page) -> list[tuple[str, float, float]]:
    """(text, x, y) of the "— N —" strings drawn on a page."""
    found: list[tuple[str, float, float]] = []

    def visit(text, cm, tm, font_dict, font_size):
        if STAMP.fullmatch(text.strip()):
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append((text.strip(), x, y))

    page.extract_text(visitor_text=visit)
    return found


def outline_entries(r: PdfReader) -> list[tuple[int, str, int]]:
    """(depth, title, page index) of every bookmark, in order."""
    out: list[tuple[int, str, int]] = []

    def walk(items, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                out.append((depth, item.title, r.get_destination_page_number(item)))

    walk(r.outline, 0)
    return out


def page_text(r: PdfReader, index: int) -> str:
    return STAMP.sub("", r.pages[index].extract_text())


# --- the merged PDF ------------------------------------------------------------------------------------------


def test_page_count_is_the_sum_of_the_parts(park):
    package, atts = park
    r = reader(package.merged_pdf)
    application = len(reader(package.application_pdf).pages)
    assert application == package.parts[0].pages
    assert len(r.pages) == application + sum(p.pages for p in package.parts[1:])
    by_source = {p.source_name: p.pages for p in package.parts[1:]}
    for att in atts:
        expected = original_pages(att)
        if expected is not None:
            assert by_source[att.name] == expected, att.name
    assert len(r.pages) >= 40  # the park sample is meant to be a realistic ~40-page package


def test_parts_are_in_item_order_and_start_where_their_content_is(park):
    package, atts = park
    r = reader(package.merged_pdf)
    items = [p.item for p in package.parts[1:]]
    assert items == sorted(items) and set(items) == set(range(1, 9))
    for part in package.parts[1:]:
        att = next(a for a in atts if a.name == part.source_name)
        if att.name.endswith(".pdf"):
            first_original = reader(att.read()).pages[0].extract_text().strip()
            assert first_original[:20] in page_text(r, part.first_index), att.name
        elif att.name.endswith(".docx"):
            heading = docx.Document(io.BytesIO(att.read())).paragraphs[0].text
            assert heading in page_text(r, part.first_index).replace("\n", ""), att.name


def test_outline_has_sections_items_and_files_with_their_pages(park):
    package, _ = park
    r = reader(package.merged_pdf)
    entries = outline_entries(r)
    top = [(title, page) for depth, title, page in entries if depth == 0]
    assert top[0] == ("国家新兴产业发展示范基地创建申请书（示范园区）", 0)
    assert top[1][0] == "附件材料"
    sections = [(title, page) for depth, title, page in entries if depth == 1 and title in SECTION_TITLES]
    assert [t for t, _ in sections] == list(SECTION_TITLES)
    for title, page in sections:
        assert title in page_text(r, page)
    split = next(i for i, (depth, title, _) in enumerate(entries) if depth == 0 and title == "附件材料")
    items = [(title, page) for depth, title, page in entries[split:] if depth == 1]
    assert [t.split(".")[0] for t, _ in items] == [str(i) for i in range(1, 9)]
    assert items[0][0] == "1.示范基地空间布局平面图"
    first_of_item: dict[int, int] = {}
    for part in package.parts[1:]:
        first_of_item.setdefault(part.item, part.first_index)
    assert [page for _, page in items] == [first_of_item[i] for i in range(1, 9)]
    files = [(title, page) for depth, title, page in entries[split:] if depth == 2]
    assert files == [(p.title, p.first_index) for p in package.parts[1:]]


def test_page_numbers_are_extractable_on_every_page_after_the_cover(park):
    package, _ = park
    r = reader(package.merged_pdf)
    assert stamps(r.pages[0]) == []
    assert r.page_labels[:3] == ["封面", "1", "2"]
    for index in range(1, len(r.pages)):
        found = stamps(r.pages[index])
        assert [text for text, _, _ in found] == [f"— {index} —"], index
        assert r.pages[index].extract_text().rstrip().endswith(f"— {index} —")


def stamp_runs(page) -> list[tuple[str, float, float, Any, float]]:
    """(text, x, y, font dictionary, size) of the "— N —" strings drawn on a page."""
    found: list[tuple[str, float, float, Any, float]] = []

    def visit(text, cm, tm, font_dict, font_size):
        if STAMP.fullmatch(text.strip()):
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append((text.strip(), x, y, font_dict, font_size * tm[3] * cm[3]))

    page.extract_text(visitor_text=visit)
    return found


def embedded_glyph_bounds(font_dict: Any, glyph: str) -> tuple[float, float, float, float]:
    """Bounds of a glyph read from the font program embedded in the PDF (1/1000 em)."""
    from fontTools.cffLib import CFFFontSet
    from fontTools.pens.boundsPen import BoundsPen

    program = font_dict["/FontDescriptor"]["/FontFile3"].get_object().get_data()
    cff = CFFFontSet()
    cff.decompile(io.BytesIO(program), None)
    charstrings = cff[cff.fontNames[0]].CharStrings
    pen = BoundsPen(charstrings)
    charstrings[glyph].draw(pen)
    return pen.bounds


def test_page_numbers_are_an_embedded_songti_face_at_14_pt(park):
    package, _ = park
    r = reader(package.merged_pdf)
    expected = subprocess.run(
        ["fc-match", "-f", "%{postscriptname}", "宋体"], capture_output=True, text=True, check=True
    ).stdout
    for index in (1, 2, len(r.pages) - 1):
        [(_, _, _, font, size)] = stamp_runs(r.pages[index])
        assert size == pytest.approx(14)
        assert font["/BaseFont"].split("+", 1)[1] == expected  # the face 宋体 maps to, subset-tagged
        descriptor = font["/FontDescriptor"]
        assert descriptor["/FontFile3"]["/Subtype"] == "/Type1C"
    out = subprocess.run(["pdffonts", "-"], input=package.merged_pdf, capture_output=True, check=True).stdout
    rows = out.decode().splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), out.decode()  # emb column: every font
    assert not any("Times" in row for row in rows)


def test_page_numbers_are_placed_as_gb_t_9704(park):
    package, _ = park
    r = reader(package.merged_pdf)
    for index in range(1, len(r.pages)):
        page = r.pages[index]
        width = float(page.mediabox.width)
        _, x, y, font, size = stamp_runs(page)[0]
        if index == 1:
            _, dash_bottom, _, dash_top = embedded_glyph_bounds(font, "emdash")
            dash_middle = (dash_bottom + dash_top) / 2000 * size
        assert y + dash_middle == pytest.approx(28 * MM, abs=0.5)  # the dashes 7 mm below the type area
        first = int(font["/FirstChar"])
        widths = font["/Widths"]
        text_width = sum(widths[b - first] for b in f"— {index} —".encode("cp1252")) * size / 1000
        if index % 2:
            assert x + text_width == pytest.approx(width - 26 * MM - 14, abs=0.5)  # odd: right, one char in
        else:
            assert x == pytest.approx(28 * MM + 14, abs=0.5)  # even: left, one char in


def test_full_page_content_is_shrunk_to_make_room_for_the_number(park):
    package, atts = park
    merged = pikepdf.open(io.BytesIO(package.merged_pdf))
    scan = next(p for p in package.parts if p.title == "高新技术企业证书")
    footer_part = next(p for p in package.parts if p.title == "其他说明材料")
    stamp_top = 28 * MM - 0.23 * 14 + 0.7 * 14
    # A scan covers its whole page: after scaling about the top, its lower edge (y=0) lands at ty.
    for index in range(scan.first_index, scan.first_index + scan.pages):
        ops = pikepdf.parse_content_stream(merged.pages[index])
        first_cm = next(operands for operands, op in ops if str(op) == "cm")
        scale, ty = float(first_cm[0]), float(first_cm[5])
        assert 0.85 < scale < 1
        assert ty > stamp_top
    # The footer line of "其他说明材料" sits ~10 mm from the bottom: read its baseline in the original.
    original = reader(next(a for a in atts if a.name == "其他说明材料.pdf").read())
    ys: list[float] = []
    original.pages[0].extract_text(
        visitor_text=lambda t, cm, tm, f, s: ys.append(tm[5] * cm[3] + cm[5]) if t.strip() else None
    )
    footer_y = min(ys)
    assert footer_y < 20 * MM
    ops = pikepdf.parse_content_stream(merged.pages[footer_part.first_index])
    first_cm = next(operands for operands, op in ops if str(op) == "cm")
    scale, ty = float(first_cm[0]), float(first_cm[5])
    assert scale * footer_y + ty - 0.25 * 10.5 > stamp_top
    # Pages with a normal bottom margin are not touched.
    listing = next(p for p in package.parts if p.title == "主导产业规上企业名单")
    assert merged.pages[listing.first_index].Contents[0].read_bytes().startswith(b"q\n")
    assert all(
        s.scale == 1.0
        for s in package.stamps
        if listing.first_index <= s.page_index < listing.first_index + listing.pages
    )


def test_images_are_placed_on_a4_by_aspect_ratio_without_upscaling(park):
    package, _ = park
    merged = pikepdf.open(io.BytesIO(package.merged_pdf))
    plan = next(p for p in package.parts if p.source_name == "01_示范基地空间布局平面图.png")
    photo = next(p for p in package.parts if p.source_name == "02_园区区位图.jpg")
    plan_page, photo_page = merged.pages[plan.first_index], merged.pages[photo.first_index]
    assert [round(float(v)) for v in plan_page.mediabox] == [0, 0, 842, 595]  # 1600×1100 → landscape A4
    assert [round(float(v)) for v in photo_page.mediabox] == [0, 0, 595, 842]  # 480×640 → portrait A4
    images = list(photo_page.get_images().values())
    assert (int(images[0].Width), int(images[0].Height)) == (480, 640)
    cms = [operands for operands, op in pikepdf.parse_content_stream(photo_page) if str(op) == "cm"]
    image_cm = cms[-1]
    # No DPI declared → 96 dpi: 480 px = 360 pt wide, although the page would allow twice that.
    assert float(image_cm[0]) == pytest.approx(360, abs=0.01)
    assert float(image_cm[3]) == pytest.approx(480, abs=0.01)
    plan_cm = [operands for operands, op in pikepdf.parse_content_stream(plan_page) if str(op) == "cm"][-1]
    assert float(plan_cm[0]) <= 1600 * 72 / 96  # scaled down to fit, never up
    assert float(plan_cm[5]) >= 35 * MM - 0.01  # the bottom margin keeps room for the number


def test_attachment_list_shows_the_page_ranges_in_the_package(park):
    package, atts = park
    r = reader(package.merged_pdf)
    sections = {title: page for depth, title, page in outline_entries(r) if title in SECTION_TITLES}
    text = "".join(page_text(r, i) for i in range(sections["三、附件清单"], sections["四、推荐单位意见"] + 1))
    text = text.replace("\n", "")
    listed = re.findall(r"（\d+）([^（）]+?)（第 (\d+)(?:–(\d+))?\s*页）", text)
    assert len(listed) == len(atts)
    for (title, first, last), part in zip(listed, package.parts[1:], strict=True):
        first_n, last_n = int(first), int(last or first)
        assert title == part.title
        assert last_n - first_n + 1 == part.pages
        # The numbers printed in the list are the numbers stamped on those pages.
        assert stamps(r.pages[part.first_index])[0][0] == f"— {first_n} —"
        assert stamps(r.pages[part.first_index + part.pages - 1])[0][0] == f"— {last_n} —"
    assert "（未提供）" not in text


def test_items_without_files_say_so(small):
    r = reader(small.merged_pdf)
    sections = {title: page for depth, title, page in outline_entries(r) if title in SECTION_TITLES}
    text = "".join(page_text(r, i) for i in range(sections["三、附件清单"], sections["四、推荐单位意见"] + 1))
    assert text.count("（未提供）") == 5
    assert f"融资情况证明（第 {small.parts[2].first_number}–{small.parts[2].last_number} 页）" in text.replace("\n", "")


def test_metadata_comes_from_the_payload(park):
    package, _ = park
    meta = reader(package.merged_pdf).metadata
    data = payload("park_application")
    assert meta.author == data["cover"]["applicant"]
    assert "国家新兴产业发展示范基地创建申请书（示范园区）" in meta.title
    assert meta.subject
    filing = data["cover"]["fill_date"].replace("-", "")
    assert meta["/CreationDate"].startswith(f"D:{filing}")
    assert meta["/ModDate"] == meta["/CreationDate"]


def test_application_pdf_is_the_numbered_application_alone(park):
    package, _ = park
    r = reader(package.application_pdf)
    assert len(r.pages) == package.parts[0].pages
    assert [t for d, t, _ in outline_entries(r) if d == 1] == list(SECTION_TITLES)
    assert stamps(r.pages[1])[0][0] == "— 1 —"


def test_enterprise_package_uses_its_own_list(enterprise):
    package, _ = enterprise
    r = reader(package.merged_pdf)
    items = [t for d, t, _ in outline_entries(r) if d == 1 and t[0].isdigit()]
    assert items[2] == "3.国家级和省部级科技奖励清单及证明材料"
    assert items[7] == "8.其他"
    assert len(r.pages) == sum(p.pages for p in package.parts)
    assert package.folder.startswith("01_")


# --- the disc bundle -----------------------------------------------------------------------------------------


def test_zip_names_are_utf8_and_match_the_expected_layout(park):
    package, _ = park
    zf = zipfile.ZipFile(io.BytesIO(package.bundle_zip))
    folder = package.folder
    names = zf.namelist()
    assert names == sorted(names)
    for expected in (
        "申请书.docx",
        "申请书.pdf",
        "完整申报材料.pdf",
        "manifest.json",
        "附件/1-1_示范基地空间布局平面图.png",
        "附件/4-2_国家级创新平台认定文件.pdf",
        "附件/6-2_智能工厂认定名单.docx",
    ):
        assert f"{folder}/{expected}" in names
    for info in zf.infolist():
        if not info.filename.isascii():
            assert info.flag_bits & 0x800, info.filename  # the "language encoding" flag: names are UTF-8
    assert {info.create_system for info in zf.infolist()} == {3}  # see bundle.py: DOS-made names get re-encoded
    # The raw central directory holds the UTF-8 bytes of the names.
    raw = package.bundle_zip
    assert f"{folder}/完整申报材料.pdf".encode() in raw


def test_info_zip_lists_the_chinese_names(park, tmp_path):
    if shutil.which("unzip") is None:
        pytest.skip("Info-ZIP unzip is not installed")
    package, _ = park
    (tmp_path / "bundle.zip").write_bytes(package.bundle_zip)
    listing = subprocess.run(
        ["unzip", "-Z1", str(tmp_path / "bundle.zip")], capture_output=True, check=True, env={"LC_ALL": "C.UTF-8"}
    ).stdout.decode("utf-8")
    assert f"{package.folder}/完整申报材料.pdf" in listing.splitlines()
    assert f"{package.folder}/附件/1-1_示范基地空间布局平面图.png" in listing.splitlines()


def test_manifest_hashes_sizes_and_pages_match_the_files(park):
    package, atts = park
    zf = zipfile.ZipFile(io.BytesIO(package.bundle_zip))
    manifest = json.loads(zf.read(f"{package.folder}/manifest.json"))
    assert manifest == package.manifest
    assert manifest["template"]["id"] == "park_application"
    assert re.fullmatch(r"[0-9a-f]{16}", manifest["template"]["version"])
    assert manifest["generated_at"].startswith(payload("park_application")["cover"]["fill_date"])
    paths = {r["path"] for r in manifest["files"]}
    in_zip = {n.removeprefix(package.folder + "/") for n in zf.namelist() if not n.endswith("/")}
    assert paths | {"manifest.json"} == in_zip
    for record in manifest["files"]:
        data = zf.read(f"{package.folder}/{record['path']}")
        assert hashlib.sha256(data).hexdigest() == record["sha256"]
        assert len(data) == record["size"]
        if record["path"].endswith(".pdf"):
            assert len(reader(data).pages) == record["pages"]
    originals = {a.name: a.read() for a in atts}
    for row in manifest["attachments"]:
        assert zf.read(f"{package.folder}/{row['file']}") == originals[row["source_name"]]


def test_same_inputs_give_the_same_bytes(small, converter):
    again = assemble_package(
        "park_application", payload("park_application"), small_attachments(), sequence=7, converter=converter
    )
    assert again.merged_pdf == small.merged_pdf
    assert again.application_pdf == small.application_pdf
    assert again.bundle_zip == small.bundle_zip
    assert small.folder.startswith("07_")


def test_write_to_writes_the_folder_and_the_zip(small, tmp_path):
    out = tmp_path / "out"
    written = small.write_to(out)
    assert written == [out / small.folder, out / small.zip_name]
    assert (out / small.zip_name).read_bytes() == small.bundle_zip
    for rel, data in small.files.items():
        assert (out / small.folder / rel).read_bytes() == data
    assert sorted(p.name for p in out.iterdir()) == sorted([small.folder, small.zip_name])
    small.write_to(out)  # writing again replaces the previous output, leaves no temporary files
    assert sorted(p.name for p in out.iterdir()) == sorted([small.folder, small.zip_name])


def test_write_to_leaves_nothing_when_writing_fails(small, tmp_path, monkeypatch):
    calls = {"n": 0}
    real = Path.write_bytes

    def failing(self, data):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing)
    with pytest.raises(OSError):
        small.write_to(tmp_path / "new")
    assert list(tmp_path.iterdir()) == []
    existing = tmp_path / "existing"
    existing.mkdir()
    calls["n"] = 0
    with pytest.raises(OSError):
        small.write_to(existing)
    assert list(existing.iterdir()) == []


# --- the command line ----------------------------------------------------------------------------------------


def cli_app() -> typer.Typer:
    from service.cli.package import register

    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """docgen"""

    register(app)
    return app


def test_cli_builds_the_package_and_infers_the_template(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli_app(),
        [
            "package",
            str(SAMPLES / "enterprise_application.json"),
            "--attachments",
            str(SAMPLES / "attachments" / "enterprise"),
            "-o",
            str(out),
            "--sequence",
            "3",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "已生成" in result.output
    folders = [p for p in out.iterdir() if p.is_dir()]
    assert len(folders) == 1 and folders[0].name.startswith("03_")
    merged = reader((folders[0] / "完整申报材料.pdf").read_bytes())
    assert len(merged.pages) == json.loads((folders[0] / "manifest.json").read_text())["pages"]["total"]
    assert (out / f"{folders[0].name}.zip").exists()


# --- reproducible LibreOffice output -------------------------------------------------------------------------


def test_font_normalisation_removes_the_unique_ids_and_keeps_the_rendering(small, converter, tmp_path):
    from service.output.pdf import eexec_decrypt, normalise_fonts
    from service.packaging.convert import docx_to_pdf
    from service.packaging.listing import without_footers

    raw = docx_to_pdf(converter, without_footers(small.application_docx))
    pdf = pikepdf.open(io.BytesIO(raw))
    assert normalise_fonts(pdf) >= 1
    normalised = io.BytesIO()
    pdf.save(normalised)
    fonts = 0
    reopened = pikepdf.open(io.BytesIO(normalised.getvalue()))
    for obj in reopened.objects:
        if isinstance(obj, pikepdf.Dictionary) and "/FontFile" in obj:
            data = obj.FontFile.read_bytes()
            l1, l2 = int(obj.FontFile.Length1), int(obj.FontFile.Length2)
            assert b"/UniqueID" not in data[:l1]
            assert b"/UniqueID" not in eexec_decrypt(data[l1 : l1 + l2])
            assert b"/CharStrings" in eexec_decrypt(data[l1 : l1 + l2])
            fonts += 1
    assert fonts >= 1
    (tmp_path / "raw.pdf").write_bytes(raw)
    (tmp_path / "norm.pdf").write_bytes(normalised.getvalue())
    for name in ("raw", "norm"):
        subprocess.run(
            ["pdftoppm", "-r", "50", "-f", "2", "-l", "3", "-png", str(tmp_path / f"{name}.pdf"), str(tmp_path / name)],
            check=True,
        )
    raw_pngs, norm_pngs = sorted(tmp_path.glob("raw-*.png")), sorted(tmp_path.glob("norm-*.png"))
    assert len(raw_pngs) == len(norm_pngs) == 2
    for before, after in zip(raw_pngs, norm_pngs, strict=True):
        assert before.read_bytes() == after.read_bytes()


def test_rotated_pages_are_turned_upright_so_the_number_goes_at_the_visible_bottom():
    from service.packaging.attachments import PackageLimits, load

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    pdf.pages[0].Rotate = 90
    out = io.BytesIO()
    pdf.save(out)
    loaded = load(
        Attachment(item=8, title="横向表格", data=out.getvalue(), filename="横向.pdf"), 1, PackageLimits(), bytes
    )
    page = loaded.pdf.pages[0]
    assert "/Rotate" not in page.obj
    assert [round(float(v)) for v in page.mediabox] == [0, 0, 842, 595]


def test_titles_come_from_file_names_without_ordering_prefixes():
    from service.packaging.attachments import title_from_filename

    assert title_from_filename("02_高新技术企业证书.pdf") == "高新技术企业证书"
    assert title_from_filename("1. 布局图.png") == "布局图"
    assert title_from_filename("2024年报.pdf") == "2024年报"


def test_sections_are_found_from_the_text_when_the_pdf_has_no_bookmarks(small):
    from service.packaging.merge import application_sections

    with_outline = pikepdf.open(io.BytesIO(small.application_pdf))
    expected = [(e.title, e.page) for e in application_sections(with_outline, small.application_pdf)]
    del with_outline.Root.Outlines
    stripped = io.BytesIO()
    with_outline.save(stripped)
    bare = pikepdf.open(io.BytesIO(stripped.getvalue()))
    assert [(e.title, e.page) for e in application_sections(bare, stripped.getvalue())] == expected
    assert [t for t, _ in expected] == list(SECTION_TITLES)
