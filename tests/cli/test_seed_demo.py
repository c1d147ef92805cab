"""``flask --app app seed-demo``: a coherent, deterministic demo region, never in production."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import func, select

from models import (
    Application,
    Assignment,
    CandidateCodePlace,
    CandidateProfile,
    Establishment,
    Need,
    NeedPlace,
    Slot,
    User,
)
from models.enums import (
    ACTIVE_ASSIGNMENT_STATES,
    AssignmentState,
    NeedKind,
    NeedStatus,
    Public,
    Role,
    Sector,
    VerificationStatus,
)
from services.accounts import verify_password
from services.identifiers import finess_error
from tests.conftest import _empty_tables

TODAY = date(2027, 3, 15)
ARGS = ["seed-demo", "--establishments", "10", "--candidates", "300", "--seed", "7", "--today", TODAY.isoformat()]
DEMO_PASSWORD = "Releve-demo-2026"


@pytest.fixture
def seeded(runner, db):
    result = runner.invoke(args=ARGS)
    assert result.exit_code == 0, result.output
    return result


def user(db, email: str) -> User:
    return db.scalar(select(User).where(User.email == email))


def count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


def test_sizes_asked_for_are_created(seeded, db):
    assert count(db, Establishment) == 10
    assert count(db, CandidateProfile) == 300
    # 8 upcoming and 12 past needs for each of the 9 verified establishments, the pending one has a draft.
    assert count(db, Need) == 9 * 8 + 9 * 12 + 1 + 5  # + the demo candidate's five scenario needs
    assert "Releve-demo-2026" in seeded.output


def test_demo_accounts_have_their_roles_and_links(seeded, db):
    manager = user(db, "etablissement@demo.releve.fr")
    assert manager.role == Role.ESTABLISHMENT
    assert len(manager.establishments) >= 2
    assert all(e.verification_status == VerificationStatus.VERIFIED for e in manager.establishments)
    ars = user(db, "ars@demo.releve.fr")
    assert (ars.role, ars.ars_region_code) == (Role.ARS, "52")
    assert user(db, "admin@demo.releve.fr").role == Role.ADMIN
    for account in (manager, ars):
        assert verify_password(account, DEMO_PASSWORD)


def test_demo_candidate_is_a_nursing_student_in_her_second_validated_year(seeded, db):
    account = user(db, "candidat@demo.releve.fr")
    profile = db.scalar(select(CandidateProfile).where(CandidateProfile.user_id == account.id))
    assert account.role == Role.CANDIDATE
    assert profile.public == Public.STUDENT
    assert [(q.code, q.validated_years) for q in profile.qualifications] == [("ESI", 2)]
    assert profile.commune_code == "49007"  # Angers
    summer = [r for r in profile.availability_rules if r.start_date == date(2027, 7, 1)]
    assert summer and summer[0].end_date == date(2027, 8, 31)
    assert any(r.weekdays == 0b1100000 for r in profile.availability_rules)  # Saturday and Sunday
    states = {a.state.value for a in db.scalars(select(Application).where(Application.candidate_id == profile.id))}
    assert states == {"completed", "applied"}


def test_every_type_sector_and_need_kind_exists(seeded, db):
    assert {e.type.value for e in db.scalars(select(Establishment))} == {"EHPAD", "ESMS_PH", "HOPITAL", "SSIAD", "DOMICILE", "AUTRE"}
    assert {e.sector for e in db.scalars(select(Establishment))} == set(Sector)
    assert set(db.scalars(select(Need.kind).distinct())) == set(NeedKind)
    pending = db.scalars(select(Establishment).where(Establishment.verification_status == VerificationStatus.PENDING)).all()
    assert len(pending) == 1
    assert {n.status for n in db.scalars(select(Need).where(Need.establishment_id == pending[0].id))} == {NeedStatus.DRAFT}


def test_finess_numbers_are_valid_for_their_departement(seeded, db):
    for establishment in db.scalars(select(Establishment)):
        assert finess_error(establishment.finess, establishment.departement_code) is None


def test_civic_service_and_pec_only_at_public_or_non_profit_and_within_their_limits(seeded, db):
    rows = db.execute(select(Need, Establishment.sector).join(Establishment)
                      .where(Need.kind.in_([NeedKind.CIVIC_SERVICE, NeedKind.PEC]))).all()
    assert rows
    for need, sector in rows:
        assert sector in (Sector.PUBLIC, Sector.NON_PROFIT)
        months = (need.last_end.year - need.first_start.year) * 12 + need.last_end.month - need.first_start.month
        assert months >= 6
        assert need.weekly_hours >= (24 if need.kind == NeedKind.CIVIC_SERVICE else 20)
        assert need.qualification_code == "SC" if need.kind == NeedKind.CIVIC_SERVICE else need.qualification_code != "SC"


def test_night_shifts_run_from_21_to_7(seeded, db):
    nights = db.scalars(select(Slot).where(func.lower(Need.title).like("%nuit%")).join(Need)).all()
    assert nights
    assert {(s.start.time(), s.end.time()) for s in nights} == {(time(21), time(7))}


def test_slot_counters_match_the_assignments_that_hold_the_slot(seeded, db):
    held = dict(db.execute(select(Assignment.slot_id, func.count())
                           .where(Assignment.state.in_(list(ACTIVE_ASSIGNMENT_STATES))).group_by(Assignment.slot_id)).all())
    slots = db.scalars(select(Slot)).all()
    assert sum(s.filled for s in slots) > 0
    for slot in slots:
        assert slot.filled == held.get(slot.id, 0)
        assert slot.filled <= slot.positions


def test_history_has_every_outcome(seeded, db):
    statuses = set(db.scalars(select(Need.status).where(Need.first_start < date(2027, 3, 1))))
    assert {NeedStatus.FILLED, NeedStatus.CLOSED, NeedStatus.CANCELLED} <= statuses
    states = set(db.scalars(select(Assignment.state)))
    assert {AssignmentState.COMPLETED, AssignmentState.NO_SHOW, AssignmentState.WITHDRAWN, AssignmentState.ACCEPTED} <= states
    for need in db.scalars(select(Need).where(Need.status == NeedStatus.FILLED)):
        assert need.published_at <= need.filled_at


def test_civic_service_volunteers_are_16_to_25_or_30_with_a_disability(seeded, db):
    volunteers = db.scalars(select(CandidateProfile).where(CandidateProfile.public == Public.CIVIC_SERVICE)).all()
    assert volunteers
    for volunteer in volunteers:
        born = volunteer.birth_date
        age = TODAY.year - born.year - ((TODAY.month, TODAY.day) < (born.month, born.day))
        assert 16 <= age <= (30 if volunteer.disability else 25)


def snapshot(db) -> dict:
    """Row counts and the first rows of the main tables (password hashes are salted, so left out)."""
    firsts = {
        "users": db.execute(select(User.id, User.email, User.role, User.created_at).order_by(User.id).limit(20)).all(),
        "establishments": db.execute(select(Establishment.id, Establishment.name, Establishment.finess,
                                            Establishment.commune_code).order_by(Establishment.id)).all(),
        "candidates": db.execute(select(CandidateProfile.id, CandidateProfile.public, CandidateProfile.commune_code,
                                        CandidateProfile.birth_date, CandidateProfile.radius_km)
                                 .order_by(CandidateProfile.id).limit(50)).all(),
        "needs": db.execute(select(Need.id, Need.kind, Need.qualification_code, Need.status, Need.first_start,
                                   Need.published_at).order_by(Need.id).limit(50)).all(),
        "assignments": db.execute(select(Assignment.id, Assignment.candidate_id, Assignment.state, Assignment.start)
                                  .order_by(Assignment.id).limit(50)).all(),
    }
    counts = {model.__name__: count(db, model) for model in (User, Establishment, CandidateProfile, Need, Slot, Application, Assignment)}
    return {"counts": counts, **firsts}


def test_same_seed_and_day_give_the_same_rows(app, runner, db):
    assert runner.invoke(args=ARGS).exit_code == 0
    first = snapshot(db)
    db.close()
    _empty_tables(app)
    assert runner.invoke(args=ARGS).exit_code == 0
    assert snapshot(db) == first
    db.close()
    _empty_tables(app)
    assert runner.invoke(args=[*ARGS[:-4], "--seed", "8", "--today", TODAY.isoformat()]).exit_code == 0
    assert snapshot(db)["candidates"] != first["candidates"]


def test_if_empty_does_nothing_the_second_time(seeded, runner, db):
    users = count(db, User)
    result = runner.invoke(args=[*ARGS, "--if-empty"])
    assert result.exit_code == 0
    assert "déjà présentes" in result.output
    assert count(db, User) == users


def test_a_second_run_without_if_empty_is_refused(seeded, runner, db):
    result = runner.invoke(args=ARGS)
    assert result.exit_code != 0
    assert "existent déjà" in result.output


def test_refused_when_configured_for_production(app, runner, db):
    app.config.update(ENV_NAME="production", TESTING=False)
    result = runner.invoke(args=ARGS)
    assert result.exit_code != 0
    assert "production" in result.output and "Refusé" in result.output
    assert count(db, User) == 0


def test_too_few_establishments_is_a_french_error(runner, db):
    result = runner.invoke(args=[*ARGS[:1], "--establishments", "3", "--candidates", "10"])
    assert result.exit_code != 0
    assert "au moins 7 établissements" in result.output
    assert count(db, User) == 0


def test_a_region_without_communes_is_a_french_error(runner, db):
    result = runner.invoke(args=[*ARGS, "--region", "99"])
    assert result.exit_code != 0
    assert "Aucune commune chargée pour la région 99" in result.output
    assert count(db, User) == 0


def test_a_malformed_reference_day_is_a_french_error(runner, db):
    result = runner.invoke(args=[*ARGS[:-2], "--today", "15/03/2027"])
    assert result.exit_code != 0
    assert "n'est pas une date au format AAAA-MM-JJ" in result.output


def test_a_clash_with_existing_data_is_a_french_error(runner, build, db):
    build.establishment(commune_code="49007", finess="491000014")  # the FINESS the demo gives its first establishment
    build.commit()
    result = runner.invoke(args=ARGS)
    assert result.exit_code != 0
    assert "entrent en conflit avec des données déjà présentes" in result.output
    assert db.scalar(select(func.count()).select_from(CandidateProfile)) == 0


def test_the_bulk_written_candidates_carry_their_match_summary(seeded, db, runner):
    """Written past the ORM, each profile's summary and the open needs' need_place rows are what
    the rows give: refreshing them from the qualifications,
    rules, slots and needs (``flask refresh-summaries``) changes nothing."""
    columns = (CandidateProfile.id, CandidateProfile.place_cell, CandidateProfile.match_codes,
               CandidateProfile.available_from, CandidateProfile.available_until, CandidateProfile.week_hours)
    holders = select(*CandidateCodePlace.__table__.columns).order_by(CandidateCodePlace.profile_id, CandidateCodePlace.code)
    open_needs = select(*NeedPlace.__table__.columns).order_by(NeedPlace.need_id)
    written = db.execute(select(*columns).order_by(CandidateProfile.id)).all()
    written_holders, written_open = db.execute(holders).all(), db.execute(open_needs).all()
    published = db.scalars(select(Need.id).where(Need.status == NeedStatus.OPEN, Need.published_at.is_not(None))
                           .order_by(Need.id)).all()
    assert [row.need_id for row in written_open] == published and len(published) >= 40
    assert len({(row.open_days, row.open_shape) for row in written_open}) > 10
    assert len({row.week_hours for row in written}) > 3 and all(row.match_codes.startswith("|") for row in written)
    assert len(written_holders) >= 250
    db.rollback()
    result = runner.invoke(args=["refresh-summaries"])
    assert result.exit_code == 0 and f"300 profils et {len(published)} besoins ouverts recalculés" in result.output
    assert db.execute(select(*columns).order_by(CandidateProfile.id)).all() == written
    assert db.execute(holders).all() == written_holders
    assert db.execute(open_needs).all() == written_open
