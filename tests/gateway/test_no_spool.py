"""Raw uploads never touch the disk: no temporary file, no form parser that could spool one."""

from __future__ import annotations

import json
import tempfile

import pytest

from harguard.gateway.app import create_app  # noqa: F401  (the app under test)
from tests.gateway.builders import har_with_token
from tests.gateway.conftest import MiB, World, upload


def test_multipart_upload_creates_no_temporary_file(client, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("an upload tried to create a temporary file")

    real_mkstemp = tempfile.mkstemp
    blob_root = str(client.app.state.gateway.blobs.root)

    def mkstemp_for_blobs_only(*args: object, **kwargs: object) -> object:
        # The blob store writes ciphertext of sanitized output via mkstemp in its own folder.
        if not str(kwargs.get("dir", "")).startswith(blob_root):
            refuse()
        return real_mkstemp(*args, **kwargs)  # type: ignore[call-overload]

    for name in ("SpooledTemporaryFile", "TemporaryFile", "NamedTemporaryFile", "mkdtemp"):
        monkeypatch.setattr(tempfile, name, refuse)
    monkeypatch.setattr(tempfile, "mkstemp", mkstemp_for_blobs_only)
    # 3 MiB: three times the size at which Starlette's form parser would spool to disk.
    document = json.loads(har_with_token())
    document["log"]["comment"] = "x" * (3 * MiB)
    padded = json.dumps(document).encode()
    response = upload(client, world["customer_a"], world.cases["a"], [("big.har", padded, "")])
    assert response.status_code == 201, response.json()


def test_no_route_takes_form_or_file_parameters(client) -> None:
    """FastAPI's Form()/File()/UploadFile go through Starlette's spooling parser: none may exist."""
    from fastapi.routing import APIRoute

    for route in client.app.routes:
        if isinstance(route, APIRoute):
            for param in route.dependant.body_params:
                kind = type(param.field_info).__name__
                assert kind not in ("Form", "File"), f"{route.path} takes a {kind} parameter"
