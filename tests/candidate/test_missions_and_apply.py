"""Missions ranked for him, the need page, applying (and being refused with the reason)."""

from __future__ import annotations

from sqlalchemy import select

from models import Application
from models.enums import ApplicationState, NeedKind, NeedStatus


def test_missions_lists_needs_with_why_they_fit(client, build, login):
    need = build.need(title="Nuit en unité Alzheimer")
    profile = build.candidate()
    build.commit()
    login(profile.user)
    page = client.get("/candidat/missions").get_data(as_text=True)
    assert "Nuit en unité Alzheimer" in page
    assert need.establishment.name in page
    assert "Disponible sur 1 créneau sur 1" in page
    assert f"/candidat/missions/{need.id}" in page


def test_missions_filters_by_kind_and_distance(client, build, login):
    build.need(title="Nuit en unité Alzheimer", establishment=build.establishment(commune_code="49099"))  # Cholet, ~50 km
    profile = build.candidate(radius_km=100)
    build.commit()
    login(profile.user)
    assert "Nuit en unité Alzheimer" in client.get("/candidat/missions").get_data(as_text=True)
    assert "Nuit en unité Alzheimer" not in client.get("/candidat/missions?kind=seasonal").get_data(as_text=True)
    assert "Nuit en unité Alzheimer" not in client.get("/candidat/missions?max_km=25").get_data(as_text=True)


def test_bad_filters_are_explained_not_crashing(client, build, login):
    profile = build.candidate()
    build.commit()
    login(profile.user)
    response = client.get("/candidat/missions?date_from=2027-08-01&date_to=2027-07-01&max_km=7")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "La date de fin doit être après la date de début." in page
    assert "Choisissez un rayon parmi" in page


def test_excluded_candidate_sees_why_and_cannot_apply(client, build, login, db):
    need = build.need()  # an AS post
    profile = build.candidate(qualifications=(("ASH", None),))
    build.commit()
    login(profile.user)
    page = client.get(f"/candidat/missions/{need.id}").get_data(as_text=True)
    assert "Vous ne pouvez pas postuler à cette mission" in page
    assert "Envoyer ma candidature" not in page
    response = client.post(f"/candidat/missions/{need.id}/postuler", data={"message": "Bonjour"})
    assert response.status_code == 409
    assert "Candidature impossible" in response.get_data(as_text=True)
    assert db.scalar(select(Application).where(Application.need_id == need.id)) is None


def test_apply_to_chosen_slots_with_a_message(client, build, login, db):
    need = build.need()
    profile = build.candidate()
    build.commit()
    login(profile.user)
    page = client.get(f"/candidat/missions/{need.id}").get_data(as_text=True)
    assert "Envoyer ma candidature" in page
    assert f'value="{need.slots[0].id}" checked' in page  # the slot is in his availability
    response = client.post(f"/candidat/missions/{need.id}/postuler",
                           data={"slot_ids": [str(need.slots[0].id)], "message": "Disponible toute la nuit."})
    assert response.status_code == 302
    application = db.scalar(select(Application).where(Application.need_id == need.id))
    assert (application.candidate_id, application.state) == (profile.id, ApplicationState.APPLIED)
    assert (application.slot_ids, application.message) == ([need.slots[0].id], "Disponible toute la nuit.")


def test_message_too_long_is_refused_in_french(client, build, login, db):
    need = build.need()
    profile = build.candidate()
    build.commit()
    login(profile.user)
    response = client.post(f"/candidat/missions/{need.id}/postuler", data={"message": "x" * 1001})
    assert response.status_code == 422
    assert "1 000 caractères au plus." in response.get_data(as_text=True)
    assert db.scalar(select(Application).where(Application.need_id == need.id)) is None


def test_closed_or_draft_needs_are_not_found(client, build, login):
    draft = build.need(status=NeedStatus.DRAFT)
    profile = build.candidate()
    build.commit()
    login(profile.user)
    assert client.get(f"/candidat/missions/{draft.id}").status_code == 404
    assert client.post(f"/candidat/missions/{draft.id}/postuler").status_code == 404
    assert client.get("/candidat/missions/999999").status_code == 404


def test_civic_service_volunteer_is_told_why_a_paid_shift_is_not_for_him(client, build, login):
    need = build.need(kind=NeedKind.SHIFT)
    profile = build.candidate(public="civic_service")
    build.commit()
    login(profile.user)
    page = client.get(f"/candidat/missions/{need.id}").get_data(as_text=True)
    assert "ne prend que des missions de service civique" in page
    assert "Envoyer ma candidature" not in page


def _queries_for(client, url):
    from sqlalchemy import event

    from extensions import db as database

    statements = []

    def count(*_args):
        statements.append(1)

    engine = database.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def test_missions_page_does_not_query_once_per_need(client, build, login, db):
    """Needs are read establishment by establishment, several establishments per query: more
    needs at the same establishments cost no more queries."""
    profile = build.candidate()
    places = [build.establishment(), build.establishment()]
    for place in places:
        build.need(establishment=place)
    build.commit()
    login(profile.user)
    one = _queries_for(client, "/candidat/missions")
    for place in places:
        for _ in range(4):
            build.need(establishment=place)
    build.commit()
    assert _queries_for(client, "/candidat/missions") == one


def test_applying_over_a_shift_he_already_holds_is_refused_with_the_reason(client, build, login, db):
    held = build.need(title="Nuit déjà prise")
    clash = build.need(title="Même nuit ailleurs")  # same default slot: 12 July 2027, 21:00–07:00
    profile = build.candidate()
    build.assignment(build.application(held, profile, state=ApplicationState.ACCEPTED), held.slots[0])
    build.commit()
    login(profile.user)
    page = client.get(f"/candidat/missions/{clash.id}").get_data(as_text=True)
    assert "Vous ne pouvez pas postuler à cette mission" in page
    response = client.post(f"/candidat/missions/{clash.id}/postuler", data={})
    assert response.status_code == 409
    assert "Candidature impossible" in response.get_data(as_text=True)
    assert db.scalar(select(Application).where(Application.need_id == clash.id)) is None


def test_slot_ids_that_are_not_numbers_are_refused_in_french(client, build, login):
    need = build.need()
    profile = build.candidate()
    build.commit()
    login(profile.user)
    response = client.post(f"/candidat/missions/{need.id}/postuler", data={"slot_ids": ["abc"]})
    assert response.status_code == 422
    assert "fr-error-text" in response.get_data(as_text=True)
