"""Currency codes, symbols and the countries that settle what a bare symbol means."""

from __future__ import annotations

import re

# ISO 4217 codes that bank alerts actually print. Codes that are also everyday
# English words in capitals (ALL, TOP, CUP, MOP, PEN, TRY, GEL, MAD…) are left
# out: "ALL 500 POINTS" must not read as Albanian lek.
ISO_CODES: frozenset[str] = frozenset(
    [
        "USD",
        "EUR",
        "GBP",
        "INR",
        "AUD",
        "CAD",
        "SGD",
        "NZD",
        "HKD",
        "JPY",
        "CNY",
        "CHF",
        "SEK",
        "NOK",
        "DKK",
        "ISK",
        "PLN",
        "CZK",
        "HUF",
        "RON",
        "BGN",
        "AED",
        "SAR",
        "QAR",
        "KWD",
        "BHD",
        "OMR",
        "JOD",
        "EGP",
        "ZAR",
        "NGN",
        "KES",
        "GHS",
        "MYR",
        "IDR",
        "THB",
        "PHP",
        "VND",
        "KRW",
        "TWD",
        "BRL",
        "MXN",
        "ARS",
        "CLP",
        "COP",
        "UYU",
        "RUB",
        "UAH",
        "ILS",
        "PKR",
        "LKR",
        "BDT",
        "NPR",
        "MUR",
        "TZS",
        "UGX",
        "XOF",
        "XAF",
    ]
)

# Digits after the decimal point (ISO 4217 minor units); 2 when not listed.
MINOR_UNITS: dict[str, int] = {
    "JPY": 0,
    "KRW": 0,
    "VND": 0,
    "CLP": 0,
    "ISK": 0,
    "UGX": 0,
    "XOF": 0,
    "XAF": 0,
    "KWD": 3,
    "BHD": 3,
    "OMR": 3,
    "JOD": 3,
}

# What a symbol means, before the sender's country has a say.
SYMBOLS: dict[str, str] = {
    "₹": "INR",
    "Rs": "INR",
    "Rs.": "INR",
    "RS": "INR",
    "RS.": "INR",
    "rs": "INR",
    "rs.": "INR",
    "Re": "INR",
    "Re.": "INR",
    "$": "USD",
    "US$": "USD",
    "U$S": "USD",
    "A$": "AUD",
    "AU$": "AUD",
    "S$": "SGD",
    "SG$": "SGD",
    "C$": "CAD",
    "CA$": "CAD",
    "CAN$": "CAD",
    "Can$": "CAD",
    "NZ$": "NZD",
    "HK$": "HKD",
    "NT$": "TWD",
    "R$": "BRL",
    "MX$": "MXN",
    "Mex$": "MXN",
    "£": "GBP",
    "E£": "EGP",
    "€": "EUR",
    "¥": "JPY",
    "￥": "JPY",
    "円": "JPY",
    "元": "CNY",
    "₩": "KRW",
    "₱": "PHP",
    "₺": "TRY",
    "TL": "TRY",
    "₽": "RUB",
    "₫": "VND",
    "฿": "THB",
    "₦": "NGN",
    "₴": "UAH",
    "₪": "ILS",
    "৳": "BDT",
    "zł": "PLN",
    "Kč": "CZK",
    "Ft": "HUF",
    "kr": "SEK",
    "kr.": "DKK",
    "Kr": "SEK",
    "CHF": "CHF",
    "Fr.": "CHF",
    "RM": "MYR",
    "Rp": "IDR",
    "KSh": "KES",
    "Dhs": "AED",
    "Dhs.": "AED",
    "Dh": "AED",
    "د.إ": "AED",
    "SR": "SAR",
    "QR": "QAR",
    "KD": "KWD",
    "BD": "BHD",
}

# Symbols whose meaning depends on where the sender is.
_BY_COUNTRY: dict[str, dict[str, str]] = {
    "$": {
        "US": "USD",
        "CA": "CAD",
        "AU": "AUD",
        "SG": "SGD",
        "NZ": "NZD",
        "HK": "HKD",
        "MX": "MXN",
        "TW": "TWD",
        "AR": "ARS",
        "CL": "CLP",
        "CO": "COP",
    },
    "¥": {"CN": "CNY", "JP": "JPY"},
    "￥": {"CN": "CNY", "JP": "JPY"},
    "Rs": {"PK": "PKR", "LK": "LKR", "NP": "NPR", "MU": "MUR"},
    "Rs.": {"PK": "PKR", "LK": "LKR", "NP": "NPR", "MU": "MUR"},
    "kr": {"SE": "SEK", "NO": "NOK", "DK": "DKK", "IS": "ISK"},
    "kr.": {"SE": "SEK", "NO": "NOK", "DK": "DKK", "IS": "ISK"},
    "Kr": {"SE": "SEK", "NO": "NOK", "DK": "DKK", "IS": "ISK"},
    "Dh": {"MA": "MAD"},
    "Dhs": {"MA": "MAD"},
    "£": {"EG": "EGP"},
}

