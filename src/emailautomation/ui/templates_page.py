"""The Templates page: the formats taught from samples, renamed, removed, shown."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from emailautomation.extract.templates import describe
from emailautomation.jobs.templates import (
    TemplateInfo,
    list_templates,
    remove_template,
    rename_template,
)
from emailautomation.ui.runs import BackgroundTasks
from emailautomation.ui.workers import StoreTask, TaskError

log = logging.getLogger(__name__)

HEADERS = ("Sender", "Name", "Transactions", "Not read yet", "Last used", "Learned")


class TemplatesPage(QWidget):
    """Learned templates in a table; the selected one's sample and slots below.

    Signals:
        loaded(count), changed(): a rename or removal reached the database.
    """

    loaded = Signal(int)
    changed = Signal()

    def __init__(
        self, db_url: str, tasks: BackgroundTasks, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("templatesPage")
        self.db_url = db_url
        self.tasks = tasks
        self.templates: list[TemplateInfo] = []
        self._loading = False
        self._load_again = False
        self.confirmation: QMessageBox | None = None
        self.rename_dialog: QInputDialog | None = None

        self.table = QTableWidget(0, len(HEADERS))
        self.table.setObjectName("templatesTable")
        self.table.setAccessibleName("Learned templates")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in ((0, 220), (1, 260), (2, 100), (3, 100), (4, 130)):
            self.table.setColumnWidth(column, width)

        self.rename_button = QPushButton("Re&name…")
        self.rename_button.setObjectName("renameTemplateButton")
        self.delete_button = QPushButton("&Delete…")
        self.delete_button.setObjectName("deleteTemplateButton")
        self.sample_button = QPushButton("Show &sample")
        self.sample_button.setObjectName("showTemplateSampleButton")
        self.sample_button.setCheckable(True)
        self.status = QLabel()
        self.status.setObjectName("templatesStatus")
        self.status.setWordWrap(True)

        self.slots = QLabel()
        self.slots.setObjectName("templateSlots")
        self.slots.setTextFormat(Qt.TextFormat.PlainText)
        self.slots.setWordWrap(True)
        self.slots.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.sample = QPlainTextEdit()
        self.sample.setObjectName("templateSample")
        self.sample.setAccessibleName("The sample the template was learned from")
        self.sample.setReadOnly(True)
        self.sample.setFont(
            QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        )
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.slots)
        detail_layout.addWidget(self.sample, 1)
        self.detail = detail
        detail.hide()

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(detail)

        buttons = QHBoxLayout()
        buttons.addWidget(self.rename_button)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.sample_button)
        buttons.addWidget(self.status, 1)

        intro = QLabel(
            "Formats taught from one sample (Teach… on a message that was "
            "not read). They are tried before the built-in formats."
        )
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(buttons)

        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.rename_button.clicked.connect(lambda: self.rename_selected())
        self.delete_button.clicked.connect(self.delete_selected)
        self.sample_button.toggled.connect(self._show_sample)
        self._selection_changed()

    # -- loading ------------------------------------------------------------

    def reload(self) -> None:
        if self._loading:
            self._load_again = True
            return
        self._loading = True
        self.tasks.submit(
            StoreTask(self.db_url, list_templates),
            done=self._on_loaded,
            failed=self._on_failed,
        )

    @property
    def loading(self) -> bool:
        return self._loading

    @Slot(object)
    def _on_loaded(self, templates: list[TemplateInfo]) -> None:
        selected = self.selected()
        self._loading = False
        self.templates = list(templates)
        self.table.setRowCount(len(templates))
        for position, info in enumerate(templates):
            cells = (
                info.sender,
                info.name,
                str(info.transactions),
                str(info.waiting),
                info.last_used_at.strftime("%Y-%m-%d %H:%M")
                if info.last_used_at
                else "never",
                info.created_at.strftime("%Y-%m-%d"),
            )
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, info.id)
                if column in (2, 3):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(position, column, item)
            if selected is not None and info.id == selected.id:
                self.table.selectRow(position)
        if not templates:
            self.status.setText("No template yet.")
        elif self.status.text() == "No template yet.":
            self.status.clear()
        self._selection_changed()
        if self._load_again:
            self._load_again = False
            self.reload()
            return
        self.loaded.emit(len(templates))

    @Slot(object)
    def _on_failed(self, error: TaskError) -> None:
        self._loading = False
        self.status.setText(error.message)

    # -- the selected template ----------------------------------------------

    def selected(self) -> TemplateInfo | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.templates):
            return None
        return self.templates[rows[0].row()]

    def select_template(self, template_id: int) -> None:
        for position, info in enumerate(self.templates):
            if info.id == template_id:
                self.table.selectRow(position)

    @Slot()
    def _selection_changed(self) -> None:
        info = self.selected()
        for button in (self.rename_button, self.delete_button, self.sample_button):
            button.setEnabled(info is not None)
        self._show_sample(self.sample_button.isChecked())

    @Slot(bool)
    def _show_sample(self, shown: bool) -> None:
        info = self.selected()
        self.detail.setVisible(shown and info is not None)
        if info is None:
            return
        self.slots.setText("\n".join(describe(info.spec)))
        self.sample.setPlainText(info.sample_text)

    def rename_selected(self, name: str | None = None) -> None:
        """Rename the selected template; without ``name``, ask for one."""
        info = self.selected()
        if info is None:
            return
        if name is not None:
            self._save_name(info.id, name)
            return
        dialog = QInputDialog(self)
        dialog.setObjectName("renameTemplateDialog")
        dialog.setWindowTitle("Rename template")
        dialog.setLabelText(f"New name for the template of {info.sender}:")
        dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
        dialog.setTextValue(info.name)
        dialog.textValueSelected.connect(
            lambda text, template_id=info.id: self._save_name(template_id, text)
        )
        dialog.finished.connect(dialog.deleteLater)
        self.rename_dialog = dialog
        dialog.open()

    def _save_name(self, template_id: int, name: str) -> None:
        self.rename_dialog = None
        self.status.setText("Renaming…")
        self.tasks.submit(
            StoreTask(self.db_url, rename_template, template_id, name),
            done=self._on_renamed,
            failed=self._on_failed,
        )

    @Slot(object)
    def _on_renamed(self, _result: object) -> None:
        self.status.setText("Renamed.")
        self.changed.emit()
        self.reload()

    @Slot()
    def delete_selected(self) -> None:
        """Ask, then remove the selected template (its transactions stay)."""
        info = self.selected()
        if info is None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Delete template",
            f"Delete the template “{info.name}” for {info.sender}? The "
            f"{info.transactions} transactions it read stay; later mail of this "
            "sender is read by the built-in formats again.",
            QMessageBox.StandardButton.Cancel | QMessageBox.StandardButton.Yes,
            self,
        )
        box.setObjectName("confirmDeleteTemplate")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.button(QMessageBox.StandardButton.Yes).setText("Delete")
        box.finished.connect(
            lambda result, template_id=info.id: self._delete_answered(
                result, template_id
            )
        )
        self.confirmation = box
        box.open()

    def _delete_answered(self, result: int, template_id: int) -> None:
        box, self.confirmation = self.confirmation, None
        if box is not None:
            box.deleteLater()
        if result != QMessageBox.StandardButton.Yes:
            return
        self.status.setText("Deleting…")
        self.tasks.submit(
            StoreTask(self.db_url, remove_template, template_id),
            done=self._on_removed,
            failed=self._on_failed,
        )

    @Slot(object)
    def _on_removed(self, kept: int) -> None:
        self.status.setText(
            f"Deleted; the {kept} transactions it read are kept."
            if kept
            else "Deleted."
        )
        self.changed.emit()
        self.reload()
