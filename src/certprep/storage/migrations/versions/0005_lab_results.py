"""Labs a learner has finished.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from certprep.storage.tables import UtcDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lab_results",
        sa.Column("learner", sa.String(64), primary_key=True),
        sa.Column("lab_id", sa.String(64), primary_key=True),
        sa.Column("passed_at", UtcDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("lab_results")
