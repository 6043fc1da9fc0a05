"""#7 Batch ZIPs made on Windows or with Info-ZIP: names without the UTF-8 flag were read as CP437, so four of
seven candidates failed with `attachment_missing` and titles came out as mojibake. The sample batch is zipped
by Info-ZIP `zip` and with GBK names (as Windows Explorer, WinRAR and 360压缩 write them on a Chinese Windows),
extracted as the upload is, and every candidate's files must be found under their real names.

#8 The batch result ZIP listed mojibake under `unzip`: the archives we write are read back by Info-ZIP."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
import zlib
from pathlib import Path

import pytest
from conftest import write_zip_raw

from service.api.routers.batches import extract_zip
from service.batch.manifest import load_manifest
from service.output.zipnames import entry_name
from service.output.zips import tree_entries, write_zip

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "batch_guangzhou"


def sample_files() -> set[str]:
    return {p.relative_to(SAMPLE).as_posix() for p in SAMPLE.rglob("*") if p.is_file() and p.suffix != ".py"}


def info_zip(tmp_path: Path) -> Path:
    target = tmp_path / "infozip.zip"
    files = sorted(sample_files())
    subprocess.run(["zip", "-q", "-X", str(target), *files], cwd=SAMPLE, check=True, env={"LC_ALL": "C.UTF-8"})
    return target


def gbk_zip(tmp_path: Path, separator: str = "/") -> Path:
    """Names in GBK without the UTF-8 flag; `separator` "\\" as some Windows tools write it."""
    entries = []
    for rel in sorted(sample_files()):
        data = (SAMPLE / rel).read_bytes()
        compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
        raw = compressor.compress(data) + compressor.flush()
        entries.append((rel.replace("/", separator).encode("gbk"), raw, zlib.crc32(data), len(data)))
    target = tmp_path / "gbk.zip"
    target.write_bytes(write_zip_raw(entries))
    return target


@pytest.mark.parametrize("maker", ["info-zip", "gbk", "gbk-backslash"])
def test_every_candidate_finds_its_files_under_their_real_names(maker: str, tmp_path: Path) -> None:
    archive = {"info-zip": info_zip, "gbk": gbk_zip, "gbk-backslash": lambda t: gbk_zip(t, "\\")}[maker](tmp_path)
    with zipfile.ZipFile(archive) as zf:
        assert not any(info.flag_bits & 0x800 for info in zf.infolist())  # the case the issue is about
        if maker != "info-zip":
            assert {entry_name(i).replace("\\", "/") for i in zf.infolist()} == sample_files()
    base = extract_zip(archive, tmp_path / "input")
    extracted = {p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file()}
    assert extracted == sample_files()
    manifest = load_manifest(base / "manifest.json")
    assert len(manifest.candidates) == 7
    problems = [e for c in manifest.candidates for e in c.errors]
    assert problems == []


def test_a_gbk_name_whose_second_byte_is_a_backslash_stays_one_name() -> None:
    name = "附件/淺灘治理.pdf"  # 淺 is 9C 5C in GBK: decoded first, its 0x5C is no folder separator
    raw = name.encode("gbk")
    assert b"\\" in raw
    info = zipfile.ZipInfo(raw.decode("cp437"))
    info.flag_bits = 0
    assert entry_name(info).replace("\\", "/") == name
    flagged = zipfile.ZipInfo(name)
    flagged.flag_bits = 0x800
    assert entry_name(flagged) == name


@pytest.mark.skipif(shutil.which("unzip") is None, reason="Info-ZIP unzip is not installed")
def test_result_zip_names_read_right_under_unzip(tmp_path: Path) -> None:
    files = {
        "广州市推荐汇总表.pdf": b"%PDF-1.7\n",
        "01_广州南沙示范基地/完整申报材料.pdf": b"%PDF-1.7\n",
        "01_广州南沙示范基地/附件/3-1_主导产业规上企业名单.pdf": b"%PDF-1.7\n",
        "报告.txt": "已完成".encode(),
    }
    target = tmp_path / "广州市推荐材料.zip"
    write_zip(target, tree_entries("广州市推荐材料", files), (2026, 3, 27, 0, 0, 0))
    listed = subprocess.run(["unzip", "-Z1", str(target)], capture_output=True, check=True, env={"LC_ALL": "C.UTF-8"})
    names = listed.stdout.decode("utf-8").splitlines()
    assert {n for n in names if not n.endswith("/")} == {f"广州市推荐材料/{rel}" for rel in files}
    out = tmp_path / "unzipped"
    subprocess.run(["unzip", "-q", str(target), "-d", str(out)], check=True, env={"LC_ALL": "C.UTF-8"})
    assert {p.relative_to(out / "广州市推荐材料").as_posix() for p in out.rglob("*") if p.is_file()} == set(files)
    assert (out / "广州市推荐材料" / "报告.txt").read_text(encoding="utf-8") == "已完成"
