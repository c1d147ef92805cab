"""The SQL bounds that let the ranking stop early: never below what the engine gives."""

from dataclasses import replace
from datetime import date, datetime, time, timedelta

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

import matching
from matching.timeslots import is_inside, merge
from matching.worktime import WorkLimits, _worst_week, shift_conflict
from models import AvailabilityRule, CandidateProfile, Commune
from models.enums import AvailabilityKind
from services import matching_bounds, matching_feed
from services.availability import windows_for
from services.matching_feed import candidate_to_engine, engine_config, need_to_engine, open_slots, rank_for_need
from services.pool import add as add_to_pool
from tests.builders import BASE_DAY

NOW = datetime(2027, 7, 1, 8, 0)
DAY0 = date(2027, 7, 5)  # a Monday
WEEKLY_LIMIT = timedelta(hours=48)

times = st.one_of(st.none(), st.sampled_from([time(h, m) for h in (0, 6, 7, 8, 13, 14, 20, 21, 22, 23) for m in (0, 30)]))
rules = st.lists(st.tuples(
    st.sampled_from([AvailabilityKind.WEEKLY, AvailabilityKind.WEEKLY, AvailabilityKind.PERIOD,
                     AvailabilityKind.UNAVAILABLE]),
    st.integers(0, 6), st.integers(0, 6),  # first day offset, length
    st.integers(0, 127), times, times,
), min_size=1, max_size=3)
moments = st.builds(lambda day, minutes: datetime.combine(DAY0 + timedelta(days=day), time()) + timedelta(minutes=minutes),
                    st.integers(0, 10), st.integers(0, 24 * 60 - 1))


@settings(max_examples=300, deadline=None)
@given(drawn=rules, start=moments, minutes=st.integers(1, 36 * 60))
def test_a_slot_is_counted_exactly_when_rules_hold_its_start_and_end(drawn, start, minutes):
    """Cross-checked with the calendar expansion the engine reads (services.availability): a
    slot counts exactly when the windows of the candidate's rules, days off left aside, hold
    its first and its last instant."""
    built = [AvailabilityRule(kind=kind, start_date=DAY0 + timedelta(days=first),
                              end_date=DAY0 + timedelta(days=first + length), weekdays=weekdays,
                              start_time=begin, end_time=end)
             for kind, first, length, weekdays, begin, end in drawn]
    end = start + timedelta(minutes=minutes)
    windows = windows_for([r for r in built if r.kind != AvailabilityKind.UNAVAILABLE],
                          start - timedelta(days=2), end + timedelta(days=2))
    last = end - timedelta(microseconds=1)
    expected = int(all(any(w.start <= moment < w.end for w in windows) for moment in (start, last)))
    assert matching_bounds.SlotsHeld([(start, end)])(built) == expected


def test_a_slot_the_engine_covers_always_counts():
    """Days off remove hours from the windows but not from the count, nor does a gap inside a
    slot whose ends are held: the count may only be higher than the engine's."""
    july = AvailabilityRule(kind=AvailabilityKind.PERIOD, start_date=date(2027, 7, 1), end_date=date(2027, 7, 31))
    day_off = AvailabilityRule(kind=AvailabilityKind.UNAVAILABLE, start_date=date(2027, 7, 12), end_date=date(2027, 7, 12))

    def day(d: int) -> tuple[datetime, datetime]:
        return datetime(2027, 7, d, 9), datetime(2027, 7, d, 17)

    counted = matching_bounds.SlotsHeld([day(11), day(12), (datetime(2027, 7, 31, 21), datetime(2027, 8, 1, 7))])
    assert counted([july, day_off]) == 2  # the engine covers only the first; the night into August is not held
    # The same counter for another candidate: a rule checked once before counts the same.
    august = AvailabilityRule(kind=AvailabilityKind.PERIOD, start_date=date(2027, 8, 1), end_date=date(2027, 8, 1))
    assert (counted([august]), counted([july, august]), counted([])) == (0, 3, 0)
    late_morning = AvailabilityRule(kind=AvailabilityKind.WEEKLY, start_date=date(2027, 8, 1), end_date=date(2027, 8, 1),
                                    weekdays=1 << date(2027, 8, 1).weekday(), start_time=time(6), end_time=time(8))
    assert counted([late_morning, july]) == 3  # its ends held, not its middle (00:00-06:00): counted all the same


