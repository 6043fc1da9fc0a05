"""The attachment fuzzer's two crashes in the page-number stamper (IndexError in `stamp.py`'s content measure):
a content stream whose `Tf` lost its operands (the fuzzer replaced the font size with `1e308`, which PDF lexes
as an operator, not a number) and one whose `Do` lost its name. The measure now skips such an operator and goes
on, as pdf.js does (poppler stops drawing the stream there, a part of what is measured), so the rest of the page
is still measured: the page is shrunk only when what a viewer can draw reaches into the number's band.

Each case goes through the attachment part of the package path as `assemble_package` does (load with qpdf,
merge after an application page, stamp, save) and the saved PDF is read back."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pikepdf
from PIL import Image
from pypdf import PdfReader

from service.output.pdf import save_pdf
from service.packaging import Attachment, PackageLimits, assemble_package, merge, stamp
from service.packaging.attachments import load

MM = 72 / 25.4
A4 = (595.28, 841.89)
STAMP = re.compile(r"— (\d+) —")
STAMP_TOP = 28 * MM - 0.23 * 14 + 0.7 * 14
"""Top of the stamped "— N —" (dash line 28 mm, digit height ~0.7 em): what is drawn must stay above it."""
FULL_BLEED = b"q 595.28 0 0 841.89 0 0 cm /Im0 Do Q\n"
"""A scan covering the whole page: needs shrinking."""
TITLE = b"BT /F1 12 Tf 72 760 Td (Title) Tj ET\n"


def damaged_pdf(content: bytes) -> bytes:
    """A one-page A4 PDF with a Helvetica font /F1, a 1×1 grey image /Im0 and `content` as its page content."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=A4)
    page = pdf.pages[0]
    image = pikepdf.Stream(pdf, b"\x80")
    image.Type, image.Subtype, image.Width, image.Height = pikepdf.Name.XObject, pikepdf.Name.Image, 1, 1
    image.BitsPerComponent, image.ColorSpace = 8, pikepdf.Name.DeviceGray
    font = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    page.obj.Resources = pikepdf.Dictionary(
        Font=pikepdf.Dictionary(F1=pdf.make_indirect(font)),
        XObject=pikepdf.Dictionary(Im0=pdf.make_indirect(image)),
    )
    page.obj.Contents = pdf.make_indirect(pikepdf.Stream(pdf, content))
    out = io.BytesIO()
    pdf.save(out, compress_streams=False)
    return out.getvalue()


def package_pages(data: bytes) -> tuple[pikepdf.Pdf, stamp.StampResult]:
    """The attachment after the application page, stamped "— 1 —", saved and opened again."""
    att = Attachment(item=3, title="证明材料", data=data, filename="证明材料.pdf")
    loaded = load(att, 1, PackageLimits(), lambda docx: docx)
    application = pikepdf.new()
    application.add_blank_page(page_size=A4)
    merged = merge.merge([application, loaded.pdf])
    [result] = stamp.stamp_pages(merged, [(1, 1)])
    return pikepdf.open(io.BytesIO(save_pdf(merged))), result


def stamps(pdf: pikepdf.Pdf, index: int) -> list[tuple[str, float]]:
    """("— N —", baseline y) of the numbers drawn on a page, read back with pypdf."""
    out = io.BytesIO()
    pdf.save(out)
    found: list[tuple[str, float]] = []

    def visit(text, cm, tm, font_dict, font_size):  # type: ignore[no-untyped-def]
        if STAMP.fullmatch(text.strip()):
            found.append((text.strip(), tm[4] * cm[1] + tm[5] * cm[3] + cm[5]))

    PdfReader(out).pages[index].extract_text(visitor_text=visit)
    return found


def first_cm(pdf: pikepdf.Pdf, index: int) -> tuple[float, float] | None:
    """(scale, ty) of the shrinking matrix the stamper puts first, None when the page was left at full size
    (then its content starts with a bare "q")."""
    page = pdf.pages[index]
    page.contents_coalesce()
    content = page.obj.Contents.read_bytes()
    match = re.match(rb"q ([\d.]+) 0 0 \1 ([-\d.]+) ([-\d.]+) cm\n", content)
    if match is None:
        assert content.startswith(b"q\n"), content[:80]
        return None
    return float(match[1]), float(match[3])


def test_tf_without_operands_is_skipped_and_the_page_still_measured() -> None:
    # Reproduction 1 (stamp.py:289, `float(operands[1])` of a Tf with none): the title's size became "1e308".
    data = damaged_pdf(TITLE.replace(b" 12 Tf", b" 1e308 Tf"))
    with pikepdf.open(io.BytesIO(data)) as original:
        assert [
            list(i.operands) for i in pikepdf.parse_content_stream(original.pages[0]) if str(i.operator) == "Tf"
        ] == [[]]
    pdf, result = package_pages(data)
    # Nothing is drawn near the bottom: the page keeps its size (a measure that gave up would have shrunk it).
    assert result.scale == 1.0 and first_cm(pdf, 1) is None
    [(text, y)] = stamps(pdf, 1)
    assert text == "— 1 —" and abs(y - (28 * MM - 0.23 * 14)) < 1.5

    # The same damage above a full-bleed scan: the scan is still measured and shrunk clear of the number.
    pdf, result = package_pages(damaged_pdf(FULL_BLEED + TITLE.replace(b" 12 Tf", b" 1e308 Tf")))
    shrink = first_cm(pdf, 1)
    assert shrink is not None and 0.85 < shrink[0] < 1 and shrink[1] > STAMP_TOP
    assert abs(result.scale - shrink[0]) < 1e-4
    assert [t for t, _ in stamps(pdf, 1)] == ["— 1 —"]


