"""Dates and times in every common order and spelling, settled by the e-mail's Date."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emailautomation.extract.dates import (
    DMY,
    MDY,
    YMD,
    find_dates,
    find_times,
    parse_date,
    parse_time,
)

REF = dt.date(2025, 11, 14)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("on 14-11-2025", "2025-11-14"),
        ("on 13-11-25.", "2025-11-13"),
        ("on date 01Nov25 trf", "2025-11-01"),
        ("Nov 12, 2025", "2025-11-12"),
        ("Wed, Nov 12, 2025", "2025-11-12"),
        ("November 12 2025", "2025-11-12"),
        ("12 Nov 2025", "2025-11-12"),
        ("12th November, 2025", "2025-11-12"),
        ("23-Nov-2024", "2024-11-23"),
        ("11/02/2025", "2025-11-02"),
        ("2025/11/02", "2025-11-02"),
        ("2025-11-02T10:00:00", "2025-11-02"),
        ("27.10.2025", "2025-10-27"),
        ("am 12. November 2025", "2025-11-12"),
        ("le 3 novembre 2025", "2025-11-03"),
        ("el 12 de noviembre de 2025", "2025-11-12"),
        ("op 12 november 2025", "2025-11-12"),
        ("il 12 novembre 2025", "2025-11-12"),
        ("em 12 de novembro de 2025", "2025-11-12"),
        ("12 März 2025", "2025-03-12"),
        ("12 Maerz 2025", "2025-03-12"),
        ("on 12 Nov at 10:15", "2025-11-12"),
        ("Nov 9", "2025-11-09"),
    ],
)
def test_date_notations(text: str, expected: str) -> None:
    assert parse_date(text, reference=REF) == dt.date.fromisoformat(expected)


def test_the_email_date_settles_day_month_order() -> None:
    # 11/02/2025 is 2 November for mail sent mid-November, 11 February for
    # mail sent mid-February, whatever the sender's usual order.
    assert parse_date("11/02/2025", dt.date(2025, 11, 3), order=DMY) == dt.date(
        2025, 11, 2
    )
    assert parse_date("11/02/2025", dt.date(2025, 2, 12), order=MDY) == dt.date(
        2025, 2, 11
    )


def test_the_senders_order_decides_only_without_a_reference() -> None:
    assert parse_date("04/05/2025", order=MDY) == dt.date(2025, 4, 5)
    assert parse_date("04/05/2025", order=DMY) == dt.date(2025, 5, 4)
    assert parse_date("04/05/2025") == dt.date(2025, 5, 4)


def test_a_missing_year_is_the_one_just_before_the_email() -> None:
    assert parse_date("Dec 30", dt.date(2026, 1, 2)) == dt.date(2025, 12, 30)
    assert parse_date("2 Jan", dt.date(2026, 1, 2)) == dt.date(2026, 1, 2)
    assert parse_date("Dec 30") is None  # no reference: cannot know


def test_two_digit_year_first() -> None:
    assert parse_date("25-11-13", dt.date(2025, 11, 14), order=YMD) == dt.date(
        2025, 11, 13
    )


def test_impossible_and_lookalike_dates_are_not_dates() -> None:
    assert find_dates("31-02-2025 1.2.3.4 version 3.5.2 call 1800 266 4332", REF) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("at 12:01:45", "12:01:45"),
        ("at 10:19 AM ET", "10:19"),
        ("08:55:12 pm", "20:55:12"),
        ("12:05 a.m.", "00:05"),
        ("12:30 PM", "12:30"),
        ("9.30 pm", "21:30"),
        ("à 20h15", "20:15"),
        ("um 14:35 Uhr", "14:35"),
    ],
)
def test_time_notations(text: str, expected: str) -> None:
    assert parse_time(text) == dt.time.fromisoformat(expected)


def test_amounts_and_ratios_are_not_times() -> None:
    assert find_times("INR 10.20 paid 24x7 3.5% 1:2 13:5") == []
    assert find_times("25:10 and 7:99") == []


# --- properties ---------------------------------------------------------------

MONTH_WORDS = {
    "en": [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun",
        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ],
    "en-long": [
        "January", "February", "March", "April", "May", "June", "July",
        "August", "September", "October", "November", "December",
    ],
    "de": [
        "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli",
        "August", "September", "Oktober", "November", "Dezember",
    ],
    "fr": [
        "janvier", "février", "mars", "avril", "mai", "juin", "juillet",
        "août", "septembre", "octobre", "novembre", "décembre",
    ],
    "es": [
        "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
        "agosto", "septiembre", "octubre", "noviembre", "diciembre",
    ],
}  # fmt: skip


def numeric(day: dt.date, order: str, separator: str, short_year: bool) -> str:
    year = f"{day.year % 100:02d}" if short_year else str(day.year)
    parts = {
        DMY: (f"{day.day:02d}", f"{day.month:02d}", year),
        MDY: (f"{day.month:02d}", f"{day.day:02d}", year),
        YMD: (str(day.year), f"{day.month:02d}", f"{day.day:02d}"),
    }[order]
    return separator.join(parts)


def spelled(day: dt.date, language: str, style: int) -> str:
    month = MONTH_WORDS[language][day.month - 1]
    return [
        f"{day.day} {month} {day.year}",
        f"{month} {day.day}, {day.year}",
        f"{day.day:02d}-{month}-{day.year}",
        f"{day.day:02d}{month}{day.year % 100:02d}",
        f"{day.day}. {month} {day.year}",
        f"{day.day} {month}",
    ][style]


dates = st.dates(min_value=dt.date(2001, 1, 1), max_value=dt.date(2068, 12, 31))
lag = st.integers(min_value=0, max_value=3)
contexts = st.sampled_from(["{}", "on {}.", "Date | {}", "am {} um 10:00", "({})"])


@given(
    day=dates,
    lag=lag,
    order=st.sampled_from([DMY, MDY, YMD]),
    separator=st.sampled_from(["-", "/", "."]),
    short_year=st.booleans(),
    context=contexts,
)
def test_every_numeric_notation_reads_back(
    day: dt.date, lag: int, order: str, separator: str, short_year: bool, context: str
) -> None:
    text = context.format(numeric(day, order, separator, short_year))
    reference = day + dt.timedelta(days=lag)
    assert parse_date(text, reference, order) == day


@given(
    day=dates,
    lag=lag,
    language=st.sampled_from(sorted(MONTH_WORDS)),
    style=st.integers(min_value=0, max_value=5),
    context=contexts,
)
def test_every_spelled_notation_reads_back(
    day: dt.date, lag: int, language: str, style: int, context: str
) -> None:
    if style == 3 and language != "en":
        style = 0  # "01Nov25" is an English-abbreviation habit
    text = context.format(spelled(day, language, style))
    assert parse_date(text, day + dt.timedelta(days=lag)) == day


@given(
    hour=st.integers(min_value=0, max_value=23),
    minute=st.integers(min_value=0, max_value=59),
    twelve_hour=st.booleans(),
)
def test_every_time_notation_reads_back(
    hour: int, minute: int, twelve_hour: bool
) -> None:
    if twelve_hour:
        text = f"at {hour % 12 or 12}:{minute:02d} {'PM' if hour >= 12 else 'AM'}"
    else:
        text = f"at {hour:02d}:{minute:02d}"
    assert parse_time(text) == dt.time(hour, minute)


@given(st.text(), st.dates())
def test_arbitrary_text_never_raises(text: str, reference: dt.date) -> None:
    for mention in find_dates(text, reference):
        assert text[mention.start : mention.end] == mention.printed
    find_times(text)
