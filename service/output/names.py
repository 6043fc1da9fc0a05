"""Names of files, folders and ZIP entries made from user text: one function, `safe_file_name`.

A name shows its characters as they are: format characters would make it display differently from what it is
(U+202E RIGHT-TO-LEFT OVERRIDE turns "申报单位\\u202egpj.exe" into "申报单位exe.jpg" on screen), so every format,
control, surrogate and separator character goes, and so do the characters Windows forbids in names.
Used for download names (Content-Disposition), package folders, attachment entries and batch archive names.
"""

from __future__ import annotations

import re
import unicodedata

MAX_NAME_CHARS = 80
"""Characters of user text in a name: keeps paths well under Windows' 260."""

# Dropped: format characters (bidi controls, zero-width characters, BOM, soft hyphen, tags), lone surrogates,
# private-use and unassigned code points (no font shows them), and the Hangul fillers (blank letters).
_DROPPED_CATEGORIES = frozenset({"Cf", "Cs", "Co", "Cn"})
_DROPPED = frozenset("\u115f\u1160\u3164\uffa0")
# Become a space: every other separator (NBSP, ideographic space, line and paragraph separators).
_SPACE_CATEGORIES = frozenset({"Zs", "Zl", "Zp"})
# Forbidden on Windows, and controls (line ends, tabs): each run becomes one "_".
_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f-\x9f]+')
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)


def _visible_name_chars(text: str) -> str:
    out: list[str] = []
    for ch in text:
        category = unicodedata.category(ch)
        if category in _DROPPED_CATEGORIES or ch in _DROPPED:
            continue
        out.append(" " if category in _SPACE_CATEGORIES else ch)
    return "".join(out)


def safe_file_name(text: str, *, fallback: str = "未命名", max_chars: int = MAX_NAME_CHARS) -> str:
    """A file or folder name valid on Windows, macOS and Linux that displays as what it is (no bidi or other
    invisible characters); `fallback` when nothing visible is left."""
    name = _visible_name_chars(unicodedata.normalize("NFC", text))
    name = _FORBIDDEN.sub("_", name)
    name = re.sub(r" +", " ", name).strip().rstrip(". ")
    name = name[:max_chars].rstrip(". ")
    if not name:
        name = fallback
    if _RESERVED.match(name):
        name = "_" + name
    return name
