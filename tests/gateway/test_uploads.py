"""Uploads: every accepted format is sanitized, stored with its findings and watchlist entries,
and answered at once with what was removed."""

from __future__ import annotations

import json

import sqlalchemy as sa

from harguard.gateway.runtime import Gateway
from harguard.watch.watchlist import watchlist_table
from tests.gateway.builders import GITHUB_TOKEN, gz, har_bytes, har_with_token, zip_of
from tests.gateway.conftest import World, stored_counts, upload
from tests.leaks import assert_no_leak

SECRETS = {"github": GITHUB_TOKEN, "session": "dummy-session-value-0042"}


def test_har_upload_answers_with_findings_and_stores_sanitized_file(client, world: World, gw: Gateway) -> None:
    response = upload(
        client,
        world["customer_a"],
        world.cases["a"],
        [("capture.har", har_with_token(), "application/octet-stream")],
    )
    assert response.status_code == 201, response.json()
    assert_no_leak(response.text, SECRETS, "upload response")
    answer = response.json()
    (stored,) = answer["files"]
    assert stored["name"] == "capture.har" and stored["kind"] == "har" and stored["entries"] == 1
    assert stored["summary"]["findings"] >= 2
    assert {"bearer-token", "session-cookie"} <= set(stored["summary"]["by_kind"])
    locations = {f["location"] for f in stored["findings"]}
    assert any("authorization" in loc for loc in locations), sorted(locations)
    assert all(len(f["fingerprint"]) == 64 for f in stored["findings"])
    assert stored["context"]["hosts"] == ["api.example.com"]

    content = client.get(stored["download_url"], headers=world["customer_a"].auth)
    assert content.status_code == 200
    assert content.headers["content-disposition"].startswith('attachment; filename="capture.sanitized.har"')
    assert_no_leak(content.content, SECRETS, "download")
    document = json.loads(content.content)
    assert document["log"]["_harguard"]["summary"]["findings"] == stored["summary"]["findings"]

    with gw.engine.connect() as conn:
        rows = conn.execute(sa.select(watchlist_table).where(watchlist_table.c.case_ref == world.cases["a"])).all()
    assert rows, "no watchlist exposure"
    assert {r.tenant for r in rows} == {world.orgs["a"]}
    assert {r.origin for r in rows} == {stored["id"]}
    assert all(r.source == "gateway" and len(r.fingerprint) == 64 for r in rows)
    assert rows[0].context["hosts"] == ["api.example.com"]


def test_gzip_zip_and_logs_in_one_multipart_upload(client, world: World) -> None:
    log_text = f"2024-05-14 INFO login ok token={GITHUB_TOKEN} user=dummy\n".encode()
    json_log = json.dumps({"level": "info", "authorization": f"Bearer {GITHUB_TOKEN}"}).encode()
    files = [
        ("one.har.gz", gz(har_with_token()), "application/gzip"),
        ("bundle.zip", zip_of({"x.har": har_with_token(), "y.har": har_bytes()}), "application/zip"),
        ("app.log", log_text, "text/plain"),
        ("event.json", json_log, "application/json"),
    ]
    response = upload(client, world["customer_a"], world.cases["a"], files)
    assert response.status_code == 201, response.json()
    assert_no_leak(response.text, SECRETS, "upload response")
    names = [f["name"] for f in response.json()["files"]]
    assert names == ["one.har", "bundle.zip:x.har", "bundle.zip:y.har", "app.log", "event.json"]
    kinds = {f["name"]: f["kind"] for f in response.json()["files"]}
    assert kinds["app.log"] == kinds["event.json"] == "text"
    by_name = {f["name"]: f for f in response.json()["files"]}
    assert by_name["app.log"]["summary"]["findings"] >= 1
    text = client.get(by_name["app.log"]["download_url"], headers=world["customer_a"].auth)
    assert text.status_code == 200 and b"INFO login ok" in text.content
    assert_no_leak(text.content, SECRETS, "sanitized log")


def test_raw_body_upload_with_filename(client, world: World) -> None:
    response = client.post(
        f"/api/v1/cases/{world.cases['a']}/files?filename=raw.har",
        content=har_with_token(),
        headers={**world["customer_a"].auth, "Content-Type": "application/json"},
    )
    assert response.status_code == 201, response.json()
    assert response.json()["files"][0]["name"] == "raw.har"


def test_file_names_and_case_titles_are_sanitized(client, world: World, gw: Gateway) -> None:
    secrets = {"github": GITHUB_TOKEN}
    created = client.post(
        "/api/v1/cases",
        headers=world["customer_a"].auth,
        json={"org": world.orgs["a"], "title": f"broken after I pasted {GITHUB_TOKEN}"},
    )
    assert created.status_code == 201
    assert_no_leak(created.text, secrets, "case response")
    assert "[REDACTED:" in created.json()["title"]
    response = upload(
        client,
        world["customer_a"],
        created.json()["id"],
        [(f"{GITHUB_TOKEN}.har", har_bytes(), "application/octet-stream")],
    )
    assert response.status_code == 201
    assert_no_leak(response.text, secrets, "upload response")


