"""Errors of the conversion service: a stable machine-readable `code` and a Simplified-Chinese `message`.

The API maps them to HTTP statuses (busy → 429/503 with Retry-After, timeout → 504, …); the CLI prints
`message`. `detail` is an English technical note for logs, never shown to users.
"""

from __future__ import annotations

from typing import Any


class ConversionError(Exception):
    """Base class: the conversion to PDF did not produce a document."""

    code: str = "conversion_failed"
    default_message: str = "文档转换为 PDF 失败。"

    def __init__(self, message: str | None = None, *, detail: str | None = None) -> None:
        self.message = message or self.default_message
        self.detail = detail
        super().__init__(self.message)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message}


class ConversionFailed(ConversionError):
    """LibreOffice crashed twice on the document, or produced no PDF."""

    code = "conversion_failed"
    default_message = "文档转换为 PDF 失败：LibreOffice 两次处理该文档均未成功，请检查文档内容后重试。"


class ConversionTimeout(ConversionError):
    """The conversion exceeded the time limit on a fresh process as well."""

    code = "conversion_timeout"

    def __init__(self, timeout: float, *, detail: str | None = None) -> None:
        self.timeout = timeout
        super().__init__(
            f"文档转换超时：超过 {timeout:g} 秒仍未完成（已在新进程上重试一次），转换已终止。",
            detail=detail,
        )


class ConversionBusy(ConversionError):
    """The waiting queue is full (or the wait for a free process took too long): try again later."""

    code = "conversion_busy"

    def __init__(self, retry_after: int, *, detail: str | None = None) -> None:
        self.retry_after = max(1, int(retry_after))
        super().__init__(f"转换服务繁忙，排队已满，请在 {self.retry_after} 秒后重试。", detail=detail)

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "retry_after": self.retry_after}


class LibreOfficeUnavailable(ConversionError):
    """LibreOffice cannot be started (not installed, broken profile, start timeout) or the pool is closed."""

    code = "libreoffice_unavailable"
    default_message = "LibreOffice 无法启动，暂时不能转换 PDF。请运行 `docgen doctor` 检查安装。"


class InvalidDocument(ConversionError):
    """The input is not a Word (.docx) document LibreOffice can open."""

    code = "invalid_document"
    default_message = "无法打开该文件：它不是有效的 Word（.docx）文档。"
