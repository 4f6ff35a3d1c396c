#!/usr/bin/env python3
# ruff: noqa: E501  (long template strings are clearer unwrapped)
"""Realistic synthetic HAR 1.2 generator for benchmarks (standard library + orjson only).

    python bench/generate.py --size 20MB --out /tmp/x.har [--seed 1] [--secrets-every 50] [--compact]
                             [--secrets-out secrets.json] [--decoys-out decoys.json]

Importable:

    generate_har(target_bytes, *, seed=1, secrets_every=50, indent=True, return_secrets=False)
        -> bytes | (bytes, list[str])          # whole document in memory (~1.1x the output)
    write_har(path, target_bytes, *, seed=1, secrets_every=50, indent=True) -> Planted
        # streams to a file; memory is bounded by the largest entry plus small pools

The output is deterministic for a seed, about target_bytes long (within +-5% for targets of 100 KiB
and more; the last entry is sized to land within a few bytes), and shaped like a Chrome DevTools
export: HTTP/2 lowercase headers with `:authority/:method/:path/:scheme` pseudo-headers (some
third-party hosts on HTTP/1.1 with Title-Case names), `cookies` arrays mirroring `Cookie` /
`Set-Cookie`, `queryString` mirroring the URL, `postData` (JSON, form-urlencoded, multipart),
`_initiator` call stacks, `_priority`, `_resourceType`, `_transferSize`, `_webSocketMessages`.

Response bodies by share of body bytes: JSON APIs 30%, JS bundles 25%, base64 images/fonts 20%,
HTML 10%, CSS 5%, websocket frames 5%, text/event-stream 5%; plus small bodiless entries
(CORS preflights, 304s, beacons, redirects) as in real captures.

Decoys that a sanitizer must keep (UUIDs, ETags, traceparent, request ids, hex asset hashes,
`sha384-` integrity, public OAuth client ids, cache busters, version strings) are everywhere.
Every `secrets_every` entries a credential scenario is planted (rotating): Okta authn
(`password`, `sessionToken`), Okta session cookies (`sid`, `idx`, `DT`, `JSESSIONID`), OAuth
authorize redirect (`code` + `state` in `Location` and `redirectURL`, then the callback URL, its
`queryString`, `:path` and the `Referer` of later requests), token endpoint (`code_verifier` in
the form body; `access_token`, `refresh_token`, `id_token` in the JSON response; the access token
is then sent as `authorization: Bearer` and in websocket auth frames), `x-api-key`, a legacy form
login (`password`), AWS key pair in a JS config, a GitHub token in JSON, and a profile JSON with
email and phone. Every planted value is an obvious dummy (contains EXAMPLE / example / Dummy where
the format allows; phones are in the fictional 555-01xx range) and is returned so that a benchmark
can measure recall: each returned value occurs verbatim in the output at least once.
"""

from __future__ import annotations

import argparse
import base64
import io
import re
import sys
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import formatdate
from pathlib import Path
from random import Random
from typing import Any

import orjson

__all__ = ["Planted", "generate_har", "parse_size", "write_har"]

BODY_SHARES = {
    "json": 0.30,
    "js": 0.25,
    "media": 0.20,
    "html": 0.10,
    "css": 0.05,
    "ws": 0.05,
    "sse": 0.05,
}

ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
B64URL = ALNUM + "-_"
UPPER_HEX = "0123456789ABCDEF"

WORDS = (
    "account action active add address admin alert align amount analytics api app archive asset "
    "audit auto avatar back badge balance banner basic batch billing block blue body border bottom "
    "brand browse bucket build button cache calendar card cart center change channel chart check "
    "child class clear click client close cloud code collapse color column comment config confirm "
    "connect content context control copy count country create credit current custom dark dashboard "
    "data date debug default delete deploy detail device dialog disable display document domain "
    "download draft drop edit editor element empty enable end entry error event expand export "
    "feature field file filter first flag flex focus folder footer form frame full gallery grid "
    "group header height help hidden history home hover icon image import inbox index info inline "
    "input invoice item key label language last layout left level light limit line link list load "
    "locale lock log main manage margin market media menu merge message meta metric mobile modal "
    "mode module monitor month move name nav network new next node note notice number offset open "
    "option order origin output overlay owner padding page panel parent path pause payment pending "
    "plan play plugin popup portal position post preview price primary print product profile "
    "project public publish query queue quota radio range rate read ready record region release "
    "remove render report request reset resource result retry review right role root route row "
    "rule save scale schedule scope screen script scroll search section select send server service "
    "session setting share shell show side sign size slot small sort source space span stack stage "
    "start state status step store stream style submit summary support switch sync tab table tag "
    "target task team template tenant text theme thread time title toast toggle tool top total "
    "track trigger type update upload usage user value vendor version view visible wallet warning "
    "web week widget width window word work workspace zone"
).split()

FIRST_NAMES = "Avery Blake Casey Dana Emery Finley Harper Jordan Kai Logan Morgan Parker Quinn Reese Riley Rowan Sage Taylor".split()
LAST_NAMES = (
    "Adams Brooks Carter Diaz Ellis Foster Gray Hayes Irwin James Kim Lopez Moore Nguyen Ortiz Patel Reed Stone".split()
)
COUNTRIES = ["US", "GB", "DE", "FR", "NL", "SE", "JP", "BR", "IN", "CA", "AU", "ES"]
CURRENCIES = ["USD", "EUR", "GBP", "JPY", "SEK", "BRL", "INR", "CAD"]
STATUSES = ["active", "pending", "archived", "draft", "failed", "completed", "queued", "running"]

UA = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)
SEC_CH_UA = '"Chromium";v="124", "Google Chrome";v="124", "Not-A.Brand";v="99"'

APP = "app.acme-example.com"
API = "api.acme-example.com"
CDN = "static.acme-cdn.net"
MEDIA = "media.acme-cdn.net"
OKTA = "acme-example.okta.com"
LEGACY = "legacy.acme-example.com"
PARTNER = "partner-api.example.net"
RT = "realtime.acme-example.com"
THIRD_PARTY = [
    ("www.google-analytics.com", "142.250.72.14"),
    ("fonts.gstatic.com", "142.250.72.3"),
    ("fonts.googleapis.com", "142.250.72.10"),
    ("cdn.jsdelivr.net", "151.101.1.229"),
    ("js.stripe.com", "54.187.174.169"),
    ("o450123.ingest.sentry.io", "34.120.195.249"),
]
HOST_IPS = {
    APP: "104.18.32.47",
    API: "104.18.33.47",
    CDN: "151.101.65.91",
    MEDIA: "151.101.129.91",
    OKTA: "44.236.43.131",
    LEGACY: "[2606:4700:3033::6815:2f9]",
    PARTNER: "52.94.236.248",
    RT: "104.18.34.47",
}
# Public OAuth client ids: they are in every authorize URL and every app config, and are not secrets.
OKTA_CLIENT_ID = "0oa8k2mf7qTzR1xYb5d7"
GOOGLE_CLIENT_ID = "418209745123-7hq2k5v0c3n8r1m4j6t9b2x5z8w1y4pa.apps.googleusercontent.com"

PNG_MAGIC = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
JPEG_MAGIC = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
WOFF2_MAGIC = b"wOF2\x00\x01\x00\x00"
GIF_MAGIC = b"GIF89a\x01\x00\x01\x00\x80\x00\x00"
WEBP_MAGIC = b"RIFF\x00\x00\x00\x00WEBPVP8 "

FILL_THRESHOLD = 96 * 1024  # below this remaining budget, emit one exactly-sized last entry
MIN_FILL = 1536  # a last entry smaller than this is not worth emitting


@dataclass
class Planted:
    """What a run planted: secret values (for recall) and a sample of decoys (for precision)."""

    secrets: list[str] = field(default_factory=list)
    decoys: dict[str, list[str]] = field(default_factory=dict)
    entries: int = 0
    bytes_written: int = 0
    body_bytes: dict[str, int] = field(default_factory=dict)


def parse_size(text: str) -> int:
    """'20MB' -> 20 * 2**20. Units KB/MB/GB (and KiB/MiB/GiB) are binary; a bare number is bytes."""
    m = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([KMGT]?)(i?B)?\s*", text, re.IGNORECASE)
    if not m:
        raise ValueError(f"not a size: {text!r}")
    mult = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}[m.group(2).upper()]
    return int(float(m.group(1)) * mult)


