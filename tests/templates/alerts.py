"""Alert formats no built-in reader knows, invented for the template tests.

Each ``Format`` renders alerts of one sender from the values printed in
them; each ``Case`` is one alert: what it prints and what must be read.
The first case of a format is the sample a template is learned from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime

from emailautomation.alert import Alert

UTC = dt.UTC


@dataclass(frozen=True)
class Case:
    """One alert: the values it prints, when it was sent, what must be read."""

    printed: dict[str, str]
    sent_at: dt.datetime
    expected: dict[str, str | None]


@dataclass(frozen=True)
class Format:
    """One sender's alert layout.

    Attributes:
        marks: what a person marks in the first case (the sample), by field.
        choices: direction and currency as the person chooses them.
    """

    name: str
    sender: str
    subject: str
    render: Callable[[dict[str, str]], tuple[str | None, str | None]]
    cases: list[Case]
    marks: dict[str, str]
    choices: dict[str, str] = field(default_factory=dict)

    @property
    def sample(self) -> Case:
        return self.cases[0]

    def alert(self, case: Case, sender: str | None = None) -> Alert:
        text, html = self.render(case.printed)
        return Alert(
            sender or self.sender,
            self.name,
            self.subject,
            case.sent_at,
            text,
            html,
            message_id=None,
        )

    def eml(self, case: Case, message_id: str) -> bytes:
        """The alert as the bytes a mail server would hold."""
        text, html = self.render(case.printed)
        message = EmailMessage()
        message["From"] = f"{self.name} <{self.sender}>"
        message["To"] = "pat@example.org"
        message["Subject"] = self.subject
        message["Date"] = format_datetime(case.sent_at)
        message["Message-ID"] = f"<{message_id}>"
        if text is not None:
            message.set_content(text)
            if html is not None:
                message.add_alternative(html, subtype="html")
        else:
            assert html is not None
            message.set_content(html, subtype="html")
        return message.as_bytes()


def _sent(day: str, time: str = "09:00", offset_hours: float = 0) -> dt.datetime:
    zone = dt.timezone(dt.timedelta(hours=offset_hours))
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=zone)


# ── A: German plain text, decimal comma, currency after the amount ──────────


def _german(v: dict[str, str]) -> tuple[str, None]:
    return (
        "Guten Tag,\n\n"
        "mit Ihrer Karte wurde soeben bezahlt.\n\n"
        f"Betrag: {v['amount']}\n"
        f"Händler: {v['merchant']}\n"
        f"Karte: {v['card']}\n"
        f"Datum: {v['date']} um {v['time']} Uhr\n"
        f"Vorgangsnummer: {v['ref']}\n\n"
        "Freundliche Grüße\nIhre Kreditgenossenschaft Nordheide\n",
        None,
    )


GERMAN = Format(
    name="KG Nordheide",
    sender="karte@kg-nordheide.example",
    subject="Ihre Kartenzahlung",
    render=_german,
    cases=[
        Case(
            {
                "amount": "12,50 EUR",
                "merchant": "BÄCKEREI MÜLLER",
                "card": "****4821",
                "date": "03.11.2025",
                "time": "08:15",
                "ref": "88120",
            },
            _sent("2025-11-03", "08:16", 1),
            {
                "amount": "12.50",
                "currency": "EUR",
                "direction": "debit",
                "merchant": "BÄCKEREI MÜLLER",
                "account": "4821",
                "date": "2025-11-03",
                "time": "08:15",
            },
        ),
        Case(
            {
                "amount": "1.234,56 EUR",
                "merchant": "ELEKTROMARKT NORDHEIDE GMBH & CO. KG",
                "card": "****4821",
                "date": "28.11.2025",
                "time": "19:02",
                "ref": "90311",
            },
            _sent("2025-11-28", "19:03", 1),
            {
                "amount": "1234.56",
                "currency": "EUR",
                "direction": "debit",
                "merchant": "ELEKTROMARKT NORDHEIDE GMBH & CO. KG",
                "account": "4821",
                "date": "2025-11-28",
                "time": "19:02",
            },
        ),
        Case(
            {
                "amount": "7 EUR",
                "merchant": "KIOSK",
                "card": "***0007",
                "date": "01.12.2025",
                "time": "06:59",
                "ref": "90412",
            },
            _sent("2025-12-01", "07:00", 1),
            {
                "amount": "7.00",
                "currency": "EUR",
                "direction": "debit",
                "merchant": "KIOSK",
                "account": "0007",
                "date": "2025-12-01",
                "time": "06:59",
            },
        ),
        Case(
            {
                "amount": "89,90 CHF",
                "merchant": "BERGBAHNEN ZERMATT AG",
                "card": "****4821",
                "date": "12.12.2025",
                "time": "11:30",
                "ref": "91002",
            },
            _sent("2025-12-12", "11:31", 1),
            {
                "amount": "89.90",
                "currency": "CHF",
                "direction": "debit",
                "merchant": "BERGBAHNEN ZERMATT AG",
                "account": "4821",
                "date": "2025-12-12",
                "time": "11:30",
            },
        ),
    ],
    marks={
        "amount": "12,50",
        "merchant": "BÄCKEREI MÜLLER",
        "account": "4821",
        "date": "03.11.2025",
        "time": "08:15",
    },
)


# ── B: English HTML table, bare $ for Canadian dollars, month-first dates ────


def _prairie(v: dict[str, str]) -> tuple[str, str]:
    html = f"""<html><head><style>td {{ padding: 4px }}</style></head><body>
