"""The ARS statistics' derived tables and their refresh (``refresh-ars-stats``).

Whether a position was filled *at the start* of its slot never changes once the slot has
started, but computing it (time zones, cancellations, withdrawals) over a year of a large
region takes seconds. The refresh computes it once, with INSERT … SELECT statements:
- ``slot_stat``: one row per started slot of a published, non-cancelled need, with the
  positions filled at its start and the slot's dimensions copied (drill-downs, exports);
- ``stat_daily``: per day, département and value of each dimension, the summable counts
  (slots, positions, filled, needs started, needs unfilled at start) the dashboard adds up;
- ``need_stat``: per started need, its time to fill (filled needs) or its cancellation;
- ``held_stat``: the candidates holding each started slot (to count active candidates).
The dashboard then only reads a few thousand summary rows (well under a second).

The tables are derived data, like materialized views: their schema comes from the
migrations (``models/stats.py``) and the refresh rebuilds their content entirely in one
transaction (idempotent). Run the
command every few minutes (cron, systemd timer); the dashboard shows the time of the data.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import (
    String,
    and_,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    or_,
    over,
    select,
    text,
)
from sqlalchemy.orm import Session

from database import begin_write
from models import Assignment, Establishment, JobRun, Need, Slot
from models.enums import ACTIVE_ASSIGNMENT_STATES, NeedStatus
from models.stats import STAT_TABLES, held_stat, need_stat, slot_stat, stat_daily
from services.stats_sql import day_of, hours_between, paris_time

JOB_NAME = "ars-stats"
PARIS = ZoneInfo("Europe/Paris")

DAILY_DIMENSIONS = {
    "total": None, "departement": slot_stat.c.departement_code, "qualification": slot_stat.c.qualification_code,
    "type": slot_stat.c.establishment_type, "kind": slot_stat.c.kind,
}


def paris_now(now_utc: datetime) -> datetime:
    return now_utc.replace(tzinfo=UTC).astimezone(PARIS).replace(tzinfo=None)


def published_not_cancelled():
    return and_(Need.published_at.is_not(None), Need.status.not_in((NeedStatus.DRAFT, NeedStatus.CANCELLED)),
                Need.cancelled_at.is_(None))


def held_at_start(first_year: int, last_year: int):
    """The assignment counts for its slot: accepted before the start and not cancelled or
    withdrawn before it (UTC event times converted to Paris time in SQL)."""
    return and_(
        paris_time(Assignment.accepted_at, first_year, last_year) < Slot.start,
        or_(Assignment.state.in_(ACTIVE_ASSIGNMENT_STATES), Assignment.ended_at.is_(None),
            paris_time(Assignment.ended_at, first_year, last_year) >= Slot.start),
    )


def facts_select(as_of: datetime, first_year: int):
    """One row per published slot started before ``as_of`` (local), filled positions capped."""
    years = (first_year - 1, as_of.year + 1)
    held = (
        select(Assignment.slot_id, func.count().label("held"))
        .join(Slot, Slot.id == Assignment.slot_id)
        .where(Slot.start < as_of, held_at_start(*years))
        .group_by(Assignment.slot_id)
        .subquery("held")
    )
    held_count = func.coalesce(held.c.held, 0)
    first = over(func.row_number(), partition_by=Slot.need_id, order_by=(Slot.start, Slot.id)) == 1
    return (
        select(
            Slot.id, Slot.need_id, Need.establishment_id, Establishment.region_code, Establishment.departement_code,
            Establishment.type, Need.qualification_code, Need.kind, Slot.start, Slot.positions,
            case((held_count < Slot.positions, held_count), else_=Slot.positions),
            case((first, True), else_=False),
        )
        .join(Need, Need.id == Slot.need_id)
        .join(Establishment, Establishment.id == Need.establishment_id)
        .outerjoin(held, held.c.slot_id == Slot.id)
        .where(Slot.start < as_of, published_not_cancelled())
    )


def daily_select(dimension: str, column):
    key = cast(column, String) if column is not None else literal("")
    day = day_of(slot_stat.c.start)
    needs = func.sum(case((slot_stat.c.is_first, 1), else_=0))
    unfilled = func.sum(case((and_(slot_stat.c.is_first, slot_stat.c.filled < slot_stat.c.positions), 1), else_=0))
    return (
        select(day, slot_stat.c.region_code, slot_stat.c.departement_code, literal(dimension), key, func.count(),
               func.sum(slot_stat.c.positions), func.sum(slot_stat.c.filled), needs, unfilled)
        .group_by(day, slot_stat.c.region_code, slot_stat.c.departement_code, key)
    )


def needs_select(as_of: datetime):
    positions = select(Slot.need_id, func.sum(Slot.positions).label("positions")).group_by(Slot.need_id).subquery()
    cancelled = or_(Need.status == NeedStatus.CANCELLED, Need.cancelled_at.is_not(None))
    filled = and_(~cancelled, Need.filled_at.is_not(None), Need.filled_at >= Need.published_at)
    return (
        select(Need.id, Establishment.region_code, Establishment.departement_code, Need.first_start,
               positions.c.positions, case((cancelled, True), else_=False),
               case((filled, hours_between(Need.published_at, Need.filled_at)), else_=None))
        .join(Establishment, Establishment.id == Need.establishment_id)
        .join(positions, positions.c.need_id == Need.id)
        .where(Need.published_at.is_not(None), Need.status != NeedStatus.DRAFT, Need.first_start < as_of)
    )


def held_select():
    return (
        select(Assignment.candidate_id, slot_stat.c.start, slot_stat.c.region_code, slot_stat.c.departement_code)
        .join(slot_stat, slot_stat.c.slot_id == Assignment.slot_id)
        .where(Assignment.state.in_(ACTIVE_ASSIGNMENT_STATES), Assignment.candidate_id.is_not(None))
    )


def refresh(session: Session, now_utc: datetime) -> int:
    """Rebuild the facts of every slot started before now; the caller commits."""
    begin_write(session)
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        # Dropping and recreating (same schema as the migrations) is much faster than DELETE;
        # readers keep their WAL snapshot.
        for table in STAT_TABLES:
            table.drop(connection)
            table.create(connection)
    for table in STAT_TABLES:
        session.execute(delete(table))  # PostgreSQL: readers keep the old rows until commit (MVCC)
    as_of = paris_now(now_utc)
    first = session.scalar(select(func.min(Slot.start)))
    session.execute(insert(slot_stat).from_select([c.name for c in slot_stat.columns],
                                                  facts_select(as_of, first.year if first else as_of.year)))
    session.execute(insert(need_stat).from_select([c.name for c in need_stat.columns], needs_select(as_of)))
    for dimension, column in DAILY_DIMENSIONS.items():
        session.execute(insert(stat_daily).from_select([c.name for c in stat_daily.columns],
                                                       daily_select(dimension, column)))
    session.execute(insert(held_stat).from_select([c.name for c in held_stat.columns], held_select()))
    for table in STAT_TABLES:
        session.execute(text(f"ANALYZE {table.name}"))  # fresh statistics for the planner
    job = session.get(JobRun, JOB_NAME) or JobRun(name=JOB_NAME)
    job.last_run_at = now_utc
    session.add(job)
    return session.scalar(select(func.count()).select_from(slot_stat))


def last_refresh(session: Session) -> datetime | None:
    """UTC time of the data the dashboard shows; None before the first refresh."""
    job = session.get(JobRun, JOB_NAME)
    return job.last_run_at if job else None
