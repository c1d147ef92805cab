"""Working-time limits with booked shifts (domain-rules.md, "Working time"), both sides of each."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from matching_builders import born_years_before, candidate, contract, need, slot

from matching import evaluate
from matching.timeslots import merge
from matching.worktime import _worst_week

HOUR = timedelta(hours=1)

NIGHT = slot("2027-07-14T21:00", "2027-07-15T07:00")


def shift_result(slots, busy=(), age: int | None = None, booked=None):
    person = candidate(busy=tuple(slot(*b) for b in busy))
    if age is not None:
        person = candidate(busy=person.busy, birth_date=born_years_before(age))
    return evaluate(need(slots=tuple(slot(*s) for s in slots)), person, booked=booked)


def night(busy=(), **kw):
    return shift_result([("2027-07-14T21:00", "2027-07-15T07:00")], busy, **kw)


def test_overlap_with_a_booked_shift():
    result = night([("2027-07-14T20:00", "2027-07-14T22:00")])
    assert result.exclusions == ["overlap"]
    assert result.reasons == ["1 créneau écarté : déjà engagé(e) sur un créneau qui chevauche"]


@pytest.mark.parametrize(("busy_end", "ok"), [("2027-07-14T10:01", False), ("2027-07-14T10:00", True)])
def test_rest_before_the_shift(busy_end, ok):  # 10 h 59 vs 11 h 00 before 21:00
    result = night([("2027-07-14T06:00", busy_end)])
    assert result.eligible is ok
    if not ok:
        assert result.exclusions == ["rest_time"]
        assert result.reasons == ["1 créneau écarté : moins de 11 h de repos entre deux services"]


@pytest.mark.parametrize(("busy_start", "ok"), [("2027-07-15T17:59", False), ("2027-07-15T18:00", True)])
def test_rest_after_the_shift(busy_start, ok):  # the night ends at 07:00
    assert night([(busy_start, "2027-07-15T22:00")]).eligible is ok


def test_the_shared_example_rest_is_long_enough():  # cand-101: a day ending at 19:00 the day before
    assert night([("2027-07-13T07:00", "2027-07-13T19:00")]).eligible


@pytest.mark.parametrize(("end", "ok"), [("2027-07-14T19:00", True), ("2027-07-14T19:01", False)])
def test_one_shift_of_12_hours_at_most(end, ok):
    result = shift_result([("2027-07-14T07:00", end)])
    assert result.eligible is ok
    if not ok:
        assert result.exclusions == ["daily_hours"]


@pytest.mark.parametrize(("end", "ok"), [("2027-07-14T23:00", True), ("2027-07-14T23:01", False)])
def test_12_hours_in_a_calendar_day(end, ok):  # 6 h booked at night, 11 h of rest, then 6 h (or 6 h 01)
    result = shift_result([("2027-07-14T17:00", end)], [("2027-07-14T00:00", "2027-07-14T06:00")])
    assert result.eligible is ok
    assert result.exclusions == ([] if ok else ["daily_hours"])


@pytest.mark.parametrize(("busy_end", "ok"), [("2027-07-14T07:00", True), ("2027-07-14T08:00", False)])
def test_a_shift_across_midnight_counts_on_each_day(busy_end, ok):
    # 19:00-07:00 is 5 h on the 14th and 7 h on the 15th: with 7 h booked that morning the 14th
    # holds 12 h (allowed); with 8 h it holds 13 h. Rest is 12 h and 11 h: never the reason.
    result = shift_result([("2027-07-14T19:00", "2027-07-15T07:00")], [("2027-07-14T00:00", busy_end)])
    assert result.eligible is ok
    assert result.exclusions == ([] if ok else ["daily_hours"])


@pytest.mark.parametrize(("last_end", "ok"), [("2027-07-12T17:30", True), ("2027-07-12T17:31", False)])
def test_48_hours_in_any_7_days(last_end, ok):
    # Four days of 9 h 30 (38 h) then the 10 h night: 48 h exactly, or 48 h 01.
    busy = [(f"2027-07-{d:02d}T08:00", f"2027-07-{d:02d}T17:30") for d in (9, 10, 11)]
    result = night([*busy, ("2027-07-12T08:00", last_end)])
    assert result.eligible is ok
    assert result.exclusions == ([] if ok else ["weekly_hours"])


def test_hours_more_than_7_days_before_do_not_count():
    busy = [(f"2027-07-{d:02d}T08:00", f"2027-07-{d:02d}T20:00") for d in (3, 4, 5, 6)]  # 48 h, a week earlier
    assert night(busy).eligible


def test_booked_shifts_count_like_busy_ones():
    from matching_builders import slot as make

    assert not night(booked=[make("2027-07-14T06:00", "2027-07-14T10:01")]).eligible
    assert night(booked=[make("2027-07-14T06:00", "2027-07-14T10:00")]).eligible


def test_a_slot_that_breaks_a_limit_is_dropped_and_the_rest_kept():
    result = shift_result([("2027-07-14T21:00", "2027-07-15T07:00"), ("2027-07-15T21:00", "2027-07-16T07:00")],
                          [("2027-07-16T08:00", "2027-07-16T12:00")])  # 1 h after the second night
    assert result.eligible
    assert result.covered_slots == 1 and result.covered_slot_indexes == (0,)
    assert result.components["availability"] == 0.5
    assert result.reasons[-2:] == ["disponible sur 1 créneau sur 2",
                                   "1 créneau écarté : moins de 11 h de repos entre deux services"]


def test_the_slots_taken_can_be_held_together():
    # Five 12 h days in a row: 60 h in 7 days, so one person takes the first four (48 h).
    days = [(f"2027-07-{d:02d}T07:00", f"2027-07-{d:02d}T19:00") for d in (12, 13, 14, 15, 16)]
    result = shift_result(days)
    assert result.covered_slot_indexes == (0, 1, 2, 3)
    assert result.reasons[-1] == "1 créneau écarté : plus de 48 h de travail sur 7 jours"


def test_slot_indexes_follow_the_need_not_the_time_order():
    result = shift_result([("2027-07-16T21:00", "2027-07-17T07:00"), ("2027-07-14T21:00", "2027-07-15T07:00")],
                          [("2027-07-17T08:00", "2027-07-17T10:00")])
    assert result.covered_slot_indexes == (1,)


# -- minors (16 and 17) -----------------------------------------------------------------------

@pytest.mark.parametrize(("start", "end", "ok"), [
    ("2027-07-14T14:00", "2027-07-14T21:59", True),
    ("2027-07-14T14:00", "2027-07-14T22:00", True),  # ends as the night starts
    ("2027-07-14T14:01", "2027-07-14T22:01", False),
    ("2027-07-14T06:00", "2027-07-14T13:00", True),
    ("2027-07-14T05:59", "2027-07-14T13:00", False),
])
def test_minors_never_work_between_22_and_6(start, end, ok):
    result = shift_result([(start, end)], age=17)
    assert result.eligible is ok
    if not ok:
        assert result.exclusions == ["minor_night"]
        assert result.reasons == ["1 créneau écarté : travail de nuit (22 h – 6 h) interdit aux mineurs"]


def test_night_rule_is_for_minors_only():
    assert shift_result([("2027-07-14T14:01", "2027-07-14T22:01")], age=18).eligible


@pytest.mark.parametrize(("end", "ok"), [("2027-07-14T16:00", True), ("2027-07-14T16:01", False)])
def test_minors_work_8_hours_a_day_at_most(end, ok):
    result = shift_result([("2027-07-14T08:00", end)], age=17)
    assert result.eligible is ok
    assert result.exclusions == ([] if ok else ["daily_hours"])


@pytest.mark.parametrize(("busy_end", "ok"), [("2027-07-13T20:00", True), ("2027-07-13T20:01", False)])
def test_minors_rest_12_hours(busy_end, ok):
    result = shift_result([("2027-07-14T08:00", "2027-07-14T15:00")], [("2027-07-13T15:00", busy_end)], age=17)
    assert result.eligible is ok


def test_minors_work_35_hours_in_7_days_at_most():
    busy = [(f"2027-07-{d:02d}T08:00", f"2027-07-{d:02d}T15:00") for d in (9, 10, 11, 12)]  # 28 h
    assert shift_result([("2027-07-14T08:00", "2027-07-14T15:00")], busy, age=17).eligible  # 35 h
    late = shift_result([("2027-07-14T08:00", "2027-07-14T15:01")], busy, age=17)
    assert late.exclusions == ["weekly_hours"]


# -- contracts: the slot is a period, the load is weekly_hours --------------------------------

@pytest.mark.parametrize(("hours", "ok"), [(48, True), (48.5, False)])
def test_contract_weekly_hours_against_48(hours, ok):
    result = evaluate(contract("replacement", "2027-07-01T00:00", "2027-08-01T00:00", hours), candidate())
    assert result.eligible is ok
    if not ok:
        assert result.reasons == ["contrat de 48,5 h par semaine : 48 h au plus"]


def test_a_contract_period_overlapping_a_booked_shift_is_not_covered():
    replacement = contract("seasonal", "2027-07-01T00:00", "2027-08-01T00:00")
    assert not evaluate(replacement, candidate(busy=(NIGHT,))).eligible
    outside = candidate(busy=(slot("2027-08-01T08:00", "2027-08-01T12:00"),))
    assert evaluate(replacement, outside).eligible


def test_contract_without_weekly_hours_is_not_checked_for_hours():
    assert evaluate(contract("replacement", "2027-07-01T00:00", "2027-08-01T00:00", None), candidate()).eligible


@given(st.lists(st.tuples(st.integers(0, 24 * 30), st.integers(1, 24 * 5)), max_size=12),
       st.integers(0, 24 * 30), st.integers(1, 14))
@settings(max_examples=300, deadline=None)
def test_the_worst_week_is_the_busiest_7_days_around_the_shift(booked, shift_at, shift_hours):
    """Against a count hour by hour: the most hours worked in any 7 days (to the hour) that
    hold part of the new shift, when that is over the limit (below it, any bound under it)."""
    origin = datetime(2027, 7, 1)
    held = merge([(origin + timedelta(hours=at), origin + timedelta(hours=at + length)) for at, length in booked])
    start, end = origin + timedelta(hours=shift_at), origin + timedelta(hours=shift_at + shift_hours)
    assume(all(e <= start or s >= end for s, e in held))  # shift_conflict rules an overlap out first
    worked = {hour for s, e in [*held, (start, end)] for hour in range(int((s - origin) / HOUR), int((e - origin) / HOUR))}
    first, last = int((start - origin) / HOUR), int((end - origin) / HOUR)
    busiest = max(sum(1 for hour in range(w, w + 24 * 7) if hour in worked) for w in range(first - 24 * 7 + 1, last))
    limit = timedelta(hours=48)
    found = _worst_week(start, end, held, limit)
    if busiest * HOUR > limit:
        assert found == busiest * HOUR
    else:
        assert found <= limit
