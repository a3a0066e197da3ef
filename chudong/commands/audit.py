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
from nats.js import JetStreamContext
from rich.console import Console
from rich.progress import Progress

import shared.contracts  # noqa: F401  (registers the event types)
from chudong.audit.checkpoints import CheckpointFileError, read_checkpoint_file
from chudong.audit.findings import EXIT_CODES, as_text, overall
from chudong.audit.findings import as_json as findings_json
from chudong.audit.output import as_csv, as_json, as_table, as_xlsx
from chudong.audit.replay import HISTORY_SERVICES, Rebuild, evaluate_all, read_history
from chudong.audit.source import open_history
from chudong.audit.streams import stream_length
from chudong.audit.verification import Verification, verify_history
from chudong.context import nats_failures_reported
from chudong.options import parsed
from services.evaluation.domain.evaluate import AsOf
from services.evaluation.domain.explain import explain as explain_text
from services.evaluation.domain.results import UnitCompliance
from services.evaluation.domain.rulebook import RuleBook
from services.evaluation.domain.rules import RulesError
from shared.bus.connection import connect
from shared.checkpoints import CheckpointFile
from shared.checkpoints.keys import CheckpointKeyError, known_public_keys
from shared.clock import local_date
from shared.i18n import LANGUAGES, language
from shared.settings import CommonSettings

console = Console(stderr=True)

AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="as it had happened by this day, YYYY-MM-DD (default today)")
]
KnownAtOption = Annotated[
    str | None, typer.Option("--known-at", help="as the system knew it at this instant (ISO 8601, with zone)")
]
DataDirOption = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="the data directory to audit, or a copy of it (default: CHUDONG_DATA_DIR, else .chudong)",
    ),
]
LangOption = Annotated[
    str, typer.Option("--lang", help="vi or en: the language of the words after the verdicts")
]
REPLAY_FORMATS = ("table", "csv", "json", "xlsx")
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


async def rebuild_from_js(js: JetStreamContext, *, show_progress: bool = True) -> Rebuild:
    """Every service's history from JetStream, in order, applied to a fresh rebuild (with a progress bar)."""
    total = sum([await stream_length(js, s) for s in HISTORY_SERVICES])
    with Progress(console=console, disable=not show_progress, transient=True) as progress:
        task = progress.add_task("replaying the history", total=total)
        return await read_history(js, lambda n: progress.advance(task, n))


async def rebuild_from_history(
    url: str, *, user: str | None = None, password: str | None = None, show_progress: bool = True
) -> Rebuild:
    """:func:`rebuild_from_js` from the NATS at ``url``."""
    nc = await connect(url, name="chudong-replay", user=user, password=password, connect_timeout=10)
    try:
        return await rebuild_from_js(nc.jetstream(), show_progress=show_progress)
    finally:
        await nc.close()


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


async def _rebuild_async(common: CommonSettings) -> Rebuild:
    async with open_history(common, name="chudong-replay") as source:
        if source.js is None:
            assert source.nats_problem is not None
            raise SystemExit(source.nats_problem.render("en"))
        return await rebuild_from_js(source.js, show_progress=console.is_terminal)


def rebuild_of(common: CommonSettings) -> Rebuild:
    """The history of ``common``'s system: its NATS when it runs (or ``NATS_URL``), else its data
    directory's JetStream store, read through a private server on a copy (``chudong.audit.source``)."""
    with nats_failures_reported(common):
        return asyncio.run(_rebuild_async(common))


