"""Login and password-reset rate limits (turned on here; the app fixture turns them off)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from models import RateLimitHit
from services import rate_limit


@pytest.fixture(autouse=True)
def _fast_password_check(monkeypatch):
    """Every attempt here is a wrong password: skip argon2's deliberate slowness."""
    monkeypatch.setattr("services.auth.verify_password", lambda user, password: False)


@pytest.fixture
def limited(app):
    app.config["RATELIMIT_ENABLED"] = True
    return app


def _login(client, email, ip="203.0.113.7"):
    return client.post("/connexion", data={"email": email, "password": "mauvais mot de passe"},
                       environ_base={"REMOTE_ADDR": ip})


def test_eleventh_login_attempt_on_one_email_is_refused_with_a_french_429(limited, client):
    statuses = [_login(client, "cible@exemple.fr").status_code for _ in range(10)]
    assert statuses == [400] * 10
    response = _login(client, "cible@exemple.fr", ip="198.51.100.9")  # another IP: the e-mail counter decides
    assert response.status_code == 429
    assert "Trop de tentatives" in response.get_data(as_text=True)


def test_login_limit_does_not_reveal_whether_the_email_exists(limited, client, build):
    build.user(email="existe@exemple.fr")
    build.commit()
    for email in ("existe@exemple.fr", "inconnu@exemple.fr"):
        for _ in range(10):
            _login(client, email, ip=f"192.0.2.{len(email)}")
    known = _login(client, "existe@exemple.fr", ip="192.0.2.200")
    unknown = _login(client, "inconnu@exemple.fr", ip="192.0.2.201")
    assert known.status_code == unknown.status_code == 429
    assert known.get_data() == unknown.get_data()


def test_thirty_first_login_attempt_from_one_ip_is_refused(limited, client):
    statuses = [_login(client, f"personne{n}@exemple.fr").status_code for n in range(30)]
    assert statuses == [400] * 30
    assert _login(client, "encore@exemple.fr").status_code == 429
    assert _login(client, "encore@exemple.fr", ip="203.0.113.8").status_code == 400


def test_sixth_reset_request_for_one_email_is_refused(limited, client):
    answers = [client.post("/mot-de-passe-oublie", data={"email": "cible@exemple.fr"},
                           environ_base={"REMOTE_ADDR": f"198.51.100.{n}"}).status_code for n in range(6)]
    assert answers == [302] * 5 + [429]


def test_sixth_reset_request_from_one_ip_is_refused(limited, client):
    answers = [client.post("/mot-de-passe-oublie", data={"email": f"p{n}@exemple.fr"}).status_code for n in range(6)]
    assert answers == [302] * 5 + [429]


def test_forty_first_signup_from_one_ip_in_an_hour_is_refused(limited, client, monkeypatch):
    """A class of students behind one school network can all sign up; a script cannot go on."""
    monkeypatch.setattr("services.auth.hash_password", lambda password: "not-hashed-in-this-test")

    def signup(n, ip="203.0.113.50"):
        return client.post("/inscription/candidat", environ_base={"REMOTE_ADDR": ip}, data={
            "first_name": "Awa", "last_name": "Diallo", "email": f"eleve{n}@exemple.fr",
            "password": "Un mot de passe solide 2026", "password_confirm": "Un mot de passe solide 2026",
            "consent": "y"})

    statuses = [signup(n).status_code for n in range(40)]
    assert statuses == [302] * 40
    refused = signup(40)
    assert refused.status_code == 429 and "Trop de tentatives" in refused.get_data(as_text=True)
    assert signup(41, ip="203.0.113.51").status_code == 302


def test_counters_use_fixed_windows_and_hold_no_email_in_clear(limited, db):
    start = datetime(2027, 5, 3, 10, 0)
    with limited.test_request_context():
        allowed = [rate_limit.hit(rate_limit.LOGIN_PER_EMAIL, "cible@exemple.fr", start + timedelta(seconds=n)) for n in range(11)]
        assert allowed == [True] * 10 + [False]
        assert rate_limit.hit(rate_limit.LOGIN_PER_EMAIL, "cible@exemple.fr", start + timedelta(minutes=15)) is True
    keys = db.scalars(select(RateLimitHit.key)).all()
    assert len(keys) == 1  # the old window of this key was deleted
    assert "cible" not in keys[0]
    assert db.scalar(select(func.sum(RateLimitHit.count))) == 1


def test_window_start_is_aligned():
    limit = rate_limit.Limit("x", 1, 900)
    assert rate_limit.window_start(limit, datetime(2027, 5, 3, 10, 14, 59)) == datetime(2027, 5, 3, 10, 0)
    assert rate_limit.window_start(limit, datetime(2027, 5, 3, 10, 15, 0)) == datetime(2027, 5, 3, 10, 15)


def test_limits_are_off_when_disabled(app, client):
    assert app.config["RATELIMIT_ENABLED"] is False
    statuses = {_login(client, "cible@exemple.fr").status_code for _ in range(11)}
    assert statuses == {400}


def test_shared_storage_of_the_limits_library_is_used_when_configured(limited, client):
    """With REDIS_URL the counters live in the `limits` storage (memory:// stands in for Redis here)."""
    limited.config["REDIS_URL"] = "memory://"
    answers = [client.post("/mot-de-passe-oublie", data={"email": "cible@exemple.fr"}).status_code for _ in range(6)]
    assert answers == [302] * 5 + [429]
    from extensions import db

    with limited.app_context():
        assert db.session.scalar(select(func.count()).select_from(RateLimitHit)) == 0
