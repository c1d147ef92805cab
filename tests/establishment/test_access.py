"""Every route of the establishment journey, for every role: who gets in, who does not."""

import pytest

PAGES = [  # GET routes: (path template, needs ids from the world)
    "/etablissement/besoins",
    "/etablissement/besoins/nouveau",
    "/etablissement/besoins/{need}",
    "/etablissement/besoins/{need}/dupliquer",
    "/etablissement/vivier",
    "/etablissement/etablissements",
]
ACTIONS = [  # POST routes acting on the manager's objects
    "/etablissement/besoins/nouveau",
    "/etablissement/besoins/{need}/publier",
    "/etablissement/besoins/{need}/cloturer",
    "/etablissement/besoins/{need}/rouvrir",
    "/etablissement/besoins/{need}/annuler",
    "/etablissement/besoins/{need}/inviter/{candidate}",
    "/etablissement/candidatures/{application}/accepter",
    "/etablissement/candidatures/{application}/refuser",
    "/etablissement/affectations/{assignment}/annuler",
    "/etablissement/affectations/{assignment}/resultat",
    "/etablissement/vivier/ajouter/{application}",
    "/etablissement/vivier/{member}/retirer",
    "/etablissement/etablissements/{establishment}/gestionnaires",
]
OWNED = [path for path in PAGES + ACTIONS if "{" in path]


@pytest.fixture
def ids(world, build, db):
    from services.pool import add

    assignment = build.assignment(world.application, world.need.slots[0])
    member = add(db, world.establishment, world.candidate, by=None, now=world.need.created_at)
    build.commit()
    return {"need": world.need.id, "candidate": world.candidate.id, "application": world.application.id,
            "assignment": assignment.id, "member": member.id, "establishment": world.establishment.id}


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_is_sent_to_login(client, ids, path):
    response = client.get(path.format(**ids))
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]


@pytest.mark.parametrize("path", ACTIONS)
def test_anonymous_cannot_act(client, ids, path):
    response = client.post(path.format(**ids))
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]


@pytest.mark.parametrize("method,path", [("get", p) for p in PAGES] + [("post", p) for p in ACTIONS])
def test_a_candidate_is_refused(client, world, ids, login, method, path):
    login(world.candidate_user)
    assert getattr(client, method)(path.format(**ids)).status_code == 403


@pytest.mark.parametrize("method,path", [("get", p) for p in OWNED if p in PAGES] + [("post", p) for p in OWNED if p in ACTIONS])
def test_another_manager_gets_not_found(client, world, ids, login, method, path):
    login(world.stranger)
    assert getattr(client, method)(path.format(**ids)).status_code == 404


@pytest.mark.parametrize("path", PAGES)
def test_the_manager_sees_his_pages(client, world, ids, login, path):
    login(world.manager)
    response = client.get(path.format(**ids))
    assert response.status_code == 200
    assert "<h1>" in response.get_data(as_text=True)


def test_the_manager_sees_only_his_needs_in_the_list(client, world, build, login):
    other_need = build.need(world.stranger.establishments[0], title="Besoin d'un autre établissement")
    build.commit()
    login(world.manager)
    page = client.get("/etablissement/besoins").get_data(as_text=True)
    assert f"/etablissement/besoins/{world.need.id}" in page
    assert f"/etablissement/besoins/{other_need.id}" not in page
