"""Every state change is a POST protected by a CSRF token; no GET changes anything."""

from __future__ import annotations

import html

import pytest
from werkzeug.exceptions import MethodNotAllowed

from app import create_app
from tests.security.routes import build_path, placeholder_values, state_changing_rules

CSRF_MESSAGE = "Le formulaire a expiré ou n'est pas valide"

# Pages that show a form on GET and handle it on POST. A GET on them only renders: the
# authorisation matrix checks that no GET, on any route, changes the database.
FORM_PAGES = {
    "auth.login", "auth.signup_candidate", "auth.signup_establishment", "auth.forgot_password", "auth.reset_password",
    "candidate.profile", "candidate.profile_wizard", "candidate.availability", "candidate.my_data",
    "establishment.need_new", "ars.targets",
}


def _get_endpoint(app, path: str) -> str | None:
    """The endpoint that answers GET on ``path``, if any."""
    try:
        endpoint, _ = app.url_map.bind("localhost").match(path, method="GET")
    except MethodNotAllowed:
        return None
    return endpoint


def _rules():
    return state_changing_rules(create_app({"TESTING": True, "DATABASE_URL": "sqlite://"}))


def test_the_app_has_state_changing_routes():
    assert _rules(), "no POST route found: the listing is broken"


@pytest.mark.parametrize("rule", _rules(), ids=lambda rule: f"{rule.endpoint}")
def test_post_without_csrf_token_is_refused_in_french(app, client, rule):
    app.config["WTF_CSRF_ENABLED"] = True
    path = build_path(app, rule, placeholder_values(rule))
    response = client.post(path, data={"email": "a@exemple.fr"})
    assert response.status_code == 400, path
    assert CSRF_MESSAGE in html.unescape(response.get_data(as_text=True))


def test_only_the_session_token_is_accepted(app, client):
    from flask_wtf.csrf import generate_csrf

    @app.route("/_form", methods=["GET", "POST"])
    def form():
        return generate_csrf()

    app.config["WTF_CSRF_ENABLED"] = True
    token = client.get("/_form").get_data(as_text=True)
    assert client.post("/_form", data={"csrf_token": "forged"}).status_code == 400
    assert client.post("/_form", data={"csrf_token": token}).status_code == 200
    other_client = app.test_client()
    other_client.get("/_form")
    assert other_client.post("/_form", data={"csrf_token": token}).status_code == 400


@pytest.mark.parametrize("rule", _rules(), ids=lambda rule: f"{rule.endpoint}")
def test_state_changing_route_refuses_get_unless_form_page(app, client, rule):
    if "GET" in rule.methods:
        assert rule.endpoint in FORM_PAGES, f"{rule.endpoint} answers GET and POST: is its GET side-effect free?"
        return
    path = build_path(app, rule, placeholder_values(rule))
    page = _get_endpoint(app, path)
    if page is not None:  # the same URL shows a page on GET (another rule): it must not change anything
        assert all("POST" not in r.methods for r in app.url_map.iter_rules(page)), page
        return
    response = client.get(path)
    assert response.status_code == 405
    assert "Action impossible" in response.get_data(as_text=True)
