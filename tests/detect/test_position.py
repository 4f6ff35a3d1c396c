"""Position rules: the examples in positions.toml, and the invariants the fast paths rely on."""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any

import pytest

from harguard.detect.position import Positions
from harguard.keynames import normalize_key
from harguard.policy import Policy
from harguard.redact.scrubber import KEY_HINTS

DATA: dict[str, Any] = tomllib.loads(
    resources.files("harguard.detect").joinpath("rules/positions.toml").read_text(encoding="utf-8")
)
POSITIONS = Positions(Policy())


def _verdict(where: str, name: str) -> str | None:
    if where == "header":
        found = POSITIONS.header(name)
    elif where == "cookie":
        found = POSITIONS.cookie(name)
    else:
        found = POSITIONS.key(name)
    return found.kind if found else None


@pytest.mark.parametrize("example", DATA["examples"], ids=lambda e: f"{e['where']}:{e['name']}")
def test_examples(example: dict[str, str]) -> None:
    assert _verdict(example["where"], example["name"]) == example["kind"]


@pytest.mark.parametrize("example", DATA["negative_examples"], ids=lambda e: f"{e['where']}:{e['name']}")
def test_negative_examples(example: dict[str, str]) -> None:
    assert _verdict(example["where"], example["name"]) is None


def _key_names() -> list[str]:
    keys = DATA["keys"]
    names = [*keys["exact"], *keys["suffixes"], *keys["conditional"], *DATA["pii"]["exact"], *DATA["pii"]["suffixes"]]
    return sorted(set(names))


@pytest.mark.parametrize("name", _key_names())
def test_every_key_holds_a_telling_word(name: str) -> None:
    """The JSON fast path finds keys by their telling words: a key without one would be missed."""
    assert any(hint.replace("_", "").replace("-", "") in normalize_key(name) for hint in KEY_HINTS), name


def test_pii_off_drops_only_pii() -> None:
    off = Positions(Policy(pii=False))
    assert off.key("email") is None and off.key("phone_number") is None
    assert off.key("password") is not None and off.cookie("sid") is not None


def test_allow_lists_and_extra_keys() -> None:
    policy = Policy(allow_cookies=frozenset({"theme"}), allow_keys=frozenset({"session_state"}),
                    extra_keys={"tenant_secret_value": "secret"}, disabled_kinds=frozenset({"oidc-nonce"}))  # fmt: skip
    positions = Positions(policy)
    assert positions.cookie("theme") is None and positions.cookie("sid") is not None
    assert positions.key("sessionState") is None
    assert positions.key("tenant-secret-value") is not None
    assert positions.key("nonce") is None


@pytest.mark.parametrize(
    ("value", "siblings", "redacted"),
    [
        ("US", ["state"], True),  # beside an OAuth sibling, whatever it looks like
        ("US", [], False),
        ("SplxlOBeZQQYbYS6WxSbIA9x", [], True),  # random enough on its own
        ("checkout", ["page"], False),
    ],
)
def test_code_is_a_credential_only_beside_oauth_siblings_or_when_random(
    value: str, siblings: list[str], redacted: bool
) -> None:
    assert (POSITIONS.key("code", value=value, siblings=siblings) is not None) is redacted
