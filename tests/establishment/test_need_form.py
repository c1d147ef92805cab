"""Posting a need: slot patterns, kind rules, drafts, publication, duplication."""

from datetime import datetime

import pytest
from sqlalchemy import select

from models import Need
from models.enums import NeedStatus, Sector, VerificationStatus

BASE = {"kind": "shift", "qualification": "AS", "slot_mode": "single", "date": "2027-07-12", "start_time": "21:00",
        "end_time": "07:00", "positions": "2", "nurse_on_duty": "y", "action": "publish"}


@pytest.fixture
def manager(build, login):
    user = build.manager()
    build.commit()
    login(user)
    return user


def post(client, manager, **changes):
    data = dict(BASE, establishment=str(manager.establishments[0].id), **changes)
    return client.post("/etablissement/besoins/nouveau", data={k: v for k, v in data.items() if v is not None})


def saved(db):
    db.expire_all()
    return db.scalars(select(Need)).all()


def slots_of(need):
    return [(s.start, s.end, s.positions) for s in need.slots]


def test_a_night_shift_is_published_and_ends_the_next_morning(client, db, manager):
    response = post(client, manager)
    [need] = saved(db)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/etablissement/besoins/{need.id}")
    assert need.status == NeedStatus.OPEN and need.published_at is not None
    assert slots_of(need) == [(datetime(2027, 7, 12, 21), datetime(2027, 7, 13, 7), 2)]
    assert (need.first_start, need.last_end) == (datetime(2027, 7, 12, 21), datetime(2027, 7, 13, 7))


def test_several_dates_at_once(client, db, manager):
    post(client, manager, slot_mode="dates", dates="14/07/2027, 16/07/2027\n2027-07-20", start_time="07:00",
         end_time="14:30", date=None)
    [need] = saved(db)
    assert [s.start for s in need.slots] == [datetime(2027, 7, 14, 7), datetime(2027, 7, 16, 7), datetime(2027, 7, 20, 7)]
    assert need.slots[0].end == datetime(2027, 7, 14, 14, 30)


def test_every_saturday_night_in_july_and_august(client, db, manager):
    response = client.post("/etablissement/besoins/nouveau", data={
        **BASE, "establishment": str(manager.establishments[0].id), "slot_mode": "weekly",
        "start_date": "2027-07-01", "end_date": "2027-08-31", "weekdays": "5", "date": ""})
    assert response.status_code == 302
    [need] = saved(db)
    saturdays = [3, 10, 17, 24, 31]
    expected = [datetime(2027, 7, d, 21) for d in saturdays] + [datetime(2027, 8, d, 21) for d in (7, 14, 21, 28)]
    assert [s.start for s in need.slots] == expected
    assert need.last_end == datetime(2027, 8, 29, 7)


def test_draft_is_kept_unpublished(client, db, manager):
    post(client, manager, action="draft")
    [need] = saved(db)
    assert need.status == NeedStatus.DRAFT and need.published_at is None


@pytest.mark.parametrize("changes,field_message", [
    ({"date": "2020-01-10"}, "Un créneau est déjà passé"),
    ({"date": "12/13/2027"}, "N&#39;est pas une date valide."),
    ({"start_time": ""}, "Indiquez l&#39;heure de début et l&#39;heure de fin."),
    ({"slot_mode": "dates", "dates": "demain"}, "« demain » n&#39;est pas une date au format JJ/MM/AAAA."),
    ({"slot_mode": "weekly", "start_date": "2027-07-01", "end_date": "2027-07-31"}, "Cochez au moins un jour"),
    ({"positions": "0"}, "Indiquez entre 1 et 50 postes."),
    ({"kind": "seasonal"}, "Pour un contrat, indiquez une période"),
    ({"qualification": "SC"}, "Une mission de service civique a pour qualification"),
])
def test_bad_input_shows_the_form_again_with_french_errors(client, db, manager, changes, field_message):
    response = post(client, manager, **changes)
    assert response.status_code == 400
    assert field_message in response.get_data(as_text=True)
    assert saved(db) == []


CONTRACT = {"slot_mode": "period", "date": None, "start_time": None, "end_time": None}


@pytest.mark.parametrize("kind,hours,start,end,message", [
    ("pec", "19", "2027-09-01", "2028-02-29", "Un contrat PEC compte au moins 20 h par semaine."),
    ("pec", "20", "2027-09-01", "2028-02-28", "Un contrat PEC dure au moins 6 mois."),
    ("civic_service", "23", "2027-09-01", "2028-02-29", "de 24 à 48 h par semaine"),
    ("civic_service", "24", "2027-09-01", "2028-09-01", "dure de 6 à 12 mois"),
])
def test_kind_limits(client, db, manager, kind, hours, start, end, message):
    qualification = "SC" if kind == "civic_service" else "ASH"
    response = post(client, manager, kind=kind, qualification=qualification, weekly_hours=hours, start_date=start,
                    end_date=end, **CONTRACT)
    assert response.status_code == 400 and message in response.get_data(as_text=True)


@pytest.mark.parametrize("kind,hours,end", [("pec", "20", "2028-02-29"), ("civic_service", "48", "2028-08-31")])
def test_kind_limits_reached_exactly_are_accepted(client, db, manager, kind, hours, end):
    qualification = "SC" if kind == "civic_service" else "ASH"
    response = post(client, manager, kind=kind, qualification=qualification, weekly_hours=hours,
                    start_date="2027-09-01", end_date=end, **CONTRACT)
    assert response.status_code == 302
    [need] = saved(db)
    assert slots_of(need) == [(datetime(2027, 9, 1), datetime.combine(datetime(2028, 3, 1) if kind == "pec" else
                                                                      datetime(2028, 9, 1), datetime.min.time()), 2)]


def test_pec_and_civic_service_are_refused_to_a_private_establishment(client, db, build, login):
    user = build.manager()
    user.establishments[0].sector = Sector.PRIVATE
    build.commit()
    login(user)
    response = post(client, user, kind="pec", qualification="ASH", weekly_hours="25", start_date="2027-09-01",
                    end_date="2028-03-31", **CONTRACT)
    assert response.status_code == 400
    assert "réservé aux établissements publics ou privés non lucratifs" in response.get_data(as_text=True)


def test_unverified_establishment_keeps_a_draft_and_is_told_why(client, db, build, login):
    user = build.manager()
    user.establishments[0].verification_status = VerificationStatus.PENDING
    build.commit()
    login(user)
    response = post(client, user)
    [need] = saved(db)
    assert need.status == NeedStatus.DRAFT
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "pas encore validé par l&#39;ARS" in page


def test_another_managers_establishment_cannot_be_chosen(client, db, build, manager):
    other = build.manager()
    build.commit()
    response = post(client, other)  # the other manager's establishment id, posted by ``manager``
    assert response.status_code == 400 and "Choisissez un de vos établissements." in response.get_data(as_text=True)
    assert saved(db) == []


def test_duplicate_opens_the_form_prefilled(client, db, build, manager):
    need = build.need(manager.establishments[0], qualification_code="IDE", pay="Grille FPH", title="Nuit IDE")
    build.commit()
    page = client.get(f"/etablissement/besoins/{need.id}/dupliquer").get_data(as_text=True)
    assert 'value="Nuit IDE"' in page and 'value="Grille FPH"' in page
    assert '<option selected value="IDE">' in page and f'name="duplicated_from" type="hidden" value="{need.id}"' in page
