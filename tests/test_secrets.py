"""The keychain wrapper: passwords only in keyring, clear errors without a backend."""

from __future__ import annotations

import subprocess
import sys

import pytest

from emailautomation import secrets
from emailautomation.errors import KeyringUnavailable, PasswordMissing


def test_password_round_trip_and_delete():
    secrets.set_password("ref-1", "s3cret")
    assert secrets.get_password("ref-1") == "s3cret"
    assert secrets.has_password("ref-1")
    secrets.delete_password("ref-1")
    assert not secrets.has_password("ref-1")
    secrets.delete_password("ref-1")  # forgetting twice is fine


def test_missing_password_says_what_to_do():
    with pytest.raises(PasswordMissing, match="set it again in the account settings"):
        secrets.get_password("never-set")


def test_no_usable_backend_names_the_fix(monkeypatch):
    import keyring
    from keyring.backends import fail

    monkeypatch.setattr(keyring.core, "_keyring_backend", fail.Keyring())
    with pytest.raises(KeyringUnavailable) as info:
        secrets.set_password("ref", "pw")
    message = str(info.value)
    assert "keyring.backends.fail.Keyring" in message
    assert "PYTHON_KEYRING_BACKEND" in message
    assert "pw" not in message.split("backend:")[0]


def test_cli_account_add_without_keychain_fails_plainly_and_stores_nothing(
    monkeypatch, sqlite_url
):
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "emailautomation",
            "--db",
            sqlite_url,
            "account",
            "add",
            "Main",
            "--host",
            "imap.example.org",
            "--user",
            "pat",
            "--password-stdin",
        ],
        input="hunter22\n",
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "No usable keychain was found" in result.stderr
    assert "hunter22" not in result.stderr + result.stdout
    listing = subprocess.run(
        [
            sys.executable,
            "-m",
            "emailautomation",
            "--db",
            sqlite_url,
            "account",
            "list",
        ],
        capture_output=True,
        text=True,
    )
    assert listing.stdout == ""
