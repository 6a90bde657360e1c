"""Finding each transaction field in a normalised alert by the cues banks use.

Each finder returns a ``Finding``: the value plus the rule and the text that
produced it, so ``explain`` can show someone adding a bank why a field reads
the way it does.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from emailautomation.extract.amounts import NUMBER_PATTERN, Money, parse_amount
from emailautomation.extract.currencies import minor_units
from emailautomation.extract.dates import DateMention, find_dates, find_times
from emailautomation.extract.model import CREDIT, DEBIT

T = TypeVar("T")

_I = re.IGNORECASE


@dataclass(frozen=True, slots=True)
class Finding(Generic[T]):
    """A field value, the rule that found it and the text it came from."""

    value: T
    rule: str
    evidence: str = ""
    start: int = -1


def _snippet(text: str, start: int, end: int) -> str:
    return " ".join(text[start:end].split())[:80]


# --- amount and balance ----------------------------------------------------

AMOUNT = "amount"
BALANCE = "balance"
LIMIT = "limit"
DUE = "due"
FEE = "fee"
RATE = "rate"
EQUIVALENT = "equivalent"
PROMOTION = "promotion"

# Cues before an amount on its line, nearest one deciding what it is.
_ROLE_CUES = re.compile(
    r"(?P<balance>\b(?:avl|avail|available|current|closing|ledger|cleared|"
    r"remaining|new|updated|total|account|a/c|net)?\.?\s*bal(?:ance)?\b\.?|"
    r"\bkontostand\b|\bsaldo\b|\bsolde\b|\bbalans\b)"
    r"|(?P<limit>\b(?:credit\s+)?limit\b|\bavl\.?\s*(?:cr\.?|credit)|"
    r"\bavailable\s+(?:credit|to spend)\b|\bverfügungsrahmen\b|\blimite\b|"
    r"\bspending power\b)"
    r"|(?P<due>\b(?:amount|payment|minimum|min\.?|total)\s+(?:amount\s+)?due\b|"
    r"\bdue\b|\boutstanding\b|\bfällig\b)"
    r"|(?P<fee>\b(?:fees?|surcharge|mark-?up|gst|igst|vat|tax|commission|"
    r"gebühr|frais|comisi[oó]n)\b)"
    r"|(?P<rate>=|\brate\b|\bper\b|\bexchange\b)"
    r"|(?P<amount>\b(?:amount|amt|betrag|summe|montant|importe|monto|bedrag|"
    r"importo|valor|debited|credited|spent|paid|charged|withdrawn|deposited|"
    r"received|refund(?:ed)?|transferred|sent|purchase|transaction|payment|"
    r"charge|withdrawal|deposit|transfer|lastschrift|gutschrift|used|pay)\b)",
    _I,
)
# "on every $1 spent", "save up to $50", "$50 or more": part of an offer.
_PROMOTIONAL_BEFORE = re.compile(
    r"\b(?:every|each|per|up to|at least|minimum of|worth|save|earn|win|only)\s*$",
    _I,
)
_PROMOTIONAL_AFTER = re.compile(r"\s*(?:or more|or above|and above|\+\s)", _I)
_DUE_AFTER = re.compile(
    r"\s*(?:is|are|will be)\s+(?:now\s+)?(?:due|payable|outstanding|overdue)\b", _I
)
_EQUIVALENT_GAP = re.compile(
    r"^\s*(?:\(|\[|/|≈|~|approx\.?|i\.e\.?|equivalent(?: to)?|equiv\.?|or)\s*"
    r"(?:approx\.?\s*|about\s*)?$",
    _I,
)
_AFTER_CUE = re.compile(
    r"^\W{0,3}(?:has|have|was|were|is)?\s*(?:been\s+)?(?:successfully\s+)?"
    r"(?P<cue>debited|credited|spent|paid|charged|withdrawn|deposited|received|"
    r"transferred|sent|refunded)\b",
    _I,
)
_BARE_AMOUNT = re.compile(
    r"\b(?:debited|credited|spent|paid|withdrawn|charged|deposited|received|"
    r"transferred|sent|amount|amt|txn amt|betrag|montant|importe|monto|bedrag|"
    r"importo|valor)\b(?:\s+(?:by|of|for|with|is))?(?:\s*(?:\||:|-))?\s*"
    rf"(?P<num>{NUMBER_PATTERN})(?!\s*%)(?![0-9]|[.,:/\-][0-9])",
    _I,
)


@dataclass(frozen=True, slots=True)
class RoledMoney:
    """An amount with what the text says it is (amount, balance, limit…)."""

    money: Money
    role: str
    cue: str
    score: int


def classify_money(text: str, money: Sequence[Money]) -> list[RoledMoney]:
    """Say what each amount is, from the words just before it on its line.

    A balance, a credit limit, an amount due, a fee, an exchange rate or an
    equivalent in brackets is not the transaction amount. Amounts with a
    transaction word next to them score higher.
    """
    roled: list[RoledMoney] = []
    previous_end = 0
    for index, mention in enumerate(money):
        line_start = text.rfind("\n", 0, mention.start) + 1
        window_start = max(line_start, previous_end, mention.start - 60)
        before = text[window_start : mention.start]
        previous_end = mention.end
        role, cue = AMOUNT, ""
        cues = list(_ROLE_CUES.finditer(before))
        if cues:
            nearest = cues[-1]
            role = nearest.lastgroup or AMOUNT
            cue = nearest.group(0).strip()
        if _DUE_AFTER.match(text, mention.end):
            role, cue = DUE, "is due"
        if _PROMOTIONAL_BEFORE.search(
            text, max(0, mention.start - 16), mention.start
        ) or _PROMOTIONAL_AFTER.match(text, mention.end):
            role, cue = PROMOTION, "offer wording"
        score = 2 if role == AMOUNT and cue else 0
        after = _AFTER_CUE.match(text, mention.end)
        if after is not None:
            if role in (BALANCE, LIMIT, DUE, RATE):
                role = AMOUNT
            score += 3
            cue = cue or after.group("cue")
        if (
            index > 0
            and money[index - 1].end >= window_start
            and _EQUIVALENT_GAP.match(text[money[index - 1].end : mention.start])
        ):
            role = EQUIVALENT
        roled.append(RoledMoney(mention, role, cue, score))
    return roled


def possible_amounts(roled: Sequence[RoledMoney]) -> list[Money]:
    """The amounts that may be the transaction's (not balances, limits, offers…)."""
    return [r.money for r in roled if r.role == AMOUNT]


