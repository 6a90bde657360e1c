"""Dates and times in the orders and spellings banks use, resolved to ISO values."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from emailautomation.extract.cues import fold, one_of

# Ambiguity (``04/11/2025``: April or November?) and missing years are settled
# by a reference date, normally the day the e-mail was sent: an alert reports
# something that happened shortly before it was written.

DMY = "DMY"
MDY = "MDY"
YMD = "YMD"

_MONTH_WORDS: dict[int, tuple[str, ...]] = {
    1: (
        "january",
        "jan",
        "januar",
        "jänner",
        "janvier",
        "janv",
        "enero",
        "ene",
        "januari",
        "gennaio",
        "gen",
        "janeiro",
    ),
    2: (
        "february",
        "feb",
        "februar",
        "février",
        "fevrier",
        "févr",
        "fevr",
        "fév",
        "fev",
        "febrero",
        "februari",
        "febbraio",
        "fevereiro",
    ),
    3: (
        "march",
        "mar",
        "märz",
        "maerz",
        "mrz",
        "mars",
        "marzo",
        "maart",
        "mrt",
        "março",
        "marco",
    ),
    4: ("april", "apr", "avril", "avr", "abril", "abr", "aprile"),
    5: ("may", "mai", "mayo", "mei", "maggio", "mag", "maio"),
    6: ("june", "jun", "juni", "juin", "junio", "giugno", "giu", "junho"),
    7: ("july", "jul", "juli", "juillet", "juil", "julio", "luglio", "lug", "julho"),
    8: ("august", "aug", "août", "aout", "agosto", "ago", "augustus"),
    9: (
        "september",
        "sep",
        "sept",
        "septembre",
        "septiembre",
        "setiembre",
        "settembre",
        "set",
        "setembro",
    ),
    10: (
        "october",
        "oct",
        "oktober",
        "okt",
        "octobre",
        "octubre",
        "ottobre",
        "ott",
        "outubro",
        "out",
    ),
    11: ("november", "nov", "novembre", "noviembre", "novembro"),
    12: (
        "december",
        "dec",
        "dezember",
        "dez",
        "décembre",
        "decembre",
        "déc",
        "diciembre",
        "dic",
        "dicembre",
        "dezembro",
    ),
}
MONTHS: dict[str, int] = {
    word: number for number, words in _MONTH_WORDS.items() for word in words
}
_MONTH_ALT = one_of(sorted(MONTHS, key=lambda w: (-len(w), w)))

# The patterns match ``cues.fold(text)``, start with a digit or a letter the
# engine can skip to, and check the character before them themselves
# (``(?<![0-9a-z][0-9])`` after the first digit), so a long text is scanned
# quickly. Day, month and hour ranges are checked in Python.

# "12 Nov 2025", "01Nov25", "23-Nov-2025", "12th November", "12. November 2025",
# "12 de noviembre de 2025"
_DAY_MONTH = re.compile(
    r"(?P<d>[0-9](?<![0-9a-z][0-9])[0-9]?)(?:st|nd|rd|th|er|\.)?"
    r"(?:\s*de\s+|[ \t\-/.]{0,2})"
    rf"(?P<m>{_MONTH_ALT})\.?(?![^\W\d_])"
    r"(?:(?:,?\s*(?:de\s+)?|[\-/.'’]\s?)(?P<y>[12][0-9]{3}|[0-9]{2})(?![0-9:]))?"
)
# "Nov 12, 2025", "November 13 2025", "Sat, Nov 15, 2025", "Nov 27": found
# from the day, a number just after a word; the word is then looked up.
_MONTH_DAY = re.compile(
    r"(?P<d>[0-9](?:(?<=[^\W\d_][0-9])|(?<=[^\W\d_] [0-9])|(?<=[^\W\d_]\. [0-9])"
    r"|(?<=[^\W\d_]\.[0-9]))[0-9]?)(?:st|nd|rd|th)?(?![0-9])"
    r"(?:,?\s*(?P<y>[12][0-9]{3})(?![0-9])|\s*,\s*'?(?P<y2>[0-9]{2})(?![0-9:]))?"
)
# Every month word starts with one of these: without any, no spelled date.
_MONTH_HINT = re.compile(one_of(sorted({word[:3] for word in MONTHS})))
# "14-11-2025", "11/02/2025", "2025/11/02", "27.10.2025", "13-11-25"
# TODO: all-number dates without a year ("on 11/14") are not read: "24/7"
# and fractions look the same; the e-mail's Date is used for those alerts.
_NUMERIC = re.compile(
    r"(?P<a>[0-9](?<![0-9.,/:\-][0-9])[0-9]{0,3})(?P<s>[\-/.])(?P<b>[0-9]{1,2})(?P=s)"
    r"(?P<c>[0-9]{2,4})(?![0-9]|[.,/\-][0-9])"
)
_TIME = re.compile(
    r"(?P<h>[0-9](?<![0-9:.,][0-9])[0-9]?)(?:(?P<colon>[:h])(?P<mi>[0-5][0-9])"
    r"(?::(?P<s>[0-5][0-9]))?|\.(?P<dmi>[0-5][0-9])(?=\s?[ap]\.?m))"
    r"(?![0-9])(?:\s?(?P<ap>[ap])\.?\s?m\.?(?![a-z]))?"
)


# Not frozen only because a frozen dataclass is three times slower to
# create, and several are made for every alert; treat it as a value.
@dataclass(slots=True)
class DateMention:
    """A date found in a text.

    Attributes:
        date: the resolved date.
        start, end: where it sits in the searched text.
        printed: the text as it appears.
        ambiguous: more than one reading was possible and the reference or
            the preferred order chose.
    """

    date: dt.date
    start: int
    end: int
    printed: str
    ambiguous: bool = False


# Not frozen only because a frozen dataclass is three times slower to
# create, and several are made for every alert; treat it as a value.
@dataclass(slots=True)
class TimeMention:
    """A time of day found in a text, with where it sits."""

    time: dt.time
    start: int
    end: int
    printed: str


def month_number(word: str) -> int | None:
    """The month (1–12) a month name or abbreviation means, in several languages."""
    word = word.lower().rstrip(".")
    number = MONTHS.get(word)
    if number is None and not word.isascii():
        number = MONTHS.get(_strip_accents(word))
    return number


def _strip_accents(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _year(text: str) -> int:
    value = int(text)
    if len(text) == 2:
        return 2000 + value if value < 70 else 1900 + value
    return value


def _make(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _distance(candidate: dt.date, reference: dt.date) -> int:
    """How unlikely a date is for an alert sent on ``reference``: days away,
    with dates more than two days after it counted as far-fetched."""
    days = (reference - candidate).days
    if days < -2:
        return 100_000 - days
    return abs(days)


def choose(
    candidates: list[dt.date],
    reference: dt.date | None,
) -> dt.date | None:
    """The most plausible of several readings, listed most preferred first.

    With a reference date the reading closest to it before it wins, and the
    first listed wins when two are within three days of each other.
    """
    if not candidates:
        return None
    if reference is None or len(candidates) == 1:
        return candidates[0]
    scored = [
        (_distance(c, reference) + (0 if i == 0 else 3), i, c)
        for i, c in enumerate(candidates)
    ]
    return min(scored)[2]


def _year_for(month: int, day: int, reference: dt.date | None) -> dt.date | None:
    if reference is None:
        return None
    options = [
        d
        for d in (_make(reference.year + k, month, day) for k in (0, -1, 1))
        if d is not None
    ]
    return choose(options, reference)


def _numeric_readings(a: str, b: str, c: str, order: str | None) -> list[dt.date]:
    if len(a) >= 3:  # 2025/11/02: only year first makes sense
        value = _make(_year(a), int(b), int(c)) if len(a) == 4 else None
        return [value] if value else []
    if len(a) == 0 or len(c) == 3:
        return []
    readings: dict[str, dt.date | None] = {
        DMY: _make(_year(c), int(b), int(a)),
        MDY: _make(_year(c), int(a), int(b)),
    }
    if len(c) == 2:
        readings[YMD] = _make(_year(a), int(b), int(c)) if len(a) == 2 else None
    preference = [order] if order in readings else []
    preference += [o for o in (DMY, MDY, YMD) if o not in preference]
    return [d for o in preference if (d := readings.get(o)) is not None]


def find_dates(
    text: str,
    reference: dt.date | None = None,
    order: str | None = None,
) -> list[DateMention]:
    """Every date in ``text``, in order, each resolved against ``reference``.

    ``order`` (``DMY``, ``MDY`` or ``YMD``) is the sender's usual order for
    all-number dates; it only decides between readings the reference date
    cannot tell apart. Dates without a year take the year that puts them
    closest before the reference; without a reference they are skipped.
    """
    mentions: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    low = fold(text)

    def overlaps(start: int, end: int) -> bool:
        return any(start < e and s < end for s, e in taken)

    spelled = (_DAY_MONTH, _MONTH_DAY) if _MONTH_HINT.search(low) else ()
    for pattern in spelled:
        if pattern is _MONTH_DAY and mentions:
            break  # a text that writes "12 Nov" does not also write "Nov 12"
        for match in pattern.finditer(low):
            start = match.start()
            if pattern is _MONTH_DAY:
                start, month = _month_before(low, start)
            else:
                month = month_number(match.group("m"))
            if month is None or overlaps(start, match.end()):
                continue
            day = int(match.group("d"))
            if not 1 <= day <= 31:
                continue
            year_text = match.group("y") or (
                match.group("y2") if pattern is _MONTH_DAY else None
            )
            if year_text:
                date = _make(_year(year_text), month, day)
                ambiguous = False
            else:
                date = _year_for(month, day, reference)
                ambiguous = True
            if date is None:
                continue
            taken.append((start, match.end()))
            printed = text[start : match.end()]
            mentions.append(DateMention(date, start, match.end(), printed, ambiguous))

    for match in _NUMERIC.finditer(low):
        if overlaps(match.start(), match.end()):
            continue
        readings = _numeric_readings(
            match.group("a"), match.group("b"), match.group("c"), order
        )
        date = choose(readings, reference)
        if date is None:
            continue
        taken.append((match.start(), match.end()))
        mentions.append(
            DateMention(
                date, match.start(), match.end(), match.group(0), len(readings) > 1
            )
        )
    mentions.sort(key=lambda m: m.start)
    return mentions


def _month_before(low: str, day_start: int) -> tuple[int, int | None]:
    """The month named by the word just before a day number ("nov 12"), and
    where that word starts."""
    end = day_start
    while end and low[end - 1] in " .":
        end -= 1
    start = end
    while start and low[start - 1].isalpha():
        start -= 1
    if start == end:
        return day_start, None
    return start, month_number(low[start:end])


def parse_date(
    text: str, reference: dt.date | None = None, order: str | None = None
) -> dt.date | None:
    """The first date in ``text`` (see ``find_dates``), or None.

    >>> parse_date("on 01Nov25")
    datetime.date(2025, 11, 1)
    >>> parse_date("11/02/2025", reference=dt.date(2025, 11, 3))
    datetime.date(2025, 11, 2)
    """
    found = find_dates(text, reference, order)
    return found[0].date if found else None


def find_times(text: str) -> list[TimeMention]:
    """Every time of day in ``text``: ``21:10:02``, ``10:19 AM``, ``8.55 pm``…

    A dot between hours and minutes is only taken with am/pm, so amounts like
    ``10.20`` are not times.
    """
    found: list[TimeMention] = []
    for match in _TIME.finditer(fold(text)):
        hour = int(match.group("h"))
        if hour > 23:
            continue
        minute = int(match.group("mi") or match.group("dmi"))
        second = int(match.group("s") or 0)
        meridiem = (match.group("ap") or "").lower()
        if meridiem:
            if not 1 <= hour <= 12:
                continue
            hour = hour % 12 + (12 if meridiem == "p" else 0)
        found.append(
            TimeMention(
                dt.time(hour, minute, second),
                match.start(),
                match.end(),
                text[match.start() : match.end()],
            )
        )
    return found


def parse_time(text: str) -> dt.time | None:
    """The first time of day in ``text`` (see ``find_times``), or None."""
    found = find_times(text)
    return found[0].time if found else None
