"""PostgreSQL statistics on where candidates live

Candidates live at their commune's centre, so latitude and longitude go together: without
these statistics the planner multiplies their selectivities, expects a tenth of the candidates
of a large town, and sorts the whole town instead of reading the place index in id order.
SQLite's planner does not need them.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE STATISTICS st_candidate_profile_place (mcv) ON lat, lon FROM candidate_profile")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP STATISTICS st_candidate_profile_place")
