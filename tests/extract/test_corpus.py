"""The shared sample corpus reads right, and its non-transactions give none."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emailautomation.extract import explain, extract
from emailautomation.mail.message import parse_alert

from .expectations import problems

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "alerts"
EXPECTED = json.loads((CORPUS / "expected.json").read_text()) if CORPUS.is_dir() else {}
REASONS = {
    "p30_otp.eml": "otp",
    "p31_statement.eml": "statement",
    "p32_reversal_pending.eml": "declined",
    "p33_marketing.eml": "marketing",
}


@pytest.mark.skipif(not EXPECTED, reason=f"the shared corpus is not at {CORPUS}")
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_alert_reads_right(name: str) -> None:
    alert = parse_alert((CORPUS / name).read_bytes())
    expect = EXPECTED[name]
    if expect is None:
        expect = {"ignored": REASONS[name]}
    # The corpus names the fields it judges; it says nothing of the others.
    wrong = problems(extract(alert), expect, strict=False)
    assert not wrong, "\n".join(wrong) + "\n\n" + explain(alert)