class _Gen:
    def __init__(self, target: int, seed: int, secrets_every: int, indent: bool) -> None:
        if target <= 0:
            raise ValueError("target_bytes must be positive")
        self.target = target
        self.rng = Random(seed)
        self.every = max(1, secrets_every)
        self.indent = indent
        self.planted = Planted()
        self._secret_seen: set[str] = set()
        self._decoy_seen: set[str] = set()
        self.body_bytes = dict.fromkeys(BODY_SHARES, 0)
        self.clock = 1715677923000.0  # 2024-05-14T09:12:03Z, in ms
        self.n = 0  # entries emitted
        self.plant_no = 0
        # session state that later requests carry
        self.okta_cookies: list[tuple[str, str]] = []
        self.app_cookies: list[tuple[str, str]] = [
            ("_ga", "GA1.1.1843356127.1715677811"),
            ("_ga_7KQ2ZB1X9M", "GS1.1.1715677811.3.1.1715677923.0.0.0"),
            ("theme", "dark"),
            ("locale", "en-US"),
        ]
        self.bearer: str | None = None
        self.api_key: str | None = None
        self.api_key_uses = 0
        self.referer_override: tuple[str, int] | None = None
        self.page_url = f"https://{APP}/dashboard"
        # one user per capture, as in a real HAR
        r = self.rng
        self.first, self.last = r.choice(FIRST_NAMES), r.choice(LAST_NAMES)
        self.email = f"{self.first.lower()}.{self.last.lower()}.example{r.randrange(1000, 9999)}@example.com"
        self.phone = f"+1-202-555-01{r.randrange(10, 100):02d}"
        self.password = f"Dummy-Passw0rd-EXAMPLE-{self._alnum(6)}"
        self.user_id = "00u" + self._alnum(17)
        self._build_pools()
        self._plan_pages()
        self._entry_indent = b"\n      "

    # ------------------------------------------------------------------ small random helpers
    def _alnum(self, n: int, alphabet: str = ALNUM) -> str:
        return "".join(self.rng.choices(alphabet, k=n))

    def _hex(self, n: int) -> str:
        return f"{self.rng.getrandbits(4 * n):0{n}x}"

    def _uuid(self) -> str:
        h = f"{self.rng.getrandbits(128):032x}"
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:32]}"

    def _b64url(self, nbytes: int) -> str:
        return base64.urlsafe_b64encode(self.rng.randbytes(nbytes)).rstrip(b"=").decode()

    def _iso(self, ms: float | None = None) -> str:
        ms = self.clock if ms is None else ms
        dt = datetime.fromtimestamp(ms / 1000.0, tz=UTC)
        return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{int(ms) % 1000:03d}Z"

    def _http_date(self, ms: float | None = None) -> str:
        return formatdate((self.clock if ms is None else ms) / 1000.0, usegmt=True)

    def _words(self, n: int, sep: str = " ") -> str:
        return sep.join(self.rng.choices(WORDS, k=n))

    def _secret(self, value: str) -> str:
        if value not in self._secret_seen:
            self._secret_seen.add(value)
            self.planted.secrets.append(value)
        return value

    def _decoy(self, kind: str, value: str) -> str:
        lst = self.planted.decoys.setdefault(kind, [])
        if len(lst) < 200 and value not in self._decoy_seen:
            self._decoy_seen.add(value)
            lst.append(value)
        return value

    # ------------------------------------------------------------------ pools
    def _build_pools(self) -> None:
        r = self.rng
        ids = "aeinorstucl"

        def ident() -> str:
            return r.choice(ids) + (r.choice(ids) if r.random() < 0.3 else "")

        def camel() -> str:
            a, b = r.choice(WORDS), r.choice(WORDS)
            return a + b[:1].upper() + b[1:]

        # Minified-looking JS modules (webpack style).
        svg = base64.b64encode(
            b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M12 2L2 7l10 5 10-5-10-5z"/></svg>'
        ).decode()
        tiny_png = base64.b64encode(PNG_MAGIC + r.randbytes(60)).decode()
        js: list[str] = []
        for _ in range(320):
            parts = []
            for _ in range(r.randrange(4, 16)):
                k = r.random()
                a, b, c = ident(), ident(), ident()
                if k < 0.18:
                    parts.append(
                        f'var {a}={b}({r.randrange(100, 99999)}),{c}={b}.n({a}),{ident()}="{camel()}",'
                        f'{ident()}="{self._words(r.randrange(2, 7))}";'
                    )
                elif k < 0.34:
                    parts.append(
                        f"function {camel()}({a},{b}){{var {c}={a}.{camel()},{ident()}={b}||{{}};"
                        f'return {c}?{a}.{camel()}({c},"{r.choice(WORDS)}"):null}}'
                    )
                elif k < 0.46:
                    h = self._hex(8)
                    parts.append(
                        f'{a}.exports={b}.p+"static/media/{r.choice(WORDS)}.{h}.{r.choice(["svg", "png", "woff2"])}";'
                    )
                elif k < 0.58:
                    parts.append(
                        f'{a}.createElement("{r.choice(["div", "span", "button", "section", "ul", "li", "a"])}",'
                        f'{{className:"{camel()}_{r.choice(WORDS)}__{self._b64url(4)}","data-testid":"{r.choice(WORDS)}-{r.choice(WORDS)}",'
                        f'"aria-label":"{self._words(r.randrange(1, 4))}"}},{b})'
                    )
                elif k < 0.68:
                    parts.append(
                        f'case"{r.choice(WORDS).upper()}_{r.choice(WORDS).upper()}":return Object.assign({{}},{a},'
                        f"{{{camel()}:{b}.payload.{camel()},{camel()}:!{r.randrange(0, 2)}}});"
                    )
                elif k < 0.76:
                    parts.append(
                        f'{a}.{camel()}=function(){{return fetch("/api/v2/{r.choice(WORDS)}s/"+{b}+"?include={r.choice(WORDS)}",'
                        f'{{credentials:"include",headers:{{"content-type":"application/json"}}}}).then(function({c}){{return {c}.json()}})}};'
                    )
                elif k < 0.82:
                    parts.append(f'{a}.{camel()}="{r.choice(WORDS).title()} {self._words(r.randrange(3, 9))}.";')
                elif k < 0.86:
                    parts.append(f'{a}.{camel()}="data:image/svg+xml;base64,{svg}";')
                elif k < 0.88:
                    parts.append(f'{a}.{camel()}="data:image/png;base64,{tiny_png}";')
                elif k < 0.94:
                    parts.append(
                        f"for(var {a}=0,{b}={c}.length;{a}<{b};{a}++){{if({c}[{a}].{camel()}==={r.randrange(0, 999)})"
                        f"break;{ident()}+={c}[{a}].{r.choice(WORDS)}|0}}"
                    )
                else:
                    parts.append(
                        f'{a}.{camel()}={{version:"{r.randrange(1, 20)}.{r.randrange(0, 30)}.{r.randrange(0, 40)}",'
                        f'chunk:"{self._hex(20)}",locale:"{r.choice(["en", "de", "fr", "ja"])}"}};'
                    )
            js.append(f"function({ident()},{ident()},{ident()}){{" + "".join(parts) + "}")
        self.js_pool = js

        # CSS rules.
        props = [
            "display:flex",
            "display:grid",
            "display:none",
            "position:relative",
            "position:absolute",
            "margin:0",
            "padding:0 8px",
            "padding:12px 16px",
            "border-radius:4px",
            "font-weight:600",
            "color:#1f2328",
            "color:var(--fg-muted)",
            "background:#fff",
            "background-color:#f6f8fa",
            "line-height:1.5",
            "font-size:14px",
            "font-size:.875rem",
            "gap:8px",
            "align-items:center",
            "justify-content:space-between",
            "overflow:hidden",
            "text-overflow:ellipsis",
            "z-index:10",
            "transition:opacity .2s ease-in-out",
            "box-shadow:0 1px 3px rgba(0,0,0,.12)",
            "width:100%",
        ]
        css = []
        for _ in range(400):
            sel = f".{camel()}_{r.choice(WORDS)}__{self._b64url(4)}"
            if r.random() < 0.3:
                sel += f":{r.choice(['hover', 'focus', 'disabled', 'first-child'])}"
            css.append(sel + "{" + ";".join(r.sample(props, r.randrange(2, 7))) + "}")
        for _ in range(8):
            css.append(
                f"@font-face{{font-family:Inter;font-style:normal;font-weight:{r.choice([400, 500, 600])};"
                f'src:url(/static/media/inter-latin.{self._hex(8)}.woff2) format("woff2")}}'
            )
        self.css_pool = css

        # HTML blocks.
        blocks = []
        for _ in range(160):
            k = r.random()
            if k < 0.4:
                items = "".join(
                    f'<li class="nav-item"><a href="/{r.choice(WORDS)}/{r.choice(WORDS)}?ref=nav">{r.choice(WORDS).title()}</a></li>'
                    for _ in range(r.randrange(3, 9))
                )
                blocks.append(f'<ul class="{camel()}">{items}</ul>')
            elif k < 0.75:
                blocks.append(
                    f'<div class="card" data-id="{self._uuid()}"><h3>{self._words(3).title()}</h3>'
                    f"<p>{self._words(r.randrange(12, 40)).capitalize()}.</p></div>"
                )
            else:
                blocks.append(
                    f'<img src="https://{MEDIA}/img/{r.choice(WORDS)}.{self._hex(8)}.png" alt="{self._words(2)}" '
                    f'loading="lazy" width="{r.randrange(16, 640)}" height="{r.randrange(16, 480)}">'
                )
        self.html_pool = blocks

        # JSON API record templates: % (uuid, created, updated) filled per use.
        recs = []
        for _ in range(600):
            k = r.random()
            if k < 0.35:
                rec = {
                    "id": "\x00ID\x00",
                    "type": r.choice(["order", "invoice", "shipment", "subscription"]),
                    "status": r.choice(STATUSES),
                    "createdAt": "\x00C\x00",
                    "updatedAt": "\x00U\x00",
                    "amount": {"value": r.randrange(100, 10_000_00), "currency": r.choice(CURRENCIES)},
                    "items": [
                        {
                            "sku": f"{r.choice(WORDS).upper()}-{r.randrange(1000, 99999)}",
                            "quantity": r.randrange(1, 9),
                            "unitPrice": round(r.uniform(0.5, 900), 2),
                            "name": self._words(3).title(),
                        }
                        for _ in range(r.randrange(1, 6))
                    ],
                    "tags": r.sample(WORDS, r.randrange(0, 5)),
                    "metadata": {
                        "source": r.choice(["web", "ios", "android", "api"]),
                        "version": r.randrange(1, 40),
                    },
                }
            elif k < 0.6:
                rec = {
                    "id": "\x00ID\x00",
                    "displayName": f"{r.choice(FIRST_NAMES)} {r.choice(LAST_NAMES)[0]}.",
                    "avatarUrl": f"https://{MEDIA}/avatars/{self._hex(32)}.jpg?s=64",
                    "role": r.choice(["owner", "admin", "member", "viewer", "billing"]),
                    "locale": r.choice(["en-US", "en-GB", "de-DE", "fr-FR", "ja-JP"]),
                    "timezone": r.choice(["America/New_York", "Europe/Berlin", "Asia/Tokyo", "UTC"]),
                    "country": r.choice(COUNTRIES),
                    "createdAt": "\x00C\x00",
                    "lastActiveAt": "\x00U\x00",
                    "preferences": {
                        "theme": r.choice(["dark", "light", "system"]),
                        "digest": r.random() < 0.5,
                        "density": r.choice(["compact", "comfortable"]),
                    },
                    "teams": [{"id": self._uuid(), "name": self._words(2).title()} for _ in range(r.randrange(0, 4))],
                }
            elif k < 0.85:
                rec = {
                    "id": "\x00ID\x00",
                    "event": f"{r.choice(WORDS)}.{r.choice(['created', 'updated', 'deleted', 'viewed'])}",
                    "timestamp": "\x00C\x00",
                    "actor": {"id": self._uuid(), "kind": r.choice(["user", "service", "system"])},
                    "resource": f"/{r.choice(WORDS)}s/{self._uuid()}",
                    "durationMs": round(r.lognormvariate(4, 1.2), 3),
                    "attributes": {
                        r.choice(WORDS): r.choice([r.randrange(0, 10**6), self._words(2), r.random() < 0.5, None])
                        for _ in range(r.randrange(1, 7))
                    },
                }
            else:
                rec = {
                    "id": "\x00ID\x00",
                    "name": self._words(r.randrange(1, 4)).title(),
                    "slug": self._words(2, "-"),
                    "description": self._words(r.randrange(5, 30)).capitalize() + ".",
                    "createdAt": "\x00C\x00",
                    "updatedAt": "\x00U\x00",
                    "stats": {
                        "views": r.randrange(0, 10**7),
                        "score": round(r.random() * 100, 4),
                        "ratio": r.random(),
                        "p95": round(r.lognormvariate(3, 1), 2),
                    },
                    "links": {"self": f"https://{API}/v2/{r.choice(WORDS)}s/\x00ID\x00"},
                }
            s = orjson.dumps(rec).decode().replace("%", "%%")
            s = (
                s.replace("\\u0000ID\\u0000", "%(id)s")
                .replace("\\u0000C\\u0000", "%(c)s")
                .replace("\\u0000U\\u0000", "%(u)s")
            )
            recs.append(s)
        self.json_pool = recs

        frames = []
        for _ in range(120):
            k = r.random()
            if k < 0.4:
                body = {
                    "type": "presence",
                    "channel": f"workspace:{self._uuid()}",
                    "users": [self._uuid() for _ in range(r.randrange(1, 6))],
                    "seq": "\x00S\x00",
                }
            elif k < 0.8:
                body = {
                    "type": "event",
                    "topic": f"{r.choice(WORDS)}.{r.choice(['changed', 'added', 'removed'])}",
                    "data": {
                        "id": self._uuid(),
                        r.choice(WORDS): self._words(r.randrange(2, 10)),
                        "rev": r.randrange(1, 9999),
                    },
                    "seq": "\x00S\x00",
                }
            else:
                body = {"type": r.choice(["ping", "pong", "ack"]), "seq": "\x00S\x00"}
            s = orjson.dumps(body).decode().replace("%", "%%").replace('"\\u0000S\\u0000"', "%(s)d")
            frames.append(s)
        self.frame_pool = frames

    def _plan_pages(self) -> None:
        n_pages = 1 if self.target < 256 * 2**10 else min(6, 2 + self.target // (128 * 2**20))
        names = ["Dashboard", "Projects", "Billing", "Settings", "Reports", "Team"]
        self.pages = []
        for i in range(n_pages):
            start = self.clock + i * 600_000.0
            self.pages.append(
                {
                    "startedDateTime": self._iso(start),
                    "id": f"page_{i + 1}",
                    "title": f"Acme Console – {names[i % len(names)]}",
                    "pageTimings": {
                        "onContentLoad": round(self.rng.uniform(300, 2500), 3),
                        "onLoad": round(self.rng.uniform(2500, 9000), 3),
                    },
                }
            )
        self.page_paths = ["dashboard", "projects", "billing", "settings", "reports", "team"]

    # ------------------------------------------------------------------ entry construction
    def _url(
        self, host: str, path: str, query: list[tuple[str, str]] | None = None, scheme: str = "https"
    ) -> tuple[str, str]:
        qs = "&".join(f"{k}={v}" for k, v in query) if query else ""
        full_path = path + ("?" + qs if qs else "")
        return f"{scheme}://{host}{full_path}", full_path

    def _cookie_objs(self, pairs: list[tuple[str, str]], domain: str) -> list[dict[str, Any]]:
        out = []
        for name, value in pairs:
            out.append(
                {
                    "name": name,
                    "value": value,
                    "path": "/",
                    "domain": "." + domain.split(".", 1)[1] if name.startswith("_ga") else domain,
                    "expires": self._iso(self.clock + 86_400_000 * 30),
                    "httpOnly": not name.startswith("_") and name not in ("theme", "locale"),
                    "secure": True,
                }
            )
        return out

    def _set_cookie(
        self, name: str, value: str, domain: str, http_only: bool = True, max_age: int | None = None
    ) -> tuple[str, dict[str, Any]]:
        exp = self.clock + 1000.0 * (max_age if max_age is not None else 7200)
        hdr = f"{name}={value}; Path=/; Domain={domain}; Expires={self._http_date(exp)}; Secure"
        if http_only:
            hdr += "; HttpOnly"
        hdr += "; SameSite=Lax"
        obj = {
            "name": name,
            "value": value,
            "path": "/",
            "domain": domain,
            "expires": self._iso(exp),
            "httpOnly": http_only,
            "secure": True,
            "sameSite": "Lax",
        }
        return hdr, obj

    def _initiator(self, kind: str) -> dict[str, Any]:
        r = self.rng
        if kind == "parser":
            return {"type": "parser", "url": self.page_url, "lineNumber": r.randrange(5, 400)}
        if kind == "other":
            return {"type": "other"}
        frames = []
        for _ in range(r.randrange(1, 6)):
            name = self._decoy("asset_hash", self._hex(8))
            frames.append(
                {
                    "functionName": r.choice(["", "fetch", "send", "request", "dispatch", "load", "n", "t", "e"]),
                    "scriptId": str(r.randrange(20, 900)),
                    "url": f"https://{CDN}/static/js/{r.choice(['main', 'vendors', 'runtime', '787', '412'])}.{name}.js",
                    "lineNumber": r.randrange(0, 3),
                    "columnNumber": r.randrange(100, 250_000),
                }
            )
        init: dict[str, Any] = {"type": "script", "stack": {"callFrames": frames}}
        if r.random() < 0.2:
            init["stack"]["parent"] = {
                "description": "Promise.then",
                "callFrames": [dict(frames[0], functionName="then", columnNumber=r.randrange(100, 9000))],
            }
        return init

    def _timings(self, reused: bool, body_len: int) -> tuple[dict[str, float], float]:
        r = self.rng
        t = {
            "blocked": round(r.uniform(0.2, 12), 3),
            "dns": -1,
            "ssl": -1,
            "connect": -1,
            "send": round(r.uniform(0.05, 1.2), 3),
            "wait": round(r.lognormvariate(3.5, 0.8), 3),
            "receive": round(0.3 + body_len / r.uniform(2e4, 2e5), 3),
            "_blocked_queueing": round(r.uniform(0.1, 5), 3),
        }
        if not reused:
            t["dns"] = round(r.uniform(1, 40), 3)
            t["ssl"] = round(r.uniform(10, 60), 3)
            t["connect"] = round(t["ssl"] + r.uniform(5, 40), 3)
        total = sum(v for k, v in t.items() if not k.startswith("_") and k != "ssl" and v > 0)
        return t, round(total, 3)

    def _req_headers(
        self,
        host: str,
        method: str,
        path: str,
        *,
        h2: bool,
        accept: str,
        dest: str,
        mode: str,
        cookie: str | None,
        extra: list[tuple[str, str]],
        referer: str | None,
    ) -> list[dict[str, str]]:
        site = "same-origin" if host == APP else ("same-site" if "acme" in host else "cross-site")
        pairs: list[tuple[str, str]] = [
            ("accept", accept),
            ("accept-encoding", "gzip, deflate, br, zstd"),
            ("accept-language", "en-US,en;q=0.9"),
            ("sec-ch-ua", SEC_CH_UA),
            ("sec-ch-ua-mobile", "?0"),
            ("sec-ch-ua-platform", '"macOS"'),
            ("sec-fetch-dest", dest),
            ("sec-fetch-mode", mode),
            ("sec-fetch-site", site),
            ("user-agent", UA),
        ]
        if referer:
            pairs.append(("referer", referer))
        if cookie:
            pairs.append(("cookie", cookie))
        pairs.extend(extra)
        if h2:
            pairs.sort(key=lambda p: p[0])
            pseudo = [(":authority", host), (":method", method), (":path", path), (":scheme", "https")]
            return [{"name": n, "value": v} for n, v in pseudo + pairs]
        out = [("Host", host), ("Connection", "keep-alive")] + [
            ("-".join(w.capitalize() for w in n.split("-")), v) for n, v in pairs
        ]
        return [{"name": n, "value": v} for n, v in out]

    def _resp_headers(
        self, *, h2: bool, mime: str | None, length: int, extra: list[tuple[str, str]], cache: str
    ) -> list[dict[str, str]]:
        r = self.rng
        pairs: list[tuple[str, str]] = [("date", self._http_date())]
        if mime:
            pairs.append(("content-type", mime))
            pairs.append(("content-length", str(length)))
        pairs.append(("cache-control", cache))
        pairs.append(("server", r.choice(["cloudflare", "envoy", "nginx", "AmazonS3"])))
        if r.random() < 0.6:
            pairs.append(("etag", self._decoy("etag", f'W/"{self._hex(r.choice([8, 16, 32]))}"')))
        pairs.append(("x-request-id", self._decoy("request_id", self._uuid())))
        if r.random() < 0.5:
            pairs.append(("cf-ray", f"{self._hex(16)}-{r.choice(['SJC', 'IAD', 'FRA', 'AMS'])}"))
        else:
            pairs.append(("x-amz-cf-id", base64.b64encode(r.randbytes(42)).decode()))
        pairs.append(("strict-transport-security", "max-age=31536000; includeSubDomains"))
        pairs.append(("vary", "Accept-Encoding"))
        pairs.extend(extra)
        if h2:
            return [{"name": n, "value": v} for n, v in pairs]
        return [{"name": "-".join(w.capitalize() for w in n.split("-")), "value": v} for n, v in pairs]

    def _entry(
        self,
        *,
        method: str,
        host: str,
        path: str,
        query: list[tuple[str, str]] | None = None,
        resource: str,
        accept: str = "*/*",
        status: int = 200,
        mime: str | None = None,
        text: str | None = None,
        encoding: str | None = None,
        size: int | None = None,
        post: dict[str, Any] | None = None,
        post_mime: str | None = None,
        req_extra: list[tuple[str, str]] | None = None,
        resp_extra: list[tuple[str, str]] | None = None,
        send_cookies: list[tuple[str, str]] | None = None,
        set_cookies: list[tuple[str, str, bool]] | None = None,
        redirect: str = "",
        ws: list[dict[str, Any]] | None = None,
        h2: bool = True,
        initiator: str = "script",
        cache: str = "no-cache",
        referer: str | None = "page",
    ) -> dict[str, Any]:
        r = self.rng
        url, full_path = self._url(host, path, query)
        dest, mode = {
            "document": ("document", "navigate"),
            "script": ("script", "no-cors"),
            "stylesheet": ("style", "no-cors"),
            "image": ("image", "no-cors"),
            "font": ("font", "cors"),
            "websocket": ("websocket", "websocket"),
            "eventsource": ("empty", "cors"),
        }.get(resource, ("empty", "cors"))
        cookie_pairs = send_cookies or []
        cookie_hdr = "; ".join(f"{n}={v}" for n, v in cookie_pairs) or None
        ref = None
        if referer == "page":
            ref = self.page_url
            if self.referer_override and host in (APP, API):
                ref, left = self.referer_override
                self.referer_override = (ref, left - 1) if left > 1 else None
        elif referer:
            ref = referer
        extra = list(req_extra or [])
        if post is not None and post_mime:
            extra.append(("content-type", post_mime))
            extra.append(("content-length", str(len(post.get("text", "").encode()))))
            if host in (APP, API):
                extra.append(("origin", f"https://{APP}"))
        req = {
            "method": method,
            "url": url,
            "httpVersion": "http/2.0" if h2 else "HTTP/1.1",
            "headers": self._req_headers(
                host,
                method,
                full_path,
                h2=h2,
                accept=accept,
                dest=dest,
                mode=mode,
                cookie=cookie_hdr,
                extra=extra,
                referer=ref,
            ),
            "queryString": [{"name": k, "value": v} for k, v in (query or [])],
            "cookies": self._cookie_objs(cookie_pairs, host),
            "headersSize": -1 if h2 else 400 + r.randrange(0, 600),
            "bodySize": len(post["text"].encode()) if post is not None else 0,
        }
        if post is not None:
            req["postData"] = post
        body_len = 0
        if text is not None:
            body_len = size if size is not None else len(text)
        resp_headers_extra = list(resp_extra or [])
        resp_cookies = []
        for name, value, http_only in set_cookies or []:
            hdr, obj = self._set_cookie(name, value, host, http_only)
            resp_headers_extra.append(("set-cookie", hdr))
            resp_cookies.append(obj)
        content: dict[str, Any] = {"size": body_len, "mimeType": mime or "x-unknown"}
        if text is not None:
            content["text"] = text
            if encoding:
                content["encoding"] = encoding
        resp = {
            "status": status,
            "statusText": ""
            if h2
            else {200: "OK", 204: "No Content", 302: "Found", 304: "Not Modified"}.get(status, ""),
            "httpVersion": req["httpVersion"],
            "headers": self._resp_headers(h2=h2, mime=mime, length=body_len, extra=resp_headers_extra, cache=cache),
            "cookies": resp_cookies,
            "content": content,
            "redirectURL": redirect,
            "headersSize": -1 if h2 else 300 + r.randrange(0, 400),
            "bodySize": -1 if status == 304 else int(body_len * r.uniform(0.2, 0.9)) if body_len else 0,
            "_transferSize": int(body_len * r.uniform(0.2, 0.9)) + r.randrange(200, 900),
            "_error": None,
        }
        reused = r.random() < 0.85
        timings, total = self._timings(reused, body_len)
        entry: dict[str, Any] = {
            "_initiator": self._initiator(initiator),
            "_priority": {
                "document": "VeryHigh",
                "stylesheet": "VeryHigh",
                "script": "High",
                "fetch": "High",
                "xhr": "High",
                "font": "VeryHigh",
            }.get(resource, "Low"),
            "_resourceType": resource,
            "cache": {},
            "connection": str(r.randrange(10_000, 400_000)),
            "pageref": self.cur_page["id"],
            "request": req,
            "response": resp,
            "serverIPAddress": HOST_IPS.get(host) or dict(THIRD_PARTY).get(host, "151.101.1.229"),
            "startedDateTime": self._iso(),
            "time": total,
            "timings": timings,
        }
        if ws is not None:
            entry["_webSocketMessages"] = ws
        self.clock += r.expovariate(1 / 120.0) + 1
        return entry

    # ------------------------------------------------------------------ bodies
    def _size(self, median: float, sigma: float, lo: int, hi: int, cap: int) -> int:
        v = int(self.rng.lognormvariate(0, sigma) * median)
        return max(lo, min(hi, cap, v))

    def _json_body(self, n: int) -> str:
        r = self.rng
        out = []
        total = 0
        while total < n:
            t = r.choice(self.json_pool) % {
                "id": self._uuid(),
                "c": self._iso(self.clock - r.randrange(0, 10**10)),
                "u": self._iso(self.clock - r.randrange(0, 10**8)),
            }
            out.append(t)
            total += len(t) + 1
        cursor = base64.urlsafe_b64encode(orjson.dumps({"o": r.randrange(0, 10**5)})).decode()
        return (
            '{"data":['
            + ",".join(out)
            + '],"meta":{"requestId":"'
            + self._decoy("request_id", self._uuid())
            + f'","total":{len(out) * r.randrange(1, 40)},"page":{r.randrange(1, 30)},"nextCursor":"{cursor}",'
            f'"generatedAt":"{self._iso()}","apiVersion":"2024-04-10"}}}}'
        )

    def _js_body(self, n: int) -> str:
        r = self.rng
        chunk_id = r.randrange(10, 999)
        head = f'"use strict";(self.webpackChunkacme_console=self.webpackChunkacme_console||[]).push([[{chunk_id}],{{'
        out = [head]
        total = len(head)
        while total < n:
            mod = f"{r.randrange(100, 99999)}:{r.choice(self.js_pool)},"
            out.append(mod)
            total += len(mod)
        out.append(f"}}]);\n//# sourceMappingURL={chunk_id}.{self._hex(8)}.chunk.js.map")
        return "".join(out)

    def _css_body(self, n: int) -> str:
        r = self.rng
        out = [
            f":root{{--fg:#1f2328;--fg-muted:#59636e;--accent:#0969da}}/*! acme-ui v{r.randrange(2, 6)}.{r.randrange(0, 20)}.{r.randrange(0, 9)} */"
        ]
        total = len(out[0])
        while total < n:
            rule = r.choice(self.css_pool)
            out.append(rule)
            total += len(rule)
        out.append(f"\n/*# sourceMappingURL=main.{self._hex(8)}.css.map */")
        return "".join(out)

    def _html_body(self, n: int, title: str) -> str:
        r = self.rng
        main_hash = self._decoy("asset_hash", self._hex(8))
        css_hash = self._hex(8)
        integrity = self._decoy("integrity", "sha384-" + base64.b64encode(r.randbytes(48)).decode())
        build = self._decoy(
            "version", f"web@{r.randrange(3, 6)}.{r.randrange(0, 30)}.{r.randrange(0, 20)}+{self._hex(8)}"
        )
        cfg = {
            "apiBase": f"https://{API}/v2",
            "release": build,
            "oauth": {
                "issuer": f"https://{OKTA}/oauth2/default",
                "clientId": OKTA_CLIENT_ID,
                "redirectUri": f"https://{APP}/callback",
                "scopes": ["openid", "profile", "email"],
            },
            "google": {"clientId": GOOGLE_CLIENT_ID},
            "features": {w: r.random() < 0.5 for w in r.sample(WORDS, 6)},
            "buildId": self._hex(40),
        }
        head = (
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width,initial-scale=1">'
            f'<meta name="description" content="{self._words(12)}">'
            f'<meta property="og:title" content="{title}"><meta name="theme-color" content="#0969da">'
            f"<title>{title}</title>"
            f'<link rel="preconnect" href="https://{API}"><link rel="stylesheet" href="https://{CDN}/static/css/main.{css_hash}.css">'
            f'<script src="https://cdn.jsdelivr.net/npm/react@18.2.0/umd/react.production.min.js" integrity="{integrity}" crossorigin="anonymous"></script>'
            f'<script defer src="https://{CDN}/static/js/main.{main_hash}.js?v={self._decoy("cache_buster", str(r.randrange(10**9, 2 * 10**9)))}"></script>'
            f"<script>window.__APP_CONFIG__={orjson.dumps(cfg).decode()};</script></head><body>"
            f'<div id="root"><header class="topbar"><form class="search" action="/search" method="get">'
            f'<input type="hidden" name="returnTo" value="/{r.choice(self.page_paths)}">'
            f'<input type="hidden" name="formId" value="{self._uuid()}">'
            f'<input type="hidden" name="locale" value="en-US">'
            f'<input type="search" name="q" placeholder="Search" autocomplete="off"></form></header><main>'
        )
        out = [head]
        total = len(head)
        while total < n:
            b = r.choice(self.html_pool)
            out.append(b)
            total += len(b)
        out.append(
            '</main><form id="feedback" method="post" action="/feedback">'
            '<textarea name="message"></textarea><select name="topic"><option>billing</option><option>bug</option></select>'
            '<button type="submit">Send</button></form></div></body></html>'
        )
        return "".join(out)

    def _media_body(self, n: int, kind: str) -> tuple[str, int]:
        magic = {
            "png": PNG_MAGIC,
            "jpeg": JPEG_MAGIC,
            "woff2": WOFF2_MAGIC,
            "gif": GIF_MAGIC,
            "webp": WEBP_MAGIC,
        }[kind]
        raw_len = max(len(magic) + 4, n * 3 // 4)
        raw = magic + self.rng.randbytes(raw_len - len(magic))
        return base64.b64encode(raw).decode(), raw_len

    def _sse_body(self, n: int) -> str:
        r = self.rng
        out = [": connected\nretry: 3000\n\n"]
        total = len(out[0])
        i = r.randrange(1, 10**6)
        while total < n:
            i += 1
            data = r.choice(self.json_pool) % {"id": self._uuid(), "c": self._iso(), "u": self._iso()}
            ev = f"id: {i}\nevent: {r.choice(['message', 'update', 'notification'])}\ndata: {data}\n\n"
            out.append(ev)
            total += len(ev)
        return "".join(out)

    # ------------------------------------------------------------------ ordinary entries
    def _app_cookies(self) -> list[tuple[str, str]]:
        return list(self.app_cookies)

    def _api_extra(self) -> list[tuple[str, str]]:
        r = self.rng
        tp = self._decoy("traceparent", f"00-{self._hex(32)}-{self._hex(16)}-01")
        extra = [
            ("traceparent", tp),
            ("x-client-version", self._decoy("version", f"4.{r.randrange(0, 40)}.{r.randrange(0, 20)}")),
        ]
        if self.bearer:
            extra.append(("authorization", f"Bearer {self.bearer}"))
        if r.random() < 0.3:
            extra.append(("x-correlation-id", self._uuid()))
        return extra

    def _ordinary(self, cap: int) -> tuple[dict[str, Any], str | None]:
        """One entry of the regular mix; returns (entry, category or None for bodiless)."""
        r = self.rng
        if r.random() < 0.18:
            return self._bodiless(), None
        # category with the largest deficit against its share, with some jitter
        total = sum(self.body_bytes.values()) + 1
        best, best_score = "json", -1e18
        for cat, share in BODY_SHARES.items():
            score = share * total - self.body_bytes[cat] + r.uniform(0, 0.02) * total
            if score > best_score:
                best, best_score = cat, score
        cat = best
        fn = getattr(self, f"_e_{cat}")
        entry, nbytes = fn(cap)
        self.body_bytes[cat] += nbytes
        return entry, cat

    def _e_json(self, cap: int) -> tuple[dict[str, Any], int]:
        r = self.rng
        n = self._size(4000, 1.3, 150, 400_000, cap)
        text = self._json_body(n)
        res = r.choice(WORDS) + "s"
        k = r.random()
        post = None
        post_mime = None
        method = "GET"
        query = [
            ("page", str(r.randrange(1, 30))),
            ("per_page", str(r.choice([20, 50, 100]))),
            ("include", ",".join(r.sample(WORDS, 2))),
        ]
        path = f"/v2/{res}"
        if k < 0.12:
            method = "POST"
            query = []
            body = {
                "name": self._words(3).title(),
                "description": self._words(r.randrange(3, 20)),
                "parentId": self._uuid(),
                "tags": r.sample(WORDS, 3),
                "settings": {
                    "visibility": r.choice(["private", "team", "public"]),
                    "retentionDays": r.choice([7, 30, 90]),
                },
                "clientMutationId": self._uuid(),
            }
            post_mime = "application/json"
            post = {"mimeType": post_mime, "text": orjson.dumps(body).decode()}
        elif k < 0.17:
            method = "POST"
            query = []
            path = f"/v2/{res}/import"
            boundary = "----WebKitFormBoundary" + self._alnum(16)
            csv = "\n".join(",".join(self._words(4).split()) for _ in range(r.randrange(3, 20)))
            text_mp = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="folderId"\r\n\r\n{self._uuid()}\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{r.choice(WORDS)}-export.csv"\r\n'
                f"Content-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n"
            )
            post_mime = f"multipart/form-data; boundary={boundary}"
            post = {
                "mimeType": post_mime,
                "text": text_mp,
                "params": [
                    {"name": "folderId", "value": text_mp.split("\r\n\r\n", 1)[1].split("\r\n", 1)[0]},
                    {
                        "name": "file",
                        "fileName": f"{res}-export.csv",
                        "contentType": "text/csv",
                        "value": csv,
                    },
                ],
            }
        elif k < 0.6:
            path = f"/v2/{res}/{self._uuid()}"
            query = [("expand", r.choice(WORDS))]
        extra = self._api_extra()
        headers_extra = []
        if self.api_key and self.api_key_uses > 0 and r.random() < 0.5:
            self.api_key_uses -= 1
            host = PARTNER
            extra = [("x-api-key", self.api_key), ("traceparent", f"00-{self._hex(32)}-{self._hex(16)}-01")]
        else:
            host = API
        entry = self._entry(
            method=method,
            host=host,
            path=path,
            query=query,
            resource=r.choice(["fetch", "xhr"]),
            accept="application/json, text/plain, */*",
            mime="application/json; charset=utf-8",
            text=text,
            post=post,
            post_mime=post_mime,
            req_extra=extra,
            resp_extra=headers_extra,
            send_cookies=self._app_cookies() if host == API else None,
            cache="private, no-store",
        )
        return entry, len(text)

    def _e_js(self, cap: int) -> tuple[dict[str, Any], int]:
        r = self.rng
        n = self._size(60_000, 1.1, 800, 1_600_000, cap)
        text = self._js_body(n)
        h = self._decoy("asset_hash", self._hex(8))
        name = r.choice(["main", "vendors", "runtime", "framework", str(r.randrange(100, 999))])
        if r.random() < 0.15:
            lib = r.choice([("lodash", "4.17.21"), ("dayjs", "1.11.10"), ("chart.js", "4.4.1"), ("axios", "1.6.8")])
            host, path, q = (
                "cdn.jsdelivr.net",
                f"/npm/{lib[0]}@{self._decoy('version', lib[1])}/dist/{lib[0]}.min.js",
                None,
            )
            h2 = False
        else:
            host, path, q, h2 = CDN, f"/static/js/{name}.{h}.js", None, True
            if r.random() < 0.2:
                q = [("v", self._decoy("cache_buster", str(r.randrange(10**12, 2 * 10**12))))]
        entry = self._entry(
            method="GET",
            host=host,
            path=path,
            query=q,
            resource="script",
            mime="application/javascript",
            text=text,
            h2=h2,
            initiator="parser",
            cache="public, max-age=31536000, immutable",
        )
        return entry, len(text)

    def _e_css(self, cap: int) -> tuple[dict[str, Any], int]:
        r = self.rng
        n = self._size(20_000, 1.0, 300, 300_000, cap)
        text = self._css_body(n)
        if r.random() < 0.2:
            host, path, q = (
                "fonts.googleapis.com",
                "/css2",
                [("family", "Inter:wght@400;500;600"), ("display", "swap")],
            )
            h2 = False
        else:
            host, path, q, h2 = (
                CDN,
                f"/static/css/{r.choice(['main', 'app', 'vendors'])}.{self._decoy('asset_hash', self._hex(8))}.css",
                None,
                True,
            )
        entry = self._entry(
            method="GET",
            host=host,
            path=path,
            query=q,
            resource="stylesheet",
            accept="text/css,*/*;q=0.1",
            mime="text/css",
            text=text,
            h2=h2,
            initiator="parser",
            cache="public, max-age=31536000",
        )
        return entry, len(text)

    def _e_html(self, cap: int) -> tuple[dict[str, Any], int]:
        r = self.rng
        n = self._size(30_000, 0.8, 2000, 250_000, cap)
        page = r.choice(self.page_paths)
        text = self._html_body(n, f"Acme Console – {page.title()}")
        q = [("tab", r.choice(WORDS))] if r.random() < 0.3 else None
        entry = self._entry(
            method="GET",
            host=APP,
            path=f"/{page}",
            query=q,
            resource="document",
            accept="text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
            mime="text/html; charset=utf-8",
            text=text,
            send_cookies=self._app_cookies(),
            initiator="other",
            req_extra=[("upgrade-insecure-requests", "1"), ("sec-fetch-user", "?1")],
        )
        self.page_url = entry["request"]["url"]
        return entry, len(text)

    def _e_media(self, cap: int) -> tuple[dict[str, Any], int]:
        r = self.rng
        kind = r.choices(["png", "jpeg", "woff2", "gif", "webp"], [4, 4, 2, 1, 1])[0]
        n = self._size(14_000, 1.2, 120, 800_000, cap)
        text, raw_len = self._media_body(n, kind)
        mime = {
            "png": "image/png",
            "jpeg": "image/jpeg",
            "woff2": "font/woff2",
            "gif": "image/gif",
            "webp": "image/webp",
        }[kind]
        if kind == "woff2":
            host, path, res = "fonts.gstatic.com", f"/s/inter/v13/{self._b64url(24)}.woff2", "font"
        elif r.random() < 0.3:
            host, path, res = MEDIA, f"/avatars/{self._hex(32)}.{kind}", "image"
        else:
            host, path, res = (
                CDN,
                f"/static/media/{r.choice(WORDS)}.{self._decoy('asset_hash', self._hex(8))}.{kind}",
                "image",
            )
        q = [("w", str(r.choice([64, 128, 256, 512]))), ("q", "80")] if res == "image" and r.random() < 0.3 else None
        entry = self._entry(
            method="GET",
            host=host,
            path=path,
            query=q,
            resource=res,
            accept="image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8" if res == "image" else "*/*",
            mime=mime,
            text=text,
            encoding="base64",
            size=raw_len,
            h2=host != "fonts.gstatic.com",
            initiator="parser",
            cache="public, max-age=604800",
        )
        return entry, len(text)

    def _e_ws(self, cap: int) -> tuple[dict[str, Any], int]:
        r = self.rng
        n = self._size(60_000, 1.0, 500, 600_000, cap)
        t = self.clock / 1000.0
        msgs = []
        total = 0
        seq = r.randrange(1, 1000)
        if self.bearer:
            data = orjson.dumps({"type": "auth", "token": self.bearer, "seq": seq}).decode()
            msgs.append({"type": "send", "time": round(t, 6), "opcode": 1, "data": data})
            total += len(data) + 60
        while total < n:
            seq += 1
            t += r.expovariate(1 / 0.8)
            data = r.choice(self.frame_pool) % {"s": seq}
            msgs.append(
                {
                    "type": r.choice(["receive", "receive", "send"]),
                    "time": round(t, 6),
                    "opcode": 1,
                    "data": data,
                }
            )
            total += len(data) + 60
        key = base64.b64encode(r.randbytes(16)).decode()
        entry = self._entry(
            method="GET",
            host=RT,
            path="/socket",
            query=[("v", "4"), ("encoding", "json")],
            resource="websocket",
            status=101,
            mime=None,
            text=None,
            ws=msgs,
            h2=False,
            send_cookies=self._app_cookies(),
            req_extra=[
                ("upgrade", "websocket"),
                ("sec-websocket-version", "13"),
                ("sec-websocket-key", key),
                ("sec-websocket-extensions", "permessage-deflate; client_max_window_bits"),
                ("origin", f"https://{APP}"),
            ],
            resp_extra=[
                ("upgrade", "websocket"),
                ("connection", "Upgrade"),
                ("sec-websocket-accept", base64.b64encode(r.randbytes(20)).decode()),
            ],
        )
        entry["response"]["statusText"] = "Switching Protocols"
        entry["response"]["content"] = {"size": 0, "mimeType": "x-unknown"}
        return entry, total

    def _e_sse(self, cap: int) -> tuple[dict[str, Any], int]:
        r = self.rng
        n = self._size(25_000, 1.0, 300, 400_000, cap)
        text = self._sse_body(n)
        entry = self._entry(
            method="GET",
            host=API,
            path="/v2/events/stream",
            query=[
                ("channel", r.choice(["notifications", "jobs", "presence"])),
                ("lastEventId", str(r.randrange(1, 10**6))),
            ],
            resource="eventsource",
            accept="text/event-stream",
            mime="text/event-stream; charset=utf-8",
            text=text,
            req_extra=self._api_extra(),
            send_cookies=self._app_cookies(),
            cache="no-cache",
        )
        return entry, len(text)

    def _bodiless(self) -> dict[str, Any]:
        r = self.rng
        k = r.random()
        if k < 0.35:  # analytics beacon, form-urlencoded
            cid = "1843356127.1715677811"
            body = f"v=2&tid=G-7KQ2ZB1X9M&cid={cid}&en=page_view&dl=https%3A%2F%2F{APP}%2F{r.choice(self.page_paths)}&_p={r.randrange(10**9, 2 * 10**9)}"
            post = {
                "mimeType": "application/x-www-form-urlencoded;charset=UTF-8",
                "text": body,
                "params": [{"name": a, "value": b} for a, b in (p.split("=", 1) for p in body.split("&"))],
            }
            return self._entry(
                method="POST",
                host="www.google-analytics.com",
                path="/g/collect",
                query=[("v", "2"), ("tid", "G-7KQ2ZB1X9M"), ("_s", str(r.randrange(1, 99)))],
                resource="ping",
                status=204,
                post=post,
                post_mime=post["mimeType"],
                h2=False,
            )
        if k < 0.6:  # CORS preflight
            return self._entry(
                method="OPTIONS",
                host=API,
                path=f"/v2/{r.choice(WORDS)}s",
                resource="preflight",
                status=204,
                req_extra=[
                    ("access-control-request-method", "POST"),
                    ("access-control-request-headers", "authorization,content-type,traceparent"),
                    ("origin", f"https://{APP}"),
                ],
                resp_extra=[
                    ("access-control-allow-origin", f"https://{APP}"),
                    ("access-control-allow-headers", "authorization,content-type,traceparent"),
                    ("access-control-max-age", "600"),
                ],
            )
        if k < 0.85:  # 304 revalidation
            h = self._decoy("asset_hash", self._hex(8))
            et = self._decoy("etag", f'"{self._hex(32)}"')
            e = self._entry(
                method="GET",
                host=CDN,
                path=f"/static/media/{r.choice(WORDS)}.{h}.svg",
                resource="image",
                status=304,
                req_extra=[("if-none-match", et)],
                resp_extra=[("etag", et)],
                initiator="parser",
            )
            return e
        # http -> https redirect
        path = f"/{r.choice(self.page_paths)}"
        loc = f"https://{APP}{path}"
        return self._entry(
            method="GET",
            host=APP,
            path=path,
            resource="document",
            status=301,
            mime="text/html",
            text="",
            resp_extra=[("location", loc)],
            redirect=loc,
            h2=False,
            initiator="other",
        )

    # ------------------------------------------------------------------ planted scenarios
    def _jwt(self, claims: dict[str, Any]) -> str:
        head = {"kid": "EXAMPLE-" + self._alnum(12), "alg": "RS256", "typ": "JWT"}
        enc = lambda o: base64.urlsafe_b64encode(orjson.dumps(o)).rstrip(b"=").decode()  # noqa: E731
        sig = "EXAMPLEdummySignature" + self._b64url(240)
        return f"{enc(head)}.{enc(claims)}.{sig[:342]}"

    def _github_token(self) -> str:
        body = "EXAMPLE" + self._alnum(23)
        crc = zlib.crc32(body.encode())
        chk = ""
        while crc:
            crc, rem = divmod(crc, 62)
            chk = BASE62[rem] + chk
        return "ghp_" + body + chk.rjust(6, "0")

    def _plant(self) -> list[dict[str, Any]]:
        scenarios = [
            self._p_okta_authn,
            self._p_okta_cookies,
            self._p_oauth,
            self._p_api_key,
            self._p_form_login,
            self._p_js_config,
            self._p_github,
            self._p_profile,
        ]
        fn = scenarios[self.plant_no % len(scenarios)]
        self.plant_no += 1
        return fn()

    def _p_okta_authn(self) -> list[dict[str, Any]]:
        token = self._secret("20111EXAMPLE" + self._alnum(45))
        self._secret(self.password)
        self._secret(self.email)
        req = {
            "username": self.email,
            "password": self.password,
            "options": {"warnBeforePasswordExpired": True, "multiOptionalFactorEnroll": False},
        }
        resp = {
            "expiresAt": self._iso(self.clock + 300_000),
            "status": "SUCCESS",
            "sessionToken": token,
            "_embedded": {
                "user": {
                    "id": self.user_id,
                    "passwordChanged": self._iso(self.clock - 9e9),
                    "profile": {
                        "login": self.email,
                        "firstName": self.first,
                        "lastName": self.last,
                        "locale": "en_US",
                        "timeZone": "America/Los_Angeles",
                    },
                }
            },
            "_links": {"cancel": {"href": f"https://{OKTA}/api/v1/authn/cancel", "hints": {"allow": ["POST"]}}},
        }
        self._pending_session_token = token
        e = self._entry(
            method="POST",
            host=OKTA,
            path="/api/v1/authn",
            resource="xhr",
            accept="application/json",
            mime="application/json",
            text=orjson.dumps(resp).decode(),
            post={"mimeType": "application/json", "text": orjson.dumps(req).decode()},
            post_mime="application/json",
            referer=f"https://{OKTA}/signin/default",
            req_extra=[("x-okta-user-agent-extended", "okta-signin-widget-7.18.0")],
        )
        return [e]

    def _p_okta_cookies(self) -> list[dict[str, Any]]:
        st = getattr(self, "_pending_session_token", None) or self._secret("20111EXAMPLE" + self._alnum(45))
        sid = self._secret("102EXAMPLE" + self._alnum(15))
        idx = self._secret(
            "eyJ6aXAiOiJERUYiLCJFWEFNUExFIjp0cnVlfQ.."
            + self._b64url(12)
            + "."
            + self._b64url(90)
            + "."
            + "EXAMPLE"
            + self._b64url(16)
        )
        dt = self._secret("DI1EXAMPLE" + self._b64url(15) + "-" + self._b64url(9))
        js = self._secret("EXAMPLE" + self._alnum(25, UPPER_HEX))
        redirect = f"https://{APP}/dashboard"
        loc = f"https://{OKTA}/oauth2/default/v1/authorize?client_id={OKTA_CLIENT_ID}&response_type=code&scope=openid%20profile%20email&redirect_uri=https%3A%2F%2F{APP}%2Fcallback"
        e = self._entry(
            method="GET",
            host=OKTA,
            path="/login/sessionCookieRedirect",
            query=[
                ("checkAccountSetupComplete", "true"),
                ("token", st),
                ("redirectUrl", redirect.replace(":", "%3A").replace("/", "%2F")),
            ],
            resource="document",
            status=302,
            mime="text/html",
            text="",
            set_cookies=[("sid", sid, True), ("idx", idx, True), ("DT", dt, True), ("JSESSIONID", js, True)],
            resp_extra=[("location", loc)],
            redirect=loc,
            initiator="other",
            referer=f"https://{OKTA}/signin/default",
        )
        self.okta_cookies = [("DT", dt), ("JSESSIONID", js), ("sid", sid), ("idx", idx)]
        return [e]

    def _p_oauth(self) -> list[dict[str, Any]]:
        code = self._secret("EXAMPLEcode" + self._b64url(24))
        state = self._secret("EXAMPLEstate" + self._alnum(20))
        verifier = self._secret("EXAMPLE-verifier-" + self._b64url(32))
        nonce = self._alnum(32)
        challenge = base64.urlsafe_b64encode(self.rng.randbytes(32)).rstrip(b"=").decode()
        auth_q = [
            ("client_id", OKTA_CLIENT_ID),
            ("code_challenge", challenge),
            ("code_challenge_method", "S256"),
            ("nonce", nonce),
            ("redirect_uri", f"https%3A%2F%2F{APP}%2Fcallback"),
            ("response_type", "code"),
            ("state", state),
            ("scope", "openid%20profile%20email%20offline_access"),
        ]
        cb_url, cb_path = self._url(APP, "/callback", [("code", code), ("state", state)])
        e1 = self._entry(
            method="GET",
            host=OKTA,
            path="/oauth2/default/v1/authorize",
            query=auth_q,
            resource="document",
            status=302,
            mime="text/html",
            text="",
            resp_extra=[("location", cb_url)],
            redirect=cb_url,
            send_cookies=self.okta_cookies or None,
            initiator="other",
            referer=f"https://{APP}/",
        )
        html = self._html_body(3000, "Signing in…")
        e2 = self._entry(
            method="GET",
            host=APP,
            path="/callback",
            query=[("code", code), ("state", state)],
            resource="document",
            mime="text/html; charset=utf-8",
            text=html,
            initiator="other",
            referer=f"https://{OKTA}/",
            send_cookies=self._app_cookies(),
            accept="text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        )
        self.page_url = cb_url
        self.referer_override = (cb_url, 3)
        access = self._secret(
            self._jwt(
                {
                    "ver": 1,
                    "jti": "AT.EXAMPLE" + self._b64url(30),
                    "iss": f"https://{OKTA}/oauth2/default",
                    "aud": "api://default",
                    "iat": int(self.clock / 1000),
                    "exp": int(self.clock / 1000) + 3600,
                    "cid": OKTA_CLIENT_ID,
                    "uid": self.user_id,
                    "scp": ["openid", "profile", "email", "offline_access"],
                    "sub": self.email,
                    "dummy": True,
                }
            )
        )
        refresh = self._secret("EXAMPLE-refresh-" + self._b64url(30))
        id_token = self._secret(
            self._jwt(
                {
                    "sub": self.user_id,
                    "name": f"{self.first} {self.last}",
                    "email": self.email,
                    "ver": 1,
                    "iss": f"https://{OKTA}/oauth2/default",
                    "aud": OKTA_CLIENT_ID,
                    "iat": int(self.clock / 1000),
                    "exp": int(self.clock / 1000) + 3600,
                    "jti": "ID.EXAMPLE" + self._b64url(30),
                    "amr": ["pwd"],
                    "nonce": nonce,
                    "dummy": True,
                }
            )
        )
        form = (
            f"grant_type=authorization_code&code={code}&redirect_uri=https%3A%2F%2F{APP}%2Fcallback"
            f"&code_verifier={verifier}&client_id={OKTA_CLIENT_ID}"
        )
        post = {
            "mimeType": "application/x-www-form-urlencoded",
            "text": form,
            "params": [{"name": a, "value": b} for a, b in (p.split("=", 1) for p in form.split("&"))],
        }
        resp = {
            "token_type": "Bearer",
            "expires_in": 3600,
            "access_token": access,
            "scope": "openid profile email offline_access",
            "refresh_token": refresh,
            "id_token": id_token,
        }
        self.page_url = cb_url
        e3 = self._entry(
            method="POST",
            host=OKTA,
            path="/oauth2/default/v1/token",
            resource="fetch",
            accept="application/json",
            mime="application/json",
            text=orjson.dumps(resp).decode(),
            post=post,
            post_mime="application/x-www-form-urlencoded",
            referer=f"https://{APP}/",
            resp_extra=[("pragma", "no-cache")],
        )
        app_sess = self._secret("s%3AEXAMPLE" + self._b64url(24) + "." + self._b64url(32))
        e2["response"]["headers"].append(
            {"name": "set-cookie", "value": self._set_cookie("app_session", app_sess, APP)[0]}
        )
        e2["response"]["cookies"].append(self._set_cookie("app_session", app_sess, APP)[1])
        self.app_cookies = [c for c in self.app_cookies if c[0] != "app_session"] + [("app_session", app_sess)]
        self.bearer = access
        return [e1, e2, e3]

    def _p_api_key(self) -> list[dict[str, Any]]:
        self.api_key = self._secret("dummyApiKeyEXAMPLE" + self._alnum(22))
        self.api_key_uses = 6
        body = {
            "data": [
                {
                    "id": self._uuid(),
                    "sku": f"SKU-{self.rng.randrange(10**5)}",
                    "stock": self.rng.randrange(500),
                }
                for _ in range(5)
            ],
            "requestId": self._uuid(),
        }
        e = self._entry(
            method="GET",
            host=PARTNER,
            path="/v1/inventory",
            query=[("warehouse", "us-west-2"), ("limit", "5")],
            resource="fetch",
            accept="application/json",
            mime="application/json",
            text=orjson.dumps(body).decode(),
            req_extra=[("x-api-key", self.api_key)],
        )
        return [e]

    def _p_form_login(self) -> list[dict[str, Any]]:
        self._secret(self.password)
        self._secret(self.email)
        sess = self._secret("EXAMPLE" + self._alnum(26, UPPER_HEX.lower()))
        user = self.email.replace("@", "%40")
        form = f"username={user}&password={self.password}&remember_me=on&returnTo=%2Freports"
        post = {
            "mimeType": "application/x-www-form-urlencoded",
            "text": form,
            "params": [{"name": a, "value": b} for a, b in (p.split("=", 1) for p in form.split("&"))],
        }
        e = self._entry(
            method="POST",
            host=LEGACY,
            path="/login",
            resource="document",
            status=302,
            mime="text/html",
            text="",
            post=post,
            post_mime="application/x-www-form-urlencoded",
            h2=False,
            accept="text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            resp_extra=[("location", f"https://{LEGACY}/reports")],
            redirect=f"https://{LEGACY}/reports",
            initiator="other",
            referer=f"https://{LEGACY}/login",
        )
        # HTTP/1.1 exporters (older Chrome, Charles) join several Set-Cookie lines with "\n" in one header.
        h1, c1 = self._set_cookie("PHPSESSID", sess, LEGACY)
        h2_, c2 = self._set_cookie("remember_web", "EXAMPLE" + self._b64url(30), LEGACY)
        self._secret(c2["value"])
        e["response"]["headers"].append({"name": "Set-Cookie", "value": h1 + "\n" + h2_})
        e["response"]["cookies"].extend([c1, c2])
        return [e]

    def _p_js_config(self) -> list[dict[str, Any]]:
        akid = self._secret("AKIA" + self._alnum(9, B32) + "EXAMPLE")
        secret = self._secret(base64.b64encode(self.rng.randbytes(22)).decode()[:30] + "EXAMPLEKEY")
        cfg = (
            '(function(w){"use strict";w.__ENV__={REGION:"us-west-2",'
            f'UPLOAD_BUCKET:"acme-uploads-prod",AWS_ACCESS_KEY_ID:"{akid}",AWS_SECRET_ACCESS_KEY:"{secret}",'
            f'SENTRY_RELEASE:"{self._decoy("version", "web@4.18." + str(self.rng.randrange(20)))}",'
            f'OAUTH_CLIENT_ID:"{OKTA_CLIENT_ID}",BUILD:"{self._hex(40)}"}}}})(window);'
        )
        text = cfg + self._js_body(4000)
        e = self._entry(
            method="GET",
            host=CDN,
            path=f"/static/js/env-config.{self._hex(8)}.js",
            resource="script",
            mime="application/javascript; charset=utf-8",
            text=text,
            initiator="parser",
            cache="public, max-age=300",
        )
        return [e]

    def _p_github(self) -> list[dict[str, Any]]:
        tok = self._secret(self._github_token())
        key = ["token", "personalAccessToken", "value", "secret"][self.plant_no // 8 % 4]
        body = {
            "integrations": [
                {"id": self._uuid(), "provider": "slack", "status": "connected", "workspace": "acme"},
                {
                    "id": self._uuid(),
                    "provider": "github",
                    "status": "connected",
                    "org": "acme-example",
                    "config": {"repo": "acme-example/console", "branch": "main", key: tok},
                },
            ],
            "requestId": self._uuid(),
        }
        e = self._entry(
            method="GET",
            host=API,
            path="/v2/settings/integrations",
            resource="fetch",
            accept="application/json",
            mime="application/json; charset=utf-8",
            text=orjson.dumps(body).decode(),
            req_extra=self._api_extra(),
            send_cookies=self._app_cookies(),
        )
        return [e]

    def _p_profile(self) -> list[dict[str, Any]]:
        self._secret(self.email)
        self._secret(self.phone)
        body = {
            "id": self.user_id,
            "status": "ACTIVE",
            "created": self._iso(self.clock - 9e10),
            "lastLogin": self._iso(),
            "profile": {
                "firstName": self.first,
                "lastName": self.last,
                "email": self.email,
                "login": self.email,
                "mobilePhone": self.phone,
                "locale": "en_US",
                "timezone": "America/Los_Angeles",
            },
            "preferences": {"theme": "dark", "digest": True},
            "roles": ["member"],
        }
        e = self._entry(
            method="GET",
            host=API,
            path="/v2/users/me",
            resource="fetch",
            accept="application/json",
            mime="application/json; charset=utf-8",
            text=orjson.dumps(body).decode(),
            req_extra=self._api_extra(),
            send_cookies=self._app_cookies(),
        )
        return [e]

    # ------------------------------------------------------------------ driver
    def _dump(self, entry: dict[str, Any]) -> bytes:
        if self.indent:
            return orjson.dumps(entry, option=orjson.OPT_INDENT_2).replace(b"\n", self._entry_indent)
        return orjson.dumps(entry)

    def _filler(self, budget: int) -> bytes:
        """A last image entry whose serialized size is budget bytes (to within a few)."""
        kind = "png"
        e = self._entry(
            method="GET",
            host=CDN,
            path=f"/static/media/hero.{self._hex(8)}.png",
            resource="image",
            mime="image/png",
            text="",
            encoding="base64",
            size=0,
            initiator="parser",
            cache="public, max-age=604800",
        )
        base = len(self._dump(e))
        n = max(0, budget - base - 8)
        if n >= 40:
            text, raw_len = self._media_body(n, kind)
            e["response"]["content"]["text"] = text
            e["response"]["content"]["size"] = raw_len
            self.body_bytes["media"] += len(text)
        return self._dump(e)

    def run(self, write: Callable[[bytes], Any]) -> Planted:
        head_obj = {
            "log": {
                "version": "1.2",
                "creator": {"name": "WebInspector", "version": "537.36"},
                "browser": {"name": "Chrome", "version": "124.0.6367.91"},
                "pages": self.pages,
                "entries": ["\x00ENTRIES\x00"],
            }
        }
        opt = orjson.OPT_INDENT_2 if self.indent else 0
        doc = orjson.dumps(head_obj, option=opt)
        prefix, suffix = doc.split(b'"\\u0000ENTRIES\\u0000"')
        sep = b",\n      " if self.indent else b","
        written = len(prefix)
        write(prefix)
        page_bytes = max(1, self.target // len(self.pages))
        self.cur_page = self.pages[0]
        first = True
        pending: list[dict[str, Any]] = []
        while True:
            remaining = self.target - written - len(suffix) - (0 if first else len(sep))
            if remaining <= 0:
                break
            pi = min(len(self.pages) - 1, written // page_bytes)
            if self.pages[pi] is not self.cur_page:
                self.cur_page = self.pages[pi]
                self.clock = max(
                    self.clock,
                    datetime.fromisoformat(self.cur_page["startedDateTime"].replace("Z", "+00:00")).timestamp() * 1000,
                )
                self.page_url = f"https://{APP}/{self.page_paths[pi % len(self.page_paths)]}"
            if not pending and self.n % self.every == self.every // 2:
                pending = self._plant()
            if pending:
                data = self._dump(pending.pop(0))
            elif remaining < FILL_THRESHOLD:
                if remaining < MIN_FILL:
                    break
                data = self._filler(remaining)
                if not first:
                    write(sep)
                    written += len(sep)
                write(data)
                written += len(data)
                self.n += 1
                break
            else:
                entry, _cat = self._ordinary(cap=max(200, remaining - 8000))
                data = self._dump(entry)
            if not first:
                write(sep)
                written += len(sep)
            write(data)
            written += len(data)
            first = False
            self.n += 1
        write(suffix)
        written += len(suffix)
        p = self.planted
        p.entries = self.n
        p.bytes_written = written
        p.body_bytes = dict(self.body_bytes)
        return p


def generate_har(
    target_bytes: int,
    *,
    seed: int = 1,
    secrets_every: int = 50,
    indent: bool = True,
    return_secrets: bool = False,
) -> bytes | tuple[bytes, list[str]]:
    """Build a whole HAR document in memory (io.BytesIO; peak about 1.1x the output)."""
    buf = io.BytesIO()
    planted = _Gen(target_bytes, seed, secrets_every, indent).run(buf.write)
    data = buf.getvalue()
    del buf
    return (data, planted.secrets) if return_secrets else data


def write_har(
    path: str | Path,
    target_bytes: int,
    *,
    seed: int = 1,
    secrets_every: int = 50,
    indent: bool = True,
) -> Planted:
    """Stream a HAR document to path with bounded memory; return what was planted."""
    with open(path, "wb", buffering=4 * 2**20) as f:
        return _Gen(target_bytes, seed, secrets_every, indent).run(f.write)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--size", required=True, type=parse_size, help="target size, e.g. 20MB, 500MB, 1.5GB (binary units)"
    )
    ap.add_argument("--out", required=True, help="output .har path ('-' for stdout)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--secrets-every", type=int, default=50, help="plant a credential scenario every N entries")
    ap.add_argument("--compact", action="store_true", help="no indentation (default: 2-space indent like browsers)")
    ap.add_argument("--secrets-out", help="write the planted secret values as a JSON list of strings")
    ap.add_argument(
        "--decoys-out", help="write a sample of decoy values (must survive sanitizing) as JSON {kind: [...]}"
    )
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    if args.out == "-":
        gen = _Gen(args.size, args.seed, args.secrets_every, not args.compact)
        planted = gen.run(sys.stdout.buffer.write)
    else:
        planted = write_har(
            args.out, args.size, seed=args.seed, secrets_every=args.secrets_every, indent=not args.compact
        )
    dt = time.perf_counter() - t0
    if args.secrets_out:
        Path(args.secrets_out).write_bytes(orjson.dumps(planted.secrets, option=orjson.OPT_INDENT_2))
    if args.decoys_out:
        Path(args.decoys_out).write_bytes(orjson.dumps(planted.decoys, option=orjson.OPT_INDENT_2))
    total_body = sum(planted.body_bytes.values()) or 1
    shares = " ".join(f"{k}={v / total_body:.0%}" for k, v in planted.body_bytes.items())
    sys.stderr.write(
        f"wrote {planted.bytes_written:,} bytes ({planted.bytes_written / args.size:.1%} of target), "
        f"{planted.entries:,} entries, {len(planted.secrets)} planted secrets in {dt:.1f}s; body shares: {shares}\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
