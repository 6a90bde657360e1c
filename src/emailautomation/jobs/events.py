"""Progress events of a run: plain, picklable dataclasses for any listener."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Connecting:
    account_id: int
    account_name: str
    host: str
    port: int


@dataclass(frozen=True, slots=True)
class FoundNew:
    """The server was searched; ``count`` messages will be fetched and read."""

    account_id: int
    count: int


@dataclass(frozen=True, slots=True)
class MessageDone:
    """Message ``index`` (1-based) of ``total`` was read.

    ``summary`` is a short, privacy-safe line (``₹789.00 at BIGBASKET`` or the
    ignore reason); it never holds the body of the mail.
    """

    account_id: int
    index: int
    total: int
    outcome: str
    summary: str


@dataclass(frozen=True, slots=True)
class RunSummary:
    """How a run ended. ``status`` is one of ``store.RunStatus``'s values."""

    account_id: int
    account_name: str
    run_id: int | None
    status: str
    found: int = 0
    stored: int = 0
    ignored: int = 0
    failed: int = 0
    skipped: int = 0
    error: str | None = None
    error_kind: str | None = None
    new_transactions: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status in ("succeeded", "cancelled")


@dataclass(frozen=True, slots=True)
class Finished:
    summary: RunSummary


ProgressEvent = Connecting | FoundNew | MessageDone | Finished
ProgressCallback = Callable[[ProgressEvent], None]
CancelCheck = Callable[[], bool]
