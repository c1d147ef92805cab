"""Hours of the week as bit masks: bit ``weekday * 24 + hour`` (Monday 0 h is bit 0).

A candidate's availability rules and a need's slots both fall in hours of the week; when a
slot's hours are not all among a candidate's, his calendar cannot hold it, whatever the
dates. Cheap to compare, so the ranking and the recommendations use it to skip, before any
per-row work, what cannot fit (services.candidate_summary keeps the candidates' masks,
services.need_summary the open needs' days and shape).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from math import ceil

from sqlalchemy import ColumnElement, and_, or_

HOURS_IN_WEEK = 7 * 24
ANY_HOUR = (1 << HOURS_IN_WEEK) - 1
SHAPE_HOURS = 56  # the hours of a slot's shape: from its day's 0 h to 8 h two days later (within a signed 64-bit integer)
ANY_SHAPE = (1 << SHAPE_HOURS) - 1


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


def day_shape(start: datetime, end: datetime) -> tuple[int, int]:
    """The weekday of ``start`` and the hours [start, end) touches counted from that day's 0 h,
    the first ``SHAPE_HOURS`` of them (hour ``n`` is bit ``n``): the same shift any day of the week
    has one shape."""
    return start.weekday(), _from_day(hours_of(start, end), start.weekday())


def open_day_columns(slots: Iterable[tuple[datetime, datetime]]) -> dict[str, int]:
    """A need's ``open_days`` (the weekdays its open slots start on, bit ``weekday``) and
    ``open_shape`` (the hours every one of them touches, as ``day_shape`` counts them)."""
    days, shape = 0, ANY_SHAPE
    for start, end in slots:
        day, own = day_shape(start, end)
        days, shape = days | 1 << day, shape & own
    return {"open_days": days, "open_shape": shape}


def may_hold_one(days, shape, mask: int) -> ColumnElement[bool]:
    """A need whose open slots start on ``days`` and all touch the hours ``shape`` (columns, as
    ``open_day_columns``) may have one that lies in ``mask``: on one of those days, ``mask`` holds
    the shape. (Only may: the slots of one need can differ in shape.)"""
    return or_(*(and_(days.op("&")(day_bits) != 0, shape.op("&")(ANY_SHAPE & ~room) == 0)
                 for room, day_bits in rooms(mask).items()))


def rooms(mask: int) -> dict[int, int]:
    """The hours a shape may use in ``mask`` (as ``day_shape`` counts them) -> the days (bit
    ``weekday``) it may start on to use them."""
    found: dict[int, int] = {}
    for day in range(7):
        room = _from_day(mask, day)
        found[room] = found.get(room, 0) | 1 << day
    return found


def _from_day(mask: int, day: int) -> int:
    """The hours of ``mask`` counted from weekday ``day``'s 0 h (on past Sunday to Monday), the
    first ``SHAPE_HOURS`` of them."""
    return ((mask | mask << HOURS_IN_WEEK) >> day * 24) & ANY_SHAPE
