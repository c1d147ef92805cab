"""The database failing in the middle of a request: a French error page and nothing half-written."""

from __future__ import annotations

import html
from contextlib import contextmanager

from sqlalchemy import event, func, select

from models import AuditLog, Establishment, User

SIGNUP = {
    "first_name": "Amina", "last_name": "Diallo", "email": "amina.diallo@exemple.fr",
    "password": "Une-phrase-de-passe-2026", "password_confirm": "Une-phrase-de-passe-2026", "consent": "y",
}


@contextmanager
def database_lost_at_insert(app, number: int):
    """The connection drops when the ``number``-th INSERT of the request is sent."""
    engine = app.extensions["database"]["engine"]
    inserts = []

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT"):
            inserts.append(statement)
            if len(inserts) == number:
                raise engine.dialect.loaded_dbapi.OperationalError("server closed the connection unexpectedly")

    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield inserts
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)


def _count(db, model, *conditions):
    return db.scalar(select(func.count()).select_from(model).where(*conditions))


def test_candidate_signup_interrupted_after_the_account_row_writes_nothing(app, client, db):
    with database_lost_at_insert(app, 2) as inserts:
        response = client.post("/inscription/candidat", data=SIGNUP)
    assert len(inserts) == 2, "the account row must have been sent before the failure"
    assert response.status_code == 503
    body = html.unescape(response.get_data(as_text=True))
    assert "Service momentanément indisponible" in body and "Aucune donnée n'a été modifiée" in body
    assert "Traceback" not in body
    assert _count(db, User, User.email == SIGNUP["email"]) == 0
    assert _count(db, AuditLog) == 0


def test_establishment_signup_interrupted_leaves_no_orphan(app, client, db):
    form = dict(SIGNUP, email="direction@exemple.fr", name="EHPAD Les Glycines", finess="490000155",
                type="EHPAD", sector="public", address="3 rue des Glycines", commune="Angers")
    with database_lost_at_insert(app, 3) as inserts:
        response = client.post("/inscription/etablissement", data=form)
    assert len(inserts) == 3
    assert response.status_code == 503
    assert _count(db, User) == 0
    assert _count(db, Establishment) == 0


def test_the_app_serves_again_once_the_database_is_back(app, client, db):
    with database_lost_at_insert(app, 1):
        assert client.post("/inscription/candidat", data=SIGNUP).status_code == 503
    response = client.post("/inscription/candidat", data=SIGNUP)
    assert response.status_code == 302
    assert _count(db, User, User.email == SIGNUP["email"]) == 1
