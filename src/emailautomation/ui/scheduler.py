"""Polls each account on its own interval, through the shared ``ProcessingRuns``.

``PollScheduler`` turns ``schedule.PollSchedule``'s answers into timers: one
single-shot ``QTimer`` per polled account, armed for its next due time, and a
heartbeat a minute that reads the wall clock, because Qt's timers count
monotonic time, which stands still while the computer sleeps. Runs start only
through ``ProcessingRuns.start`` (the same path as the window's button), so an
account never has two runs and every run opens its own session on its worker
thread.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, Qt, QTimer, Signal, Slot
from PySide6.QtNetwork import QNetworkInformation
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from emailautomation.jobs.events import RunSummary
from emailautomation.schedule import Clock, PollSchedule, utc_now
from emailautomation.store.database import Database
from emailautomation.store.models import MailAccount
from emailautomation.ui.runs import ProcessingRuns

if TYPE_CHECKING:
    from emailautomation.ui.main_window import MainWindow

log = logging.getLogger(__name__)

HEARTBEAT = dt.timedelta(minutes=1)
STARTUP_DELAY_MS = 10_000  # let the desktop settle at login before polling
OFFLINE_RECHECK = dt.timedelta(minutes=5)  # offline, and no signal said otherwise
LONGEST_TIMER_MS = 2**31 - 1
PAUSE_KEY = "polling/pausedUntil"
PAUSED_UNTIL_RESUMED = "until resumed"


@dataclass(frozen=True, slots=True)
class PolledAccount:
    """What the scheduler and the tray know of an account (times are aware UTC)."""

    id: int
    name: str
    host: str
    enabled: bool
    poll_minutes: int | None
    last_check_at: dt.datetime | None
    last_error: str | None

    @property
    def polled(self) -> bool:
        return self.enabled and bool(self.poll_minutes)


def load_polled_accounts(session: Session) -> list[PolledAccount]:
    """Every account, by name: the few columns scheduling needs."""
    rows = session.execute(
        select(
            MailAccount.id,
            MailAccount.name,
            MailAccount.host,
            MailAccount.enabled,
            MailAccount.poll_minutes,
            MailAccount.last_check_at,
            MailAccount.last_error,
        ).order_by(MailAccount.name)
    )
    return [
        PolledAccount(
            id=row[0],
            name=row[1],
            host=row[2],
            enabled=bool(row[3]),
            poll_minutes=row[4],
            last_check_at=_aware(row[5]),
            last_error=row[6],
        )
        for row in rows
    ]


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    # The store keeps UTC without a zone.
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


def is_local_host(host: str) -> bool:
    """A server on this computer (a local bridge, a test server) needs no network."""
    name = host.strip().lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name.strip("[]")).is_loopback
    except ValueError:
        return False


class NetworkWatch(QObject):
    """Whether the computer is offline, from Qt's network information backend.

    Without a backend that can tell, the computer counts as online and runs
    simply fail and back off. ``cameOnline`` is emitted when it reconnects.
    """

    cameOnline = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._info: QNetworkInformation | None = None
        feature = QNetworkInformation.Feature.Reachability
        if QNetworkInformation.loadBackendByFeatures(feature):
            self._info = QNetworkInformation.instance()
        if self._info is not None:
            log.debug("network reachability from %s", self._info.backendName())
            self._info.reachabilityChanged.connect(self._reachability_changed)

    def offline(self) -> bool:
        if self._info is None:
            return False
        reachability = self._info.reachability()
        return reachability == QNetworkInformation.Reachability.Disconnected

    @Slot(QNetworkInformation.Reachability)
    def _reachability_changed(self, reachability: object) -> None:
        if reachability != QNetworkInformation.Reachability.Disconnected:
            self.cameOnline.emit()


class PollScheduler(QObject):
    """Starts each polled account's run when it is due.

    Signals:
        accountsChanged(list[PolledAccount]): the accounts were read again
        scheduleChanged(): a next run time or the pause changed
        pausedChanged(): polling was paused or resumed
    """

    accountsChanged = Signal(object)
    scheduleChanged = Signal()
    pausedChanged = Signal()

    def __init__(
        self,
        db_url: str,
        runs: ProcessingRuns,
        *,
        clock: Clock = utc_now,
        settings: QSettings | None = None,
        network: NetworkWatch | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.db_url = db_url
        self.runs = runs
        self.schedule = PollSchedule(clock)
        self._clock = clock
        self._database = Database(db_url)
        self.settings = settings if settings is not None else QSettings()
        self.network = network if network is not None else NetworkWatch(self)
        self._accounts: dict[int, PolledAccount] = {}
        self._timers: dict[int, QTimer] = {}
        self._waiting_for_network: set[int] = set()
        self._last_beat: dt.datetime | None = None
        self._active = False

        self._heartbeat = QTimer(self)
        self._heartbeat.setInterval(int(HEARTBEAT.total_seconds() * 1000))
        self._heartbeat.timeout.connect(self.heartbeat)
        self._first_check = QTimer(self)
        self._first_check.setSingleShot(True)
        self._first_check.timeout.connect(self.check)

        runs.started.connect(self._run_started)
        runs.finished.connect(self._run_finished)
        runs.failed.connect(self._run_failed)
        self.network.cameOnline.connect(self._came_online)
        self._restore_pause()

    # -- life ---------------------------------------------------------------

    def start(self, delay_ms: int | None = None) -> None:
        """Read the accounts and begin polling; the first check after ``delay_ms``
        (``STARTUP_DELAY_MS`` by default).

        Accounts whose due time passed while the app was closed are due at
        that first check, once each.
        """
        if delay_ms is None:
            delay_ms = STARTUP_DELAY_MS
        self._active = True
        if delay_ms > 0:
            self._first_check.start(delay_ms)
        self.reload()
        self._last_beat = self._clock()
        self._heartbeat.start()
        if delay_ms <= 0:
            self.check()

    def stop(self) -> None:
        """Stop every timer; runs going on are left to their owner."""
        self._active = False
        self._heartbeat.stop()
        self._first_check.stop()
        for timer in self._timers.values():
            timer.stop()

    def close(self) -> None:
        self.stop()
        self._database.close()

    @property
    def active(self) -> bool:
        return self._active

    def now(self) -> dt.datetime:
        """The scheduler's clock (aware UTC)."""
        return self._clock()

    # -- accounts -----------------------------------------------------------

    @Slot()
    def reload(self) -> None:
        """Read the accounts again (a few rows) and reschedule from their settings."""
        try:
            with self._database.session() as session:
                accounts = load_polled_accounts(session)
        except SQLAlchemyError as exc:
            # Keep polling on the plan already made; the next save retries.
            log.warning("could not read the accounts' polling settings: %s", exc)
            return
        self._accounts = {a.id: a for a in accounts}
        for account in accounts:
            if account.polled:
                self.schedule.set_account(
                    account.id, account.poll_minutes, account.last_check_at
                )
            else:
                self.schedule.remove_account(account.id)
        for account_id in self.schedule.accounts():
            if account_id not in self._accounts:
                self.schedule.remove_account(account_id)
        self._waiting_for_network &= set(self.schedule.accounts())
        self._arm()
        self.accountsChanged.emit(accounts)
        self.scheduleChanged.emit()

    def attach_window(self, window: MainWindow) -> None:
        """Show next runs in the window's status panel and reschedule whenever
        the window saves or deletes an account."""
        window.status_panel.set_next_run_source(self.next_run)
        window.account_form.saved.connect(self._account_changed)
        window.account_form.deleted.connect(self._account_changed)
        self.pausedChanged.connect(window.reload_statuses)

    @Slot(int)
    def _account_changed(self, _account_id: int) -> None:
        self.reload()

    def accounts(self) -> list[PolledAccount]:
        return list(self._accounts.values())

    def account(self, account_id: int) -> PolledAccount | None:
        return self._accounts.get(account_id)

    # -- ticks --------------------------------------------------------------

    @Slot()
    def check(self) -> list[int]:
        """Start the runs that are due now; returns the accounts started.

        An account already running (from the window, say) starts nothing and
        is not refused either: its own end sets its next run.
        """
        if not self._active:
            return []
        self._first_check.stop()  # checked now; the startup delay is over
        started = []
        offline: bool | None = None
        for account_id in self.schedule.due():
            if self.runs.is_running(account_id):
                self.schedule.started(account_id)
                continue
            account = self._accounts.get(account_id)
            if account is not None and not is_local_host(account.host):
                if offline is None:
                    offline = self.network.offline()
                if offline:
                    self._wait_for_network(account)
                    continue
            log.info("polling %s", self._name(account_id))
            if self.runs.start(account_id):
                started.append(account_id)
        self._arm()
        return started

    @Slot()
    def heartbeat(self) -> None:
        """The minute tick: catches up when the wall clock jumped (sleep, resume)."""
        now = self._clock()
        if self._last_beat is not None and now - self._last_beat > 2 * HEARTBEAT:
            log.info(
                "the clock moved %s since the last check (the computer slept?); "
                "catching up",
                _duration(now - self._last_beat),
            )
        self._last_beat = now
        self.check()

    def next_run(self, account_id: int) -> dt.datetime | None:
        """When the account is polled next: None when not polled, running, or
        paused until resumed. For the status panel's "Next run" column."""
        if self.runs.is_running(account_id):
            return None
        due = self.schedule.next_due(account_id)
        if due is None or not self.schedule.paused():
            return due
        until = self.schedule.paused_until
        return None if until is None else max(due, until)

    # -- pause --------------------------------------------------------------

    def pause(self, duration: dt.timedelta | None = None) -> None:
        """Stop polling for ``duration``, or until ``resume()`` when None."""
        until = None if duration is None else self._clock() + duration
        self.schedule.pause(until)
        self.settings.setValue(
            PAUSE_KEY, PAUSED_UNTIL_RESUMED if until is None else until.isoformat()
        )
        log.info(
            "polling paused %s",
            "until resumed" if until is None else f"until {until.isoformat()}",
        )
        self._arm()
        self.pausedChanged.emit()
        self.scheduleChanged.emit()

    def resume(self) -> None:
        self.schedule.resume()
        self.settings.remove(PAUSE_KEY)
        log.info("polling resumed")
        self.check()
        self.pausedChanged.emit()
        self.scheduleChanged.emit()

    def paused(self) -> bool:
        return self.schedule.paused()

    @property
    def paused_until(self) -> dt.datetime | None:
        """The end of a timed pause; None when not paused or paused until resumed."""
        return self.schedule.paused_until

    def _restore_pause(self) -> None:
        value = self.settings.value(PAUSE_KEY)
        if not value:
            return
        if value == PAUSED_UNTIL_RESUMED:
            self.schedule.pause()
            return
        try:
            until = dt.datetime.fromisoformat(str(value))
        except ValueError:
            log.warning("ignored an unreadable pause setting %r", value)
            self.settings.remove(PAUSE_KEY)
            return
        if until > self._clock():
            self.schedule.pause(_aware(until))
        else:
            self.settings.remove(PAUSE_KEY)

    # -- runs ---------------------------------------------------------------

    @Slot(int)
    def _run_started(self, account_id: int) -> None:
        self.schedule.started(account_id)
        self._waiting_for_network.discard(account_id)
        timer = self._timers.get(account_id)
        if timer is not None:
            timer.stop()
        self.scheduleChanged.emit()

    @Slot(int, object)
    def _run_finished(self, account_id: int, summary: RunSummary) -> None:
        self._ended(account_id, ok=summary.ok)

    @Slot(int, str)
    def _run_failed(self, account_id: int, _reason: str) -> None:
        self._ended(account_id, ok=False)

    def _ended(self, account_id: int, *, ok: bool) -> None:
        self.schedule.finished(account_id, ok=ok)
        due = self.schedule.next_due(account_id)
        if due is not None and not ok:
            log.info(
                "%s failed %d time(s) in a row; trying again in %s",
                self._name(account_id),
                self.schedule.failures(account_id),
                _duration(due - self._clock()),
            )
        self._arm()
        self.scheduleChanged.emit()

    # -- network ------------------------------------------------------------

    def _wait_for_network(self, account: PolledAccount) -> None:
        if account.id not in self._waiting_for_network:
            log.info("%s: offline; polling when the network is back", account.name)
        self._waiting_for_network.add(account.id)
        self.schedule.postpone(account.id, self._clock() + OFFLINE_RECHECK)

    @Slot()
    def _came_online(self) -> None:
        if not self._waiting_for_network:
            return
        now = self._clock()
        for account_id in self._waiting_for_network:
            self.schedule.postpone(account_id, now)
        self._waiting_for_network.clear()
        self.check()

    # -- timers -------------------------------------------------------------

    def _arm(self) -> None:
        """One single-shot timer per polled account, for its next run."""
        planned = set(self.schedule.accounts())
        for account_id in list(self._timers):
            if account_id not in planned:
                self._timers.pop(account_id).deleteLater()
        if not self._active or self._first_check.isActive():
            # Not polling yet: the first check starts the timers.
            for idle in self._timers.values():
                idle.stop()
            return
        now = self._clock()
        for account_id in planned:
            timer = self._timers.get(account_id)
            if timer is None:
                timer = QTimer(self)
                timer.setSingleShot(True)
                # To the second is precise enough for polling, and cheap.
                timer.setTimerType(Qt.TimerType.VeryCoarseTimer)
                timer.timeout.connect(self.check)
                self._timers[account_id] = timer
            when = self.next_run(account_id)
            if when is None:
                timer.stop()
                continue
            milliseconds = (when - now).total_seconds() * 1000
            timer.start(int(min(max(milliseconds, 0), LONGEST_TIMER_MS)))

    def armed_in_ms(self, account_id: int) -> int | None:
        """How long until the account's timer fires; None when it is not armed."""
        timer = self._timers.get(account_id)
        if timer is None or not timer.isActive():
            return None
        return timer.remainingTime()

    def _name(self, account_id: int) -> str:
        account = self._accounts.get(account_id)
        return account.name if account else f"account {account_id}"


def _duration(delta: dt.timedelta) -> str:
    seconds = max(int(delta.total_seconds()), 0)
    if seconds < 120:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 120:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60} min"
