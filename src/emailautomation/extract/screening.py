"""Telling the mail that is not a transaction: OTPs, statements, declines, offers…

Every rule looks for what the message *says happened*, not for single words:
bank footers everywhere warn "never share your OTP, PIN or CVV" and quote
interest rates, and a real alert must not be ignored because of them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from emailautomation.extract.amounts import Money

OTP = "otp"
DECLINED = "declined"
SIGN_IN = "sign_in"
STATEMENT = "statement"
BALANCE = "balance"
MARKETING = "marketing"

_I = re.IGNORECASE

_OTP_WORDS = (
    r"(?:otp|one[\s-]?time[\s-]?(?:password|passcode|pin|code)|verification code|"
    r"security code|passcode|authentication code|confirmation code|"
    r"(?:mobile|sms)[\s-]?tan|code de (?:vérification|confirmation)|"
    r"c[oó]digo de (?:verificaci[oó]n|seguridad)|bestätigungscode|einmalpasswort)"
)
# "771204 is the One Time Password for…", "Your OTP is 123456",
# "OTP for txn of INR 500 at X is 123456"
_OTP_BODY = re.compile(
    rf"(?<![\d,.])\d{{4,8}}(?![\d,.]\d)\W{{0,4}}(?:is|as|ist|est|es)\s+(?:your|the|ur|"
    rf"ihr|votre|su|tu)\b[^.\n]{{0,40}}?\b{_OTP_WORDS}"
    rf"|\b{_OTP_WORDS}\b(?:[^.\n\d]{{0,30}}?|[^\n]{{0,80}}?\bis)\s*[:\-]?\s*"
    rf"(?<![\d,.])\d{{4,8}}(?![\d,.]?\d)",
    _I,
)
_OTP_SUBJECT = re.compile(rf"\b{_OTP_WORDS}\b", _I)
_OTP_WARNING = re.compile(r"(?:never|not|don'?t|do not|nor|no)\s+(?:\w+\s+){0,3}$", _I)

_DECLINE_WORDS = (
    r"(?:declined|unsuccessful|not successful|rejected|failed|denied|"
    r"not (?:been )?(?:approved|processed|completed)|could not be (?:processed|"
    r"completed|authori[sz]ed)|abgelehnt|fehlgeschlagen|refusée?|rechazad[ao]|"
    r"denegad[ao]|geweigerd|mislukt|rifiutat[ao]|recusad[ao])"
)
_DECLINE_BODY = re.compile(
    rf"\b(?:was|were|has been|have been|has|have|is|got|wurde|a été|fue|ha sido|werd|"
    rf"è stat[ao])"
    rf"\s+(?:\w+\s+)?{_DECLINE_WORDS}"
    rf"|\bwe(?:'ve| have)?\s+(?:had to\s+)?declined\b"
    rf"|\bdeclined\s+(?:a|an|your|the)\b"
    rf"|^(?:transaction|payment|purchase|card transaction|txn)\s+(?:declined|failed)\b"
    rf"|\binsufficient (?:funds|balance)\b",
    _I | re.MULTILINE,
)
_DECLINE_SUBJECT = re.compile(rf"\b{_DECLINE_WORDS}\b", _I)
# A refund or reversal of a failed payment is money coming back: a credit.
# Only when it already happened: "will be refunded" is still a failure notice.
_MONEY_BACK = re.compile(
    r"\b(?:refund(?:ed)?\b[^.\n]{0,80}?\b(?:has been|have been|was|is)\s+"
    r"(?:credited|processed|reversed|added)|(?:has|have) been (?:refunded|reversed)|"
    r"(?:was|were) (?:refunded|reversed)|credited back|reversal of|"
    r"(?:has been|was) returned to your)\b",
    _I,
)

_ADVICE = re.compile(r"\b(?:if|in case|should|when)\b[^.]*$", _I)
_SIGN_IN = re.compile(
    r"\b(?:new (?:sign[\s-]?in|log[\s-]?in|device)|signed in|logged in|"
    r"log[\s-]?in (?:alert|attempt|detected|notification)|"
    r"sign[\s-]?in (?:alert|attempt|from|notification)|"
    r"successful(?:ly)? log(?:ged)?[\s-]?in|"
    r"password (?:was |has been )?(?:changed|reset)|neue anmeldung|"
    r"nouvelle connexion)\b",
    _I,
)

_STATEMENT_SUBJECT = re.compile(
    r"\b(?:e-?statement|statement(?!\s+credit)|kontoauszug|relevé|extracto|"
    r"estado de cuenta|rekeningoverzicht|estratto conto|"
    r"bill (?:is )?(?:ready|generated|due)|payment (?:is )?due|payment reminder|"
    r"amount due|due date|due reminder)\b",
    _I,
)
_STATEMENT_BODY = re.compile(
    r"\bstatement\b[^.\n]{0,60}?\b(?:is|has been|are)\s+(?:now\s+)?(?:attached|"
    r"ready|available|generated|enclosed)"
    r"|\b(?:total|minimum|min\.?)\s+(?:amount\s+|payment\s+)?due\b"
    r"|\bpayment due date\b|\bamount due\b|\bis due on\b|\bbill is due\b|"
    r"\bpast due\b|\boverdue\b",
    _I,
)
_BALANCE = re.compile(
    r"\b(?:(?:your|the)\s+(?:available\s+|current\s+|account\s+|closing\s+)*"
    r"balance\s+(?:is|as (?:of|on)|on|was)|balance (?:alert|update|enquiry|inquiry|"
    r"summary)|low balance|daily balance|kontostand)\b",
    _I,
)
_MARKETING = re.compile(
    r"\b(?:earn\s+(?:up\s+to\s+)?[\d,.]+\s*[x×]?\s*(?:bonus\s+)?(?:reward\s+)?"
    r"(?:points|miles|cash\s?back|rewards)|bonus points|welcome bonus|"
    r"sign[\s-]?up bonus|pre-?approved|apply (?:now|today|online)|limited[\s-]time|"
    r"exclusive (?:offer|deal)|special offer|offer (?:ends|valid|expires)|"
    r"introductory (?:apr|rate|offer)|annual fee|\d+(?:\.\d+)?% apr|\bapr\b|"
    r"upgrade (?:now|your card)|refer (?:a friend|and earn)|shop now|book now|"
    r"get up to|flat \d+% off|\d+% (?:off|cash\s?back)|cash\s?back offer|"
    r"win (?:a|an|up to)|lucky draw|don'?t miss|last chance|unsubscribe|"
    r"newsletter|webinar|invest now|open an account today)",
    _I,
)
# Words saying money moved: the core of a real alert. Only counted with an
# amount close by, so "you've received an exclusive offer" does not count.
_HAPPENED = re.compile(
    r"\b(?:debited|credited|spent|paid|received|withdrawn|charged|deposited|"
    r"refund|refunded|transferred|sent|purchased|was used|has been used|were used|"
    r"added|debit of|credit of|"
    r"is used|was made|were made|has been made|you made|processed a|"
    r"transaction of|purchase of|withdrawal of|deposit of|refund of|"
    r"payment of|charge of|transfer of|abgebucht|gebucht|gutgeschrieben|"
    r"lastschrift|gutschrift|überweisung|eingegangen|erhalten|bezahlt|"
    r"überwiesen|belastet|kartenzahlung|débité|crédité|prélevé|paiement|virement|"
    r"betaald|ontvangen|recibid[oa]|realizad[oa]|pagad[oa]|ricevut[oa]|"
    r"reçu|cargo|abono|compra|afgeschreven|bijgeschreven|addebitat[oa]|"
    r"accreditat[oa]|debitad[oa]|creditad[oa]|pagamento)\b",
    _I,
)
_NEAR = 90
_NOT_YET = re.compile(
    r"\b(?:is|are|falls?|will be|becomes?)\s+(?:now\s+)?(?:over)?due\b|"
    r"\bdue\s+(?:on|by|date)\b|\bwill be (?:debited|charged|deducted|collected)\b|"
    r"\bscheduled\b|\bupcoming\b",
    _I,
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


def _evidence(match: re.Match[str]) -> str:
    return " ".join(match.group(0).split())[:80]


def money_moved(text: str, money: Sequence[Money]) -> re.Match[str] | None:
    """The first words saying money moved that have an amount close by, or None.

    ``money`` should hold only amounts that may be the transaction's (not
    balances, limits, amounts due or offers: see ``fields.classify_money``).
    """
    if not money:
        return None
    for match in _HAPPENED.finditer(text):
        start = max(
            text.rfind(". ", 0, match.start()), text.rfind("\n", 0, match.start())
        )
        end = min(
            (
                i
                for i in (text.find(". ", match.end()), text.find("\n", match.end()))
                if i >= 0
            ),
            default=len(text),
        )
        if _NOT_YET.search(text, start + 1, end):
            continue  # "your payment of $245.10 is due on…" has not happened
        for mention in money:
            if mention.start - _NEAR <= match.start() <= mention.end + _NEAR:
                return match
    return None


def screen(subject: str, text: str, money: Sequence[Money]) -> Screening | None:
    """The reason this message is not a transaction, or None when it may be one.

    ``money`` is every amount in ``text`` that may be a transaction's (see
    ``money_moved``). One-time
    passwords and declined payments are recognised first and whatever else
    the text says; sign-in, statement, balance and marketing messages only
    when the text does not also say that money moved.
    """
    found = _otp(subject, text)
    if found:
        return found
    sign_in = _SIGN_IN.search(subject)
    if sign_in:  # before declines: "Failed login attempt" is about a login
        return Screening(SIGN_IN, "sign-in notice in the subject", _evidence(sign_in))
    found = _declined(subject, text)
    if found:
        return found

    moved = money_moved(text, money)
    if moved is not None:
        return None
    for reason, rule, pattern, where in (
        (SIGN_IN, "sign-in notice", _SIGN_IN, subject + "\n" + text),
        (STATEMENT, "statement subject", _STATEMENT_SUBJECT, subject),
        (STATEMENT, "statement or amount due", _STATEMENT_BODY, text),
        (BALANCE, "balance update", _BALANCE, subject + "\n" + text),
        (MARKETING, "offer or promotion", _MARKETING, subject + "\n" + text),
    ):
        match = pattern.search(where)
        if match:
            return Screening(reason, rule, _evidence(match))
    return None


def _otp(subject: str, text: str) -> Screening | None:
    match = _OTP_SUBJECT.search(subject)
    if match:
        return Screening(OTP, "one-time password in the subject", _evidence(match))
    for match in _OTP_BODY.finditer(text):
        before = text[max(0, match.start() - 30) : match.start()]
        if _OTP_WARNING.search(before):
            continue  # "never share your OTP…" is advice, not a code
        return Screening(OTP, "one-time password", _evidence(match))
    return None


def _declined(subject: str, text: str) -> Screening | None:
    for where, rule, pattern in (
        (subject, "declined in the subject", _DECLINE_SUBJECT),
        (text, "declined or failed payment", _DECLINE_BODY),
    ):
        for match in pattern.finditer(where):
            line_start = where.rfind("\n", 0, match.start()) + 1
            line_end = where.find("\n", match.end())
            line = where[line_start : line_end if line_end >= 0 else len(where)]
            if _MONEY_BACK.search(line) or _MONEY_BACK.search(subject):
                continue
            if _ADVICE.search(where, line_start, match.start()):
                continue  # "if a payment failed…" is advice, not news
            return Screening(DECLINED, rule, _evidence(match))
    return None
