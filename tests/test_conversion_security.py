"""A user-supplied .docx must not make LibreOffice fetch a URL or read a server file.

Documents link to a local HTTP server started by the test and to local files (file:///etc/passwd, a PNG
in a temporary directory) in every way a .docx can: linked DrawingML and VML images, INCLUDEPICTURE and
INCLUDETEXT fields, altChunk, subDocument, attachedTemplate, a hyperlink. Checked for each defence
layer on its own (the sanitizer; the hardened LibreOffice profile) and together (the pool). A control
run with neither layer shows that the attack works on this LibreOffice, so the checks are not vacuous.
"""

from __future__ import annotations

import io
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import docx
import pypdf
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from lxml import etree
from PIL import Image

from service.conversion import ConversionPool, PdfOptions, PoolSettings, sanitize_docx
from service.conversion import profile as profile_module
from service.conversion.process import LibreOfficeProcess
from service.conversion.protocol import ConversionJob

PASSWD_MARK = "root:x:0:0"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
AFCHUNK = f"{REL_NS}/aFChunk"
SUBDOCUMENT = f"{REL_NS}/subDocument"
ATTACHED_TEMPLATE = f"{REL_NS}/attachedTemplate"
VML_NAMESPACES = 'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"'


# -- attack documents ----------------------------------------------------------------------------------


def _png() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (24, 24), "red").save(buffer, "PNG")
    buffer.seek(0)
    return buffer


def _field_runs(instruction: str, cached: str) -> list[str]:
    w = nsdecls("w")
    return [
        f'<w:r {w}><w:fldChar w:fldCharType="begin"/></w:r>',
        f'<w:r {w}><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>',
        f'<w:r {w}><w:fldChar w:fldCharType="separate"/></w:r>',
        f"<w:r {w}><w:t>{cached}</w:t></w:r>",
        f'<w:r {w}><w:fldChar w:fldCharType="end"/></w:r>',
    ]


def attack_docx(kind: str, url: str) -> bytes:
    document = docx.Document()
    document.add_paragraph("正文开始")
    part = document.part
    body = document.element.body
    if kind == "blip_link":  # DrawingML picture linked instead of embedded
        document.add_picture(_png())
        blip = body.findall(".//" + qn("a:blip"))[-1]
        del blip.attrib[qn("r:embed")]
        blip.set(qn("r:link"), part.relate_to(url, RT.IMAGE, is_external=True))
    elif kind == "blip_embed_and_link":  # both: Word shows the link when it can
        document.add_picture(_png())
        blip = body.findall(".//" + qn("a:blip"))[-1]
        blip.set(qn("r:link"), part.relate_to(url, RT.IMAGE, is_external=True))
    elif kind == "vml_image":
        rid = part.relate_to(url, RT.IMAGE, is_external=True)
        document.add_paragraph()._p.append(
            parse_xml(
                f'<w:r {nsdecls("w", "r")} {VML_NAMESPACES}><w:pict><v:shape id="s1" type="#_x0000_t75" '
                f'style="width:40pt;height:40pt"><v:imagedata r:id="{rid}" o:title=""/></v:shape></w:pict></w:r>'
            )
        )
    elif kind == "includepicture":
        document.add_paragraph()._p.append(
            parse_xml(
                f"<w:fldSimple {nsdecls('w')} w:instr=' INCLUDEPICTURE \"{url}\" \\d '>"
                "<w:r><w:t>图片</w:t></w:r></w:fldSimple>"
            )
        )
    elif kind == "includetext":
        paragraph = document.add_paragraph()._p
        for run in _field_runs(f'INCLUDETEXT "{url}"', "缓存文字"):
            paragraph.append(parse_xml(run))
    elif kind == "includetext_simple":
        document.add_paragraph()._p.append(
            parse_xml(
                f"<w:fldSimple {nsdecls('w')} w:instr=' INCLUDETEXT \"{url}\" '>"
                "<w:r><w:t>缓存文字</w:t></w:r></w:fldSimple>"
            )
        )
    elif kind == "altchunk":
        rid = part.relate_to(url, AFCHUNK, is_external=True)
        body.insert(1, parse_xml(f'<w:altChunk {nsdecls("w", "r")} r:id="{rid}"/>'))
    elif kind == "subdocument":
        rid = part.relate_to(url, SUBDOCUMENT, is_external=True)
        document.add_paragraph()._p.append(parse_xml(f'<w:subDoc {nsdecls("w", "r")} r:id="{rid}"/>'))
    elif kind == "attached_template":
        settings_part = part._settings_part
        rid = settings_part.relate_to(url, ATTACHED_TEMPLATE, is_external=True)
        settings_part.element.insert(0, parse_xml(f'<w:attachedTemplate {nsdecls("w", "r")} r:id="{rid}"/>'))
    elif kind == "hyperlink":
        rid = part.relate_to(url, RT.HYPERLINK, is_external=True)
        document.add_paragraph()._p.append(
            parse_xml(f'<w:hyperlink {nsdecls("w", "r")} r:id="{rid}"><w:r><w:t>链接文字</w:t></w:r></w:hyperlink>')
        )
    else:  # pragma: no cover
        raise ValueError(kind)
    document.add_paragraph("正文结束")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


