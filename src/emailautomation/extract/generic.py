"""Reading the fields of any bank's alert, given what is known of its sender."""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from emailautomation.alert import Alert
from emailautomation.extract.amounts import Money, find_money, quantize
from emailautomation.extract.currencies import COUNTRY_CURRENCY, country_from_domain
from emailautomation.extract.dates import MDY, YMD, DateMention
from emailautomation.extract.fields import (
    Finding,
    RoledMoney,
    choose_amount,
    choose_balance,
    choose_date,
    choose_time,
    find_account,
    find_bare_amount,
    find_direction,
    find_merchant,
    find_reference,
    mentions_transaction,
    possible_amounts,
)
from emailautomation.extract.model import Extraction, TransactionFields
from emailautomation.extract.screening import money_moved

DATE_ORDERS = {"US": MDY, "CN": YMD, "JP": YMD, "KR": YMD, "HU": YMD, "TW": YMD}
_SENDER_NOISE = re.compile(
    r"\b(?:insta\s*alerts?|alerts?|notifications?|notify|no[\s-]?reply|"
    r"do[\s-]?not[\s-]?reply|customer\s+(?:care|service)|services?|"
    r"online\s+banking|e-?banking|mobile\s+banking|team|info|updates?|"
    r"transaction|messages?)\b",
    re.IGNORECASE,
)
_SECOND_LEVEL = frozenset(["co", "com", "net", "org", "ac", "gov", "bank"])


# Not frozen only because a frozen dataclass is three times slower to
# create, and several are made for every alert; treat it as a value.
@dataclass(slots=True)
class Context:
    """What is known about the sender before its text is read.

    Attributes:
        country: ISO 3166 alpha-2 of the bank, when known.
        currency: the bank's home currency: used for amounts printed
            without one and for a bare ``$``.
        date_order: ``DMY``, ``MDY`` or ``YMD`` for all-number dates.
        decimal_mark: ``.`` or ``,`` when the bank always uses one.
        bank: the bank's name as the ledger shows it.
        format: what reads this alert (``generic``, ``bank:hdfc``).
        reference: the day the alert was sent: settles dates.
    """

    country: str | None = None
    currency: str | None = None
    date_order: str | None = None
    decimal_mark: str | None = None
    bank: str | None = None
    format: str = "generic"
    reference: dt.date | None = None


def reference_date(alert: Alert) -> dt.date:
    """The day the alert was written, in the sender's own time zone.

    Falls back to today when the message has no usable Date header.
    """
    if alert.sent_at is not None:
        return alert.sent_at.date()
    return dt.date.today()


def sender_context(alert: Alert) -> Context:
    """What the sender's address and name alone say: country, currency, bank."""
    country = country_from_domain(alert.sender_domain)
    return Context(
        country=country,
        currency=COUNTRY_CURRENCY.get(country or ""),
        date_order=DATE_ORDERS.get(country or ""),
        bank=bank_from_sender(alert),
        reference=reference_date(alert),
    )


def bank_from_sender(alert: Alert) -> str | None:
    """A clean bank name from the From header (``HDFC Bank InstaAlerts`` →
    ``HDFC Bank``), else from the domain (``alerts.sbi.co.in`` → ``SBI``)."""
    name = " ".join(_SENDER_NOISE.sub(" ", alert.sender_name).split()).strip(" -|:,")
    if len(name) >= 2:
        return name
    labels = [label for label in alert.sender_domain.split(".") if label][:-1]
    if len(labels) > 1 and labels[-1] in _SECOND_LEVEL:
        labels.pop()
    if not labels:
        return None
    word = labels[-1]
    return word.upper() if len(word) <= 4 else word.capitalize()


# A line this long with no amount in it is a paragraph of legal text or
# advice ("Never share your OTP…", "If you did not make this transaction…"),
# never where a transaction's details are.
BOILERPLATE_LINE = 160


def focus(text: str, money: Sequence[Money]) -> tuple[str, list[Money]]:
    """The lines the fields are read from, and the amounts placed in them.

    Lines of ``BOILERPLATE_LINE`` characters or more without an amount are
    left out: reading a card number or a merchant out of a bank's footer is
    wrong, and skipping it makes reading several times faster. Returns
    ``text`` itself when nothing is left out.
    """
    if len(text) < 2 * BOILERPLATE_LINE:
        return text, list(money)
    lines = text.split("\n")
    if max(map(len, lines)) < BOILERPLATE_LINE:
        return text, list(money)
    starts = list(accumulate((len(line) + 1 for line in lines[:-1]), initial=0))
    wanted = [len(line) < BOILERPLATE_LINE for line in lines]
    for mention in money:
        first = bisect_right(starts, mention.start) - 1
        last = bisect_right(starts, mention.end) - 1
        for index in range(first, last + 1):
            wanted[index] = True
    if all(wanted):
        return text, list(money)

    kept = []
    new_starts = []
    position = 0
    for line, keep in zip(lines, wanted, strict=True):
        new_starts.append(position)
        if keep:
            kept.append(line)
            position += len(line) + 1
    placed = []
    for mention in money:
        at = bisect_right(starts, mention.start) - 1
        shift = new_starts[at] - starts[at]
        placed.append(
            Money(
                mention.amount,
                mention.currency,
                mention.start + shift,
                mention.end + shift,
                mention.printed,
                mention.sign,
                mention.marker,
            )
        )
    return "\n".join(kept), placed


