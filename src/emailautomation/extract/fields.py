"""Finding each transaction field in a normalised alert by the cues banks use."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from emailautomation.extract.amounts import NUMBER_PATTERN, Money, parse_amount
from emailautomation.extract.cues import RareWords, fold, one_of, words
from emailautomation.extract.currencies import minor_units
from emailautomation.extract.dates import (
    DateMention,
    find_dates,
    find_times,
    month_number,
)
from emailautomation.extract.model import CREDIT, DEBIT

# Each finder returns a ``Finding``: the value plus the rule and the text that
# produced it, so ``explain`` can show someone adding a bank why a field reads
# the way it does. Cue patterns are lower case and match ``cues.fold`` of the
# text (see ``extract.cues``); values are cut from the original text.

T = TypeVar("T")

_I = re.IGNORECASE


# Not frozen only because a frozen dataclass is three times slower to
# create, and several are made for every alert; treat it as a value.
@dataclass(slots=True)
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

# Cues before an amount on its line, nearest one deciding what it is. One
# scan finds them all; the role of the nearest is then looked up.
_BALANCE_WORDS = [
    *(
        rf"{word}\.?\s*bal(?:ance)?\b\.?"
        for word in (
            "avl", "avail", "available", "current", "closing", "ledger",
            "cleared", "remaining", "new", "updated", "total", "account", "a/c",
            "net",
        )
    ),
    r"bal(?:ance)?\b\.?", r"kontostand\b", r"saldo\b", r"solde\b", r"balans\b",
]  # fmt: skip
_LIMIT_WORDS = [
    r"credit\s+limit\b", r"limit\b", r"avl\.?\s*(?:cr\.?|credit)",
    r"available\s+(?:credit|to spend)\b", r"verfügungsrahmen\b", r"limite\b",
    r"spending power\b",
]  # fmt: skip
_DUE_WORDS = [
    *(rf"{word}\s+(?:amount\s+)?due\b" for word in (
        "amount", "payment", "minimum", r"min\.?", "total",
    )),
    r"due\b", r"outstanding\b", r"fällig\b",
]  # fmt: skip
_FEE_WORDS = [
    rf"{word}\b" for word in (
        "fees?", "surcharge", "mark-?up", "gst", "igst", "vat", "tax", "commission",
        "gebühr", "frais", "comisi[oó]n",
    )
]  # fmt: skip
_RATE_WORDS = [r"rate\b", r"per\b", r"exchange\b"]
_AMOUNT_WORDS = [
    rf"{word}\b" for word in (
        "amount", "amt", "betrag", "summe", "montant", "importe", "monto",
        "bedrag", "importo", "valor", "debited", "credited", "spent", "paid",
        "charged", "withdrawn", "deposited", "received", "refunded", "refund",
        "transferred", "sent", "purchase", "transaction", "payment", "charge",
        "withdrawal", "deposit", "transfer", "lastschrift", "gutschrift", "used",
        "pay",
    )
]  # fmt: skip
_ROLE_WORDS = {
    BALANCE: _BALANCE_WORDS,
    LIMIT: _LIMIT_WORDS,
    DUE: _DUE_WORDS,
    FEE: _FEE_WORDS,
    RATE: _RATE_WORDS,
    AMOUNT: _AMOUNT_WORDS,
}
_ROLE_CUES = re.compile(
    r"\b" + one_of(word for words_ in _ROLE_WORDS.values() for word in words_) + "|="
)
_ROLE_OF = [(role, re.compile(one_of(words_))) for role, words_ in _ROLE_WORDS.items()]
# What can follow an amount and change what it is: "is due", "or more", or a
# verb ("has been debited") that makes it the transaction's.
_AFTER = re.compile(
    r"(?P<due>\s*(?:is|are|will be)\s+(?:now\s+)?(?:due|payable|outstanding|"
    r"overdue)\b)"
    r"|(?P<promotion>\s*(?:or more|or above|and above|\+\s))"
    r"|\W{0,3}(?:has|have|was|were|is)?\s*(?:been\s+)?(?:successfully\s+)?"
    r"(?P<cue>debited|credited|spent|paid|charged|withdrawn|deposited|received|"
    r"transferred|sent|refunded)\b"
)
# "on every $1 spent", "save up to $50", "$50 or more": part of an offer.
_PROMOTIONAL_BEFORE = re.compile(
    r"\b(?:every|each|per|up to|at least|minimum of|worth|save|earn|win|only)\s*$"
)
_EQUIVALENT_GAP = re.compile(
    r"\s*(?:\(|\[|/|≈|~|approx\.?|i\.e\.?|equivalent(?: to)?|equiv\.?|or)\s*"
    r"(?:approx\.?\s*|about\s*)?$"
)
_BARE_AMOUNT = re.compile(
    words(
        [
            "debited", "credited", "spent", "paid", "withdrawn", "charged",
            "deposited", "received", "transferred", "sent", "amount", "amt",
            "txn amt", "betrag", "montant", "importe", "monto", "bedrag", "importo",
            "valor",
        ]
    )
    + r"(?:\s+(?:by|of|for|with|is))?(?:\s*(?:\||:|-))?\s*"
    rf"(?P<num>{NUMBER_PATTERN})(?!\s*%)(?![0-9]|[.,:/\-][0-9])"
)  # fmt: skip


# Not frozen only because a frozen dataclass is three times slower to
# create, and several are made for every alert; treat it as a value.
@dataclass(slots=True)
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
    if not money:
        return roled
    low = fold(text)
    previous_end = 0
    for index, mention in enumerate(money):
        line_start = low.rfind("\n", 0, mention.start) + 1
        window_start = max(line_start, previous_end, mention.start - 60)
        previous_end = mention.end
        role, cue = AMOUNT, ""
        nearest = None
        for match in _ROLE_CUES.finditer(low, window_start, mention.start):
            nearest = match
        if nearest is not None:
            role = _role_of(nearest.group(0))
            cue = text[nearest.start() : nearest.end()].strip()
        after = _AFTER.match(low, mention.end)
        verb = after.group("cue") if after is not None else None
        if after is not None and after.lastgroup == "due":
            role, cue = DUE, "is due"
        if (after is not None and after.lastgroup == "promotion") or (
            _PROMOTIONAL_BEFORE.search(low, max(0, mention.start - 16), mention.start)
        ):
            role, cue = PROMOTION, "offer wording"
        score = 2 if role == AMOUNT and cue else 0
        if verb is not None:
            if role in (BALANCE, LIMIT, DUE, RATE):
                role = AMOUNT
            score += 3
            cue = cue or verb
        if (
            index > 0
            and money[index - 1].end >= window_start
            and _EQUIVALENT_GAP.fullmatch(low, money[index - 1].end, mention.start)
        ):
            role = EQUIVALENT
        roled.append(RoledMoney(mention, role, cue, score))
    return roled


def _role_of(cue: str) -> str:
    if cue == "=":
        return RATE
    for role, pattern in _ROLE_OF:
        if pattern.fullmatch(cue):
            return role
    return AMOUNT


def possible_amounts(roled: Sequence[RoledMoney]) -> list[Money]:
    """The amounts that may be the transaction's (not balances, limits, offers…)."""
    return [r.money for r in roled if r.role == AMOUNT]


