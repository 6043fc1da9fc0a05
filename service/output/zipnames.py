"""Entry names of ZIPs made elsewhere, decoded as their makers meant them (the inverse of `zips`' writing).

The UTF-8 flag (general purpose bit 11) set → UTF-8 (zipfile already did that). Without it, the name's raw
bytes (zipfile decoded them as CP437, a lossless byte mapping, so they come back unchanged) are tried as
UTF-8 first — Info-ZIP `zip`, macOS and Linux tools write UTF-8 without the flag, and GBK/GB18030 text is
almost never valid UTF-8 — then as GB18030, a superset of GBK, what Windows Explorer, WinRAR and 360压缩 write
on a Chinese Windows. A name that is neither stays as zipfile decoded it.
"""

from __future__ import annotations

import zipfile

UTF8_FLAG = 0x800


def entry_name(info: zipfile.ZipInfo) -> str:
    """The entry's name as its maker meant it (slashes as stored: callers normalise backslashes after this)."""
    if info.flag_bits & UTF8_FLAG:
        return info.filename
    try:
        raw = info.orig_filename.encode("cp437")
    except UnicodeEncodeError:  # not a CP437 decoding (zipfile read a Unicode extra field): keep it
        return info.filename
    raw = raw.split(b"\0", 1)[0]  # as zipfile does: a NUL ends the name
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def decode_names(zf: zipfile.ZipFile) -> list[tuple[zipfile.ZipInfo, str]]:
    """Every entry with its decoded name."""
    return [(info, entry_name(info)) for info in zf.infolist()]
