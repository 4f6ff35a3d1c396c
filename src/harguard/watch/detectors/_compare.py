"""Comparing an event with the legitimate context of an exposed credential.

The baseline is what we know to be the customer: the user agents recorded *inside the HAR*
(the legitimate browser for that exact token, which few systems have), the uploader's own
network when the intake recorded it, and every context the session was seen in before the
upload (plus the clock skew). Allow-listed ASNs (corporate VPN, egress proxies) are always in.

A matching user agent never cancels a network change on its own: an attacker can copy the UA
from the same HAR (anchors §2.8 S-3), so a new ASN together with *any* corroborating signal
(proxy, new device token, scripted client, unbound token, native verdict, impossible travel)
is enough. A network change alone, same browser and device, is a VPN toggle (Panther's test).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..config import DetectionConfig
from ..events import Event
from ..network import is_scripted, network_of, ua_similar
from ..sessions import Context, SessionState, km_between
from ..watchlist import Exposure

__all__ = ["Baseline", "Diff", "compare"]

_SHOWN = 5


@dataclass
class Baseline:
    asns: set[int] = field(default_factory=set)
    networks: set[str] = field(default_factory=set)
    ips: set[str] = field(default_factory=set)
    user_agents: list[str] = field(default_factory=list)
    devices: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    last_geo: tuple[float, float, datetime] | None = None

    @classmethod
    def build(
        cls,
        exposure: Exposure | None,
        session: SessionState | None,
        *,
        until: datetime,
        config: DetectionConfig,
    ) -> Baseline:
        b = cls()
        if exposure is not None:
            ctx = exposure.context
            b.user_agents.extend(ua for ua in ctx.get("user_agents", ()) if isinstance(ua, str))
            if isinstance(ctx.get("uploader_user_agent"), str):
                b.user_agents.append(ctx["uploader_user_agent"])
            if isinstance(ctx.get("uploader_asn"), int):
                b.asns.add(ctx["uploader_asn"])
            ip = ctx.get("uploader_ip")
            if isinstance(ip, str) and network_of(ip):
                b.ips.add(ip)
                b.networks.add(network_of(ip) or "")
        b.add_contexts(session.before(until) if session else ())
        b.asns |= set(config.allow_asns)
        return b

    @classmethod
    def of_contexts(cls, contexts: Iterable[Context], *, config: DetectionConfig) -> Baseline:
        """The baseline of some of a session's contexts alone (the drift rules: start and SSO)."""
        b = cls()
        b.add_contexts(contexts)
        b.asns |= set(config.allow_asns)
        return b

    def add_contexts(self, contexts: Iterable[Context]) -> None:
        for c in contexts:
            if c.asn is not None:
                self.asns.add(c.asn)
            if c.network:
                self.networks.add(c.network)
            if c.ip:
                self.ips.add(c.ip)
            if c.device:
                self.devices.add(c.device)
            if c.country:
                self.countries.add(c.country)
            if c.user_agent and c.user_agent not in self.user_agents:
                self.user_agents.append(c.user_agent)
            if c.lat is not None and c.lon is not None and (self.last_geo is None or c.last > self.last_geo[2]):
                self.last_geo = (c.lat, c.lon, c.last)


@dataclass
class Diff:
    signals: list[str]
    evidence: dict[str, Any]

    @property
    def network_changed(self) -> bool:
        return bool({"new-asn", "new-network", "new-country"} & set(self.signals))

    @property
    def corroborated(self) -> bool:
        return bool(
            {
                "dissimilar-user-agent",
                "new-device",
                "scripted-client",
                "anonymizer",
                "token-unbound",
                "native-verdict",
                "impossible-travel",
            }
            & set(self.signals)
        )


def _pair(current: Any, previous: set[Any] | list[Any]) -> dict[str, Any]:
    return {"current": current, "previous": sorted(previous, key=str)[:_SHOWN]}


def compare(event: Event, baseline: Baseline, config: DetectionConfig) -> Diff:
    """Signals (S-2 … S-7, S-9) and `current`/`previous` evidence for one event."""
    signals: list[str] = []
    evidence: dict[str, Any] = {}
    network = network_of(event.src_ip) if event.src_ip else None
    if event.asn is not None and event.asn not in config.allow_asns:
        evidence["asn"] = _pair(event.asn, baseline.asns)
        if baseline.asns - set(config.allow_asns) and event.asn not in baseline.asns:
            signals.append("new-asn")
    if event.as_org:
        evidence["as_org"] = {"current": event.as_org}
    if event.src_ip:
        evidence["ip"] = _pair(event.src_ip, baseline.ips)
        no_asn_view = event.asn is None or not (baseline.asns - set(config.allow_asns))
        if network and baseline.networks and network not in baseline.networks and no_asn_view:
            signals.append("new-network")
    if event.country:
        evidence["country"] = _pair(event.country, baseline.countries)
        if baseline.countries and event.country not in baseline.countries:
            signals.append("new-country")
    if event.user_agent:
        evidence["user_agent"] = _pair(event.user_agent, baseline.user_agents)
        if baseline.user_agents and not any(
            ua_similar(event.user_agent, b, config.ua_similarity) for b in baseline.user_agents
        ):
            signals.append("dissimilar-user-agent")
        if is_scripted(event.user_agent) and not all(is_scripted(b) for b in baseline.user_agents or ["x"]):
            signals.append("scripted-client")
    if event.device_uid:
        evidence["device"] = _pair(event.device_uid, baseline.devices)
        if baseline.devices and event.device_uid not in baseline.devices:
            signals.append("new-device")
    if event.is_proxy:
        evidence["is_proxy"] = {"current": True, "previous": False}
        signals.append("anonymizer")
    if event.token_binding:
        evidence["token_protection"] = event.token_binding
        if event.token_binding.startswith("unbound"):
            signals.append("token-unbound")
    if event.native_verdicts:
        evidence["native_verdicts"] = list(event.native_verdicts)
        signals.append("native-verdict")
    if event.risk_level:
        evidence["risk_level"] = event.risk_level
    _travel(event, baseline, config, signals, evidence)
    return Diff(signals, evidence)


def _travel(
    event: Event, baseline: Baseline, config: DetectionConfig, signals: list[str], evidence: dict[str, Any]
) -> None:
    if event.lat is None or event.lon is None or baseline.last_geo is None:
        return
    lat, lon, then = baseline.last_geo
    hours = max((event.time - then).total_seconds() / 3600, 1 / 60)
    speed = km_between((lat, lon), (event.lat, event.lon)) / hours
    evidence["travel_kmh"] = round(speed)
    if speed > config.impossible_travel_kmh:
        signals.append("impossible-travel")