# Words that make an amount look like a transaction even when no verb says
# money moved ("Card usage notice: JPY 3,500 at FAMILYMART").
_TRANSACTION_WORDS = re.compile(
    words(
        [
            "transaction", "txn", "trxn", "purchase", "usage", "card used", "spend",
            "spent", "payment", "charge", "debit", "credit", "withdrawal",
            "transfer", "deposit", "umsatz", "zahlung", "achat", "opération",
            "compra", "transacci[oó]n", "betaling", "transazione", "transação",
        ]
    )
)  # fmt: skip


def mentions_transaction(text: str, start: int = 0, end: int | None = None) -> bool:
    """Whether ``text[start:end]`` uses a word like transaction, purchase, payment."""
    low = fold(text)
    stop = len(low) if end is None else end
    if _TRANSACTION_WORDS.search(low, start, stop) is not None:
        return True
    part = low[start:stop]
    return not part.isascii() and any(word in part for word in _OTHER_SCRIPT_WORDS)


# The same for scripts whose words \b cannot separate (利用金額 is one "word").
_OTHER_SCRIPT_WORDS = (
    "利用", "支払", "決済", "引落", "消费", "交易", "支付",
    "결제", "승인", "거래", "출금",
    "लेनदेन", "खर्च",
    "خصم", "شراء", "معاملة", "عملية",
)  # fmt: skip


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
    for match in _BARE_AMOUNT.finditer(fold(text)):
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

