"""End to end: real Dovecot → process_account → SQLite / PostgreSQL, exactly once."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import pickle
import subprocess
import sys
import threading

import imapclient
import pytest
from sqlalchemy import func, select

from emailautomation.cli.transactions import transaction_json
from emailautomation.jobs import process_account
from emailautomation.mail.message import parse_alert
from emailautomation.store import (
    Database,
    FolderState,
    ProcessedMessage,
    Run,
    Transaction,
)
from support.corpus import mismatches
from support.servers import missing_server
from support.threads import SessionThreads, run_job_recording

pytestmark = pytest.mark.imap


def stored_by_message(db_url: str) -> dict[str, dict]:
    """Transactions as CLI JSON, keyed by the corpus file named in the Message-ID."""
    database = Database(db_url)
    try:
        with database.session() as session:
            rows = session.execute(
                select(Transaction, ProcessedMessage.key).join(
                    ProcessedMessage, Transaction.message_id == ProcessedMessage.id
                )
            ).all()
            return {
                key.split("@")[0].split(".")[-1]: transaction_json(t) for t, key in rows
            }
    finally:
        database.close()


def count(db_url: str, model: type) -> int:
    database = Database(db_url)
    try:
        with database.session() as session:
            return session.scalar(select(func.count()).select_from(model))
    finally:
        database.close()


def test_corpus_run_stores_every_transaction_once(
    db_url, mailbox, make_account, corpus, corpus_files
):
    mailbox.deliver_files(corpus_files)
    account_id = make_account(db_url, mailbox)

    first = process_account(account_id, db_url)

    assert first.status == "succeeded", first.error
    assert first.found == len(corpus_files)
    expected_transactions = {n: e for n, e in corpus.items() if e is not None}
    assert first.stored == len(expected_transactions)
    assert first.ignored == len(corpus) - len(expected_transactions)
    stored = stored_by_message(db_url)
    assert len(stored) == len(expected_transactions)
    for name, expected in expected_transactions.items():
        found = stored.get(name.removesuffix(".eml"))
        assert found is not None, f"{name}: no transaction stored"
        assert mismatches(found, expected) == [], name

    # Read with BODY.PEEK[]: every message is still unread on the server.
    with imapclient.IMAPClient(mailbox.host, port=mailbox.port, ssl=False) as client:
        client.login(mailbox.user, mailbox.password)
        client.select_folder("INBOX", readonly=True)
        assert len(client.search(["UNSEEN"])) == len(corpus_files)

    second = process_account(account_id, db_url)
    assert (second.status, second.found, second.stored) == ("succeeded", 0, 0)
    assert count(db_url, Transaction) == len(expected_transactions)


def test_only_new_mail_is_fetched_on_the_next_run(
    sqlite_url, mailbox, make_account, corpus_files
):
    mailbox.deliver_files(corpus_files[:5])
    account_id = make_account(sqlite_url, mailbox)
    assert process_account(account_id, sqlite_url).found == 5

    mailbox.deliver_files(corpus_files[5:8])
    later = process_account(account_id, sqlite_url)

    assert later.found == 3
    assert count(sqlite_url, ProcessedMessage) == 8


def test_changed_uidvalidity_rescans_without_storing_twice(
    sqlite_url, mailbox, make_account, corpus_files
):
    mailbox.deliver_files(corpus_files)
    account_id = make_account(sqlite_url, mailbox)
    first = process_account(account_id, sqlite_url)
    database = Database(sqlite_url)
    with database.session() as session:
        state = session.scalar(select(FolderState))
        state.uidvalidity += 1  # what the server reports after a folder rebuild
        session.commit()
    database.close()

    again = process_account(account_id, sqlite_url)

    assert again.found == len(corpus_files)
    assert again.skipped == len(corpus_files)
    assert again.stored == 0
    assert count(sqlite_url, Transaction) == first.stored


def test_sender_filter_and_since_date_limit_what_is_read(
    sqlite_url, mailbox, make_account, corpus_files
):
    senders = ["hdfcbank.net", "alerts@td.com"]
    wanted = [
        p
        for p in corpus_files
        if any(s in parse_alert(p.read_bytes()).sender for s in senders)
    ]
    # Copies that arrived in 2020, before the since-date, are never read.
    mailbox.deliver([p.read_bytes() for p in wanted], internal_date=1_600_000_000)
    mailbox.deliver_files(corpus_files)
    account_id = make_account(
        sqlite_url, mailbox, senders=senders, since_date=dt.date(2021, 1, 1)
    )

    summary = process_account(account_id, sqlite_url)

    assert 2 <= len(wanted) < len(corpus_files)
    assert summary.found == len(wanted)


def test_malformed_message_is_recorded_as_failed_and_the_run_goes_on(
    sqlite_url, mailbox, make_account, corpus_files
):
    broken = (
        b"From: alerts@bank.example\r\nSubject: Debit alert\r\n"
        b"Message-ID: <broken-1@bank.example>\r\n"
        b"Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        b"!!!! this is not base64 ####\r\n"
    )
    mailbox.deliver([broken])
    mailbox.deliver_files(corpus_files[:3])
    account_id = make_account(sqlite_url, mailbox)

    summary = process_account(account_id, sqlite_url)

    assert summary.status == "succeeded"
    assert summary.failed == 1
    assert summary.stored + summary.ignored == 3
    database = Database(sqlite_url)
    with database.session() as session:
        failed = session.scalar(
            select(ProcessedMessage).where(ProcessedMessage.outcome == "failed")
        )
        assert failed.key == "broken-1@bank.example"
        assert "base64" in failed.reason
    database.close()


KILLER = """
import os, signal, sys
from emailautomation.jobs import process_account
from emailautomation.mail.message import parse_alert
from emailautomation.jobs.events import MessageDone

