"""The public list of open needs: what anyone may see without an account.

Only the establishment's name and town, the post and its upcoming slots are shown: nothing
about any person. Distances are measured from the commune searched for (great circle),
after an index-friendly bounding-box prefilter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload

from matching import bounding_box, haversine_km
from models import Commune, Establishment, Need
from models.enums import NeedKind, NeedStatus, VerificationStatus
from services.localtime import paris_from_utc

PER_PAGE = 20
MAX_SCANNED = 2000  # needs read for one search: the soonest, far more than anyone pages through


@dataclass
class SearchFilters:
    commune: Commune | None = None
    radius_km: int = 25
    qualification: str | None = None
    kind: NeedKind | None = None
    date_from: date | None = None
    date_to: date | None = None


@dataclass
class Hit:
    need: Need
    distance_km: float | None
    slots: list  # upcoming slots with a free position


@dataclass
class Page:
    hits: list[Hit]
    total: int
    number: int
    pages: int


def public_needs_query():
    """Open, published needs of verified establishments (the only needs shown publicly)."""
    return (select(Need).join(Need.establishment)
            .where(Need.status == NeedStatus.OPEN, Need.published_at.is_not(None),
                   Establishment.verification_status == VerificationStatus.VERIFIED)
            .options(contains_eager(Need.establishment).selectinload(Establishment.commune), selectinload(Need.slots),
                     selectinload(Need.qualification)))


def search(session, filters: SearchFilters, *, now: datetime, page: int = 1, per_page: int = PER_PAGE) -> Page:
    local_now = paris_from_utc(now)
    query = public_needs_query().where(Need.last_end > local_now)
    if filters.commune is not None:
        min_lat, max_lat, min_lon, max_lon = bounding_box(filters.commune.lat, filters.commune.lon, filters.radius_km)
        query = query.where(Establishment.lat.between(min_lat, max_lat), Establishment.lon.between(min_lon, max_lon))
    if filters.qualification:
        query = query.where(Need.qualification_code == filters.qualification)
    if filters.kind:
        query = query.where(Need.kind == filters.kind)
    if filters.date_to:
        query = query.where(Need.first_start < datetime.combine(filters.date_to + timedelta(days=1), time.min))
    if filters.date_from:
        query = query.where(Need.last_end > datetime.combine(filters.date_from, time.min))
    hits = []
    for need in session.scalars(query.order_by(Need.first_start, Need.id).limit(MAX_SCANNED)).unique():
        slots = upcoming_slots(need, local_now, filters.date_from)
        if not slots:
            continue
        distance = None
        if filters.commune is not None:
            est = need.establishment
            distance = round(haversine_km(filters.commune.lat, filters.commune.lon, est.lat, est.lon), 1)
            if distance > filters.radius_km:
                continue
        hits.append(Hit(need, distance, slots))
    pages = max(1, -(-len(hits) // per_page))
    page = min(max(1, page), pages)
    return Page(hits[(page - 1) * per_page: page * per_page], len(hits), page, pages)


def upcoming_slots(need: Need, local_now: datetime, date_from: date | None = None) -> list:
    """Slots still to come with a free position (from ``date_from`` when given)."""
    floor = max(local_now, datetime.combine(date_from, time.min)) if date_from else local_now
    return [s for s in need.slots if s.start >= floor and s.filled < s.positions]
