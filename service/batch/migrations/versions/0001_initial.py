"""The first schema: jobs, candidates, artifacts (identical to the stores from before Alembic, user_version 1).

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.Text(), primary_key=True),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("manifest_path", sa.Text(), nullable=False),
        sa.Column("out_dir", sa.Text(), nullable=False),
        sa.Column("workers", sa.Integer()),
        sa.Column("cancel_requested", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("error", sa.Text()),
        sa.Column("result", sa.Text()),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.Column("started_at", sa.Float()),
        sa.Column("finished_at", sa.Float()),
    )
    op.create_index("jobs_state", "jobs", ["state"])
    op.create_table(
        "candidates",
        sa.Column("job_id", sa.Text(), sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("priority", sa.Integer()),
        sa.Column("type", sa.Text()),
        sa.Column("name", sa.Text()),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("input_hash", sa.Text()),
        sa.Column("template_version", sa.Text()),
        sa.Column("outputs", sa.Text(), nullable=False, server_default=sa.text("'{}'")),
        sa.Column("errors", sa.Text(), nullable=False, server_default=sa.text("'[]'")),
        sa.Column("pages", sa.Integer()),
        sa.Column("seconds", sa.Float()),
        sa.Column("reused", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("job_id", "key"),
    )
    op.create_table(
        "artifacts",
        sa.Column("job_id", sa.Text(), sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("input_hash", sa.Text(), nullable=False),
        sa.Column("outputs", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("job_id", "name"),
    )


def downgrade() -> None:
    op.drop_table("artifacts")
    op.drop_table("candidates")
    op.drop_index("jobs_state", table_name="jobs")
    op.drop_table("jobs")
