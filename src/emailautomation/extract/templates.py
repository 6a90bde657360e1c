"""Alert formats taught from one sample e-mail: learning, reading and previewing.

A person gives one sample alert and the field values as they appear in it
(``learn``). Each value is found in the normalised text (``engine.normalise``)
and becomes a *slot*: a typed pattern (an amount with its notation, a date
with its order, free text for the merchant) between *anchors*, the short,
stable text around it. Digits inside anchors match any digits and spaces
any spaces, so a reference number or a line wrapped differently does not
stop a later alert from being read.

The learned ``spec`` is plain JSON, kept in the ``templates`` table;
``readers_from_rows`` turns stored rows into ``Reader``s the engine tries
before its built-in formats, only for the sender (address or domain) the
template was taught for. A spec holds ``version``; ``slots``, one a field,
each with its anchors (``before``/``after`` text, ``before_field``/
``after_field`` when a neighbouring value bounds it, ``line_end``) and its
type's details (``decimal_mark``, a date's ``kind`` and ``order``…);
``marked``, the sample's values as marked; ``currency`` (used when an alert
prints none) and ``currency_tokens`` (what the sample's symbol meant);
``direction``, ``cues`` (the sample's debit and credit words) and
``screening`` (what the engine's screening thought of the sample, if
anything, so that the same false alarm does not stop the template).

For a Teach dialog: ``learn`` takes ``Mark``s (text and place in
``normalise(alert)``) and raises errors whose ``field`` says where to show
them; ``preview`` reads any alert with a template not yet saved;
``locate_fields`` finds where already-read values are printed, to pre-mark
them; ``places`` lists every place a text appears.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise
from typing import Any

from emailautomation.alert import Alert
from emailautomation.errors import EmailAutomationError
from emailautomation.extract.amounts import (
    NUMBER_PATTERN,
    Money,
    parse_amount,
    quantize,
)
from emailautomation.extract.currencies import (
    ISO_CODES,
    SYMBOLS,
    country_from_domain,
    minor_units,
    resolve_symbol,
)
from emailautomation.extract.dates import DMY, MDY, YMD, choose, find_dates, find_times
from emailautomation.extract.engine import normalise
from emailautomation.extract.model import (
    CREDIT,
    DEBIT,
    Extraction,
    TransactionFields,
)
from emailautomation.extract.screening import screen

log = logging.getLogger(__name__)

SPEC_VERSION = 1
TEXT_FIELDS = ("amount", "merchant", "account", "date", "time")
CHOICE_FIELDS = ("direction", "currency")
FIELDS = TEXT_FIELDS + CHOICE_FIELDS

# Reasons ``preview`` gives when a template does not read an alert.
OTHER_SENDER = "template_other_sender"
NO_MATCH = "template_no_match"


# ── errors ──────────────────────────────────────────────────────────────────


class TemplateError(EmailAutomationError):
    """A template cannot be learned as marked. ``field`` names the field
    concerned (``amount``, ``merchant``…), so a dialog can show the message
    next to it; ``str(error)`` starts with it too."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class ValueNotFound(TemplateError):
    """The marked value is not in the e-mail's text."""


class AmbiguousValue(TemplateError):
    """The value is in several places and nothing tells which one is meant.

    ``places`` holds each (start, end) in the normalised text.
    """

    def __init__(
        self, field: str, message: str, places: tuple[tuple[int, int], ...]
    ) -> None:
        super().__init__(field, message)
        self.places = places


class InvalidValue(TemplateError):
    """The marked value cannot be what the field holds (a date marked as the
    amount, a direction that is neither debit nor credit, no amount…)."""


class SampleNotReadBack(TemplateError):
    """The learned template would not read its own sample back as marked."""


# ── what learning takes and gives ───────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class Mark:
    """A value as a person marked it.

    Attributes:
        text: the value as it appears in the e-mail. Around a value found in
            several places, more of the e-mail's text may be given to say
            which place is meant: ``Betrag: 12,50``, or with the value in
            double brackets, ``Paid at [[ACME]] on``.
        start: where the value starts in ``normalise(alert)``, when known (a
            selection in a dialog); then no search is needed.
    """

    text: str
    start: int | None = None


@dataclass(frozen=True, slots=True)
class LearnedTemplate:
    """A template learned from one sample, ready to be stored.

    Attributes:
        name, sender: as the ``templates`` table keeps them.
        spec: the anchors and slots, plain JSON.
        sample_text: the sample's normalised text.
        readback: what the template reads from its own sample.
    """

    name: str
    sender: str
    spec: dict[str, Any]
    sample_text: str
    readback: TransactionFields


# ── patterns ────────────────────────────────────────────────────────────────

_TOKEN = re.compile(r"\s+|[0-9]+|[^\W\d_]+|.", re.DOTALL)
_LETTERS = re.compile(r"[^\W\d_]")
_DIGITS = re.compile(r"[0-9]+")
_SPACE = r"[ \t\u00a0]"
_CURRENCY_TOKENS = sorted(set(SYMBOLS) | ISO_CODES, key=lambda t: (-len(t), t))
_TOKEN_ALT = "|".join(re.escape(t) for t in _CURRENCY_TOKENS)
# A code or symbol is not part of a longer word ("EURO", "Rsvp", "DEURO").
_CURRENCY = rf"(?-i:(?<![^\W\d_])(?:{_TOKEN_ALT})(?![^\W\d_]))"
_CURRENCY_ALONE = re.compile(rf"(?-i:{_TOKEN_ALT})")
_CURRENCY_BEFORE = re.compile(rf"(?:{_CURRENCY}){_SPACE}?$")
_CURRENCY_AFTER = re.compile(rf"{_SPACE}?(?:{_CURRENCY})(?![^\W\d_])")
_NUMBER = re.compile(NUMBER_PATTERN)
_MASK_BEFORE = re.compile(r"(?<![^\W\d_])(?:[Xx*•·#]+[ \t.\-]?)+$")
_ACCOUNT = r"(?:[Xx*•·#]+[ \t.\-]?){0,6}[0-9]{2,8}(?![0-9])"
_MERCHANT = r"[^\s|](?:[^\n|]*?[^\s|])?"
_NUMERIC_DATE = re.compile(r"([0-9]{1,4})([./\-])([0-9]{1,2})\2([0-9]{2,4})")
_NUMERIC_DATE_START = re.compile(r"[0-9]{1,4}[./\-][0-9]{1,2}[./\-][0-9]{2,4}$")
_MERCHANT_TRIM = " \t\n.,;:-–—|"
_BALANCE_LABEL = re.compile(
    r"\b(?:balance|bal|available|avl|limit|saldo|solde|kontostand|verfügbar|"
    r"disponible|disponibile|beschikbaar)\b[^\n]{0,24}$",
    re.IGNORECASE,
)
_CURRENCY_CODE = re.compile(r"[A-Z]{3}")


