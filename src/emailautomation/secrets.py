"""Passwords in the OS keychain through ``keyring``; the database never holds one."""

from __future__ import annotations

import contextlib
import logging

import keyring
import keyring.errors
from keyring.backend import KeyringBackend
from keyring.backends import fail, null

from emailautomation.errors import KeyringUnavailable, PasswordMissing

log = logging.getLogger(__name__)

SERVICE = "emailautomation"

_HOW_TO_FIX = (
    "Install and unlock a keychain service (GNOME Keyring or KWallet on Linux; "
    "macOS and Windows have one built in), or choose another keyring backend "
    "with the PYTHON_KEYRING_BACKEND environment variable, for example "
    "PYTHON_KEYRING_BACKEND=keyrings.alt.file.EncryptedKeyring after "
    "'pip install keyrings.alt'."
)


def backend_name() -> str:
    """The dotted name of the keyring backend in use, for messages and logs."""
    backend = keyring.get_keyring()
    return f"{type(backend).__module__}.{type(backend).__qualname__}"


def _usable_backend() -> KeyringBackend:
    backend = keyring.get_keyring()
    # "fail" is what keyring picks when no real keychain exists; "null"
    # silently forgets everything. Neither can keep a password.
    if isinstance(backend, fail.Keyring | null.Keyring):
        raise KeyringUnavailable(
            f"No usable keychain was found (keyring backend: {backend_name()}). "
            + _HOW_TO_FIX
        )
    return backend


def set_password(secret_ref: str, password: str) -> None:
    """Store the password of the account whose keychain entry is ``secret_ref``."""
    backend = _usable_backend()
    try:
        backend.set_password(SERVICE, secret_ref, password)
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(
            f"The keychain refused to store the password ({type(exc).__name__}). "
            + _HOW_TO_FIX
        ) from None
    log.debug("stored password for keychain entry %s in %s", secret_ref, backend_name())


def get_password(secret_ref: str) -> str:
    """Return the stored password; raise ``PasswordMissing`` when there is none."""
    backend = _usable_backend()
    try:
        password = backend.get_password(SERVICE, secret_ref)
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(
            f"The keychain could not be read ({type(exc).__name__}). " + _HOW_TO_FIX
        ) from None
    if password is None:
        raise PasswordMissing(
            "No password is stored in the keychain for this account; "
            "set it again in the account settings."
        )
    return password


def has_password(secret_ref: str) -> bool:
    try:
        get_password(secret_ref)
    except PasswordMissing:
        return False
    return True


def delete_password(secret_ref: str) -> None:
    """Forget the password; a missing entry is not an error."""
    backend = _usable_backend()
    with contextlib.suppress(keyring.errors.PasswordDeleteError):
        backend.delete_password(SERVICE, secret_ref)
