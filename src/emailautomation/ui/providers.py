"""Known mail providers: IMAP settings from an address, and app-password hints."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Provider:
    """How to reach one provider's IMAP service.

    Attributes:
        hint: one line saying where to create the password this app needs,
            in rich text (it may hold a link).
    """

    name: str
    host: str
    port: int
    security: str
    hint: str


_GMAIL = Provider(
    "Gmail",
    "imap.gmail.com",
    993,
    "ssl",
    'Gmail needs an app password: create one at <a href="https://myaccount.google'
    '.com/apppasswords">myaccount.google.com/apppasswords</a> (2-Step '
    "Verification must be on).",
)
_OUTLOOK = Provider(
    "Outlook.com",
    "outlook.office365.com",
    993,
    "ssl",
    "Outlook.com, Hotmail and Live accounts accept only Microsoft's own sign-in "
    "(OAuth) over IMAP since September 2024, which this app cannot do yet; "
    "forward the alerts to another mailbox instead.",
)
_YAHOO = Provider(
    "Yahoo Mail",
    "imap.mail.yahoo.com",
    993,
    "ssl",
    'Yahoo needs an app password: <a href="https://login.yahoo.com/account/'
    'security">Account security</a> → Generate app password.',
)
_ICLOUD = Provider(
    "iCloud Mail",
    "imap.mail.me.com",
    993,
    "ssl",
    'iCloud needs an app-specific password: <a href="https://account.apple.com">'
    "account.apple.com</a> → Sign-In and Security → App-Specific Passwords.",
)
_FASTMAIL = Provider(
    "Fastmail",
    "imap.fastmail.com",
    993,
    "ssl",
    "Fastmail needs an app password: Settings → Privacy & Security → "
    "Integrations → New app password.",
)
_AOL = Provider(
    "AOL Mail",
    "imap.aol.com",
    993,
    "ssl",
    'AOL needs an app password: <a href="https://login.aol.com/account/security">'
    "Account security</a> → Generate app password.",
)
_ZOHO = Provider(
    "Zoho Mail",
    "imap.zoho.com",
    993,
    "ssl",
    "Zoho needs IMAP access switched on (Settings → Mail Accounts) and, with "
    "two-factor sign-in, an app password from accounts.zoho.com → Security.",
)
_GMX_COM = Provider(
    "GMX",
    "imap.gmx.com",
    993,
    "ssl",
    "GMX needs IMAP access switched on: Settings → POP3 & IMAP.",
)
_GMX_NET = Provider(
    "GMX",
    "imap.gmx.net",
    993,
    "ssl",
    "GMX needs IMAP access switched on: Settings → POP3 & IMAP.",
)
_YANDEX = Provider(
    "Yandex Mail",
    "imap.yandex.com",
    993,
    "ssl",
    "Yandex needs an app password: id.yandex.com → Security → App passwords.",
)
_PROTON = Provider(
    "Proton Mail",
    "127.0.0.1",
    1143,
    "starttls",
    "Proton Mail works through Proton Mail Bridge: start the Bridge and use the "
    "user name and password it shows.",
)

PROVIDERS_BY_DOMAIN: dict[str, Provider] = {
    "gmail.com": _GMAIL,
    "googlemail.com": _GMAIL,
    "outlook.com": _OUTLOOK,
    "hotmail.com": _OUTLOOK,
    "live.com": _OUTLOOK,
    "msn.com": _OUTLOOK,
    "yahoo.com": _YAHOO,
    "yahoo.co.in": _YAHOO,
    "yahoo.co.uk": _YAHOO,
    "yahoo.in": _YAHOO,
    "ymail.com": _YAHOO,
    "rocketmail.com": _YAHOO,
    "icloud.com": _ICLOUD,
    "me.com": _ICLOUD,
    "mac.com": _ICLOUD,
    "fastmail.com": _FASTMAIL,
    "fastmail.fm": _FASTMAIL,
    "aol.com": _AOL,
    "zoho.com": _ZOHO,
    "zohomail.com": _ZOHO,
    "gmx.com": _GMX_COM,
    "gmx.net": _GMX_NET,
    "gmx.de": _GMX_NET,
    "yandex.com": _YANDEX,
    "yandex.ru": _YANDEX,
    "proton.me": _PROTON,
    "protonmail.com": _PROTON,
    "pm.me": _PROTON,
}


def provider_for_address(address: str) -> Provider | None:
    """The provider serving ``address`` (``pat@gmail.com`` → Gmail), if we know it."""
    domain = address.strip().rpartition("@")[2].lower().rstrip(".")
    if not domain:
        return None
    return PROVIDERS_BY_DOMAIN.get(domain)
