"""Hours of the week as bit masks: bit ``weekday * 24 + hour`` (Monday 0 h is bit 0).

A candidate's availability rules and a need's slots both fall in hours of the week; when a
slot's hours are not all among a candidate's, his calendar cannot hold it, whatever the
dates. Cheap to compare, so the ranking and the recommendations use it to skip, before any
per-row work, what cannot fit (services.candidate_summary keeps the candidates' masks).
In SQL a mask is three integers of 56 bits (``parts``), since databases handle 64 at most.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from math import ceil

from sqlalchemy import ColumnElement, and_, or_

HOURS_IN_WEEK = 7 * 24
ANY_HOUR = (1 << HOURS_IN_WEEK) - 1
PART_BITS = 56
ANY_PART = (1 << PART_BITS) - 1  # a part of ANY_HOUR: what a row holds before its mask is known


def hours_of(start: datetime, end: datetime) -> int:
    """The hours the period [start, end) touches."""
    count = ceil((end - start.replace(minute=0, second=0, microsecond=0)) / timedelta(hours=1))
    if count <= 0:
        return 0
    if count >= HOURS_IN_WEEK:
        return ANY_HOUR
    mask = ((1 << count) - 1) << (start.weekday() * 24 + start.hour)
    return (mask | mask >> HOURS_IN_WEEK) & ANY_HOUR  # past Sunday night: on to Monday


def hours_of_all(periods: Iterable[tuple[datetime, datetime]]) -> int:
    mask = 0
    for start, end in periods:
        mask |= hours_of(start, end)
    return mask


def to_hex(mask: int) -> str:
    return f"{mask:042x}"


def from_hex(text: str) -> int:
    return int(text, 16)


def parts(mask: int) -> tuple[int, int, int]:
    return tuple((mask >> (PART_BITS * index)) & ANY_PART for index in range(3))


def slot_hours_columns(slots: Iterable[tuple[datetime, datetime]]) -> dict[str, int]:
    """A need's ``slot_hours_*`` columns from its (start, end) slots."""
    return {f"slot_hours_{index}": part for index, part in enumerate(parts(hours_of_all(slots)))}


def slot_columns(start: datetime, end: datetime) -> dict[str, int]:
    """A slot's own ``hours_*`` columns."""
    return {f"hours_{index}": part for index, part in enumerate(parts(hours_of(start, end)))}


def slot_own_hours(index: int):
    """The column default of a slot's ``hours_<index>``, from the row's start and end (ORM and
    Core inserts alike; a writer straight to the driver passes ``slot_columns``)."""
    def default(context) -> int:
        row = context.get_current_parameters()
        return slot_columns(row["start"], row["end"])[f"hours_{index}"]

    return default


def meets(columns: Sequence, mask: int) -> ColumnElement[bool]:
    """The row's mask (three part columns) has an hour in common with ``mask``."""
    return or_(*(column.op("&")(part) != 0 for column, part in zip(columns, parts(mask), strict=True) if part))


def within(columns: Sequence, mask: int) -> ColumnElement[bool]:
    """The row's mask (three part columns) has no hour outside ``mask``; a mask of 0 (not computed
    yet) is within any."""
    return and_(*(column.op("&")(ANY_PART & ~part) == 0 for column, part in zip(columns, parts(mask), strict=True)
                  if part != ANY_PART))