def _replay(
    common: CommonSettings, book: RuleBook, as_of: AsOf, *, unit: str | None, year: int | None
) -> list[UnitCompliance]:
    """Compliance replayed from :func:`rebuild_of`."""
    return evaluate_all(rebuild_of(common), book, as_of, unit=unit, year=year)


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
        fmt: Annotated[str, typer.Option("--format", help="table, csv, json or xlsx")] = "table",
        out: Annotated[Path | None, typer.Option(help="write here (required for xlsx)")] = None,
        rules_dir: RulesOption = None,
        data_dir: DataDirOption = None,
    ) -> None:
        """Rebuild every union's compliance from the event history alone (the JetStream copies)."""
        _quiet()
        if fmt not in REPLAY_FORMATS:
            raise typer.BadParameter(
                f"{fmt!r} is not one of {', '.join(REPLAY_FORMATS)}", param_hint="--format"
            )
        if fmt == "xlsx" and out is None:
            raise typer.BadParameter("xlsx needs --out FILE.xlsx", param_hint="--out")
        common = settings_for(data_dir)
        book, chosen = _book(rules_dir), _as_of(as_of, known_at)
        rebuild = rebuild_of(common)
        results = evaluate_all(rebuild, book, chosen, unit=unit, year=year)
        if unit is not None and not results:
            console.print(f"no grassroots union at or under {unit!r} in the history")
            raise typer.Exit(1)
        names = {u.unit_id: u.name for u in rebuild.units.values()}
        if fmt == "xlsx":
            assert out is not None
            as_xlsx(results, out, names)
            console.print(f"wrote {out}")
            return
        text = (
            as_json(results)
            if fmt == "json"
            else as_csv(results, names)
            if fmt == "csv"
            else as_table(results, names)
        )
        if out is None:
            sys.stdout.write(text)
        else:
            out.write_text(text, encoding="utf-8")

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
        jetstream: Annotated[
            bool, typer.Option(help="also compare each JetStream copy, event by event")
        ] = True,
        against: Annotated[
            list[Path] | None,
            typer.Option("--against", help="a checkpoint file kept earlier (`chudong checkpoints export`)"),
        ] = None,
        fmt: Annotated[str, typer.Option("--format", help="text or json")] = "text",
        lang: LangOption = "vi",
        data_dir: DataDirOption = None,
    ) -> None:
        """Check every service's history: its hash chain, its JetStream copy and its signed checkpoints.

        Each check says ok, BROKEN (naming the first broken event) or NOT CHECKED (and why). Exit code:
        0 when everything was checked and holds, 1 when anything is BROKEN, 3 when something could not
        be checked. On a stopped system (or a copy of its data directory) it reads the JetStream store
        through a private nats-server on a copy of it.
        """
        _quiet()
        if fmt not in ("text", "json"):
            raise typer.BadParameter(f"{fmt!r} is not one of text, json", param_hint="--format")
        common = settings_for(data_dir)
        filed = [(str(path), checkpoint_file(path)) for path in against or []]
        result, described = asyncio.run(run_verification(common, filed, compare_copies=jetstream))
        verdict = overall(result.findings)
        if fmt == "json":
            sys.stdout.write(findings_json(result.findings, lang, source=described, heads=result.heads))
        else:
            sys.stdout.write(as_text(result.findings, language(lang)))
        raise typer.Exit(EXIT_CODES[verdict])


def settings_for(data_dir: Path | None) -> CommonSettings:
    """The settings of a command; with ``--data-dir``, that directory is what is read: its running
    system if one runs on it, else its own files (never a ``NATS_URL`` of the environment)."""
    if data_dir is None:
        return CommonSettings()
    common = CommonSettings(data_dir=data_dir)
    common.nats_url = None
    return common


def checkpoint_file(path: Path) -> CheckpointFile:
    try:
        return read_checkpoint_file(path)
    except CheckpointFileError as exc:
        raise typer.BadParameter(str(exc), param_hint="--against") from exc


def trusted_keys(common: CommonSettings) -> dict[str, set[str]]:
    """The services' public keys this command can find (their settings, the data directory's files)."""
    try:
        return {service: {key} for service, key in known_public_keys(common).items()}
    except CheckpointKeyError as exc:
        raise SystemExit(str(exc)) from exc


async def run_verification(
    common: CommonSettings, filed: list[tuple[str, CheckpointFile]], *, compare_copies: bool = True
) -> tuple[Verification, dict[str, object]]:
    """Every check of :func:`verify_history` on ``common``'s history, and where it was read."""
    async with open_history(common, name="chudong-verify") as source:
        result = await verify_history(source, trusted_keys(common), filed, compare_copies=compare_copies)
        return result, source.describe()
