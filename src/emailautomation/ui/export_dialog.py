"""File → Export: the books as a ledger, hledger, beancount or CSV file, on the pool."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QDate, QRunnable, QSettings, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from emailautomation.errors import EmailAutomationError
from emailautomation.ledger import ExportRequest, ExportResult, Format, run_export
from emailautomation.ledger.formats import SUFFIXES
from emailautomation.ui.books import ExportChoices, load_export_choices
from emailautomation.ui.category_offer import error_colour
from emailautomation.ui.runs import BackgroundTasks
from emailautomation.ui.workers import StoreTask, TaskError, TaskSignals

log = logging.getLogger(__name__)

ANY_DATE = QDate(2000, 1, 1)  # the date edits show "Any" at their minimum
FORMAT_CHOICES = (
    (Format.HLEDGER, "hledger journal"),
    (Format.LEDGER, "Ledger (ledger-cli) journal"),
    (Format.BEANCOUNT, "Beancount file"),
    (Format.CSV, "CSV (spreadsheet)"),
)
FILE_FILTERS = {
    Format.LEDGER: "Ledger journals (*.ledger *.journal *.dat)",
    Format.HLEDGER: "hledger journals (*.journal *.hledger *.ledger)",
    Format.BEANCOUNT: "Beancount files (*.beancount *.bean)",
    Format.CSV: "CSV files (*.csv)",
}


class ExportTask(QRunnable):
    """``run_export`` on a pool thread; it opens a database of its own there.

    Holds only the database URL and the (plain, frozen) request.
    """

    def __init__(self, db_url: str, request: ExportRequest) -> None:
        super().__init__()
        self.db_url = db_url
        self.request = request
        self.signals = TaskSignals()

    def run(self) -> None:
        try:
            result = run_export(self.db_url, self.request)
        except EmailAutomationError as exc:
            self.signals.failed.emit(TaskError(str(exc)))
            return
        except Exception as exc:  # a crash must reach the dialog, not vanish
            log.exception("export crashed")
            self.signals.failed.emit(
                TaskError(f"Internal error ({type(exc).__name__}): {exc}")
            )
            return
        self.signals.done.emit(result)


def result_text(result: ExportResult) -> str:
    """What an export did, in a sentence."""
    entries = f"{result.written} {'entry' if result.written == 1 else 'entries'}"
    before = (
        f"; {result.already_exported} exported there before were left out"
        if result.already_exported
        else ""
    )
    if result.appended and not result.written:
        return (
            f"Nothing new: all {result.already_exported} entries in the range are "
            f"in {result.destination} already."
        )
    verb = "Appended" if result.appended else "Wrote"
    return f"{verb} {entries} ({result.format}) to {result.destination}{before}."


def _date_edit(name: str, accessible: str) -> QDateEdit:
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMinimumDate(ANY_DATE)
    edit.setSpecialValueText("Any")
    edit.setDate(ANY_DATE)
    return edit


def _chosen_date(edit: QDateEdit) -> dt.date | None:
    value = edit.date()
    if value == edit.minimumDate():
        return None
    return dt.date(value.year(), value.month(), value.day())


class ExportDialog(QDialog):
    """Choose the range, accounts, format and file; the export runs on the pool
    and the dialog says what it wrote. Not modal: the window stays usable.

    Replacing a file that holds something asks first (``replace_box``); only
    then is the export allowed to overwrite it.

    Signals:
        exported(ExportResult), failed(message)
    """

    exported = Signal(object)
    failed = Signal(str)

    def __init__(
        self,
        db_url: str,
        tasks: BackgroundTasks,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db_url = db_url
        self.tasks = tasks
        self.settings = settings
        self.replace_box: QMessageBox | None = None
        self.file_dialog: QFileDialog | None = None
        self._running = False
        self._confirmed: str | None = None  # a path the file chooser confirmed

        self.setObjectName("exportDialog")
        self.setWindowTitle("Export transactions")

        self.format_combo = QComboBox()
        self.format_combo.setObjectName("exportFormat")
        self.format_combo.setAccessibleName("Export format")
        for kind, title in FORMAT_CHOICES:
            self.format_combo.addItem(title, kind.value)
        self.since_edit = _date_edit("exportSince", "First day exported")
        self.until_edit = _date_edit("exportUntil", "Last day exported")
        self.accounts_list = QListWidget()
        self.accounts_list.setObjectName("exportAccounts")
        self.accounts_list.setAccessibleName("Accounts to export")
        self.accounts_list.setToolTip(
            "Tick mail accounts or ledger accounts (with their sub-accounts) to "
            "export only those; tick none to export everything"
        )
        self.destination_edit = QLineEdit()
        self.destination_edit.setObjectName("exportDestination")
        self.destination_edit.setAccessibleName("File to export to")
        self.destination_edit.setPlaceholderText("e.g. ~/books/alerts.journal")
        self.browse_button = QPushButton("&Browse…")
        self.browse_button.setObjectName("exportBrowse")
        self.new_only_check = QCheckBox(
            "Only what was not exported to this file before (&append)"
        )
        self.new_only_check.setObjectName("exportNewOnly")
        self.new_only_check.setToolTip(
            "Entries carry their message's id, so appending never writes one twice"
        )

        self.error = QLabel()
        self.error.setObjectName("exportError")
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setStyleSheet(f"color: {error_colour(self.palette())};")
        self.error.hide()
        self.result_label = QLabel()
        self.result_label.setObjectName("exportResult")
        self.result_label.setWordWrap(True)
        self.result_label.setTextFormat(Qt.TextFormat.PlainText)
        self.result_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.busy = QProgressBar()
        self.busy.setObjectName("exportBusy")
        self.busy.setRange(0, 0)
        self.busy.hide()

        destination = QHBoxLayout()
        destination.addWidget(self.destination_edit, 1)
        destination.addWidget(self.browse_button)
        dates = QHBoxLayout()
        dates.addWidget(self.since_edit)
        dates.addWidget(QLabel("to"))
        dates.addWidget(self.until_edit)
        dates.addStretch(1)
        form = QFormLayout()
        for text, field, buddy in (
            ("&Format:", self.format_combo, self.format_combo),
            ("&Dates:", dates, self.since_edit),
            ("&Accounts:", self.accounts_list, self.accounts_list),
            ("F&ile:", destination, self.destination_edit),
        ):
            label = QLabel(text)
            label.setBuddy(buddy)
            form.addRow(label, field)
        form.addRow("", self.new_only_check)

        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton(
            "&Export", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.export_button.setObjectName("exportButton")
        self.export_button.setDefault(True)
        self.close_button = self.buttons.addButton(
            QDialogButtonBox.StandardButton.Close
        )

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.busy)
        layout.addWidget(self.result_label)
        layout.addWidget(self.buttons)

        self.export_button.clicked.connect(self.start_export)
        self.close_button.clicked.connect(self.close)
        self.browse_button.clicked.connect(self.browse)
        self.format_combo.currentIndexChanged.connect(self._format_changed)
        self.destination_edit.textEdited.connect(self._forget_confirmation)
        self._restore_choices()
        self.resize(560, 480)

    # -- choices ------------------------------------------------------------

    def reload_choices(self) -> None:
        """Fill the account list (on the pool), keeping what is ticked."""
        self.tasks.submit(
            StoreTask(self.db_url, load_export_choices),
            done=self._on_choices,
            failed=self._on_choices_failed,
        )

    @Slot(object)
    def _on_choices(self, choices: ExportChoices) -> None:
        ticked = set(self.chosen_accounts())
        self.accounts_list.clear()
        for names, kind in (
            (choices.mail_accounts, "mail account"),
            (choices.ledger_accounts, "ledger account"),
            (choices.categories, "category"),
        ):
            for name in names:
                item = QListWidgetItem(f"{name}  ({kind})")
                item.setData(Qt.ItemDataRole.UserRole, name)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(
                    Qt.CheckState.Checked if name in ticked else Qt.CheckState.Unchecked
                )
                self.accounts_list.addItem(item)

    @Slot(object)
    def _on_choices_failed(self, error: TaskError) -> None:
        self._show_error(f"Could not read the accounts: {error.message}")

    def chosen_accounts(self) -> list[str]:
        return [
            self.accounts_list.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(self.accounts_list.count())
            if self.accounts_list.item(row).checkState() == Qt.CheckState.Checked
        ]

    def set_account_checked(self, name: str, checked: bool = True) -> None:
        for row in range(self.accounts_list.count()):
            item = self.accounts_list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == name:
                item.setCheckState(
                    Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
                )
                return
        raise KeyError(name)

    def chosen_format(self) -> Format:
        return Format(self.format_combo.currentData())

    def set_format(self, kind: Format) -> None:
        self.format_combo.setCurrentIndex(self.format_combo.findData(kind.value))

    @Slot()
    def _format_changed(self) -> None:
        # A file name still carrying another format's suffix gets this one's.
        text = self.destination_edit.text().strip()
        if not text:
            return
        path = Path(text)
        if path.suffix in SUFFIXES.values():
            self.destination_edit.setText(
                str(path.with_suffix(SUFFIXES[self.chosen_format()]))
            )
            self._forget_confirmation()

    @Slot()
    def browse(self) -> None:
        kind = self.chosen_format()
        dialog = QFileDialog(self, "Export to")
        dialog.setObjectName("exportFileDialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilters([FILE_FILTERS[kind], "All files (*)"])
        dialog.setDefaultSuffix(SUFFIXES[kind].lstrip("."))
        current = self.destination_edit.text().strip()
        dialog.selectFile(current or f"transactions{SUFFIXES[kind]}")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(self._file_chosen)
        dialog.destroyed.connect(self._file_dialog_gone)
        self.file_dialog = dialog
        dialog.open()

    @Slot(str)
    def _file_chosen(self, path: str) -> None:
        self.destination_edit.setText(path)
        # The file chooser has asked about replacing an existing file already.
        self._confirmed = path

    @Slot()
    def _file_dialog_gone(self) -> None:
        self.file_dialog = None

    @Slot()
    def _forget_confirmation(self) -> None:
        self._confirmed = None

    # -- exporting ----------------------------------------------------------

    def request(self, *, overwrite: bool = False) -> ExportRequest:
        """The export the dialog describes; raises ``ValueError`` saying why not."""
        text = self.destination_edit.text().strip()
        if not text:
            raise ValueError("Choose the file to export to.")
        since, until = _chosen_date(self.since_edit), _chosen_date(self.until_edit)
        if since and until and since > until:
            raise ValueError(
                f"The first day ({since.isoformat()}) is after the last "
                f"({until.isoformat()})."
            )
        return ExportRequest(
            format=self.chosen_format().value,
            since=since,
            until=until,
            accounts=tuple(self.chosen_accounts()),
            destination=Path(text).expanduser(),
            new_only=self.new_only_check.isChecked(),
            overwrite=overwrite,
        )

    @Slot()
    def start_export(self) -> None:
        if self._running:
            return
        self._show_error(None)
        try:
            request = self.request()
        except ValueError as exc:
            self._show_error(str(exc))
            return
        path = request.destination
        assert path is not None
        replacing = not request.new_only and _holds_something(path)
        if replacing and self._confirmed != self.destination_edit.text().strip():
            self._ask_replace(path)
            return
        self._run(replace(request, overwrite=replacing))

    def _ask_replace(self, path: Path) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Replace the file?",
            f"{path} exists. Replace it with this export?\n\nTo add only what "
            "is new to it, tick “Only what was not exported to this file before”.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("exportReplaceQuestion")
        box.button(QMessageBox.StandardButton.Yes).setText("Replace")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(self._replace_answered)
        self.replace_box = box
        box.open()

    @Slot(int)
    def _replace_answered(self, answer: int) -> None:
        self.replace_box = None
        if answer != QMessageBox.StandardButton.Yes:
            self.result_label.setText("Nothing exported.")
            return
        try:
            request = self.request(overwrite=True)
        except ValueError as exc:
            self._show_error(str(exc))
            return
        self._run(request)

    def _run(self, request: ExportRequest) -> None:
        self._running = True
        self.export_button.setEnabled(False)
        self.busy.show()
        self.result_label.setText(f"Exporting to {request.destination}…")
        self._remember_choices(request)
        self.tasks.submit(
            ExportTask(self.db_url, request),
            done=self._on_exported,
            failed=self._on_failed,
        )

    @Slot(object)
    def _on_exported(self, result: ExportResult) -> None:
        self._finish()
        # What is on disk now was written by this export: no need to ask again.
        self._confirmed = self.destination_edit.text().strip()
        self.result_label.setText(result_text(result))
        log.info("window export: %s", result_text(result))
        self.exported.emit(result)

    @Slot(object)
    def _on_failed(self, error: TaskError) -> None:
        self._finish()
        self.result_label.setText("")
        self._show_error(f"Not exported: {error.message}")
        self.failed.emit(error.message)

    def _finish(self) -> None:
        self._running = False
        self.export_button.setEnabled(True)
        self.busy.hide()

    @property
    def running(self) -> bool:
        return self._running

    def _show_error(self, text: str | None) -> None:
        self.error.setText(text or "")
        self.error.setVisible(text is not None)

    # -- remembered between exports -----------------------------------------

    def _remember_choices(self, request: ExportRequest) -> None:
        if self.settings is None:
            return
        self.settings.setValue("export/format", request.format)
        self.settings.setValue("export/destination", self.destination_edit.text())
        self.settings.setValue("export/newOnly", request.new_only)

    def _restore_choices(self) -> None:
        if self.settings is None:
            return
        kind = self.settings.value("export/format")
        if isinstance(kind, str) and self.format_combo.findData(kind) >= 0:
            self.format_combo.setCurrentIndex(self.format_combo.findData(kind))
        destination = self.settings.value("export/destination")
        if isinstance(destination, str):
            self.destination_edit.setText(destination)
        new_only = self.settings.value("export/newOnly")
        self.new_only_check.setChecked(new_only in (True, "true"))


def _holds_something(path: Path) -> bool:
    try:
        return path.is_file() and path.stat().st_size > 0
    except OSError:
        return False
