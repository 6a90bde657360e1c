"""``emailautomation export``, ``mapping`` and ``rule`` as a person runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal

from ledger_support import hledger_balances


def cli(db: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "emailautomation", "--db", db, *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def ok(db: str, *args: str) -> str:
    result = cli(db, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout + result.stderr


def test_map_categorise_and_export_from_the_command_line(
    books, sqlite_url, hledger_cli, tmp_path
):
    books.mail_account("Personal")
    books.add("450.00", digits="XX1234", merchant="SWIGGY*ORDER 99", date="2025-03-02")
    books.add(
        "85000.00",
        direction="credit",
        digits="9876",
        merchant="NEFT SALARY ACME",
        date="2025-03-31",
    )
    books.add("20.00", merchant="Tea stall", date="2025-03-03")
    db = sqlite_url

    assert "Mapped 1234 to Liabilities:CreditCard:HDFC" in ok(
        db, "mapping", "add", "XX1234", "Liabilities:CreditCard:HDFC"
    )
    ok(db, "mapping", "add", "9876", "Assets:Bank:SBI")
    ok(db, "mapping", "default", "Assets:Cash")
    ok(
        db,
        "rule",
        "add",
        "salary",
        "Income:Salary",
        "--direction",
        "credit",
        "--payee",
        "ACME",
    )
    ok(
        db,
        "rule",
        "add",
        "^swiggy",
        "Expenses:Food",
        "--match",
        "regex",
        "--position",
        "1",
    )
    listed = [
        json.loads(line) for line in ok(db, "rule", "list", "--json").splitlines()
    ]
    assert [(r["position"], r["pattern"]) for r in listed] == [
        (1, "^swiggy"),
        (2, "salary"),
    ]
    assert "Categorised 2 transactions" in ok(db, "rule", "apply")

    out = tmp_path / "books.journal"
    assert "Wrote 3 hledger entries" in ok(
        db, "export", "--format", "hledger", "--out", str(out), "--new-only"
    )
    assert hledger_balances(hledger_cli, out) == {
        ("Liabilities:CreditCard:HDFC", "INR"): Decimal("-450.00"),
        ("Expenses:Food", "INR"): Decimal("450.00"),
        ("Assets:Bank:SBI", "INR"): Decimal("85000.00"),
        ("Income:Salary", "INR"): Decimal("-85000.00"),
        ("Assets:Cash", "INR"): Decimal("-20.00"),
        ("Expenses:Uncategorised", "INR"): Decimal("20.00"),
    }
    assert "Nothing new to export" in ok(
        db, "export", "--format", "hledger", "--out", str(out), "--new-only"
    )

    printed = ok(db, "export", "--format", "beancount", "--account", "Income")
    assert '* "ACME" "NEFT SALARY ACME"' in printed
    assert "Tea stall" not in printed


def test_rules_and_mappings_round_trip_through_files(sqlite_url, tmp_path):
    db = sqlite_url
    ok(db, "mapping", "add", "1234", "Liabilities:CreditCard:HDFC")
    ok(db, "rule", "add", "uber", "Expenses:Taxi", "--digits", "1234")
    ok(db, "rule", "default", "--debit", "Expenses:Misc")
    mappings, rules = tmp_path / "mappings.toml", tmp_path / "rules.toml"
    ok(db, "mapping", "export", str(mappings))
    ok(db, "rule", "export", str(rules))

    other = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    assert "1 added" in ok(other, "mapping", "import", str(mappings))
    assert "1 added" in ok(other, "rule", "import", str(rules))
    assert ok(other, "mapping", "list") == ok(db, "mapping", "list")
    assert ok(other, "rule", "list") == ok(db, "rule", "list")
    assert "Expenses:Misc (debits)" in ok(other, "rule", "list")


def test_mistakes_are_refused_with_a_reason_and_exit_status_1(sqlite_url, tmp_path):
    db = sqlite_url
    cases = [
        (("mapping", "add", "1234", "Credit Card"), "must start with one of"),
        (("mapping", "remove", "5555"), "No mapping for digits 5555"),
        (("rule", "add", "(", "Expenses:X", "--match", "regex"), "regular expression"),
        (("rule", "remove", "7"), "No category rule with id 7"),
        (("rule", "move", "7", "1"), "No category rule with id 7"),
        (("rule", "import", str(tmp_path / "missing.toml")), "does not exist"),
        (
            ("export", "--format", "ledger", "--account", "Typo"),
            "neither a mail account",
        ),
        (("export", "--format", "csv", "--out", str(tmp_path)), "is a folder"),
        (
            ("mapping", "default", "Assets:X", "--mail-account", "Nobody"),
            "No mail account",
        ),
    ]
    for args, words in cases:
        result = cli(db, *args)
        assert result.returncode == 1, (args, result.stderr)
        assert words in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr
