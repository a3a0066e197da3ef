"""Settings from the environment (pydantic-settings).

Common settings use the ``CHUDONG_`` prefix (``NATS_URL`` is read as is); each
service's own settings use its name as prefix, e.g. ``MEMBERSHIP_DATABASE_URL``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

SERVICES: tuple[str, ...] = ("membership", "planning", "evaluation", "notifications", "identity", "dashboard")
DEFAULT_PORTS: dict[str, int] = {
    "membership": 8101,
    "planning": 8102,
    "evaluation": 8103,
    "notifications": 8104,
    "dashboard": 8105,
    "identity": 8106,
}


class CommonSettings(BaseSettings):
    """What every process of chudong reads."""

    model_config = SettingsConfigDict(env_prefix="CHUDONG_", extra="ignore")

    data_dir: Path = Path(".chudong")
    nats_url: str | None = Field(default=None, validation_alias=AliasChoices("NATS_URL", "CHUDONG_NATS_URL"))
    jwt_secret: SecretStr | None = None
    token_issuer: str = "chudong"
    log_format: Literal["auto", "console", "json"] = "auto"
    log_level: str = "INFO"
    stream_replicas: int = Field(default=1, ge=1, le=5)
    dedup_window_seconds: float = Field(default=7200.0, gt=0)
    max_deliver: int = Field(default=5, ge=1)
    ack_wait_seconds: float = Field(default=30.0, gt=0)
    idempotency_retention_hours: float = Field(
        default=72.0, gt=0, description="how long the answer to an Idempotency-Key is kept for retries"
    )
    public_base_url: str | None = None
    environment: Literal["development", "production"] = Field(
        default="development",
        description=(
            "production: development tokens are refused (`chudong token`, the dashboard's token sign-in); "
            "officers sign in with an account"
        ),
    )
    max_body_bytes: int = Field(
        default=1024 * 1024,
        ge=1024,
        description="the largest request body of a command; routes that take a file have their own limit",
    )
    nats_user: str | None = Field(
        default=None, description="the admin NATS user of the CLI (status, streams)"
    )
    nats_password: SecretStr | None = None
    manage_streams: bool = Field(
        default=True,
        description="create and update the streams on start; false where services' NATS users may not",
    )
    migrate_on_start: bool = Field(
        default=False,
        description=(
            "upgrade the service's database to this release's schema on start; false: a database "
            "behind it stops the start, and `chudong migrate` upgrades it (a new database is always built)"
        ),
    )
    relay_stall_seconds: float = Field(
        default=60.0,
        gt=0,
        description="/healthz says degraded when the outbox has waited this long without a publish",
    )
    checkpoint_interval_seconds: float = Field(
        default=900.0,
        ge=0,
        description=(
            "how often each service signs its chain head when it has moved (a checkpoint on the "
            "CHECKPOINTS stream); 0: only on demand (`chudong checkpoints sign`)"
        ),
    )
    consumer_stall_seconds: float = Field(
        default=60.0,
        gt=0,
        description=(
            "/healthz says degraded when a consumer with messages waiting has not moved its checkpoint for "
            "this long, or its backlog grew over this long"
        ),
    )

    @property
    def development_tokens(self) -> bool:
        """Whether tokens may be minted by hand (``chudong token``): never in production."""
        return self.environment == "development"

    def ensure_data_dir(self) -> Path:
        """The data directory, made the owner's only (0700) whoever made it.

        It holds the SQLite databases (membership's with every person's key), evidence, NATS's store and
        the secrets; the files in it are created with the process's umask (often 0644), so the directory
        is what keeps other local users out of them. A directory that let group or others in (made
        before this rule, or by hand) is closed on the next start; one another user owns (a volume
        mounted for the service) is left to its owner.
        """
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        status = self.data_dir.stat()
        if status.st_mode & 0o077 and status.st_uid == os.getuid():
            self.data_dir.chmod(0o700)
        return self.data_dir

    def resolved_jwt_secret(self) -> str:
        """The token signing key: ``CHUDONG_JWT_SECRET``, else one generated once per data directory."""
        if self.jwt_secret is not None:
            return self.jwt_secret.get_secret_value()
        path = self.ensure_data_dir() / "secrets" / "jwt.key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            candidate = path.with_suffix(".tmp")
            candidate.write_text(secrets.token_urlsafe(48))
            candidate.chmod(0o600)
            candidate.replace(path) if not path.exists() else candidate.unlink()
        return path.read_text().strip()


class ServiceSettings(BaseSettings):
    """One service's own settings; build with :func:`service_settings`."""

    model_config = SettingsConfigDict(extra="ignore")

    name: str = "service"
    host: str = "127.0.0.1"
    port: int = Field(default=8100, ge=0, le=65535)
    database_url: str | None = None
    relay_batch_size: int = Field(default=1000, ge=1)
    consumer_batch_size: int = Field(default=500, ge=1)
    nats_user: str | None = Field(default=None, description="the service's own NATS user (its permissions)")
    nats_password: SecretStr | None = None
    bus_key: SecretStr | None = Field(
        default=None,
        description="the master key the relay seals this service's stream with (hex; `chudong bus-keys`)",
    )
    bus_key_membership: SecretStr | None = Field(
        default=None, description="the key membership gave this service to check its seals"
    )
    bus_key_planning: SecretStr | None = Field(
        default=None, description="the key planning gave this service to check its seals"
    )
    bus_key_evaluation: SecretStr | None = Field(
        default=None, description="the key evaluation gave this service to check its seals"
    )
    bus_key_notifications: SecretStr | None = Field(
        default=None, description="the key notifications gave this service to check its seals"
    )
    bus_key_identity: SecretStr | None = Field(
        default=None, description="the key identity gave this service to check its seals"
    )
    checkpoint_key: SecretStr | None = Field(
        default=None,
        description=(
            "the Ed25519 key (64 hexadecimal digits) the service signs its checkpoints with; "
            "default: <data dir>/secrets/checkpoints/<service>.key, made once"
        ),
    )
    partition: str = Field(
        default="",
        description=(
            "the units whose events this replica's consumers take, comma-separated: 'vn.bg' is the unit "
            "and every unit below it, '=vn' the unit alone; empty takes every event"
        ),
    )
    partition_name: str | None = Field(
        default=None, description="the partition's name in consumer and checkpoint names (default: derived)"
    )

    def resolved_database_url(self, common: CommonSettings) -> str:
        """The service's database: its ``<NAME>_DATABASE_URL``, else SQLite in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(common.ensure_data_dir() / f'{self.name}.db').resolve()}"


def service_settings(name: str) -> ServiceSettings:
    """Settings of service ``name``, read from variables prefixed ``NAME_``."""

    service, default_port, prefix = name, DEFAULT_PORTS.get(name, 8100), f"{name.upper()}_"

    # Defaults, not init arguments: arguments would override the environment.
    class _Settings(ServiceSettings):
        model_config = SettingsConfigDict(env_prefix=prefix, extra="ignore")
        name: str = service
        port: int = Field(default=default_port, ge=0, le=65535)

    return _Settings()
