"""Accounts for the multi-user mode: register, sign in, sessions, sign out (here or everywhere),
and the settings an administrator keeps per account.

Passwords are hashed with argon2id at parameters chosen for a server (``HASH_*``:
19 MiB, 2 passes, 1 lane: OWASP's recommended minimum), and at most ``HASH_SLOTS`` hashes run
at once, so that a burst of sign-ins costs at most ``HASH_SLOTS`` x 19 MiB and queues rather
than exhausting memory. Sign-in is throttled per account and per client address
(``domain.throttle``). Sessions end 14 days after sign-in, or after ``SESSION_IDLE`` without
a request.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from certprep.clock import Clock
from certprep.domain.passwords import password_problem
from certprep.domain.throttle import SignInThrottle
from certprep.errors import CertprepError, NotFound
from certprep.storage.accounts import AccountRepository
from certprep.storage.tables import UserRow, WebSessionRow

SESSION_LIFETIME = timedelta(days=14)
SESSION_IDLE = timedelta(hours=2)
#: how stale a session's "last seen" may get before a request writes it again
LAST_SEEN_RESOLUTION = timedelta(minutes=5)
#: argon2id at OWASP's recommended minimum for servers: 19 MiB, 2 passes, 1 lane
HASH_MEMORY_KIB, HASH_PASSES, HASH_LANES = 19 * 1024, 2, 1
HASH_SLOTS = 2
HASH_WAIT_SECONDS = 10.0
_USERNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{3,32}$")
T = TypeVar("T")


class AccountError(CertprepError):
    """Registration or sign-in refused; the message is safe to show."""


class TooManyAttempts(AccountError):
    """Sign-in throttled: ``retry_after`` seconds to wait (HTTP 429)."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed sign-ins: try again in {retry_after} s")
        self.retry_after = retry_after


class ServerBusy(AccountError):
    """Every password-hashing slot stayed busy (HTTP 503): try again in a moment."""


@dataclass(frozen=True)
class User:
    id: str
    username: str
    accommodation: bool = False
    admin: bool = False


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _user(row: UserRow) -> User:
    return User(row.id, row.username, bool(row.accommodation), bool(row.admin))


