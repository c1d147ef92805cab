"""need_place: the open, published needs in narrow rows, for the recommendations

Recommendations read the needs of a candidate's nearest establishments, a few establishments at
a time. From ``need`` each read visited rows spread over the table (with their titles,
descriptions, and the closed needs besides), most of which the candidate's hours then left out.
``need_place`` holds one row per open, published need with only the columns those reads test
and return, all in ``ix_need_place``. Rows are copied here from the open needs; the app keeps
them in step (services.need_summary).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

COPIED = ["kind", "last_end", "slot_hours_0", "slot_hours_1", "slot_hours_2", "min_french_level",
          "requires_driving_licence", "nurse_on_duty", "positions", "weekly_hours"]
SEARCH = ["establishment_id", "qualification_code", "first_start", "need_id"]


def upgrade() -> None:
    op.create_table(
        "need_place",
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("establishment_id", sa.Integer(), nullable=False),
        sa.Column("qualification_code", sa.String(length=12), nullable=False),
        sa.Column("first_start", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("last_end", sa.DateTime(), nullable=False),
        sa.Column("slot_hours_0", sa.BigInteger(), nullable=False),
        sa.Column("slot_hours_1", sa.BigInteger(), nullable=False),
        sa.Column("slot_hours_2", sa.BigInteger(), nullable=False),
        sa.Column("min_french_level", sa.String(length=24), nullable=True),
        sa.Column("requires_driving_licence", sa.Boolean(), nullable=False),
        sa.Column("nurse_on_duty", sa.Boolean(), nullable=False),
        sa.Column("positions", sa.Integer(), nullable=False),
        sa.Column("weekly_hours", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["need_id"], ["need.id"], name=op.f("fk_need_place_need_id_need"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("need_id", name=op.f("pk_need_place")),
    )
    columns = ", ".join(["establishment_id", "qualification_code", "first_start"] + COPIED)
    op.execute(f"""
        INSERT INTO need_place (need_id, {columns})
        SELECT id, {columns} FROM need
        WHERE status = 'open' AND published_at IS NOT NULL AND first_start IS NOT NULL
    """)
    op.create_index("ix_need_place", "need_place", SEARCH + COPIED, unique=False)


def downgrade() -> None:
    op.drop_index("ix_need_place", table_name="need_place")
    op.drop_table("need_place")
