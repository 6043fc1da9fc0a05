"""Reproducible PDF saving: the same document gives the same bytes, whichever LibreOffice process made it."""

from __future__ import annotations

import datetime as dt
import io

from service.output.clock import CAMPAIGN_TZ


def reproducible_pdf(pdf: bytes, *, title: str, author: str, subject: str, day: dt.date) -> bytes:
    """LibreOffice stamps the clock, a random /ID and per-process font ids into every PDF: set the metadata from
    `day` (midnight, campaign time), drop the font ids and save with a content-derived /ID."""
    import pikepdf

    # The font-id removal and the metadata/saving helpers still live in packaging (to move here next).
    from service.packaging import merge, reproducible

    created = dt.datetime.combine(day, dt.time(0, 0), tzinfo=CAMPAIGN_TZ)
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        reproducible.normalise_fonts(doc)  # LibreOffice numbers embedded fonts per process run
        merge.set_metadata(doc, merge.Metadata(title, author, subject, "", created))
        return merge.save(doc, min_version=doc.pdf_version or "1.6")


def count_pdf_pages(pdf: bytes) -> int:
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return len(doc.pages)
