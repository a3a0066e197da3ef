"""For random histories with duplicated, redelivered and interleaved events, the live projection equals a
rebuild from the history and equals ``chudong replay`` at the same date (hypothesis)."""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chudong.audit.replay import replay
from chudong.commands.audit import replay_history
from chudong.nats.server import EmbeddedNats
from services.evaluation.app.compliance import compliance_of
from services.evaluation.domain.evaluate import AsOf
from services.evaluation.domain.results import UnitCompliance
from services.evaluation.main import create_app
from shared.bus import headers as h
from shared.bus.checkpoints import reset_checkpoints
from shared.bus.connection import connect
from shared.bus.streams import ensure_streams
from shared.bus.subjects import stream_name, subject_for
from shared.contracts import membership as ms
from shared.contracts import planning as pl
from shared.events import NewEvent
from shared.settings import CommonSettings
from tests.evaluation.conftest import SECRET, Evaluation
from tests.evaluation.history import Tree, at, uid
from tests.evaluation.sources import Sources

KINDS = (
    "meeting", "dialogue", "member", "roster", "briefed", "referral", "tasks", "report", "transfer", "rename"
)  # fmt: skip
Op = tuple[str, int, int, int, int]  # kind, branch, month, day, days recorded late


def _events(tree: Tree, op: Op) -> list[NewEvent]:
    """What the op records: one event, or a member's admission and their transfer to the next branch three
    weeks later with a referral back-filled in their months in the first (dated before it, recorded after)."""
    kind, branch_index, month, day, _ = op
    if kind != "transfer":
        return [_event(tree, op)]
    branch = tree.branches[branch_index % len(tree.branches)]
    to = tree.branches[(branch_index + 1) % len(tree.branches)]
    member_id, transfer_id, on = uid("m"), uid("t"), date(2026, month, day)
    released, accepted = on + timedelta(days=20), on + timedelta(days=21)
    stream = f"member-{member_id}"
    return [
        tree.member(branch, member_id, on, born=1990 + day % 15),
        tree.event(branch, ms.MemberTransferReleased(member_id=member_id, transfer_id=transfer_id,
                                                     released_on=released), released, stream),
        tree.event(to, ms.MemberTransferAccepted(member_id=member_id, transfer_id=transfer_id, to_branch_id=to,
                                                 accepted_on=accepted), accepted, stream),
        tree.event(branch, ms.PartyReferral(referral_id=uid("r"), member_id=member_id,
                                            referred_on=on + timedelta(days=10)), on + timedelta(days=10), stream),
    ]  # fmt: skip


def _event(tree: Tree, op: Op) -> NewEvent:
    kind, branch_index, month, day, _ = op
    branch = tree.branches[branch_index % len(tree.branches)]
    on = date(2026, month, day)
    if kind == "meeting":
        return tree.meeting(branch, on, present=day % 10, expected=10)
    if kind == "dialogue":
        return tree.dialogue(on)
    if kind == "member":
        return tree.member(branch, uid("m"), on, missing=day % 2, born=1990 + day % 15)
    if kind == "roster":
        return tree.roster_reviewed(branch, on)
    if kind == "briefed":
        return tree.event(
            tree.union, pl.PartyCommitteeBriefed(unit_id=tree.union, briefed_on=on, topic="t"), on
        )
    if kind == "rename":  # the explanations name the branches: a replay must know their new names too
        return tree.event(branch, ms.UnitRenamed(unit_id=branch, name=f"Chi đoàn {month}-{day}"), on)
    if kind == "referral":
        payload = ms.PartyReferral(referral_id=uid("r"), member_id="m-x", referred_on=on)
        return tree.event(branch, payload, on)
    if kind == "tasks":
        tasks = pl.MonthlyTasksAssigned(
            unit_id=tree.union, month=f"2026-{month:02d}", assigned_on=on, branch_ids=(branch,), tasks=("x",)
        )
        return tree.event(tree.union, tasks, on)
    quarter = f"2026-Q{(month - 1) // 3 + 1}"
    return tree.event(
        tree.union, pl.PeriodicReportSubmitted(unit_id=tree.union, period=quarter, submitted_on=on), on
    )


ops = st.lists(
    st.tuples(
        st.sampled_from(KINDS),
        st.integers(0, 2),
        st.integers(1, 12),
        st.integers(1, 28),
        st.integers(0, 150),
    ),
    max_size=25,
)

# A province that counts late evidence less: meetings more than 60 days late only as at risk, attendance
# more than 20 days late likewise, dialogues more than 30 days late not at all.
LIMITED = """extends: default
id: bg-late
province: bg
criteria:
  - id: 2
    indicators:
      - {id: C2.2, late_limit: {days: 60, counts_as: at_risk}}
      - {id: C2.3, late_limit: {days: 20, counts_as: at_risk}}
  - id: 3
    indicators:
      - {id: C3.6, late_limit: {days: 30, counts_as: not_counted}}
"""


