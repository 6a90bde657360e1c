"""Teaching end to end: unread alerts on a real IMAP server, ``learn`` on the
command line, and the same messages, later runs and ``parse`` read by it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from emailautomation.cli.transactions import transaction_json
from emailautomation.jobs import process_account
from emailautomation.jobs.templates import preview_messages
from emailautomation.store import Database, ProcessedMessage, Template, Transaction
from templates.alerts import THISTLE, Case

pytestmark = pytest.mark.imap

MARKS = [
    "--amount",
    "14.99",
    "--merchant",
    "HIGHLAND BOOKS",
    "--account",
    "x2045",
    "--date",
    "17 Nov 2025",
    "--currency",
    "GBP",
]
FIELDS = ("amount", "currency", "direction", "merchant", "account", "date", "time")


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "emailautomation", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def thistle_mail(stranger: bool = False) -> list[bytes]:
    """The Thistle alerts, and (``stranger``) the same layout from another sender."""
    mail = [
        THISTLE.eml(case, f"thistle-{i}@test.example")
        for i, case in enumerate(THISTLE.cases)
    ]
    if stranger:
        copy = THISTLE.eml(THISTLE.cases[1], "stranger-1@test.example")
        mail.append(
            copy.replace(b"cards@thistle-bs.example", b"cards@thistle-bs.example.net")
        )
    return mail


def stored(db_url: str) -> dict[str, tuple[ProcessedMessage, Transaction | None]]:
    """Messages by the Message-ID's local part, with their transaction."""
    database = Database(db_url)
    try:
        with database.session() as session:
            rows = session.execute(
                select(ProcessedMessage, Transaction).outerjoin(
                    Transaction, Transaction.message_id == ProcessedMessage.id
                )
            ).all()
            return {message.key.split("@")[0]: (message, row) for message, row in rows}
    finally:
        database.close()


def template_row(db_url: str, template_id: int) -> Template | None:
    database = Database(db_url)
    try:
        with database.session() as session:
            return session.get(Template, template_id)
    finally:
        database.close()


def fields_of(row: Transaction) -> dict[str, str | None]:
    data = transaction_json(row)
    return {name: data[name] for name in FIELDS}


def test_taught_format_reads_unread_alerts_then_every_run_and_parse(
    db_url, mailbox, make_account, tmp_path: Path
):
    mailbox.deliver(thistle_mail(stranger=True))
    account_id = make_account(db_url, mailbox)
    first = process_account(account_id, db_url)
    assert (first.status, first.stored, first.ignored) == ("succeeded", 0, 4)

    sample = tmp_path / "sample.eml"
    sample.write_bytes(THISTLE.eml(THISTLE.sample, "thistle-0@test.example"))
    learned = cli("--db", db_url, "learn", str(sample), *MARKS, "--reread", "--json")

    assert learned.returncode == 0, learned.stderr
    report = json.loads(learned.stdout)
    template_id = report["id"]
    assert report["format"] == f"template:{template_id}"
    assert report["sender"] == "cards@thistle-bs.example"
    assert {k: report["readback"][k] for k in FIELDS} == THISTLE.sample.expected
    assert report["reread"] == {"transaction": 3, "ignored": 0, "failed": 0}

    messages = stored(db_url)
    for index, case in enumerate(THISTLE.cases):
        message, row = messages[f"thistle-{index}"]
        assert message.outcome == "transaction"
        assert message.format == f"template:{template_id}"
        assert row is not None
        assert (row.format, row.template_id) == (f"template:{template_id}", template_id)
        assert fields_of(row) == case.expected
    stranger, none = messages["stranger-1"]
    assert (stranger.outcome, none) == ("ignored", None)
    used = template_row(db_url, template_id).last_used_at
    assert used is not None

    # A later run reads new mail of that sender with the template.
    later = Case(
        {
            "merchant": "ORKNEY FERRIES",
            "amount": "2,005.00",
            "date": "9 Jan 2026",
            "card": "x2045",
            "ref": "C-12",
        },
        THISTLE.cases[2].sent_at,
        {},
    )
    mailbox.deliver([THISTLE.eml(later, "thistle-later@test.example")])
    second = process_account(account_id, db_url)
    assert (second.status, second.stored) == ("succeeded", 1)
    _message, row = stored(db_url)["thistle-later"]
    assert row is not None and row.format == f"template:{template_id}"
    assert (row.amount, row.merchant, str(row.date)) == (
        2005,
        "ORKNEY FERRIES",
        "2026-01-09",
    )
    assert template_row(db_url, template_id).last_used_at >= used

    # parse uses the template as a run does.
    saved = tmp_path / "later.eml"
    saved.write_bytes(THISTLE.eml(later, "thistle-later@test.example"))
    parsed = cli("--db", db_url, "parse", "--json", str(saved))
    assert parsed.returncode == 0, parsed.stderr
    record = json.loads(parsed.stdout)
    assert record["format"] == f"template:{template_id}"
    assert record["transaction"]["amount"] == "2005.00"


