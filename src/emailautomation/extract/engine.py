"""The extraction engine (being written; see the extraction issue)."""

from __future__ import annotations

from collections.abc import Sequence

from emailautomation.alert import Alert
from emailautomation.extract.model import Extraction, Reader


def normalise(alert: Alert) -> str:
    return alert.text or alert.html or ""


def extract(alert: Alert, readers: Sequence[Reader] = ()) -> Extraction:
    return Extraction.ignored("no_amount", "no amount found")


def explain(alert: Alert, readers: Sequence[Reader] = ()) -> str:
    return normalise(alert)
