"""The ledger errors a person may see, one class for each kind of mistake."""

from __future__ import annotations

from emailautomation.errors import EmailAutomationError


class LedgerError(EmailAutomationError):
    """Base class for account mapping, category rule and export failures."""


class InvalidLedgerAccount(LedgerError):
    """A ledger account name that ledger, hledger or beancount would refuse."""


class InvalidRule(LedgerError):
    """A category rule that cannot work (empty pattern, bad regex, bad limit)."""


class MappingNotFound(LedgerError):
    """No account mapping for the given digits."""


class RuleNotFound(LedgerError):
    """No category rule with the given id."""


class SettingsFileInvalid(LedgerError):
    """A mappings-and-rules TOML file that cannot be read or has a bad value."""


class ExportFailed(LedgerError):
    """The export cannot be written as asked; nothing was written or recorded."""
