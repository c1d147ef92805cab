"""The profile's match summary: what it says, that it never understates the rows it stands for,
and that every write path keeps it in step."""

from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, insert, select

from models import AvailabilityRule, CandidateCodePlace, CandidateQualification, Commune
from models.enums import AvailabilityKind, Public
from services import candidate_summary, matching_feed
from services.availability import windows_for
from services.candidate_summary import summary_of
from services.matching_feed import rank_for_need
from services.profile import ProfileInput, RuleInput, add_rule, remove_rule, save_profile
from services.week_hours import ANY_HOUR, hours_of

MONDAY = date(2027, 7, 5)
NOW = datetime(2027, 7, 1, 8, 0)


def weekly(days: int, start: time | None, end: time | None, first=MONDAY, last=MONDAY + timedelta(days=27)):
    return SimpleNamespace(kind=AvailabilityKind.WEEKLY, start_date=first, end_date=last, weekdays=days,
                           start_time=start, end_time=end)


def bits(*hours_of_week: int) -> int:
    return sum(1 << hour for hour in set(hours_of_week))


def test_the_summary_of_a_profile_reads_its_codes_text_dates_and_hours():
    day_shift = weekly(0b11, time(7, 30), time(19, 30))  # Monday and Tuesday, 07:30–19:30
    sunday_night = weekly(1 << 6, time(21), time(6), last=MONDAY + timedelta(days=40))  # into Monday morning
    off = SimpleNamespace(kind=AvailabilityKind.UNAVAILABLE, start_date=date(2027, 6, 1), end_date=date(2027, 12, 31),
                          weekdays=0, start_time=None, end_time=None)
    summary = summary_of(["IDE", "AS"], " aide-soignante ", [day_shift, sunday_night, off])
    assert summary["match_codes"] == "|AS|IDE|*|"
    assert (summary["available_from"], summary["available_until"]) == (MONDAY, MONDAY + timedelta(days=40))
    expected = bits(*range(7, 20), *range(24 + 7, 24 + 20), *range(6 * 24 + 21, 7 * 24), *range(0, 6))
    assert int(summary["week_hours"], 16) == expected


def test_a_period_makes_every_hour_possible_and_no_rule_none():
    period = SimpleNamespace(kind=AvailabilityKind.PERIOD, start_date=MONDAY, end_date=MONDAY, weekdays=0,
                             start_time=None, end_time=None)
    assert int(summary_of([], None, [period])["week_hours"], 16) == ANY_HOUR
    empty = summary_of([], "", [])
    assert empty == {"match_codes": "|", "available_from": None, "available_until": None, "week_hours": "0" * 42}
    whole_day = weekly(1 << 2, time(0), time(0))  # Wednesday, midnight to midnight
    assert int(summary_of([], None, [whole_day])["week_hours"], 16) == bits(*range(48, 72))


hours = st.sampled_from([time(h, m) for h in (0, 5, 6, 7, 8, 12, 19, 20, 21, 23) for m in (0, 30)])


@settings(max_examples=200, deadline=None)
@given(drawn=st.lists(st.tuples(st.integers(1, 127), st.one_of(st.none(), hours), st.one_of(st.none(), hours)),
                      min_size=1, max_size=3),
       slot_start=st.integers(0, 14 * 24 * 2 - 1), slot_half_hours=st.integers(1, 30))
def test_a_slot_the_calendar_covers_lies_in_the_hours_of_the_week(drawn, slot_start, slot_half_hours):
    """Checked against the calendar expansion the engine reads (services.availability): whenever
    a window holds a slot, the slot's hours are among the summary's hours of the week."""
    rules = [weekly(days, start, end) for days, start, end in drawn]
    start = datetime.combine(MONDAY, time()) + timedelta(minutes=30 * slot_start)
    end = start + timedelta(minutes=30 * slot_half_hours)
    windows = windows_for(rules, datetime.combine(MONDAY, time()), datetime.combine(MONDAY + timedelta(days=28), time()))
    week = int(summary_of([], None, rules)["week_hours"], 16)
    if any(w.start <= start and end <= w.end for w in windows):
        assert week & hours_of(start, end) == hours_of(start, end)


def test_the_hours_of_a_slot_cross_midnight_and_the_week():
    sunday_night = datetime.combine(MONDAY + timedelta(days=6), time(22))
    assert hours_of(sunday_night, sunday_night + timedelta(hours=3)) == bits(6 * 24 + 22, 6 * 24 + 23, 0)
    assert hours_of(sunday_night, sunday_night + timedelta(minutes=1)) == bits(6 * 24 + 22)


def _stored(db, profile) -> dict:
    db.expire(profile)
    return {column: getattr(profile, column) for column in ("match_codes", "available_from", "available_until")}


