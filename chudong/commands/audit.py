"""Auditors' commands: ``chudong replay``, ``chudong explain`` and ``chudong verify``."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import structlog
import typer
from rich.console import Console
from rich.progress import Progress

import shared.contracts  # noqa: F401  (registers the event types)
from chudong.audit.output import as_json, as_table, as_xlsx
from chudong.audit.replay import Rebuild, evaluate_all
from chudong.audit.streams import read_stream, stream_length
from chudong.audit.verify import Finding, verify_copy, verify_database
from chudong.context import nats_credentials, nats_failures_reported, nats_url
from chudong.options import parsed
from services.evaluation.domain.evaluate import AsOf
from services.evaluation.domain.explain import explain as explain_text
from services.evaluation.domain.results import UnitCompliance
from services.evaluation.domain.rulebook import RuleBook
from services.evaluation.domain.rules import RulesError
from shared.bus.connection import connect
from shared.bus.subjects import EVENT_SERVICES
from shared.clock import local_date
from shared.events import REGISTRY
from shared.i18n import LANGUAGES
from shared.settings import CommonSettings, service_settings
from shared.store import Database

console = Console(stderr=True)
HISTORY_SERVICES = ("membership", "planning", "evaluation")

AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="as it had happened by this day, YYYY-MM-DD (default today)")
]
KnownAtOption = Annotated[
    str | None, typer.Option("--known-at", help="as the system knew it at this instant (ISO 8601, with zone)")
]
RulesOption = Annotated[
    Path | None, typer.Option("--rules-dir", help="province rules files (default: EVALUATION_RULES_DIR)")
]


def _as_of(as_of: str | None, known_at: str | None) -> AsOf:
    day = (
        parsed(as_of, date.fromisoformat, "a date written YYYY-MM-DD", "--as-of")
        if as_of is not None
        else None
    )
    if known_at is not None:
        instant = parsed(known_at, datetime.fromisoformat, "an ISO 8601 instant", "--known-at")
        if instant.tzinfo is None:
            raise typer.BadParameter(
                "give the instant with its zone, e.g. 2026-11-01T00:00:00+07:00", param_hint="--known-at"
            )
        return AsOf(day or local_date(instant), instant)
    return AsOf(day or local_date(datetime.now().astimezone()))


def _book(rules_dir: Path | None) -> RuleBook:
    directory = rules_dir or (
        Path(os.environ["EVALUATION_RULES_DIR"]) if os.environ.get("EVALUATION_RULES_DIR") else None
    )
    try:
        return RuleBook.load(directory)
    except RulesError as exc:
        raise typer.BadParameter(str(exc), param_hint="--rules-dir") from exc


async def rebuild_from_history(
    url: str, *, user: str | None = None, password: str | None = None, show_progress: bool = True
) -> Rebuild:
    """Every service's history from JetStream, in order, applied to a fresh rebuild."""
    nc = await connect(url, name="chudong-replay", user=user, password=password, connect_timeout=10)
    rebuild = Rebuild()
    try:
        js = nc.jetstream()
        total = sum([await stream_length(js, s) for s in HISTORY_SERVICES])
        with Progress(console=console, disable=not show_progress, transient=True) as progress:
            task = progress.add_task("replaying the history", total=total)
            for service in HISTORY_SERVICES:
                async for msg in read_stream(js, service, progress=lambda n: progress.advance(task, n)):
                    rebuild.apply(REGISTRY.decode(msg.data, prev_hash=msg.prev_hash, hash=msg.hash))
    finally:
        await nc.close()
    return rebuild


async def replay_history(
    url: str,
    book: RuleBook,
    as_of: AsOf,
    *,
    unit: str | None = None,
    year: int | None = None,
    user: str | None = None,
    password: str | None = None,
    show_progress: bool = True,
) -> list[UnitCompliance]:
    rebuild = await rebuild_from_history(url, user=user, password=password, show_progress=show_progress)
    return evaluate_all(rebuild, book, as_of, unit=unit, year=year)


def _replay(
    common: CommonSettings, book: RuleBook, as_of: AsOf, *, unit: str | None, year: int | None
) -> list[UnitCompliance]:
    """:func:`replay_history` from the JetStream copies this CLI reaches, as their admin user."""
    user, password = nats_credentials(common)
    with nats_failures_reported(common):
        return asyncio.run(
            replay_history(nats_url(common), book, as_of, unit=unit, year=year, user=user, password=password)
        )


