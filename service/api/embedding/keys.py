"""Named API keys with a per-key policy, from a settings file with hashed secrets (reloaded when it changes).

    {"keys": [{"name": "portal-a", "secret_sha256": "<hex>", "rate_limit": 120, "rate_window": 60,
               "concurrency": 4, "webhook_secret": "whsec_…", "webhook_url": "https://portal.example.cn/hook"}]}

`python -m service.api.embedding.keys <密钥>` prints a new entry's hash. API keys are long random strings, not
passwords: an unsalted SHA-256 lets a lookup stay one hash per request while the file never holds a usable key.
Keys of DOCGEN_API_KEYS stay valid (unnamed, unlimited) next to the file's.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError


class KeyPolicy(BaseModel):
    name: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$")
    secret_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    rate_limit: int | None = Field(None, ge=1, description="requests per window; None: unlimited")
    rate_window: float = Field(60.0, gt=0)
    concurrency: int | None = Field(None, ge=1)
    webhook_secret: str | None = None
    webhook_url: str | None = None


class KeyFile(BaseModel):
    keys: list[KeyPolicy] = []


@dataclass(frozen=True)
class Principal:
    """Who a request is: a named key, an unnamed DOCGEN_API_KEYS key, or anyone (no keys configured)."""

    name: str
    policy: KeyPolicy | None = None


ANONYMOUS = Principal("anonymous")


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class KeyRegistry:
    """The named keys of `path`, re-read when the file's modification time or size changes (checked at most
    once a second). A file that stops parsing keeps the previous keys, so a bad edit cannot lock everyone out."""

    def __init__(self, path: Path | None, plain_keys: list[str]) -> None:
        self.path = path
        self.plain = {hash_secret(k): Principal(f"key-{hash_secret(k)[:8]}") for k in plain_keys}
        self.by_hash: dict[str, KeyPolicy] = {}
        self._stamp: tuple[float, int] | None = None
        self._checked = 0.0
        self._lock = threading.Lock()
        self.reload_error: str | None = None
        self.refresh(force=True)

    @property
    def configured(self) -> bool:
        return bool(self.plain) or self.path is not None

    def refresh(self, *, force: bool = False) -> None:
        if self.path is None:
            return
        now = time.monotonic()
        if not force and now - self._checked < 1.0:
            return
        with self._lock:
            self._checked = now
            try:
                st = self.path.stat()
            except OSError as exc:
                self.reload_error = f"{self.path}: {exc.strerror}"
                return
            stamp = (st.st_mtime, st.st_size)
            if stamp == self._stamp:
                return
            try:
                parsed = KeyFile.model_validate(json.loads(self.path.read_text(encoding="utf-8")))
            except (OSError, ValueError, ValidationError) as exc:
                self.reload_error = f"{self.path}: {type(exc).__name__}"
                return
            self.by_hash = {k.secret_sha256: k for k in parsed.keys}
            self._stamp = stamp
            self.reload_error = None

    def identify(self, supplied: str | None) -> Principal | None:
        """The principal of `supplied` (X-API-Key); ANONYMOUS when no keys are configured; None when invalid."""
        if not self.configured:
            return ANONYMOUS
        if not supplied:
            return None
        self.refresh()
        digest = hash_secret(supplied)
        # Dict lookups by a hash of the secret: timing reveals nothing about the secret itself.
        policy = self.by_hash.get(digest)
        if policy is not None:
            return Principal(policy.name, policy)
        return self.plain.get(digest)

    def names(self) -> list[str]:
        return [p.name for p in self.by_hash.values()]


@dataclass
class _Window:
    start: float
    count: int = 0


@dataclass
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset: int
    """Seconds until the window resets."""
    window: int
    reason: str = ""


@dataclass
class Limiter:
    """Fixed-window request counts and in-flight counts per key (one process; each replica limits its own)."""

    windows: dict[str, _Window] = field(default_factory=dict)
    in_flight: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, policy: KeyPolicy, now: float | None = None) -> Decision | None:
        if policy.rate_limit is None:
            return None
        now = time.monotonic() if now is None else now
        with self.lock:
            w = self.windows.get(policy.name)
            if w is None or now - w.start >= policy.rate_window:
                w = self.windows[policy.name] = _Window(now)
            reset = max(1, math.ceil(w.start + policy.rate_window - now))
            if w.count >= policy.rate_limit:
                return Decision(False, policy.rate_limit, 0, reset, int(policy.rate_window), "rate")
            w.count += 1
            return Decision(True, policy.rate_limit, policy.rate_limit - w.count, reset, int(policy.rate_window))

    def enter(self, policy: KeyPolicy) -> bool:
        if policy.concurrency is None:
            return True
        with self.lock:
            if self.in_flight.get(policy.name, 0) >= policy.concurrency:
                return False
            self.in_flight[policy.name] = self.in_flight.get(policy.name, 0) + 1
            return True

    def leave(self, policy: KeyPolicy) -> None:
        if policy.concurrency is None:
            return
        with self.lock:
            self.in_flight[policy.name] = max(0, self.in_flight.get(policy.name, 0) - 1)


def main(argv: list[str] | None = None) -> int:  # pragma: no cover - a helper for administrators
    args = sys.argv[1:] if argv is None else argv
    secret = args[0] if args else os.urandom(24).hex()
    if not args:
        print(f"新密钥（只显示一次）：{secret}")
    print(json.dumps({"name": "门户名称", "secret_sha256": hash_secret(secret)}, ensure_ascii=False))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