def test_archive_member_names_are_sanitized_and_bounded(client, world: World) -> None:
    secrets = {"github": GITHUB_TOKEN}
    archive = zip_of(
        {
            f"{GITHUB_TOKEN}.har": har_bytes(),
            f"logs/{'x' * 180}-{GITHUB_TOKEN}.log": b"plain line\n",  # a token across the old 200 cut
            f"{'y' * 1000}.har": har_bytes(),
        }
    )
    response = upload(client, world["customer_a"], world.cases["a"], [("bundle.zip", archive, "application/zip")])
    assert response.status_code == 201, response.json()
    assert_no_leak(response.text, secrets, "upload response")
    files = response.json()["files"]
    assert [f["kind"] for f in files] == ["har", "text", "har"]
    assert all(f["name"].startswith("bundle.zip:") and len(f["name"]) <= 300 for f in files)
    assert files[0]["name"].startswith("bundle.zip:[REDACTED:github-token:")
    for stored in files:
        content = client.get(stored["download_url"], headers=world["customer_a"].auth)
        assert content.status_code == 200
        assert_no_leak(content.headers["content-disposition"], secrets, "content-disposition")


def test_a_refused_member_is_named_sanitized(client, world: World) -> None:
    archive = zip_of({"ok.har": har_bytes(), f"{GITHUB_TOKEN}.png": b"\x89PNG...."})
    response = upload(client, world["customer_a"], world.cases["a"], [("b.zip", archive, "application/zip")])
    assert response.status_code == 415
    assert_no_leak(response.text, {"github": GITHUB_TOKEN}, "refusal")
    assert response.json()["detail"].startswith("b.zip:[REDACTED:github-token:")


def test_a_gzipped_har_is_not_expanded_in_memory_first(client, world: World, monkeypatch) -> None:
    import harguard.gateway.intake as intake

    unpacked: list[str] = []
    real_unpack = intake.unpack
    monkeypatch.setattr(intake, "unpack", lambda data, **kw: unpacked.append(kw["name"]) or real_unpack(data, **kw))
    files = [
        ("one.har.gz", gz(har_with_token()), "application/gzip"),
        ("two.har", gz(har_with_token()), "application/octet-stream"),
        ("nested.har.gz", gz(zip_of({"x.har": har_bytes()})), "application/gzip"),  # an archive inside: unpacked
    ]
    response = upload(client, world["customer_a"], world.cases["a"], files)
    assert response.status_code == 201, response.json()
    assert_no_leak(response.text, SECRETS, "upload response")
    assert [f["name"] for f in response.json()["files"]] == ["one.har", "two.har", "nested.har:x.har"]
    assert [f["input_bytes"] for f in response.json()["files"][:2]] == [len(har_with_token())] * 2
    assert unpacked == ["nested.har.gz"]


def test_upload_is_all_or_nothing(client, world: World, gw: Gateway) -> None:
    before = stored_counts(gw, world.cases["a"])
    response = upload(
        client,
        world["customer_a"],
        world.cases["a"],
        [
            ("good.har", har_with_token(), "application/octet-stream"),
            ("bad.har", b'{"log": {"entries": [', "application/octet-stream"),
        ],
    )
    assert response.status_code == 400
    assert response.json()["code"] == "truncated"
    assert "bad.har" in response.json()["detail"]
    assert stored_counts(gw, world.cases["a"]) == before


def test_findings_pages_and_fingerprint_search(client, world: World) -> None:
    person = world["customer_a"]
    stored = upload(client, person, world.cases["a"], [("c.har", har_with_token(), "")]).json()["files"][0]
    page = client.get(f"/api/v1/files/{stored['id']}/findings?limit=1&offset=1", headers=person.auth).json()
    assert [f["seq"] for f in page] == [1]
    fingerprint = stored["findings"][0]["fingerprint"]
    hits = client.get(f"/api/v1/findings?fingerprint={fingerprint[:12]}", headers=person.auth).json()
    assert stored["id"] in {h["file_id"] for h in hits}
    other = client.get(f"/api/v1/findings?fingerprint={fingerprint}", headers=world["customer_b"].auth).json()
    assert stored["id"] not in {h["file_id"] for h in other}


def test_reports_export_as_json_and_sarif(client, world: World) -> None:
    person = world["customer_a"]
    stored = upload(client, person, world.cases["a"], [("c.har", har_with_token(), "")]).json()["files"][0]
    sarif = client.get(f"/api/v1/files/{stored['id']}/report?format=sarif", headers=person.auth).json()
    assert sarif["version"] == "2.1.0" and len(sarif["runs"][0]["results"]) == stored["summary"]["findings"]
    case = client.get(f"/api/v1/cases/{world.cases['a']}/report", headers=person.auth).json()
    assert case["summary"]["findings"] >= stored["summary"]["findings"] or "reports" in case


def test_concurrent_uploads_all_succeed(client, world: World) -> None:
    """Regression: the core's shared hyperscan scratch space made parallel sanitizing fail."""
    from concurrent.futures import ThreadPoolExecutor

    def one(i: int) -> int:
        files = [(f"c{i}.har", har_with_token(session=f"dummy-session-{i:04d}"), "")]
        return int(upload(client, world["customer_a"], world.cases["a"], files).status_code)

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(one, range(8))) == [201] * 8
