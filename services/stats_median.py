"""Exact median time to fill without sorting every need of the period.

The refresh puts each filled need's delay in a bucket (bounds growing by 2^(1/4), from one
hour to about two years) and counts the needs per day and bucket in ``need_daily``. The
median then takes two small queries: the cumulative counts per bucket over the period say
which bucket(s) hold the middle rank(s) and how many needs come before; only the needs of
those one or two buckets are then ranked (``need_stat``, covering index on the bucket).
"""

from __future__ import annotations

from sqlalchemy import Float, Integer, case, cast, func, literal, over, select
from sqlalchemy.orm import Session

from models.stats import need_daily, need_stat

BOUNDS = tuple(round(2 ** (step / 4), 3) for step in range(64))  # hours: 1 … 2^15.75 (≈ 6 years)


def delay_bucket(hours):
    """SQL: index of the first bound above ``hours`` (0 below one hour), monotonic in hours."""
    return case(*((hours < bound, index) for index, bound in enumerate(BOUNDS)), else_=len(BOUNDS))


def median_hours(session: Session, daily_condition, need_condition) -> float | None:
    """Median of ``need_stat.hours`` over the needs matching ``need_condition``; the same needs
    are counted in the ``need_daily`` rows matching ``daily_condition``."""
    histogram = (select(need_daily.c.bucket, cast(func.sum(need_daily.c.needs), Integer).label("needs"))
                 .where(daily_condition, need_daily.c.bucket.is_not(None))
                 .group_by(need_daily.c.bucket).subquery())
    upto = over(func.sum(histogram.c.needs), order_by=histogram.c.bucket)
    cumulative = select(histogram.c.bucket, cast(upto, Integer).label("upto"), histogram.c.needs,
                        cast(over(func.sum(histogram.c.needs)), Integer).label("total")).subquery()
    buckets = session.execute(select(cumulative).order_by(cumulative.c.bucket)).all()
    if not buckets:
        return None
    total = buckets[0].total
    low, high = (total + 1) // 2, (total + 2) // 2  # the same rank when the count is odd
    middle = [row for row in buckets if row.upto >= low and row.upto - row.needs < high]
    before = middle[0].upto - middle[0].needs
    ranked = (select(need_stat.c.hours,
                     (literal(before) + over(func.row_number(), order_by=need_stat.c.hours)).label("rank"))
              .where(need_condition, need_stat.c.bucket.in_([row.bucket for row in middle]))
              .subquery())
    median = session.scalar(select(cast(func.avg(ranked.c.hours), Float)).where(ranked.c.rank.in_((low, high))))
    return None if median is None else round(median, 2)
