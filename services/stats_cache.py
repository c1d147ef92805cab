"""The ARS dashboard's figures, cached until the next ``refresh-ars-stats``.

Everything the board shows comes from the derived tables, which change only at a refresh,
except "urgent needs open right now", which is live: the cached board is keyed by the
refresh time (``scope.as_of``) and the territory, period and sort asked, and the urgent
figure is recounted on every request (one small indexed query).

The key holds what decides what an ARS user may see (his region and départements, or
"admin" and the region he picked), never the user himself: two users with the same
territory share the entry, users with different territories never do.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from sqlalchemy.orm import Session

from models.enums import Role
from services import stats, stats_dashboard
from services.cache import cache_key, current_cache, ttl
from services.stats import Scope


def territory_key(scope: Scope) -> list:
    user = scope.user
    if user.role == Role.ADMIN:
        return ["admin", scope.region_code]
    return [Role(user.role).value, user.ars_region_code, sorted(user.ars_departement_codes or [])]


def board_key(scope: Scope, sort: stats_dashboard.Sort) -> str:
    return cache_key("ars-board", territory_key(scope), scope.as_of, scope.start, scope.end, scope.grain,
                     scope.dimension, scope.value, [sort.table, sort.column, sort.descending])


def plain(value):
    """The board as JSON-ready data: dataclasses (figures, chart points) become dicts."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: plain(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def dashboard(session: Session, scope: Scope, now_utc: datetime, sort: stats_dashboard.Sort) -> dict:
    """``stats_dashboard.build``'s board, from the cache when this refresh's board is there."""

    def with_live_urgent(cached: dict) -> dict:
        figures = stats.KeyFigures(**cached["figures"])
        figures.urgent = stats.urgent_open_needs(session, scope, now_utc)
        return {**cached, "figures": figures}

    return current_cache().fetch(board_key(scope, sort), lambda: stats_dashboard.build(session, scope, now_utc, sort),
                                 ttl=ttl("ars"), now=now_utc, dump=plain, load=with_live_urgent)
