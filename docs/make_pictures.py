"""Pictures of one page of each form for the README (docs/form-<sample>.png), printed from samples/.

    .venv/bin/python docs/make_pictures.py      # or: make pictures

Each page is rendered, converted by LibreOffice and rasterised by pdftoppm at 80 dpi in colour (the red 公文
header stays red), then reduced to a 64-colour palette so that the pictures stay small in the repository.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from service.conversion import PdfOptions, convert_to_pdf, shutdown_default_pool  # noqa: E402
from service.rendering import render  # noqa: E402

DOCS = ROOT / "docs"
DPI = 80
COLOURS = 64

# (sample, template, page): the 申请书s show the page with the 一、基本情况 table, not the cover.
PICTURES = [
    ("park_application", "park_application", 2),
    ("enterprise_application", "enterprise_application", 2),
    ("city_recommendation_summary", "city_recommendation_summary", 1),
    ("province_recommendation_summary", "province_recommendation_summary", 1),
    ("meeting_rsvp", "meeting_rsvp", 1),
    ("official_document", "official_document", 1),
    ("city_recommendation_letter", "official_document", 1),
]


def page_picture(pdf: bytes, page: int) -> Image.Image:
    result = subprocess.run(
        ["pdftoppm", "-r", str(DPI), "-png", "-f", str(page), "-l", str(page), "-singlefile", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    )
    return Image.open(io.BytesIO(result.stdout)).convert("RGB")


def main() -> None:
    try:
        for sample, template, page in PICTURES:
            payload = json.loads((ROOT / "samples" / f"{sample}.json").read_text(encoding="utf-8"))
            pdf = convert_to_pdf(render(template, payload), options=PdfOptions())
            picture = page_picture(pdf, page).quantize(COLOURS, method=Image.Quantize.MEDIANCUT)
            target = DOCS / f"form-{sample}.png"
            picture.save(target, "PNG", optimize=True)
            print(f"{target.relative_to(ROOT)}: page {page}, {target.stat().st_size // 1024} kB")
    finally:
        shutdown_default_pool()


if __name__ == "__main__":
    main()
