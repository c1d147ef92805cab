"""The refresh-ars-stats command rebuilds the facts the dashboard reads (idempotent)."""

from __future__ import annotations

from sqlalchemy import func, select

from services.stats_store import last_refresh, slot_stat


def test_command_rebuilds_the_facts_and_records_its_time(data, runner, db):
    assert last_refresh(db) is None
    result = runner.invoke(args=["refresh-ars-stats"])
    assert result.exit_code == 0, result.output
    # Published, non-cancelled slots: the 9 of July in region 52, N4's second one and N11.
    assert "11 créneaux calculés" in result.output
    assert runner.invoke(args=["refresh-ars-stats"]).exit_code == 0
    db.rollback()
    assert db.scalar(select(func.count()).select_from(slot_stat)) == 11
    assert last_refresh(db) is not None


def test_later_runs_are_incremental_unless_full_is_asked(data, runner):
    assert "(calcul complet)" in runner.invoke(args=["refresh-ars-stats"]).output  # first run
    # The data set was written just before the first run, within the 30-minute margin: the 11
    # started slots' needs are all recomputed, but incrementally.
    assert "11 créneaux calculés" in (second := runner.invoke(args=["refresh-ars-stats"]).output)
    assert "(incrémental, " in second
    assert "(calcul complet)" in runner.invoke(args=["refresh-ars-stats", "--full"]).output