# Words that make an amount look like a transaction even when no verb says
# money moved ("Card usage notice: JPY 3,500 at FAMILYMART").
TRANSACTION_WORDS = re.compile(
    r"\b(?:transaction|txn|trxn|purchase|usage|card used|spend|spent|payment|"
    r"charge|debit|credit|withdrawal|transfer|deposit|umsatz|zahlung|achat|"
    r"opération|compra|transacci[oó]n|betaling|transazione|transação)\b",
    _I,
)


def choose_amount(roled: Sequence[RoledMoney]) -> RoledMoney | None:
    """The transaction amount: the best-scored plain amount, the first on a tie."""
    best: RoledMoney | None = None
    for candidate in roled:
        if candidate.role != AMOUNT or candidate.money.amount == 0:
            continue
        if best is None or candidate.score > best.score:
            best = candidate
    return best


def choose_balance(roled: Sequence[RoledMoney]) -> RoledMoney | None:
    """The balance the alert reports after the transaction, if any."""
    for candidate in roled:
        if candidate.role == BALANCE:
            return candidate
    return None


def find_bare_amount(text: str, currency: str | None) -> Money | None:
    """An amount printed without a currency right after a transaction word
    (``debited by 120.0``, ``Amount | 2,199``), read in ``currency``."""
    minor = minor_units(currency) if currency else 2
    for match in _BARE_AMOUNT.finditer(text):
        amount = parse_amount(match.group("num"), minor_digits=minor)
        if amount is None or amount == 0:
            continue
        return Money(
            amount=amount,
            currency=currency,
            start=match.start("num"),
            end=match.end("num"),
            printed=match.group("num"),
        )
    return None


# --- direction ------------------------------------------------------------

