"""The Ledger accounts and Category rules tabs: table edits reach the database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from books_support import (
    show_tab,
    stored_defaults,
    stored_mappings,
    stored_rules,
    wait_setup,
)
from gui_support import insert_transactions
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QLineEdit
from sqlalchemy import select

from emailautomation.ledger import read_settings
from emailautomation.store import Database, MailAccount, Transaction
from emailautomation.ui.main_window import TAB_MAPPINGS, TAB_RULES
from emailautomation.ui.transactions import CATEGORY

pytestmark = pytest.mark.gui


def type_into(qtbot, edit: QLineEdit, text: str) -> None:
    """Replace the field's text the way a person does."""
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)


def click(qtbot, button) -> None:
    assert button.isEnabled(), f"{button.text()} is disabled"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def save_and_wait(qtbot, page, button) -> None:
    with qtbot.waitSignal(page.saved, timeout=10000):
        click(qtbot, button)


def test_mappings_are_added_changed_and_deleted(qtbot, open_window, sqlite_url):
    window = open_window(sqlite_url)
    show_tab(qtbot, window, TAB_MAPPINGS)
    page = window.mappings_page
    assert page.model.rowCount() == 0

    type_into(qtbot, page.digits_edit, "XX1234")
    type_into(qtbot, page.account_edit, "Liabilities:CreditCard:HDFC")
    save_and_wait(qtbot, page, page.save_button)
    click(qtbot, page.new_button)
    type_into(qtbot, page.digits_edit, "0042")
    type_into(qtbot, page.account_edit, "Assets:Bank:ICICI")
    save_and_wait(qtbot, page, page.save_button)
    assert stored_mappings(sqlite_url) == [
        ("0042", "Assets:Bank:ICICI"),
        ("1234", "Liabilities:CreditCard:HDFC"),
    ]
    assert [page.model.index(r, 0).data() for r in range(2)] == ["0042", "1234"]

    # Choosing a row fills the form; saving changes that row.
    page.table.selectRow(1)
    assert page.digits_edit.text() == "1234"
    assert "Editing" in page.form_title.text()
    type_into(qtbot, page.account_edit, "Liabilities:CreditCard:HDFC:Regalia")
    save_and_wait(qtbot, page, page.save_button)
    assert stored_mappings(sqlite_url)[1] == (
        "1234",
        "Liabilities:CreditCard:HDFC:Regalia",
    )
    assert page.model.index(1, 1).data() == "Liabilities:CreditCard:HDFC:Regalia"

    page.table.selectRow(0)
    save_and_wait(qtbot, page, page.delete_button)
    assert stored_mappings(sqlite_url) == [
        ("1234", "Liabilities:CreditCard:HDFC:Regalia")
    ]
    assert page.model.rowCount() == 1
    assert page.digits_edit.text() == ""


def test_a_bad_mapping_says_why_beside_the_field_and_saves_nothing(
    qtbot, open_window, sqlite_url
):
    window = open_window(sqlite_url)
    show_tab(qtbot, window, TAB_MAPPINGS)
    page = window.mappings_page

    type_into(qtbot, page.digits_edit, "card")
    error = page.errors["digits"]
    assert error.isVisible() and "holds no digits" in error.text()
    type_into(qtbot, page.account_edit, "Expenses:food")
    account_error = page.errors["ledger_account"]
    assert account_error.isVisible()
    assert "must start with a capital letter or a digit" in account_error.text()
    click(qtbot, page.save_button)
    qtbot.wait(200)
    assert stored_mappings(sqlite_url) == []

    type_into(qtbot, page.digits_edit, "1234")
    assert not error.isVisible()
    type_into(qtbot, page.account_edit, "Assets:Bank:Chase")
    assert not account_error.isVisible()
    save_and_wait(qtbot, page, page.save_button)

    # The same digits on a second row: the store refuses, the form says so.
    page.table.selectRow(0)
    click(qtbot, page.new_button)
    type_into(qtbot, page.digits_edit, "5678")
    type_into(qtbot, page.account_edit, "Assets:Bank:Other")
    save_and_wait(qtbot, page, page.save_button)
    page.table.selectRow(page.model.position_of(page._editing))
    type_into(qtbot, page.digits_edit, "1234")
    click(qtbot, page.save_button)
    qtbot.waitUntil(lambda: "Not saved" in page.status.text(), timeout=10000)
    assert "mapped already" in page.status.text()
    assert stored_mappings(sqlite_url) == [
        ("1234", "Assets:Bank:Chase"),
        ("5678", "Assets:Bank:Other"),
    ]


