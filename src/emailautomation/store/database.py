"""Engine and session factory, database URL resolution, and migration on open."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from emailautomation import APP_NAME
from emailautomation.errors import ConfigurationError

log = logging.getLogger(__name__)

DB_ENV = "EMAILAUTOMATION_DB"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def default_database_url() -> str:
    """The SQLite file in the user's data folder (created when missing)."""
    from platformdirs import user_data_path

    folder = user_data_path(APP_NAME, appauthor=False, ensure_exists=True)
    return f"sqlite:///{folder / 'emailautomation.sqlite3'}"


def resolve_database_url(explicit: str | None = None) -> str:
    """Pick the database: ``--db`` first, then ``EMAILAUTOMATION_DB``, then the default.

    A bare file path is accepted and read as a SQLite file.
    """
    url = explicit or os.environ.get(DB_ENV) or default_database_url()
    if "://" not in url:
        url = f"sqlite:///{Path(url).expanduser().resolve()}"
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigurationError(f"Not a database URL: {url!r}") from exc
    if parsed.drivername == "postgresql":
        # psycopg 3 is the driver we ship with the "postgres" extra.
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(
            hide_password=False
        )
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    # WAL with NORMAL is durable across application crashes; only a power
    # loss can roll back the last commits, never corrupt the file.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            try:
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ConfigurationError(
                    f"Cannot create the folder for the database {database}: "
                    f"{exc.strerror or exc}"
                ) from None
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def head_revision() -> str:
    """The newest migration, read from file names (``0001_initial.py`` → ``0001``).

    Reading names instead of loading Alembic keeps a no-op start fast.
    """
    names = [
        p.name.split("_", 1)[0]
        for p in (MIGRATIONS_DIR / "versions").glob("[0-9]*_*.py")
    ]
    return max(names)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def migrate(engine: Engine) -> None:
    """Bring the schema up to the newest migration (no-op when it already is)."""
    try:
        if current_revision(engine) == head_revision():
            return
    except OperationalError as exc:
        raise ConfigurationError(
            f"Cannot open the database {engine.url.render_as_string()}: {exc.orig}"
        ) from exc

    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        log.info("migrating database schema to %s", head_revision())
        command.upgrade(config, "head")


class Database:
    """An engine and its session factory, owned by the thread that made it.

    Create one inside the thread (or process) that uses it and ``close()`` it
    there; never hand it, or a session from it, to another thread.
    """

    def __init__(self, url: str, *, migrate_schema: bool = True) -> None:
        self.url = url
        self.engine = make_engine(url)
        if migrate_schema:
            migrate(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def session(self) -> Session:
        return self._sessions()

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def open_database(url: str | None = None) -> Database:
    """Open (and migrate) the database chosen by ``url``, the environment or default."""
    return Database(resolve_database_url(url))
