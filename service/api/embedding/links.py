"""Signed download links: `GET /v1/files/{token}` without an API key until the link expires.

token = base64url(JSON {"j": job id, "e": expiry (Unix seconds)}) "." base64url(HMAC-SHA256(secret, first part)).
The token names a job, never a path: the file served is the job's stored result, looked up in the job database.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

JOB_ID = re.compile(r"^[0-9a-f]{32}$")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class LinkInvalid(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
        """`malformed`, `signature` or `expired`."""


@dataclass(frozen=True)
class LinkSigner:
    secret: bytes

    def sign(self, job_id: str, expires_at: float) -> str:
        body = _b64(json.dumps({"j": job_id, "e": int(expires_at)}, separators=(",", ":")).encode())
        mac = hmac.new(self.secret, body.encode("ascii"), hashlib.sha256).digest()
        return f"{body}.{_b64(mac)}"

    def verify(self, token: str, now: float | None = None) -> str:
        """The job id of a valid, unexpired token (LinkInvalid otherwise)."""
        body, sep, mac = token.partition(".")
        if not sep or not body or not mac or len(token) > 512:
            raise LinkInvalid("malformed")
        try:
            supplied = _unb64(mac)
        except ValueError:
            raise LinkInvalid("malformed") from None
        expected = hmac.new(self.secret, body.encode("ascii", "replace"), hashlib.sha256).digest()
        if not hmac.compare_digest(supplied, expected):
            raise LinkInvalid("signature")
        try:
            claims = json.loads(_unb64(body))
            job_id, expiry = str(claims["j"]), int(claims["e"])
        except (ValueError, KeyError, TypeError):
            raise LinkInvalid("malformed") from None
        if not JOB_ID.match(job_id):
            raise LinkInvalid("malformed")
        if (time.time() if now is None else now) >= expiry:
            raise LinkInvalid("expired")
        return job_id


def load_or_create_secret(configured: str, directory: Path) -> bytes:
    """The configured secret, else one generated once and kept in `directory/signing.key` (mode 0600)."""
    if configured:
        return configured.encode("utf-8")
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "signing.key"
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        pass
    secret = os.urandom(32)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(secret.hex())
    try:
        os.link(tmp, path)  # the first replica's secret wins; later ones read it
    except FileExistsError:
        tmp.unlink()
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    tmp.unlink()
    return secret