def test_every_write_through_the_app_keeps_the_summary_in_step(build, db):
    profile = build.candidate(qualifications=(("AS", None),), availability=[(date(2027, 7, 1), date(2027, 8, 31))])
    assert _stored(db, profile) == {"match_codes": "|AS|", "available_from": date(2027, 7, 1),
                                    "available_until": date(2027, 8, 31)}
    angers = db.get(Commune, "49007")
    data = ProfileInput(public=Public.STUDENT, birth_date=date(2004, 3, 1), commune=angers, radius_km=30,
                        qualification_codes=["ASH"], student_code="ESI", validated_years=2,
                        qualification_text="auxiliaire de vie")
    save_profile(db, profile.user, data, now=NOW)
    db.commit()
    assert _stored(db, profile)["match_codes"] == "|ASH|ESI|*|"
    rule = add_rule(profile, RuleInput(AvailabilityKind.WEEKLY, date(2027, 9, 1), date(2027, 9, 30), [5],
                                       time(8), time(20)), now=NOW)
    db.commit()
    assert _stored(db, profile)["available_until"] == date(2027, 9, 30)
    assert int(profile.week_hours, 16) == ANY_HOUR  # the July–August period is still there
    first = db.scalar(select(AvailabilityRule).where(AvailabilityRule.profile_id == profile.id,
                                                     AvailabilityRule.kind == AvailabilityKind.PERIOD))
    assert remove_rule(profile, first.id, now=NOW)
    db.commit()
    assert _stored(db, profile) == {"match_codes": "|ASH|ESI|*|", "available_from": date(2027, 9, 1),
                                    "available_until": date(2027, 9, 30)}
    assert int(profile.week_hours, 16) == bits(*range(5 * 24 + 8, 5 * 24 + 20))
    assert remove_rule(profile, rule.id, now=NOW)
    db.commit()
    assert _stored(db, profile)["available_from"] is None


def test_the_grid_square_follows_the_commune(build, db):
    profile = build.candidate("49007")
    assert profile.place_cell == candidate_summary.place_cell(profile.lat, profile.lon)
    saumur = db.get(Commune, "49328")
    profile.lat, profile.lon = saumur.lat, saumur.lon
    db.commit()
    db.expire(profile)
    assert profile.place_cell == candidate_summary.place_cell(saumur.lat, saumur.lon) != candidate_summary.place_cell(
        db.get(Commune, "49007").lat, db.get(Commune, "49007").lon)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lat=st.floats(-60, 60), lon=st.floats(-179, 179), km=st.floats(0.5, 120))
def test_the_squares_of_a_box_hold_every_point_in_it(lat, lon, km):
    from matching import bounding_box

    box = bounding_box(lat, lon, km)
    squares = {cell for cell, _, _ in candidate_summary.cells_between(*box)}
    for point_lat in (box[0], (box[0] + box[1]) / 2, box[1]):
        for point_lon in (box[2], (box[2] + box[3]) / 2, box[3]):
            assert candidate_summary.place_cell(point_lat, point_lon) in squares


def test_rows_written_past_the_orm_are_summarised_by_a_refresh(build, db):
    """The demo's bulk writer inserts rows directly: ``refresh`` (and ``flask refresh-summaries``)
    recomputes the summary from them."""
    profile = build.candidate(qualifications=())
    db.execute(insert(CandidateQualification).values(profile_id=profile.id, code="IDE"))
    db.execute(insert(AvailabilityRule).values(profile_id=profile.id, kind=AvailabilityKind.WEEKLY,
                                               start_date=date(2027, 10, 4), end_date=date(2027, 10, 31),
                                               weekdays=1, start_time=time(21), end_time=time(7)))
    assert _stored(db, profile)["match_codes"] == "|"  # not seen yet
    assert candidate_summary.refresh(db.connection()) >= 1
    assert _stored(db, profile) == {"match_codes": "|IDE|", "available_from": date(2027, 7, 1),
                                    "available_until": date(2027, 10, 31)}


def _code_places(db, profile) -> set[tuple]:
    return set(db.execute(select(CandidateCodePlace.code, CandidateCodePlace.place_cell, CandidateCodePlace.radius_km,
                                 CandidateCodePlace.consent_visible, CandidateCodePlace.match_codes)
                          .where(CandidateCodePlace.profile_id == profile.id)).all())


def test_the_holders_of_each_code_follow_the_profile(build, db):
    """candidate_code_place has a row per declared code and one for a free text, with the
    profile's place, radius and consent; any change to them is copied, and erasure takes them."""
    profile = build.candidate(qualifications=(("AS", None), ("IDE", None)), radius_km=15)
    angers = candidate_summary.place_cell(profile.lat, profile.lon)
    assert _code_places(db, profile) == {("AS", angers, 15, True, "|AS|IDE|"), ("IDE", angers, 15, True, "|AS|IDE|")}
    saumur = db.get(Commune, "49328")
    profile.lat, profile.lon, profile.radius_km, profile.consent_visible = saumur.lat, saumur.lon, 30, False
    profile.qualification_text = "infirmière"
    db.commit()
    there = candidate_summary.place_cell(saumur.lat, saumur.lon)
    assert _code_places(db, profile) == {(code, there, 30, False, "|AS|IDE|*|") for code in ("AS", "IDE", "*")}
    profile_id = profile.id
    db.delete(profile)
    db.commit()
    assert db.scalar(select(func.count()).select_from(CandidateCodePlace)
                     .where(CandidateCodePlace.profile_id == profile_id)) == 0


def test_a_holder_of_two_codes_that_fill_the_post_is_ranked_once(build, db, monkeypatch):
    """He comes from candidate_code_place once per code, but is scored once, even one at a time."""
    monkeypatch.setattr(matching_feed, "BATCH", 1)
    need = build.need()  # an AS night: AS and IDE may both fill it
    both = build.candidate(qualifications=(("AS", None), ("IDE", None)))
    one = build.candidate(qualifications=(("AS", None),))
    ranked = [p.id for p, _ in rank_for_need(db, need, now=NOW)]
    assert sorted(ranked) == sorted([both.id, one.id])