_CREDIT_CUES = re.compile(
    r"\b(?:credited(?!\s+to\s+(?!your|ur\b|you))|received|receipt of|refund(?:ed)?|"
    r"(?:a|the)\s+credit\s+of|"
    r"deposit(?:ed)?|money in|payment received|reversal|reversed|cash\s?back|"
    r"added to|has been added|incoming|sent you|paid you|you got|paid into|"
    r"paid in|money in|erhalten|"
    r"gutgeschrieben|gutschrift|eingegangen|crédité|reçu|versement reçu|"
    r"abono|abonado|recibid[oa]|ingreso|bijgeschreven|ontvangen|accreditat[oa]|"
    r"creditad[oa]|recebid[oa])\b",
    _I,
)
_DEBIT_CUES = re.compile(
    r"\b(?:debited|debit(?!\s*card)|spent|paid(?!\s+(?:you|into|in)\b)|purchase[sd]?|"
    r"withdrawn|"
    r"withdrawal|charged|charge|sent(?!\s+you)|money out|payment made|"
    r"transaction of|was used|has been used|used for|you made|payment to|"
    r"transfer(?:red)? to|trf to|towards|lastschrift|abgebucht|belastet|bezahlt|"
    r"débité|prélevé|prélèvement|paiement|cargo|compra|retiro|afgeschreven|"
    r"betaald|addebitat[oa]|belastung|"
    r"debitad[oa]|pago|pagamento)\b",
    _I,
)


def find_direction(text: str, subject: str, amount: Money | None) -> Finding[str]:
    """Debit or credit, from the words nearest the amount, its sign or Cr/Dr mark.

    With no word either way the alert is taken as a debit, the usual case.
    """
    if amount is not None and amount.marker:
        value = CREDIT if amount.marker == "Cr" else DEBIT
        return Finding(value, f"“{amount.marker}” after the amount", amount.printed)
    if amount is not None and amount.sign:
        value = CREDIT if amount.sign == "+" else DEBIT
        return Finding(value, f"“{amount.sign}” sign on the amount", amount.printed)

    if amount is not None:
        start, end = max(0, amount.start - 160), amount.end + 160
        line_start = text.rfind("\n", 0, amount.start) + 1
        line_end = text.find("\n", amount.end)
        if line_end < 0:
            line_end = len(text)
    else:
        start, end, line_start, line_end = 0, len(text), 0, len(text)
    scores = {CREDIT: 0.0, DEBIT: 0.0}
    best: dict[str, tuple[float, str]] = {}
    for direction, pattern in ((CREDIT, _CREDIT_CUES), (DEBIT, _DEBIT_CUES)):
        for match in pattern.finditer(text, start, end):
            same_line = line_start <= match.start() <= line_end
            weight = 3.0 if same_line else 1.0
            if amount is not None and same_line:
                gap = min(
                    abs(match.start() - amount.end), abs(amount.start - match.end())
                )
                weight += 1.0 / (1 + gap / 20)
            scores[direction] += weight
            if weight > best.get(direction, (0.0, ""))[0]:
                best[direction] = (weight, match.group(0))
        for match in pattern.finditer(subject):
            scores[direction] += 1.5
            best.setdefault(direction, (1.5, match.group(0)))
    if scores[CREDIT] > scores[DEBIT]:
        return Finding(CREDIT, "credit words near the amount", best[CREDIT][1])
    if scores[DEBIT] > 0:
        return Finding(DEBIT, "debit words near the amount", best[DEBIT][1])
    return Finding(DEBIT, "no direction words: taken as a debit")


# --- account --------------------------------------------------------------

