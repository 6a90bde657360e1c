"""The plain values extraction returns: transaction fields, or why there are none."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from emailautomation.alert import Alert
from emailautomation.extract.currencies import minor_units

DEBIT = "debit"
CREDIT = "credit"


@dataclass(frozen=True, slots=True)
class TransactionFields:
    """What one alert says happened.

    Attributes:
        amount: always positive; ``direction`` says which way the money went.
        currency: ISO 4217 code.
        account: trailing digits of the card or account as the alert prints them.
        format: the reader that produced this (``generic``, ``bank:hdfc``,
            ``template:7``).
    """

    amount: Decimal
    currency: str
    direction: str
    date: dt.date
    time: dt.time | None = None
    account: str | None = None
    merchant: str | None = None
    balance: Decimal | None = None
    reference: str | None = None
    bank: str | None = None
    format: str = "generic"
    template_id: int | None = None

    def as_json(self) -> dict[str, Any]:
        """The fields as the CLI prints them: decimals as strings, ISO dates."""
        return {
            "amount": format_amount(self.amount, self.currency),
            "currency": self.currency,
            "direction": self.direction,
            "account": self.account,
            "merchant": self.merchant,
            "date": self.date.isoformat(),
            "time": format_time(self.time),
            "balance": format_amount(self.balance, self.currency),
            "reference": self.reference,
            "bank": self.bank,
        }


def format_amount(value: Decimal | None, currency: str | None = None) -> str | None:
    """A decimal string padded to the currency's minor unit, never rounded.

    ``Decimal("789.0000")`` (as Numeric columns return it) → ``"789.00"``;
    with ``"JPY"`` ``3500.0000`` → ``"3500"``, with ``"KWD"`` ``12.5`` →
    ``"12.500"``; digits beyond the minor unit (``0.125`` USD) are kept.
    """
    if value is None:
        return None
    places = minor_units(currency) if currency else 2
    normalised = value.normalize()
    if normalised.as_tuple().exponent > -places:  # type: ignore[operator]
        normalised = normalised.quantize(Decimal(1).scaleb(-places))
    return f"{normalised:f}"


def format_time(value: dt.time | None) -> str | None:
    if value is None:
        return None
    return value.strftime("%H:%M:%S" if value.second else "%H:%M")


@dataclass(frozen=True, slots=True)
class Extraction:
    """The result of reading one alert.

    Exactly one of ``transaction`` and ``reason`` is set. ``reason`` is a short
    code (``otp``, ``marketing``, ``statement``, ``declined``, ``no_amount``…)
    and ``detail`` a sentence a person can read.
    """

    transaction: TransactionFields | None
    reason: str | None = None
    detail: str = ""

    @classmethod
    def ignored(cls, reason: str, detail: str = "") -> Extraction:
        return cls(transaction=None, reason=reason, detail=detail)


class Reader(Protocol):
    """Anything that can read some alerts: a bank format, a learned template."""

    name: str

    def applies_to(self, alert: Alert) -> bool:
        """Whether this reader is meant for this sender at all."""
        ...

    def read(self, alert: Alert, text: str) -> Extraction | None:
        """Read the normalised ``text``; None when the alert is not of this shape."""
        ...
