"""Liveness, readiness and Prometheus metrics (never behind an API key)."""

from __future__ import annotations

from typing import Any

from anyio.to_thread import run_sync
from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST
from pydantic import BaseModel, Field

from service.api.dependencies import RuntimeDep
from service.api.problems import ProblemError, problem_responses

router = APIRouter(tags=["运维"])
TEXT = {"schema": {"type": "string"}}


class Health(BaseModel):
    status: str = Field(description="`ok`：进程正在运行", examples=["ok"])


class Readiness(BaseModel):
    status: str = Field(description="`ready`：模板已加载，LibreOffice 进程池可用", examples=["ready"])
    templates: int = Field(description="已加载的模板数", examples=[2])
    pool: dict[str, Any] = Field(
        description="LibreOffice 进程池状态", examples=[{"size": 2, "busy": 0, "queue_depth": 0}]
    )


@router.get("/healthz", operation_id="getHealth", summary="存活检查", response_model=Health)
async def healthz() -> Health:
    """进程正在运行即返回 200（不检查依赖），供容器 HEALTHCHECK 和负载均衡使用。"""
    return Health(status="ok")


@router.get(
    "/readyz",
    operation_id="getReadiness",
    summary="就绪检查",
    response_model=Readiness,
    responses=problem_responses(503),
)
async def readyz(runtime: RuntimeDep, request: Request) -> Readiness:
    """模板已加载且 LibreOffice 进程池可以接受转换时返回 200，否则返回 503。配置了分布式模式时还检查消息代理
    与任务数据库。"""
    if not runtime.templates:
        raise ProblemError(503, "not_ready", "服务尚未就绪", "模板尚未加载完成。", headers={"Retry-After": "5"})
    stats = runtime.pool_stats()
    if runtime.pool is None or not stats.get("ready", True):
        reason = runtime.pool_error or "LibreOffice 进程池尚未启动"
        raise ProblemError(503, "not_ready", "服务尚未就绪", f"{reason}。", headers={"Retry-After": "5"})
    problem = await run_sync(_distributed_problem, request.app)
    if problem:
        raise ProblemError(503, "not_ready", "服务尚未就绪", f"{problem}。", headers={"Retry-After": "5"})
    return Readiness(status="ready", templates=len(runtime.templates), pool=dict(stats))


def _distributed_problem(app: Any) -> str | None:
    """Why the broker or the job store cannot be used (only when the distributed mode is configured)."""
    celery_app = getattr(app.state, "celery", None)
    if celery_app is None:
        return None
    from service.distributed.metrics import broker_reachable

    reason = broker_reachable(celery_app)
    if reason is not None:
        return f"Celery 消息代理无法连接（{reason}）"
    batches = getattr(app.state, "batches", None)
    if batches is not None:
        try:
            batches.store.get_job("readyz-probe")
        except Exception as exc:
            return f"任务数据库无法访问（{type(exc).__name__}）"
    return None


@router.get(
    "/metrics",
    operation_id="getMetrics",
    summary="Prometheus 指标",
    response_class=Response,
    responses={200: {"description": "Prometheus 文本格式的指标", "content": {CONTENT_TYPE_LATEST: TEXT}}},
)
async def metrics(runtime: RuntimeDep) -> Response:
    """请求数与延迟（按路由和模板）、渲染与转换耗时、转换队列深度、LibreOffice 重启次数。"""
    return Response(runtime.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)
