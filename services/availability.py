"""A candidate's availability rules expanded into the time windows the matching engine reads.

Rules are stored as calendar patterns (whole periods, weekly hours, days off) so that a
candidate states them once; the engine wants concrete, merged intervals over the span a
need (or a search) covers. Pure functions: no database, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from matching import Slot
from matching.timeslots import merge
from models.enums import AvailabilityKind

ONE_DAY = timedelta(days=1)
Interval = tuple[datetime, datetime]


def windows_for(rules: Iterable, span_start: datetime, span_end: datetime) -> list[Slot]:
    """Merged availability windows of ``rules`` (AvailabilityRule-like objects) within the span.

    ``period`` adds whole days, ``weekly`` adds [start_time, end_time) on the chosen weekdays
    (an end not after the start runs to the next morning), ``unavailable`` removes whole days,
    whatever the other rules say. Windows are clipped to [span_start, span_end).
    """
    rules = list(rules)
    if span_end <= span_start:
        return []
    added: list[Interval] = []
    removed: list[Interval] = []
    for rule in rules:
        kind = AvailabilityKind(rule.kind)
        if kind == AvailabilityKind.WEEKLY:
            added += _weekly(rule, span_start, span_end)
        elif kind == AvailabilityKind.PERIOD:
            added.append(_days(rule.start_date, rule.end_date))
        else:
            removed.append(_days(rule.start_date, rule.end_date))
    windows = subtract(merge(added), merge(removed))
    clipped = [(max(s, span_start), min(e, span_end)) for s, e in windows]
    return [Slot(s, e) for s, e in clipped if s < e]


def _days(first: date, last: date) -> Interval:
    return datetime.combine(first, time.min), datetime.combine(last + ONE_DAY, time.min)


def _weekly(rule, span_start: datetime, span_end: datetime) -> list[Interval]:
    """One interval per chosen weekday between the rule's dates (and near the span only)."""
    start_time, end_time = rule.start_time or time.min, rule.end_time or time.min
    first = max(rule.start_date, span_start.date() - ONE_DAY)  # a night from the eve reaches the span
    last = min(rule.end_date, span_end.date())
    intervals = []
    day = first
    while day <= last:
        if rule.weekdays & (1 << day.weekday()):
            start = datetime.combine(day, start_time)
            end = datetime.combine(day if end_time > start_time else day + ONE_DAY, end_time)
            intervals.append((start, end))
        day += ONE_DAY
    return intervals


def subtract(windows: list[Interval], holes: list[Interval]) -> list[Interval]:
    """``windows`` minus ``holes`` (both merged and sorted)."""
    result = []
    for start, end in windows:
        for hole_start, hole_end in holes:
            if hole_end <= start or hole_start >= end:
                continue
            if hole_start > start:
                result.append((start, hole_start))
            start = max(start, hole_end)
            if start >= end:
                break
        if start < end:
            result.append((start, end))
    return result
