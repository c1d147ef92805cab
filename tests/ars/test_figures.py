"""Every figure and every breakdown of the data set (conftest.py), computed by hand.

Slots of July in region 52 (positions / held at start):
N1 2/2 (49 AS EHPAD shift, 5 Jul)   N2 2/1 (49 IDE EHPAD shift, 10 Jul)  N3 1/1 (44 AS HOP shift, 31 Jul night)
N4 1/1 (44 ASH HOP shift, 30 Jul)   N6 1/0 (49 AES EHPAD replacement)    N7 1/0 (44 IDE HOP shift, 29 Jul)
N8 1/1 (44 AS HOP shift, 12 Jul)    N9 1/1 (49 ASH EHPAD pec, 19 Jul)    N10 1/1 (44 SC HOP civic, 26 Jul)
→ 11 posted, 8 filled; 9 needs started, 3 unfilled at start (N2, N6, N7).
"""

from __future__ import annotations

from datetime import date

import pytest

from services import stats
from tests.ars.conftest import FACTS_AT, JULY, URGENT_NOW

JULY_AUGUST = (date(2026, 7, 1), date(2026, 8, 31))
AUGUST = (date(2026, 8, 1), date(2026, 8, 31))


def scope(user, period=JULY, **fields):
    return stats.scope_for(user, *period, FACTS_AT, **fields)


def rows(db, user, dimension, period=JULY, **fields):
    return [tuple(row) for row in stats.breakdown(db, scope(user, period, **fields), dimension)]


def test_key_figures_of_the_region(facts, db):
    figures = stats.key_figures(db, scope(facts.ars), URGENT_NOW)
    assert (figures.posted, figures.filled) == (11, 8)
    assert figures.rate == pytest.approx(8 / 11)
    assert (figures.needs, figures.unfilled) == (9, 3)
    assert figures.unfilled_share == pytest.approx(3 / 9)
    # Delays (hours): N3 12, N10 24, N1 46, N9 48, N8 144, N4 312 → median (46 + 48) / 2.
    assert figures.median_hours == pytest.approx(47.0)
    assert figures.urgent == 1  # N7, open, starts 29 Jul 20:00 (N4 is filled, N3 too late)
    assert (figures.cancelled, figures.cancelled_positions) == (1, 3)  # N5, apart from the rate
    assert figures.establishments == 2
    # Student (N1), pro2 (N2, N4, N8), refugee (N3), pec (N9), civic (N10); pro1 only holds
    # cancelled or withdrawn assignments, the student's N8 one is cancelled.
    assert figures.candidates == 5


@pytest.mark.parametrize(("dimension", "expected"), [
    ("departement", [("44", 5, 4, 0.8, 5, 1), ("49", 6, 4, 4 / 6, 4, 2)]),
    ("qualification", [("AES", 1, 0, 0.0, 1, 1), ("AS", 4, 4, 1.0, 3, 0), ("ASH", 2, 2, 1.0, 2, 0),
                       ("IDE", 3, 1, 1 / 3, 2, 2), ("SC", 1, 1, 1.0, 1, 0)]),
    ("type", [("EHPAD", 6, 4, 4 / 6, 4, 2), ("HOPITAL", 5, 4, 0.8, 5, 1)]),
    ("kind", [("civic_service", 1, 1, 1.0, 1, 0), ("pec", 1, 1, 1.0, 1, 0), ("replacement", 1, 0, 0.0, 1, 1),
              ("shift", 8, 6, 0.75, 6, 2)]),
    ("period", [("2026-07-01", 11, 8, 8 / 11, 9, 3)]),
])
def test_breakdowns_of_july(facts, db, dimension, expected):
    assert rows(db, facts.ars, dimension) == _approx(expected)


def _approx(expected):
    return [tuple(pytest.approx(v) if isinstance(v, float) else v for v in row) for row in expected]


