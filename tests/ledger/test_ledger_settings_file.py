"""Mappings and rules as a TOML file: written, read back, and bad files refused."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emailautomation.errors import AccountNotFound
from emailautomation.ledger import (
    RuleDraft,
    SettingsFileInvalid,
    add_rule,
    dump_settings,
    import_mappings,
    import_rules,
    list_mappings,
    list_rules,
    load_defaults,
    parse_settings,
    save_defaults,
    save_mail_account_default,
    save_mapping,
)
from emailautomation.ledger.toml_file import toml_string

TRICKY_PATTERNS = [
    r"^(uber|ola)\b.*\d{4}$",
    'it\'s "quoted"',
    "back\\slash",
    "tab\tinside",
    "Zürich 東京 ☕",
]


def fill(books) -> None:
    session = books.session
    personal = books.mail_account('Personal "home"')
    save_mail_account_default(session, personal, "Assets:Bank:Chase:Checking")
    save_mapping(session, "0042", "Liabilities:CreditCard:HDFC")
    save_mapping(session, "9876", "Assets:Bank:Chase:Checking")
    save_defaults(
        session,
        account="Assets:Suspense",
        debit_category="Expenses:Misc",
        credit_category="Income:Misc",
    )
    for index, pattern in enumerate(TRICKY_PATTERNS):
        add_rule(
            session,
            RuleDraft(
                "regex" if index == 0 else "contains",
                pattern,
                f"Expenses:Rule{index}",
                payee=f'Payee "{index}"' if index % 2 else None,
                account_digits="0042" if index == 1 else None,
                direction="credit" if index == 2 else None,
            ),
        )


def snapshot(books) -> tuple:
    session = books.session
    session.expire_all()
    from emailautomation.ledger.defaults import list_mail_account_defaults

    return (
        [(m.digits, m.ledger_account) for m in list_mappings(session)],
        [r.draft for r in list_rules(session)],
        load_defaults(session),
        list_mail_account_defaults(session),
    )


def test_a_written_file_reads_back_into_another_database_unchanged(books, tmp_path):
    from ledger_support import Books

    from emailautomation.store import Database

    fill(books)
    text = dump_settings(books.session)
    assert tomllib.loads(text)["mapping"][0] == {
        "digits": "0042",
        "account": "Liabilities:CreditCard:HDFC",
    }

    database = Database(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    other = Books(database, database.session())
    try:
        other.mail_account('Personal "home"')
        settings = parse_settings(text)
        import_mappings(other.session, settings)
        import_rules(other.session, settings)
        assert snapshot(other) == snapshot(books)
    finally:
        other.session.close()
        database.close()


def test_mapping_and_rule_files_each_hold_their_own_part(books):
    fill(books)
    mappings = tomllib.loads(dump_settings(books.session, rules=False))
    rules = tomllib.loads(dump_settings(books.session, mappings=False))

    assert set(mappings) == {"version", "defaults", "mail_accounts", "mapping"}
    assert mappings["defaults"] == {"account": "Assets:Suspense"}
    assert set(rules) == {"version", "defaults", "rule"}
    stored = [r.pattern for r in list_rules(books.session)]
    assert [r["pattern"] for r in rules["rule"]] == stored
    assert "tab inside" in stored  # a contains-pattern's spaces are tidied


def test_importing_replaces_unless_merging(books):
    session = books.session
    save_mapping(session, "1111", "Assets:Old")
    add_rule(session, RuleDraft("contains", "old", "Expenses:Old"))
    text = """
        [[mapping]]
        digits = "2222"
        account = "Assets:New"

        [[rule]]
        pattern = "new"
        category = "Expenses:New"
    """
    settings = parse_settings(text)

    merged = import_mappings(session, settings, merge=True)
    import_rules(session, settings, merge=True)
    assert (merged.added, merged.removed) == (1, 0)
    assert [m.digits for m in list_mappings(session)] == ["1111", "2222"]
    assert [r.pattern for r in list_rules(session)] == ["old", "new"]
    import_rules(session, settings, merge=True)  # merging twice adds nothing
    assert len(list_rules(session)) == 2

    replaced = import_mappings(session, settings)
    import_rules(session, settings)
    assert (replaced.added, replaced.removed) == (0, 1)
    assert [m.digits for m in list_mappings(session)] == ["2222"]
    assert [r.pattern for r in list_rules(session)] == ["new"]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[[mapping]]\ndigits = 42\naccount = 'Assets:X'", "in quotes"),
        ("[[mapping]]\ndigits = '42'\naccount = 'assets:x'", "mapping 1: .*must start"),
        (
            "[[mapping]]\ndigits = '42'\naccount = 'Assets:X'\n"
            "[[mapping]]\ndigits = 'XX42'\naccount = 'Assets:Y'",
            "mapped already by mapping 1",
        ),
        (
            "[[rule]]\nmatch = 'regex'\npattern = '(('\ncategory = 'Expenses:X'",
            "rule 1: .*regular",
        ),
        (
            "[[rule]]\npattern = 'x'\ncategory = 'Expenses:X'\ncolour = 'red'",
            "unknown key 'colour'",
        ),
        ("[[rule]]\ncategory = 'Expenses:X'", "'pattern' is missing"),
        ("[defaults]\naccount = 'Cash'", r"\[defaults\]"),
        ("version = 2", "version 2"),
        ("mapping = 'x'", r"\[\[mapping\]\]"),
        ("[[rule]\n", "not valid TOML"),
    ],
)
def test_a_bad_file_is_refused_with_where_and_why(text, words):
    with pytest.raises(SettingsFileInvalid, match=words):
        parse_settings(text)


def test_a_file_naming_an_unknown_mail_account_changes_nothing(books):
    save_mapping(books.session, "1111", "Assets:Old")
    settings = parse_settings(
        '[mail_accounts]\n"Nobody" = "Assets:X"\n'
        '[[mapping]]\ndigits = "2222"\naccount = "Assets:New"\n'
    )
    with pytest.raises(AccountNotFound, match="Nobody"):
        import_mappings(books.session, settings)
    assert [m.digits for m in list_mappings(books.session)] == ["1111"]


@given(st.text(max_size=60))
def test_any_text_survives_a_toml_string(value):
    assert tomllib.loads(f"x = {toml_string(value)}")["x"] == value
