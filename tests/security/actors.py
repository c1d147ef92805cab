"""The eight actors of the authorisation matrix and the objects their URLs point to.

Region 52 (Pays de la Loire) is "ours": an establishment in Angers with its manager, an
open night shift, a candidate who applied to it and an accepted assignment on a second
shift. Region 11 (Île-de-France) holds the "other" establishment and ARS user.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select

from models import PoolMember, QualificationEquivalence, utcnow
from models.enums import ApplicationState, Role
from services import stats_store

ACTORS = (
    "anonymous", "candidate", "other_candidate", "manager", "other_manager", "ars", "other_ars", "admin",
)
TEST_HOLDER_CODE = "ZZMATRIX"  # a qualification line the admin routes may change or delete


@dataclass
class World:
    users: dict = field(default_factory=dict)
    params: dict = field(default_factory=dict)


def build_world(build, db) -> World:
    world = World()
    establishment = build.establishment("49007", name="EHPAD Les Tilleuls")
    other_establishment = build.establishment("75056", name="EHPAD Belleville")
    manager = build.manager(establishment=establishment, email="directrice@exemple.fr")
    other_manager = build.manager(establishment=other_establishment, email="autre.directrice@exemple.fr")
    candidate = build.candidate(email="camille@exemple.fr")
    other_candidate = build.candidate(email="lucas@exemple.fr")
    need = build.need(establishment=establishment)
    application = build.application(need, candidate)
    staffed = build.need(establishment=establishment, slots=[(datetime(2027, 7, 14, 21), datetime(2027, 7, 15, 7))])
    accepted = build.application(staffed, candidate, state=ApplicationState.ACCEPTED)
    assignment = build.assignment(accepted, staffed.slots[0])
    member = PoolMember(establishment_id=establishment.id, candidate_id=candidate.id, added_by_id=manager.id)
    line = QualificationEquivalence(post_code="AS", holder_code=TEST_HOLDER_CODE, score=0.5)
    db.add_all([member, line])
    build.commit()
    world.users = {
        "candidate": candidate.user, "other_candidate": other_candidate.user, "manager": manager,
        "other_manager": other_manager, "ars": build.ars_user("52", email="ars.pdl@exemple.fr"),
        "other_ars": build.ars_user("11", email="ars.idf@exemple.fr"),
        "admin": build.user(Role.ADMIN, email="admin@exemple.fr"),
    }
    build.commit()
    stats_store.refresh(db, utcnow())  # the ARS pages read the derived statistics
    db.commit()
    world.params = {
        "need_id": need.id, "application_id": application.id, "assignment_id": assignment.id,
        "establishment_id": establishment.id, "candidate_id": other_candidate.id, "member_id": member.id,
        "rule_id": candidate.availability_rules[0].id, "user_id": other_candidate.user.id,
        "line_id": line.id, "name": "departement", "token": "jeton-invalide", "slot_id": need.slots[0].id,
    }
    return world


def remove_test_reference_rows(db) -> None:
    """Reference tables are kept between tests: take back the line the admin routes could touch."""
    db.rollback()
    db.execute(delete(QualificationEquivalence).where(QualificationEquivalence.holder_code == TEST_HOLDER_CODE))
    db.commit()
    assert db.scalar(select(QualificationEquivalence.id).where(QualificationEquivalence.holder_code == TEST_HOLDER_CODE)) is None


def client_for(app, world: World, actor: str):
    """A test client logged in as ``actor`` (the Flask-Login session, without the login form)."""
    client = app.test_client()
    if actor != "anonymous":
        user = world.users[actor]
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
    return client


@contextmanager
def matrix_world(app):
    """The world, built in its own app context: requests must not share ``g`` (and its cached user)."""
    from extensions import db
    from tests.builders import Builder

    with app.app_context():
        world = build_world(Builder(db.session), db.session)
    try:
        yield world
    finally:
        with app.app_context():
            remove_test_reference_rows(db.session)
