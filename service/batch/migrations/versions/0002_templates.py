"""Uploaded templates and their immutable versions (issue 16).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "templates",
        sa.Column("id", sa.Text(), primary_key=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False, server_default=sa.text("''")),
        sa.Column("builtin", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("created_at", sa.Float(), nullable=False),
    )
    op.create_table(
        "template_versions",
        sa.Column("template_id", sa.Text(), sa.ForeignKey("templates.id", ondelete="CASCADE"), nullable=False),
        sa.Column("version", sa.Text(), nullable=False),
        sa.Column("file", sa.Text(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("schema", sa.Text()),
        sa.Column("schema_inferred", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("warnings", sa.Text(), nullable=False, server_default=sa.text("'[]'")),
        sa.Column("uploaded_by", sa.Text(), nullable=False),
        sa.Column("deployed_at", sa.Float(), nullable=False),
        sa.Column("retired_at", sa.Float()),
        sa.PrimaryKeyConstraint("template_id", "version"),
    )
    op.create_index("template_versions_deployed", "template_versions", ["template_id", "deployed_at"])


def downgrade() -> None:
    op.drop_index("template_versions_deployed", table_name="template_versions")
    op.drop_table("template_versions")
    op.drop_table("templates")