# The currency a country's banks use.
COUNTRY_CURRENCY: dict[str, str] = {
    "IN": "INR",
    "US": "USD",
    "GB": "GBP",
    "SG": "SGD",
    "AU": "AUD",
    "CA": "CAD",
    "AE": "AED",
    "NZ": "NZD",
    "HK": "HKD",
    "JP": "JPY",
    "CN": "CNY",
    "KR": "KRW",
    "CH": "CHF",
    "SE": "SEK",
    "NO": "NOK",
    "DK": "DKK",
    "IS": "ISK",
    "PL": "PLN",
    "CZ": "CZK",
    "HU": "HUF",
    "RO": "RON",
    "BG": "BGN",
    "SA": "SAR",
    "QA": "QAR",
    "KW": "KWD",
    "BH": "BHD",
    "OM": "OMR",
    "EG": "EGP",
    "ZA": "ZAR",
    "NG": "NGN",
    "KE": "KES",
    "MY": "MYR",
    "ID": "IDR",
    "TH": "THB",
    "PH": "PHP",
    "VN": "VND",
    "TW": "TWD",
    "BR": "BRL",
    "MX": "MXN",
    "PK": "PKR",
    "LK": "LKR",
    "BD": "BDT",
    "NP": "NPR",
    "IL": "ILS",
    "TR": "TRY",
    "UA": "UAH",
}
EURO_COUNTRIES: frozenset[str] = frozenset(
    [
        "AT",
        "BE",
        "CY",
        "DE",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PT",
        "SI",
        "SK",
    ]
)
for _country in EURO_COUNTRIES:
    COUNTRY_CURRENCY[_country] = "EUR"

# Countries whose banks write 1.234,56 (a comma before the cents).
DECIMAL_COMMA_COUNTRIES: frozenset[str] = frozenset(
    [
        "AT",
        "BE",
        "DE",
        "ES",
        "FR",
        "GR",
        "HR",
        "IT",
        "LT",
        "LU",
        "LV",
        "NL",
        "PT",
        "SI",
        "SK",
        "FI",
        "EE",
        "CZ",
        "PL",
        "HU",
        "RO",
        "BG",
        "DK",
        "NO",
        "SE",
        "IS",
        "BR",
        "AR",
        "CL",
        "CO",
        "UY",
        "ID",
        "VN",
        "TR",
        "UA",
        "RU",
        "ZA",
    ]
)

# Country code top-level domains that differ from the ISO country code, and
# second-level names (co.uk, com.au) handled by taking the last label.
_TLD_COUNTRY = {"uk": "GB"}
_GENERIC_TLDS = frozenset(
    [
        "com",
        "net",
        "org",
        "info",
        "biz",
        "bank",
        "io",
        "app",
        "co",
        "example",
        "test",
        "local",
        "email",
    ]
)

_TLD_RE = re.compile(r"[a-z]{2}")


def country_from_domain(domain: str) -> str | None:
    """The country a sender's domain points at (``hdfcbank.co.in`` → ``IN``).

    Returns None for generic domains (``.com``, ``.net``…), where the
    country cannot be told from the address alone.
    """
    tld = domain.rstrip(".").rpartition(".")[2].lower()
    if tld in _GENERIC_TLDS or not _TLD_RE.fullmatch(tld):
        return None
    return _TLD_COUNTRY.get(tld, tld.upper())


def resolve_symbol(symbol: str, country: str | None = None) -> str:
    """The ISO 4217 code a printed symbol or code stands for.

    ``country`` (ISO 3166 alpha-2) settles symbols shared between countries:
    ``$`` is CAD for a Canadian sender, ``kr`` NOK for a Norwegian one.
    Unknown symbols come back upper-cased, so a code passes through.
    """
    if symbol in ISO_CODES:
        return symbol
    if country:
        local = _BY_COUNTRY.get(symbol)
        if local and country in local:
            return local[country]
    code = SYMBOLS.get(symbol)
    if code is not None:
        return code
    return symbol.upper()


def minor_units(currency: str) -> int:
    """How many digits follow the decimal point in this currency (2 for most)."""
    return MINOR_UNITS.get(currency, 2)
