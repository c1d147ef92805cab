"""The app starts, serves its home page in French and reports its health."""

from sqlalchemy import select

from models import Commune


def test_home_page_is_french(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b'lang="fr"' in response.data
    assert "Relève".encode() in response.data


def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_unknown_page_is_a_french_404(client):
    response = client.get("/nulle-part")
    assert response.status_code == 404
    assert b"Page introuvable" in response.data


def test_reference_communes_loaded(db):
    nantes = db.scalar(select(Commune).where(Commune.code_insee == "44109"))
    assert nantes.name == "Nantes"
    assert nantes.departement.name == "Loire-Atlantique"
    assert nantes.departement.region.name == "Pays de la Loire"
    assert abs(nantes.lat - 47.22) < 0.01 and abs(nantes.lon + 1.55) < 0.01


def test_builders_make_a_bookable_pair(build, db):
    need = build.need()
    candidate = build.candidate()
    build.commit()
    assert need.slots[0].positions == 1
    assert candidate.qualifications[0].code == "AS"
