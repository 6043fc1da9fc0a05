"""RFC 9457 problem documents (`application/problem+json`) for every error the API returns.

Every failure — ours, Starlette's 404/405, FastAPI's request validation, body limits, unexpected
exceptions — leaves as a problem document with a Chinese `title`/`detail`, a stable `code` and the
request id. Payload validation problems carry `errors[]`: the same {loc, label, code, message}
objects the CLI prints.

Errors of the service (`service.errors.DocgenError`) are answered by one handler, `docgen_problem`: the status
(and Retry-After) comes from the error's kind, the body from its code, title, message and field errors.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.routing import Route, compile_path

from service.api.logging import current_request_id
from service.errors import DocgenError, ErrorKind, FieldError, kind_for_status

PROBLEM_JSON = "application/problem+json"
TYPE_PREFIX = "urn:docgen:problem:"
BODY_LIMIT_SCOPE_KEY = "docgen.max_body_bytes"
log = logging.getLogger("docgen.api")


class FieldErrorModel(BaseModel):
    """一处数据错误（与命令行输出的对象相同）。"""

    loc: str = Field(description="字段的 JSON 路径，如 `$.basic.credit_code`", examples=["$.basic.credit_code"])
    label: str = Field(description="字段的中文名称（含上级名称）", examples=["基本情况 / 统一社会信用代码"])
    code: str = Field(description="稳定的错误代码，供程序判断", examples=["credit_code_check_digit"])
    message: str = Field(description="中文错误说明", examples=["统一社会信用代码校验位错误：第 18 位应为“L”，实为“N”"])


class Problem(BaseModel):
    """RFC 9457 问题详情（application/problem+json）。"""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="问题类型 URI", examples=[f"{TYPE_PREFIX}unknown_template"])
    title: str = Field(description="问题类型的简短中文说明", examples=["模板不存在"])
    status: int = Field(description="HTTP 状态码", examples=[404])
    detail: str = Field(description="本次问题的中文说明", examples=["没有名为“x”的模板；可用模板：park_application"])
    code: str = Field(description="稳定的错误代码", examples=["unknown_template"])
    instance: str | None = Field(None, description="出错的请求路径")
    request_id: str | None = Field(None, description="请求 ID（与响应头 X-Request-ID 及服务日志一致）")


class ValidationProblem(Problem):
    """数据校验未通过：`errors` 列出全部错误。"""

    errors: list[FieldErrorModel] = Field(
        description="全部错误，每项对应一个字段；问题不属于某个字段时（如整个文件被拒绝）为空列表"
    )


class ProblemError(DocgenError):
    """Raise anywhere in a request to answer with a problem document whose status the API decides itself
    (request-level problems: JSON syntax, API key, media type, batch state); its kind follows from the status."""

    def __init__(
        self,
        status: int,
        code: str,
        title: str,
        detail: str,
        *,
        errors: Sequence[FieldError | Mapping[str, str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        field_errors = [e if isinstance(e, FieldError) else FieldError(**e) for e in errors or ()]
        super().__init__(detail, code=code, kind=kind_for_status(status), errors=field_errors)
        self.status = status
        self.title = title
        self.headers = dict(headers or {})


class ProblemResponse(Response):
    media_type = PROBLEM_JSON

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def problem_response(
    request: Request | None,
    status: int,
    code: str,
    title: str,
    detail: str,
    *,
    errors: Iterable[FieldError | Mapping[str, str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> ProblemResponse:
    body: dict[str, Any] = {
        "type": f"{TYPE_PREFIX}{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if request is not None:
        body["instance"] = request.url.path
    request_id = current_request_id()
    if request_id:
        body["request_id"] = request_id
    if errors is None and status == 422:
        # Every 422 is a ValidationProblem (the OpenAPI says so): one not tied to a field lists none.
        errors = ()
    if errors is not None:
        body["errors"] = [e.as_dict() if isinstance(e, FieldError) else dict(e) for e in errors]
    return ProblemResponse(body, status_code=status, headers=dict(headers or {}))


# Titles and default details of the HTTP-level problems (no more specific code known).
_HTTP: dict[int, tuple[str, str, str]] = {
    400: ("bad_request", "请求格式错误", "请求无法解析。"),
    401: ("api_key_required", "需要 API 密钥", "请在请求头 X-API-Key 中提供有效的 API 密钥。"),
    403: ("forbidden", "无权访问", "无权访问该资源。"),
    404: ("not_found", "地址不存在", "请求的地址不存在，请查看 /docs 中的接口列表。"),
    405: ("method_not_allowed", "不支持的请求方法", "该地址不支持此 HTTP 方法。"),
    406: ("not_acceptable", "无法提供所需的格式", "无法按 Accept 请求头提供响应。"),
    409: ("conflict", "状态冲突", "资源当前的状态不允许此操作。"),
    413: ("body_too_large", "请求体过大", "请求体超过了服务允许的大小上限。"),
    415: ("unsupported_media_type", "不支持的内容类型", "请求体的内容类型（Content-Type）不受支持。"),
    422: ("request_invalid", "请求参数有误", "请求参数未通过校验。"),
    429: ("too_many_requests", "请求过多", "请求过多，请稍后重试。"),
    500: ("internal_error", "服务器内部错误", "服务器内部错误，请稍后重试；如持续出现请联系管理员并提供请求 ID。"),
    503: ("service_unavailable", "服务暂不可用", "服务暂不可用，请稍后重试。"),
    504: ("timeout", "处理超时", "处理超时，请稍后重试。"),
}


def http_problem(request: Request | None, status: int, detail: str | None = None, **kw: Any) -> ProblemResponse:
    code, title, default = _HTTP.get(status, (f"http_{status}", _phrase(status), _phrase(status)))
    return problem_response(request, status, code, title, detail or default, **kw)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "错误"


def size_text(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):g} MiB"
    if n >= 1024:
        return f"{n / 1024:g} KiB"
    return f"{n} 字节"


# --- Request validation errors (FastAPI) → problems -------------------------------------------------------

PARAM_LABELS = {
    "format": "输出格式",
    "template_id": "模板 ID",
    "payload": "数据（payload）",
    "files": "附件文件",
    "items": "附件序号",
    "titles": "附件名称",
    "x-api-key": "API 密钥",
}

_REQUEST_CODES: dict[str, tuple[str, str]] = {
    "missing": ("required", "必填项，未提供"),
    "enum": ("not_allowed_value", "只能是以下之一：{expected}"),
    "literal_error": ("not_allowed_value", "只能是以下之一：{expected}"),
    "int_parsing": ("wrong_type", "应为整数"),
    "int_type": ("wrong_type", "应为整数"),
    "string_type": ("wrong_type", "应为文字"),
    "greater_than_equal": ("out_of_range", "不能小于 {ge}"),
    "less_than_equal": ("out_of_range", "不能大于 {le}"),
    "too_long": ("too_many_items", "最多 {max_length} 项"),
    "value_error": ("invalid_value", "取值无效"),
}


def _listing(value: Any) -> str:
    """pydantic's "'docx', 'pdf' or 'pdfa'" → "docx、pdf、pdfa"."""
    return str(value).replace("'", "").replace(" or ", "、").replace(", ", "、")