# Direction words. Only words that appear in a later alert but not in the
# sample change a template's direction ("Purchase" → "Refund").
def _word_set(*lines: str) -> frozenset[str]:
    return frozenset(word for line in lines for word in line.split())


_DEBIT_WORDS = _word_set(
    "debit debited spent paid payment purchase purchased withdrawn withdrawal",
    "charged charge sent transferred",
    "belastung belastet abbuchung lastschrift zahlung bezahlt",
    "débit débité paiement achat retrait",
    "cargo compra pago retiro",
    "addebito addebitato pagamento prelievo acquisto",
    "afschrijving betaling débito",
)
_CREDIT_WORDS = _word_set(
    "credit credited received refund refunded deposit deposited reversal",
    "gutschrift gutgeschrieben erstattung eingang",
    "crédit crédité remboursement remboursé reçu",
    "abono reembolso depósito devolución devolucion reintegro rückerstattung",
    "storno teruggave",
    "accredito accreditato rimborso bijschrijving terugbetaling",
    "crédito recebido",
)
_CARD_NAMES = re.compile(
    r"\b(?:credit|debit)[ -]?cards?\b|\bcarte (?:de )?(?:crédit|débit)\b|"
    r"\btarjeta de (?:crédito|débito)\b|\bcarta di (?:credito|debito)\b|"
    r"\bcartão de (?:crédito|débito)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_]+")


def _literal_pattern(literal: str) -> str:
    """A tolerant pattern for anchor text: any digits for digits, any
    whitespace (line breaks included) for whitespace, letters in any case."""
    parts = []
    for token in _TOKEN.findall(literal):
        if token.isspace():
            parts.append(r"\s+")
        elif token[0] in "0123456789":
            parts.append("[0-9]+")
        else:
            parts.append(re.escape(token))
    return "".join(parts)


def _shape_pattern(sample: str) -> str:
    """A pattern for values shaped like ``sample`` (``5 nov. 2025``, ``8:05 pm``):
    any word for a word, one to four digits for digits."""
    parts = []
    tokens = _TOKEN.findall(sample.strip())
    for index, token in enumerate(tokens):
        if token.isspace():
            parts.append(r"\s+")
        elif token[0] in "0123456789":
            parts.append("[0-9]{1,4}")
        elif _LETTERS.match(token):
            parts.append(r"[^\W\d_]+\.?")
        elif token == "." and index and _LETTERS.match(tokens[index - 1]):
            continue  # taken by the word's optional dot
        elif token in ",.":
            parts.append(re.escape(token) + "?")
        else:
            parts.append(re.escape(token))
    return "".join(parts)


def _money_pattern(named: bool) -> str:
    def group(name: str, body: str) -> str:
        return f"(?P<{name}>{body})" if named else f"(?:{body})"

    return (
        group("cur1", _CURRENCY)
        + f"?{_SPACE}?"
        + group("sign", "[-−+]")
        + f"?{_SPACE}?"
        + group("num", NUMBER_PATTERN)
        + f"(?:{_SPACE}?"
        + group("cur2", _CURRENCY)
        + f")?(?:{_SPACE}?"
        + group("mark", r"(?-i:Cr|CR|Dr|DR)\b")
        + r"\.?)?"
    )


def _value_pattern(field: str, entry: Mapping[str, Any], named: bool = False) -> str:
    """The pattern of one slot's value."""
    if field == "amount":
        return _money_pattern(named)
    if field == "date":
        if entry.get("kind") == "numeric":
            separator = re.escape(entry.get("separator") or "/")
            return (
                rf"[0-9]{{1,4}}{separator}[0-9]{{1,2}}{separator}[0-9]{{2,4}}(?![0-9])"
            )
        return _shape_pattern(entry["sample"])
    if field == "time":
        return _shape_pattern(entry["sample"])
    if field == "account":
        return _ACCOUNT
    return _MERCHANT


def _slot_pattern(
    field: str, entry: Mapping[str, Any], slots: Mapping[str, Any]
) -> str:
    """The whole pattern of a slot: before-anchor, value, after-anchor."""
    parts = []
    before_field = entry.get("before_field")
    before = entry.get("before") or ""
    if before_field == "^":
        parts.append(r"(?:(?<=\n)|\A)[ \t]*")
    elif before_field:
        parts.append(_value_pattern(before_field, slots[before_field]))
    if before:
        if not before_field and _LETTERS.match(before):
            parts.append(r"(?<![^\W\d_])")
        parts.append(_literal_pattern(before))
        if not before[-1].isspace():
            parts.append(r"\s*")
    parts.append(f"(?P<v>{_value_pattern(field, entry, named=field == 'amount')})")
    after = entry.get("after") or ""
    if after:
        if not after[0].isspace():
            parts.append(r"\s*")
        parts.append(_literal_pattern(after))
        if _LETTERS.match(after[-1]):
            parts.append(r"(?![^\W\d_])")
    after_field = entry.get("after_field")
    if after_field:
        parts.append(f"(?={_value_pattern(after_field, slots[after_field])})")
    if entry.get("line_end"):
        parts.append(r"(?=[ \t]*(?:[|\n]|\Z))")
    return "".join(parts)


# ── reading values ──────────────────────────────────────────────────────────


def _year(text: str) -> int:
    value = int(text)
    if len(text) == 2:
        return 2000 + value if value < 70 else 1900 + value
    return value


def _make_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _numeric_readings(a: str, b: str, c: str) -> dict[str, dt.date | None]:
    if len(a) == 4:
        return {YMD: _make_date(int(a), int(b), int(c))}
    if len(a) > 2 or len(c) == 3:
        return {}
    return {
        DMY: _make_date(_year(c), int(b), int(a)),
        MDY: _make_date(_year(c), int(a), int(b)),
    }


