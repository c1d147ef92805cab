"""The need page: ranked candidates, answers, invitations, close/cancel/reopen, outcomes."""

from datetime import datetime, timedelta

from sqlalchemy import select

from models import Application, Assignment, Need, Notification
from models.enums import ApplicationState, AssignmentState, NeedStatus


def page(client, need):
    return client.get(f"/etablissement/besoins/{need.id}").get_data(as_text=True)


def kinds(db):
    db.expire_all()
    return sorted(n.kind for n in db.scalars(select(Notification)))


def test_ranked_candidates_show_score_distance_and_reasons_without_contact(client, world, build, login):
    suggested = build.candidate(email="suggere@exemple.fr", commune_code="49015")
    build.commit()
    login(world.manager)
    html = page(client, world.need)
    assert "Candidats proposés" in html and "Score" in html
    assert "5,1 km" in html and "Aide-soignant(e) diplômé(e)" in html
    assert f"/inviter/{suggested.id}" in html
    assert "suggere@exemple.fr" not in html  # no contact before he shows interest
    assert world.candidate.user.email in html  # he applied: his contact is shown


def test_invite_in_one_click(client, db, world, build, login):
    profile = build.candidate()
    build.commit()
    login(world.manager)
    response = client.post(f"/etablissement/besoins/{world.need.id}/inviter/{profile.id}")
    assert response.status_code == 302
    invitation = db.scalar(select(Application).where(Application.candidate_id == profile.id))
    assert invitation.state == ApplicationState.INVITED
    assert kinds(db) == ["invited"]


def test_accept_some_slots_and_decline_another(client, db, world, build, login):
    second = world.need.slots[0].start + timedelta(days=3)
    need = build.need(world.establishment, slots=[(world.need.slots[0].start, world.need.slots[0].end),
                                                  (second, second + timedelta(hours=10))])
    first_app = build.application(need, build.candidate())
    other_app = build.application(need, build.candidate())
    build.commit()
    login(world.manager)
    response = client.post(f"/etablissement/candidatures/{first_app.id}/accepter",
                           data={"slot_ids": [str(need.slots[1].id)], "message": "Bienvenue"})
    assert response.status_code == 302
    client.post(f"/etablissement/candidatures/{other_app.id}/refuser", data={"message": "Déjà pourvu"})
    db.expire_all()
    booked = db.scalars(select(Assignment).where(Assignment.application_id == first_app.id)).all()
    assert [a.slot_id for a in booked] == [need.slots[1].id]
    assert db.get(Application, other_app.id).state == ApplicationState.DECLINED
    assert db.get(Application, other_app.id).manager_message == "Déjà pourvu"
    assert kinds(db) == ["accepted", "declined"]


def test_a_refused_booking_is_explained(client, db, world, build, login):
    login(world.manager)
    response = client.post(f"/etablissement/candidatures/{world.application.id}/accepter",
                           data={"slot_ids": ["999999"]}, follow_redirects=True)
    assert "Un des créneaux choisis est déjà complet" in response.get_data(as_text=True)
    assert db.scalars(select(Assignment)).all() == []


def test_cancel_requires_a_reason_then_tells_the_holders(client, db, world, build, login):
    booked = build.candidate(email="retenue@exemple.fr")
    application = build.application(world.need, booked, state=ApplicationState.ACCEPTED)
    build.assignment(application, world.need.slots[0])
    build.commit()
    login(world.manager)
    response = client.post(f"/etablissement/besoins/{world.need.id}/annuler", data={"reason": ""}, follow_redirects=True)
    assert "Indiquez le motif." in response.get_data(as_text=True)
    client.post(f"/etablissement/besoins/{world.need.id}/annuler", data={"reason": "Fermeture de l'unité"})
    db.expire_all()
    need = db.get(Need, world.need.id)
    assert (need.status, need.cancel_reason, need.slots[0].filled) == (NeedStatus.CANCELLED, "Fermeture de l'unité", 0)
    assert db.get(Application, world.application.id).state == ApplicationState.CANCELLED
    told = db.scalars(select(Notification).where(Notification.kind == "need_cancelled")).all()
    assert [n.to_email for n in told] == ["retenue@exemple.fr"] and "Fermeture de l'unité" in told[0].body


def test_close_then_reopen(client, db, world, login):
    login(world.manager)
    client.post(f"/etablissement/besoins/{world.need.id}/cloturer")
    db.expire_all()
    assert db.get(Need, world.need.id).status == NeedStatus.CLOSED
    client.post(f"/etablissement/besoins/{world.need.id}/rouvrir")
    db.expire_all()
    assert db.get(Need, world.need.id).status == NeedStatus.OPEN


def test_publish_a_draft(client, db, world, build, login):
    draft = build.need(world.establishment, status=NeedStatus.DRAFT)
    build.commit()
    login(world.manager)
    client.post(f"/etablissement/besoins/{draft.id}/publier")
    db.expire_all()
    assert db.get(Need, draft.id).status == NeedStatus.OPEN


def test_outcome_after_the_slot_with_reliability_and_note(client, db, world, build, login):
    past = datetime(2026, 10, 3, 21)
    need = build.need(world.establishment, slots=[(past, past + timedelta(hours=10))])
    application = build.application(need, world.candidate, state=ApplicationState.ACCEPTED)
    assignment = build.assignment(application, need.slots[0])
    build.commit()
    login(world.manager)
    assert "Mission réalisée" in page(client, need)
    bad = client.post(f"/etablissement/affectations/{assignment.id}/resultat", data={"outcome": "excellent"},
                      follow_redirects=True)
    assert bad.status_code == 200
    db.expire_all()
    assert db.get(Assignment, assignment.id).state == AssignmentState.ACCEPTED
    response = client.post(f"/etablissement/affectations/{assignment.id}/resultat",
                           data={"outcome": "no_show", "reliability": "2", "note": "Absent sans prévenir"})
    assert response.status_code == 302
    db.expire_all()
    stored = db.get(Assignment, assignment.id)
    assert (stored.state, stored.reliability, stored.professional_note) == (AssignmentState.NO_SHOW, 2, "Absent sans prévenir")


def test_cancel_one_booking_frees_the_position(client, db, world, build, login):
    assignment = build.assignment(world.application, world.need.slots[0])
    world.application.state = ApplicationState.ACCEPTED
    build.commit()
    login(world.manager)
    client.post(f"/etablissement/affectations/{assignment.id}/annuler", data={"reason": "Erreur de planning"})
    db.expire_all()
    assert db.get(Assignment, assignment.id).state == AssignmentState.CANCELLED
    assert db.get(Need, world.need.id).slots[0].filled == 0


def test_list_filters_by_status(client, world, build, login):
    draft = build.need(world.establishment, status=NeedStatus.DRAFT, title="Brouillon d'été")
    build.commit()
    login(world.manager)
    drafts = client.get("/etablissement/besoins?status=draft").get_data(as_text=True)
    assert f"/etablissement/besoins/{draft.id}\"" in drafts and f"/etablissement/besoins/{world.need.id}\"" not in drafts
    listing = client.get("/etablissement/besoins").get_data(as_text=True)
    assert "0 / 2" in listing and "Brouillon d&#39;été" in listing
    assert client.get("/etablissement/besoins?status=nimporte").status_code == 200
