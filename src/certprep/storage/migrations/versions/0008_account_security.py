"""Account security: sessions expire when idle, an administrator grants the exam
accommodation per account, and the server keeps its signing keys (CSRF tokens are bound to
the session with one).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

from certprep.storage.tables import UtcDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("accommodation", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("web_sessions") as batch:
        batch.add_column(sa.Column("last_seen_at", UtcDateTime(), nullable=True))
    op.execute("UPDATE web_sessions SET last_seen_at = created_at")
    op.create_table(
        "server_secrets",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("value", sa.String(128), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("server_secrets")
    with op.batch_alter_table("web_sessions") as batch:
        batch.drop_column("last_seen_at")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("accommodation")
