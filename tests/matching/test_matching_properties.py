"""Properties that must hold for any input (hypothesis): bounds, monotony, determinism."""

from __future__ import annotations

import os
import random
from dataclasses import replace
from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from matching_builders import ANGERS, north_of

from matching import Candidate, Need, Qualification, Slot, evaluate, rank_candidates

BASE = datetime(2027, 7, 1)
HALF_HOURS = st.integers(0, 30 * 48)
QUALIFICATIONS = st.sampled_from([(), (Qualification("AS"),), (Qualification("IDE"),), (Qualification("ESI", 1),),
                                  (Qualification("ASH"),), (Qualification("AES"),), (Qualification("EMED", 2),)])
PROPERTIES = settings(max_examples=int(os.environ.get("MATCHING_EXAMPLES", "120")), deadline=None)


def period(start_half_hours: int, length_half_hours: int) -> Slot:
    start = BASE + timedelta(minutes=30 * start_half_hours)
    return Slot(start, start + timedelta(minutes=30 * length_half_hours))


slots = st.builds(period, HALF_HOURS, st.integers(1, 28))
windows = st.builds(period, st.integers(-48 * 5, 30 * 48), st.integers(1, 48 * 20))


@st.composite
def needs(draw, kinds=("shift", "shift", "replacement", "seasonal")):
    kind = draw(st.sampled_from(kinds))
    return Need(id="n", kind=kind, qualification=draw(st.sampled_from(["AS", "ASH", "IDE", "AES"])),
                lat=ANGERS[0], lon=ANGERS[1], slots=tuple(draw(st.lists(slots, min_size=1, max_size=4))),
                weekly_hours=draw(st.none() | st.floats(1, 60)) if kind != "shift" else None,
                min_french_level=draw(st.none() | st.sampled_from(["A2", "B2"])),
                nurse_on_duty=draw(st.booleans()))


@st.composite
def candidates(draw, identifier: str = "c"):
    lat, lon = north_of(ANGERS, draw(st.floats(-60, 60)))
    return Candidate(
        id=identifier, public=draw(st.sampled_from(["professional", "student", "refugee", "pec", "job_seeker"])),
        birth_date=date(draw(st.integers(1950, 2012)), draw(st.integers(1, 12)), draw(st.integers(1, 28))),
        lat=lat, lon=lon, radius_km=draw(st.sampled_from([2, 5, 10, 25, 50])),
        qualifications=draw(QUALIFICATIONS),
        qualification_text=draw(st.none() | st.sampled_from(["aide soignante", "ASH", "infirmière", "AMP"])),
        french_level=draw(st.none() | st.sampled_from(["A1", "B1", "C1"])),
        work_authorization=draw(st.booleans()), driving_licence=draw(st.booleans()),
        availability=tuple(draw(st.lists(windows, max_size=3))), busy=tuple(draw(st.lists(slots, max_size=3))))


@PROPERTIES
@given(need=needs(), person=candidates())
def test_scores_and_components_stay_in_bounds(need, person):
    result = evaluate(need, person)
    assert 0 <= result.score <= 100
    assert all(0 <= value <= 1 for value in result.components.values())
    assert result.covered_slots == len(result.covered_slot_indexes) <= len(need.slots)
    assert result.eligible == (not result.exclusions) and len(result.reasons) >= 1
    assert result.eligible or result.score == 0


@st.composite
def series(draw):
    """A series of identical shifts on distinct days (the usual multi-slot need)."""
    days = sorted(draw(st.sets(st.integers(0, 20), min_size=1, max_size=6)))
    start, length = draw(st.integers(0, 47)), draw(st.integers(2, 24))
    return Need(id="n", kind="shift", qualification="AS", lat=ANGERS[0], lon=ANGERS[1],
                slots=tuple(period(48 * day + start, length) for day in days))


@PROPERTIES
@given(need=series(), person=candidates(), extra=windows)
def test_adding_an_availability_window_never_lowers_the_score(need, person, extra):
    person = replace(person, busy=())
    before = evaluate(need, person)
    after = evaluate(need, replace(person, availability=(*person.availability, extra)))
    assert after.score >= before.score
    assert after.covered_slots >= before.covered_slots


@PROPERTIES
@given(need=needs(), person=candidates(), closer=st.floats(0, 1))
def test_moving_closer_never_lowers_the_zone_component(need, person, closer):
    nearer = replace(person, lat=ANGERS[0] + (person.lat - ANGERS[0]) * closer)
    before, after = evaluate(need, person), evaluate(need, nearer)
    assert after.components["zone"] >= before.components["zone"]
    assert after.distance_km <= before.distance_km
    assert after.score >= before.score or not after.eligible


@PROPERTIES
@given(need=needs(), people=st.lists(candidates(), min_size=1, max_size=8), seed=st.integers(0, 1000))
def test_same_input_same_output_whatever_the_order(need, people, seed):
    people = [replace(person, id=f"c{index}") for index, person in enumerate(people)]
    shuffled = people[:]
    random.Random(seed).shuffle(shuffled)
    for include in (False, True):
        first = rank_candidates(need, people, include_ineligible=include)
        assert first == rank_candidates(need, shuffled, include_ineligible=include)
        assert first == rank_candidates(need, people, include_ineligible=include)
    eligible = [r for r in rank_candidates(need, people, include_ineligible=True) if r.eligible]
    assert eligible == rank_candidates(need, people)  # the fast lane drops only the ineligible
