"""Interval arithmetic on naive local datetimes: merging windows, overlaps, calendar months."""

from __future__ import annotations

import calendar
from bisect import bisect_right
from collections.abc import Iterable
from datetime import datetime, timedelta

Interval = tuple[datetime, datetime]  # half-open [start, end)
ONE_DAY = timedelta(days=1)
ZERO = timedelta(0)


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted union; touching intervals are joined, so a night across two day-windows is one piece."""
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def is_inside(start: datetime, end: datetime, merged: list[Interval]) -> bool:
    """Whether [start, end) lies entirely within one interval of a ``merge`` result."""
    index = bisect_right(merged, (start, datetime.max)) - 1
    return index >= 0 and merged[index][0] <= start and end <= merged[index][1]


def overlap(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> timedelta:
    """Length of the common part of two intervals (zero when they only touch)."""
    common = min(a_end, b_end) - max(a_start, b_start)
    return common if common > ZERO else ZERO


def add_months(moment: datetime, months: int) -> datetime:
    """Same day ``months`` later, clamped to the month's end (31 Aug + 6 months = 28/29 Feb)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def hours_of(delta: timedelta) -> float:
    return delta.total_seconds() / 3600
