"""The outbox relay: publishes a site's committed messages and marks them sent on the ack.

One relay runs per site database. It reads pending outbox rows in commit order,
publishes them (one at a time, or a batch pipelined with one wait for all PubAcks),
and marks them sent only after the link acknowledged them. While the link is down
the rows simply stay pending — the outbox grows, the site goes on working — and
they go out in order when it returns. A message whose destination keeps failing
holds back only later messages to the same subject, not the others.

The relay listens on its database for commits that queued a message
(:data:`safenet.link.outbox.COMMIT_TOPIC`), so a report leaves as soon as its
transaction commits; the poll only catches what another process committed.

If the process dies after the publish but before the mark, the restarted relay
publishes the row again: the server's duplicate window drops it, and receivers'
inboxes drop anything older. With batching, a failure inside a batch can reorder
that batch's messages on the stream; nothing is lost or applied twice.

A "duplicate" answer is a success only for a row that may already have reached the
server: one whose earlier publish failed without an answer (``publish_tries``, noted
when the acknowledgement was lost). A duplicate answer to any other row means the id
was taken, and the row is published again at once under a fresh de-duplication id
(``<message id>:<token>``, which receivers accept as its own), so the message still
arrives. When the relay knows the row was never offered before — it was committed
after this relay started — that is also an alarm
(:class:`safenet.link.alarms.AlarmKind.DUPLICATE_FIRST_PUBLISH`): someone published
under its id first. A row inherited from a relay that died between a publish and its
mark may legitimately be a duplicate, so it is only resent, quietly. None of this
costs a database write before a publish.

A row the server acknowledged whose mark then failed (a locked or unreachable
database) is published again on the next pass; the relay remembers the ids the server
answered for it (:data:`ANSWERED_KEPT` of them), so that pass's "duplicate" answer is
taken for what it is — its own publish — and the row is marked sent: no alarm, no
second copy under a fresh id.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from safenet.link import outbox
from safenet.link.alarms import AlarmKind, LinkAlarms
from safenet.link.errors import DuplicateFirstPublish, LinkError, LinkForbidden, LinkUnavailable
from safenet.link.outbox import OutboxRow
from safenet.link.transport import REPUBLISH_SEPARATOR, Transport
from safenet.store.database import Database

log = logging.getLogger(__name__)


class _NotOffered(LinkError):
    """A row held back this round (order per destination, or stopping): not a failure."""


ANSWERED_KEPT = 50_000
"""How many acknowledged de-duplication ids a relay remembers (a few MB at most)."""


def _maybe_stored(error: LinkError) -> bool:
    """Whether a failed publish may have reached the server all the same."""
    return isinstance(error, LinkUnavailable) and error.maybe_stored


class Relay:
    """Moves one site's outbox onto the link; see the module docstring for the guarantees.

    ``alarms`` receives the publish alarms (default: the transport's).
    """

    def __init__(
        self,
        db: Database,
        transport: Transport,
        *,
        batch_size: int = 100,
        batched: bool = True,
        poll_interval_s: float = 0.5,
        max_backoff_s: float = 5.0,
        keep_sent: timedelta = timedelta(days=1),
        alarms: LinkAlarms | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size: {batch_size} must be at least 1")
        self.db = db
        self.transport = transport
        self.batch_size = batch_size
        self.batched = batched
        self.poll_interval_s = poll_interval_s
        self.max_backoff_s = max_backoff_s
        self.keep_sent = keep_sent
        self.alarms = alarms if alarms is not None else transport.alarms
        self.duplicates_total = 0
        """Duplicate answers to a first publish (each one also an alarm)."""
        self.depth = 0
        """Messages waiting at the last look (for health checks and metrics)."""
        self.sent_total = 0
        self.failures_total = 0
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._unlisten: Callable[[], None] | None = None
        self._again = False
        self._inherited: int | None = None
        """Rows up to here were pending when this relay started: a predecessor may have
        published them without marking them."""
        self._last_prune = datetime.min.replace(tzinfo=UTC)
        self._answered: OrderedDict[str, None] = OrderedDict()
        """De-duplication ids the server acknowledged (or maybe stored) for this relay,
        newest last, at most :data:`ANSWERED_KEPT`: a later "duplicate" answer for one
        of them is this relay's own publish whose mark was lost, not a forgery."""

    # -- control ---------------------------------------------------------------------

    async def start(self) -> None:
        """Run the relay in the background until :meth:`stop`."""
        if self._task is None:
            self._bind()
            if self._unlisten is None:
                self._unlisten = self.db.on_commit(outbox.COMMIT_TOPIC, self.notify)
            self._task = asyncio.create_task(self.run(), name="link-relay")

    async def stop(self) -> None:
        """Stop after the publish in progress (its rows stay pending if not yet acked)."""
        self._stopping = True
        if self._unlisten is not None:
            self._unlisten()
            self._unlisten = None
        self.notify()
        if self._task is not None:
            task, self._task = self._task, None
            try:
                await asyncio.wait_for(asyncio.shield(task), 10.0)
            except TimeoutError:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    def notify(self) -> None:
        """Wake the relay now; callable from any thread (commits to the outbox call it)."""
        loop, wake = self._loop, self._wake
        if loop is None or wake is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            wake.set()
        else:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(wake.set)

    def _bind(self) -> None:
        self._loop = asyncio.get_running_loop()
        if self._wake is None:
            self._wake = asyncio.Event()

    # -- the loop --------------------------------------------------------------------

    async def run(self) -> None:
        """Publish pending rows until stopped."""
        self._bind()
        assert self._wake is not None
        backoff = 0.0
        while not self._stopping:
            self._wake.clear()
            try:
                sent, failed = await self.drain_once()
            except LinkError as exc:  # pragma: no cover - drain_once reports per row
                log.warning("link relay: %s", exc)
                sent, failed = 0, 1
            except Exception:
                log.exception("link relay: unexpected error; retrying")
                sent, failed = 0, 1
            if failed:
                backoff = min(self.max_backoff_s, max(0.1, backoff * 2))
                await self._sleep(backoff, wakeable=False)
                continue
            backoff = 0.0
            again, self._again = self._again, False
            if sent == 0 and not again:
                await self._sleep(self.poll_interval_s, wakeable=True)

    async def _sleep(self, seconds: float, *, wakeable: bool) -> None:
        if not wakeable:
            await asyncio.sleep(seconds)
            return
        assert self._wake is not None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)

    async def drain_once(self) -> tuple[int, int]:
        """Publish one batch of pending rows; return (sent, failed) counts."""
        rows = await asyncio.to_thread(self._read_pending)
        if not rows:
            await self._maybe_prune()
            return 0, 0
        sent: list[int] = []
        failed: dict[int, LinkError] = {}
        if self.batched:
            await self._publish_batch(rows, sent, failed)
        else:
            await self._publish_each(rows, sent, failed)
        reassigned = self._duplicates(rows, sent, failed)
        await asyncio.to_thread(self._settle, sent, failed, reassigned)
        failures = sum(
            1
            for seq, e in failed.items()
            if seq not in reassigned and not isinstance(e, _NotOffered)
        )
        self.sent_total += len(sent)
        self.failures_total += failures
        return len(sent), failures

    async def _publish_each(
        self, rows: list[OutboxRow], sent: list[int], failed: dict[int, LinkError]
    ) -> None:
        blocked: set[str] = set()
        for row in rows:
            if self._stopping or row.envelope.subject in blocked:
                # Not offered: keep order per destination, and give the claim back.
                failed[row.seq] = _NotOffered()
                continue
            try:
                await self.transport.publish_envelope(row.envelope)
            except LinkError as exc:
                self._log_failure(row, exc)
                blocked.add(row.envelope.subject)
                failed[row.seq] = exc
                if _maybe_stored(exc):
                    self._remember(row)
            else:
                sent.append(row.seq)
                self._remember(row)

    async def _publish_batch(
        self, rows: list[OutboxRow], sent: list[int], failed: dict[int, LinkError]
    ) -> None:
        results = await self.transport.publish_batch([r.envelope for r in rows])
        for row, error in zip(rows, results, strict=True):
            if error is None:
                sent.append(row.seq)
                self._remember(row)
            else:
                self._log_failure(row, error)
                failed[row.seq] = error
                if _maybe_stored(error):
                    self._remember(row)

    def _remember(self, row: OutboxRow) -> None:
        answered = self._answered
        answered[row.envelope.server_id] = None
        answered.move_to_end(row.envelope.server_id)
        while len(answered) > ANSWERED_KEPT:
            answered.popitem(last=False)

    def _duplicates(
        self, rows: list[OutboxRow], sent: list[int], failed: dict[int, LinkError]
    ) -> dict[int, str]:
        """Give each row whose id was taken a fresh one; alarm when it was a first publish.

        A duplicate answer for an id the server already answered this relay for is its
        own earlier publish (the mark after it was lost, e.g. a locked database): sent.
        """
        reassigned: dict[int, str] = {}
        for row in rows:
            error = failed.get(row.seq)
            if not isinstance(error, DuplicateFirstPublish):
                continue
            if row.envelope.server_id in self._answered:
                log.info(
                    "link relay: %s was already on the link from this relay's own earlier "
                    "publish (its mark was lost); marking it sent",
                    row.envelope.message_id,
                )
                del failed[row.seq]
                sent.append(row.seq)
                continue
            if self._inherited is not None and row.seq <= self._inherited:
                log.info(
                    "link relay: %s was already on the link (a predecessor's unmarked "
                    "publish?); sending it again under a fresh id",
                    row.envelope.message_id,
                )
            else:
                self.duplicates_total += 1
                self.alarms.raise_alarm(
                    AlarmKind.DUPLICATE_FIRST_PUBLISH,
                    site=self.transport.site,
                    subject=row.envelope.subject,
                    message_id=row.envelope.message_id,
                    detail=f"the link already held {row.envelope.server_id} before "
                    f"{self.transport.site} first published it: someone published under "
                    "this message's id (forged or replayed); sending it again under a "
                    "fresh id",
                )
            token = secrets.token_hex(8)
            reassigned[row.seq] = f"{row.envelope.message_id}{REPUBLISH_SEPARATOR}{token}"
            self._again = True
        return reassigned

    def _log_failure(self, row: OutboxRow, exc: LinkError) -> None:
        level = logging.ERROR if isinstance(exc, LinkForbidden) else logging.WARNING
        log.log(
            level,
            "link relay: %s %s (attempt %d) not sent: %s",
            row.envelope.message_type,
            row.envelope.message_id,
            row.attempts + 1,
            exc,
        )

    # -- database work (worker thread) -----------------------------------------------

    def _read_pending(self) -> list[OutboxRow]:
        with self.db.read() as conn:
            if self._inherited is None:
                self._inherited = outbox.last_seq(conn)
            rows = outbox.pending(conn, self.batch_size)
            if not rows:
                self.depth = 0
        return rows

    def _settle(
        self, sent: list[int], failed: dict[int, LinkError], reassigned: dict[int, str]
    ) -> None:
        with self.db.begin() as conn:
            outbox.mark_sent(conn, sent)
            for seq, error in failed.items():
                if seq in reassigned:
                    outbox.reassign_dedup_id(conn, seq, reassigned[seq])
                elif _maybe_stored(error):
                    outbox.note_ambiguous(conn, [seq])
                if not isinstance(error, _NotOffered):
                    outbox.record_failure(conn, [seq], str(error))
            self.depth = outbox.depth(conn)

    async def _maybe_prune(self) -> None:
        now = datetime.now(UTC)
        if now - self._last_prune < timedelta(minutes=10):
            return
        self._last_prune = now

        def prune() -> int:
            with self.db.begin() as conn:
                return outbox.prune_sent(conn, now - self.keep_sent)

        removed = await asyncio.to_thread(prune)
        if removed:
            log.info("link relay: pruned %d sent outbox rows", removed)

    def read_depth(self) -> int:
        """Count the waiting messages now (a database read; call from a worker thread)."""
        with self.db.read() as conn:
            self.depth = outbox.depth(conn)
        return self.depth
