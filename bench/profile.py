"""What bounds a figure: a cProfile of the measured section, reduced to where the time goes."""

from __future__ import annotations

import cProfile
import pstats


class Profile:
    """Profile between :meth:`start` and :meth:`stop` (everything the event loop runs meanwhile)."""

    def __init__(self) -> None:
        self._profile = cProfile.Profile()

    def start(self) -> None:
        self._profile.enable()

    def stop(self) -> None:
        self._profile.disable()

    def top(self, count: int = 5) -> list[tuple[str, float]]:
        """The functions with the most own time: (module:function, share of all profiled time)."""
        stats = pstats.Stats(self._profile)
        entries = stats.stats  # type: ignore[attr-defined]
        total = sum(v[2] for v in entries.values()) or 1.0
        ranked = sorted(entries.items(), key=lambda kv: kv[1][2], reverse=True)[:count]
        out = []
        for (path, _line, func), values in ranked:
            where = path.rsplit("site-packages/", 1)[-1].rsplit("/wt/demo/", 1)[-1].rsplit("/lib/", 1)[-1]
            out.append((f"{where}:{func}", values[2] / total))
        return out

    def summary(self, count: int = 4) -> str:
        """The share of time the event loop sat waiting (on SQLite's thread, on NATS), then the busiest code."""
        ranked = self.top(60)
        idle = sum(share for name, share in ranked if "epoll" in name or name.endswith(":select"))
        busy = [
            (n, s) for n, s in ranked if "epoll" not in n and "/asyncio/" not in n and "python3.11/" not in n
        ]
        parts = [f"{name} {share:.0%}" for name, share in busy[:count]]
        return f"event loop waiting {idle:.0%}; busiest: " + ", ".join(parts)

    def breakdown(self, phases: dict[str, tuple[str, ...]]) -> dict[str, float]:
        """The share of the profiled time spent in each phase: the cumulative time of the functions
        whose ``path:function`` ends with one of the phase's names, and "waiting" for the event loop's
        idle time (on this machine: SQLite's thread and the network). The rest is "other"."""
        stats = pstats.Stats(self._profile)
        entries = stats.stats  # type: ignore[attr-defined]
        total = sum(v[2] for v in entries.values()) or 1.0
        shares: dict[str, float] = {}
        for phase, names in phases.items():
            shares[phase] = (
                sum(
                    values[3]
                    for (path, _line, func), values in entries.items()
                    if f"{path}:{func}".endswith(names)
                )
                / total
            )
        shares["waiting"] = (
            sum(
                values[2]
                for (path, _line, func), values in entries.items()
                if "epoll" in func or func == "select"
            )
            / total
        )
        shares["other"] = max(0.0, 1.0 - sum(shares.values()))
        return shares
