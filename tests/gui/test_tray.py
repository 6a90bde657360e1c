"""The tray icon (offscreen: its menu, icon states, tooltip and notifications),
and the app without a tray: the window stays, polling runs while it is open."""

from __future__ import annotations

import datetime as dt

import pytest
from gui_support import alert_messages
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMenu, QSystemTrayIcon
from tray_support import RUN_TIMEOUT_MS, HandClock, run_once, set_account

from emailautomation import app, autostart
from emailautomation.jobs.events import RunSummary
from emailautomation.ui import scheduler as scheduler_module
from emailautomation.ui.main_window import MainWindow
from emailautomation.ui.runs import ProcessingRuns
from emailautomation.ui.scheduler import PollScheduler
from emailautomation.ui.tray import (
    NOTIFY_FAILURES_KEY,
    NOTIFY_NEW_KEY,
    TrayIcon,
    new_transactions_notice,
    readable_amount,
)

pytestmark = [pytest.mark.gui]


@pytest.fixture
def clock() -> HandClock:
    return HandClock()


@pytest.fixture
def desktop(qtbot, sqlite_url, clock, ui_settings):
    """A runs registry, a scheduler (not started) and a tray icon on them."""
    made = []

    def make(db_url: str = sqlite_url) -> TrayIcon:
        runs = ProcessingRuns(db_url)
        scheduler = PollScheduler(db_url, runs, clock=clock, settings=ui_settings())
        scheduler.reload()
        tray = TrayIcon(runs, scheduler, settings=ui_settings())
        made.append(tray)
        return tray

    yield make
    for tray in made:
        tray.scheduler.close()
        tray.close()
        assert tray.runs.shutdown(), "a run did not end"
        qtbot.wait(10)


def names(tray: TrayIcon) -> list[str]:
    return [a.text() for a in tray.account_actions()]


def test_the_menu_actions_do_what_they_say(
    qtbot, desktop, sqlite_url, make_account, clock, ui_settings
):
    # Port 1 refuses connections, so each run fails fast.
    alpha = make_account(sqlite_url, name="Alpha Bank", poll_minutes=60)
    beta = make_account(sqlite_url, name="Beta Bank", poll_minutes=None)
    make_account(sqlite_url, name="Closed Bank", enabled=False)
    tray = desktop()
    titles = [a.text() for a in tray.menu.actions() if a.text()]
    assert titles[:2] == ["Process &all now", "&Process now"]
    assert titles[-2:] == ["&Open window", "&Quit"]
    assert names(tray) == ["Alpha Bank", "Beta Bank"]  # enabled accounts only
    assert tray.state == "idle" and not tray.icon.icon().isNull()

    # Pause for an hour, then resume.
    tray.polling.pause_hour.trigger()
    assert tray.scheduler.paused_until == clock.now + dt.timedelta(hours=1)
    assert tray.state == "paused" and tray.polling.resume.isEnabled()
    assert "Polling paused until" in tray.icon.toolTip()
    tray.polling.resume.trigger()
    assert not tray.scheduler.paused() and tray.state == "idle"
    tray.polling.pause_until_resumed.trigger()
    assert tray.scheduler.paused() and tray.scheduler.paused_until is None
    assert "paused until resumed" in tray.icon.toolTip()
    tray.polling.resume.trigger()

    # Process all now: every enabled account, polled or not.
    started = []
    tray.runs.started.connect(started.append)
    with qtbot.waitSignal(tray.runs.idle, timeout=RUN_TIMEOUT_MS):
        tray.process_all.trigger()
        assert tray.state == "running"
        assert "Processing Alpha Bank, Beta Bank…" in tray.icon.toolTip()
        running = {a.text(): a.isEnabled() for a in tray.account_actions()}
        assert running == {
            "Alpha Bank (running…)": False,
            "Beta Bank (running…)": False,
        }
    assert sorted(started) == sorted([alpha, beta])
    assert tray.state == "failed" and set(tray.failing()) == {alpha, beta}
    assert names(tray) == ["Alpha Bank (failing)", "Beta Bank (failing)"]

    # Process now, for one account.
    (beta_action,) = [a for a in tray.account_actions() if a.data() == beta]
    with qtbot.waitSignal(tray.runs.idle, timeout=RUN_TIMEOUT_MS):
        beta_action.trigger()
    assert started[2:] == [beta]

    with qtbot.waitSignal(tray.openWindowRequested, timeout=1000):
        tray.open_window.trigger()
    with qtbot.waitSignal(tray.openWindowRequested, timeout=1000):
        tray.icon.activated.emit(QSystemTrayIcon.ActivationReason.Trigger)
    with qtbot.waitSignal(tray.quitRequested, timeout=1000):
        tray.quit.trigger()

    # The notification switches are kept.
    assert tray.notify_new.isChecked() and tray.notify_failures.isChecked()
    tray.notify_new.trigger()
    assert not tray.notify_new.isChecked()
    assert ui_settings().value(NOTIFY_NEW_KEY, True, type=bool) is False
    assert ui_settings().value(NOTIFY_FAILURES_KEY, True, type=bool) is True
    assert not desktop().notify_new.isChecked()


def test_start_at_login_writes_and_removes_the_autostart_entry(
    desktop, user_environment
):
    tray = desktop()
    entry = user_environment / ".config" / "autostart" / "emailautomation.desktop"
    assert not tray.polling.start_at_login.isChecked() and not entry.exists()
    tray.polling.start_at_login.trigger()
    assert tray.polling.start_at_login.isChecked()
    assert "--minimized" in entry.read_text()
    assert autostart.is_enabled()
    tray.polling.start_at_login.trigger()
    assert not entry.exists() and not tray.polling.start_at_login.isChecked()