def test_too_many_slots_are_not_counted():
    """Beyond MAX_SLOTS_BOUNDED slots the bound does without the count (None), even for a
    candidate with no rule at all."""
    slots = [(datetime(2027, 7, 5, 8) + timedelta(days=d), datetime(2027, 7, 5, 12) + timedelta(days=d))
             for d in range(matching_bounds.MAX_SLOTS_BOUNDED + 1)]
    assert matching_bounds.SlotsHeld(slots)([]) is None
    assert matching_bounds.SlotsHeld(slots[:-1])([]) == 0


def test_a_booking_rules_out_the_slots_it_overlaps_or_leaves_too_little_rest_before():
    """Shifts need the shortest rest of the limits (11 h for adults, 12 h for minors: 11 h)
    after a booking; a contract's period only must not overlap one."""
    config = matching.DEFAULT_CONFIG
    booked = [(datetime(2027, 7, 5, 8), datetime(2027, 7, 5, 20))]
    rested = (datetime(2027, 7, 6, 7), datetime(2027, 7, 6, 19))  # 11 h after
    short = (datetime(2027, 7, 6, 6, 59), datetime(2027, 7, 6, 19))  # 10 h 59 after
    overlapping = (datetime(2027, 7, 5, 19), datetime(2027, 7, 6, 5))
    before = (datetime(2027, 7, 4, 8), datetime(2027, 7, 4, 21))  # 11 h before
    assert matching_bounds.slots_clear_of([rested, short, overlapping, before], booked, False, config) == 2
    assert matching_bounds.slots_clear_of([rested, short, overlapping, before], booked, True, config) == 3
    assert matching_bounds.slots_clear_of([short], [], False, config) == 1


def test_a_zero_qualification_means_exclusion_unless_the_table_allows_zero():
    config = matching.DEFAULT_CONFIG
    assert matching_bounds.no_fit_excludes("AS", config)
    assert not matching_bounds.no_fit_excludes("AS", replace(config, fuzzy_min_similarity=0))
    rules = config.qualification_rules.to_dict()
    rules["posts"]["AS"] = [dict(line, score=0.0) if line["code"] == "IDE" else line for line in rules["posts"]["AS"]]
    zero = replace(config, qualification_rules=matching.QualificationRules.from_dict(rules))
    assert not matching_bounds.no_fit_excludes("AS", zero)


def test_the_declared_codes_bound_follows_the_table(db):
    rules = engine_config(db).qualification_rules
    # AS post: the AS code scores 1, an IDE (over-qualified) less, a first-year nursing student nothing yet.
    fits = [matching_bounds.declared_fit("AS", True, [matching.Qualification(code, years)], rules)
            for code, years in (("AS", None), ("IDE", None), ("ESI", 0))]
    ide_score = next(rule.score for rule in rules.rules_for("AS") if rule.code == "IDE")
    assert fits == [1.0, ide_score, 0.0]
    assert ide_score < 1.0
    assert matching_bounds.declared_fit("AS", True, [], rules) == 0.0


def test_early_stop_with_tight_bounds_gives_what_the_engine_gives_on_everyone(build, db, monkeypatch):
    """Candidates at one same point, differing only by qualification and by the share of three
    nights they cover: scored two at a time, the list is still the engine's on the whole table."""
    monkeypatch.setattr(matching_feed, "BATCH", 2)
    nights = [(datetime.combine(BASE_DAY + timedelta(days=d), time(21)),
               datetime.combine(BASE_DAY + timedelta(days=d + 1), time(7))) for d in range(3)]
    need = build.need(slots=nights)
    first_night_only = [(BASE_DAY, BASE_DAY + timedelta(days=1))]
    for qualifications, availability in [
        ((("IDE", None),), None), ((("AS", None),), first_night_only), ((("AS", None),), None),
        ((("ESI", 3),), None), ((), None), ((("AS", None),), [(date(2027, 9, 1), date(2027, 9, 30))]),
        ((("IDE", None),), first_night_only), ((("AS", None),), None),
    ]:
        fields = {"availability": availability} if availability else {}
        if not qualifications:
            fields["qualification_text"] = "aide-soignante diplômée"
        build.candidate(qualifications=qualifications, **fields)
    slots = open_slots(need, NOW)
    span = (slots[0].start, slots[-1].end)
    everyone = [candidate_to_engine(p, (), span) for p in db.scalars(select(CandidateProfile))]
    expected = matching.rank_candidates(need_to_engine(need, slots), everyone, engine_config(db))
    for limit in (1, 3, 5, 50):
        ranked = rank_for_need(db, need, now=NOW, limit=limit)
        assert [(str(p.id), r.score) for p, r in ranked] == [(r.subject_id, r.score) for r in expected[:limit]]
    assert len(expected) == 7  # all but the September one (no night covered); ESI 3 years may fill AS


