"""Named structure and checksum checks that confirm a value rule's candidate.

A rule's regex finds a *candidate*; the validator named in its ``validator`` field decides whether the
candidate is formally valid (detect-secrets ``plugins/jwt.py`` ``is_formally_valid`` is the model). Each
function takes the captured secret text only, is pure, never raises (any failure means "not valid") and
returns ``True`` when the candidate should be reported.

Register new functions in ``VALIDATORS``; rule files refer to them by that name.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import re
import zlib
from collections.abc import Callable
from typing import Any

from . import entropy

__all__ = ["VALIDATORS", "Validator"]

Validator = Callable[[str], bool]

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_B64URL_RE = re.compile(r"^[A-Za-z0-9_-]*={0,2}$", re.ASCII)
_B64_RE = re.compile(r"^[A-Za-z0-9+/]*={0,2}$", re.ASCII)
_IDENT_PATH_RE = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*(?:(?:\.|\?\.)[A-Za-z_$][A-Za-z0-9_$]*)+(?:\(\))?$")
_ASSET_RE = re.compile(r"\.(?:js|mjs|css|map|png|jpe?g|gif|svg|webp|woff2?|ttf|ico|html?|json)$", re.IGNORECASE)
_VERSION_RE = re.compile(r"^v?\d+(?:\.\d+){1,3}(?:[-+][0-9A-Za-z.-]+)?$", re.ASCII)
_PATH_RE = re.compile(r"^(?:~?/|\.\.?/|[A-Za-z]:\\)", re.ASCII)  # /home/x, ~/x, ./x, C:\x
_SRI_RE = re.compile(r"^sha(?:1|256|384|512)-", re.IGNORECASE)
_FILE_TLDS = frozenset(
    "png jpg jpeg gif svg webp ico bmp js mjs css map json html htm xml txt woff woff2 ttf eot pdf zip gz "
    "ts tsx jsx vue md".split()
)

# ISO 13616 IBAN lengths per country (SWIFT IBAN registry).
# fmt: off
_IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BI": 27,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27,
    "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25,
    "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18,
    "NO": 15, "OM": 23, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33,
    "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28,
    "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}
# fmt: on

# Issuer prefixes (IIN ranges) and lengths of the card networks we care about.
_CARD_BRANDS: tuple[tuple[re.Pattern[str], frozenset[int]], ...] = (
    (re.compile(r"^4"), frozenset({13, 16, 19})),  # Visa
    (re.compile(r"^(?:5[1-5]|222[1-9]|22[3-9]\d|2[3-6]\d\d|27[01]\d|2720)"), frozenset({16})),  # Mastercard
    (re.compile(r"^3[47]"), frozenset({15})),  # American Express
    (re.compile(r"^(?:6011|65|64[4-9])"), frozenset({16, 19})),  # Discover
    (re.compile(r"^35(?:2[89]|[3-8]\d)"), frozenset({16, 19})),  # JCB
    (re.compile(r"^3(?:0[0-5]|[689])"), frozenset({14, 16, 19})),  # Diners Club
    (re.compile(r"^62"), frozenset({16, 17, 18, 19})),  # UnionPay
    (re.compile(r"^(?:5018|5020|5038|5893|6304|6759|676[1-3])"), frozenset({12, 13, 16, 19})),  # Maestro
)


def _never_raises(fn: Validator) -> Validator:
    """Validators run on hostile input: any exception means "not valid", never a crash."""

    @functools.wraps(fn)
    def checked(secret: str) -> bool:
        try:
            return bool(fn(secret))
        except Exception:  # a validator failure must not abort a scan
            return False

    return checked


def _b64decode(text: str, *, urlsafe: bool) -> bytes | None:
    """Decode base64 or base64url with or without padding; None if it is not base64."""
    body = text.strip()
    if not (_B64URL_RE if urlsafe else _B64_RE).match(body):
        return None
    body = body.rstrip("=")
    if len(body) % 4 == 1:
        return None
    body += "=" * (-len(body) % 4)
    try:
        if urlsafe:
            return base64.urlsafe_b64decode(body)
        return base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        return None


def _json_object(segment: str) -> dict[str, Any] | None:
    """Base64url-decode a JOSE segment and parse it as a JSON object; None otherwise."""
    raw = _b64decode(segment, urlsafe=True)
    if raw is None:
        return None
    try:
        obj = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return obj if isinstance(obj, dict) else None


def _is_code_reference(text: str) -> bool:
    """``e.session.accessToken``: a property path in minified JS, not a value. A JWT has the same
    dotted shape, but its segments are long random base64url."""
    if not _IDENT_PATH_RE.match(text):
        return False
    return not any(len(part) > 24 and entropy.looks_random(part) for part in text.split("."))


def _digits(secret: str) -> str:
    """ASCII digits only: str.isdigit() would also accept superscripts and other scripts' digits."""
    return "".join(c for c in secret if "0" <= c <= "9")


