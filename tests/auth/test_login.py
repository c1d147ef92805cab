"""Login, logout, safe redirects, lockout."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from flask import g
from sqlalchemy import select

from models import AuditLog
from models.enums import Role
from services import auth as accounts
from views.auth import safe_next_url

NEUTRAL = accounts.LOGIN_FAILED.replace("'", "&#39;")


def test_login_sets_last_login_records_audit_and_lands_on_the_role_home(client, auth, build, db):
    admin = build.user(Role.ADMIN, email="admin@exemple.fr")
    build.commit()
    response = auth.login("ADMIN@exemple.fr ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"
    db.refresh(admin)
    assert admin.last_login_at is not None
    entry = db.scalar(select(AuditLog).where(AuditLog.action == "login"))
    assert entry.actor_user_id == admin.id


def test_login_renews_the_session(client, auth, build):
    build.user(email="camille@exemple.fr")
    build.commit()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    auth.login("camille@exemple.fr")
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"].endswith(":1")


def test_wrong_password_and_unknown_email_get_the_same_answer(client, auth, build, db):
    user = build.user(email="camille@exemple.fr")
    build.commit()
    wrong = auth.login("camille@exemple.fr", "mauvais mot de passe")
    unknown = auth.login("personne@exemple.fr", "mauvais mot de passe")
    assert wrong.status_code == unknown.status_code == 400
    assert NEUTRAL in wrong.get_data(as_text=True)
    assert NEUTRAL in unknown.get_data(as_text=True)
    db.refresh(user)
    assert user.failed_logins == 1


def test_ten_failures_lock_the_account_with_the_same_message(app, db, build, auth):
    user = build.user(email="camille@exemple.fr")
    build.commit()
    for _ in range(10):
        auth.login("camille@exemple.fr", "mauvais mot de passe")
    db.refresh(user)
    assert user.locked_until is not None
    # Even the right password is refused while locked, with the neutral message.
    response = auth.login("camille@exemple.fr")
    assert response.status_code == 400
    assert NEUTRAL in response.get_data(as_text=True)
    assert db.scalar(select(AuditLog.action).where(AuditLog.action == "account_locked")) == "account_locked"


def test_lock_lasts_fifteen_minutes(app, db, build):
    user = build.user(email="camille@exemple.fr")
    build.commit()
    start = datetime(2027, 1, 4, 9, 0)
    with app.test_request_context():
        for _ in range(10):
            assert accounts.authenticate(db, "camille@exemple.fr", "faux", start) is None
        assert user.locked_until == start + timedelta(minutes=15)
        assert accounts.authenticate(db, "camille@exemple.fr", "Mot-de-passe-2026", start + timedelta(minutes=14)) is None
        assert accounts.authenticate(db, "camille@exemple.fr", "Mot-de-passe-2026", start + timedelta(minutes=15, seconds=1)) is user
        assert user.failed_logins == 0


def test_deactivated_account_cannot_log_in(auth, build):
    build.user(email="parti@exemple.fr", active=False)
    build.commit()
    response = auth.login("parti@exemple.fr")
    assert NEUTRAL in response.get_data(as_text=True)


def test_logout_is_post_only_and_kills_the_old_cookie(client, auth, build, db):
    admin = build.user(Role.ADMIN, email="admin@exemple.fr")
    build.commit()
    auth.login("admin@exemple.fr")
    assert client.get("/admin/").status_code == 200
    with client.session_transaction() as session:
        stolen = dict(session)
    assert client.get("/deconnexion").status_code == 405
    assert auth.logout().status_code == 302
    db.refresh(admin)
    assert admin.session_version == 2
    assert db.scalar(select(AuditLog.action).where(AuditLog.action == "logout")) == "logout"
    with client.session_transaction() as session:
        session.update(stolen)  # replay the cookie captured before logout
    g.pop("_login_user", None)  # the db fixture's app context is shared: forget the user cached in g
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/connexion")


def test_login_follows_a_safe_next(client, auth, build):
    build.user(Role.ADMIN, email="admin@exemple.fr")
    build.commit()
    response = client.post("/connexion?next=/admin/audit", data={"email": "admin@exemple.fr", "password": "Mot-de-passe-2026"})
    assert response.headers["Location"] == "/admin/audit"


def test_login_ignores_an_offsite_next(client, build):
    build.user(Role.ADMIN, email="admin@exemple.fr")
    build.commit()
    response = client.post("/connexion?next=https://evil.example/", data={"email": "admin@exemple.fr", "password": "Mot-de-passe-2026"})
    assert response.headers["Location"] == "/admin/"


@pytest.mark.parametrize("target, expected", [
    ("/candidat/missions?page=2", "/candidat/missions?page=2"),
    ("//evil.example/", None),
    ("/\\evil.example", None),
    ("https://evil.example/", None),
    ("javascript:alert(1)", None),
    ("/ok\r\nSet-Cookie: x=1", None),
    ("", None),
    (None, None),
])
def test_safe_next_url(target, expected):
    assert safe_next_url(target) == expected


def test_anonymous_user_is_sent_to_login_with_next(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/connexion?next=%2Fadmin%2F"


def test_login_page_has_the_expected_field_names(client):
    page = client.get("/connexion").get_data(as_text=True)
    assert 'name="email"' in page and 'name="password"' in page
