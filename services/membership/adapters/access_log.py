"""Who read whose personal or sensitive fields, and when (nhật ký truy cập dữ liệu cá nhân).

Law 91/2025 asks that reads of sensitive data be accountable; the log holds ids, never the data.
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table, select
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.auth import Principal
from shared.clock import utcnow
from shared.store import Database
from shared.store.columns import instant, unit_path

metadata = MetaData()

personal_reads = Table(
    "personal_reads",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    instant("read_at"),
    Column("reader", String(200), nullable=False),
    Column("role", String(30), nullable=False),
    Column("person_id", String(100), nullable=False, index=True),
    unit_path(index=True),
    Column("fields", String(500), nullable=False),
    Column("purpose", String(100), nullable=False),
)


async def log_reads(
    db: Database, principal: Principal, reads: list[tuple[str, str, tuple[str, ...]]], purpose: str
) -> None:
    """Record reads of ``(person_id, unit_path, fields)``, in their own transaction, before the answer is sent."""
    if not reads:
        return
    now = utcnow()
    async with db.transaction() as conn:
        await conn.execute(
            personal_reads.insert(),
            [
                {
                    "read_at": now,
                    "reader": principal.subject,
                    "role": principal.role.value,
                    "person_id": person_id,
                    "unit_path": path,
                    "fields": ",".join(fields),
                    "purpose": purpose,
                }
                for person_id, path, fields in reads
            ],
        )


async def reads_under(
    conn: AsyncConnection, path: str, person_id: str | None, limit: int
) -> list[dict[str, object]]:
    under = (personal_reads.c.unit_path == path) | personal_reads.c.unit_path.startswith(
        f"{path}.", autoescape=True
    )
    query = select(personal_reads).where(under)
    if person_id is not None:
        query = query.where(personal_reads.c.person_id == person_id)
    rows = (await conn.execute(query.order_by(personal_reads.c.id.desc()).limit(limit))).all()
    return [dict(r._mapping) for r in rows]