def _read_date(
    value: str, entry: Mapping[str, Any], reference: dt.date | None
) -> dt.date | None:
    if entry.get("kind") == "numeric":
        match = _NUMERIC_DATE.fullmatch(value.strip())
        if match is None:
            return None
        readings = _numeric_readings(match.group(1), match.group(3), match.group(4))
        order = entry.get("order")
        if order in readings:
            return readings[order]
        # The sample could not tell (05/05/2025): the nearest to the e-mail.
        return choose([d for d in readings.values() if d is not None], reference)
    found = find_dates(value, reference)
    return found[0].date if found else None


def _read_time(value: str) -> dt.time | None:
    found = find_times(value)
    return found[0].time if found else None


def _clean_merchant(value: str) -> str:
    """A merchant without the punctuation around it, but with the dot of an
    abbreviation that ends it (``PTE. LTD.``, ``S.L.``, ``CO.``)."""
    cleaned = " ".join(value.split()).strip(_MERCHANT_TRIM.replace(".", ""))
    while cleaned.endswith("."):
        last = cleaned.rsplit(" ", 1)[-1]
        if "." in last[:-1] or len(last) <= 4:
            break
        cleaned = cleaned[:-1].rstrip(_MERCHANT_TRIM.replace(".", ""))
    return cleaned.lstrip(".")


@dataclass(frozen=True, slots=True)
class _Amount:
    amount: Decimal
    currency: str | None
    sign: str
    marker: str
    printed: str
    start: int
    end: int


def _read_amount(match: re.Match[str], spec: Mapping[str, Any]) -> _Amount | None:
    entry = spec["slots"]["amount"]
    token = match.group("cur1") or match.group("cur2")
    currency: str | None = None
    if token:
        currency = (spec.get("currency_tokens") or {}).get(token) or resolve_symbol(
            token, spec.get("country")
        )
    currency = currency or spec.get("currency")
    amount = parse_amount(
        match.group("num"),
        decimal_mark=entry.get("decimal_mark"),
        minor_digits=minor_units(currency or ""),
    )
    if amount is None:
        return None
    return _Amount(
        amount=quantize(amount, currency) if currency else amount,
        currency=currency,
        sign=(match.group("sign") or "").replace("−", "-"),
        marker=(match.group("mark") or "").capitalize(),
        printed=match.group("v"),
        start=match.start("v"),
        end=match.end("v"),
    )


def _read_slot(
    field: str,
    match: re.Match[str],
    spec: Mapping[str, Any],
    reference: dt.date | None,
) -> Any:
    """The typed value of a slot's match, or None when it is not one."""
    value = match.group("v")
    entry = spec["slots"][field]
    if field == "amount":
        return _read_amount(match, spec)
    if field == "date":
        return _read_date(value, entry, reference)
    if field == "time":
        return _read_time(value)
    if field == "account":
        digits = _DIGITS.findall(value)
        return digits[-1] if digits else None
    merchant = _clean_merchant(value)
    return merchant or None


def _direction_words(text: str) -> tuple[set[str], set[str]]:
    words = set(_WORD.findall(_CARD_NAMES.sub(" ", text).lower()))
    return words & _DEBIT_WORDS, words & _CREDIT_WORDS


def _reference(alert: Alert) -> dt.date | None:
    return alert.sent_at.date() if alert.sent_at else None


# ── the reader ──────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class _Failure:
    reason: str
    detail: str


class TemplateReader:
    """A learned template as an engine ``Reader``.

    ``template_id`` is None for a template not stored yet (a preview).
    Raises ``TemplateError`` when the spec is not one this version can read.
    """

    def __init__(
        self,
        template_id: int | None,
        name: str,
        sender: str,
        spec: Mapping[str, Any],
    ) -> None:
        version = spec.get("version") if isinstance(spec, Mapping) else None
        if version != SPEC_VERSION:
            raise InvalidValue(
                "template",
                f"its spec has version {version}; this program reads {SPEC_VERSION}",
            )
        slots = spec.get("slots") or {}
        if "amount" not in slots:
            raise InvalidValue("amount", "the template has no amount slot")
        self.template_id = template_id
        self.name = f"template:{template_id}" if template_id is not None else "template"
        self.label = name
        self.sender = sender.strip().lower()
        self.spec = spec
        # The amount is read first: without it nothing else matters.
        order = ["amount"] + [f for f in TEXT_FIELDS if f in slots and f != "amount"]
        self._patterns = [
            (f, re.compile(_slot_pattern(f, slots[f], slots), re.IGNORECASE))
            for f in order
        ]

    def applies_to(self, alert: Alert) -> bool:
        return sender_matches(self.sender, alert.sender)

    def read(self, alert: Alert, text: str) -> Extraction | None:
        fields, _failure = self._read(alert, text)
        if fields is None:
            return None
        return Extraction(transaction=fields)

    def preview(
        self, alert: Alert, text: str | None = None, *, check_sender: bool = True
    ) -> Extraction:
        """What this template reads from ``alert``, or why it reads nothing."""
        if check_sender and not self.applies_to(alert):
            return Extraction.ignored(
                OTHER_SENDER,
                f"the template is for {self.sender}, this e-mail is from "
                f"{alert.sender}",
            )
        fields, failure = self._read(alert, normalise(alert) if text is None else text)
        if fields is not None:
            return Extraction(transaction=fields)
        assert failure is not None
        return Extraction.ignored(failure.reason, failure.detail)

    def _read(
        self, alert: Alert, text: str
    ) -> tuple[TransactionFields | None, _Failure | None]:
        reference = _reference(alert)
        values: dict[str, Any] = {}
        for field, pattern in self._patterns:
            for match in pattern.finditer(text):
                value = _read_slot(field, match, self.spec, reference)
                if value is not None:
                    values[field] = value
                    break
            else:
                return None, _Failure(NO_MATCH, _missing(field, self.spec))

        amount: _Amount = values["amount"]
        if amount.currency is None:
            return None, _Failure(NO_MATCH, "amount: no currency printed or chosen")
        date = values.get("date") or reference
        if date is None:
            return None, _Failure(NO_MATCH, "date: no date in the text or header")

        sample_reason = self.spec.get("screening")
        money = Money(
            amount.amount, amount.currency, amount.start, amount.end, amount.printed
        )
        screening = screen(alert.subject, text, [money])
        if screening is not None and screening.reason != sample_reason:
            # Not a transaction (a decline, a code…) though shaped like one:
            # the engine's screening records it as such.
            return None, _Failure(
                screening.reason,
                f"{screening.detail}; the sample was not such a message",
            )

        fields = TransactionFields(
            amount=amount.amount,
            currency=amount.currency,
            direction=self._direction(text, amount),
            date=date,
            time=values.get("time"),
            account=values.get("account"),
            merchant=values.get("merchant"),
            format=self.name,
            template_id=self.template_id,
        )
        return fields, None

    def _direction(self, text: str, amount: _Amount) -> str:
        spec = self.spec
        base = spec.get("direction") or DEBIT
        if amount.marker:
            return CREDIT if amount.marker == "Cr" else DEBIT
        sample_sign = spec["slots"]["amount"].get("sign") or ""
        if sample_sign and amount.sign and amount.sign != sample_sign:
            return _opposite(base)
        cues = spec.get("cues") or {}
        sample_debit = set(cues.get(DEBIT) or ())
        sample_credit = set(cues.get(CREDIT) or ())
        debit, credit = _direction_words(text)
        if base == DEBIT and credit - sample_credit and not debit & sample_debit:
            return CREDIT
        if base == CREDIT and debit - sample_debit and not credit & sample_credit:
            return DEBIT
        return base


