"""Ledger-ready transactions: account mapping, category rules, export; no Qt here.

Every function taking a ``Session`` uses one owned by the calling thread;
``run_export`` opens its own database and is the one to call from a pool task.
"""

from emailautomation.ledger.defaults import (
    LedgerDefaults,
    load_defaults,
    save_defaults,
    save_mail_account_default,
)
from emailautomation.ledger.entries import LedgerEntry, build_entries
from emailautomation.ledger.errors import (
    ExportFailed,
    InvalidLedgerAccount,
    InvalidRule,
    LedgerError,
    MappingNotFound,
    RuleNotFound,
    SettingsFileInvalid,
)
from emailautomation.ledger.export import (
    ExportRequest,
    ExportResult,
    export_transactions,
    run_export,
)
from emailautomation.ledger.formats import Format, render
from emailautomation.ledger.mapping import (
    AccountResolver,
    Mapping,
    list_mappings,
    remove_mapping,
    save_mapping,
)
from emailautomation.ledger.names import check_account_name
from emailautomation.ledger.rules import (
    Match,
    Rule,
    RuleBook,
    RuleDraft,
    add_rule,
    apply_rules,
    count_matching,
    list_rules,
    make_rule_from_transaction,
    move_rule,
    remove_rule,
    set_transaction_category,
    set_transaction_payee,
    suggest_rule,
    update_rule,
)
from emailautomation.ledger.spending import MonthlyTotal, monthly_spending, spending_of
from emailautomation.ledger.toml_file import (
    ImportSummary,
    LedgerSettings,
    dump_settings,
    import_mappings,
    import_rules,
    parse_settings,
    read_settings,
)

__all__ = [
    "AccountResolver",
    "ExportFailed",
    "ExportRequest",
    "ExportResult",
    "Format",
    "ImportSummary",
    "InvalidLedgerAccount",
    "InvalidRule",
    "LedgerDefaults",
    "LedgerEntry",
    "LedgerError",
    "LedgerSettings",
    "Mapping",
    "MappingNotFound",
    "Match",
    "MonthlyTotal",
    "Rule",
    "RuleBook",
    "RuleDraft",
    "RuleNotFound",
    "SettingsFileInvalid",
    "add_rule",
    "apply_rules",
    "build_entries",
    "check_account_name",
    "count_matching",
    "dump_settings",
    "export_transactions",
    "import_mappings",
    "import_rules",
    "list_mappings",
    "list_rules",
    "load_defaults",
    "make_rule_from_transaction",
    "monthly_spending",
    "move_rule",
    "parse_settings",
    "read_settings",
    "remove_mapping",
    "remove_rule",
    "render",
    "run_export",
    "save_defaults",
    "save_mail_account_default",
    "save_mapping",
    "set_transaction_category",
    "set_transaction_payee",
    "spending_of",
    "suggest_rule",
    "update_rule",
]
