"""Messages that did not become transactions: why, their text, reading them again."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from emailautomation.store.models import MessageOutcome
from emailautomation.ui.ledger import (
    MessageText,
    UnreadMessage,
    load_unread_messages,
    message_text,
)
from emailautomation.ui.runs import BackgroundTasks
from emailautomation.ui.workers import RereadRunnable, StoreTask, TaskError

log = logging.getLogger(__name__)

ModelIndex = QModelIndex | QPersistentModelIndex
HEADERS = ("Received", "Account", "Sender", "Subject", "Outcome", "Reason")


class UnreadMessagesModel(QAbstractTableModel):
    """Ignored and failed messages, filtered by outcome."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._all: list[UnreadMessage] = []
        self._rows: list[UnreadMessage] = []
        self._outcome: str | None = None

    def set_rows(self, rows: list[UnreadMessage]) -> None:
        self.beginResetModel()
        self._all = list(rows)
        self._rows = self._visible()
        self.endResetModel()

    def set_outcome(self, outcome: str | None) -> None:
        self.beginResetModel()
        self._outcome = outcome
        self._rows = self._visible()
        self.endResetModel()

    def _visible(self) -> list[UnreadMessage]:
        if self._outcome is None:
            return list(self._all)
        return [m for m in self._all if m.outcome == self._outcome]

    def message_at(self, position: int) -> UnreadMessage:
        return self._rows[position]

    def shown(self) -> list[UnreadMessage]:
        return list(self._rows)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and (
            role == Qt.ItemDataRole.DisplayRole
        ):
            return HEADERS[section]
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        message = self._rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == 0:
                when = message.sent_at or message.processed_at
                return when.strftime("%Y-%m-%d %H:%M")
            if column == 1:
                return message.account_name
            if column == 2:
                return message.sender or ""
            if column == 3:
                return message.subject or ""
            if column == 4:
                return message.outcome.capitalize()
            return message.reason or ""
        if role == Qt.ItemDataRole.UserRole:
            return message.id
        return None

    def sort(
        self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder
    ) -> None:
        keys = (
            lambda m: m.sent_at or m.processed_at,
            lambda m: m.account_name.casefold(),
            lambda m: (m.sender or "").casefold(),
            lambda m: (m.subject or "").casefold(),
            lambda m: m.outcome,
            lambda m: (m.reason or "").casefold(),
        )
        self.layoutAboutToBeChanged.emit()
        kept = [
            (index, self._rows[index.row()].id, index.column())
            for index in self.persistentIndexList()
        ]
        reverse = order == Qt.SortOrder.DescendingOrder
        self._all.sort(key=keys[column], reverse=reverse)
        self._rows = self._visible()
        positions = {m.id: position for position, m in enumerate(self._rows)}
        for index, message_id, col in kept:
            self.changePersistentIndex(index, self.index(positions[message_id], col))
        self.layoutChanged.emit()


