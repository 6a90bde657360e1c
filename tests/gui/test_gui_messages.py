"""The messages not read as transactions: reasons, their text, reading them again."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from gui_support import wait_views
from PySide6.QtCore import Qt
from sqlalchemy import select

from emailautomation.store import Database, ProcessedMessage

pytestmark = pytest.mark.gui


def store_unread(db_url: str, account_id: int, raw: bytes, outcome: str, reason: str):
    with Database(db_url) as database, database.session() as session:
        message = ProcessedMessage(
            account_id=account_id,
            key=f"stored-{uuid.uuid4().hex}",
            outcome=outcome,
            reason=reason,
            sender="alerts@bank.example",
            subject="Stored alert",
            sent_at=dt.datetime(2025, 12, 2, 5, 0),
            raw=raw,
        )
        session.add(message)
        session.commit()
        return message.id


def test_unread_messages_show_reason_text_and_can_be_read_again(
    qtbot, open_window, sqlite_url, make_account, corpus, corpus_files
):
    account = make_account(sqlite_url, name="Mail")
    alert = next(p for p in corpus_files if corpus[p.name] is not None)
    expected = corpus[alert.name]
    # As if an older parser had not understood this alert.
    stored_id = store_unread(
        sqlite_url, account, alert.read_bytes(), "ignored", "no_amount: old parser"
    )
    broken_id = store_unread(
        sqlite_url, account, b"\xff\xfe not a mail", "failed", "malformed message"
    )
    window = open_window(sqlite_url)
    page = window.messages
    assert page.model.rowCount() == 2
    assert page.count_label.text() == "2 messages"
    reasons = {page.model.index(r, 5).data() for r in range(2)}
    assert reasons == {"no_amount: old parser", "malformed message"}

    page.outcome_filter.setCurrentIndex(page.outcome_filter.findData("failed"))
    assert page.model.rowCount() == 1
    page.outcome_filter.setCurrentIndex(0)

    position = next(r for r in range(2) if page.model.message_at(r).id == stored_id)
    with qtbot.waitSignal(page.textShown, timeout=10000):
        page.table.selectRow(position)
    assert "no_amount: old parser" in page.headline.text()
    assert expected["amount"].split(".")[0] in page.text.toPlainText().replace(",", "")

    assert page.reread_selected.isEnabled()
    with qtbot.waitSignal(page.rereadFinished, timeout=20000) as done:
        qtbot.mouseClick(page.reread_selected, Qt.MouseButton.LeftButton)
    assert done.args[0]["transaction"] == 1
    assert "1 became transactions" in page.reread_status.text()
    wait_views(qtbot, window)

    assert [m.id for m in page.model.shown()] == [broken_id]
    rows = window.transactions.model
    assert rows.rowCount() == 1
    assert rows.row_at(0).currency == expected["currency"]
    with Database(sqlite_url) as database, database.session() as session:
        outcome = session.scalar(
            select(ProcessedMessage.outcome).where(ProcessedMessage.id == stored_id)
        )
    assert outcome == "transaction"
