"""Candidates' grid square, declared codes and availability in the place indexes

The ranking walked a whole band of latitude of the place index for each ring around a
workplace, and looked up each candidate's qualifications and availability rules in their own
tables: two lookups per candidate, thousands in a dense town. The profile now keeps its grid
square (a tenth of a degree), its declared codes (``|AS|IDE|``, ``*|`` after them for a free
text) and the first and last days its availability rules span; the place index starts with the
square and carries the rest, so that the index alone says who around a place may take a post on
given dates. ``candidate_code_place`` copies them once per declared code (and once for a free
text), so that a post few may take reads its holders only; a need keeps the hours of the week
its slots touch. Existing rows are filled here, hours of the week as "any hour" until
``flask refresh-summaries`` reads the rules and slots; the app keeps them all in step
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
PREFILTERED = ["radius_km", "public", "consent_visible", "available_from", "available_until", "match_codes",
               "week_hours", "user_id"]
SEARCH = ["place_cell", "lat", "lon", "id"] + PREFILTERED
CODE_SEARCH = ["code", "place_cell", "lat", "lon", "profile_id"] + PREFILTERED
ANY_PART = (1 << 56) - 1  # every hour of a third of the week (services.week_hours)
COPIED = ["user_id", "place_cell", "lat", "lon", "radius_km", "public", "consent_visible", "match_codes",
          "available_from", "available_until", "week_hours"]


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
    op.create_table(
        "candidate_code_place",
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("place_cell", sa.Integer(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("radius_km", sa.Integer(), nullable=False),
        sa.Column("public", sa.String(length=24), nullable=False),
        sa.Column("consent_visible", sa.Boolean(), nullable=False),
        sa.Column("match_codes", sa.String(length=200), nullable=False),
        sa.Column("available_from", sa.Date(), nullable=True),
        sa.Column("available_until", sa.Date(), nullable=True),
        sa.Column("week_hours", sa.String(length=42), nullable=False),
        sa.ForeignKeyConstraint(["profile_id"], ["candidate_profile.id"],
                                name=op.f("fk_candidate_code_place_profile_id_candidate_profile"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("profile_id", "code", name=op.f("pk_candidate_code_place")),
    )
    copied = ", ".join(f"p.{name}" for name in COPIED)
    op.execute(f"""
        INSERT INTO candidate_code_place (profile_id, code, {", ".join(COPIED)})
        SELECT DISTINCT p.id, q.code, {copied} FROM candidate_qualification q JOIN candidate_profile p ON p.id = q.profile_id
        UNION ALL
        SELECT p.id, '*', {copied} FROM candidate_profile p WHERE length(trim(coalesce(p.qualification_text, ''))) > 0
    """)
    op.create_index("ix_candidate_code_place", "candidate_code_place", CODE_SEARCH, unique=False)
    with op.batch_alter_table("need") as batch:
        for index in range(3):  # every hour until ``flask refresh-summaries`` reads the slots
            batch.add_column(sa.Column(f"slot_hours_{index}", sa.BigInteger(), server_default=str(ANY_PART),
                                       nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("need") as batch:
        for index in range(3):
            batch.drop_column(f"slot_hours_{index}")
    op.drop_index("ix_candidate_code_place", table_name="candidate_code_place")
    op.drop_table("candidate_code_place")
    op.drop_index("ix_candidate_profile_place", table_name="candidate_profile")
    op.create_index("ix_candidate_profile_place", "candidate_profile", PLACE, unique=False)
    with op.batch_alter_table("candidate_profile") as batch:
        batch.drop_column("week_hours")
        batch.drop_column("available_until")
        batch.drop_column("available_from")
        batch.drop_column("match_codes")
        batch.drop_column("place_cell")
