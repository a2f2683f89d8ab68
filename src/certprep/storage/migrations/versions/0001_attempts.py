"""Attempts, their step log, and the items each one showed.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from certprep.storage.tables import UtcDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attempts",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("learner", sa.String(64), nullable=False, index=True),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("exam_code", sa.String(32), nullable=False),
        sa.Column("seed", sa.Integer, nullable=False),
        sa.Column("started_at", UtcDateTime(), nullable=False),
        sa.Column("time_limit_s", sa.Integer, nullable=True),
        sa.Column("accommodation", sa.Boolean, nullable=False),
        sa.Column("form", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("ended_at", UtcDateTime(), nullable=True),
        sa.Column("result", sa.JSON, nullable=True),
    )
    op.create_table(
        "attempt_steps",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "attempt_id",
            sa.String(32),
            sa.ForeignKey("attempts.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("position", sa.Integer, nullable=True),
        sa.Column("choice", sa.JSON, nullable=True),
        sa.UniqueConstraint("attempt_id", "seq", name="uq_attempt_steps_seq"),
    )
    op.create_table(
        "attempt_items",
        sa.Column(
            "attempt_id",
            sa.String(32),
            sa.ForeignKey("attempts.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("item_id", sa.String(64), nullable=False, index=True),
        sa.Column("learner", sa.String(64), nullable=False, index=True),
        sa.Column("scored", sa.Boolean, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("attempt_items")
    op.drop_table("attempt_steps")
    op.drop_table("attempts")
