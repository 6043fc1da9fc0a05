"""The package as PDF/A-2b (ISO 19005-2, level B): archival, self-contained, printable the same everywhere.

What makes the merged package conform
  * The 申请书 and DOCX attachments are converted by LibreOffice with its PDF/A-2b export (fonts embedded, sRGB
    OutputIntent); image pages are made here (DeviceRGB/DeviceGray images, no fonts); the page-number font is
    embedded (`stamp_font`).
  * The catalogue gets the OutputIntent (GTS_PDFA1, LibreOffice's sRGB ICC profile, copied from the converted
    申请书, its header date set to the creation date: LibreOffice writes the clock's) and an XMP packet with
    pdfaid:part=2, pdfaid:conformance=B whose title, author, subject, keywords, producer, creator tool and dates
    repeat the Info dictionary (dates from the payload, never the clock).
  * PDF 1.7 header, a trailer /ID (content-derived), no encryption.

Applicant PDFs are the unknown part. Each one is made conforming where that is safe, and refused otherwise:
  * Actions that PDF/A forbids (JavaScript, Launch, …) and additional actions (/AA) are removed; annotations that
    have an appearance are flattened into the page, links are kept (marked printable), other annotations
    (which would need an appearance PDF/A cannot supply) are dropped.
  * A font that is not embedded cannot be supplied here without changing how the page looks: the attachment is
    refused with `attachment_font_not_embedded`, naming the file and the font, and the user is told how to
    export it again (embed all fonts, or export as PDF/A). LZW-compressed streams, forbidden by PDF/A, are
    decoded and stored again with Flate by qpdf when the package is saved.
"""

from __future__ import annotations

from collections.abc import Iterator
from xml.sax.saxutils import escape

import pikepdf
from pikepdf import Name

from service.packaging.errors import AttachmentError, PackageError

PDF_VERSION = "1.7"
FORBIDDEN_ACTIONS = {"/JavaScript", "/Launch", "/Sound", "/Movie", "/ResetForm", "/ImportData", "/Hide", "/Rendition",
                     "/Trans", "/SetOCGState", "/GoTo3DView", "/RichMediaExecute"}  # fmt: skip
_MAX_DEPTH = 8


# --- fonts -----------------------------------------------------------------------------------------------------


def font_embedded(font: pikepdf.Object) -> bool:
    # Any object: a descendant font that is not a dictionary has no /Subtype nor /FontDescriptor (not embedded).
    if font.get("/Subtype") == Name.Type3:
        return True  # glyphs are content streams of the font itself
    if font.get("/Subtype") == Name.Type0:
        descendants: pikepdf.Object | list[pikepdf.Object] = font.get("/DescendantFonts") or []
        return bool(descendants) and all(font_embedded(d) for d in descendants)
    descriptor = font.get("/FontDescriptor")
    return isinstance(descriptor, pikepdf.Dictionary) and any(
        key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
    )


def _resources_fonts(resources: object, depth: int, seen: set[tuple[int, int]]) -> Iterator[pikepdf.Dictionary]:
    if not isinstance(resources, pikepdf.Dictionary) or depth > _MAX_DEPTH:
        return
    fonts = resources.get("/Font")
    if isinstance(fonts, pikepdf.Dictionary):
        for font in fonts.values():
            if isinstance(font, pikepdf.Dictionary):
                yield font
                if font.get("/Subtype") == Name.Type3:
                    yield from _resources_fonts(font.get("/Resources"), depth + 1, seen)
    xobjects = resources.get("/XObject")
    if isinstance(xobjects, pikepdf.Dictionary):
        for xobj in xobjects.values():
            if isinstance(xobj, pikepdf.Stream) and xobj.get("/Subtype") == Name.Form:
                if xobj.is_indirect:
                    if xobj.objgen in seen:
                        continue
                    seen.add(xobj.objgen)
                yield from _resources_fonts(xobj.get("/Resources"), depth + 1, seen)


def page_fonts(page: pikepdf.Page) -> Iterator[pikepdf.Dictionary]:
    """Every font a page can draw with: its resources, its form XObjects (nested) and its annotations' appearances."""
    seen: set[tuple[int, int]] = set()
    yield from _resources_fonts(page.obj.get("/Resources"), 0, seen)
    for annot in page.obj.get("/Annots") or []:
        appearance = annot.get("/AP") if isinstance(annot, pikepdf.Dictionary) else None
        if isinstance(appearance, pikepdf.Dictionary):
            for state in appearance.values():
                streams = state.values() if isinstance(state, pikepdf.Dictionary) else [state]
                for stream in streams:
                    if isinstance(stream, pikepdf.Stream):
                        yield from _resources_fonts(stream.get("/Resources"), 1, seen)


def font_name(font: pikepdf.Dictionary) -> str:
    name = str(font.get("/BaseFont", "（未命名字体）")).lstrip("/")
    return name.split("+", 1)[1] if len(name) > 7 and name[6] == "+" else name


# --- attachments -----------------------------------------------------------------------------------------------


