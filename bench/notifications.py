"""Notifications: alerts raised from evaluation's events (projection), e-mails sent (dispatcher),
against the same SMTP server driven directly by aiosmtplib in the same run.

``python -m bench.notifications [--size tiny|standard] [--no-write]``
"""

from __future__ import annotations

import asyncio
import os
import socket
import time
from datetime import UTC, datetime
from typing import Any

import aiosmtplib
from aiosmtpd.controller import Controller

import shared.contracts  # noqa: F401
from bench import report
from bench.infra import nats, sqlite_url
from bench.timing import Figure
from services.notifications.adapters.alert_book import AlertBook
from services.notifications.adapters.channels import EmailSender, Outgoing
from services.notifications.adapters.tables import metadata as notification_metadata
from services.notifications.app.commands import command_table
from services.notifications.app.dispatcher import Dispatcher
from services.notifications.app.mail import MailSettings
from services.notifications.app.officers import OfficerContacts
from services.notifications.app.projection import AlertProjection
from services.notifications.app.subscriptions import SubscriptionHandlers
from services.notifications.domain.commands import SubscribeOfficer
from services.notifications.settings import NotificationSettings
from shared.auth import Principal, Role, permissions_of
from shared.bus.consumer import ProjectionConsumer
from shared.bus.keys import fixed_keys
from shared.bus.relay import Relay
from shared.bus.subjects import stream_name
from shared.clock import Clock
from shared.commands import Context
from shared.contracts.evaluation import ComplianceChanged, Missing, Status
from shared.contracts.membership import UnitRegistered
from shared.contracts.notifications import AlertKind, Channel
from shared.contracts.org import UnitLevel, UnitType
from shared.events import NewEvent
from shared.orgtree import OrgTreeProjection, UnitDirectory
from shared.store import Database, EventStore, StreamAppend
from shared.store.schema import consumer_metadata

SIZES = {"tiny": 20, "standard": 2_000}
TITLE = "Notifications: alerts raised and e-mails sent"


class _Sink:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd hook)
        self.count += 1
        return "250 OK"


def _tree(unions: int) -> list[NewEvent]:
    now = datetime.now(UTC)
    units = [("vn", None, "vn", UnitLevel.CENTRAL), ("bg", "vn", "vn.bg", UnitLevel.PROVINCE)]
    units.append(("bg-pl", "bg", "vn.bg.bg-pl", UnitLevel.DISTRICT))
    units += [(f"dcs-{i}", "bg-pl", f"vn.bg.bg-pl.dcs-{i}", UnitLevel.GRASSROOTS) for i in range(unions)]
    return [
        NewEvent(
            f"unit-{u}",
            UnitRegistered(
                unit_id=u, name=f"Đoàn cơ sở {u}", level=lvl, unit_type=UnitType.OTHER, parent_id=p
            ),
            path,
            now,
        )
        for u, p, path, lvl in units
    ]


def _changes(count: int, unions: int) -> list[NewEvent]:
    now = datetime.now(UTC)
    missing = (Missing(indicator_id="C2.2", description="Chi đoàn số 1 chưa sinh hoạt định kỳ tháng 10"),)
    return [
        NewEvent(
            f"compliance-{i}",
            ComplianceChanged(
                unit_id=f"dcs-{i % unions}",
                year=2026,
                criterion=2,
                old_status=Status.PASS,
                new_status=Status.AT_RISK,
                missing=missing,
            ),
            f"vn.bg.bg-pl.dcs-{i % unions}",
            now,
        )
        for i in range(count)
    ]


async def _publish(url: str, js: Any, service: str, events: list[NewEvent]) -> None:
    db = Database(url)
    store = EventStore(db, service)
    await store.initialise()
    for start in range(0, len(events), 500):
        chunk = events[start : start + 500]
        await store.append([StreamAppend(e.stream_id, [e]) for e in chunk], actor="bench")
    relay = Relay(db, js, service, keys=fixed_keys(service))
    await relay.reconcile()
    while await relay.publish_pending():
        pass
    await db.dispose()


