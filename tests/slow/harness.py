"""What the fault tests run: service processes of their own, and a client that drives the walking
skeleton's HTTP routes (register units, admit members, read a member count)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from shared.auth import Role, mint_token
from tests.support import unit_body

ROOT = Path(__file__).resolve().parents[2]
JWT_SECRET = "fault-tests-secret-" + "x" * 32


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def auth(role: str = "admin", unit: str = "vn") -> dict[str, str]:
    token = mint_token(JWT_SECRET, subject="fault-tests", role=Role(role), unit_id=unit, issuer="chudong")
    return {"Authorization": f"Bearer {token}"}


@dataclass
class ServiceProcess:
    """``python -m services.<name>.main`` with its own port, database and NATS settings."""

    name: str
    nats_url: str
    database_url: str
    log_dir: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    label: str = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> ServiceProcess:
        prefix = self.name.upper()
        env = {k: v for k, v in os.environ.items() if not k.endswith("_DATABASE_URL")}
        env.update(
            {
                "NATS_URL": self.nats_url,
                f"{prefix}_DATABASE_URL": self.database_url,
                f"{prefix}_PORT": str(self.port),
                f"{prefix}_HOST": "127.0.0.1",
                "CHUDONG_JWT_SECRET": JWT_SECRET,
                "CHUDONG_DATA_DIR": str(self.log_dir / "data"),
                "CHUDONG_LOG_FORMAT": "json",
                "CHUDONG_LOG_LEVEL": "WARNING",
                **self.extra_env,
            }
        )
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = (self.log_dir / f"{self.label or self.name}.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", f"services.{self.name}.main"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.wait_healthy(timeout)
        return self

    def wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=2) as client:
            while time.monotonic() < deadline:
                assert self.process is not None
                if self.process.poll() is not None:
                    raise AssertionError(
                        f"{self.name} exited with {self.process.returncode}: see {self.log_dir}"
                    )
                with contextlib.suppress(httpx.HTTPError):
                    if client.get(f"{self.url}/healthz").status_code == 200:
                        return
                time.sleep(0.1)
        raise AssertionError(f"{self.name} not healthy within {timeout}s: see {self.log_dir}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def register_tree(client: httpx.Client, membership: str, provinces: list[str]) -> list[str]:
    """A province, a district, a grassroots union and two branches per province; returns the branches."""
    branches: list[str] = []
    for province in provinces:
        district, grassroots = f"{province}-d", f"{province}-g"
        for unit, parent, level in [
            (province, "vn", "province"),
            (district, province, "district"),
            (grassroots, district, "grassroots"),
            (f"{grassroots}-1", grassroots, "branch"),
            (f"{grassroots}-2", grassroots, "branch"),
        ]:
            answer = client.post(f"{membership}/units", headers=auth(), json=unit_body(unit, parent, level))
            assert answer.status_code == 201, answer.text
        branches += [f"{grassroots}-1", f"{grassroots}-2"]
    return branches


def admit(client: httpx.Client, membership: str, branch: str, member_id: str, key: str) -> httpx.Response:
    return client.post(
        f"{membership}/members",
        headers={**auth(), "Idempotency-Key": key},
        json={
            "branch_id": branch,
            "joined_on": "2026-03-26",
            "admission_decision_ref": f"QĐ {member_id}",
            "member_id": member_id,
            "profile": {"full_name": f"Đoàn viên {member_id}", "birth_date": "2005-01-15"},
        },
    )


def transfer(client: httpx.Client, membership: str, member_id: str, to_branch: str) -> None:
    """Move a member to another branch: requested, released and accepted."""
    base = f"{membership}/members/{member_id}/transfers"
    steps = [
        ("", {"to_branch_id": to_branch, "requested_on": "2026-04-01", "transfer_id": f"t-{member_id}"}),
        (f"/t-{member_id}/release", {"released_on": "2026-04-02"}),
        (f"/t-{member_id}/accept", {"accepted_on": "2026-04-03"}),
    ]
    for step, body in steps:
        answer = client.post(f"{base}{step}", headers=auth(), json=body)
        assert answer.status_code == 201, answer.text


def admit_until_accepted(
    client: httpx.Client,
    membership: str,
    branch: str,
    member_id: str,
    timeout: float = 120.0,
    refusals: list[httpx.Response] | None = None,
) -> int:
    """Admit one member, retrying with the same idempotency key until it is accepted; returns the tries.

    Every answer other than 201 must be a 503 ("unavailable, retry"); they are kept in ``refusals``.
    """
    key = str(uuid.uuid4())
    deadline = time.monotonic() + timeout
    tries = 0
    while True:
        tries += 1
        try:
            answer = admit(client, membership, branch, member_id, key)
            if answer.status_code == 201:
                return tries
            assert answer.status_code == 503, answer.text
            if refusals is not None:
                refusals.append(answer)
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"member {member_id} never accepted")
        time.sleep(0.1)


class SteadyAdmissions:
    """Admits members one after another from a thread until stopped; each retried until accepted."""

    def __init__(self, membership: str, branches: list[str]) -> None:
        self.membership = membership
        self.branches = branches
        self.admitted: list[str] = []
        self.refusals: list[httpx.Response] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.failure: BaseException | None = None

    def _run(self) -> None:
        try:
            with httpx.Client(timeout=10) as client:
                while not self._stop.is_set():
                    member_id = f"m{len(self.admitted):05d}"
                    branch = self.branches[len(self.admitted) % len(self.branches)]
                    admit_until_accepted(client, self.membership, branch, member_id, refusals=self.refusals)
                    self.admitted.append(member_id)
        except BaseException as exc:  # shown by the waits below, instead of a silent thread death
            self.failure = exc

    def __enter__(self) -> SteadyAdmissions:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(180)
        self._check()

    def _check(self) -> None:
        if self.failure is not None:
            raise AssertionError(f"admissions stopped: {self.failure!r}") from self.failure

    async def wait_for_more(self, count: int, timeout: float = 180.0) -> None:
        target = len(self.admitted) + count
        try:
            async with asyncio.timeout(timeout):
                while len(self.admitted) < target:
                    self._check()
                    await asyncio.sleep(0.05)
        except TimeoutError:
            raise AssertionError(
                f"{len(self.admitted)} admitted after {timeout}s, waiting for {target}"
            ) from None

    async def wait_for_refusals(self, count: int) -> None:
        async with asyncio.timeout(60):
            while len(self.refusals) < count:
                self._check()
                await asyncio.sleep(0.05)


def member_count(client: httpx.Client, evaluation: str, unit: str = "vn") -> int | None:
    with contextlib.suppress(httpx.HTTPError):
        answer = client.get(f"{evaluation}/units/{unit}/member-count", headers=auth())
        if answer.status_code == 200:
            return int(answer.json()["active_members"])
    return None


def events_applied(client: httpx.Client, service: str) -> int:
    """How many events the consumers of a service process applied (from its health report)."""
    consumers = client.get(f"{service}/healthz").json()["consumers"]
    return sum(int(c["applied"]) for c in consumers.values())


def wait_for_count(
    client: httpx.Client, evaluation: str, expected: int, timeout: float = 90.0, unit: str = "vn"
) -> None:
    deadline = time.monotonic() + timeout
    seen = None
    while time.monotonic() < deadline:
        seen = member_count(client, evaluation, unit)
        if seen == expected:
            return
        time.sleep(0.1)
    raise AssertionError(f"evaluation counts {seen} members at {unit}, expected {expected}")


@dataclass
class PrivatePostgres:
    """A PostgreSQL server of the test's own (initdb/pg_ctl as an unprivileged user), so it may be killed."""

    port: int = field(default_factory=free_port)
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="chudong-pg-")))
    user: str = "nobody"

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = list(args)
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            command = ["runuser", "-u", self.user, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=check, timeout=120)

    @staticmethod
    def binary(name: str) -> str:
        candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
        return str(candidates[-1]) if candidates else shutil.which(name) or name

    def init(self) -> PrivatePostgres:
        self.root.chmod(0o755)
        if os.geteuid() == 0:
            shutil.chown(self.root, self.user)
        self._run(
            self.binary("initdb"), "-D", str(self.root / "data"), "-U", "postgres", "--auth=trust", "-N"
        )
        return self.start()

    def start(self) -> PrivatePostgres:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            self.binary("pg_ctl"), "-D", str(self.root / "data"), "-o", options, "-l",
            str(self.root / "server.log"), "-w", "start",
        )  # fmt: skip
        return self

    def kill(self) -> None:
        """Stop at once, as a crash would (immediate mode: no checkpoint, clients cut off)."""
        self._run(
            self.binary("pg_ctl"), "-D", str(self.root / "data"), "-m", "immediate", "stop", check=False
        )

    def destroy(self) -> None:
        self._run(self.binary("pg_ctl"), "-D", str(self.root / "data"), "-m", "fast", "stop", check=False)
        shutil.rmtree(self.root, ignore_errors=True)


@contextlib.contextmanager
def running(*services: ServiceProcess) -> Iterator[None]:
    try:
        yield
    finally:
        for service in services:
            service.stop()


@contextlib.contextmanager
def running_cluster(env: dict[str, str], postgres: str, log_dir: Path) -> Iterator[dict[str, str]]:
    """``chudong run --cluster --postgres`` on free ports: each service's URL once it says READY; then
    stopped as an operator stops it (Ctrl-C), killed if it does not stop within a minute."""
    command = [str(Path(sys.executable).parent / "chudong"), "run", "--cluster", "--postgres", postgres]
    process = subprocess.Popen(
        [*command, "--free-ports", "--log-dir", str(log_dir)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        urls: dict[str, str] = {}
        for line in process.stdout:
            if line.startswith("READY"):
                urls = dict(part.split("=", 1) for part in line.split()[1:])
                break
        assert urls, f"chudong run exited with {process.wait()}"
        yield urls
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
