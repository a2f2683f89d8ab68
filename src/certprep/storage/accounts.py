"""The account repository: users, their web sessions and the server's signing keys. It
flushes; callers commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from certprep.storage.tables import ServerSecretRow, UserRow, WebSessionRow


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

    def set_password_hash(self, user_id: str, password_hash: str) -> None:
        self.session.execute(
            update(UserRow).where(UserRow.id == user_id).values(password_hash=password_hash)
        )

    def set_accommodation(self, user: UserRow, granted: bool) -> None:
        user.accommodation = granted
        self.session.flush()

    def add_session(self, row: WebSessionRow) -> None:
        self.session.add(row)
        self.session.flush()

    def session_and_user(
        self, token_hash: str, now: datetime
    ) -> tuple[WebSessionRow, UserRow] | None:
        row = self.session.execute(
            select(WebSessionRow, UserRow)
            .join(UserRow, WebSessionRow.user_id == UserRow.id)
            .where(WebSessionRow.token_hash == token_hash, WebSessionRow.expires_at > now)
        ).first()
        return (row[0], row[1]) if row else None

    def touch_session(self, token_hash: str, now: datetime) -> None:
        self.session.execute(
            update(WebSessionRow)
            .where(WebSessionRow.token_hash == token_hash)
            .values(last_seen_at=now)
        )

    def delete_session(self, token_hash: str) -> None:
        self.session.execute(delete(WebSessionRow).where(WebSessionRow.token_hash == token_hash))

    def delete_sessions_of(self, user_id: str) -> int:
        result = self.session.execute(delete(WebSessionRow).where(WebSessionRow.user_id == user_id))
        return int(getattr(result, "rowcount", 0) or 0)

    def session_count(self, user_id: str, now: datetime) -> int:
        return int(
            self.session.scalar(
                select(func.count())
                .select_from(WebSessionRow)
                .where(WebSessionRow.user_id == user_id, WebSessionRow.expires_at > now)
            )
            or 0
        )

    def secret(self, name: str, make: str) -> str:
        """The server secret ``name``, stored as ``make`` if there is none yet (the first of
        several processes to store it wins; the others read what it stored)."""
        found = self.session.get(ServerSecretRow, name)
        if found is not None:
            return found.value
        try:
            with self.session.begin_nested():
                self.session.execute(insert(ServerSecretRow).values(name=name, value=make))
        except IntegrityError:
            pass
        stored = self.session.scalar(
            select(ServerSecretRow.value).where(ServerSecretRow.name == name)
        )
        return stored if stored is not None else make
