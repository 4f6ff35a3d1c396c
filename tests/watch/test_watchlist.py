"""The watchlist on SQLite and PostgreSQL: batch inserts, links, status history, the index."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from harguard import Sanitizer
from harguard.watch.events import Event
from harguard.watch.index import WatchIndex, prefix_key
from harguard.watch.intake import import_har
from harguard.watch.match import Matcher
from harguard.watch.tables import watch_metadata
from harguard.watch.watchlist import Exposure, Watchlist, watchlist_metadata
from tests.watch.support import okta_har

T0 = datetime(2023, 10, 2, 14, 0, tzinfo=UTC)


def fp() -> str:
    return secrets.token_hex(32)


def exposure(fingerprint: str, **kw: object) -> Exposure:
    base: dict[str, object] = {
        "fingerprint": fingerprint,
        "kind": "okta-session",
        "severity": "critical",
        "source": "test",
        "exposed_at": T0,
    }
    base.update(kw)
    return Exposure(**base)  # type: ignore[arg-type]


def test_add_is_batched_idempotent_and_keeps_links(db_url: str) -> None:
    wl = Watchlist(db_url)
    sid = fp()
    items = [exposure(fp(), case="C-1", tenant="t") for _ in range(1200)]
    items.append(exposure(fp(), links={"sid": sid}))  # NULL tenant and case still deduplicate
    assert wl.add(items) == 1201
    assert wl.add(items) == 0
    assert wl.count() == 1201
    found = wl.lookup([sid])
    assert len(found) == 1 and found[0].links == {"sid": sid}
    assert {e.fingerprint for e in wl.lookup([items[5].fingerprint, items[7].fingerprint])} == {
        items[5].fingerprint,
        items[7].fingerprint,
    }
    wl.engine.dispose()


def test_status_history_and_case_deletion(db_url: str) -> None:
    wl = Watchlist(db_url)
    wl.add([exposure(fp(), case="C-2")])
    (row,) = wl.all(case="C-2")
    assert row.id is not None
    wl.set_status(row.id, "revoked", at=T0 + timedelta(minutes=30), reason="okta.clear-user-sessions")
    assert wl.all(case="C-2")[0].status == "revoked"
    changes = wl.status_changes([row.id])[row.id]
    assert [(c.status, c.at, c.reason) for c in changes] == [
        ("revoked", T0 + timedelta(minutes=30), "okta.clear-user-sessions")
    ]
    with pytest.raises(ValueError):
        wl.set_status(row.id, "stolen")
    assert wl.delete_case(tenant=None, case="C-2") == 1
    assert wl.all(case="C-2") == [] and wl.status_changes([row.id]) == {row.id: []}
    wl.engine.dispose()


def test_opening_without_create_never_alters_a_gateway_database(db_url: str) -> None:
    engine = sa.create_engine(db_url)
    watchlist_metadata.create_all(engine)  # what the gateway's Alembic migration creates
    wl = Watchlist(engine, create=False)
    wl.add([exposure(fp())])
    assert wl.status_changes([1]) == {1: []}
    tables = set(sa.inspect(engine).get_table_names())
    assert not tables & set(watch_metadata.tables)
    wl.set_status(1, "revoked")  # the first status change adds watch's own table, additively
    assert "watch_status" in set(sa.inspect(engine).get_table_names()) - tables
    engine.dispose()


def test_index_finds_full_fingerprints_log_prefixes_and_links(db_url: str) -> None:
    wl = Watchlist(db_url)
    a, b, link = fp(), fp(), fp()
    wl.add([exposure(a), exposure(b, links={"uti": link})])
    index = WatchIndex(wl)
    assert index.refresh() == 3 and len(index) == 3
    ids = {e.fingerprint: e.id for e in wl.all()}
    assert index.candidates([a]) == {ids[a]}
    assert index.candidates(["hm1:" + b[:16].upper()]) == {ids[b]}
    assert index.candidates([link]) == {ids[b]}
    assert index.candidates([fp(), "not-hex", "abc"]) == set()
    c = fp()
    wl.add([exposure(c)])
    assert index.refresh() == 1 and index.candidates([c])
    matcher = Matcher(wl, index)
    event = Event(
        time=T0,
        source="test",
        uid="1",
        activity="x",
        credential_fps=("hm1:" + a[:16],),
        identifier_fps=(("uti", link),),
    )
    assert sorted((m.exposure.fingerprint, m.via) for m in matcher.match(event)) == sorted(
        [(a, "credential"), (b, "uti")]
    )
    wl.engine.dispose()


def test_a_64_bit_prefix_that_collides_is_confirmed_against_the_full_row(sqlite_url: str) -> None:
    wl = Watchlist(sqlite_url)
    a = fp()
    twin = a[:16] + fp()[16:]  # same index key, different credential
    wl.add([exposure(a)])
    matcher = Matcher(wl)
    event = Event(time=T0, source="test", uid="1", activity="x", credential_fps=(twin,))
    assert prefix_key(twin) == prefix_key(a)
    assert matcher.match(event) == []


def test_a_session_ref_exposure_gets_the_uploaders_context_too(watchlist: Watchlist, sanitizer: Sanitizer) -> None:
    har = okta_har()
    entry = har["log"]["entries"][0]
    entry["request"]["cookies"] = []  # Chrome's "sanitized" export: no cookie left, only the session object
    entry["request"]["headers"] = [h for h in entry["request"]["headers"] if h["name"].lower() != "cookie"]
    result = import_har(
        har,
        sanitizer=sanitizer,
        watchlist=watchlist,
        uploaded_at=T0,
        uploader={"ip": "198.51.100.7", "asn": 64500},
    )
    (ref,) = [e for e in result.exposures if e.kind == "okta-session-ref"]
    assert (ref.context["uploader_ip"], ref.context["uploader_asn"]) == ("198.51.100.7", 64500)
    assert all(e.context.get("uploader_ip") == "198.51.100.7" for e in result.exposures)
