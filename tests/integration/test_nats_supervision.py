"""``chudong run`` restarts its embedded nats-server when it exits, on its port and with its streams."""

from __future__ import annotations

from pathlib import Path

import nats

from chudong.nats.server import EmbeddedNats
from chudong.runner import System
from chudong.supervision import RestartPolicy, Supervisor
from shared.settings import CommonSettings


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_a_nats_server_that_exits_is_restarted_on_its_port_with_its_streams(tmp_path: Path) -> None:
    system = System(CommonSettings(data_dir=tmp_path))
    system.nats = EmbeddedNats(tmp_path / "nats").start()
    port = system.nats.client_port
    client = await nats.connect(system.nats.url)
    await client.jetstream().add_stream(name="KEPT", subjects=["kept.>"])
    await client.jetstream().publish("kept.one", b"1")
    await client.close()
    clock, said = Clock(), list[str]()
    supervisor = Supervisor(system, RestartPolicy(backoff_seconds=1, limit=3), said.append, clock)
    try:
        system.nats.kill()
        supervisor.check()
        assert said == [
            f"nats-server exited (exit code -9, killed by SIGKILL); restarting it in 1 s on port {port}"
            " (1 exit within 300 s; 3 stop chudong)"
        ]
        clock.now = 1.0
        supervisor.check()
        assert system.nats.process is not None and system.nats.process.poll() is None
        assert system.nats.client_port == port
        client = await nats.connect(f"nats://127.0.0.1:{port}")
        info = await client.jetstream().stream_info("KEPT")
        assert info.state.messages == 1, "the restarted server lost its streams"
        await client.close()
    finally:
        system.nats.stop()
