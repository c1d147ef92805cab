"""The whole journey through the real pages: sign up, profile, availability, missions, apply."""

from __future__ import annotations

from sqlalchemy import select

from models import Application, User
from models.enums import ApplicationState
from tests.candidate.test_profile_wizard import STEPS, WIZARD


def test_from_sign_up_to_an_application(client, build, db):
    need = build.need(title="Renfort de nuit à Angers")
    build.commit()
    signup = client.post("/inscription/candidat", data={
        "first_name": "Awa", "last_name": "Diallo", "email": "awa.diallo@exemple.fr",
        "password": "une phrase assez longue", "password_confirm": "une phrase assez longue", "consent": "y",
    })
    assert signup.status_code == 302 and signup.headers["Location"].endswith(WIZARD)
    steps = [dict(step) for step in STEPS]
    steps[0] = {"public": "refugee"}
    steps[3] = {"qualification_codes": ["AS"], "student_code": "", "validated_years": "", "french_level": "B1"}
    steps[4] = {"work_authorization": "oui", "work_document": "refugee_receipt", "driving_licence": "non"}
    for number, data in enumerate(steps, 1):
        assert client.post(f"{WIZARD}?etape={number}", data=data).status_code == 302, number
    # Availability: the summer of the need (a period covering 12 July 2027).
    added = client.post("/candidat/disponibilites", data={"kind": "period", "start_date": "2027-07-01", "end_date": "2027-07-31"})
    assert added.status_code == 302
    missions = client.get("/candidat/missions").get_data(as_text=True)
    assert "Renfort de nuit à Angers" in missions
    assert client.post(f"/candidat/missions/{need.id}/postuler", data={"message": "Bonjour"}).status_code == 302
    user = db.scalar(select(User).where(User.email == "awa.diallo@exemple.fr"))
    application = db.scalar(select(Application).where(Application.need_id == need.id))
    assert application.candidate.user_id == user.id and application.state == ApplicationState.APPLIED
    assert "Candidature envoyée" in client.get("/candidat/candidatures").get_data(as_text=True)
