"""The police's default port is one number: the service, its CLI clients and the demo agree."""

from __future__ import annotations

import inspect

from safenet.commands import police, police_evidence
from safenet.commands.demo import demo
from safenet.demo.run import DemoOptions
from safenet.police.settings import PoliceSettings


def test_police_clients_and_demo_default_to_the_police_service_port() -> None:
    port = PoliceSettings.model_fields["port"].default
    assert f"http://127.0.0.1:{port}" == police.DEFAULT_URL
    assert police_evidence._URL.default == f"http://127.0.0.1:{port}"
    assert DemoOptions.__dataclass_fields__["port"].default == port
    assert inspect.signature(demo).parameters["port"].default.default == port
