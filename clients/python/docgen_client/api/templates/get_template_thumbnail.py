from http import HTTPStatus
from io import BytesIO
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.get_template_thumbnail_template_id import GetTemplateThumbnailTemplateId
from ...models.problem import Problem
from ...types import UNSET, File, Response, Unset


def _get_kwargs(
    template_id: GetTemplateThumbnailTemplateId,
    *,
    if_none_match: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_none_match, Unset):
        headers["if-none-match"] = if_none_match

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/templates/{template_id}/thumbnail.png".format(
            template_id=quote(str(template_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | File | Problem:
    if response.status_code == 200:
        response_200 = File(payload=BytesIO(response.content))

        return response_200

    if response.status_code == 304:
        response_304 = cast(Any, None)
        return response_304

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if response.status_code == 504:
        response_504 = Problem.from_dict(response.json())

        return response_504

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | File | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    template_id: GetTemplateThumbnailTemplateId,
    *,
    client: AuthenticatedClient,
    if_none_match: None | str | Unset = UNSET,
) -> Response[Any | File | Problem]:
    """表格首页缩略图

     空白表格第一页的缩略图，供模板目录显示；随模板版本变化，可按 ETag 缓存。

    Args:
        template_id (GetTemplateThumbnailTemplateId): 模板 ID（固定目录，见 `GET /v1/templates`）
        if_none_match (None | str | Unset): 上次响应的 ETag；内容未变时返回 304

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | File | Problem]
    """

    kwargs = _get_kwargs(
        template_id=template_id,
        if_none_match=if_none_match,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    template_id: GetTemplateThumbnailTemplateId,
    *,
    client: AuthenticatedClient,
    if_none_match: None | str | Unset = UNSET,
) -> Any | File | Problem | None:
    """表格首页缩略图

     空白表格第一页的缩略图，供模板目录显示；随模板版本变化，可按 ETag 缓存。

    Args:
        template_id (GetTemplateThumbnailTemplateId): 模板 ID（固定目录，见 `GET /v1/templates`）
        if_none_match (None | str | Unset): 上次响应的 ETag；内容未变时返回 304

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | File | Problem
    """

    return sync_detailed(
        template_id=template_id,
        client=client,
        if_none_match=if_none_match,
    ).parsed


async def asyncio_detailed(
    template_id: GetTemplateThumbnailTemplateId,
    *,
    client: AuthenticatedClient,
    if_none_match: None | str | Unset = UNSET,
) -> Response[Any | File | Problem]:
    """表格首页缩略图

     空白表格第一页的缩略图，供模板目录显示；随模板版本变化，可按 ETag 缓存。

    Args:
        template_id (GetTemplateThumbnailTemplateId): 模板 ID（固定目录，见 `GET /v1/templates`）
        if_none_match (None | str | Unset): 上次响应的 ETag；内容未变时返回 304

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | File | Problem]
    """

    kwargs = _get_kwargs(
        template_id=template_id,
        if_none_match=if_none_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    template_id: GetTemplateThumbnailTemplateId,
    *,
    client: AuthenticatedClient,
    if_none_match: None | str | Unset = UNSET,
) -> Any | File | Problem | None:
    """表格首页缩略图

     空白表格第一页的缩略图，供模板目录显示；随模板版本变化，可按 ETag 缓存。

    Args:
        template_id (GetTemplateThumbnailTemplateId): 模板 ID（固定目录，见 `GET /v1/templates`）
        if_none_match (None | str | Unset): 上次响应的 ETag；内容未变时返回 304

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | File | Problem
    """

    return (
        await asyncio_detailed(
            template_id=template_id,
            client=client,
            if_none_match=if_none_match,
        )
    ).parsed
