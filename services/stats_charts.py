"""Geometry of the server-rendered SVG charts and map (no external service, no JS needed).

Inputs are already aggregated rows (a few dozen at most); this module only places them.
The map draws each département as the convex hull of its communes' coordinates (the
platform's own commune table), projected equirectangularly around the region's mean latitude.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

RATE_CLASSES = ((0.5, 0), (0.7, 1), (0.85, 2), (2.0, 3))
RATE_LEGEND = ("moins de 50 %", "de 50 à 70 %", "de 70 à 85 %", "85 % ou plus")


def rate_class(rate: float | None) -> str:
    """CSS class of a fill rate (colour and pattern defined in ars.css)."""
    if rate is None:
        return "ars-rate-none"
    return f"ars-rate-{next(index for bound, index in RATE_CLASSES if rate < bound)}"


@dataclass
class TrendPoint:
    label: str
    rate: float | None
    x: float
    y: float | None


def trend(points: list[tuple[str, float | None]], width: int = 640, height: int = 240, margin: int = 40) -> dict:
    """A line of the fill rate per week or month; gaps where nothing was posted."""
    inner_w, inner_h = width - 2 * margin, height - 2 * margin
    step = inner_w / max(len(points) - 1, 1)
    placed = [
        TrendPoint(label, rate, margin + i * step, None if rate is None else margin + inner_h * (1 - min(rate, 1.0)))
        for i, (label, rate) in enumerate(points)
    ]
    line = " ".join(f"{p.x:.1f},{p.y:.1f}" for p in placed if p.y is not None)
    ticks = [(margin + inner_h * (1 - v / 100), v) for v in (0, 25, 50, 75, 100)]
    return {"width": width, "height": height, "margin": margin, "points": placed, "line": line, "ticks": ticks,
            "label_every": max(1, math.ceil(len(points) / 8))}


def bars(rows: list[tuple[str, float | None]], width: int = 640, row_height: int = 28, label_width: int = 220) -> dict:
    """Horizontal bars of the fill rate, one per qualification."""
    inner = width - label_width - 60
    placed = [
        {"label": label, "rate": rate, "y": i * row_height, "width": round(inner * min(rate or 0, 1.0), 1),
         "css": rate_class(rate)}
        for i, (label, rate) in enumerate(rows)
    ]
    return {"width": width, "height": max(len(rows), 1) * row_height, "row_height": row_height,
            "label_width": label_width, "bars": placed}


def convex_hull(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Andrew's monotone chain: the smallest convex polygon around the points."""
    pts = sorted(set(points))
    if len(pts) < 3:
        return pts

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower, upper = [], []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def region_map(communes: dict[str, list[tuple[float, float]]], figures: dict[str, tuple], size: int = 420,
               pad: int = 30) -> dict:
    """Shapes per département: ``communes`` maps a code to (lat, lon) points, ``figures`` to
    (label, rate, unfilled). Small départements (fewer than 3 communes) become circles."""
    all_points = [p for pts in communes.values() for p in pts]
    if not all_points:
        return {"size": size, "shapes": []}
    lat0 = sum(lat for lat, _ in all_points) / len(all_points)
    k = math.cos(math.radians(lat0))
    xs = [lon * k for _, lon in all_points]
    ys = [lat for lat, _ in all_points]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 0.2)
    scale = (size - 2 * pad) / span

    def project(lat: float, lon: float) -> tuple[float, float]:
        return round(pad + (lon * k - min(xs)) * scale, 1), round(pad + (max(ys) - lat) * scale, 1)

    shapes = []
    for code in sorted(communes):
        projected = [project(lat, lon) for lat, lon in communes[code]]
        hull = convex_hull(projected)
        cx = sum(x for x, _ in projected) / len(projected)
        cy = sum(y for _, y in projected) / len(projected)
        label, rate, unfilled = figures.get(code, (code, None, 0))
        shapes.append({
            "code": code, "label": label, "rate": rate, "unfilled": unfilled, "css": rate_class(rate),
            "polygon": " ".join(f"{x},{y}" for x, y in hull) if len(hull) >= 3 else None,
            "cx": round(cx, 1), "cy": round(cy, 1),
        })
    return {"size": size, "shapes": shapes}
