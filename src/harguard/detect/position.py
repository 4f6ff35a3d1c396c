"""Position rules: a value is a credential because of where it sits, whatever its shape.

Every cookie value, `Authorization` of any scheme, token-named headers, OAuth/OIDC/SAML/Okta
parameters and JSON keys, password and OTP fields, signed-URL signatures. The knowledge lives
in `rules/positions.toml`; this module turns it into fast, cached lookups and applies the
policy (allow-lists, PII on or off, kinds switched off).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

from ..keynames import normalize_key
from ..policy import Policy
from ..types import Severity
from .entropy import looks_random

__all__ = ["person_parents", "PII_KINDS", "Position", "Positions", "severity_of_kind"]

Mode = Literal["whole", "authorization", "cookie-header", "set-cookie", "url"]

_HIGH_KINDS = {"csrf-token", "oauth-state", "cookie", "signature", "mfa-answer", "sso-ticket"}
_LOW_KINDS = {"oidc-nonce"}
PII_KINDS = {
    "email", "username", "phone", "person-name", "address", "birth-date", "ssn", "tax-id",
    "ip-address", "card-number", "iban", "saml-attribute",
}  # fmt: skip


def severity_of_kind(kind: str) -> Severity:
    """Credentials someone could replay are critical; PII is medium."""
    if kind in PII_KINDS:
        return Severity.MEDIUM
    if kind in _HIGH_KINDS:
        return Severity.HIGH
    if kind in _LOW_KINDS:
        return Severity.LOW
    return Severity.CRITICAL


@dataclass(frozen=True, slots=True)
class Position:
    """The verdict for one position: redact as `kind`, in this `mode`."""

    kind: str
    rule: str
    severity: Severity
    mode: Mode = "whole"


@lru_cache(maxsize=1)
def _load() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("rules/positions.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def person_parents() -> tuple[str, ...]:
    """Keys under which an object describes a person (`customer`, `viewer` …), for the prefilter."""
    return tuple(_load()["pii"]["person_name"]["parents"])


class Positions:
    """Cached position lookups under one policy."""

    def __init__(self, policy: Policy) -> None:
        data = _load()
        self.policy = policy
        headers = data["headers"]
        self._header_modes: dict[str, Mode] = {}
        for name in headers["authorization"]:
            self._header_modes[name] = "authorization"
        for name in headers["cookie"]:
            self._header_modes[name] = "cookie-header"
        for name in headers["set_cookie"]:
            self._header_modes[name] = "set-cookie"
        for name in headers["url"]:
            self._header_modes[name] = "url"
        self._header_credential = set(headers["credential"])
        self._header_fragments = tuple(headers["credential_fragments"])
        self._header_not = set(headers["not_credential"])
        self._header_ip = set(headers["pii_ip"])
        keys = data["keys"]
        self._exact: dict[str, str] = dict(keys["exact"]) | dict(policy.extra_keys)
        self._suffixes = tuple(keys["suffixes"].items())
        self._conditional = {k: (v["kind"], frozenset(v["siblings"])) for k, v in keys["conditional"].items()}
        self._not_credential = frozenset(keys["not_credential"])
        pii = data["pii"]
        self._pii_exact: dict[str, str] = dict(pii["exact"])
        self._pii_suffixes = tuple(pii["suffixes"].items())
        self._person_keys = frozenset(pii["person_name"]["keys"])
        # A parent key arrives among the siblings as `@<normalised key>` (see `describes_person`).
        parents = pii["person_name"]["parents"]
        self._person_siblings = frozenset(pii["person_name"]["siblings"]) | frozenset(
            f"@{parent}{plural}" for parent in parents for plural in ("", "s")
        )
        self._cookies = [
            (c["kind"], re.compile(c["names"]), re.compile(c["hosts"]) if "hosts" in c else None)
            for c in data["cookies"]
        ]
        self._header_cache: dict[str, Position | None] = {}
        self._key_cache: dict[str, tuple[str, bool] | None] = {}
        self._matter_cache: dict[str, bool] = {}
        self._person_cache: dict[str, bool] = {}

    # -- verdict construction ------------------------------------------------------------
    def _verdict(self, kind: str, rule: str, mode: Mode = "whole") -> Position | None:
        if kind in self.policy.disabled_kinds or rule in self.policy.disabled_rules:
            return None
        if not self.policy.pii and kind in PII_KINDS:
            return None
        return Position(kind, rule, severity_of_kind(kind), mode)

    # -- headers -----------------------------------------------------------------------
    def header(self, name: str) -> Position | None:
        """Verdict for a header (request or response) by name, any letter case."""
        try:
            return self._header_cache[name]
        except KeyError:
            pass
        verdict = self._header_uncached(name.lower())
        self._header_cache[name] = verdict
        return verdict

    def _header_uncached(self, lower: str) -> Position | None:
        if lower in self.policy.allow_headers:
            return None
        if lower in self.policy.extra_headers:
            return self._verdict(self.policy.extra_headers[lower], "position.header")
        mode = self._header_modes.get(lower)
        if mode == "authorization":
            return self._verdict("authorization", "position.authorization", mode)
        if mode == "cookie-header":
            return Position("cookie", "position.cookie", Severity.HIGH, mode)
        if mode == "set-cookie":
            return Position("cookie", "position.set-cookie", Severity.HIGH, mode)
        if mode == "url":
            return Position("url", "position.url", Severity.LOW, mode)
        if lower in self._header_ip:
            return self._verdict("ip-address", "position.header-ip")
        if lower in self._header_not:
            return None
        if lower in self._header_credential:
            return self._verdict("api-key" if "key" in lower else "token", "position.header")
        if any(fragment in lower for fragment in self._header_fragments):
            return self._verdict("api-key" if "key" in lower else "token", "position.header")
        return None

    # -- keys (query, form, JSON, multipart, XML, key: value in text) ----------------------
    def key(self, name: str, *, value: str | None = None, siblings: Collection[str] | None = None) -> Position | None:
        """Verdict for a value stored under key `name`.

        `siblings` are the normalised names of the other keys in the same object or query
        (they decide the conditional keys such as `code` and `state`); `value` lets a
        conditional key without telling siblings fire when the value looks random.
        """
        normalized = normalize_key(name)
        try:
            static = self._key_cache[normalized]
        except KeyError:
            static = self._key_cache[normalized] = self._key_static(normalized)
        if static is not None:
            kind, is_pii = static
            return self._verdict(kind, "position.pii-key" if is_pii else "position.key")
        conditional = self._conditional.get(normalized)
        if conditional is not None and normalized not in self.policy.allow_keys:
            kind, needed = conditional
            if (siblings and needed and not needed.isdisjoint(siblings)) or (
                value is not None and looks_random(value, min_length=12)
            ):
                return self._verdict(kind, "position.key")
            return None
        if normalized in self._person_keys and siblings and not self._person_siblings.isdisjoint(siblings):
            return self._verdict("person-name", "position.pii-key")
        return None

    def _key_static(self, normalized: str) -> tuple[str, bool] | None:
        if normalized in self.policy.allow_keys or normalized in self._not_credential:
            return None
        if normalized in self._exact:
            return self._exact[normalized], False
        if normalized in self._pii_exact:
            return self._pii_exact[normalized], True
        for suffix, kind in self._suffixes:
            if normalized.endswith(suffix) and len(normalized) > len(suffix):
                return kind, False
        for suffix, kind in self._pii_suffixes:
            if normalized.endswith(suffix):
                return kind, True
        return None

    def may_matter(self, name: str) -> bool:
        """False when a value under `name` can never be redacted by position (whatever its value
        and siblings): the fast path of the JSON walk. Cached by the raw name."""
        found = self._matter_cache.get(name)
        if found is None:
            normalized = normalize_key(name)
            found = self._key_static(normalized) is not None or normalized in self._conditional
            if len(self._matter_cache) < 100_000:
                self._matter_cache[name] = found
        return found

    def siblings_decide(self, name: str, keys: Collection[str]) -> bool | None:
        """For a conditional key: whether its telling siblings occur among `keys` (None: the key
        is not conditional)."""
        conditional = self._conditional.get(normalize_key(name))
        if conditional is None:
            return None
        return bool(conditional[1]) and not conditional[1].isdisjoint(keys)

    def is_person_key(self, name: str) -> bool:
        """`name`-like keys: a person's name only in an object with person siblings."""
        found = self._person_cache.get(name)
        if found is None:
            found = self._person_cache[name] = normalize_key(name) in self._person_keys
        return found

    def describes_person(self, siblings: Collection[str]) -> bool:
        """Whether an object with these (normalised) keys describes a person; the key it sits
        under, if any, is among them as `@<key>`."""
        return not self._person_siblings.isdisjoint(siblings)

    # -- cookies -------------------------------------------------------------------------
    def cookie(self, name: str, host: str | None = None) -> Position | None:
        """Every cookie is a credential unless allow-listed; the catalogue only picks the kind."""
        if name in self.policy.allow_cookies:
            return None
        for kind, names, hosts in self._cookies:
            if names.search(name) and (hosts is None or (host is not None and hosts.search(host))):
                return self._verdict(kind, "position.cookie")
        return self._verdict("cookie", "position.cookie")
