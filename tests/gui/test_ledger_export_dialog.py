"""File → Export: the dialog writes files the real tools accept, on the pool."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from books_support import hledger, hledger_check
from gui_support import insert_transactions
from PySide6.QtCore import QDate, Qt

from emailautomation.ledger import Format, RuleDraft, add_rule, save_mapping
from emailautomation.store import Database

pytestmark = pytest.mark.gui


@pytest.fixture
def books(sqlite_url, make_account) -> dict[str, int]:
    """Two mail accounts, four transactions in two currencies, a mapping, a rule."""
    home = make_account(sqlite_url, name="Home")
    work = make_account(sqlite_url, name="Work")
    insert_transactions(
        sqlite_url,
        home,
        [
            {
                "amount": Decimal("789.00"),
                "merchant": "BIGBASKET",
                "date": dt.date(2025, 11, 3),
            },
            {
                "amount": Decimal("5000"),
                "merchant": "Salary ACME",
                "direction": "credit",
                "account": "0042",
                "date": dt.date(2025, 12, 1),
            },
        ],
    )
    insert_transactions(
        sqlite_url,
        work,
        [
            {
                "amount": Decimal("12.40"),
                "merchant": "Pret A Manger",
                "currency": "GBP",
                "account": "5566",
                "date": dt.date(2025, 11, 20),
            },
            {
                "amount": Decimal("8.10"),
                "merchant": "Pret A Manger",
                "currency": "GBP",
                "account": "5566",
                "date": dt.date(2025, 12, 4),
            },
        ],
    )
    with Database(sqlite_url) as database, database.session() as session:
        save_mapping(session, "4321", "Liabilities:CreditCard:HDFC")
        save_mapping(session, "5566", "Assets:Bank:Monzo")
        add_rule(session, RuleDraft("contains", "bigbasket", "Expenses:Groceries"))
    return {"home": home, "work": work}


def open_export(qtbot, window):
    window.export_action.trigger()  # File → Export…
    dialog = window.export_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.accounts_list.count() > 0, timeout=10000)
    return dialog


def export(qtbot, dialog) -> str:
    """Press Export; wait for the outcome; return what the dialog says."""
    with qtbot.waitSignal(dialog.exported, timeout=20000):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
        # The click returns at once: the export runs on the pool.
        assert dialog.running and not dialog.export_button.isEnabled()
    assert not dialog.running
    return dialog.result_label.text()


def test_file_export_writes_a_journal_hledger_checks_and_appends_only_new_entries(
    qtbot, open_window, sqlite_url, tmp_path, books
):
    hledger()
    window = open_window(sqlite_url)
    dialog = open_export(qtbot, window)
    dialog.set_format(Format.HLEDGER)
    target = tmp_path / "books.journal"
    qtbot.keyClicks(dialog.destination_edit, str(target))

    said = export(qtbot, dialog)
    assert said == f"Wrote 4 entries (hledger) to {target}."
    printed = hledger_check(target)
    assert printed.count("message-id:") == 4
    assert "Expenses:Groceries" in printed and "Liabilities:CreditCard:HDFC" in printed
    assert "Assets:Bank:Monzo" in printed and "GBP" in printed

    # Appending: nothing new, then only the transaction stored since.
    dialog.new_only_check.setChecked(True)
    said = export(qtbot, dialog)
    assert said.startswith("Nothing new: all 4 entries")
    insert_transactions(
        sqlite_url,
        books["home"],
        [
            {
                "amount": Decimal("240"),
                "merchant": "BIGBASKET",
                "date": dt.date(2025, 12, 9),
            }
        ],
    )
    said = export(qtbot, dialog)
    assert said.startswith("Appended 1 entry (hledger)")
    assert "4 exported there before were left out" in said
    printed = hledger_check(target)
    assert printed.count("message-id:") == 5
    assert "2025-12-09" in printed


def test_replacing_a_file_the_app_did_not_write_asks_first(
    qtbot, open_window, sqlite_url, tmp_path, books
):
    hledger()
    target = tmp_path / "mine.journal"
    own = "; my own journal, kept by hand\n"
    target.write_text(own)
    window = open_window(sqlite_url)
    dialog = open_export(qtbot, window)
    dialog.set_format(Format.HLEDGER)
    dialog.destination_edit.setText(str(target))

    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    box = dialog.replace_box
    assert box is not None and str(target) in box.text()
    box.button(box.StandardButton.Cancel).click()
    assert dialog.result_label.text() == "Nothing exported."
    qtbot.wait(200)
    assert target.read_text() == own

    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    box = dialog.replace_box
    with qtbot.waitSignal(dialog.exported, timeout=20000):
        box.button(box.StandardButton.Yes).click()
    assert "Wrote 4 entries" in dialog.result_label.text()
    assert hledger_check(target).count("message-id:") == 4

    # The file is this export's now: exporting again does not ask.
    said = export(qtbot, dialog)
    assert dialog.replace_box is None
    assert said.startswith("Wrote 4 entries")


def test_the_account_filter_and_dates_limit_what_is_written(
    qtbot, open_window, sqlite_url, tmp_path, books
):
    window = open_window(sqlite_url)
    dialog = open_export(qtbot, window)
    names = [
        dialog.accounts_list.item(r).data(Qt.ItemDataRole.UserRole)
        for r in range(dialog.accounts_list.count())
    ]
    assert {"Home", "Work", "Assets:Bank:Monzo", "Expenses:Groceries"} <= set(names)

    dialog.set_format(Format.CSV)
    dialog.set_account_checked("Work")
    dialog.since_edit.setDate(QDate(2025, 12, 1))
    target = tmp_path / "work.csv"
    dialog.destination_edit.setText(str(target))
    said = export(qtbot, dialog)
    assert said.startswith("Wrote 1 entry (csv)")
    with target.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["date"], r["amount"], r["currency"]) for r in rows] == [
        ("2025-12-04", "-8.10", "GBP")
    ]
    assert rows[0]["account"] == "Assets:Bank:Monzo"

    # A ledger account keeps its sub-accounts' entries, whatever the mailbox.
    dialog.set_account_checked("Work", False)
    dialog.set_account_checked("Expenses:Groceries")
    dialog.since_edit.setDate(dialog.since_edit.minimumDate())
    said = export(qtbot, dialog)
    with target.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["merchant"], r["category"]) for r in rows] == [
        ("BIGBASKET", "Expenses:Groceries")
    ]


def test_what_cannot_be_exported_is_said_and_nothing_is_written(
    qtbot, open_window, sqlite_url, tmp_path, books
):
    window = open_window(sqlite_url)
    dialog = open_export(qtbot, window)

    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialog.error.isVisible() and "Choose the file" in dialog.error.text()

    dialog.destination_edit.setText(str(tmp_path / "books.journal"))
    dialog.since_edit.setDate(QDate(2025, 12, 5))
    dialog.until_edit.setDate(QDate(2025, 11, 1))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert "is after the last" in dialog.error.text()
    assert not dialog.running

    dialog.until_edit.setDate(dialog.until_edit.minimumDate())
    missing = tmp_path / "no-such-folder" / "books.journal"
    dialog.destination_edit.setText(str(missing))
    with qtbot.waitSignal(dialog.failed, timeout=20000) as failed:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert "does not exist" in failed.args[0]
    assert dialog.error.isVisible() and "Not exported" in dialog.error.text()
    assert dialog.export_button.isEnabled()
    assert not missing.parent.exists()
    assert not Path(tmp_path / "books.journal").exists()
