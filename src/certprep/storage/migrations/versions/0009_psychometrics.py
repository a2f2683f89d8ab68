"""Psychometrics: calibrated item parameters with their errors and the run they came from,
the calibration runs, learners' reports of problems with items, and administrators.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

from certprep.storage.tables import UtcDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calibration_runs",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("finished_at", UtcDateTime(), nullable=False),
        sa.Column("model", sa.String(8), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("examinees", sa.Integer(), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("responses", sa.Integer(), nullable=False),
        sa.Column("link_slope", sa.Float(), nullable=False),
        sa.Column("link_intercept", sa.Float(), nullable=False),
        sa.Column("anchors", sa.Integer(), nullable=False),
        sa.Column("bank_version", sa.String(64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
    )
    op.create_table(
        "item_parameters",
        sa.Column("item_id", sa.String(64), primary_key=True),
        sa.Column("a", sa.Float(), nullable=False),
        sa.Column("b", sa.Float(), nullable=False),
        sa.Column("c", sa.Float(), nullable=False),
        sa.Column("se_a", sa.Float(), nullable=True),
        sa.Column("se_b", sa.Float(), nullable=True),
        sa.Column("se_c", sa.Float(), nullable=True),
        sa.Column("responses", sa.Integer(), nullable=False),
        sa.Column("fit_p", sa.Float(), nullable=True),
        sa.Column("run_id", sa.String(32), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "item_reports",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("learner", sa.String(64), nullable=False, index=True),
        sa.Column("item_id", sa.String(64), nullable=False, index=True),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False, index=True),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.Column("resolved_at", UtcDateTime(), nullable=True),
    )
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("admin", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("admin")
    op.drop_table("item_reports")
    op.drop_table("item_parameters")
    op.drop_table("calibration_runs")
