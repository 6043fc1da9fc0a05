"""Attachment PDFs with filled form fields: the values are drawn into the pages of the merged package.

The sample (samples/attachments/make_form.py) has text fields without appearance streams, one with an appearance
drawn by the "viewer" that filled it, and a ticked check box. The merged package is read back with pypdf and
pikepdf: every value is in the extracted text of the attachment's page, no form or widget is left, the tick is
painted, and the page still carries its stamped number.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from service.packaging import Attachment, Package, assemble_package

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
FORM = SAMPLES / "attachments" / "forms" / "filled_form.pdf"


def field_values(data: bytes) -> dict[str, str]:
    """The values of the form as the file itself stores them (read independently of the package)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return {str(f.T): str(f.V) for f in pdf.Root.AcroForm.Fields if f.FT == pikepdf.Name.Tx}


@pytest.fixture(scope="module")
def package(converter) -> Package:
    payload = json.loads((SAMPLES / "park_application.json").read_text(encoding="utf-8"))
    atts = [
        Attachment(item=8, title="信用承诺书", data=FORM.read_bytes(), filename="信用承诺书（已填写）.pdf"),
        Attachment.from_path(SAMPLES / "attachments" / "park" / "1" / "01_示范基地空间布局平面图.png", 1),
    ]
    return assemble_package("park_application", payload, atts, converter=converter)


def test_the_sample_has_filled_fields_some_without_appearances():
    with pikepdf.open(FORM) as pdf:
        fields = list(pdf.Root.AcroForm.Fields)
        assert len(fields) == 4
        assert sum("/AP" not in f for f in fields) == 2
        assert PdfReader(FORM).pages[0].extract_text().count("91440300MA5G8XYZ2R") == 0  # values not in content


def test_filled_values_are_in_the_text_of_the_merged_package(package):
    part = next(p for p in package.parts if p.title == "信用承诺书")
    reader = PdfReader(io.BytesIO(package.merged_pdf))
    text = reader.pages[part.first_index].extract_text()
    values = field_values(FORM.read_bytes())
    assert values
    for value in values.values():
        assert value in text, value
    assert f"— {part.first_number} —" in text


def test_no_form_or_widget_remains(package):
    with pikepdf.open(io.BytesIO(package.merged_pdf)) as merged:
        assert "/AcroForm" not in merged.Root
        for page in merged.pages:
            for annot in page.obj.get("/Annots") or []:
                assert annot.get("/Subtype") != pikepdf.Name.Widget


def test_the_ticked_box_is_painted(package):
    part = next(p for p in package.parts if p.title == "信用承诺书")
    with pikepdf.open(io.BytesIO(package.merged_pdf)) as merged:
        page = merged.pages[part.first_index]
        drawn = [bytes(x.read_bytes()) for x in page.resources.get("/XObject", {}).values()]
        assert b"6 3 l 14 14 l S" in b"".join(drawn)  # the check mark's path, now part of the page