class MessagesPage(QWidget):
    """The list of messages not read as transactions, the selected one's text,
    and buttons to read them again after a parser change.

    Signals:
        loaded(count), textShown(message_id), rereadFinished(counts).
    """

    loaded = Signal(int)
    textShown = Signal(int)
    rereadFinished = Signal(object)

    def __init__(
        self, db_url: str, tasks: BackgroundTasks, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.db_url = db_url
        self.tasks = tasks
        self._loading = False
        self._load_again = False
        self._rereading = False
        self._shown_id: int | None = None

        self.model = UnreadMessagesModel(self)

        self.outcome_filter = QComboBox()
        self.outcome_filter.setObjectName("messageOutcomeFilter")
        self.outcome_filter.setAccessibleName("Show messages that were")
        self.outcome_filter.addItem("Ignored and failed", None)
        self.outcome_filter.addItem("Ignored (not a transaction)", "ignored")
        self.outcome_filter.addItem("Failed (could not be read)", "failed")
        self.count_label = QLabel()
        self.count_label.setObjectName("messageCount")

        self.table = QTableView()
        self.table.setObjectName("unreadMessagesTable")
        self.table.setAccessibleName("Messages not read as transactions")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(
            self.table.fontMetrics().height() + 8
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in ((0, 130), (1, 120), (2, 200), (3, 260), (4, 80)):
            self.table.setColumnWidth(column, width)

        self.headline = QLabel()
        self.headline.setObjectName("messageHeadline")
        self.headline.setWordWrap(True)
        self.headline.setTextFormat(Qt.TextFormat.PlainText)
        self.text = QPlainTextEdit()
        self.text.setObjectName("messageText")
        self.text.setAccessibleName("Text of the selected message")
        self.text.setReadOnly(True)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setPlaceholderText("Select a message to see its text.")

        self.reread_selected = QPushButton("&Read selected again")
        self.reread_selected.setObjectName("rereadSelectedButton")
        self.reread_selected.setAccessibleName("Read the selected messages again")
        self.reread_selected.setEnabled(False)
        self.reread_all = QPushButton("Read all a&gain")
        self.reread_all.setObjectName("rereadAllButton")
        self.reread_all.setAccessibleName("Read all listed messages again")
        self.reread_status = QLabel()
        self.reread_status.setObjectName("rereadStatus")
        self.reread_status.setWordWrap(True)

        top = QHBoxLayout()
        show_label = QLabel("Sho&w:")
        show_label.setBuddy(self.outcome_filter)
        top.addWidget(show_label)
        top.addWidget(self.outcome_filter)
        top.addStretch(1)
        top.addWidget(self.count_label)

        # The row of actions on the selected message(s).
        self.actions_row = QHBoxLayout()
        self.actions_row.addWidget(self.reread_selected)
        self.actions_row.addWidget(self.reread_all)
        self.actions_row.addWidget(self.reread_status, 1)

        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.headline)
        detail_layout.addWidget(self.text, 1)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("messagesSplitter")
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(self.actions_row)

        self.outcome_filter.currentIndexChanged.connect(self._apply_outcome)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.reread_selected.clicked.connect(self._reread_selected)
        self.reread_all.clicked.connect(self._reread_all)
        self._update_count()

    # -- loading ------------------------------------------------------------

    def reload(self) -> None:
        if self._loading:
            self._load_again = True
            return
        self._loading = True
        self.tasks.submit(
            StoreTask(self.db_url, load_unread_messages),
            done=self._on_loaded,
            failed=self._on_load_failed,
        )

    @property
    def loading(self) -> bool:
        return self._loading

    @Slot(object)
    def _on_loaded(self, rows: list[UnreadMessage]) -> None:
        selected = set(self.selected_ids())
        self.model.set_rows(rows)
        for position, message in enumerate(self.model.shown()):
            if message.id in selected:
                self.table.selectRow(position)
        self._loading = False
        self._update_count()
        if self._load_again:
            self._load_again = False
            self.reload()
            return
        self.loaded.emit(len(rows))

    @Slot(object)
    def _on_load_failed(self, error: TaskError) -> None:
        self._loading = False
        self.reread_status.setText(f"Could not load the messages: {error.message}")

    def _update_count(self) -> None:
        shown = self.model.rowCount()
        self.count_label.setText(f"{shown} message{'' if shown == 1 else 's'}")
        self.reread_all.setEnabled(shown > 0 and not self._rereading)

    @Slot()
    def _apply_outcome(self) -> None:
        self.model.set_outcome(self.outcome_filter.currentData())
        self._update_count()

    # -- the selected message -----------------------------------------------

    def selected_ids(self) -> list[int]:
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        return [self.model.message_at(r).id for r in sorted(rows)]

    @Slot()
    def _selection_changed(self) -> None:
        ids = self.selected_ids()
        self.reread_selected.setEnabled(bool(ids) and not self._rereading)
        if len(ids) != 1:
            return
        if ids[0] == self._shown_id:
            return
        self._shown_id = ids[0]
        self.headline.setText("Loading…")
        self.tasks.submit(
            StoreTask(self.db_url, message_text, ids[0]),
            done=self._show_text,
            failed=self._text_failed,
        )

    @Slot(object)
    def _show_text(self, shown: MessageText) -> None:
        if shown.id != self._shown_id:
            return  # the selection moved on meanwhile
        lines = [shown.headline]
        if shown.reason and shown.outcome == MessageOutcome.FAILED.value:
            lines.append(f"Why it could not be read: {shown.reason}")
        elif shown.reason:
            lines.append(f"Why it is not a transaction: {shown.reason}")
        lines.extend(shown.problems)
        self.headline.setText("\n".join(lines))
        self.text.setPlainText(shown.text)
        self.textShown.emit(shown.id)

    @Slot(object)
    def _text_failed(self, error: TaskError) -> None:
        self._shown_id = None
        self.headline.setText(error.message)
        self.text.clear()

    # -- reading again ------------------------------------------------------

    @Slot()
    def _reread_selected(self) -> None:
        self.reread(self.selected_ids())

    @Slot()
    def _reread_all(self) -> None:
        self.reread([m.id for m in self.model.shown()])

    def reread(self, message_ids: list[int]) -> None:
        """Read these stored messages again on the pool (after a parser change)."""
        if self._rereading or not message_ids:
            return
        self._rereading = True
        self.reread_selected.setEnabled(False)
        self.reread_all.setEnabled(False)
        count = len(message_ids)
        self.reread_status.setText(
            f"Reading {count} message{'' if count == 1 else 's'} again…"
        )
        self.tasks.submit(
            RereadRunnable(self.db_url, message_ids=message_ids),
            progress=self._reread_progress,
            finished=self._reread_done,
            failed=self._reread_failed,
        )

    @property
    def rereading(self) -> bool:
        return self._rereading

    @Slot(int, int)
    def _reread_progress(self, done: int, total: int) -> None:
        self.reread_status.setText(f"Reading again: {done} of {total}…")

    @Slot(object)
    def _reread_done(self, totals: dict[str, int]) -> None:
        self._rereading = False
        became = totals.get(MessageOutcome.TRANSACTION.value, 0)
        self.reread_status.setText(
            f"Read again: {became} became transactions, "
            f"{totals.get(MessageOutcome.IGNORED.value, 0)} still ignored, "
            f"{totals.get(MessageOutcome.FAILED.value, 0)} failed."
        )
        self._shown_id = None
        self._selection_changed()
        self._update_count()
        self.rereadFinished.emit(totals)
        self.reload()

    @Slot(str)
    def _reread_failed(self, reason: str) -> None:
        self._rereading = False
        self.reread_status.setText(f"Reading again failed: {reason}")
        self._selection_changed()
        self._update_count()

    def splitter_state(self) -> QByteArray:
        return self.splitter.saveState()

    def header_state(self) -> QByteArray:
        return self.table.horizontalHeader().saveState()
