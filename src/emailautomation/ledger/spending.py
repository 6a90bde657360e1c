"""Monthly spending per category or per account, for the window's bar chart."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from emailautomation.ledger.entries import LedgerEntry, build_entries
from emailautomation.ledger.errors import LedgerError
from emailautomation.ledger.names import account_root

GROUPINGS = ("category", "account")


@dataclass(frozen=True, slots=True)
class MonthlyTotal:
    """Net spending in one month: purchases less refunds, in one currency.

    Attributes:
        month: the first day of the month.
        key: the expense category, or the asset or liability account paid from.
    """

    month: dt.date
    key: str
    currency: str
    amount: Decimal


def spending_of(
    entries: Iterable[LedgerEntry], by: str = "category"
) -> list[MonthlyTotal]:
    """Sum the expense side of ``entries`` per month, ``by`` category or account.

    Only entries whose category is an ``Expenses`` account count; income and
    transfers are not spending. Currencies are never added together.
    """
    if by not in GROUPINGS:
        raise LedgerError(
            f"Group spending by one of {', '.join(GROUPINGS)}, not {by!r}."
        )
    totals: dict[tuple[dt.date, str, str], Decimal] = defaultdict(Decimal)
    for entry in entries:
        if account_root(entry.category) != "Expenses":
            continue
        month = entry.date.replace(day=1)
        key = entry.category if by == "category" else entry.account
        totals[(month, key, entry.currency)] += entry.category_amount
    return [
        MonthlyTotal(month, key, currency, amount)
        for (month, key, currency), amount in sorted(totals.items())
    ]


def monthly_spending(
    session: Session,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    accounts: Sequence[str] = (),
    by: str = "category",
) -> list[MonthlyTotal]:
    """``spending_of`` the entries an export with the same filters would write."""
    entries = build_entries(session, since=since, until=until, accounts=accounts)
    return spending_of(entries, by)
