"""For the window tests: generated alerts, transactions stored directly, waiting."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any


def alert_messages(count: int, *, start: int = 0, tag: str = "") -> list[bytes]:
    """Plain-text card alerts, each with its own Message-ID, amount and merchant."""
    tag = tag or uuid.uuid4().hex[:8]
    messages = []
    for n in range(start, start + count):
        amount = Decimal(100 + n) + Decimal(n % 100) / 100
        messages.append(
            (
                "From: Example Bank Alerts <alerts@examplebank.test>\r\n"
                "To: you@example.test\r\n"
                f"Subject: Card transaction alert {n}\r\n"
                "Date: Tue, 02 Dec 2025 10:15:00 +0530\r\n"
                f"Message-ID: <alert-{tag}-{n}@examplebank.test>\r\n"
                "MIME-Version: 1.0\r\n"
                "Content-Type: text/plain; charset=utf-8\r\n"
                "\r\n"
                f"Dear Customer, INR {amount:.2f} was spent on your Example Bank "
                f"credit card ending 4321 at SHOP {n} on 02-12-2025 10:15:00.\r\n"
            ).encode()
        )
    return messages


def insert_transactions(db_url: str, account_id: int, rows: list[dict]) -> list[int]:
    """Store transactions directly (with the message each one came from)."""
    from emailautomation.store import Database
    from emailautomation.store.models import ProcessedMessage, Transaction

    ids = []
    with Database(db_url) as database, database.session() as session:
        for values in rows:
            message = ProcessedMessage(
                account_id=account_id,
                key=f"direct-{uuid.uuid4().hex}",
                outcome="transaction",
                sender="alerts@examplebank.test",
                subject="Card alert",
                sent_at=dt.datetime(2025, 12, 2, 4, 45),
                raw=b"",
            )
            session.add(message)
            fields = {
                "currency": "INR",
                "direction": "debit",
                "account": "4321",
                "bank": "Example Bank",
                "time": None,
                **values,
            }
            row = Transaction(mail_account_id=account_id, message=message, **fields)
            session.add(row)
            session.flush()
            ids.append(row.id)
        session.commit()
    return ids


def wait_views(qtbot: Any, window: Any, timeout: int = 20000) -> None:
    """Wait until the window's views (transactions, messages, statuses) are loaded."""
    qtbot.waitUntil(
        lambda: (
            not window.transactions.loading
            and not window.messages.loading
            and not window.statuses_loading
        ),
        timeout=timeout,
    )
