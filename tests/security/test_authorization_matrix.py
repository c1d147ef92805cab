"""Every route × every actor answers as expected, and no route escapes the matrix.

GET requests must never change the database (for anyone); a refused POST (login page, 403,
404) must not change it either. Allowed POSTs are sent empty: they answer with the form
again (400/422) or act and redirect (302); what they do is tested by each journey.
"""

from __future__ import annotations

import pytest

from app import create_app
from tests.conftest import _empty_tables as empty_tables
from tests.security.actors import ACTORS, client_for, matrix_world
from tests.security.matrix_support import LOGIN, fingerprint, grid, outcome, roles
from tests.security.routes import app_rules, build_path

ANYONE = grid(200)
CANDIDATES = ("candidate", "other_candidate")
MANAGERS = ("manager", "other_manager")
ARS_AND_ADMIN = ("ars", "other_ars", "admin")
DENIED = (LOGIN, 403, 404)


def for_candidates(status=200, **per_actor):
    return roles(CANDIDATES, status) | per_actor


def for_managers(status=200, **per_actor):
    return roles(MANAGERS, status) | per_actor


def for_ars(status=200, **per_actor):
    return roles(ARS_AND_ADMIN, status) | per_actor


def for_admin(status=200):
    return roles(("admin",), status)


MATRIX = {
    # Public pages and forms.
    ("public.home", "GET"): ANYONE,
    ("public.healthz", "GET"): ANYONE,
    ("public.privacy", "GET"): ANYONE,
    ("public.search", "GET"): ANYONE,
    ("public.need", "GET"): ANYONE,
    ("api.communes", "GET"): grid(400),  # no query: a French "missing q" answer for everyone
    ("auth.login", "GET"): ANYONE,
    ("auth.login", "POST"): grid(400),
    ("auth.logout", "POST"): grid(302),
    ("auth.signup_candidate", "GET"): ANYONE,
    ("auth.signup_candidate", "POST"): grid(400),
    ("auth.signup_establishment", "GET"): ANYONE,
    ("auth.signup_establishment", "POST"): grid(400),
    ("auth.forgot_password", "GET"): ANYONE,
    ("auth.forgot_password", "POST"): grid(400),
    ("auth.reset_password", "GET"): grid(400),  # the token is invalid
    ("auth.reset_password", "POST"): grid(400),
    # Candidate space: each candidate sees his own data only.
    ("candidate.missions", "GET"): for_candidates(),
    ("candidate.need", "GET"): for_candidates(),
    ("candidate.apply", "POST"): for_candidates(302),
    ("candidate.applications", "GET"): for_candidates(),
    ("candidate.calendar_ics", "GET"): for_candidates(),
    ("candidate.answer_invitation", "POST"): for_candidates(400, other_candidate=404),
    ("candidate.withdraw", "POST"): for_candidates(302, other_candidate=404),
    ("candidate.availability", "GET"): for_candidates(),
    ("candidate.availability", "POST"): for_candidates(422),
    ("candidate.availability_remove", "POST"): for_candidates(302, other_candidate=404),
    ("candidate.availability_confirm", "POST"): for_candidates(302),
    ("candidate.profile", "GET"): for_candidates(),
    ("candidate.profile", "POST"): for_candidates(422),
    ("candidate.profile_wizard", "GET"): for_candidates(),
    ("candidate.profile_wizard", "POST"): for_candidates(422),
    ("candidate.my_data", "GET"): for_candidates(),
    ("candidate.my_data", "POST"): for_candidates(),
    ("candidate.export_json", "GET"): for_candidates(),
    ("candidate.delete_account", "POST"): for_candidates(422),
    # Establishment space: a manager acts on his establishments only (404 elsewhere: no leak).
    ("establishment.needs", "GET"): for_managers(),
    ("establishment.need_new", "GET"): for_managers(),
    ("establishment.need_new", "POST"): for_managers(400),
    ("establishment.need_detail", "GET"): for_managers(other_manager=404),
    ("establishment.need_duplicate", "GET"): for_managers(other_manager=404),
    ("establishment.need_publish", "POST"): for_managers(302, other_manager=404),
    ("establishment.need_cancel", "POST"): for_managers(302, other_manager=404),
    ("establishment.need_close", "POST"): for_managers(302, other_manager=404),
    ("establishment.need_reopen", "POST"): for_managers(302, other_manager=404),
    ("establishment.need_invite", "POST"): for_managers(302, other_manager=404),
    ("establishment.application_accept", "POST"): for_managers(302, other_manager=404),
    ("establishment.application_decline", "POST"): for_managers(302, other_manager=404),
    ("establishment.assignment_cancel", "POST"): for_managers(302, other_manager=404),
    ("establishment.assignment_outcome", "POST"): for_managers(302, other_manager=404),
    ("establishment.establishments", "GET"): for_managers(),
    ("establishment.establishment_add_manager", "POST"): for_managers(302, other_manager=404),
    ("establishment.pool", "GET"): for_managers(),
    ("establishment.pool_add", "POST"): for_managers(302, other_manager=404),
    ("establishment.pool_remove", "POST"): for_managers(302, other_manager=404),
    # ARS monitoring: ARS users (their own territory, applied in SQL) and admins.
    ("ars.dashboard", "GET"): for_ars(),
    ("ars.drill", "GET"): for_ars(),
    ("ars.export_csv", "GET"): for_ars(),
    ("ars.export_xlsx", "GET"): for_ars(),
    ("ars.targets", "GET"): for_ars(),
    ("ars.targets", "POST"): for_ars(400),
    ("ars.validations", "GET"): for_ars(),
    ("ars.validate", "POST"): for_ars(302, other_ars=403),
    ("ars.reject", "POST"): for_ars(400, other_ars=403),
    # Administration.
    ("admin.index", "GET"): for_admin(),
    ("admin.audit", "GET"): for_admin(),
    ("admin.users", "GET"): for_admin(),
    ("admin.user_role", "POST"): for_admin(302),
    ("admin.user_active", "POST"): for_admin(400),
    ("admin.qualifications", "GET"): for_admin(),
    ("admin.qualification_add", "POST"): for_admin(400),
    ("admin.qualification_edit", "POST"): for_admin(400),
    ("admin.qualification_remove", "POST"): for_admin(302),
}


