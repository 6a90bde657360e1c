"""What makes a ledger account name, a commodity and card digits acceptable."""

from __future__ import annotations

import re
import unicodedata

from emailautomation.ledger.errors import InvalidLedgerAccount

# Beancount's default root names; ledger and hledger infer the account type
# (asset, liability, …) from the same words, so one set works for all three.
ROOTS = ("Assets", "Liabilities", "Equity", "Income", "Expenses")
ACCOUNT_MAX = 255
DIGITS_MAX = 16

_COMMODITY = re.compile(r"[A-Z]{3}")


def _starts_component(char: str) -> bool:
    return unicodedata.category(char) in ("Lu", "Nd")


def _inside_component(char: str) -> bool:
    return char == "-" or unicodedata.category(char) in (
        "Lu",
        "Ll",
        "Lt",
        "Lm",
        "Lo",
        "Nd",
    )


def check_account_name(name: str) -> str:
    """Return ``name`` stripped when all three ledger tools accept it, else raise.

    The rule is beancount's, the strictest of the three: ``Root:Part:Part``
    with a root from ``ROOTS``, each part starting with a capital letter or
    a digit and holding only letters, digits and ``-``.
    """
    value = name.strip()
    if not value:
        raise InvalidLedgerAccount("A ledger account name is empty.")
    if len(value) > ACCOUNT_MAX:
        raise InvalidLedgerAccount(
            f"A ledger account name can be at most {ACCOUNT_MAX} characters."
        )
    root, _, rest = value.partition(":")
    if root not in ROOTS:
        raise InvalidLedgerAccount(
            f"{value!r} is not a ledger account name: it must start with one of "
            f"{', '.join(ROOTS)} (for example Expenses:Food)."
        )
    if not rest:
        raise InvalidLedgerAccount(
            f"{value!r} is only a root; add at least one part, e.g. {root}:Other."
        )
    for part in rest.split(":"):
        if not part:
            raise InvalidLedgerAccount(f"{value!r} has an empty part between colons.")
        if not _starts_component(part[0]):
            raise InvalidLedgerAccount(
                f"{value!r} is not a ledger account name: the part {part!r} must "
                "start with a capital letter or a digit."
            )
        bad = next((c for c in part if not _inside_component(c)), None)
        if bad is not None:
            raise InvalidLedgerAccount(
                f"{value!r} is not a ledger account name: {bad!r} in {part!r}; "
                "use only letters, digits and '-' (beancount refuses the rest)."
            )
    return value


def account_root(name: str) -> str:
    return name.split(":", 1)[0]


def is_within(name: str, prefix: str) -> bool:
    """``Assets:Bank:Chase`` is within ``Assets:Bank`` and within itself."""
    return name == prefix or name.startswith(prefix + ":")


def check_commodity(code: str) -> str:
    """An ISO 4217 code, usable unquoted as a commodity by all three tools."""
    if not _COMMODITY.fullmatch(code):
        raise InvalidLedgerAccount(
            f"{code!r} is not an ISO 4217 currency code (three capital letters)."
        )
    return code


def normalise_digits(text: str) -> str:
    """The digits of ``XX1234`` or ``**** 1234`` → ``1234``; raise when none."""
    digits = "".join(c for c in text if c.isascii() and c.isdigit())
    if not digits:
        raise InvalidLedgerAccount(
            f"{text!r} holds no digits; give the card or account digits the "
            "alerts print, e.g. 1234."
        )
    if len(digits) > DIGITS_MAX:
        raise InvalidLedgerAccount(
            f"Give at most the last {DIGITS_MAX} digits, not a full number."
        )
    return digits


def digits_match(known: str, seen: str) -> bool:
    """Whether mapped digits ``known`` name the account an alert printed as ``seen``.

    Equal digits match. Otherwise the longer must end with the shorter and the
    shorter have at least four digits: ``1234`` matches ``001234`` but ``34``
    does not match ``1234``, as two-digit endings are shared by many cards.
    """
    if known == seen:
        return True
    short, long = sorted((known, seen), key=len)
    return len(short) >= 4 and long.endswith(short)
