"""His applications: states, withdraw, invitations, contact once accepted, the .ics file."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from models import Application, Assignment
from models.enums import ApplicationOrigin, ApplicationState, AssignmentState
from services.calendar_ics import calendar, escape, fold

PAGE = "/candidat/candidatures"


def _contact_establishment(build):
    return build.establishment(address="3 rue Pasteur", contact_email="accueil@ehpad-tilleuls.fr", contact_phone="0241000000")


def test_contact_is_shown_only_once_accepted(client, build, login):
    establishment = _contact_establishment(build)
    need = build.need(establishment=establishment)
    profile = build.candidate()
    application = build.application(need, profile)
    build.commit()
    login(profile.user)
    page = client.get(PAGE).get_data(as_text=True)
    assert "Candidature envoyée" in page
    assert "accueil@ehpad-tilleuls.fr" not in page and "3 rue Pasteur" not in page
    application.state = ApplicationState.ACCEPTED
    build.assignment(application, need.slots[0])
    build.commit()
    page = client.get(PAGE).get_data(as_text=True)
    assert "accueil@ehpad-tilleuls.fr" in page and "3 rue Pasteur" in page and "0241000000" in page
    assert "Mes prochaines missions" in page and "calendrier.ics" in page


def test_withdraw_his_application(client, build, login, db):
    need = build.need()
    profile = build.candidate()
    application = build.application(need, profile)
    build.commit()
    login(profile.user)
    assert client.post(f"{PAGE}/{application.id}/retirer").status_code == 302
    db.expire_all()
    assert db.get(Application, application.id).state == ApplicationState.WITHDRAWN


def test_withdraw_an_accepted_application_frees_the_position(client, build, login, db):
    need = build.need()
    profile = build.candidate()
    application = build.application(need, profile, state=ApplicationState.ACCEPTED)
    assignment = build.assignment(application, need.slots[0])
    build.commit()
    login(profile.user)
    assert client.post(f"{PAGE}/{application.id}/retirer").status_code == 302
    db.expire_all()
    assert db.get(Assignment, assignment.id).state == AssignmentState.WITHDRAWN
    assert need.slots[0].filled == 0


def test_another_candidates_application_is_not_found(client, build, login, db):
    need = build.need()
    mine, other = build.candidate(), build.candidate()
    theirs = build.application(need, other)
    build.commit()
    login(mine.user)
    assert client.post(f"{PAGE}/{theirs.id}/retirer").status_code == 404
    assert client.post(f"{PAGE}/{theirs.id}/repondre", data={"reponse": "accepter"}).status_code == 404
    assert "Vacation de nuit" not in client.get(PAGE).get_data(as_text=True)
    db.expire_all()
    assert db.get(Application, theirs.id).state == ApplicationState.APPLIED


def test_accept_an_invitation_books_the_slot(client, build, login, db):
    need = build.need()
    profile = build.candidate()
    application = build.application(need, profile, state=ApplicationState.INVITED, origin=ApplicationOrigin.INVITATION)
    build.commit()
    login(profile.user)
    page = client.get(PAGE).get_data(as_text=True)
    assert "Invitation reçue" in page and 'value="accepter"' in page
    assert client.post(f"{PAGE}/{application.id}/repondre", data={"reponse": "accepter"}).status_code == 302
    db.expire_all()
    assert db.get(Application, application.id).state == ApplicationState.ACCEPTED
    booked = db.scalars(select(Assignment).where(Assignment.application_id == application.id)).all()
    assert [(a.slot_id, a.state) for a in booked] == [(need.slots[0].id, AssignmentState.ACCEPTED)]


def test_decline_an_invitation(client, build, login, db):
    need = build.need()
    profile = build.candidate()
    application = build.application(need, profile, state=ApplicationState.INVITED, origin=ApplicationOrigin.INVITATION)
    build.commit()
    login(profile.user)
    assert client.post(f"{PAGE}/{application.id}/repondre", data={"reponse": "refuser"}).status_code == 302
    db.expire_all()
    assert db.get(Application, application.id).state == ApplicationState.DECLINED
    assert db.scalar(select(Assignment).where(Assignment.application_id == application.id)) is None


def test_answering_twice_is_refused_with_the_reason(client, build, login):
    need = build.need()
    profile = build.candidate()
    application = build.application(need, profile, state=ApplicationState.DECLINED, origin=ApplicationOrigin.INVITATION)
    build.commit()
    login(profile.user)
    response = client.post(f"{PAGE}/{application.id}/repondre", data={"reponse": "accepter"}, follow_redirects=True)
    assert "Cette invitation n&#39;attend plus de réponse." in response.get_data(as_text=True) \
        or "Cette invitation n'attend plus de réponse." in response.get_data(as_text=True)
    assert client.post(f"{PAGE}/{application.id}/repondre", data={"reponse": "peut-être"}).status_code == 400


def test_ics_download_of_upcoming_assignments(client, build, login):
    establishment = _contact_establishment(build)
    need = build.need(establishment=establishment, title="Nuit, étage 2")
    profile = build.candidate()
    application = build.application(need, profile, state=ApplicationState.ACCEPTED)
    assignment = build.assignment(application, need.slots[0])
    build.commit()
    login(profile.user)
    response = client.get(f"{PAGE}/calendrier.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    body = response.get_data(as_text=True)
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert body.endswith("END:VCALENDAR\r\n")
    assert "\n" not in body.replace("\r\n", "")  # every line ends with CRLF
    # 12 July 2027 21:00–07:00 in Paris (UTC+2) is 19:00–05:00 UTC.
    assert "DTSTART:20270712T190000Z\r\n" in body and "DTEND:20270713T050000Z\r\n" in body
    assert f"UID:affectation-{assignment.id}@" in body
    unfolded = body.replace("\r\n ", "")
    assert f"SUMMARY:Nuit\\, étage 2 — {establishment.name}\r\n" in unfolded
    assert "LOCATION:3 rue Pasteur\\, Angers\r\n" in unfolded


def test_ics_text_escaping_and_folding():
    assert escape("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"
    lines = fold("DESCRIPTION:" + "é" * 60)
    assert all(len(line.encode()) <= 75 for line in lines)
    assert [line[1:] if i else line for i, line in enumerate(lines)] and "".join(
        line[1:] if i else line for i, line in enumerate(lines)) == "DESCRIPTION:" + "é" * 60
    winter = calendar([{"uid": "x", "start": datetime(2027, 1, 10, 8), "end": datetime(2027, 1, 10, 12), "summary": "s"}],
                      now=datetime(2026, 12, 1, 9, 30), domain="releve.test")
    assert "DTSTART:20270110T070000Z\r\n" in winter and "DTSTAMP:20261201T093000Z\r\n" in winter
