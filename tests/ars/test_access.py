"""Who may open the ARS pages and exports: the whole matrix of user kinds × URLs."""

from __future__ import annotations

import pytest

from tests.ars.conftest import login

JULY_ARGS = "debut=2026-07-01&fin=2026-07-31"
GET_URLS = (
    f"/ars/tableau-de-bord?{JULY_ARGS}",
    f"/ars/detail?{JULY_ARGS}&indicateur=posted",
    f"/ars/export/departement.csv?{JULY_ARGS}",
    f"/ars/export/besoins.csv?{JULY_ARGS}",
    f"/ars/export/periode.xlsx?{JULY_ARGS}",
    "/ars/objectifs",
    "/ars/etablissements",
)


def post_urls(data):
    return (
        ("/ars/objectifs", {"pec": "1", "civic_service": "1", "refugee": "1", "student": "1"}),
        (f"/ars/etablissements/{data.e1.id}/valider", {}),
        (f"/ars/etablissements/{data.e1.id}/refuser", {"reason": "Doublon"}),
    )


@pytest.mark.parametrize("url", GET_URLS)
def test_anonymous_is_sent_to_log_in(facts, client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/connexion")


@pytest.mark.parametrize("who", ["manager", "candidate_user"])
def test_establishment_and_candidate_users_get_403_everywhere(facts, client, who):
    login(client, getattr(facts, who))
    for url in GET_URLS:
        assert client.get(url).status_code == 403, url
    for url, form in post_urls(facts):
        assert client.post(url, data=form).status_code == 403, url


@pytest.mark.parametrize("who", ["ars", "ars_44", "ars_other", "admin"])
def test_ars_and_admin_open_every_page(facts, client, who):
    login(client, getattr(facts, who))
    for url in GET_URLS:
        assert client.get(url).status_code == 200, url


def test_ars_of_another_region_sees_none_of_it(facts, client):
    login(client, facts.ars_other)
    html = client.get(f"/ars/tableau-de-bord?{JULY_ARGS}").get_data(as_text=True)
    assert "Loire-Atlantique" not in html and "Maine-et-Loire" not in html
    assert "35 — Ille-et-Vilaine" in html
    csv = client.get(f"/ars/export/etablissements.csv?{JULY_ARGS}").data.decode("utf-8-sig")
    assert "EHPAD Les Tilleuls" not in csv and "EHPAD de Rennes" in csv
    drill = f"/ars/detail?{JULY_ARGS}&indicateur=posted&dim=establishment&val={facts.e1.id}"
    assert client.get(drill).status_code == 403
    assert client.get(f"/ars/export/besoins.csv?{JULY_ARGS}&dim=establishment&val={facts.e1.id}").status_code == 403
    for url, form in post_urls(facts)[1:]:
        assert client.post(url, data=form).status_code == 403, url


def test_ars_limited_to_a_departement_cannot_open_another(facts, client):
    login(client, facts.ars_44)
    assert client.get(f"/ars/detail?{JULY_ARGS}&dim=establishment&val={facts.e1.id}").status_code == 403
    assert client.get(f"/ars/detail?{JULY_ARGS}&dim=establishment&val={facts.e2.id}").status_code == 200