def _same(a: Sequence[UnitCompliance], b: Sequence[UnitCompliance]) -> None:
    assert [x.model_dump() for x in a] == [y.model_dump() for y in b]


async def _settled(app: object, sources: Sources, js: object) -> None:
    evaluation = Evaluation(app, httpx.AsyncClient(), sources, js, app.state.clock)  # type: ignore[arg-type,attr-defined]
    await evaluation.settled()


async def _scenario(
    history: list[Op], duplicates: list[int], redeliver: bool, days: list[int], limited: bool
) -> None:
    with tempfile.TemporaryDirectory() as name:
        directory = Path(name)
        if limited:
            (directory / "rules").mkdir()
            (directory / "rules" / "bg.yaml").write_text(LIMITED)
            os.environ["EVALUATION_RULES_DIR"] = str(directory / "rules")
        server = EmbeddedNats(directory / "nats").start()
        os.environ["EVALUATION_DATABASE_URL"] = f"sqlite+aiosqlite:///{directory / 'evaluation.db'}"
        nc = await connect(server.url, name="tests")
        js = nc.jetstream()
        await ensure_streams(js, duplicate_window=120)
        sources = await Sources(directory, js).start()
        common = CommonSettings(data_dir=directory, nats_url=server.url, jwt_secret=SECRET)
        try:
            tree = Tree(branches=3)
            recorded = await sources.record(tree.registrations())
            for op in history:  # recorded in the drawn order, each some days after it happened
                news = _events(tree, op)
                last = max(new.occurred_at.date() for new in news)
                recorded += await sources.record(news, recorded_at=at(last + timedelta(op[4])))
            app = create_app(common)
            async with app.router.lifespan_context(app):
                await _settled(app, sources, js)
                for index in duplicates:  # the same event again, under another message id
                    envelope = recorded[index % len(recorded)]
                    headers = {h.MSG_ID: f"{envelope.event_id}-again", h.HASH: envelope.hash}
                    await js.publish(subject_for(envelope), envelope.body(), headers=headers,
                                     stream=stream_name(envelope.service))  # fmt: skip
                await _settled(app, sources, js)
            if redeliver:  # everything delivered again from the start, onto the same read model
                async with app.state.runtime.db.transaction() as conn:
                    await reset_checkpoints(conn, "evaluation_facts")
                app = create_app(common)
                async with app.router.lifespan_context(app):
                    await _settled(app, sources, js)
            app = create_app(common)
            book = app.state.rule_book
            assert (book.for_path(tree.paths[tree.union]).id == "bg-late") is limited
            history_events = sorted(
                [e for s in sources.stores.values() for e in await s.read_all(0, 100_000)],
                key=lambda e: (e.service != "membership", e.position),
            )
            runtime = app.state.runtime
            await runtime.db.create_all(*runtime.metadatas)
            for day in days:
                as_of = AsOf(date(2026, 1, 1) + timedelta(day))
                async with runtime.db.read() as conn:
                    live = await compliance_of(conn, book, tree.union, as_of, 2026)
                assert live is not None
                _same([live], replay(history_events, book, as_of, year=2026))
                _same([live], await replay_history(server.url, book, as_of, year=2026, show_progress=False))
            await runtime.db.dispose()
        finally:
            await sources.stop()
            await nc.close()
            server.stop()
            os.environ.pop("EVALUATION_DATABASE_URL", None)
            os.environ.pop("EVALUATION_RULES_DIR", None)


@given(
    history=ops,
    duplicates=st.lists(st.integers(0, 40), max_size=4),
    redeliver=st.booleans(),
    days=st.lists(st.integers(0, 420), min_size=1, max_size=3),
    limited=st.booleans(),
)
@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_live_projection_equals_a_rebuild_and_chudong_replay(
    history: list[Op], duplicates: list[int], redeliver: bool, days: list[int], limited: bool
) -> None:
    asyncio.run(_scenario(history, duplicates, redeliver, days, limited))


@pytest.mark.slow
@pytest.mark.timeout(1800)  # each history starts a service: minutes on a loaded machine
@given(
    history=ops,
    duplicates=st.lists(st.integers(0, 40), max_size=6),
    redeliver=st.booleans(),
    days=st.lists(st.integers(0, 420), min_size=1, max_size=4),
    limited=st.booleans(),
)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_live_projection_equals_a_rebuild_and_chudong_replay_many_histories(
    history: list[Op], duplicates: list[int], redeliver: bool, days: list[int], limited: bool
) -> None:
    asyncio.run(_scenario(history, duplicates, redeliver, days, limited))