FETCHING_KINDS = (
    "blip_link",
    "blip_embed_and_link",
    "vml_image",
    "includepicture",
    "includetext",
    "includetext_simple",
    "altchunk",
    "subdocument",
    "attached_template",
    "hyperlink",
)
TEXT_KINDS = ("includetext", "includetext_simple", "altchunk", "subdocument", "blip_link", "vml_image")
IMAGE_KINDS = ("blip_link", "vml_image", "includepicture")


def external_relationships(data: bytes) -> list[tuple[str, str]]:
    found = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.endswith(".rels"):
                for rel in etree.fromstring(archive.read(name)):
                    if rel.get("TargetMode") == "External":
                        found.append((rel.get("Type", "").rsplit("/", 1)[-1], rel.get("Target", "")))
    return found


def image_count(pdf: bytes) -> int:
    return sum(len(page.images) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def text_of(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


# -- fixtures --------------------------------------------------------------------------------------------


class RecordingServer:
    def __init__(self) -> None:
        self.requests: list[str] = []
        recorder = self.requests

        class Handler(BaseHTTPRequestHandler):
            def _record(self) -> None:
                recorder.append(f"{self.command} {self.path}")
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(_png().getvalue())

            do_GET = do_HEAD = do_POST = do_OPTIONS = do_PROPFIND = _record

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/{name}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def http_server() -> Iterator[RecordingServer]:
    server = RecordingServer()
    yield server
    server.close()


@pytest.fixture
def requests_seen(http_server: RecordingServer) -> Iterator[list[str]]:
    http_server.requests.clear()
    yield http_server.requests


@pytest.fixture(scope="module")
def local_image(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("secret") / "server-file.png"
    path.write_bytes(_png().getvalue())
    return path


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConversionPool]:
    settings = PoolSettings(size=1, health_interval=0, temp_root=str(tmp_path_factory.mktemp("lo")))
    with ConversionPool(settings) as shared:
        yield shared


@pytest.fixture(scope="module")
def hardened_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LibreOfficeProcess]:
    """A process with the hardened profile, fed documents that were NOT sanitized."""
    process = LibreOfficeProcess(PoolSettings(temp_root=str(tmp_path_factory.mktemp("lo-profile-only"))))
    process.start()
    yield process
    process.stop()


# -- the sanitizer ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [k for k in FETCHING_KINDS if k != "hyperlink"])
def test_the_sanitizer_removes_every_external_reference(kind: str) -> None:
    original = attack_docx(kind, "http://127.0.0.1:9/x")
    result = sanitize_docx(original)
    assert result.report.changed
    assert external_relationships(result.data) == []
    with zipfile.ZipFile(io.BytesIO(result.data)) as archive:
        document = archive.read("word/document.xml").decode()
        settings = archive.read("word/settings.xml").decode()
    assert "127.0.0.1:9" not in document and "INCLUDE" not in document
    assert "attachedTemplate" not in settings
    assert "正文开始" in document and "正文结束" in document
    if kind.startswith("includetext"):
        assert "缓存文字" in document  # the field's last result stays as plain text
    docx.Document(io.BytesIO(result.data))  # still a valid document


def test_the_sanitizer_keeps_hyperlinks_and_leaves_clean_documents_untouched() -> None:
    linked = attack_docx("hyperlink", "https://www.miit.gov.cn/")
    result = sanitize_docx(linked)
    assert result.data == linked and not result.report.changed
    assert external_relationships(result.data) == [("hyperlink", "https://www.miit.gov.cn/")]


def test_the_sanitizer_neutralises_nested_and_lower_case_fields() -> None:
    document = docx.Document()
    paragraph = document.add_paragraph()._p
    runs = _field_runs('includetext "C:\\\\secret.txt"', "旧结果")
    # a field nested in the instruction of another field: removed with it
    nested = _field_runs("MERGEFIELD path", "/etc/passwd")
    for run in runs[:2] + nested + runs[2:]:
        paragraph.append(parse_xml(run))
    buffer = io.BytesIO()
    document.save(buffer)
    result = sanitize_docx(buffer.getvalue())
    with zipfile.ZipFile(io.BytesIO(result.data)) as archive:
        xml = archive.read("word/document.xml").decode()
    assert "旧结果" in xml and "/etc/passwd" not in xml and "fldChar" not in xml and "instrText" not in xml


# -- LibreOffice --------------------------------------------------------------------------------------------


def test_through_the_pool_no_request_reaches_the_server(pool: ConversionPool, http_server, requests_seen) -> None:
    for kind in FETCHING_KINDS:
        pdf = pool.convert(attack_docx(kind, http_server.url(kind)), PdfOptions())
        assert "正文开始" in text_of(pdf)
    assert requests_seen == []


def test_through_the_pool_local_files_do_not_appear(pool: ConversionPool, local_image: Path) -> None:
    for kind in TEXT_KINDS:
        pdf = pool.convert(attack_docx(kind, "file:///etc/passwd"))
        assert PASSWD_MARK not in text_of(pdf)
    for kind in IMAGE_KINDS:
        pdf = pool.convert(attack_docx(kind, local_image.as_uri()))
        assert image_count(pdf) == 0, kind


def test_a_hyperlink_keeps_its_text_and_nothing_follows_it(pool: ConversionPool, http_server, requests_seen) -> None:
    # (LibreOffice 7.4 writes the link text; measured: it writes no /URI annotation for it, with or
    # without our profile and filter options.)
    pdf = pool.convert(attack_docx("hyperlink", http_server.url("hyperlink-target")))
    assert "链接文字" in text_of(pdf)
    assert requests_seen == []


def test_the_hardened_profile_alone_blocks_links(
    hardened_process: LibreOfficeProcess, http_server, requests_seen, local_image: Path
) -> None:
    for kind in FETCHING_KINDS:
        hardened_process.convert(ConversionJob(attack_docx(kind, http_server.url(kind))), timeout=60)
    assert requests_seen == []
    for kind in IMAGE_KINDS:
        pdf = hardened_process.convert(ConversionJob(attack_docx(kind, local_image.as_uri())), timeout=60)
        assert image_count(pdf) == 0, kind
    for kind in TEXT_KINDS:
        pdf = hardened_process.convert(ConversionJob(attack_docx(kind, "file:///etc/passwd")), timeout=60)
        assert PASSWD_MARK not in text_of(pdf)


def test_control_without_either_defence_libreoffice_does_fetch(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, http_server, requests_seen, local_image: Path
) -> None:
    """Not a behaviour we want: proof that the checks above would catch a fetch on this LibreOffice."""
    monkeypatch.setattr(profile_module, "HARDENED_SETTINGS", ())
    process = LibreOfficeProcess(PoolSettings(temp_root=str(tmp_path), warm_up=False))
    process.start()
    try:
        process.convert(ConversionJob(attack_docx("blip_link", http_server.url("control"))), timeout=60)
        pdf = process.convert(ConversionJob(attack_docx("blip_link", local_image.as_uri())), timeout=60)
    finally:
        process.stop()
    assert any("/control" in request for request in requests_seen)
    assert image_count(pdf) >= 1
