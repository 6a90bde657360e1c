"""Schema, migrations and database selection on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select, text

from emailautomation.store import (
    Base,
    Database,
    MailAccount,
    ProcessedMessage,
    Transaction,
    resolve_database_url,
)
from emailautomation.store.database import current_revision, head_revision


def test_migrations_create_exactly_the_models(db_url):
    with Database(db_url) as database:
        assert current_revision(database.engine) == head_revision()
        with database.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []


def test_opening_twice_is_a_no_op(sqlite_url):
    Database(sqlite_url).close()
    with Database(sqlite_url) as again:
        assert current_revision(again.engine) == head_revision()
        tables = set(inspect(again.engine).get_table_names())
    assert {"mail_accounts", "transactions", "processed_messages", "runs"} <= tables


def test_money_round_trips_exactly(db_url):
    with Database(db_url) as database, database.session() as session:
        account = MailAccount(name="a", host="h", port=993, username="u")
        session.add(account)
        session.flush()
        message = ProcessedMessage(
            account_id=account.id, key="k", outcome="transaction"
        )
        session.add(message)
        session.flush()
        session.add(
            Transaction(
                mail_account_id=account.id,
                message_id=message.id,
                amount=Decimal("123456789.01"),
                currency="INR",
                direction="debit",
                date=dt.date(2025, 11, 3),
                time=dt.time(12, 1, 45),
            )
        )
        session.commit()
        row = session.scalar(select(Transaction))
        assert row.amount == Decimal("123456789.01")
        assert isinstance(row.amount, Decimal)
        assert row.time == dt.time(12, 1, 45)


def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(sqlite_url):
    with Database(sqlite_url) as database, database.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30000


def test_deleting_an_account_deletes_its_messages(sqlite_url):
    with Database(sqlite_url) as database, database.session() as session:
        account = MailAccount(name="a", host="h", port=993, username="u")
        session.add(account)
        session.flush()
        session.add(ProcessedMessage(account_id=account.id, key="k", outcome="ignored"))
        session.commit()
        session.delete(account)
        session.commit()
        assert session.scalar(select(ProcessedMessage)) is None


def test_default_database_is_a_sqlite_file_in_the_user_data_folder(user_environment):
    url = resolve_database_url()
    expected = user_environment / ".local" / "share" / "emailautomation"
    assert url == f"sqlite:///{expected / 'emailautomation.sqlite3'}"
    assert expected.is_dir()


def test_environment_variable_and_explicit_url_take_precedence(monkeypatch, tmp_path):
    monkeypatch.setenv("EMAILAUTOMATION_DB", "sqlite:////tmp/from-env.sqlite3")
    assert resolve_database_url() == "sqlite:////tmp/from-env.sqlite3"
    assert resolve_database_url("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"
    bare = tmp_path / "ledger.db"
    assert resolve_database_url(str(bare)) == f"sqlite:///{bare}"
    assert (
        resolve_database_url("postgresql://postgres@127.0.0.1/test")
        == "postgresql+psycopg://postgres@127.0.0.1/test"
    )


def test_effective_since_defaults_to_90_days_before_the_account_was_added():
    account = MailAccount(created_at=dt.datetime(2026, 3, 1, 12, 0))
    assert account.effective_since() == dt.date(2025, 12, 1)
    account.since_date = dt.date(2024, 1, 1)
    assert account.effective_since() == dt.date(2024, 1, 1)


def test_migration_files_ship_inside_the_package():
    import emailautomation.store.database as database

    versions = Path(database.MIGRATIONS_DIR) / "versions"
    assert (database.MIGRATIONS_DIR / "env.py").is_file()
    assert any(versions.glob(f"{head_revision()}_*.py"))
