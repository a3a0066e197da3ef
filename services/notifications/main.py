"""The notifications process: ``python -m services.notifications.main``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from urllib.parse import quote

from fastapi import FastAPI

from services.notifications.adapters.alert_book import AlertBook
from services.notifications.adapters.channels import EmailSender, Sender, WebhookSender
from services.notifications.api import router
from services.notifications.api.scopes import SCOPES
from services.notifications.app.commands import command_table
from services.notifications.app.directory import OfficerDirectory
from services.notifications.app.dispatcher import Dispatcher
from services.notifications.app.mail import MailSettings
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
from shared.settings import CommonSettings, service_settings

NAME = "notifications"


def link_maker(settings: NotificationSettings, common: CommonSettings) -> Callable[[Alert], str]:
    """Each alert's link: the dashboard's page of the indicator it is about, else of its union (ids stay
    in links); operators' alerts lead to the failing service's dead letters."""
    dashboard = settings.public_url.rstrip("/")

    def link_for(alert: Alert) -> str:
        if alert.kind is AlertKind.DEAD_LETTER:
            service = str(alert.facts.get("consumer", "")).split("_", 1)[0]
            base = (
                f"{common.public_base_url.rstrip('/')}/{service}"
                if common.public_base_url
                else settings.service_url(service).rstrip("/")
            )
            return f"{base}/admin/dead-letters"
        unit = quote(alert.unit_id, safe="")
        indicator = alert.indicator_id
        if indicator:
            return f"{dashboard}/units/{unit}/indicators/{quote(indicator, safe='')}"
        if alert.kind is AlertKind.RECOGNITION_AWAITING_DECISION:
            return f"{dashboard}/units/{unit}#recognition"
        return f"{dashboard}/units/{unit}"

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
    book = AlertBook(link_maker(settings, common), coalesce=timedelta(seconds=settings.coalesce_seconds))
    deadlines = settings.deadlines()
    projection = AlertProjection(book, deadlines, clock)
    runtime.add_projection(projection, projection.sources())
    directory = OfficerDirectory(book, clock)
    runtime.add_projection(directory, directory.sources())
    mail = MailSettings(runtime.store, settings, clock, changed=book.raised.set)
    dispatcher = Dispatcher(
        runtime.store,
        book,
        senders
        or {
            Channel.EMAIL: EmailSender(mail.environment, timeout=settings.smtp_timeout_seconds),
            Channel.WEBHOOK: WebhookSender(settings.webhook_timeout_seconds),
        },
        clock,
        settings.retry_policy(),
        batch_size=settings.dispatch_batch_size,
        concurrency=settings.dispatch_concurrency,
        interval=settings.dispatch_interval_seconds,
        counters=runtime.counters,
        mail=mail,
    )
    scheduler = Scheduler(runtime.db, book, deadlines, clock, interval=settings.schedule_interval_seconds)

    async def schedule() -> None:
        scheduler.js = runtime.js
        await scheduler.run()

    async def mail_state() -> str:
        return "configured" if (await mail.current()).configured else "not_configured"

    runtime.add_health_field("mail", mail_state)
    runtime.add_task("dispatcher", dispatcher.run, singleton=True)
    runtime.add_task("scheduler", schedule, singleton=True)
    app = create_service_app(
        runtime,
        [router],
        title="chudong notifications",
        description="Alerts to officers about their units: compliance, risks, deadlines and decisions.",
    )
    app.state.contacts = contacts = OfficerContacts(runtime.db, clock, book)
    app.state.subscriptions = subscriptions = SubscriptionHandlers(runtime.store, contacts, clock, book)
    app.state.commands = command_table(subscriptions, mail)
    app.state.mail = mail
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