def test_the_default_account_and_a_mail_accounts_own_default(
    qtbot, open_window, sqlite_url, make_account
):
    account_id = make_account(sqlite_url, name="Personal")
    window = open_window(sqlite_url)
    show_tab(qtbot, window, TAB_MAPPINGS)
    page = window.mappings_page

    type_into(qtbot, page.default_edit, "assets:unknown")
    assert page.default_error.isVisible()
    type_into(qtbot, page.default_edit, "Assets:Cash")
    assert not page.default_error.isVisible()
    save_and_wait(qtbot, page, page.default_button)
    assert stored_defaults(sqlite_url)[0] == "Assets:Cash"

    # The mail account's own default, edited in the table.
    assert page.mail_model.index(0, 1).data() == "(general default: Assets:Cash)"
    index = page.mail_model.index(0, 1)
    page.mail_table.setCurrentIndex(index)
    page.mail_table.setFocus()
    qtbot.keyClick(page.mail_table, Qt.Key.Key_F2)
    editor = page.mail_table.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, "Assets:Bank:HDFC")
    with qtbot.waitSignal(page.saved, timeout=10000):
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    with Database(sqlite_url) as database, database.session() as session:
        assert session.get(MailAccount, account_id).ledger_account == "Assets:Bank:HDFC"
    assert page.mail_model.index(0, 1).data() == "Assets:Bank:HDFC"

    # A bad name is refused in place, with the reason beside the table.
    assert not page.mail_model.setData(page.mail_model.index(0, 1), "Bank:HDFC")
    assert page.mail_error.isVisible() and "Personal" in page.mail_error.text()


def add_rule(qtbot, page, pattern: str, category: str, *, match: str = "") -> None:
    click(qtbot, page.new_button)
    if match:
        page.match_combo.setCurrentIndex(page.match_combo.findData(match))
    type_into(qtbot, page.pattern_edit, pattern)
    type_into(qtbot, page.category_edit, category)
    save_and_wait(qtbot, page, page.save_button)


def test_rules_are_added_edited_reordered_and_deleted(qtbot, open_window, sqlite_url):
    window = open_window(sqlite_url)
    show_tab(qtbot, window, TAB_RULES)
    page = window.rules_page

    add_rule(qtbot, page, "SWIGGY", "Expenses:Food:Delivery")
    add_rule(qtbot, page, "Amazon", "Expenses:Shopping", match="starts-with")
    add_rule(qtbot, page, r"uber|ola", "Expenses:Travel:Taxi", match="regex")
    assert stored_rules(sqlite_url) == [
        (1, "contains", "SWIGGY", "Expenses:Food:Delivery"),
        (2, "starts-with", "Amazon", "Expenses:Shopping"),
        (3, "regex", "uber|ola", "Expenses:Travel:Taxi"),
    ]
    assert page.model.index(2, 2).data() == "uber|ola"
    assert "Editing rule 3" in page.form_title.text()

    # Up and down buttons move the selected rule; the selection follows it.
    save_and_wait(qtbot, page, page.up_button)
    save_and_wait(qtbot, page, page.up_button)
    assert [p for _n, _m, p, _c in stored_rules(sqlite_url)] == [
        "uber|ola",
        "SWIGGY",
        "Amazon",
    ]
    assert page.model.row_at(page.table.currentIndex().row()).pattern == "uber|ola"
    assert not page.up_button.isEnabled()
    save_and_wait(qtbot, page, page.down_button)
    assert [p for _n, _m, p, _c in stored_rules(sqlite_url)] == [
        "SWIGGY",
        "uber|ola",
        "Amazon",
    ]

    # Dragging the last row above the first: the drop the view makes.
    model = page.model
    data = model.mimeData([model.index(2, 0)])
    with qtbot.waitSignal(page.saved, timeout=10000):
        assert not model.dropMimeData(
            data, Qt.DropAction.MoveAction, 0, 0, QModelIndex()
        )
    assert [p for _n, _m, p, _c in stored_rules(sqlite_url)] == [
        "Amazon",
        "SWIGGY",
        "uber|ola",
    ]
    assert [model.row_at(r).pattern for r in range(3)] == [
        "Amazon",
        "SWIGGY",
        "uber|ola",
    ]
    # The dragged rule is the one selected and in the form now.
    assert page.pattern_edit.text() == "Amazon"
    assert page.form_title.text() == "Editing rule 1"
    # And the first to below the last.
    with qtbot.waitSignal(page.saved, timeout=10000):
        model.dropMimeData(
            model.mimeData([model.index(0, 0)]),
            Qt.DropAction.MoveAction,
            3,
            0,
            QModelIndex(),
        )
    assert [p for _n, _m, p, _c in stored_rules(sqlite_url)] == [
        "SWIGGY",
        "uber|ola",
        "Amazon",
    ]

    # Editing: payee, a direction limit and a new category.
    page.table.selectRow(0)
    assert page.pattern_edit.text() == "SWIGGY"
    type_into(qtbot, page.category_edit, "Expenses:Food:Eating-Out")
    type_into(qtbot, page.payee_edit, "Swiggy")
    page.direction_combo.setCurrentIndex(page.direction_combo.findData("debit"))
    save_and_wait(qtbot, page, page.save_button)
    with Database(sqlite_url) as database, database.session() as session:
        from emailautomation.ledger import list_rules

        first = list_rules(session)[0]
    assert (first.pattern, first.category, first.payee, first.direction) == (
        "SWIGGY",
        "Expenses:Food:Eating-Out",
        "Swiggy",
        "debit",
    )
    assert page.model.index(0, 6).data() == "money out"

    page.table.selectRow(1)
    save_and_wait(qtbot, page, page.delete_button)
    assert stored_rules(sqlite_url) == [
        (1, "contains", "SWIGGY", "Expenses:Food:Eating-Out"),
        (2, "starts-with", "Amazon", "Expenses:Shopping"),
    ]
    assert page.model.rowCount() == 2


