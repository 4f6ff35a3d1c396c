"""Entropy and decoy helpers: parametrised (value, expected) tables full of HAR-file noise."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

try:
    from harguard.detect import entropy
except ImportError:  # the package is not installed: use the source tree
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
    from harguard.detect import entropy

UUID4 = "550e8400-e29b-41d4-a716-446655440000"
UUID1 = "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
MD5 = "d41d8cd98f00b204e9800998ecf8427e"
SHA1 = "33a64df551425fcc55e4d42a148795d9f25f89d4"
SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
PNG_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
JPEG_B64 = "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgkICQkKDA8MCgsOCwkJDRENDg8Q"

# Strings a random generator would plausibly produce (keys, tokens, secrets).
RANDOM = [
    "Xq7r9Lm2Tz8Kp4Vw3Nb6Yc1D",
    "q8Ux7Nb2Kp4Vw9Tz3Lm6Rc1D",
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    "pk_test_TYooMQauvdEDq54NiTphI7jx",
    "aB3dE5fG7hJ9kL1mN2pQ4rS6tU8v",
    "7fQ2mZ8pL4kW9rT1vB6nX3cJ",
    "je7MtGbClwBF2Zp9Utkh3yCo8nvb",
    MD5,  # hex digests are random too; callers decide whether they count
    SHA256,
    "K7X2M9Q4T1B8V3N6Z5C0R7W2",  # upper-case base36
]

# Natural or structured text that must not look random.
NOT_RANDOM = [
    "hello_world_this_is_text",
    "PROJECT_NAME_ALIAS_VALUE",
    "nextPageTokenValueForList",
    "getElementsByClassName",
    "useEffectCallbackHandler",
    "application/x-www-form-urlencoded",
    "https://example.com/path/to/resource",
    "2024-01-15T10:30:00.000Z",
    "Mon, 15 Jan 2024 10:30:00 GMT",
    "1700000000000000000",
    "aaaaaaaaaaaaaaaaaaaaaaaa",
    "abcdefghijklmnopqrstuvwx",
    "0123456789abcdef01234567",
    "thisisaverylongpasswordphrase",
    "EXAMPLEdummyEXAMPLEdummy00",
    UUID4,  # dashes and a fixed layout: a UUID is structured, not "random text" of its alphabet
    PNG_B64,
    "short",
]


@pytest.mark.parametrize("value", RANDOM)
def test_looks_random_accepts_random_strings(value: str) -> None:
    assert entropy.looks_random(value)


@pytest.mark.parametrize("value", NOT_RANDOM)
def test_looks_random_rejects_text_and_structure(value: str) -> None:
    assert not entropy.looks_random(value)


def test_looks_random_min_length() -> None:
    assert not entropy.looks_random("Xq7r9Lm2Tz8K")
    assert entropy.looks_random("Xq7r9Lm2Tz8K", min_length=12)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", 0.0),
        ("aaaa", 0.0),
        ("ab", 1.0),
        ("abcd", 2.0),
        ("0123456789abcdef", 4.0),
    ],
)
def test_shannon_entropy(value: str, expected: float) -> None:
    assert math.isclose(entropy.shannon_entropy(value), expected)


def test_shannon_entropy_orders_random_above_words() -> None:
    assert entropy.shannon_entropy("Xq7r9Lm2Tz8Kp4Vw3Nb6Yc1D") > entropy.shannon_entropy("passwordpassword")


def test_p_random_is_a_probability() -> None:
    for value in RANDOM + NOT_RANDOM:
        assert 0.0 <= entropy.p_random(value) <= 1.0


def test_p_random_separates_identifiers_by_orders_of_magnitude() -> None:
    assert entropy.p_random("hello_world") < 1e-6
    assert entropy.p_random("sk_test_4eC39HqLyjWDarjtT1zdp7dc") > 1e-4


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (UUID4, True),
        (UUID1, True),
        (UUID4.upper(), True),
        ("{" + UUID1 + "}", True),
        ("urn:uuid:" + UUID4, True),
        (" " + UUID4 + " ", True),
        (UUID4.replace("-", ""), False),  # undashed: see is_hex_hash
        (UUID4[:-1], False),
        (UUID4 + "0", False),
        ("550e8400-e29b-41d4-a716-44665544000g", False),
        (TRACEPARENT, False),
        ("not-a-uuid-at-all", False),
    ],
)
def test_is_potential_uuid(value: str, expected: bool) -> None:
    assert entropy.is_potential_uuid(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (MD5, True),
        (SHA1, True),
        (SHA256, True),
        (SHA256 * 2, True),  # SHA-512 length
        ('"33a64df551425fcc55e4d42a148795d9f25f89d4"', True),  # strong ETag
        ('W/"5e15153d"', True),  # weak ETag around a CRC-sized digest
        ("3f9a1c2b", True),  # asset-hash length
        ("4bf92f3577b34da6a3ce929d0e0e4736", True),
        ('W/"5e15153d-120f"', False),  # nginx weak ETag: mtime-size, not a digest
        (SHA1[:-1], False),  # odd length
        ("33a64df551425fcc55e4d42a148795d9f25f89dz", False),
        ("main.3f9a1c2b.js", False),
        ("", False),
    ],
)
def test_is_hex_hash(value: str, expected: bool) -> None:
    assert entropy.is_hex_hash(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (TRACEPARENT, True),
        ("4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1", True),  # B3 single header
        ("80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90", True),
        ("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1", True),
        ("4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1", True),  # Jaeger
        ("4bf92f3577b34da6a3ce929d0e0e4736", False),  # bare: indistinguishable from MD5
        (UUID4, False),
        ("1.2.3-beta.4", False),
    ],
)
def test_is_trace_id(value: str, expected: bool) -> None:
    assert entropy.is_trace_id(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (PNG_B64, True),
        (JPEG_B64, True),
        ("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==", True),  # GIF
        (
            "d09GMgABAAAAAAoEAA0AAAAAEtQAAAmwAAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAP0ZGVE0cGh4GYACCShEICpZUjjYLQAAB",
            True,
        ),
        ("data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4=", True),
        ("Xq7r9Lm2Tz8Kp4Vw3Nb6Yc1D", False),
        ("eyJhbGciOiJIUzI1NiJ9", False),
    ],
)
def test_is_base64_media(value: str, expected: bool) -> None:
    assert entropy.is_base64_media(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("${API_KEY}", True),
        ("${{ secrets.DEPLOY_TOKEN }}", True),
        ("{{ token }}", True),
        ("{{accessToken}}", True),
        ("{0}", True),
        ("{api_key}", True),
        ("%API_KEY%", True),
        ("$API_KEY", True),
        ("#{octopus.secret}", True),
        ("@API_KEY@", True),
        ("<token>", True),
        ("<YOUR_API_KEY>", True),
        ("[REDACTED:jwt:3f9a1c2b7d4e]", True),
        ("%s", True),
        ("process.env.API_KEY", True),
        ("Xq7r9Lm2Tz8Kp4Vw3Nb6Yc1D", False),
        ("$2b$12$EXAMPLEdummyHashValue0000", False),  # a bcrypt hash is not a variable
        ("price: $5", False),
    ],
)
def test_is_templated(value: str, expected: bool) -> None:
    assert entropy.is_templated(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("********", True),
        ("xxxxxxxxxxxxxxxx", True),
        ("XXXXXXXXXXXX", True),
        ("0000000000000000", True),
        ("••••••••", True),
        ("", True),
        ("sk_live_xxxxxxxxxxxxxxxxxxxxxxxx", True),
        ("Xq7r9Lm2Tz8Kp4Vw3Nb6Yc1D", False),
        ("1712345678901", False),
    ],
)
def test_is_masked(value: str, expected: bool) -> None:
    assert entropy.is_masked(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("abcdefgh", True),
        ("ABCDEFGHIJ", True),
        ("123456789", True),
        ("qwertyuiop", True),
        ("9876543210", True),
        ("abcabcabcabc", True),
        ("0123456789abcdefghij", True),  # mostly runs
        ("deploy-key-12345678-prod", False),  # a run inside a value: prefix-token rules must still fire
        ("sk_live_51DummyStripeSecretKey0123456789AbCd", False),
        ("Xq7r9Lm2Tz8Kp4Vw3Nb6Yc1D", False),
        ("abc", False),
    ],
)
def test_is_sequential_string(value: str, expected: bool) -> None:
    assert entropy.is_sequential_string(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("undefined", True),
        ("null", True),
        ("NULL", True),
        ("None", True),
        ("true", True),
        ("changeme", True),
        ("CHANGEME", True),
        ("password", True),
        ("Bearer", True),
        ("your_api_key_here", True),
        ("REPLACE_WITH_YOUR_TOKEN", True),
        ("<insert token>", True),
        ("xxxxxxxx", True),
        ("${VAR}", True),
        ("{{x}}", True),
        ("[REDACTED:api-token:3f9a1c2b7d4e]", True),
        ("'changeme'", True),
        ("sk_live_...", True),
        ("Xq7r9Lm2Tz8Kp4Vw3Nb6Yc1D", False),
        ("EXAMPLE-dummy-P4ss!", False),
        ("hunter2", False),
        ("admin", False),  # a real default password, not a placeholder
    ],
)
def test_is_placeholder_or_stopword(value: str, expected: bool) -> None:
    assert entropy.is_placeholder_or_stopword(value) is expected


def test_stopwords_are_lowercase_and_frozen() -> None:
    assert isinstance(entropy.STOPWORDS, frozenset)
    assert all(w == w.lower() and w.strip() == w and w for w in entropy.STOPWORDS)
    assert {"undefined", "null", "changeme", "bearer"} <= entropy.STOPWORDS


def test_has_uuid() -> None:
    assert entropy.has_uuid(f"session-{UUID4}")
    assert not entropy.has_uuid(MD5)


@pytest.mark.parametrize("value", ["", "\x00" * 50, "\ud800abc", "é" * 200, "A" * 10_000, " \t\n"])
def test_helpers_accept_any_text(value: str) -> None:
    entropy.shannon_entropy(value)
    entropy.p_random(value)
    entropy.looks_random(value)
    entropy.is_potential_uuid(value)
    entropy.is_hex_hash(value)
    entropy.is_trace_id(value)
    entropy.is_base64_media(value)
    entropy.is_templated(value)
    entropy.is_masked(value)
    entropy.is_sequential_string(value)
    entropy.is_placeholder_or_stopword(value)
