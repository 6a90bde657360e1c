"""The one rule for a missing server or tool: skip with the reason, fail under CI."""

from __future__ import annotations

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def missing_server(reason: str) -> None:
    """Skip, or under CI fail: CI must never pass by skipping the real servers."""
    if IN_CI:
        pytest.fail(f"{reason} (required under CI=true)", pytrace=False)
    pytest.skip(reason)