_CREDIT_WORDS = [
            r"credited(?!\s+to\s+(?!your|ur\b|you))", "received", "receipt of",
            "refunded", "refund", r"(?:a|the)\s+credit\s+of", "deposited", "deposit",
            "money in", "payment received", "reversal", "reversed", r"cash\s?back",
            "added to", "has been added", "incoming", "sent you", "paid you",
            "you got", "paid into", "paid in", "erhalten", "gutgeschrieben",
            "gutschrift", "eingegangen", "crédité", "reçu", "versement reçu",
            "abono", "abonado", "recibid[oa]", "ingreso", "bijgeschreven",
            "ontvangen", "accreditat[oa]", "creditad[oa]", "recebid[oa]",
        ]  # fmt: skip
_DEBIT_WORDS = [
            "debited", r"debit(?!\s*card)", "spent", r"paid(?!\s+(?:you|into|in)\b)",
            "purchase[sd]?", "withdrawn", "withdrawal", "charged", "charge",
            r"sent(?!\s+you)", "money out", "payment made", "transaction of",
            "was used", "has been used", "used for", "you made", "payment to",
            "transfer(?:red)? to", "trf to", "towards", "lastschrift", "abgebucht",
            "belastet", "belastung", "bezahlt", "débité", "prélevé", "prélèvement",
            "paiement", "cargo", "compra", "retiro", "afgeschreven", "betaald",
            "addebitat[oa]", "debitad[oa]", "pago", "pagamento",
        ]  # fmt: skip
# One pass over both lists (credit words first where both could match); the
# credit pattern then says which side a match is on.
_CREDIT_CUES = re.compile(words(_CREDIT_WORDS))
_DIRECTION_CUES = re.compile(words(_CREDIT_WORDS + _DEBIT_WORDS))


def _side(low: str, match: re.Match[str]) -> str:
    # The words found tell the side by themselves ("paid into" and "paid" are
    # different matches), so each is worked out once.
    word = match.group(0)
    side = _SIDES.get(word)
    if side is None:
        credit = _CREDIT_CUES.match(low, match.start())
        side = CREDIT if credit is not None and credit.end() == match.end() else DEBIT
        if len(_SIDES) < 4096:
            _SIDES[word] = side
    return side


_SIDES: dict[str, str] = {}


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

    low = fold(text)
    low_subject = fold(subject)
    if amount is not None:
        start, end = max(0, amount.start - 120), amount.end + 120
        line_start = low.rfind("\n", 0, amount.start) + 1
        line_end = low.find("\n", amount.end)
        if line_end < 0:
            line_end = len(low)
    else:
        start, end, line_start, line_end = 0, len(low), 0, len(low)
    scores = {CREDIT: 0.0, DEBIT: 0.0}
    best: dict[str, tuple[float, str]] = {}
    for match in _DIRECTION_CUES.finditer(low, start, end):
        direction = _side(low, match)
        same_line = line_start <= match.start() <= line_end
        weight = 3.0 if same_line else 1.0
        if amount is not None and same_line:
            gap = min(abs(match.start() - amount.end), abs(amount.start - match.end()))
            weight += 1.0 / (1 + gap / 20)
        scores[direction] += weight
        if weight > best.get(direction, (0.0, ""))[0]:
            best[direction] = (weight, text[match.start() : match.end()])
    # The subject counts 1.5 a word: it is only read when it could tip the scale.
    if abs(scores[CREDIT] - scores[DEBIT]) <= 3.0:
        for match in _DIRECTION_CUES.finditer(low_subject):
            direction = _side(low_subject, match)
            scores[direction] += 1.5
            best.setdefault(direction, (1.5, subject[match.start() : match.end()]))
    if scores[CREDIT] > scores[DEBIT]:
        return Finding(CREDIT, "credit words near the amount", best[CREDIT][1])
    if scores[DEBIT] > 0:
        return Finding(DEBIT, "debit words near the amount", best[DEBIT][1])
    return Finding(DEBIT, "no direction words: taken as a debit")


# --- account --------------------------------------------------------------

