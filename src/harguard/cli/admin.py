"""`harguard admin`: tenants, users, tokens, retention and the audit log, from the shell.

Each command opens the gateway's database with the same settings as `harguard serve`
(environment, `--config`), acts as `cli:<login name>` in the audit log, and prints data to
stdout (tokens, tables, JSON) and messages to stderr.
"""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from ._output import console

if TYPE_CHECKING:
    from ..gateway.runtime import Gateway
    from ..gateway.store import Store

__all__ = ["admin_app"]

admin_app = typer.Typer(
    help="Manage the gateway: organisations, users, tokens, retention, audit log.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)
out = Console(highlight=False, soft_wrap=True)  # data (tables, ids) goes to stdout

ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="Gateway config file (TOML); also $HARGUARD_CONFIG.", dir_okay=False),
]


def _gateway(config: Path | None) -> Gateway:
    from ..gateway.runtime import build_gateway
    from ..gateway.settings import load_settings

    return build_gateway(load_settings(config, sanitizer_workers=1))


@contextmanager
def _store(config: Path | None) -> Iterator[tuple[Gateway, Store]]:
    """A gateway and an admin store in one transaction, committed if the command succeeds."""
    from ..gateway.bootstrap import cli_identity
    from ..gateway.store import Store

    gw = _gateway(config)
    try:
        with gw.sessions.begin() as session:
            yield gw, Store(session, cli_identity(getpass.getuser()))
    finally:
        gw.close()


def _audit(gw: Gateway, store: Store, action: str, **fields: Any) -> None:
    from ..gateway.audit import Client

    gw.audit.add(store, action, client=Client(), **fields)  # committed when `_store` ends


@admin_app.command("migrate")
def migrate_command(config: ConfigOpt = None) -> None:
    """Create or upgrade the database schema (serve does this at start unless auto_migrate=false)."""
    from ..gateway.db import create_engine, migrate
    from ..gateway.settings import load_settings

    settings = load_settings(config)
    engine = create_engine(settings.resolved_database_url())
    migrate(engine)
    engine.dispose()
    console.print("database is up to date")


@admin_app.command("generate-key")
def generate_key_command(
    path: Annotated[Path, typer.Argument(help="New key file (must not exist).")],
) -> None:
    """Write a new random 32-byte key (hex, mode 0600): for key_file or data_key_file."""
    from ..keys import write_new_key

    try:
        write_new_key(path)
    except FileExistsError:
        raise typer.BadParameter(f"{path} exists; keys are never overwritten") from None
    console.print(f"wrote {path}")


@admin_app.command("create-org")
def create_org_command(
    slug: Annotated[str, typer.Argument(help="Short name: lowercase letters, digits, '-'.")],
    name: Annotated[str | None, typer.Option("--name", help="Display name (default: the slug).")] = None,
    retention_days: Annotated[int | None, typer.Option("--retention-days", min=1, max=3650)] = None,
    config: ConfigOpt = None,
) -> None:
    """Create an organisation (a tenant)."""
    from ..gateway.schemas import OrgCreate

    body = OrgCreate(slug=slug, name=name or slug, retention_days=retention_days)
    with _store(config) as (gw, store):
        org = store.create_org(slug=body.slug, name=body.name, retention_days=body.retention_days)
        _audit(gw, store, "org.create", org_id=org.id, object_type="org", object_id=org.id)
    out.print(org.id)


@admin_app.command("set-retention")
def set_retention_command(
    org: Annotated[str, typer.Argument(help="Organisation slug or id.")],
    days: Annotated[str, typer.Argument(help="Days to keep files, or 'default'.")],
    config: ConfigOpt = None,
) -> None:
    """Set how long an organisation's files are kept."""
    value = None if days == "default" else int(days)
    with _store(config) as (gw, store):
        updated = store.update_org(org, name=None, retention_days=value, clear_retention=value is None)
        _audit(
            gw,
            store,
            "org.update",
            org_id=updated.id,
            object_type="org",
            object_id=updated.id,
            detail={"retention_days": value},
        )


