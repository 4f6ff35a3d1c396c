"""`harguard watch …`: register exposures, follow logs, list alerts, respond, hand over a bundle.

Every command opens the same watchlist database as the gateway (`--db`, or HARGUARD_DATABASE_URL,
or SQLite in the data folder) and the same fingerprint key; the monitor's own state (cursors,
session memory, the action log) lives in `<data-dir>/watch/`. Alerts and summaries go to stderr
for people; `--format json` output goes to stdout for tools. Nothing printed holds a value.

One module for the whole group (past the ~500-line guideline) because the watch work was
scoped to this path; each command is a thin shell over `harguard.watch`, and splitting it into
a `cli/watch/` package with one module per command is mechanical.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import typer
from rich.markup import escape
from rich.table import Table

from ..errors import InputError, PolicyError
from ..har.load import GZIP_MAGIC, ZIP_MAGIC
from ..har.write import atomic_output
from ..keys import load_or_create_key
from ..pipeline import Sanitizer
from ..policy import Policy
from ..redact.placeholders import fingerprint
from ..settings import Settings
from ..types import Severity
from ..watch.alerts import Alert
from ..watch.alertstore import AlertStore
from ..watch.canary import CanaryMinter
from ..watch.config import WatchConfig
from ..watch.events import parse_time
from ..watch.feed import Feed
from ..watch.guard import OutboundGuard
from ..watch.ingest import FORMATS, IngestContext, OktaLogPoller, ingestor_for
from ..watch.intake import import_har, import_report
from ..watch.monitor import Monitor
from ..watch.network import AsnTable
from ..watch.playbooks import ActionLog, Runner, Target, build_playbook
from ..watch.probe import SessionCookie
from ..watch.recovery import build_bundle, render_markdown
from ..watch.sinks import build_dispatcher
from ..watch.state import StateStore
from ..watch.watchlist import STATUSES, Watchlist
from ._errors import ExitCode
from ._options import FailOn, KeyFileOpt, PolicyOpt
from ._output import console

__all__ = ["register", "watch_app"]

EXAMPLES = """
Examples:

\b
  harguard watch import case-1042.har --case CASE-1042 --tenant acme --uploaded-at 2023-10-02T14:00:00Z
  harguard watch import case-1042.har --case CASE-1042 --canary -o case-1042.sanitized.har
  harguard watch ingest okta-2023-10-02.ndjson --format okta
  harguard watch ingest /var/log/nginx/access.json --format nginx-json --follow
  HARGUARD_OKTA_TOKEN=… harguard watch poll-okta --org https://example.okta.com --follow
  harguard watch alerts --min-severity high
  harguard watch respond 4c1d0f0f --live --approve
  harguard watch bundle --case CASE-1042 -o recovery/
