"""Security headers on every kind of response, cookie flags, HTTPS redirect in production."""

from __future__ import annotations

import re

import pytest

from app import create_app

CSP_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "style-src-attr": "'unsafe-inline'",  # the DSFR's JavaScript sets style attributes
    "img-src": "'self' data:",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
}


def parse_csp(header: str) -> dict[str, str]:
    directives = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        directives[name] = value.strip()
    return directives


def assert_security_headers(response):
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["X-Frame-Options"] == "DENY"
    csp = parse_csp(headers["Content-Security-Policy"])
    for name, value in CSP_DIRECTIVES.items():
        assert csp[name] == value, name
    relaxed = [name for name, value in csp.items() if "unsafe" in value]
    assert relaxed == ["style-src-attr"]  # never for scripts, nor for style elements


@pytest.mark.parametrize("path, status", [("/", 200), ("/healthz", 200), ("/nulle-part", 404)])
def test_headers_on_pages_and_error_pages(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert_security_headers(response)


def test_headers_on_405_and_500_pages(app, client):
    @app.get("/_boom")
    def boom():
        raise RuntimeError("boom")

    assert_security_headers(client.get("/_boom"))
    not_allowed = client.delete("/")
    assert not_allowed.status_code == 405
    assert "Action impossible" in not_allowed.get_data(as_text=True)
    assert_security_headers(not_allowed)


def test_error_500_is_french_without_traceback(app, client):
    @app.get("/_boom")
    def boom():
        raise RuntimeError("boom")

    response = client.get("/_boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Erreur du service" in body
    assert "Traceback" not in body and "RuntimeError" not in body


def test_base_template_has_no_inline_script_or_handler(client):
    body = client.get("/").get_data(as_text=True)


    scripts = re.findall(r"<script\b[^>]*>", body)
    assert scripts, "the DSFR scripts are expected"
    assert all("src=" in tag for tag in scripts)
    assert not re.search(r"\son[a-z]+\s*=", body)
    assert "style=" not in body


def _session_cookie(response) -> str:
    cookies = [value for value in response.headers.getlist("Set-Cookie") if value.startswith("releve_session=")]
    assert len(cookies) == 1
    return cookies[0]


def _add_session_route(app):
    from flask import session

    @app.get("/_session")
    def set_session():
        session["seen"] = True
        return "ok"


def test_session_cookie_is_httponly_and_lax_in_tests(app, client):
    _add_session_route(app)
    cookie = _session_cookie(client.get("/_session"))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # local test runs are plain HTTP


@pytest.fixture
def production_app(_schema):
    app = create_app({
        "ENV_NAME": "production", "SECRET_KEY": "production-like-secret", "DATABASE_URL": _schema,
        "SESSION_COOKIE_SECURE": True, "RATELIMIT_ENABLED": False,
    })
    yield app
    app.extensions["database"]["engine"].dispose()


def test_production_cookie_is_secure_httponly_lax(production_app):
    _add_session_route(production_app)
    response = production_app.test_client().get("/_session", base_url="https://releve.example")
    cookie = _session_cookie(response)
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert production_app.config["REMEMBER_COOKIE_SECURE"] is True


def test_production_redirects_plain_http_to_https(production_app):
    response = production_app.test_client().get("/", base_url="http://releve.example")
    assert response.status_code == 302
    assert response.headers["Location"] == "https://releve.example/"


@pytest.mark.parametrize("env, secure", [("production", True), ("demo", False), ("development", False), ("test", False)])
def test_secure_cookie_follows_environment(monkeypatch, env, secure):
    import config

    monkeypatch.setenv("RELEVE_ENV", env)
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    assert config.from_environment()["SESSION_COOKIE_SECURE"] is secure
