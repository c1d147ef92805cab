"""Everything the ARS dashboard shows, assembled from the SQL aggregations of ``stats``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from babel.dates import format_date
from sqlalchemy.orm import Session

from models import Establishment
from models.enums import LabelledEnum
from services import stats, stats_charts
from services.stats import Scope

DIMENSION_TITLES = {
    "departement": "Par département",
    "qualification": "Par qualification",
    "type": "Par type d'établissement",
    "kind": "Par type de besoin",
    "period": "Par période",
}


@dataclass(frozen=True)
class Sort:
    """Server-side sort of one table: ``tri=<table>.<column>`` and ``ordre=asc|desc``."""

    table: str = ""
    column: str = "key"
    descending: bool = False

    @classmethod
    def parse(cls, value: str | None, order: str | None) -> Sort:
        table, _, column = (value or "").partition(".")
        if table not in stats.DIMENSIONS or column not in stats.SORT_COLUMNS:
            return cls()
        return cls(table, column, order == "desc")

    def for_table(self, table: str) -> tuple[str, bool]:
        return (self.column, self.descending) if table == self.table else ("key", False)


def key_label(value, labels: dict[str, str], dimension: str) -> str:
    if isinstance(value, LabelledEnum):
        return value.label
    if dimension == "period" and value:
        return period_label(value, grain_of=labels.get("__grain__", "month"))
    return labels.get(value, value or "—")


def period_label(value: str, grain_of: str) -> str:
    day = date.fromisoformat(value)
    if grain_of == "month":
        return format_date(day, "MMMM yyyy", locale="fr")
    return f"semaine du {format_date(day, 'd MMM yyyy', locale='fr')}"


def table(session: Session, scope: Scope, dimension: str, sort: Sort) -> dict:
    column, descending = sort.for_table(dimension)
    labels = stats.labels(session, dimension) | {"__grain__": scope.grain}
    rows = [
        {"key": str(row.key), "label": key_label(row.key, labels, dimension), "posted": row.posted,
         "filled": row.filled, "rate": row.rate, "needs": row.needs, "unfilled": row.unfilled}
        for row in stats.breakdown(session, scope, dimension, column, descending)
    ]
    return {"dimension": dimension, "title": DIMENSION_TITLES[dimension], "rows": rows,
            "sort": column, "descending": descending}


def build(session: Session, scope: Scope, now_utc: datetime, sort: Sort) -> dict:
    figures = stats.key_figures(session, scope, now_utc)
    tables = {dimension: table(session, scope, dimension, sort) for dimension in stats.DIMENSIONS}
    chronological = tables["period"] if sort.table != "period" else table(session, scope, "period", Sort())
    trend = stats_charts.trend([(row["label"], row["rate"]) for row in chronological["rows"]])
    by_rate = sorted(tables["qualification"]["rows"], key=lambda row: row["key"])
    bars = stats_charts.bars([(row["label"], row["rate"]) for row in by_rate])
    departements = tables["departement"]["rows"]
    codes = stats.visible_departements(session, scope)
    names = stats.labels(session, "departement")
    figures_by_code = {code: (names.get(code, code), None, 0) for code in codes}
    figures_by_code |= {row["key"]: (row["label"], row["rate"], row["unfilled"]) for row in departements}
    region_map = stats_charts.region_map(stats.departement_points(session, codes), figures_by_code)
    return {"figures": figures, "definitions": stats.DEFINITIONS, "tables": tables, "trend": trend,
            "bars": bars, "map": region_map, "legend": stats_charts.RATE_LEGEND}


FILTER_TITLES = {"departement": "département", "qualification": "qualification", "type": "type d'établissement",
                 "kind": "type de besoin", "period": "période", "establishment": "établissement"}


def filter_label(session: Session, scope: Scope) -> str | None:
    """'qualification : Aide-soignant(e)' — the drill-down's filter, in words."""
    if not scope.dimension:
        return None
    if scope.dimension == "establishment":
        value = session.get(Establishment, scope.value).name
    elif scope.dimension == "period":
        value = period_label(scope.value, scope.grain)
    else:
        labels = stats.labels(session, scope.dimension)
        value = labels.get(scope.value, scope.value)
    return f"{FILTER_TITLES[scope.dimension]} : {value}"
