"""Generated support stores for the audit tests: hundreds of files, and every secret in them known.

`build_store(root)` writes, below `root`, tenants and cases (`acme/CASE-101/...`) holding:
HARs with one planted secret each (`tests.planted.PLANTS`, some gzipped, some inside a zip and
inside a zip inside a tar.gz), clean HARs (`bench/generate.py` with no credential scenario),
clean logs, logs with raw cookies, Authorization headers, tokens and passwords on known lines
(plain, gz, bz2, xz, NDJSON, and inside archives), SAML-tracer exports, a truncated HAR whose
secret comes before the cut, a damaged zip, a gzip bomb, an HTML page saved as .har, binaries,
an empty file and a symbolic link. `Store` says what must be found where; values stay in it and
are only ever compared through `tests/leaks.py` and fingerprints.
"""

from __future__ import annotations

import base64
import bz2
import gzip
import io
import json
import lzma
import os
import random
import string
import sys
import tarfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from harguard.redact.placeholders import fingerprint
from tests.badinputs import gzip_bomb
from tests.planted import PLANTS, github_token, png_bytes

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from generate import generate_har  # noqa: E402  (bench/ is not a package)

__all__ = ["KEY", "LineSecret", "Store", "build_store", "leaves"]

KEY = b"audit-tests-fingerprint-key-0001"
TENANTS = ("acme", "globex", "initech")
_ALNUM = string.ascii_letters + string.digits


@dataclass(frozen=True, repr=False)
class LineSecret:
    """A secret on a known line of a text file (or archive member)."""

    relative: str
    member: str
    line: int
    values: tuple[str, ...]
    """The finding's fingerprint is the HMAC of one of these: the token, or `Bearer <token>`, or
    `name=<token>` (the core fingerprints a cookie read from a log line with its name)."""

    def fingerprints(self, key: bytes = KEY) -> set[str]:
        return {fingerprint(key, v) for v in self.values}


@dataclass(repr=False)
class Store:
    root: Path
    planted: dict[str, str] = field(default_factory=dict)
    """id -> value of every secret in the store (for leak checks; never printed)."""
    must_find: set[tuple[str, str]] = field(default_factory=set)
    """(relative, member) of every file or member that holds a secret."""
    lines: list[LineSecret] = field(default_factory=list)
    clean: set[str] = field(default_factory=set)
    """Stored files with nothing to find."""
    corrupt: dict[str, str] = field(default_factory=dict)
    """relative -> the error class the audit must record."""
    binary: set[tuple[str, str]] = field(default_factory=set)

    def __repr__(self) -> str:
        return f"<Store {self.root} files={len(self.must_find) + len(self.clean)}>"


def _token(rng: random.Random, n: int = 32) -> str:
    return "".join(rng.choice(_ALNUM) for _ in range(n))


def _log_line(rng: random.Random) -> tuple[str, tuple[str, ...]]:
    """One log line with a raw secret, in one of the shapes real logs have."""
    t, u = _token(rng), _token(rng, 8)
    shapes: list[Callable[[], tuple[str, tuple[str, ...]]]] = [
        lambda: (f"2024-05-14T09:30:01Z INFO http request headers Cookie: JSESSIONID={t}; lang=en",
                 (t, f"JSESSIONID={t}")),
        lambda: (f"> Cookie: sid={t}; theme=dark", (t, f"sid={t}")),
        lambda: (f"2024-05-14T09:30:02Z WARN upstream auth failed Authorization: Bearer {t}", (t,)),
        lambda: (json.dumps({"ts": "2024-05-14T09:30:03Z", "headers": {"authorization": f"Bearer {t}"}}),
                 (t, f"Bearer {t}")),
        lambda: (f'10.1.2.3 - - [14/May/2024:09:30:00 +0000] "GET /app HTTP/1.1" 200 512 "-" "Mozilla/5.0" '
                 f'"session={t}; _ga=GA1.1.123"', (t, f"session={t}")),
        lambda: (f'10.1.2.3 - - [14/May/2024:09:30:00 +0000] "GET /api/v1/me?access_token={t}&fields=id '
                 f'HTTP/1.1" 200 51 "-" "curl/8.4"', (t,)),
        lambda: (f"2024-05-14 INFO login attempt user=jane password=Xk9#mP2v{t[:6]}", (f"Xk9#mP2v{t[:6]}",)),
        lambda: (f"2024-05-14 DEBUG boto config aws_secret_access_key={t}{u}", (f"{t}{u}",)),
        lambda: (f"2024-05-14 INFO cloning with token {github_token(t[:30])}", (github_token(t[:30]),)),
        lambda: (f'{{"time":"2024-05-14T09:30:03Z","event":"login","sessionToken":"{t}"}}', (t,)),
    ]  # fmt: skip
    return rng.choice(shapes)()


