"""POST /v1/validate/{template_id}: live form validation for portals (no rendering)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from service.api.dependencies import ANY_PAYLOAD_REQUEST_BODY, JsonPayload, RuntimeDep, TemplateDep
from service.api.problems import FieldErrorModel, ProblemError, problem_responses
from service.payloads import FieldError, PayloadInvalid

router = APIRouter(prefix="/v1/validate", tags=["校验"])


class ValidationResult(BaseModel):
    valid: bool = Field(description="数据是否通过校验")
    errors: list[FieldErrorModel] = Field(description="全部错误（通过时为空）")
    derived: dict[str, Any] = Field(
        description="计算得出的数值：JSON 路径 → 值（近三年平均值、未填写时由其他字段算出的比重等）",
        examples=[{"$.main_indicators.revenue.average": 1234.56}],
    )


@router.post(
    "/{template_id}",
    operation_id="validatePayload",
    summary="校验数据",
    response_model=ValidationResult,
    openapi_extra={"requestBody": ANY_PAYLOAD_REQUEST_BODY},
    responses=problem_responses(400, 404, 413, 415, 422),
)
async def validate_payload(info: TemplateDep, runtime: RuntimeDep, payload: JsonPayload) -> ValidationResult:
    """只校验、不生成文档（响应快），供门户表单实时提示：请求体可以是填写了一部分的 JSON 对象；
    数据有误时 `valid` 为 false，`errors` 列出全部错误（与生成文档时 422 响应中的 `errors` 相同）；
    通过时 `derived` 给出服务计算的数值。请求体不是 JSON 对象时返回 422。"""
    if not isinstance(payload, dict):
        errors = [FieldError("$", info.spec.title, "wrong_type", "应为 JSON 对象")]
        detail = "请求体应为 JSON 对象（{…}）。"
        raise ProblemError(422, "payload_not_object", "数据应为 JSON 对象", detail, errors=errors)
    try:
        validated = await runtime.validate(info.spec.id, payload)
    except PayloadInvalid as exc:
        return ValidationResult(valid=False, errors=[FieldErrorModel(**e.as_dict()) for e in exc.errors], derived={})
    return ValidationResult(valid=True, errors=[], derived=validated.derived)
