"""Bad attachments: each gives an error naming the file and the reason, with a stable code, and leaves no output.
A mildly damaged PDF is repaired, reported, and its pages are in the package."""

from __future__ import annotations

import io
import json
import random
import re
import struct
import zipfile
import zlib
from pathlib import Path

import pikepdf
import pytest
import typer
from PIL import Image
from pypdf import PdfReader
from typer.testing import CliRunner

from service.packaging import Attachment, AttachmentError, PackageLimits, assemble_package

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
SAMPLE_PDF = SAMPLES / "attachments" / "park" / "5" / "融资情况证明材料.pdf"


def payload() -> dict:
    return json.loads((SAMPLES / "park_application.json").read_text(encoding="utf-8"))


def blank_pdf(pages: int) -> bytes:
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def encrypted_pdf(user: str) -> bytes:
    pdf = pikepdf.open(SAMPLE_PDF)
    out = io.BytesIO()
    pdf.save(out, encryption=pikepdf.Encryption(user=user, owner="owner-secret", R=6))
    return out.getvalue()


def damaged_pdf() -> bytes:
    """The sample PDF with a wrong startxref offset: qpdf rebuilds the cross-reference table."""
    data = SAMPLE_PDF.read_bytes()
    match = list(re.finditer(rb"startxref\s+(\d+)", data))[-1]
    return data[: match.start(1)] + b"12345" + data[match.end(1) :]


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims width×height pixels, with almost no data (a decompression bomb's shape)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


def truncated_png() -> bytes:
    rng = random.Random(1)
    img = Image.frombytes("RGB", (200, 200), bytes(rng.randrange(256) for _ in range(200 * 200 * 3)))
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()[: len(out.getvalue()) // 2]


def docx_without_body() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
    return out.getvalue()


# name, content, limits, expected code, words the reason must contain
CASES = {
    "encrypted": ("加密文件.pdf", lambda: encrypted_pdf("user-pass"), {}, "attachment_encrypted", "密码"),
    "permissions_only": ("权限加密.pdf", lambda: encrypted_pdf(""), {}, "attachment_encrypted", "加密"),
    "corrupt": ("损坏.pdf", lambda: b"%PDF-1.7\n" + bytes(range(256)) * 40, {}, "attachment_corrupt", "无法"),
    "truncated": ("截断.pdf", lambda: SAMPLE_PDF.read_bytes()[:20_000], {}, "attachment_corrupt", "损坏"),
    "not_a_pdf": ("其实是文本.pdf", lambda: "这不是 PDF".encode(), {}, "attachment_corrupt", "PDF"),
    "empty": ("空文件.pdf", lambda: b"", {}, "attachment_corrupt", "空"),
    "bomb": ("巨图.png", lambda: png_header_only(100_000, 100_000), {}, "image_too_many_pixels", "像素"),
    "over_pixel_limit": ("大图.png", lambda: png_header_only(10_000, 9_000), {}, "image_too_many_pixels", "9000"),
    "truncated_image": ("残图.png", truncated_png, {}, "attachment_corrupt", "图片"),
    "too_large": ("大文件.pdf", lambda: blank_pdf(1), {"max_file_bytes": 100}, "attachment_too_large", "上限"),
    "too_many_pages": ("三页.pdf", lambda: blank_pdf(3), {"max_file_pages": 2}, "attachment_too_many_pages", "3 页"),
    "unsupported": ("说明.txt", lambda: "文本".encode(), {}, "attachment_type_unsupported", ".txt"),
    "old_word": ("旧版.doc", lambda: b"\xd0\xcf\x11\xe0" + b"\0" * 100, {}, "attachment_type_unsupported", ".docx"),
    "docx_without_body": ("坏文档.docx", docx_without_body, {}, "attachment_corrupt", "Word"),
}


@pytest.mark.parametrize("case", CASES)
def test_library_raises_a_coded_error_naming_the_file(case, converter):
    name, make, limits, code, words = CASES[case]
    attachment = Attachment(item=4, title="证明材料", data=make(), filename=name)
    with pytest.raises(AttachmentError) as info:
        assemble_package(
            "park_application", payload(), [attachment], limits=PackageLimits(**limits), converter=converter
        )
    assert info.value.code == code
    assert info.value.filename == name
    assert name in info.value.message and words in info.value.message


def test_package_size_limit_names_the_file_that_crosses_it(converter):
    first = Attachment(item=1, title="一", data=blank_pdf(1), filename="一.pdf")
    second = Attachment(item=2, title="二", data=blank_pdf(1), filename="二.pdf")
    limit = len(first.data) + len(second.data) - 1
    with pytest.raises(AttachmentError) as info:
        assemble_package(
            "park_application",
            payload(),
            [first, second],
            limits=PackageLimits(max_package_bytes=limit),
            converter=converter,
        )
    assert (info.value.code, info.value.filename) == ("package_too_large", "二.pdf")


def test_package_page_limit_names_the_file_that_crosses_it(converter):
    atts = [Attachment(item=i, title=f"第{i}项", data=blank_pdf(2), filename=f"{i}.pdf") for i in (1, 2)]
    with pytest.raises(AttachmentError) as info:
        assemble_package(
            "park_application", payload(), atts, limits=PackageLimits(max_package_pages=3), converter=converter
        )
    assert (info.value.code, info.value.filename) == ("package_too_many_pages", "2.pdf")


def test_item_number_must_be_one_to_eight():
    with pytest.raises(AttachmentError) as info:
        Attachment(item=9, title="其他", data=blank_pdf(1), filename="九.pdf")
    assert info.value.code == "attachment_invalid" and "九.pdf" in info.value.message


def test_a_mildly_damaged_pdf_is_repaired_and_reported(converter):
    damaged = Attachment(item=5, title="融资情况证明材料", data=damaged_pdf(), filename="受损的融资证明.pdf")
    package = assemble_package("park_application", payload(), [damaged], converter=converter)
    assert [r.filename for r in package.repairs] == ["受损的融资证明.pdf"]
    assert "已自动修复" in package.repairs[0].message
    assert any("xref" in d for d in package.repairs[0].details)
    assert package.manifest["repairs"][0]["file"] == "受损的融资证明.pdf"
    assert package.manifest["attachments"][0]["repaired"] is True
    part = package.parts[1]
    original = PdfReader(SAMPLE_PDF)
    merged = PdfReader(io.BytesIO(package.merged_pdf))
    assert part.pages == len(original.pages)
    for offset in range(part.pages):
        expected = original.pages[offset].extract_text().strip()[:30]
        assert expected in merged.pages[part.first_index + offset].extract_text()
    # The bundle keeps the original as supplied (damaged bytes), the package holds the repaired pages.
    zf = zipfile.ZipFile(io.BytesIO(package.bundle_zip))
    assert zf.read(f"{package.folder}/{part.bundle_path}") == damaged.data


# --- through the command line: the error is printed and nothing is written -------------------------------------


def cli_app() -> typer.Typer:
    from service.cli.package import register

    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """docgen"""

    register(app)
    return app


CLI_LIMITS = {"max_file_bytes": ["--max-file-mb", "0.0001"], "max_file_pages": ["--max-pages", "2"]}


@pytest.mark.parametrize("case", CASES)
def test_cli_prints_the_error_and_writes_nothing(case, tmp_path):
    name, make, limits, code, words = CASES[case]
    attachments = tmp_path / "attachments"
    (attachments / "4").mkdir(parents=True)
    (attachments / "1").mkdir()
    (attachments / "1" / "布局图.pdf").write_bytes(blank_pdf(1))
    (attachments / "4" / name).write_bytes(make())
    options = [arg for key in limits for arg in CLI_LIMITS[key]]
    if "max_file_bytes" in limits:
        (attachments / "1" / "布局图.pdf").unlink()
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli_app(), ["package", str(SAMPLES / "park_application.json"), "-a", str(attachments), "-o", str(out), *options]
    )
    assert result.exit_code == 1, result.output
    text = re.sub(r"\s+", "", result.output)
    assert code in text and name in text and words.replace(" ", "") in text
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["attachments"]  # no temporary leftovers either


def test_cli_reports_a_repair_and_builds_the_package(tmp_path):
    attachments = tmp_path / "attachments"
    (attachments / "5").mkdir(parents=True)
    (attachments / "5" / "受损的融资证明.pdf").write_bytes(damaged_pdf())
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli_app(), ["package", str(SAMPLES / "park_application.json"), "-a", str(attachments), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "已修复" in result.output and "受损的融资证明.pdf" in result.output
    assert len(list(out.glob("*.zip"))) == 1


def test_cli_rejects_files_outside_item_folders(tmp_path):
    attachments = tmp_path / "attachments"
    attachments.mkdir()
    (attachments / "散落的文件.pdf").write_bytes(blank_pdf(1))
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli_app(), ["package", str(SAMPLES / "park_application.json"), "-a", str(attachments), "-o", str(out)]
    )
    assert result.exit_code == 1
    assert "散落的文件.pdf" in result.output and "attachment_list_invalid" in result.output
    assert not out.exists()


def test_attachments_json_cannot_point_outside_the_directory(tmp_path):
    from service.packaging import AttachmentListError, attachments_from_dir

    (tmp_path / "secret.pdf").write_bytes(blank_pdf(1))
    folder = tmp_path / "attachments"
    folder.mkdir()
    (folder / "attachments.json").write_text(
        json.dumps([{"file": "../secret.pdf", "item": 1, "title": "越界"}]), encoding="utf-8"
    )
    with pytest.raises(AttachmentListError) as info:
        attachments_from_dir(folder)
    assert "../secret.pdf" in info.value.message and info.value.code == "attachment_list_invalid"
