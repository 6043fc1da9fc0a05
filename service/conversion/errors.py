"""Errors of the conversion service: `DocgenError`s with a stable `code`, a Chinese `message` and a `kind`.

The edges map the kind (busy → 503 with Retry-After, timeout → 504, …; see `service.errors`); `detail` is an
English technical note for logs, never shown to users.
"""

from __future__ import annotations

from service.errors import DocgenError, ErrorKind


class ConversionError(DocgenError):
    """Base class: the conversion to PDF did not produce a document."""

    code = "conversion_failed"
    kind = ErrorKind.INTERNAL
    title = "PDF 转换失败"
    default_message = "文档转换为 PDF 失败。"


class ConversionFailed(ConversionError):
    """LibreOffice crashed twice on the document, or produced no PDF."""

    code = "conversion_failed"
    default_message = "文档转换为 PDF 失败：LibreOffice 两次处理该文档均未成功，请检查文档内容后重试。"


class ConversionTimeout(ConversionError):
    """The conversion exceeded the time limit on a fresh process as well."""

    code = "conversion_timeout"
    kind = ErrorKind.TIMEOUT
    title = "转换超时"

    def __init__(self, timeout: float, *, detail: str | None = None) -> None:
        self.timeout = timeout
        super().__init__(
            f"文档转换超时：超过 {timeout:g} 秒仍未完成（已在新进程上重试一次），转换已终止。",
            detail=detail,
        )


class ConversionBusy(ConversionError):
    """The waiting queue is full (or the wait for a free process took too long): try again later."""

    code = "conversion_busy"
    kind = ErrorKind.BUSY
    title = "转换服务繁忙"

    def __init__(self, retry_after: int, *, detail: str | None = None) -> None:
        seconds = max(1, int(retry_after))
        super().__init__(f"转换服务繁忙，排队已满，请在 {seconds} 秒后重试。", detail=detail, retry_after=seconds)
        self.retry_after: int = seconds


class LibreOfficeUnavailable(ConversionError):
    """LibreOffice cannot be started (not installed, broken profile, start timeout) or the pool is closed."""

    code = "libreoffice_unavailable"
    kind = ErrorKind.UNAVAILABLE
    title = "PDF 转换暂不可用"
    default_message = "LibreOffice 无法启动，暂时不能转换 PDF。请运行 `docgen doctor` 检查安装。"


class InvalidDocument(ConversionError):
    """The input is not a Word (.docx) document LibreOffice can open."""

    code = "invalid_document"
    kind = ErrorKind.INVALID
    title = "文档无法打开"
    default_message = "无法打开该文件：它不是有效的 Word（.docx）文档。"
