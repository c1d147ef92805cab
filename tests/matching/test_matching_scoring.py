"""Components, score, Result shape, ranking order, distances and configuration."""

from __future__ import annotations

import pytest
from matching_builders import ANGERS, candidate, need, north_of, slot

from matching import (
    DEFAULT_CONFIG,
    Qualification,
    bounding_box,
    evaluate,
    haversine_km,
    rank_candidates,
    recommend_needs,
)

NIGHTS = (slot("2027-07-14T21:00", "2027-07-15T07:00"), slot("2027-07-15T21:00", "2027-07-16T07:00"),
          slot("2027-07-16T21:00", "2027-07-17T07:00"))


def placed(km: float, **changes):
    lat, lon = north_of(ANGERS, km)
    return candidate(lat=lat, lon=lon, **changes)


# -- zone ---------------------------------------------------------------------------------------

def test_radius_exactly_reached_is_eligible_with_zone_zero():
    result = evaluate(need(), placed(10.0, radius_km=10))
    assert result.eligible and result.distance_km == 10.0 and result.components["zone"] == 0.0


def test_a_tenth_of_a_km_beyond_the_radius_is_excluded():
    result = evaluate(need(), placed(10.1, radius_km=10))
    assert not result.eligible and result.exclusions == ["distance"]
    assert result.reasons == ["hors de son rayon de déplacement (10,1 km pour 10 km)"]
    assert result.components["zone"] == 0.0


def test_zone_is_one_up_to_the_close_distance_then_linear():
    assert evaluate(need(), placed(2.0, radius_km=25)).components["zone"] == 1.0
    # (25 - 13.5) / (25 - 2) = 0.5
    assert evaluate(need(), placed(13.5, radius_km=25)).components["zone"] == 0.5


def test_distance_reason_uses_a_french_decimal_comma():
    result = evaluate(need(), placed(4.2))
    assert result.distance_km == 4.2 and "à 4,2 km" in result.reasons


# -- availability --------------------------------------------------------------------------------

def test_a_night_across_two_day_windows_is_covered():
    windows = (slot("2027-07-14T00:00", "2027-07-15T00:00"), slot("2027-07-15T00:00", "2027-07-16T00:00"))
    assert evaluate(need(), candidate(availability=windows)).covered_slots == 1


def test_a_slot_partly_outside_availability_is_not_covered():
    result = evaluate(need(), candidate(availability=(slot("2027-07-14T22:00", "2027-07-16T00:00"),)))
    assert not result.eligible and result.exclusions == ["availability"]
    assert result.reasons == ["n'est pas disponible sur 1 créneau sur 1"]


def test_no_slot_available_names_them_all():
    result = evaluate(need(slots=NIGHTS), candidate(availability=(slot("2027-08-01T00:00", "2027-08-02T00:00"),)))
    assert result.reasons == ["n'est disponible sur aucun des 3 créneaux"]
    assert result.covered_slot_indexes == ()


def test_partial_availability_share():
    result = evaluate(need(slots=NIGHTS), candidate(availability=(slot("2027-07-14T00:00", "2027-07-16T08:00"),)))
    assert result.eligible and result.covered_slot_indexes == (0, 1)
    assert result.components["availability"] == round(2 / 3, 3)


def test_empty_availability_excludes():
    assert evaluate(need(), candidate(availability=())).exclusions == ["availability"]


# -- score ----------------------------------------------------------------------------------------

def test_score_is_the_weighted_mean_by_hand():
    # IDE on an AS post (0.8), 13.5 km of 25 (0.5), 2 nights of 3: 100 x (0.4x0.8 + 0.3x0.5 + 0.3x0.667) = 67.0
    result = evaluate(need(slots=NIGHTS), placed(13.5, qualifications=(Qualification("IDE"),),
                                                  availability=(slot("2027-07-14T00:00", "2027-07-16T08:00"),)))
    assert result.score == 67.0


def test_ineligible_scores_zero_but_shows_components():
    result = evaluate(need(requires_driving_licence=True), candidate())
    assert result.score == 0.0 and result.components == {"qualification": 1.0, "zone": 1.0, "availability": 1.0}


def test_weights_override_changes_the_score():
    config = DEFAULT_CONFIG.with_overrides({"qualification": 1, "zone": 0, "availability": 0})
    assert evaluate(need(), placed(13.5, qualifications=(Qualification("IDE"),)), config).score == 80.0


