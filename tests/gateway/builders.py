"""Small HAR files for gateway tests (the core's builders make the entries)."""

from __future__ import annotations

import gzip
import io
import json
import zipfile

from tests.builders import make_entry, make_har
from tests.planted import github_token

__all__ = ["GITHUB_TOKEN", "gz", "har_bytes", "har_with_token", "zip_of"]

GITHUB_TOKEN = github_token("dummyGatewayToken0123456789abc")


def har_bytes(entries: list[dict[str, object]] | None = None) -> bytes:
    return json.dumps(make_har(entries or [make_entry()])).encode()


def har_with_token(token: str = GITHUB_TOKEN, *, session: str = "dummy-session-value-0042") -> bytes:
    """One entry with a bearer token and a session cookie: two findings at least."""
    entry = make_entry(
        url="https://api.example.com/v1/me",
        request_headers=[("authorization", f"Bearer {token}")],
        cookies=[("sid", session)],
    )
    return har_bytes([entry])


def gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def zip_of(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buf.getvalue()
