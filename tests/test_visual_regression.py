"""Visual regression: the first pages of each sample, printed by LibreOffice and rasterised by pdftoppm, must
match the committed references in tests/visual/ within a tolerance, so that a layout change is a reviewed change.

References are 50 dpi greyscale quantised to 16 levels (4-bit PNG, a few kB each); the page under test is
quantised the same way before comparing. A page passes when both

- the mean absolute difference per pixel is at most MAX_MEAN_DIFF (on 0–255), and
- at most MAX_CHANGED_SHARE of the pixels differ by more than PIXEL_THRESHOLD,

which absorbs anti-aliasing noise along glyph edges but not a line of text, a rule or a cell moved by a pixel.

Accepting an intended change: `make visual-refs` (DOCGEN_UPDATE_VISUAL=1 rewrites the references with this same
code), then look at the images and commit tests/visual/.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from service.conversion import ConversionPool, PdfOptions
from service.rendering import render

ROOT = Path(__file__).resolve().parents[1]
VISUAL_DIR = ROOT / "tests" / "visual"
UPDATE = os.environ.get("DOCGEN_UPDATE_VISUAL") == "1"
ACCEPT_COMMAND = "make visual-refs"

DPI = 50
LEVELS = 16
STEP = 255 // (LEVELS - 1)
# Anti-aliasing noise moves edge pixels by a level or so: on these pages, every grey edge pixel one level off
# is a mean of 0.5–1.8. A page moved by one pixel (0.5 mm) is a mean of 2.8–19 with 2–9 % of pixels changed;
# a share of 0.2 % is about one line of a few characters.
MAX_MEAN_DIFF = 2.0
PIXEL_THRESHOLD = 2 * STEP
MAX_CHANGED_SHARE = 0.002


@dataclass(frozen=True)
class Case:
    sample: str
    template: str
    pages: int


CASES = [
    Case("park_application", "park_application", 2),
    Case("enterprise_application", "enterprise_application", 2),
    Case("city_recommendation_summary", "city_recommendation_summary", 1),
    Case("province_recommendation_summary", "province_recommendation_summary", 1),
    Case("meeting_rsvp", "meeting_rsvp", 1),
    Case("official_document", "official_document", 2),
    Case("city_recommendation_letter", "official_document", 1),
]
BY_SAMPLE = {case.sample: case for case in CASES}


def payload(sample: str) -> dict:
    return json.loads((ROOT / "samples" / f"{sample}.json").read_text(encoding="utf-8"))


def rasterise(pdf: bytes, pages: int) -> list[Image.Image]:
    """The first `pages` pages at DPI in 8-bit greyscale (pdftoppm -gray; its PNG writer may still say RGB)."""
    images = []
    for page in range(1, pages + 1):
        result = subprocess.run(
            ["pdftoppm", "-r", str(DPI), "-gray", "-png", "-f", str(page), "-l", str(page), "-singlefile", "-"],
            input=pdf,
            capture_output=True,
            check=True,
        )
        images.append(Image.open(io.BytesIO(result.stdout)).convert("L"))
    return images


def quantise(image: Image.Image) -> Image.Image:
    return image.point(lambda v: (v + STEP // 2) // STEP * STEP)


def save_reference(image: Image.Image, path: Path) -> None:
    """4-bit palette PNG of a quantised page: a grey palette whose index i is the level i * STEP."""
    indices = Image.frombytes("P", image.size, quantise(image).point(lambda v: v // STEP).tobytes())
    indices.putpalette([level * STEP for level in range(LEVELS) for _ in range(3)])
    indices.save(path, "PNG", optimize=True, bits=4)


def load_reference(path: Path) -> Image.Image:
    return Image.open(path).convert("L")


@dataclass(frozen=True)
class Difference:
    mean: float
    changed_share: float

    @property
    def within_tolerance(self) -> bool:
        return self.mean <= MAX_MEAN_DIFF and self.changed_share <= MAX_CHANGED_SHARE

    def __str__(self) -> str:
        return (
            f"mean difference {self.mean:.3f} per pixel (tolerance {MAX_MEAN_DIFF}), "
            f"{self.changed_share:.3%} of pixels differ by more than {PIXEL_THRESHOLD} "
            f"(tolerance {MAX_CHANGED_SHARE:.1%})"
        )


def difference(actual: Image.Image, expected: Image.Image) -> Difference:
    delta = ImageChops.difference(quantise(actual), expected)
    histogram = delta.histogram()
    pixels = actual.width * actual.height
    mean = sum(value * count for value, count in enumerate(histogram)) / pixels
    changed = sum(histogram[PIXEL_THRESHOLD + 1 :])
    return Difference(mean, changed / pixels)


def diff_picture(actual: Image.Image, expected: Image.Image) -> Image.Image:
    """The reference faded to light grey, with the pixels beyond the threshold in red."""
    faded = expected.point(lambda v: 160 + v * 95 // 255).convert("RGB")
    mask = ImageChops.difference(quantise(actual), expected).point(lambda v: 255 if v > PIXEL_THRESHOLD else 0)
    faded.paste((220, 0, 0), mask=mask)
    return faded


def reference_path(sample: str, page: int) -> Path:
    return VISUAL_DIR / f"{sample}-{page}.png"


@pytest.fixture(scope="module")
def printed(converter: ConversionPool):
    """Printed first pages per sample, each rendered and converted once per module."""

    @cache
    def pages(sample: str) -> tuple[Image.Image, ...]:
        case = BY_SAMPLE[sample]
        pdf = converter.convert(render(case.template, payload(sample)), PdfOptions())
        return tuple(rasterise(pdf, case.pages))

    return pages


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.sample)
def test_first_pages_match_the_references(case: Case, printed, tmp_path: Path) -> None:
    pages = printed(case.sample)
    assert len(pages) == case.pages
    if UPDATE:
        VISUAL_DIR.mkdir(parents=True, exist_ok=True)
        for number, image in enumerate(pages, start=1):
            save_reference(image, reference_path(case.sample, number))
    failures = []
    for number, actual in enumerate(pages, start=1):
        path = reference_path(case.sample, number)
        if not path.exists():
            failures.append(f"page {number}: no reference {path.relative_to(ROOT)}")
            continue
        expected = load_reference(path)
        if expected.size != actual.size:
            failures.append(f"page {number}: size {actual.size} instead of {expected.size} (orientation or paper)")
            continue
        found = difference(actual, expected)
        if not found.within_tolerance:
            actual_path = tmp_path / f"{case.sample}-{number}-actual.png"
            diff_path = tmp_path / f"{case.sample}-{number}-diff.png"
            quantise(actual).save(actual_path)
            diff_picture(actual, expected).save(diff_path)
            failures.append(f"page {number}: {found}; actual {actual_path}, differences in red {diff_path}")
    assert not failures, (
        f"{case.sample} prints differently from tests/visual/:\n  "
        + "\n  ".join(failures)
        + f"\nIf the change is intended: `{ACCEPT_COMMAND}`, look at the new images and commit tests/visual/."
    )


def test_no_stray_references() -> None:
    """Every committed reference belongs to a page that is compared, so a removed case leaves nothing behind."""
    expected = {reference_path(case.sample, page).name for case in CASES for page in range(1, case.pages + 1)}
    assert {path.name for path in VISUAL_DIR.glob("*.png")} == expected


@pytest.mark.parametrize("sample", ["park_application", "official_document", "meeting_rsvp"])
def test_printing_twice_gives_the_same_pixels(sample: str, printed, converter: ConversionPool) -> None:
    case = BY_SAMPLE[sample]
    again = rasterise(converter.convert(render(case.template, payload(sample)), PdfOptions()), case.pages)
    for first, second in zip(printed(sample), again, strict=True):
        assert ImageChops.difference(first, second).getbbox() is None


def shift_left_margin(docx: bytes, twips: int) -> bytes:
    """The same document with every section's left margin widened (the text moves right, the lines rewrap)."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                text = data.decode("utf-8")
                text, count = re.subn(
                    r'(<w:pgMar\b[^>]*\bw:left=")(\d+)"', lambda m: f'{m[1]}{int(m[2]) + twips}"', text
                )
                assert count, "no w:pgMar w:left in the document"
                data = text.encode("utf-8")
            target.writestr(item, data)
    return out.getvalue()


