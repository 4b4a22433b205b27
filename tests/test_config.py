"""The configuration tree refuses unknown keys and reads the environment."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from safenet.config import load_settings


def test_defaults() -> None:
    s = load_settings()
    assert s.data_dir == Path("../shared/data")
    assert s.log.level == "info"


def test_unknown_key_is_refused(tmp_path: Path) -> None:
    cfg = tmp_path / "safenet.toml"
    cfg.write_text('dta_dir = "/x"\n')
    with pytest.raises(ValidationError, match="dta_dir"):
        load_settings(cfg)


def test_environment_overrides_nested(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAFENET_LOG__LEVEL", "debug")
    assert load_settings().log.level == "debug"


def test_bad_toml_names_the_file(tmp_path: Path) -> None:
    cfg = tmp_path / "bad.toml"
    cfg.write_text("this is = = not toml")
    with pytest.raises(ValueError, match=r"bad\.toml is not valid TOML"):
        load_settings(cfg)


def test_the_mqtt_qos_can_be_set_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from safenet.config import Settings

    monkeypatch.setenv("SAFENET_CENTER__MQTT_QOS", "0")
    assert Settings().center.mqtt_qos == 0
    monkeypatch.setenv("SAFENET_CENTER__MQTT_QOS", "2")
    with pytest.raises(ValueError, match="less than or equal to 1"):
        Settings()
