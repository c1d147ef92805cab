"""The engine fed from the database: SQL prefilter, pool first, bookings as busy time."""

from datetime import date, datetime, time, timedelta

from sqlalchemy import event, select

import matching
from models import AvailabilityRule, CandidateProfile, Need, QualificationEquivalence
from models.enums import ApplicationState, AvailabilityKind, FrenchLevel, NeedKind, NeedStatus
from services import matching_feed
from services.matching_feed import (
    booked_periods,
    candidate_to_engine,
    engine_config,
    evaluate_pair,
    need_to_engine,
    open_slots,
    rank_for_need,
    recommend_for_candidate,
)
from services.pool import add as add_to_pool
from services.profile import RuleInput, add_rule
from tests.builders import BASE_DAY

NOW = datetime(2027, 7, 1, 8, 0)  # UTC; the default need is the night of 12 July 2027
NIGHT = datetime.combine(BASE_DAY, time(21))


def ids(pairs):
    return [obj.id for obj, _ in pairs]


def test_rank_keeps_who_may_fill_the_post_within_reach(build, db):
    need = build.need()  # AS night in Angers
    aide = build.candidate()
    nurse = build.candidate(qualifications=(("IDE", None),))
    build.candidate(qualifications=(("ASH", None),))  # never on an AS post
    build.candidate(commune_code="44109")  # Nantes, 25 km radius: too far
    build.candidate(consent_visible=False)
    build.candidate(public="civic_service", birth_date=date(2005, 1, 1))
    ranked = rank_for_need(db, need, now=NOW)
    assert ids(ranked) == [aide.id, nurse.id]  # the exact code scores above the over-qualified nurse
    assert ranked[0][1].eligible and ranked[0][1].covered_slots == 1
    assert ranked[0][1].score > ranked[1][1].score


def test_pool_members_come_first_among_the_eligible(build, db):
    need = build.need()
    aide = build.candidate()
    nurse = build.candidate(qualifications=(("IDE", None),))
    add_to_pool(db, need.establishment, nurse, by=None, now=NOW)
    assert ids(rank_for_need(db, need, now=NOW)) == [nurse.id, aide.id]


def test_a_large_pool_is_read_in_chunks(build, db, monkeypatch):
    """Pool members are read IN_CHUNK at a time (SQLite bounds the parameters of a statement):
    every one of them still comes first, and the candidates outside the pool after them."""
    monkeypatch.setattr(matching_feed, "IN_CHUNK", 2)
    need = build.need()
    outside = build.candidate()
    members = [build.candidate(qualifications=(("IDE", None),)) for _ in range(5)]
    for member in members:
        add_to_pool(db, need.establishment, member, by=None, now=NOW)
    assert ids(rank_for_need(db, need, now=NOW)) == [member.id for member in members] + [outside.id]


def test_include_ineligible_shows_the_excluded_with_reasons(build, db):
    need = build.need()
    aide = build.candidate()
    ash = build.candidate(qualifications=(("ASH", None),))
    ranked = rank_for_need(db, need, now=NOW, include_ineligible=True)
    assert ids(ranked) == [aide.id, ash.id]
    assert not ranked[1][1].eligible and ranked[1][1].reasons


def test_a_booking_elsewhere_makes_the_candidate_busy(build, db):
    need = build.need()
    other = build.need(slots=[(NIGHT + timedelta(hours=2), NIGHT + timedelta(hours=8))])
    busy = build.candidate()
    free = build.candidate()
    application = build.application(other, busy, state=ApplicationState.ACCEPTED)
    build.assignment(application, other.slots[0])
    assert ids(rank_for_need(db, need, now=NOW)) == [free.id]
    assert "overlap" in evaluate_pair(db, need, busy, now=NOW).exclusions


def test_full_or_past_slots_are_not_offered(build, db):
    need = build.need()
    build.candidate()
    assert rank_for_need(db, need, now=datetime(2027, 7, 12, 20, 0)) == []  # 22:00 in Paris: started
    need.slots[0].filled = 1
    assert rank_for_need(db, need, now=NOW) == []


