"""Rules on who the candidate is: service civique, PEC, minors, right to work, French, licence."""

from __future__ import annotations

import pytest
from matching_builders import FIRST_DAY, born_years_before, candidate, contract, need, slot

from matching import Qualification, evaluate

VOLUNTEER = {"public": "civic_service", "qualifications": (Qualification("SC"),)}
YEAR = slot("2027-06-01T00:00", "2028-09-30T00:00")  # availability long enough for any contract here


def civic(weekly_hours: float = 30.0, **changes):
    return contract("civic_service", "2027-07-14T00:00", "2028-01-14T00:00", weekly_hours, **changes)


def volunteer(age: int, *, days_later: int = 0, **changes):
    return candidate(birth_date=born_years_before(age, FIRST_DAY, days_later=days_later), availability=(YEAR,),
                     **VOLUNTEER, **changes)


# -- service civique ------------------------------------------------------------------------

@pytest.mark.parametrize(("age", "disability", "eligible"), [
    (15, False, False), (16, False, True), (25, False, True), (26, False, False),
    (26, True, True), (30, True, True), (31, True, False),
])
def test_civic_service_age_on_the_first_day(age, disability, eligible):
    result = evaluate(civic(), volunteer(age, disability=disability))
    assert result.eligible is eligible
    if not eligible:
        assert result.exclusions == ["civic_service_age"]
        assert result.reasons[0].startswith("n'a pas l'âge requis pour un service civique")


def test_civic_service_age_counts_whole_years_the_day_before_a_birthday():
    assert evaluate(civic(), volunteer(26, days_later=1)).eligible  # still 25 on the first day


def test_a_volunteer_never_takes_a_shift_nor_a_contract():
    for other in (need(), contract("replacement", "2027-07-14T00:00", "2027-08-14T00:00")):
        result = evaluate(other, volunteer(20))
        assert not result.eligible and "civic_service_only" in result.exclusions


def test_a_civic_service_mission_takes_only_volunteers():
    result = evaluate(civic(), candidate(availability=(YEAR,)))
    assert result.exclusions == ["civic_service_reserved"]
    assert result.reasons == ["mission réservée aux volontaires du service civique"]


@pytest.mark.parametrize(("hours", "ok"), [(23.5, False), (24, True), (48, True), (48.5, False)])
def test_civic_service_weekly_hours(hours, ok):
    result = evaluate(civic(weekly_hours=hours), volunteer(20))
    assert result.eligible is ok
    assert ("civic_service_hours" in result.exclusions) is not ok


@pytest.mark.parametrize(("end", "ok"), [
    ("2028-01-13T00:00", False),  # one day short of 6 months
    ("2028-01-14T00:00", True),  # exactly 6 months
    ("2028-07-14T00:00", True),  # exactly 12 months
    ("2028-07-15T00:00", False),  # 12 months and a day
])
def test_civic_service_duration(end, ok):
    mission = contract("civic_service", "2027-07-14T00:00", end, 30.0)
    result = evaluate(mission, volunteer(20))
    assert result.eligible is ok
    assert ("civic_service_duration" in result.exclusions) is not ok


@pytest.mark.parametrize("kind", ["civic_service", "pec"])
def test_private_employers_cannot_post_civic_service_or_pec(kind):
    with pytest.raises(ValueError, match="private employer"):
        contract(kind, "2027-07-14T00:00", "2028-01-14T00:00", employer_sector="private")


def test_sc_qualification_goes_with_civic_service_only():
    with pytest.raises(ValueError, match="SC"):
        need(qualification="SC")


def test_a_minor_volunteer_may_not_exceed_35_hours():
    assert evaluate(civic(weekly_hours=35), volunteer(17)).eligible
    assert evaluate(civic(weekly_hours=36), volunteer(17)).exclusions == ["weekly_hours"]


# -- PEC ------------------------------------------------------------------------------------

def pec(hours: float = 26.0, end: str = "2028-01-14T00:00"):
    return contract("pec", "2027-07-14T00:00", end, hours, qualification="ASH", employer_sector="non_profit")


PEC_PERSON = {"public": "pec", "availability": (YEAR,)}


def test_a_pec_need_takes_only_pec_candidates():
    assert evaluate(pec(), candidate(**PEC_PERSON)).eligible
    result = evaluate(pec(), candidate(availability=(YEAR,)))
    assert result.exclusions == ["pec_reserved"]


def test_a_pec_candidate_may_take_ordinary_needs():
    assert evaluate(need(), candidate(public="pec")).eligible


@pytest.mark.parametrize(("hours", "ok"), [(19.5, False), (20, True)])
def test_pec_minimum_weekly_hours(hours, ok):
    result = evaluate(pec(hours), candidate(**PEC_PERSON))
    assert result.eligible is ok
    if not ok:
        assert result.exclusions == ["pec_hours"]
        assert result.reasons == ["contrat PEC de 19,5 h par semaine : 20 h au moins"]


@pytest.mark.parametrize(("end", "ok"), [("2028-01-13T00:00", False), ("2028-01-14T00:00", True)])
def test_pec_minimum_duration(end, ok):
    result = evaluate(pec(end=end), candidate(**PEC_PERSON))
    assert result.eligible is ok
    assert ("pec_duration" in result.exclusions) is not ok


# -- minors and the right to work -------------------------------------------------------------

DAY = slot("2027-07-14T08:00", "2027-07-14T15:00")


@pytest.mark.parametrize(("age", "ok"), [(15, False), (16, True)])
def test_no_paid_work_under_16(age, ok):
    result = evaluate(need(slots=(DAY,)), candidate(birth_date=born_years_before(age)))
    assert result.eligible is ok
    if not ok:
        assert result.exclusions == ["minor_under_16"]


def test_without_right_to_work_no_paid_need_but_civic_service_stays_open():
    assert evaluate(need(), candidate(work_authorization=False)).exclusions == ["work_authorization"]
    for kind in ("replacement", "seasonal"):
        paid = contract(kind, "2027-07-14T00:00", "2027-08-14T00:00")
        assert evaluate(paid, candidate(work_authorization=False)).exclusions == ["work_authorization"]
    assert evaluate(civic(), volunteer(20, work_authorization=False)).eligible


# -- French level and driving licence ---------------------------------------------------------

@pytest.mark.parametrize(("level", "ok"), [("A1", False), ("B1", False), ("B2", True), ("C1", True), (None, True)])
def test_french_level_against_b2(level, ok):
    result = evaluate(need(min_french_level="B2"), candidate(french_level=level))
    assert result.eligible is ok
    if not ok:
        assert result.reasons == [f"niveau de français {level} pour B2 requis"]


def test_no_french_level_required_means_any():
    assert evaluate(need(), candidate(french_level="A1")).eligible


@pytest.mark.parametrize(("licence", "ok"), [(True, True), (False, False)])
def test_driving_licence(licence, ok):
    result = evaluate(need(requires_driving_licence=True), candidate(driving_licence=licence))
    assert result.eligible is ok
    assert result.exclusions == ([] if ok else ["driving_licence"])


def test_all_failures_are_listed_for_the_manager():
    result = evaluate(need(min_french_level="C1", requires_driving_licence=True),
                      candidate(french_level="A2", work_authorization=False))
    assert result.exclusions == ["work_authorization", "french_level", "driving_licence"]
    assert result.score == 0 and result.components["qualification"] == 1.0
