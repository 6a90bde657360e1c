"""Evidence of which thread made and used each SQLAlchemy session.

``SessionThreads`` listens to Session class events: the thread in which a
session began its first transaction, and every thread that flushed it.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session


@dataclass
class SessionThreads:
    created_in: dict[int, int] = field(default_factory=dict)
    flushed_in: dict[int, set[int]] = field(default_factory=dict)
    pid: int = field(default_factory=os.getpid)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _begin(self, session: Session, transaction: Any) -> None:
        if transaction.parent is None:
            with self._lock:
                self.created_in.setdefault(id(session), threading.get_ident())

    def _flush(self, session: Session, _context: Any, _instances: Any) -> None:
        with self._lock:
            self.flushed_in.setdefault(id(session), set()).add(threading.get_ident())

    def __enter__(self) -> SessionThreads:
        event.listen(Session, "after_transaction_create", self._begin)
        event.listen(Session, "before_flush", self._flush)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(Session, "after_transaction_create", self._begin)
        event.remove(Session, "before_flush", self._flush)

    def writer_threads(self) -> set[int]:
        """Threads that flushed (wrote through) any session."""
        return set().union(*self.flushed_in.values()) if self.flushed_in else set()

    def sessions_used_across_threads(self) -> list[int]:
        """Sessions flushed from a thread other than the one they began in."""
        return [
            sid
            for sid, threads in self.flushed_in.items()
            if threads != {self.created_in.get(sid)}
        ]


def run_job_recording(account_id: int, db_url: str) -> dict[str, Any]:
    """Run the job in this process and report where its sessions lived.

    Module level so that a spawned subprocess can import and call it.
    """
    from emailautomation.jobs import process_account

    with SessionThreads() as threads:
        summary = process_account(account_id, db_url)
    return {
        "pid": os.getpid(),
        "thread": threading.get_ident(),
        "writers": sorted(threads.writer_threads()),
        "crossed": threads.sessions_used_across_threads(),
        "stored": summary.stored,
        "status": summary.status,
    }
