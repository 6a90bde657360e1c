"""Digits → ledger accounts, with the mail account's and the global defaults."""

from __future__ import annotations

import pytest

from emailautomation.ledger import (
    AccountResolver,
    InvalidLedgerAccount,
    LedgerError,
    MappingNotFound,
    build_entries,
    list_mappings,
    remove_mapping,
    save_defaults,
    save_mail_account_default,
    save_mapping,
)


def accounts(books) -> dict[str, str]:
    """Merchant → the asset or liability account its entry posts to."""
    return {e.merchant or "": e.account for e in build_entries(books.session)}


def test_each_transaction_gets_the_most_specific_account(any_books):
    session = any_books.session
    personal = any_books.mail_account("Personal")
    any_books.mail_account("Work")
    save_mapping(session, "1234", "Liabilities:CreditCard:HDFC")
    save_mapping(session, "**** 001234", "Liabilities:CreditCard:Axis")
    save_mail_account_default(session, personal, "Assets:Bank:Chase:Checking")
    save_defaults(session, account="Assets:Suspense")

    any_books.add("1", merchant="exact", digits="1234")
    any_books.add("2", merchant="as printed", digits="XX1234")
    any_books.add("3", merchant="longer ending wins", digits="7001234")
    any_books.add("4", merchant="unmapped card", digits="5678")
    any_books.add("5", merchant="no digits")
    any_books.add("6", merchant="work, unmapped", digits="34", mail="Work")

    assert accounts(any_books) == {
        "exact": "Liabilities:CreditCard:HDFC",
        "as printed": "Liabilities:CreditCard:HDFC",
        "longer ending wins": "Liabilities:CreditCard:Axis",
        "unmapped card": "Assets:Bank:Chase:Checking",
        "no digits": "Assets:Bank:Chase:Checking",
        "work, unmapped": "Assets:Suspense",
    }


def test_two_digit_endings_match_only_exactly():
    resolver = AccountResolver(
        [("34", "Assets:A"), ("1234", "Assets:B")], {}, "Assets:D"
    )
    assert resolver.mapped("34") == "Assets:A"
    assert resolver.mapped("9934") is None  # "34" is too short to be an ending
    assert resolver.mapped("991234") == "Assets:B"


def test_adding_digits_again_changes_the_mapping(books):
    session = books.session
    save_mapping(session, "1234", "Liabilities:CreditCard:Old")
    save_mapping(session, "XX1234", "Liabilities:CreditCard:New")

    [mapping] = list_mappings(session)
    assert (mapping.digits, mapping.ledger_account) == (
        "1234",
        "Liabilities:CreditCard:New",
    )

    other = save_mapping(session, "5678", "Assets:Bank:Other")
    with pytest.raises(LedgerError, match="mapped already"):
        save_mapping(session, "1234", "Assets:Bank:Other", mapping_id=other.id)

    remove_mapping(session, "1234")
    assert [m.digits for m in list_mappings(session)] == ["5678"]
    with pytest.raises(MappingNotFound):
        remove_mapping(session, "1234")


@pytest.mark.parametrize(
    ("digits", "account", "words"),
    [
        ("1234", "Liabilities:Credit Card", "' '"),
        ("1234", "Bank:HDFC", "must start with one of"),
        ("1234", "Assets", "only a root"),
        ("1234", "Assets::Bank", "empty part"),
        ("card", "Assets:Bank", "no digits"),
        ("1234567890123456789", "Assets:Bank", "at most the last 16"),
    ],
)
def test_a_mapping_that_no_tool_would_read_is_refused(books, digits, account, words):
    with pytest.raises(InvalidLedgerAccount, match=words):
        save_mapping(books.session, digits, account)
    assert list_mappings(books.session) == []
