"""Embedding kit (issue 17): asynchronous jobs, Idempotency-Key records, webhook deliveries and their attempts,
batch webhook subscriptions.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "embedding_jobs",
        sa.Column("id", sa.Text(), primary_key=True),
        sa.Column("owner", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("template_id", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False, server_default=sa.text("0")),
        sa.Column("request", sa.Text(), nullable=False),
        sa.Column("webhook_url", sa.Text()),
        sa.Column("status_code", sa.Integer()),
        sa.Column("result_headers", sa.Text()),
        sa.Column("result_file", sa.Text()),
        sa.Column("result_size", sa.Integer()),
        sa.Column("error", sa.Text()),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("started_at", sa.Float()),
        sa.Column("finished_at", sa.Float()),
        sa.Column("expires_at", sa.Float()),
        sa.Column("result_removed", sa.Integer(), nullable=False, server_default=sa.text("0")),
    )
    op.create_index("embedding_jobs_state", "embedding_jobs", ["state"])
    op.create_table(
        "idempotency_keys",
        sa.Column("owner", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("status_code", sa.Integer()),
        sa.Column("headers", sa.Text()),
        sa.Column("body_file", sa.Text()),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("owner", "key"),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Text(), primary_key=True),
        sa.Column("owner", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("event", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("next_attempt_at", sa.Float()),
        sa.Column("created_at", sa.Float(), nullable=False),
    )
    op.create_index("webhook_deliveries_due", "webhook_deliveries", ["state", "next_attempt_at"])
    op.create_index("webhook_deliveries_subject", "webhook_deliveries", ["subject"])
    op.create_table(
        "webhook_attempts",
        sa.Column("delivery_id", sa.Text(), sa.ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("status_code", sa.Integer()),
        sa.Column("error", sa.Text()),
        sa.Column("duration_ms", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("delivery_id", "attempt"),
    )
    op.create_table(
        "batch_subscriptions",
        sa.Column("batch_id", sa.Text(), primary_key=True),
        sa.Column("owner", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("notified", sa.Integer(), nullable=False, server_default=sa.text("0")),
    )


def downgrade() -> None:
    op.drop_table("batch_subscriptions")
    op.drop_table("webhook_attempts")
    op.drop_index("webhook_deliveries_subject", table_name="webhook_deliveries")
    op.drop_index("webhook_deliveries_due", table_name="webhook_deliveries")
    op.drop_table("webhook_deliveries")
    op.drop_table("idempotency_keys")
    op.drop_index("embedding_jobs_state", table_name="embedding_jobs")
    op.drop_table("embedding_jobs")
