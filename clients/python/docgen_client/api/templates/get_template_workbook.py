from http import HTTPStatus
from io import BytesIO
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.get_template_workbook_template_id import GetTemplateWorkbookTemplateId
from ...models.problem import Problem
from ...models.validation_problem import ValidationProblem
from ...types import UNSET, File, Response, Unset


def _get_kwargs(
    template_id: GetTemplateWorkbookTemplateId,
    *,
    if_none_match: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_none_match, Unset):
        headers["if-none-match"] = if_none_match

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/templates/{template_id}/workbook".format(
            template_id=quote(str(template_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | File | Problem | ValidationProblem:
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

    if response.status_code == 422:
        response_422 = ValidationProblem.from_dict(response.json())

        return response_422

    response_default = Problem.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | File | Problem | ValidationProblem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    template_id: GetTemplateWorkbookTemplateId,
    *,
    client: AuthenticatedClient,
    if_none_match: None | str | Unset = UNSET,
) -> Response[Any | File | Problem | ValidationProblem]:
    """Excel 填报表

     模板的 Excel 填报表（公文因含嵌套附件不提供，返回 422 workbook_unsupported）。

    Args:
        template_id (GetTemplateWorkbookTemplateId): 模板 ID（固定目录，见 `GET /v1/templates`）
        if_none_match (None | str | Unset): 上次响应的 ETag

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | File | Problem | ValidationProblem]
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
    template_id: GetTemplateWorkbookTemplateId,
    *,
    client: AuthenticatedClient,
    if_none_match: None | str | Unset = UNSET,
) -> Any | File | Problem | ValidationProblem | None:
    """Excel 填报表

     模板的 Excel 填报表（公文因含嵌套附件不提供，返回 422 workbook_unsupported）。

    Args:
        template_id (GetTemplateWorkbookTemplateId): 模板 ID（固定目录，见 `GET /v1/templates`）
        if_none_match (None | str | Unset): 上次响应的 ETag

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | File | Problem | ValidationProblem
    """

    return sync_detailed(
        template_id=template_id,
        client=client,
        if_none_match=if_none_match,
    ).parsed


async def asyncio_detailed(
    template_id: GetTemplateWorkbookTemplateId,
    *,
    client: AuthenticatedClient,
    if_none_match: None | str | Unset = UNSET,
) -> Response[Any | File | Problem | ValidationProblem]:
    """Excel 填报表

     模板的 Excel 填报表（公文因含嵌套附件不提供，返回 422 workbook_unsupported）。

    Args:
        template_id (GetTemplateWorkbookTemplateId): 模板 ID（固定目录，见 `GET /v1/templates`）
        if_none_match (None | str | Unset): 上次响应的 ETag

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | File | Problem | ValidationProblem]
    """

    kwargs = _get_kwargs(
        template_id=template_id,
        if_none_match=if_none_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    template_id: GetTemplateWorkbookTemplateId,
    *,
    client: AuthenticatedClient,
    if_none_match: None | str | Unset = UNSET,
) -> Any | File | Problem | ValidationProblem | None:
    """Excel 填报表

     模板的 Excel 填报表（公文因含嵌套附件不提供，返回 422 workbook_unsupported）。

    Args:
        template_id (GetTemplateWorkbookTemplateId): 模板 ID（固定目录，见 `GET /v1/templates`）
        if_none_match (None | str | Unset): 上次响应的 ETag

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | File | Problem | ValidationProblem
    """

    return (
        await asyncio_detailed(
            template_id=template_id,
            client=client,
            if_none_match=if_none_match,
        )
    ).parsed