def test_a_bad_rule_says_why_beside_each_field(qtbot, open_window, sqlite_url):
    window = open_window(sqlite_url)
    show_tab(qtbot, window, TAB_RULES)
    page = window.rules_page

    page.match_combo.setCurrentIndex(page.match_combo.findData("regex"))
    type_into(qtbot, page.pattern_edit, "swiggy(")
    assert page.errors["pattern"].isVisible()
    assert "regular expression" in page.errors["pattern"].text()
    type_into(qtbot, page.category_edit, "Food")
    assert page.errors["category"].isVisible()
    type_into(qtbot, page.digits_edit, "card")
    assert page.errors["account_digits"].isVisible()
    click(qtbot, page.save_button)
    qtbot.wait(200)
    assert stored_rules(sqlite_url) == []

    type_into(qtbot, page.pattern_edit, "swiggy")
    type_into(qtbot, page.category_edit, "Expenses:Food")
    page.digits_edit.clear()
    save_and_wait(qtbot, page, page.save_button)
    assert stored_rules(sqlite_url) == [(1, "regex", "swiggy", "Expenses:Food")]
    # An empty pattern is a problem too.
    click(qtbot, page.new_button)
    type_into(qtbot, page.category_edit, "Expenses:Food")
    click(qtbot, page.save_button)
    assert "needs a pattern" in page.errors["pattern"].text()
    wait_setup(qtbot, window)
    assert len(stored_rules(sqlite_url)) == 1


def test_default_categories_and_categorising_the_stored_transactions(
    qtbot, open_window, sqlite_url, make_account
):
    account_id = make_account(sqlite_url, name="Personal")
    insert_transactions(
        sqlite_url,
        account_id,
        [
            {
                "amount": Decimal("450"),
                "merchant": "SWIGGY BLR",
                "date": dt.date(2025, 11, 2),
            },
            {
                "amount": Decimal("120"),
                "merchant": "Swiggy Instamart",
                "date": dt.date(2025, 11, 9),
            },
            {
                "amount": Decimal("999"),
                "merchant": "Croma",
                "date": dt.date(2025, 11, 12),
            },
        ],
    )
    window = open_window(sqlite_url)
    show_tab(qtbot, window, TAB_RULES)
    page = window.rules_page

    type_into(qtbot, page.debit_edit, "Expenses:Misc")
    type_into(qtbot, page.credit_edit, "income:misc")
    assert page.credit_error.isVisible()
    click(qtbot, page.defaults_button)
    qtbot.wait(200)
    assert stored_defaults(sqlite_url)[1:] == (
        "Expenses:Uncategorised",
        "Income:Uncategorised",
    )
    type_into(qtbot, page.credit_edit, "Income:Misc")
    save_and_wait(qtbot, page, page.defaults_button)
    assert stored_defaults(sqlite_url)[1:] == ("Expenses:Misc", "Income:Misc")

    add_rule(qtbot, page, "swiggy", "Expenses:Food:Delivery")
    with qtbot.waitSignal(page.transactionsChanged, timeout=10000) as changed:
        click(qtbot, page.apply_button)
    assert changed.args == [2]
    assert page.apply_status.text() == "2 transactions changed."
    with Database(sqlite_url) as database, database.session() as session:
        rows = session.execute(select(Transaction.merchant, Transaction.category))
        categories = {merchant: category for merchant, category in rows}
    assert categories == {
        "SWIGGY BLR": "Expenses:Food:Delivery",
        "Swiggy Instamart": "Expenses:Food:Delivery",
        "Croma": None,
    }
    # The transactions view shows them once it has reloaded.
    view = window.transactions
    qtbot.waitUntil(
        lambda: any(
            view.model.index(r, CATEGORY).data() == "Expenses:Food:Delivery"
            for r in range(view.model.rowCount())
        ),
        timeout=10000,
    )


