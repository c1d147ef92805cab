"""The profile wizard: each step, its French errors, and the profile it saves."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from models import CandidateProfile
from models.enums import Public, Role, WorkDocument

WIZARD = "/candidat/profil/etapes"
STEPS = [
    {"public": "student"},
    {"birth_date": "2004-03-09"},
    {"commune": "49000", "radius_km": "15"},
    {"qualification_codes": ["ASH"], "student_code": "ESI", "validated_years": "2", "qualification_text": "", "french_level": "B2"},
    {"work_authorization": "oui", "work_document": "student_permit", "driving_licence": "non"},
    {"prefers_nights": "y", "preferred_kinds": ["shift", "seasonal"]},
    {"consent_visible": "y", "consent_pool": "y"},
]


def _step(client, number, data):
    return client.post(f"{WIZARD}?etape={number}", data=data)


def test_the_wizard_saves_a_profile_after_the_last_step(client, build, login, db):
    user = build.user(Role.CANDIDATE)
    build.commit()
    login(user)
    for number, data in enumerate(STEPS, 1):
        response = _step(client, number, data)
        assert response.status_code == 302, (number, response.get_data(as_text=True)[:2000])
        if number < len(STEPS):
            assert response.headers["Location"].endswith(f"etape={number + 1}")
    assert response.headers["Location"].endswith("/candidat/disponibilites")
    profile = db.scalar(select(CandidateProfile).where(CandidateProfile.user_id == user.id))
    assert profile.public == Public.STUDENT
    assert profile.birth_date == date(2004, 3, 9)
    # 49000 is Angers: its coordinates and territory are copied into the profile.
    assert (profile.commune_code, profile.departement_code, profile.region_code) == ("49007", "49", "52")
    assert (profile.lat, profile.lon) == (profile.commune.lat, profile.commune.lon)
    assert profile.radius_km == 15
    assert sorted((q.code, q.validated_years) for q in profile.qualifications) == [("ASH", None), ("ESI", 2)]
    assert profile.french_level.value == "B2"
    assert profile.work_document == WorkDocument.STUDENT_PERMIT
    assert profile.driving_licence is False
    assert (profile.prefers_nights, profile.prefers_weekends) == (True, False)
    assert profile.preferred_kinds == ["shift", "seasonal"]
    assert (profile.consent_visible, profile.consent_pool, profile.consent_alerts) == (True, True, False)


def test_the_wizard_never_asks_for_nationality_birthplace_or_social_security(client, build, login):
    login(build.user(Role.CANDIDATE))
    build.commit()
    pages = "".join(client.get(f"{WIZARD}?etape={n}").get_data(as_text=True) for n in range(1, len(STEPS) + 1))
    for forbidden in ("nationalit", "lieu de naissance", "sécurité sociale"):
        assert f'name="{forbidden}' not in pages
    assert "Nationalité" not in pages
    assert "jamais votre nationalité" in pages  # the reassurance on the first step


def test_birth_date_in_the_future_is_refused_in_french(client, build, login):
    login(build.user(Role.CANDIDATE))
    build.commit()
    response = _step(client, 2, {"birth_date": "2999-01-01"})
    assert response.status_code == 422
    assert "La date de naissance ne peut pas être dans le futur." in response.get_data(as_text=True)


def test_implausible_birth_dates_are_refused(client, build, login):
    login(build.user(Role.CANDIDATE))
    build.commit()
    too_old = _step(client, 2, {"birth_date": "1900-01-01"}).get_data(as_text=True)
    assert "vérifiez l&#39;année" in too_old or "vérifiez l'année" in too_old
    too_young = _step(client, 2, {"birth_date": f"{date.today().year - 10}-01-01"}).get_data(as_text=True)
    assert "au moins 16 ans" in too_young


def test_unknown_commune_and_bad_radius_are_refused(client, build, login):
    login(build.user(Role.CANDIDATE))
    build.commit()
    response = _step(client, 3, {"commune": "Zzyzx-sur-Mer", "radius_km": "30"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Commune inconnue" in page
    assert "Choisissez un rayon parmi 5, 10, 15, 25, 50 ou 100 km." in page


def test_validated_years_out_of_range_or_missing_for_studies(client, build, login):
    login(build.user(Role.CANDIDATE))
    build.commit()
    out = _step(client, 4, {"student_code": "ESI", "validated_years": "12"}).get_data(as_text=True)
    assert "Indiquez un nombre d&#39;années entre 0 et 9." in out or "Indiquez un nombre d'années entre 0 et 9." in out
    missing = _step(client, 4, {"student_code": "ESI", "validated_years": ""}).get_data(as_text=True)
    assert "Indiquez le nombre d" in missing


def test_back_keeps_what_was_typed(client, build, login):
    login(build.user(Role.CANDIDATE))
    build.commit()
    _step(client, 1, STEPS[0])
    client.post(f"{WIZARD}?etape=2", data={"birth_date": "2001-02-03", "action": "back"})
    page = client.get(f"{WIZARD}?etape=2").get_data(as_text=True)
    assert 'value="2001-02-03"' in page


def test_profile_page_edits_the_profile(client, build, login, db):
    profile = build.candidate(commune_code="49007")
    build.commit()
    login(profile.user)
    page = client.get("/candidat/profil")
    assert page.status_code == 200
    assert "Angers" in page.get_data(as_text=True)
    data = {
        "public": "job_seeker", "birth_date": "1990-05-17", "commune": "Cholet", "radius_km": "50",
        "qualification_codes": ["AS"], "student_code": "", "validated_years": "", "french_level": "",
        "work_authorization": "oui", "work_document": "", "driving_licence": "oui", "consent_visible": "y",
    }
    response = client.post("/candidat/profil", data=data)
    assert response.status_code == 302
    db.expire_all()
    profile = db.get(CandidateProfile, profile.id)
    assert (profile.public, profile.commune_code, profile.radius_km, profile.driving_licence) == (Public.JOB_SEEKER, "49099", 50, True)
    assert [q.code for q in profile.qualifications] == ["AS"]
    assert profile.consent_pool is False


def test_work_document_is_dropped_without_right_to_work(client, build, login, db):
    profile = build.candidate(work_document=WorkDocument.RESIDENCE_CARD)
    build.commit()
    login(profile.user)
    data = {"public": "refugee", "birth_date": "1990-05-17", "commune": "49007", "radius_km": "25",
            "work_authorization": "non", "work_document": "residence_card", "driving_licence": "non"}
    assert client.post("/candidat/profil", data=data).status_code == 302
    db.expire_all()
    profile = db.get(CandidateProfile, profile.id)
    assert (profile.work_authorization, profile.work_document) == (False, None)


def test_wizard_starts_from_the_existing_profile(client, build, login):
    profile = build.candidate(qualifications=(("ESI", 2), ("ASH", None)), radius_km=50)
    build.commit()
    login(profile.user)
    place = client.get(f"{WIZARD}?etape=3").get_data(as_text=True)
    assert 'value="Angers (49000)"' in place
    assert 'value="50" checked' in place
    studies = client.get(f"{WIZARD}?etape=4").get_data(as_text=True)
    assert '<option selected value="ESI">' in studies and 'value="2"' in studies
    assert 'value="ASH" checked' in studies


def test_the_wizard_works_with_csrf_protection_on(app, client, build, login, db):
    import re

    app.config["WTF_CSRF_ENABLED"] = True
    user = build.user(Role.CANDIDATE)
    build.commit()
    login(user)
    for number, data in enumerate(STEPS, 1):
        page = client.get(f"{WIZARD}?etape={number}").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = _step(client, number, {**data, "csrf_token": token})
        assert response.status_code == 302, number
    assert db.scalar(select(CandidateProfile).where(CandidateProfile.user_id == user.id)) is not None
