"""6. The same workload on the `eventsourcing` library (pyeventsourcing), the Python reference store.

Its idiom: an aggregate per member saved by an Application (one transaction per
``save``; several aggregates in one ``save`` share it), and a projection that
updates its materialised view and its tracking record per event, in one
transaction, reading the application's own table (no broker in between).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.projection import Projection, ProjectionRunner
from psycopg.sql import SQL
from sqlalchemy.engine import make_url

from bench.timing import Figure
from bench.workload import branch_path


class Member(Aggregate):
    @event("Joined")
    def __init__(self, member_id: str, unit_path: str, joined_on: str, decision_ref: str) -> None:
        self.member_id = member_id
        self.unit_path = unit_path
        self.joined_on = joined_on
        self.decision_ref = decision_ref


MemberJoinedEvent: Any = Member.Joined  # type: ignore[attr-defined]  # made by the @event decorator


class Membership(Application[UUID]):
    pass


def members(count: int, offset: int) -> list[Member]:
    return [
        Member(f"m-{i:09d}", branch_path(i), date(2026, 3, 26).isoformat(), f"QĐ {i}/QĐ-ĐTN")
        for i in range(offset, offset + count)
    ]


class MemberCountsView(PostgresTrackingRecorder):
    """Admitted members per unit, every ancestor included, beside the tracking record.

    On PostgreSQL: the library's SQLite recorder has no subscriptions to project from.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS peer_member_counts (unit_id text PRIMARY KEY, members int NOT NULL)"
            ).format()
        )

    def count(self, unit_ids: list[str], tracking: Tracking) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            for unit_id in unit_ids:
                cursor.execute(
                    SQL(
                        "INSERT INTO peer_member_counts VALUES (%s, 1) "
                        "ON CONFLICT (unit_id) DO UPDATE SET members = peer_member_counts.members + 1"
                    ),
                    (unit_id,),
                )
            self._insert_tracking(cursor, tracking)


class MemberCounts(Projection[MemberCountsView]):
    name = "member_counts"

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        if isinstance(domain_event, MemberJoinedEvent):  # the aggregate's Joined event
            self.view.count(str(domain_event.unit_path).split("."), tracking)
        else:
            self.view.insert_tracking(tracking)


def _sqlite_env(path: Path) -> dict[str, str]:
    return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)}


def _postgres_env(url: str) -> dict[str, str]:
    parsed = make_url(url)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": parsed.database or "",
        "POSTGRES_HOST": parsed.host or "127.0.0.1",
        "POSTGRES_PORT": str(parsed.port or 5432),
        "POSTGRES_USER": parsed.username or "postgres",
        "POSTGRES_PASSWORD": parsed.password or "",
    }


def append_rates(
    env: dict[str, str], singles: int, batched: int, batch: int, repeats: int
) -> tuple[list[float], list[float]]:
    app = Membership(env=env)
    single_rates, batch_rates = [], []
    offset = 0
    for _ in range(repeats):
        todo = members(singles, offset)
        offset += singles
        start = time.perf_counter()
        for member in todo:
            app.save(member)
        single_rates.append(singles / (time.perf_counter() - start))
        todo = members(batched, offset)
        offset += batched
        start = time.perf_counter()
        for index in range(0, batched, batch):
            app.save(*todo[index : index + batch])
        batch_rates.append(batched / (time.perf_counter() - start))
    app.close()
    return single_rates, batch_rates


def projection_rate(env: dict[str, str]) -> tuple[float, int]:
    """Project the application's whole history into the view: events per second."""
    app = Membership(env=env)
    last = app.recorder.max_notification_id() or 0
    app.close()
    projection_env = dict(env)
    start = time.perf_counter()
    with ProjectionRunner(
        application_class=Membership,
        projection_class=MemberCounts,
        view_class=MemberCountsView,
        env=projection_env,
    ) as runner:
        runner.wait(last, timeout=600)
    return last / (time.perf_counter() - start), last


def append_figures(
    env: dict[str, str], database: str, singles: int, batched: int, batch: int, repeats: int
) -> list[Figure]:
    """eventsourcing's append rates to ``database``: one aggregate per save, and ``batch`` per save."""
    single, batched_runs = append_rates(env, singles, batched, batch, repeats)
    return [
        Figure(
            f"eventsourcing: append to {database}, one aggregate per save",
            statistics.median(single),
            "events/s",
            single,
        ),
        Figure(
            f"eventsourcing: append to {database}, {batch} aggregates per save",
            statistics.median(batched_runs),
            "events/s",
            batched_runs,
        ),
    ]


def append_figures_for(
    singles: int, batched: int, postgres_url: str | None, batch: int = 500, repeats: int = 3
) -> list[Figure]:
    """eventsourcing's append rates alone (no projection): SQLite, and PostgreSQL when given."""
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="chudong-bench-peer-") as data:
        env = _sqlite_env(Path(data) / "peer.db")
        figures += append_figures(env, "SQLite", singles, batched, batch, repeats)
    if postgres_url is not None:
        figures += append_figures(_postgres_env(postgres_url), "PostgreSQL", singles, batched, batch, repeats)
    return figures


def run(
    singles: int, batched: int, postgres_url: str | None, batch: int = 500, repeats: int = 3
) -> list[Figure]:
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="chudong-bench-peer-") as data:
        env = _sqlite_env(Path(data) / "peer.db")
        figures += append_figures(env, "SQLite", singles, batched, batch, repeats)
    if postgres_url is not None:
        env = _postgres_env(postgres_url)
        figures += append_figures(env, "PostgreSQL", singles, batched, batch, repeats)
        projected, events = projection_rate(env)
        figures.append(
            Figure(
                "eventsourcing: projection of member counts (PostgreSQL → PostgreSQL)",
                projected,
                "events/s",
                [projected],
                note=f"{events:,} events",
            )
        )
    return figures