def _opposite(direction: str) -> str:
    return CREDIT if direction == DEBIT else DEBIT


def _missing(field: str, spec: Mapping[str, Any]) -> str:
    entry = spec["slots"][field]
    before = " ".join((entry.get("before") or "").split())
    after = " ".join((entry.get("after") or "").split())
    if before:
        return f"{field}: no “{before}” followed by {_kind(field)}"
    if after:
        return f"{field}: no {_kind(field)} followed by “{after}”"
    return f"{field}: no {_kind(field)} where the sample had one"


def _kind(field: str) -> str:
    return {
        "amount": "an amount",
        "date": "a date",
        "time": "a time",
        "account": "a card or account number",
    }.get(field, "a name")


def sender_matches(template_sender: str, address: str) -> bool:
    """Whether mail from ``address`` is for a template of ``template_sender``:
    the same address, or an address at that domain or one of its subdomains."""
    template_sender = template_sender.strip().lower()
    address = address.strip().lower()
    if not template_sender or not address:
        return False
    if "@" in template_sender:
        return address == template_sender
    domain = address.rpartition("@")[2]
    return domain == template_sender or domain.endswith("." + template_sender)


def readers_from_rows(rows: Iterable[Any]) -> list[TemplateReader]:
    """Readers for stored templates (anything with ``id``, ``name``, ``sender``
    and ``spec``), those for one address before those for a whole domain and
    newer before older. A row whose spec cannot be read is skipped, with a
    warning in the log."""
    readers = []
    for row in rows:
        try:
            readers.append(TemplateReader(row.id, row.name, row.sender, row.spec))
        except (TemplateError, KeyError, TypeError, AttributeError, re.error) as exc:
            log.warning("template %s cannot be used and is skipped: %s", row.id, exc)
    readers.sort(key=lambda r: ("@" not in r.sender, -(r.template_id or 0)))
    return readers


def preview(
    template: LearnedTemplate | Mapping[str, Any] | Any,
    alert: Alert,
    *,
    sender: str | None = None,
    check_sender: bool = True,
) -> Extraction:
    """What a template, saved or not, reads from ``alert``, or why it reads nothing.

    ``template`` is a ``LearnedTemplate``, a stored row (``id``, ``name``,
    ``sender``, ``spec``) or a bare spec; a bare spec reads any sender's mail
    unless ``sender`` is given. The reason of an alert not read is
    ``template_no_match`` (the detail names the field), ``template_other_sender``
    or what screening found (``declined``, ``otp``…).
    """
    if isinstance(template, LearnedTemplate):
        reader = TemplateReader(None, template.name, template.sender, template.spec)
    elif isinstance(template, Mapping):
        check_sender = check_sender and sender is not None
        reader = TemplateReader(None, "preview", sender or alert.sender, template)
    else:
        reader = TemplateReader(
            template.id, template.name, template.sender, template.spec
        )
    return reader.preview(alert, check_sender=check_sender)


# ── learning ────────────────────────────────────────────────────────────────


def _value_regex(value: str) -> str:
    """Where a marked value may be: its text with any whitespace for
    whitespace, not inside a longer word or number."""
    parts = []
    for token in _TOKEN.findall(value.strip()):
        parts.append(r"\s+" if token.isspace() else re.escape(token))
    body = "".join(parts)
    head = value.strip()[:1]
    tail = value.strip()[-1:]
    # A number may touch letters ("x2045", "INR1,299.00") but not digits.
    if head.isdigit():
        body = r"(?<![0-9])(?<![0-9][.,'’])" + body
    elif head.isalnum():
        body = r"(?<![^\W_])" + body
    if tail.isdigit():
        body += r"(?![0-9])(?![.,'’][0-9])"
    elif tail.isalnum():
        body += r"(?![^\W_])"
    return body


def locate_fields(
    text: str, fields: TransactionFields, reference: dt.date | None = None
) -> dict[str, tuple[int, int]]:
    """Where the values of an extraction are printed in the normalised ``text``
    (the first place of each): the amount whatever its notation, the date
    whatever its spelling, the time, the card digits, the merchant. Fields
    not found are left out."""
    found: dict[str, tuple[int, int]] = {}
    for number in _NUMBER.finditer(text):
        readings = {
            parse_amount(number.group(0), decimal_mark=mark)
            for mark in (None, ",", ".")
        }
        if fields.amount in readings:
            found["amount"] = number.span()
            break
    for mention in find_dates(text, reference or fields.date):
        if mention.date == fields.date:
            found["date"] = mention.start, mention.end
            break
    if fields.time is not None:
        for moment in find_times(text):
            if moment.time == fields.time:
                found["time"] = moment.start, moment.end
                break
    for field in ("account", "merchant"):
        value = getattr(fields, field)
        spans = places(text, value) if value else []
        if spans:
            found[field] = spans[0]
    return found


def places(text: str, value: str) -> list[tuple[int, int]]:
    """Every (start, end) where ``value`` appears in ``text`` as a whole word or
    number, ignoring case and differences in whitespace."""
    if not value.strip():
        return []
    pattern = re.compile(_value_regex(value), re.IGNORECASE)
    return [m.span() for m in pattern.finditer(text)]


def _snippet(text: str, span: tuple[int, int]) -> str:
    start, end = span
    before = text[max(0, start - 24) : start].rpartition("\n")[2]
    after = text[end : end + 24].partition("\n")[0]
    return " ".join(f"…{before}{text[start:end]}{after}…".split())


