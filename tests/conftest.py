"""Shared fixtures: the fixture bank, a fixed clock, and databases (SQLite and PostgreSQL)."""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from certprep.bank.loader import Bank, bundled_bank_path, load_bank, load_blueprint
from certprep.clock import FixedClock
from certprep.domain.blueprint import Blueprint
from certprep.runtime import Runtime
from certprep.services.exams import ExamService
from certprep.storage.database import make_engine, migrate

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_BANK = FIXTURES / "bank"
POSTGRES_URL = os.environ.get(
    "CERTPREP_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(scope="session")
def blueprint() -> Blueprint:
    return load_blueprint(bundled_bank_path())


@pytest.fixture(scope="session")
def bank() -> Bank:
    return load_bank(FIXTURE_BANK)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@functools.cache
def _postgres_available() -> bool:
    engine = sa.create_engine(POSTGRES_URL)
    try:
        with engine.connect():
            return True
    except sa.exc.OperationalError:
        return False
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database on each backend (PostgreSQL: a schema of its own)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'certprep.db'}"
        return
    if not _postgres_available():
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_URL} (CI must start it)")
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES_URL}")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in POSTGRES_URL else "?"
    yield f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def sessions(database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(database_url)
    migrate(engine)
    yield sessionmaker(engine, expire_on_commit=False)
    engine.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'certprep.db'}"


@pytest.fixture
def service(sqlite_url: str, bank: Bank, clock: FixedClock) -> ExamService:
    rt = Runtime(bank_path=FIXTURE_BANK, database_url=sqlite_url, clock=clock)
    rt.__dict__["bank"] = bank  # share the session-wide loaded bank
    return rt.exams


@pytest.fixture
def runtime(sqlite_url: str, bank: Bank, clock: FixedClock) -> Runtime:
    rt = Runtime(bank_path=FIXTURE_BANK, database_url=sqlite_url, clock=clock)
    rt.__dict__["bank"] = bank
    return rt