def read_fields(
    alert: Alert,
    text: str,
    roled: Sequence[RoledMoney],
    context: Context,
    preset: Mapping[str, Finding[Any]] | None = None,
) -> tuple[Extraction, dict[str, Finding[Any]]]:
    """Read every field, starting from ``preset`` (values a bank pattern gave).

    ``roled`` is every amount with a currency in ``text``, classified by
    ``fields.classify_money``.

    Returns the extraction and, per field, the finding behind it (for
    ``explain``). Never raises on odd text: a missing amount or currency is
    an ignored result with the reason.
    """
    found: dict[str, Finding[Any]] = dict(preset or {})
    reference = context.reference or reference_date(alert)
    money = [r.money for r in roled]

    amount_finding = found.get("amount")
    amount: Money | None = amount_finding.value if amount_finding else None
    if amount is not None and not amount.amount:
        amount = None  # a bank pattern that read "0.00" read nothing
        del found["amount"]
    if amount is None:
        chosen = choose_amount(roled)
        if chosen is not None:
            amount = chosen.money
            rule = "amount with its currency"
            if chosen.cue:
                rule += f" after “{chosen.cue}”"
            found["amount"] = Finding(amount, rule, amount.printed, amount.start)
    if amount is None:
        fallback_currency = context.currency or _common_currency(money)
        amount = find_bare_amount(text, fallback_currency)
        if amount is not None:
            found["amount"] = Finding(
                amount, "number after a transaction word", amount.printed, amount.start
            )
    subject_amount = False
    if amount is None and alert.subject:
        in_subject = [
            m for m in find_money(alert.subject, country=context.country) if m.amount
        ]
        if in_subject:
            amount = in_subject[0]
            subject_amount = True
            found["amount"] = Finding(amount, "amount in the subject", amount.printed)
    if amount is None:
        roles = sorted({r.role for r in roled})
        detail = "no amount of money found"
        if roles:
            detail = "only amounts that are not a transaction: " + ", ".join(roles)
        return Extraction.ignored("no_amount", detail), found
    currency = amount.currency or context.currency or _common_currency(money)
    if currency is None:
        return (
            Extraction.ignored(
                "no_currency", f"the amount {amount.printed} has no currency"
            ),
            found,
        )

    if "account" not in found and (account := find_account(text)) is not None:
        found["account"] = account
    if (
        "account" not in found
        and not subject_amount
        and not preset
        and money_moved(text, possible_amounts(roled)) is None
        and not mentions_transaction(text, max(0, amount.start - 60), amount.end + 60)
        and not mentions_transaction(alert.subject)
    ):
        return (
            Extraction.ignored(
                "unrecognised",
                "an amount, but no card or account and no words saying money moved",
            ),
            found,
        )

    search_text = text if not subject_amount else alert.subject
    anchor = None if subject_amount else amount
    if "direction" not in found:
        found["direction"] = find_direction(search_text, alert.subject, anchor)
    direction = found["direction"].value
    if "merchant" not in found:
        merchant = find_merchant(text, alert.subject, direction, anchor, reference)
        if merchant is not None:
            found["merchant"] = merchant
    if "reference" not in found and (ref := find_reference(text)) is not None:
        found["reference"] = ref
    if "balance" not in found and (balance := choose_balance(roled)) is not None:
        found["balance"] = Finding(
            balance.money, f"amount after “{balance.cue}”", balance.money.printed
        )

    date_mention: DateMention | None = None
    if "date" not in found:
        chosen_date = choose_date(text, anchor, reference, context.date_order)
        if chosen_date is not None:
            found["date"], date_mention = chosen_date
        else:
            found["date"] = Finding(reference, "no date in the text: the e-mail's Date")
    if "time" not in found:
        time = choose_time(text, date_mention, anchor)
        if time is not None:
            found["time"] = time
    if context.bank:
        found.setdefault("bank", Finding(context.bank, f"{context.format} sender"))

    balance_money: Money | None = found["balance"].value if "balance" in found else None
    fields = TransactionFields(
        amount=quantize(amount.amount, currency),
        currency=currency,
        direction=direction,
        date=found["date"].value,
        time=found["time"].value if "time" in found else None,
        account=found["account"].value if "account" in found else None,
        merchant=found["merchant"].value if "merchant" in found else None,
        balance=(
            quantize(balance_money.amount, balance_money.currency or currency)
            if balance_money is not None
            else None
        ),
        reference=found["reference"].value if "reference" in found else None,
        bank=context.bank,
        format=context.format,
    )
    return Extraction(transaction=fields), found


def _common_currency(money: Sequence[Money]) -> str | None:
    counts = Counter(m.currency for m in money if m.currency)
    if not counts:
        return None
    return counts.most_common(1)[0][0]
