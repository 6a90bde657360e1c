"""The transactions view's Category column editor and the "make it a rule" offer."""

from __future__ import annotations

import logging

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    QStringListModel,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from emailautomation.ledger import Match, RuleDraft
from emailautomation.ui.books import (
    RuleMade,
    RuleOffer,
    count_rule_matches,
    make_rule,
    rule_problems,
)
from emailautomation.ui.runs import BackgroundTasks
from emailautomation.ui.workers import StoreTask, TaskError

log = logging.getLogger(__name__)

RECOUNT_DELAY_MS = 300
MATCH_CHOICES = (
    (Match.CONTAINS.value, "contains"),
    (Match.STARTS_WITH.value, "starts with"),
    (Match.REGEX.value, "matches the regular expression"),
)


def error_colour(palette: QPalette) -> str:
    """A red that stays readable on a dark window background as on a light one."""
    dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
    return "#ff8a80" if dark else "#b71c1c"


def transactions_text(count: int) -> str:
    return f"{count} transaction{'' if count == 1 else 's'}"


def index_of_category(model: QAbstractItemModel) -> int:
    for column in range(model.columnCount()):
        if model.headerData(column, Qt.Orientation.Horizontal) == "Category":
            return column
    raise LookupError("the model has no Category column")


class CategoryDelegate(QStyledItemDelegate):
    """A line edit completing the category names already in use.

    The names come from the rows shown (read when the editor opens) and from
    ``set_known`` (the rules and defaults).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._known: list[str] = []

    def set_known(self, names: list[str]) -> None:
        self._known = list(names)

    def names_for(self, model: QAbstractItemModel) -> list[str]:
        names = set(self._known)
        column = index_of_category(model)
        for row in range(model.rowCount()):
            value = model.index(row, column).data(Qt.ItemDataRole.EditRole)
            if value:
                names.add(value)
        return sorted(names, key=str.casefold)

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        editor = QLineEdit(parent)
        editor.setObjectName("categoryEditor")
        editor.setAccessibleName("Category")
        editor.setPlaceholderText("e.g. Expenses:Food; empty: the rules decide")
        completer = QCompleter(QStringListModel(self.names_for(index.model())), editor)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        editor.setCompleter(completer)
        return editor


class RuleOfferBar(QFrame):
    """Below the table after a category change: "make this a rule for the
    merchant?", with the pattern editable and a live count of the
    uncategorised transactions the rule would change. Never modal.

    Signals:
        ruleMade(RuleMade): the rule was added (and applied, when asked).
        failed(message): adding the rule failed; the offer stays.
        counted(count): the count shown was worked out again.
    """

    ruleMade = Signal(object)
    failed = Signal(str)
    counted = Signal(int)

    def __init__(
        self, db_url: str, tasks: BackgroundTasks, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.db_url = db_url
        self.tasks = tasks
        self._offer: RuleOffer | None = None
        self._count_for: RuleDraft | None = None
        self._busy = False
        self._problem: str | None = None

        self.setObjectName("ruleOffer")
        self.setAccessibleName("Make a category rule")
        self.setFrameShape(QFrame.Shape.StyledPanel)

        self.question = QLabel()
        self.question.setObjectName("ruleOfferQuestion")
        self.question.setWordWrap(True)
        self.question.setTextFormat(Qt.TextFormat.PlainText)

        self.match_combo = QComboBox()
        self.match_combo.setObjectName("ruleOfferMatch")
        self.match_combo.setAccessibleName("How the rule matches the merchant")
        for value, title in MATCH_CHOICES:
            self.match_combo.addItem(title, value)
        self.pattern_edit = QLineEdit()
        self.pattern_edit.setObjectName("ruleOfferPattern")
        self.pattern_edit.setAccessibleName("Merchant pattern of the rule")
        self.pattern_edit.setToolTip(
            "Shorten the merchant to what every alert of it contains, e.g. "
            "SWIGGY instead of SWIGGY BANGALORE 560001"
        )
        self.category_label = QLabel()
        self.category_label.setObjectName("ruleOfferCategory")
        self.category_label.setTextFormat(Qt.TextFormat.PlainText)

        self.count_label = QLabel()
        self.count_label.setObjectName("ruleOfferCount")
        self.count_label.setAccessibleName("Transactions the rule would change")
        self.count_label.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("ruleOfferError")
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setStyleSheet(f"color: {error_colour(self.palette())};")
        self.error.hide()

        self.apply_button = QPushButton("Make rule and &apply")
        self.apply_button.setObjectName("ruleOfferApply")
        self.apply_button.setAccessibleName("Make the rule and categorise the rows")
        self.apply_button.setDefault(True)
        self.rule_only_button = QPushButton("Rule &only")
        self.rule_only_button.setObjectName("ruleOfferRuleOnly")
        self.rule_only_button.setToolTip(
            "Add the rule for new transactions; leave the stored ones as they are"
        )
        self.dismiss_button = QPushButton("&Not now")
        self.dismiss_button.setObjectName("ruleOfferDismiss")

        pattern_row = QHBoxLayout()
        pattern_row.addWidget(QLabel("Merchant"))
        pattern_row.addWidget(self.match_combo)
        pattern_row.addWidget(self.pattern_edit, 1)
        pattern_row.addWidget(self.category_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count_label, 1)
        buttons.addWidget(self.apply_button)
        buttons.addWidget(self.rule_only_button)
        buttons.addWidget(self.dismiss_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.question)
        layout.addLayout(pattern_row)
        layout.addWidget(self.error)
        layout.addLayout(buttons)

        self._recount = QTimer(self)
        self._recount.setSingleShot(True)
        self._recount.setInterval(RECOUNT_DELAY_MS)
        self._recount.timeout.connect(self._count)
        self.pattern_edit.textChanged.connect(self._draft_changed)
        self.match_combo.currentIndexChanged.connect(self._draft_changed)
        self.apply_button.clicked.connect(lambda: self._make(apply=True))
        self.rule_only_button.clicked.connect(lambda: self._make(apply=False))
        self.dismiss_button.clicked.connect(self.dismiss)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.dismiss)
        self.hide()

    # -- the offer ----------------------------------------------------------

    def offer(self, offer: RuleOffer) -> None:
        """Show the offer for a transaction whose category was just chosen."""
        self._offer = offer
        self._count_for = offer.draft
        self.question.setText(
            f"Make this a rule? Transactions from {offer.merchant!r} would get "
            f"{offer.draft.category} from now on."
        )
        self.category_label.setText(f"→ {offer.draft.category}")
        for widget in (self.pattern_edit, self.match_combo):
            widget.blockSignals(True)
        self.pattern_edit.setText(offer.draft.pattern)
        self.match_combo.setCurrentIndex(
            max(0, self.match_combo.findData(offer.draft.match))
        )
        for widget in (self.pattern_edit, self.match_combo):
            widget.blockSignals(False)
        self._show_problem(None)
        self._show_count(offer.matching)
        self._set_busy(False)
        self.show()

    @property
    def current_offer(self) -> RuleOffer | None:
        return self._offer if self.isVisible() else None

    def draft(self) -> RuleDraft | None:
        """The rule as the bar now says it."""
        if self._offer is None:
            return None
        base = self._offer.draft
        return RuleDraft(
            match=self.match_combo.currentData(),
            pattern=self.pattern_edit.text(),
            category=base.category,
            payee=base.payee,
            account_digits=base.account_digits,
            direction=base.direction,
        )

    @Slot()
    def dismiss(self) -> None:
        self._recount.stop()
        self._offer = None
        self.hide()

    def _show_count(self, count: int) -> None:
        if count:
            text = (
                f"It would also categorise {transactions_text(count)} that have "
                "no category yet."
            )
        else:
            text = "No other uncategorised transaction matches it now."
        self.count_label.setText(text)

    def _show_problem(self, problem: str | None) -> None:
        self._problem = problem
        self.error.setText(problem or "")
        self.error.setVisible(problem is not None)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        valid = self._problem is None
        self.apply_button.setEnabled(valid and not busy)
        self.rule_only_button.setEnabled(valid and not busy)

    # -- counting -----------------------------------------------------------

    @Slot()
    def _draft_changed(self) -> None:
        draft = self.draft()
        if draft is None:
            return
        problem = rule_problems(draft).get("pattern")
        self._show_problem(problem)
        self._set_busy(self._busy)
        if problem is not None:
            self._recount.stop()
            self.count_label.setText("")
            return
        self.count_label.setText("Counting…")
        self._recount.start()

    @Slot()
    def _count(self) -> None:
        draft = self.draft()
        if draft is None or rule_problems(draft):
            return
        self._count_for = draft
        self.tasks.submit(
            StoreTask(self.db_url, count_rule_matches, draft),
            done=self._on_counted,
            failed=self._on_count_failed,
        )

    @Slot(object)
    def _on_counted(self, result: tuple[RuleDraft, int]) -> None:
        draft, count = result
        if self._offer is None or draft != self.draft():
            return  # the person typed on; a newer count is coming
        self._show_count(count)
        self.counted.emit(count)

    @Slot(object)
    def _on_count_failed(self, error: TaskError) -> None:
        self.count_label.setText(f"Could not count the matches: {error.message}")

    # -- making the rule ----------------------------------------------------

    def _make(self, *, apply: bool) -> None:
        draft = self.draft()
        if self._offer is None or draft is None or self._busy:
            return
        problem = rule_problems(draft).get("pattern")
        if problem is not None:
            self._show_problem(problem)
            return
        self._set_busy(True)
        self.count_label.setText("Adding the rule…")
        self.tasks.submit(
            StoreTask(self.db_url, make_rule, self._offer.transaction_id, draft, apply),
            done=self._on_made,
            failed=self._on_make_failed,
        )

    @Slot(object)
    def _on_made(self, made: RuleMade) -> None:
        log.info("rule made from a category change: %s", made.rule.describe())
        self._set_busy(False)
        self.dismiss()
        self.ruleMade.emit(made)

    @Slot(object)
    def _on_make_failed(self, error: TaskError) -> None:
        self._set_busy(False)
        # Shown, but not a problem of the draft: trying again stays possible.
        self.error.setText(f"The rule was not added: {error.message}")
        self.error.show()
        self.count_label.setText("")
        self.failed.emit(error.message)


def rule_made_text(made: RuleMade) -> str:
    changed = (
        f"; {transactions_text(made.changed)} categorised"
        if made.changed
        else "; no other transaction changed"
    )
    return f"Rule added first in the table: {made.rule.describe()}{changed}."
