"""The summaries the ARS dashboard adds up, recomputed from the per-need facts by the refresh.

- ``stat_daily``: per slot day, département and value of each dimension (summable counts);
- ``need_daily``: per need day, cancelled needs and filled needs per delay bucket;
- ``active_daily``: distinct active candidates and establishments per day and previous
  active day (see ``models/stats.py``).

A full rebuild computes them all; an incremental refresh recomputes ``stat_daily`` and
``need_daily`` for the days the changed needs touched, and ``active_daily`` from the first
day on which an entity's activity changed (the previous active day of later rows may move).
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import String, and_, case, cast, delete, func, insert, literal, select, true, union_all
from sqlalchemy.orm import Session

from models.stats import active_daily, held_stat, need_daily, need_stat, slot_stat, stat_daily
from services.stats_sql import day_of

DAILY_DIMENSIONS = {
    "total": None, "departement": slot_stat.c.departement_code, "qualification": slot_stat.c.qualification_code,
    "type": slot_stat.c.establishment_type, "kind": slot_stat.c.kind,
}
# Which territory codes partition an entity's activity: '' stands for "any".
ACTIVE_LEVELS = {"candidate": ("all", "region", "departement"), "establishment": ("departement",)}


def _days(column, days: list[date] | None):
    return true() if days is None else column.in_(days)


def rebuild_daily(session: Session, slot_days: list[date] | None, need_days: list[date] | None) -> None:
    """Recompute ``stat_daily`` and ``need_daily`` for the given days (None: every day)."""
    session.execute(delete(stat_daily).where(_days(stat_daily.c.day, slot_days)))
    for dimension, column in DAILY_DIMENSIONS.items():
        session.execute(insert(stat_daily).from_select([c.name for c in stat_daily.columns],
                                                       daily_select(dimension, column, slot_days)))
    session.execute(delete(need_daily).where(_days(need_daily.c.day, need_days)))
    session.execute(insert(need_daily).from_select([c.name for c in need_daily.columns], need_daily_select(need_days)))


def daily_select(dimension: str, column, days: list[date] | None):
    key = cast(column, String) if column is not None else literal("")
    needs = func.sum(case((slot_stat.c.is_first, 1), else_=0))
    unfilled = func.sum(case((and_(slot_stat.c.is_first, slot_stat.c.filled < slot_stat.c.positions), 1), else_=0))
    return (
        select(slot_stat.c.day, slot_stat.c.region_code, slot_stat.c.departement_code, literal(dimension), key,
               func.count(), func.sum(slot_stat.c.positions), func.sum(slot_stat.c.filled), needs, unfilled)
        .where(_days(slot_stat.c.day, days))
        .group_by(slot_stat.c.day, slot_stat.c.region_code, slot_stat.c.departement_code, key)
    )


def need_daily_select(days: list[date] | None):
    return (
        select(need_stat.c.day, need_stat.c.region_code, need_stat.c.departement_code, need_stat.c.cancelled,
               need_stat.c.bucket, func.count(), func.sum(need_stat.c.positions))
        .where(_days(need_stat.c.day, days))
        .group_by(need_stat.c.day, need_stat.c.region_code, need_stat.c.departement_code, need_stat.c.cancelled,
                  need_stat.c.bucket)
    )


def _source(entity: str):
    """The rows an entity is active on: held slots for candidates, started slots for establishments."""
    if entity == "candidate":
        return held_stat, held_stat.c.candidate_id
    return slot_stat, slot_stat.c.establishment_id


def _keys(table, level: str) -> list:
    codes = [table.c.region_code, table.c.departement_code]
    return {"all": [], "region": codes[:1], "departement": codes}[level]


def active_select(entity: str, level: str, since: date | None):
    """Rows of ``active_daily`` from ``since`` on: each active (entity, territory, day) with the
    entity's previous active day in that territory, counted per (territory, day, previous day).

    From ``since``, the previous day of an entity's first row is read by one index probe
    (latest earlier row) instead of going through its whole history."""
    table, entity_id = _source(entity)
    keys = _keys(table, level)
    columns = [entity_id.label("entity_id"), *keys]
    later = true() if since is None else table.c.start >= datetime.combine(since, time.min)
    rows = select(*columns, day_of(table.c.start).label("day")).where(later).distinct()
    if since is not None:
        entities = select(*columns).where(later).distinct().subquery()
        earlier = table.alias("earlier")
        earlier_id = earlier.c[entity_id.name]
        latest = (select(func.max(earlier.c.start))
                  .where(earlier_id == entities.c.entity_id, earlier.c.start < datetime.combine(since, time.min),
                         *[earlier.c[key.name] == entities.c[key.name] for key in keys])
                  .scalar_subquery())
        before = select(entities, day_of(latest).label("day")).subquery()
        rows = union_all(rows, select(before).where(before.c.day.is_not(None)))
    every = rows.subquery()
    every_keys = [every.c[key.name] for key in keys]
    previous = func.lag(every.c.day).over(partition_by=[every.c.entity_id, *every_keys], order_by=every.c.day)
    lagged = select(every, previous.label("prev_day")).subquery()
    region = lagged.c.region_code if level != "all" else literal("")
    departement = lagged.c.departement_code if level == "departement" else literal("")
    return (
        select(literal(entity), literal(level), region, departement, lagged.c.day, lagged.c.prev_day, func.count())
        .where(true() if since is None else lagged.c.day >= since)
        .group_by(region, departement, lagged.c.day, lagged.c.prev_day)
    )


def rebuild_active(session: Session, entity: str, since: date | None) -> None:
    """Recompute an entity's ``active_daily`` rows from ``since`` (None: all of them)."""
    for level in ACTIVE_LEVELS[entity]:
        session.execute(delete(active_daily).where(
            active_daily.c.entity == entity, active_daily.c.level == level,
            true() if since is None else active_daily.c.day >= since))
        session.execute(insert(active_daily).from_select([c.name for c in active_daily.columns],
                                                         active_select(entity, level, since)))