def _clean_line(rng: random.Random, i: int) -> str:
    uuid = "-".join(_hex(rng, n) for n in (8, 4, 4, 4, 12))
    path = rng.choice(["/static/app.js", "/api/v1/items/42", "/health", "/img/logo.png", "/api/v1/search?q=shoes"])
    if rng.random() < 0.5:
        status, size = rng.choice([200, 304, 404]), rng.randrange(9999)
        return (f'10.0.{i % 250}.{rng.randrange(250)} - - [14/May/2024:09:{i % 60:02d}:00 +0000] "GET {path} '
                f'HTTP/1.1" {status} {size} "-" "Mozilla/5.0 (X11; Linux)"')  # fmt: skip
    return f"2024-05-14T09:{i % 60:02d}:00Z INFO request_id={uuid} served {path} in {rng.randrange(200)}ms"


def _hex(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def _log(
    rng: random.Random, *, lines: int, secrets: int, ndjson: bool = False
) -> tuple[str, list[tuple[int, tuple[str, ...]]]]:  # noqa: E501
    text: list[str] = []
    planted: list[tuple[int, tuple[str, ...]]] = []
    where = set(rng.sample(range(lines), secrets))
    for i in range(lines):
        if i in where:
            while True:
                line, values = _log_line(rng)
                if not ndjson or line.startswith("{"):
                    break
            planted.append((i + 1, values))
        else:
            line = _clean_line(rng, i)
            if ndjson:
                line = json.dumps({"ts": "2024-05-14T09:30:00Z", "msg": line})
        text.append(line)
    return "\n".join(text) + "\n", planted


class _Builder:
    def __init__(self, root: Path, seed: int) -> None:
        self.store = Store(root=root)
        self.rng = random.Random(seed)
        self.n = 0

    def write(self, relative: str, data: bytes, *, age_days: float = 0) -> None:
        path = self.store.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        if age_days:
            stamp = 1_715_677_800 - age_days * 86400  # days before 2024-05-14
            os.utime(path, (stamp, stamp))

    def secret_log(self, relative: str, member: str = "", *, lines: int = 40, secrets: int = 3,
                   ndjson: bool = False) -> bytes:  # fmt: skip
        text, planted = _log(self.rng, lines=lines, secrets=secrets, ndjson=ndjson)
        for line, values in planted:
            self.store.lines.append(LineSecret(relative, member, line, values))
            for v in values:
                self.store.planted[f"log-{len(self.store.planted)}"] = v
        self.store.must_find.add((relative, member))
        return text.encode()

    def plant_har(self, index: int, relative: str, member: str = "") -> bytes:
        plant = PLANTS[index % len(PLANTS)]
        data = json.dumps(plant.har(), indent=2).encode()
        for pid, value in plant.planted().items():
            self.store.planted[f"{pid}@{relative}:{member}"] = value
        self.store.must_find.add((relative, member))
        return data


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name, (2024, 5, 1, 12, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _tar(members: dict[str, bytes], mode: str = "w:gz") -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as archive:  # type: ignore[call-overload]
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), 1_714_564_800
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def build_store(root: Path, *, seed: int = 1, clean_hars: int = 25, clean_logs: int = 40,
                secret_logs: int = 30) -> Store:  # fmt: skip
    """Write the store (about 200 stored files) and return what it holds."""
    b = _Builder(root, seed)
    s = b.store
    case = lambda i: f"{TENANTS[i % 3]}/CASE-{101 + i % 7}"  # noqa: E731
    for i in range(len(PLANTS)):
        if i <= 20:
            continue  # these go into archives below
        relative = f"{case(i)}/capture-{i:03d}.har" + (".gz" if i % 5 == 0 else "")
        data = b.plant_har(i, relative)
        b.write(relative, gzip.compress(data, mtime=0) if relative.endswith(".gz") else data, age_days=i * 9)
    upload = "acme/CASE-200/upload.zip"
    members = {f"captures/plant-{i}.har": b.plant_har(i, upload, f"captures/plant-{i}.har") for i in range(10)}
    members["logs/server.log"] = b.secret_log(upload, "logs/server.log")
    members["logo.png"] = png_bytes()
    s.binary.add((upload, "logo.png"))
    b.write(upload, _zip(members), age_days=400)
    bundle = "globex/CASE-201/bundle.tar.gz"
    inner = {f"p-{i}.har.gz": gzip.compress(b.plant_har(i, bundle, f"inner.zip/p-{i}.har.gz"), mtime=0)
             for i in range(10, 15)}  # fmt: skip
    inner["notes/readme.txt"] = b"Customer reports a 502 on checkout. Nothing sensitive here.\n"
    inner["app.log"] = b.secret_log(bundle, "inner.zip/app.log")
    b.write(bundle, _tar({"inner.zip": _zip(inner), "summary.txt": b"2 captures, 1 log\n"}), age_days=800)
    logs = "initech/CASE-202/logs.tar.bz2"
    b.write(logs, _tar({"a.log": b.secret_log(logs, "a.log")}, mode="w:bz2"))
    partial = "globex/CASE-203/partial.zip"
    damaged = b"PK\x03\x04" + bytes(range(200))
    b.write(partial, _zip({"capture.har": b.plant_har(20, partial, "capture.har"), "damaged.zip": damaged}))
    s.corrupt[f"{partial}:damaged.zip"] = "InputError"
    for i in range(15, 20):
        b.write(f"{case(i)}/trace-{i}.json", _saml_tracer(b, f"{case(i)}/trace-{i}.json", i))
    _truncated(b, PLANTS.index(next(p for p in PLANTS if p.id == "req-header.authorization-bearer-jwt")))
    for i in range(clean_hars):
        relative = f"{case(i)}/clean-{i:03d}.har"
        b.write(relative, generate_har(8_000 + 400 * i, seed=100 + i, secrets_every=10**9), age_days=i * 20)
        s.clean.add(relative)
    for i in range(clean_logs):
        relative = f"{case(i)}/logs/access-{i:03d}.log"
        b.write(relative, "\n".join(_clean_line(b.rng, j) for j in range(60)).encode() + b"\n", age_days=i * 11)
        s.clean.add(relative)
    for i in range(secret_logs):
        suffix = (".log", ".log", ".ndjson", ".log.gz", ".log.xz")[i % 5]
        relative = f"{case(i)}/logs/app-{i:03d}{suffix}"
        data = b.secret_log(relative, lines=50, secrets=2 + i % 3, ndjson=suffix == ".ndjson")
        data = (
            gzip.compress(data, mtime=0)
            if suffix.endswith(".gz")
            else lzma.compress(data)
            if suffix.endswith(".xz")
            else data
        )
        b.write(relative, data, age_days=i * 30)
    _odd_files(b)
    return s


def _saml_tracer(b: _Builder, relative: str, i: int) -> bytes:
    session, nameid = _token(b.rng), f"jane.dummy{i}@example.com"
    saml = ('<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"><saml:Assertion>'
            f"<saml:Subject><saml:NameID>{nameid}</saml:NameID></saml:Subject>"
            "</saml:Assertion></samlp:Response>")  # fmt: skip
    doc = {"requests": [{
        "requestId": str(i), "method": "POST", "url": "https://sp.example.com/saml/acs",
        "requestHeaders": [{"name": "Cookie", "value": f"JSESSIONID={session}; lang=en"}],
        "post": [["SAMLResponse", base64.b64encode(saml.encode()).decode()], ["RelayState", "/home"]],
        "responseStatus": 302, "saml": saml, "protocol": "SAML-P",
    }], "timestamp": "2024-05-14T09:30:00Z"}  # fmt: skip
    b.store.planted.update({f"saml-session-{i}": session, f"saml-nameid-{i}": nameid})
    b.store.must_find.add((relative, ""))
    return json.dumps(doc, indent=2).encode()


def _truncated(b: _Builder, index: int) -> None:
    """A HAR cut short after its secret: the structural scan fails, the text scan still finds it
    (a JWT, found by its shape; an opaque token in a header needs the HAR structure)."""
    relative = "acme/CASE-102/truncated.har"
    data = b.plant_har(index, relative)
    value = PLANTS[index].value.encode()
    cut = data.index(value) + len(value) + 40
    b.write(relative, data[:cut])
    b.store.corrupt[relative] = "TruncatedError"


def _odd_files(b: _Builder) -> None:
    s = b.store
    b.write("globex/broken.zip", b"PK\x03\x04" + bytes(range(256)) * 4)
    s.corrupt["globex/broken.zip"] = "InputError"
    gzip_bomb(s.root / "initech/bomb.har.gz", 40 * 2**20)
    s.corrupt["initech/bomb.har.gz"] = "LimitExceededError"
    b.write("acme/not-json.har", b"<html><body><h1>502 Bad Gateway</h1></body></html>\n")
    s.corrupt["acme/not-json.har"] = "NotJSONError"
    b.write("acme/CASE-101/screenshot.png", png_bytes())
    b.write("globex/core.bin", bytes(b.rng.randrange(256) for _ in range(4096)))
    s.binary |= {("acme/CASE-101/screenshot.png", ""), ("globex/core.bin", "")}
    b.write("initech/empty.log", b"")
    s.clean.add("initech/empty.log")
    os.symlink(s.root / "acme/CASE-101/screenshot.png", s.root / "acme/link.png")


def leaves(data: bytes, name: str = "") -> Iterator[tuple[str, bytes]]:
    """Every file inside `data`, opened with the standard library only (independent of harguard)."""
    if data.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                yield from leaves(archive.read(info), f"{name}/{info.filename}".lstrip("/"))
    elif data.startswith((b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00")):
        opener = (
            gzip.decompress if data[:2] == b"\x1f\x8b" else bz2.decompress if data[:3] == b"BZh" else lzma.decompress
        )
        yield from leaves(opener(data), name)
    elif len(data) > 262 and data[257:262] == b"ustar":
        with tarfile.open(fileobj=io.BytesIO(data)) as archive:
            for member in archive.getmembers():
                handle = archive.extractfile(member)
                if handle is not None:
                    yield from leaves(handle.read(), f"{name}/{member.name}".lstrip("/"))
    else:
        yield name, data
