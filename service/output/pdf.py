"""Reproducible PDF saving: the same document gives the same bytes, whichever LibreOffice process made it.

- `set_metadata` / `Metadata`: the document information dictionary from given values (the 填报日期, never the
  clock); no XMP packet, whose metadata date would be the clock's.
- `save_pdf`: written with a content-derived /ID (LibreOffice's random /ID and /DocChecksum dropped).
- `normalise_fonts`: LibreOffice's per-process font ids removed (below).
- `reproducible_pdf`: the three together, for a PDF LibreOffice has just made.

Font ids. Making LibreOffice's PDFs reproducible: the same document must give the same bytes on every conversion.

LibreOffice 7.4 embeds CFF-flavoured OpenType fonts (Noto CJK, Fandol) as Type 1 font programs and gives each a
/UniqueID from a counter that runs on in a long-lived process (4100006 on one conversion, 4100010 on the
next). The ID appears twice: in the clear-text part and in the eexec-encrypted Private dictionary, where the
change alters every encrypted byte after it. Everything else in the page content and fonts is identical from one
conversion to the next.

`normalise_fonts` removes both /UniqueID entries (an optional, obsolete hint that PDF viewers ignore; leaving a
fixed value instead would make different fonts share an ID) and re-encrypts the rest of the Private part. The
work is a byte-by-byte loop (~0.25 µs a byte, ~0.1 s for a 申请书 with two CJK subsets); it runs only on PDFs
made by LibreOffice here, never on the attachments applicants supply.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pikepdf

from service.output.clock import CAMPAIGN_TZ


@dataclass(frozen=True)
class Metadata:
    title: str
    author: str
    subject: str
    keywords: str
    created: dt.datetime
    """Creation and modification date: the 填报日期 (never the clock, so that outputs are reproducible)."""


def pdf_date(moment: dt.datetime) -> str:
    """D:YYYYMMDDHHmmSS+HH'mm' (naive times are taken as campaign time, UTC+8)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=CAMPAIGN_TZ)
    offset = moment.utcoffset() or dt.timedelta(0)
    sign = "-" if offset < dt.timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"D:{moment:%Y%m%d%H%M%S}{sign}{minutes // 60:02d}'{minutes % 60:02d}'"


def set_metadata(pdf: pikepdf.Pdf, meta: Metadata) -> None:
    """Document information dictionary only: no XMP packet, whose metadata date would be the clock's."""
    if "/Metadata" in pdf.Root:
        del pdf.Root.Metadata
    date = pdf_date(meta.created)
    pdf.trailer.Info = pdf.make_indirect(
        pikepdf.Dictionary(
            Title=pikepdf.String(meta.title),
            Author=pikepdf.String(meta.author),
            Subject=pikepdf.String(meta.subject),
            Keywords=pikepdf.String(meta.keywords),
            Creator=pikepdf.String("docgen 申报材料生成服务"),
            Producer=pikepdf.String(f"pikepdf {pikepdf.__version__}"),
            CreationDate=pikepdf.String(date),
            ModDate=pikepdf.String(date),
        )
    )
    pdf.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
    pdf.Root.Lang = pikepdf.String("zh-CN")


def save_pdf(pdf: pikepdf.Pdf, *, min_version: str = "1.6", force_version: str | None = None) -> bytes:
    """Write with a content-derived /ID, so the same document gives the same bytes. `force_version`: the header
    version whatever the parts had (PDF/A-2 requires at most 1.7)."""
    # qpdf derives the new /ID from the trailer too: LibreOffice's random /ID and its /DocChecksum (which
    # covers the creation time) would leak into it. Keep only what the trailer needs.
    for key in list(pdf.trailer.keys()):
        if key not in ("/Root", "/Info", "/Size", "/Encrypt"):
            del pdf.trailer[key]
    out = io.BytesIO()
    pdf.save(
        out,
        deterministic_id=True,
        min_version=min_version,
        force_version=force_version or "",
        fix_metadata_version=False,  # would rewrite the XMP packet written for PDF/A
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
        compress_streams=True,
    )
    return out.getvalue()


def reproducible_pdf(pdf: bytes, *, title: str, author: str, subject: str, day: dt.date) -> bytes:
    """LibreOffice stamps the clock, a random /ID and per-process font ids into every PDF: set the metadata from
    `day` (midnight, campaign time), drop the font ids and save with a content-derived /ID."""
    created = dt.datetime.combine(day, dt.time(0, 0), tzinfo=CAMPAIGN_TZ)
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        normalise_fonts(doc)
        set_metadata(doc, Metadata(title, author, subject, "", created))
        return save_pdf(doc, min_version=doc.pdf_version or "1.6")


def count_pdf_pages(pdf: bytes) -> int:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return len(doc.pages)