def test_an_admin_edit_of_the_qualification_table_is_used_at_once(build, db):
    need = build.need(qualification_code="ME")
    aes = build.candidate(qualifications=(("AES", None),))
    assert rank_for_need(db, need, now=NOW) == []
    db.add(QualificationEquivalence(post_code="ME", holder_code="AES", score=0.5, label="AES sur poste de ME"))
    db.flush()  # not committed: the reference table is shared by the test session
    assert "ME" in engine_config(db).qualification_rules.posts
    assert ids(rank_for_need(db, need, now=NOW)) == [aes.id]


def test_query_count_does_not_grow_with_candidates(app, build, db, monkeypatch):
    monkeypatch.setattr(matching_feed, "MERGED_ROWS", 0)  # every ring on its own, however thin
    need = build.need()
    for _ in range(2):
        build.candidate()
    first = _count_queries(db, lambda: rank_for_need(db, need, now=NOW))
    for _ in range(6):
        build.candidate(commune_code="49015")
    assert len(rank_for_need(db, need, now=NOW)) == 8
    assert _count_queries(db, lambda: rank_for_need(db, need, now=NOW)) == first


def test_thin_rings_are_read_in_one_query_and_the_list_stays_exact(app, build, db, monkeypatch):
    """A few candidates spread up to 60 km: after the first ring, the rows met so far say the
    next rings are thin, so they are read together; the list is the same as ring by ring."""
    need = build.need()
    for commune, radius in [("49007", 25), ("49015", 25), ("49328", 50), ("49099", 60), ("44109", 100)]:
        build.candidate(commune_code=commune, radius_km=radius)
    place_reads = sum(1 for statement in _statements(db, lambda: rank_for_need(db, need, now=NOW))
                      if "place_cell" in statement.partition("WHERE")[2])  # a read of the place index
    together = [(p.id, r.score) for p, r in rank_for_need(db, need, now=NOW)]
    monkeypatch.setattr(matching_feed, "MERGED_ROWS", 0)
    ring_by_ring = [(p.id, r.score) for p, r in rank_for_need(db, need, now=NOW)]
    sources = 2 * len(matching_feed.RINGS_KM)  # best-fit codes, then the rest, in each ring
    assert place_reads <= 4 < sources
    assert together == ring_by_ring and len(together) == 5


def _count_queries(db, action) -> int:
    return len(_statements(db, action))


