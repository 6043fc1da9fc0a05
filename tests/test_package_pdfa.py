"""The package as PDF/A-2b, read back and checked against the PDF/A-2 requirements that can be checked without
veraPDF: header version, no encryption, a trailer /ID, an OutputIntent GTS_PDFA1 with an ICC profile, an
unfiltered XMP packet declaring part 2 / conformance B whose entries repeat the Info dictionary, every font
embedded (pages, form XObjects, annotation appearances), no JavaScript / Launch / additional actions,
annotations printable and of permitted types, no LZW, transparency only with an OutputIntent.

The same checks fail on the normal package (it stays as it was). Also: an attachment whose fonts are not
embedded is refused with a stable code naming the file; attachment scripts are removed; `docgen package --pdfa`
and the API's `?format=pdfa` (real uvicorn server) give a conforming PDF.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pikepdf
import pytest
import uvicorn  # noqa: F401 - before LibreOffice's uno import hook, which breaks uvicorn's optional imports
from pikepdf import Name
from pypdf import PdfReader
from typer.testing import CliRunner

from service.packaging import Attachment, AttachmentError, Package, assemble_package

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
PARK = SAMPLES / "attachments" / "park"
IMAGE = PARK / "1" / "01_示范基地空间布局平面图.png"
FINANCE = PARK / "5" / "融资情况证明材料.pdf"
DOCX_ATTACHMENT = PARK / "7" / "节能环保与安全生产达标说明.docx"
FORM = SAMPLES / "attachments" / "forms" / "filled_form.pdf"
NS = {
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
}
FORBIDDEN_ACTIONS = {"/JavaScript", "/Launch", "/Sound", "/Movie", "/ResetForm", "/ImportData", "/Hide"}
FORBIDDEN_ANNOTS = {"/3D", "/Sound", "/Screen", "/Movie"}


def payload() -> dict[str, Any]:
    return json.loads((SAMPLES / "park_application.json").read_text(encoding="utf-8"))


def scripted_pdf() -> bytes:
    """A one-page attachment (no fonts: a drawn frame) with an opening script, a JavaScript link and a web link."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595.28, 841.89))
    page = pdf.pages[0]
    page.contents_add(pdf.make_stream(b"q 0 G 2 w 100 400 395 300 re S Q"))
    js = pikepdf.Dictionary(S=Name.JavaScript, JS=pikepdf.String("app.alert('x')"))
    pdf.Root.OpenAction = js
    page.obj.AA = pikepdf.Dictionary(O=js)
    page.obj.Annots = pikepdf.Array(
        [
            pdf.make_indirect(pikepdf.Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=[100, 400, 200, 450], A=js)),
            pdf.make_indirect(
                pikepdf.Dictionary(
                    Type=Name.Annot,
                    Subtype=Name.Link,
                    Rect=[300, 400, 400, 450],
                    A=pikepdf.Dictionary(S=Name.URI, URI=pikepdf.String("https://www.miit.gov.cn/")),
                )
            ),
        ]
    )
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


def attachments() -> list[Attachment]:
    return [
        Attachment.from_path(IMAGE, 1),
        Attachment(item=5, title="融资情况证明", data=FINANCE.read_bytes(), filename="融资.pdf"),
        Attachment.from_path(DOCX_ATTACHMENT, 7),
        Attachment(item=8, title="带脚本的说明", data=scripted_pdf(), filename="脚本.pdf"),
    ]


# --- the checks ------------------------------------------------------------------------------------------------


def _embedded(font: pikepdf.Dictionary) -> bool:
    if font.get("/Subtype") == Name.Type3:
        return True
    if font.get("/Subtype") == Name.Type0:
        return all(_embedded(d) for d in font.DescendantFonts)
    fd = font.get("/FontDescriptor")
    return fd is not None and any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def _fonts(resources: Any, seen: set) -> Iterator[pikepdf.Dictionary]:
    if not isinstance(resources, pikepdf.Dictionary):
        return
    yield from (resources.get("/Font") or {}).values()
    for xobj in (resources.get("/XObject") or {}).values():
        if xobj.get("/Subtype") == Name.Form and xobj.objgen not in seen:
            seen.add(xobj.objgen)
            yield from _fonts(xobj.get("/Resources"), seen)


