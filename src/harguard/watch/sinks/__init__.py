"""Alert sinks: signed webhook, Slack, Splunk HEC, CEF over syslog, OCSF JSON lines; and the
dispatcher that guards, retries, breaks circuits and dead-letters for all of them."""

from __future__ import annotations

import os
from collections.abc import Mapping

import httpx

from ...errors import PolicyError
from .._http import check_url
from ..config import SinkConfig, WatchConfig
from ..guard import OutboundGuard
from ._base import HttpSink, Sink
from .cef import CefSyslogSink, cef_line, parse_cef
from .delivery import Dispatcher, Route
from .ocsf import OcsfFileSink
from .slack import SlackSink
from .splunk import SplunkHecSink
from .webhook import WebhookSink, sign, verify_signature

__all__ = [
    "CefSyslogSink",
    "Dispatcher",
    "HttpSink",
    "OcsfFileSink",
    "Route",
    "Sink",
    "SlackSink",
    "SplunkHecSink",
    "WebhookSink",
    "build_dispatcher",
    "build_sink",
    "cef_line",
    "parse_cef",
    "sign",
    "verify_signature",
]


def _env(env: Mapping[str, str], name: str | None, *, what: str) -> str:
    if not name:
        raise PolicyError(f"{what}: name the environment variable that holds the secret")
    value = env.get(name)
    if not value:
        raise PolicyError(f"{what}: the environment variable {name} is not set")
    return value


def _client(timeout: float) -> httpx.Client:
    return httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 2.0)))


def build_sink(config: SinkConfig, *, env: Mapping[str, str] | None = None, timeout: float = 5.0) -> Sink:
    """One sink from its config; secrets from the environment, refused if missing (fail closed)."""
    env = os.environ if env is None else env
    what = f"sink {config.name or config.type}"
    url = config.url or (env.get(config.url_env) if config.url_env else None)
    if config.type in ("webhook", "slack", "splunk"):
        if not url:
            raise PolicyError(f"{what}: needs `url` or `url_env`")
        check_url(url, what=what)
    if config.type == "webhook":
        secret = _env(env, config.secret_env, what=what).encode()
        client = _client(timeout)
        return WebhookSink(url=url or "", secret=secret, name=config.name, client=client)
    if config.type == "slack":
        client = _client(timeout)
        return SlackSink(url=url or "", name=config.name, client=client)
    if config.type == "splunk":
        token = _env(env, config.token_env, what=what)
        client = _client(timeout)
        return SplunkHecSink(
            url=url or "",
            token=token,
            index=config.index,
            sourcetype=config.sourcetype,
            name=config.name,
            client=client,
        )
    if config.type == "cef":
        if not config.host or not config.port:
            raise PolicyError(f"{what}: needs `host` and `port`")
        return CefSyslogSink(host=config.host, port=config.port, protocol=config.protocol, name=config.name)
    if config.path is None:
        raise PolicyError(f"{what}: needs `path`")
    return OcsfFileSink(path=config.path, name=config.name)


def build_dispatcher(config: WatchConfig, *, guard: OutboundGuard, env: Mapping[str, str] | None = None) -> Dispatcher:
    timeout = config.delivery.timeout_seconds
    routes = [Route(build_sink(s, env=env, timeout=timeout), s.min_severity) for s in config.sinks]
    names = [r.sink.name for r in routes]
    if len(set(names)) != len(names):
        raise PolicyError("two sinks share a name; give each a distinct `name`")
    return Dispatcher(routes, guard=guard, config=config.delivery)
