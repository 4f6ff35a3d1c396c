"""`harguard serve` and `harguard admin`: first start prints one admin token, once; the admin
commands manage tenants, users and tokens, and what they do lands in the audit log."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from harguard.cli.app import app
from tests.leaks import assert_no_leak

TOKEN = re.compile(r"hgt_[A-Za-z0-9_-]{43}")


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    monkeypatch.delenv("HARGUARD_KEY", raising=False)
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level  # `serve` configures process logging: restore it
    yield {"HARGUARD_DATA_DIR": str(tmp_path / "data"), "HARGUARD_SANITIZER_WORKERS": "1"}
    root.handlers[:] = handlers
    root.setLevel(level)


def run(env: dict[str, str], *args: str, stdin: str | None = None) -> Any:
    result = CliRunner().invoke(app, list(args), env=env, input=stdin, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def test_serve_prints_the_url_and_the_first_admin_token_only_once(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    served: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: served.append(kwargs))
    first = run(env, "serve", "--port", "8123")
    assert "http://127.0.0.1:8123" in first.output
    tokens = TOKEN.findall(first.output)
    assert len(tokens) == 1
    assert served[0]["port"] == 8123 and served[0]["access_log"] is False
    second = run(env, "serve", "--port", "8123")
    assert not TOKEN.findall(second.output), "the first token is shown once only"
    stored = b"".join(p.read_bytes() for p in Path(env["HARGUARD_DATA_DIR"]).rglob("*") if p.is_file())
    assert_no_leak(stored, {"first admin token": tokens[0]}, "data folder (the token is stored only as a hash)")


def test_admin_commands_manage_tenants_users_tokens(env: dict[str, str]) -> None:

    run(env, "admin", "migrate")
    run(env, "admin", "create-org", "acme", "--name", "Acme Corp", "--retention-days", "14")
    run(
        env,
        "admin",
        "create-user",
        "alice",
        "--role",
        "customer",
        "--org",
        "acme",
        "--password-stdin",
        stdin="a long enough password\n",
    )
    run(env, "admin", "create-user", "sam", "--role", "support")
    assert run(env, "admin", "assign", "sam", "acme").stdout.strip() == "acme"
    token = run(env, "admin", "create-token", "alice", "--name", "ci").stdout.strip()
    assert TOKEN.fullmatch(token)
    users = run(env, "admin", "list-users").stdout
    assert "alice" in users and "sam" in users and "acme" in users
    orgs = run(env, "admin", "list-orgs").stdout
    assert "Acme Corp" in orgs and "14" in orgs
    run(env, "admin", "set-retention", "acme", "default")
    assert "30" in run(env, "admin", "list-orgs").stdout
    events = [json.loads(line) for line in run(env, "admin", "audit-log", "--json").stdout.splitlines()]
    actions = {e["action"] for e in events}
    assert {"org.create", "user.create", "token.create", "org.update"} <= actions
    assert all(e["actor"].startswith("cli:") for e in events if e["action"] != "audit.read")
    assert_no_leak(json.dumps(events), {"token": token}, "audit log")
    assert "deleted 0 file(s)" in run(env, "admin", "purge").output

    bad = CliRunner().invoke(app, ["admin", "create-org", "acme"], env=env)  # main() maps it to exit code 12
    assert bad.exit_code != 0 and "exists" in str(bad.exception)


def test_generate_key_never_overwrites(env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "k.key"
    run(env, "admin", "generate-key", str(path))
    assert len(bytes.fromhex(path.read_text().strip())) == 32
    again = CliRunner().invoke(app, ["admin", "generate-key", str(path)], env=env)
    assert again.exit_code != 0


def test_production_mode_without_keys_stops_with_a_clear_message(env: dict[str, str]) -> None:
    result = CliRunner().invoke(app, ["serve"], env={**env, "HARGUARD_MODE": "production"})
    assert result.exit_code != 0
    assert "production mode needs the fingerprint key" in str(result.exception or "") + result.output