@pytest.mark.skipif(UPDATE, reason="references are being rewritten")
def test_a_margin_moved_by_two_millimetres_exceeds_the_tolerance(converter: ConversionPool) -> None:
    """The 一、基本情况 page of the 申请书 with its left margin 2 mm wider (113 twips, about 4 px at 50 dpi)."""
    docx = shift_left_margin(render("park_application", payload("park_application")), 113)
    actual = rasterise(converter.convert(docx, PdfOptions()), 2)[1]
    found = difference(actual, load_reference(reference_path("park_application", 2)))
    assert not found.within_tolerance, found


@pytest.mark.skipif(UPDATE, reason="references are being rewritten")
def test_a_longer_title_exceeds_the_tolerance(converter: ConversionPool) -> None:
    """The 函 with a title one line longer: everything below the title moves down."""
    letter = payload("city_recommendation_letter")
    letter["title"] = letter["title"].replace("关于", "关于进一步做好本市园区和企业申报工作并")
    actual = rasterise(converter.convert(render("official_document", letter), PdfOptions()), 1)[0]
    found = difference(actual, load_reference(reference_path("city_recommendation_letter", 1)))
    assert not found.within_tolerance, found


@pytest.mark.parametrize("dx, dy", [(0, 1), (1, 0)])
def test_the_tolerance_absorbs_edge_noise_but_not_a_one_pixel_shift(dx: int, dy: int) -> None:
    """Calibration on a committed reference: every anti-aliased (grey) pixel one level lighter passes, the same
    page moved by a single pixel does not."""
    expected = load_reference(reference_path("park_application", 2))
    noisy = expected.point(lambda v: v + STEP if 0 < v < 255 else v)
    assert difference(noisy, expected).within_tolerance
    assert not difference(ImageChops.offset(expected, dx, dy), expected).within_tolerance