def _typed_span(
    field: str, text: str, span: tuple[int, int], reference: dt.date | None
) -> tuple[int, int]:
    """Inside a marked stretch of text, where the field's own value is (the
    amount's number, the date, the time, the card digits); the stretch itself
    when it holds none, so that the field's check can say what is wrong."""
    start, end = span
    part = text[start:end]
    inner: tuple[int, int] | None = None
    if field == "amount":
        numbers = list(_NUMBER.finditer(part))
        if numbers:
            inner = numbers[-1].span()
    elif field == "date":
        found = find_dates(part, reference)
        if found:
            inner = found[-1].start, found[-1].end
    elif field == "time":
        times = find_times(part)
        if times:
            inner = times[-1].start, times[-1].end
    elif field == "account":
        digits = list(_DIGITS.finditer(part))
        if digits:
            inner = digits[-1].span()
    if inner is None:
        return span
    return start + inner[0], start + inner[1]


def _candidates(
    text: str, field: str, mark: Mark, reference: dt.date | None
) -> list[tuple[int, int]]:
    """Where the marked value may be; more than one when nothing tells.

    Text marked around a typed value ("Betrag: 12,50", "EUR 12.50") gives
    the value's own place inside it.
    """
    _check_kind(field, mark.text.strip(), reference)
    spans = _marked_spans(text, field, mark)
    if field != "merchant":
        spans = list(
            dict.fromkeys(_typed_span(field, text, s, reference) for s in spans)
        )
    return spans


def _check_kind(field: str, value: str, reference: dt.date | None) -> None:
    """Refuse a marked text that cannot hold the field's value at all, before
    looking for it (a word marked as the card, a label marked as the time)."""
    value = value.replace("[[", "").replace("]]", "")
    if field == "amount" and not _NUMBER.search(value):
        raise InvalidValue("amount", f"“{value}” holds no number")
    if field == "amount" and _is_whole_date(value, reference):
        raise InvalidValue("amount", f"“{value}” is a date, not an amount")
    if field == "account" and not _DIGITS.search(value):
        raise InvalidValue("account", f"“{value}” holds no digits")
    if field == "time" and not find_times(value):
        raise InvalidValue("time", f"“{value}” is not a time of day")
    if field == "date" and not (
        find_dates(value, reference or dt.date(2000, 1, 1))
        or _NUMERIC_DATE.search(value)
    ):
        raise InvalidValue("date", f"“{value}” is not a date I can read")


def _is_whole_date(value: str, reference: dt.date | None) -> bool:
    """Whether ``value`` is nothing but a full date ("17 Nov 2025", "03.11.2025").

    A day and month alone ("12.10") may as well be an amount, so only dates
    with a month name or three numbers count.
    """
    found = find_dates(value, reference or dt.date(2000, 1, 1))
    if not found or found[0].printed.strip() != value.strip():
        return False
    return any(c.isalpha() for c in value) or len(_DIGITS.findall(value)) >= 3


def _marked_spans(text: str, field: str, mark: Mark) -> list[tuple[int, int]]:
    value = mark.text.strip()
    if mark.start is not None:
        pattern = re.compile(_value_regex(value), re.IGNORECASE)
        found = None
        if 0 <= mark.start <= len(text):
            found = pattern.match(text, mark.start)
        if found is None:
            raise ValueNotFound(
                field, f"“{value}” is not at the marked place ({mark.start})"
            )
        return [found.span()]

    if "[[" in value and "]]" in value:
        head, _, rest = value.partition("[[")
        inner, _, tail = rest.partition("]]")
        pattern = re.compile(
            _context_pattern(head)
            + f"(?P<v>{_value_regex(inner)})"
            + _context_pattern(tail),
            re.IGNORECASE,
        )
        spans = [m.span("v") for m in pattern.finditer(text)]
        if not spans:
            shown = " ".join((head + inner + tail).split())
            raise ValueNotFound(field, f"“{shown}” is not in the e-mail's text")
        return spans

    spans = places(text, value)
    if not spans:
        raise ValueNotFound(
            field,
            f"“{value}” is not in the e-mail's text; copy it exactly as the "
            "e-mail shows it",
        )
    return spans


def _context_pattern(text: str) -> str:
    if not text.strip():
        return r"\s*" if text else ""
    return "".join(
        r"\s+" if t.isspace() else re.escape(t) for t in _TOKEN.findall(text)
    )


def _locate(
    text: str, marks: Mapping[str, Mark], reference: dt.date | None
) -> dict[str, tuple[int, int]]:
    """Each marked field's place in ``text``. A value in several places is
    settled by leaving out places inside another field's value and, for
    amounts, places labelled as a balance or limit; otherwise it is ambiguous."""
    found = {
        field: _candidates(text, field, mark, reference)
        for field, mark in marks.items()
    }
    spans = {f: c[0] for f, c in found.items() if len(c) == 1}
    for field, candidates in found.items():
        if len(candidates) == 1:
            continue
        others = [s for f, s in spans.items() if f != field]
        kept = [c for c in candidates if not any(_overlap(c, o) for o in others)]
        if field == "amount" and len(kept) > 1:
            unlabelled = [c for c in kept if not _BALANCE_LABEL.search(text[: c[0]])]
            kept = unlabelled or kept
        if len(kept) == 1:
            spans[field] = kept[0]
            continue
        shown = "; ".join(_snippet(text, c) for c in kept[:3])
        raise AmbiguousValue(
            field,
            f"“{marks[field].text.strip()}” appears {len(kept)} times in the e-mail "
            f"({shown}) and nothing tells which one is meant; mark more context "
            f"around it, for example the label before it",
            tuple(kept),
        )
    return spans


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _learn_amount(
    text: str,
    span: tuple[int, int],
    currency: str | None,
    country: str | None,
) -> tuple[tuple[int, int], dict[str, Any], dict[str, Any]]:
    """The amount's slot (its span widened to the currency printed beside it),
    and the spec entries it gives: decimal mark, sign, currency tokens."""
    start, end = span
    value = text[start:end]
    dates = find_dates(value)
    if dates and dates[0].printed.strip() == value.strip():
        raise InvalidValue("amount", f"“{value}” is a date, not an amount")
    numbers = list(_NUMBER.finditer(value))
    if not numbers:
        raise InvalidValue("amount", f"“{value}” holds no number")
    number = numbers[-1].group(0)
    number_start = start + numbers[-1].start()
    number_end = start + numbers[-1].end()

    token = None
    before = _CURRENCY_BEFORE.search(text, max(0, number_start - 12), number_start)
    inner_token = _CURRENCY_ALONE.search(value)
    if inner_token:
        token = inner_token.group(0)
    elif before:
        start = min(start, before.start())
        token = _CURRENCY_ALONE.search(before.group(0)).group(0)  # type: ignore[union-attr]
    else:
        after = _CURRENCY_AFTER.match(text, number_end)
        if after:
            end = max(end, after.end())
            token = after.group(0).strip()
    sign = ""
    lead = text[max(0, number_start - 2) : number_start].strip()
    if lead and lead[-1] in "-−+":
        sign = lead[-1].replace("−", "-")
        start = min(start, number_start - (2 if text[number_start - 1] == " " else 1))

    printed_currency = resolve_symbol(token, country) if token else None
    chosen = currency or printed_currency
    if chosen is None:
        raise InvalidValue(
            "amount",
            f"“{value}” has no currency symbol or code beside it; choose the currency",
        )
    decimal_mark = _decimal_mark(number, chosen)
    if (
        parse_amount(
            number, decimal_mark=decimal_mark, minor_digits=minor_units(chosen)
        )
        is None
    ):
        raise InvalidValue("amount", f"“{number}” is not an amount")
    entry = {"decimal_mark": decimal_mark, "sign": sign}
    spec_part: dict[str, Any] = {"currency": chosen, "currency_tokens": {}}
    if token:
        spec_part["currency_tokens"][token] = chosen
    return (start, end), entry, spec_part