_MASK = r"(?:[x*•·#]{1,16}|\.{2,4})"
_ENDING_WORDS = RareWords(
    [
        r"ending(?:\s+(?:in|with))?", r"ends\s+(?:in|with)",
        r"last\s+(?:4|four|5|five)\s+digits(?:\s+of)?", "endung", "endend auf",
        "endet auf", "se terminant par", "terminant par", "finissant par",
        r"terminad[ao]\s+en", "acabada en", "eindigend op", "eindigend in",
        "che termina (?:con|in)", "terminando em", "terminaci[oó]n", "final",
    ],
    tail=r"\b[\s:|#-]*(?:" + _MASK + r"[\s-]?)?(?P<d>[0-9]{3,6})(?![0-9])",
)  # fmt: skip
_ACCOUNT_WORDS = RareWords(
    [
        "a/c", "ac", "acct", "account", "card", "konto", "compte", "cuenta",
        "rekening", "conto", "conta", "karte", "carte", "tarjeta",
    ],
    tail=r"\b(?:\s*(?:no|number|num|nr|#)\b\.?)?[\s:|#-]*"
    r"(?:" + _MASK + r"[\s-]?){0,4}(?P<d>[0-9]{3,})(?![0-9]|[.,/:][0-9])",
)  # fmt: skip
# In order of trust: a number after "ending" beats one after "card", which
# beats a bare mask.
_ACCOUNT_PATTERNS: tuple[tuple[str, RareWords | re.Pattern[str]], ...] = (
    ("“ending …” digits", _ENDING_WORDS),
    ("account or card number", _ACCOUNT_WORDS),
    (
        "masked number",
        re.compile(
            r"[x*•](?<![\w*][x*•])[x*•]+[\s-]?(?:[x*•]{2,}[\s-]?)*"
            r"(?P<d>[0-9]{3,6})(?![0-9])"
        ),
    ),
    ("masked number", re.compile(r"\(\s*\.{2,4}\s*(?P<d>[0-9]{3,6})\s*\)")),
    ("masked number", re.compile(r"\.(?<![.\w]\.)\.\.(?P<d>[0-9]{3,6})(?![0-9])")),
)


def find_account(text: str) -> Finding[str] | None:
    """The trailing digits of the card or account, however the bank masks it.

    ``XX1234``, ``**1234``, ``(...9012)``, ``ending in 1234``, ``A/c X1234``,
    ``Card No. | XX7007`` and five-digit Amex endings. A full number printed
    in the clear is cut to its last four digits, so it is never stored.
    """
    low = fold(text)
    for rule, pattern in _ACCOUNT_PATTERNS:
        best: re.Match[str] | None = None
        best_score = -2
        for match in pattern.finditer(low):
            score = _whose(low, match.start())
            if score > best_score:
                best, best_score = match, score
            if score > 0:
                break
        if best is None:
            continue
        digits = best.group("d")
        if len(digits) > 6:
            digits = digits[-4:]
        return Finding(digits, rule, _snippet(text, best.start(), best.end()))
    return None


_YOURS = re.compile(r"\b(?:your|ur|yr|ihr\w*|votre|tu|su|uw|je)\s+(?:\S+\s+){0,3}$")
_THEIRS = re.compile(
    r"\b(?:to|beneficiary|payee|recipient|credited to|transferred to)\s+"
    r"(?:[^\s,]+\s+){0,4}$"
)


def _whose(low: str, start: int) -> int:
    """+1 for "your card …", -1 for "to SHARMA R, A/c …": the counterparty's."""
    if _YOURS.search(low, max(0, start - 30), start):
        return 1
    if _THEIRS.search(low, max(0, start - 40), start):
        return -1
    return 0


# --- merchant or payee ----------------------------------------------------

# TODO: cue words exist for English, German, French, Spanish, Italian, Dutch
# and Portuguese; alerts in other scripts (Arabic, Hindi, Japanese…) are read
# by their amounts, masks and dates only, and get no merchant.

# Where a merchant name stops: the next clause (English and the other
# languages the cues know), punctuation that ends it, or the end of the line.
_STOP = re.compile(
    r"\s+"
    + one_of(
        [
            "on", "via", "using", "with", "for", "was", "were", "is", "has", "have",
            "had", "been", "into", "dated", "ref", "refno", r"ref\.", "upi", "txn",
            "avl", "available", "if", "and", "in", "thru", "through",
            r"at\s+[0-9]", "from", "by", "am", "um", "mit", "auf", "per", "mittels",
            "gebucht", "abgebucht", "bezahlt", "belastet", "eingegangen",
            "erhalten", "überwiesen", "wurde", "ist", "le", "avec", "sur", "par",
            "pour", "a été", "el", "con", "por", "en", "ha", "op", "met", "van",
            "naar", "werd", "il", "sul", "alle", "com", "em", "no", "foi", "para",
            "às", "approved", "authorised", "authorized", "successful", "pending",
            "posted", "note", "memo",
        ]
    )
    + r"\b|\s*[,;!|()\n]|:\s|(?<!\b[a-z])\.(?:\s|$)|\s+-\s|\s*$"
    # an amount after the name: "You paid Jane Doe $25.00"
    r"|\s+(?:[$€£₹¥]|(?:rs\.?|inr|usd|eur|gbp|aud|cad|sgd|aed|chf)\s?[0-9])"
)  # fmt: skip
_NOT_FIRST = frozenset(" \t\n|([")

