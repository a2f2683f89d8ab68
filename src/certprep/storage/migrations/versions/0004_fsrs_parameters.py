"""A learner's optimised FSRS parameters.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from certprep.storage.tables import UtcDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fsrs_parameters",
        sa.Column("learner", sa.String(64), primary_key=True),
        sa.Column("parameters", sa.JSON, nullable=False),
        sa.Column("reviews", sa.Integer, nullable=False),
        sa.Column("optimized_at", UtcDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("fsrs_parameters")
