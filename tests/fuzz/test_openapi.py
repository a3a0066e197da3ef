"""Schemathesis over every service's OpenAPI, against a running chudong with real ids: no 5xx, ever.

Whatever a client sends, a service answers it (a 4xx that names the field, or the work done); it never
answers with a server error. A failure lists each request that got one, with the service's traceback.
"""

from __future__ import annotations

import pytest

from tests.fuzz.runner import fuzz
from tests.fuzz.world import World

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]


@pytest.mark.parametrize("service", ["membership", "planning", "evaluation", "notifications", "dashboard"])
def test_no_request_to_the_api_makes_a_server_error(world: World, service: str) -> None:
    report = fuzz(world, service)
    print(f"{service}: {report.summary()}")

    assert report.completed and report.requests > 10 * report.operations, report.summary()
    # Past the 404s: the real ids let part of the requests do their work.
    assert report.statuses[200] + report.statuses[201] > report.operations, report.summary()
    failures = [*map(str, report.server_errors), *report.engine_errors]
    assert not failures, f"{len(failures)} requests to {service} failed:\n\n" + "\n\n".join(failures)