def prepare_attachment(name: str, pdf: pikepdf.Pdf) -> None:
    """Make an applicant's PDF fit for a PDF/A package, or refuse it (see the module docstring)."""
    for key in ("/OpenAction", "/AA", "/Names"):
        if key in pdf.Root:
            del pdf.Root[key]  # document-level scripts and embedded files do not travel with the pages anyway
    if any(isinstance(a, pikepdf.Dictionary) and "/AP" in a and a.get("/Subtype") != Name.Link
           for page in pdf.pages for a in page.obj.get("/Annots") or []):  # fmt: skip
        pdf.flatten_annotations("all")
    for page in pdf.pages:
        if "/AA" in page.obj:
            del page.obj.AA
        annots = page.obj.get("/Annots")
        if annots is None:
            continue
        kept = []
        for annot in annots:
            if not isinstance(annot, pikepdf.Dictionary) or annot.get("/Subtype") != Name.Link:
                continue
            action = annot.get("/A")
            if isinstance(action, pikepdf.Dictionary) and str(action.get("/S")) in FORBIDDEN_ACTIONS:
                continue
            if "/AA" in annot:
                del annot.AA
            annot.F = 4  # printable, as PDF/A requires
            kept.append(annot)
        page.obj.Annots = pikepdf.Array(kept)
    for number, page in enumerate(pdf.pages, start=1):
        for font in page_fonts(page):
            if not font_embedded(font):
                raise AttachmentError(
                    "attachment_font_not_embedded",
                    name,
                    f"第 {number} 页使用的字体“{font_name(font)}”未嵌入文件，无法生成 PDF/A 申报材料；"
                    "请在导出 PDF 时勾选“嵌入所有字体”或直接导出为 PDF/A 后重新上传，或改为生成普通 PDF",
                )


# --- the merged document ---------------------------------------------------------------------------------------


def copy_output_intents(target: pikepdf.Pdf, source: pikepdf.Pdf) -> None:
    intents = source.Root.get("/OutputIntents")
    if not isinstance(intents, pikepdf.Array) or not any(
        i.get("/S") == Name.GTS_PDFA1 and "/DestOutputProfile" in i for i in intents
    ):
        raise PackageError(
            "pdfa_output_intent_missing", "申请书的 PDF/A 转换结果缺少 OutputIntent（ICC 色彩配置），无法生成 PDF/A"
        )
    copied = [target.copy_foreign(i if i.is_indirect else source.make_indirect(i)) for i in intents]
    for intent in copied:
        profile = intent.get("/DestOutputProfile")
        if isinstance(profile, pikepdf.Stream):
            undated_profile(profile, target.trailer.get("/Info"))
    target.Root.OutputIntents = pikepdf.Array(copied)


ICC_DATE = slice(24, 36)
"""The ICC header's creation date and time (six big-endian 16-bit numbers)."""
ICC_PROFILE_ID = slice(84, 100)


def undated_profile(profile: pikepdf.Stream, info: pikepdf.Object | None) -> None:
    """LibreOffice writes the clock's time into the sRGB profile it makes for each PDF/A conversion: the header
    date becomes the document's creation date (2000-01-01 without one), so that the package is reproducible.
    The profile ID (an MD5 over the header, date included) is left unset (zero) as LibreOffice leaves it, or
    cleared when set."""
    data = bytearray(profile.read_bytes())
    if len(data) < 128 or data[36:40] != b"acsp":
        return
    raw = str(info.get("/CreationDate", "")) if isinstance(info, pikepdf.Dictionary) else ""
    digits = raw[2:16] if raw.startswith("D:") and raw[2:16].isdigit() else "20000101000000"
    fields = (digits[0:4], digits[4:6], digits[6:8], digits[8:10], digits[10:12], digits[12:14])
    date = b"".join(int(v).to_bytes(2, "big") for v in fields)
    if bytes(data[ICC_DATE]) == date and not any(data[ICC_PROFILE_ID]):
        return
    data[ICC_DATE] = date
    data[ICC_PROFILE_ID] = bytes(16)
    profile.write(bytes(data))


def xmp_packet(info: pikepdf.Object) -> bytes:
    """XMP metadata that repeats the Info dictionary, as PDF/A requires, and declares PDF/A-2b."""

    def text(key: str) -> str:
        value = info.get(key)
        return escape(str(value)) if value is not None else ""

    def date(key: str) -> str:
        raw = str(info.get(key, ""))  # D:YYYYMMDDHHmmSS+HH'mm'
        d = raw[2:]
        tz = d[14:].replace("'", "")
        tz = "Z" if tz in ("Z", "") else f"{tz[:3]}:{tz[3:5]}"
        return f"{d[0:4]}-{d[4:6]}-{d[6:8]}T{d[8:10]}:{d[10:12]}:{d[12:14]}{tz}"

    body = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   <pdfaid:part>2</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{text("/Title")}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{text("/Author")}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{text("/Subject")}</rdf:li></rdf:Alt></dc:description>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
   <pdf:Keywords>{text("/Keywords")}</pdf:Keywords>
   <pdf:Producer>{text("/Producer")}</pdf:Producer>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
   <xmp:CreatorTool>{text("/Creator")}</xmp:CreatorTool>
   <xmp:CreateDate>{date("/CreationDate")}</xmp:CreateDate>
   <xmp:ModifyDate>{date("/ModDate")}</xmp:ModifyDate>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return body.encode("utf-8")


def finish(pdf: pikepdf.Pdf, source: pikepdf.Pdf) -> None:
    """Declare the document PDF/A-2b: OutputIntent from `source` (LibreOffice's PDF/A), XMP from the Info."""
    copy_output_intents(pdf, source)
    metadata = pdf.make_stream(xmp_packet(pdf.trailer.Info))
    metadata.Type = Name.Metadata
    metadata.Subtype = Name.XML
    pdf.Root.Metadata = metadata  # qpdf leaves metadata streams uncompressed, readable by archive tools
