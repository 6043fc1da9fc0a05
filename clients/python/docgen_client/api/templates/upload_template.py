from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.body_upload_template import BodyUploadTemplate
from ...models.problem import Problem
from ...models.validation_problem import ValidationProblem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: BodyUploadTemplate,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/templates",
    }

    _kwargs["files"] = body.to_multipart()

    headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | Problem | ValidationProblem:
    if response.status_code == 201:
        response_201 = response.json()
        return response_201

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

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | Problem | ValidationProblem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: BodyUploadTemplate,
    idempotency_key: str | Unset = UNSET,
) -> Response[Any | Problem | ValidationProblem]:
    """上传模板（新模板或已有模板的新版本）

     检查模板（全部问题一次列出，422）、用示例数据在隔离进程中试渲染，然后保存为一个不可变的版本（内容哈希）。

    Args:
        idempotency_key (str | Unset):
        body (BodyUploadTemplate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem | ValidationProblem]
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
    body: BodyUploadTemplate,
    idempotency_key: str | Unset = UNSET,
) -> Any | Problem | ValidationProblem | None:
    """上传模板（新模板或已有模板的新版本）

     检查模板（全部问题一次列出，422）、用示例数据在隔离进程中试渲染，然后保存为一个不可变的版本（内容哈希）。

    Args:
        idempotency_key (str | Unset):
        body (BodyUploadTemplate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem | ValidationProblem
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: BodyUploadTemplate,
    idempotency_key: str | Unset = UNSET,
) -> Response[Any | Problem | ValidationProblem]:
    """上传模板（新模板或已有模板的新版本）

     检查模板（全部问题一次列出，422）、用示例数据在隔离进程中试渲染，然后保存为一个不可变的版本（内容哈希）。

    Args:
        idempotency_key (str | Unset):
        body (BodyUploadTemplate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem | ValidationProblem]
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
    body: BodyUploadTemplate,
    idempotency_key: str | Unset = UNSET,
) -> Any | Problem | ValidationProblem | None:
    """上传模板（新模板或已有模板的新版本）

     检查模板（全部问题一次列出，422）、用示例数据在隔离进程中试渲染，然后保存为一个不可变的版本（内容哈希）。

    Args:
        idempotency_key (str | Unset):
        body (BodyUploadTemplate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem | ValidationProblem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
