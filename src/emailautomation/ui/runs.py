"""Which accounts are being processed: one run per account, started on a thread pool.

Everything that starts a run (the window's buttons, and later the tray and
the scheduler) goes through ``ProcessingRuns.start``, so a second trigger for
an account that is already running is refused instead of queued twice.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QRunnable, QThread, QThreadPool, Signal, Slot

from emailautomation.jobs.events import RunSummary
from emailautomation.ui.workers import ProcessingRunnable, RunSignals

log = logging.getLogger(__name__)


@dataclass(slots=True)
class RunProgress:
    """How far a running account is: ``total`` 0 while connecting."""

    done: int = 0
    total: int = 0
    cancel_requested: bool = False


class ProcessingRuns(QObject):
    """The runs going on, keyed by account id.

    Signals (all delivered on the thread that owns this object):
        started(account_id)
        progress(account_id, done, total)
        message(account_id, text): log lines from the run
        finished(account_id, RunSummary): the job returned, any status
        failed(account_id, reason): the job could not run at all
        refused(account_id, reason): a start was refused (already running)
        idle(): the last running account ended
    """

    started = Signal(int)
    progress = Signal(int, int, int)
    message = Signal(int, str)
    finished = Signal(int, object)
    failed = Signal(int, str)
    refused = Signal(int, str)
    idle = Signal()

    def __init__(
        self,
        db_url: str,
        *,
        max_parallel: int | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.db_url = db_url
        _shorten_switch_interval()
        self.pool = QThreadPool(self)
        # Runs mostly wait on the network; more threads than cores is fine.
        self.pool.setMaxThreadCount(max_parallel or max(4, QThread.idealThreadCount()))
        self._runs: dict[int, ProcessingRunnable] = {}
        self._signals: dict[int, RunSignals] = {}
        self._progress: dict[int, RunProgress] = {}

    # -- queries ------------------------------------------------------------

    def is_running(self, account_id: int) -> bool:
        return account_id in self._runs

    def running(self) -> frozenset[int]:
        return frozenset(self._runs)

    def progress_of(self, account_id: int) -> RunProgress | None:
        return self._progress.get(account_id)

    # -- control ------------------------------------------------------------

    def start(self, account_id: int) -> bool:
        """Start a run for the account; False (and ``refused``) if one is going."""
        if account_id in self._runs:
            reason = "is already being processed; wait for it or cancel it"
            log.info("refused a second run of account %s", account_id)
            self.refused.emit(account_id, reason)
            return False
        runnable = ProcessingRunnable(account_id, self.db_url)
        signals = runnable.signals
        signals.progress.connect(self._on_progress)
        signals.message.connect(self._on_message)
        signals.finished.connect(self._on_finished)
        signals.failed.connect(self._on_failed)
        self._runs[account_id] = runnable
        self._signals[account_id] = signals
        self._progress[account_id] = RunProgress()
        self.started.emit(account_id)
        self.pool.start(runnable)
        log.debug("run of account %s queued", account_id)
        return True

    def start_many(self, account_ids: Iterable[int]) -> list[int]:
        """Start each account not already running; returns those started."""
        return [a for a in account_ids if not self.is_running(a) and self.start(a)]

    def cancel(self, account_id: int) -> bool:
        """Ask the account's run to stop between messages; False if none runs."""
        runnable = self._runs.get(account_id)
        if runnable is None:
            return False
        runnable.cancel()
        self._progress[account_id].cancel_requested = True
        return True

    def cancel_all(self) -> None:
        for account_id in list(self._runs):
            self.cancel(account_id)

    def shutdown(self, timeout_ms: int = 15000) -> bool:
        """Cancel every run and wait for the threads; True if all ended in time."""
        self.cancel_all()
        return self.pool.waitForDone(timeout_ms)

    # -- from the workers ---------------------------------------------------

    @Slot(int, int, int)
    def _on_progress(self, account_id: int, done: int, total: int) -> None:
        state = self._progress.get(account_id)
        if state is None:
            return
        state.done, state.total = done, total
        self.progress.emit(account_id, done, total)

    @Slot(int, str)
    def _on_message(self, account_id: int, text: str) -> None:
        self.message.emit(account_id, text)

    @Slot(int, object)
    def _on_finished(self, account_id: int, summary: RunSummary) -> None:
        self._release(account_id)
        self.finished.emit(account_id, summary)
        self._maybe_idle()

    @Slot(int, str)
    def _on_failed(self, account_id: int, reason: str) -> None:
        self._release(account_id)
        self.failed.emit(account_id, reason)
        self._maybe_idle()

    def _release(self, account_id: int) -> None:
        self._runs.pop(account_id, None)
        self._progress.pop(account_id, None)
        signals = self._signals.pop(account_id, None)
        if signals is not None:
            # Deleted on this thread, once the worker is done emitting.
            signals.deleteLater()

    def _maybe_idle(self) -> None:
        if not self._runs:
            self.idle.emit()


# Every call between Python and Qt on the window's thread takes the GIL back
# from the busy run threads; Python lets a holder keep it for the switch
# interval (5 ms by default), so a repaint making hundreds of such calls could
# wait for hundreds of milliseconds. A fifth of a millisecond keeps the window
# fluid and costs the runs little.
GUI_SWITCH_INTERVAL = 0.0002


def _shorten_switch_interval() -> None:
    if sys.getswitchinterval() > GUI_SWITCH_INTERVAL:
        sys.setswitchinterval(GUI_SWITCH_INTERVAL)


class BackgroundTasks(QObject):
    """Short tasks (store reads and writes, connection tests, re-reads) on their
    own pool, so that long processing runs never delay them.

    ``submit`` keeps each runnable's signals alive until its outcome is
    delivered, then deletes them on this thread.
    """

    TERMINAL = ("done", "failed", "succeeded", "finished")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(2)
        self._pending: set[QObject] = set()

    def submit(self, runnable: QRunnable, **slots: Callable[..., object]) -> None:
        """Start ``runnable``, connecting ``slots`` by name to its ``signals``.

        ``tasks.submit(StoreTask(url, load_transactions), done=self.show)``.
        Pass bound methods of objects living on this thread: Qt then delivers
        the outcome here, and drops it if the receiver was destroyed.
        """
        signals: QObject = runnable.signals  # type: ignore[attr-defined]
        self._pending.add(signals)
        for name, slot in slots.items():
            getattr(signals, name).connect(slot)
        for name in self.TERMINAL:
            signal = getattr(signals, name, None)
            if signal is not None:
                signal.connect(self._release)
        self.pool.start(runnable)

    @Slot()
    def _release(self) -> None:
        sender = self.sender()
        if sender in self._pending:
            self._pending.discard(sender)
            sender.deleteLater()

    def busy(self) -> bool:
        return bool(self._pending)

    def wait(self, timeout_ms: int = 10000) -> bool:
        return self.pool.waitForDone(timeout_ms)