class _Stderr:
    """Whatever ``sys.stderr`` is when a line is written (it may be swapped, e.g. by a test runner)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def _quiet() -> None:
    """Logs go to stderr and only from warnings up: stdout carries the report (e.g. JSON)."""
    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING),
        logger_factory=structlog.PrintLoggerFactory(file=_Stderr()),  # type: ignore[arg-type]
    )


def register(app: typer.Typer) -> None:
    @app.command()
    def replay(
        as_of: AsOfOption = None,
        known_at: KnownAtOption = None,
        unit: Annotated[str | None, typer.Option(help="only the unions at or under this unit")] = None,
        year: Annotated[
            int | None, typer.Option(help="the evaluation year (default: the one --as-of falls in)")
        ] = None,
        fmt: Annotated[str, typer.Option("--format", help="table, json or xlsx")] = "table",
        out: Annotated[Path | None, typer.Option(help="write here (required for xlsx)")] = None,
        rules_dir: RulesOption = None,
    ) -> None:
        """Rebuild every union's compliance from the event history alone (the JetStream copies)."""
        _quiet()
        if fmt not in ("table", "json", "xlsx"):
            raise typer.BadParameter(f"{fmt!r} is not one of table, json, xlsx", param_hint="--format")
        if fmt == "xlsx" and out is None:
            raise typer.BadParameter("xlsx needs --out FILE.xlsx", param_hint="--out")
        common = CommonSettings()
        results = _replay(common, _book(rules_dir), _as_of(as_of, known_at), unit=unit, year=year)
        if unit is not None and not results:
            console.print(f"no grassroots union at or under {unit!r} in the history")
            raise typer.Exit(1)
        if fmt == "json":
            text = as_json(results)
            if out is None:
                sys.stdout.write(text)
            else:
                out.write_text(text, encoding="utf-8")
        elif fmt == "xlsx":
            assert out is not None
            as_xlsx(results, out)
            console.print(f"wrote {out}")
        else:
            as_table(results, Console())

    @app.command()
    def explain(
        unit: Annotated[str, typer.Argument(help="the grassroots union")],
        as_of: AsOfOption = None,
        known_at: KnownAtOption = None,
        year: Annotated[int | None, typer.Option(help="the evaluation year")] = None,
        rules_dir: RulesOption = None,
        lang: Annotated[
            str, typer.Option("--lang", help="vi (Vietnamese, the default) or en (English)")
        ] = "vi",
    ) -> None:
        """Print each criterion and indicator of a union with its evidence and what is missing."""
        if lang not in LANGUAGES:
            raise typer.BadParameter(f"{lang!r} is not one of {', '.join(LANGUAGES)}", param_hint="--lang")
        _quiet()
        common = CommonSettings()
        results = _replay(common, _book(rules_dir), _as_of(as_of, known_at), unit=unit, year=year)
        chosen = [r for r in results if r.unit_id == unit]
        if not chosen:
            console.print(f"{unit!r} is not a grassroots union in the history")
            raise typer.Exit(1)
        sys.stdout.write(explain_text(chosen[0], lang=lang, event_ids=10))

    @app.command()
    def verify(
        jetstream: Annotated[bool, typer.Option(help="also compare each JetStream copy")] = True,
    ) -> None:
        """Check every service's hash chain and its JetStream copy; name the first broken or missing event."""
        _quiet()
        findings = asyncio.run(_verify(CommonSettings(), jetstream))
        for f in findings:
            mark = "[green]ok[/green]" if f.ok else "[red]BROKEN[/red]"
            Console(soft_wrap=True).print(f"{f.service:<14} {mark}  {f.text}")
        if not all(f.ok for f in findings):
            raise typer.Exit(1)


async def _verify(common: CommonSettings, jetstream: bool) -> list[Finding]:
    findings: list[Finding] = []
    js = None
    nc = None
    if jetstream:
        try:
            user, password = nats_credentials(common)
            nc = await connect(
                nats_url(common), name="chudong-verify", user=user, password=password, connect_timeout=10
            )
            js = nc.jetstream()
        except (SystemExit, Exception) as exc:
            findings.append(Finding("jetstream", False, f"not checked: {exc}"))
    try:
        for service in EVENT_SERVICES:
            settings = service_settings(service)
            url = settings.database_url or ""
            if not url:
                path = common.data_dir / f"{service}.db"
                if not path.exists():
                    continue
                url = f"sqlite+aiosqlite:///{path.resolve()}"
            db = Database(url)
            try:
                findings.append(await verify_database(service, db))
                if js is not None:
                    findings.append(await verify_copy(service, db, js))
            finally:
                await db.dispose()
    finally:
        if nc is not None:
            await nc.close()
    return findings
