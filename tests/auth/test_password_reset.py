"""Password reset through a real SMTP server on loopback."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from email.header import decode_header, make_header

from sqlalchemy import select

from models import AuditLog
from services import auth as accounts
from tests.smtp import SmtpServer

NEW_PASSWORD = "nouvelle phrase de passe"


def _reset_path(message) -> str:
    return re.search(r"http://127\.0\.0\.1:5000(/reinitialiser/\S+)", SmtpServer.body(message)).group(1)


def test_reset_mail_is_sent_and_the_link_works_once(client, auth, build, db, smtp_server):
    user = build.user(email="camille@exemple.fr", first_name="Camille")
    build.commit()
    response = client.post("/mot-de-passe-oublie", data={"email": "camille@exemple.fr"})
    assert response.status_code == 302
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "camille@exemple.fr"
    assert str(make_header(decode_header(message["Subject"]))) == "Relève : réinitialisation de votre mot de passe"
    assert SmtpServer.body(message).startswith("Bonjour Camille,")
    path = _reset_path(message)

    assert client.get(path).status_code == 200
    response = client.post(path, data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert response.status_code == 302
    db.refresh(user)
    assert user.session_version == 2
    assert auth.login("camille@exemple.fr", NEW_PASSWORD).status_code == 302
    assert db.scalar(select(AuditLog.action).where(AuditLog.action == "password_reset")) == "password_reset"

    # Used once: the password hash changed, so the same link is dead.
    second = client.post(path, data={"password": "encore une autre phrase", "password_confirm": "encore une autre phrase"})
    assert second.status_code == 400
    assert "Ce lien n'est plus valable" in second.get_data(as_text=True)


def test_unknown_email_gets_the_same_answer_and_no_mail(client, smtp_server):
    response = client.post("/mot-de-passe-oublie", data={"email": "personne@exemple.fr"}, follow_redirects=True)
    assert "Si un compte existe pour cette adresse" in response.get_data(as_text=True)
    assert smtp_server.messages == []


def test_known_email_answer_is_identical(client, build, smtp_server):
    build.user(email="camille@exemple.fr")
    build.commit()
    known = client.post("/mot-de-passe-oublie", data={"email": "camille@exemple.fr"})
    unknown = client.post("/mot-de-passe-oublie", data={"email": "personne@exemple.fr"})
    assert (known.status_code, known.headers["Location"]) == (unknown.status_code, unknown.headers["Location"])


def test_expired_token_is_refused(app, db, build):
    user = build.user(email="camille@exemple.fr")
    build.commit()
    issued = datetime(2027, 3, 1, 10, 0)
    max_age = app.config["PASSWORD_RESET_MAX_AGE"]
    with app.test_request_context():
        token = accounts.reset_token(user, issued)
        assert accounts.user_for_reset_token(db, token, issued + timedelta(seconds=max_age)) is user
        assert accounts.user_for_reset_token(db, token, issued + timedelta(seconds=max_age + 1)) is None


def test_tampered_token_is_refused(client, build, db, app):
    user = build.user(email="camille@exemple.fr")
    build.commit()
    with app.test_request_context():
        token = accounts.reset_token(user, datetime(2027, 3, 1, 10, 0))
    assert client.get(f"/reinitialiser/{token[:-2]}xx").status_code == 400
    assert client.get("/reinitialiser/n-importe-quoi").status_code == 400


def test_reset_form_checks_the_new_password(client, build, app):
    user = build.user(email="camille@exemple.fr")
    build.commit()
    from models import utcnow

    with app.test_request_context():
        token = accounts.reset_token(user, utcnow())
    response = client.post(f"/reinitialiser/{token}", data={"password": "court", "password_confirm": "court"})
    assert response.status_code == 400
    assert "Le mot de passe doit comporter entre 12 et 128 caractères." in response.get_data(as_text=True)


def test_mail_server_down_still_gives_the_neutral_answer(client, build):
    build.user(email="camille@exemple.fr")
    build.commit()
    response = client.post("/mot-de-passe-oublie", data={"email": "camille@exemple.fr"}, follow_redirects=True)
    assert response.status_code == 200
    assert "Si un compte existe pour cette adresse" in response.get_data(as_text=True)
