"""A category chosen in the transactions view, and the offer to make it a rule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from books_support import stored_rules
from gui_support import insert_transactions
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from sqlalchemy import select

from emailautomation.ledger import RuleDraft, add_rule
from emailautomation.store import Database, Transaction
from emailautomation.ui.transactions import CATEGORY, NOTES

pytestmark = pytest.mark.gui


@pytest.fixture
def swiggy_orders(sqlite_url, make_account) -> int:
    """Five uncategorised food orders, one other merchant, one already categorised."""
    account_id = make_account(sqlite_url, name="Personal")
    rows = [
        {"amount": Decimal("450"), "merchant": "SWIGGY BANGALORE", "day": 2},
        {"amount": Decimal("120"), "merchant": "SWIGGY BANGALORE", "day": 5},
        {"amount": Decimal("310"), "merchant": "swiggy  bangalore", "day": 8},
        {"amount": Decimal("275"), "merchant": "SWIGGY INSTAMART", "day": 11},
        {"amount": Decimal("999"), "merchant": "Croma Electronics", "day": 14},
        {"amount": Decimal("88"), "merchant": "SWIGGY BANGALORE", "day": 20},
    ]
    insert_transactions(
        sqlite_url,
        account_id,
        [
            {
                "amount": row["amount"],
                "merchant": row["merchant"],
                "date": dt.date(2025, 11, row["day"]),
            }
            for row in rows
        ],
    )
    with Database(sqlite_url) as database, database.session() as session:
        last = session.scalars(
            select(Transaction).where(Transaction.amount == Decimal("88"))
        ).one()
        last.category = "Expenses:Groceries"  # a rule gave it before
        session.commit()
    return account_id


def categories(db_url: str) -> list[tuple[Decimal, str | None, list[str]]]:
    """(amount, category, edited fields) of every stored transaction, by amount."""
    with Database(db_url) as database, database.session() as session:
        rows = session.execute(
            select(
                Transaction.amount, Transaction.category, Transaction.edited_fields
            ).order_by(Transaction.amount)
        )
        return [
            (amount, category, list(edited or [])) for amount, category, edited in rows
        ]


def row_of_amount(page, amount: str) -> int:
    for position in range(page.model.rowCount()):
        if page.model.row_at(position).amount == Decimal(amount):
            return position
    raise AssertionError(f"no row of {amount}")


def choose_category(qtbot, page, row: int, text: str) -> None:
    """Select the cell, F2, type, Enter, as a person would."""
    index = page.model.index(row, CATEGORY)
    page.table.setCurrentIndex(index)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_F2)
    editor = page.table.focusWidget()
    assert isinstance(editor, QLineEdit)
    assert editor.objectName() == "categoryEditor"
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def test_a_category_change_offers_a_rule_that_categorises_the_others(
    qtbot, open_window, sqlite_url, swiggy_orders
):
    window = open_window(sqlite_url)
    page = window.transactions
    offer = page.rule_offer
    assert not offer.isVisible()

    with qtbot.waitSignal(page.editSaved, timeout=10000):
        choose_category(
            qtbot, page, row_of_amount(page, "450"), "Expenses:Food:Delivery"
        )
    qtbot.waitUntil(lambda: offer.isVisible(), timeout=10000)
    assert offer.pattern_edit.text() == "SWIGGY BANGALORE"
    # The other two uncategorised orders of that merchant (spacing and case
    # aside); the categorised one and INSTAMART are not counted.
    assert "categorise 2 transactions" in offer.count_label.text()
    assert (Decimal("450"), "Expenses:Food:Delivery", ["category"]) in categories(
        sqlite_url
    )
    position = row_of_amount(page, "450")
    assert page.model.index(position, CATEGORY).data() == "Expenses:Food:Delivery"
    assert page.model.index(position, CATEGORY).data(Qt.ItemDataRole.FontRole).italic()
    assert page.model.index(position, NOTES).data() == "edited"

    # The window stays usable while the offer is shown: it is not modal.
    assert window.isEnabled() and offer.window() is window

    # Widening the pattern recounts before anything is written.
    with qtbot.waitSignal(offer.counted, timeout=10000) as counted:
        offer.pattern_edit.setFocus()
        offer.pattern_edit.selectAll()
        qtbot.keyClicks(offer.pattern_edit, "swiggy")
    assert counted.args == [3]
    assert "categorise 3 transactions" in offer.count_label.text()
    assert stored_rules(sqlite_url) == []

    with qtbot.waitSignal(offer.ruleMade, timeout=10000) as made:
        qtbot.mouseClick(offer.apply_button, Qt.MouseButton.LeftButton)
    assert made.args[0].changed == 3
    assert not offer.isVisible()
    assert stored_rules(sqlite_url) == [
        (1, "contains", "swiggy", "Expenses:Food:Delivery")
    ]
    assert categories(sqlite_url) == [
        (Decimal("88"), "Expenses:Groceries", []),  # set before: left alone
        (Decimal("120"), "Expenses:Food:Delivery", []),
        (Decimal("275"), "Expenses:Food:Delivery", []),
        (Decimal("310"), "Expenses:Food:Delivery", []),
        (Decimal("450"), "Expenses:Food:Delivery", ["category"]),
        (Decimal("999"), None, []),
    ]
    assert "3 transactions categorised" in page.edit_status.text()
    qtbot.waitUntil(
        lambda: (
            page.model.index(row_of_amount(page, "275"), CATEGORY).data()
            == "Expenses:Food:Delivery"
        ),
        timeout=10000,
    )
    assert page.model.index(row_of_amount(page, "999"), CATEGORY).data() == ""


def test_rule_only_leaves_the_stored_rows_and_not_now_adds_nothing(
    qtbot, open_window, sqlite_url, swiggy_orders
):
    window = open_window(sqlite_url)
    page = window.transactions
    offer = page.rule_offer

    with qtbot.waitSignal(page.editSaved, timeout=10000):
        choose_category(qtbot, page, row_of_amount(page, "999"), "Expenses:Gadgets")
    qtbot.waitUntil(lambda: offer.isVisible(), timeout=10000)
    assert "No other uncategorised transaction" in offer.count_label.text()
    qtbot.mouseClick(offer.dismiss_button, Qt.MouseButton.LeftButton)
    assert not offer.isVisible()
    qtbot.wait(200)
    assert stored_rules(sqlite_url) == []

    with qtbot.waitSignal(page.editSaved, timeout=10000):
        choose_category(qtbot, page, row_of_amount(page, "120"), "Expenses:Food")
    qtbot.waitUntil(lambda: offer.isVisible(), timeout=10000)
    with qtbot.waitSignal(offer.ruleMade, timeout=10000) as made:
        qtbot.mouseClick(offer.rule_only_button, Qt.MouseButton.LeftButton)
    assert made.args[0].changed == 0
    assert stored_rules(sqlite_url) == [
        (1, "contains", "SWIGGY BANGALORE", "Expenses:Food")
    ]
    assert (Decimal("310"), None, []) in categories(sqlite_url)


def test_the_offered_rule_goes_first_and_a_bad_pattern_is_refused(
    qtbot, open_window, sqlite_url, swiggy_orders
):
    with Database(sqlite_url) as database, database.session() as session:
        add_rule(session, RuleDraft("contains", "croma", "Expenses:Shopping"))
    window = open_window(sqlite_url)
    page = window.transactions
    offer = page.rule_offer

    with qtbot.waitSignal(page.editSaved, timeout=10000):
        choose_category(qtbot, page, row_of_amount(page, "275"), "Expenses:Groceries")
    qtbot.waitUntil(lambda: offer.isVisible(), timeout=10000)
    offer.match_combo.setCurrentIndex(offer.match_combo.findData("regex"))
    offer.pattern_edit.setFocus()
    offer.pattern_edit.selectAll()
    qtbot.keyClicks(offer.pattern_edit, "instamart(")
    assert offer.error.isVisible()
    assert "regular expression" in offer.error.text()
    assert not offer.apply_button.isEnabled()

    qtbot.keyClick(offer.pattern_edit, Qt.Key.Key_Backspace)
    assert not offer.error.isVisible()
    with qtbot.waitSignal(offer.ruleMade, timeout=10000):
        qtbot.mouseClick(offer.apply_button, Qt.MouseButton.LeftButton)
    assert stored_rules(sqlite_url) == [
        (1, "regex", "instamart", "Expenses:Groceries"),
        (2, "contains", "croma", "Expenses:Shopping"),
    ]

    # Making the rule ran every rule: the croma one categorised its row too.
    qtbot.waitUntil(
        lambda: (
            page.model.index(row_of_amount(page, "999"), CATEGORY).data()
            == "Expenses:Shopping"
        ),
        timeout=10000,
    )

    # Another category for it is offered, and Escape puts the offer away.
    with qtbot.waitSignal(page.editSaved, timeout=10000):
        choose_category(qtbot, page, row_of_amount(page, "999"), "Expenses:Gadgets")
    qtbot.waitUntil(lambda: offer.isVisible(), timeout=10000)
    offer.pattern_edit.setFocus()
    qtbot.keyClick(offer.pattern_edit, Qt.Key.Key_Escape)
    assert not offer.isVisible()
    # The category a rule gives that merchant already: no second rule offered.
    with qtbot.waitSignal(page.editSaved, timeout=10000):
        choose_category(qtbot, page, row_of_amount(page, "999"), "Expenses:Shopping")
    qtbot.wait(200)
    assert not offer.isVisible()
    assert len(stored_rules(sqlite_url)) == 2


def test_a_bad_category_is_refused_and_clearing_one_offers_nothing(
    qtbot, open_window, sqlite_url, swiggy_orders
):
    window = open_window(sqlite_url)
    page = window.transactions
    offer = page.rule_offer

    choose_category(qtbot, page, row_of_amount(page, "450"), "food")
    qtbot.waitUntil(lambda: "Not changed" in page.edit_status.text())
    assert "must start with one of Assets" in page.edit_status.text()
    qtbot.wait(200)
    assert (Decimal("450"), None, []) in categories(sqlite_url)
    assert not offer.isVisible()

    # Clearing the category set by a rule earlier: no rule is offered.
    with qtbot.waitSignal(page.editSaved, timeout=10000):
        choose_category(qtbot, page, row_of_amount(page, "88"), "")
    qtbot.wait(200)
    assert not offer.isVisible()
    assert (Decimal("88"), None, []) in categories(sqlite_url)
