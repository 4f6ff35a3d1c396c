"""Policy: what to redact. Frozen, built from defaults plus an optional TOML policy file.

The defaults need no file. A policy file can allow-list cookie names, keys, headers and exact
values, add key/header names and value rules, switch PII or single rules and kinds off, and
choose how `serverIPAddress` and JWTs are treated. Unknown keys are an error (fail closed): a
typo in a policy must never quietly switch protection off.

    pii = true                       # emails, phones, names ... (default on)
    server_ip = "private"            # keep | private | all: which serverIPAddress values to redact
    jwt = "partial"                  # partial: keep header + non-identifying claims | whole
    [allow]
    cookies = ["theme"]              # cookie names whose values are kept
    keys = ["session_state"]         # parameter / JSON key names never redacted by position
    headers = ["x-debug-token"]      # header names never redacted by position
    values = ["public-demo-token"]   # exact values never redacted
    [disable]
    rules = ["pii.phone"]            # rule ids switched off
    kinds = ["person-name"]          # kinds switched off
    [add]
    keys = { my_secret_field = "secret" }       # extra sensitive key names → kind
    headers = { "x-tenant-auth" = "token" }     # extra sensitive header names → kind
    rule_files = ["our-rules.toml"]             # extra value rules (same format as the built-ins)
    [[rule]]                                    # or inline rules
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .detect.catalogue import Rule, load_rule_file, parse_rules
from .errors import PolicyError
from .keynames import normalize_key

__all__ = ["Policy"]

ServerIPMode = Literal["keep", "private", "all"]
JWTMode = Literal["partial", "whole"]

_TOP_KEYS = {"pii", "server_ip", "jwt", "allow", "disable", "add", "rule"}
_ALLOW_KEYS = {"cookies", "keys", "headers", "values"}
_DISABLE_KEYS = {"rules", "kinds"}
_ADD_KEYS = {"keys", "headers", "rule_files"}


@dataclass(frozen=True)
class Policy:
    """What to redact. The defaults are the safe choice; every relaxation is explicit."""

    pii: bool = True
    server_ip: ServerIPMode = "private"
    jwt: JWTMode = "partial"
    allow_cookies: frozenset[str] = frozenset()
    allow_keys: frozenset[str] = frozenset()
    allow_headers: frozenset[str] = frozenset()
    allow_values: frozenset[str] = field(default=frozenset(), repr=False)
    disabled_rules: frozenset[str] = frozenset()
    disabled_kinds: frozenset[str] = frozenset()
    extra_keys: Mapping[str, str] = field(default_factory=dict)
    extra_headers: Mapping[str, str] = field(default_factory=dict)
    extra_rules: tuple[Rule, ...] = ()

    def __post_init__(self) -> None:
        if self.server_ip not in ("keep", "private", "all"):
            raise PolicyError("server_ip must be one of keep, private, all")
        if self.jwt not in ("partial", "whole"):
            raise PolicyError("jwt must be partial or whole")
        object.__setattr__(self, "allow_keys", frozenset(normalize_key(k) for k in self.allow_keys))
        object.__setattr__(self, "allow_headers", frozenset(h.lower() for h in self.allow_headers))
        object.__setattr__(self, "extra_keys", {normalize_key(k): v for k, v in self.extra_keys.items()})
        object.__setattr__(self, "extra_headers", {h.lower(): v for h, v in self.extra_headers.items()})

    @classmethod
    def from_toml(cls, path: str | Path) -> Policy:
        """Read a policy file; rule files it names are resolved relative to it."""
        path = Path(path)
        try:
            doc = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise PolicyError(f"{path}: cannot read policy ({type(exc).__name__})") from None
        except tomllib.TOMLDecodeError as exc:
            raise PolicyError(f"{path}: not valid TOML ({exc})") from None
        return cls.from_dict(doc, base_dir=path.parent, source=str(path))

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any], *, base_dir: Path | None = None, source: str = "policy") -> Policy:
        _check_keys(doc, _TOP_KEYS, source)
        allow = _table(doc, "allow", _ALLOW_KEYS, source)
        disable = _table(doc, "disable", _DISABLE_KEYS, source)
        add = _table(doc, "add", _ADD_KEYS, source)
        rules: list[Rule] = []
        for name in _strings(add, "rule_files", source):
            rule_path = Path(name) if base_dir is None else base_dir / name
            rules.extend(load_rule_file(rule_path))
        if "rule" in doc:
            rules.extend(parse_rules({"rule": doc["rule"]}, source=source))
        pii = doc.get("pii", True)
        if not isinstance(pii, bool):
            raise PolicyError(f"{source}: pii must be true or false")
        return cls(
            pii=pii,
            server_ip=doc.get("server_ip", "private"),
            jwt=doc.get("jwt", "partial"),
            allow_cookies=frozenset(_strings(allow, "cookies", source)),
            allow_keys=frozenset(_strings(allow, "keys", source)),
            allow_headers=frozenset(_strings(allow, "headers", source)),
            allow_values=frozenset(_strings(allow, "values", source)),
            disabled_rules=frozenset(_strings(disable, "rules", source)),
            disabled_kinds=frozenset(_strings(disable, "kinds", source)),
            extra_keys=_mapping(add, "keys", source),
            extra_headers=_mapping(add, "headers", source),
            extra_rules=tuple(rules),
        )


def _check_keys(doc: Mapping[str, Any], allowed: set[str], source: str) -> None:
    unknown = set(doc) - allowed
    if unknown:
        raise PolicyError(f"{source}: unknown policy keys {sorted(unknown)}")


def _table(doc: Mapping[str, Any], name: str, allowed: set[str], source: str) -> Mapping[str, Any]:
    table = doc.get(name, {})
    if not isinstance(table, dict):
        raise PolicyError(f"{source}: [{name}] must be a table")
    _check_keys(table, allowed, f"{source} [{name}]")
    return table


def _strings(table: Mapping[str, Any], name: str, source: str) -> list[str]:
    value = table.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PolicyError(f"{source}: {name} must be a list of strings")
    return value


def _mapping(table: Mapping[str, Any], name: str, source: str) -> dict[str, str]:
    value = table.get(name, {})
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise PolicyError(f"{source}: {name} must map names to kinds")
    return dict(value)
