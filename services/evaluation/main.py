"""The evaluation process: ``python -m services.evaluation.main``."""

from __future__ import annotations

import asyncio

from fastapi import FastAPI

from services.evaluation.adapters.facts_projection import FactsProjection
from services.evaluation.adapters.member_counts import MemberCountProjection
from services.evaluation.api import router
from services.evaluation.app.commands import command_table
from services.evaluation.app.evaluator import ComplianceEvaluator
from services.evaluation.app.recognition import RecognitionHandlers
from services.evaluation.domain.rulebook import RuleBook
from services.evaluation.migrations import SCHEMA
from services.evaluation.settings import EvaluationSettings
from shared.bus.subjects import stream_name
from shared.clock import Clock
from shared.http import create_service_app
from shared.runtime import ServiceRuntime
from shared.runtime.serve import serve
from shared.runtime.service import Source
from shared.settings import CommonSettings, service_settings

NAME = "evaluation"
SOURCES = ("membership", "planning", "evaluation")


def create_app(common: CommonSettings | None = None, *, clock: Clock | None = None) -> FastAPI:
    common = common or CommonSettings()
    own = EvaluationSettings()
    book = RuleBook.load(own.rules_dir)  # an invalid rules file stops the service here, with its reason
    clock = clock or Clock()
    runtime = ServiceRuntime(common, service_settings(NAME), schema=SCHEMA)
    # The facts projection keeps the org tree itself, so a union's branches and facts stay in step.
    lock = asyncio.Lock()
    wake = asyncio.Event()
    facts = FactsProjection(wake)
    runtime.add_projection(facts, [Source(stream_name(s)) for s in SOURCES], lock=lock)
    runtime.add_projection(MemberCountProjection(), [Source(stream_name("membership"))])
    evaluator = ComplianceEvaluator(
        runtime.db,
        runtime.store,
        book,
        clock=clock,
        lock=lock,
        wake=wake,
        batch=own.evaluate_batch,
        tick_seconds=own.tick_seconds,
    )
    runtime.add_task("compliance-evaluator", evaluator.run, singleton=True)
    app = create_service_app(
        runtime,
        [router],
        title="chudong evaluation",
        description="Live compliance of each grassroots union with the '3 chủ động' model, with its evidence.",
    )
    app.state.rule_book = book
    app.state.clock = clock
    app.state.evaluator = evaluator
    app.state.facts_projection = facts
    app.state.recognition = recognition = RecognitionHandlers(runtime.store, book, clock)
    app.state.commands = command_table(recognition)
    app.state.scopes = {}  # every command acts on a union: the unit scope finds it
    return app


def main() -> None:
    serve(NAME, create_app)


if __name__ == "__main__":
    main()
