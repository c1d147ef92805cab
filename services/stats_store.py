"""The ARS statistics' derived tables and their refresh (``refresh-ars-stats``).

Whether a position was filled *at the start* of its slot never changes once the slot has
started, but computing it (time zones, cancellations, withdrawals) over a year of a large
region takes minutes. The refresh stores it, per need (``services/stats_facts.py``), in
``slot_stat``, ``need_stat`` and ``held_stat``, then the summaries the dashboard adds up
(``services/stats_summaries.py``). The tables are derived data, like materialized views:
their schema comes from the migrations (``models/stats.py``).

The refresh is incremental: it recomputes only the needs that changed since the previous
one — a slot started since, the need, one of its assignments or its establishment updated
since (``updated_at``, with a safety margin for transactions still open at that time) — and
the summaries of the days they touch. ``full=True`` (``--full``) rebuilds everything; so does
a first run or a clock going backwards. One transaction, idempotent; two refreshes at once
run one after the other (PostgreSQL advisory lock; SQLite's write lock), and the watermark
lives in ``JobRun``, never in process memory. Run it every few minutes (cron, systemd timer);
the dashboard shows the time of its data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, insert, or_, select, text, true
from sqlalchemy.orm import Session

from database import begin_write
from models import Assignment, Establishment, JobRun, Need, Slot
from models.stats import STAT_TABLES, held_stat, need_stat, slot_stat, stat_dirty_need
from services.stats_facts import facts_select, held_select, needs_select, paris_now
from services.stats_sql import day_of
from services.stats_summaries import ACTIVE_LEVELS, rebuild_active, rebuild_daily

JOB_NAME = "ars-stats"
LOCK_KEY = 0x41525353  # 'ARSS': PostgreSQL advisory lock of the refresh
# Changes are looked for from the previous refresh minus this margin: a transaction that
# stamped ``updated_at`` before that refresh but committed after it is still seen.
MARGIN = timedelta(minutes=30)
FACT_TABLES = (slot_stat, need_stat, held_stat)


@dataclass(frozen=True)
class RefreshResult:
    full: bool
    needs: int  # recomputed (every started need on a full rebuild)
    slots: int  # started slots in the facts afterwards


def refresh(session: Session, now_utc: datetime, full: bool = False) -> RefreshResult:
    """Bring the derived tables to ``now_utc``; the caller commits."""
    begin_write(session)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
    job = session.get(JobRun, JOB_NAME, populate_existing=True)
    previous = job.last_run_at if job else None
    as_of = paris_now(now_utc)
    first = session.scalar(select(func.min(Slot.start)))
    first_year = first.year if first else as_of.year
    full = full or previous is None or previous > now_utc
    needs = _rebuild(session, as_of, first_year) if full else _update(session, as_of, first_year, previous)
    job = job or JobRun(name=JOB_NAME)
    job.last_run_at = now_utc
    session.add(job)
    return RefreshResult(full=full, needs=needs, slots=session.scalar(select(func.count()).select_from(slot_stat)))


def _rebuild(session: Session, as_of: datetime, first_year: int) -> int:
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        # Dropping and recreating (same schema as the migrations) is much faster than DELETE;
        # readers keep their WAL snapshot.
        for table in STAT_TABLES:
            table.drop(connection)
            table.create(connection)
    for table in STAT_TABLES:
        session.execute(delete(table))  # PostgreSQL: readers keep the old rows until commit (MVCC)
    _insert_facts(session, as_of, first_year, lambda column: true())
    rebuild_daily(session, None, None)
    for entity in ACTIVE_LEVELS:
        rebuild_active(session, entity, None)
    for table in STAT_TABLES:
        session.execute(text(f"ANALYZE {table.name}"))  # fresh statistics for the planner
    return session.scalar(select(func.count()).select_from(need_stat))


def _update(session: Session, as_of: datetime, first_year: int, previous: datetime) -> int:
    """Recompute the needs changed since ``previous`` and the summaries they touch."""
    session.execute(delete(stat_dirty_need))
    session.execute(insert(stat_dirty_need).from_select(["need_id"], changed_needs(as_of, previous)))
    dirty = select(stat_dirty_need.c.need_id)

    def only(column):
        return column.in_(dirty)

    slot_days, need_days = _days(session, only), _need_days(session, only)
    candidates_since = _first_change(session, _held_days(held_stat, only), _held_days(held_select(as_of, only).subquery(), None))
    facts = facts_select(as_of, first_year, only).subquery()
    establishments_since = _first_change(session, _establishment_days(slot_stat, only), _establishment_days(facts, None))
    for table in FACT_TABLES:
        session.execute(delete(table).where(only(table.c.need_id)))
    _insert_facts(session, as_of, first_year, only)
    rebuild_daily(session, sorted(slot_days | _days(session, only)), sorted(need_days | _need_days(session, only)))
    for entity, since in (("candidate", candidates_since), ("establishment", establishments_since)):
        if since is not None:
            rebuild_active(session, entity, since)
    count = session.scalar(select(func.count()).select_from(stat_dirty_need))
    session.execute(delete(stat_dirty_need))
    return count


def changed_needs(as_of: datetime, previous: datetime):
    """Started needs whose facts may differ from the previous refresh's."""
    since = previous - MARGIN
    return select(Need.id).where(Need.first_start < as_of, or_(
        Need.updated_at >= since,
        Need.id.in_(select(Slot.need_id).where(Slot.start >= paris_now(previous), Slot.start < as_of)),
        Need.id.in_(select(Assignment.need_id).where(Assignment.updated_at >= since)),
        Need.establishment_id.in_(select(Establishment.id).where(Establishment.updated_at >= since)),
    ))


def _insert_facts(session: Session, as_of: datetime, first_year: int, only) -> None:
    for table, query in ((slot_stat, facts_select(as_of, first_year, only)), (need_stat, needs_select(as_of, only)),
                         (held_stat, held_select(as_of, only))):
        session.execute(insert(table).from_select([c.name for c in table.columns], query))


def _days(session: Session, only) -> set[date]:
    return set(session.scalars(select(slot_stat.c.day).where(only(slot_stat.c.need_id)).distinct()))


def _need_days(session: Session, only) -> set[date]:
    return set(session.scalars(select(need_stat.c.day).where(only(need_stat.c.need_id)).distinct()))


def _held_days(source, only):
    """(candidate, territory, day) of the held slots of the changed needs."""
    return select(source.c.candidate_id, source.c.region_code, source.c.departement_code,
                  day_of(source.c.start).label("day")).where(only(source.c.need_id) if only else true())


def _establishment_days(source, only):
    return select(source.c.establishment_id, source.c.region_code, source.c.departement_code,
                  source.c.day).where(only(source.c.need_id) if only else true())


def _first_change(session: Session, old, new) -> date | None:
    """First day on which the activity of the changed needs differs (rows added or removed)."""
    days = [session.scalar(select(func.min(difference.c.day)))
            for difference in (old.except_(new).subquery(), new.except_(old).subquery())]
    days = [day for day in days if day is not None]
    return date.fromisoformat(str(min(days))) if days else None


def last_refresh(session: Session) -> datetime | None:
    """UTC time of the data the dashboard shows; None before the first refresh."""
    job = session.get(JobRun, JOB_NAME)
    return job.last_run_at if job else None
