"""``chudong verify`` as a whole: every service's history, by every copy that can vouch for it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from nats.js.errors import NotFoundError

from chudong.audit.checkpoints import Believed, believe
from chudong.audit.copies import ServiceHistory, read_copy, read_database
from chudong.audit.findings import Check, Finding, Verdict
from chudong.audit.source import HistorySource
from chudong.audit.streams import stream_length
from chudong.audit.verify import check_against, check_copy, check_database
from shared.bus.subjects import EVENT_SERVICES, stream_name
from shared.checkpoints import CheckpointFile, SignedCheckpoint
from shared.checkpoints.keys import key_variable
from shared.checkpoints.stream import CHECKPOINT_STREAM, StoredCheckpoint, read_checkpoints
from shared.i18n import _


@dataclass(slots=True)
class Verification:
    """The findings, and what was read: each service's head and stream, the checkpoints believed."""

    findings: list[Finding] = field(default_factory=list)
    heads: dict[str, dict[str, Any]] = field(default_factory=dict)
    checkpoints: list[dict[str, Any]] = field(default_factory=list)


async def verify_history(
    source: HistorySource,
    trusted: dict[str, set[str]],
    filed: Sequence[tuple[str, CheckpointFile]] = (),
    *,
    compare_copies: bool = True,
) -> Verification:
    result = Verification()
    stored: list[StoredCheckpoint] = []
    if source.js is not None:
        stored = [item async for item in read_checkpoints(source.js)]
    for _name, file in filed:
        for cp in file.checkpoints:  # the auditor's own file says which keys were the services'
            trusted.setdefault(cp.service, set()).add(cp.public_key)
    believed = believe(stored, trusted)
    for service in EVENT_SERVICES:
        history = ServiceHistory(service, source.databases.get(service), js=source.js)
        if history.db is None:
            if await _stream_messages(source, service):
                result.findings.append(
                    Finding(service, Check.DATABASE, Verdict.NOT_CHECKED, source.missing_databases[service])
                )
            continue
        history.stored = await read_database(history.db)
        if source.js is not None and compare_copies:
            history.copy = await read_copy(source.js, service)
        result.findings.append(await check_database(history, believed.get(service, Believed()).checkpoints))
        if history.copy is not None:
            result.findings.append(await check_copy(history))
        elif source.js is None:
            reason = source.nats_problem or _("not asked")
            result.findings.append(Finding(service, Check.JETSTREAM, Verdict.NOT_CHECKED, reason))
        else:
            result.findings.append(
                Finding(service, Check.JETSTREAM, Verdict.NOT_CHECKED, _("not asked (--no-jetstream)"))
            )
        result.findings.append(await _check_stream_checkpoints(history, believed.get(service), source))
        for name, file in filed:
            mine = [cp for cp in file.checkpoints if cp.service == service]
            if mine:
                result.findings.append(await _check_filed(history, mine, name))
        result.heads[service] = await _head(history, source)
        for cp in believed.get(service, Believed()).checkpoints:
            result.checkpoints.append(_described(cp, CHECKPOINT_STREAM))
        for name, file in filed:
            result.checkpoints += [_described(cp, name) for cp in file.checkpoints if cp.service == service]
    return result


async def _check_stream_checkpoints(
    history: ServiceHistory, believed: Believed | None, source: HistorySource
) -> Finding:
    service = history.service
    if source.js is None:
        return Finding(service, Check.CHECKPOINTS, Verdict.NOT_CHECKED, source.nats_problem or _("not asked"))
    if believed is None and history.stored is not None and history.stored.chain.head_position == 0:
        return Finding(service, Check.CHECKPOINTS, Verdict.OK, _("no events yet: nothing to vouch for"))
    if believed is None:
        return Finding(
            service,
            Check.CHECKPOINTS,
            Verdict.NOT_CHECKED,
            _("no checkpoint of {service} on {stream} yet", service=service, stream=CHECKPOINT_STREAM),
        )
    if believed.forged is not None:
        return believed.forged
    if not believed.checkpoints and believed.unknown_keys:
        variable = key_variable(service)
        return Finding(
            service,
            Check.CHECKPOINTS,
            Verdict.NOT_CHECKED,
            _(
                "no key of {service} to check its checkpoints with: set {variable}, read a data directory "
                "with its key, or give --against a checkpoint file",
                service=service,
                variable=variable,
            ),
        )
    return await check_against(
        history, believed.checkpoints, Check.CHECKPOINTS, _("on {stream}", stream=CHECKPOINT_STREAM)
    )


async def _check_filed(history: ServiceHistory, checkpoints: list[SignedCheckpoint], name: str) -> Finding:
    forged = next((cp for cp in checkpoints if not cp.signature_valid()), None)
    if forged is not None:
        text = _(
            "the checkpoint of position {position} in {file} does not verify: the file was altered",
            position=forged.position,
            file=name,
        )
        return Finding(history.service, Check.FILED, Verdict.BROKEN, text)
    return await check_against(history, checkpoints, Check.FILED, _("in {file}", file=name))


async def _stream_messages(source: HistorySource, service: str) -> int:
    if source.js is None:
        return 0
    return await stream_length(source.js, service)


async def _head(history: ServiceHistory, source: HistorySource) -> dict[str, Any]:
    assert history.stored is not None
    chain = history.stored.chain
    head: dict[str, Any] = {
        "events": chain.events,
        "head_position": chain.head_position,
        "head_hash": chain.head_hash,
    }
    if source.js is not None:
        try:
            info = await source.js.stream_info(stream_name(history.service))
        except NotFoundError:
            return head
        head["stream"] = {
            "name": stream_name(history.service),
            "messages": int(info.state.messages),
            "last_sequence": int(info.state.last_seq),
        }
    return head


def _described(cp: SignedCheckpoint, source: str) -> dict[str, Any]:
    return {
        "service": cp.service,
        "position": cp.position,
        "hash": cp.hash,
        "signed_at": cp.signed_at.isoformat(),
        "key": cp.public_key,
        "key_fingerprint": cp.key_fingerprint,
        "source": source,
    }
