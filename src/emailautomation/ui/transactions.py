"""The transactions view: a table model with sorting, search, filters and totals."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from emailautomation.extract.model import CREDIT, format_amount, format_time
from emailautomation.ui.books import (
    CategoryChange,
    RuleMade,
    category_problem,
    save_category,
)
from emailautomation.ui.category_offer import (
    CategoryDelegate,
    RuleOfferBar,
    rule_made_text,
)
from emailautomation.ui.ledger import (
    FieldError,
    TransactionRow,
    clean_merchant,
    load_transactions,
    load_transactions_after,
    money,
    parse_amount,
    save_transaction_edit,
    with_edit,
)
from emailautomation.ui.runs import BackgroundTasks
from emailautomation.ui.workers import StoreTask, TaskError

log = logging.getLogger(__name__)

ModelIndex = QModelIndex | QPersistentModelIndex
ANY_DATE = QDate(2000, 1, 1)  # the date edits show "Any" at their minimum


@dataclass(frozen=True, slots=True)
class Column:
    title: str
    field: str | None
    sort_key: Callable[[TransactionRow], Any]
    editable: bool = False


def _text_key(value: str | None) -> tuple[bool, str]:
    # Empty values sort after every name, whichever way the column sorts.
    return (value is None or value == "", (value or "").casefold())


COLUMNS = (
    Column("Date", "date", lambda r: (r.date, r.time or dt.time.min, r.id)),
    Column("Time", "time", lambda r: (r.time is None, r.time or dt.time.min)),
    Column("Amount", "amount", lambda r: (r.amount, r.currency), editable=True),
    Column("Direction", "direction", lambda r: r.direction),
    Column("Card / account", "account", lambda r: _text_key(r.account)),
    Column("Merchant", "merchant", lambda r: _text_key(r.merchant), editable=True),
    Column("Category", "category", lambda r: _text_key(r.category), editable=True),
    Column("Bank", "bank", lambda r: _text_key(r.bank)),
    Column("Mail account", None, lambda r: r.mail_account.casefold()),
    Column("Notes", None, lambda r: (r.possible_duplicate, bool(r.edited_fields))),
)
(
    DATE,
    TIME,
    AMOUNT,
    DIRECTION,
    CARD,
    MERCHANT,
    CATEGORY,
    BANK,
    MAIL_ACCOUNT,
    NOTES,
) = range(len(COLUMNS))


@dataclass(frozen=True, slots=True)
class TransactionFilter:
    """Which rows are shown: a search text, a mail account, a date range."""

    text: str = ""
    account_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def accepts(self, row: TransactionRow) -> bool:
        if self.account_id is not None and row.mail_account_id != self.account_id:
            return False
        if self.date_from is not None and row.date < self.date_from:
            return False
        if self.date_to is not None and row.date > self.date_to:
            return False
        return all(word in row.search for word in self.text.casefold().split())


@dataclass(frozen=True, slots=True)
class CurrencyTotal:
    currency: str
    debit: Decimal
    credit: Decimal
    count: int


class TransactionsModel(QAbstractTableModel):
    """All loaded transactions; sorting and filtering happen here, in Python.

    Sorting a list beats a proxy model that calls ``data()`` per comparison:
    thousands of rows re-sort in a few milliseconds on the window's thread.

    Signals:
        editRequested(transaction_id, field, value): a valid edit was made;
            the row already shows it, the caller saves it.
        editRejected(message): the typed value was refused (why).
        totalsChanged(): the shown rows changed.
    """

    editRequested = Signal(int, str, object)
    editRejected = Signal(str)
    totalsChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._all: list[TransactionRow] = []
        self._rows: list[TransactionRow] = []
        self._filter = TransactionFilter()
        self._sort_column = DATE
        self._sort_order = Qt.SortOrder.DescendingOrder

    # -- content ------------------------------------------------------------

    def set_rows(self, rows: list[TransactionRow]) -> None:
        self.beginResetModel()
        self._all = list(rows)
        self._rows = self._visible()
        self.endResetModel()
        self.totalsChanged.emit()

    def add_rows(self, rows: list[TransactionRow]) -> None:
        """Add newly stored rows (and replace any already shown)."""
        if not rows:
            return
        fresh = {row.id: row for row in rows}
        self.beginResetModel()
        self._all = [fresh.pop(r.id, r) for r in self._all] + list(fresh.values())
        self._rows = self._visible()
        self.endResetModel()
        self.totalsChanged.emit()

    def newest_id(self) -> int:
        return max((row.id for row in self._all), default=0)

    def set_filter(self, value: TransactionFilter) -> None:
        if value == self._filter:
            return
        self.beginResetModel()
        self._filter = value
        self._rows = self._visible()
        self.endResetModel()
        self.totalsChanged.emit()

    @property
    def current_filter(self) -> TransactionFilter:
        return self._filter

    def replace_row(self, row: TransactionRow) -> None:
        """Show a changed transaction (after an edit) where it is."""
        self._all = [row if r.id == row.id else r for r in self._all]
        for position, shown in enumerate(self._rows):
            if shown.id == row.id:
                self._rows[position] = row
                self.dataChanged.emit(
                    self.index(position, 0), self.index(position, len(COLUMNS) - 1)
                )
                break
        self.totalsChanged.emit()

    def row_at(self, position: int) -> TransactionRow:
        return self._rows[position]

    def position_of(self, transaction_id: int) -> int | None:
        for position, row in enumerate(self._rows):
            if row.id == transaction_id:
                return position
        return None

    def total_count(self) -> int:
        return len(self._all)

    def totals(self) -> list[CurrencyTotal]:
        """Money out and in per currency, over the rows shown."""
        sums: dict[str, list[Any]] = {}
        for row in self._rows:
            entry = sums.setdefault(row.currency, [Decimal(0), Decimal(0), 0])
            entry[1 if row.direction == CREDIT else 0] += row.amount
            entry[2] += 1
        return [
            CurrencyTotal(currency, debit, credit, count)
            for currency, (debit, credit, count) in sorted(sums.items())
        ]

    def _visible(self) -> list[TransactionRow]:
        chosen = [row for row in self._all if self._filter.accepts(row)]
        chosen.sort(
            key=COLUMNS[self._sort_column].sort_key,
            reverse=self._sort_order == Qt.SortOrder.DescendingOrder,
        )
        return chosen

    # -- Qt model -----------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section].title
        if role == Qt.ItemDataRole.ToolTipRole and COLUMNS[section].editable:
            return f"{COLUMNS[section].title}: double-click or press F2 to edit"
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and COLUMNS[index.column()].editable:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(row, column)
        if role == Qt.ItemDataRole.EditRole:
            if column == AMOUNT:
                return format_amount(row.amount, row.currency)
            if column == MERCHANT:
                return row.merchant or ""
            if column == CATEGORY:
                return row.category or ""
            return _display(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == AMOUNT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and _edited(row, column):
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(row, column)
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None

    def setData(
        self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        column = index.column()
        field = COLUMNS[column].field
        if not COLUMNS[column].editable or field is None:
            return False
        row = self._rows[index.row()]
        try:
            if column == AMOUNT:
                new_value: Any = parse_amount(str(value))
                unchanged = new_value == row.amount
            elif column == CATEGORY:
                problem = category_problem(str(value))
                if problem is not None:
                    raise FieldError("category", problem)
                new_value = str(value).strip() or None
                unchanged = new_value == row.category
            else:
                new_value = clean_merchant(str(value))
                unchanged = new_value == row.merchant
        except FieldError as exc:
            self.editRejected.emit(str(exc))
            return False
        if unchanged:
            return False
        self.replace_row(with_edit(row, field, new_value))
        self.editRequested.emit(row.id, field, new_value)
        return True

    def sort(
        self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder
    ) -> None:
        self.layoutAboutToBeChanged.emit()
        kept = [
            (index, self._rows[index.row()].id, index.column())
            for index in self.persistentIndexList()
        ]
        self._sort_column, self._sort_order = column, order
        self._rows = self._visible()
        positions = {row.id: position for position, row in enumerate(self._rows)}
        for index, row_id, col in kept:
            self.changePersistentIndex(index, self.index(positions[row_id], col))
        self.layoutChanged.emit()


def _display(row: TransactionRow, column: int) -> str:
    if column == DATE:
        return row.date.isoformat()
    if column == TIME:
        return format_time(row.time) or ""
    if column == AMOUNT:
        return f"{row.currency} {money(row.amount)}"
    if column == DIRECTION:
        return "Credit (in)" if row.direction == CREDIT else "Debit (out)"
    if column == CARD:
        return f"••{row.account}" if row.account else ""
    if column == MERCHANT:
        return (row.merchant or "") + (" ✎" if row.is_edited("merchant") else "")
    if column == CATEGORY:
        return row.category or ""
    if column == BANK:
        return row.bank or ""
    if column == MAIL_ACCOUNT:
        return row.mail_account
    if column == NOTES:
        notes = []
        if row.edited_fields:
            notes.append("edited")
        if row.possible_duplicate:
            notes.append("possible duplicate")
        return ", ".join(notes)
    return ""


def _edited(row: TransactionRow, column: int) -> bool:
    field = COLUMNS[column].field
    return field is not None and row.is_edited(field)


def _tooltip(row: TransactionRow, column: int) -> str | None:
    if _edited(row, column):
        when = row.edited_at.strftime("%Y-%m-%d %H:%M") if row.edited_at else ""
        return (
            f"Edited by hand {when} UTC; reading the alert again will not change it."
        ).replace("  ", " ")
    if column == NOTES and row.possible_duplicate:
        return (
            "Another transaction has the same date, amount and card. Both are "
            "kept: check whether the bank sent the alert twice."
        )
    if column == MERCHANT and row.reference:
        return f"Reference: {row.reference}"
    if column == CATEGORY and not row.category:
        return (
            "No category stored: exports use the first matching rule, else the "
            "default category. Double-click to choose one."
        )
    return None


def totals_text(model: TransactionsModel) -> str:
    shown = model.rowCount()
    if model.total_count() == 0:
        return "No transactions yet: add a mail account and press Trigger Processing."
    parts = [
        f"{shown} of {model.total_count()} transactions shown"
        if shown != model.total_count()
        else f"{shown} transactions"
    ]
    for total in model.totals():
        money_in = f", in {money(total.credit)}" if total.credit else ""
        parts.append(f"{total.currency}: out {money(total.debit)}{money_in}")
    return " · ".join(parts)


class TransactionsPage(QWidget):
    """Search and filters above the table, totals and edit messages below it.

    Signals:
        loaded(count): a reload finished and the table shows its rows.
        editSaved(transaction_id): a hand edit reached the database.
        editFailed(message): a hand edit could not be saved (it was undone).
    """

    loaded = Signal(int)
    editSaved = Signal(int)
    editFailed = Signal(str)

    def __init__(
        self, db_url: str, tasks: BackgroundTasks, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.db_url = db_url
        self.tasks = tasks
        self._loading = False
        self._load_again = False

        self.model = TransactionsModel(self)
        self.model.editRequested.connect(self._save_edit)
        self.model.editRejected.connect(self._show_rejection)
        self.model.totalsChanged.connect(self._update_totals)

        self.search = QLineEdit()
        self.search.setObjectName("transactionSearch")
        self.search.setPlaceholderText("Search merchant, bank, card, amount…")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search transactions")

        self.account_filter = QComboBox()
        self.account_filter.setObjectName("transactionAccountFilter")
        self.account_filter.setAccessibleName("Show transactions of mail account")
        self.account_filter.addItem("All accounts", None)

        self.date_from = _any_date_edit("transactionDateFrom", "From date")
        self.date_to = _any_date_edit("transactionDateTo", "To date")

        self.clear_button = QPushButton("Clear filte&rs")
        self.clear_button.setObjectName("clearTransactionFilters")
        self.clear_button.setAccessibleName("Clear transaction filters")

        filters = QHBoxLayout()
        search_label = QLabel("&Search:")
        search_label.setBuddy(self.search)
        filters.addWidget(search_label)
        filters.addWidget(self.search, 3)
        account_label = QLabel("Acco&unt:")
        account_label.setBuddy(self.account_filter)
        filters.addWidget(account_label)
        filters.addWidget(self.account_filter, 1)
        from_label = QLabel("Fro&m:")
        from_label.setBuddy(self.date_from)
        filters.addWidget(from_label)
        filters.addWidget(self.date_from)
        to_label = QLabel("To:")
        to_label.setBuddy(self.date_to)
        filters.addWidget(to_label)
        filters.addWidget(self.date_to)
        filters.addWidget(self.clear_button)

        self.table = QTableView()
        self.table.setObjectName("transactionsTable")
        self.table.setAccessibleName("Transactions")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(DATE, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in (
            (DATE, 90),
            (TIME, 52),
            (AMOUNT, 120),
            (DIRECTION, 88),
            (CARD, 100),
            (MERCHANT, 200),
            (CATEGORY, 170),
            (BANK, 110),
            (MAIL_ACCOUNT, 120),
        ):
            self.table.setColumnWidth(column, width)
        rows = self.table.verticalHeader()
        rows.setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.category_delegate = CategoryDelegate(self.table)
        self.table.setItemDelegateForColumn(CATEGORY, self.category_delegate)
        self.rule_offer = RuleOfferBar(db_url, tasks)
        self.rule_offer.ruleMade.connect(self._on_rule_made)

        self.totals = QLabel()
        self.totals.setObjectName("transactionTotals")
        self.totals.setAccessibleName("Totals of the transactions shown")
        self.totals.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.edit_status = QLabel()
        self.edit_status.setObjectName("transactionEditStatus")
        self.edit_status.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.totals)
        layout.addWidget(self.edit_status)
        layout.addWidget(self.rule_offer)

        self.search.textChanged.connect(self._apply_filter)
        self.account_filter.currentIndexChanged.connect(self._apply_filter)
        self.date_from.dateChanged.connect(self._apply_filter)
        self.date_to.dateChanged.connect(self._apply_filter)
        self.clear_button.clicked.connect(self.clear_filters)
        self._update_totals()

    # -- loading ------------------------------------------------------------

    def reload(self) -> None:
        """Load the ledger on the pool; a reload asked during one runs after it."""
        if self._loading:
            self._load_again = True
            return
        self._loading = True
        self.tasks.submit(
            StoreTask(self.db_url, load_transactions),
            done=self._on_loaded,
            failed=self._on_load_failed,
        )

    def load_new(self) -> None:
        """Add the rows stored since the last load (cheap enough during a run)."""
        if self._loading:
            return
        self._loading = True
        self.tasks.submit(
            StoreTask(self.db_url, load_transactions_after, self.model.newest_id()),
            done=self._on_new_loaded,
            failed=self._on_load_failed,
        )

    @property
    def loading(self) -> bool:
        return self._loading

    @Slot(object)
    def _on_new_loaded(self, rows: list[TransactionRow]) -> None:
        selected = self.selected_ids()
        self.model.add_rows(rows)
        self._reselect(selected)
        self._loading = False
        if self._load_again:
            self._load_again = False
            self.reload()

    @Slot(object)
    def _on_loaded(self, rows: list[TransactionRow]) -> None:
        selected = self.selected_ids()
        self.model.set_rows(rows)
        self._reselect(selected)
        self._loading = False
        if self._load_again:
            self._load_again = False
            self.reload()
            return
        self.loaded.emit(len(rows))

    @Slot(object)
    def _on_load_failed(self, error: TaskError) -> None:
        self._loading = False
        self.edit_status.setText(f"Could not load the transactions: {error.message}")
        if self._load_again:
            self._load_again = False
            self.reload()

    def selected_ids(self) -> list[int]:
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        return [self.model.row_at(r).id for r in sorted(rows)]

    def _reselect(self, ids: list[int]) -> None:
        for transaction_id in ids:
            position = self.model.position_of(transaction_id)
            if position is not None:
                self.table.selectRow(position)

    # -- accounts and filters -----------------------------------------------

    def set_accounts(self, accounts: list[tuple[int, str]]) -> None:
        """Fill the account filter, keeping the chosen account if it still exists."""
        current = self.account_filter.currentData()
        self.account_filter.blockSignals(True)
        self.account_filter.clear()
        self.account_filter.addItem("All accounts", None)
        for account_id, name in accounts:
            self.account_filter.addItem(name, account_id)
        position = self.account_filter.findData(current)
        self.account_filter.setCurrentIndex(max(position, 0))
        self.account_filter.blockSignals(False)
        self._apply_filter()

    @Slot()
    def clear_filters(self) -> None:
        for widget in (self.search, self.account_filter, self.date_from, self.date_to):
            widget.blockSignals(True)
        self.search.clear()
        self.account_filter.setCurrentIndex(0)
        self.date_from.setDate(ANY_DATE)
        self.date_to.setDate(ANY_DATE)
        for widget in (self.search, self.account_filter, self.date_from, self.date_to):
            widget.blockSignals(False)
        self._apply_filter()

    @Slot()
    def _apply_filter(self) -> None:
        self.model.set_filter(
            TransactionFilter(
                text=self.search.text(),
                account_id=self.account_filter.currentData(),
                date_from=_chosen_date(self.date_from),
                date_to=_chosen_date(self.date_to),
            )
        )

    @Slot()
    def _update_totals(self) -> None:
        self.totals.setText(totals_text(self.model))

    # -- edits --------------------------------------------------------------

    @Slot(int, str, object)
    def _save_edit(self, transaction_id: int, field: str, value: object) -> None:
        self.edit_status.setText(f"Saving the {field}…")
        if field == "category":
            self.rule_offer.dismiss()
            self.tasks.submit(
                StoreTask(self.db_url, save_category, transaction_id, value),
                done=self._on_category_saved,
                failed=self._on_edit_failed,
            )
            return
        self.tasks.submit(
            StoreTask(self.db_url, save_transaction_edit, transaction_id, field, value),
            done=self._on_edit_saved,
            failed=self._on_edit_failed,
        )

    @Slot(object)
    def _on_edit_saved(self, row: TransactionRow) -> None:
        self.model.replace_row(row)
        self.edit_status.setText(
            "Saved. Edited fields are shown in italics and are kept when alerts "
            "are read again."
        )
        self.editSaved.emit(row.id)

    @Slot(object)
    def _on_category_saved(self, change: CategoryChange) -> None:
        self._on_edit_saved(change.row)
        if change.offer is not None:
            self.rule_offer.offer(change.offer)

    @Slot(object)
    def _on_rule_made(self, made: RuleMade) -> None:
        self.edit_status.setText(rule_made_text(made))
        self.reload()  # the rows the rule categorised

    @Slot(object)
    def _on_edit_failed(self, error: TaskError) -> None:
        self.edit_status.setText(f"The edit was not saved: {error.message}")
        self.editFailed.emit(error.message)
        self.reload()  # show what the database holds again

    @Slot(str)
    def _show_rejection(self, message: str) -> None:
        self.edit_status.setText(f"Not changed: {message}")

    # -- state --------------------------------------------------------------

    def header_state(self) -> QByteArray:
        return self.table.horizontalHeader().saveState()

    def restore_header_state(self, state: QByteArray) -> None:
        header = self.table.horizontalHeader()
        if header.restoreState(state):
            self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())


def _any_date_edit(name: str, accessible: str) -> QDateEdit:
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