@_never_raises
def luhn(secret: str) -> bool:
    """Luhn (mod 10) checksum over the digits, ignoring spaces and dashes: catches 9 in 10 random numbers."""
    digits = _digits(secret)
    if not 12 <= len(digits) <= 19 or len(digits) != len(secret.replace(" ", "").replace("-", "")):
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


@_never_raises
def payment_card(secret: str) -> bool:
    """Luhn plus a known network prefix and length, so timestamps and snowflake ids that pass Luhn by
    chance (1 in 10) are still rejected; one repeated digit (``0000 0000 0000 0000``) is rejected too."""
    digits = _digits(secret)
    if not luhn(secret) or len(set(digits)) < 2:
        return False
    return any(prefix.match(digits) and len(digits) in lengths for prefix, lengths in _CARD_BRANDS)


@_never_raises
def iban_mod97(secret: str) -> bool:
    """ISO 13616 check: country length table, then the mod-97 remainder of the rearranged number is 1."""
    iban = secret.replace(" ", "").upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", iban, re.ASCII):
        return False
    if _IBAN_LENGTHS.get(iban[:2]) != len(iban):
        return False
    rearranged = iban[4:] + iban[:4]
    number = "".join(str(int(c, 36)) for c in rearranged)
    return int(number) % 97 == 1


@_never_raises
def ssn(secret: str) -> bool:
    """US SSN structure: the SSA never issues area 000, 666 or 900-999, group 00 or serial 0000; the
    two most-published sample numbers (Woolworth's 078-05-1120 and 219-09-9999) are rejected too."""
    digits = _digits(secret)
    if len(digits) != 9:
        return False
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    if area in {"000", "666"} or area[0] == "9" or group == "00" or serial == "0000":
        return False
    return digits not in {"078051120", "219099999"} and len(set(digits)) > 1


def _base62(value: int, width: int) -> str:
    out = ""
    while value:
        value, rem = divmod(value, 62)
        out = _BASE62[rem] + out
    return out.rjust(width, "0")


@_never_raises
def github_crc32(secret: str) -> bool:
    """GitHub (``gh?_``) and npm (``npm_``) tokens end in a 6-character base62 CRC32 of the 30 random
    characters after the prefix (GitHub blog 2021-04-05); a wrong checksum means a look-alike."""
    prefix, sep, rest = secret.partition("_")
    if not sep or prefix not in {"ghp", "gho", "ghu", "ghs", "ghr", "npm"} or len(rest) != 36:
        return False
    body, checksum = rest[:30], rest[30:]
    return _base62(zlib.crc32(body.encode("ascii")), 6) == checksum


@_never_raises
def atlassian_crc32(secret: str) -> bool:
    """Atlassian ``ATATT``/``ATCTT`` tokens end in the CRC32 (8 hex digits) of everything before it."""
    token = secret.replace("%3D", "=").replace("%3d", "=").replace("\\=", "=")
    head, tail = token[:-8], token[-8:]
    if len(head) < 20 or not re.fullmatch(r"[0-9A-Fa-f]{8}", tail):
        return False
    return zlib.crc32(head.encode("ascii")) == int(tail, 16)


@_never_raises
def jwt(secret: str) -> bool:
    """JWS compact form: the header must base64url-decode to a JSON object with an ``alg`` string and
    no ``enc``, and a signature must be present (unsigned tokens are not bearer credentials). Payload
    and signature are not decoded: a token whose signature was cut by one character in a log is still
    a token."""
    parts = secret.strip().split(".")
    if len(parts) != 3 or len(parts[2]) < 16 or not all(_B64URL_RE.match(p) for p in parts[1:]):
        return False
    header = _json_object(parts[0])
    return header is not None and isinstance(header.get("alg"), str) and "enc" not in header


@_never_raises
def jwe(secret: str) -> bool:
    """JWE compact form: five base64url segments, an IV and a ciphertext of plausible length, and a
    header that decodes to a JSON object with a JWE-only parameter (``enc``, or ``zip``, which some
    producers send without repeating ``enc`` in the protected header)."""
    parts = secret.strip().split(".")
    if len(parts) != 5 or len(parts[2]) < 8 or len(parts[3]) < 16:
        return False
    if not all(_B64URL_RE.match(p) for p in parts[1:]):
        return False
    header = _json_object(parts[0])
    return header is not None and ("enc" in header or "zip" in header)


@_never_raises
def jwt_base64(secret: str) -> bool:
    """A JWT/JWE that was itself base64-encoded (``ZXlK...``): decode and apply ``jwt``/``jwe``."""
    raw = _b64decode(secret, urlsafe=False) or _b64decode(secret, urlsafe=True)
    if raw is None:
        return False
    text = raw.decode("ascii", errors="strict").strip()
    return jwt(text) or jwe(text)


@_never_raises
def basic_auth(secret: str) -> bool:
    """HTTP Basic credentials: base64 that decodes to printable ``user:password`` text. English words
    after "Basic" ("Basic authentication") do not decode to anything printable with a colon."""
    raw = _b64decode(secret, urlsafe=False)
    if raw is None or len(raw) < 3:
        return False
    text = raw.decode("utf-8")
    if not text.isprintable() or ":" not in text:
        return False
    user, _, password = text.partition(":")
    return bool(user or password) and not entropy.is_templated(password or user)


