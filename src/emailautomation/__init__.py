"""Email Automation: bank alert e-mails in, a clean local ledger out."""

__version__ = "0.1.0"
APP_NAME = "emailautomation"
APP_TITLE = "Email Automation"
