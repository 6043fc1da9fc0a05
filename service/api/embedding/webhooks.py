"""Webhooks after the Standard Webhooks specification (standardwebhooks.com):

    webhook-id: msg_…            the delivery's id (the same on every retry: receivers deduplicate by it)
    webhook-timestamp: 1700000000
    webhook-signature: v1,<base64 HMAC-SHA256(secret, f"{id}.{timestamp}.{body}")>

the secret being `whsec_` + base64 of the key bytes, per API key. Targets are checked before they are stored and
again before each attempt: http(s) only, the host on DOCGEN_WEBHOOK_ALLOWED_HOSTS when that is set, and no
private, loopback, link-local or otherwise non-public address unless its network is on
DOCGEN_WEBHOOK_ALLOWED_NETWORKS (no SSRF through webhooks). Redirects are not followed.
"""

from __future__ import annotations

import base64
import fnmatch
import hashlib
import hmac
import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from service.errors import DocgenError, ErrorKind

SECRET_PREFIX = "whsec_"


def secret_bytes(secret: str) -> bytes:
    text = secret.removeprefix(SECRET_PREFIX)
    return base64.b64decode(text + "=" * (-len(text) % 4))


def sign(secret: str, msg_id: str, timestamp: int, body: str) -> str:
    """The `webhook-signature` value (one v1 signature)."""
    to_sign = f"{msg_id}.{timestamp}.{body}".encode()
    digest = hmac.new(secret_bytes(secret), to_sign, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def headers_for(secret: str, msg_id: str, body: str, timestamp: int | None = None) -> dict[str, str]:
    ts = int(time.time()) if timestamp is None else timestamp
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(ts),
        "webhook-signature": sign(secret, msg_id, ts, body),
        "content-type": "application/json",
    }


class WebhookRefused(DocgenError):
    """A webhook URL that the service will not call (scheme, host not allowed, private address)."""

    code = "webhook_url_refused"
    kind = ErrorKind.INVALID
    title = "Webhook 地址不被允许"

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        super().__init__(f"Webhook 地址（请求头 X-Webhook-URL 或密钥设置 webhook_url）{url!r} 不被允许：{reason}。")


class WebhookSecretMissing(DocgenError):
    code = "webhook_secret_missing"
    kind = ErrorKind.INVALID
    title = "未配置 Webhook 签名密钥"

    def __init__(self) -> None:
        super().__init__(
            "请求指定了 Webhook 地址（X-Webhook-URL），但此 API 密钥没有 webhook_secret，服务也未设置 "
            "DOCGEN_WEBHOOK_SECRET：无法签名，不会发送未签名的 Webhook。"
        )


@dataclass(frozen=True)
class TargetPolicy:
    allowed_hosts: tuple[str, ...] = ()
    allowed_networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()

    @classmethod
    def of(cls, hosts: list[str], networks: list[str]) -> TargetPolicy:
        return cls(tuple(h.lower() for h in hosts), tuple(ipaddress.ip_network(n, strict=False) for n in networks))

    def check(self, url: str) -> None:
        """Raise WebhookRefused unless `url` may be called now (resolves the host)."""
        if len(url) > 2048:
            raise WebhookRefused(url[:80] + "…", "地址过长")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise WebhookRefused(url, "只允许 http 或 https 地址")
        if parts.username or parts.password:
            raise WebhookRefused(url, "地址中不能包含用户名或密码")
        host = (parts.hostname or "").lower()
        if not host:
            raise WebhookRefused(url, "缺少主机名")
        if self.allowed_hosts and not any(fnmatch.fnmatchcase(host, pattern) for pattern in self.allowed_hosts):
            raise WebhookRefused(url, f"主机 {host} 不在允许列表（DOCGEN_WEBHOOK_ALLOWED_HOSTS）中")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise WebhookRefused(url, "端口无效") from None
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):
            raise WebhookRefused(url, f"无法解析主机 {host}") from None
        for info in infos:
            address: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(
                str(info[4][0]).split("%", 1)[0]
            )
            if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
                address = address.ipv4_mapped
            if address.is_global and not address.is_multicast:
                continue
            if any(address in network for network in self.allowed_networks):
                continue
            raise WebhookRefused(url, f"{host} 解析为非公网地址 {address}（私有、回环或保留地址）")


def backoff(delays: list[float], attempt: int) -> float | None:
    """Seconds before retry number `attempt` (1 = the first retry); None when the schedule is exhausted."""
    return delays[attempt - 1] if 1 <= attempt <= len(delays) else None