"""

watch_app = typer.Typer(
    help="Watch for replay of every credential that passed through support, and contain it.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
    epilog=EXAMPLES,
)

DbOpt = Annotated[str | None, typer.Option("--db", help="Database URL (default: HARGUARD_DATABASE_URL or SQLite).")]
DataDirOpt = Annotated[
    Path | None, typer.Option("--data-dir", help="Data folder (default: HARGUARD_DATA_DIR, ./data).")
]
FailOnAlertOpt = Annotated[FailOn, typer.Option("--fail-on", help="Exit 1 on an alert this severe (or none).")]
ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="Watch config (TOML).", envvar="HARGUARD_WATCH_CONFIG", dir_okay=False),
]


class OutFormat(StrEnum):
    table = "table"
    json = "json"
    ocsf = "ocsf"


@dataclass
class _Env:
    """What every command opens: settings, key, watchlist, sanitizer (for the guard), config."""

    settings: Settings
    key: bytes
    watchlist: Watchlist
    sanitizer: Sanitizer
    config: WatchConfig

    @property
    def watch_dir(self) -> Path:
        return self.settings.data_dir / "watch"


def _open(
    *, db: str | None, data_dir: Path | None, key_file: Path | None, config: Path | None, policy: Path | None
) -> _Env:
    overrides: dict[str, object] = {}
    if db:
        overrides["database_url"] = db
    if data_dir:
        overrides["data_dir"] = data_dir
    settings = Settings(**overrides)  # type: ignore[arg-type]
    key = load_or_create_key(key_file or settings.key_file)
    if settings.database_url is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    watchlist = Watchlist(settings.resolved_database_url())
    policy_file = policy or settings.policy_file
    loaded = Policy.from_toml(policy_file) if policy_file else Policy()
    return _Env(settings, key, watchlist, Sanitizer(loaded, key=key), WatchConfig.load(config))


def _when(text: str | None, *, what: str) -> datetime | None:
    if text is None:
        return None
    parsed = parse_time(text)
    if parsed is None:
        raise typer.BadParameter("expected an ISO 8601 time, e.g. 2023-10-02T14:00:00Z", param_hint=what)
    return parsed


def _print_alert(alert: Alert) -> None:
    colour = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan"}[alert.severity.value]
    console.print(
        f"[{colour}]{alert.severity.value.upper()}[/] {escape(alert.rule)} {escape(alert.summary)} "
        f"[dim](alert {alert.uid[:12]})[/]",
        markup=True,
        soft_wrap=True,
    )


@watch_app.command("import")
def import_command(
    sources: Annotated[
        list[Path],
        typer.Argument(
            help="Raw HARs (.har, .har.gz, .zip) or harguard report / gateway upload records (JSON).",
            exists=True,
            dir_okay=False,
        ),
    ],
    uploaded_at: Annotated[
        str | None,
        typer.Option(
            "--uploaded-at",
            help="When it was uploaded (ISO 8601); default: now (a record's own time for records).",
        ),
    ] = None,
    case: Annotated[str | None, typer.Option("--case", help="Support case id.")] = None,
    tenant: Annotated[str | None, typer.Option("--tenant", help="Customer / tenant.")] = None,
    uploader_ip: Annotated[str | None, typer.Option("--uploader-ip", help="The uploader's IP (a baseline).")] = None,
    uploader_asn: Annotated[int | None, typer.Option("--uploader-asn", help="The uploader's ASN.")] = None,
    canary: Annotated[
        bool,
        typer.Option(
            "--canary",
            help="Replace session tokens by registered canaries; writes the sanitized HAR to --output.",
        ),
    ] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Sanitized HAR (with --canary).")] = None,
    revoke_okta_session: Annotated[
        bool,
        typer.Option(
            "--revoke-okta-session",
            help="Plan (or with --live, call) DELETE /api/v1/sessions/me with the HAR's idx.",
        ),
    ] = False,
    okta_org: Annotated[
        str | None,
        typer.Option("--okta-org", help="Revoke only cookies of this Okta org (each goes to its own host)."),
    ] = None,
    live: Annotated[bool, typer.Option("--live", help="Execute the revoke (default: dry run).")] = False,
    db: DbOpt = None,
    data_dir: DataDirOpt = None,
    key_file: KeyFileOpt = None,
    config: ConfigOpt = None,
    policy: PolicyOpt = None,
) -> None:
    """Register every credential of a HAR (or of a report) in the watchlist, as fingerprints."""
    if canary and (output is None or len(sources) != 1):
        raise typer.BadParameter("--canary needs exactly one HAR and --output", param_hint="--canary")
    env = _open(db=db, data_dir=data_dir, key_file=key_file, config=config, policy=policy)
    minter = CanaryMinter(env.key) if canary else None
    if minter is not None:
        env.sanitizer = Sanitizer(env.sanitizer.policy, key=env.key, canary=minter)
    when = _when(uploaded_at, what="--uploaded-at")
    uploader = {"ip": uploader_ip, "asn": uploader_asn}
    for source in sources:
        if _is_record(source):
            record = json.loads(source.read_bytes())
            result = import_report(
                record,
                watchlist=env.watchlist,
                uploaded_at=when,
                tenant=tenant,
                case=case,
                origin=source.name,
            )
        else:
            result = import_har(
                source,
                sanitizer=env.sanitizer,
                watchlist=env.watchlist,
                uploaded_at=when or datetime.now(UTC),
                tenant=tenant,
                case=case,
                origin=source.name,
                uploader=uploader,
                canary=minter,
            )
        if result.sanitized is not None and output is not None:
            with atomic_output(output) as handle:
                handle.write(result.sanitized)
        kinds = sorted({e.kind for e in result.exposures})
        console.print(
            f"{escape(source.name)}: {result.added} new of {len(result.exposures)} exposures "
            f"({escape(', '.join(kinds)) or 'none'}); {result.canaries} canaries",
            soft_wrap=True,
        )
        if revoke_okta_session and result.cookies:
            _revoke_at_intake(env, result.cookies, okta_org, live=live)
        result.forget_cookies()


def _is_record(path: Path) -> bool:
    head = path.read_bytes()[:4]
    if head.startswith((GZIP_MAGIC, ZIP_MAGIC)):
        return False
    try:
        doc = json.loads(path.read_bytes())
    except ValueError:
        return False
    return isinstance(doc, dict) and "log" not in doc and ("findings" in doc or "report" in doc)


def _revoke_at_intake(env: _Env, cookies: list[SessionCookie], org: str | None, *, live: bool) -> None:
    """The opt-in intake-time revoke: the only sanctioned use of a leaked value (anchors §7.8).

    A cookie goes back only to the host it was captured from. A configured org (`--okta-org`, or
    `okta_org` in the config) is a check, never a destination: a cookie of another host is skipped.
    """
    org = org or env.config.playbooks.okta_org
    expected = _host_of(org, what="--okta-org") if org else None
    runner = _runner(env, live=live)
    try:
        for cookie in cookies:
            if expected is not None and cookie.host != expected:
                console.print(
                    f"okta.session-revoke skipped: the {escape(cookie.name)} cookie is for {escape(cookie.host)}, "
                    f"not the configured org {escape(expected)} (a cookie is only sent to its own host)",
                    soft_wrap=True,
                )
                continue
            playbook = build_playbook(
                "okta.session-revoke",
                env.config.playbooks.model_copy(update={"okta_org": f"https://{cookie.host}"}),
                dry_run=not live,
            )
            matches = env.watchlist.lookup([fingerprint(env.key, cookie.value)])
            target = Target(
                key=env.key,
                cookie=cookie.value,
                cookie_name=cookie.name,
                exposure_id=matches[0].id if matches else None,
            )
            for result in runner.run(playbook.plan(target)):
                console.print(
                    f"okta.session-revoke {result.outcome}: {result.action.url_template} "
                    f"(target {result.action.target})"
                )
    finally:
        runner.close()


def _host_of(url: str, *, what: str) -> str:
    try:
        host = urlsplit(url).hostname
    except ValueError:
        host = None
    if not host:
        raise PolicyError(f"{what}: not a URL with a host")
    return host


def _runner(env: _Env, *, live: bool, approve: bool = False) -> Runner:
    """The playbook runner every command uses: the data folder's action log, the config's
    auto-approved playbooks and Retry-After cap, and a success marks the exposure revoked."""
    cfg = env.config.playbooks
    env.watch_dir.mkdir(parents=True, exist_ok=True)
    return Runner(
        log=ActionLog(env.watch_dir / "actions.jsonl"),
        live=live,
        approve=approve,
        auto=cfg.auto,
        max_wait=cfg.max_wait_seconds,
        on_done=lambda action: _mark_revoked(env, action.exposure_id, action.playbook),
    )


def _mark_revoked(env: _Env, exposure_id: int | None, reason: str) -> None:
    if exposure_id is not None:
        env.watchlist.set_status(exposure_id, "revoked", reason=reason)


def _monitor(env: _Env) -> tuple[Monitor, IngestContext]:
    guard = OutboundGuard(env.sanitizer)
    dispatcher = build_dispatcher(env.config, guard=guard) if env.config.sinks else None
    monitor = Monitor(watchlist=env.watchlist, guard=guard, config=env.config.detection, dispatcher=dispatcher)
    asn = AsnTable.from_csv(env.config.detection.asn_file) if env.config.detection.asn_file else None
    return monitor, IngestContext(key=env.key, asn=asn)


def _finish(feed_alerts: list[Alert], notes: dict[str, int], records: int, events: int, fail_on: FailOn) -> None:
    for note, count in sorted(notes.items()):
        console.print(f"[yellow]note:[/] {escape(note)} ({count}x)", markup=True)
    console.print(f"{records} records, {events} events, {len(feed_alerts)} new alerts")
    if fail_on is not FailOn.none and any(a.severity.at_least(Severity(fail_on.value)) for a in feed_alerts):
        raise typer.Exit(int(ExitCode.FINDINGS))


def _mapping(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        name, sep, path = item.partition("=")
        if not sep:
            raise typer.BadParameter("expected FIELD=dotted.path", param_hint="--map")
        out[name.strip()] = path.strip()
    return out


@watch_app.command("ingest")
def ingest_command(
    files: Annotated[list[Path], typer.Argument(help="Log files, oldest first.", dir_okay=False)],
    log_format: Annotated[str, typer.Option("--format", "-f", help=f"One of: {', '.join(FORMATS)}.")],
    follow: Annotated[bool, typer.Option("--follow", help="Keep reading appended lines (Ctrl-C stops).")] = False,
    field_map: Annotated[list[str], typer.Option("--map", help="jsonl: FIELD=dotted.path (repeatable).")] = [],  # noqa: B006
    state: Annotated[str, typer.Option("--state", help="Name of the saved monitor state.")] = "monitor",
    poll_interval: Annotated[float, typer.Option("--poll-interval", help="Seconds between checks.")] = 0.5,
    fail_on: FailOnAlertOpt = FailOn.none,
    db: DbOpt = None,
    data_dir: DataDirOpt = None,
    key_file: KeyFileOpt = None,
    config: ConfigOpt = None,
    policy: PolicyOpt = None,
) -> None:
    """Run the monitor over log files, in batch (a backfill) or following them."""
    ingestor = ingestor_for(log_format, mapping=_mapping(field_map) or None)
    env = _open(db=db, data_dir=data_dir, key_file=key_file, config=config, policy=policy)
    monitor, ctx = _monitor(env)
    feed = Feed(monitor, ctx, state=StateStore(env.watch_dir, state), on_alert=_print_alert)
    if not follow:
        missing = [str(f) for f in files if not f.is_file()]
        if missing:
            raise InputError(f"no such file: {', '.join(missing)}")
        try:
            stats = feed.ingest_files(files, ingestor)
        finally:
            monitor.close()
        _finish(stats.alerts, dict(ctx.notes), stats.records, stats.events, fail_on)
        return
    stop = threading.Event()
    result: dict[str, object] = {}
    worker = threading.Thread(
        target=lambda: result.setdefault(
            "stats", feed.follow_files(files, ingestor, stop=stop, poll_interval=poll_interval)
        ),
        daemon=True,
    )
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.5)
    except KeyboardInterrupt:
        stop.set()
        worker.join(10)
    finally:
        monitor.close()
    console.print("stopped; state saved")


@watch_app.command("poll-okta")
def poll_okta_command(
    org: Annotated[str, typer.Option("--org", help="Okta org URL, e.g. https://example.okta.com.")],
    token_env: Annotated[
        str, typer.Option("--token-env", help="Environment variable with the SSWS API token.")
    ] = "HARGUARD_OKTA_TOKEN",
    since: Annotated[str | None, typer.Option("--since", help="First poll starts here (ISO 8601).")] = None,
    follow: Annotated[bool, typer.Option("--follow", help="Poll again every --interval seconds.")] = False,
    interval: Annotated[float, typer.Option("--interval", help="Seconds between polls.")] = 15.0,
    fail_on: FailOnAlertOpt = FailOn.none,
    db: DbOpt = None,
    data_dir: DataDirOpt = None,
    key_file: KeyFileOpt = None,
    config: ConfigOpt = None,
    policy: PolicyOpt = None,
) -> None:
    """Poll the Okta System Log API with a persisted cursor (one poll, or --follow)."""
    token = os.environ.get(token_env, "")
    if not token:
        raise PolicyError(f"set the Okta API token in ${token_env}")
    env = _open(db=db, data_dir=data_dir, key_file=key_file, config=config, policy=policy)
    monitor, ctx = _monitor(env)
    feed = Feed(monitor, ctx, state=StateStore(env.watch_dir, "okta"), on_alert=_print_alert)
    poller = OktaLogPoller(org_url=org, token=token, since=_when(since, what="--since"))
    stop = threading.Event() if follow else None
    try:
        stats = feed.poll_okta(poller, ingestor_for("okta"), stop=stop, interval=interval)
    except KeyboardInterrupt:
        console.print("stopped; cursor saved")
        return
    finally:
        poller.close()
        monitor.close()
    _finish(stats.alerts, dict(ctx.notes), stats.records, stats.events, fail_on)


@watch_app.command("alerts")
def alerts_command(
    since: Annotated[str | None, typer.Option("--since", help="Only alerts from this time on.")] = None,
    min_severity: Annotated[
        Severity, typer.Option("--min-severity", help="low, medium, high or critical.")
    ] = Severity.LOW,
    case: Annotated[str | None, typer.Option("--case")] = None,
    tenant: Annotated[str | None, typer.Option("--tenant")] = None,
    out: Annotated[
        OutFormat, typer.Option("--format", "-f", help="table, json or ocsf (JSON lines).")
    ] = OutFormat.table,
    db: DbOpt = None,
    data_dir: DataDirOpt = None,
    key_file: KeyFileOpt = None,
) -> None:
    """List stored alerts (event time order)."""
    env = _open(db=db, data_dir=data_dir, key_file=key_file, config=None, policy=None)
    alerts = AlertStore(env.watchlist.engine).list(
        since=_when(since, what="--since"), case=case, tenant=tenant, min_severity=min_severity
    )
    if out is OutFormat.json:
        sys.stdout.write(json.dumps([a.as_dict() for a in alerts], indent=2) + "\n")
    elif out is OutFormat.ocsf:
        sys.stdout.writelines(json.dumps(a.to_ocsf(), sort_keys=True) + "\n" for a in alerts)
    else:
        table = Table("time", "severity", "rule", "case", "exposure", "summary", "alert", title="alerts")
        for a in alerts:
            exposure = a.exposure or {}
            table.add_row(
                a.time.isoformat(timespec="seconds"),
                a.severity.value,
                a.rule,
                a.case or "-",
                f"{exposure.get('kind', '-')} {exposure.get('fingerprint', '')}",
                escape(a.summary),
                a.uid[:12],
            )
        console.print(table)


@watch_app.command("exposures")
def exposures_command(
    case: Annotated[str | None, typer.Option("--case")] = None,
    tenant: Annotated[str | None, typer.Option("--tenant")] = None,
    out: Annotated[OutFormat, typer.Option("--format", "-f", help="table or json.")] = OutFormat.table,
    db: DbOpt = None,
    data_dir: DataDirOpt = None,
    key_file: KeyFileOpt = None,
) -> None:
    """List watched exposures: kind, fingerprint prefix, case, times, status (never values)."""
    env = _open(db=db, data_dir=data_dir, key_file=key_file, config=None, policy=None)
    exposures = env.watchlist.all(tenant=tenant, case=case)
    rows: list[dict[str, Any]] = [
        {
            "id": e.id,
            "kind": e.kind,
            "fingerprint": e.short,
            "case": e.case,
            "tenant": e.tenant,
            "status": e.status,
            "exposed_at": e.exposed_at.isoformat(),
            "expires_at": e.expires_at.isoformat() if e.expires_at else None,
            "links": sorted(e.links),
        }
        for e in exposures
    ]
    if out is not OutFormat.table:
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    table = Table("id", "kind", "fingerprint", "case", "tenant", "status", "exposed", "expires", "links")
    for r in rows:
        table.add_row(
            *(
                str(r[k] or "-")
                for k in ("id", "kind", "fingerprint", "case", "tenant", "status", "exposed_at", "expires_at")
            ),
            ", ".join(r["links"]),
        )
    console.print(table)


@watch_app.command("status")
def status_command(
    fingerprint: Annotated[str, typer.Argument(help="Fingerprint prefix (from a placeholder or an alert).")],
    status: Annotated[str, typer.Argument(help=f"One of: {', '.join(STATUSES)}.")],
    at: Annotated[str | None, typer.Option("--at", help="When it changed (ISO 8601; default now).")] = None,
    reason: Annotated[str | None, typer.Option("--reason")] = None,
    db: DbOpt = None,
    data_dir: DataDirOpt = None,
    key_file: KeyFileOpt = None,
) -> None:
    """Record a status change (e.g. revoked at the IdP by hand): later use is judged against it."""
    if status not in STATUSES:
        raise typer.BadParameter(f"one of {', '.join(STATUSES)}", param_hint="STATUS")
    env = _open(db=db, data_dir=data_dir, key_file=key_file, config=None, policy=None)
    found = env.watchlist.by_prefix(fingerprint) if len(fingerprint) >= 8 else []
    if not found:
        raise InputError("no exposure with that fingerprint prefix (8 hex digits at least)")
    for exposure in found:
        assert exposure.id is not None
        env.watchlist.set_status(exposure.id, status, at=_when(at, what="--at"), reason=reason or "cli")
        console.print(f"{exposure.kind} {exposure.short} (case {exposure.case or '-'}): {status}")


@watch_app.command("respond")
def respond_command(
    alert_uid: Annotated[str, typer.Argument(help="Alert id (or a unique prefix).")],
    playbook: Annotated[list[str], typer.Option("--playbook", "-p", help="Override the alert's playbooks.")] = [],  # noqa: B006
    live: Annotated[bool, typer.Option("--live", help="Execute (default: dry run, nothing sent).")] = False,
    approve: Annotated[bool, typer.Option("--approve", help="Allow disruptive (user-wide) actions.")] = False,
    db: DbOpt = None,
    data_dir: DataDirOpt = None,
    key_file: KeyFileOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Run an alert's containment playbooks: dry run by default, idempotent, logged."""
    env = _open(db=db, data_dir=data_dir, key_file=key_file, config=config, policy=None)
    alert = AlertStore(env.watchlist.engine).get(alert_uid)
    if alert is None:
        raise InputError("no alert with that id (or the prefix is not unique)")
    names = playbook or list(alert.playbooks)
    if not names:
        console.print("this alert has no containment playbook; see `harguard watch bundle`")
        return
    cfg = env.config.playbooks
    runner = _runner(env, live=live, approve=approve)
    target = Target.from_alert(alert, key=env.key)
    failed = False
    try:
        for name in names:
            for result in runner.run(build_playbook(name, cfg, dry_run=not live).plan(target)):
                shown = result.action.shown()
                console.print(
                    f"{result.outcome:>17}  {shown['playbook']}  {shown['method']} {shown['url']}  "
                    f"target {shown['target']}{'  (disruptive)' if shown['disruptive'] else ''}"
                )
                failed |= result.outcome == "failed"
    finally:
        runner.close()
    if failed:
        raise typer.Exit(int(ExitCode.DELIVERY))


