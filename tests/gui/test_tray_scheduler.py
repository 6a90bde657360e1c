"""The Qt poll scheduler: real runs through ProcessingRuns, a clock moved by hand.

Ticks are triggered directly (``check()``, ``heartbeat()``) after moving the
clock, so no test waits for a timer to fire.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from gui_support import alert_messages, wait_views
from PySide6.QtCore import Qt
from sqlalchemy import func, select
from tray_support import RUN_TIMEOUT_MS, HandClock, run_once, set_account

from emailautomation.store import Database, Run
from emailautomation.ui.runs import ProcessingRuns
from emailautomation.ui.scheduler import (
    NetworkWatch,
    PollScheduler,
    is_local_host,
)

pytestmark = [pytest.mark.gui]


@pytest.fixture
def clock() -> HandClock:
    return HandClock()


@pytest.fixture
def polling(qtbot, sqlite_url, clock, ui_settings):
    """Make a scheduler on its own runs registry; stopped and drained afterwards."""
    made: list[tuple[PollScheduler, ProcessingRuns]] = []

    def make(db_url: str = sqlite_url, **kwargs) -> PollScheduler:
        runs = ProcessingRuns(db_url)
        kwargs.setdefault("settings", ui_settings())
        scheduler = PollScheduler(db_url, runs, clock=clock, **kwargs)
        made.append((scheduler, runs))
        return scheduler

    yield make
    for scheduler, runs in made:
        scheduler.close()
        assert runs.shutdown(), "a run did not end"
        qtbot.wait(10)  # deliver the last signals before the objects go


def run_count(db_url: str, account_id: int) -> int:
    with Database(db_url) as database, database.session() as session:
        return session.scalar(
            select(func.count()).select_from(Run).where(Run.account_id == account_id)
        )


def minutes_until(scheduler: PollScheduler, clock: HandClock, account_id: int):
    when = scheduler.next_run(account_id)
    return None if when is None else (when - clock.now).total_seconds() / 60


@pytest.mark.imap
def test_a_due_account_is_processed_by_a_real_run_on_a_worker(
    qtbot, polling, mailbox, sqlite_url, make_account, clock, session_threads
):
    mailbox.deliver(alert_messages(5))
    account_id = make_account(sqlite_url, mailbox, name="Polled", poll_minutes=15)
    scheduler = polling()

    started = []
    scheduler.runs.started.connect(started.append)
    _account, summary = run_once(qtbot, scheduler.runs, lambda: scheduler.start(0))
    assert started == [account_id]
    assert summary.status == "succeeded", summary.error
    assert summary.stored == 5
    # The session that stored the rows lived on a pool thread, not this one.
    inserting = session_threads.threads_of_inserting()
    assert inserting and threading.get_ident() not in inserting

    # The next run is one interval after this one, and its timer is armed.
    assert minutes_until(scheduler, clock, account_id) == pytest.approx(15)
    armed = scheduler.armed_in_ms(account_id)
    assert armed is not None and 14 * 60_000 < armed <= 15 * 60_000 + 1000
    assert scheduler.check() == []

    clock.advance(minutes=15)
    _account, again = run_once(qtbot, scheduler.runs, scheduler.heartbeat)
    assert again.status == "succeeded" and again.found == 0
    assert run_count(sqlite_url, account_id) == 2


def test_nothing_is_polled_before_the_startup_delay_ends(
    qtbot, polling, sqlite_url, make_account
):
    account_id = make_account(sqlite_url, name="Patient", poll_minutes=5)
    scheduler = polling()
    started = []
    scheduler.runs.started.connect(started.append)
    scheduler.start(delay_ms=60_000)
    assert scheduler.next_run(account_id) is not None  # due, never checked
    qtbot.wait(300)
    assert started == [] and scheduler.armed_in_ms(account_id) is None
    with qtbot.waitSignal(scheduler.runs.idle, timeout=RUN_TIMEOUT_MS):
        assert scheduler.check() == [account_id]  # what the delay's end does
    assert scheduler.armed_in_ms(account_id) is not None


@pytest.mark.imap
def test_a_due_tick_during_a_run_starts_nothing(
    qtbot, polling, mailbox, sqlite_url, make_account, clock
):
    mailbox.deliver(alert_messages(20))
    account_id = make_account(sqlite_url, mailbox, name="Busy", poll_minutes=5)
    scheduler = polling()
    runs = scheduler.runs
    started, refused = [], []
    runs.started.connect(started.append)
    runs.refused.connect(lambda a, _why: refused.append(a))

    # A run the person started from the window is going when polling begins.
    assert runs.start(account_id)
    with qtbot.waitSignal(runs.finished, timeout=RUN_TIMEOUT_MS):
        scheduler.start(0)
        assert runs.is_running(account_id)
        for _ in range(3):
            clock.advance(hours=2)  # due many times over while it runs
            scheduler.heartbeat()
            assert scheduler.check() == []
        assert scheduler.next_run(account_id) is None  # "running", not a time
    assert started == [account_id] and refused == []
    assert run_count(sqlite_url, account_id) == 1
    # Its own end sets the next run; nothing is owed for the ticks it covered.
    assert minutes_until(scheduler, clock, account_id) == pytest.approx(5)
    assert scheduler.check() == []


@pytest.mark.imap
def test_failures_back_off_then_a_success_restores_the_interval(
    qtbot, polling, mailbox, sqlite_url, make_account, clock
):
    # Port 1 refuses connections: the server is "down" until the account is
    # pointed at the real one.
    account_id = make_account(
        sqlite_url, name="Flaky", poll_minutes=60, password=mailbox.password
    )
    scheduler = polling()
    start = lambda: scheduler.start(0)  # noqa: E731
    delays = []
    for _ in range(4):
        _account, summary = run_once(qtbot, scheduler.runs, start)
        assert summary.status == "failed"
        delays.append(minutes_until(scheduler, clock, account_id))
        clock.advance(seconds=delays[-1] * 60 - 1)
        assert scheduler.check() == []  # not before the retry is due
        clock.advance(seconds=1)
        start = scheduler.check
    assert delays == pytest.approx([1, 2, 4, 8])

    set_account(sqlite_url, account_id, port=mailbox.port, username=mailbox.user)
    _account, summary = run_once(qtbot, scheduler.runs, scheduler.check)
    assert summary.status == "succeeded", summary.error
    assert minutes_until(scheduler, clock, account_id) == pytest.approx(60)


@pytest.mark.imap
def test_catch_up_after_the_app_was_closed_and_after_sleep_is_one_run(
    qtbot, polling, mailbox, sqlite_url, make_account, clock
):
    account_id = make_account(sqlite_url, mailbox, name="Sleepy", poll_minutes=5)
    # Last checked ten hours ago: 120 due times were missed while closed.
    last = (clock.now - dt.timedelta(hours=10)).replace(tzinfo=None)
    set_account(sqlite_url, account_id, last_check_at=last)
    scheduler = polling()
    scheduler.reload()
    assert minutes_until(scheduler, clock, account_id) == pytest.approx(-595)

    started = []
    scheduler.runs.started.connect(started.append)
    run_once(qtbot, scheduler.runs, lambda: scheduler.start(0))
    assert started == [account_id]
    assert scheduler.check() == []
    assert minutes_until(scheduler, clock, account_id) == pytest.approx(5)

    # The computer sleeps for eight hours: Qt's timers stood still, the
    # heartbeat sees the wall clock jump and starts one run.
    clock.advance(hours=8)
    run_once(qtbot, scheduler.runs, scheduler.heartbeat)
    assert started == [account_id, account_id]
    assert scheduler.check() == []
    assert run_count(sqlite_url, account_id) == 2


def test_pause_for_an_hour_and_until_resumed_is_kept_across_restarts(
    qtbot, polling, sqlite_url, make_account, clock, ui_settings
):
    account_id = make_account(sqlite_url, name="Paused", poll_minutes=30)
    last = (clock.now - dt.timedelta(minutes=10)).replace(tzinfo=None)
    set_account(sqlite_url, account_id, last_check_at=last)
    scheduler = polling()
    scheduler.start(0)
    assert minutes_until(scheduler, clock, account_id) == pytest.approx(20)

    scheduler.pause(dt.timedelta(hours=1))
    assert scheduler.paused()
    assert minutes_until(scheduler, clock, account_id) == pytest.approx(60)
    clock.advance(minutes=30)  # past the account's own due time
    assert scheduler.check() == []
    again = polling()  # the app restarted within the hour
    assert again.paused() and again.paused_until == scheduler.paused_until

    scheduler.pause()  # until resumed
    assert scheduler.next_run(account_id) is None
    assert scheduler.armed_in_ms(account_id) is None
    clock.advance(days=3)
    scheduler.heartbeat()
    assert scheduler.check() == []
    assert polling().paused_until is None and polling().paused()

    with qtbot.waitSignal(scheduler.runs.idle, timeout=RUN_TIMEOUT_MS):
        scheduler.resume()  # the missed run starts at once
        assert scheduler.runs.is_running(account_id)
    assert not polling().paused()


def test_settings_saved_in_the_window_reschedule(
    qtbot, open_window, polling, sqlite_url, make_account, clock
):
    account_id = make_account(sqlite_url, name="Tuned", poll_minutes=60)
    last = (clock.now - dt.timedelta(minutes=10)).replace(tzinfo=None)
    set_account(sqlite_url, account_id, last_check_at=last)
    window = open_window(sqlite_url)
    scheduler = polling()
    scheduler.attach_window(window)
    scheduler.start(0)
    assert minutes_until(scheduler, clock, account_id) == pytest.approx(50)

    def save(**changes) -> None:
        form = window.account_form
        if "poll" in changes:
            form.poll_combo.setCurrentIndex(form.poll_combo.findData(changes["poll"]))
        if "enabled" in changes:
            form.enabled_check.setChecked(changes["enabled"])
        with qtbot.waitSignal(form.saved, timeout=10000):
            qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
        wait_views(qtbot, window)

    save(poll=15)  # counts from the last check: due in five minutes
    assert minutes_until(scheduler, clock, account_id) == pytest.approx(5)
    armed = scheduler.armed_in_ms(account_id)
    assert armed is not None and 4 * 60_000 < armed <= 5 * 60_000 + 1000
    shown = window.status_panel.row_texts(account_id)[4]
    assert shown == _local(scheduler.next_run(account_id))

    save(poll=None)  # polling off
    assert scheduler.next_run(account_id) is None
    assert scheduler.armed_in_ms(account_id) is None
    assert window.status_panel.row_texts(account_id)[4] == "polling off"
    clock.advance(days=1)
    assert scheduler.check() == []

    with qtbot.waitSignal(scheduler.runs.finished, timeout=RUN_TIMEOUT_MS):
        save(poll=30)  # on again and overdue: its timer fires at once
    assert run_count(sqlite_url, account_id) == 1
    save(enabled=False)
    assert scheduler.next_run(account_id) is None and scheduler.check() == []


def test_offline_defers_remote_accounts_until_the_network_is_back(
    qtbot, polling, sqlite_url, make_account, clock
):
    class Offline(NetworkWatch):
        down = True

        def offline(self) -> bool:
            return self.down

    network = Offline()
    remote = make_account(
        sqlite_url, name="Remote", host="imap.example.invalid", poll_minutes=30
    )
    local = make_account(sqlite_url, name="Bridge", poll_minutes=30)  # 127.0.0.1
    scheduler = polling(network=network)
    started = []
    scheduler.runs.started.connect(started.append)
    with qtbot.waitSignal(scheduler.runs.idle, timeout=RUN_TIMEOUT_MS):
        scheduler.start(0)
    assert started == [local]  # a server on this computer needs no network
    assert minutes_until(scheduler, clock, remote) == pytest.approx(5)
    assert run_count(sqlite_url, remote) == 0

    network.down = False
    with qtbot.waitSignal(scheduler.runs.idle, timeout=RUN_TIMEOUT_MS):
        network.cameOnline.emit()
    assert started == [local, remote]


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("LOCALHOST.", True),
        ("::1", True),
        ("[::1]", True),
        ("bridge.localhost", True),
        ("imap.gmail.com", False),
        ("192.168.1.10", False),
        ("localhost.example.com", False),
    ],
)
def test_which_servers_need_no_network(host, local):
    assert is_local_host(host) is local


def _local(when: dt.datetime | None) -> str:
    from emailautomation.ui.status import local_time

    return local_time(when)
