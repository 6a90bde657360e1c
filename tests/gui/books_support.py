"""For the ledger window tests: tabs loaded, what the database holds, hledger."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from emailautomation.ledger import list_mappings, list_rules, load_defaults
from emailautomation.store import Database


def show_tab(qtbot: Any, window: Any, tab: int) -> None:
    """Switch to a ledger tab and wait until its setup is read."""
    state = window.ledger_setup
    window.tabs.setCurrentIndex(tab)
    qtbot.waitUntil(
        lambda: state.loaded_once and not state.loading and not state.busy,
        timeout=10000,
    )


def wait_setup(qtbot: Any, window: Any) -> None:
    state = window.ledger_setup
    qtbot.waitUntil(lambda: not state.busy and not state.loading, timeout=10000)


def stored_mappings(db_url: str) -> list[tuple[str, str]]:
    with Database(db_url) as database, database.session() as session:
        return [(m.digits, m.ledger_account) for m in list_mappings(session)]


def stored_rules(db_url: str) -> list[tuple[int, str, str, str]]:
    """(position, match, pattern, category) in the table's order."""
    with Database(db_url) as database, database.session() as session:
        return [
            (r.position, r.match, r.pattern, r.category) for r in list_rules(session)
        ]


def stored_defaults(db_url: str) -> tuple[str, str, str]:
    with Database(db_url) as database, database.session() as session:
        defaults = load_defaults(session)
        return defaults.account, defaults.debit_category, defaults.credit_category


def hledger() -> str:
    """The hledger program; skip without it (fail under CI=true)."""
    found = shutil.which("hledger")
    if found is None:
        reason = "hledger is not installed (Debian package hledger)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason} (required under CI=true)", pytrace=False)
        pytest.skip(reason)
    return found


def hledger_check(path: Path) -> str:
    """Run ``hledger check --strict`` on the file; return ``hledger print``."""
    program = hledger()
    checked = subprocess.run(
        [program, "-f", str(path), "check", "--strict"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
    printed = subprocess.run(
        [program, "-f", str(path), "print"],
        capture_output=True,
        text=True,
        check=True,
    )
    return printed.stdout
