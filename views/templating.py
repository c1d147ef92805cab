"""Jinja filters and globals: French dates and numbers, labels, navigation by role."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app
from flask_babel import format_date, format_datetime, format_decimal, format_percent
from werkzeug.routing import BuildError

from models import enums

PARIS = ZoneInfo("Europe/Paris")


def local_from_utc(value: datetime) -> datetime:
    """Event times are stored in naive UTC; people read them in Paris time."""
    return value.replace(tzinfo=UTC).astimezone(PARIS).replace(tzinfo=None)


def fr_date(value: date | datetime | None, fmt: str = "d MMMM yyyy") -> str:
    if value is None:
        return ""
    return format_date(value, fmt)


def fr_datetime(value: datetime | None, fmt: str = "EEEE d MMMM yyyy 'à' HH'h'mm") -> str:
    """Slots are naive local times and are shown as they are."""
    if value is None:
        return ""
    return format_datetime(value, fmt, rebase=False)


def fr_event(value: datetime | None, fmt: str = "d MMMM yyyy 'à' HH'h'mm") -> str:
    """An event time stored in UTC, shown in Paris time."""
    if value is None:
        return ""
    return format_datetime(local_from_utc(value), fmt, rebase=False)


def fr_number(value, digits: int = 1) -> str:
    if value is None:
        return "—"
    if isinstance(value, int):
        return format_decimal(value, format="#,##0")
    return format_decimal(value, format="#,##0." + "#" * digits)


def fr_percent(value) -> str:
    return "—" if value is None else format_percent(value, format="#,##0.#\u00a0%")


def fr_time_range(start: datetime, end: datetime) -> str:
    """'samedi 12 juillet 2026, 21h00 → 07h00 (lendemain)'."""
    text = f"{fr_datetime(start, 'EEEE d MMMM yyyy')}, {start:%H}h{start:%M} → {end:%H}h{end:%M}"
    days = (end.date() - start.date()).days
    if days == 1:
        text += " (lendemain)"
    elif days > 1:
        text = f"du {fr_date(start)} au {fr_date(end)}"
    return text


def nav_url(endpoint: str, **values) -> str | None:
    """URL of an endpoint, or None while that part of the app does not exist."""
    try:
        from flask import url_for

        return url_for(endpoint, **values)
    except BuildError:
        return None


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        fr_date=fr_date, fr_datetime=fr_datetime, fr_event=fr_event, fr_number=fr_number,
        fr_percent=fr_percent,
    )
    app.jinja_env.globals.update(
        enums=enums, nav_url=nav_url, fr_time_range=fr_time_range,
        env_name=lambda: current_app.config.get("ENV_NAME"), main_nav=main_nav,
    )


NAV_BY_ROLE = {
    None: [("Missions ouvertes", "public.search")],
    enums.Role.CANDIDATE: [
        ("Missions pour moi", "candidate.missions"),
        ("Mes candidatures", "candidate.applications"),
        ("Mes disponibilités", "candidate.availability"),
        ("Mon profil", "candidate.profile"),
        ("Mes données", "candidate.my_data"),
    ],
    enums.Role.ESTABLISHMENT: [
        ("Mes besoins", "establishment.needs"),
        ("Publier un besoin", "establishment.need_new"),
        ("Mon vivier", "establishment.pool"),
        ("Mes établissements", "establishment.establishments"),
    ],
    enums.Role.ARS: [
        ("Tableau de bord", "ars.dashboard"),
        ("Objectifs du plan", "ars.targets"),
        ("Établissements à valider", "ars.validations"),
    ],
    enums.Role.ADMIN: [
        ("Administration", "admin.index"),
        ("Tableau de bord ARS", "ars.dashboard"),
        ("Journal d'audit", "admin.audit"),
    ],
}


def main_nav() -> list[tuple[str, str]]:
    """The navigation of the current user's role, limited to the pages that exist."""
    from flask_login import current_user

    role = current_user.role if current_user.is_authenticated else None
    links = [(label, nav_url(endpoint)) for label, endpoint in NAV_BY_ROLE.get(role, [])]
    return [(label, url) for label, url in links if url]