def pdfa_problems(data: bytes) -> list[str]:
    """What stands between the file and PDF/A-2b, among the requirements checked here (empty: conforming)."""
    problems: list[str] = []
    header = re.match(rb"%PDF-(\d)\.(\d)", data)
    if not header or (int(header[1]), int(header[2])) > (1, 7):
        problems.append(f"header {data[:8]!r}")
    pdf = pikepdf.open(io.BytesIO(data))
    if pdf.is_encrypted or "/Encrypt" in pdf.trailer:
        problems.append("encrypted")
    if "/ID" not in pdf.trailer:
        problems.append("no trailer /ID")
    intents = [i for i in pdf.Root.get("/OutputIntents") or [] if i.get("/S") == Name.GTS_PDFA1]
    if len(intents) != 1:
        problems.append("no single GTS_PDFA1 OutputIntent")
    else:
        profile = intents[0].get("/DestOutputProfile")
        icc = profile.read_bytes() if profile is not None else b""
        if icc[36:40] != b"acsp" or int(profile.get("/N", 0)) != {b"RGB ": 3, b"GRAY": 1, b"CMYK": 4}.get(icc[16:20]):
            problems.append("OutputIntent without a valid ICC profile")
    meta = pdf.Root.get("/Metadata")
    if meta is None:
        problems.append("no XMP metadata")
    else:
        if "/Filter" in meta:
            problems.append("metadata stream filtered")
        from lxml import etree

        root = etree.fromstring(meta.read_bytes())

        def xmp(path: str) -> str | None:
            found = root.xpath(f"//{path}//text()", namespaces=NS)
            return "".join(found).strip() if found else None

        if xmp("pdfaid:part") != "2" or xmp("pdfaid:conformance") != "B":
            problems.append("XMP does not declare PDF/A-2b")
        info = pdf.trailer.get("/Info") or {}
        pairs = {"/Title": "dc:title", "/Author": "dc:creator", "/Subject": "dc:description",
                 "/Keywords": "pdf:Keywords", "/Producer": "pdf:Producer", "/Creator": "xmp:CreatorTool"}  # fmt: skip
        for key, path in pairs.items():
            if key in info and str(info[key]) != xmp(path):
                problems.append(f"Info {key} differs from XMP {path}")
        for key, path in (("/CreationDate", "xmp:CreateDate"), ("/ModDate", "xmp:ModifyDate")):
            if key in info:
                d = str(info[key])
                iso = f"{d[2:6]}-{d[6:8]}-{d[8:10]}T{d[10:12]}:{d[12:14]}:{d[14:16]}{d[16:19]}:{d[20:22]}"
                if xmp(path) != iso:
                    problems.append(f"Info {key} differs from XMP {path}")
    if "/OpenAction" in pdf.Root and str(pdf.Root.OpenAction.get("/S", "")) in FORBIDDEN_ACTIONS:
        problems.append("forbidden open action")
    if "/AA" in pdf.Root or "/JavaScript" in (pdf.Root.get("/Names") or {}):
        problems.append("document scripts")
    seen: set = set()
    for number, page in enumerate(pdf.pages):
        fonts = list(_fonts(page.obj.get("/Resources"), seen))
        if "/AA" in page.obj:
            problems.append(f"page {number}: additional actions")
        for annot in page.obj.get("/Annots") or []:
            if str(annot.get("/Subtype")) in FORBIDDEN_ANNOTS or "/AA" in annot:
                problems.append(f"page {number}: forbidden annotation")
            if not int(annot.get("/F", 0)) & 4:
                problems.append(f"page {number}: annotation not printable")
            action = annot.get("/A")
            if action is not None and str(action.get("/S")) in FORBIDDEN_ACTIONS:
                problems.append(f"page {number}: forbidden action {action.get('/S')}")
            for state in (annot.get("/AP") or {}).values():
                for stream in state.values() if isinstance(state, pikepdf.Dictionary) else [state]:
                    fonts += list(_fonts(stream.get("/Resources"), seen))
        for font in fonts:
            if not _embedded(font):
                problems.append(f"page {number}: font {font.get('/BaseFont')} not embedded")
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream) and Name.LZWDecode in (
            obj.get("/Filter") if isinstance(obj.get("/Filter"), pikepdf.Array) else [obj.get("/Filter")]
        ):
            problems.append("LZW-compressed stream")
        if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream) and (
            obj.get("/S") == Name.Transparency or "/SMask" in obj
        ):
            if not intents:
                problems.append("transparency without an OutputIntent")
    return sorted(set(problems))


# --- the package -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdfa_package(converter) -> Package:
    return assemble_package("park_application", payload(), attachments(), converter=converter, pdfa=True)


def test_the_pdfa_package_passes_the_checks(pdfa_package):
    assert pdfa_package.pdfa
    assert pdfa_problems(pdfa_package.merged_pdf) == []
    assert pdfa_problems(pdfa_package.application_pdf) == []
    assert pdfa_package.manifest["pdf_profile"] == "PDF/A-2b"