def test_a_crowded_town_bounded_two_at_a_time_gives_what_the_engine_gives_on_everyone(build, db, monkeypatch):
    """Many candidates at one point (a commune's centre), their bounds tightened and scored two at
    a time: equal scores at one distance are told apart by id, smallest first, and the list is still
    the engine's on the whole table, whatever the limit; a pool member living there comes once, first."""
    monkeypatch.setattr(matching_feed, "BATCH", 2)
    need = build.need()  # AS night in Angers
    elsewhere = db.scalars(select(Commune.code_insee).where(Commune.departement_code == "49",
                                                           Commune.code_insee != "49007")
                           .order_by(Commune.population.desc()).limit(2)).all()
    september = [(date(2027, 9, 1), date(2027, 9, 30))]
    for index in range(24):  # ids past 9 and 10: the numeric order differs from the text order
        qualifications = ((("AS", None),), (("IDE", None),), (("ESI", 3),), (("ASH", None),))[index % 4]
        fields = {"availability": september} if index % 7 == 3 else {}
        place = elsewhere[index % 2] if index % 5 == 4 else "49007"
        build.candidate(place, qualifications=qualifications, radius_km=(5, 25, 50)[index % 3], **fields)
    slots = open_slots(need, NOW)
    span = (slots[0].start, slots[-1].end)
    everyone = [candidate_to_engine(p, (), span) for p in db.scalars(select(CandidateProfile))]
    expected = sorted(matching.rank_candidates(need_to_engine(need, slots), everyone, engine_config(db)),
                      key=lambda r: (-r.score, r.distance_km, int(r.subject_id)))
    assert len({r.score for r in expected}) < len(expected)  # ties to break
    for limit in (1, 4, 7, 50):
        ranked = rank_for_need(db, need, now=NOW, limit=limit)
        assert [(p.id, r.score) for p, r in ranked] == [(int(r.subject_id), r.score) for r in expected[:limit]]
    member = db.get(CandidateProfile, int(expected[-1].subject_id))  # the last eligible one
    add_to_pool(db, need.establishment, member, by=None, now=NOW)
    ranked = [p.id for p, _ in rank_for_need(db, need, now=NOW, limit=50)]
    assert ranked[0] == member.id and ranked.count(member.id) == 1
    assert ranked[1:] == [int(r.subject_id) for r in expected if int(r.subject_id) != member.id]


slot_sets = st.lists(st.tuples(st.integers(0, 20 * 24), st.sampled_from([2, 4, 7, 8, 10, 12, 13])),
                     min_size=1, max_size=14)


@settings(max_examples=200, deadline=None)
@given(drawn=slot_sets, age=st.sampled_from([17, 30]))
def test_no_one_holds_more_slots_than_the_working_time_bound(drawn, age):
    """Checked against the engine itself: a candidate free all the time is given at most that many."""
    start = datetime(2027, 7, 5)
    slots = tuple(matching.Slot(start + timedelta(hours=h), start + timedelta(hours=h + length)) for h, length in drawn)
    need = matching.Need(id="n", kind="shift", qualification="ASH", lat=47.2, lon=-1.55, slots=slots)
    free = matching.Candidate(id="c", public="job_seeker", birth_date=date(2027 - age, 1, 1), lat=47.2, lon=-1.55,
                              radius_km=10, availability=(matching.Slot(start - timedelta(days=1),
                                                                        start + timedelta(days=30)),))
    result = matching.evaluate(need, free)
    periods = [(slot.start, slot.end) for slot in need.slots]
    assert result.covered_slots <= matching_bounds.most_slots_held(periods, "shift", matching.DEFAULT_CONFIG)


def test_the_working_time_bound_counts_rest_and_the_week():
    config = matching.DEFAULT_CONFIG
    day = datetime(2027, 7, 5)

    def held(*hours, kind="shift"):
        slots = [(day + timedelta(hours=s), day + timedelta(hours=e)) for s, e in hours]
        return matching_bounds.most_slots_held(slots, kind, config)

    assert held((7, 14), (14, 21)) == 1  # no rest between
    assert held((7, 14), (25, 32)) == 2  # 11 h apart
    assert held(*((24 * d + 7, 24 * d + 19) for d in range(7))) == 4  # 48 h in the week
    assert held((0, 13)) == 0  # longer than a day's limit
    assert held((7, 14), (14, 21), kind="replacement") == 2  # a contract's periods only must not overlap