@_never_raises
def credential_token(secret: str) -> bool:
    """An opaque credential after an auth scheme word (Bearer, SSWS, Token): not a placeholder or a
    code reference, and either letters mixed with digits or statistically random."""
    t = secret.strip()
    if len(t) < 12 or entropy.is_placeholder_or_stopword(t) or _is_code_reference(t):
        return False
    has_digit = any(c.isdigit() for c in t)
    has_alpha = any(c.isalpha() for c in t)
    return (has_digit and has_alpha) or entropy.looks_random(t, min_length=16)


@_never_raises
def not_placeholder(secret: str) -> bool:
    """For vendor-prefixed tokens, where the prefix already makes a match specific: refuse only the
    documentation fillers that follow a real prefix (``sk_live_xxxxxxxx``, ``SK0000...``, ``<token>``)."""
    t = secret.strip()
    return not (entropy.is_placeholder_or_stopword(t) or entropy.is_masked(t[-16:]))


@_never_raises
def random(secret: str) -> bool:
    """Guard for generic keyword rules: random-looking, and none of the decoys HAR files are full of
    (UUIDs, trace ids, SRI digests, base64 media, asset names, versions, placeholders)."""
    t = secret.strip()
    if entropy.is_placeholder_or_stopword(t) or entropy.is_potential_uuid(t) or entropy.has_uuid(t):
        return False
    if entropy.is_trace_id(t) or entropy.is_base64_media(t) or _SRI_RE.match(t):
        return False
    if _ASSET_RE.search(t) or _VERSION_RE.match(t) or t.isdigit():
        return False
    return entropy.looks_random(t, min_length=16)


@_never_raises
def aws_secret(secret: str) -> bool:
    """AWS secret access key: exactly 40 base64 characters with upper, lower and digits, not hex (a
    40-hex SHA-1 has the same length), and not low-entropy filler."""
    t = secret.strip()
    if len(t) != 40 or not re.fullmatch(r"[A-Za-z0-9/+]{40}", t, re.ASCII):
        return False
    if re.fullmatch(r"[0-9a-fA-F]{40}", t, re.ASCII):
        return False
    if not (any(c.isupper() for c in t) and any(c.islower() for c in t) and any(c.isdigit() for c in t)):
        return False
    return entropy.shannon_entropy(t) >= 4.0 and not entropy.is_placeholder_or_stopword(t)


@_never_raises
def password_value(secret: str) -> bool:
    """A value assigned to a password-named key in free text: reject placeholders, masks, templates
    and code (``e.password``, ``this.state.pwd``) but accept weak human passwords, which are secrets too."""
    t = secret.strip()
    if not 4 <= len(t) <= 128 or entropy.is_placeholder_or_stopword(t):
        return False
    if _is_code_reference(t) or t.endswith("()") or _PATH_RE.match(t):
        return False
    # a short all-lowercase word is far more often a variable or type name than a password
    return not (t.isalpha() and t.islower() and len(t) <= 10)


@_never_raises
def url_password(secret: str) -> bool:
    """Password part of URL userinfo: reject templates (``${DB_PASS}``), masks and stopwords."""
    t = secret.strip()
    return bool(t) and not entropy.is_placeholder_or_stopword(t)


@_never_raises
def email_address(secret: str) -> bool:
    """An e-mail address whose "TLD" is not a file extension (``logo@2x.png`` is an asset, not a person)."""
    t = secret.replace("%40", "@")
    local, sep, domain = t.rpartition("@")
    if not sep or not local or "." not in domain:
        return False
    return domain.rsplit(".", 1)[1].lower() not in _FILE_TLDS


@_never_raises
def phone_number(secret: str) -> bool:
    """Phone-shaped text with 8-15 digits (the E.164 range) that is not filler such as +10000000000."""
    digits = _digits(secret)
    return 8 <= len(digits) <= 15 and len(set(digits)) > 2


@_never_raises
def nanp_phone(secret: str) -> bool:
    """North American number in ``(NPA) NXX-XXXX`` form: area codes never start with 0 or 1, and
    filler such as (555) 555-5555 is rejected."""
    digits = _digits(secret)
    return len(digits) == 10 and digits[0] not in "01" and len(set(digits)) > 2


VALIDATORS: dict[str, Validator] = {
    "atlassian_crc32": atlassian_crc32,
    "aws_secret": aws_secret,
    "basic_auth": basic_auth,
    "credential_token": credential_token,
    "email_address": email_address,
    "github_crc32": github_crc32,
    "iban_mod97": iban_mod97,
    "jwe": jwe,
    "jwt": jwt,
    "jwt_base64": jwt_base64,
    "luhn": luhn,
    "nanp_phone": nanp_phone,
    "not_placeholder": not_placeholder,
    "password_value": password_value,
    "payment_card": payment_card,
    "phone_number": phone_number,
    "random": random,
    "ssn": ssn,
    "url_password": url_password,
}
