"""The transactions view: sorting, search, filters, totals, and edits that are kept."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from gui_support import insert_transactions, wait_views
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QLineEdit
from sqlalchemy import select

from emailautomation.store import Database, Transaction
from emailautomation.ui.transactions import AMOUNT, DATE, MERCHANT, NOTES

pytestmark = pytest.mark.gui


@pytest.fixture
def ledger(sqlite_url, make_account):
    """Two mail accounts with a few transactions in two currencies."""
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
                "time": dt.time(9, 30),
            },
            {
                "amount": Decimal("1250.50"),
                "merchant": "Amazon Pay",
                "date": dt.date(2025, 11, 20),
            },
            {
                "amount": Decimal("5000"),
                "merchant": "Salary ACME",
                "direction": "credit",
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
                "bank": "Monzo",
                "date": dt.date(2025, 12, 2),
            },
        ],
    )
    return {"home": home, "work": work}


def shown_merchants(page) -> list[str]:
    model = page.model
    return [model.row_at(r).merchant for r in range(model.rowCount())]


def test_sorting_search_filters_and_totals(qtbot, open_window, sqlite_url, ledger):
    window = open_window(sqlite_url)
    page = window.transactions
    assert page.model.rowCount() == 4
    # Newest first when the window opens.
    assert shown_merchants(page)[0] == "Pret A Manger"

    page.table.sortByColumn(AMOUNT, Qt.SortOrder.AscendingOrder)
    assert shown_merchants(page) == [
        "Pret A Manger",
        "BIGBASKET",
        "Amazon Pay",
        "Salary ACME",
    ]
    page.table.sortByColumn(MERCHANT, Qt.SortOrder.AscendingOrder)
    assert shown_merchants(page)[0] == "Amazon Pay"

    assert "4 transactions" in page.totals.text()
    assert "INR: out 2,039.50, in 5,000.00" in page.totals.text()
    assert "GBP: out 12.40" in page.totals.text()

    qtbot.keyClicks(page.search, "amazon")
    assert shown_merchants(page) == ["Amazon Pay"]
    assert page.totals.text().startswith("1 of 4 transactions shown")
    page.search.clear()
    qtbot.keyClicks(page.search, "1,250.50")
    assert shown_merchants(page) == ["Amazon Pay"]
    page.search.clear()

    page.account_filter.setCurrentIndex(page.account_filter.findData(ledger["work"]))
    assert shown_merchants(page) == ["Pret A Manger"]
    assert "INR" not in page.totals.text()
    page.account_filter.setCurrentIndex(0)

    page.date_from.setDate(QDate(2025, 11, 10))
    page.date_to.setDate(QDate(2025, 11, 30))
    assert shown_merchants(page) == ["Amazon Pay"]
    qtbot.mouseClick(page.clear_button, Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == 4
    assert page.date_from.text() == "Any"


def edit_cell(qtbot, page, row: int, column: int, text: str) -> None:
    """Edit a cell the way a person does: select it, F2, type, Enter."""
    index = page.model.index(row, column)
    page.table.setCurrentIndex(index)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_F2)
    editor = page.table.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def row_of(page, merchant_part: str) -> int:
    for position in range(page.model.rowCount()):
        if merchant_part in (page.model.row_at(position).merchant or ""):
            return position
    raise AssertionError(f"no row with {merchant_part!r}")


def stored(db_url: str, merchant_part: str) -> Transaction:
    with Database(db_url) as database, database.session() as session:
        return session.scalars(
            select(Transaction).where(Transaction.merchant.contains(merchant_part))
        ).one()


def test_an_edit_is_saved_marked_and_still_there_after_reopening(
    qtbot, open_window, sqlite_url, ledger
):
    window = open_window(sqlite_url)
    page = window.transactions
    with qtbot.waitSignal(page.editSaved, timeout=10000):
        edit_cell(
            qtbot, page, row_of(page, "BIGBASKET"), MERCHANT, "BigBasket groceries"
        )
    with qtbot.waitSignal(page.editSaved, timeout=10000):
        edit_cell(qtbot, page, row_of(page, "Amazon"), AMOUNT, "1,300.75")

    row = stored(sqlite_url, "BigBasket groceries")
    assert row.edited_fields == ["merchant"] and row.edited_at is not None
    amazon = stored(sqlite_url, "Amazon")
    assert amazon.amount == Decimal("1300.75") and amazon.edited_fields == ["amount"]
    window.close()

    again = open_window(sqlite_url)
    page = again.transactions
    position = row_of(page, "BigBasket groceries")
    index = page.model.index(position, MERCHANT)
    assert index.data(Qt.ItemDataRole.EditRole) == "BigBasket groceries"
    assert index.data(Qt.ItemDataRole.FontRole).italic()
    assert "Edited by hand" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert page.model.index(position, NOTES).data() == "edited"
    amount = page.model.index(row_of(page, "Amazon"), AMOUNT)
    assert amount.data() == "INR 1,300.75"
    assert "INR: out 2,089.75" in page.totals.text()


def test_an_unreadable_amount_is_refused_and_nothing_changes(
    qtbot, open_window, sqlite_url, ledger
):
    window = open_window(sqlite_url)
    page = window.transactions
    edit_cell(qtbot, page, row_of(page, "BIGBASKET"), AMOUNT, "twelve")
    qtbot.waitUntil(lambda: "is not an amount" in page.edit_status.text())
    edit_cell(qtbot, page, row_of(page, "BIGBASKET"), AMOUNT, "-5")
    qtbot.waitUntil(lambda: "without a sign" in page.edit_status.text())
    qtbot.wait(200)
    row = stored(sqlite_url, "BIGBASKET")
    assert row.amount == Decimal("789.00") and row.edited_fields == []
    assert page.model.index(row_of(page, "BIGBASKET"), AMOUNT).data() == "INR 789.00"
    assert not page.model.index(0, DATE).flags() & Qt.ItemFlag.ItemIsEditable


def test_column_layout_and_window_geometry_are_remembered(
    qtbot, open_window, sqlite_url, ledger
):
    window = open_window(sqlite_url)
    # Within the offscreen screen (800×600), which a restored window must fit.
    width = min(795, window.minimumSizeHint().width() + 10)
    window.resize(width, 540)
    window.main_splitter.setSizes([300, 600])
    window.transactions.table.setColumnWidth(MERCHANT, 333)
    window.tabs.setCurrentIndex(3)
    qtbot.wait(50)
    sizes = window.main_splitter.sizes()
    window.close()

    again = open_window(sqlite_url)
    wait_views(qtbot, again)
    assert again.size().width() == width and again.size().height() == 540
    assert again.main_splitter.sizes() == sizes
    assert again.transactions.table.columnWidth(MERCHANT) == 333
    assert again.tabs.currentIndex() == 3
