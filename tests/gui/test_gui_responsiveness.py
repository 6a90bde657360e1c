"""The window's event loop keeps turning during a run of thousands of messages."""

from __future__ import annotations

import time

import pytest
from gui_support import alert_messages, wait_views
from PySide6.QtCore import Qt, QTimer

pytestmark = [pytest.mark.gui, pytest.mark.imap]

MESSAGES = 3000
TICK_MS = 5
STALL_LIMIT_MS = 50.0


class LoopMeter:
    """A fast timer on the window's thread; the longest gap between two ticks is
    the longest the event loop could not run (plus one tick)."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.last: float | None = None
        self.gaps: list[float] = []

    def start(self) -> None:
        self.last = time.perf_counter()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        if self.last is not None:
            self.gaps.append((now - self.last) * 1000)
        self.last = now

    @property
    def worst_stall_ms(self) -> float:
        return max(0.0, max(self.gaps) - TICK_MS)


def test_the_event_loop_never_stalls_during_a_long_run(
    qtbot, open_window, mailbox, sqlite_url, make_account, record_property
):
    mailbox.deliver(alert_messages(MESSAGES))
    account_id = make_account(sqlite_url, mailbox, name="Thousands")
    window = open_window(sqlite_url)
    meter = LoopMeter()

    meter.start()
    with qtbot.waitSignal(window.runs.finished, timeout=300_000) as done:
        qtbot.mouseClick(window.trigger_button, Qt.MouseButton.LeftButton)
    wait_views(qtbot, window, timeout=60_000)
    meter.stop()

    summary = done.args[1]
    assert summary.status == "succeeded" and summary.found == MESSAGES
    assert window.progress.value() == MESSAGES
    # The views were filled from the run before the meter stopped.
    total = window.transactions.model.rowCount() + window.messages.model.rowCount()
    assert total == MESSAGES
    assert len(meter.gaps) > 100, "the meter barely ran"
    record_property("worst_event_loop_stall_ms", round(meter.worst_stall_ms, 1))
    print(
        f"\nworst event-loop stall during {MESSAGES} messages: "
        f"{meter.worst_stall_ms:.1f} ms over {len(meter.gaps)} ticks"
    )
    assert meter.worst_stall_ms < STALL_LIMIT_MS, (
        f"the window froze for {meter.worst_stall_ms:.1f} ms (account {account_id})"
    )
