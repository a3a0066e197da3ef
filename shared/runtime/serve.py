"""Running a service's application under uvicorn, as its own process."""

from __future__ import annotations

from collections.abc import Callable

import uvicorn
from fastapi import FastAPI

from shared.logging import configure_logging
from shared.runtime.owner_only import keep_private
from shared.settings import CommonSettings, service_settings


def serve(name: str, create_app: Callable[[CommonSettings], FastAPI]) -> None:
    """Configure logging and serve service ``name`` on its configured host and port."""
    common = CommonSettings()
    keep_private(common.data_dir)  # before anything is written there
    settings = service_settings(name)
    configure_logging(name, fmt=common.log_format, level=common.log_level)
    uvicorn.run(
        create_app(common),
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=5,
    )
