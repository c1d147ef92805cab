"""Plan targets: contracts and people placed per month, against targets the ARS edits."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from models import AuditLog, PlanTarget
from models.enums import ApplicationState, AssignmentState, NeedKind, PlanIndicator, Public
from services import stats_targets
from tests.ars.conftest import login


def progress_of(db, user, region="52"):
    targets = stats_targets.targets_of(db, region)
    return {p.indicator: p for p in stats_targets.progress(db, user, region, targets)}


def hire(build, need, candidate, accepted, state=AssignmentState.ACCEPTED):
    application = build.application(need, candidate, state=ApplicationState.ACCEPTED)
    build.assignment(application, need.slots[0], state=state, accepted_at=accepted)


def test_progress_of_the_data_set(data, db):
    progress = progress_of(db, data.ars)
    # N9 (PEC contract, 10 Jul), N10 (civic, 21 Jul), the refugee on N3 (20 Jul), the student on
    # N1 (2 Jul; his N8 assignment is cancelled). Region 53's refugee is not counted.
    for indicator in PlanIndicator:
        assert [tuple(m) for m in progress[indicator].months] == [("2026-07-01", 1, 1)], indicator
        assert progress[indicator].achieved == 1
    assert progress[PlanIndicator.PEC].target == 500
    assert progress[PlanIndicator.PEC].share == 1 / 500
    assert progress_of(db, data.ars_other, "53")[PlanIndicator.REFUGEE].achieved == 1


def test_cumulative_per_month_within_the_target_period(data, build, db):
    second_pec = build.need(data.e1, slots=[(datetime(2026, 9, 1, 9), datetime(2027, 3, 1, 17))], kind=NeedKind.PEC,
                            qualification_code="ASH")
    hire(build, second_pec, build.candidate(public=Public.PEC), datetime(2026, 8, 3, 10))
    withdrawn = build.need(data.e1, slots=[(datetime(2026, 9, 2, 9), datetime(2027, 3, 2, 17))], kind=NeedKind.PEC,
                           qualification_code="ASH")
    hire(build, withdrawn, build.candidate(public=Public.PEC), datetime(2026, 8, 4, 10), AssignmentState.WITHDRAWN)
    last_year = build.need(data.e1, slots=[(datetime(2025, 12, 30, 8), datetime(2025, 12, 30, 16))])
    hire(build, last_year, build.candidate(public=Public.STUDENT), datetime(2025, 12, 20, 10))
    # 31 Dec 23:30 UTC is already 1 Jan in Paris: counted in January.
    new_year = build.need(data.e1, slots=[(datetime(2026, 1, 5, 8), datetime(2026, 1, 5, 16))])
    hire(build, new_year, build.candidate(public=Public.STUDENT), datetime(2025, 12, 31, 23, 30))
    build.commit()
    progress = progress_of(db, data.ars)
    assert [tuple(m) for m in progress[PlanIndicator.PEC].months] == [("2026-07-01", 1, 1), ("2026-08-01", 1, 2)]
    assert [tuple(m) for m in progress[PlanIndicator.STUDENT].months] == [("2026-01-01", 1, 1), ("2026-07-01", 1, 2)]


def test_page_shows_progress_and_definitions(data, client):
    login(client, data.ars)
    html = client.get("/ars/objectifs").get_data(as_text=True)
    assert "Contrats PEC signés" in html and "juillet 2026" in html
    assert "0,2\u00a0%" in html  # 1 of 500
    assert "Personnes réfugiées distinctes" in html


def test_ars_edits_the_targets_of_his_region(data, client, db):
    login(client, data.ars)
    response = client.post("/ars/objectifs", data={"pec": "450", "civic_service": "180", "refugee": "40",
                                                   "student": "0", "region": "53"})
    assert response.status_code == 302
    targets = {t.indicator: t.target for t in db.scalars(select(PlanTarget).where(PlanTarget.region_code == "52"))}
    assert targets == {PlanIndicator.PEC: 450, PlanIndicator.CIVIC_SERVICE: 180, PlanIndicator.REFUGEE: 40,
                       PlanIndicator.STUDENT: 0}
    brittany = db.scalar(select(PlanTarget).where(PlanTarget.region_code == "53", PlanTarget.indicator == PlanIndicator.PEC))
    assert brittany.target == 500  # the region field is ignored for an ARS user
    entry = db.scalar(select(AuditLog).where(AuditLog.action == "plan_target_change"))
    assert entry.actor_user_id == data.ars.id and entry.details["pec"] == 450


def test_bad_targets_show_french_errors(data, client, db):
    login(client, data.ars)
    response = client.post("/ars/objectifs", data={"pec": "beaucoup", "civic_service": "-3", "refugee": "",
                                                   "student": "12"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Saisissez un nombre entier, sans espace ni décimale." in html
    assert "Indiquez un nombre entre 0 et 1 000 000." in html
    assert "Indiquez un objectif." in html
    assert db.scalar(select(PlanTarget.target).where(PlanTarget.region_code == "52",
                                                     PlanTarget.indicator == PlanIndicator.STUDENT)) == 300


def test_missing_targets_take_the_plan_defaults(build, db):
    ars = build.ars_user("52")
    build.commit()
    targets = stats_targets.targets_of(db, "52", date(2026, 5, 1))
    assert {i: t.target for i, t in targets.items()} == {
        PlanIndicator.PEC: 500, PlanIndicator.CIVIC_SERVICE: 200, PlanIndicator.REFUGEE: 50, PlanIndicator.STUDENT: 300}
    assert targets[PlanIndicator.PEC].period_start == date(2026, 1, 1)
    assert all(p.achieved == 0 for p in stats_targets.progress(db, ars, "52", targets))


def test_admin_picks_the_region(data, client):
    login(client, data.admin)
    html = client.get("/ars/objectifs?region=53").get_data(as_text=True)
    assert '<option value="53" selected>' in html
    assert client.get("/ars/objectifs?region=99").status_code == 404