@admin_app.command("list-orgs")
def list_orgs_command(config: ConfigOpt = None) -> None:
    """Organisations with their retention."""
    with _store(config) as (gw, store):
        table = Table("slug", "name", "retention (days)", "id")
        for org in store.list_orgs():
            table.add_row(org.slug, org.name, str(gw.settings.retention_for(org.retention_days)), org.id)
    out.print(table)


@admin_app.command("create-user")
def create_user_command(
    username: Annotated[str, typer.Argument()],
    role: Annotated[str, typer.Option("--role", help="admin, support or customer.")],
    org: Annotated[str | None, typer.Option("--org", help="A customer's organisation.")] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read a password from stdin.")] = False,
    config: ConfigOpt = None,
) -> None:
    """Create a user; with --password-stdin they can also log in to the web page."""
    from ..gateway.schemas import UserCreate

    password = _read_password() if password_stdin else None
    body = UserCreate.model_validate({"username": username, "role": role, "org": org, "password": password})
    with _store(config) as (gw, store):
        user = store.create_user(username=body.username, role=body.role, org_ref=body.org, password=password)
        _audit(
            gw,
            store,
            "user.create",
            org_id=user.org_id,
            object_type="user",
            object_id=user.id,
            detail={"role": user.role},
        )
    out.print(user.id)


@admin_app.command("set-password")
def set_password_command(username: Annotated[str, typer.Argument()], config: ConfigOpt = None) -> None:
    """Set a user's web password (read from stdin, or prompted); ends their browser sessions."""
    from ..gateway.schemas import UserUpdate

    password = _read_password()
    UserUpdate.model_validate({"password": password})
    with _store(config) as (gw, store):
        user = store.set_password(username, password)
        _audit(gw, store, "user.update", object_type="user", object_id=user.id, detail={"fields": ["password"]})


@admin_app.command("disable-user")
def disable_user_command(
    username: Annotated[str, typer.Argument()], enable: bool = False, config: ConfigOpt = None
) -> None:
    """Disable a user (their tokens and sessions stop working); --enable undoes it."""
    with _store(config) as (gw, store):
        user = store.set_active(username, enable)
        _audit(gw, store, "user.update", object_type="user", object_id=user.id, detail={"fields": ["active"]})


@admin_app.command("assign")
def assign_command(
    username: Annotated[str, typer.Argument(help="A support engineer.")],
    orgs: Annotated[list[str], typer.Argument(help="Organisation slugs.")],
    remove: Annotated[bool, typer.Option("--remove", help="Unassign instead.")] = False,
    config: ConfigOpt = None,
) -> None:
    """Let a support engineer read an organisation's files (or stop them)."""
    with _store(config) as (gw, store):
        assigned = store.assign(username, orgs, remove=remove)
        user = store.get_user(username)
        _audit(gw, store, "user.update", object_type="user", object_id=user.id, detail={"orgs": assigned})
    out.print(" ".join(assigned))


@admin_app.command("list-users")
def list_users_command(config: ConfigOpt = None) -> None:
    """Users, roles and organisations."""
    with _store(config) as (gw, store):
        slugs = {o.id: o.slug for o in store.list_orgs()}
        table = Table("username", "role", "organisation(s)", "active", "id")
        for user in store.list_users():
            orgs = slugs.get(user.org_id, "") if user.org_id else " ".join(store.assigned_orgs(user.id))
            table.add_row(user.username, user.role, orgs, "yes" if user.active else "no", user.id)
    out.print(table)


@admin_app.command("create-token")
def create_token_command(
    username: Annotated[str, typer.Argument()],
    name: Annotated[str, typer.Option("--name", help="What the token is for.")] = "api",
    expires_days: Annotated[int | None, typer.Option("--expires-days", min=1, max=3650)] = None,
    config: ConfigOpt = None,
) -> None:
    """Issue an API token; it is printed once (stdout) and stored only as a hash."""
    with _store(config) as (gw, store):
        token, value = store.create_token(user_ref=username, name=name, expires_days=expires_days)
        _audit(
            gw,
            store,
            "token.create",
            object_type="token",
            object_id=token.id,
            detail={"user_id": token.user_id},
        )
    sys.stdout.write(value + "\n")