_MASK = r"(?:[Xx*•·#]{1,16}|\.{2,4})"
_ACCOUNT_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "“ending …” digits",
        re.compile(
            r"\b(?:ending(?:\s+(?:in|with))?|ends\s+(?:in|with)|last\s+(?:4|four|5|"
            r"five)\s+digits(?:\s+of)?|endung|endend auf|endet auf|"
            r"(?:se\s+)?terminant par|finissant par|terminad[ao]\s+en|acabada en|"
            r"eindigend op|eindigend in|che termina (?:con|in)|terminando em|"
            r"terminaci[oó]n|final)\b[\s:|#-]*(?:"
            + _MASK
            + r"[\s-]?)?(?P<d>[0-9]{3,6})(?![0-9])",
            _I,
        ),
    ),
    (
        "account or card number",
        re.compile(
            r"\b(?:a/?c|acct|account|card|konto|compte|cuenta|rekening|conto|conta|"
            r"karte|carte|tarjeta)\b(?:\s*(?:no|number|num|nr|#)\b\.?)?[\s:|#-]*"
            r"(?:" + _MASK + r"[\s-]?){0,4}(?P<d>[0-9]{3,})(?![0-9]|[.,/:][0-9])",
            _I,
        ),
    ),
    (
        "masked number",
        re.compile(
            r"(?<![\w*])(?:[Xx*•]{2,}[\s-]?)+(?P<d>[0-9]{3,6})(?![0-9])"
            r"|\(\s*\.{2,4}\s*(?P<d2>[0-9]{3,6})\s*\)"
            r"|(?<![.\w])\.{3}(?P<d3>[0-9]{3,6})(?![0-9])"
        ),
    ),
)


def find_account(text: str) -> Finding[str] | None:
    """The trailing digits of the card or account, however the bank masks it.

    ``XX1234``, ``**1234``, ``(...9012)``, ``ending in 1234``, ``A/c X1234``,
    ``Card No. | XX7007`` and five-digit Amex endings. A full number printed
    in the clear is cut to its last four digits, so it is never stored.
    """
    for rule, pattern in _ACCOUNT_PATTERNS:
        match = pattern.search(text)
        if match is None:
            continue
        digits = next(g for g in match.groups() if g)
        if len(digits) > 6:
            digits = digits[-4:]
        return Finding(digits, rule, _snippet(text, match.start(), match.end()))
    return None


# --- merchant or payee ----------------------------------------------------

# Where a merchant name stops: the next clause (English and the other
# languages the cues know), punctuation that ends it, or the end of the line.
_STOP = (
    r"(?=\s+(?:on|via|using|with|for|was|were|is|has|have|had|been|into|dated|"
    r"ref|refno|ref\.|upi|txn|avl|available|if|and|in|thru|through|at\s+[0-9]|"
    r"from|by|"
    r"am|um|mit|auf|per|mittels|gebucht|abgebucht|bezahlt|belastet|eingegangen|"
    r"erhalten|überwiesen|wurde|ist|le|avec|sur|par|pour|a été|el|con|por|en|"
    r"ha|op|met|van|naar|werd|il|sul|alle|com|em|no|foi|para|às)\b|\s*[,;!|()\n]|"
    r":\s|(?<!\b(?-i:[A-Z]))\.(?:\s|$)|\s+-\s|\s*$)"
)
_VALUE = r"(?P<v>[^\s|(\[][^\n|]{0,79}?)" + _STOP

