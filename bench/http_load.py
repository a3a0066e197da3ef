"""HTTP load on stateless replicas: ``python -m bench.http_load [--size tiny|standard] [--no-write]``.

Membership runs as two replicas on one PostgreSQL database, with evaluation
consuming their events. A second process (``python -m bench.http_load client``)
runs concurrent clients for a fixed time, each admitting new members, spread
over the replicas. Afterwards every accepted admission must be a member exactly
once, in membership and in evaluation's count: no request lost or answered twice.
Reports throughput and latency percentiles (p50, p95, p99).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench import machine, report
from bench.infra import postgres_url
from bench.timing import Figure, percentile
from chudong.nats.server import EmbeddedNats
from tests.slow.harness import ServiceProcess, auth, register_tree, running, wait_for_count

TITLE = "HTTP load: concurrent admissions on two membership replicas (PostgreSQL)"


@dataclass(frozen=True)
class Size:
    clients: int
    seconds: float


SIZES = {"tiny": Size(clients=5, seconds=3.0), "standard": Size(clients=50, seconds=60.0)}


async def _client_loop(
    client: httpx.AsyncClient, urls: list[str], branches: list[str], worker: int, until: float
) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    headers = auth()
    while time.monotonic() < until:
        member_id = f"w{worker}-{len(results)}"
        url = urls[(worker + len(results)) % len(urls)]
        started = time.perf_counter()
        try:
            answer = await client.post(
                f"{url}/members",
                headers={**headers, "Idempotency-Key": str(uuid.uuid4())},
                json={
                    "branch_id": branches[len(results) % len(branches)],
                    "joined_on": "2026-03-26",
                    "admission_decision_ref": f"QĐ {member_id}",
                    "member_id": member_id,
                    "profile": {"full_name": f"Đoàn viên {member_id}", "birth_date": "2005-01-15"},
                },
            )
            status, error = answer.status_code, "" if answer.status_code == 201 else answer.text[:200]
        except httpx.HTTPError as exc:
            status, error = 0, repr(exc)
        results.append(
            {
                "member_id": member_id,
                "status": status,
                "ms": (time.perf_counter() - started) * 1000,
                "error": error,
            }
        )
    return results


async def run_clients(
    urls: list[str], branches: list[str], clients: int, seconds: float
) -> list[dict[str, Any]]:
    """``clients`` concurrent clients admitting members for ``seconds``; one record per request."""
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        until = time.monotonic() + seconds
        per_worker = await asyncio.gather(
            *(_client_loop(client, urls, branches, worker, until) for worker in range(clients))
        )
    return [record for records in per_worker for record in records]


@dataclass
class Outcome:
    requests: int
    accepted: int
    failed: list[dict[str, Any]]
    members: int
    counted: int
    seconds: float
    latencies_ms: list[float]


def _members(client: httpx.Client, membership: str) -> list[str]:
    ids: list[str] = []
    while True:
        page = client.get(
            f"{membership}/units/vn/members", headers=auth(), params={"limit": 1000, "offset": len(ids)}
        ).json()
        ids += [item["member_id"] for item in page["items"]]
        if len(ids) >= page["total"]:
            return ids


async def measure(size: Size, work: Path) -> Outcome:
    server = EmbeddedNats(work / "nats").start()
    try:
        async with postgres_url() as membership_db, postgres_url() as evaluation_db:
            if membership_db is None or evaluation_db is None:
                raise SystemExit("this benchmark needs PostgreSQL (DATABASE_URL or 127.0.0.1:5432)")
            logs = work / "logs"
            first = ServiceProcess("membership", server.url, membership_db, logs, label="membership-1")
            second = ServiceProcess("membership", server.url, membership_db, logs, label="membership-2")
            evaluation = ServiceProcess("evaluation", server.url, evaluation_db, logs)
            with running(first, second, evaluation):
                first.start()
                second.start()
                evaluation.start()
                with httpx.Client(timeout=30) as client:
                    branches = register_tree(client, first.url, ["p1", "p2"])
                out = work / "client.json"
                started = time.monotonic()
                await asyncio.to_thread(
                    subprocess.run,
                    [
                        sys.executable, "-m", "bench.http_load", "client",
                        "--urls", f"{first.url},{second.url}", "--branches", ",".join(branches),
                        "--clients", str(size.clients), "--seconds", str(size.seconds), "--out", str(out),
                    ],
                    check=True,
                    timeout=size.seconds + 300,
                )  # fmt: skip
                elapsed = time.monotonic() - started
                records: list[dict[str, Any]] = json.loads(out.read_text())
                accepted = [r for r in records if r["status"] == 201]
                with httpx.Client(timeout=30) as client:
                    wait_for_count(client, evaluation.url, len(accepted), timeout=300)
                    members = _members(client, first.url)
                    counted = int(
                        client.get(f"{evaluation.url}/units/vn/member-count", headers=auth()).json()[
                            "active_members"
                        ]
                    )
            if sorted(members) != sorted(r["member_id"] for r in accepted):
                raise AssertionError("the members stored differ from the admissions accepted")
            return Outcome(
                requests=len(records),
                accepted=len(accepted),
                failed=[r for r in records if r["status"] != 201],
                members=len(members),
                counted=counted,
                seconds=min(elapsed, size.seconds) if size.seconds else elapsed,
                latencies_ms=[r["ms"] for r in accepted],
            )
    finally:
        server.stop()


def figures(outcome: Outcome, size: Size) -> list[Figure]:
    lat = outcome.latencies_ms
    note = f"{size.clients} clients, {size.seconds:.0f} s, 2 replicas"
    return [
        Figure(
            "admissions accepted",
            outcome.accepted / size.seconds,
            "req/s",
            [outcome.accepted / size.seconds],
            note,
        ),
        Figure("latency p50", percentile(lat, 50), "ms", [percentile(lat, 50)]),
        Figure("latency p95", percentile(lat, 95), "ms", [percentile(lat, 95)]),
        Figure("latency p99", percentile(lat, 99), "ms", [percentile(lat, 99)]),
        Figure("latency max", max(lat), "ms", [max(lat)]),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.http_load")
    sub = parser.add_subparsers(dest="role")
    client = sub.add_parser("client", help="the load generator (run by the benchmark as a second process)")
    client.add_argument("--urls", required=True)
    client.add_argument("--branches", required=True)
    client.add_argument("--clients", type=int, required=True)
    client.add_argument("--seconds", type=float, required=True)
    client.add_argument("--out", type=Path, required=True)
    parser.add_argument("--size", choices=sorted(SIZES), default="standard")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    if args.role == "client":
        records = asyncio.run(
            run_clients(args.urls.split(","), args.branches.split(","), args.clients, args.seconds)
        )
        args.out.write_text(json.dumps(records))
        return
    size = SIZES[args.size]
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="chudong-http-load-") as work:
        outcome = asyncio.run(measure(size, Path(work)))
    measured = figures(outcome, size)
    summary = (
        f"{outcome.requests} requests, {outcome.accepted} accepted, {len(outcome.failed)} failed; "
        f"{outcome.members} members stored, {outcome.counted} counted by evaluation"
    )
    print(summary)
    for figure in measured:
        print(f"{figure.name}: {figure.formatted()}")
    for failure in outcome.failed[:5]:
        print("failed:", failure)
    if outcome.failed or not (outcome.accepted == outcome.members == outcome.counted):
        raise SystemExit("requests were lost, refused or answered twice")
    if not args.no_write:
        command = "python -m bench.http_load" + ("" if args.size == "standard" else f" --size {args.size}")
        notes = [
            f"Every request answered once: {summary}.",
            "Membership runs as two uvicorn processes on one PostgreSQL database; the clients run in a "
            "second process on loopback (httpx, one connection per client); evaluation consumes the events.",
            f"The machine is shared: its load average was {load_before:.1f} when the run started "
            f"({os.cpu_count()} cores), so these figures are a floor, not a capacity.",
        ]
        report.write_section(TITLE, report.render(TITLE, command, machine.describe(), measured, notes))


if __name__ == "__main__":
    main()
