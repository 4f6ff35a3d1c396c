"""Configuration: environment over TOML file over defaults, validated at start, keys required
outside dev mode, and no error message that repeats a value."""

from __future__ import annotations

from pathlib import Path

import pytest

from harguard.errors import PolicyError
from harguard.gateway.keyring import resolve_keys
from harguard.gateway.settings import load_settings
from tests.leaks import assert_no_leak

SECRET_LOOKING = "ghp_" + "A1b2" * 9


def test_defaults_run_in_dev_mode_with_generated_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HARGUARD_KEY", raising=False)
    settings = load_settings(data_dir=tmp_path)
    assert settings.is_dev and settings.max_upload_bytes == 512 * 2**20
    assert settings.resolved_database_url().startswith("sqlite:///")
    keys = resolve_keys(settings)
    assert len(keys.data) == 32 and keys.data != keys.fingerprint
    assert (tmp_path / "fingerprint.key").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "data.key").stat().st_mode & 0o777 == 0o600
    again = resolve_keys(settings)
    assert again.data == keys.data and again.fingerprint == keys.fingerprint
    assert "[secure]" in repr(keys)


def test_production_refuses_to_start_without_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HARGUARD_KEY", raising=False)
    settings = load_settings(data_dir=tmp_path, mode="production")
    with pytest.raises(PolicyError, match="fingerprint key"):
        resolve_keys(settings)
    (tmp_path / "fp.key").write_text("ab" * 32)
    settings = load_settings(data_dir=tmp_path, mode="production", key_file=tmp_path / "fp.key")
    with pytest.raises(PolicyError, match="data key"):
        resolve_keys(settings)
    assert not (tmp_path / "data.key").exists(), "production mode must never invent a key"
    monkeypatch.setenv("HARGUARD_DATA_KEY", "ab" * 32)
    with pytest.raises(PolicyError, match="must differ"):
        resolve_keys(load_settings(data_dir=tmp_path, mode="production", key_file=tmp_path / "fp.key"))
    monkeypatch.setenv("HARGUARD_DATA_KEY", "cd" * 32)
    keys = resolve_keys(load_settings(data_dir=tmp_path, mode="production", key_file=tmp_path / "fp.key"))
    assert keys.data == bytes.fromhex("cd" * 32)


def test_data_key_must_be_32_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HARGUARD_DATA_KEY", "ab" * 20)
    with pytest.raises(PolicyError, match="exactly 32 bytes"):
        resolve_keys(load_settings(data_dir=tmp_path))


def test_toml_file_then_environment_then_arguments(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "gateway.toml"
    config.write_text('port = 9000\nhost = "0.0.0.0"\nmax_upload_bytes = 1048576\ndefault_retention_days = 7\n')
    monkeypatch.setenv("HARGUARD_CONFIG", str(config))
    monkeypatch.setenv("HARGUARD_PORT", "9100")
    settings = load_settings(host="127.0.0.2")
    assert (settings.port, settings.host, settings.max_upload_bytes, settings.default_retention_days) == (
        9100,
        "127.0.0.2",
        1048576,
        7,
    )


def test_unknown_keys_and_bad_values_fail_without_echoing_values(tmp_path: Path) -> None:
    config = tmp_path / "gateway.toml"
    config.write_text(f'databse_url = "{SECRET_LOOKING}"\n')
    with pytest.raises(PolicyError) as excinfo:
        load_settings(config)
    assert "databse_url: unknown setting" in str(excinfo.value)
    assert_no_leak(str(excinfo.value), {"value": SECRET_LOOKING}, "unknown-key error")
    config.write_text(f'port = "{SECRET_LOOKING}"\n')
    with pytest.raises(PolicyError) as excinfo:
        load_settings(config)
    assert "port:" in str(excinfo.value)
    assert_no_leak(str(excinfo.value), {"value": SECRET_LOOKING}, "bad-value error")
    config.write_text("port = [")
    with pytest.raises(PolicyError, match="not valid TOML"):
        load_settings(config)
    with pytest.raises(PolicyError, match="not found"):
        load_settings(tmp_path / "missing.toml")
    with pytest.raises(PolicyError, match="max_expanded_bytes"):
        load_settings(max_upload_bytes=10_000, max_expanded_bytes=5_000)


def test_repr_never_shows_keys(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, key="ab" * 32, data_key="cd" * 32)
    assert_no_leak(repr(settings), {"key": "abab", "data_key": "cdcd"}, "settings repr")


def test_postgres_urls_use_psycopg(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, database_url="postgresql://u@db/harguard")
    assert settings.resolved_database_url() == "postgresql+psycopg://u@db/harguard"
