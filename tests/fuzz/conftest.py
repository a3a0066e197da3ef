"""The fuzzers' world: one chudong on a seeded history, shared by every service's fuzz test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fuzz.world import World, start_world


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    started = start_world(tmp_path_factory.mktemp("fuzz") / "data")
    yield started
    started.system.stop()