_DEBIT_LABELS = [
    r"merchant(?:\s+name)?", "where", r"payee(?:\s+name)?",
    r"beneficiary(?:\s+name)?", "paid to", "sent to", "recipient", "to", "at",
    "merchant details", "händler", "empfänger", "zahlungsempfänger", "commerçant",
    "bénéficiaire", "comercio", "establecimiento", "beneficiario", "ontvanger",
    "begunstigde", "esercente", "favorecido", "estabelecimento",
]  # fmt: skip
_CREDIT_LABELS = [
    "from", "sender", "remitter", "received from", "payer", "paid by",
    "auftraggeber", "donneur d'ordre", "ordenante", "remitente", "afzender",
    "ordinante",
]  # fmt: skip
_ANY_LABELS = [
    "info", "description", "details", "narration", "remarks",
    "transaction details?", "transaction info(?:rmation)?", "txn info",
]  # fmt: skip
_LABEL_LINE = re.compile(
    rf"^(?:(?P<debit>{one_of(_DEBIT_LABELS)})|(?P<credit>{one_of(_CREDIT_LABELS)})|"
    rf"(?P<any>{one_of(_ANY_LABELS)}))\s*(?:\||:|-)\s*(?P<v>[^\n|]+)",
    re.MULTILINE,
)


@dataclass(frozen=True, slots=True)
class _Cue:
    """A cue word that introduces a merchant: its rule name, its rank among
    the cues for a debit and for a credit (absent: not used for that side;
    lower: preferred), and whether the name after it must start with a
    capital (other languages' short words like "de", "an", "à", and "paid",
    "for", only count before a name)."""

    rule: str
    debit: int | None
    credit: int | None
    capital: bool = False


_CUES: dict[str, _Cue] = {
    "info": _Cue("“Info:”", 0, 0),
    "at": _Cue("“at …”", 1, None),
    "at_other": _Cue("“at …” (other languages)", 2, None, capital=True),
    "to": _Cue("“to …”", 3, None),
    "to_other": _Cue("“to …” (other languages)", 4, None, capital=True),
    "with": _Cue("“with …”", 5, None),
    "paid": _Cue("“paid …”", 6, None, capital=True),
    "for": _Cue("“for …”", 7, None, capital=True),
    # A debit "from" names who charged ("a charge of $1.00 from APPLE.COM",
    # "withdrawal from ATM MAIN ST"); a credit "from" names who paid.
    "from": _Cue("“from …”", 8, 1),
    "from_other": _Cue("“from …” (other languages)", None, 2, capital=True),
    "by": _Cue("“by …”", None, 3),
    "sent_you": _Cue("“… sent you”", None, 4, capital=True),
}
_CUE_OF_WORD = {
    "info": "info",
    "merchant": "info",
    "payee": "info",
    "at": "at",
    "with": "with",
    "from": "from",
    "by": "by",
    "paid": "paid",
    "for": "for",
    **dict.fromkeys(
        ["bei", "chez", "bij", "presso", "auprès de", "en", "em"], "at_other"
    ),
    **dict.fromkeys(
        ["towards", "to", "trf to", "transfer to", "transferred to", "paid to",
         "sent to", "payment to"],
        "to",
    ),
    **dict.fromkeys(["an", "aan", "a favor de", "par", "à"], "to_other"),
    **dict.fromkeys(["von", "de", "van", "da"], "from_other"),
}  # fmt: skip
_CUE_WORDS = re.compile(
    r"\b(?P<w>"
    + one_of(
        [
            "info", "merchant", "payee", "at", "with", "from", "by", "bei", "chez",
            "bij", "presso", "auprès de", "en", "em", "towards", "to", "trf to",
            "transferred to", "transfer to", "paid to", "sent to", "payment to",
            "an", "aan", "a favor de", "par", "à", "von", "de", "van", "da",
            "paid", "for",
        ]
    )
    + r")(?P<sep>\s*[:\-]\s*|\s+)"
)  # fmt: skip
# "with your card" is how the card was used, not whom it paid.
_NOT_AFTER_WITH = re.compile(
    r"(?:your|the\b|a\b|an\b|card|us\b|our\b|(?:credit|debit|prepaid|forex)\s+card)"
)
_SENT_YOU = re.compile(
    r"(?:^|(?<=[.:!]\s))(?P<v>[a-z][\w.&'’ -]{1,40}?)\s+(?:has\s+)?"
    r"(?:sent|paid|transferred)\s+you\b",
    re.MULTILINE,
)
_SENT_YOU_HINTS = ("sent you", "paid you", "transferred you")


