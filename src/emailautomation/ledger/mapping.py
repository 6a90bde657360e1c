"""Card and bank account digits → ledger accounts, with the fallbacks in order."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from emailautomation.ledger.defaults import load_defaults
from emailautomation.ledger.errors import LedgerError, MappingNotFound
from emailautomation.ledger.names import (
    check_account_name,
    digits_match,
    normalise_digits,
)
from emailautomation.store.ledger import AccountMapping
from emailautomation.store.models import MailAccount

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Mapping:
    """One row of the mapping table: digits as alerts print them → account."""

    id: int
    digits: str
    ledger_account: str


def _as_mapping(row: AccountMapping) -> Mapping:
    return Mapping(row.id, row.digits, row.ledger_account)


def list_mappings(session: Session) -> list[Mapping]:
    rows = session.scalars(select(AccountMapping).order_by(AccountMapping.digits))
    return [_as_mapping(row) for row in rows]


def store_mapping(
    session: Session,
    digits: str,
    ledger_account: str,
    mapping_id: int | None = None,
) -> Mapping:
    """Add or change a mapping; not committed.

    With ``mapping_id`` that row is changed (digits included); without it the
    mapping for the same digits is replaced, or a new one added.
    """
    clean_digits = normalise_digits(digits)
    name = check_account_name(ledger_account)
    same_digits = session.scalar(
        select(AccountMapping).where(AccountMapping.digits == clean_digits)
    )
    if mapping_id is not None:
        row = session.get(AccountMapping, mapping_id)
        if row is None:
            raise MappingNotFound("This mapping is no longer stored; refresh.")
        if same_digits is not None and same_digits.id != row.id:
            raise LedgerError(
                f"Digits {clean_digits} are mapped already, to "
                f"{same_digits.ledger_account}; change that row instead."
            )
    else:
        row = same_digits or AccountMapping(digits=clean_digits)
        session.add(row)
    row.digits = clean_digits
    row.ledger_account = name
    session.flush()
    return _as_mapping(row)


def save_mapping(
    session: Session,
    digits: str,
    ledger_account: str,
    mapping_id: int | None = None,
) -> Mapping:
    """``store_mapping`` and commit. Raises ``InvalidLedgerAccount`` on bad input."""
    mapping = store_mapping(session, digits, ledger_account, mapping_id)
    session.commit()
    return mapping


def remove_mapping(session: Session, digits: str) -> None:
    clean_digits = normalise_digits(digits)
    row = session.scalar(
        select(AccountMapping).where(AccountMapping.digits == clean_digits)
    )
    if row is None:
        raise MappingNotFound(f"No mapping for digits {clean_digits}.")
    session.delete(row)
    session.commit()


class AccountResolver:
    """Finds the asset or liability account of a transaction.

    In order: the mapping for its digits (equal digits first, then the
    longest matching ending), its mail account's default, the global default.
    """

    def __init__(
        self,
        mappings: Iterable[tuple[str, str]],
        mail_defaults: dict[int, str],
        default: str,
    ) -> None:
        self._exact = dict(mappings)
        # Longest first, so that 001234 wins over 1234 for an alert's 7001234.
        self._by_length = sorted(self._exact.items(), key=lambda kv: -len(kv[0]))
        self._mail_defaults = mail_defaults
        self.default = default

    @classmethod
    def load(cls, session: Session) -> AccountResolver:
        mappings = list(
            session.execute(
                select(AccountMapping.digits, AccountMapping.ledger_account)
            )
        )
        mail_defaults = {
            account_id: name
            for account_id, name in session.execute(
                select(MailAccount.id, MailAccount.ledger_account).where(
                    MailAccount.ledger_account.is_not(None)
                )
            )
            if name
        }
        return cls(mappings, mail_defaults, load_defaults(session).account)

    def mapped(self, digits: str | None) -> str | None:
        """The mapped account for these digits, or None when no mapping names them."""
        if not digits:
            return None
        seen = "".join(c for c in digits if c.isascii() and c.isdigit())
        if not seen:
            return None
        if seen in self._exact:
            return self._exact[seen]
        for known, name in self._by_length:
            if digits_match(known, seen):
                return name
        return None

    def resolve(self, digits: str | None, mail_account_id: int) -> str:
        return (
            self.mapped(digits)
            or self._mail_defaults.get(mail_account_id)
            or self.default
        )
