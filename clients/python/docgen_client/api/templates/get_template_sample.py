from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.get_template_sample_response_gettemplatesample import GetTemplateSampleResponseGettemplatesample
from ...models.get_template_sample_template_id import GetTemplateSampleTemplateId
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    template_id: GetTemplateSampleTemplateId,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/templates/{template_id}/sample".format(
            template_id=quote(str(template_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> GetTemplateSampleResponseGettemplatesample | Problem:
    if response.status_code == 200:
        response_200 = GetTemplateSampleResponseGettemplatesample.from_dict(response.json())

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
) -> Response[GetTemplateSampleResponseGettemplatesample | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    template_id: GetTemplateSampleTemplateId,
    *,
    client: AuthenticatedClient,
) -> Response[GetTemplateSampleResponseGettemplatesample | Problem]:
    """示例数据

     一份能通过校验的完整示例数据（虚构单位），可直接作为 `POST /v1/documents/{template_id}` 的请求体。

    Args:
        template_id (GetTemplateSampleTemplateId): 模板 ID（固定目录，见 `GET /v1/templates`）

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[GetTemplateSampleResponseGettemplatesample | Problem]
    """

    kwargs = _get_kwargs(
        template_id=template_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    template_id: GetTemplateSampleTemplateId,
    *,
    client: AuthenticatedClient,
) -> GetTemplateSampleResponseGettemplatesample | Problem | None:
    """示例数据

     一份能通过校验的完整示例数据（虚构单位），可直接作为 `POST /v1/documents/{template_id}` 的请求体。

    Args:
        template_id (GetTemplateSampleTemplateId): 模板 ID（固定目录，见 `GET /v1/templates`）

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        GetTemplateSampleResponseGettemplatesample | Problem
    """

    return sync_detailed(
        template_id=template_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    template_id: GetTemplateSampleTemplateId,
    *,
    client: AuthenticatedClient,
) -> Response[GetTemplateSampleResponseGettemplatesample | Problem]:
    """示例数据

     一份能通过校验的完整示例数据（虚构单位），可直接作为 `POST /v1/documents/{template_id}` 的请求体。

    Args:
        template_id (GetTemplateSampleTemplateId): 模板 ID（固定目录，见 `GET /v1/templates`）

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[GetTemplateSampleResponseGettemplatesample | Problem]
    """

    kwargs = _get_kwargs(
        template_id=template_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    template_id: GetTemplateSampleTemplateId,
    *,
    client: AuthenticatedClient,
) -> GetTemplateSampleResponseGettemplatesample | Problem | None:
    """示例数据

     一份能通过校验的完整示例数据（虚构单位），可直接作为 `POST /v1/documents/{template_id}` 的请求体。

    Args:
        template_id (GetTemplateSampleTemplateId): 模板 ID（固定目录，见 `GET /v1/templates`）

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        GetTemplateSampleResponseGettemplatesample | Problem
    """

    return (
        await asyncio_detailed(
            template_id=template_id,
            client=client,
        )
    ).parsed