def _value_after(low: str, start: int) -> int | None:
    """Where the name starting at ``start`` ends (see ``_STOP``), or None when
    it does not end within 80 characters or does not start like a name."""
    if start >= len(low) or low[start] in _NOT_FIRST:
        return None
    stop = _STOP.search(low, start + 1)
    end = stop.start() if stop is not None else len(low)
    if end - start > 80:
        return None
    return end


def _cue_values(
    low: str, start: int, end: int, direction: str
) -> list[tuple[str, int, int, int]]:
    """(cue name, cue start, value start, value end) for each cue in the range
    that can name a merchant for this direction."""
    found = []
    credit = direction == CREDIT
    for match in _CUE_WORDS.finditer(low, start, end):
        name = _CUE_OF_WORD[match.group("w")]
        cue = _CUES[name]
        if (cue.credit if credit else cue.debit) is None:
            continue
        if (name == "info") != (match.group("sep").strip() != ""):
            continue  # "Info: X" needs its colon, "at X" must not have one
        if name == "with" and _NOT_AFTER_WITH.match(low, match.end()):
            continue
        value_end = _value_after(low, match.end())
        if value_end is not None:
            found.append((name, match.start(), match.end(), value_end))
    if credit and any(hint in low for hint in _SENT_YOU_HINTS):
        for match in _SENT_YOU.finditer(low, start, end):
            found.append(("sent_you", match.start(), match.start("v"), match.end("v")))
    return found


