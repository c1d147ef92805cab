"""Candidates' grid square, declared codes and availability in the place index

The ranking walked a whole band of latitude of the place index for each ring around a
workplace, and looked up each candidate's qualifications and availability rules in their own
tables: two lookups per candidate, thousands in a dense town. The profile now keeps its grid
square (a tenth of a degree), its declared codes (``|AS|IDE|``, ``*|`` after them for a free
text) and the first and last days its availability rules span; the place index starts with the
square and carries the rest, so that the index alone says who around a place may take a post on
given dates. Existing rows are filled here, their hours of the week as "any hour" until
``flask refresh-summaries`` reads their rules; the app keeps them all in step
(services.candidate_summary, whose grid function is copied below so that this revision does not
change if the app's does).

Revision ID: 0003
Revises: 0002
"""

from math import floor

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

PLACE = ["lat", "lon", "id", "radius_km"]
SEARCH = ["place_cell"] + PLACE + ["public", "consent_visible", "available_from", "available_until", "match_codes",
                                   "week_hours", "user_id"]


def upgrade() -> None:
    with op.batch_alter_table("candidate_profile") as batch:
        batch.add_column(sa.Column("place_cell", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("match_codes", sa.String(length=200), server_default="|", nullable=False))
        batch.add_column(sa.Column("available_from", sa.Date(), nullable=True))
        batch.add_column(sa.Column("available_until", sa.Date(), nullable=True))
        # Every hour until ``flask refresh-summaries`` reads the rules: a looser bound, never a wrong one.
        batch.add_column(sa.Column("week_hours", sa.String(length=42), server_default="f" * 42, nullable=False))
    codes = ("string_agg(code, '|')" if op.get_bind().dialect.name == "postgresql" else "group_concat(code, '|')")
    op.execute(f"""
        UPDATE candidate_profile SET
          match_codes = '|' || coalesce((SELECT {codes} FROM candidate_qualification q
                                         WHERE q.profile_id = candidate_profile.id) || '|', '')
                        || CASE WHEN length(trim(coalesce(qualification_text, ''))) > 0 THEN '*|' ELSE '' END,
          available_from = (SELECT min(start_date) FROM availability_rule r
                            WHERE r.profile_id = candidate_profile.id AND r.kind != 'unavailable'),
          available_until = (SELECT max(end_date) FROM availability_rule r
                             WHERE r.profile_id = candidate_profile.id AND r.kind != 'unavailable')
    """)
    bind = op.get_bind()
    places = bind.execute(sa.text("SELECT id, lat, lon FROM candidate_profile")).all()
    if places:
        bind.execute(sa.text("UPDATE candidate_profile SET place_cell = :cell WHERE id = :id"),
                     [{"id": id_, "cell": floor(lat * 10) * 10_000 + floor(lon * 10)} for id_, lat, lon in places])
    op.drop_index("ix_candidate_profile_place", table_name="candidate_profile")
    op.create_index("ix_candidate_profile_place", "candidate_profile", SEARCH, unique=False)


def downgrade() -> None:
    op.drop_index("ix_candidate_profile_place", table_name="candidate_profile")
    op.create_index("ix_candidate_profile_place", "candidate_profile", PLACE, unique=False)
    with op.batch_alter_table("candidate_profile") as batch:
        batch.drop_column("week_hours")
        batch.drop_column("available_until")
        batch.drop_column("available_from")
        batch.drop_column("match_codes")
        batch.drop_column("place_cell")
