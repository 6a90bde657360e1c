"""Event-loop stalls while the window's run machinery processes a mailbox.

``python bench/gui_run.py DB_URL ACCOUNT_ID [--freeze]``, under
``QT_QPA_PLATFORM=offscreen``.
Starts one run the way the window does (``ui.runs.ProcessingRuns``, else
``ui.workers.ProcessingRunnable`` on a ``QThreadPool``, else plain
``process_account`` on a pool worker), feeds its progress into a progress bar
and its log lines into a text pane, and meanwhile a precise 5 ms ``QTimer``
records the gaps between its ticks on the GUI thread. Prints one JSON line.

``--freeze`` calls ``gc.freeze()`` once the window is up, as an application
may after start-up, to show what that does to the collector's pauses.
"""

from __future__ import annotations

import gc
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
    """Gaps between timer ticks on the GUI thread, while a run is going.

    Garbage-collector pauses (any thread) are recorded too: a full collection
    holds the interpreter lock, so it stalls the window whoever triggers it.
    """

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        # (end, length, process CPU seconds used meanwhile by all threads)
        self.gaps: list[tuple[float, float, float]] = []
        self.collections: list[tuple[float, float, int]] = []  # (end, length, gen)
        self._last = 0.0
        self._last_cpu = 0.0
        self._gc_started = 0.0

    def start(self) -> None:
        self._last = time.perf_counter()
        self._last_cpu = time.process_time()
        gc.callbacks.append(self._on_gc)
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        gc.callbacks.remove(self._on_gc)

    def _tick(self) -> None:
        now = time.perf_counter()
        cpu = time.process_time()
        self.gaps.append((now, now - self._last, cpu - self._last_cpu))
        self._last = now
        self._last_cpu = cpu

    def _on_gc(self, phase: str, info: dict) -> None:
        now = time.perf_counter()
        if phase == "start":
            self._gc_started = now
        else:
            self.collections.append((now, now - self._gc_started, info["generation"]))

    def report(self) -> dict:
        lengths = sorted(length for _end, length, _cpu in self.gaps)
        worst_end, worst, worst_cpu = max(
            self.gaps, key=lambda g: g[1], default=(0.0, 0.0, 0.0)
        )
        # Collector time inside the worst gap: the overlap of the two spans.
        in_worst = [
            (min(end, worst_end) - max(end - length, worst_end - worst), gen)
            for end, length, gen in self.collections
            if end > worst_end - worst and end - length < worst_end
        ]
        full = [length for _end, length, gen in self.collections if gen == 2]
        return {
            "ticks": len(lengths),
            "tick_ms": TICK_MS,
            "worst_gap_ms": worst * 1000,
            "worst_stall_ms": max(0.0, worst * 1000 - TICK_MS),
            "p99_gap_ms": lengths[int(len(lengths) * 0.99)] * 1000 if lengths else 0,
            "gaps_over_50ms": sum(1 for g in lengths if g > 0.050),
            "gc_full_collections": len(full),
            "gc_longest_full_ms": max(full, default=0.0) * 1000,
            "gc_in_worst_gap_ms": sum(length for length, _gen in in_worst) * 1000,
            # Well under 1: this process was mostly waiting for a CPU (a busy
            # machine), not holding its own window up.
            "cpu_share_in_worst_gap": worst_cpu / worst if worst else 0.0,
        }


def main(db_url: str, account_id: int, *, freeze: bool = False) -> dict:
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

    if freeze:
        # Start-up objects move out of the collector's sight for good, so a
        # full collection no longer walks them.
        gc.freeze()
    meter = StallMeter()
    outcome: dict = {"gc_frozen": freeze}
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

    return {"driver": driver, **meter.report(), **outcome}


if __name__ == "__main__":
    result = main(sys.argv[1], int(sys.argv[2]), freeze="--freeze" in sys.argv[3:])
    print(json.dumps(result), flush=True)
    # PySide6 6.12 can crash while the interpreter tears Qt objects down
    # ("bool_dealloc"); the measurement is out, so skip that teardown.
    os._exit(0)
