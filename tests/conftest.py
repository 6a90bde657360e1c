"""Shared fixtures: an isolated user environment, Dovecot, SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import socket
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(TESTS_DIR))

from support.dovecot import Dovecot, DovecotUnavailable  # noqa: E402
from support.servers import missing_server  # noqa: E402

CORPUS_DIR = TESTS_DIR.parent.parent / "shared" / "corpus" / "alerts"
POSTGRES_ADMIN_URL = os.environ.get(
    "EMAILAUTOMATION_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def user_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh home per test: data folder, keychain file, no ambient database."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.delenv("EMAILAUTOMATION_DB", raising=False)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "support.keyring_file.JsonFileKeyring")
    monkeypatch.setenv("EMAILAUTOMATION_TEST_KEYRING", str(tmp_path / "keyring.json"))
    path = os.environ.get("PYTHONPATH", "")
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(p for p in (str(TESTS_DIR), path) if p)
    )
    import keyring.core

    # keyring caches the backend it chose at import; choose again per test.
    keyring.core._keyring_backend = None  # type: ignore[attr-defined]
    keyring.core.init_backend()
    return home


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    server = Dovecot()
    try:
        server.start()
    except DovecotUnavailable as exc:
        missing_server(f"no Dovecot test server: {exc}")
    yield server
    server.stop()


@dataclass
class TestMailbox:
    """One user's INBOX on the test server."""

    server: Dovecot
    user: str
    password: str

    @property
    def host(self) -> str:
        return self.server.host

    @property
    def port(self) -> int:
        return self.server.port

    def deliver(self, messages: list[bytes], internal_date: float | None = None) -> int:
        return self.server.deliver(self.user, messages, internal_date=internal_date)

    def deliver_files(self, paths: list[Path]) -> int:
        return self.deliver([p.read_bytes() for p in paths])

    def account_add_args(self, db_url: str, name: str) -> list[str]:
        """``emailautomation`` arguments that add this mailbox as account ``name``;
        the password goes on standard input."""
        return [
            "--db", db_url, "account", "add", name, "--host", self.host,
            "--port", str(self.port), "--security", "plain", "--user", self.user,
            "--since", "2025-01-01", "--password-stdin",
        ]  # fmt: skip


@pytest.fixture
def mailbox(dovecot: Dovecot) -> TestMailbox:
    user, password = dovecot.add_user()
    return TestMailbox(dovecot, user, password)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'ledger.sqlite3'}"


def _postgres_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A new, empty PostgreSQL database for one test, dropped afterwards."""
    if not _postgres_reachable():
        missing_server("PostgreSQL is not listening on 127.0.0.1:5432")
    try:
        import psycopg
    except ImportError:
        missing_server("psycopg is not installed (pip install '.[postgres]')")
    name = f"ea_test_{uuid.uuid4().hex[:12]}"
    admin = POSTGRES_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest) -> str:
    """Each test using it runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("postgres_url")


@pytest.fixture(scope="session")
def corpus() -> dict[str, dict[str, str] | None]:
    """The shared sample alerts: file name → expected fields (None: no transaction)."""
    if not CORPUS_DIR.is_dir():
        pytest.fail(f"the shared corpus is missing at {CORPUS_DIR}", pytrace=False)
    return json.loads((CORPUS_DIR / "expected.json").read_text())


@pytest.fixture
def corpus_files(corpus: dict[str, object]) -> list[Path]:
    return [CORPUS_DIR / name for name in sorted(corpus)]


AccountFactory = Callable[..., int]


@pytest.fixture
def make_account() -> AccountFactory:
    """Create a mail account in a database, its password in the test keychain."""

    def create(
        db: str,
        mailbox: TestMailbox | None = None,
        *,
        name: str | None = None,
        password: str | None = None,
        **fields: object,
    ) -> int:
        import datetime as dt

        from emailautomation import secrets
        from emailautomation.store import Database, MailAccount

        values: dict[str, object] = {
            "name": name or f"account-{uuid.uuid4().hex[:6]}",
            "host": mailbox.host if mailbox else "127.0.0.1",
            "port": mailbox.port if mailbox else 1,
            "security": "plain",
            "username": mailbox.user if mailbox else "nobody",
            "since_date": dt.date(2025, 1, 1),
        }
        values.update(fields)
        database = Database(db)
        try:
            with database.session() as session:
                account = MailAccount(**values)
                session.add(account)
                session.flush()
                secret = (
                    password
                    if password is not None
                    else mailbox.password
                    if mailbox
                    else "x"
                )
                secrets.set_password(account.secret_ref, secret)
                session.commit()
                return account.id
        finally:
            database.close()

    return create
