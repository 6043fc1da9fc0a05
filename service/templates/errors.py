"""Errors of uploaded templates: refused files, lint failures, unknown or retired versions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from service.errors import DocgenError, ErrorKind


class TemplateRejected(DocgenError):
    """The uploaded file cannot be a template: lint errors (`findings`), or the file itself is refused."""

    code = "template_lint_failed"
    kind = ErrorKind.INVALID
    title = "模板未通过检查"

    def __init__(
        self, message: str, *, code: str | None = None, kind: ErrorKind | None = None, findings: Sequence[Any] = ()
    ) -> None:
        # Each lint finding travels as a FieldError (loc = its place in the document, label = the text around it),
        # so every edge prints the list as it prints payload errors.
        self.findings = list(findings)
        super().__init__(message, code=code, kind=kind, errors=[f.as_field_error() for f in self.findings])


class TemplateVersionError(DocgenError):
    """A version that does not exist, or that was retired and is not pinned."""

    code = "unknown_template_version"
    kind = ErrorKind.NOT_FOUND
    title = "模板版本不存在"
