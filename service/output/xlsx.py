"""Reproducible .xlsx: the same workbook gives the same bytes.

openpyxl stamps the clock into docProps/core.xml (`save` sets dcterms:modified to now) and into every ZIP entry's
time. `xlsx_bytes` saves the workbook, sets dcterms:created and dcterms:modified to a given day (midnight,
campaign time) or to a fixed epoch, and re-packs the entries, in openpyxl's order, with the deterministic ZIP writer
(fixed entry time, Unix attributes, UTF-8 flag) that writes every other archive of the service.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import TYPE_CHECKING

from service.output.clock import CAMPAIGN_TZ
from service.output.zips import FIXED_ZIP_TIME, build_zip

if TYPE_CHECKING:
    from openpyxl import Workbook

FIXED_CREATED = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
"""created/modified of a workbook whose content has no date of its own (a template, a summary)."""
CORE = "docProps/core.xml"
DCTERMS = "http://purl.org/dc/terms/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
_DATES = re.compile(r"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


def w3cdtf(day: dt.date | dt.datetime | None) -> str:
    """The core-property time: midnight of `day` in campaign time (or `day` itself if a datetime), in UTC."""
    if day is None:
        moment = FIXED_CREATED
    elif isinstance(day, dt.datetime):
        moment = day if day.tzinfo else day.replace(tzinfo=CAMPAIGN_TZ)
    else:
        moment = dt.datetime.combine(day, dt.time(0, 0), tzinfo=CAMPAIGN_TZ)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def fix_core_dates(core_xml: bytes, stamp: str) -> bytes:
    """dcterms:created and dcterms:modified of a core.xml set to `stamp` (added if missing)."""
    text = core_xml.decode("utf-8")
    text = _DATES.sub(lambda m: f"{m.group(1)}{stamp}{m.group(3)}", text)
    for tag in ("created", "modified"):
        if f"<dcterms:{tag}" not in text:
            element = (
                f'<dcterms:{tag} xmlns:dcterms="{DCTERMS}" xmlns:xsi="{XSI}" xsi:type="dcterms:W3CDTF">'
                f"{stamp}</dcterms:{tag}>"
            )
            text = text.replace("</cp:coreProperties>", f"{element}</cp:coreProperties>")
    return text.encode("utf-8")


def repack_xlsx(data: bytes, day: dt.date | dt.datetime | None = None) -> bytes:
    """An .xlsx (or any OOXML package) with fixed core dates, re-packed deterministically in its entry order."""
    stamp = w3cdtf(day)
    entries: list[tuple[str, bytes | None]] = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            body = archive.read(info)
            entries.append((info.filename, fix_core_dates(body, stamp) if info.filename == CORE else body))
    return build_zip(entries, FIXED_ZIP_TIME, sort=False)


def xlsx_bytes(wb: Workbook, day: dt.date | dt.datetime | None = None) -> bytes:
    """The workbook as reproducible .xlsx bytes: every .xlsx the service writes is saved through here."""
    buf = io.BytesIO()
    wb.save(buf)
    return repack_xlsx(buf.getvalue(), day)