def _app_routes() -> list[tuple[str, str]]:
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://"})
    return sorted(
        (rule.endpoint, method) for rule in app_rules(app) for method in rule.methods - {"HEAD", "OPTIONS"}
    )


def _rule(app, endpoint: str, method: str):
    return next(rule for rule in app_rules(app) if rule.endpoint == endpoint and method in rule.methods)


def _request(app, world, actor, endpoint, method):
    path = build_path(app, _rule(app, endpoint, method), world.params)
    client = client_for(app, world, actor)
    # buffered: a streamed answer (CSV) must be read and closed, or its context stays pushed.
    return client.open(path, method=method, data={} if method == "POST" else None, buffered=True)


def test_every_route_is_in_the_matrix():
    routes = set(_app_routes())
    missing = sorted(routes - set(MATRIX))
    stale = sorted(set(MATRIX) - routes)
    assert not missing, f"routes without expected answers: {missing}"
    assert not stale, f"matrix rows for routes that no longer exist: {stale}"


def test_every_row_names_every_actor():
    assert all(set(row) == set(ACTORS) for row in MATRIX.values())


GET_ROUTES = sorted(key for key in MATRIX if key[1] == "GET")
POST_ROUTES = sorted(key for key in MATRIX if key[1] == "POST")


@pytest.mark.parametrize("endpoint", [endpoint for endpoint, _ in GET_ROUTES])
def test_get_route_answers_each_actor_and_changes_nothing(app, endpoint):
    engine = app.extensions["database"]["engine"]
    with matrix_world(app) as world:
        answers, changed = {}, []
        for actor in ACTORS:
            before = fingerprint(engine)
            answers[actor] = outcome(_request(app, world, actor, endpoint, "GET"))
            if fingerprint(engine) != before:
                changed.append(actor)
    assert answers == MATRIX[(endpoint, "GET")]
    assert not changed, f"GET {endpoint} changed the database for {changed}"


@pytest.mark.parametrize("endpoint", [endpoint for endpoint, _ in POST_ROUTES])
def test_post_route_answers_each_actor_and_refusals_change_nothing(app, endpoint):
    """Refused actors first, all in one world; each allowed actor then in a fresh world."""
    engine = app.extensions["database"]["engine"]
    expected = MATRIX[(endpoint, "POST")]
    refused = [actor for actor in ACTORS if expected[actor] in DENIED]
    answers, changed = {}, []
    with matrix_world(app) as world:
        for actor in refused:
            before = fingerprint(engine)
            answers[actor] = outcome(_request(app, world, actor, endpoint, "POST"))
            if fingerprint(engine) != before:
                changed.append(actor)
    for actor in (actor for actor in ACTORS if actor not in refused):
        empty_tables(app)
        with matrix_world(app) as world:
            answers[actor] = outcome(_request(app, world, actor, endpoint, "POST"))
    assert answers == expected
    assert not changed, f"a refused POST {endpoint} changed the database for {changed}"
