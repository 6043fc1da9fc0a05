from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.get_template_schema_response_gettemplateschema import GetTemplateSchemaResponseGettemplateschema
from ...models.get_template_schema_template_id import GetTemplateSchemaTemplateId
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    template_id: GetTemplateSchemaTemplateId,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/templates/{template_id}/schema".format(
            template_id=quote(str(template_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> GetTemplateSchemaResponseGettemplateschema | Problem:
    if response.status_code == 200:
        response_200 = GetTemplateSchemaResponseGettemplateschema.from_dict(response.json())

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
) -> Response[GetTemplateSchemaResponseGettemplateschema | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    template_id: GetTemplateSchemaTemplateId,
    *,
    client: AuthenticatedClient,
) -> Response[GetTemplateSchemaResponseGettemplateschema | Problem]:
    """数据的 JSON Schema

     生成文档所需数据（请求体）的 JSON Schema，字段带中文标题和说明，可用于生成门户表单。

    Args:
        template_id (GetTemplateSchemaTemplateId): 模板 ID（固定目录，见 `GET /v1/templates`）

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[GetTemplateSchemaResponseGettemplateschema | Problem]
    """

    kwargs = _get_kwargs(
        template_id=template_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    template_id: GetTemplateSchemaTemplateId,
    *,
    client: AuthenticatedClient,
) -> GetTemplateSchemaResponseGettemplateschema | Problem | None:
    """数据的 JSON Schema

     生成文档所需数据（请求体）的 JSON Schema，字段带中文标题和说明，可用于生成门户表单。

    Args:
        template_id (GetTemplateSchemaTemplateId): 模板 ID（固定目录，见 `GET /v1/templates`）

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        GetTemplateSchemaResponseGettemplateschema | Problem
    """

    return sync_detailed(
        template_id=template_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    template_id: GetTemplateSchemaTemplateId,
    *,
    client: AuthenticatedClient,
) -> Response[GetTemplateSchemaResponseGettemplateschema | Problem]:
    """数据的 JSON Schema

     生成文档所需数据（请求体）的 JSON Schema，字段带中文标题和说明，可用于生成门户表单。

    Args:
        template_id (GetTemplateSchemaTemplateId): 模板 ID（固定目录，见 `GET /v1/templates`）

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[GetTemplateSchemaResponseGettemplateschema | Problem]
    """

    kwargs = _get_kwargs(
        template_id=template_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    template_id: GetTemplateSchemaTemplateId,
    *,
    client: AuthenticatedClient,
) -> GetTemplateSchemaResponseGettemplateschema | Problem | None:
    """数据的 JSON Schema

     生成文档所需数据（请求体）的 JSON Schema，字段带中文标题和说明，可用于生成门户表单。

    Args:
        template_id (GetTemplateSchemaTemplateId): 模板 ID（固定目录，见 `GET /v1/templates`）

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        GetTemplateSchemaResponseGettemplateschema | Problem
    """

    return (
        await asyncio_detailed(
            template_id=template_id,
            client=client,
        )
    ).parsed
