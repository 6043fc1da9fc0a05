"""/v1/jobs (asynchronous requests), /v1/files/{token} (signed download links), webhook delivery records."""

from __future__ import annotations

import time
from pathlib import Path as FilePath
from typing import Annotated, Any

from anyio.to_thread import run_sync
from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response

from service.api.embedding.core import EmbeddingState, iso
from service.api.embedding.keys import Principal
from service.api.embedding.links import JOB_ID, LinkInvalid
from service.api.embedding.store import Job
from service.api.problems import ProblemError, problem_responses

router = APIRouter(tags=["jobs"])
files_router = APIRouter(tags=["jobs"])

JobIdPath = Annotated[str, Path(description="异步任务 ID（202 响应的 Location 中）", pattern=JOB_ID.pattern)]
BINARY = {"schema": {"type": "string", "format": "binary"}}
RESULT_CONTENT = {"application/octet-stream": BINARY}


def state_of(request: Request) -> EmbeddingState:
    state = getattr(request.app.state, "embedding", None)
    if not isinstance(state, EmbeddingState) or state.store is None:
        raise ProblemError(503, "not_ready", "服务尚未就绪", "服务正在启动，请稍后重试。", headers={"Retry-After": "5"})
    return state


def principal_of(request: Request, state: EmbeddingState) -> Principal:
    found = state.registry.identify(request.headers.get("x-api-key"))
    if found is None:  # pragma: no cover - the router's key check answered 401 already
        raise ProblemError(401, "api_key_invalid", "API 密钥无效", "请求头 X-API-Key 中的 API 密钥无效。")
    return found


def _not_found(job_id: str) -> ProblemError:
    return ProblemError(404, "job_not_found", "异步任务不存在", f"异步任务“{job_id}”不存在（或属于其他 API 密钥）。")


async def own_job(request: Request, job_id: str) -> tuple[EmbeddingState, Job]:
    state = state_of(request)
    job = await run_sync(state.require_store().get_job, job_id)
    if job is None or job.owner != principal_of(request, state).name:
        raise _not_found(job_id)
    return state, job


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.get(
    "/v1/jobs/{job_id}",
    operation_id="getJob",
    summary="查询异步任务",
    responses=problem_responses(404),
)
async def get_job(request: Request, job_id: JobIdPath) -> JSONResponse:
    """异步任务（请求头 `Prefer: respond-async` 提交的文档或申报材料包）的状态：`state` 为 queued、running、
    succeeded、failed 或 cancelled，`progress` 为 0–1；成功后 `result` 给出下载地址和签名下载链接，
    失败时 `error` 为与同步请求相同的 problem 文档。"""
    state, job = await own_job(request, job_id)
    headers = {"Retry-After": "1"} if job.state in ("queued", "running") else {}
    return JSONResponse(state.job_body(job, base_url(request)), headers=headers)


@router.delete(
    "/v1/jobs/{job_id}",
    operation_id="cancelJob",
    summary="取消异步任务",
    responses=problem_responses(404, 409),
)
async def cancel_job(request: Request, job_id: JobIdPath) -> JSONResponse:
    """取消排队中或执行中的异步任务；已结束的任务返回 409。"""
    state, job = await own_job(request, job_id)
    if not await run_sync(state.require_store().cancel_job, job_id):
        detail = f"异步任务“{job_id}”已结束（{job.state}），不能取消。"
        raise ProblemError(409, "job_finished", "异步任务已结束", detail)
    state.runner.cancel(job_id)
    state.metrics.jobs.labels(job.kind, "cancelled").inc()
    cancelled = await run_sync(state.require_store().get_job, job_id)
    assert cancelled is not None
    return JSONResponse(state.job_body(cancelled, base_url(request)))


def _result_response(state: EmbeddingState, job: Job) -> Response:
    if job.state != "succeeded":
        if job.state in ("queued", "running"):
            detail = f"异步任务“{job.id}”尚未完成（{job.state}）。"
            raise ProblemError(409, "job_not_finished", "异步任务尚未完成", detail, headers={"Retry-After": "1"})
        raise ProblemError(409, "job_not_succeeded", "异步任务没有结果", f"异步任务“{job.id}”没有成功（{job.state}）。")
    path = FilePath(job.result_file or "")
    if job.result_removed or not job.result_file or not path.is_file():
        detail = f"异步任务“{job.id}”的结果已超过保留时间（DOCGEN_JOB_RESULT_TTL）并被删除，请重新提交。"
        raise ProblemError(410, "job_result_expired", "任务结果已过期", detail)
    # The stored file is always inside this kit's job directory: its name comes from the database, not the client.
    if state.job_dir(job.id).resolve() not in path.resolve().parents:  # pragma: no cover - defence in depth
        raise _not_found(job.id)
    headers = {k: v for k, v in job.result_headers.items() if k != "content-type"}
    headers.setdefault("cache-control", "private, no-cache")
    return FileResponse(path, media_type=job.result_headers.get("content-type"), headers=headers)