async def measure(count: int) -> list[Figure]:
    unions = 20
    sink = _Sink()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings = NotificationSettings(smtp_host="127.0.0.1", smtp_port=port)
    try:
        async with (
            nats() as (_, js),
            sqlite_url() as members,
            sqlite_url() as evaluation,
            sqlite_url() as own,
        ):
            await _publish(members, js, "membership", _tree(unions))
            await _publish(evaluation, js, "evaluation", _changes(count, unions))
            db = Database(own)
            await db.create_all(consumer_metadata, OrgTreeProjection.metadata, notification_metadata)
            store = EventStore(db, "notifications")
            await store.initialise()
            tree = ProjectionConsumer(
                db,
                js,
                OrgTreeProjection(),
                stream_name("membership"),
                service="bench",
                keys=fixed_keys("evaluation"),
            )
            await tree.catch_up((await js.stream_info(stream_name("membership"))).state.last_seq)
            clock = Clock()
            contacts = OfficerContacts(db, clock)
            officer = Principal("officer", Role.DISTRICT_OFFICER, "bg-pl")
            await contacts.set_contact(
                officer, name="Cán bộ", email="officer@bench.vn", webhook_url=None, rotate_secret=False
            )
            book = AlertBook(lambda alert: f"http://127.0.0.1:8105/units/{alert.unit_id}")
            mail = MailSettings(store, settings, clock)
            await command_table(SubscriptionHandlers(store, contacts, clock, book), mail).handle(
                SubscribeOfficer(
                    unit_id="bg-pl",
                    kinds=tuple(k for k in AlertKind if k is not AlertKind.DEAD_LETTER),
                    channels=(Channel.EMAIL, Channel.INBOX),
                ),
                Context(
                    actor=officer.subject,
                    unit=await UnitDirectory(db).get("bg-pl"),
                    permissions=permissions_of(officer.role),
                ),
            )
            projection = AlertProjection(book, (), clock)
            [source] = [s for s in projection.sources() if s.stream == stream_name("evaluation")]
            consumer = ProjectionConsumer(
                db,
                js,
                projection,
                source.stream,
                service="bench",
                keys=fixed_keys("evaluation"),
                filter_subjects=source.filter_subjects,
            )
            last = (await js.stream_info(stream_name("evaluation"))).state.last_seq
            start = time.perf_counter()
            await consumer.catch_up(last)
            raised = count / (time.perf_counter() - start)

            dispatcher = Dispatcher(
                store, book, {Channel.EMAIL: EmailSender(mail.environment)}, clock, settings.retry_policy()
            )
            start = time.perf_counter()
            while await dispatcher.run_once():
                pass
            delivered = dispatcher.counters.total("alerts_delivered")
            sent = delivered / (time.perf_counter() - start)
            assert delivered == count and sink.count == count, (delivered, sink.count)

            composer = EmailSender(mail.environment)
            messages = [
                composer.compose(Outgoing(f"raw-{i}", "Thử", "Nội dung thử", "", "o@bench.vn"))
                for i in range(count)
            ]

            async def worker(share: list[Any]) -> None:
                client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port)
                await client.connect()
                for message in share:
                    await client.send_message(message)
                await client.quit()

            start = time.perf_counter()
            await asyncio.gather(*(worker(messages[w::10]) for w in range(10)))
            raw = count / (time.perf_counter() - start)
            await db.dispose()
    finally:
        controller.stop()
    note = f"{count:,} ComplianceChanged, 20 unions, 1 officer on e-mail and inbox"
    return [
        Figure(
            "alerts raised from JetStream (each: 1 alert, 2 deliveries, SQLite)",
            raised,
            "alerts/s",
            [raised],
            note,
        ),
        Figure(
            "e-mails sent by the dispatcher (status and event recorded each)", sent, "emails/s", [sent], note
        ),
        Figure("raw: aiosmtplib, 10 connections kept open, same SMTP server", raw, "emails/s", [raw], note),
    ]


def section(size: str) -> report.Section:
    load_before = os.getloadavg()[0]
    figures = asyncio.run(measure(SIZES[size]))
    notes = [
        f"- dispatcher / raw aiosmtplib: {figures[1].value / figures[2].value:.0%}",
        "- the SMTP server (aiosmtpd) runs in the benchmark's process, so it shares the CPU with what is measured",
        f"- load average (1 min) before / after the run: {load_before:.1f} / {os.getloadavg()[0]:.1f}",
    ]
    return TITLE, figures, notes


def main() -> None:
    report.cli("bench.notifications", SIZES, section)


if __name__ == "__main__":
    main()
