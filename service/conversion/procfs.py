"""Linux /proc readings about a process tree: resident memory and the Unix sockets it bound."""

from __future__ import annotations

import os
from pathlib import Path


def descendants(pid: int) -> list[int]:
    """pid and all its descendants (through /proc/PID/task/TID/children)."""
    found: list[int] = []
    pending = [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                children = Path(f"/proc/{current}/task/{tid}/children").read_text().split()
            except OSError:
                continue
            pending.extend(int(child) for child in children if int(child) not in found)
    return found


def rss_bytes(pid: int) -> int:
    """Resident set size of pid and its descendants, in bytes (0 once gone)."""
    total = 0
    for member in descendants(pid):
        try:
            with open(f"/proc/{member}/status", encoding="ascii", errors="replace") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
                        break
        except OSError:
            continue
    return total


def bound_unix_sockets(pid: int) -> list[str]:
    """Paths of the Unix sockets the process has open (LibreOffice's OSL_PIPE_* files in /tmp)."""
    inodes: set[str] = set()
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return []
    for fd in fds:
        try:
            link = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if link.startswith("socket:["):
            inodes.add(link[8:-1])
    paths: list[str] = []
    try:
        with open("/proc/net/unix", encoding="utf-8", errors="replace") as table:
            next(table, None)
            for line in table:
                parts = line.split()
                if len(parts) >= 8 and parts[6] in inodes and parts[7].startswith("/"):
                    paths.append(parts[7])
    except OSError:
        return []
    return sorted(set(paths))