def _decimal_mark(number: str, currency: str) -> str | None:
    """The decimal mark a sample amount shows (``12,50`` → ``,``), or None
    when it shows none (``12``, ``1,234``: later alerts are read as usual)."""
    marks = [c for c in number if c in ",."]
    if not marks:
        return None
    last = marks[-1]
    if len(set(marks)) == 2:
        return last
    tail = number.rsplit(last, 1)[1]
    if marks.count(last) == 1 and len(tail) != 3:
        return last
    if marks.count(last) == 1 and minor_units(currency) == 3 and last == ".":
        return "."
    if marks.count(last) > 1 or len(tail) == 3:
        # Only grouping is shown: the decimal mark is the other one.
        return "," if last == "." else "."
    return None


def _learn_date(
    value: str, reference: dt.date | None
) -> tuple[dict[str, Any], dt.date]:
    value = value.strip()
    numeric = _NUMERIC_DATE.fullmatch(value)
    if numeric:
        readings = {
            order: date
            for order, date in _numeric_readings(
                numeric.group(1), numeric.group(3), numeric.group(4)
            ).items()
            if date is not None
        }
        if not readings:
            raise InvalidValue("date", f"“{value}” is not a date")
        distinct = set(readings.values())
        entry: dict[str, Any] = {
            "kind": "numeric",
            "separator": numeric.group(2),
            "sample": value,
        }
        if len(readings) == 1 or len(distinct) == 1:
            order = next(iter(readings)) if len(readings) == 1 else None
            entry["order"] = order
            return entry, next(iter(distinct))
        if reference is None and numeric.group(2) == ".":
            # Dotted all-number dates are written day first wherever they are
            # used (27.10.2025); only slashes and dashes leave it open.
            entry["order"] = DMY
            return entry, readings[DMY]
        if reference is None:
            raise InvalidValue(
                "date",
                f"“{value}” could be read day first or month first and the e-mail "
                "has no Date header to tell; teach from an alert whose day is "
                "after the 12th",
            )
        chosen = choose([readings[DMY], readings[MDY]], reference)
        entry["order"] = DMY if chosen == readings[DMY] else MDY
        assert chosen is not None
        return entry, chosen
    found = find_dates(value, reference)
    if not found:
        raise InvalidValue("date", f"“{value}” is not a date I can read")
    return {"kind": "words", "sample": value}, found[0].date


def _learn_account(text: str, span: tuple[int, int]) -> tuple[int, int]:
    start, end = span
    value = text[start:end]
    if not _DIGITS.search(value):
        raise InvalidValue("account", f"“{value}” holds no digits")
    mask = _MASK_BEFORE.search(text, max(0, start - 24), start)
    if mask and _DIGITS.match(value):
        start = mask.start()
    return start, end


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _before_options(
    text: str,
    field: str,
    span: tuple[int, int],
    spans: Mapping[str, tuple[int, int]],
) -> list[dict[str, Any]]:
    """Candidate before-anchors, from the words right before the value to
    up to two lines above it, never reaching into another marked value."""
    start = span[0]
    line_start = text.rfind("\n", 0, start) + 1
    near_start = line_start
    if not _LETTERS.search(text[line_start:start]) and line_start > 0:
        near_start = text.rfind("\n", 0, line_start - 1) + 1
    far_start = near_start
    for _ in range(2):
        if far_start > 0:
            far_start = text.rfind("\n", 0, far_start - 1) + 1
    previous = [(s[1], f) for f, s in spans.items() if f != field and s[1] <= start]
    bound_field = None
    if previous:
        prev_end, prev_field = max(previous)
        far_start = max(far_start, prev_end)
        if prev_end >= near_start:
            near_start = prev_end
            bound_field = prev_field if prev_field != "merchant" else None
    near = text[near_start:start]
    tokens = _tokens(text[far_start:start])
    near_solid = sum(1 for t in _tokens(near) if not t.isspace())
    # Two words ("How much", "ending in") where there are two, unless one
    # is a label ("Amount:"): one short word ("in", "to") turns up too easily
    # elsewhere.
    words_wanted = min(2, len(_WORD.findall(near)))
    options: list[dict[str, Any]] = []
    solid = 0
    for k in range(1, len(tokens) + 1):
        piece = tokens[-k:]
        if piece[0].isspace():
            continue
        solid += 1
        if solid > max(near_solid, 8) + 8:
            break
        literal = "".join(piece)
        words = len(_WORD.findall(literal))
        if words < words_wanted and not (
            words and _is_label(literal, tokens[: len(tokens) - k])
        ):
            continue
        options.append({"before": literal, "before_field": None})
    if bound_field is not None:
        options.append({"before": near, "before_field": bound_field})
    if not near.strip() and not previous:
        options.append({"before": "", "before_field": "^"})
    options.append({"before": "", "before_field": None})
    return options