_DEBIT_LABELS = (
    r"merchant(?:\s+name)?|where|payee(?:\s+name)?|beneficiary(?:\s+name)?|paid to|"
    r"sent to|recipient|to|at|merchant details|händler|empfänger|"
    r"zahlungsempfänger|commerçant|bénéficiaire|comercio|establecimiento|"
    r"beneficiario|ontvanger|begunstigde|esercente|favorecido|estabelecimento"
)
_CREDIT_LABELS = (
    r"from|sender|remitter|received from|payer|paid by|auftraggeber|"
    r"donneur d'ordre|ordenante|remitente|afzender|ordinante"
)
_ANY_LABELS = (
    r"info|description|details|narration|remarks|transaction details?|"
    r"transaction info(?:rmation)?|txn info"
)
_LABEL_LINE = re.compile(
    rf"^(?:(?P<debit>{_DEBIT_LABELS})|(?P<credit>{_CREDIT_LABELS})|"
    rf"(?P<any>{_ANY_LABELS}))\s*(?:\||:|-)\s*(?P<v>[^\n|]+)",
    _I | re.MULTILINE,
)
# Cue words in other languages only count before a capitalised name, so
# "de"/"an"/"à" in ordinary sentences are not taken for a payee.
_NAME_AHEAD = r"(?=(?-i:[A-Z]))"
_INLINE_CUES: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    (
        "any",
        "“Info:”",
        re.compile(rf"\b(?:info|merchant|payee)\s*[:\-]\s*{_VALUE}", _I),
    ),
    ("debit", "“at …”", re.compile(rf"\bat\s+{_VALUE}", _I)),
    (
        "debit",
        "“at …” (other languages)",
        re.compile(
            rf"\b(?:bei|chez|bij|presso|auprès de|en|em)\s+{_NAME_AHEAD}{_VALUE}", _I
        ),
    ),
    (
        "debit",
        "“to …”",
        re.compile(
            rf"\b(?:to|towards|trf to|transfer(?:red)? to|paid to|sent to|"
            rf"payment to)\s+{_VALUE}",
            _I,
        ),
    ),
    (
        "debit",
        "“to …” (other languages)",
        re.compile(
            rf"(?:\ban|\baan|\ba favor de|\bpar|(?<!\w)à)\s+{_NAME_AHEAD}{_VALUE}", _I
        ),
    ),
    (
        "debit",
        "“with …”",
        re.compile(
            rf"\bwith\s+(?!your|the\b|a\b|an\b|card|us\b|our\b|"
            rf"(?:credit|debit|prepaid|forex)\s+card){_VALUE}",
            _I,
        ),
    ),
    ("credit", "“from …”", re.compile(rf"\bfrom\s+{_VALUE}", _I)),
    (
        "credit",
        "“from …” (other languages)",
        re.compile(rf"\b(?:von|de|van|da)\s+{_NAME_AHEAD}{_VALUE}", _I),
    ),
    ("credit", "“by …”", re.compile(rf"\bby\s+{_VALUE}", _I)),
    (
        "credit",
        "“… sent you”",
        re.compile(
            r"(?:^|(?<=[.:!]\s))(?P<v>(?-i:[A-Z])[\w.&'’ -]{1,40}?)\s+(?:has\s+)?"
            r"(?:sent|paid|transferred)\s+you\b",
            _I | re.MULTILINE,
        ),
    ),
)
# How far from the amount a cue word ("at", "to"…) may be and still name its
# merchant; further away it is usually boilerplate.
_CUE_REACH = 160
_NOT_A_NAME = re.compile(
    r"^(?:(?:your|you|ur|my|our|card|cards|account|acct|ending|this|that|us|their|"
    r"unsubscribe|view|know|report|block|call|visit|contact|log|login|check|avoid|"
    r"protect|help|learn|update|manage|stop|opt|read|see|click|reply|change|"
    r"its|his|her|them|him|anyone|anybody|someone|mobile|phone|date|time|ihrem?|"
    r"ihr|votre|su|tu|uw|je|sua|inr|usd|eur|gbp|xx+)\b|the\s+(?:card|account|bank)\b|"
    r"a/?c\b|(?:credit|debit|prepaid|forex)\s+card|an?\s+(?:account|card|atm)\b|"
    r"il tuo\b|rs\.?\s*[0-9]|[0-9.,:/\- ]+$|\*)",
    _I,
)
_STARTS_WITH_TIME = re.compile(r"^[0-9]{1,2}[:.h][0-9]{2}")
_LEADING_NOISE = re.compile(
    r"^(?:(?:vpa|upi|pos|neft|imps|rtgs|ach|nach|ecom|e-com|merchant)\b[\s:/\-]*"
    r"(?:to\s+)?)+",
    _I,
)
_VPA = re.compile(r"^(?P<handle>[\w.\-]+@[A-Za-z][\w\-]*)(?:\s+(?P<name>\S.*))?$")
_NARRATION = re.compile(
    r"^(?:UPI|IMPS|NEFT|RTGS|POS|ATM|ACH|NACH|BIL|MMT|ECS|INB|MB)\s?[/:\-]", _I
)
_NARRATION_SPLIT = re.compile(r"[/:]|\s-\s")
_NARRATION_CODES = frozenset(
    [
        "UPI",
        "IMPS",
        "NEFT",
        "RTGS",
        "POS",
        "ATM",
        "ACH",
        "NACH",
        "BIL",
        "MMT",
        "ECS",
        "INB",
        "MB",
        "P2M",
        "P2A",
        "DR",
        "CR",
        "ONL",
        "PAY",
        "PAYMENT",
    ]
)
_NARRATION_ID = re.compile(r"[A-Z0-9]*[0-9][A-Z0-9]*", _I)
_TRAILING_NUMBER = re.compile(r"(?:\s+#?\s?[0-9][0-9\-]*)+$")
_TRAILING_PUNCTUATION = re.compile(r"[\s.,;:\-–*/]+$")
_HAS_LETTERS = re.compile(r"[^\W\d_]{2}")
_GERMAN = re.compile(r"\b(?:Ihr(?:em|er|e)?|Konto|wurde|Umsatz|Karte)\b")
_GERMAN_ONLY = frozenset(("an",))


