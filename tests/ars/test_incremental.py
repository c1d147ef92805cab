"""An incremental refresh recomputes only the changed needs and gives exactly the tables of a
full rebuild (data set of conftest.py; changes: an assignment cancelled after its start, a late
acceptance, a need cancelled after its start, a night across midnight starting in between)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from models import Application, Assignment, Establishment, Need
from models.enums import ApplicationState, AssignmentState, NeedStatus
from models.stats import active_daily, held_stat, need_daily, need_stat, slot_stat, stat_daily
from services import stats
from services.stats_store import refresh
from tests.ars.conftest import FACTS_AT, JULY, URGENT_NOW, at

BEFORE = at(7, 1)  # every row of the data set was last written then
FIRST = datetime(2026, 7, 30, 4, 0)  # UTC, 06:00 in Paris: N4 (08:00), N3 (31 Jul) and N4's 2 Aug not started
CHANGED = FIRST + timedelta(hours=1)
DERIVED = (slot_stat, need_stat, held_stat, stat_daily, need_daily, active_daily)


def snapshot(db) -> dict:
    """Every row of every derived table, in a stable order (values compared exactly)."""
    return {table.name: sorted((tuple(row) for row in db.execute(select(table))),
                               key=lambda row: [(value is None, str(value)) for value in row])
            for table in DERIVED}


def stamp(db, model, *conditions, **values) -> None:
    db.execute(update(model).where(*conditions).values(updated_at=values.pop("updated_at", CHANGED), **values))


@pytest.fixture
def changed(data, build, db):
    """First refresh at FIRST, then the changes of the afternoon; returns the data set."""
    for model in (Need, Assignment, Establishment, Application):
        stamp(db, model, updated_at=BEFORE)
    db.commit()
    assert refresh(db, FIRST).full
    db.commit()
    n = data.needs
    pro2, refugee2 = (db.scalars(select(Application).where(Application.need_id == n[i].id).order_by(Application.id)).first()
                      .candidate for i in (2, 11))
    # N2 (10 Jul): pro2 cancels after the start; the position stays filled at the start.
    stamp(db, Assignment, Assignment.need_id == n[2].id, Assignment.candidate_id == pro2.id,
          state=AssignmentState.CANCELLED, ended_at=at(7, 29, 12))
    # N6 (20 Jul): accepted once started, refugee2 is active but the position unfilled at start.
    late = build.assignment(build.application(n[6], refugee2, state=ApplicationState.ACCEPTED), n[6].slots[0],
                            accepted_at=at(7, 30, 5))
    db.flush()
    stamp(db, Assignment, Assignment.id == late.id)
    stamp(db, Application, Application.id == late.application_id)
    # N7 (29 Jul 20:00): cancelled after its start.
    stamp(db, Need, Need.id == n[7].id, status=NeedStatus.CANCELLED, cancelled_at=at(7, 30, 3),
          cancel_reason="Annulé après coup")
    db.commit()
    return data


def test_incremental_refresh_recomputes_only_the_changed_needs(changed, db):
    result = refresh(db, FACTS_AT)
    db.commit()
    # N2, N6 (assignments), N7 (need), N3 and N4 (slots started since): 5 of the 11 started needs.
    assert (result.full, result.needs, result.slots) == (False, 5, 10)


def test_incremental_refresh_gives_the_tables_of_a_full_rebuild(changed, db):
    refresh(db, FACTS_AT)
    db.commit()
    incremental = snapshot(db)
    assert refresh(db, FACTS_AT, full=True).full
    db.commit()
    assert snapshot(db) == incremental


def test_figures_after_the_incremental_refresh(changed, db):
    refresh(db, FACTS_AT)
    db.commit()
    figures = stats.key_figures(db, stats.scope_for(changed.ars, *JULY, FACTS_AT), URGENT_NOW)
    # N7 leaves the rate: 10 posted, 8 filled; 8 needs started, unfilled at start N2 and N6.
    assert (figures.posted, figures.filled, figures.needs, figures.unfilled) == (10, 8, 8, 2)
    assert (figures.cancelled, figures.cancelled_positions) == (2, 4)  # N5 (3 positions) and N7 (1)
    # Student, pro2 (N4, N8), refugee, pec, civic, and refugee2 (late on N6).
    assert (figures.candidates, figures.establishments) == (6, 2)
    assert figures.median_hours == pytest.approx(47.0)


def test_a_refresh_without_changes_recomputes_nothing(changed, db):
    refresh(db, FACTS_AT)
    db.commit()
    before = snapshot(db)
    result = refresh(db, FACTS_AT + timedelta(hours=1))
    db.commit()
    assert (result.full, result.needs) == (False, 0)
    assert snapshot(db) == before


def test_a_clock_going_back_rebuilds_everything(changed, db):
    refresh(db, FACTS_AT)
    db.commit()
    result = refresh(db, FIRST)
    db.commit()
    assert result.full
    # Started before 06:00 on 30 Jul: N1, N2, N6, N8, N9, N10 and N11 (N7 cancelled since).
    assert result.slots == 7
