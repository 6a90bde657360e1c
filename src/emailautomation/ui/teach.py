"""The Teach dialog: mark the fields of one stored message and learn its format."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, QRunnable, Qt, QTimer, Signal, Slot
from PySide6.QtGui import (
    QColor,
    QFontDatabase,
    QKeySequence,
    QShortcut,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from emailautomation.errors import EmailAutomationError, MalformedMessage
from emailautomation.extract.currencies import ISO_CODES
from emailautomation.extract.model import Extraction, TransactionFields
from emailautomation.extract.templates import (
    TEXT_FIELDS,
    AmbiguousValue,
    LearnedTemplate,
    Mark,
    TemplateError,
    learn,
    locate_fields,
)
from emailautomation.jobs.events import MessageDone, ProgressEvent
from emailautomation.jobs.process import reread_messages
from emailautomation.jobs.templates import (
    MessagePreview,
    learn_and_save,
    preview_messages,
    reread_for_template,
)
from emailautomation.mail.message import parse_alert
from emailautomation.store.models import MessageOutcome, ProcessedMessage, Transaction
from emailautomation.ui.messages import MessagesPage
from emailautomation.ui.runs import BackgroundTasks
from emailautomation.ui.transactions import TransactionsPage
from emailautomation.ui.workers import StoreTask, TaskError

log = logging.getLogger(__name__)

# Each field's colour in the text, light enough to read black text on, and
# the keys that assign the selection to it.
FIELD_COLOURS = {
    "amount": "#ffd54f",
    "merchant": "#81d4fa",
    "account": "#c5e1a5",
    "date": "#f48fb1",
    "time": "#ce93d8",
}
FIELD_TITLES = {
    "amount": "&Amount",
    "merchant": "&Merchant",
    "account": "Ca&rd / account",
    "date": "&Date",
    "time": "T&ime",
}
PREVIEW_DELAY_MS = 350
OTHERS_SHOWN = 500


# -- plain data --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TeachSample:
    """One stored message to teach from, read on the pool.

    Attributes:
        text: the normalised text the person marks (``normalise(alert)``).
        found: where the engine's reading of it is printed, by field.
        transaction_id: the stored transaction of this message, when one is
            being corrected.
    """

    message_id: int
    sender: str
    subject: str
    raw: bytes
    text: str
    found: dict[str, tuple[int, int]]
    direction: str | None = None
    currency: str | None = None
    transaction_id: int | None = None


@dataclass(frozen=True, slots=True)
class TeachError:
    """Why the marks cannot be learned: ``field`` says where to show it."""

    field: str | None
    message: str
    places: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class TeachPreview:
    """What the marks would learn: the sample's read-back, and each other
    stored message of the sender with what the template reads from it."""

    learned: LearnedTemplate
    others: list[MessagePreview] = field(default_factory=list)

    @property
    def would_become(self) -> int:
        return sum(1 for p in self.others if p.would_become_transaction)

    @property
    def waiting(self) -> int:
        return sum(1 for p in self.others if p.outcome in _WAITING)


@dataclass(frozen=True, slots=True)
class TeachSaved:
    """A saved template and the counts of the re-read it caused."""

    template_id: int
    name: str
    totals: dict[str, int]


_WAITING = (MessageOutcome.IGNORED.value, MessageOutcome.FAILED.value)


def load_sample(session: Session, message_id: int) -> TeachSample:
    """The message's text and where the engine's reading of it is printed."""
    from emailautomation.extract.engine import extract, normalise
    from emailautomation.jobs.readers import load_readers

    message = session.get(ProcessedMessage, message_id)
    if message is None:
        raise EmailAutomationError("This message is no longer stored; refresh.")
    try:
        alert = parse_alert(message.raw or b"")
    except MalformedMessage as exc:
        raise EmailAutomationError(
            f"This message cannot be decoded, so nothing can be marked in it: {exc}"
        ) from exc
    if not alert.sender:
        raise EmailAutomationError(
            "This message has no sender address, so a template could not tell "
            "which mail it is for."
        )
    text = normalise(alert)
    transaction_id = session.scalar(
        select(Transaction.id).where(Transaction.message_id == message_id)
    )
    reading = extract(alert, load_readers(session)).transaction
    found = locate_fields(text, reading) if reading is not None else {}
    return TeachSample(
        message_id=message.id,
        sender=alert.sender,
        subject=alert.subject or "",
        raw=message.raw or b"",
        text=text,
        found=found,
        direction=reading.direction if reading else None,
        currency=reading.currency if reading else None,
        transaction_id=transaction_id,
    )


def message_of_transaction(session: Session, transaction_id: int) -> int:
    """The id of the stored message a transaction was read from."""
    message_id = session.scalar(
        select(Transaction.message_id).where(Transaction.id == transaction_id)
    )
    if message_id is None:
        raise EmailAutomationError("This transaction is no longer stored; refresh.")
    return message_id


def _teach_error(exc: Exception) -> TeachError:
    if isinstance(exc, TemplateError):
        places = exc.places if isinstance(exc, AmbiguousValue) else ()
        return TeachError(exc.field, exc.message, tuple(places))
    if isinstance(exc, EmailAutomationError):
        return TeachError(None, str(exc))
    log.exception("teaching crashed")
    return TeachError(None, f"Internal error ({type(exc).__name__}): {exc}")


# -- pool work ---------------------------------------------------------------


class TeachSignals(QObject):
    """``done(result)``, ``failed(TeachError)``, ``progress(done, total)``."""

    done = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int)


class PreviewTask(QRunnable):
    """Learn from the marks without saving, then read the sender's stored mail.

    Emits ``(generation, TeachPreview)`` or ``(generation, TeachError)``, so
    that the dialog can drop the answer to marks it no longer shows.

    Holds the message's bytes and the marks; the alert is decoded and the
    database opened here, on the pool thread.
    """

    def __init__(
        self,
        db_url: str,
        raw: bytes,
        values: Mapping[str, str | Mark | None],
        sender: str | None,
        exclude_id: int,
        generation: int = 0,
    ) -> None:
        super().__init__()
        self.generation = generation
        self.db_url = db_url
        self.raw = raw
        self.values = dict(values)
        self.sender = sender
        self.exclude_id = exclude_id
        self.signals = TeachSignals()
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:
        try:
            learned = learn(parse_alert(self.raw), self.values, sender=self.sender)
            others = preview_messages(
                self.db_url, learned, limit=OTHERS_SHOWN, cancel=self._cancel.is_set
            )
        except Exception as exc:
            self.signals.failed.emit((self.generation, _teach_error(exc)))
            return
        others = [p for p in others if p.message_id != self.exclude_id]
        self.signals.done.emit((self.generation, TeachPreview(learned, others)))


class SaveTask(QRunnable):
    """Save the template (as the ``learn`` command does), then read the
    sender's ignored and failed messages again, and the corrected message."""

    def __init__(
        self,
        db_url: str,
        raw: bytes,
        values: Mapping[str, str | Mark | None],
        *,
        sender: str | None,
        name: str | None,
        correct_message_id: int | None = None,
    ) -> None:
        super().__init__()
        self.db_url = db_url
        self.raw = raw
        self.values = dict(values)
        self.sender = sender
        self.name = name
        self.correct_message_id = correct_message_id
        self.signals = TeachSignals()

    def run(self) -> None:
        def report(event: ProgressEvent) -> None:
            if isinstance(event, MessageDone):
                self.signals.progress.emit(event.index, event.total)

        try:
            template_id, learned = learn_and_save(
                self.db_url,
                parse_alert(self.raw),
                self.values,
                sender=self.sender,
                name=self.name,
            )
            totals = dict(
                reread_for_template(self.db_url, template_id, progress=report)
            )
            if self.correct_message_id is not None:
                corrected = reread_messages(
                    self.db_url,
                    message_ids=[self.correct_message_id],
                    outcomes=[o.value for o in MessageOutcome],
                )
                for outcome, count in corrected.items():
                    totals[outcome] = totals.get(outcome, 0) + count
        except Exception as exc:
            self.signals.failed.emit(_teach_error(exc))
            return
        self.signals.done.emit(TeachSaved(template_id, learned.name, totals))


