"""Typed SQLAlchemy 2.0 models: accounts, sync state, messages, transactions, runs."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Explicit constraint names keep Alembic migrations identical on SQLite and
# PostgreSQL (SQLite batch mode needs names to alter constraints).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

AMOUNT = Numeric(19, 4)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Security(enum.StrEnum):
    SSL = "ssl"
    STARTTLS = "starttls"
    PLAIN = "plain"


class MessageOutcome(enum.StrEnum):
    TRANSACTION = "transaction"
    IGNORED = "ignored"
    FAILED = "failed"


class RunStatus(enum.StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


class MailAccount(Base):
    """An IMAP mailbox to read alerts from. The password lives in the keychain.

    Attributes:
        secret_ref: the keychain entry name; random so that two databases
            with an account of the same id never share a password.
        senders: addresses or domains whose mail is read; empty reads all.
        poll_minutes: polling interval for the tray scheduler; None is off.
    """

    __tablename__ = "mail_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    email: Mapped[str | None] = mapped_column(String(320))
    host: Mapped[str] = mapped_column(String(255))
    port: Mapped[int] = mapped_column(Integer)
    security: Mapped[str] = mapped_column(String(16), default=Security.SSL.value)
    username: Mapped[str] = mapped_column(String(320))
    folder: Mapped[str] = mapped_column(String(255), default="INBOX")
    senders: Mapped[list[str]] = mapped_column(JSON, default=list)
    since_date: Mapped[dt.date | None] = mapped_column(Date)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    poll_minutes: Mapped[int | None] = mapped_column(Integer)
    secret_ref: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_check_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    ledger_account: Mapped[str | None] = mapped_column(String(255))

    folder_states: Mapped[list[FolderState]] = relationship(
        back_populates="account", cascade="all, delete-orphan"
    )

    def __init__(self, **fields: Any) -> None:
        # Set at construction, not at INSERT: the password goes into the
        # keychain under this name before the row is first flushed.
        fields.setdefault("secret_ref", uuid.uuid4().hex)
        # A column default would also replace an explicit None ("polling off").
        fields.setdefault("poll_minutes", 60)
        super().__init__(**fields)

    def effective_since(self) -> dt.date:
        """The first day searched: the since-date, else 90 days before creation."""
        if self.since_date is not None:
            return self.since_date
        created = self.created_at or utcnow()
        return created.date() - dt.timedelta(days=90)


class FolderState(Base):
    """How far a folder has been read: its UIDVALIDITY and the last UID seen."""

    __tablename__ = "folder_states"
    __table_args__ = (UniqueConstraint("account_id", "folder"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("mail_accounts.id", ondelete="CASCADE")
    )
    folder: Mapped[str] = mapped_column(String(255))
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime, default=utcnow, onupdate=utcnow
    )

    account: Mapped[MailAccount] = relationship(back_populates="folder_states")


class Run(Base):
    """One processing run of one account, kept as history."""

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("mail_accounts.id", ondelete="CASCADE"), index=True
    )
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(16), default=RunStatus.RUNNING.value)
    found: Mapped[int] = mapped_column(Integer, default=0)
    stored: Mapped[int] = mapped_column(Integer, default=0)
    ignored: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    error_kind: Mapped[str | None] = mapped_column(String(64))


class ProcessedMessage(Base):
    """Every message read, whatever came of it, keyed by account and Message-ID.

    Attributes:
        key: the normalised Message-ID, or ``sha256:<hex>`` of the raw bytes
            when the message has none.
        raw: the message as fetched, so that ignored or failed messages can
            be read again after a parser change without asking the server.
    """

    __tablename__ = "processed_messages"
    __table_args__ = (UniqueConstraint("account_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("mail_accounts.id", ondelete="CASCADE")
    )
    run_id: Mapped[int | None] = mapped_column(
        ForeignKey("runs.id", ondelete="SET NULL")
    )
    key: Mapped[str] = mapped_column(String(512))
    folder: Mapped[str | None] = mapped_column(String(255))
    uid: Mapped[int | None] = mapped_column(BigInteger)
    uidvalidity: Mapped[int | None] = mapped_column(BigInteger)
    sender: Mapped[str | None] = mapped_column(String(320), index=True)
    subject: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    outcome: Mapped[str] = mapped_column(String(16), index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    format: Mapped[str | None] = mapped_column(String(128))
    raw: Mapped[bytes | None] = mapped_column(LargeBinary)
    processed_at: Mapped[dt.datetime] = mapped_column(
        DateTime, default=utcnow, onupdate=utcnow
    )

    transaction: Mapped[Transaction | None] = relationship(
        back_populates="message", uselist=False
    )


class Template(Base):
    """An alert format a person taught from one sample e-mail.

    Attributes:
        sender: the address (``alerts@bank.example``) or domain
            (``bank.example``) whose mail this template reads.
        spec: the learned anchors and typed slots, as plain JSON.
    """

    __tablename__ = "templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    sender: Mapped[str] = mapped_column(String(320), index=True)
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    sample_text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Transaction(Base):
    """One money movement read from one alert.

    Attributes:
        account: the trailing digits of the card or bank account.
        format: which reader produced it (``generic``, ``bank:hdfc``,
            ``template:7``), for provenance.
        possible_duplicate: set when another row has the same amount,
            currency, account and date; both rows are kept.
        edited_fields: names of fields the person changed by hand; a
            re-read never overwrites them.
    """

    __tablename__ = "transactions"
    __table_args__ = (Index("ix_transactions_account_date", "mail_account_id", "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mail_account_id: Mapped[int] = mapped_column(
        ForeignKey("mail_accounts.id", ondelete="CASCADE")
    )
    message_id: Mapped[int] = mapped_column(
        ForeignKey("processed_messages.id", ondelete="CASCADE"), unique=True
    )
    amount: Mapped[Decimal] = mapped_column(AMOUNT)
    currency: Mapped[str] = mapped_column(String(3))
    direction: Mapped[str] = mapped_column(String(6))
    account: Mapped[str | None] = mapped_column(String(16))
    merchant: Mapped[str | None] = mapped_column(String(255))
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    time: Mapped[dt.time | None] = mapped_column(Time)
    balance: Mapped[Decimal | None] = mapped_column(AMOUNT)
    reference: Mapped[str | None] = mapped_column(String(128))
    bank: Mapped[str | None] = mapped_column(String(128))
    format: Mapped[str | None] = mapped_column(String(128))
    template_id: Mapped[int | None] = mapped_column(
        ForeignKey("templates.id", ondelete="SET NULL")
    )
    category: Mapped[str | None] = mapped_column(String(255))
    payee: Mapped[str | None] = mapped_column(String(255))
    possible_duplicate: Mapped[bool] = mapped_column(Boolean, default=False)
    edited_fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    edited_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    message: Mapped[ProcessedMessage] = relationship(back_populates="transaction")
