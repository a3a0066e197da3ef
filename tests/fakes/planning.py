"""Planning's handlers over in-memory ports: the store, the org tree, and the read models they consult.

:class:`PlanningHandlers` reads its members roster and attachments with SQL through ``store.db``;
here they are dicts, answered with the same types. Commands go through planning's own table.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

from services.planning.adapters.evidence_files import EvidenceFiles
from services.planning.app.commands import command_table
from services.planning.app.handlers import PlanningHandlers
from services.planning.domain.branch_life import MemberInfo
from services.planning.domain.checks import AttachmentInfo
from shared.clock import Clock
from shared.commands import Command, Context
from shared.contracts.member_stays import stay_on
from shared.contracts.planning import EvidenceRef
from shared.events import Envelope
from tests.fakes.directory import InMemoryUnitDirectory
from tests.fakes.store import InMemoryEventStore


class InMemoryPlanningHandlers(PlanningHandlers):
    def __init__(
        self,
        store: InMemoryEventStore,
        directory: InMemoryUnitDirectory,
        *,
        clock: Clock,
        roster: Sequence[MemberInfo] = (),
        attachments: Sequence[AttachmentInfo] = (),
    ) -> None:
        # No file is uploaded in the fast tier: the files' root is never written to.
        super().__init__(store, directory, EvidenceFiles(Path("/nonexistent")), clock=clock)
        self.roster = {m.member_id: m for m in roster}
        self.uploaded = {a.attachment_id: a for a in attachments}
        self.commands = command_table(self)

    async def handle(self, command: Command, actor: str, *, acting_unit_id: str = "") -> list[Envelope]:
        """Run ``command`` through planning's table as ``actor``, for the unit ``acting_unit_id``."""
        return list(await self.commands.handle(command, Context(actor=actor, acting_unit_id=acting_unit_id)))

    async def members(self, member_ids: Iterable[str]) -> dict[str, MemberInfo]:
        return {m: self.roster[m] for m in dict.fromkeys(member_ids) if m in self.roster}

    async def active_members(self, branch_ids: Sequence[str], on: date) -> int:
        return sum(1 for m in self.roster.values() if stay_on(m.stays, on, branch_ids) is not None)

    async def attachments(self, refs: Iterable[EvidenceRef | None]) -> dict[str, AttachmentInfo]:
        ids = [ref.attachment_id for ref in refs if ref is not None]
        return {i: self.uploaded[i] for i in ids if i in self.uploaded}
