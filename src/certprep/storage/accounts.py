"""The account repository: users and their web sessions. It flushes; callers commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from certprep.storage.tables import UserRow, WebSessionRow


class AccountRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def by_username(self, username: str) -> UserRow | None:
        return self.session.scalars(
            select(UserRow).where(func.lower(UserRow.username) == username.lower())
        ).first()

    def add_user(self, user: UserRow) -> None:
        self.session.add(user)
        self.session.flush()

    def set_password_hash(self, user: UserRow, password_hash: str) -> None:
        user.password_hash = password_hash
        self.session.flush()

    def add_session(self, row: WebSessionRow) -> None:
        self.session.add(row)
        self.session.flush()

    def user_for_session(self, token_hash: str, now: datetime) -> UserRow | None:
        return self.session.scalars(
            select(UserRow)
            .join(WebSessionRow, WebSessionRow.user_id == UserRow.id)
            .where(WebSessionRow.token_hash == token_hash, WebSessionRow.expires_at > now)
        ).first()

    def delete_session(self, token_hash: str) -> None:
        self.session.execute(delete(WebSessionRow).where(WebSessionRow.token_hash == token_hash))
