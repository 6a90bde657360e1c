"""The Teach dialog: marking an unread alert's fields, the live preview, saving."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from gui_support import wait_views
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from emailautomation.extract.engine import extract
from emailautomation.mail.message import parse_alert
from emailautomation.store import Database, ProcessedMessage, Template, Transaction
from emailautomation.ui.teach import TeachError, TeachPreview
from templates.alerts import GERMAN, THISTLE

pytestmark = pytest.mark.gui

NEWSLETTER = (
    b"From: Thistle Building Society <cards@thistle-bs.example>\r\n"
    b"To: pat@example.org\r\n"
    b"Subject: Your statement is ready\r\n"
    b"Date: Mon, 01 Dec 2025 09:00:00 +0000\r\n"
    b"Message-ID: <statement-1@test.example>\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"\r\n"
    b"Your November statement can now be viewed in online banking.\r\n"
)


def store_as_run_would(
    db_url: str, account_id: int, raws: list[bytes], *, unfamiliar: bool = True
) -> list[int]:
    """Store messages as ignored, with the reason the built-in engine gives
    (``unfamiliar=False``: as if an older engine had not read them)."""
    ids = []
    with Database(db_url) as database, database.session() as session:
        for raw in raws:
            alert = parse_alert(raw)
            reading = extract(alert)
            if unfamiliar:
                assert reading.transaction is None, "this sample must be unfamiliar"
            message = ProcessedMessage(
                account_id=account_id,
                key=f"stored-{uuid.uuid4().hex}",
                outcome="ignored",
                reason=f"{reading.reason}: {reading.detail}",
                sender=alert.sender,
                subject=alert.subject,
                sent_at=alert.sent_at,
                raw=raw,
            )
            session.add(message)
            session.flush()
            ids.append(message.id)
        session.commit()
    return ids


def thistle_mail() -> list[bytes]:
    """The Thistle alerts, its statement notice, and its layout from a stranger."""
    mail = [
        THISTLE.eml(case, f"thistle-{i}@test.example")
        for i, case in enumerate(THISTLE.cases)
    ]
    stranger = THISTLE.eml(THISTLE.cases[1], "stranger-1@test.example")
    stranger = stranger.replace(b"cards@thistle-bs.example", b"cards@other.example")
    return [*mail, NEWSLETTER, stranger]


def mark(qtbot, dialog, field: str, value: str, *, keys: bool = False) -> None:
    """Select ``value`` in the dialog's text and assign it to ``field``."""
    text = dialog.text.toPlainText()
    start = text.index(value)
    dialog.select_span(start, start + len(value))
    if keys:
        number = ["amount", "merchant", "account", "date", "time"].index(field) + 1
        key = getattr(Qt.Key, f"Key_{number}")
        qtbot.keyClick(dialog.text, key, Qt.KeyboardModifier.ControlModifier)
    else:
        qtbot.mouseClick(dialog.rows[field].mark, Qt.MouseButton.LeftButton)
    assert dialog.marks[field] == (start, start + len(value))


def wait_preview(qtbot, dialog):
    qtbot.waitUntil(
        lambda: not dialog.previewing and dialog.last_preview is not None,
        timeout=20000,
    )
    return dialog.last_preview


def open_teach(qtbot, window, message_id: int):
    page = window.messages
    position = next(
        r
        for r in range(page.model.rowCount())
        if page.model.message_at(r).id == message_id
    )
    page.table.selectRow(position)
    assert window.teaching.teach_button.isEnabled()
    qtbot.mouseClick(window.teaching.teach_button, Qt.MouseButton.LeftButton)
    dialog = window.teaching.dialog
    qtbot.waitUntil(lambda: dialog.sample is not None, timeout=20000)
    return dialog


def count_rows(db_url: str, query) -> int:
    with Database(db_url) as database, database.session() as session:
        return session.scalar(query) or 0


