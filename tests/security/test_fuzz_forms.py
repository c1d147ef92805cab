"""Random values posted into the main forms: never a 500, never a traceback."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.actors import client_for, matrix_world

# (actor, method, path) of each form; the field names are read from the page itself.
FORMS = [
    ("anonymous", "POST", "/inscription/candidat"),
    ("anonymous", "POST", "/inscription/etablissement"),
    ("anonymous", "POST", "/connexion"),
    ("manager", "POST", "/etablissement/besoins/nouveau"),
    ("candidate", "POST", "/candidat/profil"),
    ("candidate", "POST", "/candidat/disponibilites"),
    ("ars", "GET", "/ars/tableau-de-bord"),
]
SPECIAL = [
    "", " ", "0", "-1", "99999999999999999999", "1e309", "NaN", "2027-02-30", "2027-13-01", "31/12/2027", "25:61",
    "<script>alert(1)</script>", "' OR 1=1 --", "é" * 300, "\u202e", "\x00", "%00", "../../etc/passwd",
    "49007", "Angers", "AS", "night", "on", "y",
]
value = st.one_of(st.sampled_from(SPECIAL), st.text(max_size=80), st.integers().map(str), st.dates().map(str))


def field_names(page: str) -> list[str]:
    names = re.findall(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"', page)
    return sorted(set(names) - {"csrf_token"})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def _fuzz_one_form(client, method, path, names, data):
    values = {name: data.draw(st.lists(value, max_size=2), label=name) for name in names}
    if method == "GET":
        response = client.get(path, query_string=values, buffered=True)
    else:
        response = client.post(path, data=values, buffered=True)
    body = response.get_data(as_text=True)
    assert response.status_code < 500, (path, values)
    assert "Traceback" not in body


def test_forms_survive_random_input(app):
    with matrix_world(app) as world:
        for actor, method, path in FORMS:
            client = client_for(app, world, actor)
            page = client.get(path, buffered=True)
            assert page.status_code == 200, path
            names = field_names(page.get_data(as_text=True))
            assert names, f"no field found on {path}"
            _fuzz_one_form(client, method, path, names)


def test_a_nul_character_is_refused_with_a_message(app):
    """PostgreSQL text cannot hold it (the fuzzing above found a 500 there): refused before any
    query, on every database, in a form as in a query string."""
    client = app.test_client()
    posted = client.post("/inscription/etablissement", data={"commune": "Angers\x00", "name": "EHPAD"})
    searched = client.get("/connexion", query_string={"next": "/\x00"})
    for response in (posted, searched):
        assert response.status_code == 400
        assert "caractère invalide" in response.get_data(as_text=True)
    assert client.get("/connexion").status_code == 200
