from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.body_import_workbook import BodyImportWorkbook
from ...models.import_workbook_response_importworkbook import ImportWorkbookResponseImportworkbook
from ...models.import_workbook_template_id import ImportWorkbookTemplateId
from ...models.problem import Problem
from ...models.validation_problem import ValidationProblem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    template_id: ImportWorkbookTemplateId,
    *,
    body: BodyImportWorkbook,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/imports/{template_id}".format(
            template_id=quote(str(template_id), safe=""),
        ),
    }

    _kwargs["files"] = body.to_multipart()

    headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ImportWorkbookResponseImportworkbook | Problem | ValidationProblem:
    if response.status_code == 200:
        response_200 = ImportWorkbookResponseImportworkbook.from_dict(response.json())

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
) -> Response[ImportWorkbookResponseImportworkbook | Problem | ValidationProblem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    template_id: ImportWorkbookTemplateId,
    *,
    client: AuthenticatedClient,
    body: BodyImportWorkbook,
    idempotency_key: str | Unset = UNSET,
) -> Response[ImportWorkbookResponseImportworkbook | Problem | ValidationProblem]:
    """导入 Excel 填报表

     把填好的填报表转换为 JSON 数据。有错误时返回 422，`errors` 列出全部错误：`cell`（工作表!单元格）、
    `loc`（JSON 路径）、`label`（中文字段名）、`code` 和 `message`。其他模板或旧版本的填报表、含宏或外部链接的
    工作簿被拒绝。

    Args:
        template_id (ImportWorkbookTemplateId): 模板 ID（固定目录，见 `GET /v1/templates`）
        idempotency_key (str | Unset):
        body (BodyImportWorkbook):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ImportWorkbookResponseImportworkbook | Problem | ValidationProblem]
    """

    kwargs = _get_kwargs(
        template_id=template_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    template_id: ImportWorkbookTemplateId,
    *,
    client: AuthenticatedClient,
    body: BodyImportWorkbook,
    idempotency_key: str | Unset = UNSET,
) -> ImportWorkbookResponseImportworkbook | Problem | ValidationProblem | None:
    """导入 Excel 填报表

     把填好的填报表转换为 JSON 数据。有错误时返回 422，`errors` 列出全部错误：`cell`（工作表!单元格）、
    `loc`（JSON 路径）、`label`（中文字段名）、`code` 和 `message`。其他模板或旧版本的填报表、含宏或外部链接的
    工作簿被拒绝。

    Args:
        template_id (ImportWorkbookTemplateId): 模板 ID（固定目录，见 `GET /v1/templates`）
        idempotency_key (str | Unset):
        body (BodyImportWorkbook):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ImportWorkbookResponseImportworkbook | Problem | ValidationProblem
    """

    return sync_detailed(
        template_id=template_id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    template_id: ImportWorkbookTemplateId,
    *,
    client: AuthenticatedClient,
    body: BodyImportWorkbook,
    idempotency_key: str | Unset = UNSET,
) -> Response[ImportWorkbookResponseImportworkbook | Problem | ValidationProblem]:
    """导入 Excel 填报表

     把填好的填报表转换为 JSON 数据。有错误时返回 422，`errors` 列出全部错误：`cell`（工作表!单元格）、
    `loc`（JSON 路径）、`label`（中文字段名）、`code` 和 `message`。其他模板或旧版本的填报表、含宏或外部链接的
    工作簿被拒绝。

    Args:
        template_id (ImportWorkbookTemplateId): 模板 ID（固定目录，见 `GET /v1/templates`）
        idempotency_key (str | Unset):
        body (BodyImportWorkbook):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ImportWorkbookResponseImportworkbook | Problem | ValidationProblem]
    """

    kwargs = _get_kwargs(
        template_id=template_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    template_id: ImportWorkbookTemplateId,
    *,
    client: AuthenticatedClient,
    body: BodyImportWorkbook,
    idempotency_key: str | Unset = UNSET,
) -> ImportWorkbookResponseImportworkbook | Problem | ValidationProblem | None:
    """导入 Excel 填报表

     把填好的填报表转换为 JSON 数据。有错误时返回 422，`errors` 列出全部错误：`cell`（工作表!单元格）、
    `loc`（JSON 路径）、`label`（中文字段名）、`code` 和 `message`。其他模板或旧版本的填报表、含宏或外部链接的
    工作簿被拒绝。

    Args:
        template_id (ImportWorkbookTemplateId): 模板 ID（固定目录，见 `GET /v1/templates`）
        idempotency_key (str | Unset):
        body (BodyImportWorkbook):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ImportWorkbookResponseImportworkbook | Problem | ValidationProblem
    """

    return (
        await asyncio_detailed(
            template_id=template_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
