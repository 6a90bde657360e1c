"""The fallbacks: the account for unmapped digits and the categories for no rule."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from emailautomation.errors import AccountNotFound
from emailautomation.ledger.names import check_account_name
from emailautomation.store.ledger import LedgerSetting
from emailautomation.store.models import MailAccount

DEFAULT_ACCOUNT = "Assets:Unknown"
DEFAULT_DEBIT_CATEGORY = "Expenses:Uncategorised"
DEFAULT_CREDIT_CATEGORY = "Income:Uncategorised"

_KEYS = {
    "account": DEFAULT_ACCOUNT,
    "debit_category": DEFAULT_DEBIT_CATEGORY,
    "credit_category": DEFAULT_CREDIT_CATEGORY,
}


@dataclass(frozen=True, slots=True)
class LedgerDefaults:
    """What an entry gets when nothing more specific applies.

    Attributes:
        account: the asset or liability account for digits no mapping names
            and mail accounts without a default of their own.
        debit_category: the other side of money going out that no rule matched.
        credit_category: the other side of money coming in that no rule matched.
    """

    account: str = DEFAULT_ACCOUNT
    debit_category: str = DEFAULT_DEBIT_CATEGORY
    credit_category: str = DEFAULT_CREDIT_CATEGORY

    def category_for(self, direction: str) -> str:
        return self.credit_category if direction == "credit" else self.debit_category


def load_defaults(session: Session) -> LedgerDefaults:
    stored = {row.key: row.value for row in session.scalars(select(LedgerSetting))}
    return LedgerDefaults(
        **{key: stored.get(key, value) for key, value in _KEYS.items()}
    )


def store_defaults(
    session: Session,
    *,
    account: str | None = None,
    debit_category: str | None = None,
    credit_category: str | None = None,
) -> LedgerDefaults:
    """Change the given defaults (others stay); not committed."""
    given = {
        "account": account,
        "debit_category": debit_category,
        "credit_category": credit_category,
    }
    for key, value in given.items():
        if value is None:
            continue
        name = check_account_name(value)
        row = session.get(LedgerSetting, key)
        if row is None:
            session.add(LedgerSetting(key=key, value=name))
        else:
            row.value = name
    session.flush()
    return load_defaults(session)


def save_defaults(
    session: Session,
    *,
    account: str | None = None,
    debit_category: str | None = None,
    credit_category: str | None = None,
) -> LedgerDefaults:
    """Change the given defaults and commit; raises ``InvalidLedgerAccount``."""
    defaults = store_defaults(
        session,
        account=account,
        debit_category=debit_category,
        credit_category=credit_category,
    )
    session.commit()
    return defaults


def find_mail_account(session: Session, name: str) -> MailAccount:
    account = session.scalar(select(MailAccount).where(MailAccount.name == name))
    if account is None:
        names = session.scalars(select(MailAccount.name).order_by(MailAccount.name))
        known = ", ".join(repr(n) for n in names) or "none"
        raise AccountNotFound(f"No mail account named {name!r} (known: {known}).")
    return account


def save_mail_account_default(
    session: Session, mail_account_id: int, ledger_account: str | None
) -> None:
    """Set (or clear, with None) a mail account's own default ledger account."""
    account = session.get(MailAccount, mail_account_id)
    if account is None:
        raise AccountNotFound("This mail account is no longer stored; refresh.")
    account.ledger_account = (
        check_account_name(ledger_account) if ledger_account is not None else None
    )
    session.commit()


def list_mail_account_defaults(session: Session) -> list[tuple[str, str]]:
    """(mail account name, its own default ledger account), by name."""
    rows = session.execute(
        select(MailAccount.name, MailAccount.ledger_account)
        .where(MailAccount.ledger_account.is_not(None))
        .order_by(MailAccount.name)
    )
    return [(name, account) for name, account in rows if account]
