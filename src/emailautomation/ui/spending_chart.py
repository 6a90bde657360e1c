"""The Spending tab: monthly spending as stacked bars, per category or per account."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QDate, QMargins, Qt, Signal, Slot
from PySide6.QtGui import QPainter, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from emailautomation.ledger import MonthlyTotal
from emailautomation.ui.books import (
    SpendingBars,
    currencies_of,
    load_spending,
    spending_bars,
)
from emailautomation.ui.ledger import money
from emailautomation.ui.runs import BackgroundTasks
from emailautomation.ui.workers import StoreTask, TaskError

log = logging.getLogger(__name__)

ANY_DATE = QDate(2000, 1, 1)
GROUPINGS = (("category", "Category"), ("account", "Account paid from"))
MOST_STACKS = 8  # more keys than this are summed into "Other"


def month_label(month: dt.date) -> str:
    return month.strftime("%b %Y")


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


class SpendingChartPage(QWidget):
    """Purchases less refunds per month, stacked by category or by the account
    paid from, in one currency at a time (currencies are never added up).

    The totals are read on the pool whenever the tab is shown or a choice
    changes. Amounts stay ``Decimal`` until a bar is drawn.

    Signals:
        loaded(): the chart shows the totals just read.
    """

    loaded = Signal()

    def __init__(
        self, db_url: str, tasks: BackgroundTasks, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.db_url = db_url
        self.tasks = tasks
        self.totals: list[MonthlyTotal] = []
        self.bars = SpendingBars("", (), (), ())
        self._loading = False
        self._load_again = False
        self.setObjectName("spendingPage")

        self.by_combo = QComboBox()
        self.by_combo.setObjectName("spendingBy")
        self.by_combo.setAccessibleName("Stack spending by")
        for value, title in GROUPINGS:
            self.by_combo.addItem(title, value)
        self.currency_combo = QComboBox()
        self.currency_combo.setObjectName("spendingCurrency")
        self.currency_combo.setAccessibleName("Currency shown")
        self.since_edit = _date_edit("spendingSince", "From date")
        self.until_edit = _date_edit("spendingUntil", "To date")
        self.refresh_button = QPushButton("Re&fresh")
        self.refresh_button.setObjectName("spendingRefresh")

        controls = QHBoxLayout()
        for text, widget in (
            ("&By:", self.by_combo),
            ("C&urrency:", self.currency_combo),
            ("Fro&m:", self.since_edit),
            ("To:", self.until_edit),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            controls.addWidget(label)
            controls.addWidget(widget)
        controls.addStretch(1)
        controls.addWidget(self.refresh_button)

        self.chart = QChart()
        self.chart.setObjectName("spendingChart")
        self.chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)
        self.chart.setMargins(QMargins(4, 4, 4, 4))
        self.chart_view = QChartView(self.chart)
        self.chart_view.setObjectName("spendingChartView")
        self.chart_view.setAccessibleName("Monthly spending chart")
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)

        self.summary = QLabel()
        self.summary.setObjectName("spendingSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.hover = QLabel(" ")
        self.hover.setObjectName("spendingHover")

        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.chart_view, 1)
        layout.addWidget(self.hover)
        layout.addWidget(self.summary)

        self.by_combo.currentIndexChanged.connect(self.reload)
        self.since_edit.dateChanged.connect(self.reload)
        self.until_edit.dateChanged.connect(self.reload)
        self.refresh_button.clicked.connect(self.reload)
        self.currency_combo.currentIndexChanged.connect(self._draw)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.reload()  # new runs or categories may have changed the totals

    @property
    def loading(self) -> bool:
        return self._loading

    # -- loading ------------------------------------------------------------

    @Slot()
    def reload(self) -> None:
        if self._loading:
            self._load_again = True
            return
        since, until = _chosen_date(self.since_edit), _chosen_date(self.until_edit)
        if since and until and since > until:
            self._show_message("The From date is after the To date.")
            return
        self._loading = True
        self.tasks.submit(
            StoreTask(
                self.db_url, load_spending, since, until, self.by_combo.currentData()
            ),
            done=self._on_loaded,
            failed=self._on_failed,
        )

    @Slot(object)
    def _on_loaded(self, totals: list[MonthlyTotal]) -> None:
        self._loading = False
        if self._load_again:
            self._load_again = False
            self.reload()
            return
        self.totals = totals
        current = self.currency_combo.currentText()
        currencies = currencies_of(totals)
        self.currency_combo.blockSignals(True)
        self.currency_combo.clear()
        self.currency_combo.addItems(currencies)
        if current in currencies:
            self.currency_combo.setCurrentText(current)
        self.currency_combo.blockSignals(False)
        self._draw()
        self.loaded.emit()

    @Slot(object)
    def _on_failed(self, error: TaskError) -> None:
        self._loading = False
        self._show_message(f"Could not read the spending: {error.message}")
        if self._load_again:
            self._load_again = False
            self.reload()

    # -- drawing ------------------------------------------------------------

    def _follow_palette(self) -> None:
        dark = self.palette().color(QPalette.ColorRole.Window).lightness() < 128
        theme = (
            QChart.ChartTheme.ChartThemeDark
            if dark
            else QChart.ChartTheme.ChartThemeLight
        )
        if self.chart.theme() != theme:
            self.chart.setTheme(theme)

    def _clear(self) -> None:
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)

    def _show_message(self, text: str) -> None:
        self._clear()
        self.bars = SpendingBars("", (), (), ())
        self.chart.setTitle(text)
        self.summary.setText("")

    @Slot()
    def _draw(self) -> None:
        currency = self.currency_combo.currentText()
        if not currency:
            self._show_message(
                "No spending to show: only Expenses categories count, and no "
                "transaction in this range has one."
            )
            return
        self._follow_palette()
        self._clear()
        self.bars = spending_bars(self.totals, currency, MOST_STACKS)
        by = self.by_combo.currentText().lower()
        self.chart.setTitle(f"Spending per month by {by}, {currency}")

        series = QStackedBarSeries()
        series.setObjectName("spendingSeries")
        for key, amounts in self.bars.stacks:
            bar_set = QBarSet(key)
            # Drawing needs floats; every sum above was made in Decimal.
            bar_set.append([float(amount) for amount in amounts])
            bar_set.hovered.connect(
                lambda on, index, key=key, amounts=amounts: self._hovered(
                    on, key, index, amounts
                )
            )
            series.append(bar_set)
        self.chart.addSeries(series)

        months = QBarCategoryAxis()
        months.append([month_label(m) for m in self.bars.months])
        self.chart.addAxis(months, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(months)
        values = QValueAxis()
        values.setLabelFormat("%.0f")
        values.setTitleText(currency)
        low = min((Decimal(0), *self._lowest_stacks()))
        high = max((Decimal(0), *self._highest_stacks()))
        values.setRange(float(low), float(high) if high > low else 1.0)
        values.applyNiceNumbers()
        self.chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(values)

        self.summary.setText(
            f"Total {currency}: "
            + " · ".join(
                f"{month_label(month)} {money(total)}"
                for month, total in zip(
                    self.bars.months, self.bars.month_totals, strict=True
                )
            )
        )

    def _highest_stacks(self) -> list[Decimal]:
        # A stack's top is the sum of its positive parts; refunds go below 0.
        return [
            sum((a[i] for _k, a in self.bars.stacks if a[i] > 0), Decimal(0))
            for i in range(len(self.bars.months))
        ]

    def _lowest_stacks(self) -> list[Decimal]:
        return [
            sum((a[i] for _k, a in self.bars.stacks if a[i] < 0), Decimal(0))
            for i in range(len(self.bars.months))
        ]

    def _hovered(
        self, on: bool, key: str, index: int, amounts: tuple[Decimal, ...]
    ) -> None:
        if not on or not 0 <= index < len(self.bars.months):
            self.hover.setText(" ")
            return
        month = month_label(self.bars.months[index])
        self.hover.setText(
            f"{key}, {month}: {self.bars.currency} {money(amounts[index])}"
        )

    # -- what the chart shows, for a reader of the numbers -------------------

    def shown_amounts(self) -> dict[tuple[str, dt.date], float]:
        """(key, month) → the height of that bar segment as drawn."""
        shown: dict[tuple[str, dt.date], float] = {}
        for series in self.chart.series():
            assert isinstance(series, QStackedBarSeries)
            for bar_set in series.barSets():
                for index, month in enumerate(self.bars.months):
                    shown[(bar_set.label(), month)] = bar_set.at(index)
        return shown

    def month_labels(self) -> list[str]:
        axes = self.chart.axes(Qt.Orientation.Horizontal)
        if not axes:
            return []
        axis = axes[0]
        assert isinstance(axis, QBarCategoryAxis)
        return list(axis.categories())
