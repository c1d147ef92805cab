"""The pool ("vivier") page and the establishments page with co-managers."""

from datetime import datetime

from sqlalchemy import select

from models import PoolMember, User
from models.enums import ApplicationState, Role
from services.pool import add

NOW = datetime(2027, 7, 1, 8, 0)


def test_pool_lists_members_and_removes_one(client, db, world, login):
    member = add(db, world.establishment, world.candidate, by=world.manager, now=NOW)
    db.commit()
    login(world.manager)
    html = client.get("/etablissement/vivier").get_data(as_text=True)
    assert world.candidate.user.first_name in html and world.establishment.name in html
    client.post(f"/etablissement/vivier/{member.id}/retirer")
    db.expire_all()
    assert db.scalars(select(PoolMember)).all() == []


def test_add_to_pool_only_with_consent(client, db, world, build, login):
    refusing = build.candidate(consent_pool=False)
    refused_app = build.application(world.need, refusing, state=ApplicationState.ACCEPTED)
    world.application.state = ApplicationState.ACCEPTED
    build.commit()
    login(world.manager)
    client.post(f"/etablissement/vivier/ajouter/{world.application.id}")
    response = client.post(f"/etablissement/vivier/ajouter/{refused_app.id}", follow_redirects=True)
    assert "ne souhaite pas rejoindre de vivier" in response.get_data(as_text=True)
    db.expire_all()
    assert [m.candidate_id for m in db.scalars(select(PoolMember))] == [world.candidate.id]


def test_establishments_page_shows_verification_status(client, world, build, login):
    login(world.manager)
    html = client.get("/etablissement/etablissements").get_data(as_text=True)
    assert world.establishment.name in html and "Validé" in html and world.establishment.finess in html


def test_a_manager_adds_an_existing_establishment_account_as_co_manager(client, db, world, build, login):
    colleague = build.user(Role.ESTABLISHMENT, email="collegue@ehpad.fr")
    build.user(Role.CANDIDATE, email="candidat@exemple.fr")
    build.commit()
    login(world.manager)
    url = f"/etablissement/etablissements/{world.establishment.id}/gestionnaires"
    response = client.post(url, data={"email": "Collegue@Ehpad.fr"}, follow_redirects=True)
    assert "Co-gestionnaire ajouté(e)." in response.get_data(as_text=True)
    for email in ("candidat@exemple.fr", "inconnu@exemple.fr"):
        refused = client.post(url, data={"email": email}, follow_redirects=True).get_data(as_text=True)
        assert "Aucun compte « établissement » actif n&#39;utilise cette adresse" in refused
    assert "n&#39;est pas valide" in client.post(url, data={"email": "pas-une-adresse"}, follow_redirects=True).get_data(as_text=True)
    db.expire_all()
    assert [e.id for e in db.get(User, colleague.id).establishments] == [world.establishment.id]
