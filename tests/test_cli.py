"""The ``emailautomation`` command as a person runs it, in a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from emailautomation import __version__
from support.corpus import mismatches


def cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "emailautomation", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_version():
    result = cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"emailautomation {__version__}"


def test_account_add_list_remove(sqlite_url):
    added = cli(
        "--db",
        sqlite_url,
        "account",
        "add",
        "Personal",
        "--host",
        "imap.example.org",
        "--user",
        "pat@example.org",
        "--sender",
        "Alerts@HDFCBank.net",
        "--sender",
        "chase.com",
        "--since",
        "2025-10-01",
        "--password-stdin",
        stdin="pa55word\n",
    )
    assert added.returncode == 0, added.stderr
    assert "Added account 'Personal'" in added.stdout

    listed = cli("--db", sqlite_url, "account", "list", "--json")
    [account] = [json.loads(line) for line in listed.stdout.splitlines()]
    assert account["name"] == "Personal"
    assert (account["host"], account["port"], account["security"]) == (
        "imap.example.org",
        993,
        "ssl",
    )
    assert account["senders"] == ["alerts@hdfcbank.net", "chase.com"]
    assert account["since"] == "2025-10-01"
    assert "pa55word" not in listed.stdout
    assert b"pa55word" not in Path(sqlite_url.removeprefix("sqlite:///")).read_bytes()

    duplicate = cli(
        "--db",
        sqlite_url,
        "account",
        "add",
        "Personal",
        "--host",
        "h",
        "--user",
        "u",
        "--password-stdin",
        stdin="x\n",
    )
    assert duplicate.returncode == 1
    assert "exists" in duplicate.stderr

    removed = cli("--db", sqlite_url, "account", "remove", "Personal")
    assert removed.returncode == 0
    assert cli("--db", sqlite_url, "account", "list").stdout == ""
    missing = cli("--db", sqlite_url, "account", "remove", "Personal")
    assert missing.returncode == 1 and "No account named 'Personal'" in missing.stderr


def test_bad_arguments_are_reported_by_name(sqlite_url):
    result = cli(
        "--db",
        sqlite_url,
        "account",
        "add",
        "X",
        "--host",
        "h",
        "--user",
        "u",
        "--since",
        "03/11/2025",
        "--password-stdin",
        stdin="x\n",
    )
    assert result.returncode == 2
    assert "'03/11/2025' is not a date in the form YYYY-MM-DD" in result.stderr


@pytest.mark.imap
def test_process_then_transactions_json(sqlite_url, mailbox, corpus, corpus_files):
    mailbox.deliver_files(corpus_files)
    added = cli(
        *mailbox.account_add_args(sqlite_url, "Test"), stdin=mailbox.password + "\n"
    )
    assert added.returncode == 0, added.stderr

    processed = cli("--db", sqlite_url, "process")

    assert processed.returncode == 0, processed.stderr
    expected = [e for e in corpus.values() if e is not None]
    assert processed.stdout.strip() == (
        f"Test: {len(corpus)} new, {len(expected)} stored, "
        f"{len(corpus) - len(expected)} ignored, 0 failed"
    )
    listed = cli("--db", sqlite_url, "transactions", "--json")
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert len(rows) == len(expected)
    assert set(rows[0]) == {
        "amount",
        "currency",
        "direction",
        "account",
        "merchant",
        "date",
        "time",
        "balance",
        "reference",
        "bank",
    }
    for want in expected:
        assert any(mismatches(row, want) == [] for row in rows), want

    since = cli("--db", sqlite_url, "transactions", "--json", "--since", "2025-11-20")
    assert all(json.loads(r)["date"] >= "2025-11-20" for r in since.stdout.splitlines())
    assert 0 < len(since.stdout.splitlines()) < len(rows)

    again = cli("--db", sqlite_url, "process", "Test")
    assert again.stdout.strip() == "Test: 0 new, 0 stored, 0 ignored, 0 failed"


@pytest.mark.imap
def test_process_exits_non_zero_when_an_account_fails(sqlite_url, mailbox):
    cli(*mailbox.account_add_args(sqlite_url, "Wrong"), stdin="not-the-password\n")
    result = cli("--db", sqlite_url, "process")
    assert result.returncode == 1
    assert result.stdout.startswith("Wrong: FAILED: ")
    assert "refused the login" in result.stdout
    assert "not-the-password" not in result.stdout + result.stderr


def test_process_unknown_account_name(sqlite_url):
    result = cli("--db", sqlite_url, "process", "Nope")
    assert result.returncode == 1
    assert "No account named 'Nope'" in result.stderr


def test_parse_json_reports_every_file_and_errors_on_stderr(
    sqlite_url, corpus, corpus_files, tmp_path
):
    not_mail = tmp_path / "notes.eml"
    not_mail.write_bytes(b"")
    missing = tmp_path / "missing.eml"
    files = [str(p) for p in corpus_files[:3]] + [str(not_mail), str(missing)]

    result = cli("--db", sqlite_url, "parse", "--json", *files)

    assert result.returncode == 2
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["file"] for line in lines] == files[:3]
    for line in lines:
        want = corpus[Path(line["file"]).name]
        if want is None:
            assert line["transaction"] is None and line["reason"]
        else:
            assert mismatches(line["transaction"], want) == []
    assert f"{not_mail} is not an e-mail: the message is empty" in result.stderr
    assert f"cannot read {missing}: No such file or directory" in result.stderr


@pytest.mark.imap
def test_process_draws_a_progress_bar_on_a_terminal(sqlite_url, mailbox, corpus_files):
    import pty

    mailbox.deliver_files(corpus_files[:4])
    cli(*mailbox.account_add_args(sqlite_url, "Tty"), stdin=mailbox.password + "\n")
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "emailautomation", "--db", sqlite_url, "process"],
        stdout=subprocess.PIPE,
        stderr=terminal,
        text=True,
    )
    out, _ = process.communicate(timeout=120)
    os.close(terminal)
    drawn = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:
            break
        if not chunk:
            break
        drawn += chunk

    assert process.returncode == 0
    assert "Tty: 4 new" in out
    assert b"[##############################] 4/4" in drawn
    assert b"connecting to 127.0.0.1" in drawn


@pytest.mark.parametrize(
    ("stored", "currency", "shown"),
    [
        ("789.0000", "INR", "789.00"),
        ("120.0", "INR", "120.00"),
        ("3500.0000", "JPY", "3500"),
        ("12.5000", "KWD", "12.500"),
        ("0.1250", "USD", "0.125"),
    ],
)
def test_amounts_are_shown_to_the_currency_minor_unit(stored, currency, shown):
    from decimal import Decimal

    from emailautomation.extract.model import format_amount

    assert format_amount(Decimal(stored), currency) == shown


def test_a_command_loads_only_what_it_needs():
    probe = (
        "import sys\n"
        "from emailautomation.cli import build_parser, command_in\n"
        "argv = ['--db', 'sqlite:////tmp/x.db', '-v', 'process']\n"
        "build_parser(command_in(argv)).parse_args(argv)\n"
        "heavy = ['emailautomation.extract.engine', 'emailautomation.ledger',\n"
        "         'emailautomation.extract.templates', 'PySide6']\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_help_without_a_command_lists_every_command():
    result = cli("--help")
    assert result.returncode == 0
    for command in (
        "account",
        "process",
        "transactions",
        "parse",
        "gui",
        "export",
        "mapping",
        "rule",
        "learn",
        "templates",
    ):
        assert command in result.stdout
