"""The police's start when the link fails to answer its provisioning (a hub node lost).

Found by ``safenet bench e2e --faults``: the police restarted while a hub node was being
killed; the link connected, provisioning (adding the consumers) timed out, and the
police went on serving HTTP with no consumer, so the hits the centers sent afterwards
were never stored. Provisioning is now tried again, with a growing pause, until it works.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest

from safenet.link import MemoryBroker, MemoryTransport
from safenet.link.errors import LinkUnavailable
from safenet.police import service as police_service
from safenet.police.service import PoliceService
from safenet.store import open_database
from tests.police.support import settings


class FlakyProvision(MemoryTransport):
    """Provisioning times out ``failures`` times, then works."""

    def __init__(self, *args: Any, failures: int) -> None:
        super().__init__(*args)
        self.failures = failures
        self.tries = 0

    async def provision(self, centers: Iterable[str], extra_consumers: Iterable[Any] = ()) -> None:
        self.tries += 1
        if self.tries <= self.failures:
            raise LinkUnavailable("provision: TimeoutError()")
        await super().provision(centers, extra_consumers)


async def test_the_police_start_retries_a_provisioning_that_timed_out(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(police_service, "PROVISION_RETRY_S", (0.01, 0.02))
    transport = FlakyProvision(MemoryBroker(), "police", failures=2)
    await transport.start()
    db = open_database(sqlite_url)
    service = PoliceService(settings(), db=db, transport=transport)
    try:
        await service.start()
        assert transport.tries == 3
        assert service.inbound._subscriptions  # subscribed: the hits are taken
    finally:
        await service.stop()
        await transport.close()
        db.dispose()