def test_pdfa_package_keeps_pages_numbers_and_the_stamp_font(pdfa_package):
    r = PdfReader(io.BytesIO(pdfa_package.merged_pdf))
    assert len(r.pages) == pdfa_package.pages
    for index in range(1, len(r.pages)):
        assert r.pages[index].extract_text().rstrip().endswith(f"— {index} —")
    fonts = {str(f.get("/BaseFont")) for p in pikepdf.open(io.BytesIO(pdfa_package.merged_pdf)).pages
             for f in (p.resources.get("/Font") or {}).values()}  # fmt: skip
    assert any(name.endswith("+NotoSerifCJKsc-Regular") for name in fonts)


def test_attachment_scripts_are_removed_and_web_links_kept(pdfa_package):
    part = next(p for p in pdfa_package.parts if p.title == "带脚本的说明")
    merged = pikepdf.open(io.BytesIO(pdfa_package.merged_pdf))
    page = merged.pages[part.first_index]
    annots = list(page.obj.get("/Annots") or [])
    assert [str(a.A.S) for a in annots] == ["/URI"]
    assert int(annots[0].F) & 4
    assert b"JavaScript" not in pdfa_package.merged_pdf


def test_the_normal_package_is_not_pdfa_and_the_checks_can_fail(converter):
    package = assemble_package("park_application", payload(), attachments()[:3], converter=converter)
    problems = pdfa_problems(package.merged_pdf)
    assert "no XMP metadata" in problems and "no single GTS_PDFA1 OutputIntent" in problems
    assert not package.pdfa and "pdf_profile" not in package.manifest
    assert package.merged_pdf.startswith(b"%PDF-1.6")


def test_an_attachment_without_embedded_fonts_is_refused_with_the_file_and_font(converter):
    atts = [Attachment(item=8, title="信用承诺书", data=FORM.read_bytes(), filename="信用承诺书.pdf")]
    with pytest.raises(AttachmentError) as caught:
        assemble_package("park_application", payload(), atts, converter=converter, pdfa=True)
    assert caught.value.code == "attachment_font_not_embedded"
    assert caught.value.filename == "信用承诺书.pdf"
    assert "Helvetica" in caught.value.message and "PDF/A" in caught.value.message


# --- CLI and API -------------------------------------------------------------------------------------------------


def test_cli_pdfa_flag_writes_a_conforming_package(tmp_path):
    import typer

    from service.cli.package import register

    app = typer.Typer()
    register(app)

    @app.callback()
    def main() -> None:
        """docgen"""

    source = tmp_path / "attachments" / "1"
    source.mkdir(parents=True)
    shutil.copy(IMAGE, source / IMAGE.name)
    out = tmp_path / "out"
    args = ["package", str(SAMPLES / "park_application.json"), "-a", str(tmp_path / "attachments"), "-o", str(out)]
    result = CliRunner().invoke(app, [*args, "--pdfa"])
    assert result.exit_code == 0, result.output
    [folder] = [p for p in out.iterdir() if p.is_dir()]
    assert pdfa_problems((folder / "完整申报材料.pdf").read_bytes()) == []
    assert pdfa_problems((folder / "申请书.pdf").read_bytes()) == []


@pytest.fixture(scope="module")
def http(converter, tmp_path_factory) -> Iterator[httpx.Client]:
    from test_api import ServerThread, make_settings

    from service.api.app import create_app

    app = create_app(make_settings(tmp_path_factory.mktemp("data")), pool=converter)
    with ServerThread(app) as server, httpx.Client(base_url=server.base_url, timeout=300) as client:
        yield client


def test_api_format_pdfa_returns_a_conforming_pdf(http):
    data = {"payload": json.dumps(payload(), ensure_ascii=False), "items": ["1"]}
    files = [("files", (IMAGE.name, IMAGE.read_bytes(), "image/png"))]
    response = http.post("/v1/packages/park_application?format=pdfa", data=data, files=files)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert pdfa_problems(response.content) == []


def test_api_format_pdfa_refuses_an_attachment_without_embedded_fonts(http):
    data = {"payload": json.dumps(payload(), ensure_ascii=False), "items": ["8"]}
    files = [("files", ("承诺书.pdf", FORM.read_bytes(), "application/pdf"))]
    response = http.post("/v1/packages/park_application?format=pdfa", data=data, files=files)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "attachment_font_not_embedded"
    assert body["errors"][0]["label"] == "承诺书.pdf"
