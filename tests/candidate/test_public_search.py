"""The public list of open needs: no account, no personal data, search by commune and radius."""

from __future__ import annotations

from datetime import datetime

from models.enums import NeedStatus, VerificationStatus
from services.need_search import PER_PAGE

SEARCH = "/missions"


def test_open_needs_are_listed_without_an_account_and_without_personal_data(client, build):
    manager = build.manager(first_name="Dominique", last_name="Secret", email="dominique.secret@exemple.fr")
    establishment = manager.establishments[0]
    establishment.contact_email, establishment.address = "direction@ehpad.fr", "8 impasse Cachée"
    need = build.need(establishment=establishment, title="Renfort de nuit")
    build.application(need, build.candidate(email="candidate.cachee@exemple.fr"))
    build.commit()
    page = client.get(SEARCH).get_data(as_text=True)
    assert "Renfort de nuit" in page and establishment.name in page and "Angers" in page
    detail = client.get(f"{SEARCH}/{need.id}").get_data(as_text=True)
    assert "lundi 12 juillet 2027, 21h00 → 07h00 (lendemain)" in detail
    for secret in ("Dominique", "Secret", "dominique.secret", "direction@ehpad.fr", "8 impasse Cachée", "candidate.cachee"):
        assert secret not in page and secret not in detail


def test_search_by_postcode_and_radius(client, build):
    angers = build.need(title="Besoin à Angers")
    cholet = build.need(title="Besoin à Cholet", establishment=build.establishment(commune_code="49099"))
    build.commit()
    near = client.get(SEARCH, query_string={"commune": "49000", "radius_km": "25"}).get_data(as_text=True)
    assert angers.title in near and cholet.title not in near
    wide = client.get(SEARCH, query_string={"commune": "Angers", "radius_km": "100"}).get_data(as_text=True)
    assert angers.title in wide and cholet.title in wide


def test_filters_by_qualification_and_dates(client, build):
    build.need(title="Poste AS")
    build.need(title="Poste IDE", qualification_code="IDE",
               slots=[(datetime(2027, 9, 1, 7), datetime(2027, 9, 1, 19))])
    build.commit()
    page = client.get(SEARCH, query_string={"qualification": "IDE"}).get_data(as_text=True)
    assert "Poste IDE" in page and "Poste AS" not in page
    august = client.get(SEARCH, query_string={"date_from": "2027-08-15"}).get_data(as_text=True)
    assert "Poste IDE" in august and "Poste AS" not in august
    july = client.get(SEARCH, query_string={"date_to": "2027-07-31"}).get_data(as_text=True)
    assert "Poste AS" in july and "Poste IDE" not in july


def test_drafts_closed_needs_and_unverified_establishments_are_hidden(client, build):
    draft = build.need(title="Brouillon", status=NeedStatus.DRAFT)
    closed = build.need(title="Clos", status=NeedStatus.CLOSED)
    unverified = build.need(title="Non vérifié",
                            establishment=build.establishment(verification_status=VerificationStatus.PENDING))
    build.commit()
    page = client.get(SEARCH).get_data(as_text=True)
    for need in (draft, closed, unverified):
        assert need.title not in page
        assert client.get(f"{SEARCH}/{need.id}").status_code == 404


def test_bad_input_gets_french_errors(client, build):
    response = client.get(SEARCH, query_string={"commune": "Nullepart-sur-Rien", "radius_km": "3"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Commune inconnue" in page and "Choisissez un rayon parmi" in page


def test_pagination(client, build):
    establishment = build.establishment()
    for n in range(PER_PAGE + 1):
        build.need(establishment=establishment, title=f"Besoin numéro {n:02d}")
    build.commit()
    first = client.get(SEARCH).get_data(as_text=True)
    second = client.get(SEARCH, query_string={"page": "2"}).get_data(as_text=True)
    assert f"{PER_PAGE + 1} missions ouvertes" in first
    assert first.count("Besoin numéro") == PER_PAGE and second.count("Besoin numéro") == 1
    assert "1 / 2" in first and "page=2" in first
    assert client.get(SEARCH, query_string={"page": "abc"}).status_code == 200
