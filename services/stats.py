"""ARS figures: fill rate, time to fill, tension, by territory, qualification and period.

Every figure is one SQL aggregation over the refresh's daily summaries (two for the median:
its histogram, then the needs of its middle bucket); no Python loop ever walks the slots.
The definitions shown to ARS users live in ``DEFINITIONS``.

Conventions (also written on the dashboard):
- The period is a range of local (Europe/Paris) calendar days; a slot belongs to the day of
  its start, so a night across midnight counts on its first evening and a need spanning two
  months counts in each month where one of its slots starts.
- A position is filled when an assignment was accepted before the slot started and was not
  cancelled or withdrawn before that start (event times, in UTC, are converted to Paris time
  in SQL before being compared with the slot start).
- Draft and cancelled needs never enter the rate; cancelled needs are counted apart.
- Slot, need and activity figures come from the derived tables of ``stats_store`` (as of its
  last refresh): summaries per day (``stat_daily``, ``need_daily``, ``active_daily``), so a
  period of any length reads a few thousand rows. Urgent needs are read live.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Float, Integer, and_, case, cast, func, or_, select, true
from sqlalchemy.orm import Session

from models import CandidateProfile, Commune, Departement, Establishment, Need, QualificationRef, User
from models.enums import EstablishmentType, NeedKind, NeedStatus, Role
from models.stats import active_daily, held_stat, need_daily, need_stat, slot_stat, stat_daily
from services import stats_median
from services.permissions import territory_scope
from services.stats_facts import paris_now, published_not_cancelled
from services.stats_sql import bucket, hours_between

URGENT_WINDOW = timedelta(hours=48)

DEFINITIONS = {
    "posted": "Somme des postes des créneaux qui ont commencé dans la période (besoins publiés, hors besoins annulés).",
    "filled": ("Postes pour lesquels une affectation a été acceptée avant le début du créneau et n'a été ni annulée "
               "ni retirée avant ce début."),
    "rate": "Postes pourvus ÷ postes publiés, pour les créneaux qui ont commencé dans la période.",
    "time_to_fill": ("Médiane, sur les besoins pourvus dont le premier créneau a commencé dans la période, du délai entre "
                     "la première publication et l'acceptation qui a pourvu le dernier poste."),
    "unfilled": ("Besoins dont le premier créneau a commencé dans la période sans que tous ses postes soient pourvus "
                 "à cette heure-là."),
    "urgent": "Besoins publiés, encore ouverts maintenant, dont le premier créneau commence dans les 48 heures.",
    "cancelled": "Besoins annulés dont le premier créneau tombait dans la période : comptés à part, hors taux.",
    "establishments": "Établissements ayant au moins un créneau publié commençant dans la période.",
    "candidates": ("Candidats distincts ayant une affectation acceptée, non annulée ni retirée (confirmée, réalisée ou "
                   "absence signalée), sur un créneau qui a commencé dans la période."),
}

DIMENSIONS = ("departement", "qualification", "type", "kind", "period")
SORT_COLUMNS = ("key", "posted", "filled", "rate", "needs", "unfilled")
GRAINS = ("week", "month")


@dataclass(frozen=True)
class Scope:
    """What an ARS user asks for: his territory (through permissions), a period, a filter.

    ``start`` and ``end`` are local calendar days, both included. ``region_code`` narrows an
    admin (or is redundant for an ARS user, whose own scope still applies). ``as_of`` is the
    local time of the facts (last refresh): a slot counts once it has started before it.
    """

    user: User
    start: date
    end: date
    as_of: datetime
    region_code: str | None = None
    grain: str = "month"
    dimension: str | None = None
    value: str | int | None = None

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time.min)

    @property
    def end_before(self) -> datetime:
        """End of the period, or the facts' time when earlier: only started slots count."""
        return min(datetime.combine(self.end + timedelta(days=1), time.min), self.as_of)

    def territory(self, region_column=Establishment.region_code, departement_column=Establishment.departement_code):
        """SQL condition: the user's territory, narrowed to the chosen region."""
        condition = territory_scope(self.user, region_column, departement_column)
        if self.region_code:
            condition = and_(condition, region_column == self.region_code)
        return condition

    def fact_condition(self):
        """The period, territory and filter on the facts table."""
        condition = and_(slot_stat.c.start >= self.start_at, slot_stat.c.start < self.end_before,
                         self.territory(slot_stat.c.region_code, slot_stat.c.departement_code))
        if self.dimension:
            condition = and_(condition, fact_column(self.dimension, self.grain) == self.value)
        return condition


def fact_column(dimension: str, grain: str = "month"):
    return {
        "departement": slot_stat.c.departement_code,
        "qualification": slot_stat.c.qualification_code,
        "type": slot_stat.c.establishment_type,
        "kind": slot_stat.c.kind,
        "period": bucket(slot_stat.c.start, grain),
        "establishment": slot_stat.c.establishment_id,
    }[dimension]


