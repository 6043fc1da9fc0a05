"""Every ZIP the service writes lists its Chinese names right in Info-ZIP `unzip` and in Python's zipfile.

Info-ZIP (Debian's `unzip`) re-encodes the names of archives marked as made on MS-DOS through the OEM code page,
even with the UTF-8 flag set: the batch delivery ZIP once listed `广州市推荐材料/报告.txt` as mojibake.
The batch delivery ZIP of a real run is checked the same way in tests/test_batch.py (it reuses that run).
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from service.output import build_zip, tree_entries, write_zip

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"

pytestmark = pytest.mark.skipif(shutil.which("unzip") is None, reason="Info-ZIP unzip is not installed")


def unzip_names(path: Path) -> list[str]:
    """Names as Info-ZIP lists them, in archive order (decoded as UTF-8: mojibake would not match)."""
    out = subprocess.run(["unzip", "-Z1", str(path)], capture_output=True, check=True, env={"LC_ALL": "C.UTF-8"})
    return out.stdout.decode("utf-8").splitlines()


def check_archive(path: Path, expected: list[str]) -> zipfile.ZipFile:
    """Both readers list exactly `expected`; every entry is made by Unix, non-ASCII names carry the UTF-8 flag,
    and the data is intact."""
    zf = zipfile.ZipFile(path)
    assert [i.filename for i in zf.infolist()] == expected
    assert unzip_names(path) == expected
    for info in zf.infolist():
        assert info.create_system == 3, info.filename
        if not info.filename.isascii():
            assert info.flag_bits & 0x800, info.filename
    assert zf.testzip() is None
    subprocess.run(["unzip", "-tq", str(path)], capture_output=True, check=True, env={"LC_ALL": "C.UTF-8"})
    return zf


def test_a_streamed_zip_with_chinese_names(tmp_path: Path) -> None:
    """The writer the batch delivery uses: files streamed from disk under one root folder."""
    (tmp_path / "src" / "园区类" / "01_广州天河软件产业园管理委员会").mkdir(parents=True)
    (tmp_path / "src" / "报告.txt").write_text("状态：全部完成\n", encoding="utf-8")
    bundle_file = tmp_path / "src" / "园区类" / "01_广州天河软件产业园管理委员会" / "申请书.pdf"
    bundle_file.write_bytes(b"%PDF-1.6\n" + bytes(range(256)) * 64)
    files: dict[str, bytes | Path | None] = {
        "报告.txt": tmp_path / "src" / "报告.txt",
        "园区类/01_广州天河软件产业园管理委员会/申请书.pdf": bundle_file,
    }
    target = tmp_path / "广州市推荐材料.zip"
    write_zip(target, tree_entries("广州市推荐材料", files), (2026, 5, 1, 0, 0, 0))
    zf = check_archive(
        target,
        [
            "广州市推荐材料/",
            "广州市推荐材料/园区类/",
            "广州市推荐材料/园区类/01_广州天河软件产业园管理委员会/",
            "广州市推荐材料/园区类/01_广州天河软件产业园管理委员会/申请书.pdf",
            "广州市推荐材料/报告.txt",
        ],
    )
    assert zf.read("广州市推荐材料/报告.txt").decode("utf-8") == "状态：全部完成\n"
    assert zf.read("广州市推荐材料/园区类/01_广州天河软件产业园管理委员会/申请书.pdf") == bundle_file.read_bytes()
    assert {i.date_time for i in zf.infolist()} == {(2026, 5, 1, 0, 0, 0)}
    assert not list(tmp_path.glob(".*.part"))  # the temporary file was renamed, not left beside


def test_the_given_order_is_kept_when_asked(tmp_path: Path) -> None:
    data = build_zip([("乙.txt", b"2"), ("甲/", None), ("甲/丙.txt", b"3")], (1980, 1, 1, 0, 0, 0), sort=False)
    (tmp_path / "x.zip").write_bytes(data)
    check_archive(tmp_path / "x.zip", ["乙.txt", "甲/", "甲/丙.txt"])
    assert build_zip({"b": b"1", "a": b"2"}, (1980, 1, 1, 0, 0, 0)) != build_zip(
        [("b", b"1"), ("a", b"2")], (1980, 1, 1, 0, 0, 0), sort=False
    )


def test_a_rendered_docx(tmp_path: Path) -> None:
    from service.rendering import get_template, render

    data = render("park_application", json.loads((SAMPLES / "park_application.json").read_text("utf-8")))
    path = tmp_path / "申请书.docx"
    path.write_bytes(data)
    with zipfile.ZipFile(get_template("park_application").docx_path) as template:
        order = [i.filename for i in template.infolist()]
    zf = check_archive(path, order)  # the template's order: [Content_Types].xml stays first
    assert order[0] == "[Content_Types].xml"
    assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    payload = json.loads((SAMPLES / "park_application.json").read_text("utf-8"))
    assert payload["cover"]["applicant"] in "".join(
        re.findall(r"<w:t[^>]*>([^<]*)</w:t>", zf.read("word/document.xml").decode("utf-8"))
    )
    assert render("park_application", payload) == data  # deterministic: the same bytes again


def test_the_package_bundle_zip(tmp_path: Path, converter: object) -> None:
    from service.packaging import assemble_package
    from service.packaging.attachments import Attachment

    park_dir = SAMPLES / "attachments" / "park"
    atts = [
        Attachment.from_path(park_dir / "1" / "01_示范基地空间布局平面图.png", 1),
        Attachment.from_path(park_dir / "7" / "节能环保与安全生产达标说明.docx", 7),
    ]
    payload = json.loads((SAMPLES / "park_application.json").read_text("utf-8"))
    package = assemble_package("park_application", payload, atts, sequence=3, converter=converter)  # type: ignore[arg-type]
    path = tmp_path / "bundle.zip"
    path.write_bytes(package.bundle_zip)
    folder = package.folder
    assert folder.startswith("03_")
    names = zipfile.ZipFile(io.BytesIO(package.bundle_zip)).namelist()
    zf = check_archive(path, sorted(names))
    assert f"{folder}/完整申报材料.pdf" in names
    assert f"{folder}/附件/" in names
    assert any(n.startswith(f"{folder}/附件/1-1_示范基地空间布局平面图") for n in names)
    assert zf.read(f"{folder}/申请书.pdf") == package.application_pdf
