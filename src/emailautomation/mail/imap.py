"""IMAP access with imapclient: connect under the account's TLS rules, find new UIDs,
fetch in batches without touching read/unread state."""

from __future__ import annotations

import contextlib
import datetime as dt
import imaplib
import logging
import re
import socket
import ssl
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError
from imapclient.response_parser import parse_fetch_response

from emailautomation.errors import (
    AuthenticationFailed,
    ConnectionFailed,
    FolderNotFound,
    MailError,
    TLSFailed,
)

log = logging.getLogger(__name__)

DEFAULT_PORTS = {"ssl": 993, "starttls": 143, "plain": 143}
FETCH_BATCH = 250
TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """Where and how to connect; plain values only, no password."""

    host: str
    port: int
    security: str = "ssl"
    username: str = ""
    ssl_context: ssl.SSLContext | None = None
    timeout: float = TIMEOUT_SECONDS

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True, slots=True)
class FolderStatus:
    uidvalidity: int
    uidnext: int | None
    exists: int


def _connection_error(settings: ServerSettings, exc: BaseException) -> MailError:
    where = settings.where
    if isinstance(exc, ssl.SSLCertVerificationError):
        return TLSFailed(
            f"The certificate of {where} could not be verified "
            f"({exc.verify_message}). Check the server name, or the system's "
            "certificate store."
        )
    if isinstance(exc, ssl.SSLError):
        hint = ""
        if settings.security == "ssl":
            hint = (
                " The port may expect STARTTLS or plain IMAP instead of SSL/TLS "
                "(993 is the usual SSL/TLS port)."
            )
        reason = exc.reason or type(exc).__name__
        return TLSFailed(f"A secure connection to {where} failed ({reason}).{hint}")
    if isinstance(exc, socket.gaierror):
        return ConnectionFailed(
            f"The server name {settings.host!r} could not be found. "
            "Check the spelling and your network connection."
        )
    if isinstance(exc, ConnectionRefusedError):
        return ConnectionFailed(
            f"{where} refused the connection: no mail server is listening on "
            "that port. Check the port number."
        )
    if isinstance(exc, TimeoutError | socket.timeout):
        return ConnectionFailed(
            f"{where} did not answer within {settings.timeout:.0f} seconds."
        )
    if isinstance(exc, ConnectionResetError | EOFError | imaplib.IMAP4.abort):
        hint = ""
        if settings.security == "ssl":
            hint = " It may not speak SSL/TLS on this port."
        return ConnectionFailed(f"{where} closed the connection unexpectedly.{hint}")
    return ConnectionFailed(f"Could not talk to {where}: {exc}")


def _scrub(text: str, password: str) -> str:
    return text.replace(password, "********") if password else text


class Mailbox:
    """A logged-in IMAP connection. Use as a context manager; it logs out on exit.

    Owned by the thread that created it, like everything stateful here.
    """

    def __init__(self, client: IMAPClient, settings: ServerSettings) -> None:
        self._client = client
        self.settings = settings

    @classmethod
    def connect(cls, settings: ServerSettings, password: str) -> Mailbox:
        """Connect and log in; raise a ``MailError`` subclass saying what went wrong."""
        use_ssl = settings.security == "ssl"
        context = settings.ssl_context
        if context is None and settings.security != "plain":
            context = ssl.create_default_context()
        try:
            client = IMAPClient(
                settings.host,
                port=settings.port,
                ssl=use_ssl,
                ssl_context=context if use_ssl else None,
                timeout=settings.timeout,
            )
        except (OSError, EOFError, imaplib.IMAP4.error) as exc:
            raise _connection_error(settings, exc) from None
        try:
            if settings.security == "starttls":
                if b"STARTTLS" not in client.capabilities():
                    raise TLSFailed(
                        f"{settings.where} does not offer STARTTLS; choose SSL/TLS "
                        "(usually port 993) or, only on a trusted network, none."
                    )
                client.starttls(context)
            client.login(settings.username, password)
        except LoginError as exc:
            _close_quietly(client)
            detail = _scrub(str(exc), password).strip("b'\" ")
            raise AuthenticationFailed(
                f"{settings.where} refused the login for {settings.username!r}: "
                f"{detail}. Check the user name and password (many providers "
                "need an app password)."
            ) from None
        except MailError:
            _close_quietly(client)
            raise
        except (OSError, EOFError, imaplib.IMAP4.error, IMAPClientError) as exc:
            _close_quietly(client)
            raise _connection_error(settings, exc) from None
        log.debug("logged in to %s as %s", settings.where, settings.username)
        return cls(client, settings)

    def __enter__(self) -> Mailbox:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self._client.logout()
        except Exception:
            _close_quietly(self._client)

    def folders(self) -> list[str]:
        return [name for _flags, _delim, name in self._client.list_folders()]

    def select(self, folder: str) -> FolderStatus:
        """Open ``folder`` read-only (EXAMINE), so nothing on the server changes."""
        try:
            info = self._client.select_folder(folder, readonly=True)
        except IMAPClientError as exc:
            raise FolderNotFound(
                f"The folder {folder!r} does not exist on {self.settings.where} "
                f"({_decode(exc)})."
            ) from None
        except (OSError, EOFError) as exc:
            raise _connection_error(self.settings, exc) from None
        uidnext = info.get(b"UIDNEXT")
        return FolderStatus(
            uidvalidity=int(info[b"UIDVALIDITY"]),
            uidnext=int(uidnext) if uidnext is not None else None,
            exists=int(info.get(b"EXISTS", 0)),
        )

    def search_new(
        self,
        *,
        after_uid: int,
        since: dt.date | None,
        senders: Sequence[str] = (),
    ) -> list[int]:
        """UIDs above ``after_uid`` (and on or after ``since``) from ``senders``."""
        criteria: list[Any] = []
        if after_uid > 0:
            criteria += ["UID", f"{after_uid + 1}:*"]
        if since is not None:
            criteria += ["SINCE", since]
        if senders:
            criteria.append(_any_sender(list(senders)))
        if not criteria:
            criteria = ["ALL"]
        try:
            uids = self._client.search(criteria)
        except (OSError, EOFError, imaplib.IMAP4.abort) as exc:
            raise _connection_error(self.settings, exc) from None
        # "n:*" always matches the highest UID even when it is below n.
        return sorted(uid for uid in uids if uid > after_uid)

    def fetch(
        self, uids: Sequence[int], batch_size: int = FETCH_BATCH
    ) -> Iterator[list[tuple[int, bytes]]]:
        """Yield batches of (uid, raw bytes) using BODY.PEEK[] (never sets \\Seen)."""
        for start in range(0, len(uids), batch_size):
            chunk = list(uids[start : start + batch_size])
            try:
                bodies = self._fetch_bodies(chunk)
            except (OSError, EOFError, imaplib.IMAP4.abort) as exc:
                raise _connection_error(self.settings, exc) from None
            # A UID missing from the answer was expunged between SEARCH and FETCH.
            yield [(uid, bodies[uid]) for uid in chunk if uid in bodies]

    def _fetch_bodies(self, chunk: list[int]) -> dict[int, Any]:
        """UID → ``BODY[]`` for ``chunk``, as ``IMAPClient.fetch`` would give them.

        imapclient's general response parser costs more than the download
        itself on a batch of small messages, so the answer is read here when
        it has the plain shape servers send (one literal per message, the UID
        beside it) and handed to imapclient's parser otherwise.
        """
        imap = getattr(self._client, "_imap", None)  # imapclient's imaplib handle
        if not isinstance(imap, imaplib.IMAP4):
            response = self._client.fetch(chunk, ["BODY.PEEK[]"])
            return {uid: data.get(b"BODY[]", b"") for uid, data in response.items()}
        typ, data = imap.uid("FETCH", ",".join(map(str, chunk)), "(BODY.PEEK[])")
        if typ != "OK":
            raise IMAPClientError(f"fetch failed: {_decode_reply(data)}")
        bodies = _literal_bodies(data)
        if bodies is None:
            response = parse_fetch_response(
                data, self._client.normalise_times, uid_is_key=True
            )
            bodies = {uid: item.get(b"BODY[]", b"") for uid, item in response.items()}
        return bodies


