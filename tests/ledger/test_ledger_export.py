"""Exports checked by the real tools: ledger, hledger, bean-check, and CSV readers."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from ledger_support import (
    Books,
    expected_balances,
    read_back,
    tool_balances,
)
from sqlalchemy import select

from emailautomation.ledger import (
    ExportFailed,
    ExportRequest,
    InvalidLedgerAccount,
    LedgerError,
    RuleDraft,
    add_rule,
    export_transactions,
    save_defaults,
    save_mapping,
)
from emailautomation.ledger.formats import one_line
from emailautomation.store import ExportedEntry

FORMATS = ["ledger", "hledger", "beancount", "csv"]
TOOL_FIXTURES = {
    "ledger": "ledger_cli",
    "hledger": "hledger_cli",
    "beancount": "bean_check_cli",
    "csv": None,
}
SUFFIX = {
    "ledger": "ledger",
    "hledger": "journal",
    "beancount": "beancount",
    "csv": "csv",
}

CARD = "Liabilities:CreditCard:HDFC"
CHECKING = "Assets:Bank:Chase:Checking"
REVOLUT = "Assets:Bank:Revolut"


@pytest.fixture(params=FORMATS)
def kind(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def tool(kind: str, request: pytest.FixtureRequest) -> str:
    name = TOOL_FIXTURES[kind]
    return request.getfixturevalue(name) if name else ""


def export(books: Books, kind: str, path: Path | None, **options: object):
    request = ExportRequest(format=kind, destination=path, **options)  # type: ignore[arg-type]
    return export_transactions(books.session, request)


def household(books: Books) -> list[tuple[str, str, str, str, str]]:
    """A month of one household's alerts, with how a bookkeeper would post each:
    (account, category, amount, currency, direction)."""
    books.mail_account("Personal", ledger_account=CHECKING)
    books.mail_account("Work")
    save_mapping(books.session, "1234", CARD)
    save_mapping(books.session, "9876", CHECKING)
    save_mapping(books.session, "5555", REVOLUT)
    session = books.session
    add_rule(
        session, RuleDraft("contains", "swiggy", "Expenses:Food:Delivery", "Swiggy")
    )
    add_rule(session, RuleDraft("starts-with", "AMAZON", "Expenses:Shopping"))
    add_rule(
        session,
        RuleDraft(
            "regex",
            r"^(salary|payroll)\b",
            "Income:Salary",
            "ACME Corp",
            None,
            "credit",
        ),
    )
    add_rule(
        session, RuleDraft("contains", "uber", "Expenses:Transport:Taxi", None, "1234")
    )

    add = books.add
    add("450.00", digits="1234", merchant="SWIGGY*ORDER 8812", date="2025-03-02")
    add("1299.00", digits="XX1234", merchant="AMAZON RETAIL IN", date="2025-03-03")
    add(
        "300.00",
        direction="credit",
        digits="1234",
        merchant="Amazon refund",
        date="2025-03-09",
    )
    add(
        "85000.00",
        direction="credit",
        digits="9876",
        merchant="SALARY MARCH ACME",
        date="2025-03-31",
    )
    add("23.40", "USD", digits="5555", merchant="Uber *Trip", date="2025-03-05")
    add(
        "12.345",
        "BHD",
        digits="4321",
        merchant="Lulu Hypermarket",
        mail="Work",
        date="2025-03-06",
    )
    add(
        "1000.00",
        "EUR",
        direction="credit",
        merchant="SEPA transfer",
        date="2025-03-07",
    )
    add("60.00", digits="1234", merchant="UBER INDIA", date="2025-03-08")
    add(
        "500.00",
        digits="9876",
        merchant="SWIGGY GIFT CARD",
        date="2025-03-10",
        category="Expenses:Gifts",
        edited_fields=["category"],
    )
    return [
        (CARD, "Expenses:Food:Delivery", "450.00", "INR", "debit"),
        (CARD, "Expenses:Shopping", "1299.00", "INR", "debit"),
        (CARD, "Expenses:Shopping", "300.00", "INR", "credit"),
        (CHECKING, "Income:Salary", "85000.00", "INR", "credit"),
        (REVOLUT, "Expenses:Uncategorised", "23.40", "USD", "debit"),
        ("Assets:Unknown", "Expenses:Uncategorised", "12.345", "BHD", "debit"),
        (CHECKING, "Income:Uncategorised", "1000.00", "EUR", "credit"),
        (CARD, "Expenses:Transport:Taxi", "60.00", "INR", "debit"),
        (CHECKING, "Expenses:Gifts", "500.00", "INR", "debit"),
    ]


def test_balances_per_account_are_the_sums_of_the_transactions(
    books, kind, tool, tmp_path
):
    postings = household(books)
    path = tmp_path / f"books.{SUFFIX[kind]}"

    result = export(books, kind, path)

    assert result.written == len(postings)
    assert tool_balances(kind, path, tool) == expected_balances(postings)


@pytest.mark.parametrize("kind", ["ledger", "hledger"])
def test_ledger_and_hledger_files_each_pass_both_tools(
    books, kind, ledger_cli, hledger_cli, tmp_path
):
    from ledger_support import hledger_balances, ledger_balances

    postings = household(books)
    path = tmp_path / f"both.{SUFFIX[kind]}"
    export(books, kind, path)

    assert ledger_balances(ledger_cli, path) == expected_balances(postings)
    assert hledger_balances(hledger_cli, path) == expected_balances(postings)


def test_money_out_is_negative_on_assets_and_liabilities(books, kind, tool, tmp_path):
    books.mail_account("Personal")
    save_mapping(books.session, "1234", CARD)
    save_mapping(books.session, "9876", CHECKING)
    books.add("2000.00", digits="1234", merchant="Croma", date="2025-04-01")
    books.add(
        "500.00",
        direction="credit",
        digits="1234",
        merchant="Card payment",
        date="2025-04-02",
    )
    books.add(
        "90000.00",
        direction="credit",
        digits="9876",
        merchant="Salary",
        date="2025-04-03",
    )
    books.add("2500.00", digits="9876", merchant="Rent", date="2025-04-04")
    path = tmp_path / f"signs.{SUFFIX[kind]}"

    export(books, kind, path)
    balances = tool_balances(kind, path, tool)

    # The card: 2000 bought, 500 paid back → 1500 owed, which books show as -1500.
    assert balances[(CARD, "INR")] == Decimal("-1500.00")
    # The bank: 90000 in, 2500 out.
    assert balances[(CHECKING, "INR")] == Decimal("87500.00")
    assert balances[("Expenses:Uncategorised", "INR")] == Decimal("4500.00")
    assert balances[("Income:Uncategorised", "INR")] == Decimal("-90500.00")


def test_new_only_appends_just_the_new_entries(books, kind, tool, tmp_path):
    postings = household(books)
    path = tmp_path / f"append.{SUFFIX[kind]}"
    first = export(books, kind, path, new_only=True)
    assert (first.written, first.appended) == (len(postings), False)

    # Next month: a new card, a new currency, a new mail account.
    save_mapping(books.session, "7777", "Liabilities:CreditCard:Amex")
    books.add(
        "45.00", "GBP", digits="7777", merchant="Pret A Manger", date="2025-04-02"
    )
    books.add(
        "99.00",
        digits="1234",
        merchant="Swiggy Instamart",
        mail="Family",
        date="2025-04-01",
    )
    postings += [
        (
            "Liabilities:CreditCard:Amex",
            "Expenses:Uncategorised",
            "45.00",
            "GBP",
            "debit",
        ),
        (CARD, "Expenses:Food:Delivery", "99.00", "INR", "debit"),
    ]

    second = export(books, kind, path, new_only=True)
    assert (second.written, second.already_exported, second.appended) == (
        2,
        len(postings) - 2,
        True,
    )
    assert tool_balances(kind, path, tool) == expected_balances(postings)
    ids = [t.message_id for t in read_back(kind, path, tool)]
    assert len(ids) == len(set(ids)) == len(postings)

    before = path.read_bytes()
    third = export(books, kind, path, new_only=True)
    assert third.written == 0
    assert path.read_bytes() == before


def test_a_full_export_replaces_the_file_and_what_was_recorded(
    books, kind, tool, tmp_path
):
    postings = household(books)
    path = tmp_path / f"full.{SUFFIX[kind]}"
    export(books, kind, path, since=dt.date(2025, 3, 5))
    export(books, kind, path)  # everything, replacing the partial file

    assert export(books, kind, path, new_only=True).written == 0
    assert tool_balances(kind, path, tool) == expected_balances(postings)


UNUSUAL_MERCHANTS = [
    'Joe\'s "Famous" Diner',
    "AT&T; Store #42 | Mall",
    "(closed) café ☕ — Zürich 東京",
    "*STAR ! bang",
    '=HYPERLINK("http://evil.example")',
    "+91 Recharge",
    "-minus-",
    "@handle",
    "tab\there\nnewline\r\nand more",
    'back\\slash \\" quote',
    "date:2025-99-99, price:@ 3 [2025/01/01] {x} ;; comment",
    "  spaces   everywhere  ",
    "Ünïcödé GmbH & Co. KG",
    "X" * 250 + " END",
]


def test_unusual_merchants_pass_the_checks_and_survive(books, kind, tool, tmp_path):
    books.mail_account("Personal")
    save_mapping(books.session, "1234", CARD)
    keys = {}
    for index, merchant in enumerate(UNUSUAL_MERCHANTS):
        key = f'<odd."{index}";\\key@example.org>' if index % 3 == 0 else None
        transaction_id = books.add(
            f"{index + 1}.25",
            digits="1234",
            merchant=merchant,
            key=key,
            date=f"2025-05-{index + 1:02d}",
        )
        keys[books.row(transaction_id).message.key] = one_line(merchant)
    path = tmp_path / f"odd.{SUFFIX[kind]}"

    export(books, kind, path)

    total = sum(Decimal(f"{i + 1}.25") for i in range(len(UNUSUAL_MERCHANTS)))
    assert tool_balances(kind, path, tool) == {
        (CARD, "INR"): -total,
        ("Expenses:Uncategorised", "INR"): total,
    }
    read = {t.message_id: t for t in read_back(kind, path, tool)}
    assert set(read) == set(keys)
    for key, merchant in keys.items():
        entry = read[key]
        if kind == "csv":
            formula = merchant.startswith(("=", "+", "-", "@"))
            assert entry.merchant == ("'" + merchant if formula else merchant)
        else:
            # The payee as written, or the merchant kept beside a tidied payee.
            assert merchant in (entry.payee, entry.merchant)


def test_a_csv_cell_is_never_a_formula(books, tmp_path):
    from ledger_support import csv_balances

    books.add("10.00", merchant='=HYPERLINK("http://evil.example","x")')
    path = tmp_path / "sheet.csv"
    export(books, "csv", path)

    _, [row] = csv_balances(path)
    assert row["merchant"] == row["payee"] == '\'=HYPERLINK("http://evil.example","x")'
    assert not any(cell.startswith(("=", "+", "@")) for cell in row.values())
    assert row["amount"] == "-10.00"  # numbers stay numbers


def test_new_only_across_databases_reads_the_message_ids_in_the_file(
    tmp_path, kind, tool
):
    """A file another database wrote to: what it holds is not written again."""
    from ledger_support import Books as _Books

    from emailautomation.store import Database

    path = tmp_path / f"shared.{SUFFIX[kind]}"
    keys = ['<a"quoted;key\\@x>', "<plain@x>", "sha256:" + "ab" * 32]
    stores = []
    for name in ("laptop", "desktop"):
        database = Database(f"sqlite:///{tmp_path / name}.sqlite3")
        stores.append(_Books(database, database.session()))
    try:
        for store in stores:
            for day, key in enumerate(keys, start=1):
                store.add("10.00", merchant="Shop", key=key, date=f"2025-06-0{day}")
        laptop, desktop = stores
        assert export(laptop, kind, path, new_only=True).written == 3
        desktop.add("5.00", merchant="Only on the desktop", date="2025-06-09")

        appended = export(desktop, kind, path, new_only=True)

        assert (appended.written, appended.already_exported) == (1, 3)
        assert len(read_back(kind, path, tool)) == 4
    finally:
        for store in stores:
            store.session.close()
            store.database.close()


def test_one_message_in_two_mailboxes_is_one_entry(books, kind, tool, tmp_path):
    books.add("10.00", merchant="Shop", key="<same@bank>", mail="Personal")
    books.add("10.00", merchant="Shop", key="<same@bank>", mail="Shared")
    path = tmp_path / f"once.{SUFFIX[kind]}"

    assert export(books, kind, path).written == 1
    assert [t.message_id for t in read_back(kind, path, tool)] == ["<same@bank>"]


def test_appending_to_your_own_beancount_file_opens_nothing_twice(
    books, bean_check_cli, tmp_path
):
    from ledger_support import beancount_balances

    path = tmp_path / "main.beancount"
    path.write_text(
        'option "title" "Home"\n'
        "2020-01-01 open Assets:Bank:Chase:Checking\n"
        "2020-01-01 open Equity:Opening-Balances\n\n"
        '2020-01-01 * "Opening balance"\n'
        "  Assets:Bank:Chase:Checking  1000.00 INR\n"
        "  Equity:Opening-Balances\n"
    )
    books.mail_account("Personal", ledger_account=CHECKING)
    books.add("250.00", merchant="Grocer", date="2025-01-05")

    result = export(books, "beancount", path, new_only=True)

    assert result.appended
    assert result.declared == ("Expenses:Uncategorised",)
    balances, _ = beancount_balances(bean_check_cli, path)
    assert balances[(CHECKING, "INR")] == Decimal("750.00")


def test_appending_to_your_own_ledger_file_keeps_pedantic_checks(
    books, ledger_cli, tmp_path
):
    from ledger_support import ledger_balances

    path = tmp_path / "main.ledger"
    path.write_text(
        "account Assets:Bank:Chase:Checking\naccount Equity:Opening\n"
        "commodity INR\n\n2020-01-01 Opening\n"
        "    Assets:Bank:Chase:Checking  1000.00 INR\n    Equity:Opening"
    )  # no newline at the end: the export must add one
    books.mail_account("Personal", ledger_account=CHECKING)
    books.add("250.00", merchant="Grocer", date="2025-01-05")

    export(books, "ledger", path, new_only=True)

    assert ledger_balances(ledger_cli, path)[(CHECKING, "INR")] == Decimal("750.00")
    assert path.read_text().count("account Assets:Bank:Chase:Checking") == 1


def test_older_alerts_read_later_still_append_to_beancount(
    books, bean_check_cli, tmp_path
):
    from ledger_support import beancount_balances

    books.mail_account("Personal", ledger_account=CHECKING)
    books.add("10.00", merchant="Shop", date="2025-02-01")
    path = tmp_path / "books.beancount"
    export(books, "beancount", path, new_only=True)
    # A mailbox added later, reaching further back, on a card not seen before.
    save_mapping(books.session, "4444", "Liabilities:CreditCard:Citi")
    books.add(
        "20.00", digits="4444", merchant="Old swipe", date="2024-11-10", mail="Old"
    )
    books.add("30.00", merchant="Old shop", date="2024-12-01")

    assert export(books, "beancount", path, new_only=True).written == 2

    balances, _ = beancount_balances(bean_check_cli, path)
    assert balances == {
        (CHECKING, "INR"): Decimal("-40.00"),
        ("Liabilities:CreditCard:Citi", "INR"): Decimal("-20.00"),
        ("Expenses:Uncategorised", "INR"): Decimal("60.00"),
    }


def test_an_alert_older_than_your_own_open_directive_is_refused(books, tmp_path):
    path = tmp_path / "main.beancount"
    own = "2025-02-01 open Assets:Bank:Chase:Checking\n"
    path.write_text(own)
    books.mail_account("Personal", ledger_account=CHECKING)
    books.add("20.00", merchant="Older shop", date="2025-01-15")

    with pytest.raises(ExportFailed, match=r"opened on 2025-02-01.*2025-01-15"):
        export(books, "beancount", path, new_only=True)
    assert path.read_text() == own
    # Nothing recorded either: once the open is moved, the entry is written.
    assert books.session.scalars(select(ExportedEntry)).all() == []
    path.write_text(own.replace("2025-02-01", "2025-01-01"))
    assert export(books, "beancount", path, new_only=True).written == 1


def test_a_file_no_export_wrote_is_never_replaced_unasked(books, tmp_path):
    path = tmp_path / "main.ledger"
    path.write_text("; my own journal\n")
    books.add("5.00", merchant="Kiosk")

    with pytest.raises(ExportFailed, match=r"--new-only.*--overwrite"):
        export(books, "ledger", path)
    assert path.read_text() == "; my own journal\n"

    assert export(books, "ledger", path, overwrite=True).written == 1
    assert export(books, "ledger", path).written == 1  # ours now: replaced freely


def test_filters_by_date_mail_account_and_ledger_account(books, hledger_cli, tmp_path):
    household(books)
    path = tmp_path / "f.journal"

    def dates_and_payees(**options: object) -> list[str]:
        export(books, "hledger", path, **options)
        return sorted(t.payee for t in read_back("hledger", path, hledger_cli))

    assert dates_and_payees(since=dt.date(2025, 3, 8), until=dt.date(2025, 3, 9)) == [
        "Amazon refund",
        "UBER INDIA",
    ]
    assert dates_and_payees(accounts=("work",)) == ["Lulu Hypermarket"]
    assert dates_and_payees(accounts=("Expenses:Shopping",)) == [
        "AMAZON RETAIL IN",
        "Amazon refund",
    ]
    assert len(dates_and_payees(accounts=("Liabilities",))) == 4
    with pytest.raises(LedgerError, match="neither a mail account"):
        export(books, "hledger", path, accounts=("Groceries",))
    with pytest.raises(LedgerError, match="range is empty"):
        export(
            books, "hledger", path, since=dt.date(2025, 4, 1), until=dt.date(2025, 3, 1)
        )


def test_a_category_that_is_not_an_account_name_is_named_and_nothing_is_written(
    books, tmp_path
):
    books.add("10.00", merchant="Cafe", date="2025-02-03", category="food and drink")
    path = tmp_path / "never.ledger"

    with pytest.raises(
        InvalidLedgerAccount, match=r"2025-02-03 \(Cafe.*'food and drink'"
    ):
        export(books, "ledger", path)
    assert not path.exists()


def test_defaults_decide_what_no_mapping_or_rule_covers(books, hledger_cli, tmp_path):
    save_defaults(
        books.session,
        account="Assets:Cash",
        debit_category="Expenses:Misc",
        credit_category="Income:Other",
    )
    books.add("5.00", merchant="Kiosk")
    books.add("7.00", direction="credit", merchant="Found money")
    path = tmp_path / "d.journal"
    export(books, "hledger", path)

    assert tool_balances("hledger", path, hledger_cli) == {
        ("Assets:Cash", "INR"): Decimal("2.00"),
        ("Expenses:Misc", "INR"): Decimal("5.00"),
        ("Income:Other", "INR"): Decimal("-7.00"),
    }


def test_standard_output_is_a_destination_of_its_own(any_books):
    any_books.add("10.00", merchant="Shop")
    out = io.StringIO()
    request = ExportRequest(format="hledger", new_only=True)

    first = export_transactions(any_books.session, request, out)
    again = export_transactions(any_books.session, request, io.StringIO())

    assert first.written == 1 and "* Shop" in out.getvalue()
    assert again.written == 0


def test_csv_appends_without_a_second_header_and_refuses_a_foreign_sheet(
    books, tmp_path
):
    books.add("10.00", merchant="One", date="2025-01-01")
    path = tmp_path / "t.csv"
    export(books, "csv", path, new_only=True)
    books.add("20.00", merchant="Two", date="2025-01-02")
    export(books, "csv", path, new_only=True)
    lines = path.read_text().splitlines()
    assert lines[0].startswith("date,time,payee")
    assert len(lines) == 3

    foreign = tmp_path / "budget.csv"
    foreign.write_text("Month,Budget\nJan,100\n")
    with pytest.raises(ExportFailed, match="not a CSV export of this app"):
        export(books, "csv", foreign, new_only=True)
    assert foreign.read_text() == "Month,Budget\nJan,100\n"


def test_export_records_work_on_postgresql_too(any_books, tmp_path, hledger_cli):
    postings = household(any_books)
    path = tmp_path / "pg.journal"
    export(any_books, "hledger", path, new_only=True)
    any_books.add("1.00", merchant="Later", date="2025-04-01", mail="Work")
    postings.append(
        ("Assets:Unknown", "Expenses:Uncategorised", "1.00", "INR", "debit")
    )

    assert export(any_books, "hledger", path, new_only=True).written == 1
    assert tool_balances("hledger", path, hledger_cli) == expected_balances(postings)
