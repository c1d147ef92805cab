"""Month grids of a candidate's availability, to read at a glance (a plain HTML table).

The windows come from ``services.availability.windows_for`` (the same expansion the matching
uses), so what the candidate sees is what the establishments are matched against.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from models.enums import AvailabilityKind
from services.availability import windows_for

FULL, PARTIAL, OFF, NONE = "full", "partial", "off", "none"
STATUS_LABELS = {
    FULL: "Disponible toute la journée",
    PARTIAL: "Disponible une partie de la journée",
    OFF: "Indisponible",
    NONE: "Pas de disponibilité indiquée",
}


@dataclass(frozen=True)
class Day:
    day: date
    status: str
    hours: str  # "14h00–20h00", for partial days
    is_today: bool

    @property
    def label(self) -> str:
        text = STATUS_LABELS[self.status]
        return f"{text} ({self.hours})" if self.hours else text


@dataclass(frozen=True)
class Month:
    first: date
    weeks: list[list[Day | None]]  # Monday first; None outside the month


def month_grids(rules, today: date, months: int = 3, first: date | None = None) -> list[Month]:
    """``months`` months from ``first`` (default: this month), one status per day."""
    rules = list(rules)
    start = (first or today).replace(day=1)
    firsts = [add_months(start, n) for n in range(months)]
    span_start = datetime.combine(firsts[0], time.min)
    span_end = datetime.combine(add_months(firsts[-1], 1), time.min)
    windows = [(w.start, w.end) for w in windows_for(rules, span_start, span_end)]
    off_days = _unavailable_days(rules)
    return [Month(first, _weeks(first, windows, off_days, today)) for first in firsts]


def _weeks(first: date, windows, off_days, today: date) -> list[list[Day | None]]:
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        weeks.append([_day(d, windows, off_days, today) if d.month == first.month else None for d in week])
    return weeks


def _day(day: date, windows, off_days, today: date) -> Day:
    start = datetime.combine(day, time.min)
    end = start + timedelta(days=1)
    parts = [(max(s, start), min(e, end)) for s, e in windows if s < end and e > start]
    if day in off_days:
        status = OFF
    elif not parts:
        status = NONE
    elif parts == [(start, end)]:
        status = FULL
    else:
        status = PARTIAL
    hours = ", ".join(_hours(s, e, end) for s, e in parts) if status == PARTIAL else ""
    return Day(day, status, hours, day == today)


def _hours(start: datetime, end: datetime, midnight: datetime) -> str:
    shown_end = "24h00" if end == midnight else f"{end:%H}h{end:%M}"
    return f"{start:%H}h{start:%M}–{shown_end}"


def _unavailable_days(rules) -> set[date]:
    days = set()
    for rule in rules:
        if AvailabilityKind(rule.kind) == AvailabilityKind.UNAVAILABLE:
            day = rule.start_date
            while day <= rule.end_date:
                days.add(day)
                day += timedelta(days=1)
    return days


def parse_month(text: str | None) -> date | None:
    """``"2027-07"`` → 1 July 2027; None for anything else (the page then shows this month)."""
    try:
        return datetime.strptime(text or "", "%Y-%m").date()
    except ValueError:
        return None


def add_months(first: date, n: int) -> date:
    month = first.month - 1 + n
    return date(first.year + month // 12, month % 12 + 1, 1)
