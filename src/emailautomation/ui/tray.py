"""The system tray: process now, pause polling, notifications, open the window, quit.

``install_tray`` puts the app in the tray when the desktop has one: closing
the window then hides it and polling goes on, until Quit. Without a tray the
window stays an ordinary window (closing it quits) and polling runs while it
is open; the window's Polling menu has the controls either way.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QSettings, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import QApplication, QMenu, QSystemTrayIcon, QWidget

from emailautomation import APP_TITLE, autostart
from emailautomation.jobs.events import RunSummary
from emailautomation.ui.icons import icon
from emailautomation.ui.runs import ProcessingRuns
from emailautomation.ui.scheduler import PolledAccount, PollScheduler
from emailautomation.ui.status import local_time

log = logging.getLogger(__name__)

NOTIFY_NEW_KEY = "notifications/newTransactions"
NOTIFY_FAILURES_KEY = "notifications/failures"
CLOSE_HINT_KEY = "tray/closeHintShown"
PAUSE_SHORT = dt.timedelta(hours=1)
NOTIFICATION_MS = 10_000
NOTIFIED_TRANSACTIONS = 3  # listed in a notification; the count covers the rest

CURRENCY_SIGNS = {
    "INR": "₹",
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "JPY": "¥",
    "CNY": "¥",
    "KRW": "₩",
    "PHP": "₱",
    "THB": "฿",
    "VND": "₫",
    "NGN": "₦",
    "ILS": "₪",
    "TRY": "₺",
    "UAH": "₴",
}
_LEADING_CODE = re.compile(r"^([A-Z]{3}) (?=\d)")

TRAY_ICONS = {
    "idle": "tray-idle",
    "running": "tray-running",
    "failed": "tray-failed",
    "paused": "tray-paused",
}


def readable_amount(line: str) -> str:
    """``"INR 789.00 at BIGBASKET"`` → ``"₹789.00 at BIGBASKET"`` for a
    currency with a sign of its own; other codes stay as they are."""
    match = _LEADING_CODE.match(line)
    if match is None or match.group(1) not in CURRENCY_SIGNS:
        return line
    return CURRENCY_SIGNS[match.group(1)] + line[match.end() :]


def new_transactions_notice(summary: RunSummary) -> tuple[str, str] | None:
    """Title and text of the notification for a run that stored transactions.

    ``("3 new transactions from HDFC Bank", "₹789.00 at BIGBASKET · ₹40.00 at
    UBER · ₹1,200.00 …")``; None when the run stored nothing.
    """
    if summary.stored <= 0:
        return None
    count = summary.stored
    noun = "transaction" if count == 1 else "transactions"
    title = f"{count:,} new {noun} from {summary.account_name}"
    listed = [readable_amount(t) for t in summary.new_transactions]
    shown = listed[:NOTIFIED_TRANSACTIONS]
    text = " · ".join(shown)
    if count > len(shown):
        text = f"{text} …" if text else "…"
    return title, text


def failure_notice(account_name: str, reason: str) -> tuple[str, str]:
    return f"{account_name} is failing", reason


class PollingActions(QObject):
    """The polling controls, shared by the tray menu and the window's menu:
    pause for an hour, pause until resumed, resume, start at login.

    ``problem(text)`` says why start at login could not be changed.
    """

    problem = Signal(str)

    def __init__(
        self,
        scheduler: PollScheduler,
        *,
        autostart_command: Callable[[], list[str]] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.scheduler = scheduler
        self._command = autostart_command or autostart.launch_command
        self.pause_hour = self._action("Pause for 1 &hour", "pausePollingHour")
        self.pause_hour.triggered.connect(lambda: scheduler.pause(PAUSE_SHORT))
        self.pause_until_resumed = self._action(
            "Pause until &resumed", "pausePollingUntilResumed"
        )
        self.pause_until_resumed.triggered.connect(lambda: scheduler.pause())
        self.resume = self._action("Res&ume polling", "resumePolling")
        self.resume.triggered.connect(scheduler.resume)
        self.start_at_login = self._action("Start at &login", "startAtLogin")
        self.start_at_login.setCheckable(True)
        self.start_at_login.setToolTip(
            f"Start in the tray when you log in ({autostart.entry_location()})"
        )
        self.start_at_login.setChecked(autostart.is_enabled())
        self.start_at_login.toggled.connect(self._start_at_login_toggled)
        scheduler.pausedChanged.connect(self.update)
        self.update()

    def _action(self, text: str, name: str) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        return action

    @Slot()
    def update(self) -> None:
        paused = self.scheduler.paused()
        self.resume.setEnabled(paused)
        until = self.scheduler.paused_until
        if not paused:
            self.resume.setText("Res&ume polling")
        elif until is None:
            self.resume.setText("Res&ume polling (paused until resumed)")
        else:
            self.resume.setText(f"Res&ume polling (paused until {local_time(until)})")

    @Slot(bool)
    def _start_at_login_toggled(self, checked: bool) -> None:
        try:
            if checked:
                autostart.enable(self._command())
            else:
                autostart.disable()
        except autostart.AutostartFailed as exc:
            log.warning("%s", exc)
            self.start_at_login.blockSignals(True)
            self.start_at_login.setChecked(autostart.is_enabled())
            self.start_at_login.blockSignals(False)
            self.problem.emit(str(exc))

    def add_to(self, menu: QMenu) -> None:
        pause = menu.addMenu("&Pause polling")
        pause.setObjectName("pausePollingMenu")
        pause.addAction(self.pause_hour)
        pause.addAction(self.pause_until_resumed)
        menu.addAction(self.resume)


class TrayIcon(QObject):
    """The tray icon and its menu; tells of new transactions and failing accounts.

    Its icon shows whether a run is going, an account is failing, polling is
    paused, or all is quiet; the tooltip the last check and how many new
    transactions runs stored since the app started.

    Signals:
        notified(title, text): a notification was shown
        openWindowRequested(), quitRequested(): from the menu or a click
    """

    notified = Signal(str, str)
    openWindowRequested = Signal()
    quitRequested = Signal()

    def __init__(
        self,
        runs: ProcessingRuns,
        scheduler: PollScheduler,
        *,
        settings: QSettings | None = None,
        actions: PollingActions | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.runs = runs
        self.scheduler = scheduler
        self.settings = settings if settings is not None else QSettings()
        self.polling = actions or PollingActions(scheduler, parent=self)
        self.polling.problem.connect(
            lambda text: self.notify("Start at login is not set up", text)
        )
        self._started_at = scheduler.now()
        self._new_transactions = 0
        self._last_check: dt.datetime | None = None
        self._failing: dict[int, str] = {}
        self._known: set[int] = set()
        self._names: dict[int, str] = {}
        self.state = "idle"

        self.icon = QSystemTrayIcon(self)
        self.icon.setObjectName("trayIcon")
        self.menu = QMenu()
        self.menu.setObjectName("trayMenu")
        self._build_menu()
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)

        runs.started.connect(self._run_started)
        runs.finished.connect(self._run_finished)
        runs.failed.connect(self._run_failed)
        runs.idle.connect(self.update)
        scheduler.accountsChanged.connect(self._accounts_changed)
        scheduler.pausedChanged.connect(self.update)
        self._accounts_changed(scheduler.accounts())

    # -- menu ---------------------------------------------------------------

    def _build_menu(self) -> None:
        menu = self.menu
        self.process_all = self._action("Process &all now", "trayProcessAll")
        self.process_all.setIcon(icon("process-all"))
        self.process_all.triggered.connect(self.process_all_now)
        menu.addAction(self.process_all)
        self.accounts_menu = menu.addMenu(icon("process"), "&Process now")
        self.accounts_menu.setObjectName("trayProcessAccountMenu")
        self.accounts_menu.aboutToShow.connect(self._update_account_actions)
        menu.addSeparator()
        self.polling.add_to(menu)
        menu.addSeparator()
        self.notify_new = self._toggle(
            "Notify about new &transactions", "trayNotifyNew", NOTIFY_NEW_KEY
        )
        self.notify_failures = self._toggle(
            "Notify when an account &fails", "trayNotifyFailures", NOTIFY_FAILURES_KEY
        )
        menu.addAction(self.notify_new)
        menu.addAction(self.notify_failures)
        menu.addAction(self.polling.start_at_login)
        menu.addSeparator()
        self.open_window = self._action("&Open window", "trayOpenWindow")
        self.open_window.triggered.connect(self.openWindowRequested)
        menu.addAction(self.open_window)
        self.quit = self._action("&Quit", "trayQuit")
        self.quit.triggered.connect(self.quitRequested)
        menu.addAction(self.quit)

    def _action(self, text: str, name: str) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        return action

    def _toggle(self, text: str, name: str, key: str) -> QAction:
        action = self._action(text, name)
        action.setCheckable(True)
        action.setChecked(bool(self.settings.value(key, True, type=bool)))
        action.toggled.connect(lambda checked: self._remember(key, checked))
        return action

    def _remember(self, key: str, checked: bool) -> None:
        self.settings.setValue(key, checked)
        self.settings.sync()

    def account_actions(self) -> list[QAction]:
        return [a for a in self.accounts_menu.actions() if a.data() is not None]

    @Slot(object)
    def _accounts_changed(self, accounts: list[PolledAccount]) -> None:
        self._names = {a.id: a.name for a in accounts}
        for account in accounts:
            if account.id not in self._known and account.last_error:
                self._failing[account.id] = account.last_error
            if account.last_check_at is not None and (
                self._last_check is None or account.last_check_at > self._last_check
            ):
                self._last_check = account.last_check_at
        self._known = {a.id for a in accounts}
        self._failing = {k: v for k, v in self._failing.items() if k in self._known}

        self.accounts_menu.clear()
        enabled = [a for a in accounts if a.enabled]
        for account in enabled:
            action = QAction(account.name, self.accounts_menu)
            action.setData(account.id)
            action.triggered.connect(
                lambda _checked=False, account_id=account.id: self.process_now(
                    account_id
                )
            )
            self.accounts_menu.addAction(action)
        if not enabled:
            placeholder = self.accounts_menu.addAction("No enabled account")
            placeholder.setEnabled(False)
        self.process_all.setEnabled(bool(enabled))
        self.update()

    @Slot()
    def _update_account_actions(self) -> None:
        for action in self.account_actions():
            account_id = int(action.data())
            name = self._names.get(account_id, f"account {account_id}")
            running = self.runs.is_running(account_id)
            action.setEnabled(not running)
            if running:
                action.setText(f"{name} (running…)")
            elif account_id in self._failing:
                action.setText(f"{name} (failing)")
            else:
                action.setText(name)

    # -- what the menu does -------------------------------------------------

    @Slot()
    def process_all_now(self) -> list[int]:
        """Start every enabled account not already running; returns those started."""
        enabled = [a.id for a in self.scheduler.accounts() if a.enabled]
        return self.runs.start_many(enabled)

    def process_now(self, account_id: int) -> bool:
        return self.runs.start(account_id)

    @Slot(QSystemTrayIcon.ActivationReason)
    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.openWindowRequested.emit()

    # -- runs ---------------------------------------------------------------

    @Slot(int)
    def _run_started(self, _account_id: int) -> None:
        self.update()

    @Slot(int, object)
    def _run_finished(self, account_id: int, summary: RunSummary) -> None:
        self._names.setdefault(account_id, summary.account_name)
        self._last_check = self.scheduler.now()
        self._new_transactions += max(summary.stored, 0)
        notice = new_transactions_notice(summary)
        if notice is not None and self.notify_new.isChecked():
            self.notify(*notice)
        if summary.status == "failed":
            self._failing_now(account_id, summary.error or "the run failed")
        else:
            self._failing.pop(account_id, None)
        self.update()

    @Slot(int, str)
    def _run_failed(self, account_id: int, reason: str) -> None:
        self._last_check = self.scheduler.now()
        self._failing_now(account_id, reason)
        self.update()

    def _failing_now(self, account_id: int, reason: str) -> None:
        was_failing = account_id in self._failing
        self._failing[account_id] = reason
        if was_failing or not self.notify_failures.isChecked():
            return
        name = self._names.get(account_id, f"account {account_id}")
        self.notify(*failure_notice(name, reason))

    def failing(self) -> dict[int, str]:
        """The accounts whose last run failed, with the reason."""
        return dict(self._failing)

    # -- showing ------------------------------------------------------------

    def notify(self, title: str, text: str) -> None:
        log.debug("notification: %s: %s", title, text)
        kind = (
            QSystemTrayIcon.MessageIcon.Warning
            if title.endswith(" is failing")
            else QSystemTrayIcon.MessageIcon.Information
        )
        if self.icon.isVisible() and QSystemTrayIcon.supportsMessages():
            self.icon.showMessage(title, text, kind, NOTIFICATION_MS)
        self.notified.emit(title, text)

    @Slot()
    def update(self) -> None:
        """Refresh the icon and the tooltip from the runs, failures and pause."""
        if self.runs.running():
            state = "running"
        elif self._failing:
            state = "failed"
        elif self.scheduler.paused():
            state = "paused"
        else:
            state = "idle"
        if state != self.state or self.icon.icon().isNull():
            self.state = state
            self.icon.setIcon(icon(TRAY_ICONS[state]))
        self.icon.setToolTip(self.tooltip())
        self._update_account_actions()

    def tooltip(self) -> str:
        lines = [APP_TITLE]
        running = sorted(self.runs.running())
        if running:
            names = ", ".join(self._names.get(a, f"account {a}") for a in running)
            lines.append(f"Processing {names}…")
        check = local_time(self._last_check) if self._last_check else "never"
        lines.append(f"Last check: {check}")
        count = self._new_transactions
        noun = "transaction" if count == 1 else "transactions"
        lines.append(f"{count:,} new {noun} since {local_time(self._started_at)}")
        for account_id, reason in sorted(self._failing.items()):
            name = self._names.get(account_id, f"account {account_id}")
            lines.append(f"Failing: {name}: {reason}")
        if self.scheduler.paused():
            until = self.scheduler.paused_until
            lines.append(
                "Polling paused until resumed"
                if until is None
                else f"Polling paused until {local_time(until)}"
            )
        return "\n".join(lines)

    def show(self) -> None:
        self.update()
        self.icon.show()

    def close(self) -> None:
        self.icon.hide()
        self.menu.deleteLater()


class CloseToTray(QObject):
    """Closing the window from its title bar hides it while the tray is shown.

    A close asked for by the program (File > Quit) is let through, and then
    the whole app quits through ``quit_app``.
    """

    def __init__(
        self,
        window: QWidget,
        tray: TrayIcon,
        quit_app: Callable[[], None],
        *,
        settings: QSettings | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.tray = tray
        self.quit_app = quit_app
        self.settings = settings if settings is not None else QSettings()
        self.quitting = False
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is not self.window or event.type() != QEvent.Type.Close:
            return False
        if self.quitting or not self.tray.icon.isVisible():
            return False
        if not event.spontaneous():
            # The program closed the window (File > Quit): leave for good.
            self.quitting = True
            QTimer.singleShot(0, self.quit_app)
            return False
        assert isinstance(event, QCloseEvent)
        event.ignore()
        self.hide_window()
        return True

    def hide_window(self) -> None:
        save_state = getattr(self.window, "save_state", None)
        if callable(save_state):
            save_state()
        self.window.hide()
        if not self.settings.value(CLOSE_HINT_KEY, False, type=bool):
            self.settings.setValue(CLOSE_HINT_KEY, True)
            self.tray.notify(
                f"{APP_TITLE} is still running",
                "It keeps polling your accounts from the tray; choose Quit in "
                "the tray menu to stop it.",
            )


def add_polling_menu(window: QWidget, actions: PollingActions) -> QMenu | None:
    """A Polling menu in the window's menu bar, before Help when there is one."""
    menu_bar = getattr(window, "menuBar", None)
    if not callable(menu_bar):
        return None
    bar = menu_bar()
    menu = QMenu("P&olling", bar)
    menu.setObjectName("pollingMenu")
    actions.add_to(menu)
    menu.addSeparator()
    menu.addAction(actions.start_at_login)
    log_line = getattr(window, "log", None)
    if callable(log_line):
        actions.problem.connect(log_line)
    help_action = next(
        (a for a in bar.actions() if a.text().replace("&", "") == "Help"), None
    )
    if help_action is None:
        bar.addMenu(menu)
    else:
        bar.insertMenu(help_action, menu)
    return menu


def show_window(window: QWidget) -> None:
    """Bring the window back from the tray (or from minimised) to the front."""
    if window.isMinimized():
        window.showNormal()
    else:
        window.show()
    window.raise_()
    window.activateWindow()


def install_tray(
    app: QApplication,
    window: QWidget,
    runs: ProcessingRuns,
    scheduler: PollScheduler,
    *,
    settings: QSettings | None = None,
    autostart_db: str | None = None,
) -> TrayIcon | None:
    """Give the window a Polling menu and, when the desktop has a system tray,
    put the app there; returns the tray icon, or None without a tray.

    ``autostart_db`` is the database a start at login opens: the one chosen
    with ``--db``, or None for the default (so a later change of default
    applies at login too).
    """
    settings = settings if settings is not None else QSettings()
    actions = PollingActions(
        scheduler,
        autostart_command=lambda: autostart.launch_command(autostart_db),
        parent=window,
    )
    add_polling_menu(window, actions)
    if not QSystemTrayIcon.isSystemTrayAvailable():
        # TODO: a desktop whose panel starts after this app (at login) offers
        # its tray later; watching for it would need a retry timer and moving
        # a minimised window into the tray, not done yet.
        log.info("no system tray: closing the window quits the app")
        return None

    tray = TrayIcon(runs, scheduler, settings=settings, actions=actions, parent=window)

    def quit_app() -> None:
        closing.quitting = True
        window.close()
        app.quit()

    closing = CloseToTray(window, tray, quit_app, settings=settings)
    tray.openWindowRequested.connect(lambda: show_window(window))
    tray.quitRequested.connect(quit_app)
    app.setQuitOnLastWindowClosed(False)
    tray.show()
    return tray
