"""Processing jobs: the one seam through which mail becomes transactions."""

from emailautomation.jobs.events import (
    Connecting,
    Finished,
    FoundNew,
    MessageDone,
    ProgressEvent,
    RunSummary,
)
from emailautomation.jobs.process import process_account, reread_messages

__all__ = [
    "Connecting",
    "Finished",
    "FoundNew",
    "MessageDone",
    "ProgressEvent",
    "RunSummary",
    "process_account",
    "reread_messages",
]
