"""``chudong replay`` of one union as of a date: its whole history read from JetStream and evaluated."""

from __future__ import annotations

import statistics
import time
from datetime import date

from nats.js import JetStreamContext

from bench.profile import Profile
from bench.rebuild import publish_history
from chudong.commands.audit import replay_history
from chudong.demo import SCALES, Generator
from services.evaluation.domain.evaluate import AsOf
from services.evaluation.domain.rulebook import RuleBook

UNTIL = date(2026, 11, 27)


async def run(
    js: JetStreamContext, url: str, years: int = 5, repeats: int = 3, profile: Profile | None = None
) -> tuple[float, list[float], int]:
    """Milliseconds to replay one union's ``years``-year history (median of ``repeats``), and its events."""
    generator = Generator(SCALES["unit"], years, 1, UNTIL)
    union = next(u for u in generator.unions() if u.unit_type.value != "school")
    history = [*generator.tree(), *generator.union_history(union)]
    await publish_history(js, history)
    book = RuleBook.load()
    runs = []
    for n in range(repeats):
        if profile is not None and n == repeats - 1:
            profile.start()
        began = time.perf_counter()
        results = await replay_history(url, book, AsOf(UNTIL), unit=union.unit_id, show_progress=False)
        runs.append((time.perf_counter() - began) * 1000)
        if profile is not None and n == repeats - 1:
            profile.stop()
        assert [r.unit_id for r in results] == [union.unit_id]
    return statistics.median(runs), runs, len(history)
