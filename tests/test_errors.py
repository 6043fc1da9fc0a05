"""One error model: every error class has a kind, every kind one HTTP status, exit code and batch decision,
and the stable codes users see are all still raised somewhere in service/."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

import service.api.app
import service.batch.produce
import service.cli
import service.errors
import service.rendering.docx_merge  # every module defining an error class is imported
from service.api.problems import docgen_problem
from service.batch.produce import retryable
from service.cli.errors import exit_code_for
from service.errors import POLICY, DocgenError, ErrorKind, FieldError

SERVICE = Path(__file__).resolve().parent.parent / "service"

# The codes raised in service/ before the error model was unified (scanned from the code base at that commit).
CODES_BEFORE = {
    "api_key_invalid", "api_key_required", "attachment_conversion_failed", "attachment_corrupt",
    "attachment_dir_missing", "attachment_encrypted", "attachment_font_not_embedded", "attachment_invalid",
    "attachment_items_mismatch", "attachment_list_invalid", "attachment_missing", "attachment_titles_mismatch",
    "attachment_too_large", "attachment_too_many_pages", "attachment_type_unsupported", "batch_finished",
    "batch_not_finished", "batch_not_found", "batch_too_large", "batch_zip_invalid", "compose_error",
    "conversion_busy", "conversion_failed", "conversion_timeout", "format_unsupported", "image_too_many_pixels",
    "invalid_document", "libreoffice_unavailable", "listing_unstable", "malformed_json", "manifest_invalid",
    "not_ready", "package_error", "package_too_large", "package_too_many_pages", "package_unsupported",
    "payload_invalid", "payload_not_object", "pdfa_output_intent_missing", "rollup_invalid", "sample_missing",
    "sequence_invalid", "stamp_font_missing", "store_version_too_new", "template_error", "templates_not_loaded",
    "thumbnail_unavailable", "too_many_attachments", "unknown_template", "unsupported_media_type",
}  # fmt: skip

# Field errors' codes say what is wrong with one field (``required``, ``wrong_type``), not which error it is.
_FIELD_CODES = {"FieldError", "CellError", "_BadCell"}
# Positional index of the code in calls of these error classes (and of the CLI's own `_fail`).
_CODE_ARG = {"PackageError": 0, "AttachmentError": 0, "ApplicationRenderError": 0, "ProblemError": 1, "_fail": 1}


def codes_in_service() -> set[str]:
    """Every error code written in service/: class attributes `code = "…"`, code arguments of the error
    classes that take one, `code=` keywords and defaults."""
    found: set[str] = set()

    def const(node: ast.AST | None) -> str | None:
        return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None

    for path in SERVICE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                for st in node.body:
                    if isinstance(st, ast.Assign) and any(getattr(t, "id", "") == "code" for t in st.targets):
                        found.add(const(st.value) or "")
                    elif isinstance(st, ast.AnnAssign) and getattr(st.target, "id", "") == "code":
                        found.add(const(st.value) or "")
            elif isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                index = _CODE_ARG.get(name)
                if index is not None and len(node.args) > index:
                    found.add(const(node.args[index]) or "")
                if name not in _FIELD_CODES:
                    found |= {const(k.value) or "" for k in node.keywords if k.arg == "code"}
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                args = node.args.kwonlyargs
                for arg, default in zip(args, node.args.kw_defaults, strict=True):
                    if arg.arg == "code":
                        found.add(const(default) or "")
    return found - {""}


def documented_codes() -> set[str]:
    """The ``codes`` listed in service/errors.py's docstring, the one description of the error model."""
    return set(re.findall(r"``([a-z0-9_]+)``", service.errors.__doc__ or ""))


def all_error_classes() -> list[type[DocgenError]]:
    out: list[type[DocgenError]] = []
    todo: list[type[DocgenError]] = [DocgenError]
    while todo:
        cls = todo.pop()
        out.append(cls)
        todo.extend(cls.__subclasses__())
    return out


def test_no_code_users_see_was_lost() -> None:
    now = codes_in_service()
    assert CODES_BEFORE - now == set()
    assert all(code.isascii() and code == code.lower() and " " not in code for code in now)


def test_every_code_is_documented_in_the_error_model_and_no_other() -> None:
    raised = codes_in_service()
    assert {"attachment_too_large_decompressed", "docx_zip_bomb", "internal_error", "payload_not_utf8"} <= raised
    assert raised - documented_codes() == set(), "add these codes to service/errors.py's docstring"
    # Codes chosen at run time (from a table, or by renaming another code) escape the scan: a documented code
    # must still be written somewhere in service/, or the documentation is stale.
    source = "\n".join(
        path.read_text(encoding="utf-8") for path in SERVICE.rglob("*.py") if path != SERVICE / "errors.py"
    )
    stale = {code for code in documented_codes() - raised if f'"{code}"' not in source}
    assert stale == set(), "documented codes no longer raised anywhere"


