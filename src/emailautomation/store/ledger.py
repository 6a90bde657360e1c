"""Models for ledger export: account mappings, category rules, settings, exports."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from emailautomation.store.models import Base, utcnow

ACCOUNT_NAME = String(255)
DIGITS = String(16)


class AccountMapping(Base):
    """The ledger account for the card or bank account whose digits alerts print.

    Attributes:
        digits: the digits as the alert shows them (``1234`` of ``XX1234``).
        ledger_account: e.g. ``Liabilities:CreditCard:HDFC``.
    """

    __tablename__ = "ledger_account_mappings"

    id: Mapped[int] = mapped_column(primary_key=True)
    digits: Mapped[str] = mapped_column(DIGITS, unique=True)
    ledger_account: Mapped[str] = mapped_column(ACCOUNT_NAME)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class CategoryRule(Base):
    """One ordered rule: a merchant pattern → a category account and clean payee.

    Attributes:
        position: 1-based order; the first matching rule wins.
        match: ``contains``, ``starts_with`` or ``regex``.
        account_digits: when set, the rule applies only to that card or account.
        direction: when set, only ``debit`` or only ``credit`` transactions.
    """

    __tablename__ = "ledger_category_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(Integer, index=True)
    match: Mapped[str] = mapped_column(String(16))
    pattern: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(ACCOUNT_NAME)
    payee: Mapped[str | None] = mapped_column(String(255))
    account_digits: Mapped[str | None] = mapped_column(DIGITS)
    direction: Mapped[str | None] = mapped_column(String(6))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class LedgerSetting(Base):
    """A named ledger default (fallback account, default categories)."""

    __tablename__ = "ledger_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(ACCOUNT_NAME)


class ExportTarget(Base):
    """Where exports of one format went: a resolved file path, or ``-`` for stdout."""

    __tablename__ = "ledger_export_targets"
    __table_args__ = (UniqueConstraint("format", "destination"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    format: Mapped[str] = mapped_column(String(16))
    destination: Mapped[str] = mapped_column(String(1024))
    last_export_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    entries: Mapped[list[ExportedEntry]] = relationship(
        back_populates="target", cascade="all, delete-orphan", passive_deletes=True
    )
    declarations: Mapped[list[ExportedDeclaration]] = relationship(
        back_populates="target", cascade="all, delete-orphan", passive_deletes=True
    )


class ExportedEntry(Base):
    """A message whose entry was written to a target; ``--new-only`` skips it.

    Keyed by the message key (normalised Message-ID), so the same alert
    read from two mailboxes is still written once.
    """

    __tablename__ = "ledger_exported_entries"
    __table_args__ = (UniqueConstraint("target_id", "message_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(
        ForeignKey("ledger_export_targets.id", ondelete="CASCADE")
    )
    message_key: Mapped[str] = mapped_column(String(512))
    transaction_id: Mapped[int | None] = mapped_column(
        ForeignKey("transactions.id", ondelete="SET NULL")
    )
    exported_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    target: Mapped[ExportTarget] = relationship(back_populates="entries")


class ExportedDeclaration(Base):
    """An account or commodity already declared (beancount ``open``) in a target.

    Attributes:
        kind: ``account`` or ``commodity``.
        declared_on: the date of a beancount ``open``; later entries for the
            account must not be older.
    """

    __tablename__ = "ledger_exported_declarations"
    __table_args__ = (UniqueConstraint("target_id", "kind", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(
        ForeignKey("ledger_export_targets.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(ACCOUNT_NAME)
    declared_on: Mapped[dt.date | None] = mapped_column(Date)

    target: Mapped[ExportTarget] = relationship(back_populates="declarations")
