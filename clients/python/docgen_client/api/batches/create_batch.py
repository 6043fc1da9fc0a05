from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.batch_status_model import BatchStatusModel
from ...models.body_create_batch import BodyCreateBatch
from ...models.problem import Problem
from ...models.validation_problem import ValidationProblem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: BodyCreateBatch,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/batches",
    }

    _kwargs["files"] = body.to_multipart()

    headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> BatchStatusModel | Problem | ValidationProblem:
    if response.status_code == 202:
        response_202 = BatchStatusModel.from_dict(response.json())

        return response_202

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
) -> Response[BatchStatusModel | Problem | ValidationProblem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: BodyCreateBatch,
    idempotency_key: str | Unset = UNSET,
) -> Response[BatchStatusModel | Problem | ValidationProblem]:
    """提交批量任务

     上传一个地市的批量材料（ZIP），在后台生成全部申报材料包和推荐汇总表。

    清单不可用（不是 JSON、缺少推荐单位、没有申报对象等）时返回 422 并列出全部错误；单个申报对象的错误不影响受理，
    在任务状态和结果报告中列出。服务重启后未完成的任务会自动续做，已完成的申报对象不会重做。

    Args:
        idempotency_key (str | Unset):
        body (BodyCreateBatch):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BatchStatusModel | Problem | ValidationProblem]
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
    body: BodyCreateBatch,
    idempotency_key: str | Unset = UNSET,
) -> BatchStatusModel | Problem | ValidationProblem | None:
    """提交批量任务

     上传一个地市的批量材料（ZIP），在后台生成全部申报材料包和推荐汇总表。

    清单不可用（不是 JSON、缺少推荐单位、没有申报对象等）时返回 422 并列出全部错误；单个申报对象的错误不影响受理，
    在任务状态和结果报告中列出。服务重启后未完成的任务会自动续做，已完成的申报对象不会重做。

    Args:
        idempotency_key (str | Unset):
        body (BodyCreateBatch):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BatchStatusModel | Problem | ValidationProblem
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: BodyCreateBatch,
    idempotency_key: str | Unset = UNSET,
) -> Response[BatchStatusModel | Problem | ValidationProblem]:
    """提交批量任务

     上传一个地市的批量材料（ZIP），在后台生成全部申报材料包和推荐汇总表。

    清单不可用（不是 JSON、缺少推荐单位、没有申报对象等）时返回 422 并列出全部错误；单个申报对象的错误不影响受理，
    在任务状态和结果报告中列出。服务重启后未完成的任务会自动续做，已完成的申报对象不会重做。

    Args:
        idempotency_key (str | Unset):
        body (BodyCreateBatch):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BatchStatusModel | Problem | ValidationProblem]
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
    body: BodyCreateBatch,
    idempotency_key: str | Unset = UNSET,
) -> BatchStatusModel | Problem | ValidationProblem | None:
    """提交批量任务

     上传一个地市的批量材料（ZIP），在后台生成全部申报材料包和推荐汇总表。

    清单不可用（不是 JSON、缺少推荐单位、没有申报对象等）时返回 422 并列出全部错误；单个申报对象的错误不影响受理，
    在任务状态和结果报告中列出。服务重启后未完成的任务会自动续做，已完成的申报对象不会重做。

    Args:
        idempotency_key (str | Unset):
        body (BodyCreateBatch):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BatchStatusModel | Problem | ValidationProblem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
