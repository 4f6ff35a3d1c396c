"""Bad and dangerous HAR inputs: the small committed files and builders for the big ones.

Small cases live in ``tests/data/bad/`` (a few hundred bytes each; ``write_committed_files``
rebuilds them byte for byte). Big or dangerous cases are never committed: the builders below
write them at test time into a directory the test gives (``tmp_path``), streaming, so that
neither the disk nor the test process holds the expanded size.

Expected outcome per case (the name of the harguard error class, or "accepted"):

| case                    | what it is                                                 | expected           |
|-------------------------|------------------------------------------------------------|--------------------|
| not-json.har            | an HTML 502 error page saved as .har                       | NotJSONError       |
| truncated.har           | a valid HAR cut in the middle of a string                  | TruncatedError     |
| json-not-har.har        | a JSON object without log / log.entries                    | NotHARError        |
| json-array.har          | a JSON array (of entry-like objects) at top level          | NotHARError        |
| empty.har               | 0 bytes                                                    | NotJSONError       |
| bom-utf8.har            | a valid HAR preceded by a UTF-8 BOM (Fiddler does this)    | accepted           |
| utf16-bom.har           | a valid HAR encoded UTF-16 LE with BOM                     | accepted           |
| latin1.har              | a HAR with "é" as a raw 0xE9 byte (invalid UTF-8)          | EncodingError      |
| nan.har                 | JSON with a bare NaN (not JSON; Python's json allows it)   | NotJSONError       |
| entries-not-list.har    | log.entries is an object, not an array                     | NotHARError        |
| gzip-valid.har.gz       | a valid HAR, gzip-compressed                               | accepted           |
| zip-valid.zip           | a zip holding exactly one .har                             | accepted           |
| zip-two.zip             | a zip holding two .har files (which one?)                  | NotHARError        |
| gzip_bomb(path, n)      | ~2 MiB .har.gz expanding to n (2 GiB) bytes: a HAR padded  | LimitExceededError |
|                         | with spaces (valid JSON if fully expanded)                 |                    |
| zip_bomb(path, n)       | ~2 MiB .zip whose one .har member expands to n bytes       | LimitExceededError |
| depth_bomb(path, depth) | {"log":{"entries":[{"x":[[[[...]]]]}]}}, 100 000 deep      | LimitExceededError |
| huge_string(path, size) | a valid HAR with one 100 MiB response body string          | accepted (1)       |
| many_entries(path, n)   | a valid HAR with n small entries                           | accepted (2)       |

(1) LimitExceededError only if a string limit below the size is configured.
(2) LimitExceededError once n exceeds the configured entry limit.

``COMMITTED`` and ``GENERATED`` hold the same table as data for parametrized tests.
"""

from __future__ import annotations

import gzip
import io
import json
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

__all__ = [
    "BAD_DIR",
    "COMMITTED",
    "GENERATED",
    "depth_bomb",
    "gzip_bomb",
    "huge_string",
    "many_entries",
    "minimal_entry",
    "minimal_har",
    "write_committed_files",
    "zip_bomb",
]

BAD_DIR = Path(__file__).parent / "data" / "bad"

COMMITTED: dict[str, str] = {
    "not-json.har": "NotJSONError",
    "truncated.har": "TruncatedError",
    "json-not-har.har": "NotHARError",
    "json-array.har": "NotHARError",
    "empty.har": "NotJSONError",
    "bom-utf8.har": "accepted",
    "utf16-bom.har": "accepted",
    "latin1.har": "EncodingError",
    "nan.har": "NotJSONError",
    "entries-not-list.har": "NotHARError",
    "gzip-valid.har.gz": "accepted",
    "zip-valid.zip": "accepted",
    "zip-two.zip": "NotHARError",
}

_CREATOR = {"name": "harguard-tests", "version": "1"}
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def minimal_entry(i: int = 0, *, text: str = "ok") -> dict[str, object]:
    """A small schema-valid entry (one cookie, so a sanitizer has something to do)."""
    return {
        "startedDateTime": "2024-05-14T09:12:03.000Z",
        "time": 1,
        "request": {
            "method": "GET",
            "url": f"https://example.com/{i}",
            "httpVersion": "HTTP/1.1",
            "cookies": [{"name": "sid", "value": "dummy"}],
            "headers": [{"name": "Cookie", "value": "sid=dummy"}],
            "queryString": [],
            "headersSize": -1,
            "bodySize": 0,
        },
        "response": {
            "status": 200,
            "statusText": "OK",
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": [],
            "content": {"size": len(text), "mimeType": "text/plain", "text": text},
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": -1,
        },
        "cache": {},
        "timings": {"send": 0, "wait": 1, "receive": 0},
    }


