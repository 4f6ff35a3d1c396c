"""Bad uploads are refused with the core's message and the right status, and nothing is stored."""

from __future__ import annotations

from pathlib import Path

import pytest

from harguard.gateway.runtime import Gateway
from tests.badinputs import BAD_DIR, COMMITTED, gzip_bomb, zip_bomb
from tests.gateway.conftest import MiB, World, stored_counts, upload

STATUS = {
    "NotJSONError": (400, "not-json"),
    "TruncatedError": (400, "truncated"),
    "EncodingError": (400, "encoding"),
    "NotHARError": (422, "not-har"),
}
# The CLI refuses a zip of two HARs (which one to write?); the gateway takes "a .zip of HARs" and
# stores each member as its own file, so that case is accepted here.
GATEWAY_ACCEPTS = {"zip-two.zip"}
REJECTED = sorted(n for n, outcome in COMMITTED.items() if outcome != "accepted" and n not in GATEWAY_ACCEPTS)
ACCEPTED = sorted(n for n, outcome in COMMITTED.items() if outcome == "accepted" or n in GATEWAY_ACCEPTS)


def _refused(
    client, world: World, gw: Gateway, files: list[tuple[str, bytes, str]], status: int, code: str
) -> dict[str, str]:
    before = stored_counts(gw, world.cases["a"])
    response = upload(client, world["customer_a"], world.cases["a"], files)
    assert response.status_code == status, response.json()
    assert response.json()["code"] == code
    assert stored_counts(gw, world.cases["a"]) == before, "something was stored"
    body: dict[str, str] = response.json()
    return body


@pytest.mark.parametrize("name", REJECTED)
def test_committed_bad_files_are_refused(name: str, client, world: World, gw: Gateway) -> None:
    status, code = STATUS[COMMITTED[name]]
    body = _refused(
        client, world, gw, [(name, (BAD_DIR / name).read_bytes(), "application/octet-stream")], status, code
    )
    assert name.split(".")[0] in body["detail"]  # the core's message names the file


@pytest.mark.parametrize("name", ACCEPTED)
def test_committed_odd_but_valid_files_are_accepted(name: str, client, world: World) -> None:
    response = upload(
        client,
        world["customer_a"],
        world.cases["a"],
        [(name, (BAD_DIR / name).read_bytes(), "application/octet-stream")],
    )
    assert response.status_code == 201, response.json()
    assert len(response.json()["files"]) == (2 if name == "zip-two.zip" else 1)


@pytest.mark.parametrize("builder", [zip_bomb, gzip_bomb], ids=["zip-bomb", "gzip-bomb"])
def test_archive_bombs_are_refused(builder, tmp_path: Path, client, world: World, gw: Gateway) -> None:
    bomb = builder(tmp_path / "bomb", 256 * MiB).read_bytes()  # expands 64x past the 16 MiB limit
    name = "bomb.zip" if builder is zip_bomb else "bomb.har.gz"
    body = _refused(client, world, gw, [(name, bomb, "application/octet-stream")], 413, "limit-exceeded")
    assert "zip bomb" in body["detail"] or "expand" in body["detail"]


def test_oversize_by_content_length(client, world: World, gw: Gateway) -> None:
    big = b"{" + b" " * (5 * MiB) + b"}"
    _refused(client, world, gw, [("big.har", big, "application/octet-stream")], 413, "too-large")


def test_oversize_streamed_without_content_length(client, world: World, gw: Gateway) -> None:
    def chunks():
        for _ in range(5):
            yield b" " * MiB

    before = stored_counts(gw, world.cases["a"])
    response = client.post(
        f"/api/v1/cases/{world.cases['a']}/files?filename=big.har",
        content=chunks(),
        headers={**world["customer_a"].auth, "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert stored_counts(gw, world.cases["a"]) == before


@pytest.mark.parametrize(
    ("name", "ctype"),
    [("photo.png", "image/png"), ("report.pdf", "application/pdf"), ("noext", "application/octet-stream")],
)
def test_wrong_content_type_is_415(name: str, ctype: str, client, world: World, gw: Gateway) -> None:
    _refused(client, world, gw, [(name, b"\x89PNG\r\n\x1a\n....", ctype)], 415, "unsupported-media-type")


def test_raw_body_of_unknown_type_is_415(client, world: World, gw: Gateway) -> None:
    response = client.post(
        f"/api/v1/cases/{world.cases['a']}/files",
        content=b"\x89PNG....",
        headers={**world["customer_a"].auth, "Content-Type": "image/png"},
    )
    assert response.status_code == 415


def test_zip_member_of_unknown_type_is_refused(client, world: World, gw: Gateway) -> None:
    from tests.gateway.builders import har_bytes, zip_of

    archive = zip_of({"ok.har": har_bytes(), "image.png": b"\x89PNG...."})
    _refused(client, world, gw, [("b.zip", archive, "application/zip")], 415, "unsupported-media-type")


def test_malformed_multipart_and_empty_uploads(client, world: World, gw: Gateway) -> None:
    url = f"/api/v1/cases/{world.cases['a']}/files"
    auth = world["customer_a"].auth
    cut = client.post(
        url,
        content=b'--XX\r\nContent-Disposition: form-data; name="file"; filename="a.har"\r\n\r\n{',
        headers={**auth, "Content-Type": "multipart/form-data; boundary=XX"},
    )
    assert cut.status_code == 400 and "ends early" in cut.json()["detail"]
    nofile = client.post(
        url,
        content=b'--XX\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n--XX--\r\n',
        headers={**auth, "Content-Type": "multipart/form-data; boundary=XX"},
    )
    assert nofile.status_code == 400
    empty = client.post(url, content=b"", headers={**auth, "Content-Type": "application/json"})
    assert empty.status_code == 400


def test_rejections_are_counted(client, world: World, gw: Gateway) -> None:
    upload(client, world["customer_a"], world.cases["a"], [("t.har", b'{"log":', "")])
    metrics = client.get("/metrics").text
    assert 'harguard_gateway_rejections_total{reason="truncated"}' in metrics
    assert 'harguard_gateway_uploads_total{outcome="rejected"}' in metrics