@pytest.mark.parametrize("tab", ["mappings", "rules"])
def test_the_settings_file_is_exported_and_imported(
    qtbot, open_window, sqlite_url, tmp_path, tab
):
    window = open_window(sqlite_url)
    if tab == "mappings":
        show_tab(qtbot, window, TAB_MAPPINGS)
        page = window.mappings_page
        for digits, account in (("1234", "Assets:Bank:A"), ("5678", "Assets:Bank:B")):
            click(qtbot, page.new_button)
            type_into(qtbot, page.digits_edit, digits)
            type_into(qtbot, page.account_edit, account)
            save_and_wait(qtbot, page, page.save_button)
    else:
        show_tab(qtbot, window, TAB_RULES)
        page = window.rules_page
        add_rule(qtbot, page, "SWIGGY", "Expenses:Food")
        add_rule(qtbot, page, r"^uber\b", "Expenses:Travel", match="regex")
    before = (
        stored_mappings(sqlite_url) if tab == "mappings" else stored_rules(sqlite_url)
    )
    bar = page.file_bar

    # Export through the file chooser.
    target = tmp_path / "books-settings.toml"
    click(qtbot, bar.export_button)
    dialog = bar.file_dialog
    assert dialog is not None
    with qtbot.waitSignal(bar.exported, timeout=10000):
        dialog.selectFile(str(target))
        dialog.accept()
    settings = read_settings(target)
    if tab == "mappings":
        assert settings.mappings == [
            ("1234", "Assets:Bank:A"),
            ("5678", "Assets:Bank:B"),
        ]
        assert settings.rules == []
    else:
        assert [(r.match, r.pattern) for r in settings.rules] == [
            ("contains", "SWIGGY"),
            ("regex", r"^uber\b"),
        ]
        assert settings.mappings == []

    # Change the table, then import the file back: replacing asks first.
    page.table.selectRow(0)
    save_and_wait(qtbot, page, page.delete_button)
    click(qtbot, bar.import_button)
    bar.file_dialog.selectFile(str(target))
    bar.file_dialog.accept()
    qtbot.waitUntil(lambda: bar.confirm_box is not None)
    assert "removed" in bar.confirm_box.text()
    bar.confirm_box.button(bar.confirm_box.StandardButton.Cancel).click()
    assert bar.status.text() == "Nothing imported."

    click(qtbot, bar.import_button)
    bar.file_dialog.selectFile(str(target))
    bar.file_dialog.accept()
    qtbot.waitUntil(lambda: bar.confirm_box is not None)
    with qtbot.waitSignal(bar.imported, timeout=10000):
        bar.confirm_box.button(bar.confirm_box.StandardButton.Yes).click()
    after = (
        stored_mappings(sqlite_url) if tab == "mappings" else stored_rules(sqlite_url)
    )
    assert after == before
    assert "1 added" in bar.status.text()
    assert page.model.rowCount() == 2

    # A broken file changes nothing and says where it is broken.
    broken = tmp_path / "broken.toml"
    broken.write_text('[[mapping]]\ndigits = 1234\naccount = "Assets:X"\n[[rule]]\n')
    with qtbot.waitSignal(bar.failed, timeout=10000) as failed:
        bar.import_file(str(broken), merge=False)
    assert str(broken) in failed.args[0]
    after = (
        stored_mappings(sqlite_url) if tab == "mappings" else stored_rules(sqlite_url)
    )
    assert after == before
