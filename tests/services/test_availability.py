"""windows_for: availability rules expanded into merged windows (pure, no database)."""

from datetime import date, datetime, time
from types import SimpleNamespace

from matching import Slot
from models.enums import AvailabilityKind
from services.availability import windows_for

MON, SAT, SUN = 1, 1 << 5, 1 << 6


def rule(kind, start_date, end_date, weekdays=0, start_time=None, end_time=None):
    return SimpleNamespace(kind=kind, start_date=start_date, end_date=end_date, weekdays=weekdays,
                           start_time=start_time, end_time=end_time)


def dt(day, hour=0, minute=0):
    return datetime(2027, 7, day, hour, minute)


def test_period_covers_whole_days_clipped_to_the_span():
    rules = [rule(AvailabilityKind.PERIOD, date(2027, 7, 5), date(2027, 7, 6))]
    assert windows_for(rules, dt(1), dt(31)) == [Slot(dt(5), dt(7))]
    assert windows_for(rules, dt(5, 12), dt(6, 8)) == [Slot(dt(5, 12), dt(6, 8))]


def test_weekly_night_runs_to_the_next_morning():
    # Saturdays 21:00 to 07:00 in July 2027: Saturdays are the 3rd, 10th, 17th…
    rules = [rule(AvailabilityKind.WEEKLY, date(2027, 7, 1), date(2027, 7, 12), SAT, time(21), time(7))]
    assert windows_for(rules, dt(1), dt(13)) == [Slot(dt(3, 21), dt(4, 7)), Slot(dt(10, 21), dt(11, 7))]


def test_weekly_night_from_the_eve_reaches_into_the_span():
    rules = [rule(AvailabilityKind.WEEKLY, date(2027, 7, 1), date(2027, 7, 31), SAT, time(21), time(7))]
    assert windows_for(rules, dt(4), dt(5)) == [Slot(dt(4), dt(4, 7))]


def test_overlapping_rules_merge_into_one_window():
    rules = [
        rule(AvailabilityKind.PERIOD, date(2027, 7, 12), date(2027, 7, 12)),  # Monday, whole day
        rule(AvailabilityKind.WEEKLY, date(2027, 7, 1), date(2027, 7, 31), MON, time(21), time(7)),
        rule(AvailabilityKind.WEEKLY, date(2027, 7, 1), date(2027, 7, 31), SUN, time(18), time(23, 30)),
    ]
    # Sunday 11th 18:00–23:30, Monday 12th all day joined with its night to Tuesday 07:00.
    assert windows_for(rules, dt(11), dt(14)) == [Slot(dt(11, 18), dt(11, 23, 30)), Slot(dt(12), dt(13, 7))]


def test_unavailable_days_cut_a_period_and_a_night():
    rules = [
        rule(AvailabilityKind.PERIOD, date(2027, 7, 1), date(2027, 7, 10)),
        rule(AvailabilityKind.UNAVAILABLE, date(2027, 7, 4), date(2027, 7, 5)),
        rule(AvailabilityKind.WEEKLY, date(2027, 7, 11), date(2027, 7, 31), SAT, time(21), time(7)),
        rule(AvailabilityKind.UNAVAILABLE, date(2027, 7, 18), date(2027, 7, 18)),
    ]
    assert windows_for(rules, dt(1), dt(20)) == [
        Slot(dt(1), dt(4)), Slot(dt(6), dt(11)), Slot(dt(17, 21), dt(18)),
    ]


def test_empty_or_reversed_span_gives_nothing():
    rules = [rule(AvailabilityKind.PERIOD, date(2027, 7, 1), date(2027, 7, 31))]
    assert windows_for(rules, dt(10), dt(10)) == []
    assert windows_for([], dt(1), dt(31)) == []
