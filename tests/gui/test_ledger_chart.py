"""The Spending tab: stacked monthly bars that add up to the stored transactions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from gui_support import insert_transactions
from PySide6.QtCore import QDate

from emailautomation.ledger import MonthlyTotal, RuleDraft, add_rule, save_mapping
from emailautomation.store import Database
from emailautomation.ui.books import OTHER, spending_bars
from emailautomation.ui.main_window import TAB_SPENDING

pytestmark = pytest.mark.gui

SEP, OCT, NOV, DEC = (dt.date(2025, month, 1) for month in (9, 10, 11, 12))


@pytest.fixture
def spending(sqlite_url, make_account) -> int:
    account_id = make_account(sqlite_url, name="Personal")
    rows = [
        # amount, currency, direction, card, merchant, date, stored category
        ("300", "INR", "debit", "4321", "BIGBASKET", dt.date(2025, 9, 15), None),
        ("789", "INR", "debit", "4321", "BIGBASKET", dt.date(2025, 11, 3), None),
        ("450", "INR", "debit", "7788", "Swiggy", dt.date(2025, 11, 8), None),
        (
            "120",
            "INR",
            "debit",
            "7788",
            "Swiggy",
            dt.date(2025, 11, 30),
            "Expenses:Food:Delivery",
        ),
        ("240", "INR", "debit", "4321", "BIGBASKET", dt.date(2025, 12, 9), None),
        # A refund: less spent on groceries in December.
        (
            "100",
            "INR",
            "credit",
            "4321",
            "BIGBASKET refund",
            dt.date(2025, 12, 12),
            None,
        ),
        # Income is not spending.
        ("5000", "INR", "credit", "4321", "Salary ACME", dt.date(2025, 12, 1), None),
        ("12.40", "GBP", "debit", "5566", "Pret A Manger", dt.date(2025, 11, 20), None),
    ]
    insert_transactions(
        sqlite_url,
        account_id,
        [
            {
                "amount": Decimal(amount),
                "currency": currency,
                "direction": direction,
                "account": card,
                "merchant": merchant,
                "date": day,
                "category": category,
            }
            for amount, currency, direction, card, merchant, day, category in rows
        ],
    )
    with Database(sqlite_url) as database, database.session() as session:
        save_mapping(session, "4321", "Liabilities:CreditCard:HDFC")
        add_rule(session, RuleDraft("contains", "bigbasket", "Expenses:Groceries"))
        add_rule(session, RuleDraft("contains", "swiggy", "Expenses:Food:Delivery"))
        add_rule(session, RuleDraft("contains", "salary", "Income:Salary"))
    return account_id


def open_chart(qtbot, open_window, db_url):
    window = open_window(db_url)
    page = window.spending
    with qtbot.waitSignal(page.loaded, timeout=10000):
        window.tabs.setCurrentIndex(TAB_SPENDING)
    return window, page


def reloaded(qtbot, page, change) -> None:
    with qtbot.waitSignal(page.loaded, timeout=10000):
        change()


def test_the_bars_are_the_monthly_spending_per_category(
    qtbot, open_window, sqlite_url, spending
):
    _window, page = open_chart(qtbot, open_window, sqlite_url)
    combo = page.currency_combo
    # INR was spent in more months than GBP: it is shown first.
    assert [combo.itemText(i) for i in range(combo.count())] == ["INR", "GBP"]
    assert combo.currentText() == "INR"
    assert page.month_labels() == ["Sep 2025", "Oct 2025", "Nov 2025", "Dec 2025"]
    assert page.shown_amounts() == {
        ("Expenses:Groceries", SEP): 300.0,
        ("Expenses:Groceries", OCT): 0.0,
        ("Expenses:Groceries", NOV): 789.0,
        ("Expenses:Groceries", DEC): 140.0,
        ("Expenses:Food:Delivery", SEP): 0.0,
        ("Expenses:Food:Delivery", OCT): 0.0,
        ("Expenses:Food:Delivery", NOV): 570.0,
        ("Expenses:Food:Delivery", DEC): 0.0,
    }
    assert page.bars.month_totals == (
        Decimal("300"),
        Decimal("0"),
        Decimal("1359"),
        Decimal("140"),
    )
    assert page.summary.text() == (
        "Total INR: Sep 2025 300.00 · Oct 2025 0.00 · Nov 2025 1,359.00 · "
        "Dec 2025 140.00"
    )
    assert "INR" in page.chart.title()

    # Pointing at a segment says what it is.
    series = page.chart.series()[0]
    groceries = next(s for s in series.barSets() if s.label() == "Expenses:Groceries")
    groceries.hovered.emit(True, 2)
    assert page.hover.text() == "Expenses:Groceries, Nov 2025: INR 789.00"

    # The other currency, never added to the first.
    combo.setCurrentText("GBP")
    assert page.shown_amounts() == {("Expenses:Uncategorised", NOV): 12.4}
    assert page.summary.text() == "Total GBP: Nov 2025 12.40"


def test_per_account_and_within_dates(qtbot, open_window, sqlite_url, spending):
    _window, page = open_chart(qtbot, open_window, sqlite_url)
    reloaded(
        qtbot,
        page,
        lambda: page.by_combo.setCurrentIndex(page.by_combo.findData("account")),
    )
    assert page.currency_combo.currentText() == "INR"
    assert page.shown_amounts() == {
        ("Liabilities:CreditCard:HDFC", SEP): 300.0,
        ("Liabilities:CreditCard:HDFC", OCT): 0.0,
        ("Liabilities:CreditCard:HDFC", NOV): 789.0,
        ("Liabilities:CreditCard:HDFC", DEC): 140.0,
        ("Assets:Unknown", SEP): 0.0,
        ("Assets:Unknown", OCT): 0.0,
        ("Assets:Unknown", NOV): 570.0,
        ("Assets:Unknown", DEC): 0.0,
    }

    reloaded(qtbot, page, lambda: page.since_edit.setDate(QDate(2025, 11, 15)))
    assert page.month_labels() == ["Nov 2025", "Dec 2025"]
    assert page.shown_amounts() == {
        ("Assets:Unknown", NOV): 120.0,
        ("Liabilities:CreditCard:HDFC", NOV): 0.0,
        ("Liabilities:CreditCard:HDFC", DEC): 140.0,
        ("Assets:Unknown", DEC): 0.0,
    }
    # GBP was spent on 20 November: still in range, still its own currency.
    assert page.currency_combo.findText("GBP") >= 0


def test_a_range_without_spending_says_so(qtbot, open_window, sqlite_url, spending):
    _window, page = open_chart(qtbot, open_window, sqlite_url)
    reloaded(qtbot, page, lambda: page.since_edit.setDate(QDate(2026, 1, 1)))
    assert page.currency_combo.count() == 0
    assert page.chart.series() == []
    assert "No spending to show" in page.chart.title()


def test_small_stacks_are_summed_into_other():
    totals = [
        MonthlyTotal(NOV, f"Expenses:C{n}", "EUR", Decimal(100 - n)) for n in range(10)
    ] + [MonthlyTotal(DEC, "Expenses:C9", "EUR", Decimal("0.5"))]
    bars = spending_bars(totals, "EUR", most=8)
    keys = [key for key, _amounts in bars.stacks]
    assert keys == [f"Expenses:C{n}" for n in range(7)] + [OTHER]
    other = dict(bars.stacks)[OTHER]
    # C7, C8 and C9 (93 + 92 + 91 in November, 0.5 in December).
    assert other == (Decimal(276), Decimal("0.5"))
    assert sum(bars.month_totals) == sum(t.amount for t in totals)