# How far from the amount a cue word ("at", "to"…) may be and still name its
# merchant; further away it is usually boilerplate.
_CUE_REACH = 160
# Before the amount only "You paid Jane Doe $25", "Sam sent you £20" and the
# like name someone, close by.
_CUE_REACH_BEFORE = 60
_NOT_A_NAME = re.compile(
    r"^(?:(?:your|you|ur|my|our|card|cards|account|acct|ending|this|that|us|their|"
    r"unsubscribe|view|know|report|block|call|visit|contact|log|login|check|avoid|"
    r"protect|help|learn|update|manage|stop|opt|read|see|click|reply|change|"
    r"its|his|her|them|him|anyone|anybody|someone|mobile|phone|date|time|ihrem?|"
    r"ihr|votre|su|tu|uw|je|sua|inr|usd|eur|gbp|rs|re|aud|cad|sgd|aed|chf|hkd|jpy|"
    r"xx+)\b|the\s+(?:card|account|bank)\b|"
    r"a/?c\b|(?:credit|debit|prepaid|forex)\s+card|an?\s+(?:account|card|atm)\b|"
    r"il tuo\b|rs\.?\s*[0-9]|[0-9.,:/\- ]+$|\*)",
    _I,
)
_STARTS_WITH_TIME = re.compile(r"^[0-9]{1,2}[:.h][0-9]{2}")
_LEADING_NOISE = re.compile(
    r"^(?:(?:vpa|upi|pos|neft|imps|rtgs|ach|nach|ecom|e-com|merchant)(?:[\s:/\-]+|$)"
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
_TRAILING_MARKS = frozenset(" .,;:-–*/")
_TRAILING_PUNCTUATION = re.compile(r"[\s.,;:\-–*/]+$")
_HAS_LETTERS = re.compile(r"[^\W\d_]{2}")
_GERMAN = re.compile(r"\b(?:Ihr(?:em|er|e)?|Konto|wurde|Umsatz|Karte)\b")


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
    if "@" in value and (vpa := _VPA.match(value)):
        value = vpa.group("name") or vpa.group("handle")
    if value[-1:].isdigit():
        trimmed = _TRAILING_NUMBER.sub("", value)
        if _HAS_LETTERS.search(trimmed):
            value = trimmed
    if value[-1:] in _TRAILING_MARKS:
        value = _TRAILING_PUNCTUATION.sub("", value)
    value = value.strip(" \"'“”‘’")
    if not value or not _HAS_LETTERS.search(value):
        return None
    if _NOT_A_NAME.match(value):
        return None
    if value[0].isdigit() and _STARTS_WITH_TIME.match(value):
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
    ``at …``, ``to …``, ``with …``, ``paid …``, ``for …``, ``from …`` (a
    charge from, a withdrawal from an ATM), and for a credit ``from …``,
    ``by …``, ``… sent you`` — by that preference, the one after the amount
    and nearest it first. The subject is the last resort.
    """
    wanted = (direction, "any")
    low = fold(text)
    for match in _LABEL_LINE.finditer(low):
        kind = next(k for k in ("debit", "credit", "any") if match.group(k))
        if kind not in wanted:
            continue
        value = clean_merchant(text[match.start("v") : match.end("v")])
        if value and not _is_date(value, reference):
            label = text[match.start(kind) : match.end(kind)]
            return Finding(value, f"“{label}” label", _line(text, match))

    anchor = amount.end if amount is not None else 0
    german: bool | None = None
    for where, low_where, label in (
        (text, low, ""),
        (subject, fold(subject), " in the subject"),
    ):
        start, end = 0, len(low_where)
        if amount is not None and where is text:
            start = max(0, amount.start - _CUE_REACH_BEFORE)
            end = min(len(low_where), amount.end + _CUE_REACH)
        # Candidates are ranked first and cleaned in that order: the first
        # that cleans to a name is the merchant.
        ranked = []
        for name, cue_start, value_start, value_end in _cue_values(
            low_where, start, end, direction
        ):
            cue = _CUES[name]
            rank = cue.credit if direction == CREDIT else cue.debit
            if rank is None:
                continue
            if where is text and cue_start > anchor + _CUE_REACH:
                continue
            if cue.capital and not where[value_start].isupper():
                continue
            if name == "to_other" and low_where.startswith("an ", cue_start):
                if german is None:
                    german = _GERMAN.search(text) is not None
                if not german:
                    continue
            if where is subject or cue_start >= anchor:
                key = (0, rank, abs(cue_start - anchor))
            else:
                key = (1, rank, anchor - cue_start)
            ranked.append((key, cue, cue_start, value_start, value_end))
        ranked.sort(key=lambda candidate: candidate[0])
        for _key, cue, cue_start, value_start, value_end in ranked:
            value = clean_merchant(where[value_start:value_end])
            if not value or _is_date(value, reference):
                continue
            evidence = _snippet(where, cue_start, value_end)
            return Finding(value, cue.rule + label, evidence)
    return None


def _line(text: str, match: re.Match[str]) -> str:
    return _snippet(text, match.start(), match.end())


def _is_date(value: str, reference: dt.date | None) -> bool:
    first = value.split(None, 1)[0].rstrip(".,")
    if not first[:1].isdigit() and month_number(first) is None:
        return False
    found = find_dates(value, reference)
    return bool(found) and found[0].start == 0


# --- reference --------------------------------------------------------------

_REFERENCE = RareWords(
    [
        r"upi\s*ref(?:erence)?(?:\s*(?:no|number|id))?",
        r"ref(?:erence)?(?:\s*(?:no|number|num|id|#))?",
        "refno",
        "rrn",
        r"utr(?:\s*no)?",
        r"txn\s*(?:id|no|ref)",
        r"transaction\s+(?:id|ref(?:erence)?|no|number)(?:\s*(?:no|number))?",
        r"auth(?:ori[sz]ation)?\s*(?:code|no|id|number)",
        r"approval\s*(?:code|no)",
        r"confirmation\s*(?:number|no|#)",
        "referenz(?:nummer)?",
        "référence",
        "referencia",
        "kenmerk",
        "riferimento",
    ],
    tail=r"\b\.?\s*(?:is\b)?\s*[:#\-|]*\s*(?:is\b)?\s*[:\-]*\s*"
    r"(?P<ref>[a-z0-9][a-z0-9/\-]{3,30})",
)


def find_reference(text: str) -> Finding[str] | None:
    """A reference number the bank gives (UPI Ref, Refno, RRN, Authorization code…)."""
    for match in _REFERENCE.finditer(fold(text)):
        value = text[match.start("ref") : match.end("ref")].rstrip("-/")
        if not any(c.isdigit() for c in value):
            continue
        return Finding(
            value, "reference label", _snippet(text, match.start(), match.end())
        )
    return None


# --- date and time ----------------------------------------------------------

_NOT_TRANSACTION_DATE = re.compile(
    r"\b(?:due|valid\s+(?:till|until|thru|through)|expir\w*|statement\s+date|"
    r"pay\s+by|payable\s+by|fällig\w*|échéance|vencimiento|scadenza)\b[^0-9\n]{0,20}$"
)
# Dates and times are looked for this far before and after the amount; the
# rest of a long mail is mostly legal text.
_DATE_BEFORE = 200
_DATE_AFTER = 250
# "Time: 10:15", "Transaction time | 10:15", "Uhrzeit: 10:15"
_TIME_LABEL_HINT = re.compile(
    one_of(["time", "zeit", "heure", "hora", "tijd", "ora"]) + r"\s*[:|]?\s*[0-9]"
)


def choose_date(
    text: str,
    amount: Money | None,
    reference: dt.date | None,
    order: str | None,
) -> tuple[Finding[dt.date], DateMention] | None:
    """The transaction date: the date nearest the amount that is not a due date
    or expiry (one before the amount counts 15 characters further away than
    one after it). None when the text gives no date.

    Only the text around the amount is read: the date is there, and a long
    mail's legal text is not.
    """
    low = fold(text)
    if amount is None:
        found = _dates_in(text, low, 0, len(text), reference, order)
        return _date_finding(found[0]) if found else None

    found = _dates_in(
        text,
        low,
        amount.start - _DATE_BEFORE,
        amount.end + _DATE_AFTER,
        reference,
        order,
    )
    if not found:
        return None
    nearest = min(
        found,
        key=lambda m: (
            m.start - amount.end if m.start >= amount.end else amount.start - m.end + 15
        ),
    )
    return _date_finding(nearest)


def _date_finding(mention: DateMention) -> tuple[Finding[dt.date], DateMention]:
    rule = "date nearest the amount"
    if mention.ambiguous:
        rule += " (order or year settled by the e-mail's Date)"
    return Finding(mention.date, rule, mention.printed, mention.start), mention


def _dates_in(
    text: str,
    low: str,
    start: int,
    end: int,
    reference: dt.date | None,
    order: str | None,
) -> list[DateMention]:
    """Transaction-date candidates in ``text[start:end]`` (widened to whole
    words), with positions in ``text``."""
    start, end = _widen(text, start, end)
    chunk = text if start == 0 and end >= len(text) else text[start:end]
    found = []
    for mention in find_dates(chunk, reference, order):
        if start:
            mention.start += start
            mention.end += start
        if _NOT_TRANSACTION_DATE.search(low, max(0, mention.start - 40), mention.start):
            continue
        found.append(mention)
    return found


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    """``start``/``end`` moved out past the nearest space a little further on,
    so that no date or time is cut in two (``12/11/20|25``, ``Nov 11,| 2025``)."""
    start = max(0, start - 16)
    if start:
        start = max(text.rfind(" ", 0, start), text.rfind("\n", 0, start)) + 1
    end += 16
    if end < len(text):
        stops = [i for i in (text.find(" ", end), text.find("\n", end)) if i >= 0]
        end = min(stops, default=len(text))
    return start, end


_TIME_LABEL = re.compile(r"\b(?:time|zeit|heure|hora|tijd|ora)\b\s*[:|]?\s*$")


def choose_time(
    text: str, date: DateMention | None, amount: Money | None = None
) -> Finding[dt.time] | None:
    """The time printed next to the transaction date, or under a Time label."""
    if date is not None:
        start, end = _widen(text, date.start - 30, date.end + 30)
        chunk = text if start == 0 and end >= len(text) else text[start:end]
        for mention in find_times(chunk):
            mention.start += start
            mention.end += start
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
    low = fold(text)
    if _TIME_LABEL_HINT.search(low) is None:
        return None
    start, end = (0, len(text))
    if amount is not None:
        start, end = _widen(text, amount.start - _DATE_BEFORE, amount.end + _DATE_AFTER)
    chunk = text if start == 0 and end >= len(text) else text[start:end]
    for found in find_times(chunk):
        position = found.start + start
        if _TIME_LABEL.search(low, max(0, position - 20), position):
            return Finding(found.time, "“Time” label", found.printed, position)
    return None
