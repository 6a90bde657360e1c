"""Telling the mail that is not a transaction: OTPs, statements, declines, offers…"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from emailautomation.extract.amounts import Money
from emailautomation.extract.cues import RareWords, fold, one_of, words

# Every rule looks for what the message *says happened*, not for single words:
# bank footers everywhere warn "never share your OTP, PIN or CVV" and quote
# interest rates, and a real alert must not be ignored because of them.
#
# The patterns are lower case and match ``cues.fold`` of the text.

OTP = "otp"
DECLINED = "declined"
SIGN_IN = "sign_in"
STATEMENT = "statement"
BALANCE = "balance"
MARKETING = "marketing"

_OTP_FRAGMENTS = [
    "otp",
    r"one[\s-]?time[\s-]?(?:password|passcode|pin|code)",
    "verification code",
    "security code",
    "passcode",
    "authentication code",
    "confirmation code",
    r"mobile[\s-]?tan",
    r"sms[\s-]?tan",
    "code de (?:vérification|confirmation)",
    "código de (?:verificaci[oó]n|seguridad)",
    "codigo de (?:verificaci[oó]n|seguridad)",
    "bestätigungscode",
    "einmalpasswort",
]
_OTP_WORDS = one_of(_OTP_FRAGMENTS)
# "771204 is the One Time Password for…", "Your OTP is 123456",
# "OTP for txn of INR 500 at X is 123456"
# The OTP words are found first; a code must then stand before them
# ("…the code before") or after them ("…the code after").
_OTP_WORD = RareWords(_OTP_FRAGMENTS)
_CODE_BEFORE = re.compile(
    r"(?<![\d,.])\d{4,8}(?![\d,.]?\d)\W{0,4}(?:is|as|ist|est|es)\s+"
    r"(?:your|the|ur|ihr|votre|su|tu)\b[^.\n]{0,40}?$"
)
_CODE_AFTER = re.compile(
    r"(?:[^.\n\d]{0,30}?|[^\n]{0,80}?\bis)\s*[:\-]?\s*(?<![\d,.])\d{4,8}(?![\d,.]?\d)"
)
_OTP_SUBJECT = re.compile(rf"\b{_OTP_WORDS}\b")
_OTP_WARNING = re.compile(r"(?:never|not|don'?t|do not|nor|no)\s+(?:\w+\s+){0,3}$")

_DECLINE_FRAGMENTS = [
    "declined",
    "unsuccessful",
    "not successful",
    "rejected",
    "failed",
    "denied",
    "not (?:been )?(?:approved|processed|completed)",
    "could not be (?:processed|completed|authori[sz]ed)",
    "abgelehnt",
    "fehlgeschlagen",
    "refusée?",
    "rechazad[ao]",
    "denegad[ao]",
    "geweigerd",
    "mislukt",
    "rifiutat[ao]",
    "recusad[ao]",
]
_DECLINE_WORDS = one_of(_DECLINE_FRAGMENTS)
# A decline word is news when the text around it says so: "was declined",
# "we declined", "declined your…", a "Payment failed" headline, or
# "insufficient funds". The rare words are found first, their context after.
_DECLINE_WORD = RareWords([*_DECLINE_FRAGMENTS, "insufficient (?:funds|balance)"])
_DECLINE_BEFORE = re.compile(
    r"(?:\b"
    + one_of(
        [
            "was", "were", "has been", "have been", "has", "have", "is", "got",
            "wurde", "a été", "fue", "ha sido", "werd", "è stat[ao]",
        ]
    )
    + r"\s+(?:\w+\s+)?"
    r"|\bwe(?:'ve| have)?\s+(?:had to\s+)?"
    r"|^(?:transaction|payment|purchase|card transaction|txn)\s+)$",
    re.MULTILINE,
)  # fmt: skip
_DECLINED_WHAT = re.compile(r"\s+(?:a|an|your|the)\b")
_DECLINE_SUBJECT = re.compile(rf"\b{_DECLINE_WORDS}\b")
# A refund or reversal of a failed payment is money coming back: a credit.
# Only when it already happened: "will be refunded" is still a failure notice.
_MONEY_BACK = re.compile(
    r"\b(?:refund(?:ed)?\b[^.\n]{0,80}?\b(?:has been|have been|was|is)\s+"
    r"(?:credited|processed|reversed|added)|(?:has|have) been (?:refunded|reversed)|"
    r"(?:was|were) (?:refunded|reversed)|credited back|reversal of|"
    r"(?:has been|was) returned to your)\b"
)
_ADVICE = re.compile(r"\b(?:if|in case|should|when)\b[^.]*$")
_SIGN_IN = re.compile(
    words(
        [
            r"new (?:sign[\s-]?in|log[\s-]?in|device)",
            "signed in",
            "logged in",
            r"log[\s-]?in (?:alert|attempt|detected|notification)",
            r"sign[\s-]?in (?:alert|attempt|from|notification)",
            r"successful(?:ly)? log(?:ged)?[\s-]?in",
            "password (?:was |has been )?(?:changed|reset)",
            "neue anmeldung",
            "nouvelle connexion",
        ]
    )
)
# Words one of which every message of the kind contains: a quick look that
# spares the full pattern on most alerts.
_SIGN_IN_HINTS = re.compile(
    one_of(["sign", "log", "device", "password", "anmeldung", "connexion"])
)
_DUE_HINTS = re.compile(one_of(["statement", "due"]))
_BALANCE_HINTS = re.compile(one_of(["balance", "kontostand"]))
_STATEMENT_SUBJECT = re.compile(
    words(
        [
            "e-?statement",
            r"statement(?!\s+credit)",
            "kontoauszug",
            "relevé",
            "extracto",
            "estado de cuenta",
            "rekeningoverzicht",
            "estratto conto",
            "bill (?:is )?(?:ready|generated|due)",
            "payment (?:is )?due",
            "payment reminder",
            "amount due",
            "due date",
            "due reminder",
        ]
    )
)
_STATEMENT_BODY = re.compile(
    r"\bstatement\b[^.\n]{0,60}?\b(?:is|has been|are)\s+(?:now\s+)?(?:attached|"
    r"ready|available|generated|enclosed)|"
    + words(
        [
            r"(?:total|minimum|min\.?)\s+(?:amount\s+|payment\s+)?due",
            "payment due date",
            "amount due",
            "is due on",
            "bill is due",
            "past due",
            "overdue",
        ]
    )
)
_BALANCE = re.compile(
    words(
        [
            r"(?:your|the)\s+(?:available\s+|current\s+|account\s+|closing\s+)*"
            r"balance\s+(?:is|as (?:of|on)|on|was)",
            "balance (?:alert|update|enquiry|inquiry|summary)",
            "low balance",
            "daily balance",
            "kontostand",
        ]
    )
)
_MARKETING = RareWords(
    [
        r"earn\s+(?:up\s+to\s+)?[\d,.]+\s*[x×]?\s*(?:bonus\s+)?(?:reward\s+)?"
        r"(?:points|miles|cash\s?back|rewards)",
        "bonus points",
        "welcome bonus",
        r"sign[\s-]?up bonus",
        "pre-?approved",
        "apply (?:now|today|online)",
        r"limited[\s-]time",
        "exclusive (?:offer|deal)",
        "special offer",
        "offer (?:ends|valid|expires)",
        "introductory (?:apr|rate|offer)",
        "annual fee",
        r"apr\b",
        "upgrade (?:now|your card)",
        "refer (?:a friend|and earn)",
        "shop now",
        "book now",
        "get up to",
        r"flat \d+% off",
        r"cash\s?back offer",
        "win (?:a|an|up to)",
        "lucky draw",
        "don'?t miss",
        "last chance",
        "unsubscribe",
        "newsletter",
        "webinar",
        "invest now",
        "open an account today",
    ]
)
_PERCENT_OFFER = re.compile(r"\d+(?:\.\d+)?% (?:apr|off|cash\s?back)")


class _Marketing:
    """``search`` like a compiled pattern, but through ``cues.matches_at``."""

    @staticmethod
    def search(low: str) -> re.Match[str] | None:
        match = _MARKETING.search(low)
        if match is None and "%" in low:
            match = _PERCENT_OFFER.search(low)
        return match


# Words saying money moved: the core of a real alert. Only counted with an
# amount close by, so "you've received an exclusive offer" does not count.
_HAPPENED = re.compile(
    words(
        [
            "debited", "debit of", "credited", "credit of", "spent", "paid",
            "received", "withdrawn", "withdrawal of", "charged", "charge of",
            "deposited", "deposit of", "refund of", "refunded", "refund",
            "transferred", "transfer of", "transaction of", "sent", "purchased",
            "purchase of", "payment of", "processed a", "was used", "was made",
            "were used", "were made", "has been used", "has been made", "is used",
            "you made", "added", "for using", "used for", "abgebucht", "gebucht",
            "gutgeschrieben",
            "lastschrift", "gutschrift", "überweisung", "überwiesen", "eingegangen",
            "erhalten", "bezahlt", "belastet", "kartenzahlung", "débité", "crédité",
            "prélevé", "paiement", "virement", "reçu", "betaald", "bijgeschreven",
            "afgeschreven", "ontvangen", "recibid[oa]", "realizad[oa]", "pagad[oa]",
            "ricevut[oa]", "cargo", "abono", "compra", "addebitat[oa]",
            "accreditat[oa]", "debitad[oa]", "creditad[oa]", "pagamento",
        ]
    )
)  # fmt: skip
_NEAR = 90
_NOT_YET = re.compile(
    r"\b(?:is|are|falls?|will be|becomes?)\s+(?:now\s+)?(?:over)?due\b|"
    r"\bdue\s+(?:on|by|date)\b|\bwill be (?:debited|charged|deducted|collected)\b|"
    r"\bscheduled\b|\bupcoming\b"
)


@dataclass(frozen=True, slots=True)
class Screening:
    """Why a message is not a transaction: a reason code and the text that said so."""

    reason: str
    rule: str
    evidence: str

    @property
    def detail(self) -> str:
        return f"{self.rule}: “{self.evidence}”"


def _evidence(original: str, match: re.Match[str], end: int | None = None) -> str:
    stop = match.end() if end is None else end
    return " ".join(original[match.start() : stop].split())[:80]


def money_moved(text: str, money: Sequence[Money]) -> re.Match[str] | None:
    """The first words saying money moved that have an amount close by, or None.

    ``money`` should hold only amounts that may be the transaction's (not
    balances, limits, amounts due or offers: see ``fields.classify_money``).
    The match is made on ``cues.fold(text)``; its span is valid for ``text``.
    """
    if not money:
        return None
    return _moved(fold(text), money)


def _moved(low: str, money: Sequence[Money]) -> re.Match[str] | None:
    for match in _near_money(low, money):
        start = max(
            low.rfind(". ", 0, match.start()), low.rfind("\n", 0, match.start())
        )
        ends = [
            i
            for i in (low.find(". ", match.end()), low.find("\n", match.end()))
            if i >= 0
        ]
        if _NOT_YET.search(low, start + 1, min(ends, default=len(low))):
            continue  # "your payment of $245.10 is due on…" has not happened
        return match
    return None


def _near_money(low: str, money: Sequence[Money]) -> list[re.Match[str]]:
    """Matches of the money-moved words within reach of some amount, in order."""
    found: list[re.Match[str]] = []
    searched_to = 0
    for mention in money:
        start = max(searched_to, mention.start - _NEAR)
        end = mention.end + _NEAR
        if start < end:
            found.extend(_HAPPENED.finditer(low, start, end))
            searched_to = end
    return found


def screen(subject: str, text: str, money: Sequence[Money]) -> Screening | None:
    """The reason this message is not a transaction, or None when it may be one.

    ``money`` is every amount in ``text`` that may be a transaction's (see
    ``money_moved``). One-time passwords and declined payments are
    recognised first, whatever else the text says; sign-in, statement,
    balance and marketing messages only when the text does not also say
    that money moved.
    """
    low = fold(text)
    low_subject = fold(subject)
    found = _otp(subject, low_subject, text, low)
    if found:
        return found
    sign_in = _SIGN_IN.search(low_subject)
    if sign_in:  # before declines: "Failed login attempt" is about a login
        return Screening(
            SIGN_IN, "sign-in notice in the subject", _evidence(subject, sign_in)
        )
    found = _declined(subject, low_subject, text, low)
    if found:
        return found

    if money and _moved(low, money) is not None:
        return None
    both = subject + "\n" + text
    low_both = low_subject + "\n" + low
    for reason, rule, pattern, hints, original, where in (
        (SIGN_IN, "sign-in notice", _SIGN_IN, _SIGN_IN_HINTS, text, low),
        (
            STATEMENT,
            "statement subject",
            _STATEMENT_SUBJECT,
            None,
            subject,
            low_subject,
        ),
        (STATEMENT, "statement or amount due", _STATEMENT_BODY, _DUE_HINTS, text, low),
        (STATEMENT, "upcoming payment", _NOT_YET, None, text, low),
        (BALANCE, "balance update", _BALANCE, _BALANCE_HINTS, both, low_both),
        (MARKETING, "offer or promotion", _Marketing, None, both, low_both),
    ):
        if hints is not None and hints.search(where) is None:
            continue
        match = pattern.search(where)
        if match:
            return Screening(reason, rule, _evidence(original, match))
    return None


def _otp(subject: str, low_subject: str, text: str, low: str) -> Screening | None:
    match = _OTP_SUBJECT.search(low_subject)
    if match:
        return Screening(
            OTP, "one-time password in the subject", _evidence(subject, match)
        )
    for word in _OTP_WORD.finditer(low):
        before = _CODE_BEFORE.search(low, max(0, word.start() - 70), word.start())
        if before is not None:
            return Screening(
                OTP, "one-time password", _evidence(text, before, word.end())
            )
        if _OTP_WARNING.search(low, max(0, word.start() - 30), word.start()):
            continue  # "never share your OTP…" is advice, not a code
        after = _CODE_AFTER.match(low, word.end())
        if after is not None:
            return Screening(
                OTP, "one-time password", _evidence(text, word, after.end())
            )
    return None


def _says_declined(low: str, match: re.Match[str]) -> bool:
    word = match.group(0)
    if word.startswith("insufficient"):
        return True
    if _DECLINE_BEFORE.search(low, max(0, match.start() - 40), match.start()):
        return True
    return word == "declined" and _DECLINED_WHAT.match(low, match.end()) is not None


def _declined(subject: str, low_subject: str, text: str, low: str) -> Screening | None:
    for original, where, rule, pattern in (
        (subject, low_subject, "declined in the subject", _DECLINE_SUBJECT),
        (text, low, "declined or failed payment", None),
    ):
        matches = (
            pattern.finditer(where)
            if pattern is not None
            else _DECLINE_WORD.finditer(where)
        )
        for match in matches:
            if pattern is None and not _says_declined(where, match):
                continue
            line_start = where.rfind("\n", 0, match.start()) + 1
            line_end = where.find("\n", match.end())
            line = where[line_start : line_end if line_end >= 0 else len(where)]
            if _MONEY_BACK.search(line) or _MONEY_BACK.search(low_subject):
                continue
            if _ADVICE.search(where, line_start, match.start()):
                continue  # "if a payment failed…" is advice, not news
            return Screening(DECLINED, rule, _evidence(original, match))
    return None
