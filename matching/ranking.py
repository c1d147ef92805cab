"""Ranking many candidates for a need, or many needs for a candidate, deterministically.

Eligible results come first, best score first, then the nearest, then by id; ineligible ones
follow in the same order. Without ``include_ineligible`` candidates that certainly fail
(too far, wrong public) are dropped before any costly work: that is what keeps ranking
100,000 candidates within a fraction of a second.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from matching.config import DEFAULT_CONFIG, MatchingConfig
from matching.evaluation import NeedContext
from matching.geo import KM_PER_DEGREE_LAT, haversine_km
from matching.models import Candidate, Need, Slot
from matching.result import Result

ROUNDING_MARGIN_KM = 0.05  # distances are compared once rounded to 0.1 km


def _order(result: Result) -> tuple:
    return (not result.eligible, -result.score, result.distance_km, result.subject_id)


def _finish(results: list[Result], top: int | None) -> list[Result]:
    results.sort(key=_order)
    return results if top is None else results[:max(top, 0)]


def prefilter(need: Need) -> Callable[[str, float, float, float], float | None]:
    """``reach(public, lat, lon, radius_km)``: the distance to the need, or None for candidates
    that certainly fail (beyond their radius, or a public this kind of need never takes)."""
    lat, lon = need.lat, need.lon
    civic, pec = need.kind == "civic_service", need.kind == "pec"

    def reach(public: str, c_lat: float, c_lon: float, radius_km: float) -> float | None:
        limit = radius_km + ROUNDING_MARGIN_KM
        if abs(c_lat - lat) * KM_PER_DEGREE_LAT > limit:
            return None  # even the north-south gap is beyond the radius
        if (public == "civic_service") != civic or (pec and public != "pec"):
            return None
        distance = haversine_km(lat, lon, c_lat, c_lon)
        return distance if distance <= limit else None

    return reach


def rank_candidates(need: Need, candidates: Iterable[Candidate], config: MatchingConfig = DEFAULT_CONFIG, *,
                    include_ineligible: bool = False, top: int | None = None) -> list[Result]:
    """Candidates for ``need``, best first; ``top`` keeps at most that many results."""
    context = NeedContext(need, config)
    if include_ineligible:
        return _finish([context.evaluate(candidate) for candidate in candidates], top)
    if context.need_exclusions:
        return []
    reach = prefilter(need)
    evaluate = context.evaluate
    results = []
    for candidate in candidates:
        distance = reach(candidate.public, candidate.lat, candidate.lon, candidate.radius_km)
        if distance is not None:
            result = evaluate(candidate, distance=distance, explain=False)
            if result is not None:
                results.append(result)
    return _finish(results, top)


def recommend_needs(candidate: Candidate, needs: Iterable[Need], config: MatchingConfig = DEFAULT_CONFIG, *,
                    include_ineligible: bool = False, top: int | None = None,
                    booked: Iterable[Slot] | None = None) -> list[Result]:
    """Needs for ``candidate``, best first; results carry the need's id as ``subject_id``."""
    booked = tuple(booked or ())
    results = []
    for need in needs:
        evaluated = NeedContext(need, config).evaluate(candidate, booked)
        if evaluated.eligible or include_ineligible:
            results.append(_as_need_result(evaluated, need.id))
    return _finish(results, top)


def _as_need_result(result: Result, need_id: str) -> Result:
    return replace(result, subject_id=need_id)
