"""Filled forms in attachment PDFs: the field values are drawn into the page content before merging.

A merged package keeps the attachment's pages, not its interactive form (/AcroForm lives in the document
catalogue, which merging leaves behind): widgets without their form are drawn by some viewers and dropped by
others, and printers may not draw them at all. So every form field is flattened into its page first (qpdf,
through pikepdf): the value prints and stays visible, as the applicant saw it when filling the form.

Appearances: a field that has its own appearance stream (made by the viewer that filled it, e.g. in Chinese) is
kept as it is; qpdf draws the ones that have none from the field's value and default appearance (/DA). Fields
hidden or invisible stay out, as they would when printed. XFA form data is dropped with the form.
"""

from __future__ import annotations

import pikepdf
from pikepdf import Name


def widgets(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    found = []
    for page in pdf.pages:
        for annot in page.obj.get("/Annots") or []:
            if isinstance(annot, pikepdf.Dictionary) and annot.get("/Subtype") == Name.Widget:
                found.append(annot)
    return found


def flatten_forms(pdf: pikepdf.Pdf) -> int:
    """Flatten the document's form fields into its pages; returns how many widgets were flattened."""
    acroform = pdf.Root.get("/AcroForm")
    found = widgets(pdf)
    if acroform is None and not found:
        return 0
    if isinstance(acroform, pikepdf.Dictionary):
        # qpdf draws appearances only when NeedAppearances is set, and then for every text field; set it only
        # when a widget has none, so the appearances made by the filling viewer (CJK text) are kept.
        acroform.NeedAppearances = any("/AP" not in w for w in found)
        if "/XFA" in acroform:
            del acroform.XFA
        pdf.generate_appearance_streams()
    pdf.flatten_annotations("all")
    if "/AcroForm" in pdf.Root:
        del pdf.Root.AcroForm
    for page in pdf.pages:  # widgets qpdf could not draw (no appearance) would be orphans without their form
        annots = page.obj.get("/Annots")
        if annots is not None:
            kept = [a for a in annots if not (isinstance(a, pikepdf.Dictionary) and a.get("/Subtype") == Name.Widget)]
            if len(kept) != len(annots):
                page.obj.Annots = pikepdf.Array(kept)
    return len(found)