def test_weeks_of_july(facts, db):
    # Mondays: 29 Jun (N1 on Sun 5), 6 Jul (N2, N8), 13 Jul (N9 on Sun 19), 20 Jul (N6, N10 on Sun 26),
    # 27 Jul (N7, N4's first slot, N3's night starting on Fri 31).
    assert rows(db, facts.ars, "period", grain="week") == _approx([
        ("2026-06-29", 2, 2, 1.0, 1, 0), ("2026-07-06", 3, 2, 2 / 3, 2, 1), ("2026-07-13", 1, 1, 1.0, 1, 0),
        ("2026-07-20", 2, 1, 0.5, 2, 1), ("2026-07-27", 3, 2, 2 / 3, 3, 1),
    ])


def test_need_spanning_two_months_counts_per_slot_start(facts, db):
    # N4's second slot (2 Aug 08:00) was accepted at 08:30 Paris time (06:30 UTC): not held at start.
    assert rows(db, facts.ars, "period", JULY_AUGUST) == _approx([
        ("2026-07-01", 11, 8, 8 / 11, 9, 3), ("2026-08-01", 1, 0, 0.0, 0, 0),
    ])


def test_night_across_midnight_counts_in_the_period_of_its_start(facts, db):
    figures = stats.key_figures(db, scope(facts.ars, AUGUST), URGENT_NOW)
    assert (figures.posted, figures.filled, figures.needs) == (1, 0, 0)  # only N4's second slot, not N3
    assert figures.median_hours is None
    assert figures.establishments == 1


def test_sorting_by_rate_descending_then_key(facts, db):
    result = stats.breakdown(db, scope(facts.ars), "qualification", "rate", descending=True)
    assert [row.key for row in result] == ["AS", "ASH", "SC", "IDE", "AES"]


def test_ars_limited_to_his_departements(facts, db):
    figures = stats.key_figures(db, scope(facts.ars_44), URGENT_NOW)
    assert (figures.posted, figures.filled, figures.needs, figures.unfilled) == (5, 4, 5, 1)
    assert figures.median_hours == pytest.approx((24 + 144) / 2)  # N3 12, N10 24, N8 144, N4 312
    assert (figures.cancelled, figures.urgent, figures.establishments, figures.candidates) == (0, 1, 1, 3)
    assert rows(db, facts.ars_44, "departement") == _approx([("44", 5, 4, 0.8, 5, 1)])


def test_other_region_sees_only_its_own(facts, db):
    figures = stats.key_figures(db, scope(facts.ars_other), URGENT_NOW)
    assert (figures.posted, figures.filled, figures.needs, figures.unfilled) == (5, 2, 1, 1)
    assert (figures.urgent, figures.cancelled, figures.establishments, figures.candidates) == (0, 0, 1, 2)
    assert rows(db, facts.ars_other, "departement") == _approx([("35", 5, 2, 0.4, 1, 1)])


def test_admin_sees_every_region_or_the_one_he_picks(facts, db):
    everything = stats.key_figures(db, scope(facts.admin), URGENT_NOW)
    assert (everything.posted, everything.filled, everything.needs, everything.unfilled) == (16, 10, 10, 4)
    brittany = stats.key_figures(db, scope(facts.admin, region_code="53"), URGENT_NOW)
    assert (brittany.posted, brittany.filled) == (5, 2)


def test_ars_cannot_widen_his_scope_with_a_region(facts, db):
    figures = stats.key_figures(db, scope(facts.ars, region_code="53"), URGENT_NOW)
    assert (figures.posted, figures.filled) == (11, 8)


def test_only_slots_started_before_the_refresh_count(data, db):
    from datetime import datetime

    from services.stats_store import refresh

    refresh(db, datetime(2026, 7, 30, 4, 0))  # 06:00 in Paris: N4, N3 and N4's second slot not started yet
    db.commit()
    result = stats.key_figures(db, stats.scope_for(data.ars, *JULY, datetime(2026, 7, 30, 4, 0)), URGENT_NOW)
    assert (result.posted, result.filled, result.needs, result.unfilled) == (9, 6, 7, 3)