def test_marking_an_unfamiliar_alert_reads_the_other_mail_of_its_sender(
    qtbot, open_window, sqlite_url, make_account
):
    account = make_account(sqlite_url, name="Mail")
    sample_id, *_ = store_as_run_would(sqlite_url, account, thistle_mail())
    window = open_window(sqlite_url)
    assert window.transactions.model.rowCount() == 0

    dialog = open_teach(qtbot, window, sample_id)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=5000)
    assert "HIGHLAND BOOKS" in dialog.text.toPlainText()
    assert dialog.marks == {}  # the engine read nothing to pre-mark

    mark(qtbot, dialog, "amount", "14.99", keys=True)
    mark(qtbot, dialog, "merchant", "HIGHLAND BOOKS", keys=True)
    mark(qtbot, dialog, "account", "x2045")
    mark(qtbot, dialog, "date", "17 Nov 2025")
    dialog.currency.setCurrentIndex(dialog.currency.findData("GBP"))
    dialog.direction.setCurrentIndex(dialog.direction.findData("debit"))
    # Every field in its own colour, where it was marked.
    assert dialog.highlighted() == dialog.marks

    preview = wait_preview(qtbot, dialog)
    assert isinstance(preview, TeachPreview), preview
    shown = dialog.readback.text()
    assert "14.99 GBP debit" in shown
    assert "HIGHLAND BOOKS" in shown and "card 2045" in shown
    assert "2025-11-17" in shown
    # The two other alerts and the statement notice; not the stranger's copy.
    table = dialog.others
    assert table.rowCount() == 3
    column = [table.item(r, 3).text() for r in range(3)]
    assert sum("1212.40 GBP debit · CALEDONIAN SLEEPER TICKETS" in c for c in column)
    assert sum("3.10 GBP debit · TESCO · card 9100" in c for c in column) == 1
    assert sum(c.startswith("not read:") for c in column) == 1
    assert preview.would_become == 2
    assert "2 of the 3 not read yet would become transactions" in (
        dialog.others_summary.text()
    )

    with qtbot.waitSignal(dialog.saved, timeout=30000) as saved:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    result = saved.args[0]
    # The sample and the two alerts the preview promised, nothing else.
    assert result.totals["transaction"] == 1 + preview.would_become
    assert "3 messages became transactions" in dialog.status.text()
    stored = count_rows(
        sqlite_url,
        select(func.count())
        .select_from(Transaction)
        .where(Transaction.template_id == result.template_id),
    )
    assert stored == 1 + preview.would_become

    wait_views(qtbot, window)
    qtbot.waitUntil(lambda: window.transactions.model.rowCount() == 3, timeout=10000)
    rows = [window.transactions.model.row_at(r) for r in range(3)]
    assert {(r.merchant, r.amount, r.currency) for r in rows} == {
        ("HIGHLAND BOOKS", Decimal("14.99"), "GBP"),
        ("CALEDONIAN SLEEPER TICKETS", Decimal("1212.40"), "GBP"),
        ("TESCO", Decimal("3.10"), "GBP"),
    }
    senders = {m.sender for m in window.messages.model.shown()}
    subjects = {m.subject for m in window.messages.model.shown()}
    assert senders == {"cards@thistle-bs.example", "cards@other.example"}
    assert "Your statement is ready" in subjects

    templates = window.templates_page
    qtbot.waitUntil(lambda: templates.table.rowCount() == 1, timeout=10000)
    assert templates.table.item(0, 0).text() == "cards@thistle-bs.example"
    assert templates.table.item(0, 2).text() == "3"


