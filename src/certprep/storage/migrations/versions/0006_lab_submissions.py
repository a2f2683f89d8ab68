"""The artifact a learner last checked for each lab, from the CLI or the web app.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from certprep.storage.tables import UtcDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lab_submissions",
        sa.Column("learner", sa.String(64), primary_key=True),
        sa.Column("lab_id", sa.String(64), primary_key=True),
        sa.Column("artifact", sa.Text(), nullable=False),
        sa.Column("passed_checks", sa.Integer(), nullable=False),
        sa.Column("total_checks", sa.Integer(), nullable=False),
        sa.Column("checked_at", UtcDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("lab_submissions")
