"""Validators: (candidate, expected) tables per function, decoys included, and "never raises"."""

from __future__ import annotations

import base64
import sys
import zlib
from pathlib import Path

import pytest

try:
    from harguard.detect import validators as v
except ImportError:  # the package is not installed: use the source tree
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
    from harguard.detect import validators as v

JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJFWEFNUExFIiwiaWF0IjoxNzAwMDAwMDAwfQ."
    "EXAMPLEsignatureEXAMPLEsignature00"
)
JWE = (
    "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.EXAMPLEencryptedKeyEXAMPLEencryptedKey00."
    "EXAMPLEiv000000.EXAMPLEciphertextEXAMPLEciphertext00.EXAMPLEtag0000000000"
)
UUID4 = "550e8400-e29b-41d4-a716-446655440000"
UUID1 = "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
MD5 = "d41d8cd98f00b204e9800998ecf8427e"
SHA1 = "33a64df551425fcc55e4d42a148795d9f25f89d4"
SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
PNG_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
SRI = "sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC"
PLACEHOLDER = "[REDACTED:api-token:3f9a1c2b7d4e]"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


H_RS256 = _b64url(b'{"alg":"RS256","kid":"k1"}')
H_BAD_JSON = _b64url(b'{"alg":HS256}')
H_NO_ALG = _b64url(b'{"typ":"JWT"}')
H_ARRAY = _b64url(b"[1,2,3]")
H_NONE = _b64url(b'{"alg":"none"}')
H_DIR = _b64url(b'{"alg":"dir","enc":"A128GCM"}')
H_DIR_NO_ENC = _b64url(b'{"alg":"dir"}')
H_ZIP = _b64url(b'{"zip":"DEF","kid":"k1"}')
H_NOT_JOSE = _b64url(b'{"user":"jane"}')
P_EMPTY = _b64url(b"{}")