def test_preview_counts_match_what_a_reread_then_stores(
    sqlite_url, mailbox, make_account, tmp_path: Path
):
    mailbox.deliver(thistle_mail())
    account_id = make_account(sqlite_url, mailbox)
    assert process_account(account_id, sqlite_url).ignored == len(THISTLE.cases)
    sample = tmp_path / "sample.eml"
    sample.write_bytes(THISTLE.eml(THISTLE.sample, "thistle-0@test.example"))

    learned = cli("--db", sqlite_url, "learn", str(sample), *MARKS, "--name", "Thistle")

    assert learned.returncode == 0, learned.stderr
    first_line, readback, waiting = learned.stdout.splitlines()
    assert first_line == "Learned template 1 “Thistle” for cards@thistle-bs.example."
    assert readback == (
        "Read back from the sample: debit 14.99 GBP at HIGHLAND BOOKS on "
        "2025-11-17 (card/account 2045)"
    )
    assert waiting == (
        "3 ignored or failed message(s) from cards@thistle-bs.example can be read "
        "again: emailautomation templates reread 1"
    )
    previews = preview_messages(sqlite_url, 1)
    assert len(previews) == 3
    would = sum(p.would_become_transaction for p in previews)

    reread = cli("--db", sqlite_url, "templates", "reread", "1")

    assert reread.returncode == 0, reread.stderr
    assert reread.stdout.strip() == (
        f"Read again: {would} became transactions, 0 ignored, 0 failed."
    )
    assert would == 3

    listed = cli("--db", sqlite_url, "templates", "list", "--json")
    [entry] = [json.loads(line) for line in listed.stdout.splitlines()]
    assert (entry["id"], entry["name"], entry["transactions"], entry["waiting"]) == (
        1,
        "Thistle",
        3,
        0,
    )
    assert entry["last_used"] is not None

    shown = cli("--db", sqlite_url, "templates", "show", "1", "--sample")
    assert shown.returncode == 0, shown.stderr
    assert "produced   3 transaction(s)" in shown.stdout
    assert "HIGHLAND BOOKS | Merchant" in shown.stdout

    renamed = cli("--db", sqlite_url, "templates", "rename", "1", "Thistle cards")
    assert renamed.returncode == 0, renamed.stderr
    removed = cli("--db", sqlite_url, "templates", "remove", "1")
    assert removed.stdout.strip() == (
        "Removed template 1; the 3 transaction(s) it read stay."
    )
    rows = [row for _m, row in stored(sqlite_url).values() if row is not None]
    assert len(rows) == 3
    assert {(row.format, row.template_id) for row in rows} == {("template:1", None)}
    missing = cli("--db", sqlite_url, "templates", "show", "1")
    assert missing.returncode == 1
    assert "No learned template with id 1" in missing.stderr


def test_learn_refuses_a_value_not_in_the_email_and_stores_nothing(
    sqlite_url, tmp_path: Path
):
    sample = tmp_path / "sample.eml"
    sample.write_bytes(THISTLE.eml(THISTLE.sample, "thistle-0@test.example"))

    result = cli("--db", sqlite_url, "learn", str(sample), "--amount", "15.99")

    assert result.returncode == 1
    assert result.stderr.strip() == (
        "emailautomation: amount: “15.99” is not in the e-mail's text; copy it "
        "exactly as the e-mail shows it"
    )
    listed = cli("--db", sqlite_url, "templates", "list")
    assert listed.stdout.strip() == (
        "No templates yet; teach one with 'emailautomation learn FILE.eml'."
    )
