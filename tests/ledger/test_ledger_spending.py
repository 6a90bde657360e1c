"""Monthly spending for the chart agrees with hledger's own monthly report."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal

import pytest
from ledger_support import run

from emailautomation.ledger import (
    ExportRequest,
    LedgerError,
    RuleDraft,
    add_rule,
    export_transactions,
    monthly_spending,
    save_mapping,
    spending_of,
)


def fill(books) -> None:
    save_mapping(books.session, "1234", "Liabilities:CreditCard:HDFC")
    add_rule(books.session, RuleDraft("contains", "swiggy", "Expenses:Food"))
    add_rule(books.session, RuleDraft("contains", "salary", "Income:Salary"))
    add = books.add
    add("400.00", merchant="Swiggy", digits="1234", date="2025-01-05")
    add(
        "100.00",
        merchant="Swiggy refund",
        direction="credit",
        digits="1234",
        date="2025-01-20",
    )
    add("250.00", merchant="Swiggy", date="2025-02-01")
    add("9.99", "USD", merchant="Kindle", date="2025-01-11")
    add("50000.00", merchant="Salary", direction="credit", date="2025-01-31")
    add("75.50", merchant="Pharmacy", digits="1234", date="2025-02-28")


def test_spending_per_category_matches_hledger_monthly_balances(
    books, hledger_cli, tmp_path
):
    fill(books)
    path = tmp_path / "books.journal"
    export_transactions(
        books.session, ExportRequest(format="hledger", destination=path)
    )
    out = run(
        hledger_cli,
        "-f",
        str(path),
        "balance",
        "Expenses",
        "--monthly",
        "--flat",
        "-N",
        "-O",
        "csv",
        "--layout=bare",
    )
    rows = list(csv.reader(out.splitlines()))
    months = rows[0][2:]  # "2025-01", "2025-02"
    from_hledger = {
        (dt.date.fromisoformat(f"{month}-01"), account, commodity): Decimal(value)
        for account, commodity, *values in rows[1:]
        for month, value in zip(months, values, strict=True)
        if Decimal(value)
    }

    ours = {
        (t.month, t.key, t.currency): t.amount for t in monthly_spending(books.session)
    }

    assert ours == from_hledger
    assert ours[(dt.date(2025, 1, 1), "Expenses:Food", "INR")] == Decimal("300.00")


def test_spending_per_account_leaves_out_income_and_keeps_currencies_apart(books):
    fill(books)
    totals = monthly_spending(
        books.session,
        by="account",
        since=dt.date(2025, 1, 1),
        until=dt.date(2025, 1, 31),
    )
    assert [(t.key, t.currency, t.amount) for t in totals] == [
        ("Assets:Unknown", "USD", Decimal("9.99")),
        ("Liabilities:CreditCard:HDFC", "INR", Decimal("300.00")),
    ]
    with pytest.raises(LedgerError, match="category, account"):
        spending_of([], by="merchant")
