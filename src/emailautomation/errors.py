"""The exceptions a person may see, one class for each kind of failure."""

from __future__ import annotations


class EmailAutomationError(Exception):
    """Base class: the message is written for the person using the app."""


class ConfigurationError(EmailAutomationError):
    """A setting (database URL, account field) is missing or invalid."""


class AccountNotFound(EmailAutomationError):
    """No mail account with the given id or name exists."""


class KeyringUnavailable(EmailAutomationError):
    """No usable OS keychain backend, so no password can be stored or read."""


class PasswordMissing(EmailAutomationError):
    """The keychain holds no password for an account."""


class MailError(EmailAutomationError):
    """Base class for failures talking to the IMAP server."""


class ConnectionFailed(MailError):
    """The server could not be reached (DNS, refused, timed out, dropped)."""


class TLSFailed(MailError):
    """The TLS handshake failed or the certificate could not be verified."""


class AuthenticationFailed(MailError):
    """The server refused the user name or password."""


class FolderNotFound(MailError):
    """The configured folder does not exist on the server."""


class MalformedMessage(EmailAutomationError):
    """A message's bytes cannot be read as an e-mail with a text body.

    ``message_id`` is the Message-ID header when the headers could be read.
    """

    def __init__(self, reason: str, message_id: str | None = None) -> None:
        super().__init__(reason)
        self.message_id = message_id