def _is_label(literal: str, earlier: list[str]) -> bool:
    """Whether ``literal`` is a whole label ("Betrag:", "Comercio:"): it ends
    with a colon or a cell mark and follows no other word."""
    if not literal.rstrip().endswith((":", "|")):
        return False
    before = [t for t in earlier if not t.isspace()]
    return not before or (not _LETTERS.match(before[-1]) and not before[-1].isdigit())


def _after_options(
    text: str,
    field: str,
    span: tuple[int, int],
    spans: Mapping[str, tuple[int, int]],
) -> list[dict[str, Any]]:
    end = span[1]
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    following = [(s[0], f) for f, s in spans.items() if f != field and s[0] >= end]
    context_end = line_end
    bound_field = None
    if following:
        next_start, next_field = min(following)
        if next_start <= line_end:
            context_end = next_start
            bound_field = next_field if next_field != "merchant" else None
    context = text[end:context_end]
    options: list[dict[str, Any]] = [
        {"after": "", "after_field": None, "line_end": False}
    ]
    if not context.strip() and context_end == line_end:
        options.append({"after": "", "after_field": None, "line_end": True})
    tokens = _tokens(context)
    solid = 0
    for j in range(1, len(tokens) + 1):
        piece = tokens[:j]
        if piece[-1].isspace():
            continue
        solid += 1
        if solid > 6:
            break
        options.append(
            {"after": "".join(piece), "after_field": None, "line_end": False}
        )
    if bound_field is not None and not _LETTERS.search(context):
        options.append(
            {"after": context, "after_field": bound_field, "line_end": False}
        )
    if field == "merchant":
        # Free text needs something that says where it ends.
        options = [
            o for o in options if o["after"] or o["after_field"] or o["line_end"]
        ]
    return options


def _preference(option: Mapping[str, Any]) -> tuple[int, int]:
    """Labels before a value first ("Amount:", "at"), then a neighbouring
    value, then text after it; fewer words first within each."""
    size = sum(
        1
        for t in _tokens(option.get("before", "") + option.get("after", ""))
        if not t.isspace()
    )
    size += 1 if option.get("before_field") or option.get("after_field") else 0
    before = option.get("before") or ""
    if before and not option.get("before_field"):
        return (0 if _LETTERS.search(before) else 2), size
    return (1 if option.get("before_field") else 3), size


def _anchor(
    text: str,
    field: str,
    span: tuple[int, int],
    spans: Mapping[str, tuple[int, int]],
    slots: dict[str, Any],
    spec: Mapping[str, Any],
    reference: dt.date | None,
    expected: Any,
) -> dict[str, Any]:
    """The shortest anchors that find this value, and only it, in the sample.

    Short anchors tolerate more change in later alerts; unique ones make sure
    the right place is found. Failing unique ones, anchors whose first match
    is the right place, and reads the marked value, are taken.
    """
    base = slots[field]
    options = []
    for before in _before_options(text, field, span, spans):
        for after in _after_options(text, field, span, spans):
            if not (before["before"] or before["before_field"]) and not (
                after["after"] or after["after_field"] or after["line_end"]
            ):
                continue
            option = {**base, **before, **after}
            options.append(option)
    options.sort(key=_preference)

    fallback = None
    for option in options:
        trial = {**slots, field: option}
        try:
            pattern = re.compile(_slot_pattern(field, option, trial), re.IGNORECASE)
        except re.error:  # pragma: no cover - every part is escaped
            continue
        trial_spec = {**spec, "slots": trial}
        hits = []
        for match in pattern.finditer(text):
            value = _read_slot(field, match, trial_spec, reference)
            if value is not None:
                hits.append((match.span("v"), value))
                if len(hits) > 1:
                    break
        if not hits or not _covers(hits[0][0], span):
            continue
        first = hits[0][1]
        if (first.amount if isinstance(first, _Amount) else first) != expected:
            continue
        if len(hits) == 1:
            return option
        if fallback is None:
            fallback = option
    if fallback is not None:
        return fallback
    raise SampleNotReadBack(
        field,
        "the text around it does not tell where to find it again; mark more "
        "context around it",
    )


def _covers(found: tuple[int, int], span: tuple[int, int]) -> bool:
    """The slot read (a cleaned merchant may be shorter) lies on the marked span."""
    return abs(found[0] - span[0]) <= 2 and _overlap(found, span)


def _marks(values: Mapping[str, Any]) -> dict[str, Mark]:
    marks: dict[str, Mark] = {}
    for field, value in values.items():
        if field not in FIELDS:
            raise InvalidValue(
                field, f"not a field a template reads (fields: {', '.join(FIELDS)})"
            )
        if field in CHOICE_FIELDS or value is None:
            continue
        mark = value if isinstance(value, Mark) else Mark(str(value))
        if not mark.text.strip():
            continue
        marks[field] = mark
    if "amount" not in marks:
        raise InvalidValue("amount", "the amount is required: mark it in the e-mail")
    return marks


def _choice(values: Mapping[str, Any], field: str) -> str | None:
    value = values.get(field)
    if isinstance(value, Mark):
        value = value.text
    if value is None or not str(value).strip():
        return None
    value = str(value).strip()
    if field == "direction":
        value = value.lower()
        if value not in (DEBIT, CREDIT):
            raise InvalidValue(
                "direction", f"“{value}” is neither {DEBIT} nor {CREDIT}"
            )
        return value
    value = value.upper()
    if not _CURRENCY_CODE.fullmatch(value):
        raise InvalidValue(
            "currency", f"“{value}” is not an ISO 4217 code such as EUR or USD"
        )
    return value


