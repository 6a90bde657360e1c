"""The Ledger accounts tab, and what it shares with Category rules: state, files."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QStringListModel,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QCompleter,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from emailautomation.ledger import Mapping
from emailautomation.ledger.names import normalise_digits
from emailautomation.ui.books import (
    LedgerSetup,
    MailAccountDefault,
    SettingsImport,
    account_problem,
    change_defaults,
    change_mail_account_default,
    change_mapping,
    drop_mapping,
    export_settings_file,
    import_settings_file,
    load_setup,
    mapping_problems,
)
from emailautomation.ui.category_offer import (
    error_colour,
)
from emailautomation.ui.row_model import ModelIndex, RowTableModel
from emailautomation.ui.runs import BackgroundTasks
from emailautomation.ui.workers import StoreTask, StoreWork, TaskError

log = logging.getLogger(__name__)

SETTINGS_FILTER = "TOML files (*.toml);;All files (*)"


# -- the shared state -------------------------------------------------------


class LedgerSetupState(QObject):
    """The mappings, rules and defaults as last read, shared by both pages.

    Writes go through ``run``, one at a time, on the pool; each returns the
    setup as stored after it, which is published to every page.

    Signals:
        changed(LedgerSetup): a newer setup was read or written.
        busyChanged(busy): a write started or ended.
        loadFailed(message)
    """

    changed = Signal(object)
    busyChanged = Signal(bool)
    loadFailed = Signal(str)

    def __init__(
        self, db_url: str, tasks: BackgroundTasks, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.db_url = db_url
        self.tasks = tasks
        self.setup = LedgerSetup()
        self.loaded_once = False
        self._loading = False
        self._load_again = False
        self._busy = False
        self._callbacks: tuple[Callable[[Any], None], Callable[[TaskError], None]]

    @property
    def busy(self) -> bool:
        return self._busy

    @property
    def loading(self) -> bool:
        return self._loading

    def reload(self) -> None:
        if self._loading or self._busy:
            self._load_again = True
            return
        self._loading = True
        self.tasks.submit(
            StoreTask(self.db_url, load_setup),
            done=self._on_loaded,
            failed=self._on_load_failed,
        )

    def publish(self, setup: LedgerSetup) -> None:
        self.setup = setup
        self.loaded_once = True
        self.changed.emit(setup)

    def run(
        self,
        work: StoreWork,
        *args: Any,
        done: Callable[[Any], None],
        failed: Callable[[TaskError], None],
    ) -> bool:
        """Start a write; False when another one is still going."""
        if self._busy:
            return False
        self._busy = True
        self.busyChanged.emit(True)
        self._callbacks = (done, failed)
        self.tasks.submit(
            StoreTask(self.db_url, work, *args),
            done=self._on_done,
            failed=self._on_failed,
        )
        return True

    @Slot(object)
    def _on_loaded(self, setup: LedgerSetup) -> None:
        self._loading = False
        self.publish(setup)
        self._maybe_load_again()

    @Slot(object)
    def _on_load_failed(self, error: TaskError) -> None:
        self._loading = False
        self.loadFailed.emit(error.message)
        self._maybe_load_again()

    @Slot(object)
    def _on_done(self, result: object) -> None:
        done, _failed = self._callbacks
        self._end_write()
        setup = result if isinstance(result, LedgerSetup) else None
        if isinstance(result, SettingsImport):
            setup = result.setup
        if setup is not None:
            self.publish(setup)
        done(result)
        self._maybe_load_again()

    @Slot(object)
    def _on_failed(self, error: TaskError) -> None:
        _done, failed = self._callbacks
        self._end_write()
        failed(error)
        self._maybe_load_again()

    def _end_write(self) -> None:
        self._busy = False
        self.busyChanged.emit(False)

    def _maybe_load_again(self) -> None:
        if self._load_again and not self._loading and not self._busy:
            self._load_again = False
            self.reload()


# -- small pieces both pages use ---------------------------------------------


def error_label(name: str, colour: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setStyleSheet(f"color: {colour};")
    label.hide()
    return label


def line_edit(name: str, accessible: str, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setPlaceholderText(placeholder)
    return edit


def with_error(widget: QWidget, error: QLabel) -> QWidget:
    """The field with its validation message beside it (wrapping below)."""
    cell = QWidget()
    box = QHBoxLayout(cell)
    box.setContentsMargins(0, 0, 0, 0)
    box.addWidget(widget, 3)
    box.addWidget(error, 2)
    return cell


def row_table(name: str, accessible: str) -> QTableView:
    table = QTableView()
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return table


def in_scroll_area(page: QWidget, name: str) -> QScrollArea:
    """The page in a scroll area, so that it never makes the window's minimum
    size larger than a small screen."""
    area = QScrollArea()
    area.setObjectName(name)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(page)
    return area


def name_completer(parent: QObject) -> tuple[QCompleter, QStringListModel]:
    names = QStringListModel(parent)
    completer = QCompleter(names, parent)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    return completer, names


class SettingsFileBar(QWidget):
    """Import… / Export… of one part of the settings TOML file.

    The file chooser is a ``QFileDialog`` opened without blocking
    (``file_dialog`` while it is open); replacing a table that has rows
    asks first (``confirm_box``).

    Signals:
        imported(SettingsImport), exported(path), failed(message)
    """

    imported = Signal(object)
    exported = Signal(str)
    failed = Signal(str)

    def __init__(
        self,
        state: LedgerSetupState,
        part: str,
        what: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.state = state
        self.part = part
        self.what = what
        self.file_dialog: QFileDialog | None = None
        self.confirm_box: QMessageBox | None = None

        self.import_button = QPushButton("&Import from file…")
        self.import_button.setObjectName(f"{part}ImportButton")
        self.import_button.setToolTip(
            f"Read {what} from a TOML file (kept beside your ledger, say)"
        )
        self.merge_check = QCheckBox("&Merge (keep rows the file does not name)")
        self.merge_check.setObjectName(f"{part}ImportMerge")
        self.export_button = QPushButton("E&xport to file…")
        self.export_button.setObjectName(f"{part}ExportButton")
        self.export_button.setToolTip(f"Write {what} to a TOML file")
        self.status = QLabel()
        self.status.setObjectName(f"{part}FileStatus")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.import_button)
        row.addWidget(self.merge_check)
        row.addStretch(1)
        row.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.status)

        self.import_button.clicked.connect(self.choose_import)
        self.export_button.clicked.connect(self.choose_export)

    def _rows_now(self) -> int:
        setup = self.state.setup
        return len(setup.mappings if self.part == "mappings" else setup.rules)

    @Slot()
    def choose_import(self) -> None:
        dialog = self._dialog(f"Import {self.what}", save=False)
        dialog.fileSelected.connect(self._import_chosen)
        dialog.open()

    @Slot()
    def choose_export(self) -> None:
        dialog = self._dialog(f"Export {self.what}", save=True)
        dialog.selectFile(f"{self.part}.toml")
        dialog.fileSelected.connect(self.export_file)
        dialog.open()

    def _dialog(self, title: str, *, save: bool) -> QFileDialog:
        dialog = QFileDialog(self, title)
        dialog.setObjectName(f"{self.part}FileDialog")
        dialog.setNameFilter(SETTINGS_FILTER)
        if save:
            dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            dialog.setDefaultSuffix("toml")
        else:
            dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(self._dialog_gone)
        self.file_dialog = dialog
        return dialog

    @Slot()
    def _dialog_gone(self) -> None:
        self.file_dialog = None

    @Slot(str)
    def _import_chosen(self, path: str) -> None:
        merge = self.merge_check.isChecked()
        count = self._rows_now()
        if merge or count == 0:
            self.import_file(path, merge=merge)
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            f"Replace the {self.what}?",
            f"Importing replaces the {count} {self.what} with the file's; rows "
            f"the file does not name are removed.\n\nTick Merge to keep them.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName(f"{self.part}ReplaceQuestion")
        box.button(QMessageBox.StandardButton.Yes).setText("Replace")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(lambda answer: self._replace_answered(answer, path))
        self.confirm_box = box
        box.open()

    def _replace_answered(self, answer: int, path: str) -> None:
        self.confirm_box = None
        if answer == QMessageBox.StandardButton.Yes:
            self.import_file(path, merge=False)
        else:
            self.status.setText("Nothing imported.")

    def import_file(self, path: str, *, merge: bool) -> None:
        """Import the file's part (on the pool); the tables show the result."""
        self.status.setText(f"Reading {path}…")
        if not self.state.run(
            import_settings_file,
            path,
            (self.part,),
            merge,
            done=self._on_imported,
            failed=self._on_failed,
        ):
            self.status.setText("Another change is being saved; try again.")

    def export_file(self, path: str) -> None:
        self.status.setText(f"Writing {path}…")
        if not self.state.run(
            export_settings_file,
            path,
            (self.part,),
            done=self._on_exported,
            failed=self._on_failed,
        ):
            self.status.setText("Another change is being saved; try again.")

    def _on_imported(self, result: SettingsImport) -> None:
        self.status.setText(result.describe())
        self.imported.emit(result)

    def _on_exported(self, path: str) -> None:
        self.status.setText(f"Wrote the {self.what} to {path}.")
        self.exported.emit(path)

    def _on_failed(self, error: TaskError) -> None:
        self.status.setText(error.message)
        self.failed.emit(error.message)


