"""Quick self-check of the value-rule catalogue (`detect/rules/*.toml`), independent of the engine.

Every rule file is read with `tomllib` only: each pattern compiles under `re.ASCII` with exactly one
capture group, every example matches (validator included), no negative does, every match covers one of
the rule's keywords (the literal prefilter must never hide a match), known misses stay misses, and each
pattern also compiles in hyperscan's prefilter mode. `tests/rules/test_catalogue.py` runs the same
examples through both engines; this file only needs the data and the validators.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
RULES_DIR = ROOT / "src" / "harguard" / "detect" / "rules"

try:
    from harguard.detect.validators import VALIDATORS
except ImportError:  # the package is not installed: use the source tree
    sys.path.insert(0, str(ROOT / "src"))
    from harguard.detect.validators import VALIDATORS

REQUIRED_KEYS = {"id", "name", "kind", "severity", "keywords", "pattern", "references", "examples",
                 "negative_examples", "known_misses"}  # fmt: skip
OPTIONAL_KEYS = {"validator"}
SEVERITIES = {"critical", "high", "medium", "low"}
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\.[a-z0-9]+(?:-[a-z0-9]+)*$")
KIND_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KEYWORD_RE = re.compile(r"^[a-z0-9_\-./:@%+~=]+$")
# Families whose every rule must list one of our own placeholders among its negatives.
PLACEHOLDER_FAMILIES = {"http", "generic", "jwt"}
PLACEHOLDER_RE = re.compile(r"\[REDACTED:[a-z0-9-]+:[0-9a-f]{12}\]")
# Keyword-less rules run on every text, so they must be few and justified.
KEYWORDLESS_ALLOWED = {"pii.card-number", "pii.iban", "pii.ssn", "pii.phone-nanp"}

# Decoys that no rule at all may report: our own placeholders and the everyday noise of a HAR file.
GLOBAL_DECOYS = [
    "[REDACTED:jwt:3f9a1c2b7d4e]",
    "Authorization: Bearer [REDACTED:bearer-token:3f9a1c2b7d4e]",
    '{"access_token": "[REDACTED:oauth-access-token:0123456789ab]", "token_type": "Bearer"}',
    '"x-request-id": "550e8400-e29b-41d4-a716-446655440000"',
    "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    'ETag: "33a64df551425fcc55e4d42a148795d9f25f89d4"',
    'etag: W/"5e15153d-120f"',
    '<script src="/static/js/main.3f9a1c2b.js" '
    'integrity="sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC"></script>',
    '{"nextPageToken": "CiAKGjBpNDd2Nmp2Zml2cXRwYjBpOXA3EgZ1X2F1dGg", "pageSize": 50}',
    '{"startedDateTime": "2024-01-15T10:30:00.000Z", "time": 1700000000000, "_ts": 1700000000123456}',
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.109 Safari/537.36",
    "background:url(data:image/png;base64,"
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==)",
    "function(e,t){var n=e.token,r=t.secret;return n?a.authorize(n,r):void 0}",
]


def _load() -> list[tuple[str, dict[str, Any]]]:
    rules = []
    for path in sorted(RULES_DIR.glob("*.toml")):
        if path.name == "positions.toml":
            continue
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
        assert set(doc) == {"rule"}, f"{path.name}: only [[rule]] tables are allowed"
        for table in doc["rule"]:
            rules.append((path.stem, table))
    return rules


RULES = _load()
IDS = [table["id"] for _, table in RULES]


def _compile(rule: dict[str, Any]) -> re.Pattern[str]:
    return re.compile(rule["pattern"], re.ASCII)


def _secrets(rule: dict[str, Any], text: str) -> list[str]:
    """What the rule would redact in `text`: non-empty captures that pass the validator."""
    check = VALIDATORS[rule["validator"]] if "validator" in rule else None
    found = []
    for m in _compile(rule).finditer(text):
        secret = m.group(1)
        if secret and (check is None or check(secret)):
            found.append(secret)
    return found


def test_catalogue_is_not_empty() -> None:
    assert len(RULES) >= 60


def test_ids_unique() -> None:
    duplicates = sorted({i for i in IDS if IDS.count(i) > 1})
    assert not duplicates


@pytest.mark.parametrize(("family", "rule"), RULES, ids=IDS)
def test_rule_shape(family: str, rule: dict[str, Any]) -> None:
    keys = set(rule)
    assert REQUIRED_KEYS <= keys, f"missing {sorted(REQUIRED_KEYS - keys)}"
    assert keys <= REQUIRED_KEYS | OPTIONAL_KEYS, f"unknown {sorted(keys - REQUIRED_KEYS - OPTIONAL_KEYS)}"
    assert ID_RE.match(rule["id"]) and rule["id"].split(".")[0] == family
    assert KIND_RE.match(rule["kind"])
    assert rule["severity"] in SEVERITIES
    assert rule["name"].strip()
    assert all(KEYWORD_RE.match(k) and k == k.lower() for k in rule["keywords"])
    if not rule["keywords"]:
        assert rule["id"] in KEYWORDLESS_ALLOWED
    assert rule["references"] and all(r.startswith("https://") for r in rule["references"])
    assert len(rule["examples"]) >= 2 and len(rule["negative_examples"]) >= 2
    assert rule.get("validator") is None or rule["validator"] in VALIDATORS
    if family in PLACEHOLDER_FAMILIES:
        assert any(PLACEHOLDER_RE.search(n) for n in rule["negative_examples"])


@pytest.mark.parametrize(("family", "rule"), RULES, ids=IDS)
def test_pattern_compiles_with_one_group(family: str, rule: dict[str, Any]) -> None:
    assert _compile(rule).groups == 1


@pytest.mark.parametrize(("family", "rule"), RULES, ids=IDS)
def test_examples_match(family: str, rule: dict[str, Any]) -> None:
    misses = [i for i, example in enumerate(rule["examples"], 1) if not _secrets(rule, example)]
    assert not misses, f"examples not matched: {misses}"


@pytest.mark.parametrize(("family", "rule"), RULES, ids=IDS)
def test_negatives_do_not_match(family: str, rule: dict[str, Any]) -> None:
    hits = [i for i, negative in enumerate(rule["negative_examples"], 1) if _secrets(rule, negative)]
    assert not hits, f"negative examples matched: {hits}"


@pytest.mark.parametrize(("family", "rule"), RULES, ids=IDS)
def test_matches_cover_a_keyword(family: str, rule: dict[str, Any]) -> None:
    if not rule["keywords"]:
        return
    uncovered = []
    for i, example in enumerate(rule["examples"] + rule["known_misses"], 1):
        for m in _compile(rule).finditer(example):
            if not any(k in m.group(0).lower() for k in rule["keywords"]):
                uncovered.append(i)
    assert not uncovered, f"matches without a keyword in examples {uncovered}"


@pytest.mark.parametrize(("family", "rule"), RULES, ids=IDS)
def test_capture_is_tight(family: str, rule: dict[str, Any]) -> None:
    """The secret never starts or ends with whitespace or a quote: the placeholder replaces it exactly."""
    for example in rule["examples"]:
        for secret in _secrets(rule, example):
            assert secret == secret.strip().strip("\"'`")


KNOWN_MISSES = [(f, r, m) for f, r in RULES for m in r["known_misses"]]


@pytest.mark.parametrize(("family", "rule", "miss"), KNOWN_MISSES, ids=[r["id"] for _, r, _ in KNOWN_MISSES])
@pytest.mark.xfail(strict=True, reason="documented known miss")
def test_known_misses_still_missed(family: str, rule: dict[str, Any], miss: str) -> None:
    assert _secrets(rule, miss)


@pytest.mark.parametrize("decoy", GLOBAL_DECOYS)
def test_no_rule_matches_everyday_decoys(decoy: str) -> None:
    fired = [rule["id"] for _, rule in RULES if _secrets(rule, decoy)]
    assert not fired


# Catalogue kinds plus kinds the position layer uses for cookies, headers and parameters.
EXTRA_KINDS = {"jwt-signature", "cookie", "session-cookie", "okta-session", "oauth-code", "client-secret",
               "api-key", "app-password", "password-reset-token", "auth-token", "saml-response"}  # fmt: skip
KINDS = sorted({rule["kind"] for _, rule in RULES} | EXTRA_KINDS)
PLACEHOLDER_CONTEXTS = [
    "{p}",
    "token={p}",
    '{{"access_token": "{p}"}}',
    "Authorization: Bearer {p}",
    "Authorization: Basic {p}",
    "password={p}&user=jane",
    "https://user:{p}@example.com/",
    "Cookie: session={p}; d={p}",
]


@pytest.mark.parametrize("kind", KINDS)
def test_no_rule_matches_our_placeholders(kind: str) -> None:
    """The residual scan runs the same rules over sanitized output: placeholders must stay silent."""
    placeholder = f"[REDACTED:{kind}:3f9a1c2b7d4e]"
    texts = [c.format(p=placeholder) for c in PLACEHOLDER_CONTEXTS]
    fired = sorted({rule["id"] for _, rule in RULES for text in texts if _secrets(rule, text)})
    assert not fired


@pytest.mark.parametrize(("family", "rule"), RULES, ids=IDS)
def test_pattern_compiles_in_hyperscan(family: str, rule: dict[str, Any]) -> None:
    """Each pattern compiles as the engine compiles it (prefilter mode, large bounded repeats
    opened up by `for_hyperscan`, which keeps compile times in milliseconds)."""
    hyperscan = pytest.importorskip("hyperscan")
    from harguard.detect._hyperscan import for_hyperscan

    db = hyperscan.Database()
    db.compile(
        expressions=[for_hyperscan(rule["pattern"])],
        ids=[0],
        elements=1,
        flags=[hyperscan.HS_FLAG_PREFILTER | hyperscan.HS_FLAG_SINGLEMATCH],
    )
