"""Straight-line distances: the contract measures travel as great-circle distance."""

from __future__ import annotations

from math import asin, cos, radians, sin, sqrt

EARTH_RADIUS_KM = 6371.0088  # IUGG mean Earth radius
KM_PER_DEGREE_LAT = EARTH_RADIUS_KM * 3.141592653589793 / 180.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two WGS84 points."""
    phi1, phi2 = radians(lat1), radians(lat2)
    a = sin((phi2 - phi1) / 2) ** 2 + cos(phi1) * cos(phi2) * sin(radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(a)))


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) holding every point within ``radius_km``.

    Meant for a cheap SQL prefilter before the exact distance: it may let through points a bit
    too far (the corners), never drop one that is close enough. Near a pole it spans all longitudes.
    """
    dlat = radius_km / KM_PER_DEGREE_LAT
    min_lat, max_lat = max(-90.0, lat - dlat), min(90.0, lat + dlat)
    widest = max(abs(min_lat), abs(max_lat))
    if widest >= 89.999:
        return min_lat, max_lat, -180.0, 180.0
    dlon = dlat / cos(radians(widest))
    if dlon >= 180.0:
        return min_lat, max_lat, -180.0, 180.0
    return min_lat, max_lat, lon - dlon, lon + dlon


def zone_component(distance_km: float, radius_km: float, close_km: float) -> float:
    """1 up to ``close_km``, then linearly down to 0 at the radius (callers exclude beyond it)."""
    if distance_km <= close_km or distance_km <= 0:
        return 1.0
    if distance_km >= radius_km:
        return 0.0
    return (radius_km - distance_km) / (radius_km - close_km)