def minimal_har(entries: list[dict[str, object]] | None = None) -> dict[str, object]:
    return {
        "log": {
            "version": "1.2",
            "creator": dict(_CREATOR),
            "entries": [minimal_entry()] if entries is None else entries,
        }
    }


def _compact(obj: object) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name, _ZIP_TIME), data, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def committed_bytes() -> dict[str, bytes]:
    """The exact content of every file in tests/data/bad/."""
    valid = _compact(minimal_har())
    latin = _compact(minimal_har([minimal_entry(text="Caf\u00e9")])).replace("é".encode(), b"\xe9")
    nan = valid.replace(b'"time":1,', b'"time":NaN,', 1)
    assert nan != valid
    truncated = valid[: valid.index(b"https://example.com/") + 12]
    second = _compact(minimal_har([minimal_entry(1)]))
    return {
        "not-json.har": (
            b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n"
            b"<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n"
        ),
        "truncated.har": truncated,
        "json-not-har.har": b'{"error":{"code":500,"message":"export failed"},"entries":[]}',
        "json-array.har": b"[" + _compact(minimal_entry()) + b"]",
        "empty.har": b"",
        "bom-utf8.har": b"\xef\xbb\xbf" + valid,
        "utf16-bom.har": valid.decode("utf-8").encode("utf-16"),  # native LE + BOM
        "latin1.har": latin,
        "nan.har": nan,
        "entries-not-list.har": _compact(
            {"log": {"version": "1.2", "creator": _CREATOR, "entries": {"0": minimal_entry()}}}
        ),
        "gzip-valid.har.gz": gzip.compress(valid, compresslevel=9, mtime=0),
        "zip-valid.zip": _zip({"capture.har": valid}),
        "zip-two.zip": _zip({"first.har": valid, "second.har": second}),
    }


def write_committed_files(directory: Path = BAD_DIR) -> list[Path]:
    """(Re)write the committed small cases; deterministic, so a rebuild leaves git clean."""
    directory.mkdir(parents=True, exist_ok=True)
    out = []
    for name, data in committed_bytes().items():
        p = directory / name
        p.write_bytes(data)
        out.append(p)
    return out


# --------------------------------------------------------------------------- big / dangerous cases

_BOMB_HEAD = b'{"log":{"version":"1.2","creator":{"name":"bomb","version":"1"},"entries":['
_BOMB_TAIL = b"]}}"
_CHUNK = 1 << 20


def _deflate_repeated(expanded_bytes: int, fill: bytes, write: Callable[[bytes], object]) -> tuple[int, int]:
    """Write a raw deflate stream of HEAD + fill*k + TAIL totalling expanded_bytes; return (crc, csize).

    Each 1 MiB chunk of filler is compressed once after a full flush (which resets the
    compressor's history), so its compressed form can be written again and again: building a
    2 GiB bomb costs one compression and a CRC pass, not 2 GiB of deflate.
    """
    if len(fill) != 1:
        raise ValueError("fill must be one byte")
    pad = expanded_bytes - len(_BOMB_HEAD) - len(_BOMB_TAIL)
    if pad < 0:
        raise ValueError("expanded_bytes too small")
    n_chunks, rest = divmod(pad, _CHUNK)
    chunk = fill * _CHUNK
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    csize = 0
    crc = 0

    def emit(data: bytes) -> None:
        nonlocal csize
        if data:
            write(data)
            csize += len(data)

    emit(co.compress(_BOMB_HEAD) + co.flush(zlib.Z_FULL_FLUSH))
    crc = zlib.crc32(_BOMB_HEAD, crc)
    if n_chunks:
        block = co.compress(chunk) + co.flush(zlib.Z_FULL_FLUSH)
        again = co.compress(chunk) + co.flush(zlib.Z_FULL_FLUSH)
        if block != again:  # pragma: no cover - zlib always resets history on a full flush
            raise RuntimeError("deflate blocks differ after full flush")
        for _ in range(n_chunks):
            emit(block)
            crc = zlib.crc32(chunk, crc)
    tail = fill * rest + _BOMB_TAIL
    emit(co.compress(tail) + co.flush(zlib.Z_FINISH))
    crc = zlib.crc32(tail, crc)
    return crc, csize


