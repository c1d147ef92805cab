"""A candidate's French level, work authorization and driving licence in the place indexes

The ranking read from the place index every candidate around a workplace whose codes, radius
and dates fit, then looked each one up and had the engine exclude him when the need asks for a
driving licence or a French level he lacks, or pays him and he may not work: in a town, more
than half of those read. The three columns are now in both place indexes (and copied to
``candidate_code_place``), so that the index alone leaves them out. Existing rows are copied
here from their profile; the app keeps them in step (services.candidate_summary).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

PREFILTERED = ["radius_km", "public", "consent_visible", "available_from", "available_until", "match_codes",
               "week_hours", "user_id"]
CONDITIONS = ["french_level", "work_authorization", "driving_licence"]
SEARCH = ["place_cell", "lat", "lon", "id"]
CODE_SEARCH = ["code", "place_cell", "lat", "lon", "profile_id"]


def upgrade() -> None:
    with op.batch_alter_table("candidate_code_place") as batch:
        batch.add_column(sa.Column("french_level", sa.String(length=24), nullable=True))
        batch.add_column(sa.Column("work_authorization", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("driving_licence", sa.Boolean(), nullable=True))
    op.execute(f"""
        UPDATE candidate_code_place SET {", ".join(
            f"{name} = (SELECT p.{name} FROM candidate_profile p WHERE p.id = candidate_code_place.profile_id)"
            for name in CONDITIONS)}
    """)
    with op.batch_alter_table("candidate_code_place") as batch:
        for name in ("work_authorization", "driving_licence"):
            batch.alter_column(name, existing_type=sa.Boolean(), nullable=False)
    _place_indexes(PREFILTERED + CONDITIONS)


def downgrade() -> None:
    _place_indexes(PREFILTERED)
    with op.batch_alter_table("candidate_code_place") as batch:
        for name in reversed(CONDITIONS):
            batch.drop_column(name)


def _place_indexes(prefiltered: list[str]) -> None:
    op.drop_index("ix_candidate_code_place", table_name="candidate_code_place")
    op.create_index("ix_candidate_code_place", "candidate_code_place", CODE_SEARCH + prefiltered, unique=False)
    op.drop_index("ix_candidate_profile_place", table_name="candidate_profile")
    op.create_index("ix_candidate_profile_place", "candidate_profile", SEARCH + prefiltered, unique=False)
