"""Our own sample e-mails: other banks, languages, encodings and non-transactions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emailautomation.extract import explain, extract
from emailautomation.mail.message import parse_alert

from .expectations import problems

SAMPLES = Path(__file__).resolve().parent / "samples"
EXPECTED = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))


def test_every_sample_file_has_an_expectation() -> None:
    assert sorted(p.name for p in SAMPLES.glob("*.eml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_reads_right(name: str) -> None:
    alert = parse_alert((SAMPLES / name).read_bytes())
    wrong = problems(extract(alert), EXPECTED[name])
    assert not wrong, "\n".join(wrong) + "\n\n" + explain(alert)
