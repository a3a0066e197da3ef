"""Evaluation fed by a membership service's history: waiting until it has applied it, and what its
indicators count."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from fastapi import FastAPI
from nats.js import JetStreamContext

from shared.bus.consumer import ProjectionConsumer
from shared.bus.subjects import stream_name
from tests.membership_api import Membership
from tests.support import wait_until


@dataclass
class FromMembership:
    """A membership service recording the history, and the evaluation service following its stream."""

    membership: Membership
    app: FastAPI
    evaluation: httpx.AsyncClient
    js: JetStreamContext

    async def applied(self, projections: tuple[str, ...] = ("member_counts", "evaluation_facts")) -> None:
        """Every event membership recorded is relayed and applied by each of evaluation's ``projections``."""
        head, stream = await self.membership.head(), stream_name("membership")

        async def relayed() -> bool:
            return int((await self.js.stream_info(stream)).state.last_seq) >= head

        await wait_until(relayed, what="membership relayed")
        for projection in projections:
            consumer: ProjectionConsumer = self.app.state.runtime.consumer(
                f"evaluation_{projection}_{stream}"
            )

            def caught_up(consumer: ProjectionConsumer = consumer) -> bool:
                return consumer.checkpoint >= head

            await wait_until(caught_up, what=f"{projection} caught up")

    async def roster_count(self, union: str, as_of: str) -> int:
        """The active members evaluation's indicators count in a union on ``as_of`` (C1.1, roster complete)."""
        answer = await self.evaluation.get(
            f"/units/{union}/compliance", params={"as_of": as_of}, headers=self.membership.token()
        )
        assert answer.status_code == 200, answer.text
        indicators = [i for c in answer.json()["criteria"] for i in c["indicators"]]
        numbers = next(i for i in indicators if i["indicator_id"] == "C1.1")["evidence"]["numbers"]
        return int(numbers.get("active members", 0))
