"""The admin area is for administrators only."""

from __future__ import annotations

import pytest

from models.enums import Role

PAGES = ["/admin/", "/admin/audit", "/admin/utilisateurs", "/admin/qualifications"]
POSTS = ["/admin/utilisateurs/1/role", "/admin/utilisateurs/1/statut", "/admin/qualifications",
         "/admin/qualifications/1", "/admin/qualifications/1/supprimer"]


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/connexion?next=")


@pytest.mark.parametrize("role", [Role.CANDIDATE, Role.ESTABLISHMENT, Role.ARS])
def test_other_roles_are_forbidden(client, auth, build, role):
    build.user(role, email="quelqu.un@exemple.fr", ars_region_code="52" if role == Role.ARS else None)
    build.commit()
    auth.login("quelqu.un@exemple.fr")
    for url in PAGES:
        assert client.get(url).status_code == 403, url
    for url in POSTS:
        assert client.post(url, data={"role": "admin", "active": "0"}).status_code == 403, url


@pytest.mark.parametrize("url", PAGES)
def test_admin_sees_every_page(client, admin, url):
    response = client.get(url)
    assert response.status_code == 200
    assert 'lang="fr"' in response.get_data(as_text=True)
