"""Who may open the candidate pages: candidates only; others get 403, anonymous users log in."""

from __future__ import annotations

import pytest

from models.enums import Role

GET_PAGES = [
    "/candidat/profil", "/candidat/profil/etapes", "/candidat/disponibilites", "/candidat/missions",
    "/candidat/candidatures", "/candidat/candidatures/calendrier.ics", "/candidat/mes-donnees",
    "/candidat/mes-donnees/export.json",
]
POST_PAGES = ["/candidat/mes-donnees/supprimer", "/candidat/disponibilites/confirmer"]


@pytest.mark.parametrize("url", GET_PAGES)
def test_anonymous_users_are_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]


@pytest.mark.parametrize("role", [Role.ESTABLISHMENT, Role.ARS, Role.ADMIN])
@pytest.mark.parametrize("url", GET_PAGES)
def test_other_roles_are_refused(client, build, login, role, url):
    user = build.ars_user() if role == Role.ARS else build.user(role)
    build.commit()
    login(user)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", POST_PAGES)
def test_other_roles_cannot_post(client, build, login, url):
    manager = build.manager()
    build.commit()
    login(manager)
    assert client.post(url, data={"suppression-confirmation": "SUPPRIMER"}).status_code == 403


def test_a_candidate_cannot_see_a_need_page_of_a_need_he_has_nothing_to_do_with_once_closed(client, build, login):
    from models.enums import NeedStatus

    closed = build.need(status=NeedStatus.CLOSED)
    mine = build.need(status=NeedStatus.CLOSED)
    profile = build.candidate()
    build.application(mine, profile, state="declined")
    build.commit()
    login(profile.user)
    assert client.get(f"/candidat/missions/{closed.id}").status_code == 404
    assert client.get(f"/candidat/missions/{mine.id}").status_code == 200