<p>Hello PAT,</p>
<p>Here is a card transaction on your Prairie Credit Union account.</p>
<table>
<tr><td>Type</td><td>{v["type"]}</td></tr>
<tr><td>Where</td><td>{v["merchant"]}</td></tr>
<tr><td>How much</td><td>{v["amount"]}</td></tr>
<tr><td>Card</td><td>ending in {v["card"]}</td></tr>
<tr><td>Posted</td><td>{v["date"]}</td></tr>
</table>
<p>Questions? Call 1-800-555-0199.</p>
</body></html>"""
    return "View this e-mail in your browser.", html


def _prairie_case(
    kind: str,
    merchant: str,
    printed: str,
    card: str,
    printed_date: str,
    sent: str,
    want: dict[str, str],
) -> Case:
    return Case(
        {
            "type": kind,
            "merchant": merchant,
            "amount": printed,
            "card": card,
            "date": printed_date,
        },
        _sent(sent, "10:00", -6),
        {
            "currency": "CAD",
            "merchant": merchant,
            "account": card,
            "time": None,
            **want,
        },
    )


PRAIRIE = Format(
    name="Prairie Credit Union",
    sender="notify@prairiecu.example",
    subject="Card activity",
    render=_prairie,
    cases=[
        _prairie_case(
            "Purchase",
            "CORNER STORE #12",
            "$4.75",
            "3141",
            "11/04/2025",
            "2025-11-05",
            {"amount": "4.75", "direction": "debit", "date": "2025-11-04"},
        ),
        _prairie_case(
            "Purchase",
            "PRAIRIE HARDWARE & LUMBER LTD",
            "$1,075.00",
            "27182",
            "12/03/2025",
            "2025-12-04",
            {"amount": "1075.00", "direction": "debit", "date": "2025-12-03"},
        ),
        _prairie_case(
            "Refund",
            "CORNER STORE #12",
            "$4.75",
            "3141",
            "11/20/2025",
            "2025-11-21",
            {"amount": "4.75", "direction": "credit", "date": "2025-11-20"},
        ),
        _prairie_case(
            "Purchase",
            "GAS BAR",
            "$60",
            "3141",
            "01/02/2026",
            "2026-01-02",
            {"amount": "60.00", "direction": "debit", "date": "2026-01-02"},
        ),
    ],
    marks={
        "amount": "$4.75",
        "merchant": "CORNER STORE #12",
        "account": "3141",
        "date": "11/04/2025",
    },
    choices={"currency": "CAD"},
)


# ── C: French sentence, merchant before the amount, spaces in thousands ──────


def _french(v: dict[str, str]) -> tuple[str, None]:
    return (
        "Bonjour,\n\n"
        f"Paiement par carte chez {v['merchant']} le {v['date']} à {v['time']} : "
        f"{v['amount']} débités de la carte {v['card']}.\n\n"
        "Votre conseiller, Banque Mutuelle du Lac\n",
        None,
    )


FRENCH = Format(
    name="Banque Mutuelle du Lac",
    sender="ne-pas-repondre@bm-lac.example",
    subject="Opération carte",
    render=_french,
    cases=[
        Case(
            {
                "merchant": "LA PETITE EPICERIE",
                "date": "5 nov. 2025",
                "time": "18h42",
                "amount": "23,90 €",
                "card": "XXXX XXXX XXXX 9012",
            },
            _sent("2025-11-05", "18:43", 1),
            {
                "amount": "23.90",
                "currency": "EUR",
                "direction": "debit",
                "merchant": "LA PETITE EPICERIE",
                "account": "9012",
                "date": "2025-11-05",
                "time": "18:42",
            },
        ),
        Case(
            {
                "merchant": "BOULANGERIE DU MARCHE SAINT-GERMAIN",
                "date": "12 déc. 2025",
                "time": "7h05",
                "amount": "1 234,50 €",
                "card": "XXXX XXXX XXXX 0456",
            },
            _sent("2025-12-12", "07:06", 1),
            {
                "amount": "1234.50",
                "currency": "EUR",
                "direction": "debit",
                "merchant": "BOULANGERIE DU MARCHE SAINT-GERMAIN",
                "account": "0456",
                "date": "2025-12-12",
                "time": "07:05",
            },
        ),
        Case(
            {
                "merchant": "SNCF",
                "date": "1 janv. 2026",
                "time": "23h59",
                "amount": "9,00 €",
                "card": "XXXX XXXX XXXX 9012",
            },
            _sent("2026-01-02", "00:01", 1),
            {
                "amount": "9.00",
                "currency": "EUR",
                "direction": "debit",
                "merchant": "SNCF",
                "account": "9012",
                "date": "2026-01-01",
                "time": "23:59",
            },
        ),
    ],
    marks={
        "amount": "23,90 €",
        "merchant": "LA PETITE EPICERIE",
        "account": "9012",
        "date": "5 nov. 2025",
        "time": "18h42",
    },
)


# ── D: Spanish, one line, "··" between fields, year-first dates ─────────────


def _spanish(v: dict[str, str]) -> tuple[str, None]:
    return (
        f"{v['kind']} con tarjeta ·· Comercio: {v['merchant']} ·· Importe: "
        f"{v['amount']} ·· Fecha: {v['date']} {v['time']} ·· Tarjeta: *{v['card']}\n"
        "Caja Rural del Sur\n",
        None,
    )


SPANISH = Format(
    name="Caja Rural del Sur",
    sender="avisos@cajarural-sur.example",
    subject="Aviso de operación",
    render=_spanish,
    cases=[
        Case(
            {
                "kind": "Compra",
                "merchant": "FARMACIA SAN JUAN",
                "amount": "45,90 EUR",
                "date": "2025-11-12",
                "time": "10:22",
                "card": "5521",
            },
            _sent("2025-11-12", "10:23", 1),
            {
                "amount": "45.90",
                "currency": "EUR",
                "direction": "debit",
                "merchant": "FARMACIA SAN JUAN",
                "account": "5521",
                "date": "2025-11-12",
                "time": "10:22",
            },
        ),
        Case(
            {
                "kind": "Compra",
                "merchant": "SUPERMERCADOS EL ÁGUILA DORADA S.L.",
                "amount": "2.345,00 EUR",
                "date": "2025-12-01",
                "time": "09:05",
                "card": "0093",
            },
            _sent("2025-12-01", "09:06", 1),
            {
                "amount": "2345.00",
                "currency": "EUR",
                "direction": "debit",
                "merchant": "SUPERMERCADOS EL ÁGUILA DORADA S.L.",
                "account": "0093",
                "date": "2025-12-01",
                "time": "09:05",
            },
        ),
        Case(
            {
                "kind": "Devolución",
                "merchant": "FARMACIA SAN JUAN",
                "amount": "45,90 EUR",
                "date": "2025-11-14",
                "time": "17:40",
                "card": "5521",
            },
            _sent("2025-11-14", "17:41", 1),
            {
                "amount": "45.90",
                "currency": "EUR",
                "direction": "credit",
                "merchant": "FARMACIA SAN JUAN",
                "account": "5521",
                "date": "2025-11-14",
                "time": "17:40",
            },
        ),
    ],
    marks={
        "amount": "45,90",
        "merchant": "FARMACIA SAN JUAN",
        "account": "5521",
        "date": "2025-11-12",
        "time": "10:22",
    },
)


# ── E: English HTML, each label above its value, month names and am/pm ───────


def _kopi(v: dict[str, str]) -> tuple[None, str]:
    html = f"""<!doctype html><html><body>
