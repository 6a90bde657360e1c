"""The status panel: per account, its state, last check, last run and next run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QTreeWidget, QTreeWidgetItem, QWidget

from emailautomation.ui.ledger import AccountStatus
from emailautomation.ui.runs import RunProgress

NextRunSource = Callable[[int], dt.datetime | None]
COLUMNS = ("Account", "State", "Last check", "Last run", "Next run")


def local_time(value: dt.datetime | None) -> str:
    """A stored UTC time (naive) as the person's local time, to the minute."""
    if value is None:
        return "never"
    aware = value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value
    return aware.astimezone().strftime("%Y-%m-%d %H:%M")


def state_text(status: AccountStatus, progress: RunProgress | None) -> str:
    if progress is not None:
        if progress.cancel_requested:
            return "Cancelling…"
        if progress.total == 0:
            return "Running: connecting…"
        return f"Running: {progress.done:,} of {progress.total:,}"
    if status.last_error:
        return f"Failed: {status.last_error}"
    if not status.enabled:
        return "Disabled"
    return "Idle"


def last_run_text(status: AccountStatus) -> str:
    run = status.last_run
    if run is None:
        return "no run yet"
    counts = (
        f"{run.found:,} new: {run.stored:,} stored, {run.ignored:,} ignored, "
        f"{run.failed:,} failed"
    )
    if run.status == "cancelled":
        return f"cancelled after {counts}"
    if run.status == "failed":
        return f"failed ({counts})"
    if run.status == "running":
        return "running"
    return counts


class StatusPanel(QTreeWidget):
    """One row per account; ``show_statuses`` refreshes it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("accountStatusPanel")
        self.setAccessibleName("Account status")
        self.setColumnCount(len(COLUMNS))
        self.setHeaderLabels(list(COLUMNS))
        self.setRootIsDecorated(False)
        self.setAlternatingRowColors(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setUniformRowHeights(True)
        for column, width in ((0, 160), (1, 340), (2, 130), (3, 300)):
            self.setColumnWidth(column, width)
        self._next_run: NextRunSource | None = None

    def set_next_run_source(self, source: NextRunSource | None) -> None:
        """Where "Next run" comes from: a scheduler's ``next_run(account_id)``."""
        self._next_run = source

    def show_statuses(
        self,
        statuses: list[AccountStatus],
        running: dict[int, RunProgress],
    ) -> None:
        self.clear()
        for status in statuses:
            state = state_text(status, running.get(status.id))
            item = QTreeWidgetItem(
                [
                    status.name,
                    state,
                    local_time(status.last_check_at),
                    last_run_text(status),
                    self._next_run_text(status),
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, status.id)
            item.setToolTip(1, state)
            item.setToolTip(3, last_run_text(status))
            if not status.poll_minutes:
                item.setToolTip(4, "Automatic polling is off for this account.")
            self.addTopLevelItem(item)

    def set_state(self, account_id: int, text: str) -> None:
        """Change only an account's State cell (cheap enough for live progress)."""
        for position in range(self.topLevelItemCount()):
            item = self.topLevelItem(position)
            if (
                item is not None
                and item.data(0, Qt.ItemDataRole.UserRole) == account_id
            ):
                if item.text(1) != text:
                    item.setText(1, text)
                    item.setToolTip(1, text)
                return

    def row_texts(self, account_id: int) -> list[str] | None:
        """The texts shown for an account (for tests and screen readers)."""
        for position in range(self.topLevelItemCount()):
            item = self.topLevelItem(position)
            if (
                item is not None
                and item.data(0, Qt.ItemDataRole.UserRole) == account_id
            ):
                return [item.text(c) for c in range(self.columnCount())]
        return None

    def _next_run_text(self, status: AccountStatus) -> str:
        if not status.enabled:
            return "—"
        if not status.poll_minutes:
            return "polling off"
        if self._next_run is None:
            # TODO: the tray scheduler provides next_run(account_id) through
            # set_next_run_source; until it exists nothing runs on a timer.
            return f"every {_interval(status.poll_minutes)} (not scheduled)"
        when = self._next_run(status.id)
        if when is None:
            return "not scheduled"
        return local_time(when)


def _interval(minutes: int) -> str:
    if minutes % 1440 == 0:
        days = minutes // 1440
        return "day" if days == 1 else f"{days} days"
    if minutes % 60 == 0:
        hours = minutes // 60
        return "hour" if hours == 1 else f"{hours} hours"
    return f"{minutes} min"