def test_slots_too_close_to_a_held_shift_are_left_out_of_the_bound():
    """Checked against the engine: a slot it could still give lies in the windows kept, and a slot
    within 11 h of a held shift is left out for a shift, kept for a contract (no rest rule)."""
    config = matching.DEFAULT_CONFIG
    day = datetime(2027, 7, 5)
    windows = [(day, day + timedelta(days=3))]
    held = [(day + timedelta(hours=7), day + timedelta(hours=19))]  # day 1, 07:00-19:00
    clearance = matching_bounds.Clearance(held, config)
    shift_windows, contract_windows = clearance.windows(windows, False), clearance.windows(windows, True)
    assert shift_windows == [(day + timedelta(hours=30), day + timedelta(days=3))]  # from 06:00 the next day
    assert contract_windows == [(day, day + timedelta(hours=7)), (day + timedelta(hours=19), day + timedelta(days=3))]
    candidate = matching.Candidate(id="c", public="professional", birth_date=date(1990, 1, 1), lat=47.2, lon=-1.55,
                                   radius_km=10, qualifications=(matching.Qualification("AS"),),
                                   availability=(matching.Slot(*windows[0]),), busy=(matching.Slot(*held[0]),))
    for start_hour, covered in ((29, False), (30, True)):  # 10 h then 11 h after the held shift
        slot = matching.Slot(day + timedelta(hours=start_hour), day + timedelta(hours=start_hour + 7))
        need = matching.Need(id="n", kind="shift", qualification="AS", lat=47.2, lon=-1.55, slots=(slot,))
        assert matching.evaluate(need, candidate).covered_slots == int(covered)
        assert is_inside(slot.start, slot.end, shift_windows) is covered
        assert clearance.allows(slot.start, slot.end, False) is covered


def test_the_tight_qualification_is_the_engines_own():
    """From the declared codes' fit and the summary, the tight bound's qualification equals the
    component the engine gives: a free text read only when no declared code fits, never when a
    declared code may never fill the post."""
    config = matching.DEFAULT_CONFIG
    slot = matching.Slot(datetime(2027, 7, 5, 8), datetime(2027, 7, 5, 20))
    need = matching.Need(id="n", kind="shift", qualification="AS", lat=47.2, lon=-1.55, slots=(slot,), nurse_on_duty=False)
    for codes, text in [((), "boulanger"), ((), "aide-soignante diplômée"), ((("ASH", None),), "aide-soignante"),
                        ((("ESI", 3),), "aide soignante"), ((("ESI", 3),), None), ((("AS", None),), None)]:
        qualifications = tuple(matching.Qualification(code, years) for code, years in codes)
        candidate = matching.Candidate(
            id="c", public="job_seeker", birth_date=date(1990, 1, 1), lat=47.2, lon=-1.55, radius_km=10,
            qualifications=qualifications, qualification_text=text,
            availability=(matching.Slot(datetime(2027, 7, 1), datetime(2027, 7, 30)),))
        expected = matching.evaluate(need, candidate, config).components["qualification"]
        declared = matching_bounds.declared_fit("AS", False, qualifications, config.qualification_rules) or None
        summary = "|" + "".join(f"{code}|" for code, _ in codes) + ("*|" if text else "")
        assert matching_bounds.tight_fit(declared, summary, text, "AS", False, config) == expected, (codes, text)


