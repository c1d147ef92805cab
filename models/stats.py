"""Derived tables of the ARS statistics, kept up to date by ``flask --app app refresh-ars-stats``.

Like materialized views: their content is computed from slots, needs and assignments
(``services/stats_store.py``), but their schema belongs to the migrations like every table.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, Float, ForeignKey, Index, Integer, String, Table

from models.base import Base, EnumCode
from models.enums import EstablishmentType, NeedKind
from models.need import Need, Slot

slot_stat = Table(
    "slot_stat", Base.metadata,
    Column("slot_id", Integer, ForeignKey(Slot.__table__.c.id, ondelete="CASCADE"), primary_key=True),
    Column("need_id", Integer, nullable=False, index=True),
    Column("establishment_id", Integer, nullable=False, index=True),
    Column("region_code", String(3), nullable=False),
    Column("departement_code", String(3), nullable=False),
    Column("establishment_type", EnumCode(EstablishmentType), nullable=False),
    Column("qualification_code", String(12), nullable=False),
    Column("kind", EnumCode(NeedKind), nullable=False),
    Column("start", DateTime, nullable=False),  # local time (Europe/Paris), as Slot.start
    Column("day", Date, nullable=False, index=True),  # of ``start``: the summaries are recomputed by day
    Column("positions", Integer, nullable=False),
    Column("filled", Integer, nullable=False),  # positions held at the start, at most ``positions``
    Column("is_first", Boolean, nullable=False),  # the need's first slot
)
# Covering for drill-downs and exports: the period's rows are read from the index alone.
Index("ix_slot_stat_region_start", slot_stat.c.region_code, slot_stat.c.start, slot_stat.c.departement_code,
      slot_stat.c.need_id, slot_stat.c.establishment_id, slot_stat.c.positions, slot_stat.c.filled, slot_stat.c.is_first)
Index("ix_slot_stat_establishment_start", slot_stat.c.establishment_id, slot_stat.c.start)

# One row per published need whose first slot has started: time to fill, cancellation.
need_stat = Table(
    "need_stat", Base.metadata,
    Column("need_id", Integer, ForeignKey(Need.__table__.c.id, ondelete="CASCADE"), primary_key=True),
    Column("region_code", String(3), nullable=False),
    Column("departement_code", String(3), nullable=False),
    Column("first_start", DateTime, nullable=False),
    Column("day", Date, nullable=False, index=True),  # of ``first_start``
    Column("positions", Integer, nullable=False),  # of all its slots
    Column("cancelled", Boolean, nullable=False),
    Column("hours", Float),  # publication to the acceptance that filled it (filled needs only)
    Column("bucket", Integer),  # of ``hours`` (services/stats_median.py), filled needs only
)
# Covering: the median reads the needs of one or two buckets in the period from the index alone.
Index("ix_need_stat_bucket", need_stat.c.bucket, need_stat.c.region_code, need_stat.c.day,
      need_stat.c.departement_code, need_stat.c.hours)

# Per day of first start: needs and positions cancelled, and filled needs per delay bucket.
need_daily = Table(
    "need_daily", Base.metadata,
    Column("day", Date, nullable=False),
    Column("region_code", String(3), nullable=False),
    Column("departement_code", String(3), nullable=False),
    Column("cancelled", Boolean, nullable=False),
    Column("bucket", Integer),
    Column("needs", Integer, nullable=False),
    Column("positions", Integer, nullable=False),
)
Index("ix_need_daily_lookup", need_daily.c.region_code, need_daily.c.day, need_daily.c.departement_code,
      need_daily.c.cancelled, need_daily.c.bucket, need_daily.c.needs, need_daily.c.positions)

# Candidates holding a started slot (accepted, completed or no-show), probed per candidate.
held_stat = Table(
    "held_stat", Base.metadata,
    Column("need_id", Integer, nullable=False, index=True),
    Column("candidate_id", Integer, nullable=False),
    Column("start", DateTime, nullable=False),
    Column("region_code", String(3), nullable=False),
    Column("departement_code", String(3), nullable=False),
)
Index("ix_held_stat_candidate", held_stat.c.candidate_id, held_stat.c.start, held_stat.c.region_code,
      held_stat.c.departement_code)

# Summable counts per day; ``key`` is the value of ``dimension`` ('' for the totals).
stat_daily = Table(
    "stat_daily", Base.metadata,
    Column("day", Date, nullable=False),
    Column("region_code", String(3), nullable=False),
    Column("departement_code", String(3), nullable=False),
    Column("dimension", String(16), nullable=False),
    Column("key", String(24), nullable=False),
    Column("slots", Integer, nullable=False),
    Column("posted", Integer, nullable=False),
    Column("filled", Integer, nullable=False),
    Column("needs", Integer, nullable=False),
    Column("unfilled", Integer, nullable=False),
)
Index("ix_stat_daily_lookup", stat_daily.c.region_code, stat_daily.c.dimension, stat_daily.c.day,
      stat_daily.c.departement_code, stat_daily.c.key)

# Distinct active candidates or establishments, counted exactly over any period from one row
# per day and previous active day: an entity active on ``day`` whose previous active day
# (``prev_day``, same territory level) is before the period's start is counted once, on its
# first day of the period. ``level``: candidates per 'all' (codes ''), 'region' (département
# '') and 'departement'; establishments per 'departement' (each belongs to one).
active_daily = Table(
    "active_daily", Base.metadata,
    Column("entity", String(16), nullable=False),
    Column("level", String(12), nullable=False),
    Column("region_code", String(3), nullable=False),
    Column("departement_code", String(3), nullable=False),
    Column("day", Date, nullable=False),
    Column("prev_day", Date),
    Column("entities", Integer, nullable=False),
)
Index("ix_active_daily_lookup", active_daily.c.entity, active_daily.c.level, active_daily.c.region_code,
      active_daily.c.day, active_daily.c.departement_code, active_daily.c.prev_day, active_daily.c.entities)

# Needs to recompute during an incremental refresh (filled and emptied in its transaction).
stat_dirty_need = Table(
    "stat_dirty_need", Base.metadata,
    Column("need_id", Integer, primary_key=True, autoincrement=False),
)

STAT_TABLES = (slot_stat, need_stat, held_stat, stat_daily, need_daily, active_daily, stat_dirty_need)