def learn(
    alert: Alert,
    values: Mapping[str, str | Mark | None],
    *,
    sender: str | None = None,
    name: str | None = None,
) -> LearnedTemplate:
    """Learn a template from one sample alert and its marked field values.

    ``values`` maps field names to the text as it appears in the e-mail
    (``amount`` required; ``merchant``, ``account``, ``date``, ``time``
    optional) or to a ``Mark`` giving the place too; ``direction``
    (``debit``/``credit``) and ``currency`` (ISO 4217) are choices. Without
    a direction, the sample's wording decides (debit when it says nothing).
    ``sender`` is the address or domain the template reads (default: the
    sample's sender address).

    Raises ``ValueNotFound``, ``AmbiguousValue``, ``InvalidValue`` or
    ``SampleNotReadBack``, each naming the field concerned.
    """
    marks = _marks(values)
    direction = _choice(values, "direction")
    currency = _choice(values, "currency")
    owner = (sender or alert.sender).strip().lower()
    if not owner:
        raise InvalidValue("sender", "the e-mail has no sender address; give one")
    if not sender_matches(owner, alert.sender):
        raise InvalidValue(
            "sender", f"the sample is from {alert.sender}, not from {owner}"
        )

    text = normalise(alert)
    reference = _reference(alert)
    country = country_from_domain(alert.sender_domain)
    spans = _locate(text, marks, reference)

    spec: dict[str, Any] = {"version": SPEC_VERSION, "country": country}
    slots: dict[str, Any] = {}
    expected: dict[str, Any] = {}
    spans["amount"], slots["amount"], amount_spec = _learn_amount(
        text, spans["amount"], currency, country
    )
    spec.update(amount_spec)
    if "account" in spans:
        spans["account"] = _learn_account(text, spans["account"])
        slots["account"] = {}
        expected["account"] = _DIGITS.findall(text[slice(*spans["account"])])[-1]
    if "date" in spans:
        slots["date"], expected["date"] = _learn_date(
            text[slice(*spans["date"])], reference
        )
    elif reference is None:
        raise InvalidValue(
            "date", "the e-mail has no Date header, so the date must be marked"
        )
    if "time" in spans:
        value = text[slice(*spans["time"])]
        parsed = _read_time(value)
        if parsed is None:
            raise InvalidValue("time", f"“{value.strip()}” is not a time of day")
        slots["time"] = {"sample": value.strip()}
        expected["time"] = parsed
    if "merchant" in spans:
        marked = text[slice(*spans["merchant"])]
        if "\n" in marked:
            raise SampleNotReadBack(
                "merchant",
                "it runs over a line break, and a template reads the merchant "
                "from one line; mark the part on one line",
            )
        if "|" in marked:
            raise SampleNotReadBack(
                "merchant",
                "it runs over two cells of a table, and a template reads the "
                "merchant from one cell; mark the part in one cell",
            )
        slots["merchant"] = {}
        expected["merchant"] = _clean_merchant(text[slice(*spans["merchant"])])
        if not expected["merchant"]:
            raise InvalidValue("merchant", "the marked merchant holds no text")
    _check_overlaps(spans)

    spec["slots"] = slots
    expected["amount"] = _expected_amount(text, spans["amount"], spec)
    for field in sorted(slots, key=lambda f: spans[f][0]):
        slots[field] = _anchor(
            text, field, spans[field], spans, slots, spec, reference, expected[field]
        )
    spec["marked"] = {field: text[slice(*spans[field])] for field in slots}

    debit_words, credit_words = _direction_words(text)
    spec["cues"] = {DEBIT: sorted(debit_words), CREDIT: sorted(credit_words)}
    spec["direction_chosen"] = direction is not None
    if direction is None:
        direction = CREDIT if credit_words and not debit_words else DEBIT
    spec["direction"] = direction

    owner_reader = TemplateReader(None, "sample", owner, {**spec, "screening": None})
    found = owner_reader.preview(alert, text, check_sender=False)
    spec["screening"] = (
        found.reason
        if found.transaction is None and (found.reason not in (NO_MATCH, OTHER_SENDER))
        else None
    )

    reader = TemplateReader(None, name or "", owner, spec)
    readback = reader.preview(alert, text, check_sender=False)
    fields = readback.transaction
    if fields is None:
        failed = readback.detail.partition(":")[0] or "amount"
        raise SampleNotReadBack(
            failed if failed in FIELDS else "amount",
            f"the template does not read its own sample ({readback.detail})",
        )
    _compare(fields, expected)
    template_name = (name or "").strip() or _default_name(alert, owner)
    return LearnedTemplate(
        name=template_name,
        sender=owner,
        spec=spec,
        sample_text=text,
        readback=fields,
    )


def _expected_amount(
    text: str, span: tuple[int, int], spec: Mapping[str, Any]
) -> Decimal | None:
    numbers = list(_NUMBER.finditer(text, *span))
    if not numbers:
        return None
    currency = spec["currency"]
    amount = parse_amount(
        numbers[-1].group(0),
        decimal_mark=spec["slots"]["amount"].get("decimal_mark"),
        minor_digits=minor_units(currency),
    )
    return quantize(amount, currency) if amount is not None else None


def _check_overlaps(spans: Mapping[str, tuple[int, int]]) -> None:
    ordered = sorted(spans.items(), key=lambda item: item[1])
    for (first, a), (second, b) in pairwise(ordered):
        if _overlap(a, b):
            raise InvalidValue(second, f"it is marked on the same text as the {first}")


def _compare(fields: TransactionFields, expected: Mapping[str, Any]) -> None:
    for field, wanted in expected.items():
        got = getattr(fields, field)
        if got != wanted:
            raise SampleNotReadBack(
                field,
                f"the template reads “{_shown(got)}” back from the sample instead "
                f"of “{_shown(wanted)}”; mark more context around it",
            )


def _shown(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _default_name(alert: Alert, sender: str) -> str:
    subject = " ".join((alert.subject or "").split())[:80]
    return f"{subject} ({sender})" if subject else sender


def describe(spec: Mapping[str, Any]) -> list[str]:
    """One line a slot, for a person: what is read where (``templates show``)."""
    lines = []
    slots = spec.get("slots") or {}
    for field in TEXT_FIELDS:
        entry = slots.get(field)
        if entry is None:
            continue
        where = []
        if entry.get("before_field") == "^":
            where.append("at the start of a line")
        elif entry.get("before_field"):
            where.append(f"after the {entry['before_field']}")
        if (entry.get("before") or "").strip():
            where.append(f"after “{' '.join(entry['before'].split())}”")
        if entry.get("after"):
            where.append(f"before “{' '.join(entry['after'].split())}”")
        if entry.get("after_field"):
            where.append(f"before the {entry['after_field']}")
        if entry.get("line_end"):
            where.append("to the end of the line")
        detail = ""
        if field == "amount":
            mark = entry.get("decimal_mark")
            detail = f" (decimal mark “{mark}”)" if mark else ""
        elif field == "date" and entry.get("order"):
            detail = f" ({entry['order']})"
        marked = (spec.get("marked") or {}).get(field, "")
        lines.append(
            f"{field:<9} {' '.join(where) or 'anywhere'}{detail}; sample “{marked}”"
        )
    chosen = "chosen" if spec.get("direction_chosen") else "from the wording"
    lines.append(f"direction {spec.get('direction')} ({chosen})")
    lines.append(f"currency  {spec.get('currency')} when none is printed")
    return lines
