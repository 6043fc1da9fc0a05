from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.validate_payload_body import ValidatePayloadBody
from ...models.validate_payload_template_id import ValidatePayloadTemplateId
from ...models.validation_problem import ValidationProblem
from ...models.validation_result import ValidationResult
from ...types import UNSET, Response, Unset


def _get_kwargs(
    template_id: ValidatePayloadTemplateId,
    *,
    body: ValidatePayloadBody,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/validate/{template_id}".format(
            template_id=quote(str(template_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | ValidationProblem | ValidationResult:
    if response.status_code == 200:
        response_200 = ValidationResult.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = ValidationProblem.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | ValidationProblem | ValidationResult]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    template_id: ValidatePayloadTemplateId,
    *,
    client: AuthenticatedClient,
    body: ValidatePayloadBody,
    idempotency_key: str | Unset = UNSET,
) -> Response[Problem | ValidationProblem | ValidationResult]:
    """校验数据

     只校验、不生成文档（响应快），供门户表单实时提示：请求体可以是填写了一部分的 JSON 对象；
    数据有误时 `valid` 为 false，`errors` 列出全部错误（与生成文档时 422 响应中的 `errors` 相同）；
    通过时 `derived` 给出服务计算的数值。请求体不是 JSON 对象时返回 422。

    Args:
        template_id (ValidatePayloadTemplateId): 模板 ID（固定目录，见 `GET /v1/templates`）
        idempotency_key (str | Unset):
        body (ValidatePayloadBody): 所选模板的数据（见 GET /v1/templates/{template_id}/schema）

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ValidationProblem | ValidationResult]
    """

    kwargs = _get_kwargs(
        template_id=template_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    template_id: ValidatePayloadTemplateId,
    *,
    client: AuthenticatedClient,
    body: ValidatePayloadBody,
    idempotency_key: str | Unset = UNSET,
) -> Problem | ValidationProblem | ValidationResult | None:
    """校验数据

     只校验、不生成文档（响应快），供门户表单实时提示：请求体可以是填写了一部分的 JSON 对象；
    数据有误时 `valid` 为 false，`errors` 列出全部错误（与生成文档时 422 响应中的 `errors` 相同）；
    通过时 `derived` 给出服务计算的数值。请求体不是 JSON 对象时返回 422。

    Args:
        template_id (ValidatePayloadTemplateId): 模板 ID（固定目录，见 `GET /v1/templates`）
        idempotency_key (str | Unset):
        body (ValidatePayloadBody): 所选模板的数据（见 GET /v1/templates/{template_id}/schema）

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ValidationProblem | ValidationResult
    """

    return sync_detailed(
        template_id=template_id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    template_id: ValidatePayloadTemplateId,
    *,
    client: AuthenticatedClient,
    body: ValidatePayloadBody,
    idempotency_key: str | Unset = UNSET,
) -> Response[Problem | ValidationProblem | ValidationResult]:
    """校验数据

     只校验、不生成文档（响应快），供门户表单实时提示：请求体可以是填写了一部分的 JSON 对象；
    数据有误时 `valid` 为 false，`errors` 列出全部错误（与生成文档时 422 响应中的 `errors` 相同）；
    通过时 `derived` 给出服务计算的数值。请求体不是 JSON 对象时返回 422。

    Args:
        template_id (ValidatePayloadTemplateId): 模板 ID（固定目录，见 `GET /v1/templates`）
        idempotency_key (str | Unset):
        body (ValidatePayloadBody): 所选模板的数据（见 GET /v1/templates/{template_id}/schema）

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ValidationProblem | ValidationResult]
    """

    kwargs = _get_kwargs(
        template_id=template_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    template_id: ValidatePayloadTemplateId,
    *,
    client: AuthenticatedClient,
    body: ValidatePayloadBody,
    idempotency_key: str | Unset = UNSET,
) -> Problem | ValidationProblem | ValidationResult | None:
    """校验数据

     只校验、不生成文档（响应快），供门户表单实时提示：请求体可以是填写了一部分的 JSON 对象；
    数据有误时 `valid` 为 false，`errors` 列出全部错误（与生成文档时 422 响应中的 `errors` 相同）；
    通过时 `derived` 给出服务计算的数值。请求体不是 JSON 对象时返回 422。

    Args:
        template_id (ValidatePayloadTemplateId): 模板 ID（固定目录，见 `GET /v1/templates`）
        idempotency_key (str | Unset):
        body (ValidatePayloadBody): 所选模板的数据（见 GET /v1/templates/{template_id}/schema）

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ValidationProblem | ValidationResult
    """

    return (
        await asyncio_detailed(
            template_id=template_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
