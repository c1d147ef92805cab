"""What the ARS refresh computes per need: the SELECTs that fill ``slot_stat``, ``need_stat``
and ``held_stat`` (``services/stats_store.py`` runs them as INSERT … SELECT).

Each takes ``only``, a condition on a ``need_id`` column: every need for a full rebuild, the
changed ones for an incremental refresh. A need's rows depend on that need alone (its slots,
its assignments, its establishment), so recomputing the changed needs gives the same rows as
a full rebuild.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, or_, over, select
from sqlalchemy.sql.expression import ColumnElement

from models import Assignment, Establishment, Need, Slot
from models.enums import ACTIVE_ASSIGNMENT_STATES, NeedStatus
from services.stats_median import delay_bucket
from services.stats_sql import day_of, hours_between, paris_time

PARIS = ZoneInfo("Europe/Paris")

NeedFilter = Callable[[ColumnElement], ColumnElement[bool]]


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


def facts_select(as_of: datetime, first_year: int, only: NeedFilter):
    """One row per published slot started before ``as_of`` (local), filled positions capped;
    columns in ``slot_stat`` order."""
    years = (first_year - 1, as_of.year + 1)
    held = (
        select(Assignment.slot_id, func.count().label("held"))
        .join(Slot, Slot.id == Assignment.slot_id)
        .where(Slot.start < as_of, held_at_start(*years), only(Assignment.need_id))
        .group_by(Assignment.slot_id)
        .subquery("held")
    )
    held_count = func.coalesce(held.c.held, 0)
    first = over(func.row_number(), partition_by=Slot.need_id, order_by=(Slot.start, Slot.id)) == 1
    return (
        select(
            Slot.id, Slot.need_id, Need.establishment_id, Establishment.region_code, Establishment.departement_code,
            Establishment.type, Need.qualification_code, Need.kind, Slot.start, day_of(Slot.start).label("day"),
            Slot.positions, case((held_count < Slot.positions, held_count), else_=Slot.positions),
            case((first, True), else_=False),
        )
        .join(Need, Need.id == Slot.need_id)
        .join(Establishment, Establishment.id == Need.establishment_id)
        .outerjoin(held, held.c.slot_id == Slot.id)
        .where(Slot.start < as_of, published_not_cancelled(), only(Slot.need_id))
    )


def needs_select(as_of: datetime, only: NeedFilter):
    """One row per published need whose first slot started: positions, cancellation, time to
    fill and its bucket; columns in ``need_stat`` order."""
    positions = (select(Slot.need_id, func.sum(Slot.positions).label("positions"))
                 .where(only(Slot.need_id)).group_by(Slot.need_id).subquery())
    cancelled = or_(Need.status == NeedStatus.CANCELLED, Need.cancelled_at.is_not(None))
    filled = and_(~cancelled, Need.filled_at.is_not(None), Need.filled_at >= Need.published_at)
    hours = hours_between(Need.published_at, Need.filled_at)
    return (
        select(Need.id, Establishment.region_code, Establishment.departement_code, Need.first_start,
               day_of(Need.first_start).label("day"), positions.c.positions, case((cancelled, True), else_=False),
               case((filled, hours), else_=None), case((filled, delay_bucket(hours)), else_=None))
        .join(Establishment, Establishment.id == Need.establishment_id)
        .join(positions, positions.c.need_id == Need.id)
        .where(Need.published_at.is_not(None), Need.status != NeedStatus.DRAFT, Need.first_start < as_of,
               only(Need.id))
    )


def held_select(as_of: datetime, only: NeedFilter):
    """Candidates holding a started slot (accepted, completed or no-show), with its territory;
    columns in ``held_stat`` order."""
    return (
        select(Assignment.need_id, Assignment.candidate_id, Slot.start, Establishment.region_code,
               Establishment.departement_code)
        .join(Slot, Slot.id == Assignment.slot_id)
        .join(Need, Need.id == Assignment.need_id)
        .join(Establishment, Establishment.id == Need.establishment_id)
        .where(Slot.start < as_of, published_not_cancelled(), Assignment.state.in_(ACTIVE_ASSIGNMENT_STATES),
               Assignment.candidate_id.is_not(None), only(Assignment.need_id))
    )
