"""Stored transactions as balanced two-posting entries, with accounts resolved."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from emailautomation.ledger.defaults import load_defaults
from emailautomation.ledger.errors import InvalidLedgerAccount, LedgerError
from emailautomation.ledger.mapping import AccountResolver
from emailautomation.ledger.names import (
    ROOTS,
    account_root,
    check_account_name,
    check_commodity,
    is_within,
)
from emailautomation.ledger.rules import RuleBook
from emailautomation.store.models import MailAccount, ProcessedMessage, Transaction

log = logging.getLogger(__name__)

UNKNOWN_PAYEE = "Unknown payee"


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One transaction as an entry: ``account`` and ``category`` postings.

    Attributes:
        message_key: the source message's normalised Message-ID; exports
            write it so that an entry is never written twice.
        account: the asset or liability account the money left or reached.
        category: the other side (``Expenses:…``, ``Income:…`` or a transfer).
        amount: as the alert gives it, positive; see ``account_amount``.
        categorised_by: ``hand`` (a person chose it), ``stored`` (a rule
            applied earlier), ``rule`` (a rule matches now) or ``default``.
    """

    transaction_id: int
    message_key: str
    mail_account_id: int
    mail_account: str
    date: dt.date
    time: dt.time | None
    payee: str
    merchant: str | None
    account: str
    category: str
    amount: Decimal
    currency: str
    direction: str
    digits: str | None = None
    reference: str | None = None
    bank: str | None = None
    categorised_by: str = "default"

    @property
    def account_amount(self) -> Decimal:
        """Money out is negative on the account, whether an asset (less money)
        or a liability (more owed); money in is positive."""
        return -self.amount if self.direction == "debit" else self.amount

    @property
    def category_amount(self) -> Decimal:
        return -self.account_amount

    def postings(self) -> tuple[tuple[str, Decimal], tuple[str, Decimal]]:
        """Category first, then the account; the two amounts sum to zero."""
        return (
            (self.category, self.category_amount),
            (self.account, self.account_amount),
        )


class _NameCheck:
    """Checks each distinct name once and says which transaction had a bad one."""

    def __init__(self) -> None:
        self._good: set[str] = set()

    def __call__(self, name: str, what: str, row: Transaction) -> str:
        if name in self._good:
            return name
        try:
            check_account_name(name)
        except InvalidLedgerAccount as exc:
            raise InvalidLedgerAccount(
                f"The {what} of the transaction of {row.date.isoformat()} "
                f"({row.merchant or 'no merchant'}, id {row.id}) is wrong: {exc}"
            ) from None
        self._good.add(name)
        return name


def _account_filter(
    session: Session, names: Sequence[str]
) -> tuple[set[int], list[str]]:
    """Split ``--account`` names into mail account ids and ledger account prefixes."""
    by_name = {
        name.casefold(): account_id
        for account_id, name in session.execute(
            select(MailAccount.id, MailAccount.name)
        )
    }
    mail_ids: set[int] = set()
    prefixes: list[str] = []
    for raw in names:
        name = raw.strip()
        if name.casefold() in by_name:
            mail_ids.add(by_name[name.casefold()])
        elif account_root(name) in ROOTS:
            prefixes.append(name.rstrip(":"))
        else:
            raise LedgerError(
                f"{name!r} is neither a mail account nor a ledger account (ledger "
                f"accounts start with {', '.join(ROOTS)})."
            )
    return mail_ids, prefixes


def build_entries(
    session: Session,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    accounts: Sequence[str] = (),
) -> list[LedgerEntry]:
    """The entries of the stored transactions dated ``since``..``until``
    (both included), oldest first.

    ``accounts`` keeps entries of those mail accounts (by name) or touching
    those ledger accounts or their sub-accounts (``Assets:Bank`` keeps
    ``Assets:Bank:Chase``). Transactions read from the same message in two
    mailboxes give one entry. Raises ``InvalidLedgerAccount`` naming the
    transaction when a stored category or default is not a usable name.
    """
    if since and until and since > until:
        raise LedgerError(
            f"The range is empty: {since.isoformat()} is after {until.isoformat()}."
        )
    mail_ids, prefixes = _account_filter(session, accounts)
    resolver = AccountResolver.load(session)
    book = RuleBook.load(session)
    defaults = load_defaults(session)
    check = _NameCheck()

    query = (
        select(Transaction, ProcessedMessage.key, MailAccount.name)
        .join(ProcessedMessage, ProcessedMessage.id == Transaction.message_id)
        .join(MailAccount, MailAccount.id == Transaction.mail_account_id)
    )
    if since:
        query = query.where(Transaction.date >= since)
    if until:
        query = query.where(Transaction.date <= until)

    entries: list[LedgerEntry] = []
    for row, key, mail_name in session.execute(query):
        rule = book.first_match(row.merchant, row.account, row.direction)
        if row.category:
            edited = "category" in (row.edited_fields or [])
            category, by = row.category, ("hand" if edited else "stored")
        elif rule is not None:
            category, by = rule.category, "rule"
        else:
            category, by = defaults.category_for(row.direction), "default"
        merchant = " ".join((row.merchant or "").split()) or None
        payee = row.payee or (rule.payee if rule else None) or merchant
        try:
            currency = check_commodity(row.currency)
        except InvalidLedgerAccount as exc:
            raise InvalidLedgerAccount(
                f"The transaction of {row.date.isoformat()} (id {row.id}): {exc}"
            ) from None
        entries.append(
            LedgerEntry(
                transaction_id=row.id,
                message_key=key,
                mail_account_id=row.mail_account_id,
                mail_account=mail_name,
                date=row.date,
                time=row.time,
                payee=payee or row.bank or UNKNOWN_PAYEE,
                merchant=merchant,
                account=check(
                    resolver.resolve(row.account, row.mail_account_id),
                    "ledger account",
                    row,
                ),
                category=check(category, "category", row),
                amount=row.amount,
                currency=currency,
                direction=row.direction,
                digits=row.account,
                reference=row.reference,
                bank=row.bank,
                categorised_by=by,
            )
        )

    entries.sort(key=lambda e: (e.date, e.time or dt.time.min, e.transaction_id))
    seen: set[str] = set()
    unique = []
    for entry in entries:
        if (mail_ids or prefixes) and not _kept(entry, mail_ids, prefixes):
            continue
        if entry.message_key in seen:
            log.debug("transaction %d repeats a message; skipped", entry.transaction_id)
            continue
        seen.add(entry.message_key)
        unique.append(entry)
    return unique


def _kept(entry: LedgerEntry, mail_ids: set[int], prefixes: list[str]) -> bool:
    if any(
        is_within(entry.account, p) or is_within(entry.category, p) for p in prefixes
    ):
        return True
    return entry.mail_account_id in mail_ids
