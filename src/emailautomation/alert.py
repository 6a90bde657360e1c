"""The plain value every layer shares: one e-mail reduced to what extraction reads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Alert:
    """One decoded e-mail.

    Attributes:
        sender: the lower-cased address of the From header (``alerts@bank.com``).
        sender_name: the display name of the From header, or "".
        sent_at: the Date header as an aware datetime, or None when absent.
        text: the decoded ``text/plain`` body, or None.
        html: the decoded ``text/html`` body, or None.
    """

    sender: str
    sender_name: str
    subject: str
    sent_at: dt.datetime | None
    text: str | None
    html: str | None
    message_id: str | None = None

    @property
    def sender_domain(self) -> str:
        return self.sender.rpartition("@")[2]