def progress(event):
    if isinstance(event, MessageDone) and event.index == int(sys.argv[3]):
        os.kill(os.getpid(), signal.SIGKILL)

process_account(int(sys.argv[1]), sys.argv[2], progress=progress, batch_size=4)
"""


def test_run_killed_between_messages_then_rerun_stores_everything_once(
    sqlite_url, mailbox, make_account, corpus, corpus_files
):
    mailbox.deliver_files(corpus_files)
    account_id = make_account(sqlite_url, mailbox)

    killed = subprocess.run(
        [sys.executable, "-c", KILLER, str(account_id), sqlite_url, "10"],
        capture_output=True,
    )
    assert killed.returncode == -9
    # Two batches of four were committed before the kill; the third was not.
    assert count(sqlite_url, ProcessedMessage) == 8

    summary = process_account(account_id, sqlite_url)

    assert summary.status == "succeeded"
    assert count(sqlite_url, ProcessedMessage) == len(corpus_files)
    expected = sum(1 for e in corpus.values() if e is not None)
    assert count(sqlite_url, Transaction) == expected
    database = Database(sqlite_url)
    with database.session() as session:
        keys = session.scalars(select(ProcessedMessage.key)).all()
        assert len(keys) == len(set(keys))
        statuses = session.scalars(select(Run.status).order_by(Run.id)).all()
        # The killed run never finished; it stays "running" in the history.
        assert statuses == ["running", "succeeded"]
    database.close()


def test_cancel_stops_between_messages_and_keeps_what_was_read(
    sqlite_url, mailbox, make_account, corpus_files
):
    mailbox.deliver_files(corpus_files)
    account_id = make_account(sqlite_url, mailbox)
    seen = []

    def progress(event):
        seen.append(event)

    summary = process_account(
        account_id,
        sqlite_url,
        progress=progress,
        cancel=lambda: sum(type(e).__name__ == "MessageDone" for e in seen) >= 5,
        batch_size=100,
    )

    assert summary.status == "cancelled"
    assert count(sqlite_url, ProcessedMessage) == 5
    rest = process_account(account_id, sqlite_url)
    assert rest.found == len(corpus_files) - 5
    assert count(sqlite_url, ProcessedMessage) == len(corpus_files)


# -- where the job runs -------------------------------------------------------


def test_job_call_is_plain_picklable_data(sqlite_url):
    call = (process_account, 7, sqlite_url)
    function, account_id, url = pickle.loads(pickle.dumps(call))
    assert function is process_account
    assert (account_id, url) == (7, sqlite_url)


def test_job_in_a_plain_thread_writes_with_a_session_made_in_that_thread(
    sqlite_url, mailbox, make_account, corpus_files
):
    mailbox.deliver_files(corpus_files)
    account_id = make_account(sqlite_url, mailbox)
    result = {}

    def work():
        result["thread"] = threading.get_ident()
        result["summary"] = process_account(account_id, sqlite_url)

    with SessionThreads() as threads:
        worker = threading.Thread(target=work)
        worker.start()
        worker.join(60)

    assert result["summary"].status == "succeeded"
    assert threads.writer_threads() == {result["thread"]}
    assert threads.inserting_threads() == {result["thread"]}
    assert threading.get_ident() not in threads.writer_threads()
    assert threads.sessions_used_across_threads() == []


def test_job_on_a_qthreadpool_worker_writes_from_the_worker_thread(
    qtbot, sqlite_url, mailbox, make_account, corpus_files
):
    from PySide6.QtCore import QRunnable, QThreadPool

    mailbox.deliver_files(corpus_files)
    account_id = make_account(sqlite_url, mailbox)
    result = {}
    done = threading.Event()

    class Job(QRunnable):
        def run(self):
            result["thread"] = threading.get_ident()
            result["summary"] = process_account(account_id, sqlite_url)
            done.set()

    with SessionThreads() as threads:
        QThreadPool.globalInstance().start(Job())
        qtbot.waitUntil(done.is_set, timeout=60_000)

    assert result["summary"].status == "succeeded"
    assert result["thread"] != threading.get_ident()
    assert threads.writer_threads() == {result["thread"]}
    assert threads.inserting_threads() == {result["thread"]}
    assert threads.sessions_used_across_threads() == []


def test_job_in_a_spawned_subprocess(sqlite_url, mailbox, make_account, corpus_files):
    mailbox.deliver_files(corpus_files)
    account_id = make_account(sqlite_url, mailbox)
    context = multiprocessing.get_context("spawn")

    with context.Pool(1) as pool:
        report = pool.apply(run_job_recording, (account_id, sqlite_url))

    assert report["status"] == "succeeded"
    assert report["pid"] != os.getpid()
    assert report["writers"] == [report["thread"]]
    assert report["inserters"] == [report["thread"]]
    assert report["crossed"] == []
    assert report["stored"] == count(sqlite_url, Transaction)


@pytest.mark.redis
def test_job_on_an_rq_queue_worker(sqlite_url, mailbox, make_account, corpus_files):
    redis = pytest.importorskip("redis")
    rq = pytest.importorskip("rq")

    connection = redis.Redis(host="127.0.0.1", port=6379)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        missing_server("Redis is not listening on 127.0.0.1:6379")
    mailbox.deliver_files(corpus_files)
    account_id = make_account(sqlite_url, mailbox)
    queue = rq.Queue(f"ea-test-{account_id}-{id(sqlite_url)}", connection=connection)

    job = queue.enqueue(run_job_recording, account_id, sqlite_url)
    worker = subprocess.run(
        [
            sys.executable,
            "-m",
            "rq.cli",
            "worker",
            "--burst",
            "--url",
            "redis://127.0.0.1:6379",
            queue.name,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert worker.returncode == 0, worker.stderr
    job.refresh()
    report = job.return_value()
    assert report["status"] == "succeeded"
    assert report["crossed"] == []
    assert report["stored"] == count(sqlite_url, Transaction) > 0
    queue.delete(delete_jobs=True)


def test_progress_events_tell_the_story_of_a_run(
    sqlite_url, mailbox, make_account, corpus_files
):
    from emailautomation.jobs.events import Connecting, Finished, FoundNew, MessageDone

    mailbox.deliver_files(corpus_files[:6])
    account_id = make_account(sqlite_url, mailbox)
    events = []

    summary = process_account(account_id, sqlite_url, progress=events.append)

    assert isinstance(events[0], Connecting)
    assert events[0].port == mailbox.port
    assert events[1] == FoundNew(account_id, 6)
    done = [e for e in events if isinstance(e, MessageDone)]
    assert [(e.index, e.total) for e in done] == [(i, 6) for i in range(1, 7)]
    assert events[-1] == Finished(summary)
    assert all(pickle.loads(pickle.dumps(e)) == e for e in events)


def test_new_transactions_get_their_category_from_the_rules(
    sqlite_url, mailbox, make_account, corpus_files
):
    from emailautomation.ledger.rules import RuleDraft, add_rule

    database = Database(sqlite_url)
    with database.session() as session:
        add_rule(
            session,
            RuleDraft(
                match="contains",
                pattern="bigbasket",
                category="Expenses:Food:Groceries",
                payee="BigBasket",
            ),
        )
    database.close()
    mailbox.deliver_files(corpus_files)
    account_id = make_account(sqlite_url, mailbox)

    summary = process_account(account_id, sqlite_url)

    assert summary.status == "succeeded"
    database = Database(sqlite_url)
    with database.session() as session:
        rows = session.execute(
            select(Transaction.merchant, Transaction.category, Transaction.payee)
        ).all()
    database.close()
    groceries = [r for r in rows if r.category == "Expenses:Food:Groceries"]
    assert [r.payee for r in groceries] == ["BigBasket"]
    assert "BIGBASKET" in groceries[0].merchant.upper()
    assert all(r.category is None for r in rows if r not in groceries)


def test_categorising_after_a_run_touches_only_that_runs_transactions(
    sqlite_url, mailbox, make_account, corpus_files
):
    from emailautomation.ledger.rules import RuleDraft, add_rule

    mailbox.deliver_files(corpus_files[:1])  # the BIGBASKET alert
    account_id = make_account(sqlite_url, mailbox)
    process_account(account_id, sqlite_url)
    database = Database(sqlite_url)
    with database.session() as session:
        add_rule(
            session,
            RuleDraft(match="contains", pattern="bigbasket", category="Expenses:Food"),
        )
    database.close()
    mailbox.deliver_files(corpus_files[1:4])

    process_account(account_id, sqlite_url)

    database = Database(sqlite_url)
    with database.session() as session:
        first = session.scalar(select(Transaction).order_by(Transaction.id))
    database.close()
    # Earlier rows wait for "rule apply" or the window's button.
    assert "BIGBASKET" in first.merchant.upper() and first.category is None


def test_look_alike_transactions_are_both_kept_and_flagged(
    sqlite_url, mailbox, make_account, corpus_files
):
    from emailautomation.jobs import reread_messages

    coffee = corpus_files[0].read_bytes()
    twin = coffee.replace(b"p01_hdfc_cc@alerts.example", b"p01-again@alerts.example")
    assert twin != coffee
    mailbox.deliver([coffee, twin, corpus_files[1].read_bytes()])
    account_id = make_account(sqlite_url, mailbox)

    summary = process_account(account_id, sqlite_url)

    assert summary.stored == 3
    database = Database(sqlite_url)
    with database.session() as session:
        flags = sorted(session.scalars(select(Transaction.possible_duplicate)).all())
        assert flags == [False, True, True]
        # Read one twin again as after a parser change: still two rows, flagged.
        message = session.scalar(
            select(ProcessedMessage).where(
                ProcessedMessage.key.endswith(".p01-again@alerts.example")
            )
        )
        session.delete(message.transaction)
        message.outcome = "ignored"
        session.commit()
        twin_id = message.id
    database.close()

    assert reread_messages(sqlite_url, message_ids=[twin_id])["transaction"] == 1

    database = Database(sqlite_url)
    with database.session() as session:
        flags = sorted(session.scalars(select(Transaction.possible_duplicate)).all())
    database.close()
    assert flags == [False, True, True]
