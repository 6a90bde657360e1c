"""Run in a fresh process: open the window, press Trigger Processing, and
report the event loop's longest stall as JSON on stdout.

A fresh process is what a person's app is; inside the test process, hundreds
of earlier tests' objects and threads would be measured too.
Usage: python responsiveness_run.py DB_URL SETTINGS_FILE
"""

from __future__ import annotations

import json
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

TICK_MS = 5


class LoopMeter:
    """A fast timer on the window's thread; the longest gap between two ticks,
    less one tick, is the longest the event loop could not run."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.last = time.perf_counter()
        self.gaps: list[float] = []

    def start(self) -> None:
        self.last = time.perf_counter()
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append((now - self.last) * 1000)
        self.last = now

    @property
    def worst_stall_ms(self) -> float:
        return max(0.0, max(self.gaps, default=0.0) - TICK_MS)


def wait_until(app: QApplication, condition, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
    return condition()


def main() -> int:
    db_url, settings_file = sys.argv[1], sys.argv[2]
    app = QApplication(sys.argv[:1])
    from emailautomation.app import configure_application
    from emailautomation.ui.main_window import MainWindow

    configure_application(app)
    window = MainWindow(
        db_url, settings=QSettings(settings_file, QSettings.Format.IniFormat)
    )
    window.show()

    def views_loaded() -> bool:
        return not (
            window.transactions.loading
            or window.messages.loading
            or window.statuses_loading
        )

    wait_until(app, views_loaded, 30)
    finished = []
    window.runs.finished.connect(lambda *args: finished.append(args[1]))
    meter = LoopMeter()
    meter.start()
    QTest.mouseClick(window.trigger_button, Qt.MouseButton.LeftButton)
    wait_until(app, lambda: bool(finished), 300)
    wait_until(app, views_loaded, 60)
    meter.timer.stop()

    summary = finished[0] if finished else None
    print(
        json.dumps(
            {
                "status": summary.status if summary else None,
                "found": summary.found if summary else None,
                "progress": window.progress.value(),
                "rows": window.transactions.model.rowCount()
                + window.messages.model.rowCount(),
                "ticks": len(meter.gaps),
                "worst_stall_ms": round(meter.worst_stall_ms, 1),
            }
        ),
        flush=True,
    )
    window.runs.shutdown()
    window.close()
    # PySide can crash while tearing down at interpreter exit; the result is out.
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
