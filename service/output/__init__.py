"""Everything the service writes to disk or into archives, written one way.

- `zips`: deterministic ZIP archives (UTF-8 names, Unix attributes, fixed times, sorted or given order, a fresh
  ZipInfo per entry), in memory or streamed to a file.
- `files`: atomic publishing of a file (write beside, rename) and of a folder (build aside, swap in).
- `pdf`: reproducible PDF saving (metadata from given values, LibreOffice's per-process font ids removed,
  content-derived /ID).
- `names`: file, folder and ZIP entry names made from user text (`safe_file_name`: no bidi or invisible
  characters, nothing Windows forbids).
- `clock`: the campaign time zone (`CAMPAIGN_TZ`, UTC+8) and the dates derived from it.
"""

from __future__ import annotations

from service.output.clock import CAMPAIGN_TZ, campaign_iso, campaign_now, campaign_today
from service.output.files import FILE_MODE, atomic_path, atomic_write, publish_folder
from service.output.names import safe_file_name
from service.output.pdf import Metadata, count_pdf_pages, normalise_fonts, reproducible_pdf, save_pdf, set_metadata
from service.output.zips import (
    FIXED_ZIP_TIME,
    UTF8_FLAG,
    ZipWriter,
    build_zip,
    tree_entries,
    write_zip,
    zip_info,
)

__all__ = [
    "CAMPAIGN_TZ",
    "FILE_MODE",
    "FIXED_ZIP_TIME",
    "UTF8_FLAG",
    "Metadata",
    "ZipWriter",
    "atomic_path",
    "atomic_write",
    "build_zip",
    "campaign_iso",
    "campaign_now",
    "campaign_today",
    "count_pdf_pages",
    "normalise_fonts",
    "publish_folder",
    "reproducible_pdf",
    "safe_file_name",
    "save_pdf",
    "set_metadata",
    "tree_entries",
    "write_zip",
    "zip_info",
]