def test_the_packaging_limit_codes_are_limits_and_documented_as_such() -> None:
    from service.packaging.errors import LIMIT_TITLES, AttachmentError

    for code in ("attachment_too_large_decompressed", "docx_zip_bomb"):
        exc = AttachmentError(code, "a.pdf", "解压后过大")
        assert (exc.kind, exc.policy.status, exc.title) == (ErrorKind.LIMIT, 413, "附件解压后过大")
        assert f"``{code}`` (limit" in " ".join((service.errors.__doc__ or "").split())
        assert code in (AttachmentError.__doc__ or "")
    for code in LIMIT_TITLES:
        assert ErrorKind.LIMIT is AttachmentError(code, "a.pdf", "过大").kind
    assert AttachmentError("image_too_many_pixels", "a.png", "像素过多").kind is ErrorKind.INVALID


def test_every_error_class_has_a_kind_code_and_chinese_title() -> None:
    classes = all_error_classes()
    names = {c.__name__ for c in classes}
    expected = {
        "ConversionError", "ConversionFailed", "ConversionTimeout", "ConversionBusy", "LibreOfficeUnavailable",
        "InvalidDocument", "PackageError", "AttachmentError", "AttachmentListError", "ApplicationRenderError",
        "PayloadInvalid", "ManifestInvalid", "RollupInvalid", "StoreTooNew", "TemplateRenderError",
        "UnknownTemplate", "ComposeError", "ProblemError",
    }  # fmt: skip
    assert expected <= names
    for cls in classes:
        assert isinstance(cls.kind, ErrorKind), cls
        assert cls.code and cls.code.isascii(), cls
        assert cls.title and not cls.title.isascii(), cls
    # the duplicate dataclass of the packaging is gone: one ConversionFailed
    assert sum(1 for c in classes if c.__name__ == "ConversionFailed") == 1
    import service.packaging.convert as packaging_convert

    assert not hasattr(packaging_convert, "ConversionFailed")


EXPECTED = {
    ErrorKind.INVALID: (422, 1, False),
    ErrorKind.LIMIT: (413, 1, False),
    ErrorKind.NOT_FOUND: (404, 1, False),
    ErrorKind.BUSY: (503, 1, True),
    ErrorKind.TIMEOUT: (504, 1, True),
    ErrorKind.UNAVAILABLE: (503, 1, True),
    ErrorKind.INTERNAL: (500, 2, False),
}


@pytest.mark.parametrize("kind", list(ErrorKind))
def test_each_kind_maps_once_at_each_edge(kind: ErrorKind) -> None:
    exc = DocgenError("出错了", code=f"test_{kind.value}", kind=kind, errors=[FieldError("$.a", "甲", "x", "说明")])
    response = docgen_problem(None, exc)
    body = json.loads(bytes(response.body))
    assert (response.status_code, exit_code_for(exc), retryable(exc)) == EXPECTED[kind]
    assert (POLICY[kind].status, POLICY[kind].exit_code, POLICY[kind].retry) == EXPECTED[kind]
    assert response.media_type == "application/problem+json"
    assert body["code"] == f"test_{kind.value}" and body["detail"] == "出错了" and body["status"] == EXPECTED[kind][0]
    assert body["errors"] == [{"loc": "$.a", "label": "甲", "code": "x", "message": "说明"}]
    has_retry_after = "retry-after" in response.headers
    assert has_retry_after == (kind in (ErrorKind.BUSY, ErrorKind.UNAVAILABLE))


def test_anything_else_is_internal() -> None:
    assert exit_code_for(RuntimeError("x")) == 2 and not retryable(RuntimeError("x"))


def test_concrete_errors_keep_their_codes_messages_and_statuses() -> None:
    from service.conversion import ConversionBusy, ConversionTimeout, InvalidDocument, LibreOfficeUnavailable
    from service.packaging.errors import AttachmentError, PackageError
    from service.payloads import PayloadInvalid
    from service.rendering import UnknownTemplate

    busy = ConversionBusy(7)
    assert busy.to_dict() == {"code": "conversion_busy", "message": busy.message, "retry_after": 7}
    assert docgen_problem(None, busy).headers["retry-after"] == "7" and retryable(busy)
    assert docgen_problem(None, LibreOfficeUnavailable()).headers["retry-after"] == "30"
    assert docgen_problem(None, ConversionTimeout(60)).status_code == 504 and retryable(ConversionTimeout(60))
    assert exit_code_for(InvalidDocument()) == 1
    assert docgen_problem(None, UnknownTemplate("x")).status_code == 404
    assert "没有名为“x”的模板" in UnknownTemplate("x").message
    big = AttachmentError("attachment_too_large", "a.pdf", "过大")
    assert (big.kind, big.title, big.message) == (ErrorKind.LIMIT, "附件过大", "附件“a.pdf”：过大")
    assert AttachmentError("attachment_corrupt", "a.pdf", "坏").kind is ErrorKind.INVALID
    assert PackageError("package_too_many_pages", "多").kind is ErrorKind.LIMIT
    assert PackageError("stamp_font_missing", "缺").kind is ErrorKind.INTERNAL
    invalid = PayloadInvalid([FieldError("$.a", "甲", "required", "必填项，未填写")])
    body = json.loads(bytes(docgen_problem(None, invalid).body))
    assert (body["status"], body["title"], body["detail"]) == (422, "数据校验未通过", "数据校验未通过，共 1 处错误。")
