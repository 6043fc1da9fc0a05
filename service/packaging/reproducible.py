"""Making LibreOffice's PDFs reproducible: the same document must give the same bytes on every conversion.

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

import re

import pikepdf

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


def _font_descriptors(page: pikepdf.Page):
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
            if isinstance(descendant, pikepdf.Dictionary) and isinstance(
                descendant.get("/FontDescriptor"), pikepdf.Dictionary
            ):
                yield descendant.FontDescriptor


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
