"""Working-time limits for one more shift, given the shifts a candidate already holds.

Limits (domain-rules.md, "Working time"): no overlap, a minimum rest between two shifts, a
maximum per calendar day and per rolling 7 days; minors have stricter numbers and no night
work. A shift crossing midnight counts on each calendar day for the hours that fall on it
(21:00-07:00 is 3 h on the first day and 7 h on the second); one continuous shift longer than
the daily maximum breaks the limit whatever the split.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from matching.config import MatchingConfig
from matching.timeslots import ONE_DAY, ZERO, Interval, overlap
from matching.wording import hours

SEVEN_DAYS = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class WorkLimits:
    """The numbers that apply to one candidate (an adult's or a minor's)."""

    min_rest: timedelta
    max_daily: timedelta
    max_weekly: timedelta
    night_hours: tuple[int, int] | None  # (start hour, end hour) of forbidden night work

    @classmethod
    def for_age(cls, age: int, config: MatchingConfig) -> WorkLimits:
        if age < config.adult_age:
            return cls(timedelta(hours=config.minor_min_rest_hours), timedelta(hours=config.minor_max_daily_hours),
                       timedelta(hours=config.minor_max_weekly_hours),
                       (config.minor_night_start_hour, config.minor_night_end_hour))
        return cls(timedelta(hours=config.min_rest_hours), timedelta(hours=config.max_daily_hours),
                   timedelta(hours=config.max_weekly_hours), None)

    def reason(self, code: str) -> str:
        """The French words for a broken limit, to follow "n créneau(x) écarté(s) : "."""
        if code == "minor_night":
            start, end = self.night_hours or (22, 6)
            return f"travail de nuit ({start} h – {end} h) interdit aux mineurs"
        return {
            "overlap": "déjà engagé(e) sur un créneau qui chevauche",
            "rest_time": f"moins de {hours(_h(self.min_rest))} de repos entre deux services",
            "daily_hours": f"plus de {hours(_h(self.max_daily))} de travail dans la journée",
            "weekly_hours": f"plus de {hours(_h(self.max_weekly))} de travail sur 7 jours",
        }[code]


def _h(delta: timedelta) -> float:
    return delta.total_seconds() / 3600


def shift_conflict(start: datetime, end: datetime, held: list[Interval], limits: WorkLimits) -> str | None:
    """The first limit a new shift [start, end) breaks given ``held`` (merged, sorted), or None."""
    if limits.night_hours is not None and _touches_night(start, end, *limits.night_hours):
        return "minor_night"
    short_rest = False
    for h_start, h_end in held:
        if h_start < end and start < h_end:
            return "overlap"
        if (start - h_end if h_end <= start else h_start - end) < limits.min_rest:
            short_rest = True
    if short_rest:
        return "rest_time"
    if end - start > limits.max_daily or _worst_day(start, end, held, limits.max_daily) > limits.max_daily:
        return "daily_hours"
    if _worst_week(start, end, held, limits.max_weekly) > limits.max_weekly:
        return "weekly_hours"
    return None


def _touches_night(start: datetime, end: datetime, night_start: int, night_end: int) -> bool:
    day = datetime.combine(start.date(), datetime.min.time()) - ONE_DAY
    while day < end:
        n_start = day + timedelta(hours=night_start)
        n_end = day + timedelta(hours=night_end) + (ONE_DAY if night_end <= night_start else ZERO)
        if n_start < end and start < n_end:
            return True
        day += ONE_DAY
    return False


def _worst_day(start: datetime, end: datetime, held: list[Interval], limit: timedelta) -> timedelta:
    """Most hours worked on one calendar day the new shift touches (exact above ``limit``)."""
    first = datetime.combine(start.date(), datetime.min.time())
    last = datetime.combine(end.date(), datetime.min.time()) + ONE_DAY
    pieces = [(s, e) for s, e in held if e > first and s < last]
    pieces.append((start, end))
    total = sum((e - s for s, e in pieces), ZERO)
    if total <= limit:
        return total  # an upper bound, enough to know the limit holds
    worst = ZERO
    day = first
    while day < end:
        next_day = day + ONE_DAY
        worst = max(worst, sum((overlap(s, e, day, next_day) for s, e in pieces), ZERO))
        day = next_day
    return worst


def _worst_week(start: datetime, end: datetime, held: list[Interval], limit: timedelta) -> timedelta:
    """Most hours in any 7-day window that contains part of the new shift (exact above ``limit``).

    The maximum is reached for a window starting at some shift start or ending at some shift
    end, so only those windows are tried, and none when all nearby hours are within the limit.
    """
    near = [(s, e) for s, e in held if e > start - SEVEN_DAYS and s < end + SEVEN_DAYS]
    pieces = [*near, (start, end)]
    total = sum((e - s for s, e in pieces), ZERO)
    if total <= limit:
        return total  # an upper bound, enough to know the limit holds
    window_starts = {s for s, _ in pieces} | {e - SEVEN_DAYS for _, e in pieces}
    worst = ZERO
    for w_start in window_starts:
        w_end = w_start + SEVEN_DAYS
        if w_end <= start or w_start >= end:
            continue
        worst = max(worst, sum((overlap(s, e, w_start, w_end) for s, e in pieces), ZERO))
        if worst == total:
            break
    return worst
