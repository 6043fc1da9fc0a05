"""Settings of the HTTP service, from environment variables `DOCGEN_*`, a settings file, or `.env`.

Precedence (highest first): arguments to `Settings(...)`, environment variables, the file named by
`DOCGEN_SETTINGS_FILE`, `.env` in the working directory, the defaults below. Files use the same
`DOCGEN_NAME=value` lines as the environment. Lists (`DOCGEN_API_KEYS`, `DOCGEN_CORS_ORIGINS`) are
comma-separated.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

MiB = 1024 * 1024


class Settings(BaseSettings):
    """Every tunable of `docgen serve`; the field descriptions are the README's table."""

    model_config = SettingsConfigDict(
        env_prefix="DOCGEN_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        validate_default=True,
    )

    host: str = Field("127.0.0.1", description="监听地址")
    port: int = Field(8000, ge=0, le=65535, description="监听端口")
    workers: int = Field(1, ge=1, le=64, description="uvicorn 工作进程数（每个进程有自己的 LibreOffice 进程池）")

    pool_size: int = Field(2, ge=1, le=32, description="每个工作进程中常驻的 LibreOffice 转换进程数")
    conversion_timeout: float = Field(120.0, gt=0, description="单次 Word→PDF 转换的超时时间（秒），超时返回 504")
    pool_start_timeout: float = Field(90.0, gt=0, description="启动一个 LibreOffice 进程的最长等待时间（秒）")
    max_conversions_per_process: int = Field(
        200, ge=1, description="一个 LibreOffice 进程完成多少次转换后重启（防止内存增长）"
    )
    memory_limit_mb: int = Field(1536, ge=64, description="单个 LibreOffice 进程的内存上限（MiB），超过后重启")
    queue_limit: int = Field(32, ge=0, description="等待空闲转换进程的请求数上限；队列已满时返回 503 和 Retry-After")
    render_threads: int = Field(4, ge=1, le=64, description="并行渲染 Word 文档的线程数（不占用事件循环）")
    render_timeout_seconds: float = Field(
        60.0,
        gt=0,
        description="大型文档（含附件或转发文件的公文、较大的数据）在独立进程中渲染的 CPU 和时间上限（秒），"
        "超过返回 413 render_limit_exceeded",
    )
    render_memory_mb: int = Field(1024, ge=64, description="独立进程中渲染一个大型文档可用的内存上限（MiB）")
    render_output_mb: int = Field(64, ge=1, description="独立进程中渲染出的 Word 文档（含解压后）的大小上限（MiB）")
    isolate_render_above_bytes: int = Field(
        256 * 1024,
        ge=0,
        description="数据（紧凑 JSON）超过此大小（字节）的渲染也在独立进程中进行；含附件或转发文件的公文总是如此",
    )
    isolated_renders: int = Field(
        2, ge=1, le=64, description="同时在独立进程中渲染的大型文档数；其余请求等待，等待超时返回 503 render_busy"
    )

    max_body_bytes: int = Field(2 * MiB, ge=1024, description="JSON 请求体的大小上限（字节），超过返回 413")
    max_attachment_bytes: int = Field(20 * MiB, ge=1024, description="申报材料包中单个附件的大小上限（字节）")
    max_package_bytes: int = Field(
        100 * MiB, ge=1024, description="申报材料包请求（multipart，含全部附件）的大小上限（字节）"
    )
    max_batch_bytes: int = Field(500 * MiB, ge=1024, description="批量任务上传的 ZIP 的大小上限（字节）")
    max_attachments: int = Field(40, ge=0, description="申报材料包中附件文件的数量上限")
    max_pages: int = Field(1000, ge=1, description="生成的 PDF（含合并后的申报材料包）的页数上限")

    data_dir: Path = Field(
        Path("data"), description="本机工作目录：临时文件、LibreOffice 用户配置（每台机器各自一份，不要共享）"
    )
    database_url: str = Field(
        "",
        description="任务数据库（SQLAlchemy URL），如 postgresql+psycopg://用户:密码@主机/库；"
        "为空时用数据目录下的 SQLite 文件 batches/batches.db（仅限单机）",
    )
    storage_dir: Path | None = Field(
        None,
        description="批量任务的上传和输出目录；分布式部署时须是每台机器在同一路径挂载的共享文件系统（NFS、CephFS 等）；"
        "为空时用数据目录",
    )
    api_keys: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list,
        description="允许的 API 密钥，逗号分隔；为空时不校验（/healthz、/readyz、/metrics、文档页面始终开放）",
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="允许跨域调用的来源（如 https://portal.example.cn），逗号分隔；为空时不允许"
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        "info", description="日志级别（JSON 格式输出到标准错误）"
    )

    # --- distributed mode (Celery workers over a broker; README "分布式部署") ---
    runner: Literal["embedded", "celery"] = Field(
        "embedded", description="批量任务的执行方式：embedded（本进程内）或 celery（分发给 docgen worker）"
    )
    broker_url: str = Field(
        "redis://127.0.0.1:6379/0", description="Celery 消息代理地址（Redis 或 RabbitMQ，如 amqp://…）"
    )
    result_backend: str = Field(
        "", description="Celery 结果后端；为空时：Redis 代理用同一 Redis，其他代理用 DOCGEN_DATABASE_URL 的数据库"
    )
    convert_via: Literal["local", "celery"] = Field(
        "local", description="单文档 PDF 转换在哪里进行：local（本进程的 LibreOffice 进程池）或 celery（转换队列）"
    )
    task_soft_time_limit: float = Field(
        600.0,
        gt=0,
        description="一个分布式任务（一个申报对象或汇总步骤）的软时间限制（秒）：超过后在下一步开始前停止，"
        "按重试策略重试，重试用尽后该申报对象记为失败（task_time_limit_exceeded）；threads 和 prefork 执行池都有效",
    )
    task_time_limit: float = Field(
        900.0,
        gt=0,
        description="一个分布式任务的硬时间限制（秒）：threads 执行池中每次转换最多运行到此时限"
        "（超时终止 LibreOffice），prefork 执行池中终止执行子进程；之后同样重试或记为失败",
    )
    task_max_retries: int = Field(5, ge=0, le=50, description="繁忙、超时、执行进程丢失时分布式任务的最多重试次数")
    visibility_timeout: float = Field(
        3600.0, gt=0, description="Redis 代理：已取走但未确认的任务在多少秒后重新投递（应大于最长任务时间）"
    )
    convert_queue_limit: int = Field(
        64, ge=0, description="convert 队列中等待的转换数上限；超过时单文档转换返回 503 和 Retry-After"
    )

    # --- embedding in a portal (README "嵌入门户"): async jobs, webhooks, idempotency, signed links, keys, cache ---
    api_keys_file: Path | None = Field(
        None,
        description="具名 API 密钥文件（JSON：名称、密钥的 SHA-256、每分钟请求数、并发数、Webhook 密钥），"
        "修改后无需重启即生效；与 DOCGEN_API_KEYS 可同时使用",
    )
    async_workers: int = Field(2, ge=1, le=64, description="同时执行的异步任务数（Prefer: respond-async）")
    job_result_ttl: float = Field(86400.0, gt=0, description="异步任务结果的保留时间（秒），过期后删除")
    idempotency_ttl: float = Field(86400.0, gt=0, description="Idempotency-Key 的保留时间（秒），过期后可重新使用")
    link_ttl: float = Field(3600.0, gt=0, description="签名下载链接的默认有效期（秒）")
    signing_secret: SecretStr = Field(
        SecretStr(""),
        description="签名下载链接的服务器密钥；为空时在存储目录生成 embedding/signing.key（多副本部署须设置同一密钥）",
    )
    render_cache_bytes: int = Field(
        256 * MiB, ge=0, description="渲染结果缓存的大小上限（字节，按模板版本 + 数据 + 格式寻址）；0 表示不缓存"
    )
    public_base_url: str = Field(
        "",
        pattern=r"^(https?://[^\s/?#]+(/[^\s?#]*)?)?$",
        description="服务对外的根地址（如 https://docgen.example.cn），Webhook 事件中的下载链接以它开头；"
        "为空时这些链接是相对路径（接口响应中的链接始终取请求的地址）",
    )
    webhook_secret: SecretStr = Field(
        SecretStr(""), description="Webhook 签名密钥（whsec_…）；具名 API 密钥可各自设置，未设置时用此值"
    )
    webhook_allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="允许的 Webhook 主机（如 portal.example.cn、*.example.cn），逗号分隔；为空时允许任何公网主机",
    )
    webhook_allowed_networks: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="允许作为 Webhook 目标的私有或回环网段（如 10.1.0.0/16），逗号分隔；为空时拒绝全部私有地址",
    )
    webhook_retry_delays: Annotated[list[float], NoDecode] = Field(
        default_factory=lambda: [5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0],
        description="Webhook 投递失败后各次重试前的等待时间（秒），逗号分隔（默认约 24 小时内重试 7 次）",
    )
    webhook_timeout: float = Field(10.0, gt=0, description="一次 Webhook 投递的超时时间（秒）")

    @field_validator(
        "api_keys",
        "cors_origins",
        "webhook_allowed_hosts",
        "webhook_allowed_networks",
        "webhook_retry_delays",
        mode="before",
    )
    @classmethod
    def _split_commas(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value

    def api_key_values(self) -> list[str]:
        return [key.get_secret_value() for key in self.api_keys]

    def batch_database_url(self) -> str:
        """The job database: `database_url`, else the SQLite file `<data_dir>/batches/batches.db`."""
        from service.batch.database import job_database_url

        return job_database_url(self.database_url, self.data_dir)

    def batch_storage_dir(self) -> Path:
        """Where batch uploads and outputs live: `storage_dir`, else `data_dir`."""
        return self.storage_dir if self.storage_dir is not None else self.data_dir


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment, `DOCGEN_SETTINGS_FILE` (if set) and `.env`; overrides win."""
    files: list[Path] = [Path(".env")]
    named = os.environ.get("DOCGEN_SETTINGS_FILE")
    if named:
        path = Path(named)
        if not path.is_file():
            raise FileNotFoundError(f"DOCGEN_SETTINGS_FILE 指向的设置文件不存在：{path}")
        files.append(path)  # later files take precedence over earlier ones
    return Settings(_env_file=tuple(files), **overrides)


@lru_cache(maxsize=1)
def default_settings() -> Settings:
    return load_settings()


def settings_table() -> str:
    """The README's table of environment variables (`python -m service.api.settings`)."""
    rows = ["| 环境变量 | 默认值 | 说明 |", "| --- | --- | --- |"]
    for name, field in Settings.model_fields.items():
        default = field.get_default(call_default_factory=True)
        if isinstance(default, SecretStr):
            # The table shows whether a secret has a default, never the value itself.
            default = "" if not default.get_secret_value() else "（已设置）"
        if isinstance(default, list) or default in ("", None):
            shown = "（空）"
        elif isinstance(default, int) and default >= MiB and default % MiB == 0:
            shown = f"{default}（{default // MiB} MiB）"
        else:
            shown = str(default)
        rows.append(f"| `DOCGEN_{name.upper()}` | `{shown}` | {field.description} |")
    rows.append(
        "| `DOCGEN_SETTINGS_FILE` | （未设置） | 设置文件（每行 `DOCGEN_名称=值`）；"
        "环境变量优先于设置文件，设置文件优先于 `.env` |"
    )
    return "\n".join(rows)


if __name__ == "__main__":
    print(settings_table())