# --- LibreOffice's font ids ------------------------------------------------------------------------------------

EEXEC_KEY = 55665
C1, C2 = 52845, 22719
_UNIQUE_ID = re.compile(rb"/UniqueID\s+\d+\s+def[ \t]*\r?\n?")
_SEARCH_PLAIN = 8192  # the Private dictionary's UniqueID comes before its Subrs and CharStrings


def normalise_fonts(pdf: pikepdf.Pdf) -> int:
    """Remove the /UniqueID entries of the document's embedded Type 1 fonts; returns how many fonts changed."""
    changed = 0
    seen: set[tuple[int, int]] = set()
    for page in pdf.pages:
        for descriptor in _font_descriptors(page):
            font_file = descriptor.get("/FontFile")
            if not isinstance(font_file, pikepdf.Stream) or font_file.objgen in seen:
                continue
            seen.add(font_file.objgen)
            if _normalise_type1(font_file):
                changed += 1
    return changed


def _font_descriptors(page: pikepdf.Page) -> Iterator[pikepdf.Dictionary]:
    fonts = page.resources.get("/Font") if "/Resources" in page.obj else None
    if not isinstance(fonts, pikepdf.Dictionary):
        return
    for font in fonts.values():
        if not isinstance(font, pikepdf.Dictionary):
            continue
        descriptor = font.get("/FontDescriptor")
        if isinstance(descriptor, pikepdf.Dictionary):
            yield descriptor
        for descendant in font.get("/DescendantFonts") or []:
            if isinstance(descendant, pikepdf.Dictionary):
                inner = descendant.get("/FontDescriptor")
                if isinstance(inner, pikepdf.Dictionary):
                    yield inner


def _normalise_type1(stream: pikepdf.Stream) -> bool:
    try:
        length1, length2 = int(stream.Length1), int(stream.Length2)
        data = stream.read_bytes()
    except (AttributeError, KeyError, TypeError, ValueError, pikepdf.PdfError):
        return False
    clear, encrypted, trailer = data[:length1], data[length1 : length1 + length2], data[length1 + length2 :]
    if len(encrypted) < 4 or all(chr(b) in "0123456789abcdefABCDEF \r\n\t" for b in encrypted[:4]):
        return False  # hexadecimal eexec section: not what LibreOffice writes, left alone
    new_clear = _UNIQUE_ID.sub(b"", clear)
    new_encrypted = remove_encrypted_unique_id(encrypted)
    if new_clear == clear and new_encrypted is None:
        return False
    new_encrypted = encrypted if new_encrypted is None else new_encrypted
    stream.write(new_clear + new_encrypted + trailer)
    stream.Length1 = len(new_clear)
    stream.Length2 = len(new_encrypted)
    if "/Length3" in stream:
        stream.Length3 = len(trailer)
    return True


def eexec_decrypt(data: bytes, key: int = EEXEC_KEY) -> bytes:
    out = bytearray()
    r = key
    for c in data:
        out.append(c ^ (r >> 8))
        r = ((c + r) * C1 + C2) & 0xFFFF
    return bytes(out)


def eexec_encrypt(plain: bytes, key: int = EEXEC_KEY) -> bytes:
    out = bytearray()
    r = key
    for p in plain:
        c = p ^ (r >> 8)
        out.append(c)
        r = ((c + r) * C1 + C2) & 0xFFFF
    return bytes(out)


def remove_encrypted_unique_id(encrypted: bytes) -> bytes | None:
    """The eexec section without its /UniqueID entry, or None when it has none.

    The bytes before the entry are unchanged (same plain text, same key chain). After it, each byte is decrypted
    with the old chain and encrypted with the new one in the same loop: p = c ^ (r_old >> 8) and
    c' = p ^ (r_new >> 8), i.e. c' = c ^ ((r_old ^ r_new) >> 8)."""
    head = eexec_decrypt(encrypted[:_SEARCH_PLAIN])
    match = _UNIQUE_ID.search(head, 4)  # the first 4 bytes are the random lead
    if match is None:
        return None
    start, end = match.start(), match.end()
    r = EEXEC_KEY
    for c in encrypted[:start]:
        r = ((c + r) * C1 + C2) & 0xFFFF
    r_new = r
    r_old = r
    for c in encrypted[start:end]:  # the removed bytes advance only the old chain
        r_old = ((c + r_old) * C1 + C2) & 0xFFFF
    out = bytearray(encrypted[:start])
    append = out.append
    for c in encrypted[end:]:
        c_new = c ^ ((r_old ^ r_new) >> 8)
        r_old = ((c + r_old) * C1 + C2) & 0xFFFF
        r_new = ((c_new + r_new) * C1 + C2) & 0xFFFF
        append(c_new)
    return bytes(out)