<div style="display:none">You paid {v["merchant"]}</div>
<h2>Payment made</h2>
<div>Amount</div><div><b>{v["amount"]}</b></div>
<div>Paid to</div><div>{v["merchant"]}</div>
<div>From card</div><div>&bull;&bull;&bull;&bull; {v["card"]}</div>
<div>When</div><div>{v["date"]}, {v["time"]}</div>
<p>Thank you for banking with Straits Mutual.</p>
</body></html>"""
    return None, html


KOPI = Format(
    name="Straits Mutual",
    sender="payments@straitsmutual.example",
    subject="Payment made",
    render=_kopi,
    cases=[
        Case(
            {
                "amount": "SGD 48.20",
                "merchant": "KOPI CORNER",
                "card": "6677",
                "date": "12 Nov 2025",
                "time": "8:31 PM",
            },
            _sent("2025-11-12", "20:32", 8),
            {
                "amount": "48.20",
                "currency": "SGD",
                "direction": "debit",
                "merchant": "KOPI CORNER",
                "account": "6677",
                "date": "2025-11-12",
                "time": "20:31",
            },
        ),
        Case(
            {
                "amount": "SGD 12,480.00",
                "merchant": "MARINA BAY FURNITURE GALLERY PTE. LTD.",
                "card": "1010",
                "date": "3 December 2025",
                "time": "11:02 AM",
            },
            _sent("2025-12-03", "11:03", 8),
            {
                "amount": "12480.00",
                "currency": "SGD",
                "direction": "debit",
                "merchant": "MARINA BAY FURNITURE GALLERY PTE. LTD.",
                "account": "1010",
                "date": "2025-12-03",
                "time": "11:02",
            },
        ),
        Case(
            {
                "amount": "USD 19.99",
                "merchant": "STREAMFLIX",
                "card": "6677",
                "date": "30 Nov 2025",
                "time": "12:00 AM",
            },
            _sent("2025-11-30", "00:01", 8),
            {
                "amount": "19.99",
                "currency": "USD",
                "direction": "debit",
                "merchant": "STREAMFLIX",
                "account": "6677",
                "date": "2025-11-30",
                "time": "00:00",
            },
        ),
    ],
    marks={
        "amount": "48.20",
        "merchant": "KOPI CORNER",
        "account": "6677",
        "date": "12 Nov 2025",
        "time": "8:31 PM",
    },
)


# ── F: a reversed table, value before label, no currency printed at all ────


def _ledger_row(v: dict[str, str]) -> tuple[str, str]:
    rows = "".join(
        f"<tr><td>{value}</td><td>{label}</td></tr>"
        for value, label in (
            (v["merchant"], "Merchant"),
            (v["amount"], "Amount"),
            (v["date"], "Date"),
            (v["card"], "Card no."),
        )
    )
    html = (
        "<html><body><h3>Thistle Building Society — card alert</h3>"
        f"<table>{rows}</table><p>Ref {v['ref']}</p></body></html>"
    )
    return None, html


THISTLE = Format(
    name="Thistle Building Society",
    sender="cards@thistle-bs.example",
    subject="Card alert",
    render=_ledger_row,
    cases=[
        Case(
            {
                "merchant": "HIGHLAND BOOKS",
                "amount": "14.99",
                "date": "17 Nov 2025",
                "card": "x2045",
                "ref": "A-1",
            },
            _sent("2025-11-17", "15:00"),
            {
                "amount": "14.99",
                "currency": "GBP",
                "direction": "debit",
                "merchant": "HIGHLAND BOOKS",
                "account": "2045",
                "date": "2025-11-17",
                "time": None,
            },
        ),
        Case(
            {
                "merchant": "CALEDONIAN SLEEPER TICKETS",
                "amount": "1,212.40",
                "date": "2 Dec 2025",
                "card": "x2045",
                "ref": "A-77",
            },
            _sent("2025-12-02", "08:00"),
            {
                "amount": "1212.40",
                "currency": "GBP",
                "direction": "debit",
                "merchant": "CALEDONIAN SLEEPER TICKETS",
                "account": "2045",
                "date": "2025-12-02",
                "time": None,
            },
        ),
        Case(
            {
                "merchant": "TESCO",
                "amount": "3.10",
                "date": "5 Jan 2026",
                "card": "x9100",
                "ref": "B-5",
            },
            _sent("2026-01-05", "12:00"),
            {
                "amount": "3.10",
                "currency": "GBP",
                "direction": "debit",
                "merchant": "TESCO",
                "account": "9100",
                "date": "2026-01-05",
                "time": None,
            },
        ),
    ],
    marks={
        "amount": "14.99",
        "merchant": "HIGHLAND BOOKS",
        "account": "2045",
        "date": "17 Nov 2025",
    },
    choices={"currency": "GBP", "direction": "debit"},
)


# ── G: an Indian-style sentence with a two-digit year and a UPI payee ───────


def _coastal(v: dict[str, str]) -> tuple[str, None]:
    return (
        f"Dear Customer, {v['amount']} has been debited from your A/c no. "
        f"{v['card']} on {v['date']} towards UPI/{v['merchant']}/ref {v['ref']}. "
        f"Avl Bal: {v['balance']}. Not you? SMS BLOCK to 56161.\n"
        "- Coastal Gramin Bank\n",
        None,
    )


COASTAL = Format(
    name="Coastal Gramin Bank",
    sender="alerts@coastalgramin.example",
    subject="Debit alert",
    render=_coastal,
    cases=[
        Case(
            {
                "amount": "INR 1,299.00",
                "card": "XX5678",
                "date": "14-11-25",
                "merchant": "CRED CLUB",
                "ref": "531234567890",
                "balance": "INR 45,210.55",
            },
            _sent("2025-11-14", "10:00", 5.5),
            {
                "amount": "1299.00",
                "currency": "INR",
                "direction": "debit",
                "merchant": "CRED CLUB",
                "account": "5678",
                "date": "2025-11-14",
                "time": None,
            },
        ),
        Case(
            {
                "amount": "INR 45.00",
                "card": "XX5678",
                "date": "03-12-25",
                "merchant": "SWIGGY INSTAMART BANGALORE",
                "ref": "600000000001",
                "balance": "INR 1,23,456.70",
            },
            _sent("2025-12-03", "21:00", 5.5),
            {
                "amount": "45.00",
                "currency": "INR",
                "direction": "debit",
                "merchant": "SWIGGY INSTAMART BANGALORE",
                "account": "5678",
                "date": "2025-12-03",
                "time": None,
            },
        ),
        Case(
            {
                "amount": "INR 1,50,000.00",
                "card": "XX0042",
                "date": "28-12-25",
                "merchant": "SHARMA PROPERTIES",
                "ref": "600000000777",
                "balance": "INR 3,000.00",
            },
            _sent("2025-12-28", "09:00", 5.5),
            {
                "amount": "150000.00",
                "currency": "INR",
                "direction": "debit",
                "merchant": "SHARMA PROPERTIES",
                "account": "0042",
                "date": "2025-12-28",
                "time": None,
            },
        ),
    ],
    marks={
        "amount": "1,299.00",
        "merchant": "CRED CLUB",
        "account": "XX5678",
        "date": "14-11-25",
    },
)

FORMATS = [GERMAN, PRAIRIE, FRENCH, SPANISH, KOPI, THISTLE, COASTAL]
