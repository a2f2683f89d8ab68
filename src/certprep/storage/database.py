"""Where the data lives, the engine, and migrations applied on first use."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from certprep.errors import CertprepError

MIGRATIONS = Path(__file__).parent / "migrations"


class StorageError(CertprepError):
    """The database cannot be opened or migrated; the message says which and why."""


def data_dir() -> Path:
    override = os.environ.get("CERTPREP_DATA_DIR")
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir("certprep", appauthor=False))


def database_url() -> str:
    url = os.environ.get("CERTPREP_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{data_dir() / 'certprep.db'}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _sqlite_folder(path: Path) -> None:
    """certprep makes its own data directory; a folder named in a URL must exist already (a
    typo in CERTPREP_DATABASE_URL must not quietly create a new, empty database)."""
    if path.parent.is_dir():
        return
    if path.parent.resolve() != data_dir().resolve():
        raise StorageError(
            f"the folder {path.parent} does not exist: create it, or correct CERTPREP_DATABASE_URL"
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(
            f"cannot create the data directory {path.parent}: {exc.strerror}"
        ) from None


def make_engine(url: str | None = None) -> Engine:
    url = url or database_url()
    if url.startswith("sqlite:///"):
        _sqlite_folder(Path(url.removeprefix("sqlite:///")))
    try:
        # a ping before each checkout guards against a server that dropped the connection;
        # an embedded SQLite file has no server
        engine = create_engine(url, pool_pre_ping=not url.startswith("sqlite"))
    except ModuleNotFoundError as exc:
        if url.startswith("postgresql") and "psycopg" in str(exc):
            raise StorageError(
                "PostgreSQL needs its driver: install it with pip install 'certprep[postgres]'"
            ) from None
        raise StorageError(f"cannot use database URL {url!r}: {exc}") from None
    except Exception as exc:  # bad URL, missing driver
        raise StorageError(f"cannot use database URL {url!r}: {exc}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (idempotent)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except Exception as exc:
        raise StorageError(f"cannot open the database at {engine.url!r}: {exc}") from None


def open_database(url: str | None = None) -> sessionmaker[Session]:
    engine = make_engine(url)
    migrate(engine)
    return sessionmaker(engine, expire_on_commit=False)
