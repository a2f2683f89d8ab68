"""Review cards and logs (FSRS), study-plan checks, real exam attempts.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from certprep.storage.tables import UtcDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_cards",
        sa.Column("learner", sa.String(64), primary_key=True),
        sa.Column("item_id", sa.String(64), primary_key=True),
        sa.Column("card", sa.JSON, nullable=False),
        sa.Column("due", UtcDateTime(), nullable=False, index=True),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "review_logs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("learner", sa.String(64), nullable=False, index=True),
        sa.Column("item_id", sa.String(64), nullable=False),
        sa.Column("rating", sa.Integer, nullable=False),
        sa.Column("reviewed_at", UtcDateTime(), nullable=False),
        sa.Column("attempt_id", sa.String(32), nullable=True),
        sa.Column("card_before", sa.JSON, nullable=True),
    )
    op.create_table(
        "plan_checks",
        sa.Column("learner", sa.String(64), primary_key=True),
        sa.Column("step", sa.Integer, primary_key=True),
        sa.Column("done_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "real_exams",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("learner", sa.String(64), nullable=False, index=True),
        sa.Column("taken_on", sa.Date, nullable=False),
        sa.Column("passed", sa.Boolean, nullable=False),
        sa.Column("score", sa.Integer, nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )


def downgrade() -> None:
    for table in ("real_exams", "plan_checks", "review_logs", "review_cards"):
        op.drop_table(table)
