"""Amounts of money as banks print them (``1,23,456.78``, ``1.234,56 €``) as Decimal."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from emailautomation.extract.cues import one_of
from emailautomation.extract.currencies import (
    COUNTRY_CURRENCY,
    ISO_CODES,
    SYMBOLS,
    minor_units,
    resolve_symbol,
)

# A run of digits with grouping or decimal separators inside it. A space
# groups only when exactly three digits follow it, so "call 1800 266 4332"
# never becomes one number and "Rs 500 1234" stays "500".
NUMBER_PATTERN = (
    r"[0-9][0-9]*(?:(?:[,.'’]|[ \u00a0\u202f\u2009](?=[0-9]{3}(?![0-9])))[0-9]+)*"
)

_SEPARATOR_SPLIT = re.compile(r"([,.'’ \u00a0\u202f\u2009])")
_DIGITS = re.compile(r"[0-9]+")
_SPACES = frozenset(" \u00a0\u202f\u2009")

# Symbols that are short everyday letter pairs as well ("SR", "QR", "Kr"):
# only trusted when the number has cents or the sender's country uses them.
_WEAK_SYMBOLS = frozenset(
    [
        "SR",
        "QR",
        "KD",
        "BD",
        "TL",
        "Ft",
        "RM",
        "Rp",
        "Dh",
        "Dhs",
        "Dhs.",
        "Fr.",
        "kr",
        "kr.",
        "Kr",
        "Re",
        "Re.",
        "rs",
        "rs.",
        "RS",
        "RS.",
    ]
)


_TOKENS = sorted(set(SYMBOLS) | ISO_CODES, key=lambda t: (-len(t), t))
_ALL_CURRENCY = one_of(re.escape(t) for t in _TOKENS)
# Tokens starting with a lower-case letter ("kr", "zł") would make the scan
# stop at every "k" and "z" of the text; they get a scan of their own, run
# only when the text holds one.
_LOWER_TOKENS = [t for t in _TOKENS if t[0].islower()]
_CODES = one_of(sorted(ISO_CODES))
_DOLLARISH = r"\$|€|£|¥"

# Amounts are found from their currency: one pass finds every currency token
# (the alternation starts with characters the engine can skip to), then the
# number is read right after it ("Rs.1,250.00", "CAD $250.00", "INR: 500")
# or, failing that, right before it ("2.345,67 EUR", "45,90 €", "100 USD").
_CURRENCY_TOKEN = re.compile(
    one_of(re.escape(t) for t in _TOKENS if t not in _LOWER_TOKENS)
)
_LOWER_TOKEN = re.compile(one_of(re.escape(t) for t in _LOWER_TOKENS))
_LOWER_HINTS = tuple({t[:2] for t in _LOWER_TOKENS})
_NUMBER_AFTER = re.compile(
    rf"(?:\s?(?P<pre2>{_DOLLARISH}))?[ \t\u00a0:]{{0,2}}(?P<sign>[-−+]\s?)?"
    rf"(?P<num>{NUMBER_PATTERN})"
)
_NUMBER_BEFORE = re.compile(rf"(?P<num>{NUMBER_PATTERN})[ \u00a0]?$")
# A suffix currency is not followed by a letter, nor by a number, which then
# belongs to it instead.
_NOT_SUFFIX = re.compile(r"[A-Za-z]|\s?[-−+]?[0-9]")
_AFTER_RE = re.compile(
    rf"[ \u00a0]?(?:(?P<code>{_CODES})(?![A-Za-z])|(?P<mark>Cr|CR|Dr|DR)\b\.?)"
)
_SIGNS = "-−+"
_ASCII_ALNUM = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
)
_DASH_SLASH = re.compile(r"/-")


@dataclass(frozen=True, slots=True)
class Money:
    """One amount of money found in a text.

    Attributes:
        amount: the value, always positive (see ``sign``).
        currency: ISO 4217 code, or None for a number printed without one.
        start, end: where the mention sits in the searched text.
        printed: the mention as it appears (``Rs.1,250.00``).
        sign: ``-`` or ``+`` when the alert printed one, else "".
        marker: ``Cr`` or ``Dr`` when the bank wrote one after the number.
    """

    amount: Decimal
    currency: str | None
    start: int
    end: int
    printed: str
    sign: str = ""
    marker: str = ""


def parse_amount(
    text: str, *, decimal_mark: str | None = None, minor_digits: int = 2
) -> Decimal | None:
    """Read one number written with grouping and decimal separators.

    Handles ``1,234.56``, ``1,23,456.78`` (Indian lakh grouping), ``1.234,56``,
    ``1 234,56``, ``1'234.50`` and plain ``1234.5``. Returns None when the text
    is not such a number or its grouping is inconsistent (``1,2345``).

    A single separator followed by exactly three digits is ambiguous
    (``1,234``, ``1.234``): it is read as grouping (one thousand two hundred…)
    unless ``decimal_mark`` names that separator as the decimal point, or the
    currency has three minor digits (``minor_digits=3``, e.g. KWD) and the
    separator is a dot. Two or more kinds of separator leave no doubt: the
    last one is the decimal point.
    """
    text = text.strip()
    parts = _SEPARATOR_SPLIT.split(text)
    groups = parts[0::2]
    separators = [" " if s in _SPACES else "'" if s == "’" else s for s in parts[1::2]]
    for group in groups:
        if not (group.isascii() and group.isdigit()):
            return None
    if not separators:
        return Decimal(text)

    last = separators[-1]
    tail = groups[-1]
    earlier = separators[:-1]
    decimal = False
    if last in ",.":
        if earlier and last not in earlier:
            decimal = True
        elif not earlier:
            if len(tail) != 3:
                decimal = True
            elif decimal_mark is not None:
                decimal = decimal_mark == last
            else:
                decimal = (minor_digits == 3 and last == ".") or groups[0] == "0"

    if decimal:
        if len(tail) > 3 and not earlier:
            return None
        fraction = tail
        whole = groups[:-1]
        grouping = earlier
    else:
        fraction = ""
        whole = groups
        grouping = separators
    if len(fraction) > 3:
        return None
    if grouping and (len(set(grouping)) != 1 or not _valid_grouping(whole)):
        return None
    digits = "".join(whole)
    try:
        return Decimal(f"{digits}.{fraction}" if fraction else digits)
    except InvalidOperation:  # pragma: no cover - the checks above exclude it
        return None


def _valid_grouping(groups: list[str]) -> bool:
    """Western (1,234,567) or Indian (12,34,567) thousands grouping."""
    first, rest = groups[0], groups[1:]
    if first.startswith("0"):
        return False
    if 1 <= len(first) <= 3 and all(len(g) == 3 for g in rest):
        return True
    return (
        1 <= len(first) <= 2
        and len(rest[-1]) == 3
        and all(len(g) == 2 for g in rest[:-1])
    )


def find_money(
    text: str, *, country: str | None = None, decimal_mark: str | None = None
) -> list[Money]:
    """Every amount in ``text`` printed with a currency code or symbol, in order.

    ``country`` (ISO 3166 alpha-2, usually the sender's) settles shared
    symbols: a bare ``$`` is CAD for a Canadian bank. A written code next to
    a symbol wins (``CAD $250.00``, ``$250.00 CAD``). Numbers without any
    currency are not returned; see ``parse_amount`` for those.
    """
    home = COUNTRY_CURRENCY.get(country or "")
    candidates = []
    taken_until = 0
    tokens: Iterable[re.Match[str]] = _CURRENCY_TOKEN.finditer(text)
    if any(hint in text for hint in _LOWER_HINTS):
        tokens = sorted(
            [*tokens, *_LOWER_TOKEN.finditer(text)], key=lambda m: m.start()
        )
    for token in tokens:
        start, end = token.span()
        if start < taken_until:
            continue
        symbol = token.group(0)
        if start and symbol[0].isalpha() and text[start - 1].isalpha():
            continue  # "rs" in "yours", "RM" in "CONFIRM"
        if not start or text[start - 1] not in _ASCII_ALNUM:
            match = _NUMBER_AFTER.match(text, end)
            if match is not None:
                second = match.group("pre2")
                if second and symbol not in ISO_CODES:
                    symbol = second  # "US $": the symbol; "CAD $": the code
                sign = match.group("sign") or ""
                candidates.append(
                    (start, match.end(), match.group("num"), symbol, sign)
                )
                taken_until = match.end()
                continue
        if _NOT_SUFFIX.match(text, end):
            continue
        match = _NUMBER_BEFORE.search(text, max(0, start - 40), start)
        if match is None:
            continue
        number_start = match.start()
        if number_start and (
            text[number_start - 1].isalnum() or text[number_start - 1] in "_.,"
        ):
            continue
        candidates.append((number_start, end, match.group("num"), symbol, ""))
        taken_until = end

    found: list[Money] = []
    taken_until = 0
    for start, end, number, symbol, sign in candidates:
        if start < taken_until:
            continue
        currency = resolve_symbol(symbol, country)
        marker = ""
        after = _AFTER_RE.match(text, end)
        if after is not None:
            if after.group("code"):
                currency = after.group("code")
            else:
                marker = after.group("mark").capitalize()
            end = after.end()
        has_cents = number[-3:-2] in (".", ",") or number[-2:-1] in (".", ",")
        if symbol in _WEAK_SYMBOLS and not has_cents and currency != home:
            continue
        amount = parse_amount(
            number, decimal_mark=decimal_mark, minor_digits=minor_units(currency)
        )
        if amount is None and " " in number and start + len(number) <= end:
            # "on 12-11-2025 100 EUR": the year is not part of the amount
            head, _, number = number.rpartition(" ")
            start += len(head) + 1
            amount = parse_amount(
                number, decimal_mark=decimal_mark, minor_digits=minor_units(currency)
            )
        if amount is None:
            continue
        before = text[max(0, start - 2) : start].rstrip()
        if not sign and before and before[-1] in _SIGNS:
            sign = before[-1]
            start = start - (len(text[max(0, start - 2) : start]) - len(before)) - 1
        found.append(
            Money(
                amount=amount,
                currency=currency,
                start=start,
                end=end,
                printed=text[start:end].strip(),
                sign=sign.strip().replace("−", "-"),
                marker=marker,
            )
        )
        taken_until = end
    return found


def parse_money(
    text: str, *, country: str | None = None, default_currency: str | None = None
) -> Money | None:
    """Read a piece of text that holds one amount (``Rs.1,250.00``, ``45,90 €``).

    The first amount with a currency wins; failing that, a bare number is
    read with ``default_currency`` (None when that is not given either).
    Returns None when the text holds no readable amount.
    """
    found = find_money(text, country=country)
    if found:
        return found[0]
    match = re.search(NUMBER_PATTERN, _DASH_SLASH.sub("", text))
    if match is None:
        return None
    minor = minor_units(default_currency) if default_currency else 2
    amount = parse_amount(match.group(0), minor_digits=minor)
    if amount is None:
        return None
    return Money(
        amount=amount,
        currency=default_currency,
        start=match.start(),
        end=match.end(),
        printed=match.group(0),
    )


def quantize(amount: Decimal, currency: str) -> Decimal:
    """The amount with the currency's usual number of decimals (``120.0`` → ``120.00``).

    More precise amounts are kept as they are rather than rounded.
    """
    amount = abs(amount)
    quantum = _QUANTA.get(minor_units(currency))
    if quantum is None:
        quantum = Decimal(1).scaleb(-minor_units(currency))
    rounded = amount.quantize(quantum)
    return rounded if rounded == amount else amount


_QUANTA = {digits: Decimal(1).scaleb(-digits) for digits in (0, 1, 2, 3, 4)}
