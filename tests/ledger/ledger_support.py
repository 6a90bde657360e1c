"""Filling a store with transactions, and reading exported files with the real tools."""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session

from emailautomation.store import Database, MailAccount, ProcessedMessage, Transaction

Balances = dict[tuple[str, str], Decimal]


@dataclass
class Books:
    """A store under test; ``add`` writes a transaction as the pipeline would."""

    database: Database
    session: Session
    mail_accounts: dict[str, int] = field(default_factory=dict)

    def mail_account(
        self, name: str = "Personal", ledger_account: str | None = None
    ) -> int:
        if name not in self.mail_accounts:
            account = MailAccount(
                name=name,
                host="imap.example.org",
                port=993,
                username=f"{name.lower()}@example.org",
                ledger_account=ledger_account,
            )
            self.session.add(account)
            self.session.commit()
            self.mail_accounts[name] = account.id
        return self.mail_accounts[name]

    def add(
        self,
        amount: str,
        currency: str = "INR",
        direction: str = "debit",
        *,
        digits: str | None = None,
        merchant: str | None = None,
        date: str = "2025-03-01",
        mail: str = "Personal",
        key: str | None = None,
        **fields: object,
    ) -> int:
        account_id = self.mail_account(mail)
        message = ProcessedMessage(
            account_id=account_id,
            key=key or f"<{uuid.uuid4().hex}@alerts.bank.example>",
            outcome="transaction",
        )
        self.session.add(message)
        self.session.flush()
        row = Transaction(
            mail_account_id=account_id,
            message_id=message.id,
            amount=Decimal(amount),
            currency=currency,
            direction=direction,
            account=digits,
            merchant=merchant,
            date=dt.date.fromisoformat(date),
            **fields,
        )
        self.session.add(row)
        self.session.commit()
        return row.id

    def row(self, transaction_id: int) -> Transaction:
        self.session.expire_all()
        row = self.session.get(Transaction, transaction_id)
        assert row is not None
        return row


def run(*command: str) -> str:
    """Run a tool; a failed check fails the test with the tool's own words."""
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, (
        f"{' '.join(command)} failed ({result.returncode}):\n"
        f"{result.stdout}\n{result.stderr}"
    )
    assert "error" not in result.stderr.lower(), result.stderr
    return result.stdout


def _amount(text: str) -> tuple[str, Decimal]:
    number, commodity = text.strip().split(" ")
    return commodity, Decimal(number)


def ledger_balances(ledger: str, path: Path) -> Balances:
    """Per account and commodity, as ``ledger --pedantic balance`` reports them."""
    out = run(
        ledger,
        "-f",
        str(path),
        "--pedantic",
        "balance",
        "--flat",
        "--no-total",
        "--empty",
        "--balance-format",
        "%(account)\t%(join(scrub(display_total)))\n",
    )
    balances: Balances = {}
    for line in out.splitlines():
        account, _, amounts = line.partition("\t")
        for text in amounts.split("\\n"):
            commodity, number = _amount(text)
            balances[(account, commodity)] = number
    return {k: v for k, v in balances.items() if v}


def hledger_balances(hledger: str, path: Path) -> Balances:
    """Per account and commodity, after ``hledger check --strict`` passed."""
    run(hledger, "-f", str(path), "check", "--strict")
    out = run(
        hledger,
        "-f",
        str(path),
        "balance",
        "--flat",
        "-N",
        "-O",
        "csv",
        "--layout=bare",
    )
    rows = list(csv.reader(out.splitlines()))
    assert rows[0] == ["account", "commodity", "balance"]
    balances = {(a, c): Decimal(b) for a, c, b in rows[1:]}
    return {k: v for k, v in balances.items() if v}


def beancount_balances(bean_check: str, path: Path) -> tuple[Balances, list]:
    """Per account and commodity, summed by beancount's own inventories, after
    ``bean-check`` passed; also the transactions beancount read."""
    run(bean_check, str(path))
    from beancount import loader
    from beancount.core import data, inventory

    entries, errors, _options = loader.load_file(str(path))
    assert errors == []
    inventories: dict[str, inventory.Inventory] = defaultdict(inventory.Inventory)
    transactions = [e for e in entries if isinstance(e, data.Transaction)]
    for entry in transactions:
        for posting in entry.postings:
            inventories[posting.account].add_amount(posting.units)
    balances: Balances = {}
    for account, held in inventories.items():
        for position in held:
            if position.units.number:
                balances[(account, position.units.currency)] = position.units.number
    return balances, transactions


def csv_balances(path: Path) -> tuple[Balances, list[dict[str, str]]]:
    """Per account and commodity from the CSV's signed amounts; also the rows."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    balances: Balances = defaultdict(Decimal)
    for row in rows:
        amount = Decimal(row["amount"])
        balances[(row["account"], row["currency"])] += amount
        balances[(row["category"], row["currency"])] -= amount
    return {k: v for k, v in balances.items() if v}, rows


def expected_balances(postings: list[tuple[str, str, str, str, str]]) -> Balances:
    """Balances worked out by hand from (account, category, amount, currency,
    direction) — how a bookkeeper would post each alert."""
    balances: Balances = defaultdict(Decimal)
    for account, category, amount, currency, direction in postings:
        value = Decimal(amount)
        out_of_account = direction == "debit"
        balances[(account, currency)] += -value if out_of_account else value
        balances[(category, currency)] += value if out_of_account else -value
    return {k: v for k, v in balances.items() if v}


@dataclass(frozen=True)
class ReadBack:
    """One transaction as a tool read it back from an exported file."""

    message_id: str
    payee: str
    merchant: str | None


def _comment_values(comment: str) -> dict[str, str]:
    values = {}
    for line in comment.splitlines():
        key, sep, value = line.strip().partition(": ")
        if sep:
            values.setdefault(key, value)
    return values


def read_back(kind: str, path: Path, tool: str) -> list[ReadBack]:
    """The transactions of an exported file, as the format's own tool sees them."""
    import json

    if kind == "ledger":
        out = run(
            tool,
            "-f",
            str(path),
            "--pedantic",
            "register",
            "--format",
            '%(xact.beg_line)\x1f%(tag("message-id"))\x1f%P\x1f%(tag("merchant"))\n',
        )
        seen: dict[str, ReadBack] = {}
        for line in out.splitlines():
            where, key, payee, merchant = line.split("\x1f")
            seen[where] = ReadBack(key, payee, merchant or None)
        return list(seen.values())
    if kind == "hledger":
        data = json.loads(run(tool, "-f", str(path), "print", "-O", "json"))
        found = []
        for txn in data:
            values = _comment_values(txn["tcomment"])
            found.append(
                ReadBack(
                    values["message-id"], txn["tdescription"], values.get("merchant")
                )
            )
        return found
    if kind == "beancount":
        _, transactions = beancount_balances(tool, path)
        return [
            ReadBack(t.meta["message-id"], t.payee, t.narration or None)
            for t in transactions
        ]
    _, rows = csv_balances(path)
    return [ReadBack(r["message_id"], r["payee"], r["merchant"] or None) for r in rows]


def tool_balances(kind: str, path: Path, tool: str) -> Balances:
    if kind == "ledger":
        return ledger_balances(tool, path)
    if kind == "hledger":
        return hledger_balances(tool, path)
    if kind == "beancount":
        return beancount_balances(tool, path)[0]
    return csv_balances(path)[0]
