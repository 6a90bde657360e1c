"""Fixtures for the ledger tests: a store to fill with transactions, the real tools."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from ledger_support import Books

from emailautomation.store import Database
from support.servers import missing_server


def _tool(name: str, install: str) -> str:
    # bean-check comes with the beancount wheel, next to this interpreter.
    beside = Path(sys.executable).with_name(name)
    found = shutil.which(name) or (str(beside) if beside.is_file() else None)
    if found is None:
        reason = f"{name} is not installed ({install})"
        missing_server(reason)
    return found


@pytest.fixture(scope="session")
def ledger_cli() -> str:
    return _tool("ledger", "Debian package ledger; scripts/test installs it")


@pytest.fixture(scope="session")
def hledger_cli() -> str:
    return _tool("hledger", "Debian package hledger; scripts/test installs it")


@pytest.fixture(scope="session")
def bean_check_cli() -> str:
    return _tool("bean-check", "PyPI package beancount, in the test extra")


def _books(url: str) -> Iterator[Books]:
    database = Database(url)
    session = database.session()
    try:
        yield Books(database, session)
    finally:
        session.close()
        database.close()


@pytest.fixture
def books(sqlite_url: str) -> Iterator[Books]:
    """A SQLite store to put mail accounts and transactions in."""
    yield from _books(sqlite_url)


@pytest.fixture
def any_books(db_url: str) -> Iterator[Books]:
    """The same on SQLite and on PostgreSQL."""
    yield from _books(db_url)
