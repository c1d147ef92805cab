"""A need's ranked candidates (``matching_feed.rank_for_need``), cached for a short time.

The key is the need plus a digest of everything its manager can change: the need's columns,
its establishment's place and type, its open slots (an accepted candidate fills one; a
started slot drops out), its applications and assignments, and the establishment's pool.
So any decision on the need shows at once (a new key), while candidate-side changes
(availability, profile, other bookings) show after the TTL.

Only the engine's results and candidate ids are cached, no personal data: the profiles shown
are read again from the database on each hit, and a candidate erased since (not found) is
left out. The page itself is never cached, so who may see it is checked on every request.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from sqlalchemy import inspect, select

from matching import Result
from models import Application, Assignment, CandidateProfile, Need, PoolMember
from services.cache import cache_key, current_cache, ttl
from services.matching_feed import open_slots, rank_for_need, shown_profiles


def need_state(session, need: Need, now: datetime) -> list:
    """What the manager decides about the need and what the ranking reads of it."""
    establishment = need.establishment
    return [
        {attr.key: getattr(need, attr.key) for attr in inspect(Need).column_attrs},
        [establishment.lat, establishment.lon, establishment.type, establishment.sector],
        [[s.id, s.start, s.end, s.positions, s.filled] for s in open_slots(need, now)],
        [list(row) for row in session.execute(select(Application.id, Application.state, Application.decided_at)
                             .where(Application.need_id == need.id).order_by(Application.id))],
        [list(row) for row in session.execute(select(Assignment.id, Assignment.state, Assignment.slot_id)
                             .where(Assignment.need_id == need.id).order_by(Assignment.id))],
        list(session.scalars(select(PoolMember.candidate_id).where(PoolMember.establishment_id == need.establishment_id)
                             .order_by(PoolMember.candidate_id))),
    ]


def ranking_key(session, need: Need, now: datetime, limit: int) -> str:
    return cache_key("ranking", need.id, limit, need_state(session, need, now))


def result_to_json(result: Result) -> dict:
    return {field.name: getattr(result, field.name) for field in dataclasses.fields(Result)}


def result_from_json(data: dict) -> Result:
    return Result(**{**data, "covered_slot_indexes": tuple(data["covered_slot_indexes"])})


def ranked_candidates(session, need: Need, *, now: datetime, limit: int) -> list[tuple[CandidateProfile, Result]]:
    """``rank_for_need(session, need, now=now, limit=limit)``, from the cache when fresh."""

    def dump(ranked) -> list:
        return [[profile.id, result_to_json(result)] for profile, result in ranked]

    def load(cached: list) -> list:
        results = [(candidate_id, result_from_json(result)) for candidate_id, result in cached]
        profiles = shown_profiles(session, [candidate_id for candidate_id, _ in results])
        return [(profiles[candidate_id], result) for candidate_id, result in results if candidate_id in profiles]

    return current_cache().fetch(ranking_key(session, need, now, limit),
                                 lambda: rank_for_need(session, need, now=now, limit=limit),
                                 ttl=ttl("ranking"), now=now, dump=dump, load=load)
