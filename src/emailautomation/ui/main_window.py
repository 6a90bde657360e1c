"""The main window: accounts, Trigger Processing with live progress, the ledger."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import logging
from collections.abc import Callable

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from emailautomation import APP_TITLE, __version__
from emailautomation.jobs.events import RunSummary
from emailautomation.store.database import Database
from emailautomation.ui.account_form import AccountForm
from emailautomation.ui.export_dialog import ExportDialog
from emailautomation.ui.icons import app_icon, icon
from emailautomation.ui.ledger import (
    AccountDraft,
    AccountStatus,
    load_accounts,
    load_statuses,
)
from emailautomation.ui.ledger_pages import (
    AccountMappingsPage,
    LedgerSetupState,
    in_scroll_area,
)
from emailautomation.ui.messages import MessagesPage
from emailautomation.ui.rules_page import CategoryRulesPage
from emailautomation.ui.runs import BackgroundTasks, ProcessingRuns
from emailautomation.ui.spending_chart import SpendingChartPage
from emailautomation.ui.status import StatusPanel, state_text
from emailautomation.ui.teach import TeachLauncher
from emailautomation.ui.templates_page import TemplatesPage
from emailautomation.ui.transactions import TransactionsPage
from emailautomation.ui.workers import StoreTask, TaskError

log = logging.getLogger(__name__)

LOG_LINES_KEPT = 5000
LIVE_RELOAD_MS = 2000  # how often the ledger reloads while runs store rows
PROGRESS_REPAINT_MS = 100
TAB_TRANSACTIONS, TAB_MESSAGES, TAB_ACCOUNT, TAB_STATUS = range(4)
TAB_MAPPINGS, TAB_RULES, TAB_SPENDING = range(4, 7)


def summary_text(summary: RunSummary) -> str:
    """One line a person reads after a run: what was found and what became of it."""
    counts = (
        f"{summary.found:,} new, {summary.stored:,} stored, "
        f"{summary.ignored:,} ignored, {summary.failed:,} failed"
    )
    if summary.skipped:
        counts += f", {summary.skipped:,} already read"
    if summary.status == "failed":
        return f"{summary.account_name}: failed: {summary.error}"
    if summary.status == "cancelled":
        return f"{summary.account_name}: cancelled ({counts})"
    return f"{summary.account_name}: {counts}"


class MainWindow(QMainWindow):
    """Accounts on the left; transactions, unread messages, the account form and
    the status panel in tabs; the processing log below.

    The window owns a database handle for short reads on its own thread
    (accounts, statuses); everything that can take longer runs on a pool.
    ``runs`` may be shared with a tray or scheduler; a window that creates
    its own also stops it when closed.
    """

    def __init__(
        self,
        db_url: str,
        *,
        runs: ProcessingRuns | None = None,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db_url = db_url
        self._database = Database(db_url)
        self._owns_runs = runs is None
        self.runs = runs or ProcessingRuns(db_url, parent=self)
        self.tasks = BackgroundTasks(self)
        self.settings = settings if settings is not None else QSettings()
        self._accounts: list[AccountDraft] = []
        self._statuses: list[AccountStatus] = []
        self._ledger_dirty = False
        self._closed = False
        self._statuses_loading = False
        self._statuses_again = False
        self._ended_progress: dict[int, tuple[int, int]] = {}
        self._ended_failures = 0

        self.setWindowTitle(APP_TITLE)
        self.setWindowIcon(app_icon())
        self.setObjectName("mainWindow")
        self._build()
        self._build_menus()
        self._connect()
        self._restore_state()

        self._live_reload = QTimer(self)
        self._live_reload.setInterval(LIVE_RELOAD_MS)
        self._live_reload.timeout.connect(self._reload_ledger_if_dirty)
        self._progress_timer = QTimer(self)
        self._progress_timer.setSingleShot(True)
        self._progress_timer.setInterval(PROGRESS_REPAINT_MS)
        self._progress_timer.timeout.connect(lambda: self._show_progress(full=False))

        self.reload_accounts(select_id=self._remembered_account())
        for account_id in self.runs.running():
            self._run_started(account_id)  # runs started before this window
        self.transactions.reload()
        self.messages.reload()
        self.templates_page.reload()
        self.account_list.setFocus(Qt.FocusReason.OtherFocusReason)
        _settle_startup_objects()

    # -- building -----------------------------------------------------------

    def _build(self) -> None:
        self.trigger_button = QPushButton(icon("process"), "&Trigger Processing")
        self.trigger_button.setObjectName("triggerProcessingButton")
        self.trigger_button.setAccessibleName("Trigger processing")
        self.trigger_button.setToolTip("Read the selected account's new mail (F5)")
        self.process_all_button = QPushButton(icon("process-all"), "Process a&ll")
        self.process_all_button.setObjectName("processAllButton")
        self.process_all_button.setAccessibleName("Process all enabled accounts")
        self.process_all_button.setToolTip(
            "Read the new mail of every enabled account, in parallel (Shift+F5)"
        )
        self.cancel_button = QPushButton(icon("cancel"), "&Cancel")
        self.cancel_button.setObjectName("cancelProcessingButton")
        self.cancel_button.setAccessibleName("Cancel processing")
        self.cancel_button.setToolTip(
            "Stop the selected account's run (or every run) after the current "
            "message; what was read is kept"
        )
        self.cancel_button.setEnabled(False)

        self.progress = QProgressBar()
        self.progress.setObjectName("processingProgress")
        self.progress.setAccessibleName("Processing progress")
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("Idle")
        self.progress.setTextVisible(True)

        self.status_line = QLabel("Ready.")
        self.status_line.setObjectName("processingStatus")
        self.status_line.setAccessibleName("Processing status")
        self.status_line.setWordWrap(True)
        self.status_line.setTextFormat(Qt.TextFormat.PlainText)

        top = QHBoxLayout()
        top.addWidget(self.trigger_button)
        top.addWidget(self.process_all_button)
        top.addWidget(self.cancel_button)
        top.addWidget(self.progress, 1)

        self.account_list = QListWidget()
        self.account_list.setObjectName("accountList")
        self.account_list.setAccessibleName("Mail accounts")
        self.new_account_button = QPushButton(icon("add-account"), "&New account")
        self.new_account_button.setObjectName("newAccountButton")
        self.new_account_button.setAccessibleName("Add a new mail account")
        accounts_label = QLabel("Acc&ounts")
        accounts_label.setBuddy(self.account_list)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(accounts_label)
        left_layout.addWidget(self.account_list, 1)
        left_layout.addWidget(self.new_account_button)

        self.transactions = TransactionsPage(self.db_url, self.tasks)
        self.messages = MessagesPage(self.db_url, self.tasks)
        self.account_form = AccountForm(self.db_url, self.tasks)
        self.account_form.set_delete_guard(self._delete_refusal)
        form_scroll = QScrollArea()
        form_scroll.setObjectName("accountFormScroll")
        form_scroll.setWidgetResizable(True)
        form_scroll.setWidget(self.account_form)
        self.status_panel = StatusPanel()

        self.tabs = QTabWidget()
        self.tabs.setObjectName("mainTabs")
        self.tabs.setAccessibleName("Views")
        self.tabs.addTab(self.transactions, "Transactions")
        self.tabs.addTab(self.messages, "Not read")
        self.tabs.addTab(form_scroll, "Account")
        self.tabs.addTab(self.status_panel, "Status")
        for tab, tip in enumerate(
            (
                "Stored transactions (Ctrl+1)",
                "Messages that were ignored or could not be read (Ctrl+2)",
                "Settings of the selected account (Ctrl+3)",
                "State of every account (Ctrl+4)",
            )
        ):
            self.tabs.setTabToolTip(tab, tip)
        # The books: account mappings, category rules, monthly spending.
        self.ledger_setup = LedgerSetupState(self.db_url, self.tasks, self)
        self.mappings_page = AccountMappingsPage(self.ledger_setup)
        self.rules_page = CategoryRulesPage(self.ledger_setup)
        self.spending = SpendingChartPage(self.db_url, self.tasks)
        for page, title, tip in (
            (self.mappings_page, "Ledger accounts", "Card digits → ledger (Ctrl+5)"),
            (self.rules_page, "Category rules", "Merchant → category (Ctrl+6)"),
            (self.spending, "Spending", "Monthly spending chart (Ctrl+7)"),
        ):
            scroll = in_scroll_area(page, f"{page.objectName()}Scroll")
            self.tabs.setTabToolTip(self.tabs.addTab(scroll, title), tip)
        # Formats taught from a sample: the Templates tab, the Teach buttons.
        self.templates_page = TemplatesPage(self.db_url, self.tasks)
        self.tabs.setTabToolTip(
            self.tabs.addTab(self.templates_page, "Templates"),
            "Formats taught from a sample (Ctrl+8)",
        )
        self.teaching = TeachLauncher(
            self.db_url,
            self.tasks,
            self.messages,
            self.transactions,
            self.templates_page,
            self,
        )
        self.export_dialog: ExportDialog | None = None

        self.log_view = QPlainTextEdit()
        self.log_view.setObjectName("processingLog")
        self.log_view.setAccessibleName("Processing log")
        self.log_view.setReadOnly(True)
        self.log_view.setMaximumBlockCount(LOG_LINES_KEPT)
        self.log_view.setPlaceholderText("What processing runs do appears here.")

        self.content_splitter = QSplitter(Qt.Orientation.Vertical)
        self.content_splitter.setObjectName("contentSplitter")
        self.content_splitter.addWidget(self.tabs)
        self.content_splitter.addWidget(self.log_view)
        self.content_splitter.setStretchFactor(0, 4)
        self.content_splitter.setStretchFactor(1, 1)

        self.main_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.main_splitter.setObjectName("mainSplitter")
        self.main_splitter.addWidget(left)
        self.main_splitter.addWidget(self.content_splitter)
        self.main_splitter.setStretchFactor(0, 1)
        self.main_splitter.setStretchFactor(1, 4)
        self.main_splitter.setSizes([220, 880])

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(top)
        layout.addWidget(self.status_line)
        layout.addWidget(self.main_splitter, 1)
        self.setCentralWidget(central)
        self.resize(1100, 720)

    def _build_menus(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        self.export_action = self._action(
            file_menu, "&Export…", "Ctrl+E", self.open_export
        )
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        processing = menu.addMenu("&Processing")
        self.trigger_action = self._action(
            processing, "&Trigger Processing", "F5", self.trigger_processing
        )
        self.process_all_action = self._action(
            processing, "Process &all", "Shift+F5", self.process_all
        )
        self.cancel_action = self._action(
            processing, "&Cancel", "Ctrl+.", self.cancel_processing
        )

        accounts = menu.addMenu("&Account")
        self._action(accounts, "&New account", "Ctrl+N", self.new_account)
        self._action(
            accounts, "&Test Connection", "Ctrl+T", self.account_form.test_connection
        )

        view = menu.addMenu("&View")
        for position, title in enumerate(
            (
                "Transactions",
                "Not read",
                "Account",
                "Status",
                "Ledger accounts",
                "Category rules",
                "Spending",
                "Templates",
            ),
            start=1,
        ):
            action = QAction(title, self)
            action.setShortcut(QKeySequence(f"Ctrl+{position}"))
            action.triggered.connect(
                lambda _checked=False, tab=position - 1: self.tabs.setCurrentIndex(tab)
            )
            view.addAction(action)
        view.addSeparator()
        self._action(view, "&Refresh", "Ctrl+R", self.refresh)

        help_menu = menu.addMenu("&Help")
        about = QAction("&About", self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def _action(
        self, menu: QMenu, title: str, keys: str, slot: Callable[[], object]
    ) -> QAction:
        action = QAction(title, self)
        action.setShortcut(QKeySequence(keys))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _connect(self) -> None:
        self.trigger_button.clicked.connect(self.trigger_processing)
        self.process_all_button.clicked.connect(self.process_all)
        self.cancel_button.clicked.connect(self.cancel_processing)
        self.new_account_button.clicked.connect(self.new_account)
        self.account_list.currentItemChanged.connect(self._account_selected)
        self.account_form.saved.connect(self._account_saved)
        self.account_form.deleted.connect(self._account_deleted)
        self.messages.rereadFinished.connect(self._reread_finished)
        self.rules_page.transactionsChanged.connect(
            lambda _count: self.transactions.reload()
        )
        self.ledger_setup.changed.connect(
            lambda setup: self.transactions.category_delegate.set_known(
                setup.categories()
            )
        )

        self.runs.started.connect(self._run_started)
        self.runs.progress.connect(self._run_progress)
        self.runs.message.connect(self._run_message)
        self.runs.finished.connect(self._run_finished)
        self.runs.failed.connect(self._run_failed)
        self.runs.refused.connect(self._run_refused)
        self.runs.idle.connect(self._runs_idle)

    # -- accounts -----------------------------------------------------------

    def reload_accounts(self, select_id: int | None = None) -> None:
        """Re-read the accounts (a few rows, on this thread), then their statuses
        (counting messages, on the pool)."""
        current = self.selected_account_id() if select_id is None else select_id
        with self._database.session() as session:
            self._accounts = load_accounts(session)
        self.account_list.blockSignals(True)
        self.account_list.clear()
        for account in self._accounts:
            item = QListWidgetItem(account.name)
            item.setData(Qt.ItemDataRole.UserRole, account.id)
            self.account_list.addItem(item)
        self.account_list.blockSignals(False)
        self._update_account_items()
        target = current
        if target is None and len(self._accounts) >= 1:
            target = self._accounts[0].id
        self._select_account(target)
        self.transactions.set_accounts(
            [(a.id, a.name) for a in self._accounts if a.id is not None]
        )
        self.reload_statuses()

    def reload_statuses(self) -> None:
        if self._statuses_loading:
            self._statuses_again = True
            return
        self._statuses_loading = True
        self.tasks.submit(
            StoreTask(self.db_url, load_statuses),
            done=self._on_statuses,
            failed=self._on_statuses_failed,
        )

    @property
    def statuses_loading(self) -> bool:
        return self._statuses_loading

    @Slot(object)
    def _on_statuses(self, statuses: list[AccountStatus]) -> None:
        self._statuses_loading = False
        if self._statuses_again:
            self._statuses_again = False
            self.reload_statuses()
            return
        self._statuses = statuses
        self._update_account_items()
        self._show_statuses()

    @Slot(object)
    def _on_statuses_failed(self, error: TaskError) -> None:
        self._statuses_loading = False
        self.log(f"Could not read the account statuses: {error.message}")

    def _select_account(self, account_id: int | None) -> None:
        for row in range(self.account_list.count()):
            item = self.account_list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == account_id:
                self.account_list.setCurrentItem(item)
                return
        if self._accounts:
            self.account_list.setCurrentRow(0)
        else:
            self._account_selected(None, None)

    def selected_account_id(self) -> int | None:
        item = self.account_list.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    def account_name(self, account_id: int) -> str:
        for account in self._accounts:
            if account.id == account_id:
                return account.name
        return f"account {account_id}"

    @Slot(object, object)
    def _account_selected(
        self, current: QListWidgetItem | None, _previous: object
    ) -> None:
        account_id = None if current is None else current.data(Qt.ItemDataRole.UserRole)
        draft = next((a for a in self._accounts if a.id == account_id), None)
        self.account_form.show_account(draft)
        self.trigger_button.setEnabled(account_id is not None)
        if account_id is not None:
            self.settings.setValue("window/selectedAccount", account_id)
        self._update_buttons()

    @Slot()
    def new_account(self) -> None:
        self.account_list.blockSignals(True)
        self.account_list.clearSelection()
        self.account_list.setCurrentRow(-1)
        self.account_list.blockSignals(False)
        self.account_form.show_account(None)
        self.tabs.setCurrentIndex(TAB_ACCOUNT)
        self.account_form.email_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self._update_buttons()

    @Slot(int)
    def _account_saved(self, account_id: int) -> None:
        self.reload_accounts(select_id=account_id)
        self.log(f"{self.account_name(account_id)}: settings saved")

    @Slot(int)
    def _account_deleted(self, account_id: int) -> None:
        self.reload_accounts()
        self.transactions.reload()
        self.messages.reload()

    def _delete_refusal(self, account_id: int) -> str | None:
        if self.runs.is_running(account_id):
            return (
                f"{self.account_name(account_id)} is being processed; cancel the "
                "run before deleting the account."
            )
        return None

    def _remembered_account(self) -> int | None:
        value = self.settings.value("window/selectedAccount")
        try:
            return int(value) if value is not None else None
        except (TypeError, ValueError):
            return None

    # -- processing ---------------------------------------------------------

    @Slot()
    def trigger_processing(self) -> None:
        """Start a run for the selected account (refused if it is running)."""
        account_id = self.selected_account_id()
        if account_id is None:
            self._say("Select an account first, or add one with New account.")
            return
        self.runs.start(account_id)

    @Slot()
    def process_all(self) -> None:
        """Start a run for every enabled account, in parallel, one per account."""
        enabled = [a for a in self._accounts if a.enabled]
        if not enabled:
            self._say("No enabled account to process.")
            return
        for account in enabled:
            if account.id is None:
                continue
            if self.runs.is_running(account.id):
                self.log(f"{account.name}: already running, not started again")
                continue
            self.runs.start(account.id)

    @Slot()
    def cancel_processing(self) -> None:
        account_id = self.selected_account_id()
        if account_id is not None and self.runs.cancel(account_id):
            self._say(f"Cancelling {self.account_name(account_id)}…")
        elif self.runs.running():
            self.runs.cancel_all()
            self._say("Cancelling every run…")
        self._show_progress()

    @Slot(int)
    def _run_started(self, account_id: int) -> None:
        self.log(f"{self.account_name(account_id)}: processing started")
        self._live_reload.start()
        self._show_progress()

    @Slot(int, int, int)
    def _run_progress(self, account_id: int, done: int, total: int) -> None:
        self._ended_progress[account_id] = (done, total)
        # Coalesced: a few repaints a second, however fast the messages go.
        if not self._progress_timer.isActive():
            self._progress_timer.start()

    @Slot(int, str)
    def _run_message(self, account_id: int, text: str) -> None:
        if "transaction: " in text:
            self._ledger_dirty = True
        prefix = f"{_clock()} {self.account_name(account_id)}: "
        self.log_view.appendPlainText(
            "\n".join(prefix + line for line in text.splitlines())
        )

    @Slot(int, object)
    def _run_finished(self, account_id: int, summary: RunSummary) -> None:
        read = summary.stored + summary.ignored + summary.failed + summary.skipped
        self._ended_progress[account_id] = (read, summary.found)
        if summary.status == "failed":
            self._ended_failures += 1
        line = summary_text(summary)
        self.log(line)
        self._say(line)
        self._after_run()

    @Slot(int, str)
    def _run_failed(self, account_id: int, reason: str) -> None:
        self._ended_failures += 1
        line = f"{self.account_name(account_id)}: failed: {reason}"
        self.log(line)
        self._say(line)
        self._after_run()

    @Slot(int, str)
    def _run_refused(self, account_id: int, reason: str) -> None:
        line = f"{self.account_name(account_id)} {reason}."
        self.log(line)
        self._say(line)
        self.statusBar().showMessage(line, 8000)

    @Slot()
    def _runs_idle(self) -> None:
        self._live_reload.stop()
        self._progress_timer.stop()
        done = sum(d for d, _t in self._ended_progress.values())
        total = sum(t for _d, t in self._ended_progress.values())
        self._ended_progress.clear()
        failures, self._ended_failures = self._ended_failures, 0
        if total == 0:
            self.progress.setRange(0, 1)
            self.progress.setValue(0 if failures else 1)
            self.progress.setFormat(
                "Failed: see the log" if failures else "No new mail"
            )
        else:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
            failed = f" ({failures} account failed)" if failures else ""
            self.progress.setFormat(f"%v of %m messages read{failed}")
        self._update_buttons()

    def _after_run(self) -> None:
        if self._closed:
            return
        self.reload_accounts()
        self._ledger_dirty = False
        self.transactions.reload()
        self.messages.reload()
        self._show_progress()

    @Slot()
    def _reload_ledger_if_dirty(self) -> None:
        if self._ledger_dirty and not self.transactions.loading:
            self._ledger_dirty = False
            self.transactions.load_new()

    def _show_progress(self, *, full: bool = True) -> None:
        """Show the runs' progress; ``full`` also rebuilds the status panel."""
        running = sorted(self.runs.running())
        if full:
            self._update_buttons()
            self._update_account_items()
            self._show_statuses()
        if not running:
            return
        states = [(a, self.runs.progress_of(a)) for a in running]
        if not full:
            statuses = {s.id: s for s in self._statuses}
            for account_id, state in states:
                if account_id in statuses:
                    self.status_panel.set_state(
                        account_id, state_text(statuses[account_id], state)
                    )
        done = sum(p.done for _a, p in states if p)
        total = sum(p.total for _a, p in states if p)
        if total == 0:
            self.progress.setRange(0, 0)  # busy: connecting, count not known yet
        else:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
            self.progress.setFormat("%v of %m messages")
        parts = []
        for account_id, state in states:
            if state is None:
                continue
            name = self.account_name(account_id)
            if state.cancel_requested:
                parts.append(f"{name}: cancelling…")
            elif state.total == 0:
                parts.append(f"{name}: connecting…")
            else:
                parts.append(f"{name}: {state.done:,} of {state.total:,}")
        self.status_line.setText("Processing " + " · ".join(parts))

    def _update_buttons(self) -> None:
        running = self.runs.running()
        self.cancel_button.setEnabled(bool(running))
        self.cancel_action.setEnabled(bool(running))
        self.trigger_button.setEnabled(self.selected_account_id() is not None)

    def _update_account_items(self) -> None:
        statuses = {s.id: s for s in self._statuses}
        for row in range(self.account_list.count()):
            item = self.account_list.item(row)
            account_id = item.data(Qt.ItemDataRole.UserRole)
            status = statuses.get(account_id)
            if status is None:
                continue
            state = state_text(status, self.runs.progress_of(account_id))
            item.setToolTip(state)
            item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, state)
            if self.runs.is_running(account_id):
                item.setIcon(icon("process"))
            elif status.last_error:
                item.setIcon(icon("failed"))
            else:
                item.setIcon(icon("idle"))

    def _show_statuses(self) -> None:
        running = {a: p for a in self.runs.running() if (p := self.runs.progress_of(a))}
        self.status_panel.show_statuses(self._statuses, running)

    # -- other actions ------------------------------------------------------

    @Slot()
    def refresh(self) -> None:
        self.reload_accounts()
        self.transactions.reload()
        self.messages.reload()
        self.templates_page.reload()
        self.ledger_setup.reload()
        if self.spending.isVisible():
            self.spending.reload()

    @Slot()
    def open_export(self) -> None:
        """File → Export…: one dialog, not modal; the export runs on the pool."""
        if self.export_dialog is None:
            self.export_dialog = ExportDialog(
                self.db_url, self.tasks, self.settings, self
            )
        self.export_dialog.reload_choices()
        self.export_dialog.show()
        self.export_dialog.raise_()
        self.export_dialog.activateWindow()

    @Slot(object)
    def _reread_finished(self, _totals: object) -> None:
        self.transactions.reload()
        self.reload_accounts()

    @Slot()
    def _about(self) -> None:
        QMessageBox.about(
            self,
            f"About {APP_TITLE}",
            f"{APP_TITLE} {__version__}\n\nReads the transaction alerts your bank "
            "e-mails you and keeps them as a local ledger.",
        )

    def log(self, line: str) -> None:
        self.log_view.appendPlainText(f"{_clock()} {line}")

    def _say(self, text: str) -> None:
        self.status_line.setText(text)

    # -- state --------------------------------------------------------------

    def _restore_state(self) -> None:
        for key, restore in (
            ("window/geometry", self.restoreGeometry),
            ("window/state", self.restoreState),
            ("window/mainSplitter", self.main_splitter.restoreState),
            ("window/contentSplitter", self.content_splitter.restoreState),
            ("window/messagesSplitter", self.messages.splitter.restoreState),
            ("window/transactionsHeader", self.transactions.restore_header_state),
            (
                "window/messagesHeader",
                self.messages.table.horizontalHeader().restoreState,
            ),
        ):
            value = self.settings.value(key)
            if isinstance(value, QByteArray) and not value.isEmpty():
                restore(value)
        tab = self.settings.value("window/tab")
        with contextlib.suppress(TypeError, ValueError):
            self.tabs.setCurrentIndex(int(tab) if tab is not None else 0)

    def save_state(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("window/mainSplitter", self.main_splitter.saveState())
        self.settings.setValue(
            "window/contentSplitter", self.content_splitter.saveState()
        )
        self.settings.setValue(
            "window/messagesSplitter", self.messages.splitter_state()
        )
        self.settings.setValue(
            "window/transactionsHeader", self.transactions.header_state()
        )
        self.settings.setValue("window/messagesHeader", self.messages.header_state())
        self.settings.setValue("window/tab", self.tabs.currentIndex())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        # With a system tray, ui.tray.CloseToTray hides the window instead
        # (polling goes on); this is the real close: it ends the runs it owns.
        if self._closed:
            event.accept()
            return
        self.save_state()
        self._closed = True
        self._live_reload.stop()
        if self._owns_runs and not self.runs.shutdown():
            log.warning("some runs did not stop in time")
        self.tasks.wait()
        self._database.close()
        event.accept()


def _settle_startup_objects() -> None:
    # A full garbage collection stops every thread, the window's too, for as
    # long as it takes to scan every object: 50-80 ms with the modules and
    # widgets of a started application, more than the window may stall.
    # What exists once the window is built lives as long as the process, so
    # it is moved out of the collector's reach; later collections scan only
    # what runs create.
    gc.collect()
    gc.freeze()


def _clock() -> str:
    return dt.datetime.now().strftime("%H:%M:%S")
