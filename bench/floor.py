"""The floor: a bare imapclient download of every message, run as its own process.

``python bench/floor.py HOST PORT USER BATCH`` with the password on stdin.
Prints one JSON line: messages, bytes and the seconds spent downloading
(login to logout); the caller times the whole process around it.
"""

from __future__ import annotations

import json
import sys
import time

from imapclient import IMAPClient


def download(host: str, port: int, user: str, password: str, batch: int) -> dict:
    started = time.perf_counter()
    client = IMAPClient(host, port=port, ssl=False, timeout=60)
    client.login(user, password)
    client.select_folder("INBOX", readonly=True)
    uids = client.search(["ALL"])
    count = size = 0
    for start in range(0, len(uids), batch):
        response = client.fetch(uids[start : start + batch], ["BODY.PEEK[]"])
        for data in response.values():
            size += len(data[b"BODY[]"])
            count += 1
    client.logout()
    return {
        "messages": count,
        "bytes": size,
        "download_seconds": time.perf_counter() - started,
    }


if __name__ == "__main__":
    host, port, user, batch = sys.argv[1:5]
    secret = sys.stdin.readline().rstrip("\n")
    print(json.dumps(download(host, int(port), user, secret, int(batch))))
