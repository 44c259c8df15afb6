"""Distances on the ground between two positions (degrees), in metres."""

from __future__ import annotations

import math

EARTH_RADIUS_M = 6_371_000


def distance_m(lat1, lng1, lat2, lng2) -> int | None:
    """The great-circle distance in whole metres (None when a position is missing)."""
    if None in (lat1, lng1, lat2, lng2):
        return None
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp = p2 - p1
    dl = math.radians(float(lng2) - float(lng1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return round(2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a))))


def box(lat: float, lng: float, metres: float) -> tuple[float, float, float, float]:
    """(min lat, max lat, min lng, max lng) of a square around a position: an index-friendly first cut."""
    dlat = metres / 111_320
    dlng = metres / (111_320 * max(0.01, math.cos(math.radians(lat))))
    return lat - dlat, lat + dlat, lng - dlng, lng + dlng
