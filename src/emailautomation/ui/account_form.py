"""The mail account form: settings, password to the keychain, Test Connection."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from PySide6.QtCore import QDate, Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from emailautomation.mail.imap import DEFAULT_PORTS, ServerSettings
from emailautomation.ui.ledger import (
    AccountDraft,
    FieldError,
    delete_account,
    parse_senders,
    save_account,
    validate_draft,
)
from emailautomation.ui.providers import Provider, provider_for_address
from emailautomation.ui.runs import BackgroundTasks
from emailautomation.ui.workers import ConnectionCheck, StoreTask, TaskError

log = logging.getLogger(__name__)

SECURITY_CHOICES = (
    ("ssl", "SSL/TLS"),
    ("starttls", "STARTTLS"),
    ("plain", "None (unencrypted; trusted networks only)"),
)
POLL_CHOICES = (
    (None, "Off"),
    (5, "Every 5 minutes"),
    (15, "Every 15 minutes"),
    (30, "Every 30 minutes"),
    (60, "Every hour"),
    (180, "Every 3 hours"),
    (360, "Every 6 hours"),
    (720, "Every 12 hours"),
    (1440, "Daily"),
)
NO_SINCE_DATE = QDate(1990, 1, 1)  # shown as "the last 90 days"

DeleteGuard = Callable[[int], str | None]


class AccountForm(QWidget):
    """Edit one account (or a new one). Saving and testing run on the pool.

    Signals:
        saved(account_id), deleted(account_id),
        testFinished(ok, text): the connection test's outcome, as shown.
    """

    saved = Signal(int)
    deleted = Signal(int)
    testFinished = Signal(bool, str)

    def __init__(
        self, db_url: str, tasks: BackgroundTasks, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.db_url = db_url
        self.tasks = tasks
        self._account_id: int | None = None
        self._provider: Provider | None = None
        self._auto: dict[str, str] = {}  # values we filled in, still untouched
        self._delete_guard: DeleteGuard | None = None
        self._testing = False
        self._saving = False
        self._confirm: QMessageBox | None = None

        self.title = QLabel()
        self.title.setObjectName("accountFormTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)

        self.name_edit = self._line(
            "accountName", "Account name", "e.g. Personal Gmail"
        )
        self.email_edit = self._line(
            "accountEmail", "E-mail address", "you@example.com"
        )
        self.provider_hint = QLabel()
        self.provider_hint.setObjectName("providerHint")
        self.provider_hint.setWordWrap(True)
        self.provider_hint.setTextFormat(Qt.TextFormat.RichText)
        self.provider_hint.setOpenExternalLinks(True)
        self.provider_hint.hide()
        self.host_edit = self._line("accountHost", "IMAP server", "imap.example.com")
        self.port_spin = QSpinBox()
        self.port_spin.setObjectName("accountPort")
        self.port_spin.setAccessibleName("Port")
        self.port_spin.setRange(1, 65535)
        self.port_spin.setValue(993)
        self.security_combo = QComboBox()
        self.security_combo.setObjectName("accountSecurity")
        self.security_combo.setAccessibleName("Security")
        for value, label in SECURITY_CHOICES:
            self.security_combo.addItem(label, value)
        self.username_edit = self._line(
            "accountUsername", "Login name", "usually the e-mail address"
        )
        self.password_edit = self._line("accountPassword", "Password", "")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.folder_edit = self._line("accountFolder", "Folder", "INBOX")
        self.folder_edit.setText("INBOX")
        self.senders_edit = self._line(
            "accountSenders",
            "Bank sender addresses",
            "alerts@hdfcbank.net, icicibank.com (empty: read all mail)",
        )
        self.since_edit = QDateEdit()
        self.since_edit.setObjectName("accountSince")
        self.since_edit.setAccessibleName("Read mail since")
        self.since_edit.setCalendarPopup(True)
        self.since_edit.setDisplayFormat("yyyy-MM-dd")
        self.since_edit.setMinimumDate(NO_SINCE_DATE)
        self.since_edit.setSpecialValueText("the last 90 days")
        self.since_edit.setDate(NO_SINCE_DATE)
        self.enabled_check = QCheckBox("Enabled (included in Process all)")
        self.enabled_check.setObjectName("accountEnabled")
        self.enabled_check.setAccessibleName("Account enabled")
        self.enabled_check.setChecked(True)
        self.poll_combo = QComboBox()
        self.poll_combo.setObjectName("accountPollInterval")
        self.poll_combo.setAccessibleName("Polling interval")
        for minutes, label in POLL_CHOICES:
            self.poll_combo.addItem(label, minutes)
        self.poll_combo.setCurrentIndex(self.poll_combo.findData(60))

        self.errors: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self._row(form, "Na&me:", "name", self.name_edit)
        self._row(
            form, "&E-mail address:", "email", self.email_edit, self.provider_hint
        )
        self._row(form, "IMAP &server:", "host", self.host_edit)
        self._row(form, "Po&rt:", "port", self.port_spin)
        self._row(form, "Sec&urity:", "security", self.security_combo)
        self._row(form, "Lo&gin name:", "username", self.username_edit)
        self._row(form, "Pass&word:", "password", self.password_edit)
        self._row(form, "Fol&der:", "folder", self.folder_edit)
        self._row(form, "&Bank senders:", "senders", self.senders_edit)
        self._row(form, "Read mail s&ince:", "since_date", self.since_edit)
        self._row(form, "", "enabled", self.enabled_check)
        self._row(form, "Polling:", "poll_minutes", self.poll_combo)

        self.test_button = QPushButton("Test Connection")
        self.test_button.setObjectName("testConnectionButton")
        self.test_button.setAccessibleName("Test the connection")
        self.save_button = QPushButton("Save")
        self.save_button.setObjectName("saveAccountButton")
        self.save_button.setAccessibleName("Save the account")
        self.save_button.setDefault(True)
        self.save_button.setShortcut(QKeySequence.StandardKey.Save)
        self.save_button.setToolTip("Save the account (Ctrl+S)")
        self.delete_button = QPushButton("Delete…")
        self.delete_button.setObjectName("deleteAccountButton")
        self.delete_button.setAccessibleName("Delete the account")

        self.test_result = QLabel()
        self.test_result.setObjectName("connectionTestResult")
        self.test_result.setWordWrap(True)
        self.test_result.setTextFormat(Qt.TextFormat.PlainText)
        self.test_result.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.save_status = QLabel()
        self.save_status.setObjectName("accountSaveStatus")
        self.save_status.setWordWrap(True)
        self.save_status.setTextFormat(Qt.TextFormat.PlainText)

        buttons = QHBoxLayout()
        buttons.addWidget(self.test_button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.save_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.test_result)
        layout.addWidget(self.save_status)
        layout.addStretch(1)

        self.email_edit.textEdited.connect(self._email_edited)
        self.security_combo.currentIndexChanged.connect(self._security_changed)
        self.test_button.clicked.connect(self.test_connection)
        self.save_button.clicked.connect(self.save)
        self.delete_button.clicked.connect(self.ask_delete)
        for name in ("name", "host", "username", "password", "folder", "senders"):
            self._edit_of(name).textEdited.connect(
                lambda _text, field=name: self._typed(field)
            )
        self._last_security = "ssl"
        self.show_account(None)

    # -- building -----------------------------------------------------------

    def _line(self, name: str, accessible: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        edit.setPlaceholderText(placeholder)
        return edit

    def _row(
        self,
        form: QFormLayout,
        label: str,
        field: str,
        widget: QWidget,
        extra: QWidget | None = None,
    ) -> None:
        error = QLabel()
        error.setObjectName(f"{field}Error")
        error.setWordWrap(True)
        error.setTextFormat(Qt.TextFormat.PlainText)
        error.setStyleSheet(f"color: {_error_colour(self.palette())};")
        error.hide()
        self.errors[field] = error
        cell = QWidget()
        box = QVBoxLayout(cell)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(widget)
        if extra is not None:
            box.addWidget(extra)
        box.addWidget(error)
        if label:
            caption = QLabel(label)
            caption.setBuddy(widget)
            form.addRow(caption, cell)
        else:
            form.addRow("", cell)

    def _edit_of(self, field: str) -> QLineEdit:
        return {
            "name": self.name_edit,
            "email": self.email_edit,
            "host": self.host_edit,
            "username": self.username_edit,
            "password": self.password_edit,
            "folder": self.folder_edit,
            "senders": self.senders_edit,
        }[field]

    def _widget_of(self, field: str) -> QWidget:
        widgets: dict[str, QWidget] = {
            "port": self.port_spin,
            "security": self.security_combo,
            "since_date": self.since_edit,
            "enabled": self.enabled_check,
            "poll_minutes": self.poll_combo,
        }
        return widgets.get(field) or self._edit_of(field)

    # -- showing an account -------------------------------------------------

    @property
    def account_id(self) -> int | None:
        return self._account_id

    def set_delete_guard(self, guard: DeleteGuard | None) -> None:
        """``guard(account_id)`` returns why the account cannot be deleted now."""
        self._delete_guard = guard

    def show_account(self, draft: AccountDraft | None) -> None:
        """Fill the form with ``draft``, or empty it for a new account."""
        same = (draft.id if draft else None) == self._account_id
        self._account_id = draft.id if draft else None
        self._auto = {}
        self._provider = None
        self.clear_errors()
        if not same:
            self.test_result.clear()
            self.save_status.clear()
        self.password_edit.clear()
        if draft is None:
            self.title.setText("New account")
            for edit in (
                self.name_edit,
                self.email_edit,
                self.host_edit,
                self.username_edit,
                self.senders_edit,
            ):
                edit.clear()
            self.folder_edit.setText("INBOX")
            self._set_security("ssl")
            self.port_spin.setValue(DEFAULT_PORTS["ssl"])
            self.since_edit.setDate(NO_SINCE_DATE)
            self.enabled_check.setChecked(True)
            self.poll_combo.setCurrentIndex(self.poll_combo.findData(60))
            self.password_edit.setPlaceholderText("password or app password")
            self.delete_button.setEnabled(False)
            self._update_hint(None)
            return
        self.title.setText(f"Account: {draft.name}")
        self.name_edit.setText(draft.name)
        self.email_edit.setText(draft.email or "")
        self.host_edit.setText(draft.host)
        self._set_security(draft.security)
        self.port_spin.setValue(draft.port)
        self.username_edit.setText(draft.username)
        self.folder_edit.setText(draft.folder)
        self.senders_edit.setText(", ".join(draft.senders))
        if draft.since_date is None:
            self.since_edit.setDate(NO_SINCE_DATE)
        else:
            since = draft.since_date
            self.since_edit.setDate(QDate(since.year, since.month, since.day))
        self.enabled_check.setChecked(draft.enabled)
        self._set_poll(draft.poll_minutes)
        # The stored password is never read back into the form.
        self.password_edit.setPlaceholderText(
            "kept in the keychain; type a new one to replace it"
        )
        self.delete_button.setEnabled(True)
        self._update_hint(provider_for_address(draft.email or draft.username))

    def _set_security(self, value: str) -> None:
        self.security_combo.blockSignals(True)
        self.security_combo.setCurrentIndex(max(self.security_combo.findData(value), 0))
        self.security_combo.blockSignals(False)
        self._last_security = value

    def _set_poll(self, minutes: int | None) -> None:
        position = self.poll_combo.findData(minutes)
        if position < 0:
            self.poll_combo.addItem(f"Every {minutes} minutes", minutes)
            position = self.poll_combo.count() - 1
        self.poll_combo.setCurrentIndex(position)

    # -- providers ----------------------------------------------------------

    @Slot(str)
    def _email_edited(self, text: str) -> None:
        address = text.strip()
        provider = provider_for_address(address)
        if (
            provider is not None
            and provider != self._provider
            and self._fillable("host")
        ):
            self._fill("host", provider.host)
            self._set_security(provider.security)
            self.port_spin.setValue(provider.port)
        elif provider is None and self._auto.get("host") == self.host_edit.text():
            # The address no longer names the provider we filled in for.
            self.host_edit.clear()
            del self._auto["host"]
        self._provider = provider
        if "@" in address:
            if self._fillable("username"):
                self._fill("username", address)
            if self._fillable("name"):
                self._fill("name", address)
        self._update_hint(provider)
        self._clear_error("email")

    def _fillable(self, field: str) -> bool:
        edit = self._edit_of(field)
        return not edit.text().strip() or self._auto.get(field) == edit.text()

    def _fill(self, field: str, value: str) -> None:
        self._edit_of(field).setText(value)
        self._auto[field] = value
        self._clear_error(field)

    def _typed(self, field: str) -> None:
        # A field the person typed in is theirs: never fill it in again.
        self._auto.pop(field, None)
        self._clear_error(field)

    def _update_hint(self, provider: Provider | None) -> None:
        if provider is None:
            self.provider_hint.clear()
            self.provider_hint.hide()
            return
        self.provider_hint.setText(provider.hint)
        self.provider_hint.show()

    @Slot()
    def _security_changed(self) -> None:
        security = self.security_combo.currentData()
        if self.port_spin.value() == DEFAULT_PORTS.get(self._last_security):
            self.port_spin.setValue(DEFAULT_PORTS[security])
        self._last_security = security

    # -- reading the form ---------------------------------------------------

    def draft(self) -> AccountDraft:
        """The form's values; raises ``FieldError`` for unreadable senders."""
        since = self.since_edit.date()
        since_date = (
            None
            if since == NO_SINCE_DATE
            else dt.date(since.year(), since.month(), since.day())
        )
        return AccountDraft(
            id=self._account_id,
            name=self.name_edit.text().strip(),
            email=self.email_edit.text().strip() or None,
            host=self.host_edit.text().strip(),
            port=self.port_spin.value(),
            security=self.security_combo.currentData(),
            username=self.username_edit.text().strip(),
            folder=self.folder_edit.text().strip(),
            senders=parse_senders(self.senders_edit.text()),
            since_date=since_date,
            enabled=self.enabled_check.isChecked(),
            poll_minutes=self.poll_combo.currentData(),
        )

    def _checked_draft(self) -> AccountDraft | None:
        self.clear_errors()
        problems: list[FieldError] = []
        try:
            draft = self.draft()
        except FieldError as exc:
            problems.append(exc)
            draft = None
        if draft is not None:
            problems += validate_draft(draft)
        if self._account_id is None and not self.password_edit.text():
            problems.append(
                FieldError("password", "Type the password (or app password).")
            )
        if problems:
            self.show_errors(problems)
            return None
        return draft

    def show_errors(self, problems: list[FieldError]) -> None:
        """Show each problem under its field and move the focus to the first."""
        for problem in problems:
            label = self.errors.get(problem.field)
            if label is None:
                self.save_status.setText(str(problem))
                continue
            label.setText(str(problem))
            label.show()
        first = problems[0].field
        if first in self.errors:
            self._widget_of(first).setFocus(Qt.FocusReason.OtherFocusReason)

    def clear_errors(self) -> None:
        for label in self.errors.values():
            label.clear()
            label.hide()

    def _clear_error(self, field: str) -> None:
        label = self.errors.get(field)
        if label is not None:
            label.clear()
            label.hide()

    def visible_errors(self) -> dict[str, str]:
        return {f: label.text() for f, label in self.errors.items() if label.text()}

    # -- saving and deleting ------------------------------------------------

    @Slot()
    def save(self) -> None:
        if self._saving:
            return
        draft = self._checked_draft()
        if draft is None:
            self.save_status.setText("Not saved: correct the fields marked above.")
            return
        self._saving = True
        self.save_button.setEnabled(False)
        self.save_status.setText("Saving…")
        self.tasks.submit(
            StoreTask(
                self.db_url, save_account, draft, self.password_edit.text() or None
            ),
            done=self._on_saved,
            failed=self._on_save_failed,
        )

    @property
    def saving(self) -> bool:
        return self._saving

    @Slot(object)
    def _on_saved(self, account_id: int) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self._account_id = account_id
        self.password_edit.clear()
        self.save_status.setText("Saved.")
        self.saved.emit(account_id)

    @Slot(object)
    def _on_save_failed(self, error: TaskError) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        if error.field:
            self.show_errors([FieldError(error.field, error.message)])
            self.save_status.setText("Not saved: correct the fields marked above.")
        else:
            self.save_status.setText(f"Not saved: {error.message}")

    @Slot()
    def ask_delete(self) -> None:
        account_id = self._account_id
        if account_id is None:
            return
        refusal = self._delete_guard(account_id) if self._delete_guard else None
        if refusal:
            self.save_status.setText(refusal)
            return
        name = self.name_edit.text() or "this account"
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Delete account",
            f"Delete {name!s}? Its stored messages and transactions are deleted "
            "too, and its password is removed from the keychain.",
            QMessageBox.StandardButton.Cancel | QMessageBox.StandardButton.Yes,
            self,
        )
        box.setObjectName("confirmDeleteAccount")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.button(QMessageBox.StandardButton.Yes).setText("Delete")
        box.finished.connect(self._delete_answered)
        self._confirm = box
        box.open()  # window-modal, without a nested event loop

    @Slot(int)
    def _delete_answered(self, result: int) -> None:
        box, self._confirm = self._confirm, None
        if box is not None:
            box.deleteLater()
        if result != QMessageBox.StandardButton.Yes or self._account_id is None:
            return
        self.save_status.setText("Deleting…")
        self.tasks.submit(
            StoreTask(self.db_url, delete_account, self._account_id),
            done=self._on_deleted,
            failed=self._on_delete_failed,
        )

    @property
    def confirmation(self) -> QMessageBox | None:
        return self._confirm

    @Slot(object)
    def _on_deleted(self, name: str) -> None:
        account_id = self._account_id
        self.show_account(None)
        self.save_status.setText(f"Deleted {name}.")
        if account_id is not None:
            self.deleted.emit(account_id)

    @Slot(object)
    def _on_delete_failed(self, error: TaskError) -> None:
        self.save_status.setText(f"Not deleted: {error.message}")

    # -- connection test ----------------------------------------------------

    @Slot()
    def test_connection(self) -> None:
        """Log in with the form's values on the pool and report what was found."""
        if self._testing:
            return
        self.clear_errors()
        problems = []
        host = self.host_edit.text().strip()
        if not host:
            problems.append(FieldError("host", "Type the IMAP server."))
        if not self.username_edit.text().strip():
            problems.append(FieldError("username", "Type the login name."))
        password = self.password_edit.text() or None
        if password is None and self._account_id is None:
            problems.append(FieldError("password", "Type the password to test."))
        if problems:
            self.show_errors(problems)
            return
        settings = ServerSettings(
            host=host,
            port=self.port_spin.value(),
            security=self.security_combo.currentData(),
            username=self.username_edit.text().strip(),
        )
        folder = self.folder_edit.text().strip() or "INBOX"
        self._testing = True
        self.test_button.setEnabled(False)
        self.test_result.setText(f"Testing the connection to {settings.where}…")
        self.tasks.submit(
            ConnectionCheck(
                settings,
                folder,
                password=password,
                db_url=self.db_url,
                account_id=self._account_id,
            ),
            succeeded=self._test_succeeded,
            failed=self._test_failed,
        )

    @property
    def testing(self) -> bool:
        return self._testing

    @Slot(str)
    def _test_succeeded(self, summary: str) -> None:
        self._testing = False
        self.test_button.setEnabled(True)
        text = f"✔ {summary}"
        self.test_result.setText(text)
        self.testFinished.emit(True, text)

    @Slot(str)
    def _test_failed(self, reason: str) -> None:
        self._testing = False
        self.test_button.setEnabled(True)
        text = f"✘ Connection test failed: {reason}"
        self.test_result.setText(text)
        self.testFinished.emit(False, text)


def _error_colour(palette: QPalette) -> str:
    # A red that stays readable on a dark window background as on a light one.
    dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
    return "#ff8a80" if dark else "#b71c1c"
