"""The watch config fails closed: unknown keys, missing secrets, clear-text URLs."""

from __future__ import annotations

from pathlib import Path

import pytest

from harguard.errors import PolicyError
from harguard.watch.config import WatchConfig
from harguard.watch.guard import OutboundGuard
from harguard.watch.playbooks import build_playbook
from harguard.watch.sinks import build_dispatcher


def load(tmp_path: Path, text: str) -> WatchConfig:
    path = tmp_path / "watch.toml"
    path.write_text(text)
    return WatchConfig.load(path)


def test_defaults_and_relative_paths(tmp_path: Path) -> None:
    config = load(tmp_path, '[detection]\nasn_file = "asn.csv"\n[delivery]\ndead_letter = "dl.jsonl"\n')
    assert config.detection.asn_file == tmp_path / "asn.csv"
    assert config.delivery.dead_letter == tmp_path / "dl.jsonl"
    assert WatchConfig.load(None).sinks == ()


@pytest.mark.parametrize(
    "text",
    [
        "[detection]\nua_similarty = 0.9\n",
        '[[sinks]]\ntype = "email"\n',
        "[detection]\nclock_skew_seconds = -1\n",
        "not toml [",
    ],
)
def test_bad_config_is_refused(tmp_path: Path, text: str) -> None:
    with pytest.raises(PolicyError):
        load(tmp_path, text)


def test_sinks_need_their_secrets_from_the_environment(tmp_path: Path, guard: OutboundGuard) -> None:
    config = load(tmp_path, '[[sinks]]\ntype = "webhook"\nurl = "https://siem.example/h"\nsecret_env = "WH"\n')
    with pytest.raises(PolicyError, match="WH is not set"):
        build_dispatcher(config, guard=guard, env={})
    build_dispatcher(config, guard=guard, env={"WH": "s3cret"}).close()
    clear = load(tmp_path, '[[sinks]]\ntype = "slack"\nurl = "http://hooks.example/x"\n')
    with pytest.raises(PolicyError, match="https"):
        build_dispatcher(clear, guard=guard, env={})
    twins = load(tmp_path, '[[sinks]]\ntype = "ocsf"\npath = "a"\n[[sinks]]\ntype = "ocsf"\npath = "b"\n')
    with pytest.raises(PolicyError, match="share a name"):
        build_dispatcher(twins, guard=guard, env={})


def test_live_playbooks_need_their_admin_token(tmp_path: Path) -> None:
    config = load(tmp_path, '[playbooks]\nokta_org = "https://example.okta.com"\n').playbooks
    assert build_playbook("okta.clear-user-sessions", config, env={}, dry_run=True)
    with pytest.raises(PolicyError, match="HARGUARD_OKTA_TOKEN"):
        build_playbook("okta.clear-user-sessions", config, env={}, dry_run=False)
    with pytest.raises(PolicyError, match="auth0_domain"):
        build_playbook("auth0.session-delete", config, env={})
    with pytest.raises(PolicyError):
        build_playbook("okta.delete-everything", config, env={})