@router.get(
    "/v1/jobs/{job_id}/result",
    operation_id="getJobResult",
    summary="下载异步任务的结果",
    response_class=Response,
    responses={200: {"description": "与同步请求相同的文件（Word、PDF 或 ZIP）", "content": RESULT_CONTENT},
               **problem_responses(404, 409, 410)},
)  # fmt: skip
async def get_job_result(request: Request, job_id: JobIdPath) -> Response:
    """成功的异步任务的结果文件，响应头（Content-Type、Content-Disposition、ETag）与同步请求相同。
    结果保留 DOCGEN_JOB_RESULT_TTL 秒，之后返回 410。"""
    state, job = await own_job(request, job_id)
    return _result_response(state, job)


@router.post(
    "/v1/jobs/{job_id}/links",
    operation_id="createJobLink",
    summary="生成签名下载链接",
    responses=problem_responses(404, 409),
)
async def create_link(
    request: Request,
    job_id: JobIdPath,
    expires_in: Annotated[
        float | None, Query(gt=0, description="有效期（秒）；缺省为 DOCGEN_LINK_TTL，不超过结果的保留时间")
    ] = None,
) -> JSONResponse:
    """为成功的异步任务的结果生成一个不需要 API 密钥的下载链接（`GET /v1/files/{token}`），
    门户可直接交给用户的浏览器。"""
    state, job = await own_job(request, job_id)
    if job.state != "succeeded" or job.expires_at is None:
        raise ProblemError(409, "job_not_succeeded", "异步任务没有结果", f"异步任务“{job.id}”没有成功（{job.state}）。")
    assert state.signer is not None
    expiry = min(job.expires_at, time.time() + (expires_in or state.settings.link_ttl))
    token = state.signer.sign(job.id, expiry)
    return JSONResponse(
        {"url": f"{base_url(request)}/v1/files/{token}", "expires_at": iso(float(int(expiry)))}, status_code=201
    )


@router.get(
    "/v1/jobs/{job_id}/deliveries",
    operation_id="listJobDeliveries",
    summary="Webhook 投递记录",
    responses=problem_responses(404),
)
async def list_deliveries(request: Request, job_id: JobIdPath) -> JSONResponse:
    """该任务的 Webhook 投递（`webhook-id`、事件、状态）和每次尝试（时间、HTTP 状态码或错误、耗时）。"""
    state, job = await own_job(request, job_id)
    return JSONResponse({"deliveries": await _deliveries(state, f"job:{job.id}")})


@router.get(
    "/v1/batches/{batch_id}/deliveries",
    operation_id="listBatchDeliveries",
    summary="批量任务的 Webhook 投递记录",
    responses=problem_responses(404),
)
async def list_batch_deliveries(
    request: Request, batch_id: Annotated[str, Path(pattern=r"^[0-9A-Za-z_-]{1,64}$")]
) -> JSONResponse:
    """批量任务的 Webhook 投递（batch.completed、batch.failed）和每次尝试。"""
    state = state_of(request)
    owner = principal_of(request, state).name
    found = [d for d in await _deliveries(state, f"batch:{batch_id}") if d.pop("_owner") == owner]
    return JSONResponse({"deliveries": found})


async def _deliveries(state: EmbeddingState, subject: str) -> list[dict[str, Any]]:
    rows = await run_sync(state.require_store().deliveries_of, subject)
    return [
        {
            "id": d["id"],
            "event": d["event"],
            "url": d["url"],
            "state": d["state"],
            "attempts": d["attempts"],
            "created_at": iso(d["created_at"]),
            "next_attempt_at": iso(d["next_attempt_at"]),
            "_owner": d["owner"],
            "attempt_list": [
                {
                    "attempt": a["attempt"],
                    "at": iso(a["at"]),
                    "status_code": a["status_code"],
                    "error": a["error"],
                    "duration_ms": round(a["duration_ms"], 1),
                }
                for a in d["attempt_list"]
            ],
        }
        for d in rows
    ]


@files_router.get(
    "/v1/files/{token}",
    operation_id="downloadSignedFile",
    summary="用签名链接下载结果（无需 API 密钥）",
    response_class=Response,
    responses={200: {"description": "任务的结果文件", "content": RESULT_CONTENT}, **problem_responses(403, 404, 410)},
)
async def download(request: Request, token: Annotated[str, Path(max_length=512)]) -> Response:
    """签名下载链接：无需 API 密钥，过期（403 link_expired）或被篡改（403 link_invalid）的链接被拒绝。"""
    state = state_of(request)
    assert state.signer is not None
    try:
        job_id = state.signer.verify(token)
    except LinkInvalid as exc:
        if exc.reason == "expired":
            raise ProblemError(403, "link_expired", "下载链接已过期", "下载链接已过期，请重新获取。") from None
        raise ProblemError(403, "link_invalid", "下载链接无效", "下载链接无效（签名不符或格式错误）。") from None
    assert JOB_ID.match(job_id)
    job = await run_sync(state.require_store().get_job, job_id)
    if job is None:
        raise _not_found(job_id)
    return _result_response(state, job)
