"""need_place.open_slots: the times of an open need's open slots, read with its row

Recommendations read a need's open slots with it. Joined from ``slot``, each read visited every
slot row of the needs it returned a second time (after the count of those in the candidate's
hours); the times are now kept in the need's narrow row, in the text
services.need_summary.encode_slots writes (``start|end`` in ISO format, comma-separated,
soonest first), which the app keeps in step with bookings. Existing rows get theirs here.

Revision ID: 0007
Revises: 0006
"""

from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

slot = sa.table("slot", sa.column("id", sa.Integer), sa.column("need_id", sa.Integer), sa.column("start", sa.DateTime),
                sa.column("end", sa.DateTime), sa.column("positions", sa.Integer), sa.column("filled", sa.Integer))
need_place = sa.table("need_place", sa.column("need_id", sa.Integer), sa.column("open_slots", sa.Text))


def upgrade() -> None:
    op.add_column("need_place", sa.Column("open_slots", sa.Text(), server_default="", nullable=False))
    connection = op.get_bind()
    times = defaultdict(list)
    for need_id, start, end in connection.execute(
            sa.select(slot.c.need_id, slot.c.start, slot.c.end)
            .where(slot.c.need_id.in_(sa.select(need_place.c.need_id)), slot.c.filled < slot.c.positions)
            .order_by(slot.c.need_id, slot.c.start, slot.c.id)):
        times[need_id].append(f"{start.isoformat()}|{end.isoformat()}")
    if times:
        connection.execute(sa.update(need_place).where(need_place.c.need_id == sa.bindparam("place_id"))
                           .values(open_slots=sa.bindparam("text")),
                           [{"place_id": need_id, "text": ",".join(pairs)} for need_id, pairs in times.items()])


def downgrade() -> None:
    with op.batch_alter_table("need_place") as batch_op:
        batch_op.drop_column("open_slots")
