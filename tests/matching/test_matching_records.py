"""Reading the file contract's records: every bad field is an InputError naming record and field."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching import DEFAULT_CONFIG, InputError, evaluate
from matching.records import RecordReader

COMMUNES = {"49007": (47.4711, -0.5473), "49015": (47.50683, -0.58974)}
NEED = {"id": "n1", "kind": "shift", "qualification": "AS", "commune": "49007",
        "slots": [{"start": "2027-07-14T21:00", "end": "2027-07-15T07:00"}]}
CANDIDATE = {"id": "c1", "public": "student", "birth_date": "2005-09-30", "lat": 47.4784, "lon": -0.5632,
             "radius_km": 10, "qualifications": [{"code": "ESI", "validated_years": 2}],
             "availability": [{"start": "2027-07-05T00:00", "end": "2027-08-28T00:00"}],
             "busy": [{"start": "2027-07-01T07:00", "end": "2027-07-01T19:00"}]}


@pytest.fixture(scope="module")
def reader() -> RecordReader:
    return RecordReader(DEFAULT_CONFIG.qualification_rules, COMMUNES.get)


def changed(base: dict, **changes) -> dict:
    record = copy.deepcopy(base)
    for key, value in changes.items():
        if value is ...:
            record.pop(key, None)
        else:
            record[key] = value
    return record


def test_valid_records_read_as_given(reader):
    need = reader.need(NEED)
    assert (need.lat, need.lon, need.positions, need.nurse_on_duty, need.employer_sector) == (47.4711, -0.5473, 1,
                                                                                              True, "public")
    person = reader.candidate(CANDIDATE)
    assert person.qualifications[0].validated_years == 2 and person.work_authorization and not person.disability
    assert reader.candidate(changed(CANDIDATE, lat=..., lon=..., commune="49015")).lat == 47.50683


def test_coordinates_win_over_the_commune(reader):
    assert reader.need(changed(NEED, commune="99999", lat=45.0, lon=1.0)).lat == 45.0


def test_null_optional_fields_mean_absent(reader):
    person = reader.candidate(changed(CANDIDATE, busy=None, french_level=None, driving_licence=None))
    assert person.busy == () and person.french_level is None and person.driving_licence is False


BAD_NEEDS = [
    (changed(NEED, id=...), "#0", "id"),
    (changed(NEED, id=""), "#0", "id"),
    (changed(NEED, kind="night"), "n1", "kind"),
    (changed(NEED, kind=...), "n1", "kind"),
    (changed(NEED, qualification="XYZ"), "n1", "qualification"),
    (changed(NEED, qualification=3), "n1", "qualification"),
    (changed(NEED, commune="00000"), "n1", "commune"),
    (changed(NEED, commune=...), "n1", "commune"),
    (changed(NEED, commune=..., lat=47.0), "n1", "lon"),
    (changed(NEED, lat="47", lon=1.0), "n1", "lat"),
    (changed(NEED, lat=91, lon=1.0), "n1", "lat"),
    (changed(NEED, slots=[]), "n1", "slots"),
    (changed(NEED, slots=...), "n1", "slots"),
    (changed(NEED, slots=[{"start": "2027-07-14T21:00", "end": "2027-07-14T21:00"}]), "n1", "slots[0].end"),
    (changed(NEED, slots=[{"start": "2027-07-14T21:00", "end": "2027-07-14T20:00"}]), "n1", "slots[0].end"),
    (changed(NEED, slots=[{"start": "2027-07-14T21:00+02:00", "end": "2027-07-15T07:00"}]), "n1", "slots[0].start"),
    (changed(NEED, slots=[{"start": "14/07/2027 21:00", "end": "2027-07-15T07:00"}]), "n1", "slots[0].start"),
    (changed(NEED, slots=[{"start": "2027-07-14T21:00"}]), "n1", "slots[0].end"),
    (changed(NEED, positions=0), "n1", "positions"),
    (changed(NEED, positions=1.5), "n1", "positions"),
    (changed(NEED, weekly_hours="35"), "n1", "weekly_hours"),
    (changed(NEED, min_french_level="B3"), "n1", "min_french_level"),
    (changed(NEED, requires_driving_licence="yes"), "n1", "requires_driving_licence"),
    (changed(NEED, nurse_on_duty=1), "n1", "nurse_on_duty"),
    (changed(NEED, establishment_type="CLINIQUE"), "n1", "establishment_type"),
    (changed(NEED, employer_sector="state"), "n1", "employer_sector"),
    (changed(NEED, kind="pec", employer_sector="private"), "n1", "employer_sector"),
    (changed(NEED, kind="civic_service", qualification="SC", employer_sector="private"), "n1", "employer_sector"),
    (changed(NEED, kind="civic_service"), "n1", "qualification"),
]


@pytest.mark.parametrize(("record", "record_id", "field"), BAD_NEEDS)
def test_bad_needs_name_record_and_field(reader, record, record_id, field):
    with pytest.raises(InputError) as caught:
        reader.needs([record])
    assert (caught.value.record_id, caught.value.field) == (record_id, field)
    assert "\n" not in caught.value.one_line()


BAD_CANDIDATES = [
    (changed(CANDIDATE, public="nurse"), "public"),
    (changed(CANDIDATE, birth_date="30/09/2005"), "birth_date"),
    (changed(CANDIDATE, birth_date=...), "birth_date"),
    (changed(CANDIDATE, radius_km=...), "radius_km"),
    (changed(CANDIDATE, radius_km=-1), "radius_km"),
    (changed(CANDIDATE, radius_km=True), "radius_km"),
    (changed(CANDIDATE, qualifications=[{"code": "NURSE"}]), "qualifications[0].code"),
    (changed(CANDIDATE, qualifications=[{"code": "ESI", "validated_years": -1}]), "qualifications[0].validated_years"),
    (changed(CANDIDATE, qualifications=[{"code": "ESI", "validated_years": 1.5}]), "qualifications[0].validated_years"),
    (changed(CANDIDATE, qualifications="AS"), "qualifications"),
    (changed(CANDIDATE, qualification_text=12), "qualification_text"),
    (changed(CANDIDATE, french_level="fluent"), "french_level"),
    (changed(CANDIDATE, work_authorization="true"), "work_authorization"),
    (changed(CANDIDATE, disability=0), "disability"),
    (changed(CANDIDATE, availability=...), "availability"),
    (changed(CANDIDATE, availability={"start": "2027-07-05T00:00"}), "availability"),
    (changed(CANDIDATE, busy=[{"start": "2027-07-02T07:00", "end": "2027-07-01T19:00"}]), "busy[0].end"),
    (changed(CANDIDATE, busy=["2027-07-01"]), "busy[0]"),
    (changed(CANDIDATE, availability=[{"start": "0999-01-01T00:00", "end": "2027-01-01T00:00"}]),
     "availability[0].start"),
]


@pytest.mark.parametrize(("record", "field"), BAD_CANDIDATES)
def test_bad_candidates_name_record_and_field(reader, record, field):
    with pytest.raises(InputError) as caught:
        reader.candidates([record])
    assert (caught.value.record_id, caught.value.field) == ("c1", field)


@pytest.mark.parametrize("record", [record for record, _ in BAD_CANDIDATES])
def test_the_fast_lane_rejects_the_same_records(reader, record):
    assert reader.quick_check(record) is None
    with pytest.raises(InputError):
        reader.candidates_where([record], lambda *_: None)


def test_duplicate_ids_are_bad_input(reader):
    with pytest.raises(InputError, match="duplicate id"):
        reader.candidates([CANDIDATE, CANDIDATE])
    with pytest.raises(InputError, match="duplicate id"):
        reader.candidates_where([CANDIDATE, CANDIDATE], lambda *_: None)


def test_collections_must_be_arrays(reader):
    with pytest.raises(InputError, match="array"):
        reader.candidates(CANDIDATE)
    with pytest.raises(InputError, match="JSON object"):
        reader.candidates([[CANDIDATE]])


def test_candidates_where_builds_only_the_kept_ones(reader):
    far = changed(CANDIDATE, id="c2", lat=43.0)
    commune = changed(CANDIDATE, id="c3", lat=..., lon=..., commune="49007")
    kept = reader.candidates_where([CANDIDATE, far, commune], lambda public, lat, lon, radius: 1.0 if lat > 47 else None)
    assert [c.id for c in kept] == ["c1", "c3"]
    assert kept[0] == reader.candidate(CANDIDATE)


# -- fuzzing: only InputError ever escapes, and the fast lane is never looser -------------------

JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers(-10**30, 10**30) | st.floats() | st.text(max_size=12)
    | st.sampled_from(["2027-07-14T21:00", "2027-07-14", "2027-07-14T21:00+01:00", "AS", "ESI", "49007", "B2",
                       "shift", "pec", "civic_service", "SC", "private", "9999-12-31T23:59", "0001-01-01"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["start", "end", "code", "validated_years", "id"]), inner, max_size=3),
    max_leaves=6)
NEED_FIELDS = sorted({*NEED, "lat", "lon", "positions", "weekly_hours", "min_french_level", "nurse_on_duty",
                      "requires_driving_licence", "establishment_type", "employer_sector"})
CANDIDATE_FIELDS = sorted({*CANDIDATE, "commune", "qualification_text", "french_level", "work_authorization",
                           "driving_licence", "disability"})


def mutations(base: dict, fields: list[str]):
    return st.dictionaries(st.sampled_from(fields), JSONISH, max_size=4).map(lambda extra: {**base, **extra})


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(record=mutations(NEED, NEED_FIELDS))
def test_fuzzed_needs_only_raise_input_errors(reader, record):
    try:
        need = reader.need(json.loads(json.dumps(record)))
    except InputError:
        return
    evaluate(need, reader.candidate(CANDIDATE))  # whatever the reader accepts, the engine can score


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(record=mutations(CANDIDATE, CANDIDATE_FIELDS))
def test_fuzzed_candidates_only_raise_input_errors_and_quick_check_is_never_looser(reader, record):
    record = json.loads(json.dumps(record))
    quick = reader.quick_check(record)
    try:
        person = reader.candidate(record)
    except InputError:
        assert quick is None
    else:
        if quick is not None:
            assert quick == (person.id, person.public, person.lat, person.lon, person.radius_km)
        evaluate(reader.need(NEED), person, booked=person.availability)
