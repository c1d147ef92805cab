"""Each slot's hours of the week; an establishment's needs indexed by post

Recommendations read an establishment's open needs and all their slots, then dropped in
Python the slots outside the candidate's calendar: for a candidate free a few nights a week,
nine rows in ten. A slot now keeps the hours of the week it touches (three 56-bit parts, as a
need does), so that a query keeps only the needs with a slot his hours of the week hold; and
the needs of an establishment are indexed by post, so that a read of the posts he fits best
does not scan the others. Existing slots hold 0 ("not computed", held by any hours) until
``flask refresh-summaries``; the app computes the column on every insert.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("slot") as batch:
        for index in range(3):
            batch.add_column(sa.Column(f"hours_{index}", sa.BigInteger(), server_default="0", nullable=False))
    op.create_index("ix_need_establishment_post", "need",
                    ["establishment_id", "status", "qualification_code", "first_start"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_need_establishment_post", table_name="need")
    with op.batch_alter_table("slot") as batch:
        for index in range(3):
            batch.drop_column(f"hours_{index}")
