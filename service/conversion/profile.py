"""The private directory of one LibreOffice process: profile, HOME, TMPDIR and job files.

Every process gets its own directory (a `soffice` that names the profile of a running instance hands
its work to that instance) and a hardened user profile written before the first start:

- linked graphics and other links are never loaded (`BlockUntrustedRefererLinks`: a document outside
  the trusted locations — there are none — may not make LibreOffice fetch a URL or read a local file;
  measured: with it a docx's external `a:blip r:link` to http:// or file:// is not fetched);
- links of Writer documents are never updated;
- macros never run; no auto-save / recovery writes.

The sanitizer (sanitize.py) removes such links from the .docx first; this is the second layer.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

# (node path, property, xsd type, value)
HARDENED_SETTINGS: tuple[tuple[str, str, str, str], ...] = (
    ("/org.openoffice.Office.Common/Security/Scripting", "BlockUntrustedRefererLinks", "xs:boolean", "true"),
    ("/org.openoffice.Office.Common/Security/Scripting", "MacroSecurityLevel", "xs:int", "3"),
    ("/org.openoffice.Office.Common/Security/Scripting", "DisableMacrosExecution", "xs:boolean", "true"),
    # sw/inc/linkenum.hxx: 0 = NEVER, 1 = MANUAL (default), 2 = AUTOMATIC.
    ("/org.openoffice.Office.Writer/Content/Update", "Link", "xs:int", "0"),
    ("/org.openoffice.Office.Recovery/AutoSave", "Enabled", "xs:boolean", "false"),
    ("/org.openoffice.Office.Recovery/RecoveryInfo", "Enabled", "xs:boolean", "false"),
    ("/org.openoffice.Office.Common/Misc", "FirstRun", "xs:boolean", "false"),
)


def registry_modifications() -> str:
    items = "\n".join(
        f'<item oor:path="{escape(path)}"><prop oor:name="{name}" oor:op="fuse" oor:type="{xsd}">'
        f"<value>{value}</value></prop></item>"
        for path, name, xsd, value in HARDENED_SETTINGS
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        f"{items}\n</oor:items>\n"
    )


@dataclass(frozen=True)
class ProcessDirectory:
    root: Path

    @property
    def profile(self) -> Path:
        return self.root / "profile"

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def tmp(self) -> Path:
        return self.root / "tmp"

    @property
    def jobs(self) -> Path:
        return self.root / "jobs"

    @property
    def profile_url(self) -> str:
        return self.profile.as_uri()

    @classmethod
    def create(cls, temp_root: str | None = None) -> ProcessDirectory:
        root = Path(tempfile.mkdtemp(prefix="docgen-lo-", dir=temp_root))  # mode 0700
        directory = cls(root)
        for sub in (directory.profile / "user", directory.home, directory.tmp, directory.jobs):
            sub.mkdir(parents=True)
        (directory.profile / "user" / "registrymodifications.xcu").write_text(
            registry_modifications(), encoding="utf-8"
        )
        return directory

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
