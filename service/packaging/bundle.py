"""The disc bundle: one ZIP holding `<序号>_<申报单位名称>/` with the 申请书, the package, the originals and a manifest.

    01_示例智能机器人产业园管理委员会/
      申请书.docx            the final 申请书 (with the 附件清单 page references)
      申请书.pdf             the 申请书 as numbered in the package (the first pages of 完整申报材料.pdf)
      完整申报材料.pdf       申请书 + attachments, bookmarked and page-numbered
      附件/1-1_示范基地空间布局平面图.png …   the originals, as supplied
      manifest.json          every file above with sha256, size and pages; template version; generated_at

Names: UTF-8 with the ZIP "language encoding" flag (general purpose bit 11), which Windows Explorer, 7-Zip,
macOS and Info-ZIP honour, so Chinese names open correctly; characters Windows forbids in names
(\\ / : * ? " < > |, control characters, trailing dots and spaces, reserved device names) are replaced.
Deterministic: entries sorted, each with the same fixed timestamp (the generated_at moment), fixed permissions
and creator system (Unix), and the same compression settings — the same inputs give the same bytes.
Files can be deflated ahead, in other threads, while the package is still being made (`deflate_later`): zlib
works without the GIL, and the archive is byte for byte the one written without it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from io import BytesIO
from typing import Any

from service.output.names import MAX_NAME_CHARS, safe_file_name
from service.output.zips import COMPRESS_LEVEL, ZipWriter, deflate, tree_entries

MAX_NAME = MAX_NAME_CHARS


def safe_name(text: str, *, fallback: str = "未命名") -> str:
    """A file or folder name that is valid on Windows, macOS and Linux and shows no bidi or invisible characters."""
    return safe_file_name(text, fallback=fallback, max_chars=MAX_NAME)


def folder_name(sequence: int, applicant: str) -> str:
    """ "01_示例智能机器人产业园管理委员会": the 序号 as in the 推荐汇总表, two digits so that folders sort."""
    return f"{sequence:02d}_{safe_name(applicant, fallback='申报单位')}"


def attachment_name(item: int, number: int, title: str, extension: str) -> str:
    return f"{item}-{number}_{safe_name(title)}{extension}"


def file_record(path: str, data: bytes, pages: int | None) -> dict[str, Any]:
    return {"path": path, "size": len(data), "sha256": hashlib.sha256(data).hexdigest(), "pages": pages}


def manifest_bytes(manifest: Mapping[str, Any]) -> bytes:
    return (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8")


_DEFLATER = ThreadPoolExecutor(max_workers=2, thread_name_prefix="package-zip")
"""Process-wide: deflating is CPU work, two threads are enough for the machine's cores whatever the packages."""


def deflate_later(data: bytes) -> Future[tuple[int, bytes]]:
    """`data` deflated for the bundle in a background thread (see `build_zip`'s `deflated`)."""
    return _DEFLATER.submit(deflate, data, COMPRESS_LEVEL)


def build_zip(
    folder: str,
    files: Mapping[str, bytes],
    date_time: tuple[int, int, int, int, int, int],
    deflated: Mapping[str, Future[tuple[int, bytes]]] | None = None,
) -> bytes:
    """A deterministic ZIP of `files` (paths relative to `folder`) under `folder/`, directories included, sorted
    by name (`service.output.zips.build_zip`). `deflated`: files deflated ahead by `deflate_later`, by path;
    the others are deflated here, two at a time in the background threads."""
    ahead = dict(deflated or {})
    for rel, data in files.items():
        if rel not in ahead:
            ahead[rel] = deflate_later(data)
    prefix = f"{folder}/"
    out = BytesIO()
    with ZipWriter(out, date_time, compresslevel=COMPRESS_LEVEL) as writer:
        for name, source in sorted(tree_entries(folder, files).items(), key=lambda item: item[0]):
            if source is None:
                writer.folder(name)
            else:
                assert isinstance(source, bytes)
                writer.data(name, source, ahead=ahead[name.removeprefix(prefix)].result())
    return out.getvalue()
