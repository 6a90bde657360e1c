"""The fast cue machinery finds exactly what the plain patterns would."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emailautomation.extract import fields, normalise, screening
from emailautomation.extract.banks import load_formats
from emailautomation.extract.cues import RareWords, fold, one_of
from emailautomation.mail.message import parse_alert

SAMPLES = Path(__file__).resolve().parent / "samples"
RARE_WORDS = {
    "otp": screening._OTP_WORD,
    "decline": screening._DECLINE_WORD,
    "marketing": screening._MARKETING,
    "ending": fields._ENDING_WORDS,
    "account": fields._ACCOUNT_WORDS,
    "reference": fields._REFERENCE,
}


def sample_texts() -> list[str]:
    texts = [normalise(parse_alert(p.read_bytes())) for p in SAMPLES.glob("*.eml")]
    for bank in load_formats():
        texts.extend(normalise(sample.alert()) for sample in bank.samples)
    return texts


TEXTS = sample_texts()


def plain_matches(words: RareWords, low: str) -> list[tuple[int, str]]:
    return [
        (m.start(), m.group(0)) for m in re.finditer(r"\b" + words.pattern.pattern, low)
    ]


@pytest.mark.parametrize("name", sorted(RARE_WORDS))
def test_rare_words_find_what_a_scan_finds(name: str) -> None:
    words = RARE_WORDS[name]
    found_any = False
    for text in TEXTS:
        low = fold(text)
        fast = [(m.start(), m.group(0)) for m in words.finditer(low)]
        assert fast == plain_matches(words, low)
        found_any = found_any or bool(fast)
    assert found_any, f"no sample exercises the {name} words"


vocabulary = st.sampled_from(
    [
        "otp", "one time password", "is", "123456", "declined", "not", "successful",
        "ending", "in", "1234", "card", "a/c", "xx12", "ref", "no", "upi", "ref:",
        "5301", "earn", "bonus", "points", "apply", "now", "the", "x-declined",
        "refusée", "ac", "ends", "with", "last", "4", "digits", "of", "transaction",
        "id", "auth", "code", "-", ",", ".", "\n",
    ]
)  # fmt: skip


@given(st.lists(vocabulary, max_size=30).map(" ".join))
def test_rare_words_agree_on_made_up_text(text: str) -> None:
    low = fold(text)
    for words in RARE_WORDS.values():
        assert [(m.start(), m.group(0)) for m in words.finditer(low)] == (
            plain_matches(words, low)
        )


@given(st.lists(st.text(alphabet="abcdeé $.", min_size=1, max_size=6), min_size=1))
def test_one_of_matches_every_word_and_nothing_else(words: list[str]) -> None:
    pattern = re.compile(one_of(re.escape(w) for w in words))
    for word in words:
        assert pattern.fullmatch(word)
    assert not pattern.fullmatch("zz" + words[0])


def test_a_fragment_without_a_literal_start_is_refused() -> None:
    with pytest.raises(ValueError, match="literal"):
        RareWords(["(?:a|b)c"])


@given(st.text())
def test_fold_keeps_every_position(text: str) -> None:
    assert len(fold(text)) == len(text)


def test_fold_lowers_and_keeps_lengths_of_odd_letters() -> None:
    assert fold("Rs 500 AT İSTANBUL") == "rs 500 at istanbul"
