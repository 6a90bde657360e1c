"""Synthetic bank alerts for the benchmarks: many banks, encodings and layouts.

Every message is distinct (its own Message-ID, amount, merchant, date and
reference) and about 2 KB, with the headers a real provider adds. The mix is
plain, HTML-only and multipart/alternative, in quoted-printable, base64, 7bit
and 8bit, in UTF-8 and Latin-1, with about one message in ten not being a
transaction (one-time passwords, offers, statements, declines).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import email.utils
import quopri
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

RECIPIENT = "pat.customer@example.org"
FIRST_DAY = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
SPAN_SECONDS = 330 * 86400

MERCHANTS = (
    "BIGBASKET",
    "SWIGGY INSTAMART",
    "AMAZON PAY INDIA",
    "UBER TRIP",
    "STARBUCKS 0421",
    "WHOLE FOODS MKT #10234",
    "SHELL OIL 5744",
    "TRADER JOE'S #552",
    "NETFLIX.COM",
    "SPOTIFY AB",
    "TESCO STORES 3112",
    "PRET A MANGER",
    "REWE MARKT GMBH",
    "DEUTSCHE BAHN",
    "NTUC FAIRPRICE",
    "GRAB* TRIP",
    "WOOLWORTHS 4410",
    "COLES EXPRESS",
    "TIM HORTONS #88",
    "CARREFOUR MCC",
    "APPLE.COM/BILL",
    "IKEA RETAIL",
    "ZOMATO LTD",
    "DECATHLON SPORTS",
)
PAYERS = ("ACME PAYROLL LTD", "R SHARMA", "J SMITH", "TAX REFUND", "M MUELLER")
CITIES = ("DUBAI", "ABU DHABI", "SHARJAH")

FOOTERS = (
    "This is an automatically generated message; replies to this address are "
    "not read. If you did not make this transaction, call the number on the "
    "back of your card straight away, or block the card in the mobile app. "
    "We will never ask for your PIN, password, CVV or one-time code by e-mail, "
    "text or phone. Keep your contact details up to date so alerts reach you. "
    "Registered office: 1 Example Plaza, Finance District. Deposits are "
    "insured up to the limits set by law. Terms and conditions apply to all "
    "products; read them on our website before you apply.",
    "You are receiving this e-mail because transaction alerts are switched "
    "on for your account. To change which alerts you get, sign in to online "
    "banking and open Settings, then Notifications. Alerts are sent for "
    "information only and may not show every transaction; your statement is "
    "the official record. Standard message and data rates may apply. Please "
    "do not reply to this message. Copyright 2025, all rights reserved. The "
    "bank is authorised and regulated by the national financial authority.",
    "Security reminder: the bank never sends links asking you to confirm "
    "card details. Check the sender address before you act on any e-mail. "
    "For help, visit the support pages or call us any time, day or night. "
    "Calls may be recorded for training and security. This message and any "
    "attachments are confidential and meant only for the person named "
    "above; if it reached you in error, delete it and let us know. Our "
    "privacy notice explains how we use your information.",
)


@dataclass(frozen=True, slots=True)
class Sample:
    """One generated message: its bytes and the time it was sent."""

    raw: bytes
    sent: float


def _indian(value: Decimal) -> str:
    """1234567.5 → 12,34,567.50 (lakh grouping)."""
    whole, frac = f"{value:.2f}".split(".")
    if len(whole) <= 3:
        return f"{whole}.{frac}"
    head, tail = whole[:-3], whole[-3:]
    groups = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    if head:
        groups.insert(0, head)
    return ",".join([*groups, tail]) + "." + frac


def _western(value: Decimal) -> str:
    return f"{value:,.2f}"


def _german(value: Decimal) -> str:
    return f"{value:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


class _Draw:
    """The random choices of one message, shared by its text and HTML bodies."""

    def __init__(self, rng: random.Random, index: int) -> None:
        self.rng = rng
        self.index = index
        self.when = FIRST_DAY + dt.timedelta(seconds=rng.randrange(SPAN_SECONDS))
        cents = rng.choice((rng.randrange(100, 9_999), rng.randrange(100, 2_500_000)))
        self.amount = Decimal(cents) / 100
        self.balance = Decimal(rng.randrange(10_000, 90_000_000)) / 100
        self.last4 = f"{rng.randrange(10_000):04d}"
        self.merchant = rng.choice(MERCHANTS)
        self.payer = rng.choice(PAYERS)
        self.ref = f"{rng.randrange(10**11, 10**12)}"
        self.footer = rng.choice(FOOTERS)


# Each writer returns (subject, plain text or None, HTML or None).
Body = tuple[str, str | None, str | None]


def _hdfc_card(d: _Draw) -> Body:
    text = (
        "Dear Card Member,\n\n"
        f"Thank you for using your HDFC Bank Credit Card ending {d.last4} for "
        f"Rs {_indian(d.amount)} at {d.merchant} on {d.when:%d-%m-%Y %H:%M:%S}.\n\n"
        f"Authorization code:- {d.ref[:6]}\n\n{d.footer}\n"
    )
    return "Alert : Update on your HDFC Bank Credit Card", text, None


def _icici_upi(d: _Draw) -> Body:
    html = _html_page(
        "ICICI Bank",
        [
            "Dear Customer,",
            f"Your account XX{d.last4} has been debited with INR "
            f"{_indian(d.amount)} on {d.when:%d-%b-%y}. Info: UPI/{d.ref}/"
            f"{d.merchant.lower().replace(' ', '')}@okaxis. The Available "
            f"Balance in your account is INR {_indian(d.balance)}.",
        ],
        [],
        d.footer,
    )
    return "Transaction alert for your ICICI Bank account", None, html


def _sbi_credit(d: _Draw) -> Body:
    text = (
        f"Dear Customer, Your A/c X{d.last4} has been credited by Rs "
        f"{_indian(d.amount)} on {d.when:%d/%m/%y} by transfer from {d.payer}. "
        f"Avl Bal Rs {_indian(d.balance)}. - SBI\n\n{d.footer}\n"
    )
    return "Credit alert", text, None


def _chase_debit(d: _Draw) -> Body:
    stamp = f"{d.when:%b} {d.when.day}, {d.when:%Y} at {d.when:%I:%M %p} ET"
    text = (
        f"Your debit card transaction of ${_western(d.amount)} with {d.merchant} "
        f"was more than the alert amount you set.\n\nAccount: Chase checking "
        f"(...{d.last4})\nDate: {stamp}\nMerchant: {d.merchant}\nAmount: "
        f"${_western(d.amount)}\n\n{d.footer}\n"
    )
    html = _html_page(
        "Chase",
        [
            f"Your debit card transaction of ${_western(d.amount)} with "
            f"{d.merchant} was more than the alert amount you set."
        ],
        [
            ("Account", f"Chase checking (...{d.last4})"),
            ("Date", stamp),
            ("Merchant", d.merchant),
            ("Amount", f"${_western(d.amount)}"),
        ],
        d.footer,
    )
    return "Your debit card transaction", text, html


def _amex(d: _Draw) -> Body:
    ending = f"{d.rng.randrange(100_000):05d}"
    html = _html_page(
        "American Express",
        ["We&#x27;ve processed a charge on your Card."],
        [
            ("Merchant", d.merchant),
            ("Amount", f"${_western(d.amount)}"),
            ("Card Ending", ending),
            ("Date", f"{d.when:%a, %b} {d.when.day}, {d.when:%Y}"),
        ],
        d.footer,
    )
    return "Large purchase approved", None, html


def _monzo(d: _Draw) -> Body:
    html = _html_page(
        "Monzo",
        [
            f"You spent &pound;{_western(d.amount)} at {d.merchant.title()}.",
            f"Card ending {d.last4} &middot; {d.when:%d %B %Y, %H:%M}",
        ],
        [("Balance", f"&pound;{_western(d.balance)}")],
        d.footer,
    )
    return f"£{_western(d.amount)} at {d.merchant.title()}", None, html


def _sparkasse(d: _Draw) -> Body:
    text = (
        "Guten Tag,\n\n"
        f"auf Ihrem Konto ****{d.last4} wurde eine Kartenzahlung gebucht:\n"
        f"Empfänger: {d.merchant}\nBetrag: {_german(d.amount)} EUR\n"
        f"Datum: {d.when:%d.%m.%Y} um {d.when:%H:%M} Uhr\n"
        f"Kontostand: {_german(d.balance)} EUR\n\n"
        "Mit freundlichen Grüßen\nIhre Sparkasse\n\n"
        "Diese E-Mail wurde automatisch erstellt; bitte antworten Sie nicht "
        "darauf. Wenn Sie diese Zahlung nicht veranlasst haben, sperren Sie "
        "Ihre Karte sofort über den Sperr-Notruf oder in der App. Wir fragen "
        "niemals per E-Mail nach PIN, TAN oder Passwort. Hinweise zum "
        "Datenschutz finden Sie auf unserer Internetseite unter Impressum.\n"
    )
    return "Umsatzbenachrichtigung", text, None


def _dbs(d: _Draw) -> Body:
    text = (
        f"Transaction Ref: {d.ref}\n\nDear Sir / Madam,\n\n"
        f"We refer to your card transaction request dated "
        f"{d.when:%d %b} {d.when:%H:%M} (SGT).\n\n"
        f"Amount: SGD{_western(d.amount)}\nFrom: DBS/POSB card ending {d.last4}\n"
        f"To: {d.merchant}\n\nIf unauthorised, please call 1800 111 1111.\n\n"
        f"{d.footer}\n"
    )
    return "Card Transaction Alert", text, None


def _commbank(d: _Draw) -> Body:
    line = (
        f"A purchase of AUD {_western(d.amount)} was made on your card ending "
        f"{d.last4} at {d.merchant} on {d.when:%d/%m/%Y}."
    )
    html = _html_page("CommBank", [line], [("Available", f"${_western(d.balance)}")])
    return "CommBank purchase notification", f"{line}\n\n{d.footer}\n", html


def _rbc(d: _Draw) -> Body:
    text = (
        f"Hello,\n\nA purchase of C${_western(d.amount)} was made at "
        f"{d.merchant} with your RBC® credit card ending in {d.last4} on "
        f"{d.when:%B} {d.when.day}, {d.when:%Y}.\n\nNot you? Call us right "
        f"away.\n\n— RBC Royal Bank\n\n{d.footer}\n"
    )
    return "RBC Alert: purchase made", text, None


def _emirates(d: _Draw) -> Body:
    html = _html_page(
        "Emirates NBD",
        [
            f"Purchase of AED {_western(d.amount)} with Credit Card ending "
            f"{d.last4} at {d.merchant}, {d.rng.choice(CITIES)} on "
            f"{d.when:%d-%b-%Y %I:%M %p}. Available credit limit is AED "
            f"{_western(d.balance)}."
        ],
        [],
        d.footer,
    )
    return "Credit Card Purchase", None, html


def _refund(d: _Draw) -> Body:
    text = (
        f"Dear Customer,\n\nA refund of Rs {_indian(d.amount)} from {d.merchant} "
        f"has been credited to your card ending {d.last4} on "
        f"{d.when:%d %b %Y}.\n\n{d.footer}\n"
    )
    return "Refund credited to your card", text, None


def _otp(d: _Draw) -> Body:
    code = f"{d.rng.randrange(1_000_000):06d}"
    text = (
        f"{code} is the One Time Password (OTP) for your transaction of "
        f"INR {_indian(d.amount)} at {d.merchant} on card ending {d.last4}. "
        f"It is valid for 10 minutes. Do not share it with anyone.\n\n{d.footer}\n"
    )
    return "OTP for your transaction", text, None


def _offer(d: _Draw) -> Body:
    html = _html_page(
        "Offers",
        [
            "Up to 10% cashback this festive season!",
            f"Shop at {d.merchant.title()} with your card and save. Offer valid "
            "until the end of the month on purchases over Rs 2,000. T&amp;C apply.",
        ],
        [("Offer code", f"FEST{d.ref[:4]}")],
        d.footer,
    )
    return "An exclusive offer picked for you", None, html


def _statement(d: _Draw) -> Body:
    text = (
        f"Your credit card statement for the card ending {d.last4} is ready.\n"
        f"Total amount due: ${_western(d.balance)}\nMinimum amount due: "
        f"${_western(d.amount)}\nPayment due date: {d.when:%b %d, %Y}\n\n"
        f"{d.footer}\n"
    )
    return "Your statement is ready", text, None


def _declined(d: _Draw) -> Body:
    text = (
        f"A transaction of £{_western(d.amount)} at {d.merchant} on your card "
        f"ending {d.last4} was declined on {d.when:%d/%m/%Y}. No money has left "
        f"your account.\n\n{d.footer}\n"
    )
    return "Payment declined", text, None


def _html_page(
    brand: str, paragraphs: list[str], rows: list[tuple[str, str]], footer: str = ""
) -> str:
    cell = "padding:4px 8px;font-family:Arial,sans-serif;font-size:13px"
    parts = [
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        "<style>td{mso-line-height-rule:exactly}.hide{display:none}</style>"
        '</head><body style="margin:0;background:#f4f4f4">',
        f'<span class="hide" style="display:none">A message from {brand}</span>',
        '<table width="600" align="center" cellpadding="0" cellspacing="0" '
        'style="background:#ffffff">',
        f'<tr><td style="{cell}"><img src="cid:logo" alt="{brand}" width="120" '
        'height="40"></td></tr>',
    ]
    for paragraph in paragraphs:
        parts.append(f'<tr><td style="{cell};color:#222222">{paragraph}</td></tr>')
    if rows:
        parts.append('<tr><td><table width="100%" style="border:1px solid #ddd">')
        for label, value in rows:
            parts.append(
                f'<tr><td style="{cell};color:#555">{label}</td>'
                f'<td style="{cell};font-weight:bold">{value}</td></tr>'
            )
        parts.append("</table></td></tr>")
    if footer:
        parts.append(
            f'<tr><td style="{cell};font-size:11px;color:#888888">{footer}</td></tr>'
        )
    parts.append("</table></body></html>")
    return "\n".join(parts)


@dataclass(frozen=True, slots=True)
class _Bank:
    name: str
    address: str
    write: Callable[[_Draw], Body]
    encoding: str  # quoted-printable, base64, 7bit or 8bit
    charset: str = "utf-8"


BANKS = (
    _Bank(
        "HDFC Bank InstaAlerts", "alerts@hdfcbank.net", _hdfc_card, "quoted-printable"
    ),
    _Bank("ICICI Bank", "credit_cards@icicibank.com", _icici_upi, "base64"),
    _Bank("SBI Alerts", "donotreply.sbiatm@alerts.sbi.co.in", _sbi_credit, "7bit"),
    _Bank("Chase", "no.reply.alerts@chase.com", _chase_debit, "quoted-printable"),
    _Bank("American Express", "americanexpress@welcome.aexp.com", _amex, "base64"),
    _Bank("Monzo", "help@monzo.com", _monzo, "quoted-printable"),
    _Bank(
        "Sparkasse",
        "service@sparkasse.de",
        _sparkasse,
        "quoted-printable",
        "iso-8859-1",
    ),
    _Bank("DBS Bank", "ibanking.alert@dbs.com", _dbs, "base64"),
    _Bank("CommBank", "NetBankNotification@cba.com.au", _commbank, "base64"),
    _Bank("RBC Royal Bank", "alerts@rbc.com", _rbc, "8bit"),
    _Bank("Emirates NBD", "alerts@emiratesnbd.com", _emirates, "7bit"),
    _Bank("HDFC Bank", "alerts@hdfcbank.net", _refund, "quoted-printable"),
)
NOT_TRANSACTIONS = (
    _Bank("Axis Bank", "alerts@axisbank.com", _otp, "7bit"),
    _Bank("Kotak Offers", "offers@kotak.com", _offer, "base64"),
    _Bank("Citi Cards", "alerts@citi.com", _statement, "quoted-printable"),
    _Bank("Barclays", "alerts@barclays.co.uk", _declined, "7bit"),
)


def _encode(text: str, charset: str, encoding: str) -> tuple[str, bytes]:
    data = text.encode(charset)
    if encoding == "base64":
        lines = [binascii.b2a_base64(data[i : i + 57]) for i in range(0, len(data), 57)]
        return encoding, b"".join(lines)
    if encoding == "quoted-printable":
        return encoding, quopri.encodestring(data)
    if encoding == "7bit" and not data.isascii():
        return "8bit", data
    return encoding, data


def _part(subtype: str, text: str, bank: _Bank) -> bytes:
    cte, body = _encode(text, bank.charset, bank.encoding)
    head = (
        f'Content-Type: text/{subtype}; charset="{bank.charset}"\r\n'
        f"Content-Transfer-Encoding: {cte}\r\n\r\n"
    )
    return head.encode("ascii") + body.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def _header_text(value: str) -> str:
    if value.isascii():
        return value
    return "=?utf-8?b?" + base64.b64encode(value.encode()).decode() + "?="


def _message(index: int, rng: random.Random) -> Sample:
    bank = rng.choice(NOT_TRANSACTIONS) if rng.random() < 0.1 else rng.choice(BANKS)
    draw = _Draw(rng, index)
    subject, text, html = bank.write(draw)
    domain = bank.address.rpartition("@")[2]
    stamp = email.utils.format_datetime(draw.when)
    token = f"{rng.getrandbits(64):016x}"
    signature = base64.b64encode(rng.randbytes(128)).decode()
    headers = [
        f"Return-Path: <bounce-{token}@{domain}>",
        f"Received: from mta{index % 7}.{domain} (mta{index % 7}.{domain} "
        f"[203.0.113.{index % 250}])\r\n\tby mx.example.org with ESMTPS id {token}"
        f"\r\n\tfor <{RECIPIENT}>; {stamp}",
        f"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d={domain}; s=s1;"
        f"\r\n\th=from:to:subject:date:message-id;\r\n\tbh={signature[:44]};"
        f"\r\n\tb={signature[44:120]}\r\n\t {signature[120:]}",
        f"From: {bank.name} <{bank.address}>",
        f"To: {RECIPIENT}",
        f"Subject: {_header_text(subject)}",
        f"Date: {stamp}",
        f"Message-ID: <{index}.{token}@alerts.{domain}>",
        "MIME-Version: 1.0",
    ]
    if text is not None and html is not None:
        boundary = f"=_alt_{token}"
        headers.append(f'Content-Type: multipart/alternative; boundary="{boundary}"')
        body = (
            b"This is a multi-part message in MIME format.\r\n\r\n"
            + f"--{boundary}\r\n".encode()
            + _part("plain", text, bank)
            + f"\r\n--{boundary}\r\n".encode()
            + _part("html", html, bank)
            + f"\r\n--{boundary}--\r\n".encode()
        )
        head = "\r\n".join(headers).encode("ascii") + b"\r\n\r\n"
        return Sample(head + body, draw.when.timestamp())
    single = _part("plain" if text is not None else "html", text or html or "", bank)
    head = "\r\n".join(headers).encode("ascii") + b"\r\n"
    return Sample(head + single, draw.when.timestamp())


def generate(count: int, seed: int = 8) -> Iterator[Sample]:
    """``count`` distinct alerts; the same ``seed`` always gives the same bytes."""
    rng = random.Random(seed)
    for index in range(count):
        yield _message(index, rng)
