"""Event-loop stalls while the window's run machinery processes a mailbox.

``python bench/gui_run.py DB_URL ACCOUNT_ID`` (``QT_QPA_PLATFORM=offscreen``).
Starts one run the way the window does (``ui.runs.ProcessingRuns``, else
``ui.workers.ProcessingRunnable`` on a ``QThreadPool``, else plain
``process_account`` on a pool worker), feeds its progress into a progress bar
and its log lines into a text pane, and meanwhile a precise 5 ms ``QTimer``
records the gaps between its ticks on the GUI thread. Prints one JSON line.
"""

from __future__ import annotations

import json
import os
import sys
import time
from functools import partial

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QPlainTextEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

TICK_MS = 5


class _PlainSignals(QObject):
    progress = Signal(int, int, int)
    finished = Signal(int, object)


class _PlainRun(QRunnable):
    """The fallback when the window's workers do not exist yet."""

    def __init__(self, account_id: int, db_url: str) -> None:
        super().__init__()
        self.account_id = account_id
        self.db_url = db_url
        self.signals = _PlainSignals()

    def run(self) -> None:
        from emailautomation.jobs import process_account
        from emailautomation.jobs.events import MessageDone

        def relay(event: object) -> None:
            if isinstance(event, MessageDone) and event.index % 100 == 0:
                self.signals.progress.emit(self.account_id, event.index, event.total)

        summary = process_account(self.account_id, self.db_url, relay)
        self.signals.finished.emit(self.account_id, summary)


class StallMeter:
    """Gaps between timer ticks on the GUI thread, while a run is going."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.gaps: list[float] = []
        self._last = 0.0

    def start(self) -> None:
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append(now - self._last)
        self._last = now


def main(db_url: str, account_id: int) -> dict:
    app = QApplication(sys.argv[:1])
    window = QWidget()
    layout = QVBoxLayout(window)
    bar = QProgressBar()
    pane = QPlainTextEdit()
    pane.setReadOnly(True)
    pane.setMaximumBlockCount(5000)
    layout.addWidget(bar)
    layout.addWidget(pane)
    window.resize(800, 600)
    window.show()

    meter = StallMeter()
    outcome: dict = {}
    clock = {"started": 0.0}

    def on_progress(_account: int, done: int, total: int) -> None:
        bar.setMaximum(max(total, 1))
        bar.setValue(done)

    def on_message(_account: int, text: str) -> None:
        pane.appendPlainText(text)

    def on_finished(_account: int, summary: object) -> None:
        outcome["found"] = getattr(summary, "found", None)
        outcome["status"] = getattr(summary, "status", None)
        finish()

    def on_failed(_account: int, reason: str) -> None:
        outcome["status"] = "failed"
        outcome["error"] = reason
        finish()

    def finish() -> None:
        outcome["seconds"] = time.perf_counter() - clock["started"]
        meter.stop()
        app.quit()

    try:
        from emailautomation.ui.runs import ProcessingRuns
    except ImportError:
        ProcessingRuns = None
    if ProcessingRuns is not None:
        driver = "ui.runs.ProcessingRuns (ProcessingRunnable on its QThreadPool)"
        runs = ProcessingRuns(db_url)
        runs.progress.connect(on_progress)
        runs.message.connect(on_message)
        runs.finished.connect(on_finished)
        runs.failed.connect(on_failed)
        start_run = partial(runs.start, account_id)
    else:
        try:
            from emailautomation.ui.workers import ProcessingRunnable
        except ImportError:
            driver = "process_account on a QThreadPool worker (no ui.workers yet)"
            runnable: QRunnable = _PlainRun(account_id, db_url)
        else:
            driver = "ui.workers.ProcessingRunnable on a QThreadPool"
            runnable = ProcessingRunnable(account_id, db_url)
            runnable.signals.message.connect(on_message)
            runnable.signals.failed.connect(on_failed)
        runnable.signals.progress.connect(on_progress)
        runnable.signals.finished.connect(on_finished)
        start_run = partial(QThreadPool.globalInstance().start, runnable)

    def begin() -> None:
        # Measure from the moment the run starts, not the window's first paint.
        clock["started"] = time.perf_counter()
        meter.start()
        start_run()

    QTimer.singleShot(200, begin)
    app.exec()

    gaps = sorted(meter.gaps)
    worst = gaps[-1] if gaps else 0.0
    return {
        "driver": driver,
        "ticks": len(gaps),
        "tick_ms": TICK_MS,
        "worst_gap_ms": worst * 1000,
        "worst_stall_ms": max(0.0, worst * 1000 - TICK_MS),
        "p99_gap_ms": gaps[int(len(gaps) * 0.99)] * 1000 if gaps else 0.0,
        "gaps_over_50ms": sum(1 for g in gaps if g > 0.050),
        **outcome,
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], int(sys.argv[2]))), flush=True)
    # PySide6 6.12 can crash while the interpreter tears Qt objects down
    # ("bool_dealloc"); the measurement is out, so skip that teardown.
    os._exit(0)