def gzip_bomb(path: Path | str, expanded_bytes: int = 2**31, *, fill: bytes = b" ") -> Path:
    """A small .har.gz (about expanded_bytes/1000 on disk) that expands to expanded_bytes.

    The expanded text is a HAR with no entries padded with `fill` (space = JSON whitespace, so
    a parser that expanded it all would even accept it); `fill=b"\\0"` gives zeros instead.
    Expected: LimitExceededError (decompressed-size limit), without expanding it all in memory.
    """
    path = Path(path)
    with open(path, "wb") as f:
        # magic, deflate, no flags, mtime 0, xfl 2 (best compression), OS unknown
        f.write(b"\x1f\x8b\x08\x00" + b"\x00\x00\x00\x00" + b"\x02\xff")
        crc, _ = _deflate_repeated(expanded_bytes, fill, f.write)
        f.write(struct.pack("<II", crc & 0xFFFFFFFF, expanded_bytes & 0xFFFFFFFF))
    return path


def zip_bomb(path: Path | str, expanded_bytes: int = 2**31, *, member: str = "capture.har", fill: bytes = b" ") -> Path:
    """A small .zip whose single .har member expands to expanded_bytes (< 4 GiB; no zip64).

    The sizes in the headers are truthful: a reader that trusts `file_size` can refuse it up
    front, one that streams must stop at its limit. Expected: LimitExceededError.
    """
    if expanded_bytes >= 0xFFFFFFFF:
        raise ValueError("zip_bomb writes classic zip headers: expanded_bytes must be < 4 GiB")
    path = Path(path)
    name = member.encode()
    dos_time, dos_date = 0, (0 << 9) | (1 << 5) | 1  # 1980-01-01 00:00
    with open(path, "w+b") as f:
        header_at = f.tell()
        f.write(b"\0" * (30 + len(name)))  # local header placeholder, rewritten below
        crc, csize = _deflate_repeated(expanded_bytes, fill, f.write)
        crc &= 0xFFFFFFFF
        central_at = f.tell()
        fields = (20, 0, 8, dos_time, dos_date, crc, csize, expanded_bytes, len(name))
        local = struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, 0) + name
        central = (
            struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fields, 0, 0, 0, 0, 0o100644 << 16, header_at) + name
        )
        f.write(central)
        f.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), central_at, 0))
        f.seek(header_at)
        f.write(local)
    return path


def depth_bomb(path: Path | str, depth: int = 100_000) -> Path:
    """{"log":{"entries":[{"x":[[[…]]]}]}} with `depth` nested arrays. Expected: LimitExceededError."""
    path = Path(path)
    with open(path, "wb") as f:
        f.write(b'{"log":{"entries":[{"x":')
        f.write(b"[" * depth)
        f.write(b"]" * depth)
        f.write(b"}]}}")
    return path


def huge_string(path: Path | str, size: int = 100 * 2**20) -> Path:
    """A valid HAR whose only response body is one `size`-character string. Expected: accepted."""
    path = Path(path)
    marker = "\x00HUGE\x00"
    doc = _compact(minimal_har([minimal_entry(text=marker)]))
    doc = doc.replace(b'"size":%d,' % len(marker), b'"size":%d,' % size)
    assert doc.count(b'"size":%d,' % size) == 1
    head, tail = doc.split(b"\\u0000HUGE\\u0000")
    piece = b"0123456789abcdef" * (_CHUNK // 16)
    with open(path, "wb") as f:
        f.write(head)
        left = size
        while left > 0:
            n = min(left, len(piece))
            f.write(piece[:n])
            left -= n
        f.write(tail)
    return path


def many_entries(path: Path | str, n: int) -> Path:
    """A valid HAR with n small entries, streamed. Expected: accepted (LimitExceededError past the limit)."""
    path = Path(path)
    head, tail = _compact(minimal_har([])).split(b"[]")
    with open(path, "wb", buffering=1 << 20) as f:
        f.write(head + b"[")
        for i in range(n):
            if i:
                f.write(b",")
            f.write(_compact(minimal_entry(i)))
        f.write(b"]" + tail)
    return path


GENERATED: dict[str, tuple[Callable[..., Path], str]] = {
    "gzip_bomb": (gzip_bomb, "LimitExceededError"),
    "zip_bomb": (zip_bomb, "LimitExceededError"),
    "depth_bomb": (depth_bomb, "LimitExceededError"),
    "huge_string": (huge_string, "accepted"),
    "many_entries": (many_entries, "accepted"),
}


if __name__ == "__main__":  # python tests/badinputs.py  -> rewrite tests/data/bad/
    for p in write_committed_files():
        print(f"{p.stat().st_size:6d}  {p}")  # noqa: T201