def slot_sums():
    """Figures summed over ``slot_stat`` rows (needs counted by their first slot)."""
    posted = func.sum(slot_stat.c.positions)
    filled = func.sum(slot_stat.c.filled)
    return [
        cast(posted, Integer).label("posted"),
        cast(filled, Integer).label("filled"),
        (cast(filled, Float) / func.nullif(posted, 0)).label("rate"),
        cast(func.sum(case((slot_stat.c.is_first, 1), else_=0)), Integer).label("needs"),
        cast(func.sum(case((and_(slot_stat.c.is_first, slot_stat.c.filled < slot_stat.c.positions), 1), else_=0)),
             Integer).label("unfilled"),
    ]


@dataclass
class KeyFigures:
    posted: int
    filled: int
    rate: float | None
    needs: int
    unfilled: int
    unfilled_share: float | None
    median_hours: float | None
    urgent: int
    cancelled: int
    cancelled_positions: int
    establishments: int
    candidates: int


def daily_rows(scope: Scope, dimension: str):
    """Condition on the summary table: its rows of one dimension, in the period and territory."""
    return and_(stat_daily.c.dimension == dimension, stat_daily.c.day >= scope.start, stat_daily.c.day <= scope.end,
                scope.territory(stat_daily.c.region_code, stat_daily.c.departement_code))


def daily_aggregates():
    posted = cast(func.coalesce(func.sum(stat_daily.c.posted), 0), Integer)
    filled = cast(func.coalesce(func.sum(stat_daily.c.filled), 0), Integer)
    return [
        posted.label("posted"),
        filled.label("filled"),
        (cast(filled, Float) / func.nullif(posted, 0)).label("rate"),
        cast(func.coalesce(func.sum(stat_daily.c.needs), 0), Integer).label("needs"),
        cast(func.coalesce(func.sum(stat_daily.c.unfilled), 0), Integer).label("unfilled"),
    ]


def key_figures(session: Session, scope: Scope, now_utc: datetime) -> KeyFigures:
    totals = session.execute(select(*daily_aggregates()).where(daily_rows(scope, "total"))).one()
    establishments = active_establishments(session, scope)
    cancelled = cancelled_needs(session, scope)
    return KeyFigures(
        posted=totals.posted, filled=totals.filled, rate=totals.rate, needs=totals.needs, unfilled=totals.unfilled,
        unfilled_share=(totals.unfilled / totals.needs) if totals.needs else None,
        median_hours=median_time_to_fill(session, scope), urgent=urgent_open_needs(session, scope, now_utc),
        cancelled=cancelled.needs, cancelled_positions=cancelled.positions,
        establishments=establishments, candidates=active_candidates(session, scope),
    )


def need_started_in_period(scope: Scope):
    return and_(Need.first_start >= scope.start_at, Need.first_start < scope.end_before)


def _need_filter(scope: Scope):
    """A dimension filter on needs; the period one asks for a started slot in that bucket."""
    if not scope.dimension:
        return true()
    if scope.dimension == "period":
        return Need.id.in_(select(slot_stat.c.need_id).where(scope.fact_condition()))
    column = {"departement": Establishment.departement_code, "qualification": Need.qualification_code,
              "type": Establishment.type, "kind": Need.kind, "establishment": Establishment.id}[scope.dimension]
    return column == scope.value


def filled_needs_query(scope: Scope):
    """Needs whose first slot started in the period and that were completely filled."""
    return (
        select(Need.id, hours_between(Need.published_at, Need.filled_at).label("hours"))
        .join(Establishment, Establishment.id == Need.establishment_id)
        .where(need_started_in_period(scope), published_not_cancelled(), Need.filled_at.is_not(None),
               Need.filled_at >= Need.published_at, scope.territory(), _need_filter(scope))
    )


def need_daily_rows(scope: Scope):
    """Condition on ``need_daily``: the period's days (the refresh holds only started needs)."""
    return and_(need_daily.c.day >= scope.start, need_daily.c.day <= scope.end,
                scope.territory(need_daily.c.region_code, need_daily.c.departement_code))


def median_time_to_fill(session: Session, scope: Scope) -> float | None:
    """Exact median from the delay histogram and the needs of its middle bucket(s)."""
    needs = and_(need_stat.c.day >= scope.start, need_stat.c.day <= scope.end,
                 scope.territory(need_stat.c.region_code, need_stat.c.departement_code))
    return stats_median.median_hours(session, need_daily_rows(scope), needs)


def urgent_needs_query(scope: Scope, now_utc: datetime):
    now = paris_now(now_utc)
    return (
        select(Need.id)
        .join(Establishment, Establishment.id == Need.establishment_id)
        .where(Need.status == NeedStatus.OPEN, Need.published_at.is_not(None), Need.cancelled_at.is_(None),
               Need.first_start >= now, Need.first_start < now + URGENT_WINDOW, scope.territory(), _need_filter(scope))
    )


def urgent_open_needs(session: Session, scope: Scope, now_utc: datetime) -> int:
    return session.scalar(select(func.count()).select_from(urgent_needs_query(scope, now_utc).subquery()))


def cancelled_needs_query(scope: Scope):
    return (
        select(Need.id)
        .join(Establishment, Establishment.id == Need.establishment_id)
        .where(need_started_in_period(scope), Need.published_at.is_not(None),
               or_(Need.status == NeedStatus.CANCELLED, Need.cancelled_at.is_not(None)),
               scope.territory(), _need_filter(scope))
    )