def test_a_week_already_full_rules_out_any_more_shift_in_it():
    """A week-long contract held (168 h): every 7-day window holding 48 h of it is full, so from
    5 days before it to 5 days after it no shift may be added (the engine agrees, one minute
    either side); 47 h 59 booked in a week leave room."""
    config = matching.DEFAULT_CONFIG
    monday = datetime(2027, 7, 12)
    contract = [(monday, monday + timedelta(days=7))]
    day = datetime(2027, 7, 1)
    windows = matching_bounds.Clearance(contract, config).windows([(day, day + timedelta(days=40))], False)
    assert windows == [(day, monday - timedelta(days=5)), (monday + timedelta(days=12), day + timedelta(days=40))]
    for start, ruled_out in ((monday - timedelta(days=5, hours=8), False), (monday - timedelta(days=5, hours=7, minutes=59), True),
                             (monday + timedelta(days=12), False), (monday + timedelta(days=11, hours=23, minutes=59), True)):
        shift = (start, start + timedelta(hours=8))
        assert matching_bounds.slots_clear_of([shift], contract, False, config) == int(not ruled_out)
        assert (_worst_week(*shift, contract, WEEKLY_LIMIT) > WEEKLY_LIMIT) is ruled_out
    almost = [(monday + timedelta(days=d, hours=8), monday + timedelta(days=d, hours=20)) for d in range(3)]
    almost.append((monday + timedelta(days=3, hours=8), monday + timedelta(days=3, hours=19, minutes=59)))
    assert matching_bounds._HeldWeeks(almost, config).full() == []


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 24 * 30), st.integers(1, 24 * 8)), max_size=10),
       st.integers(0, 24 * 30 * 60), st.integers(1, 12 * 60))
def test_a_shift_in_a_full_week_is_one_the_engine_refuses(booked, start_minute, minutes):
    """Against the engine's own 7-day count: a shift that meets the full weeks always breaks the
    weekly limit (the bound never rules out what the engine would give)."""
    origin = datetime(2027, 7, 1)
    held = merge([(origin + timedelta(hours=at), origin + timedelta(hours=at + length)) for at, length in booked])
    start = origin + timedelta(minutes=start_minute)
    end = start + timedelta(minutes=minutes)
    assume(all(e <= start or s >= end for s, e in held))  # the engine checks overlaps first
    if any(s < end and start < e for s, e in matching_bounds._HeldWeeks(held, matching.DEFAULT_CONFIG).full()):
        assert _worst_week(start, end, held, WEEKLY_LIMIT) > WEEKLY_LIMIT


def test_a_shift_that_would_overfill_a_week_holding_it_is_ruled_out():
    """40 h booked Monday to Thursday (10 h a day): a 9 h shift lying in a 7-day window holding
    more than 39 h of them breaks the 48 h. After them, the last such start is Sunday 23:59 (the
    window from Monday 08:59 holds 39 h 01); from midnight every window holding the shift has
    48 h at most. Before them, the first is the Thursday before at 17:01 (the window from then
    holds 39 h 01). The engine agrees at the minute; a contract's period is not held to it; an
    8 h shift fits."""
    config = matching.DEFAULT_CONFIG
    monday = datetime(2027, 7, 12)
    booked = [(monday + timedelta(days=d, hours=8), monday + timedelta(days=d, hours=18)) for d in range(4)]
    clearance = matching_bounds.Clearance(booked, config)
    assert clearance.ruled_out(False) == merge((start - timedelta(hours=11), end + timedelta(hours=11))
                                               for start, end in booked)  # no full week: 40 h
    next_monday = monday + timedelta(days=7)
    thursday_before = monday - timedelta(days=4)
    for start, hours, ruled_out in ((next_monday - timedelta(minutes=1), 9, True), (next_monday, 9, False),
                                    (next_monday - timedelta(hours=2), 9, True), (next_monday - timedelta(hours=2), 8, False),
                                    (thursday_before + timedelta(hours=17), 9, False),
                                    (thursday_before + timedelta(hours=17, minutes=1), 9, True)):
        end = start + timedelta(hours=hours)
        assert clearance.allows(start, end, False) is not ruled_out, (start, hours)
        assert (_worst_week(start, end, booked, WEEKLY_LIMIT) > WEEKLY_LIMIT) is ruled_out
        assert clearance.allows(start, end, True)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 24 * 30), st.integers(1, 24 * 8)), max_size=10),
       st.integers(0, 24 * 30 * 60), st.integers(1, 12 * 60), st.sampled_from([16, 30]))
def test_a_shift_the_bookings_rule_out_is_one_the_engine_refuses(booked, start_minute, minutes, age):
    """Against the engine's own working-time check, for an adult and for a minor: a shift the
    clearance rules out always breaks a limit (the bound never rules out what the engine gives)."""
    config = matching.DEFAULT_CONFIG
    origin = datetime(2027, 7, 1)
    held = merge([(origin + timedelta(hours=at), origin + timedelta(hours=at + length)) for at, length in booked])
    start = origin + timedelta(minutes=start_minute)
    end = start + timedelta(minutes=minutes)
    if not matching_bounds.Clearance(held, config).allows(start, end, False):
        assert shift_conflict(start, end, held, WorkLimits.for_age(age, config)) is not None