# -- the dialog ----------------------------------------------------------------


class FieldRow:
    """One field's widgets: what is marked, its buttons, its error."""

    def __init__(self, name: str, index: int, parent: QWidget) -> None:
        self.name = name
        self.value = QLineEdit(parent)
        self.value.setObjectName(f"teachValue_{name}")
        self.value.setReadOnly(True)
        self.value.setPlaceholderText("not marked")
        self.value.setAccessibleName(f"Marked {name}")
        self.swatch = QLabel(parent)
        self.swatch.setFixedWidth(14)
        self.swatch.setStyleSheet(
            f"background: {FIELD_COLOURS[name]}; border: 1px solid palette(mid);"
        )
        self.mark = QPushButton(f"Mark (Ctrl+{index})", parent)
        self.mark.setObjectName(f"teachMark_{name}")
        self.mark.setAccessibleName(f"Mark the selection as the {name}")
        self.clear = QPushButton("Clear", parent)
        self.clear.setObjectName(f"teachClear_{name}")
        self.clear.setAccessibleName(f"Clear the {name}")
        self.error = QLabel(parent)
        self.error.setObjectName(f"teachError_{name}")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c62828;")
        self.error.hide()

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))


class TeachDialog(QDialog):
    """Mark where a message prints each field; see what the template reads.

    Signals:
        sampleLoaded(): the message's text is shown, pre-marked.
        previewShown(TeachPreview | TeachError): a preview was computed.
        saved(TeachSaved): the template is stored and its sender's mail re-read.
        saveFailed(TeachError): the template was refused; nothing was stored.
    """

    sampleLoaded = Signal()
    previewShown = Signal(object)
    saved = Signal(object)
    saveFailed = Signal(object)

    def __init__(
        self,
        db_url: str,
        tasks: BackgroundTasks,
        message_id: int | None = None,
        *,
        transaction_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db_url = db_url
        self.tasks = tasks
        self.sample: TeachSample | None = None
        self.marks: dict[str, tuple[int, int]] = {}
        self.last_preview: TeachPreview | TeachError | None = None
        self._generation = 0
        self._pending: PreviewTask | None = None
        self._saving = False
        self._ambiguous: tuple[tuple[int, int], ...] = ()

        self.setObjectName("teachDialog")
        self.setWindowTitle("Teach this alert's format")
        self.resize(1050, 720)
        self._build()

        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self._start_preview)

        if transaction_id is not None:
            self.status.setText("Loading the message of this transaction…")
            self.tasks.submit(
                StoreTask(db_url, message_of_transaction, transaction_id),
                done=self._load,
                failed=self._load_failed,
            )
        elif message_id is not None:
            self._load(message_id)

    # -- building -----------------------------------------------------------

    def _build(self) -> None:
        self.headline = QLabel("Loading…")
        self.headline.setObjectName("teachHeadline")
        self.headline.setWordWrap(True)
        self.headline.setTextFormat(Qt.TextFormat.PlainText)

        self.text = QPlainTextEdit()
        self.text.setObjectName("teachText")
        self.text.setAccessibleName("Text of the message to mark")
        self.text.setReadOnly(True)
        self.text.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        hint = QLabel(
            "Select a value in the text, then press its Mark button or "
            "Ctrl+1…5. Only the value: the text around it is learned by itself."
        )
        hint.setWordWrap(True)

        fields_box = QGroupBox("Fields")
        grid = QGridLayout(fields_box)
        self.rows: dict[str, FieldRow] = {}
        for index, name in enumerate(TEXT_FIELDS, start=1):
            row = FieldRow(name, index, self)
            self.rows[name] = row
            label = QLabel(FIELD_TITLES[name])
            label.setBuddy(row.value)
            line = (index - 1) * 2
            grid.addWidget(row.swatch, line, 0)
            grid.addWidget(label, line, 1)
            grid.addWidget(row.value, line, 2)
            grid.addWidget(row.mark, line, 3)
            grid.addWidget(row.clear, line, 4)
            grid.addWidget(row.error, line + 1, 1, 1, 4)
            row.mark.clicked.connect(lambda _c=False, f=name: self.mark_selection(f))
            row.clear.clicked.connect(lambda _c=False, f=name: self.clear_mark(f))
            shortcut = QShortcut(QKeySequence(f"Ctrl+{index}"), self)
            shortcut.activated.connect(lambda f=name: self.mark_selection(f))
        grid.setColumnStretch(2, 1)

        self.direction = QComboBox()
        self.direction.setObjectName("teachDirection")
        self.direction.setAccessibleName("Direction")
        self.direction.addItem("From the wording", None)
        self.direction.addItem("Debit (money out)", "debit")
        self.direction.addItem("Credit (money in)", "credit")
        self.currency = QComboBox()
        self.currency.setObjectName("teachCurrency")
        self.currency.setAccessibleName("Currency")
        self.currency.addItem("As printed", None)
        for code in sorted(ISO_CODES):
            self.currency.addItem(code, code)
        self.direction_error = _error_label("teachError_direction")
        self.currency_error = _error_label("teachError_currency")
        self.sender_edit = QLineEdit()
        self.sender_edit.setObjectName("teachSender")
        self.sender_edit.setAccessibleName("Sender the template reads")
        self.sender_edit.setToolTip(
            "The address, or a domain to read every address at it"
        )
        self.sender_error = _error_label("teachError_sender")
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("teachName")
        self.name_edit.setAccessibleName("Template name")
        self.name_edit.setPlaceholderText("from the subject and sender")

        choices = QFormLayout()
        choices.addRow("Di&rection:", self.direction)
        choices.addRow("", self.direction_error)
        choices.addRow("C&urrency:", self.currency)
        choices.addRow("", self.currency_error)
        choices.addRow("&Sender:", self.sender_edit)
        choices.addRow("", self.sender_error)
        choices.addRow("&Name:", self.name_edit)
        fields_layout = grid
        fields_layout.addLayout(choices, len(TEXT_FIELDS) * 2, 0, 1, 5)

        self.readback = QLabel()
        self.readback.setObjectName("teachReadback")
        self.readback.setWordWrap(True)
        self.readback.setTextFormat(Qt.TextFormat.PlainText)
        self.general_error = _error_label("teachError_general")

        self.others_summary = QLabel()
        self.others_summary.setObjectName("teachOthersSummary")
        self.others = QTableWidget(0, 4)
        self.others.setObjectName("teachOthersTable")
        self.others.setAccessibleName("Other messages of this sender")
        self.others.setHorizontalHeaderLabels(
            ("Received", "Subject", "Now", "The template would read")
        )
        self.others.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.others.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.others.verticalHeader().hide()
        self.others.horizontalHeader().setStretchLastSection(True)
        self.others.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.Interactive
        )
        for column, width in ((0, 120), (1, 200), (2, 90)):
            self.others.setColumnWidth(column, width)

        self.progress = QProgressBar()
        self.progress.setObjectName("teachProgress")
        self.progress.setAccessibleName("Reading the sender's messages again")
        self.progress.hide()
        self.status = QLabel()
        self.status.setObjectName("teachStatus")
        self.status.setWordWrap(True)
        self.save_button = QPushButton("&Save template and read again")
        self.save_button.setObjectName("teachSaveButton")
        self.save_button.setDefault(True)
        self.save_button.setEnabled(False)
        self.close_button = QPushButton("Close")
        self.close_button.setObjectName("teachCloseButton")

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.headline)
        left_layout.addWidget(self.text, 1)
        left_layout.addWidget(hint)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(fields_box)
        right_layout.addWidget(QLabel("<b>Read back from this message</b>"))
        right_layout.addWidget(self.readback)
        right_layout.addWidget(self.general_error)
        right_layout.addStretch(1)

        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(left)
        top.addWidget(right)
        top.setStretchFactor(0, 3)
        top.setStretchFactor(1, 2)

        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.others_summary)
        bottom_layout.addWidget(self.others, 1)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("teachSplitter")
        self.splitter.addWidget(top)
        self.splitter.addWidget(bottom)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)

        buttons = QHBoxLayout()
        buttons.addWidget(self.progress)
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(buttons)

        self.direction.currentIndexChanged.connect(self._marks_changed)
        self.currency.currentIndexChanged.connect(self._marks_changed)
        self.sender_edit.textEdited.connect(self._marks_changed)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.reject)

    # -- loading ------------------------------------------------------------

    @Slot(object)
    def _load(self, message_id: int) -> None:
        self.status.setText("Loading the message…")
        self.tasks.submit(
            StoreTask(self.db_url, load_sample, message_id),
            done=self._show_sample,
            failed=self._load_failed,
        )

    @Slot(object)
    def _load_failed(self, error: TaskError) -> None:
        self.headline.setText(error.message)
        self.status.setText("")

    @Slot(object)
    def _show_sample(self, sample: TeachSample) -> None:
        self.sample = sample
        correcting = sample.transaction_id is not None
        what = "Correct the reading of" if correcting else "Teach the format of"
        self.headline.setText(
            f"{what} “{sample.subject or '(no subject)'}” from {sample.sender}"
        )
        self.text.setPlainText(sample.text)
        self.sender_edit.setText(sample.sender)
        self.marks = dict(sample.found)
        for name, row in self.rows.items():
            span = self.marks.get(name)
            row.value.setText(sample.text[slice(*span)] if span else "")
        if sample.direction and correcting:
            self.direction.setCurrentIndex(self.direction.findData(sample.direction))
        self._highlight()
        self._marks_changed()
        self.status.setText(
            "Fields the app already read are marked; correct or add the others."
            if self.marks
            else "Mark at least the amount."
        )
        self.sampleLoaded.emit()

    # -- marking ------------------------------------------------------------

    def select_span(self, start: int, end: int) -> None:
        """Select text in the message, as a person dragging over it would."""
        cursor = self.text.textCursor()
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        self.text.setTextCursor(cursor)

    @Slot()
    def mark_selection(self, name: str) -> None:
        """Assign the selected text to field ``name``."""
        if self.sample is None:
            return
        cursor = self.text.textCursor()
        start, end = cursor.selectionStart(), cursor.selectionEnd()
        # Whitespace caught at the edges of a drag is not part of the value.
        while start < end and self.sample.text[start].isspace():
            start += 1
        while end > start and self.sample.text[end - 1].isspace():
            end -= 1
        if start == end:
            self.rows[name].show_error("Select the value in the text first.")
            return
        self.marks[name] = (start, end)
        self.rows[name].value.setText(self.sample.text[start:end])
        self._highlight()
        self._marks_changed()

    @Slot()
    def clear_mark(self, name: str) -> None:
        self.marks.pop(name, None)
        self.rows[name].value.clear()
        self._highlight()
        self._marks_changed()

    def values(self) -> dict[str, str | Mark | None]:
        """The marks and choices as ``learn`` takes them."""
        assert self.sample is not None
        values: dict[str, str | Mark | None] = {
            name: Mark(self.sample.text[start:end], start)
            for name, (start, end) in self.marks.items()
        }
        values["direction"] = self.direction.currentData()
        values["currency"] = self.currency.currentData()
        return values

    def _highlight(self) -> None:
        selections = []
        for name, (start, end) in self.marks.items():
            selections.append(self._selection(start, end, FIELD_COLOURS[name]))
        for start, end in self._ambiguous:
            selection = self._selection(start, end, "#ef9a9a")
            selection.format.setFontUnderline(True)
            selections.append(selection)
        self.text.setExtraSelections(selections)

    def _selection(self, start: int, end: int, colour: str) -> QTextEdit.ExtraSelection:
        selection = QTextEdit.ExtraSelection()
        cursor = self.text.textCursor()
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        selection.cursor = cursor
        text_format = QTextCharFormat()
        text_format.setBackground(QColor(colour))
        text_format.setForeground(QColor("#000000"))
        selection.format = text_format
        return selection

    def highlighted(self) -> dict[str, tuple[int, int]]:
        """Marked spans by field, as the text shows them in colour."""
        shown = {}
        colours = {QColor(c).name(): f for f, c in FIELD_COLOURS.items()}
        for selection in self.text.extraSelections():
            name = colours.get(selection.format.background().color().name())
            if name is not None:
                cursor = selection.cursor
                shown[name] = (cursor.selectionStart(), cursor.selectionEnd())
        return shown

    # -- preview ------------------------------------------------------------

    @Slot()
    def _marks_changed(self) -> None:
        self._generation += 1
        self.save_button.setEnabled(
            self.sample is not None and "amount" in self.marks and not self._saving
        )
        if self.sample is None:
            return
        if not self._saving:
            self.status.setText("" if "amount" in self.marks else "Mark the amount.")
        self._preview_timer.start()

    @property
    def previewing(self) -> bool:
        return self._preview_timer.isActive() or self._pending is not None

    @Slot()
    def _start_preview(self) -> None:
        if self.sample is None:
            return
        if self._pending is not None:
            self._pending.cancel()
        if "amount" not in self.marks:
            self._pending = None
            self._show_error(TeachError("amount", "Mark the amount first."))
            return
        generation = self._generation
        task = PreviewTask(
            self.db_url,
            self.sample.raw,
            self.values(),
            self._sender(),
            self.sample.message_id,
            generation,
        )
        self._pending = task
        self.readback.setText("Reading…")
        self.tasks.submit(task, done=self._preview_done, failed=self._preview_done)

    @Slot(object)
    def _preview_done(self, answer: tuple[int, TeachPreview | TeachError]) -> None:
        generation, result = answer
        if generation != self._generation:
            return  # the marks changed meanwhile; a newer preview follows
        self._pending = None
        self.last_preview = result
        if isinstance(result, TeachError):
            self._show_error(result)
        else:
            self._show_preview(result)
        self.previewShown.emit(result)

    def _show_preview(self, result: TeachPreview) -> None:
        self._clear_errors()
        self.readback.setText(describe_fields(result.learned.readback))
        self.others.setRowCount(len(result.others))
        for position, other in enumerate(result.others):
            cells = (
                _when(other.sent_at),
                other.subject or "",
                other.outcome.capitalize(),
                describe_extraction(other.extraction),
            )
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                if column == 3 and other.extraction.transaction is None:
                    item.setForeground(QColor("#c62828"))
                self.others.setItem(position, column, item)
        self.others_summary.setText(
            f"Other messages of {result.learned.sender}: "
            f"{_count(len(result.others), 'stored message')}; "
            f"{result.would_become} of the {result.waiting} not read yet "
            "would become transactions."
        )

    def _show_error(self, error: TeachError) -> None:
        self._clear_errors()
        self.readback.setText("Nothing: the marks cannot be learned yet.")
        self._ambiguous = error.places
        self._highlight()
        label = self._error_label(error.field)
        label.setText(error.message)
        label.show()

    def _error_label(self, name: str | None) -> QLabel:
        if name in self.rows:
            return self.rows[name].error
        return {
            "direction": self.direction_error,
            "currency": self.currency_error,
            "sender": self.sender_error,
        }.get(name or "", self.general_error)

    def _clear_errors(self) -> None:
        if self._ambiguous:
            self._ambiguous = ()
            self._highlight()
        for row in self.rows.values():
            row.show_error("")
        for label in (
            self.direction_error,
            self.currency_error,
            self.sender_error,
            self.general_error,
        ):
            label.clear()
            label.hide()

    def error_text(self, name: str) -> str:
        """The error shown next to field ``name`` ("" when none)."""
        return self._error_label(name).text()

    def _sender(self) -> str | None:
        return self.sender_edit.text().strip() or None

    # -- saving -------------------------------------------------------------

    @Slot()
    def save(self) -> None:
        """Store the template and read the sender's unread messages again."""
        if self.sample is None or self._saving:
            return
        self._saving = True
        self._preview_timer.stop()
        self.save_button.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.status.setText("Saving the template…")
        correct = self.sample.message_id if self.sample.transaction_id else None
        self.tasks.submit(
            SaveTask(
                self.db_url,
                self.sample.raw,
                self.values(),
                sender=self._sender(),
                name=self.name_edit.text().strip() or None,
                correct_message_id=correct,
            ),
            progress=self._save_progress,
            done=self._save_done,
            failed=self._save_failed,
        )

    @property
    def saving(self) -> bool:
        return self._saving

    @Slot(int, int)
    def _save_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.status.setText(f"Reading the sender's messages again: {done} of {total}…")

    @Slot(object)
    def _save_done(self, result: TeachSaved) -> None:
        self._saving = False
        self.progress.hide()
        became = result.totals.get(MessageOutcome.TRANSACTION.value, 0)
        self.status.setText(
            f"Saved “{result.name}” (template {result.template_id}); "
            f"{_count(became, 'message')} became transactions."
        )
        self.save_button.setEnabled(True)
        self.saved.emit(result)

    @Slot(object)
    def _save_failed(self, error: TeachError) -> None:
        self._saving = False
        self.progress.hide()
        self.status.setText("Not saved: " + error.message)
        self._show_error(error)
        self.save_button.setEnabled("amount" in self.marks)
        self.saveFailed.emit(error)