def _narration_name(value: str) -> str | None:
    """The payee in a bank narration such as ``UPI/P2M/528912341234/BLINKIT``."""
    for part in _NARRATION_SPLIT.split(value):
        part = part.strip()
        if part.upper() in _NARRATION_CODES or not _HAS_LETTERS.search(part):
            continue
        if _NARRATION_ID.fullmatch(part):
            continue
        return part
    return None


def clean_merchant(value: str) -> str | None:
    """A merchant or payee as a person would write it, or None if it is not one.

    Drops payment-rail words (``VPA``, ``UPI``, ``POS``, ``NEFT to``), a
    trailing store or terminal number (``STARBUCKS STORE 04567`` →
    ``STARBUCKS STORE``) and punctuation; keeps a UPI name over its handle.
    """
    value = " ".join(value.split())
    if _NARRATION.match(value):
        value = _narration_name(value) or ""
    value = _LEADING_NOISE.sub("", value)
    vpa = _VPA.match(value)
    if vpa:
        value = vpa.group("name") or vpa.group("handle")
    trimmed = _TRAILING_NUMBER.sub("", value)
    if _HAS_LETTERS.search(trimmed):
        value = trimmed
    value = _TRAILING_PUNCTUATION.sub("", value).strip(" \"'“”‘’")
    if not value or not _HAS_LETTERS.search(value):
        return None
    if _NOT_A_NAME.match(value) or _STARTS_WITH_TIME.match(value):
        return None
    return value[:80]


def find_merchant(
    text: str,
    subject: str,
    direction: str,
    amount: Money | None,
    reference: dt.date | None = None,
) -> Finding[str] | None:
    """The merchant or payee (for a credit: who paid), from labels or cue words.

    A ``Merchant | …`` style label wins; then ``Info: …``; then, for a debit,
    ``at …``, ``to …``, ``with …``, and for a credit ``from …``, ``by …`` —
    the one nearest after the amount first. The subject is the last resort.
    """
    wanted = (direction, "any")
    for match in _LABEL_LINE.finditer(text):
        kind = next(k for k in ("debit", "credit", "any") if match.group(k))
        if kind not in wanted:
            continue
        value = clean_merchant(match.group("v"))
        if value and not _is_date(value, reference):
            return Finding(value, f"“{match.group(kind)}” label", _line(text, match))

    anchor = amount.end if amount is not None else 0
    german = _GERMAN.search(text) is not None
    for where, label in ((text, ""), (subject, " in the subject")):
        best: tuple[tuple[int, int, int], Finding[str]] | None = None
        for rank, (kind, rule, pattern) in enumerate(_INLINE_CUES):
            if kind not in wanted:
                continue
            for match in pattern.finditer(where):
                cue_word = match.group(0).split(None, 1)[0].lower()
                if cue_word in _GERMAN_ONLY and not german:
                    continue
                if (
                    amount is not None
                    and where is text
                    and not amount.start - _CUE_REACH
                    <= match.start()
                    <= amount.end + _CUE_REACH
                ):
                    continue
                value = clean_merchant(match.group("v"))
                if not value or _is_date(value, reference):
                    continue
                if where is subject or match.start() >= anchor:
                    key = (0, rank, abs(match.start() - anchor))
                else:
                    key = (1, rank, anchor - match.start())
                if best is None or key < best[0]:
                    evidence = _snippet(where, match.start(), match.end())
                    best = (key, Finding(value, rule + label, evidence))
        if best is not None:
            return best[1]
    return None


