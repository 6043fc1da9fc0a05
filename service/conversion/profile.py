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

import contextlib
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

PREFIX = "docgen-lo-"
OWNER_FILE = "owner"
SOCKETS_FILE = "sockets"

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
        root = Path(tempfile.mkdtemp(prefix=PREFIX, dir=temp_root))  # mode 0700
        directory = cls(root)
        (root / OWNER_FILE).write_text(_process_identity(os.getpid()) or "", encoding="ascii")
        for sub in (directory.profile / "user", directory.home, directory.tmp, directory.jobs):
            sub.mkdir(parents=True)
        (directory.profile / "user" / "registrymodifications.xcu").write_text(
            registry_modifications(), encoding="utf-8"
        )
        return directory

    def record_sockets(self, paths: list[str]) -> None:
        """Remember the process's pipes in /tmp, so that a sweep can remove them if nobody else can."""
        (self.root / SOCKETS_FILE).write_text("\n".join(paths), encoding="utf-8")

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def remove_socket_files(paths: list[str]) -> None:
    for path in paths:
        if "/OSL_PIPE_" not in path:
            continue
        with contextlib.suppress(OSError):
            if stat.S_ISSOCK(os.lstat(path).st_mode):
                os.unlink(path)


def _process_identity(pid: int) -> str | None:
    """ "pid start-time" (a pid alone may have been reused), or None when no such process runs."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    if fields[0] == "Z":
        return None
    return f"{pid} {fields[19]}"


def sweep_stale(temp_root: str | None = None) -> list[Path]:
    """Remove the directories (and /tmp pipes) left by a service that was killed: SIGKILL leaves it no
    chance to clean up; its LibreOffice processes die with it (spawner.py). Only where the owner is gone."""
    removed = []
    root = Path(temp_root or tempfile.gettempdir())
    with contextlib.suppress(OSError):
        for candidate in root.glob(f"{PREFIX}*"):
            owner_file = candidate / OWNER_FILE
            try:
                owner = owner_file.read_text(encoding="ascii").strip()
            except OSError:
                continue  # not ours, or being created right now
            pid = owner.split(" ", 1)[0]
            if pid.isdigit() and _process_identity(int(pid)) == owner:
                continue
            with contextlib.suppress(OSError):
                remove_socket_files((candidate / SOCKETS_FILE).read_text(encoding="utf-8").splitlines())
            shutil.rmtree(candidate, ignore_errors=True)
            removed.append(candidate)
    return removed
