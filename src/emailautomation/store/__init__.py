"""Persistence: SQLAlchemy models, the engine and session factory, migrations."""

from emailautomation.store.database import (
    Database,
    default_database_url,
    migrate,
    open_database,
    resolve_database_url,
)
from emailautomation.store.ledger import (
    AccountMapping,
    CategoryRule,
    ExportedDeclaration,
    ExportedEntry,
    ExportTarget,
    LedgerSetting,
)
from emailautomation.store.models import (
    Base,
    FolderState,
    MailAccount,
    MessageOutcome,
    ProcessedMessage,
    Run,
    RunStatus,
    Security,
    Template,
    Transaction,
)

__all__ = [
    "AccountMapping",
    "Base",
    "CategoryRule",
    "Database",
    "ExportTarget",
    "ExportedDeclaration",
    "ExportedEntry",
    "FolderState",
    "LedgerSetting",
    "MailAccount",
    "MessageOutcome",
    "ProcessedMessage",
    "Run",
    "RunStatus",
    "Security",
    "Template",
    "Transaction",
    "default_database_url",
    "migrate",
    "open_database",
    "resolve_database_url",
]