def _line(text: str, match: re.Match[str]) -> str:
    return _snippet(text, match.start(), match.end())


def _is_date(value: str, reference: dt.date | None) -> bool:
    found = find_dates(value, reference)
    return bool(found) and found[0].start == 0


# --- reference --------------------------------------------------------------

_REFERENCE = re.compile(
    r"\b(?:upi\s*ref(?:erence)?(?:\s*(?:no|number|id))?|ref(?:erence)?(?:\s*(?:no|"
    r"number|num|id|#))?|refno|rrn|utr(?:\s*no)?|txn\s*(?:id|no|ref)|"
    r"transaction\s+(?:id|ref(?:erence)?|no|number)(?:\s*(?:no|number))?|"
    r"auth(?:ori[sz]ation)?\s*(?:code|no|id|number)|approval\s*(?:code|no)|"
    r"confirmation\s*(?:number|no|#)|referenz(?:nummer)?|référence|referencia|"
    r"kenmerk|riferimento)\b\.?\s*(?:is\b)?\s*[:#\-|]*\s*(?:is\b)?\s*[:\-]*\s*"
    r"(?P<ref>[A-Z0-9][A-Z0-9/\-]{3,30})",
    _I,
)


def find_reference(text: str) -> Finding[str] | None:
    """A reference number the bank gives (UPI Ref, Refno, RRN, Authorization code…)."""
    for match in _REFERENCE.finditer(text):
        value = match.group("ref").rstrip("-/")
        if not any(c.isdigit() for c in value):
            continue
        return Finding(
            value, "reference label", _snippet(text, match.start(), match.end())
        )
    return None


# --- date and time ----------------------------------------------------------

_NOT_TRANSACTION_DATE = re.compile(
    r"\b(?:due|valid\s+(?:till|until|thru|through)|expir\w*|statement\s+date|"
    r"pay\s+by|payable\s+by|fällig\w*|échéance|vencimiento|scadenza)\b[^0-9\n]{0,20}$",
    _I,
)


def choose_date(
    text: str,
    amount: Money | None,
    reference: dt.date | None,
    order: str | None,
) -> tuple[Finding[dt.date], DateMention] | None:
    """The transaction date: the date nearest the amount that is not a due date
    or expiry. None when the text gives no date."""
    candidates = []
    for mention in find_dates(text, reference, order):
        before = text[max(0, mention.start - 40) : mention.start]
        if _NOT_TRANSACTION_DATE.search(before):
            continue
        candidates.append(mention)
    if not candidates:
        return None
    if amount is None:
        chosen = candidates[0]
    else:
        chosen = min(
            candidates,
            key=lambda m: (
                m.start - amount.end
                if m.start >= amount.end
                else (amount.start - m.end) + 15
            ),
        )
    rule = "date nearest the amount"
    if chosen.ambiguous:
        rule += " (order or year settled by the e-mail's Date)"
    return Finding(chosen.date, rule, chosen.printed, chosen.start), chosen


_TIME_LABEL = re.compile(r"\b(?:time|zeit|heure|hora|tijd|ora)\b\s*[:|]?\s*$", _I)


def choose_time(text: str, date: DateMention | None) -> Finding[dt.time] | None:
    """The time printed next to the transaction date, or under a Time label."""
    times = find_times(text)
    if not times:
        return None
    if date is not None:
        for mention in times:
            if (
                0 <= mention.start - date.end <= 25
                or 0 <= date.start - mention.end <= 25
            ):
                evidence = _snippet(
                    text, min(date.start, mention.start), max(date.end, mention.end)
                )
                return Finding(
                    mention.time, "time next to the date", evidence, mention.start
                )
    for mention in times:
        before = text[max(0, mention.start - 20) : mention.start]
        if _TIME_LABEL.search(before):
            return Finding(mention.time, "“Time” label", mention.printed, mention.start)
    return None
