"""Trigger Processing from the window: progress, views, threads, cancel, refusals."""

from __future__ import annotations

import threading

import pytest
from gui_support import alert_messages, wait_views
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from sqlalchemy import func, select

from emailautomation.store import Database, ProcessedMessage, Run, Transaction

pytestmark = [pytest.mark.gui, pytest.mark.imap]

RUN_TIMEOUT_MS = 120_000


def counts(db_url: str, account_id: int) -> dict[str, int]:
    with Database(db_url) as database, database.session() as session:
        outcomes = dict(
            session.execute(
                select(ProcessedMessage.outcome, func.count())
                .where(ProcessedMessage.account_id == account_id)
                .group_by(ProcessedMessage.outcome)
            ).all()
        )
        runs = session.scalar(
            select(func.count()).select_from(Run).where(Run.account_id == account_id)
        )
        transactions = session.scalar(
            select(func.count())
            .select_from(Transaction)
            .where(Transaction.mail_account_id == account_id)
        )
    return {
        "messages": sum(outcomes.values()),
        "transaction": outcomes.get("transaction", 0),
        "unread": outcomes.get("ignored", 0) + outcomes.get("failed", 0),
        "runs": runs or 0,
        "transactions": transactions or 0,
    }


def test_trigger_processing_fills_the_views_from_worker_sessions(
    qtbot, open_window, mailbox, db_url, make_account, corpus_files, session_threads
):
    # The samples, and enough generated alerts to watch the bar move.
    mailbox.deliver_files(corpus_files)
    mailbox.deliver(alert_messages(1000))
    expected = len(corpus_files) + 1000
    account_id = make_account(db_url, mailbox, name="Corpus")
    window = open_window(db_url)
    assert window.selected_account_id() == account_id  # the only account

    bar = window.findChild(type(window.progress), "processingProgress")
    values: list[int] = []
    bar.valueChanged.connect(values.append)
    button = window.findChild(type(window.trigger_button), "triggerProcessingButton")
    with qtbot.waitSignal(window.runs.finished, timeout=RUN_TIMEOUT_MS) as done:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert window.runs.is_running(account_id)
    wait_views(qtbot, window)

    _account, summary = done.args
    assert summary.status == "succeeded", summary.error
    assert summary.found == expected
    # The bar moved through intermediate values up to every message.
    assert bar.maximum() == expected and bar.value() == bar.maximum()
    assert any(0 < v < expected for v in values) and values == sorted(values)
    assert f"{expected:,} new" in window.status_line.text()
    assert "processing started" in window.log_view.toPlainText()

    stored = counts(db_url, account_id)
    assert stored["messages"] == expected
    assert stored["transactions"] > 0, "the extraction engine read no sample"
    assert window.transactions.model.rowCount() == stored["transactions"]
    assert window.messages.model.rowCount() == stored["unread"]
    status = window.status_panel.row_texts(account_id)
    assert status is not None and status[1] == "Idle"
    assert f"{stored['transactions']:,} stored" in status[3]

    # The sessions that inserted ran on pool threads, each on one thread only.
    gui_thread = threading.get_ident()
    assert session_threads.inserting, "no inserting session was seen"
    assert gui_thread not in session_threads.threads_of_inserting()
    shared = {t: th for t, th in session_threads.threads.items() if len(th) > 1}
    assert shared == {}


def test_a_second_trigger_while_running_is_refused(
    qtbot, open_window, mailbox, sqlite_url, make_account
):
    mailbox.deliver(alert_messages(400))
    account_id = make_account(sqlite_url, mailbox, name="Busy")
    window = open_window(sqlite_url)

    refusals: list[tuple[int, str]] = []
    window.runs.refused.connect(lambda a, r: refusals.append((a, r)))
    with qtbot.waitSignal(window.runs.finished, timeout=RUN_TIMEOUT_MS):
        qtbot.mouseClick(window.trigger_button, Qt.MouseButton.LeftButton)
        QTest.keyClick(window, Qt.Key.Key_F5)  # the keyboard shortcut, again
        assert refusals and refusals[0][0] == account_id
        assert "Busy is already being processed" in window.status_line.text()
    wait_views(qtbot, window)

    assert counts(sqlite_url, account_id)["runs"] == 1
    assert counts(sqlite_url, account_id)["messages"] == 400
    assert "already being processed" in window.log_view.toPlainText()


def test_cancel_stops_between_messages_and_the_next_run_goes_on(
    qtbot, open_window, mailbox, sqlite_url, make_account
):
    total = 1500
    mailbox.deliver(alert_messages(total))
    account_id = make_account(sqlite_url, mailbox, name="Long")
    window = open_window(sqlite_url)

    with qtbot.waitSignal(window.runs.finished, timeout=RUN_TIMEOUT_MS) as done:
        qtbot.mouseClick(window.trigger_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: (window.runs.progress_of(account_id) or _none()).done >= 20,
            timeout=RUN_TIMEOUT_MS,
        )
        assert window.cancel_button.isEnabled()
        qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)
        assert "Long: cancelling" in window.status_line.text()
    wait_views(qtbot, window)

    _account, summary = done.args
    assert summary.status == "cancelled"
    read = counts(sqlite_url, account_id)["messages"]
    assert 20 <= read < total
    assert "cancelled" in window.status_line.text()
    assert not window.cancel_button.isEnabled()

    with qtbot.waitSignal(window.runs.finished, timeout=RUN_TIMEOUT_MS) as again:
        qtbot.mouseClick(window.trigger_button, Qt.MouseButton.LeftButton)
    assert again.args[1].status == "succeeded"
    assert counts(sqlite_url, account_id)["messages"] == total


def _none():  # a progress stand-in before the first event arrives
    from emailautomation.ui.runs import RunProgress

    return RunProgress()


def test_a_failing_account_beside_a_working_one(
    qtbot, open_window, mailbox, dovecot, sqlite_url, make_account, corpus_files
):
    mailbox.deliver_files(corpus_files)
    good = make_account(sqlite_url, mailbox, name="Good")
    user, _password = dovecot.add_user()
    bad = make_account(
        sqlite_url,
        None,
        name="Bad",
        host=mailbox.host,
        port=mailbox.port,
        username=user,
        password="wrong password",
    )
    window = open_window(sqlite_url)

    with qtbot.waitSignal(window.runs.idle, timeout=RUN_TIMEOUT_MS):
        qtbot.mouseClick(window.process_all_button, Qt.MouseButton.LeftButton)
        assert window.runs.running() == {good, bad}  # both at once
    wait_views(qtbot, window)

    good_status = window.status_panel.row_texts(good)
    bad_status = window.status_panel.row_texts(bad)
    assert good_status is not None and bad_status is not None
    assert good_status[1] == "Idle"
    assert bad_status[1].startswith("Failed:") and "refused the login" in bad_status[1]
    assert "Bad: failed:" in window.log_view.toPlainText()
    assert counts(sqlite_url, good)["messages"] == len(corpus_files)
    assert counts(sqlite_url, bad)["messages"] == 0
    bad_item = window.account_list.item(0)
    assert bad_item.text() == "Bad" and "refused the login" in bad_item.toolTip()