def _statements(db, action) -> list[str]:
    statements = []
    engine = db.get_bind()

    def record(_connection, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return statements


def test_recommendations_are_open_needs_in_reach_that_he_may_take(build, db):
    profile = build.candidate()
    establishment = build.establishment()
    good = build.need(establishment)
    later = build.need(establishment, slots=[(NIGHT + timedelta(days=7), NIGHT + timedelta(days=7, hours=10))])
    build.need(establishment, qualification_code="IDE")
    build.need(establishment, status=NeedStatus.DRAFT)
    build.need(build.establishment(commune_code="44109"))
    build.need(establishment, slots=[(datetime(2027, 6, 20, 21), datetime(2027, 6, 21, 7))])  # past
    found = recommend_for_candidate(db, profile, now=NOW)
    assert sorted(ids(found)) == sorted([good.id, later.id])
    only_later = recommend_for_candidate(db, profile, now=NOW, date_from=date(2027, 7, 15))
    assert ids(only_later) == [later.id]
    assert recommend_for_candidate(db, profile, now=NOW, kind=NeedKind.SEASONAL) == []


def test_recommendations_respect_a_shorter_distance_asked(build, db):
    profile = build.candidate(radius_km=50)
    near = build.need(build.establishment(commune_code="49015"))  # Avrillé, about 5 km
    build.need(build.establishment(commune_code="49328"))  # Saumur, 42.5 km
    assert len(recommend_for_candidate(db, profile, now=NOW)) == 2
    assert ids(recommend_for_candidate(db, profile, now=NOW, max_km=10)) == [near.id]


def test_batched_search_gives_what_the_engine_gives_on_everyone(build, db, monkeypatch):
    """Scoring in small batches stops early; the result equals scoring the whole table."""
    monkeypatch.setattr(matching_feed, "BATCH", 2)
    need = build.need()
    for commune, radius in [("49007", 25)] * 4 + [("49015", 25)] * 2 + [("49328", 50), ("49099", 60)]:
        build.candidate(commune_code=commune, radius_km=radius)
    far_pool_member = build.candidate(commune_code="49328", radius_km=50, qualifications=(("IDE", None),))
    add_to_pool(db, need.establishment, far_pool_member, by=None, now=NOW)
    slots = open_slots(need, NOW)
    span = (slots[0].start, slots[-1].end)
    everyone = [candidate_to_engine(p, (), span) for p in db.scalars(select(CandidateProfile))]
    expected = matching.rank_candidates(need_to_engine(need, slots), everyone, engine_config(db))
    ranked = rank_for_need(db, need, now=NOW, limit=4)
    assert ranked[0][0].id == far_pool_member.id  # the pool comes first, however far
    others = [r for r in expected if r.subject_id != str(far_pool_member.id)][:3]
    assert [(str(p.id), r.score) for p, r in ranked[1:]] == [(r.subject_id, r.score) for r in others]
    full = rank_for_need(db, need, now=NOW, limit=50)
    assert len(full) == len(expected) == 9


def test_a_search_where_most_are_excluded_scores_more_at_a_time_and_stays_exact(build, db, monkeypatch):
    """Nine in ten candidates near the night shift are 16: the engine excludes minors from night
    work although every bound lets them through. Rounds then score more at a time (as many more
    as the share found eligible says); the list is still the engine's on everyone."""
    monkeypatch.setattr(matching_feed, "MIN_SCORED", 1)
    need = build.need()
    for index in range(30):
        build.candidate(commune_code=("49007", "49015", "49328")[index % 3], radius_km=50,
                        birth_date=date(2011, 1, 5) if index % 10 else date(1990, 5, 17))
    slots = open_slots(need, NOW)
    span = (slots[0].start, slots[-1].end)
    booked = matching_feed.booked_periods(db, [p.id for p in db.scalars(select(CandidateProfile))], span)
    everyone = [candidate_to_engine(p, booked.get(p.id, ()), span) for p in db.scalars(select(CandidateProfile))]
    expected = matching.rank_candidates(need_to_engine(need, slots), everyone, engine_config(db))
    assert len(expected) == 3
    rounds = []
    score = matching_feed._score
    monkeypatch.setattr(matching_feed, "_score", lambda *args, **kw: rounds.append(len(args[3])) or score(*args, **kw))
    for limit in (1, 2, 50, 3):
        rounds.clear()
        ranked = rank_for_need(db, need, now=NOW, limit=limit)
        assert [(str(p.id), r.score) for p, r in ranked] == [(r.subject_id, r.score) for r in expected[:limit]]
    # For three, the first round scores four (a quarter more than three); few of them are eligible,
    # so a later round asks for more than the first did, although the list then lacks fewer.
    assert rounds[0] == 4 and max(rounds[1:]) > rounds[0]


def test_batched_recommendations_equal_scoring_every_need(build, db, monkeypatch):
    """Establishments read one, two, four… at a time and needs scored two at a time: the list is
    the engine's on every open need, equal scores at one distance in id order."""
    monkeypatch.setattr(matching_feed, "BATCH", 2)
    monkeypatch.setattr(matching_feed, "FIRST_PLACES", 1)
    profile = build.candidate(radius_km=60)
    september = [(datetime(2027, 9, 3, 21), datetime(2027, 9, 4, 7))]  # outside his availability
    for index, commune in enumerate(("49007", "49007", "49015", "49328", "49099", "49328", "49015")):
        establishment = build.establishment(commune_code=commune)
        for post in ("AS", "ASH", "IDE")[:1 + index % 3]:
            build.need(establishment, qualification_code=post)
        build.need(establishment, slots=september)
    candidate = candidate_to_engine(profile, (), (datetime(2027, 7, 1), datetime(2027, 9, 2)))
    engine_needs = [need_to_engine(n, open_slots(n, NOW)) for n in db.scalars(select(Need))]
    expected = sorted(matching.recommend_needs(candidate, engine_needs, engine_config(db)),
                      key=lambda r: (-r.score, r.distance_km, int(r.subject_id)))
    assert len(expected) == 11 and len({r.score for r in expected}) < len(expected)
    for limit in (1, 3, 6, 50):
        found = recommend_for_candidate(db, profile, now=NOW, limit=limit)
        assert [(n.id, r.score) for n, r in found] == [(int(r.subject_id), r.score) for r in expected[:limit]]


def test_recommendations_skip_needs_outside_his_hours_of_the_week_and_stay_exact(build, db, monkeypatch):
    """Available Tuesday and Saturday nights only: needs none of whose slots lie in those hours
    (the evening that starts before them, the same night from Monday too) are not read, a need
    of a night and a day is, and the list is still the engine's on every open need."""
    profile = build.candidate(availability=[], radius_km=60)
    add_rule(profile, RuleInput(AvailabilityKind.WEEKLY, date(2027, 7, 1), date(2027, 8, 31), [1, 5],
                                time(20), time(8)), now=NOW)
    db.commit()
    tuesday = datetime(2027, 7, 13)
    shapes = {"tuesday night": [(tuesday + timedelta(hours=21), tuesday + timedelta(hours=31))],
              "tuesday day": [(tuesday + timedelta(hours=8), tuesday + timedelta(hours=20))],
              "monday night": [(tuesday - timedelta(hours=3), tuesday + timedelta(hours=7))],
              "tuesday evening": [(tuesday + timedelta(hours=18), tuesday + timedelta(hours=23))],
              "two nights": [(tuesday + timedelta(hours=21), tuesday + timedelta(hours=31)),
                             (tuesday + timedelta(days=1, hours=21), tuesday + timedelta(days=1, hours=31))],
              "a night and a day": [(tuesday + timedelta(hours=21), tuesday + timedelta(hours=31)),
                                    (tuesday + timedelta(days=1, hours=8), tuesday + timedelta(days=1, hours=20))]}
    made = {}
    for commune in ("49007", "49015", "49328"):
        establishment = build.establishment(commune_code=commune)
        for shape, slots in shapes.items():
            made.setdefault(shape, []).append(build.need(establishment, slots=slots).id)
    read = _needs_read(monkeypatch)
    candidate = candidate_to_engine(profile, (), (datetime(2027, 7, 1), datetime(2027, 9, 2)))
    engine_needs = [need_to_engine(n, open_slots(n, NOW)) for n in db.scalars(select(Need))]
    expected = sorted(matching.recommend_needs(candidate, engine_needs, engine_config(db)),
                      key=lambda r: (-r.score, r.distance_km, int(r.subject_id)))
    # The Tuesday night alone, the two nights and the night and day (both half covered), at each place.
    assert len(expected) == 9
    found = recommend_for_candidate(db, profile, now=NOW)
    assert [(n.id, r.score) for n, r in found] == [(int(r.subject_id), r.score) for r in expected]
    assert sorted(read) == sorted(made["tuesday night"] + made["two nights"] + made["a night and a day"])


def test_recommendations_offer_only_open_slots_whether_a_need_has_one_or_more(build, db):
    """A need of one slot is offered; a need of several, for its open slots only; one whose slots
    are all taken, not at all: to a candidate free two nights a week and to one free at any hour."""
    profile = build.candidate(availability=[], radius_km=60)
    add_rule(profile, RuleInput(AvailabilityKind.WEEKLY, date(2027, 7, 1), date(2027, 8, 31), [1, 5],
                                time(20), time(8)), now=NOW)
    tuesday = datetime(2027, 7, 13)
    nights = [(tuesday + timedelta(days=days, hours=21), tuesday + timedelta(days=days, hours=31)) for days in (0, 4, 7)]
    single = build.need(slots=nights[:1])
    several = build.need(slots=nights)
    several.slots[0].filled = 1
    taken = build.need(slots=nights[1:])
    for slot in taken.slots:
        slot.filled = 1
    db.flush()
    anytime = build.candidate(radius_km=60)  # all of July and August, at any hour
    for someone in (profile, anytime):
        found = {n.id: r for n, r in recommend_for_candidate(db, someone, now=NOW)}
        assert set(found) == {single.id, several.id}
        assert found[single.id].covered_slots == 1
        assert (found[several.id].covered_slots, found[several.id].eligible) == (2, True)  # the two open nights
        assert found[several.id].components["availability"] == 1.0


def test_recommendations_never_score_shifts_in_a_week_his_contract_already_fills(build, db, monkeypatch):
    """Booked on a week-long replacement, he may work no more in the 7 days around it (48 h): the
    shifts starting within 5 days of it are not given to the engine, which would refuse them;
    those further away are, and the list is the engine's on every open need."""
    profile = build.candidate(radius_km=60)
    monday = datetime(2027, 7, 19)
    contract = build.need(slots=[(monday, monday + timedelta(days=7))], kind=NeedKind.REPLACEMENT)
    build.assignment(build.application(contract, profile, state=ApplicationState.ACCEPTED), contract.slots[0])
    near = [build.need(slots=[(start, start + timedelta(hours=10))]).id
            for start in (monday - timedelta(days=4, hours=3), monday + timedelta(days=10, hours=21))]
    far = [build.need(slots=[(start, start + timedelta(hours=10))]).id
           for start in (monday - timedelta(days=6, hours=3), monday + timedelta(days=13, hours=21))]
    recommend = matching.recommend_needs
    given = _given_to_engine(monkeypatch, "recommend_needs")
    found = recommend_for_candidate(db, profile, now=NOW)
    assert sorted(given) == sorted(far) == sorted(n.id for n, _ in found)
    span = (datetime(2027, 7, 1), datetime(2027, 9, 2))
    candidate = candidate_to_engine(profile, booked_periods(db, [profile.id], span)[profile.id], span)
    refused = [recommend(candidate, [need_to_engine(n, open_slots(n, NOW))]) for n in db.scalars(select(Need).where(Need.id.in_(near)))]
    assert refused == [[], []]


def test_the_place_index_leaves_out_who_lacks_what_the_need_asks(build, db, monkeypatch):
    """A paid shift asking for B1 French and a driving licence: those without the right to work,
    with A2 or without a licence are never given to the engine (the place index says so), the
    list is the engine's on everyone, and a licence obtained later counts at once."""
    need = build.need(min_french_level=FrenchLevel.B1, requires_driving_licence=True)
    native = build.candidate(driving_licence=True)  # no level given: a native speaker
    fluent = build.candidate(driving_licence=True, french_level=FrenchLevel.B2)
    walker = build.candidate(driving_licence=False)
    beginner = build.candidate(driving_licence=True, french_level=FrenchLevel.A2)
    build.candidate(driving_licence=True, work_authorization=False)
    given = _given_to_engine(monkeypatch)
    ranked = rank_for_need(db, need, now=NOW)
    assert sorted(ids(ranked)) == sorted([native.id, fluent.id]) == sorted(given)
    everyone = rank_for_need(db, need, now=NOW, include_ineligible=True)
    reasons = {profile.id: result.reasons for profile, result in everyone if not result.eligible}
    assert "permis de conduire requis" in reasons[walker.id]
    assert "niveau de français A2 pour B1 requis" in reasons[beginner.id]
    walker.driving_licence = True
    db.flush()
    assert walker.id in ids(rank_for_need(db, need, now=NOW))


def test_recommendations_do_not_read_needs_asking_what_he_lacks(build, db, monkeypatch):
    """A2 French and no licence: needs asking for a licence or B1 are not read; without the right
    to work, no paid need is. The list is the engine's."""
    profile = build.candidate(french_level=FrenchLevel.A2, driving_licence=False)
    establishment = build.establishment()
    plain = build.need(establishment)
    a1 = build.need(establishment, min_french_level=FrenchLevel.A1)
    build.need(establishment, min_french_level=FrenchLevel.B1)
    build.need(establishment, requires_driving_licence=True)
    read = _needs_read(monkeypatch)
    assert sorted(ids(recommend_for_candidate(db, profile, now=NOW))) == sorted(read) == sorted([plain.id, a1.id])
    read.clear()
    profile.work_authorization = False
    db.flush()
    assert recommend_for_candidate(db, profile, now=NOW) == [] and read == []


def _needs_read(monkeypatch) -> list[int]:
    """The ids of the needs recommendations read from the database, as they read them."""
    read = []
    needs_of = matching_feed._needs_of

    def recorded(*args):
        needs = needs_of(*args)
        read.extend(row.id for row, _ in needs)
        return needs

    monkeypatch.setattr(matching_feed, "_needs_of", recorded)
    return read


def test_rings_due_for_the_list_are_read_in_one_query(build, db, monkeypatch):
    """Thirty nurses in town, free the first night and at both ends of the second only, score
    85 (their rules hold the second night's start and end: the bounds let them through at 100);
    one nurse free both nights in each ring out to 40 km may still beat them. Once the first of
    the town are scored, the list asks for 85 and the rings from 5 to 40 km are read together,
    not one by one; the two nearest of those nurses lead the list."""
    monkeypatch.setattr(matching_feed, "MERGED_ROWS", 0)  # no ring read along with another for being thin
    need = build.need(qualification_code="IDE", slots=[(NIGHT, NIGHT + timedelta(hours=10)),
                                                       (NIGHT + timedelta(days=1), NIGHT + timedelta(days=1, hours=10))])
    nurse = (("IDE", None),)
    last_morning = BASE_DAY + timedelta(days=2)
    for _ in range(30):
        town = build.candidate(qualifications=nurse, availability=[(BASE_DAY, BASE_DAY + timedelta(days=1))])
        town.availability_rules.append(AvailabilityRule(  # 06:00-07:00 the last morning, not the night before
            kind=AvailabilityKind.WEEKLY, start_date=last_morning, end_date=last_morning,
            weekdays=1 << last_morning.weekday(), start_time=time(6), end_time=time(7)))
    db.flush()
    farther = [build.candidate(commune_code=commune, radius_km=50, qualifications=nurse)
               for commune in ("49353", "49050", "49244")]  # 6.8, 14.7 and 26.5 km away
    loads = []
    load = matching_feed._CandidateSearch._load

    def recorded(search, ring, inner, codes):
        loads.append((inner, ring))
        return load(search, ring, inner, codes)

    monkeypatch.setattr(matching_feed._CandidateSearch, "_load", recorded)
    ranked = rank_for_need(db, need, now=NOW, limit=2)
    assert ids(ranked) == [farther[0].id, farther[1].id]
    assert ranked[1][1].score > 85
    assert loads == [(None, 5), (5, 40)]


def test_the_tight_bound_leaves_out_the_booked_and_the_unqualified(build, db, monkeypatch):
    """Booked on a day that overlaps the need's night, or ending 10 h before it, or with a free text
    that reads as no qualification: the engine would exclude them, so they are never given to it;
    booked 11 h before is fine."""
    need = build.need()
    free = build.candidate()
    rested = build.candidate()
    overlapping, short_rest = build.candidate(), build.candidate()
    build.candidate(qualifications=(), qualification_text="boulanger")
    for candidate, hours_before in ((overlapping, -2), (short_rest, 10), (rested, 11)):
        end = NIGHT - timedelta(hours=hours_before)
        other = build.need(slots=[(end - timedelta(hours=8), end)])
        build.assignment(build.application(other, candidate, state=ApplicationState.ACCEPTED), other.slots[0])
    given = _given_to_engine(monkeypatch)
    assert sorted(ids(rank_for_need(db, need, now=NOW))) == sorted(given) == sorted([free.id, rested.id])


def _given_to_engine(monkeypatch, function: str = "rank_candidates") -> list[int]:
    """The ids of what the feed gives the engine's ``function`` to score (candidates for the
    ranking, needs for the recommendations), as it gives them."""
    given = []
    score = getattr(matching, function)

    def recorded(subject, scored, *args, **kwargs):
        given.extend(int(item.id) for item in scored)
        return score(subject, scored, *args, **kwargs)

    monkeypatch.setattr(matching, function, recorded)
    return given
