"""The public search cached per normalised query and page for a short time: a new need waits
for the TTL, a closed one leaves at once, other queries have their own entries."""

from __future__ import annotations

from datetime import datetime, timedelta

from models import Commune
from models.enums import NeedStatus
from services import search_cache
from services.need_search import SearchFilters

NOW = datetime(2027, 7, 1, 8, 0)  # UTC; the builders' needs are on 12 July 2027
SEARCH = "/missions"


def titles(page) -> list[str]:
    return [hit.need.title for hit in page.hits]


def angers(db, radius_km=25) -> SearchFilters:
    return SearchFilters(commune=db.get(Commune, "49007"), radius_km=radius_km)


def test_a_new_need_shows_after_the_ttl(app, db, build, backend):
    build.need(title="Nuit à Angers")
    build.commit()
    assert titles(search_cache.search(db, angers(db), now=NOW)) == ["Nuit à Angers"]
    db.commit()  # end the read (SQLite: a snapshot older than the cache's write cannot become a writer)
    build.need(title="Nouvelle nuit")
    build.commit()
    assert titles(search_cache.search(db, angers(db), now=NOW + timedelta(seconds=59))) == ["Nuit à Angers"]
    ttl = app.config["CACHE_TTLS"]["search"]
    later = search_cache.search(db, angers(db), now=NOW + timedelta(seconds=ttl))
    assert sorted(titles(later)) == ["Nouvelle nuit", "Nuit à Angers"] and later.total == 2


def test_a_cached_page_shows_distances_and_current_slots(db, build, backend):
    need = build.need(title="Nuit à Avrillé", establishment=build.establishment(commune_code="49015"))
    build.commit()
    first = search_cache.search(db, angers(db), now=NOW)
    db.commit()
    need.slots[0].filled = 1  # its only position taken: no free slot left, it leaves the list at once
    db.commit()
    second = search_cache.search(db, angers(db), now=NOW)
    assert [(h.need.id, h.distance_km, [s.id for s in h.slots]) for h in first.hits] == [
        (need.id, 5.1, [need.slots[0].id])]
    assert second.hits == [] and second.total == 1  # the count waits for the TTL


def test_a_closed_need_leaves_the_cached_list_at_once(db, build, backend):
    build.need(title="Reste ouvert")
    closed = build.need(title="Sera clos")
    build.commit()
    assert sorted(titles(search_cache.search(db, angers(db), now=NOW))) == ["Reste ouvert", "Sera clos"]
    db.commit()
    closed.status = NeedStatus.CLOSED
    db.commit()
    assert titles(search_cache.search(db, angers(db), now=NOW)) == ["Reste ouvert"]


def test_each_query_and_page_has_its_own_entry(db, build, backend):
    build.need(title="Nuit à Cholet", establishment=build.establishment(commune_code="49099"))
    build.commit()
    assert titles(search_cache.search(db, angers(db), now=NOW)) == []
    assert titles(search_cache.search(db, angers(db, radius_km=100), now=NOW)) == ["Nuit à Cholet"]
    keys = {search_cache.search_key(angers(db), 1), search_cache.search_key(angers(db), 2),
            search_cache.search_key(angers(db, radius_km=100), 1), search_cache.search_key(SearchFilters(), 1)}
    assert len(keys) == 4


def test_the_page_is_the_same_from_the_cache(client, build, backend):
    build.need(title="Nuit à Angers")
    build.commit()
    query = {"commune": "Angers", "radius_km": "25"}
    first = client.get(SEARCH, query_string=query).get_data(as_text=True)
    second = client.get(SEARCH, query_string=query).get_data(as_text=True)
    assert "Nuit à Angers" in first and "1 mission ouverte à moins de 25 km de Angers." in first
    assert second == first


def test_a_broken_cache_still_searches(client, build, broken_cache):
    build.need(title="Nuit à Angers")
    build.commit()
    response = client.get(SEARCH, query_string={"commune": "Angers"})
    assert response.status_code == 200 and "Nuit à Angers" in response.get_data(as_text=True)
    assert broken_cache.calls == 2