def test_start_at_login_that_cannot_be_written_says_why(
    qtbot, desktop, user_environment
):
    (user_environment / ".config").mkdir(exist_ok=True)
    (user_environment / ".config" / "autostart").write_text("a file, not a folder")
    tray = desktop()
    with qtbot.waitSignal(tray.notified, timeout=1000) as shown:
        tray.polling.start_at_login.trigger()
    title, text = shown.args
    assert title == "Start at login is not set up"
    assert "autostart" in text and not tray.polling.start_at_login.isChecked()


@pytest.mark.imap
def test_notifications_for_new_transactions_and_for_an_account_starting_to_fail(
    qtbot, desktop, mailbox, sqlite_url, make_account, clock
):
    mailbox.deliver(alert_messages(4))
    account_id = make_account(sqlite_url, mailbox, name="HDFC Bank", poll_minutes=15)
    tray = desktop()
    shown: list[tuple[str, str]] = []
    tray.notified.connect(lambda title, text: shown.append((title, text)))

    _account, summary = run_once(qtbot, tray.runs, lambda: tray.scheduler.start(0))
    assert summary.stored == 4, summary.error
    ((title, text),) = shown
    assert title == "4 new transactions from HDFC Bank"
    listed = [readable_amount(t) for t in summary.new_transactions[:3]]
    assert text == " · ".join(listed) + " …"
    assert text.startswith("₹") and " at " in text
    assert tray.state == "idle"
    assert "4 new transactions since" in tray.icon.toolTip()
    assert "Last check: never" not in tray.icon.toolTip()

    # The server goes away: one notification when the account starts failing,
    # none for the retries that fail too.
    set_account(sqlite_url, account_id, port=1)
    for _ in range(2):
        clock.advance(hours=1)
        _account, failed = run_once(qtbot, tray.runs, tray.scheduler.check)
        assert failed.status == "failed"
    assert shown[1:] == [("HDFC Bank is failing", failed.error)]
    assert tray.state == "failed"
    assert f"Failing: HDFC Bank: {failed.error}" in tray.icon.toolTip()

    # Back to working (nothing new: no notification), then failing again with
    # failure notifications switched off.
    set_account(sqlite_url, account_id, port=mailbox.port)
    clock.advance(hours=1)
    run_once(qtbot, tray.runs, tray.scheduler.check)
    assert tray.state == "idle" and tray.failing() == {}
    assert len(shown) == 2
    tray.notify_failures.trigger()
    set_account(sqlite_url, account_id, port=1)
    clock.advance(hours=1)
    run_once(qtbot, tray.runs, tray.scheduler.check)
    assert tray.state == "failed" and len(shown) == 2


def test_an_account_failing_when_the_app_starts_is_not_news(
    qtbot, desktop, sqlite_url, make_account, clock
):
    account_id = make_account(sqlite_url, name="Old Failure", poll_minutes=15)
    set_account(sqlite_url, account_id, last_error="login refused")
    tray = desktop()
    shown = []
    tray.notified.connect(lambda *args: shown.append(args))
    assert tray.state == "failed"
    assert "Failing: Old Failure: login refused" in tray.icon.toolTip()
    run_once(qtbot, tray.runs, lambda: tray.scheduler.start(0))
    assert shown == []  # it was failing before; still failing


def test_notice_texts():
    summary = RunSummary(
        account_id=1,
        account_name="HDFC Bank",
        run_id=1,
        status="succeeded",
        stored=1,
        new_transactions=["INR 789.00 at BIGBASKET"],
    )
    assert new_transactions_notice(summary) == (
        "1 new transaction from HDFC Bank",
        "₹789.00 at BIGBASKET",
    )
    assert (
        new_transactions_notice(RunSummary(1, "HDFC Bank", 1, "succeeded", stored=0))
        is None
    )
    assert readable_amount("CHF 12.50 at MIGROS") == "CHF 12.50 at MIGROS"
    assert readable_amount("USD 5.00") == "$5.00"
    assert readable_amount("EURO 5") == "EURO 5"


@pytest.mark.imap
def test_without_a_tray_the_window_stays_and_polling_runs_while_it_is_open(
    qapp, mailbox, sqlite_url, make_account, monkeypatch
):
    assert not QSystemTrayIcon.isSystemTrayAvailable()  # offscreen has none
    monkeypatch.setattr(scheduler_module, "STARTUP_DELAY_MS", 0)
    mailbox.deliver(alert_messages(3))
    make_account(sqlite_url, mailbox, name="Open Window", poll_minutes=60)
    seen: dict[str, object] = {}

    def watch() -> None:
        windows = [
            w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)
        ]
        if not windows:
            return
        (window,) = windows
        seen.setdefault("visible", window.isVisible())
        seen.setdefault(
            "menus",
            [m.objectName() for m in window.menuBar().findChildren(QMenu)],
        )
        if window.runs.running() or window.transactions.model.rowCount() < 3:
            return
        seen["rows"] = window.transactions.model.rowCount()
        poller.stop()
        window.close()

    poller = QTimer()
    poller.timeout.connect(watch)
    poller.start(50)
    QTimer.singleShot(RUN_TIMEOUT_MS, lambda: QApplication.closeAllWindows())
    assert app.main(["--db", sqlite_url]) == 0
    assert seen["visible"] is True
    assert "pollingMenu" in seen["menus"]
    assert seen["rows"] == 3  # the scheduled run stored them
    assert qapp.quitOnLastWindowClosed()
