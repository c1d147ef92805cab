"""A need's ranked candidates cached for a short time: candidate-side changes wait for the TTL,
anything the manager does on the need shows at once, erased people never come back, no
personal data is stored, and the page is still checked for each manager."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete

from models import AvailabilityRule
from models.enums import Role
from services import applications, pool, privacy
from services.ranking_cache import ranked_candidates, ranking_key

NOW = datetime(2027, 7, 1, 8, 0)  # UTC; the need's night is on 12 July 2027


@pytest.fixture
def team(build):
    """A manager's open need (2 positions) in Angers; two candidates near it, one applicant."""
    manager = build.manager()
    need = build.need(manager.establishments[0], positions=2)
    near = build.candidate(user=build.user(Role.CANDIDATE, email="proche@exemple.fr", first_name="Ysolde"),
                           consent_pool=True)
    far = build.candidate(email="avrille@exemple.fr", commune_code="49015")
    applicant = build.application(need, build.candidate(email="postule@exemple.fr"))
    build.commit()
    return manager, need, near, far, applicant


def ids(ranked) -> set[int]:
    return {profile.id for profile, _ in ranked}


def make_unavailable(db, profile) -> None:
    """A candidate-side change: the cached ranking keeps showing him until the TTL."""
    db.commit()
    db.execute(delete(AvailabilityRule).where(AvailabilityRule.profile_id == profile.id))
    db.commit()


def test_a_hit_serves_the_engine_results_until_the_ttl(app, db, team, backend):
    _, need, near, far, applicant = team
    first = ranked_candidates(db, need, now=NOW, limit=30)
    assert {near.id, far.id, applicant.candidate_id} <= ids(first)
    make_unavailable(db, far)
    second = ranked_candidates(db, need, now=NOW + timedelta(seconds=59), limit=30)
    assert [(p.id, r) for p, r in second] == [(p.id, r) for p, r in first]  # same Result objects, rebuilt
    ttl = app.config["CACHE_TTLS"]["ranking"]
    assert far.id not in ids(ranked_candidates(db, need, now=NOW + timedelta(seconds=ttl), limit=30))


def _pool_add(db, manager, need, near, applicant):
    pool.add(db, need.establishment, near, by=manager, now=NOW)


def _decline(db, manager, need, near, applicant):
    applications.decline(db, manager, applicant, now=NOW)


def _accept(db, manager, need, near, applicant):
    applications.accept(db, manager, applicant, now=NOW)


def _edit(db, manager, need, near, applicant):
    need.weekly_hours = 35


@pytest.mark.parametrize("action", [_pool_add, _decline, _accept, _edit], ids=["pool", "decline", "accept", "edit"])
def test_what_the_manager_does_on_the_need_shows_at_once(db, team, backend, action):
    manager, need, near, far, applicant = team
    before = ranking_key(db, need, NOW, 30)
    ranked_candidates(db, need, now=NOW, limit=30)
    make_unavailable(db, far)
    action(db, manager, need, near, applicant)
    db.commit()
    assert ranking_key(db, need, NOW, 30) != before
    assert far.id not in ids(ranked_candidates(db, need, now=NOW, limit=30))


def test_a_started_slot_changes_the_key(db, build, team):
    manager, need, *_ = team
    second = need.slots[0].start + timedelta(days=2)
    two_nights = build.need(manager.establishments[0], slots=[(need.slots[0].start, need.slots[0].end),
                                                              (second, second + timedelta(hours=10))])
    build.commit()
    after_first_night = datetime(2027, 7, 13, 8, 0)
    assert ranking_key(db, two_nights, NOW, 30) != ranking_key(db, two_nights, after_first_night, 30)


def test_an_erased_candidate_is_left_out_of_a_cached_ranking(db, team, backend):
    _, need, near, far, _ = team
    assert near.id in ids(ranked_candidates(db, need, now=NOW, limit=30))
    db.commit()
    privacy.erase_candidate(db, near.user, now=NOW)
    db.commit()
    ranked = ranked_candidates(db, need, now=NOW, limit=30)
    assert near.id not in ids(ranked) and far.id in ids(ranked)


def test_the_cache_holds_scores_and_ids_but_no_personal_data(db, team, backend):
    from services.cache import current_cache

    _, need, near, far, _ = team
    ranked_candidates(db, need, now=NOW, limit=30)
    entry = current_cache().get(ranking_key(db, need, NOW, 30), now=NOW)
    assert {candidate_id for candidate_id, _ in entry} == ids(ranked_candidates(db, need, now=NOW, limit=30))
    text = repr(entry)
    for personal in ("proche@exemple.fr", "Ysolde", "avrille@exemple.fr", "postule@exemple.fr", "1990-05-17"):
        assert personal not in text
    assert {"score", "eligible", "components", "distance_km", "covered_slot_indexes", "reasons"} <= set(entry[0][1])


def test_another_manager_never_sees_the_cached_ranking(client, db, build, team, login, backend):
    manager, need, near, *_ = team
    stranger = build.manager()
    build.commit()
    login(manager)
    assert "Ysolde" in client.get(f"/etablissement/besoins/{need.id}").get_data(as_text=True)
    client.post("/deconnexion")
    login(stranger)
    response = client.get(f"/etablissement/besoins/{need.id}")
    assert response.status_code == 404 and "Ysolde" not in response.get_data(as_text=True)


def test_a_broken_cache_still_ranks(client, db, team, login, broken_cache):
    manager, need, *_ = team
    login(manager)
    response = client.get(f"/etablissement/besoins/{need.id}")
    assert response.status_code == 200 and "Ysolde" in response.get_data(as_text=True)
    assert broken_cache.calls == 2


def test_a_ranking_cached_by_an_older_version_is_recomputed(db, team, backend):
    from services.cache import current_cache

    _, need, near, far, applicant = team
    current_cache().set(ranking_key(db, need, NOW, 30), [[far.id, {"subject_id": str(far.id), "score": 99.0}]],
                        ttl=60, now=NOW)
    assert ids(ranked_candidates(db, need, now=NOW, limit=30)) == {near.id, far.id, applicant.candidate_id}
