"""The notifications process: ``python -m services.notifications.main``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI

from services.notifications.adapters.alert_book import AlertBook
from services.notifications.adapters.channels import EmailSender, Sender, WebhookSender
from services.notifications.api import router
from services.notifications.api.scopes import SCOPES
from services.notifications.app.commands import command_table
from services.notifications.app.dispatcher import Dispatcher
from services.notifications.app.officers import OfficerContacts
from services.notifications.app.projection import AlertProjection
from services.notifications.app.scheduler import Scheduler
from services.notifications.app.subscriptions import SubscriptionHandlers
from services.notifications.domain.alerts import Alert
from services.notifications.migrations import SCHEMA
from services.notifications.settings import NotificationSettings
from shared.bus.subjects import stream_name
from shared.clock import Clock
from shared.contracts.notifications import AlertKind, Channel
from shared.http import create_service_app
from shared.runtime import ServiceRuntime
from shared.runtime.serve import serve
from shared.runtime.service import Source
from shared.settings import DEFAULT_PORTS, CommonSettings, service_settings

NAME = "notifications"


class _Defaults(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


def link_maker(settings: NotificationSettings, common: CommonSettings) -> Any:
    def link_for(alert: Alert) -> str:
        if alert.kind is AlertKind.DEAD_LETTER:
            service = str(alert.facts.get("consumer", "")).split("_", 1)[0]
            base = (
                f"{common.public_base_url.rstrip('/')}/{service}"
                if common.public_base_url
                else f"http://127.0.0.1:{DEFAULT_PORTS.get(service, 8100)}"
            )
            return f"{base}/admin/dead-letters"
        values = _Defaults(alert.facts, evaluation=settings.evaluation_url.rstrip("/"), unit_id=alert.unit_id)
        return settings.explanation_url.format_map(values)

    return link_for


def create_app(
    common: CommonSettings | None = None,
    *,
    clock: Clock | None = None,
    settings: NotificationSettings | None = None,
    senders: Mapping[Channel, Sender] | None = None,
) -> FastAPI:
    common = common or CommonSettings()
    settings = settings or NotificationSettings()
    clock = clock or Clock()
    runtime = ServiceRuntime(
        common,
        service_settings(NAME),
        schema=SCHEMA,
        org_tree_sources=[Source(stream_name("membership"))],
    )
    book = AlertBook(link_maker(settings, common))
    deadlines = settings.deadlines()
    projection = AlertProjection(book, deadlines, clock)
    runtime.add_projection(projection, projection.sources())
    dispatcher = Dispatcher(
        runtime.store,
        book,
        senders or {Channel.EMAIL: EmailSender(settings), Channel.WEBHOOK: WebhookSender(settings)},
        clock,
        settings.retry_policy(),
        batch_size=settings.dispatch_batch_size,
        concurrency=settings.dispatch_concurrency,
        interval=settings.dispatch_interval_seconds,
        counters=runtime.counters,
    )
    scheduler = Scheduler(runtime.db, book, deadlines, clock, interval=settings.schedule_interval_seconds)

    async def schedule() -> None:
        scheduler.js = runtime.js
        await scheduler.run()

    runtime.add_task("dispatcher", dispatcher.run, singleton=True)
    runtime.add_task("scheduler", schedule, singleton=True)
    app = create_service_app(
        runtime,
        [router],
        title="chudong notifications",
        description="Alerts to officers about their units: compliance, risks, deadlines and decisions.",
    )
    app.state.contacts = contacts = OfficerContacts(runtime.db, clock)
    app.state.subscriptions = subscriptions = SubscriptionHandlers(runtime.store, contacts, clock)
    app.state.commands = command_table(subscriptions)
    app.state.scopes = SCOPES
    app.state.clock = clock
    app.state.dispatcher = dispatcher
    app.state.scheduler = scheduler
    app.state.projection = projection
    return app


def main() -> None:
    serve(NAME, create_app)


if __name__ == "__main__":
    main()
