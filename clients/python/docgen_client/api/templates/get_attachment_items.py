from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.attachment_items import AttachmentItems
from ...models.get_attachment_items_template_id import GetAttachmentItemsTemplateId
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    template_id: GetAttachmentItemsTemplateId,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/templates/{template_id}/attachment-items".format(
            template_id=quote(str(template_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> AttachmentItems | Problem:
    if response.status_code == 200:
        response_200 = AttachmentItems.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[AttachmentItems | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    template_id: GetAttachmentItemsTemplateId,
    *,
    client: AuthenticatedClient,
) -> Response[AttachmentItems | Problem]:
    """附件清单各项

     申请书“三、附件清单”的八项及附件的类型和大小上限，供上传附件的页面使用（`POST /v1/packages/{template_id}`）。
    只有申请书模板（示范园区、示范企业）有附件清单，其他模板返回 404。

    Args:
        template_id (GetAttachmentItemsTemplateId): 模板 ID（固定目录，见 `GET /v1/templates`）

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AttachmentItems | Problem]
    """

    kwargs = _get_kwargs(
        template_id=template_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    template_id: GetAttachmentItemsTemplateId,
    *,
    client: AuthenticatedClient,
) -> AttachmentItems | Problem | None:
    """附件清单各项

     申请书“三、附件清单”的八项及附件的类型和大小上限，供上传附件的页面使用（`POST /v1/packages/{template_id}`）。
    只有申请书模板（示范园区、示范企业）有附件清单，其他模板返回 404。

    Args:
        template_id (GetAttachmentItemsTemplateId): 模板 ID（固定目录，见 `GET /v1/templates`）

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AttachmentItems | Problem
    """

    return sync_detailed(
        template_id=template_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    template_id: GetAttachmentItemsTemplateId,
    *,
    client: AuthenticatedClient,
) -> Response[AttachmentItems | Problem]:
    """附件清单各项

     申请书“三、附件清单”的八项及附件的类型和大小上限，供上传附件的页面使用（`POST /v1/packages/{template_id}`）。
    只有申请书模板（示范园区、示范企业）有附件清单，其他模板返回 404。

    Args:
        template_id (GetAttachmentItemsTemplateId): 模板 ID（固定目录，见 `GET /v1/templates`）

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AttachmentItems | Problem]
    """

    kwargs = _get_kwargs(
        template_id=template_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    template_id: GetAttachmentItemsTemplateId,
    *,
    client: AuthenticatedClient,
) -> AttachmentItems | Problem | None:
    """附件清单各项

     申请书“三、附件清单”的八项及附件的类型和大小上限，供上传附件的页面使用（`POST /v1/packages/{template_id}`）。
    只有申请书模板（示范园区、示范企业）有附件清单，其他模板返回 404。

    Args:
        template_id (GetAttachmentItemsTemplateId): 模板 ID（固定目录，见 `GET /v1/templates`）

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AttachmentItems | Problem
    """

    return (
        await asyncio_detailed(
            template_id=template_id,
            client=client,
        )
    ).parsed
