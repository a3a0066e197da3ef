"""Verification of one service's history: its database chain, its JetStream copy, and the checkpoints.

Three copies can vouch for a history: the database (each event's hash covers the one before), the
JetStream copy (the same bytes and hashes, relayed), and the checkpoints the service signed (its head's
hash at a position, which covers everything before it). Each check says ok, BROKEN or NOT CHECKED
(:mod:`chudong.audit.findings`); a break names the event and what each copy holds there.
"""

from __future__ import annotations

from dataclasses import replace

from chudong.audit.copies import ServiceHistory, StoredHistory, StreamCopy, agreement
from chudong.audit.findings import Check, Finding, Verdict
from shared.checkpoints import SignedCheckpoint
from shared.i18n import Message, _, format_date
from shared.store import ChainBreak


async def check_database(history: ServiceHistory, checkpoints: list[SignedCheckpoint]) -> Finding:
    stored = history.stored
    assert stored is not None
    report = stored.chain
    if report.first_break is not None:
        brk: ChainBreak = report.first_break
        return Finding(
            history.service,
            Check.DATABASE,
            Verdict.BROKEN,
            _(
                "hash chain broken at position {position}: {reason}",
                position=brk.position,
                reason=brk.message,
            ),
            await history.broken_event(brk.position, checkpoints),
        )
    return Finding(
        history.service,
        Check.DATABASE,
        Verdict.OK,
        _(
            "hash chain intact: {events} events, head at position {position}, hash {hash}",
            events=report.events,
            position=report.head_position,
            hash=report.head_hash,
        ),
    )


async def check_copy(history: ServiceHistory) -> Finding:
    """The JetStream copy holds, in order, the database's events with the same hashes; what it lacks
    at its end is only what the outbox still waits to publish."""
    stored, copy, service = history.stored, history.copy, history.service
    assert stored is not None and copy is not None
    if copy.problem is not None:
        return Finding(
            service,
            Check.JETSTREAM,
            Verdict.BROKEN,
            copy.problem.text,
            await history.broken_event(copy.problem.position),
        )
    for position, hash in sorted(copy.hashes.items()):
        if stored.hashes.get(position) != hash:
            text = (
                _("position {position} is not in the database", position=position)
                if position not in stored.hashes
                else _("position {position} differs from the database", position=position)
            )
            return Finding(
                service, Check.JETSTREAM, Verdict.BROKEN, text, await history.broken_event(position)
            )
    last = max(copy.hashes, default=0)
    lost = sorted(p for p in stored.hashes if p > last and p not in stored.unrelayed)
    if lost:
        return Finding(
            service,
            Check.JETSTREAM,
            Verdict.BROKEN,
            _(
                "position {position} is missing: it was published (the outbox no longer holds it) but the copy ends at {last}",
                position=lost[0],
                last=last,
            ),
            await history.broken_event(lost[0]),
        )
    waiting = len(stored.hashes) - len(copy.hashes)
    if waiting > 0:
        return Finding(
            service,
            Check.JETSTREAM,
            Verdict.OK,
            _(
                "copy matches: {events} events; {waiting} in the outbox, not relayed yet",
                events=len(copy.hashes),
                waiting=waiting,
            ),
        )
    return Finding(
        service, Check.JETSTREAM, Verdict.OK, _("copy matches: {events} events", events=len(copy.hashes))
    )


async def check_against(
    history: ServiceHistory, checkpoints: list[SignedCheckpoint], check: Check, source: Message
) -> Finding:
    """Every copy of the history holds each checkpoint's hash at its position."""
    service, stored, copy = history.service, history.stored, history.copy
    agreed: SignedCheckpoint | None = None
    for cp in sorted(checkpoints, key=lambda c: (c.position, c.signed_at)):
        held = history.hashes_at(cp.position)
        differing = [name for name, value in held.items() if value != cp.hash]
        if not differing:
            agreed = cp
            continue
        signed = format_date(cp.signed_at)
        if stored is not None and cp.position > max(stored.hashes, default=0):
            text = _(
                "the checkpoint signed on {signed} covers position {position}; the database ends at {last}",
                signed=signed,
                position=cp.position,
                last=max(stored.hashes, default=0),
            )
            return Finding(
                service,
                check,
                Verdict.BROKEN,
                text,
                await history.broken_event(max(stored.hashes, default=0) + 1, [cp]),
            )
        first = _first_difference(stored, copy, cp.position)
        if first is not None and first != cp.position:
            text = _(
                "the {copies} hash at position {position} is not the one signed on {signed}: position {first} was altered and the chain re-hashed after it",
                copies=", ".join(differing),
                position=cp.position,
                signed=signed,
                first=first,
            )
            event = await history.broken_event(first, [cp])
            at_checkpoint = agreement(history.hashes_at(cp.position, [cp]))
            if at_checkpoint is not None:
                event = replace(
                    event,
                    agreement=_(
                        "at position {position}: {agreement}", position=cp.position, agreement=at_checkpoint
                    ),
                )
        else:
            after = agreed.position if agreed is not None else 0
            text = _(
                "the {copies} hash at position {position} is not the one signed on {signed}: an event after position {after} and up to {position} was altered, and the chain re-hashed after it",
                copies=", ".join(differing),
                position=cp.position,
                signed=signed,
                after=after,
            )
            event = await history.broken_event(cp.position, [cp])
        return Finding(service, check, Verdict.BROKEN, text, event)
    if agreed is None:
        return Finding(
            service,
            check,
            Verdict.NOT_CHECKED,
            _("no checkpoint of {service} ({source})", service=service, source=source),
        )
    return Finding(
        service,
        check,
        Verdict.OK,
        _(
            "{count} checkpoints ({source}) held by the history; the last at position {position}, signed on {signed} with key {key}",
            count=len(checkpoints),
            source=source,
            position=agreed.position,
            signed=format_date(agreed.signed_at),
            key=agreed.key_fingerprint,
        ),
    )


def _first_difference(stored: StoredHistory | None, copy: StreamCopy | None, until: int) -> int | None:
    """The first position up to ``until`` where the database and the JetStream copy differ."""
    if stored is None or copy is None:
        return None
    for position in range(1, until + 1):
        if stored.hashes.get(position) != copy.hashes.get(position):
            return position
    return None
