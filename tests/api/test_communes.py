"""Commune autocompletion API and the server-side resolution behind the commune field."""

from __future__ import annotations

import pytest

from services.communes import CommuneNotFound, resolve


def _values(response):
    return [r["value"] for r in response.get_json()["results"]]


def test_postcode_prefix_returns_communes_biggest_first(client):
    response = client.get("/api/communes?q=441")
    assert response.status_code == 200
    # 441xx in the test data: Nantes 44100 (309 346), Châteaubriant 44110 (11 974), Vertou 44120 (24 219),
    # Blain 44130 (9 793), Ancenis-Saint-Géréon 44150 (10 802), Pontchâteau 44160 (10 684), Treillières 44119 (9 219),
    # Basse-Goulaine 44115 (9 036).
    assert _values(response) == ["Nantes (44000)", "Vertou (44120)", "Châteaubriant (44110)",
                                 "Ancenis-Saint-Géréon (44150)", "Pontchâteau (44160)", "Blain (44130)",
                                 "Treillières (44119)", "Basse-Goulaine (44115)"]


def test_name_prefix_ignores_accents_case_and_hyphens(client):
    response = client.get("/api/communes?q=saint n")
    assert _values(response) == ["Saint-Nazaire (44600)"]
    assert _values(client.get("/api/communes?q=CHATEAUB")) == ["Châteaubriant (44110)"]


def test_results_are_capped_at_ten(client):
    assert len(client.get("/api/communes?q=44").get_json()["results"]) == 10


def test_result_fields(client):
    [nantes] = client.get("/api/communes?q=nantes").get_json()["results"]
    assert nantes == {"code_insee": "44109", "name": "Nantes", "departement_code": "44",
                      "postcodes": ["44000", "44100", "44200", "44300"], "value": "Nantes (44000)"}


@pytest.mark.parametrize("query", ["", "a", "x" * 61, "<script>", "nantes%"])
def test_bad_query_is_a_french_400(client, query):
    response = client.get("/api/communes", query_string={"q": query})
    assert response.status_code == 400
    assert response.get_json()["error"] == "Requête invalide"
    assert "paramètre q" in response.get_json()["message"]


def test_api_is_public_and_cacheable(client):
    response = client.get("/api/communes?q=angers")
    assert response.headers["Cache-Control"] == "public, max-age=3600"


@pytest.mark.parametrize("text, code", [
    ("44109", "44109"),           # INSEE code
    ("2a004", "2A004"),           # Corsican INSEE code, any case
    ("49100", "49007"),           # postcode of one commune
    ("Angers", "49007"),
    ("saint-NAZAIRE", "44184"),
    ("Reze", "44143"),            # without its accent
    ("Nantes (44000)", "44109"),  # what the autocompletion proposes
    ("Nantes (44000, 44100, 44200)", "44109"),
    ("Ajaccio (2A004)", "2A004"),
])
def test_resolve(db, text, code):
    assert resolve(db, text).code_insee == code


def test_resolve_lists_the_choices_when_a_postcode_is_shared(db):
    with pytest.raises(CommuneNotFound) as error:
        resolve(db, "44470")
    assert str(error.value) == ("Plusieurs communes correspondent : Carquefou (44470), Thouaré-sur-Loire (44470). "
                                "Précisez le code postal.")


@pytest.mark.parametrize("text", ["Atlantis", "99999", "", "   "])
def test_resolve_unknown(db, text):
    with pytest.raises(CommuneNotFound) as error:
        resolve(db, text)
    assert str(error.value) == "Commune inconnue : saisissez un nom ou un code postal."
