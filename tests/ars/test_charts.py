"""Geometry of the SVG charts and map (pure functions, no database)."""

from __future__ import annotations

import pytest

from services.stats_charts import bars, convex_hull, rate_class, region_map, trend


@pytest.mark.parametrize(("rate", "css"), [
    (None, "ars-rate-none"), (0.0, "ars-rate-0"), (0.499, "ars-rate-0"), (0.5, "ars-rate-1"), (0.7, "ars-rate-2"),
    (0.85, "ars-rate-3"), (1.0, "ars-rate-3"),
])
def test_rate_classes(rate, css):
    assert rate_class(rate) == css


def test_convex_hull_drops_inner_points():
    square = [(0, 0), (2, 0), (2, 2), (0, 2)]
    assert convex_hull(square + [(1, 1), (1, 0)]) == [(0, 0), (2, 0), (2, 2), (0, 2)]
    assert convex_hull([(1, 1), (1, 1), (3, 4)]) == [(1, 1), (3, 4)]


def test_trend_places_points_and_leaves_gaps():
    chart = trend([("janvier", 1.0), ("février", None), ("mars", 0.5)], width=240, height=140, margin=20)
    assert [(p.x, p.y) for p in chart["points"]] == [(20, 20), (120, None), (220, 70)]
    assert chart["line"] == "20.0,20.0 220.0,70.0"


def test_bars_scale_with_the_rate():
    chart = bars([("AS", 1.0), ("IDE", 0.25)], width=500, label_width=200)
    assert [b["width"] for b in chart["bars"]] == [240, 60]
    assert chart["height"] == 56


def test_map_draws_hulls_and_circles_for_small_departements():
    communes = {"44": [(47.2, -1.6), (47.3, -2.2), (46.9, -1.9)], "49": [(47.5, -0.5)]}
    shapes = region_map(communes, {"44": ("44 — Loire-Atlantique", 0.8, 1)})["shapes"]
    assert [(s["code"], s["css"], s["polygon"] is not None) for s in shapes] == [
        ("44", "ars-rate-2", True), ("49", "ars-rate-none", False)]
    assert shapes[1]["label"] == "49"