def _github(prefix: str, body: str) -> str:
    """A checksum-valid dummy in GitHub's format, computed the documented way."""
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    value, digits = zlib.crc32(body.encode()), ""
    while value:
        value, rem = divmod(value, 62)
        digits = alphabet[rem] + digits
    return f"{prefix}_{body}{digits.rjust(6, '0')}"


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        ("4111 1111 1111 1111", True),
        ("4111-1111-1111-1111", True),
        ("5555555555554444", True),
        ("378282246310005", True),
        ("4111 1111 1111 1112", False),
        ("4111 1111 1111", False),  # too short
        ("41111111111111111111", False),  # too long
        ("4111x1111y1111z1111", False),
        ("", False),
    ],
)
def test_luhn(candidate: str, expected: bool) -> None:
    assert v.luhn(candidate) is expected


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        ("4111111111111111", True),  # Visa test card
        ("5555 5555 5555 4444", True),  # Mastercard test card
        ("2223003122003222", True),  # Mastercard 2-series
        ("3782 822463 10005", True),  # American Express
        ("6011111111111117", True),  # Discover
        ("0000 0000 0000 0000", False),  # passes Luhn, one repeated digit
        ("1700000000000000", False),  # a microsecond timestamp that passes Luhn: no such network
        ("1234567812345670", False),  # Luhn-valid but no such network
        ("4111111111111112", False),  # Visa prefix, bad checksum
        ("37828224631000", False),  # Amex prefix, wrong length
    ],
)
def test_payment_card(candidate: str, expected: bool) -> None:
    assert v.payment_card(candidate) is expected


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        ("GB82 WEST 1234 5698 7654 32", True),
        ("GB82WEST12345698765432", True),
        ("DE89370400440532013000", True),
        ("FR7630006000011234567890189", True),
        ("gb82 west 1234 5698 7654 32", True),
        ("GB82 WEST 1234 5698 7654 33", False),  # check digits wrong
        ("GB82 WEST 1234 5698 7654", False),  # wrong length for GB
        ("XX00000000000000000000", False),  # unknown country
        ("DE8937040044053201300", False),
        ("not an iban", False),
    ],
)
def test_iban_mod97(candidate: str, expected: bool) -> None:
    assert v.iban_mod97(candidate) is expected


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        ("123-45-6789", True),
        ("321549876", True),
        ("000-12-3456", False),  # area 000
        ("666-12-3456", False),  # area 666
        ("900-12-3456", False),  # area 9xx (ITIN range)
        ("999-12-3456", False),
        ("123-00-4567", False),  # group 00
        ("123-45-0000", False),  # serial 0000
        ("078-05-1120", False),  # the Woolworth wallet card
        ("219-09-9999", False),  # the 1940 advertisement
        ("111-11-1111", False),
        ("12-345-6789", True),  # digits are what count; the rule's regex enforces the dashes
        ("1234-56-789", True),
        ("123-45-678", False),
    ],
)
def test_ssn(candidate: str, expected: bool) -> None:
    assert v.ssn(candidate) is expected


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        (_github("ghp", "EXAMPLE0dummy0EXAMPLE0dummy001"), True),
        (_github("gho", "EXAMPLE0dummy0EXAMPLE0dummy002"), True),
        (_github("ghu", "0000EXAMPLEdummyTOKEN000000003"), True),
        (_github("ghs", "EXAMPLE0dummy0EXAMPLE0dummy001"), True),
        (_github("ghr", "EXAMPLE0dummy0EXAMPLE0dummy001"), True),
        (_github("npm", "EXAMPLE0dummy0EXAMPLE0dummy001"), True),
        ("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", True),
        ("ghp_EXAMPLE0dummy0EXAMPLE0dummy001110EvE", False),  # checksum off by one character
        ("ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", False),
        ("ghx_EXAMPLE0dummy0EXAMPLE0dummy001110EvD", False),  # unknown prefix
        ("ghp_EXAMPLE0dummy0EXAMPLE0dummy001110Ev", False),  # too short
        ("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0", False),
        ("ghp_EXAMPLE0dummy0EXAMPLE0dummy00111\u00e9EvD", False),  # non-ASCII
    ],
)
def test_github_crc32(candidate: str, expected: bool) -> None:
    assert v.github_crc32(candidate) is expected


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        ("ATATT3xFfGF0EXAMPLEdummyEXAMPLEdummyEXAMPLEdummy=F57BDA6C", True),
        ("ATATT3xFfGF0EXAMPLEdummyEXAMPLEdummyEXAMPLEdummy=f57bda6c", True),
        ("ATCTT3xFfGF0EXAMPLEdummyEXAMPLEdummyEXAMPLEdummy=2789CCA6", True),
        ("ATATT3xFfGF0EXAMPLEdummyEXAMPLEdummyEXAMPLEdummy%3DF57BDA6C", True),  # URL-encoded "="
        ("ATATT3xFfGF0EXAMPLEdummyEXAMPLEdummyEXAMPLEdummy=F57BDA6D", False),
        ("ATATT3xFfGF0EXAMPLEdummyEXAMPLEdummyEXAMPLEdummy=XXXXXXXX", False),
        ("F57BDA6C", False),
    ],
)
def test_atlassian_crc32(candidate: str, expected: bool) -> None:
    assert v.atlassian_crc32(candidate) is expected


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        (JWT, True),
        (f"{H_RS256}.{P_EMPTY}.{'A' * 342}", True),
        (f"{H_BAD_JSON}.{P_EMPTY}.EXAMPLEsignatureEXAMPLE00", False),  # header not JSON
        (f"{H_NO_ALG}.{P_EMPTY}.EXAMPLEsignatureEXAMPLE00", False),  # no alg
        (f"{H_ARRAY}.{P_EMPTY}.EXAMPLEsignatureEXAMPLE00", False),  # not an object
        (f"{H_NONE}.{P_EMPTY}.", False),  # unsigned
        (JWT.rsplit(".", 1)[0] + ".[REDACTED:jwt-signature:3f9a1c2b7d4e]", False),
        (JWT.rsplit(".", 1)[0] + ".EXAMPLEsig", False),  # signature too short
        (JWT + "X", True),  # a signature cut or padded by one character is still a token
        (JWE, False),  # five parts
        (UUID4, False),
        ("eyJ.eyJ.eyJ", False),
    ],
)
def test_jwt(candidate: str, expected: bool) -> None:
    assert v.jwt(candidate) is expected


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        (JWE, True),
        (f"{H_DIR}..EXAMPLEiv0000000000000.EXAMPLEdata00000.tag00000", True),
        (JWT, False),
        (f"{H_ZIP}..EXAMPLEiv0000000000000.EXAMPLEciphertext00.tag00000", True),  # zip: JWE-only
        (f"{H_DIR_NO_ENC}..EXAMPLEiv0000000000000.EXAMPLEciphertext00.tag00000", False),  # no enc
        (f"{H_NOT_JOSE}..EXAMPLEiv0000000000000.EXAMPLEciphertext00.tag00000", False),
        ("a.b.c.d.e", False),
    ],
)
def test_jwe(candidate: str, expected: bool) -> None:
    assert v.jwe(candidate) is expected


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        (base64.b64encode(JWT.encode()).decode(), True),
        (base64.b64encode(JWT.encode()).decode().rstrip("="), True),
        (base64.b64encode(b"eyJhbGciOiJIUzI1NiJ9 is only a header").decode(), False),
        (base64.b64encode(b"hello world").decode(), False),
    ],
)
def test_jwt_base64(candidate: str, expected: bool) -> None:
    assert v.jwt_base64(candidate) is expected


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        ("RVhBTVBMRTpkdW1teQ==", True),  # EXAMPLE:dummy
        ("RVhBTVBMRTpkdW1teQ", True),  # unpadded
        (base64.b64encode(b"jane@example.com:EXAMPLE-dummy-pw").decode(), True),
        (base64.b64encode(b":only-a-password").decode(), True),
        (base64.b64encode(b"username").decode(), False),  # no colon
        ("AAECAwQFBgcICQoLDA0ODxAREhM=", False),  # binary
        ("authentication", False),  # the English word after "Basic"
        ("realm", False),
        (base64.b64encode(b"user:${PASSWORD}").decode(), False),
        (PLACEHOLDER, False),
    ],
)
def test_basic_auth(candidate: str, expected: bool) -> None:
    assert v.basic_auth(candidate) is expected


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        ("00EXAMPLEdummyAccessToken0000", True),
        (JWT, True),
        ("Xq7rLmTzKpVwNbYcDqHsJwQe", True),  # random letters, no digits
        ("undefined", False),
        ("null", False),
        ("<token>", False),
        ("${ACCESS_TOKEN}", False),
        ("{{accessToken}}", False),
        ("e.session.accessToken", False),  # a property path in minified JS
        ("authenticationRequired", False),
        ("xxxxxxxxxxxxxxxxxxxx", False),
        (PLACEHOLDER, False),
        ("short1", False),
    ],
)
def test_credential_token(candidate: str, expected: bool) -> None:
    assert v.credential_token(candidate) is expected


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        ("Xq7r9Lm2Tz8Kp4Vw3Nb6Yc1D", True),
        ("q8Ux7Nb2Kp4Vw9Tz3Lm6Rc1D", True),
        ("sk_test_4eC39HqLyjWDarjtT1zdp7dc", True),
        (MD5, True),  # a 32-hex value assigned to a secret-named key is accepted
        (UUID4, False),
        (UUID1, False),
        (UUID4.upper(), False),
        ("{" + UUID1 + "}", False),
        (f"session-{UUID4}", False),
        (TRACEPARENT, False),
        ("4bf92f3577b34da6a3ce929d0e0e4736", True),  # bare 32-hex: only the key name can tell
        ("4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1", False),  # B3 single header
        (SRI, False),
        (PNG_B64, False),
        ("main.3f9a1c2b.js", False),
        ("nextPageTokenValueForList", False),
        ("getElementsByClassName", False),
        ("PROJECT_NAME_ALIAS_VALUE", False),
        ("1700000000000000000", False),  # a timestamp
        ("1.2.3-beta.4", False),  # a version
        ("https://example.com/path/to/resource", False),
        ("aaaaaaaaaaaaaaaaaaaaaaaa", False),
        ("abcdefghijklmnopqrstuvwx", False),
        ("your-secret-key-here-please", False),
        ("${SECRET_KEY_FROM_THE_ENV}", False),
        (PLACEHOLDER, False),
        ("short", False),
    ],
)
def test_random(candidate: str, expected: bool) -> None:
    assert v.random(candidate) is expected


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", True),
        ("je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY", True),
        (SHA1, False),  # 40 hex characters
        (SHA1.upper(), False),
        ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKE", False),  # 39
        ("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", False),
        ("ABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJ", False),  # no lower case, no digits
        ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123", False),  # sequential filler
        ("wJalrXUtnFEMI_K7MDENG_bPxRfiCYEXAMPLEKEY", False),  # "_" is not in the alphabet
    ],
)
def test_aws_secret(candidate: str, expected: bool) -> None:
    assert v.aws_secret(candidate) is expected


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        ("EXAMPLE-dummy-P4ss!", True),
        ("Tr0ub4dor&3", True),
        ("Summer2024!", True),
        ("hunter2", True),
        ("correcthorsebatterystaple", True),
        ("changeme", False),
        ("password", False),
        ("********", False),
        ("${DB_PASSWORD}", False),
        ("{{ vault_password }}", False),
        ("%s", False),
        ("e.password", False),
        ("this.state.password", False),
        ("getpass()", False),
        ("/home/jane/projects", False),
        ("string", False),
        ("hidden", False),
        ("abc", False),
        (PLACEHOLDER, False),
    ],
)
def test_password_value(candidate: str, expected: bool) -> None:
    assert v.password_value(candidate) is expected


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        ("EXAMPLEdummyPassw0rd", True),
        ("EXAMPLE%2Fdummy%40pw", True),
        ("${DB_PASSWORD}", False),
        ("<password>", False),
        ("****", False),
        ("password", False),
        ("", False),
    ],
)
def test_url_password(candidate: str, expected: bool) -> None:
    assert v.url_password(candidate) is expected


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        ("jane.doe@example.com", True),
        ("jane.doe%40example.org", True),
        ("support+case@example.co.uk", True),
        ("logo@2x.png", False),
        ("bundle@1.2.3.js", False),
        ("sprite@3x.webp", False),
        ("user@localhost", False),
        ("@example.com", False),
    ],
)
def test_email_address(candidate: str, expected: bool) -> None:
    assert v.email_address(candidate) is expected


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        ("+14155550123", True),
        ("+44 20 7946 0958", True),
        ("%2B14155550123", True),
        ("+00000000000", False),
        ("+1234", False),
        ("+1234567890123456", False),  # longer than E.164 allows
    ],
)
def test_phone_number(candidate: str, expected: bool) -> None:
    assert v.phone_number(candidate) is expected


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        ("(555) 123-4567", True),
        ("(415)555-0123", True),
        ("(123) 456-7890", False),  # area codes never start with 1
        ("(055) 123-4567", False),
        ("(555) 555-5555", False),
    ],
)
def test_nanp_phone(candidate: str, expected: bool) -> None:
    assert v.nanp_phone(candidate) is expected


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        ("sk_live_EXAMPLEdummyEXAMPLE00000", True),
        ("glpat-EXAMPLEdummy0000EXAM", True),
        ("sk_live_xxxxxxxxxxxxxxxxxxxxxxxx", False),
        ("SK00000000000000000000000000000000", False),
        ("glpat-<token>", False),
        ("ghp_************************************", False),
        ("sk_live_...", False),
    ],
)
def test_not_placeholder(candidate: str, expected: bool) -> None:
    assert v.not_placeholder(candidate) is expected


HOSTILE = [
    "",
    " ",
    "\x00",
    "\ud800",
    "=" * 10,
    "." * 5,
    "é" * 40,
    "[]{}",
    "A" * 100_000,
    "%",
    "\\x",
    "==.==.==",
]


@pytest.mark.parametrize("name", sorted(v.VALIDATORS))
@pytest.mark.parametrize("candidate", HOSTILE, ids=range(len(HOSTILE)))
def test_validators_never_raise(name: str, candidate: str) -> None:
    assert v.VALIDATORS[name](candidate) in (True, False)


@pytest.mark.parametrize("name", sorted(v.VALIDATORS))
def test_validators_reject_non_strings(name: str) -> None:
    assert v.VALIDATORS[name](None) is False  # type: ignore[arg-type]


def test_registry_names_match_functions() -> None:
    for name, fn in v.VALIDATORS.items():
        assert fn.__name__ == name
        assert fn.__doc__ and fn.__doc__.strip()