# -- what is shown -------------------------------------------------------------


def describe_fields(fields: TransactionFields) -> str:
    """One line: ``12.50 EUR debit · BÄCKEREI · card 4821 · 2025-11-03 08:15``."""
    parts = [f"{fields.amount} {fields.currency} {fields.direction}"]
    if fields.merchant:
        parts.append(fields.merchant)
    if fields.account:
        parts.append(f"card {fields.account}")
    when = fields.date.isoformat()
    if fields.time is not None:
        when += " " + fields.time.strftime("%H:%M")
    parts.append(when)
    return " · ".join(parts)


def describe_extraction(extraction: Extraction) -> str:
    if extraction.transaction is not None:
        return describe_fields(extraction.transaction)
    why = extraction.detail or extraction.reason or "nothing read"
    return f"not read: {why}"


def _when(moment: dt.datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else ""


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _error_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setStyleSheet("color: #c62828;")
    label.hide()
    return label


# -- opening it from the window --------------------------------------------------


class TeachLauncher(QObject):
    """The Teach buttons of the window's pages, and what follows a save.

    Adds "Teach format…" to the unread messages' actions and "Correct
    reading…" below the transactions; a saved template reloads the
    transactions, the unread messages and ``templates`` (a page with
    ``reload()``), if given.

    Signals:
        opened(TeachDialog)
    """

    opened = Signal(object)

    def __init__(
        self,
        db_url: str,
        tasks: BackgroundTasks,
        messages: MessagesPage,
        transactions: TransactionsPage,
        templates: QWidget | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db_url = db_url
        self.tasks = tasks
        self.messages = messages
        self.transactions = transactions
        self.templates = templates
        self.dialog: TeachDialog | None = None
        self._window = parent

        self.teach_button = QPushButton("&Teach format…")
        self.teach_button.setObjectName("teachFormatButton")
        self.teach_button.setAccessibleName("Teach the format of the selected message")
        self.teach_button.setToolTip(
            "Mark where this message prints the amount, merchant, card and date, "
            "so that its sender's alerts are read"
        )
        self.teach_button.setEnabled(False)
        messages.actions_row.insertWidget(0, self.teach_button)
        messages.table.selectionModel().selectionChanged.connect(self._update)
        messages.table.doubleClicked.connect(lambda _index: self.teach_selected())
        self.teach_button.clicked.connect(self.teach_selected)

        self.correct_button = QPushButton("Co&rrect reading…")
        self.correct_button.setObjectName("correctReadingButton")
        self.correct_button.setAccessibleName(
            "Teach the format again from the selected transaction's message"
        )
        self.correct_button.setEnabled(False)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.correct_button)
        page_layout = transactions.layout()
        if isinstance(page_layout, QVBoxLayout):
            page_layout.addLayout(row)
        transactions.table.selectionModel().selectionChanged.connect(self._update)
        self.correct_button.clicked.connect(self.correct_selected)

    @Slot()
    def _update(self) -> None:
        self.teach_button.setEnabled(len(self.messages.selected_ids()) == 1)
        self.correct_button.setEnabled(len(self.transactions.selected_ids()) == 1)

    @Slot()
    def teach_selected(self) -> TeachDialog | None:
        ids = self.messages.selected_ids()
        if len(ids) != 1:
            return None
        return self.open(message_id=ids[0])

    @Slot()
    def correct_selected(self) -> TeachDialog | None:
        ids = self.transactions.selected_ids()
        if len(ids) != 1:
            return None
        return self.open(transaction_id=ids[0])

    def open(
        self, *, message_id: int | None = None, transaction_id: int | None = None
    ) -> TeachDialog:
        """One Teach dialog at a time: a new one replaces one not saving."""
        if self.dialog is not None and not self.dialog.saving:
            self.dialog.close()
            self.dialog.deleteLater()
        dialog = TeachDialog(
            self.db_url,
            self.tasks,
            message_id,
            transaction_id=transaction_id,
            parent=self._window,
        )
        dialog.saved.connect(self._saved)
        self.dialog = dialog
        dialog.show()
        self.opened.emit(dialog)
        return dialog

    @Slot(object)
    def _saved(self, _result: TeachSaved) -> None:
        self.transactions.reload()
        self.messages.reload()
        reload = getattr(self.templates, "reload", None)
        if reload is not None:
            reload()
