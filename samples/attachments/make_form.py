"""Writes samples/attachments/forms/filled_form.pdf: a one-page PDF with a filled AcroForm, as an applicant
might attach a commitment letter filled in a PDF viewer.

Fields: two text fields without appearance streams (NeedAppearances set, as light-weight form fillers leave
them), one text field whose appearance the "viewer" already drew, and a ticked check box drawn with a path.
Run: .venv/bin/python samples/attachments/make_form.py (deterministic: same bytes on every run).
"""

from __future__ import annotations

from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, String

OUT = Path(__file__).resolve().parent / "forms" / "filled_form.pdf"
VALUES = {
    "credit_code": "91440300MA5G8XYZ2R",
    "amount": "12500.00",
    "contact": "Li Ming 020-83133000",
}


def build() -> bytes:
    pdf = pikepdf.new()
    helv = pdf.make_indirect(
        Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica, Encoding=Name.WinAnsiEncoding)
    )
    labels = [("Unified credit code:", 700), ("Amount (10k CNY):", 650), ("Contact:", 600), ("Agreed:", 550)]
    content = b"BT /Helv 12 Tf " + b" ".join(f"1 0 0 1 80 {y} Tm ({text}) Tj".encode() for text, y in labels) + b" ET"
    page = pikepdf.Page(
        Dictionary(
            Type=Name.Page,
            MediaBox=[0, 0, 595.28, 841.89],
            Resources=Dictionary(Font=Dictionary(Helv=helv)),
            Contents=pdf.make_stream(content),
        )
    )
    pdf.pages.append(page)
    page = pdf.pages[0]
    fields = []

    def text_field(name: str, y: float, appearance: bool) -> pikepdf.Dictionary:
        rect = [220, y - 4, 480, y + 14]
        field = Dictionary(
            Type=Name.Annot, Subtype=Name.Widget, FT=Name.Tx, T=String(name), V=String(VALUES[name]),
            DA=String("/Helv 12 Tf 0 g"), Rect=rect, F=4, P=page.obj,
        )  # fmt: skip
        if appearance:
            stream = pdf.make_stream(f"/Tx BMC q BT /Helv 12 Tf 0 g 2 4 Td ({VALUES[name]}) Tj ET Q EMC".encode())
            stream.Type, stream.Subtype = Name.XObject, Name.Form
            stream.BBox = [0, 0, 260, 18]
            stream.Resources = Dictionary(Font=Dictionary(Helv=helv))
            field.AP = Dictionary(N=stream)
        return pdf.make_indirect(field)

    fields.append(text_field("credit_code", 700, appearance=False))
    fields.append(text_field("amount", 650, appearance=False))
    fields.append(text_field("contact", 600, appearance=True))
    tick = pdf.make_stream(b"q 0 g 1 w 2 8 m 6 3 l 14 14 l S Q")
    tick.Type, tick.Subtype, tick.BBox = Name.XObject, Name.Form, [0, 0, 16, 16]
    off = pdf.make_stream(b"")
    off.Type, off.Subtype, off.BBox = Name.XObject, Name.Form, [0, 0, 16, 16]
    fields.append(
        pdf.make_indirect(
            Dictionary(
                Type=Name.Annot,
                Subtype=Name.Widget,
                FT=Name.Btn,
                T=String("agreed"),
                V=Name.Yes,
                AS=Name.Yes,
                Rect=[220, 546, 236, 562],
                F=4,
                P=page.obj,
                AP=Dictionary(N=Dictionary(Yes=tick, Off=off)),
            )
        )
    )
    page.obj.Annots = Array(fields)
    pdf.Root.AcroForm = Dictionary(
        Fields=Array(fields),
        NeedAppearances=True,
        DA=String("/Helv 12 Tf 0 g"),
        DR=Dictionary(Font=Dictionary(Helv=helv)),
    )
    from io import BytesIO

    out = BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


if __name__ == "__main__":
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(build())
    print(OUT)
