"""Every planted secret, in every surface and layer, is gone from the sanitized HAR in every spelling.

One case per `tests.planted.PLANTS` item: the output must hold no spelling of the value (nor of its
inner parts, searched also through decoded views), parse, still be valid HAR 1.2 with the same
structure, carry a manifest, and come with findings that never contain the value.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from tests.builders import header_value
from tests.harness import (
    PLACEHOLDER,
    assert_findings_clean,
    assert_same_structure,
    assert_valid_har,
    checked_document,
    harguard,
    run_sanitize,
    run_scan,
    structure,
)
from tests.leaks import assert_no_leak, assert_no_leak_deep, decoded_views
from tests.planted import (
    JWT_HEADER,
    JWT_SAFE_CLAIMS,
    PLANTS,
    Plant,
    plants_by_id,
)


@pytest.mark.parametrize("plant", PLANTS, ids=lambda p: p.id)
def test_planted_value_is_gone_and_output_is_valid(plant: Plant) -> None:
    planted = plant.planted()
    res = run_sanitize(plant.har(), planted)

    assert isinstance(res.data, bytes), "res.data is not bytes"
    assert_no_leak_deep(res.data, planted, f"{plant.id}: sanitized output")
    document = json.loads(res.data)
    same_document = document == res.document  # compared outside assert: a diff could print values
    assert same_document, "res.document differs from res.data"
    assert_valid_har(document, plant.id)
    if plant.path_has_secret:  # the path itself is (partly) the secret: compare the rest
        same = structure(document, paths=False) == structure(plant.har(), paths=False)
        assert same, "entries, methods, hosts or statuses changed"
    else:
        assert_same_structure(plant.har(), document, plant.id)
    assert isinstance(document["log"].get("_harguard"), dict), "no log._harguard manifest"
    assert any(PLACEHOLDER.search(text) for _, text in decoded_views(res.data)), "no placeholder in output"

    assert assert_findings_clean(res.report, planted, plant.id) >= 1, "no finding reported"


@pytest.mark.parametrize("plant", PLANTS, ids=lambda p: p.id)
def test_scan_reports_the_plant_without_its_value(plant: Plant) -> None:
    planted = plant.planted()
    report = run_scan(plant.har(), planted)
    assert assert_findings_clean(report, planted, f"{plant.id}: scan") >= 1, "scan found nothing"


@pytest.mark.parametrize("form", ["bytes", "path", "gzip-bytes"])
def test_all_plants_in_one_file_from_every_source_form(form: str, tmp_path: Any) -> None:
    """All plants together (so rules interact), given as bytes, a file path or gzip bytes."""
    import gzip

    har = PLANTS[0].har()
    for plant in PLANTS[1:]:
        plant.build(har)
    planted = {pid: v for p in PLANTS for pid, v in p.planted().items()}
    raw = json.dumps(har, indent=1).encode()
    source: Any = raw
    if form == "path":
        source = tmp_path / "capture.har"
        source.write_bytes(raw)
    elif form == "gzip-bytes":
        source = gzip.compress(raw)
    res = run_sanitize(source, planted)
    assert_no_leak_deep(res.data, planted, f"all plants ({form})")
    assert_valid_har(res.document, f"all plants ({form})")
    assert len(res.document["log"]["entries"]) == len(har["log"]["entries"])
    assert len(res.report.findings) >= len(PLANTS), "fewer findings than planted secrets"


def _b64url_json(segment: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def _bearer_jwt(document: Any) -> str:
    value = header_value(document["log"]["entries"][0]["request"]["headers"], "authorization")
    assert value.startswith("Bearer "), "the Bearer scheme word was not kept"
    return value[len("Bearer ") :]


def _id_token(document: Any) -> str:
    body = json.loads(document["log"]["entries"][0]["response"]["content"]["text"])
    token: str = body["id_token"]
    return token


# Parametrised by id only: pytest prints a failing test's arguments, so no raw value may be one.
@pytest.mark.parametrize(
    ("plant_id", "extract"),
    [
        ("req-header.authorization-bearer-jwt", _bearer_jwt),
        ("resp.json-id_token", _id_token),
    ],
    ids=["bearer-header", "id_token-body"],
)
def test_jwt_keeps_header_and_safe_claims_but_not_signature_or_identity(plant_id: str, extract: Any) -> None:
    plant = plants_by_id()[plant_id]
    planted = plant.planted()
    document = checked_document(run_sanitize(plant.har(), planted), planted, plant_id)

    kept = extract(document)
    segments = kept.split(".")
    assert len(segments) >= 2, "the JWT lost its header.payload shape"
    header = _b64url_json(segments[0])
    payload = _b64url_json(segments[1])
    assert {k: header.get(k) for k in JWT_HEADER} == JWT_HEADER, "JWT header not kept"
    assert {k: payload.get(k) for k in JWT_SAFE_CLAIMS} == JWT_SAFE_CLAIMS, "non-identifying claims not kept"
    assert_no_leak(json.dumps(payload), planted, f"{plant_id}: decoded payload")
    for claim in ("sub", "email", "name", "jti", "sid"):
        assert claim in payload, f"identifying claim {claim!r} was dropped instead of replaced"


def test_placeholders_have_the_documented_shape() -> None:
    plant = plants_by_id()["req-header.authorization-bearer-h2"]
    document = checked_document(run_sanitize(plant.har(), plant.planted()), plant.planted(), plant.id)
    value = header_value(document["log"]["entries"][0]["request"]["headers"], "authorization")
    shaped = value.startswith("Bearer ") and PLACEHOLDER.fullmatch(value[len("Bearer ") :]) is not None
    assert shaped, "Authorization value is not 'Bearer <placeholder>'"


def test_policy_object_is_frozen() -> None:
    policy = harguard.Policy(pii=True)
    with pytest.raises((AttributeError, TypeError, ValueError)):  # dataclass or pydantic refusal
        policy.pii = False  # type: ignore[misc]
