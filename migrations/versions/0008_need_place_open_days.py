"""need_place.open_days and open_shape: the hours of the week a need's open slots ask, in two numbers

Recommendations skipped a need none of whose open slots a candidate's hours of the week hold by
counting, for each need read, its slot rows in those hours: a sub-plan that took PostgreSQL
longer to plan than the read to run. The row now carries the weekdays its open slots start on
and the hours of the day (from that day's 0 h, 56 of them) every one of them touches, which a
read tests on the row alone (services.week_hours.may_hold_one). The hours of the week kept per
need and per slot (0004) and copied to need_place (0006) had no other use: they go.

Revision ID: 0008
Revises: 0007
"""

from datetime import datetime, timedelta
from math import ceil

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

WEEK = 7 * 24
SHAPE = ANY_PART = (1 << 56) - 1
COPIED = ["kind", "last_end", "min_french_level", "requires_driving_licence", "nurse_on_duty", "positions", "weekly_hours"]
SEARCH = ["establishment_id", "qualification_code", "first_start", "need_id"]
OLD_HOURS = ["slot_hours_0", "slot_hours_1", "slot_hours_2"]

need_place = sa.table("need_place", sa.column("need_id", sa.Integer), sa.column("open_slots", sa.Text),
                      sa.column("open_days", sa.SmallInteger), sa.column("open_shape", sa.BigInteger))


def upgrade() -> None:
    op.drop_index("ix_need_place", table_name="need_place")
    with op.batch_alter_table("need_place") as batch_op:
        for name in OLD_HOURS:
            batch_op.drop_column(name)
        batch_op.add_column(sa.Column("open_days", sa.SmallInteger(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("open_shape", sa.BigInteger(), server_default="0", nullable=False))
    connection = op.get_bind()
    values = [{"place_id": need_id, **_days_and_shape(text)}
              for need_id, text in connection.execute(sa.select(need_place.c.need_id, need_place.c.open_slots)) if text]
    if values:
        connection.execute(sa.update(need_place).where(need_place.c.need_id == sa.bindparam("place_id"))
                           .values(open_days=sa.bindparam("days"), open_shape=sa.bindparam("shape")), values)
    op.create_index("ix_need_place", "need_place", SEARCH + COPIED + ["open_days", "open_shape"], unique=False)
    for table, names in (("need", OLD_HOURS), ("slot", ["hours_0", "hours_1", "hours_2"])):
        with op.batch_alter_table(table) as batch_op:
            for name in names:
                batch_op.drop_column(name)


def downgrade() -> None:
    """The hours of the week come back as 0004 and 0006 left them before a refresh: every hour for
    a need (a looser bound, never a wrong one), 0 (held by any hours) for a slot;
    ``flask refresh-summaries`` of that version computes them."""
    for table, names, default in (("need", OLD_HOURS, ANY_PART), ("slot", ["hours_0", "hours_1", "hours_2"], 0)):
        with op.batch_alter_table(table) as batch_op:
            for name in names:
                batch_op.add_column(sa.Column(name, sa.BigInteger(), server_default=str(default), nullable=False))
    op.drop_index("ix_need_place", table_name="need_place")
    with op.batch_alter_table("need_place") as batch_op:
        batch_op.drop_column("open_shape")
        batch_op.drop_column("open_days")
        for name in OLD_HOURS:
            batch_op.add_column(sa.Column(name, sa.BigInteger(), server_default=str(ANY_PART), nullable=False))
    op.create_index("ix_need_place", "need_place", SEARCH + COPIED[:2] + OLD_HOURS + COPIED[2:], unique=False)


def _days_and_shape(text: str) -> dict[str, int]:
    """What services.week_hours.open_day_columns gives at this revision, from need_place.open_slots
    (0007's text)."""
    days, shape = 0, SHAPE
    for pair in text.split(","):
        start, end = (datetime.fromisoformat(part) for part in pair.split("|"))
        count = ceil((end - start.replace(minute=0, second=0, microsecond=0)) / timedelta(hours=1))
        # The hours it touches from its day's 0 h, on past the week's end to its start again.
        touched = ((1 << max(count, 0)) - 1) << start.hour
        own = SHAPE if count >= WEEK else (touched | touched >> WEEK) & SHAPE
        days, shape = days | 1 << start.weekday(), shape & own
    return {"days": days, "shape": shape}