# -- account mappings -------------------------------------------------------


class MappingsModel(RowTableModel):
    """The mapping table: card or account digits → ledger account."""

    TITLES = ("Card / account digits", "Ledger account")
    _rows: list[Mapping]

    def row_at(self, position: int) -> Mapping:
        return self._rows[position]

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row.digits if index.column() == 0 else row.ledger_account
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None


class MailDefaultsModel(RowTableModel):
    """Each mail account and the ledger account its unmapped digits go to;
    the second column is edited in place (empty: the general default).

    Signals:
        changeRequested(mail_account_id, ledger_account or None)
        rejected(message): the typed name is not a ledger account.
    """

    TITLES = ("Mail account", "Its default ledger account")
    changeRequested = Signal(int, object)
    rejected = Signal(str)

    _rows: list[MailAccountDefault]

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._fallback = ""

    def set_rows(  # type: ignore[override]
        self, rows: Sequence[MailAccountDefault], fallback: str
    ) -> None:
        self._fallback = fallback
        super().set_rows(rows)

    def row_at(self, position: int) -> MailAccountDefault:
        return self._rows[position]

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == 1:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if index.column() == 0:
            return row.name if role == Qt.ItemDataRole.DisplayRole else None
        if role == Qt.ItemDataRole.DisplayRole:
            return row.ledger_account or f"(general default: {self._fallback})"
        if role == Qt.ItemDataRole.EditRole:
            return row.ledger_account or ""
        if role == Qt.ItemDataRole.ToolTipRole:
            return "Double-click to set; leave empty to use the general default"
        return None

    def setData(
        self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        if not index.isValid() or index.column() != 1:
            return False
        row = self._rows[index.row()]
        text = str(value).strip()
        if text and (problem := account_problem(text)) is not None:
            self.rejected.emit(f"{row.name}: {problem}")
            return False
        new = text or None
        if new == row.ledger_account:
            return False
        self.changeRequested.emit(row.id, new)
        return True


class AccountMappingsPage(QWidget):
    """Which ledger account each card or bank account is: the mapping table
    with its form, the general default, each mail account's default, and the
    settings file.

    Signals:
        saved(message): a change reached the database.
    """

    saved = Signal(str)

    def __init__(self, state: LedgerSetupState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self._editing: int | None = None  # the mapping id the form shows
        self.setObjectName("ledgerAccountsPage")
        self._restoring = False  # reselecting after a reload
        self._saving_digits = ""
        red = error_colour(self.palette())

        self.model = MappingsModel(self)
        self.table = row_table("mappingsTable", "Account mappings")
        self.table.setModel(self.model)
        self.table.setColumnWidth(0, 150)
        self.table.setSortingEnabled(False)

        self.form_title = QLabel()
        self.form_title.setObjectName("mappingFormTitle")
        self.digits_edit = line_edit(
            "mappingDigits", "Card or account digits", "as alerts print them, e.g. 1234"
        )
        self.account_edit = line_edit(
            "mappingAccount",
            "Ledger account",
            "e.g. Liabilities:CreditCard:HDFC or Assets:Bank:Chase:Checking",
        )
        self.account_completer, self._account_names = name_completer(self)
        self.account_edit.setCompleter(self.account_completer)
        self.errors = {
            "digits": error_label("mappingDigitsError", red),
            "ledger_account": error_label("mappingAccountError", red),
        }
        self.new_button = QPushButton("&New")
        self.new_button.setObjectName("newMappingButton")
        self.save_button = QPushButton("&Save mapping")
        self.save_button.setObjectName("saveMappingButton")
        self.save_button.setDefault(True)
        self.delete_button = QPushButton("&Delete")
        self.delete_button.setObjectName("deleteMappingButton")
        self.status = error_label("mappingStatus", red)

        form = QFormLayout()
        form.addRow("Di&gits:", with_error(self.digits_edit, self.errors["digits"]))
        form.addRow(
            "Ledger &account:",
            with_error(self.account_edit, self.errors["ledger_account"]),
        )
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.save_button)
        mapping_box = QGroupBox("Mapping")
        mapping_layout = QVBoxLayout(mapping_box)
        mapping_layout.addWidget(self.form_title)
        mapping_layout.addLayout(form)
        mapping_layout.addLayout(buttons)
        mapping_layout.addWidget(self.status)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        intro = QLabel(
            "Alerts name a card or account by its last digits. Map them to the "
            "ledger account entries should use; the longest matching ending wins."
        )
        intro.setWordWrap(True)
        left_layout.addWidget(intro)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(mapping_box)

        self.default_edit = line_edit(
            "defaultLedgerAccount", "Default ledger account", "e.g. Assets:Unknown"
        )
        self.default_edit.setCompleter(self.account_completer)
        self.default_error = error_label("defaultLedgerAccountError", red)
        self.default_button = QPushButton("Save de&fault")
        self.default_button.setObjectName("saveDefaultAccountButton")
        default_box = QGroupBox("Digits no mapping names")
        default_layout = QVBoxLayout(default_box)
        default_form = QFormLayout()
        default_form.addRow(
            "Go &to:", with_error(self.default_edit, self.default_error)
        )
        default_layout.addWidget(
            QLabel("…unless their mail account has a default of its own (below).")
        )
        default_layout.addLayout(default_form)
        default_row = QHBoxLayout()
        default_row.addStretch(1)
        default_row.addWidget(self.default_button)
        default_layout.addLayout(default_row)

        self.mail_model = MailDefaultsModel(self)
        self.mail_table = row_table("mailAccountDefaults", "Mail account defaults")
        self.mail_table.setModel(self.mail_model)
        self.mail_table.setColumnWidth(0, 150)
        self.mail_table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.mail_error = error_label("mailAccountDefaultError", red)
        mail_box = QGroupBox("Per mail account")
        mail_layout = QVBoxLayout(mail_box)
        mail_layout.addWidget(self.mail_table, 1)
        mail_layout.addWidget(self.mail_error)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(default_box)
        right_layout.addWidget(mail_box, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mappingsSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.file_bar = SettingsFileBar(state, "mappings", "account mappings")

        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.file_bar)

        self.table.selectionModel().currentRowChanged.connect(self._row_chosen)
        self.new_button.clicked.connect(self.new_mapping)
        self.save_button.clicked.connect(self.save_mapping)
        self.delete_button.clicked.connect(self.delete_mapping)
        self.default_button.clicked.connect(self.save_default)
        self.digits_edit.textEdited.connect(self._check_form)
        self.account_edit.textEdited.connect(self._check_form)
        self.default_edit.textEdited.connect(self._check_default)
        self.mail_model.changeRequested.connect(self._save_mail_default)
        self.mail_model.rejected.connect(self._mail_rejected)
        state.changed.connect(self.show_setup)
        state.busyChanged.connect(self._busy_changed)
        self.new_mapping()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.state.reload()  # mail accounts may have come or gone meanwhile

    # -- showing ------------------------------------------------------------

    @Slot(object)
    def show_setup(self, setup: LedgerSetup) -> None:
        self.model.set_rows(setup.mappings)
        self.mail_model.set_rows(setup.mail_accounts, setup.defaults.account)
        self._account_names.setStringList(setup.ledger_accounts())
        if not self.default_edit.isModified():
            self.default_edit.setText(setup.defaults.account)
        editing = self._editing
        position = self.model.position_of(editing) if editing is not None else None
        if position is None:
            if editing is not None:
                self.new_mapping()
        else:
            self._restoring = True
            self.table.selectRow(position)
            self._restoring = False

    @Slot(QModelIndex, QModelIndex)
    def _row_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid() or self._restoring:
            return
        mapping = self.model.row_at(current.row())
        self._editing = mapping.id
        self.form_title.setText(f"Editing the mapping of {mapping.digits}")
        self.digits_edit.setText(mapping.digits)
        self.account_edit.setText(mapping.ledger_account)
        self.delete_button.setEnabled(not self.state.busy)
        self._show_problems({})
        self.status.hide()

    @Slot()
    def new_mapping(self) -> None:
        self._editing = None
        self.table.setCurrentIndex(QModelIndex())
        self.table.clearSelection()
        self.form_title.setText("A new mapping")
        self.digits_edit.clear()
        self.account_edit.clear()
        self.delete_button.setEnabled(False)
        self._show_problems({})
        self.status.hide()

    def _show_problems(self, problems: dict[str, str]) -> None:
        for name, label in self.errors.items():
            label.setText(problems.get(name, ""))
            label.setVisible(name in problems)

    @Slot()
    def _check_form(self) -> None:
        # While typing, only the fields typed into so far complain.
        problems = mapping_problems(self.digits_edit.text(), self.account_edit.text())
        typed = {"digits": self.digits_edit, "ledger_account": self.account_edit}
        self._show_problems(
            {k: v for k, v in problems.items() if typed[k].text().strip()}
        )

    def _say(self, text: str, *, error: bool = False) -> None:
        colour = error_colour(self.palette()) if error else "palette(window-text)"
        self.status.setStyleSheet(f"color: {colour};")
        self.status.setText(text)
        self.status.show()

    @Slot(bool)
    def _busy_changed(self, busy: bool) -> None:
        for button in (self.save_button, self.default_button):
            button.setEnabled(not busy)
        self.delete_button.setEnabled(not busy and self._editing is not None)

    # -- writing ------------------------------------------------------------

    @Slot()
    def save_mapping(self) -> None:
        digits, account = self.digits_edit.text(), self.account_edit.text()
        problems = mapping_problems(digits, account)
        self._show_problems(problems)
        if problems:
            return
        self._saving_digits = normalise_digits(digits)
        self._say("Saving…")
        self.state.run(
            change_mapping,
            digits,
            account,
            self._editing,
            done=self._mapping_saved,
            failed=self._failed,
        )

    def _mapping_saved(self, setup: LedgerSetup) -> None:
        saved = next(
            (m for m in setup.mappings if m.digits == self._saving_digits), None
        )
        if saved is not None:
            self._editing = saved.id
            position = self.model.position_of(saved.id)
            if position is not None:
                self.table.selectRow(position)
        self._say(
            f"Saved: {saved.digits} → {saved.ledger_account}." if saved else "Saved."
        )
        self.saved.emit(self.status.text())

    @Slot()
    def delete_mapping(self) -> None:
        position = self.model.position_of(self._editing) if self._editing else None
        if position is None:
            return
        mapping = self.model.row_at(position)
        self.state.run(
            drop_mapping,
            mapping.digits,
            done=lambda _setup: self._deleted(mapping),
            failed=self._failed,
        )

    def _deleted(self, mapping: Mapping) -> None:
        self.new_mapping()
        self._say(f"Deleted the mapping of {mapping.digits}.")
        self.saved.emit(self.status.text())

    @Slot()
    def _check_default(self) -> bool:
        problem = account_problem(self.default_edit.text())
        self.default_error.setText(problem or "")
        self.default_error.setVisible(problem is not None)
        return problem is None

    @Slot()
    def save_default(self) -> None:
        if not self._check_default():
            return
        self.state.run(
            change_defaults,
            self.default_edit.text(),
            None,
            None,
            done=self._default_saved,
            failed=self._failed,
        )

    def _default_saved(self, setup: LedgerSetup) -> None:
        self.default_edit.setModified(False)
        self.default_edit.setText(setup.defaults.account)
        self._say(f"Unmapped digits now go to {setup.defaults.account}.")
        self.saved.emit(self.status.text())

    @Slot(int, object)
    def _save_mail_default(self, mail_account_id: int, account: str | None) -> None:
        self.mail_error.hide()
        if not self.state.run(
            change_mail_account_default,
            mail_account_id,
            account,
            done=self._mail_default_saved,
            failed=self._mail_failed,
        ):
            self._mail_rejected("Another change is being saved; try again.")

    def _mail_default_saved(self, _setup: LedgerSetup) -> None:
        self._say("Saved the mail account's default.")
        self.saved.emit(self.status.text())

    def _mail_failed(self, error: TaskError) -> None:
        self._mail_rejected(error.message)
        self.state.reload()

    @Slot(str)
    def _mail_rejected(self, message: str) -> None:
        self.mail_error.setText(message)
        self.mail_error.show()

    def _failed(self, error: TaskError) -> None:
        self._say(f"Not saved: {error.message}", error=True)
