from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.batch_check_result import BatchCheckResult
from ...models.body_check_batch import BodyCheckBatch
from ...models.problem import Problem
from ...models.validation_problem import ValidationProblem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: BodyCheckBatch,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/batches/check",
    }

    _kwargs["files"] = body.to_multipart()

    headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> BatchCheckResult | Problem | ValidationProblem:
    if response.status_code == 200:
        response_200 = BatchCheckResult.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 422:
        response_422 = ValidationProblem.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[BatchCheckResult | Problem | ValidationProblem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: BodyCheckBatch,
    idempotency_key: str | Unset = UNSET,
) -> Response[BatchCheckResult | Problem | ValidationProblem]:
    """检查批量材料（不运行）

     与 `POST /v1/batches` 相同的 ZIP，只做检查、不生成：跨申报对象检查（重复申报、集团与子公司、多个创建领域、
    优先级不连续）和每个申报对象的数据校验，说明运行时哪些申报对象会被跳过。不保存上传的文件。

    Args:
        idempotency_key (str | Unset):
        body (BodyCheckBatch):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BatchCheckResult | Problem | ValidationProblem]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: BodyCheckBatch,
    idempotency_key: str | Unset = UNSET,
) -> BatchCheckResult | Problem | ValidationProblem | None:
    """检查批量材料（不运行）

     与 `POST /v1/batches` 相同的 ZIP，只做检查、不生成：跨申报对象检查（重复申报、集团与子公司、多个创建领域、
    优先级不连续）和每个申报对象的数据校验，说明运行时哪些申报对象会被跳过。不保存上传的文件。

    Args:
        idempotency_key (str | Unset):
        body (BodyCheckBatch):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BatchCheckResult | Problem | ValidationProblem
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: BodyCheckBatch,
    idempotency_key: str | Unset = UNSET,
) -> Response[BatchCheckResult | Problem | ValidationProblem]:
    """检查批量材料（不运行）

     与 `POST /v1/batches` 相同的 ZIP，只做检查、不生成：跨申报对象检查（重复申报、集团与子公司、多个创建领域、
    优先级不连续）和每个申报对象的数据校验，说明运行时哪些申报对象会被跳过。不保存上传的文件。

    Args:
        idempotency_key (str | Unset):
        body (BodyCheckBatch):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BatchCheckResult | Problem | ValidationProblem]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: BodyCheckBatch,
    idempotency_key: str | Unset = UNSET,
) -> BatchCheckResult | Problem | ValidationProblem | None:
    """检查批量材料（不运行）

     与 `POST /v1/batches` 相同的 ZIP，只做检查、不生成：跨申报对象检查（重复申报、集团与子公司、多个创建领域、
    优先级不连续）和每个申报对象的数据校验，说明运行时哪些申报对象会被跳过。不保存上传的文件。

    Args:
        idempotency_key (str | Unset):
        body (BodyCheckBatch):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BatchCheckResult | Problem | ValidationProblem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