@pytest.mark.parametrize("bad", [{"nope": 1}, {"zone": "1"}, {"zone": True}, {"zone": -1}, {"zone": float("inf")},
                                 {"qualification": 0, "zone": 0, "availability": 0}, {"adult_age": 17.5}, [1]])
def test_bad_overrides_are_one_line_value_errors(bad):
    with pytest.raises(ValueError) as caught:
        DEFAULT_CONFIG.with_overrides(bad)
    assert "\n" not in str(caught.value)


def test_result_json_is_exactly_the_contract_object():
    result = evaluate(need(), placed(4.2))
    assert result.to_json("candidate_id") == {
        "candidate_id": "cand-1", "score": result.score, "eligible": True,
        "components": result.components, "distance_km": 4.2, "covered_slots": 1,
        "reasons": ["Aide-soignant(e) diplômé(e)", "à 4,2 km", "disponible sur 1 créneau sur 1"],
    }
    assert list(result.to_json("need_id"))[0] == "need_id"


# -- ranking --------------------------------------------------------------------------------------

def test_ranking_order_score_then_distance_then_id():
    people = [placed(3.0, id="c-far"), placed(1.0, id="c-b"), placed(1.0, id="c-a"),
              placed(1.0, id="c-ide", qualifications=(Qualification("IDE"),)),
              placed(1.0, id="c-out", driving_licence=False), placed(40, id="c-away")]
    ranked = rank_candidates(need(), people)
    assert [r.subject_id for r in ranked] == ["c-a", "c-b", "c-out", "c-far", "c-ide"]
    everyone = rank_candidates(need(requires_driving_licence=True), people, include_ineligible=True)
    assert [r.eligible for r in everyone] == [False] * 6
    assert [r.subject_id for r in everyone] == ["c-a", "c-b", "c-ide", "c-out", "c-far", "c-away"]


def test_top_and_include_ineligible():
    people = [placed(1.0, id="a"), placed(2.0, id="b"), placed(99, id="z")]
    assert [r.subject_id for r in rank_candidates(need(), people, top=1)] == ["a"]
    assert [r.subject_id for r in rank_candidates(need(), people, include_ineligible=True)] == ["a", "b", "z"]
    assert rank_candidates(need(), people, top=0) == []


def test_fast_ranking_agrees_with_full_evaluation():
    people = [placed(km, id=f"c{km}", radius_km=10) for km in (0.5, 5, 9.95, 10.04, 10.06, 12)]
    fast = rank_candidates(need(), people)
    full = [r for r in rank_candidates(need(), people, include_ineligible=True) if r.eligible]
    assert fast == full and len(fast) == 4


def test_recommend_needs_for_one_candidate():
    needs = [need(id="n-ide", qualification="IDE"), need(id="n-as"), need(id="n-ash", qualification="ASH")]
    ranked = recommend_needs(candidate(), needs)
    assert [r.subject_id for r in ranked] == ["n-as", "n-ash"]
    assert [r.subject_id for r in recommend_needs(candidate(), needs, include_ineligible=True)][-1] == "n-ide"


# -- geography -------------------------------------------------------------------------------------

def test_haversine_known_distances():
    assert haversine_km(*ANGERS, *ANGERS) == 0
    assert haversine_km(0, 0, 0, 1) == pytest.approx(6371.0088 * 3.141592653589793 / 180)
    # Nantes (44109) to Angers (49007), flat-earth estimate by hand: 0.2525° of latitude is 28.08 km,
    # 1.0065° of longitude at 47.35° is 75.84 km; sqrt(28.08² + 75.84²) = 80.87 km.
    assert haversine_km(47.2186, -1.5538, 47.4711, -0.5473) == pytest.approx(80.87, abs=0.1)


def test_bounding_box_holds_the_circle():
    min_lat, max_lat, min_lon, max_lon = bounding_box(*ANGERS, 25)
    for bearing_point in (north_of(ANGERS, 25), north_of(ANGERS, -25)):
        assert min_lat <= bearing_point[0] <= max_lat
    east = (ANGERS[0], ANGERS[1] + 25 / (111.195 * 0.6757))  # cos(47.47°) ≈ 0.6757
    assert haversine_km(*ANGERS, *east) == pytest.approx(25, abs=0.1)
    assert min_lon <= east[1] <= max_lon
    assert bounding_box(89.9, 0, 50)[2:] == (-180.0, 180.0)
