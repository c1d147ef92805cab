"""The public search of open needs (``need_search.search``), cached for a short time.

The search is anonymous and answers the same to everyone, so one entry per normalised query
and page serves all visitors for the TTL. Only need ids and distances are cached: the needs
are read again on a hit (one IN query) with the public conditions, so a need closed or
filled since drops out of the list at once and its slots are current; the count and the
page split may lag by up to the TTL, which no visitor can be misled by.
"""

from __future__ import annotations

from datetime import datetime

from models import Need
from services import need_search
from services.cache import cache_key, current_cache, ttl
from services.localtime import paris_from_utc


def search_key(filters: need_search.SearchFilters, page: int) -> str:
    commune = filters.commune.code_insee if filters.commune is not None else None
    kind = getattr(filters.kind, "value", filters.kind)
    return cache_key("search", commune, filters.radius_km, filters.qualification, kind, filters.date_from,
                     filters.date_to, page)


def search(session, filters: need_search.SearchFilters, *, now: datetime, page: int = 1) -> need_search.Page:
    """``need_search.search(session, filters, now=now, page=page)``, from the cache when fresh."""

    def dump(result: need_search.Page) -> dict:
        return {"hits": [[hit.need.id, hit.distance_km] for hit in result.hits], "total": result.total,
                "number": result.number, "pages": result.pages}

    def load(cached: dict) -> need_search.Page:
        ids = [need_id for need_id, _ in cached["hits"]]
        needs = {need.id: need for need in session.scalars(need_search.public_needs_query().where(Need.id.in_(ids))).unique()}
        local_now = paris_from_utc(now)
        hits = []
        for need_id, distance in cached["hits"]:
            slots = need_search.upcoming_slots(needs[need_id], local_now, filters.date_from) if need_id in needs else []
            if slots:
                hits.append(need_search.Hit(needs[need_id], distance, slots))
        return need_search.Page(hits, cached["total"], cached["number"], cached["pages"])

    return current_cache().fetch(search_key(filters, page), lambda: need_search.search(session, filters, now=now, page=page),
                                 ttl=ttl("search"), now=now, dump=dump, load=load)
