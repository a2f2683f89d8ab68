"""What each session is for (exam, practice, review, drill): reviews resume as reviews, and
resume buttons say what they resume. Sessions stored before this say exam or practice.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("attempts") as batch:
        batch.add_column(
            sa.Column("purpose", sa.String(16), nullable=False, server_default="practice")
        )
    op.execute("UPDATE attempts SET purpose = 'exam' WHERE mode = 'exam'")


def downgrade() -> None:
    with op.batch_alter_table("attempts") as batch:
        batch.drop_column("purpose")