def test_a_date_marked_as_the_amount_is_refused_next_to_the_amount(
    qtbot, open_window, sqlite_url, make_account
):
    account = make_account(sqlite_url, name="Mail")
    mail = [
        GERMAN.eml(c, f"german-{i}@test.example") for i, c in enumerate(GERMAN.cases)
    ]
    sample_id, *_ = store_as_run_would(sqlite_url, account, mail, unfamiliar=False)
    window = open_window(sqlite_url)
    dialog = open_teach(qtbot, window, sample_id)
    # Today's engine reads it, so its fields come pre-marked; the person
    # then marks the date as the amount by mistake.
    text = dialog.text.toPlainText()
    assert text[slice(*dialog.marks["amount"])] == "12,50"

    mark(qtbot, dialog, "amount", "03.11.2025")
    preview = wait_preview(qtbot, dialog)
    assert isinstance(preview, TeachError)
    assert preview.field == "amount"
    assert dialog.error_text("amount") == "“03.11.2025” is a date, not an amount"
    assert dialog.error_text("merchant") == ""
    assert dialog.others.rowCount() == 0

    # Saving anyway is refused the same way, and stores nothing.
    with qtbot.waitSignal(dialog.saveFailed, timeout=20000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "is a date, not an amount" in dialog.status.text()
    assert dialog.error_text("amount") == "“03.11.2025” is a date, not an amount"
    assert count_rows(sqlite_url, select(func.count()).select_from(Template)) == 0

    # Marking the real amount clears the error and the preview reads.
    mark(qtbot, dialog, "amount", "12,50")
    qtbot.waitUntil(
        lambda: isinstance(dialog.last_preview, TeachPreview) and not dialog.previewing,
        timeout=20000,
    )
    assert dialog.error_text("amount") == ""


def test_correcting_a_stored_transaction_starts_from_what_was_read(
    qtbot, open_window, sqlite_url, make_account
):
    account = make_account(sqlite_url, name="Mail")
    raw = GERMAN.eml(GERMAN.sample, "german-0@test.example")
    alert = parse_alert(raw)
    fields = extract(alert).transaction
    assert fields is not None and fields.merchant == "BÄCKEREI MÜLLER"
    with Database(sqlite_url) as database, database.session() as session:
        message = ProcessedMessage(
            account_id=account,
            key="german-0",
            outcome="transaction",
            sender=alert.sender,
            subject=alert.subject,
            sent_at=alert.sent_at,
            raw=raw,
        )
        session.add(message)
        session.add(
            Transaction(
                mail_account_id=account,
                message=message,
                amount=fields.amount,
                currency=fields.currency,
                direction=fields.direction,
                date=fields.date,
                time=fields.time,
                account=fields.account,
                merchant="WRONG",
                bank=fields.bank,
            )
        )
        session.commit()
    window = open_window(sqlite_url)
    window.transactions.table.selectRow(0)
    launcher = window.teaching
    assert launcher.correct_button.isEnabled()
    qtbot.mouseClick(launcher.correct_button, Qt.MouseButton.LeftButton)
    dialog = launcher.dialog
    qtbot.waitUntil(lambda: dialog.sample is not None, timeout=20000)
    assert dialog.headline.text().startswith("Correct the reading of")

    # What the engine reads is marked already, each in its colour.
    text = dialog.text.toPlainText()
    marked = {f: text[slice(*span)] for f, span in dialog.marks.items()}
    assert marked == {
        "amount": "12,50",
        "merchant": "BÄCKEREI MÜLLER",
        "account": "4821",
        "date": "03.11.2025",
        "time": "08:15",
    }
    assert dialog.highlighted() == dialog.marks
    assert isinstance(wait_preview(qtbot, dialog), TeachPreview)

    with qtbot.waitSignal(dialog.saved, timeout=30000) as saved:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    template_id = saved.args[0].template_id
    with Database(sqlite_url) as database, database.session() as session:
        row = session.scalars(select(Transaction)).one()
        assert (row.merchant, row.template_id) == ("BÄCKEREI MÜLLER", template_id)
    qtbot.waitUntil(
        lambda: (
            window.transactions.model.rowCount() == 1
            and window.transactions.model.row_at(0).merchant == "BÄCKEREI MÜLLER"
        ),
        timeout=10000,
    )
    assert dt.date(2025, 11, 3) == window.transactions.model.row_at(0).date