@watch_app.command("bundle")
def bundle_command(
    case: Annotated[str, typer.Option("--case", help="The case to report on.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for bundle.json and README.md.")],
    tenant: Annotated[str | None, typer.Option("--tenant")] = None,
    db: DbOpt = None,
    data_dir: DataDirOpt = None,
    key_file: KeyFileOpt = None,
    policy: PolicyOpt = None,
) -> None:
    """Write the customer-recovery bundle of a case (exposures, timeline, queries, rotation)."""
    env = _open(db=db, data_dir=data_dir, key_file=key_file, config=None, policy=policy)
    exposures = env.watchlist.all(tenant=tenant, case=case)
    if not exposures:
        raise InputError("no exposures for that case")
    ids = [e.id for e in exposures if e.id is not None]
    store = AlertStore(env.watchlist.engine)
    alerts = store.list(exposure_ids=ids) + store.list(case=case)
    guard = OutboundGuard(env.sanitizer)
    unique = {a.uid: a for a in alerts}
    log_path = env.watch_dir / "actions.jsonl"
    uids = set(unique)
    actions = [r for r in ActionLog(log_path).records() if r.get("exposure") in ids or r.get("alert") in uids]
    bundle = build_bundle(
        case=case,
        tenant=tenant,
        exposures=exposures,
        history=env.watchlist.status_changes(ids),
        alerts=sorted(unique.values(), key=lambda a: a.time),
        actions=actions,
        guard=guard,
    )
    markdown = render_markdown(bundle)
    guard.check(markdown, what="recovery bundle (markdown)")
    output.mkdir(parents=True, exist_ok=True)
    with atomic_output(output / "bundle.json") as handle:
        handle.write(json.dumps(bundle, indent=2).encode() + b"\n")
    with atomic_output(output / "README.md") as handle:
        handle.write(markdown.encode())
    console.print(
        f"wrote {output / 'bundle.json'} and {output / 'README.md'}: {len(exposures)} exposures, "
        f"{len(unique)} alerts, {len(actions)} actions"
    )


@watch_app.command("verify-actions")
def verify_actions_command(data_dir: DataDirOpt = None) -> None:
    """Check that the action log's hash chain is intact (nothing edited or removed)."""
    settings = Settings(**({"data_dir": data_dir} if data_dir else {}))  # type: ignore[arg-type]
    log = ActionLog(settings.data_dir / "watch" / "actions.jsonl")
    ok = log.verify()
    console.print(f"{len(log.records())} actions; chain {'intact' if ok else 'BROKEN'}")
    if not ok:
        raise typer.Exit(int(ExitCode.STORE))


def register(app: typer.Typer) -> None:
    app.add_typer(watch_app, name="watch")