# One message of a UID FETCH (BODY.PEEK[]) answer as imaplib hands it over:
# "SEQ (… BODY[] {SIZE}" with the literal, then the rest of the line.
_BODY_LITERAL = re.compile(rb"\d+ \((.*)BODY\[\] \{\d+\}", re.DOTALL)
_UID_ITEM = re.compile(rb"(?:^|[ (])UID (\d+)(?=[ )]|$)")


def _literal_bodies(data: Sequence[Any]) -> dict[int, bytes] | None:
    """UID → body from imaplib's FETCH items, or None if any item has a shape
    other than the plain one (then imapclient's parser reads them)."""
    bodies: dict[int, bytes] = {}
    pending: tuple[int | None, bytes] | None = None
    for item in data:
        if isinstance(item, tuple):
            if pending is not None or len(item) != 2:
                return None
            prefix, body = item
            head = _BODY_LITERAL.fullmatch(prefix)
            if head is None or not isinstance(body, bytes):
                return None
            uid = _UID_ITEM.search(head.group(1))
            pending = (int(uid.group(1)) if uid else None, body)
        elif pending is not None:
            # The rest of the line after the literal: ")" or " UID 7)".
            uid_seen, body = pending
            if uid_seen is None:
                uid = _UID_ITEM.search(item)
                if uid is None:
                    return None
                uid_seen = int(uid.group(1))
            bodies[uid_seen] = body
            pending = None
        elif b"BODY[" in item:
            return None  # a body without a literal (NIL, a quoted string…)
        # Anything else is an unsolicited update (new flags of some message).
    return None if pending is not None else bodies


def _decode_reply(data: Sequence[Any]) -> str:
    first = data[0] if data else b""
    return first.decode(errors="replace") if isinstance(first, bytes) else str(first)


def _any_sender(senders: list[str]) -> list[Any]:
    """Nested IMAP ORs: FROM a, FROM b, FROM c → OR (FROM a) (OR (FROM b) (FROM c))."""
    if len(senders) == 1:
        return ["FROM", senders[0]]
    return ["OR", ["FROM", senders[0]], _any_sender(senders[1:])]


def _decode(exc: Exception) -> str:
    text = str(exc)
    return text[2:-1] if text.startswith(("b'", 'b"')) else text


def _close_quietly(client: IMAPClient) -> None:
    with contextlib.suppress(Exception):
        client.shutdown()


def check_connection(settings: ServerSettings, password: str, folder: str) -> str:
    """Log in, list folders and count the messages in ``folder``; a summary line."""
    with Mailbox.connect(settings, password) as mailbox:
        folders = mailbox.folders()
        status = mailbox.select(folder)
    return (
        f"Connected to {settings.where}: {len(folders)} folders, "
        f"{status.exists} messages in {folder}."
    )
