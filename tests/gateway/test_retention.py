"""Retention: expired files go (blob and rows), the audit log keeps the fact, fresh files stay."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from harguard.gateway.retention import ORPHAN_AGE, purge
from harguard.gateway.runtime import Gateway
from harguard.gateway.tables import FindingRow, StoredFile, utcnow
from harguard.watch.watchlist import watchlist_table
from tests.gateway.builders import har_with_token
from tests.gateway.conftest import World, upload


def _age(gw: Gateway, file_id: str, days: float) -> None:
    with gw.sessions.begin() as session:
        session.execute(
            sa.update(StoredFile).where(StoredFile.id == file_id).values(created_at=utcnow() - timedelta(days=days))
        )


def _upload(client, world: World, org: str) -> tuple[str, str]:
    stored = upload(client, world[f"customer_{org}"], world.cases[org], [("c.har", har_with_token(), "")])
    answer = stored.json()["files"][0]
    with client.app.state.gateway.sessions() as session:
        blob = session.scalar(sa.select(StoredFile.blob_id).where(StoredFile.id == answer["id"]))
    return answer["id"], str(blob)


def test_purge_deletes_expired_files_per_org_ttl(client, world: World, gw: Gateway) -> None:
    client.patch(f"/api/v1/orgs/{world.orgs['a']}", headers=world["admin"].auth, json={"retention_days": 7})
    old_a, blob_a = _upload(client, world, "a")
    new_a, _ = _upload(client, world, "a")
    old_b, _ = _upload(client, world, "b")
    _age(gw, old_a, 8)  # past A's 7 days
    _age(gw, old_b, 8)  # within B's default 30 days
    dry = client.post("/api/v1/admin/purge?dry_run=true", headers=world["admin"].auth).json()
    assert dry["files"] >= 1
    assert client.get(f"/api/v1/files/{old_a}", headers=world["customer_a"].auth).status_code == 200

    result = client.post("/api/v1/admin/purge", headers=world["admin"].auth).json()
    assert result["files"] >= 1 and result["blobs"] >= 1
    assert client.get(f"/api/v1/files/{old_a}", headers=world["customer_a"].auth).status_code == 404
    assert client.get(f"/api/v1/files/{new_a}", headers=world["customer_a"].auth).status_code == 200
    assert client.get(f"/api/v1/files/{old_b}", headers=world["customer_b"].auth).status_code == 200
    assert not (gw.blobs.root / blob_a[:2] / blob_a).exists()
    with gw.engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(FindingRow).where(FindingRow.file_id == old_a)) == 0
        kept = conn.scalar(
            sa.select(sa.func.count())
            .select_from(watchlist_table)
            .where(watchlist_table.c.case_ref == world.cases["a"])
        )
    assert kept, "exposures stay on the watchlist after the file is gone"
    events = client.get(
        "/api/v1/audit/events",
        headers=world["admin"].auth,
        params={"action": "file.purge", "org": world.org_ids["a"]},
    ).json()
    assert [e["object_id"] for e in events] == [old_a]
    assert events[0]["actor"].startswith("user:")


def test_delete_now_is_gone_and_audited(client, world: World, gw: Gateway) -> None:
    file_id, blob = _upload(client, world, "a")
    assert client.delete(f"/api/v1/files/{file_id}", headers=world["customer_a"].auth).status_code == 204
    assert client.get(f"/api/v1/files/{file_id}", headers=world["admin"].auth).status_code == 404
    assert not (gw.blobs.root / blob[:2] / blob).exists()
    events = client.get("/api/v1/audit/events", headers=world["admin"].auth, params={"action": "file.delete"}).json()
    assert any(e["object_id"] == file_id for e in events)


def test_orphan_blobs_are_swept(gw: Gateway) -> None:
    import os
    import time

    orphan = gw.blobs.put(b"ciphertext of a row that never committed")
    path: Path = gw.blobs.root / orphan[:2] / orphan
    old = time.time() - ORPHAN_AGE - 60
    os.utime(path, (old, old))
    fresh = gw.blobs.put(b"an upload in flight")
    result = purge(gw)
    assert result.orphans >= 1 and not path.exists()
    assert (gw.blobs.root / fresh[:2] / fresh).exists()
    gw.blobs.delete(fresh)
