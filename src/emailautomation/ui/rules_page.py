"""The Category rules tab: the ordered rules, their form, default categories."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QByteArray,
    QMimeData,
    QModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from emailautomation.ledger import Rule, RuleDraft
from emailautomation.ui.books import (
    LedgerSetup,
    account_problem,
    add_rule_row,
    categorise_stored,
    change_defaults,
    change_rule,
    drop_rule,
    move_rule_to,
    rule_problems,
)
from emailautomation.ui.category_offer import (
    MATCH_CHOICES,
    error_colour,
    transactions_text,
)
from emailautomation.ui.ledger_pages import (
    LedgerSetupState,
    SettingsFileBar,
    error_label,
    line_edit,
    name_completer,
    row_table,
    with_error,
)
from emailautomation.ui.row_model import ModelIndex, RowTableModel
from emailautomation.ui.workers import TaskError

log = logging.getLogger(__name__)

RULE_MIME = "application/x-emailautomation-rule-id"
DIRECTION_CHOICES = (
    (None, "Either"),
    ("debit", "Money out (debit) only"),
    ("credit", "Money in (credit) only"),
)
MATCH_TITLES = {
    "contains": "contains",
    "starts-with": "starts with",
    "regex": "regex",
}


def _direction_text(direction: str | None) -> str:
    return {"debit": "money out", "credit": "money in"}.get(direction or "", "")


class RulesModel(RowTableModel):
    """The ordered rule table; rows are dragged to a new place.

    A drop does not move the row itself: it asks for the move
    (``moveRequested(rule_id, position)``) and the table shows the order the
    database has afterwards.
    """

    TITLES = ("#", "Match", "Pattern", "Category", "Payee", "Digits", "Direction")
    moveRequested = Signal(int, int)

    _rows: list[Rule]

    def row_at(self, position: int) -> Rule:
        return self._rows[position]

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        rule = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                str(rule.position),
                MATCH_TITLES.get(rule.match, rule.match),
                rule.pattern,
                rule.category,
                rule.payee or "",
                rule.account_digits or "",
                _direction_text(rule.direction),
            )[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return rule.describe() + " (drag to reorder; the first match wins)"
        if role == Qt.ItemDataRole.UserRole:
            return rule.id
        return None

    # -- dragging -----------------------------------------------------------

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid():
            return flags | Qt.ItemFlag.ItemIsDragEnabled
        return flags | Qt.ItemFlag.ItemIsDropEnabled  # between rows

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [RULE_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        data = QMimeData()
        rows = sorted({i.row() for i in indexes if i.isValid()})
        if rows:
            data.setData(RULE_MIME, QByteArray(str(self._rows[rows[0]].id).encode()))
        return data

    def dropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: ModelIndex,
    ) -> bool:
        if action != Qt.DropAction.MoveAction or not data.hasFormat(RULE_MIME):
            return False
        try:
            rule_id = int(bytes(data.data(RULE_MIME).data()).decode())
        except ValueError:
            return False
        source = self.position_of(rule_id)
        if source is None:
            return False
        if row < 0:
            row = parent.row() if parent.isValid() else len(self._rows)
        # ``row`` is where it goes in today's order; once taken out, the rows
        # below it move up by one.
        target = row - 1 if row > source else row
        if target != source:
            self.moveRequested.emit(rule_id, target + 1)
        return False  # the view must not remove the row: the reload reorders


class CategoryRulesPage(QWidget):
    """The ordered category rules with their form, the default categories,
    categorising stored transactions, and the settings file.

    Signals:
        saved(message): a change reached the database.
        transactionsChanged(count): stored transactions were categorised.
    """

    saved = Signal(str)
    transactionsChanged = Signal(int)

    def __init__(self, state: LedgerSetupState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self._editing: int | None = None
        self._restoring = False
        self.setObjectName("categoryRulesPage")
        red = error_colour(self.palette())

        self.model = RulesModel(self)
        self.table = row_table("rulesTable", "Category rules")
        self.table.setModel(self.model)
        self.table.setDragEnabled(True)
        self.table.setAcceptDrops(True)
        self.table.setDropIndicatorShown(True)
        self.table.setDragDropOverwriteMode(False)
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.table.setDefaultDropAction(Qt.DropAction.MoveAction)
        for column, width in enumerate((28, 80, 150, 180, 100, 60)):
            self.table.setColumnWidth(column, width)

        self.up_button = QPushButton("Move &up")
        self.up_button.setObjectName("ruleUpButton")
        self.up_button.setAccessibleName("Move the rule up")
        self.down_button = QPushButton("Move do&wn")
        self.down_button.setObjectName("ruleDownButton")
        self.down_button.setAccessibleName("Move the rule down")
        order_row = QHBoxLayout()
        order_row.addWidget(
            QLabel("The first rule that matches a merchant decides; drag to reorder.")
        )
        order_row.addStretch(1)
        order_row.addWidget(self.up_button)
        order_row.addWidget(self.down_button)

        self.form_title = QLabel()
        self.form_title.setObjectName("ruleFormTitle")
        self.match_combo = QComboBox()
        self.match_combo.setObjectName("ruleMatch")
        self.match_combo.setAccessibleName("How the pattern is matched")
        for value, title in MATCH_CHOICES:
            self.match_combo.addItem(f"merchant {title}", value)
        self.pattern_edit = line_edit("rulePattern", "Pattern", "e.g. SWIGGY")
        self.category_edit = line_edit(
            "ruleCategory", "Category account", "e.g. Expenses:Food:Delivery"
        )
        self.category_completer, self._category_names = name_completer(self)
        self.category_edit.setCompleter(self.category_completer)
        self.payee_edit = line_edit(
            "rulePayee", "Clean payee name", "optional, e.g. Swiggy"
        )
        self.digits_edit = line_edit(
            "ruleDigits", "Only this card or account", "optional digits, e.g. 1234"
        )
        self.direction_combo = QComboBox()
        self.direction_combo.setObjectName("ruleDirection")
        self.direction_combo.setAccessibleName("Only this direction")
        for direction, title in DIRECTION_CHOICES:
            self.direction_combo.addItem(title, direction)
        self.errors = {
            "pattern": error_label("rulePatternError", red),
            "category": error_label("ruleCategoryError", red),
            "payee": error_label("rulePayeeError", red),
            "account_digits": error_label("ruleDigitsError", red),
        }
        form = QFormLayout()
        form.addRow("&Match:", self.match_combo)
        form.addRow("&Pattern:", with_error(self.pattern_edit, self.errors["pattern"]))
        form.addRow(
            "&Category:", with_error(self.category_edit, self.errors["category"])
        )
        form.addRow("Pa&yee:", with_error(self.payee_edit, self.errors["payee"]))
        form.addRow(
            "Only &digits:",
            with_error(self.digits_edit, self.errors["account_digits"]),
        )
        form.addRow("Only di&rection:", self.direction_combo)

        self.new_button = QPushButton("&New rule")
        self.new_button.setObjectName("newRuleButton")
        self.save_button = QPushButton("&Save rule")
        self.save_button.setObjectName("saveRuleButton")
        self.save_button.setDefault(True)
        self.delete_button = QPushButton("&Delete")
        self.delete_button.setObjectName("deleteRuleButton")
        self.status = error_label("ruleStatus", red)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.save_button)
        rule_box = QGroupBox("Rule")
        rule_layout = QVBoxLayout(rule_box)
        rule_layout.addWidget(self.form_title)
        rule_layout.addLayout(form)
        rule_layout.addLayout(buttons)
        rule_layout.addWidget(self.status)

        self.debit_edit = line_edit(
            "defaultDebitCategory", "Category of money out no rule matches"
        )
        self.credit_edit = line_edit(
            "defaultCreditCategory", "Category of money in no rule matches"
        )
        for edit in (self.debit_edit, self.credit_edit):
            edit.setCompleter(self.category_completer)
        self.debit_error = error_label("defaultDebitCategoryError", red)
        self.credit_error = error_label("defaultCreditCategoryError", red)
        self.defaults_button = QPushButton("Save de&faults")
        self.defaults_button.setObjectName("saveDefaultCategoriesButton")
        defaults_box = QGroupBox("When no rule matches")
        defaults_form = QFormLayout(defaults_box)
        defaults_form.addRow(
            "Money &out:", with_error(self.debit_edit, self.debit_error)
        )
        defaults_form.addRow(
            "Money &in:", with_error(self.credit_edit, self.credit_error)
        )
        defaults_form.addRow("", self.defaults_button)

        self.apply_button = QPushButton("Categorise stored &transactions")
        self.apply_button.setObjectName("applyRulesButton")
        self.apply_button.setToolTip(
            "Give the uncategorised stored transactions the category of the "
            "first rule they match; categories chosen by hand never change"
        )
        self.recategorise_check = QCheckBox("Also &rework categories rules gave")
        self.recategorise_check.setObjectName("recategoriseCheck")
        self.apply_status = QLabel()
        self.apply_status.setObjectName("applyRulesStatus")
        self.apply_status.setWordWrap(True)
        apply_box = QGroupBox("Stored transactions")
        apply_layout = QVBoxLayout(apply_box)
        apply_layout.addWidget(self.apply_button)
        apply_layout.addWidget(self.recategorise_check)
        apply_layout.addWidget(self.apply_status)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(rule_box)
        right_layout.addWidget(defaults_box)
        right_layout.addWidget(apply_box)
        right_layout.addStretch(1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addLayout(order_row)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("rulesSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.file_bar = SettingsFileBar(state, "rules", "category rules")
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.file_bar)

        self.table.selectionModel().currentRowChanged.connect(self._row_chosen)
        self.model.moveRequested.connect(self.move_rule)
        self.up_button.clicked.connect(lambda: self._step(-1))
        self.down_button.clicked.connect(lambda: self._step(1))
        self.new_button.clicked.connect(self.new_rule)
        self.save_button.clicked.connect(self.save_rule)
        self.delete_button.clicked.connect(self.delete_rule)
        self.defaults_button.clicked.connect(self.save_defaults)
        self.apply_button.clicked.connect(self.categorise)
        for edit in (
            self.pattern_edit,
            self.category_edit,
            self.payee_edit,
            self.digits_edit,
        ):
            edit.textEdited.connect(self._check_form)
        self.match_combo.currentIndexChanged.connect(self._check_form)
        self.debit_edit.textEdited.connect(self._check_defaults)
        self.credit_edit.textEdited.connect(self._check_defaults)
        state.changed.connect(self.show_setup)
        state.busyChanged.connect(self._busy_changed)
        self.new_rule()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.state.reload()  # a rule made from the transactions view, say

    # -- showing ------------------------------------------------------------

    @Slot(object)
    def show_setup(self, setup: LedgerSetup) -> None:
        self.model.set_rows(setup.rules)
        self._category_names.setStringList(setup.categories())
        if not self.debit_edit.isModified():
            self.debit_edit.setText(setup.defaults.debit_category)
        if not self.credit_edit.isModified():
            self.credit_edit.setText(setup.defaults.credit_category)
        editing = self._editing
        position = self.model.position_of(editing) if editing is not None else None
        if position is None:
            if editing is not None:
                self.new_rule()
        else:
            self._restoring = True
            self.table.selectRow(position)
            self._restoring = False
        self._update_buttons()

    @Slot(QModelIndex, QModelIndex)
    def _row_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid() or self._restoring:
            return
        rule = self.model.row_at(current.row())
        self._editing = rule.id
        self.form_title.setText(f"Editing rule {rule.position}")
        self.match_combo.blockSignals(True)
        self.match_combo.setCurrentIndex(max(0, self.match_combo.findData(rule.match)))
        self.match_combo.blockSignals(False)
        self.pattern_edit.setText(rule.pattern)
        self.category_edit.setText(rule.category)
        self.payee_edit.setText(rule.payee or "")
        self.digits_edit.setText(rule.account_digits or "")
        self.direction_combo.setCurrentIndex(
            max(0, self.direction_combo.findData(rule.direction))
        )
        self._show_problems({})
        self.status.hide()
        self._update_buttons()

    @Slot()
    def new_rule(self) -> None:
        self._editing = None
        self.table.setCurrentIndex(QModelIndex())
        self.table.clearSelection()
        self.form_title.setText("A new rule (added last)")
        self.match_combo.setCurrentIndex(0)
        for edit in (
            self.pattern_edit,
            self.category_edit,
            self.payee_edit,
            self.digits_edit,
        ):
            edit.clear()
        self.direction_combo.setCurrentIndex(0)
        self._show_problems({})
        self.status.hide()
        self._update_buttons()

    def draft(self) -> RuleDraft:
        """The rule as the form says it."""
        return RuleDraft(
            match=self.match_combo.currentData(),
            pattern=self.pattern_edit.text(),
            category=self.category_edit.text(),
            payee=self.payee_edit.text() or None,
            account_digits=self.digits_edit.text() or None,
            direction=self.direction_combo.currentData(),
        )

    def _show_problems(self, problems: dict[str, str]) -> None:
        for name, label in self.errors.items():
            label.setText(problems.get(name, ""))
            label.setVisible(name in problems)

    @Slot()
    def _check_form(self) -> None:
        typed = {
            "pattern": self.pattern_edit,
            "category": self.category_edit,
            "payee": self.payee_edit,
            "account_digits": self.digits_edit,
        }
        problems = rule_problems(self.draft())
        self._show_problems(
            {k: v for k, v in problems.items() if typed[k].text().strip()}
        )

    def _update_buttons(self) -> None:
        busy = self.state.busy
        position = self.model.position_of(self._editing) if self._editing else None
        self.delete_button.setEnabled(not busy and position is not None)
        self.up_button.setEnabled(not busy and bool(position))
        self.down_button.setEnabled(
            not busy and position is not None and position < self.model.rowCount() - 1
        )
        for button in (self.save_button, self.defaults_button, self.apply_button):
            button.setEnabled(not busy)

    @Slot(bool)
    def _busy_changed(self, _busy: bool) -> None:
        self._update_buttons()

    def _say(self, text: str, *, error: bool = False) -> None:
        colour = error_colour(self.palette()) if error else "palette(window-text)"
        self.status.setStyleSheet(f"color: {colour};")
        self.status.setText(text)
        self.status.show()

    def _failed(self, error: TaskError) -> None:
        self._say(f"Not saved: {error.message}", error=True)

    # -- writing ------------------------------------------------------------

    @Slot()
    def save_rule(self) -> None:
        draft = self.draft()
        problems = rule_problems(draft)
        self._show_problems(problems)
        if problems:
            return
        self._say("Saving…")
        if self._editing is None:
            self.state.run(
                add_rule_row, draft, None, done=self._added, failed=self._failed
            )
        else:
            self.state.run(
                change_rule,
                self._editing,
                draft,
                done=self._changed,
                failed=self._failed,
            )

    def _added(self, setup: LedgerSetup) -> None:
        if setup.rules:
            newest = max(setup.rules, key=lambda r: r.id)
            self._select(newest.id)
            self._say(f"Added rule {newest.position}: {newest.describe()}.")
        self.saved.emit(self.status.text())

    def _changed(self, setup: LedgerSetup) -> None:
        rule = next((r for r in setup.rules if r.id == self._editing), None)
        self._say(f"Saved rule {rule.position}: {rule.describe()}." if rule else "")
        self.saved.emit(self.status.text())

    def _select(self, rule_id: int) -> None:
        position = self.model.position_of(rule_id)
        if position is not None:
            self.table.selectRow(position)

    @Slot()
    def delete_rule(self) -> None:
        if self._editing is None:
            return
        rule_id = self._editing
        self.state.run(
            drop_rule,
            rule_id,
            done=lambda _setup: self._deleted(),
            failed=self._failed,
        )

    def _deleted(self) -> None:
        self.new_rule()
        self._say("Rule deleted.")
        self.saved.emit(self.status.text())

    def _step(self, offset: int) -> None:
        position = self.model.position_of(self._editing) if self._editing else None
        if position is None:
            return
        self.move_rule(self.model.row_at(position).id, position + 1 + offset)

    @Slot(int, int)
    def move_rule(self, rule_id: int, position: int) -> None:
        """Put the rule at ``position`` (1 is first) and select it."""
        self.state.run(
            move_rule_to,
            rule_id,
            position,
            done=lambda _setup: self._moved(rule_id),
            failed=self._failed,
        )

    def _moved(self, rule_id: int) -> None:
        self._select(rule_id)
        position = self.model.position_of(rule_id)
        if position is not None:
            self._say(f"Moved to place {position + 1}.")
        self.saved.emit(self.status.text())

    @Slot()
    def _check_defaults(self) -> bool:
        good = True
        for edit, label in (
            (self.debit_edit, self.debit_error),
            (self.credit_edit, self.credit_error),
        ):
            problem = account_problem(edit.text())
            label.setText(problem or "")
            label.setVisible(problem is not None)
            good = good and problem is None
        return good

    @Slot()
    def save_defaults(self) -> None:
        if not self._check_defaults():
            return
        self.state.run(
            change_defaults,
            None,
            self.debit_edit.text(),
            self.credit_edit.text(),
            done=self._defaults_saved,
            failed=self._failed,
        )

    def _defaults_saved(self, setup: LedgerSetup) -> None:
        for edit in (self.debit_edit, self.credit_edit):
            edit.setModified(False)
        self.debit_edit.setText(setup.defaults.debit_category)
        self.credit_edit.setText(setup.defaults.credit_category)
        self._say(
            f"With no rule, money out goes to {setup.defaults.debit_category} and "
            f"money in to {setup.defaults.credit_category}."
        )
        self.saved.emit(self.status.text())

    @Slot()
    def categorise(self) -> None:
        self.apply_status.setText("Categorising…")
        self.state.run(
            categorise_stored,
            self.recategorise_check.isChecked(),
            done=self._categorised,
            failed=lambda error: self.apply_status.setText(error.message),
        )

    def _categorised(self, count: int) -> None:
        self.apply_status.setText(
            f"{transactions_text(count)} changed."
            if count
            else "No transaction changed."
        )
        self.transactionsChanged.emit(count)
