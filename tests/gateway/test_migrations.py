"""Migrations on SQLite and PostgreSQL: up from nothing, idempotent, down and up again, and the
migrated schema matches the models (including the watchlist's metadata, owned by watch)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from harguard.gateway.db import alembic_config, create_engine, is_current, migrate, target_metadata
from harguard.settings import normalize_database_url
from tests.gateway.conftest import BACKENDS, fresh_database_url

OURS = {table for metadata in target_metadata for table in metadata.tables}


def _diff(engine: sa.Engine) -> list[object]:
    def ours(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
        # watch adds tables of its own at run time (watch.tables); they are not ours to migrate
        return type_ != "table" or name in OURS

    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": ours})
        return list(compare_metadata(context, target_metadata))


@pytest.mark.parametrize("backend", BACKENDS)
def test_migrations_up_down_up_and_match_the_models(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    engine = create_engine(normalize_database_url(fresh_database_url(backend, tmp_path, request)))
    try:
        migrate(engine)
        migrate(engine)  # idempotent
        assert is_current(engine)
        assert _diff(engine) == [], "the models and the migrations disagree: add a migration"
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "base")
        with engine.connect() as conn:
            assert set(sa.inspect(conn).get_table_names()) <= {"alembic_version"}
        assert not is_current(engine)
        migrate(engine)
        assert is_current(engine) and _diff(engine) == []
    finally:
        engine.dispose()