def request_field_errors(exc: RequestValidationError) -> list[FieldError]:
    out: list[FieldError] = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        where = loc[0] if loc else ""
        name = loc[-1] if loc else ""
        code, template = _REQUEST_CODES.get(err.get("type", ""), ("invalid_value", str(err.get("msg", "取值无效"))))
        ctx = {k: _listing(v) for k, v in (err.get("ctx") or {}).items()}
        try:
            message = template.format(**ctx)
        except (KeyError, IndexError):
            message = template
        path = ".".join(loc)
        label = PARAM_LABELS.get(name.lower(), name)
        if where == "header":
            label = f"请求头 {name}"
        out.append(FieldError(path, label, code, message))
    return out


# --- Handlers -------------------------------------------------------------------------------------------


def docgen_problem(request: Request | None, exc: DocgenError) -> ProblemResponse:
    """The one mapping of an error of the service to HTTP: status and Retry-After by kind (`service.errors.POLICY`),
    body from the error's code, title, message and field errors."""
    policy = exc.policy
    status = exc.status if isinstance(exc, ProblemError) else policy.status
    headers = dict(exc.headers) if isinstance(exc, ProblemError) else {}
    retry_after = exc.retry_after or policy.retry_after
    if retry_after and exc.kind in (ErrorKind.BUSY, ErrorKind.UNAVAILABLE):
        headers.setdefault("Retry-After", str(retry_after))
    if policy.log_traceback and not isinstance(exc, ProblemError):
        log.error("内部错误 (internal error) %s: %s", exc.code, exc.detail or exc.message, exc_info=exc)
    return problem_response(
        request, status, exc.code, exc.title, exc.message, errors=exc.errors or None, headers=headers
    )


async def _docgen_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DocgenError)
    return docgen_problem(request, exc)


