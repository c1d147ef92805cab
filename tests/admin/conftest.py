"""Admin tests: a logged-in administrator, and the who-may-fill table restored after each test."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select

from models import QualificationEquivalence
from models.enums import Role

COLUMNS = ("id", "post_code", "holder_code", "min_validated_years", "score", "requires_nurse_on_duty", "label", "source")


@pytest.fixture
def admin(build, auth):
    user = build.user(Role.ADMIN, email="admin@exemple.fr")
    build.commit()
    auth.login("admin@exemple.fr")
    return user


@pytest.fixture
def restore_rules(db):
    """The equivalence table is reference data kept between tests: put it back as it was."""
    rows = [{c: getattr(line, c) for c in COLUMNS} for line in db.scalars(select(QualificationEquivalence))]
    yield
    db.rollback()
    db.execute(delete(QualificationEquivalence))
    db.execute(QualificationEquivalence.__table__.insert(), rows)
    db.commit()
