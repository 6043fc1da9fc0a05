from http import HTTPStatus
from io import BytesIO
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.blank_format import BlankFormat
from ...models.get_blank_form_template_id import GetBlankFormTemplateId
from ...models.problem import Problem
from ...models.validation_problem import ValidationProblem
from ...types import UNSET, File, Response, Unset


def _get_kwargs(
    template_id: GetBlankFormTemplateId,
    *,
    format_: BlankFormat | Unset = UNSET,
    if_none_match: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_none_match, Unset):
        headers["if-none-match"] = if_none_match

    params: dict[str, Any] = {}

    json_format_: str | Unset = UNSET
    if not isinstance(format_, Unset):
        json_format_ = format_.value

    params["format"] = json_format_

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/templates/{template_id}/blank".format(
            template_id=quote(str(template_id), safe=""),
        ),
        "params": params,
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
) -> Response[Any | File | Problem | ValidationProblem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    template_id: GetBlankFormTemplateId,
    *,
    client: AuthenticatedClient,
    format_: BlankFormat | Unset = UNSET,
    if_none_match: None | str | Unset = UNSET,
) -> Response[Any | File | Problem | ValidationProblem]:
    """空白表格

     官方表格的空白版本（不需要数据），供手工填写。

    Args:
        template_id (GetBlankFormTemplateId): 模板 ID（固定目录，见 `GET /v1/templates`）
        format_ (BlankFormat | Unset):
        if_none_match (None | str | Unset): 上次响应的 ETag；内容未变时返回 304

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | File | Problem | ValidationProblem]
    """

    kwargs = _get_kwargs(
        template_id=template_id,
        format_=format_,
        if_none_match=if_none_match,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    template_id: GetBlankFormTemplateId,
    *,
    client: AuthenticatedClient,
    format_: BlankFormat | Unset = UNSET,
    if_none_match: None | str | Unset = UNSET,
) -> Any | File | Problem | ValidationProblem | None:
    """空白表格

     官方表格的空白版本（不需要数据），供手工填写。

    Args:
        template_id (GetBlankFormTemplateId): 模板 ID（固定目录，见 `GET /v1/templates`）
        format_ (BlankFormat | Unset):
        if_none_match (None | str | Unset): 上次响应的 ETag；内容未变时返回 304

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | File | Problem | ValidationProblem
    """

    return sync_detailed(
        template_id=template_id,
        client=client,
        format_=format_,
        if_none_match=if_none_match,
    ).parsed


async def asyncio_detailed(
    template_id: GetBlankFormTemplateId,
    *,
    client: AuthenticatedClient,
    format_: BlankFormat | Unset = UNSET,
    if_none_match: None | str | Unset = UNSET,
) -> Response[Any | File | Problem | ValidationProblem]:
    """空白表格

     官方表格的空白版本（不需要数据），供手工填写。

    Args:
        template_id (GetBlankFormTemplateId): 模板 ID（固定目录，见 `GET /v1/templates`）
        format_ (BlankFormat | Unset):
        if_none_match (None | str | Unset): 上次响应的 ETag；内容未变时返回 304

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | File | Problem | ValidationProblem]
    """

    kwargs = _get_kwargs(
        template_id=template_id,
        format_=format_,
        if_none_match=if_none_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    template_id: GetBlankFormTemplateId,
    *,
    client: AuthenticatedClient,
    format_: BlankFormat | Unset = UNSET,
    if_none_match: None | str | Unset = UNSET,
) -> Any | File | Problem | ValidationProblem | None:
    """空白表格

     官方表格的空白版本（不需要数据），供手工填写。

    Args:
        template_id (GetBlankFormTemplateId): 模板 ID（固定目录，见 `GET /v1/templates`）
        format_ (BlankFormat | Unset):
        if_none_match (None | str | Unset): 上次响应的 ETag；内容未变时返回 304

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
            format_=format_,
            if_none_match=if_none_match,
        )
    ).parsed
