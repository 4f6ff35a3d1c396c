"""Randomness heuristics for candidate secrets: entropy, a p_random-style test and decoy filters.

A keyword such as ``token`` or ``secret`` next to a value is weak evidence on its own: HAR files are full
of UUIDs, ETags, trace ids, cache-busting asset hashes, SRI digests, base64 images, pagination cursors and
minified identifiers that sit next to such words. Generic rules therefore also ask whether the *value*
looks like the output of a random generator, and whether it is a known decoy or a placeholder.

``p_random`` follows the idea of ripsecrets (sirwart/ripsecrets, ``src/matcher/p_random.rs``): assume the
string is uniformly random over its apparent alphabet (hex, upper-case base36 or base64) and compute how
likely three observations are under that assumption -- the number of distinct characters, the number of
digits/upper/lower characters, and the number of common English bigrams. Natural-language identifiers
(``nextPageToken``, ``PROJECT_NAME_ALIAS``) get vanishingly small probabilities; random keys do not.

Stdlib only and no C extensions, so it runs under Pyodide.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache

__all__ = [
    "STOPWORDS",
    "has_uuid",
    "is_base64_media",
    "is_hex_hash",
    "is_masked",
    "is_placeholder_or_stopword",
    "is_potential_uuid",
    "is_sequential_string",
    "is_templated",
    "is_trace_id",
    "looks_random",
    "p_random",
    "shannon_entropy",
]

# Values that are never secrets although they often sit right after a secret-ish key: literals of the
# common languages, type names, scheme words, documentation placeholders and famous dummy passwords.
# Compared case-insensitively against the whole value (see ``is_placeholder_or_stopword``); grouped as
# language literals and types, documentation placeholders, famous dummy passwords.
STOPWORDS: frozenset[str] = frozenset(
    """
    undefined null nil none true false nan void !0 !1 string str object function number integer int
    boolean bool array text hidden required optional empty unknown default value values password passwd
    pwd passphrase secret secrets token tokens key apikey api_key api-key access_token accesstoken
    refresh_token id_token client_secret clientsecret private_key privatekey credential credentials auth
    authorization bearer basic digest negotiate ntlm realm session cookie jwt csrf xsrf
    changeme changeit change_me change-me replaceme replace_me example examples sample dummy test testing
    demo placeholder redacted masked secret_here token_here your_token your-token your_api_key
    your-api-key yourapikey your_secret your-secret your_password your-password yourpassword mypassword
    mysecret mytoken insert_key_here api_key_here n/a na tbd todo fixme xxx foo bar baz foobar
    anonymous public private enabled disabled on off yes no
    123456 1234567 12345678 123456789 1234567890 password1 password123 p@ssw0rd p@ssword passw0rd qwerty
    letmein welcome abc123 secret123 abcdefghijklmnopqrstuvwxyz abcdefghijklmnopqrstuvwxyz0123456789
    """.split()
)

# Substrings that only ever appear in placeholders ("<YOUR_API_KEY>", "xxxxxxxx", "REPLACE_WITH_...").
_PLACEHOLDER_MARKERS: tuple[str, ...] = (
    "your_",
    "your-",
    "yourapi",
    "replace",
    "placeholder",
    "redacted",
    "changeme",
    "insert",
    "xxxx",
    "****",
    "...",
    "----",
    "____",
    "<",
    ">",
)

_TEMPLATE_RE = re.compile(
    r"""
    ^\$\{[^}]*\}$                 # ${VAR} (shell, JS template literal)
    | ^\$\{\{.*\}\}$              # ${{ secrets.X }} (GitHub Actions)
    | ^\{\{.*\}\}$                # {{ var }} (Jinja, Handlebars, Postman)
    | ^\{[A-Za-z0-9_.]*\}$        # {var} / {0} (format strings, OpenAPI)
    | ^%[A-Za-z_][A-Za-z0-9_]*%$  # %VAR% (Windows)
    | ^\$[A-Za-z_][A-Za-z0-9_]*$  # $VAR
    | ^\#\{[^}]*\}$               # #{var} (Ruby, Octopus)
    | ^@[A-Za-z_][A-Za-z0-9_]*@$  # @VAR@ (Gradle/Maven filtering)
    | ^<[^<>]*>$                  # <token>
    | ^\[[^\[\]]*\]$              # [REDACTED:kind:hex], [token]
    | ^%[+\-\#0 ]?[sdrfxq]$       # printf verbs
    | ^(?:process\.env|os\.environ|env)[.\[]  # environment look-ups
    """,
    re.ASCII | re.VERBOSE,
)
_UUID_RE = re.compile(
    r"^(?:urn:uuid:)?[{(]?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}[)}]?$",
    re.ASCII,
)
_UUID_DASHED_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_HEX_DIGEST_LENGTHS = frozenset({8, 16, 24, 32, 40, 48, 56, 64, 96, 128})
_HEX_RE = re.compile(r"^[0-9a-fA-F]+$", re.ASCII)
_TRACE_RE = re.compile(
    r"""
    ^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$      # W3C traceparent
    | ^[0-9a-f]{16,32}-[0-9a-f]{16}(?:-[01d](?:-[0-9a-f]{16})?)?$  # B3 single header
    | ^Root=1-[0-9a-f]{8}-[0-9a-f]{24}                       # AWS X-Ray
    | ^[0-9a-f]{32}:[0-9a-f]{16}:[0-9a-f]{1,16}:[0-9a-f]{1,2}$   # Jaeger uber-trace-id
    """,
    re.ASCII | re.VERBOSE,
)
# Leading bytes of base64-encoded media (PNG, JPEG, GIF, WebP/RIFF, SVG, WOFF, WOFF2, ICO, PDF).
_MEDIA_PREFIXES: tuple[str, ...] = (
    "iVBORw0KGgo",
    "/9j/",
    "R0lGOD",
    "UklGR",
    "PHN2Zy",
    "PD94bWwg",
    "d09GRg",
    "d09GMg",
    "AAABAA",
    "JVBERi0",
)

# Common English bigrams, lower case. A random base64 string hits one of these about 10% of the time
# (each pair has probability (2/64)^2 once case is folded); identifiers made of words hit them constantly.
_COMMON_BIGRAMS: frozenset[str] = frozenset(
    """
    th he in er an re on at en nd ti es or te of ed is it al ar st to nt ng se ha as ou io le ve co me de
    hi ri ro ic ne ea ra ce li ch ll be ma si om ur ca el ta la ns di fo ho pe ec pr no ct us ac ot il tr
    ly nc et ut ss so rs un lo wa ge ie wh ee wi em ad ol rt po we na ul ni ts mo ow pa im mi ai sh ir su
    id os iv ia am fi ci vi pl ig tu ev ld ry mp fe bl ab ty op ag ap ke
    """.split()
)
_BIGRAM_P: float = len(_COMMON_BIGRAMS) * (2 / 64) ** 2

# Below this probability a string is judged "not random" (ripsecrets uses 1 in 10,000 as well).
_P_RANDOM_THRESHOLD: float = 1e-4
# Long strings are judged on a prefix; the statistics are already decisive at this length.
_MAX_SAMPLE: int = 96


def shannon_entropy(s: str) -> float:
    """Shannon entropy of ``s`` in bits per character (0.0 for the empty string)."""
    if not s:
        return 0.0
    n = len(s)
    return -sum((c / n) * math.log2(c / n) for c in Counter(s).values())


def _alphabet_size(s: str) -> int:
    """Apparent alphabet: hex (16), upper-case base36 (36) or base64 (64), as ripsecrets does."""
    if _HEX_RE.match(s):
        return 16
    if all(c.isdigit() or "A" <= c <= "Z" for c in s):
        return 36
    return 64


@lru_cache(maxsize=128)
def _stirling_row(n: int) -> tuple[int, ...]:
    """Stirling numbers of the second kind S(n, k) for k = 0..n (exact integers)."""
    row = [1]  # S(0, 0)
    for i in range(1, n + 1):
        nxt = [0] * (i + 1)
        for k in range(1, i + 1):
            nxt[k] = k * (row[k] if k < len(row) else 0) + row[k - 1]
        row = nxt
    return tuple(row)


def _p_distinct_at_most(n: int, distinct: int, base: int) -> float:
    """P(a uniform random string of length n over `base` symbols has at most `distinct` distinct symbols)."""
    row = _stirling_row(n)
    favourable = 0
    falling = 1  # base * (base-1) * ... * (base-k+1)
    for k in range(1, min(distinct, base) + 1):
        falling *= base - k + 1
        favourable += row[k] * falling
    return float(favourable / base**n)


def _binomial_tail(n: int, x: int, p: float) -> float:
    """Probability of a result at least as extreme as x successes in n trials (the tail x lies in)."""
    if n == 0:
        return 1.0
    if x < n * p:
        ks = range(0, x + 1)
    else:
        ks = range(x, n + 1)
    return min(1.0, sum(math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in ks))


def _p_char_classes(s: str, base: int) -> float:
    """Least likely count among the character classes (digits; upper; lower) under uniform randomness."""
    classes: list[tuple[int, int]] = [(sum(c.isdigit() for c in s), 10)]
    if base >= 36:
        classes.append((sum("A" <= c <= "Z" for c in s), 26))
    if base == 64:
        classes.append((sum("a" <= c <= "z" for c in s), 26))
    return min(_binomial_tail(len(s), count, size / base) for count, size in classes)


def _p_bigrams(s: str) -> float:
    """Upper-tail probability of seeing this many common English bigrams in a random string."""
    low = s.lower()
    pairs = len(low) - 1
    if pairs <= 0:
        return 1.0
    hits = sum(low[i : i + 2] in _COMMON_BIGRAMS for i in range(pairs))
    if hits <= pairs * _BIGRAM_P:
        return 1.0  # fewer than expected is no evidence against randomness
    return _binomial_tail(pairs, hits, _BIGRAM_P)


def p_random(s: str) -> float:
    """Probability-like score that ``s`` came from a uniform random generator (1.0 = fully plausible).

    The product of three tail probabilities (distinct symbols, character classes, English bigrams);
    strings are judged on their first 96 characters.
    """
    sample = s[:_MAX_SAMPLE]
    if len(sample) < 2:
        return 0.0
    base = _alphabet_size(sample)
    p = _p_distinct_at_most(len(sample), len(set(sample)), base) * _p_char_classes(sample, base)
    if base == 64:
        p *= _p_bigrams(sample)
    return p


def is_potential_uuid(s: str) -> bool:
    """True for a UUID/GUID in its dashed form, with optional braces or ``urn:uuid:`` (request ids,
    correlation ids, object ids). Undashed 32-hex strings are left to ``is_hex_hash``: they are as often
    API keys as they are ids."""
    return bool(_UUID_RE.match(s.strip()))


def is_hex_hash(s: str) -> bool:
    """True for a bare hex digest of a common length (CRC, MD5, SHA-1, SHA-2, ETag bodies, git SHAs)."""
    t = s.strip().strip('"')
    if t.startswith("W/"):
        t = t[2:].strip('"')
    return len(t) in _HEX_DIGEST_LENGTHS and bool(_HEX_RE.match(t))


def is_trace_id(s: str) -> bool:
    """True for structured tracing headers: W3C traceparent, B3 single, Jaeger, AWS X-Ray.

    A bare 32-hex trace id cannot be told from an MD5 or a hex API key; ``is_hex_hash`` covers it, and
    whether such a value counts is left to the caller (the generic rule only sees it after a key name
    such as ``secret`` or ``token``).
    """
    return bool(_TRACE_RE.match(s.strip()))


def is_base64_media(s: str) -> bool:
    """True for base64 that starts like an image, font or PDF (inline ``data:`` URIs, font bodies)."""
    t = s.strip()
    if t.startswith("data:"):
        return True
    return t.startswith(_MEDIA_PREFIXES)


def is_templated(s: str) -> bool:
    """True for template or variable references: ``${VAR}``, ``{{x}}``, ``%VAR%``, ``<token>``, ``[..]``."""
    return bool(_TEMPLATE_RE.match(s.strip()))


def is_masked(s: str) -> bool:
    """True for masked or filler values dominated by one symbol (``****``, ``xxxx``, ``0000``)."""
    t = s.strip()
    if not t:
        return True
    most = Counter(t.lower()).most_common(1)[0][1]
    return most / len(t) >= 0.6


def _sequential_fraction(t: str) -> float:
    """Share of characters that sit in runs of 4+ consecutive code points (``0123``, ``abcd``, ``9876``)."""
    covered = 0
    i = 0
    while i < len(t) - 1:
        step = ord(t[i + 1]) - ord(t[i])
        j = i + 1
        if step in (1, -1):
            while j + 1 < len(t) and ord(t[j + 1]) - ord(t[j]) == step:
                j += 1
            if j - i + 1 >= 4:
                covered += j - i + 1
        i = j
    return covered / len(t)


def is_sequential_string(s: str) -> bool:
    """True for keyboard or alphabet runs (``abcdef``, ``123456``, ``qwerty``), a short unit repeated
    (``abc123abc123``), or a value made mostly of runs (``0123456789abcdefghij``), as detect-secrets
    filters. A run inside a longer value (``Key0123456789AbCd``) is not enough: test dummies are made
    like that, and real prefixed tokens must still be found when someone pastes one."""
    t = s.strip().lower()
    if len(t) < 4:
        return False
    runs = (
        "abcdefghijklmnopqrstuvwxyz",
        "0123456789012345678901234567890123456789",
        "qwertyuiopasdfghjklzxcvbnm",
        "zyxwvutsrqponmlkjihgfedcba",
        "9876543210987654321098765432109876543210",
    )
    if any(t in r for r in runs):
        return True
    for unit in range(1, min(8, len(t) // 2) + 1):
        if len(t) % unit == 0 and t == t[:unit] * (len(t) // unit):
            return True
    # A value longer than 128 characters is never "mostly runs" by accident; skip the char loop.
    return 8 <= len(t) <= 128 and _sequential_fraction(t) >= 0.5


def is_placeholder_or_stopword(s: str) -> bool:
    """True for values that only stand in for a secret: stopwords, templates, masks and dummies."""
    t = s.strip().strip("\"'`")
    low = t.lower()
    if not t or low in STOPWORDS:
        return True
    if is_templated(t) or is_masked(t) or is_sequential_string(t):
        return True
    return any(marker in low for marker in _PLACEHOLDER_MARKERS)


def looks_random(s: str, *, min_length: int = 16) -> bool:
    """True if ``s`` is long enough and statistically plausible as machine-generated random text.

    This is about the characters only; callers decide separately whether UUIDs or hex digests count.
    """
    t = s.strip()
    if len(t) < min_length:
        return False
    if is_masked(t) or is_sequential_string(t):
        return False
    return p_random(t) >= _P_RANDOM_THRESHOLD


def has_uuid(s: str) -> bool:
    """True if a dashed UUID occurs anywhere in ``s`` (``session-<uuid>``, ``urn:uuid:<uuid>``)."""
    return bool(_UUID_DASHED_RE.search(s))
