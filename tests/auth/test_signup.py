"""Sign-up of candidates and establishment managers."""

from __future__ import annotations

from sqlalchemy import func, select

from models import AuditLog, Establishment, User
from models.enums import Role, VerificationStatus

PASSWORD = "une phrase de passe solide"


def candidate_form(**overrides):
    data = {"first_name": "Awa", "last_name": "Diallo", "email": "awa.diallo@exemple.fr",
            "password": PASSWORD, "password_confirm": PASSWORD, "consent": "y"}
    data.update(overrides)
    return data


def establishment_form(**overrides):
    data = candidate_form(email="direction@chu-nantes.fr", first_name="Marc", last_name="Leroy")
    data.update({"name": "CHU de Nantes", "finess": "440000289", "siret": "", "type": "HOPITAL",
                 "sector": "public", "address": "5 allée de l'Île Gloriette", "commune": "Nantes"})
    data.update(overrides)
    return data


def test_candidate_signup_creates_the_account_logs_in_and_records_consent(client, db):
    response = client.post("/inscription/candidat", data=candidate_form(email=" Awa.Diallo@Exemple.fr "))
    assert response.status_code == 302
    user = db.scalar(select(User).where(User.email == "awa.diallo@exemple.fr"))
    assert user.role == Role.CANDIDATE
    assert (user.first_name, user.last_name) == ("Awa", "Diallo")
    assert user.password_hash.startswith("$argon2id$")
    actions = set(db.scalars(select(AuditLog.action).where(AuditLog.actor_user_id == user.id)))
    assert actions == {"signup", "privacy_consent"}
    # Logged in: the logout button is on the next page.
    assert "Se déconnecter" in client.get("/").get_data(as_text=True)


def test_candidate_signup_shows_field_errors_in_french(client, db):
    response = client.post("/inscription/candidat", data=candidate_form(
        password="court", password_confirm="autre", consent="", email="pas-une-adresse"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Le mot de passe doit comporter entre 12 et 128 caractères." in page
    assert "Les deux mots de passe ne sont pas identiques." in page
    assert "Vous devez accepter la notice de confidentialité" in page
    assert "Saisissez une adresse e-mail valide" in page
    assert "fr-input-group--error" in page
    assert db.scalar(select(User)) is None


def test_duplicate_email_gets_a_neutral_message(client, build, db):
    build.user(email="deja@exemple.fr")
    build.commit()
    response = client.post("/inscription/candidat", data=candidate_form(email="DEJA@exemple.fr"))
    assert response.status_code == 400
    assert ("Impossible de créer le compte avec cette adresse. Si vous avez déjà un compte, "
            "connectez-vous ou réinitialisez votre mot de passe.") in response.get_data(as_text=True)
    assert len(db.scalars(select(User)).all()) == 1


def test_duplicate_email_lost_race_is_not_a_500(client, db, build, monkeypatch):
    """Two sign-ups at once: the unique index decides, and the loser gets the same message."""
    from services import auth

    build.user(email="course@exemple.fr")
    build.commit()
    monkeypatch.setattr(auth, "find_user", lambda session, email: None)  # checked before the other commit
    response = client.post("/inscription/candidat", data=candidate_form(email="course@exemple.fr"))
    assert response.status_code == 400
    assert auth.EMAIL_TAKEN.replace("'", "&#39;") in response.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(User)) == 1


def test_establishment_signup_creates_a_pending_establishment_managed_by_the_user(client, db):
    response = client.post("/inscription/etablissement", data=establishment_form(siret="73282932000074"))
    assert response.status_code == 302, response.get_data(as_text=True)
    establishment = db.scalar(select(Establishment).where(Establishment.finess == "440000289"))
    assert establishment.verification_status == VerificationStatus.PENDING
    assert (establishment.commune_code, establishment.departement_code, establishment.region_code) == ("44109", "44", "52")
    assert establishment.siret == "73282932000074"
    assert [m.email for m in establishment.managers] == ["direction@chu-nantes.fr"]
    assert establishment.managers[0].role == Role.ESTABLISHMENT


def test_establishment_signup_refuses_a_wrong_finess_key(client, db):
    response = client.post("/inscription/etablissement", data=establishment_form(finess="440000288"))
    assert response.status_code == 400
    assert "La clé du numéro FINESS (dernier chiffre) est incorrecte" in response.get_data(as_text=True)
    assert db.scalar(select(Establishment)) is None
    assert db.scalar(select(User)) is None


def test_establishment_signup_checks_finess_departement_against_the_commune(client, db):
    response = client.post("/inscription/etablissement", data=establishment_form(commune="Angers"))
    assert response.status_code == 400
    assert ("Ce numéro FINESS appartient au département 44, mais l&#39;adresse est dans le département 49."
            in response.get_data(as_text=True))


def test_establishment_signup_refuses_an_unknown_commune(client, db):
    response = client.post("/inscription/etablissement", data=establishment_form(commune="Atlantis"))
    assert response.status_code == 400
    assert "Commune inconnue : saisissez un nom ou un code postal." in response.get_data(as_text=True)
    assert db.scalar(select(Establishment)) is None


def test_establishment_signup_refuses_a_wrong_siret(client, db):
    response = client.post("/inscription/etablissement", data=establishment_form(siret="73282932000075"))
    assert response.status_code == 400
    assert "La clé du numéro SIRET est incorrecte" in response.get_data(as_text=True)


def test_establishment_signup_refuses_a_finess_already_registered(client, build, db):
    build.establishment(commune_code="44109", finess="440000289")
    build.commit()
    response = client.post("/inscription/etablissement", data=establishment_form())
    assert response.status_code == 400
    assert "Un établissement avec ce numéro FINESS est déjà inscrit." in response.get_data(as_text=True)
    assert db.scalar(select(User)) is None


def test_signup_pages_render_dsfr_forms(client):
    for url in ("/inscription/candidat", "/inscription/etablissement"):
        page = client.get(url).get_data(as_text=True)
        assert 'class="fr-input"' in page
        assert 'href="/confidentialite"' in page
    assert 'data-autocomplete="communes"' in client.get("/inscription/etablissement").get_data(as_text=True)


def test_privacy_notice_states_retention_and_rights(client):
    page = client.get("/confidentialite").get_data(as_text=True)
    assert "2 ans" in page and "3 mois" in page
    assert "effacement" in page and "CNIL" in page
