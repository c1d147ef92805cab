"""Portable SQL pieces for the ARS statistics (SQLite and PostgreSQL).

Date arithmetic differs between the two engines; these constructs compile to each dialect
so that every aggregation still runs in one SQL statement.

Time zones: slots are naive Europe/Paris wall-clock times, event timestamps (acceptance,
withdrawal) naive UTC. Before comparing an event with a slot start we convert the event to
Paris time in SQL, with a CASE over the daylight-saving windows of the years concerned
(EU rule: last Sunday of March 01:00 UTC to last Sunday of October 01:00 UTC).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import Date, DateTime, Float, String, and_, case, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement


class shift_hours(FunctionElement):  # noqa: N801 - SQL function style
    """``column + n hours`` (same text format as SQLAlchemy's SQLite DateTime)."""

    type = DateTime()
    inherit_cache = True


@compiles(shift_hours)
def _shift_default(element, compiler, **kw):
    column, hours = list(element.clauses)
    return f"({compiler.process(column, **kw)} + make_interval(hours => {compiler.process(hours, **kw)}))"


@compiles(shift_hours, "sqlite")
def _shift_sqlite(element, compiler, **kw):
    column, hours = list(element.clauses)
    # SQLAlchemy stores 'YYYY-MM-DD HH:MM:SS.ffffff'; %f gives milliseconds, so pad to micro.
    return (f"(strftime('%Y-%m-%d %H:%M:%f', {compiler.process(column, **kw)}, "
            f"({compiler.process(hours, **kw)}) || ' hours') || '000')")


class hours_between(FunctionElement):  # noqa: N801
    """Hours from the first timestamp to the second, as a float."""

    type = Float()
    inherit_cache = True


@compiles(hours_between)
def _hours_default(element, compiler, **kw):
    first, second = (compiler.process(c, **kw) for c in element.clauses)
    return f"(EXTRACT(EPOCH FROM ({second} - {first})) / 3600.0)"


@compiles(hours_between, "sqlite")
def _hours_sqlite(element, compiler, **kw):
    first, second = (compiler.process(c, **kw) for c in element.clauses)
    return f"((julianday({second}) - julianday({first})) * 24.0)"


class day_of(FunctionElement):  # noqa: N801
    """The calendar day of a timestamp, as a DATE."""

    type = Date()
    inherit_cache = True


@compiles(day_of)
def _day_default(element, compiler, **kw):
    return f"CAST({compiler.process(list(element.clauses)[0], **kw)} AS DATE)"


@compiles(day_of, "sqlite")
def _day_sqlite(element, compiler, **kw):
    return f"date({compiler.process(list(element.clauses)[0], **kw)})"


class period_bucket(FunctionElement):  # noqa: N801
    """The first day ('YYYY-MM-DD') of the ISO week or of the month of a timestamp."""

    type = String()
    inherit_cache = True


def _grain(element) -> str:
    grain = list(element.clauses)[1].value
    if grain not in ("week", "month"):
        raise ValueError(grain)
    return grain


@compiles(period_bucket)
def _bucket_default(element, compiler, **kw):
    column = compiler.process(list(element.clauses)[0], **kw)
    return f"to_char(date_trunc('{_grain(element)}', {column}), 'YYYY-MM-DD')"


@compiles(period_bucket, "sqlite")
def _bucket_sqlite(element, compiler, **kw):
    column = compiler.process(list(element.clauses)[0], **kw)
    if _grain(element) == "month":
        return f"strftime('%Y-%m-01', {column})"
    # 'weekday 0' moves to the coming Sunday (or stays on it); six days back is its Monday.
    return f"date({column}, 'weekday 0', '-6 days')"


def bucket(column, grain: str) -> period_bucket:
    return period_bucket(column, literal(grain, literal_execute=True))


def _last_sunday(year: int, month: int) -> date:
    day = date(year, month, 31)
    return day - timedelta(days=(day.weekday() - 6) % 7)


def summer_time_windows(first_year: int, last_year: int) -> list[tuple[datetime, datetime]]:
    """UTC instants at which Paris is on summer time (UTC+2), one window per year."""
    return [
        (datetime.combine(_last_sunday(year, 3), datetime.min.time()) + timedelta(hours=1),
         datetime.combine(_last_sunday(year, 10), datetime.min.time()) + timedelta(hours=1))
        for year in range(first_year, last_year + 1)
    ]


def paris_time(utc_column, first_year: int, last_year: int) -> ColumnElement:
    """Paris wall-clock time of a naive UTC column (winter UTC+1 outside the given years)."""
    summer = [
        (and_(utc_column >= start, utc_column < end), shift_hours(utc_column, literal(2, literal_execute=True)))
        for start, end in summer_time_windows(first_year, last_year)
    ]
    return case(*summer, else_=shift_hours(utc_column, literal(1, literal_execute=True)))
