"""The dispatcher: sends what is due, retries with back-off, gathers digests, records each outcome.

Everything it needs is in the database (status, attempts, when next due), so a
restart of the service, or of NATS, loses nothing: pending deliveries are sent
when it starts again. The outcome of each delivery is appended to notifications'
own history (``AlertDelivered`` / ``AlertUndelivered``) in the transaction that
records it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import structlog
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.notifications.adapters.alert_book import AlertBook
from services.notifications.adapters.channels import EmailSender, Outgoing, Sender
from services.notifications.adapters.tables import alerts, deliveries, officers
from services.notifications.app.digests import gather_digests
from services.notifications.app.mail import MailSettings
from services.notifications.domain.mail import NOT_CONFIGURED
from services.notifications.domain.streams import delivery_stream
from services.notifications.domain.timing import RetryPolicy
from shared.clock import Clock
from shared.contracts.notifications import AlertDelivered, AlertKind, AlertUndelivered, Channel
from shared.events import NewEvent
from shared.i18n import DEFAULT_LANGUAGE, tr
from shared.runtime.metrics import Counters
from shared.store import EventStore, StreamAppend

log = structlog.get_logger("notifications.dispatcher")

DUE_STATUSES = ("pending", "deferred", "retrying")


class Dispatcher:
    def __init__(
        self,
        store: EventStore,
        book: AlertBook,
        senders: Mapping[Channel, Sender],
        clock: Clock,
        policy: RetryPolicy,
        *,
        batch_size: int = 100,
        concurrency: int = 10,
        interval: float = 1.0,
        counters: Counters | None = None,
        mail: MailSettings | None = None,
    ) -> None:
        self.store = store
        self.db = store.db
        self.book = book
        self.senders = senders
        self.clock = clock
        self.policy = policy
        self.batch_size = batch_size
        self.interval = interval
        self._limit = asyncio.Semaphore(concurrency)
        # Served at /metrics as chudong_<name>_total{channel}: pass the runtime's to have them there.
        self.counters = counters if counters is not None else Counters()
        # Where the mail server is read on each pass (None: the e-mail sender has its own, fixed).
        self.mail = mail

    async def run(self) -> None:
        """Dispatch until cancelled; woken early when an alert is raised."""
        try:
            await self._loop()
        finally:
            for sender in self.senders.values():
                close = getattr(sender, "close", None)
                if close is not None:
                    await close()

    async def _loop(self) -> None:
        while True:
            try:
                while await self.run_once() >= self.batch_size:
                    pass
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("dispatcher.pass_failed", error=str(exc) or exc.__class__.__name__)
            self.book.raised.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.interval):
                    await self.book.raised.wait()

    async def run_once(self) -> int:
        """One pass: gather the digests that are due, then send what is due. Returns how many were tried."""
        now = self.clock.now().astimezone(UTC)
        await gather_digests(self.db, now)
        await self._follow_mail_server(now)
        async with self.db.read() as conn:
            rows = (
                await conn.execute(
                    select(deliveries, officers.c.email, officers.c.webhook_url, officers.c.webhook_secret)
                    .outerjoin(officers, officers.c.officer_id == deliveries.c.officer_id)
                    .where(deliveries.c.status.in_(DUE_STATUSES), deliveries.c.due_at <= now)
                    .order_by(deliveries.c.due_at)
                    .limit(self.batch_size)
                )
            ).all()
        # Up to ``concurrency`` sends at a time; their outcomes are recorded as they come, those that
        # finished together in one transaction (group commit). A crash can repeat the sends whose
        # outcome was not recorded yet: they carry the same Message-ID / delivery id again.
        finished: list[tuple[Mapping[str, Any], Channel, str | None]] = []
        arrived = asyncio.Event()

        async def send(row: object) -> None:
            async with self._limit:
                finished.append(await self._attempt(row))
            arrived.set()

        sends = [asyncio.create_task(send(row)) for row in rows]
        try:
            remaining = len(rows)
            while remaining:
                await arrived.wait()
                arrived.clear()
                batch, finished[:] = list(finished), []
                async with self.db.transaction() as conn:
                    outcomes = [await self._record(conn, m, channel, error) for m, channel, error in batch]
                # Counted once committed: a transaction that failed recorded nothing, and is tried again.
                for (_, channel, _), status in zip(batch, outcomes, strict=True):
                    self._count(channel, status)
                remaining -= len(batch)
                self.store.appended.set()
        finally:
            for task in sends:
                task.cancel()
        return len(rows)

    async def _follow_mail_server(self, now: datetime) -> None:
        """Send e-mail by the mail server set now; with none, e-mails due are held (not tried against a
        server that is not there, nor counted as tries), and sent once one is set."""
        if self.mail is None:
            return
        server = await self.mail.current()
        sender = self.senders.get(Channel.EMAIL)
        if isinstance(sender, EmailSender):
            await sender.use(server)
        if server.configured:
            which = deliveries.c.status == "held"
            values: dict[str, object] = {"status": "pending", "due_at": now, "last_error": None}
        else:
            which = (
                (deliveries.c.channel == Channel.EMAIL.value)
                & deliveries.c.status.in_(DUE_STATUSES)
                & (deliveries.c.due_at <= now)
            )
            values = {"status": "held", "last_error": tr(DEFAULT_LANGUAGE, NOT_CONFIGURED)}
        async with self.db.read() as conn:
            if (await conn.execute(select(deliveries.c.delivery_id).where(which).limit(1))).first() is None:
                return  # most passes: nothing to hold or release, and no write
        async with self.db.transaction() as conn:
            changed = (await conn.execute(update(deliveries).where(which).values(**values))).rowcount
        log.info(
            "dispatcher.mail_released" if server.configured else "dispatcher.mail_held", deliveries=changed
        )

    async def _attempt(self, row: object) -> tuple[Mapping[str, Any], Channel, str | None]:
        m = row._mapping  # type: ignore[attr-defined]
        channel = Channel(m["channel"])
        address = m["email"] if channel is Channel.EMAIL else m["webhook_url"]
        error: str | None = None
        try:
            sender = self.senders[channel]
            if not address:
                raise LookupError(f"the officer has no {channel.value} address any more")
            await sender.send(
                Outgoing(
                    delivery_id=m["delivery_id"],
                    subject=m["subject"],
                    body=m["body"],
                    link=m["link"],
                    address=address,
                    secret=m["webhook_secret"],
                    data={"alert_id": m["alert_id"], "critical": m["critical"]},
                )
            )
        except Exception as exc:
            error = f"{exc.__class__.__name__}: {exc}"[:2000] or exc.__class__.__name__
        return m, channel, error

    def _count(self, channel: Channel, status: str) -> None:
        if status == "delivered":
            self.counters.add("alerts_delivered", channel=channel.value)
            return
        self.counters.add("alert_attempts_failed", channel=channel.value)
        if status == "undelivered":
            self.counters.add("alerts_undelivered", channel=channel.value)

    async def _record(
        self, conn: AsyncConnection, m: Mapping[str, Any], channel: Channel, error: str | None
    ) -> str:
        """Record a try's outcome; returns the delivery's status after it."""
        now = self.clock.now().astimezone(UTC)
        attempts = int(m["attempts"]) + 1
        first = m["first_tried_at"] or now
        assert isinstance(first, datetime)
        if first.tzinfo is None:  # SQLite keeps no zone: every instant is stored in UTC
            first = first.replace(tzinfo=UTC)
        if error is None:
            values: dict[str, object] = {"status": "delivered", "delivered_at": now, "last_error": None}
        else:
            retry_at = self.policy.next_attempt(attempts, first, now)
            values = {"status": "retrying" if retry_at else "undelivered", "last_error": error}
            if retry_at:
                values["due_at"] = retry_at
            log.warning(
                "dispatcher.attempt_failed",
                delivery=m["delivery_id"],
                attempt=attempts,
                error=error,
                gave_up=retry_at is None,
            )
        values.update(attempts=attempts, first_tried_at=first)
        await conn.execute(
            update(deliveries).where(deliveries.c.delivery_id == m["delivery_id"]).values(**values)
        )
        if values["status"] in ("delivered", "undelivered"):
            if m["alert_id"] is None:  # a digest: its items share its outcome
                await conn.execute(
                    update(deliveries)
                    .where(deliveries.c.digest_id == m["delivery_id"])
                    .values(
                        status=values["status"],
                        delivered_at=values.get("delivered_at"),
                        last_error=error,
                        attempts=attempts,
                    )
                )
            await self._append_outcome(conn, m, channel, attempts, error, now)
        return str(values["status"])

    async def _append_outcome(
        self,
        conn: AsyncConnection,
        m: Mapping[str, object],
        channel: Channel,
        attempts: int,
        error: str | None,
        now: datetime,
    ) -> None:
        delivery = str(m["delivery_id"])
        if m["alert_id"] is not None:
            query = select(alerts.c.alert_id, alerts.c.source_id, alerts.c.kind, alerts.c.unit_path).where(
                alerts.c.alert_id == m["alert_id"]
            )
        else:
            query = (
                select(alerts.c.alert_id, alerts.c.source_id, alerts.c.kind, alerts.c.unit_path)
                .join(deliveries, deliveries.c.alert_id == alerts.c.alert_id)
                .where(deliveries.c.digest_id == delivery)
            )
        items = (await conn.execute(query)).all()
        alert_ids = tuple(str(i.alert_id) for i in items)
        source_ids = tuple(str(i.source_id) for i in items)
        kind = AlertKind(items[0].kind) if m["alert_id"] is not None and items else None
        # The history is filed under the unit the officer follows: the common prefix of the alerts' units.
        unit_path = _common_path([str(i.unit_path) for i in items]) or "vn"
        common = {
            "delivery_id": delivery,
            "alert_ids": alert_ids,
            "source_ids": source_ids,
            "kind": kind,
            "officer_id": str(m["officer_id"]),
            "channel": channel,
            "attempts": attempts,
        }
        payload = (
            AlertDelivered(**common, delivered_at=now)
            if error is None
            else AlertUndelivered(**common, last_error=error, given_up_at=now)
        )
        new = NewEvent(delivery_stream(delivery), payload, unit_path, now)
        await self.store.append_in(conn, StreamAppend(new.stream_id, [new]), actor="notifications")


def _common_path(paths: list[str]) -> str:
    if not paths:
        return ""
    split = [p.split(".") for p in paths]
    common: list[str] = []
    for parts in zip(*split, strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    return ".".join(common)
