from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    job_id: str,
    *,
    expires_in: float | None | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    params: dict[str, Any] = {}

    json_expires_in: float | Unset | None
    if isinstance(expires_in, Unset):
        json_expires_in = UNSET
    else:
        json_expires_in = expires_in
    params["expires_in"] = json_expires_in

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/jobs/{job_id}/links".format(
            job_id=quote(str(job_id), safe=""),
        ),
        "params": params,
    }

    _kwargs["headers"] = headers
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

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

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
    expires_in: float | None | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[Any | Problem]:
    """生成签名下载链接

     为成功的异步任务的结果生成一个不需要 API 密钥的下载链接（`GET /v1/files/{token}`），
    门户可直接交给用户的浏览器。

    Args:
        job_id (str): 异步任务 ID（202 响应的 Location 中）
        expires_in (float | None | Unset): 有效期（秒）；缺省为 DOCGEN_LINK_TTL，不超过结果的保留时间
        idempotency_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
    """

    kwargs = _get_kwargs(
        job_id=job_id,
        expires_in=expires_in,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    job_id: str,
    *,
    client: AuthenticatedClient,
    expires_in: float | None | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Any | Problem | None:
    """生成签名下载链接

     为成功的异步任务的结果生成一个不需要 API 密钥的下载链接（`GET /v1/files/{token}`），
    门户可直接交给用户的浏览器。

    Args:
        job_id (str): 异步任务 ID（202 响应的 Location 中）
        expires_in (float | None | Unset): 有效期（秒）；缺省为 DOCGEN_LINK_TTL，不超过结果的保留时间
        idempotency_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return sync_detailed(
        job_id=job_id,
        client=client,
        expires_in=expires_in,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    job_id: str,
    *,
    client: AuthenticatedClient,
    expires_in: float | None | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[Any | Problem]:
    """生成签名下载链接

     为成功的异步任务的结果生成一个不需要 API 密钥的下载链接（`GET /v1/files/{token}`），
    门户可直接交给用户的浏览器。

    Args:
        job_id (str): 异步任务 ID（202 响应的 Location 中）
        expires_in (float | None | Unset): 有效期（秒）；缺省为 DOCGEN_LINK_TTL，不超过结果的保留时间
        idempotency_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
    """

    kwargs = _get_kwargs(
        job_id=job_id,
        expires_in=expires_in,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    job_id: str,
    *,
    client: AuthenticatedClient,
    expires_in: float | None | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Any | Problem | None:
    """生成签名下载链接

     为成功的异步任务的结果生成一个不需要 API 密钥的下载链接（`GET /v1/files/{token}`），
    门户可直接交给用户的浏览器。

    Args:
        job_id (str): 异步任务 ID（202 响应的 Location 中）
        expires_in (float | None | Unset): 有效期（秒）；缺省为 DOCGEN_LINK_TTL，不超过结果的保留时间
        idempotency_key (str | Unset):

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
            expires_in=expires_in,
            idempotency_key=idempotency_key,
        )
    ).parsed