class AccountService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock) -> None:
        from argon2 import PasswordHasher

        self.sessions, self.clock = sessions, clock
        self.hasher = PasswordHasher(
            time_cost=HASH_PASSES, memory_cost=HASH_MEMORY_KIB, parallelism=HASH_LANES
        )
        self.throttle = SignInThrottle()
        self._slots = threading.BoundedSemaphore(HASH_SLOTS)
        self._throttle_lock = threading.Lock()
        # verifying against a dummy hash for unknown names keeps sign-in time the same
        self._dummy_hash = self.hasher.hash(secrets.token_hex(16))

    @contextmanager
    def _hash_slot(self) -> Iterator[None]:
        if not self._slots.acquire(timeout=HASH_WAIT_SECONDS):
            raise ServerBusy("the server is busy signing people in: try again in a moment")
        try:
            yield
        finally:
            self._slots.release()

    def _hashing(self, work: Callable[[], T]) -> T:
        with self._hash_slot():
            return work()

    def register(self, username: str, password: str, address: str = "") -> User:
        username = username.strip()
        if not _USERNAME_RE.match(username):
            raise AccountError("a username is 3-32 letters, digits, '.', '_' or '-'")
        if problem := password_problem(password, username):
            raise AccountError(problem)
        self._check_throttle("", address)
        row = UserRow(
            id=secrets.token_hex(8),
            username=username,
            password_hash=self._hashing(lambda: self.hasher.hash(password)),
            created_at=self.clock.now(),
            accommodation=False,
        )
        try:
            with self.sessions.begin() as session:
                repo = AccountRepository(session)
                if repo.by_username(username) is not None:
                    raise AccountError("that username is taken")
                repo.add_user(row)
        except IntegrityError:
            raise AccountError("that username is taken") from None
        return _user(row)

    def authenticate(self, username: str, password: str, address: str = "") -> User:
        from argon2.exceptions import InvalidHashError, VerifyMismatchError

        self._check_throttle(username, address)
        with self.sessions() as session:  # no transaction is held while the hash is verified
            row = AccountRepository(session).by_username(username.strip())
            stored = row.password_hash if row else self._dummy_hash
            user = _user(row) if row else None
        try:
            self._hashing(lambda: self.hasher.verify(stored, password))
        except (VerifyMismatchError, InvalidHashError):
            user = None
        if user is None:
            with self._throttle_lock:
                self.throttle.failed(username, address, self.clock.now())
            raise AccountError("wrong username or password")
        with self._throttle_lock:
            self.throttle.succeeded(username, address)
        if self.hasher.check_needs_rehash(stored):
            fresh = self._hashing(lambda: self.hasher.hash(password))
            with self.sessions.begin() as session:
                AccountRepository(session).set_password_hash(user.id, fresh)
        return user

    def _check_throttle(self, username: str, address: str) -> None:
        with self._throttle_lock:
            wait = self.throttle.retry_after(username, address, self.clock.now())
        if wait is not None:
            raise TooManyAttempts(wait)

    # -- sessions ---------------------------------------------------------------------------
    def open_session(self, user: User) -> str:
        """A new session token for the cookie (only its hash is stored)."""
        token = secrets.token_urlsafe(32)
        now = self.clock.now()
        with self.sessions.begin() as session:
            AccountRepository(session).add_session(
                WebSessionRow(
                    token_hash=token_hash(token),
                    user_id=user.id,
                    created_at=now,
                    expires_at=now + SESSION_LIFETIME,
                    last_seen_at=now,
                )
            )
        return token

    def user_for(self, token: str) -> User | None:
        """The signed-in user of a session token; None once it expired or sat idle too long."""
        now = self.clock.now()
        with self.sessions() as session:
            repo = AccountRepository(session)
            found = repo.session_and_user(token_hash(token), now)
            if found is None:
                return None
            web_session, row = found
            seen = web_session.last_seen_at or web_session.created_at
            if now - seen > SESSION_IDLE:
                return None
            if now - seen > LAST_SEEN_RESOLUTION:
                repo.touch_session(web_session.token_hash, now)
                session.commit()
            return _user(row)

    def close_session(self, token: str) -> None:
        with self.sessions.begin() as session:
            AccountRepository(session).delete_session(token_hash(token))

    def close_all_sessions(self, user: User) -> int:
        """Sign out everywhere: every session of the user ends. Returns how many did."""
        with self.sessions.begin() as session:
            return AccountRepository(session).delete_sessions_of(user.id)

    def session_count(self, user: User) -> int:
        with self.sessions() as session:
            return AccountRepository(session).session_count(user.id, self.clock.now())

    # -- administration ---------------------------------------------------------------------
    def set_admin(self, username: str, granted: bool) -> User:
        with self.sessions.begin() as session:
            repo = AccountRepository(session)
            row = repo.by_username(username.strip())
            if row is None:
                raise NotFound(f"no account {username!r}")
            row.admin = granted
            session.flush()
            return _user(row)

    def set_accommodation(self, username: str, granted: bool) -> User:
        with self.sessions.begin() as session:
            repo = AccountRepository(session)
            row = repo.by_username(username.strip())
            if row is None:
                raise NotFound(f"no account {username!r}")
            repo.set_accommodation(row, granted)
            return _user(row)


def server_secret(sessions: sessionmaker[Session], name: str) -> bytes:
    """A 256-bit key the server signs with, made once and shared through the database by every
    process (so that a token signed by one worker holds in another, and after a restart)."""
    with sessions.begin() as session:
        return bytes.fromhex(AccountRepository(session).secret(name, secrets.token_hex(32)))