async def _http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers or {})
    if exc.status_code == 413:
        limit = request.scope.get(BODY_LIMIT_SCOPE_KEY)
        detail = f"请求体超过了 {size_text(limit)} 的上限。" if isinstance(limit, int) else None
        return http_problem(request, 413, detail, headers=headers)
    if exc.status_code == 404:
        detail = f"地址 {request.url.path} 不存在，请查看 /docs 中的接口列表。"
        return http_problem(request, 404, detail, headers=headers)
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(allowed_methods(request)) or headers.get("Allow", "")
        return http_problem(request, 405, f"地址 {request.url.path} 不支持 {request.method} 方法。", headers=headers)
    if exc.status_code == 400 and isinstance(exc.detail, str) and exc.detail.isascii():
        return _multipart_problem(request, exc.detail, headers)
    # Our own raises carry Chinese details; Starlette's English phrases are replaced by the defaults.
    detail = exc.detail if isinstance(exc.detail, str) and not exc.detail.isascii() else None
    return http_problem(request, exc.status_code, detail, headers=headers)


def _multipart_problem(request: Request, detail: str, headers: dict[str, str]) -> Response:
    """Starlette's multipart parser errors (English) as Chinese problems; limits are 413."""
    if detail.startswith("Too many files"):
        return http_problem(request, 413, "附件文件数量超过上限。", headers=headers)
    if detail.startswith("Too many fields"):
        return http_problem(request, 413, "表单字段数量超过上限。", headers=headers)
    if "exceeded maximum size" in detail:
        return http_problem(request, 413, "payload 等文本部分超过了大小上限。", headers=headers)
    return problem_response(
        request, 400, "malformed_body", "请求格式错误", "请求体无法解析（multipart 或表单格式有误）。", headers=headers
    )


def allowed_methods(request: Request) -> list[str]:
    """Every method of every route on this path (Starlette names only the first matching route's)."""
    literal: set[str] = set()
    templated: set[str] = set()
    for route in iter_route_contexts(request.app.routes):
        if route.path is None or route.endpoint is _refuse_method:
            continue
        regex, _, convertors = compile_path(route.path)
        if regex.match(request.url.path):
            (templated if convertors else literal).update(route.methods or ())
    # A literal path is its own resource (as in the OpenAPI): /v1/templates/lint is not /v1/templates/{id}.
    return sorted(literal or templated)


async def _refuse_method(request: Request) -> Response:
    raise StarletteHTTPException(405)


ALL_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def refuse_other_methods_on_literal_paths(app: FastAPI) -> None:
    """405 for a method a literal path lacks, even where a templated path also matches it: without this,
    GET /v1/templates/lint would be GET /v1/templates/{template_id} with the id "lint". Call after the routers."""
    contexts = [r for r in iter_route_contexts(app.routes) if r.path is not None]
    literal: dict[str, set[str]] = {}
    templated = []
    for route in contexts:
        regex, _, convertors = compile_path(str(route.path))
        if convertors:
            templated.append(regex)
        else:
            literal.setdefault(str(route.path), set()).update(route.methods or ())
    refusals = [
        Route(path, _refuse_method, methods=sorted(ALL_METHODS - methods), include_in_schema=False)
        for path, methods in literal.items()
        if methods and ALL_METHODS - methods and any(regex.match(path) for regex in templated)
    ]
    app.router.routes[:0] = refusals


async def _request_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return http_problem(request, 400, "请求体不是合法的 JSON。")
    field_errors = request_field_errors(exc)
    detail = "；".join(f"{e.label}：{e.message}" for e in field_errors) or "请求参数未通过校验。"
    return problem_response(request, 422, "request_invalid", "请求参数有误", detail, errors=field_errors)


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.error("未处理的异常 (unhandled exception): %s", type(exc).__name__, exc_info=exc)
    return http_problem(request, 500)


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DocgenError, _docgen_error)
    app.add_exception_handler(StarletteHTTPException, _http_exception)
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(Exception, _unexpected)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries declaring problem+json bodies for the given statuses (and `default`).

    The schemas are referenced by name; `openapi_components()` supplies them.
    """
    out: dict[int | str, dict[str, Any]] = {}
    keys: tuple[int | str, ...] = (*statuses, "default")
    for status in keys:
        name = "ValidationProblem" if status == 422 else "Problem"
        title = "其他错误" if status == "default" else _HTTP.get(int(status), ("", _phrase(int(status)), ""))[1]
        entry: dict[str, Any] = {
            "description": title,
            "content": {PROBLEM_JSON: {"schema": {"$ref": f"#/components/schemas/{name}"}}},
        }
        if status in (429, 503):
            entry["headers"] = {"Retry-After": {"description": "建议多少秒后重试", "schema": {"type": "integer"}}}
        out[status] = entry
    return out


def openapi_components() -> dict[str, Any]:
    """JSON Schemas of the problem documents, for `components.schemas`."""
    out: dict[str, Any] = {}
    for model in (Problem, ValidationProblem):
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        out.update(schema.pop("$defs", {}))
        out[model.__name__] = schema
    return out
