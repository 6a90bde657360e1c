"""Learned templates in the database: save, list, preview on stored mail, re-read.

The functions taking ``db_url`` open and close their own database in the
calling thread, like ``process_account``, so a window can run them on its
thread pool; those taking a ``Session`` work inside the caller's.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from emailautomation.alert import Alert
from emailautomation.errors import EmailAutomationError, MalformedMessage
from emailautomation.extract.model import Extraction
from emailautomation.extract.templates import (
    LearnedTemplate,
    Mark,
    TemplateReader,
    learn,
)
from emailautomation.jobs.events import CancelCheck, ProgressCallback
from emailautomation.jobs.process import reread_messages
from emailautomation.mail.message import parse_alert
from emailautomation.store.database import Database
from emailautomation.store.models import (
    MessageOutcome,
    ProcessedMessage,
    Template,
    Transaction,
)

log = logging.getLogger(__name__)

WAITING = (MessageOutcome.IGNORED.value, MessageOutcome.FAILED.value)


class TemplateNotFound(EmailAutomationError):
    """No learned template with the given id."""


@dataclass(frozen=True, slots=True)
class TemplateInfo:
    """A stored template as lists and pages show it (plain data).

    Attributes:
        transactions: how many stored transactions it produced.
        waiting: how many of its sender's messages are ``ignored``/``failed``.
    """

    id: int
    name: str
    sender: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    transactions: int
    waiting: int
    spec: dict[str, Any]
    sample_text: str


@dataclass(frozen=True, slots=True)
class MessagePreview:
    """What a template would read from one stored message, or why not.

    Attributes:
        outcome: the message's stored outcome (``transaction``, ``ignored``…).
        extraction: what the template reads; ``reason`` says why not.
    """

    message_id: int
    subject: str | None
    sent_at: dt.datetime | None
    outcome: str
    extraction: Extraction

    @property
    def would_become_transaction(self) -> bool:
        """A re-read after saving the template makes this message a transaction."""
        return self.outcome in WAITING and self.extraction.transaction is not None


def sender_clause(column: Any, sender: str) -> ColumnElement[bool]:
    """SQL for "mail of this template sender": the same address, or any
    address at that domain or its subdomains (as ``sender_matches``)."""
    sender = sender.strip().lower()
    if "@" in sender:
        return column == sender
    return column.like(f"%@{sender}") | column.like(f"%.{sender}")


def save_template(session: Session, learned: LearnedTemplate) -> Template:
    """Store a learned template (committed); returns the row with its id."""
    row = Template(
        name=learned.name,
        sender=learned.sender,
        spec=learned.spec,
        sample_text=learned.sample_text,
    )
    session.add(row)
    session.commit()
    log.info("learned template %s for %s", row.id, row.sender)
    return row


def learn_and_save(
    db_url: str,
    alert: Alert,
    values: Mapping[str, str | Mark | None],
    *,
    sender: str | None = None,
    name: str | None = None,
) -> tuple[int, LearnedTemplate]:
    """``learn`` then ``save_template`` in a database of its own; returns the
    new id and the learned template. Raises what ``learn`` raises, storing
    nothing then."""
    learned = learn(alert, values, sender=sender, name=name)
    database = Database(db_url)
    try:
        with database.session() as session:
            return save_template(session, learned).id, learned
    finally:
        database.close()


def waiting_count(session: Session, sender: str) -> int:
    """How many of ``sender``'s stored messages are ignored or failed."""
    return (
        session.scalar(
            select(func.count())
            .select_from(ProcessedMessage)
            .where(
                ProcessedMessage.outcome.in_(WAITING),
                sender_clause(ProcessedMessage.sender, sender),
            )
        )
        or 0
    )


def template_info(session: Session, row: Template) -> TemplateInfo:
    produced = session.scalar(
        select(func.count())
        .select_from(Transaction)
        .where(Transaction.template_id == row.id)
    )
    return TemplateInfo(
        id=row.id,
        name=row.name,
        sender=row.sender,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        transactions=produced or 0,
        waiting=waiting_count(session, row.sender),
        spec=dict(row.spec or {}),
        sample_text=row.sample_text,
    )


def list_templates(session: Session) -> list[TemplateInfo]:
    """Every learned template, by sender then id."""
    rows = session.scalars(select(Template).order_by(Template.sender, Template.id))
    return [template_info(session, row) for row in rows]


def get_template(session: Session, template_id: int) -> Template:
    row = session.get(Template, template_id)
    if row is None:
        raise TemplateNotFound(
            f"No learned template with id {template_id} "
            "(emailautomation templates list shows them)."
        )
    return row


def rename_template(session: Session, template_id: int, name: str) -> None:
    name = name.strip()
    if not name:
        raise EmailAutomationError("A template's name cannot be empty.")
    get_template(session, template_id).name = name
    session.commit()


def remove_template(session: Session, template_id: int) -> int:
    """Delete a template; the transactions it produced stay (their ``format``
    keeps saying ``template:<id>``). Returns how many those are."""
    row = get_template(session, template_id)
    kept = template_info(session, row).transactions
    session.delete(row)
    session.commit()
    log.info("removed template %s (%d transactions kept)", template_id, kept)
    return kept


def preview_messages(
    db_url: str,
    template: LearnedTemplate | int,
    *,
    limit: int = 500,
    cancel: CancelCheck | None = None,
) -> list[MessagePreview]:
    """What ``template`` (learned, not necessarily saved, or a stored id)
    would read from each stored message of its sender, newest first.

    Nothing is changed. For a Teach dialog's table of "the other messages of
    that sender".
    """
    database = Database(db_url)
    try:
        with database.session() as session:
            if isinstance(template, LearnedTemplate):
                reader = TemplateReader(
                    None, template.name, template.sender, template.spec
                )
            else:
                row = get_template(session, template)
                reader = TemplateReader(row.id, row.name, row.sender, row.spec)
            messages = session.execute(
                select(
                    ProcessedMessage.id,
                    ProcessedMessage.subject,
                    ProcessedMessage.sent_at,
                    ProcessedMessage.outcome,
                    ProcessedMessage.raw,
                )
                .where(sender_clause(ProcessedMessage.sender, reader.sender))
                .order_by(ProcessedMessage.sent_at.desc(), ProcessedMessage.id.desc())
                .limit(limit)
            ).all()
    finally:
        database.close()

    previews = []
    for message_id, subject, sent_at, outcome, raw in messages:
        if cancel is not None and cancel():
            break
        try:
            extraction = reader.preview(parse_alert(raw or b""))
        except MalformedMessage as exc:
            extraction = Extraction.ignored("malformed", str(exc))
        previews.append(
            MessagePreview(message_id, subject, sent_at, outcome, extraction)
        )
    return previews


def reread_for_template(
    db_url: str,
    template_id: int,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
) -> dict[str, int]:
    """Read the template's sender's ignored and failed messages again with
    every current reader; counts per new outcome (see ``reread_messages``)."""
    database = Database(db_url)
    try:
        with database.session() as session:
            sender = get_template(session, template_id).sender
    finally:
        database.close()
    return reread_messages(db_url, sender=sender, progress=progress, cancel=cancel)
