"""The summaries behind the key figures (active entities per previous active day, the delay
histogram of the median) and the refresh's lock; data set of conftest.py, values by hand.

Held slots in July (candidate: need, day, département): student N1 5 (49); pro2 N2 10 (49),
N8 12 (44), N4 30 (44); refugee N3 31 (44); pec N9 19 (49); civic N10 26 (44); in Brittany
(35) refugee2 and pro1 on N11, 10 Jul.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from services import stats
from services.stats_store import refresh
from tests.ars.conftest import FACTS_AT, JULY, URGENT_NOW


def figures(db, user, period=JULY, **fields):
    return stats.key_figures(db, stats.scope_for(user, *period, FACTS_AT, **fields), URGENT_NOW)


def test_admin_counts_each_candidate_once_across_regions(facts, db):
    everything = figures(db, facts.admin)
    assert (everything.candidates, everything.establishments) == (7, 3)  # + refugee2 and pro1 in Brittany
    brittany = figures(db, facts.admin, region_code="53")
    assert (brittany.candidates, brittany.establishments) == (2, 1)


@pytest.mark.parametrize(("departements", "candidates", "establishments"), [
    (["49"], 3, 1),  # student, pro2, pec
    (["44", "49"], 5, 2),  # pro2 works in both: counted once
])
def test_ars_limited_to_departements(facts, db, build, departements, candidates, establishments):
    user = build.ars_user("52", ars_departement_codes=departements)
    build.commit()
    result = figures(db, user)
    assert (result.candidates, result.establishments) == (candidates, establishments)


def test_an_entity_active_before_the_period_counts_once_inside_it(facts, db):
    # 11–31 Jul: pro2 (12 and 30, after 10 Jul outside), refugee, pec, civic; not the student (5 Jul).
    result = figures(db, facts.ars, (date(2026, 7, 11), date(2026, 7, 31)))
    assert (result.candidates, result.establishments) == (4, 2)


def test_median_of_an_odd_count(facts, db):
    # Filled needs starting 1–20 Jul: N1 46 h, N9 48 h, N8 144 h.
    assert figures(db, facts.ars, (date(2026, 7, 1), date(2026, 7, 20))).median_hours == pytest.approx(48.0)


def test_median_between_two_buckets(facts, db):
    # From 12 Jul: N8 144 h, N9 48 h, N10 24 h, N4 312 h, N3 12 h → 12, 24, 48, 144, 312; then without N3's
    # day (31 Jul), 24, 48, 144, 312 → (48 + 144) / 2, two values in different buckets.
    assert figures(db, facts.ars, (date(2026, 7, 12), date(2026, 7, 31))).median_hours == pytest.approx(48.0)
    assert figures(db, facts.ars, (date(2026, 7, 12), date(2026, 7, 30))).median_hours == pytest.approx(96.0)


def test_a_second_refresh_waits_for_the_first(facts, db):
    """While one refresh holds its lock, another cannot start; once it commits, the other
    continues from its watermark (an incremental refresh, not a second full one)."""
    refresh(db, FACTS_AT)  # not committed: holds the lock
    other = Session(db.get_bind())
    try:
        quick = ("SET lock_timeout = '200ms'" if db.get_bind().dialect.name == "postgresql"
                 else "PRAGMA busy_timeout = 200")
        other.connection().exec_driver_sql(quick)
        other.commit()
        with pytest.raises(OperationalError):
            refresh(other, FACTS_AT)
        other.rollback()
        db.commit()
        result = refresh(other, FACTS_AT)
        other.commit()
        assert (result.full, result.slots) == (False, 11)
    finally:
        other.close()
    assert db.execute(text("SELECT 1")).scalar() == 1
