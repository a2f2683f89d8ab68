"""Accounts for the multi-user mode: register, sign in (argon2 hashes), sessions, sign out."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from certprep.clock import Clock
from certprep.errors import CertprepError
from certprep.storage.accounts import AccountRepository
from certprep.storage.tables import UserRow, WebSessionRow

SESSION_LIFETIME = timedelta(days=14)
_USERNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{3,32}$")
MIN_PASSWORD = 10


class AccountError(CertprepError):
    """Registration or sign-in refused; the message is safe to show."""


@dataclass(frozen=True)
class User:
    id: str
    username: str


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AccountService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock) -> None:
        from argon2 import PasswordHasher

        self.sessions, self.clock = sessions, clock
        self.hasher = PasswordHasher()
        # verifying against a dummy hash for unknown names keeps sign-in time the same
        self._dummy_hash = self.hasher.hash(secrets.token_hex(16))

    def register(self, username: str, password: str) -> User:
        username = username.strip()
        if not _USERNAME_RE.match(username):
            raise AccountError("a username is 3-32 letters, digits, '.', '_' or '-'")
        if len(password) < MIN_PASSWORD:
            raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")
        row = UserRow(
            id=secrets.token_hex(8),
            username=username,
            password_hash=self.hasher.hash(password),
            created_at=self.clock.now(),
        )
        try:
            with self.sessions.begin() as session:
                repo = AccountRepository(session)
                if repo.by_username(username) is not None:
                    raise AccountError("that username is taken")
                repo.add_user(row)
        except IntegrityError:
            raise AccountError("that username is taken") from None
        return User(row.id, row.username)

    def authenticate(self, username: str, password: str) -> User:
        from argon2.exceptions import InvalidHashError, VerifyMismatchError

        with self.sessions.begin() as session:
            repo = AccountRepository(session)
            row = repo.by_username(username.strip())
            try:
                self.hasher.verify(row.password_hash if row else self._dummy_hash, password)
            except (VerifyMismatchError, InvalidHashError):
                raise AccountError("wrong username or password") from None
            if row is None:
                raise AccountError("wrong username or password")
            if self.hasher.check_needs_rehash(row.password_hash):
                repo.set_password_hash(row, self.hasher.hash(password))
            return User(row.id, row.username)

    def open_session(self, user: User) -> str:
        """A new session token for the cookie (only its hash is stored)."""
        token = secrets.token_urlsafe(32)
        now = self.clock.now()
        with self.sessions.begin() as session:
            AccountRepository(session).add_session(
                WebSessionRow(
                    token_hash=_token_hash(token),
                    user_id=user.id,
                    created_at=now,
                    expires_at=now + SESSION_LIFETIME,
                )
            )
        return token

    def user_for(self, token: str) -> User | None:
        with self.sessions() as session:
            row = AccountRepository(session).user_for_session(_token_hash(token), self.clock.now())
            return User(row.id, row.username) if row else None

    def close_session(self, token: str) -> None:
        with self.sessions.begin() as session:
            AccountRepository(session).delete_session(_token_hash(token))
