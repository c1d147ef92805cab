"""The needs and establishments behind a figure (drill-down and exports).

Only needs and establishments are listed: never a candidate, not even pseudonymously.
Each function returns a ``select`` so that pages paginate it and exports stream it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, Integer, cast, func, literal, null, select

from models import Establishment, Need
from services import stats
from services.stats import Scope
from services.stats_store import slot_stat

NEED_FIGURES = ("posted", "filled", "unfilled", "cancelled", "urgent", "time_to_fill")
FIGURES = NEED_FIGURES + ("establishments",)

FIGURE_TITLES = {
    "posted": "Besoins dont des créneaux ont commencé dans la période",
    "filled": "Besoins ayant au moins un poste pourvu dans la période",
    "unfilled": "Besoins non pourvus à leur début",
    "cancelled": "Besoins annulés (hors taux)",
    "urgent": "Besoins urgents encore ouverts (début dans les 48 heures)",
    "time_to_fill": "Besoins pourvus et délai de pourvoi",
    "establishments": "Établissements actifs",
}


def _need_columns():
    return [Need.id.label("need_id"), Establishment.name.label("establishment"),
            Establishment.departement_code.label("departement"), Need.qualification_code.label("qualification"),
            Need.kind.label("kind"), Need.first_start.label("first_start")]


def needs_query(scope: Scope, figure: str, now_utc: datetime):
    """Needs behind a figure, with positions and filled positions in the period."""
    if figure in ("posted", "filled", "unfilled"):
        per_need = (select(slot_stat.c.need_id, *stats.slot_sums())
                    .where(scope.fact_condition()).group_by(slot_stat.c.need_id).subquery())
        query = (
            select(*_need_columns(), per_need.c.posted, per_need.c.filled, cast(null(), Float).label("hours"))
            .join(per_need, per_need.c.need_id == Need.id)
            .join(Establishment, Establishment.id == Need.establishment_id)
        )
        if figure == "filled":
            query = query.where(per_need.c.filled > 0)
        if figure == "unfilled":
            query = query.where(per_need.c.unfilled > 0)
        return query.order_by(Need.first_start, Need.id)
    ids = {
        "cancelled": stats.cancelled_needs_query,
        "time_to_fill": stats.filled_needs_query,
        "urgent": lambda s: stats.urgent_needs_query(s, now_utc),
    }[figure](scope).subquery()
    hours = ids.c.hours if figure == "time_to_fill" else cast(null(), Float)
    return (
        select(*_need_columns(), Need.positions.label("posted"), literal(None, Integer).label("filled"),
               hours.label("hours"))
        .join(ids, ids.c.id == Need.id)
        .join(Establishment, Establishment.id == Need.establishment_id)
        .order_by(Need.first_start, Need.id)
    )


def establishments_query(scope: Scope):
    """Establishments with slots in the period, with their figures."""
    per_establishment = (select(slot_stat.c.establishment_id, *stats.slot_sums())
                         .where(scope.fact_condition()).group_by(slot_stat.c.establishment_id).subquery())
    figures = [per_establishment.c[name] for name in ("posted", "filled", "rate", "needs", "unfilled")]
    return (
        select(Establishment.id.label("establishment_id"), Establishment.name.label("establishment"),
               Establishment.departement_code.label("departement"), Establishment.type.label("type"), *figures)
        .join(per_establishment, per_establishment.c.establishment_id == Establishment.id)
        .order_by(Establishment.departement_code, Establishment.name, Establishment.id)
    )


def row_count(session, query) -> int:
    return session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
