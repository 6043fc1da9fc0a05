from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    job_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/jobs/{job_id}".format(
            job_id=quote(str(job_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | Problem:
    if response.status_code == 200:
        response_200 = response.json()
        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    job_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[Any | Problem]:
    """查询异步任务

     异步任务（请求头 `Prefer: respond-async` 提交的文档或申报材料包）的状态：`state` 为 queued、running、
    succeeded、failed 或 cancelled，`progress` 为 0–1；成功后 `result` 给出下载地址和签名下载链接，
    失败时 `error` 为与同步请求相同的 problem 文档。

    Args:
        job_id (str): 异步任务 ID（202 响应的 Location 中）

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
    """

    kwargs = _get_kwargs(
        job_id=job_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    job_id: str,
    *,
    client: AuthenticatedClient,
) -> Any | Problem | None:
    """查询异步任务

     异步任务（请求头 `Prefer: respond-async` 提交的文档或申报材料包）的状态：`state` 为 queued、running、
    succeeded、failed 或 cancelled，`progress` 为 0–1；成功后 `result` 给出下载地址和签名下载链接，
    失败时 `error` 为与同步请求相同的 problem 文档。

    Args:
        job_id (str): 异步任务 ID（202 响应的 Location 中）

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return sync_detailed(
        job_id=job_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    job_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[Any | Problem]:
    """查询异步任务

     异步任务（请求头 `Prefer: respond-async` 提交的文档或申报材料包）的状态：`state` 为 queued、running、
    succeeded、failed 或 cancelled，`progress` 为 0–1；成功后 `result` 给出下载地址和签名下载链接，
    失败时 `error` 为与同步请求相同的 problem 文档。

    Args:
        job_id (str): 异步任务 ID（202 响应的 Location 中）

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
    """

    kwargs = _get_kwargs(
        job_id=job_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    job_id: str,
    *,
    client: AuthenticatedClient,
) -> Any | Problem | None:
    """查询异步任务

     异步任务（请求头 `Prefer: respond-async` 提交的文档或申报材料包）的状态：`state` 为 queued、running、
    succeeded、failed 或 cancelled，`progress` 为 0–1；成功后 `result` 给出下载地址和签名下载链接，
    失败时 `error` 为与同步请求相同的 problem 文档。

    Args:
        job_id (str): 异步任务 ID（202 响应的 Location 中）

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return (
        await asyncio_detailed(
            job_id=job_id,
            client=client,
        )
    ).parsed