def test_a_damaged_tf_after_a_good_one_leaves_the_size_in_force() -> None:
    # The footer is set at 12 pt, then a second Tf lost its size: the footer is still measured as 12 pt text
    # 15 mm from the bottom and the page is shrunk until it clears the number.
    footer = b"BT /F1 12 Tf /F1 1e308 Tf 72 42.5 Td (Footer) Tj ET\n"
    pdf, result = package_pages(damaged_pdf(TITLE + footer))
    shrink = first_cm(pdf, 1)
    assert shrink is not None and shrink[0] < 1 and abs(result.scale - shrink[0]) < 1e-4
    scale, ty = shrink
    assert scale * (42.5 - 0.25 * 12) + ty > STAMP_TOP


def test_do_without_a_name_is_skipped_as_viewers_skip_it(tmp_path: Path) -> None:
    # Reproduction 2 (stamp.py:317, `operands[0]` of a Do with none): the scan's "/Im0" was deleted.
    data = damaged_pdf(b"q 100 0 0 100 72 650 cm /Im0 Do Q\n" + FULL_BLEED.replace(b"/Im0 ", b""))
    # A viewer draws nothing for the nameless Do: only the small image near the top is grey.
    (tmp_path / "a.pdf").write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "20", "-png", "-singlefile", tmp_path / "a.pdf", tmp_path / "a"], check=True)
    with Image.open(tmp_path / "a.png") as png:
        grey = png.convert("L")
        bottom = grey.getpixel((grey.width // 2, grey.height - 3))
        image = grey.getpixel((round(100 / 72 * 20), round((841.89 - 700) / 72 * 20)))
    assert bottom == 255 and isinstance(image, int) and image < 200
    pdf, result = package_pages(data)
    assert result.scale == 1.0 and first_cm(pdf, 1) is None
    assert [t for t, _ in stamps(pdf, 1)] == ["— 1 —"]

    # A Do whose operand is not a name (a number, as the fuzzer's number mutation makes) is skipped too,
    # while the named scan after it is measured.
    pdf, result = package_pages(damaged_pdf(b"q 595.28 0 0 841.89 0 0 cm 7 Do Q\n" + FULL_BLEED))
    shrink = first_cm(pdf, 1)
    assert shrink is not None and 0.85 < shrink[0] < 1 and shrink[1] > STAMP_TOP


def test_malformed_operands_never_crash_the_measure() -> None:
    # Every measured operator with too few operands, operands of the wrong type, and numbers so large that the
    # matrices overflow: a result for each, the whole page when nothing finite can be measured.
    cases = [
        b"cm", b"1 2 cm", b"/A /B /C /D /E /F cm", b"m", b"1 l", b"1 2 3 c", b"v", b"y", b"1 2 re f", b"(a) 1 2 3 re f",
        b"BT Tf ET", b"BT 12 /F1 Tf ET", b"BT Ts Tz Tr TL ET", b"BT /N Tz ET", b"BT Tm ET", b"BT 1 Td 2 TD ET",
        b"BT ' ET", b"BT 1 \" ET", b"BT 1 2 /x \" ET", b"BT Tj ET", b"BT 5 Tj ET", b"BT TJ ET", b"BT (x) TJ ET",
        b"BT /F1 9 Tf 72 750 Td [/N true null (x) 5] TJ ET", b"Do", b"(x) Do", b"[/Im0] Do", b"true 1 re",
    ]  # fmt: skip
    box = (0.0, 0.0, *A4)
    for content in cases:
        pdf = pikepdf.open(io.BytesIO(damaged_pdf(content + b"\n" + TITLE)))
        measured = stamp.content_bbox(pdf.pages[0], box)
        assert measured is not None and measured[1] > 700, content  # the title after the damage still counts
    huge = b"99999999 0 0 99999999 0 0 cm " * 40 + b"0 0 1 1 re f\n"
    pdf = pikepdf.open(io.BytesIO(damaged_pdf(huge)))
    assert stamp.content_bbox(pdf.pages[0], box) == box


def test_a_package_with_both_damaged_attachments_is_built(converter, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import json

    root = Path(__file__).resolve().parents[2]
    payload = json.loads((root / "samples" / "park_application.json").read_text(encoding="utf-8"))
    tf = tmp_path / "营业执照.pdf"
    tf.write_bytes(damaged_pdf(FULL_BLEED + TITLE.replace(b" 12 Tf", b" 1e308 Tf")))
    do = tmp_path / "高新技术企业证书.pdf"
    do.write_bytes(damaged_pdf(FULL_BLEED.replace(b"/Im0 ", b"") + TITLE))
    package = assemble_package(
        "park_application", payload, [Attachment.from_path(tf, 2), Attachment.from_path(do, 3)], converter=converter
    )
    merged = pikepdf.open(io.BytesIO(package.merged_pdf))
    parts = {p.title: p for p in package.parts}
    scan = parts["营业执照"].first_index
    blank = parts["高新技术企业证书"].first_index
    assert first_cm(merged, scan) is not None and first_cm(merged, blank) is None
    by_page = {s.page_index: s for s in package.stamps}
    for index in (scan, blank):
        [(text, _)] = stamps(merged, index)
        assert text == f"— {by_page[index].number} —"
