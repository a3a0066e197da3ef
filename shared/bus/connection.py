"""Connecting to NATS: wait a bounded time for the first connection, then reconnect for ever.

``url`` may list several servers of a cluster, separated by commas
(``nats://n1:4222,nats://n2:4222``); the client also learns the others from
the server it reaches. A refusal by the server's permissions is logged as
``nats.permission_denied``, with the subject, so an operator sees which
service tried to publish or read what it may not. A server that refuses the
user itself (``Authorization Violation``: a wrong password, an unknown user, or
none where every client must log in) fails the first connection at once with
:class:`NatsAuthorizationError`: retrying cannot make the password right.
"""

from __future__ import annotations

import asyncio
import contextlib
from urllib.parse import urlsplit

import structlog
from nats.aio.client import Client
from nats.errors import AuthorizationError

from shared.bus.client import EventClient

log = structlog.get_logger("nats")


class NatsAuthorizationError(AuthorizationError):
    """The server refused the client's user and password (or their absence)."""

    def __init__(self, url: str, user: str | None) -> None:
        super().__init__()
        self.url = url
        self.user = user

    def __str__(self) -> str:
        who = f"user {self.user!r}" if self.user else "an anonymous client"
        needs = "a wrong or unknown user or password" if self.user else "every client must log in"
        return f"NATS at {public_url(self.url)} refused {who}: Authorization Violation ({needs})"


def is_authorization_violation(exc: BaseException) -> bool:
    """Whether ``exc`` is the server refusing the user (nats-py reports it in two forms)."""
    return isinstance(exc, AuthorizationError) or "authorization violation" in str(exc).lower()


async def connect(
    url: str,
    *,
    name: str,
    user: str | None = None,
    password: str | None = None,
    connect_timeout: float = 30.0,
) -> Client:
    """A client that reconnects without end once connected.

    The first connection is waited for up to ``connect_timeout`` seconds (nats-py alone would keep
    trying for ever), then :class:`TimeoutError`; a refused user raises :class:`NatsAuthorizationError`
    at once.
    """
    client = EventClient()
    refused: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    async def error_cb(exc: Exception) -> None:
        text = str(exc) or exc.__class__.__name__
        if is_authorization_violation(exc):
            log.error("nats.authorization_refused", client=name, user=user, error=text)
            if not refused.done():
                refused.set_result(None)
        elif "permissions violation" in text.lower():
            log.error("nats.permission_denied", client=name, user=user, error=text)
        elif connecting.done():
            log.warning("nats.error", error=text)
        else:
            # A first connection still being tried: its last error is in the TimeoutError raised at
            # the end, so a command that cannot reach NATS says why once, not at every attempt.
            log.info("nats.error", error=text)

    async def disconnected_cb() -> None:
        # Not a first connection given up, nor a close the client asked for (``close``/``drain``
        # mark it closed before calling back): only a connection lost is worth a warning.
        if connecting.done() and not connecting.cancelled() and not client.is_closed:
            log.warning("nats.disconnected")

    async def reconnected_cb() -> None:
        log.info("nats.reconnected")

    connecting = asyncio.ensure_future(
        client.connect(
            server_list(url),
            name=name,
            user=user,
            password=password,
            max_reconnect_attempts=-1,
            reconnect_time_wait=0.5,  # type: ignore[arg-type]  # seconds; nats-py annotates it int
            allow_reconnect=True,
            error_cb=error_cb,
            disconnected_cb=disconnected_cb,
            reconnected_cb=reconnected_cb,
            pending_size=64 * 1024 * 1024,
        )
    )
    try:
        done, _ = await asyncio.wait(
            {connecting, refused}, timeout=connect_timeout, return_when=asyncio.FIRST_COMPLETED
        )
    except BaseException:
        await _abandon(connecting, client)
        raise
    if connecting in done:
        connecting.result()
        return client
    await _abandon(connecting, client)
    if refused in done:
        raise NatsAuthorizationError(url, user)
    last = client.last_error
    raise TimeoutError(
        f"NATS at {public_url(url)} did not answer within {connect_timeout:g} s"
        + (f" ({last})" if last else "")
    )


async def _abandon(connecting: asyncio.Future[None], client: Client) -> None:
    """Stop a first connection still being attempted, and whatever it opened."""
    connecting.cancel()
    await asyncio.wait({connecting})
    with contextlib.suppress(Exception):
        await client.close()


def server_list(url: str) -> list[str]:
    """The servers of ``url``: one, or several separated by commas."""
    return [part.strip() for part in url.split(",") if part.strip()]


def public_url(url: str) -> str:
    """``url`` without any user or password written in it, fit for a message or a log."""
    servers = []
    for server in server_list(url):
        parts = urlsplit(server)
        if parts.username is None and parts.password is None:
            servers.append(server)
        else:
            servers.append(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]).geturl())
    return ",".join(servers)