def cancelled_needs(session: Session, scope: Scope):
    return session.execute(
        select(cast(func.coalesce(func.sum(need_daily.c.needs), 0), Integer).label("needs"),
               cast(func.coalesce(func.sum(need_daily.c.positions), 0), Integer).label("positions"))
        .where(need_daily_rows(scope), need_daily.c.cancelled)
    ).one()


def candidate_level(scope: Scope) -> str | None:
    """The ``active_daily`` level whose rows count the scope's candidates exactly; None for an
    ARS user limited to several départements (a candidate may work in two of them)."""
    user = scope.user
    if user.role == Role.ARS and user.ars_departement_codes:
        return "departement" if len(user.ars_departement_codes) == 1 else None
    if user.role == Role.ADMIN and not scope.region_code:
        return "all"
    return "region"


def active_entities(session: Session, scope: Scope, entity: str, level: str) -> int:
    """Entities active in the period: each counted once, on its first active day in it (the
    row's previous active day in that territory is before the period, or there is none)."""
    first_in_period = or_(active_daily.c.prev_day.is_(None), active_daily.c.prev_day < scope.start)
    return session.scalar(
        select(cast(func.coalesce(func.sum(active_daily.c.entities), 0), Integer))
        .where(active_daily.c.entity == entity, active_daily.c.level == level, active_daily.c.day >= scope.start,
               active_daily.c.day <= scope.end, first_in_period,
               scope.territory(active_daily.c.region_code, active_daily.c.departement_code))
    )


def active_candidates(session: Session, scope: Scope) -> int:
    level = candidate_level(scope)
    if level is not None:
        return active_entities(session, scope, "candidate", level)
    # Several départements: one index probe per candidate (no large DISTINCT sort).
    worked = (select(held_stat.c.candidate_id)
              .where(held_stat.c.candidate_id == CandidateProfile.id, held_stat.c.start >= scope.start_at,
                     held_stat.c.start < scope.end_before,
                     scope.territory(held_stat.c.region_code, held_stat.c.departement_code))
              .exists())
    return session.scalar(select(func.count()).select_from(CandidateProfile).where(worked))


def active_establishments(session: Session, scope: Scope) -> int:
    return active_entities(session, scope, "establishment", "departement")


def breakdown(session: Session, scope: Scope, dimension: str, sort: str = "key", descending: bool = False) -> list:
    """Posted, filled, rate, needs started and needs unfilled at start, per value of a dimension."""
    if dimension not in DIMENSIONS or sort not in SORT_COLUMNS:
        raise ValueError(dimension)
    key = bucket(stat_daily.c.day, scope.grain) if dimension == "period" else stat_daily.c.key
    figures = daily_aggregates()
    columns = {"key": key, **{c.name: c for c in figures}}
    order = columns[sort].desc() if descending else columns[sort].asc()
    query = (select(key.label("key"), *figures)
             .where(daily_rows(scope, "total" if dimension == "period" else dimension))
             .group_by(key).order_by(order.nulls_last(), key))
    return session.execute(query).all()


def labels(session: Session, dimension: str) -> dict[str, str]:
    """French labels of a dimension's keys (small reference tables)."""
    if dimension == "departement":
        return {code: f"{code} — {name}" for code, name in session.execute(select(Departement.code, Departement.name))}
    if dimension == "qualification":
        return dict(session.execute(select(QualificationRef.code, QualificationRef.label)).all())
    if dimension == "type":
        return dict(EstablishmentType.choices())
    if dimension == "kind":
        return dict(NeedKind.choices())
    return {}


def scope_for(user: User, start: date, end: date, as_of_utc: datetime, region_code: str | None = None,
              grain: str = "month") -> Scope:
    """An admin may pick a region; an ARS user always stays in his own."""
    if user.role != Role.ADMIN:
        region_code = None
    return Scope(user=user, start=start, end=end, as_of=paris_now(as_of_utc), region_code=region_code or None,
                 grain=grain)


def departement_points(session: Session, codes: list[str]) -> dict[str, list[tuple[float, float]]]:
    """Commune coordinates of the given départements, for the map (reference data, no figures)."""
    points: dict[str, list[tuple[float, float]]] = {code: [] for code in codes}
    rows = session.execute(select(Commune.departement_code, Commune.lat, Commune.lon)
                           .where(Commune.departement_code.in_(codes)))
    for code, lat, lon in rows:
        points[code].append((lat, lon))
    return {code: pts for code, pts in points.items() if pts}


def visible_departements(session: Session, scope: Scope) -> list[str]:
    """Départements the map shows: the user's territory, or those with activity for an admin
    looking at the whole country."""
    user = scope.user
    if user.role == Role.ARS and user.ars_departement_codes:
        return sorted(user.ars_departement_codes)
    region = scope.region_code or (user.ars_region_code if user.role == Role.ARS else None)
    if region:
        return list(session.scalars(select(Departement.code).where(Departement.region_code == region)
                                    .order_by(Departement.code)))
    return [row.key for row in breakdown(session, scope, "departement")]