@admin_app.command("revoke-token")
def revoke_token_command(token_id: Annotated[str, typer.Argument()], config: ConfigOpt = None) -> None:
    """Revoke a token by id."""
    with _store(config) as (gw, store):
        token = store.revoke_token(token_id)
        _audit(gw, store, "token.revoke", object_type="token", object_id=token.id)


@admin_app.command("purge")
def purge_command(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only count what would go.")] = False,
    config: ConfigOpt = None,
) -> None:
    """Delete files past their organisation's retention now (blob and rows; the audit log keeps the fact)."""
    from ..gateway.retention import purge

    gw = _gateway(config)
    try:
        result = purge(gw, dry_run=dry_run, actor=f"cli:{getpass.getuser()}")
    finally:
        gw.close()
    verb = "would delete" if dry_run else "deleted"
    console.print(
        f"{verb} {result.files} file(s); {result.orphans} orphan blob(s), {result.sessions} expired session(s) removed"
    )


@admin_app.command("audit-log")
def audit_log_command(
    since: Annotated[str, typer.Option("--since", help="How far back: 30m, 24h, 7d.")] = "24h",
    actor: Annotated[str | None, typer.Option("--actor", help="Username or user id.")] = None,
    org: Annotated[str | None, typer.Option("--org", help="Organisation slug or id.")] = None,
    action: Annotated[str | None, typer.Option("--action", help="e.g. file.download, or 'file.'.")] = None,
    alerts: Annotated[bool, typer.Option("--alerts", help="Show alerts instead of events.")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, max=100000)] = 200,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines on stdout.")] = False,
    config: ConfigOpt = None,
) -> None:
    """Read the access audit log (or its alerts), newest first."""
    from ..gateway.schemas import AuditAlertPublic, AuditEventPublic

    start = datetime.now(UTC) - _duration(since)
    with _store(config) as (gw, store):
        org_id = store.get_org(org).id if org else None
        rows: list[Any] = (
            [AuditAlertPublic.model_validate(a) for a in gw.audit.alerts(store.session, since=start, limit=limit)]
            if alerts
            else [
                AuditEventPublic.model_validate(e)
                for e in gw.audit.events(
                    store.session, actor=actor, org_id=org_id, action=action, since=start, limit=limit
                )
            ]
        )
        _audit(gw, store, "audit.read", detail={"results": len(rows)})
    if as_json:
        for row in rows:
            sys.stdout.write(json.dumps(row.model_dump(mode="json")) + "\n")
        return
    if alerts:
        table = Table("when", "rule", "account", "orgs", "events")
        for a in rows:
            table.add_row(a.at.strftime("%Y-%m-%d %H:%M:%S"), a.rule, a.actor, str(a.org_count), str(a.event_count))
    else:
        table = Table("when", "who", "action", "outcome", "org", "object", "from")
        for e in rows:
            table.add_row(
                e.at.strftime("%Y-%m-%d %H:%M:%S"),
                e.actor,
                e.action,
                e.outcome,
                e.org_id or "",
                f"{e.object_type or ''} {e.object_id or ''}".strip(),
                e.ip or "",
            )
    out.print(table)


def _duration(text: str) -> timedelta:
    units = {"m": "minutes", "h": "hours", "d": "days"}
    if len(text) < 2 or text[-1] not in units or not text[:-1].isdigit():
        raise typer.BadParameter("use a number and m, h or d, e.g. 24h", param_hint="--since")
    return timedelta(**{units[text[-1]]: int(text[:-1])})


def _read_password() -> str:
    if sys.stdin.isatty():
        return getpass.getpass("password: ")
    return sys.stdin.readline().rstrip("\n")
