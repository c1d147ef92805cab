"""The ARS board cached until the next refresh: the same page, the live urgent figure, a new
key at each refresh, separate entries per territory, and a broken cache that only costs time.

Data set and expected figures: tests/ars/conftest.py (July 2026, region 52: 72,7 % filled).
"""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import delete

from extensions import db as database
from models import Need
from models.enums import NeedStatus
from models.stats import stat_daily
from services import stats, stats_cache, stats_dashboard, stats_store
from tests.ars.conftest import FACTS_AT, JULY, URGENT_NOW
from tests.ars.conftest import login as ars_login

BOARD = "/ars/tableau-de-bord?debut=2026-07-01&fin=2026-07-31"
RATE = re.compile(r"Taux de pourvoi</h3>\s*<p class=\"ars-figure__value\">([^<]+)</p>")


def board_page(client, user, monkeypatch=None, now=None) -> str:
    if monkeypatch is not None:
        monkeypatch.setattr("views.ars.utcnow", lambda: now)
    ars_login(client, user)
    response = client.get(BOARD)
    assert response.status_code == 200
    # The test's app context outlives the request: end its statistics session as a new request would.
    database.stats_session.close()
    return response.get_data(as_text=True)


def forget_the_facts(db) -> None:
    """Empty the summary table behind the refresh's back: only a cached board still shows figures."""
    db.commit()  # end the read (SQLite: a snapshot older than the cache's write cannot become a writer)
    db.execute(delete(stat_daily))
    db.commit()


def july_scope(db, user):
    return stats.scope_for(user, *JULY, stats_store.last_refresh(db))


def test_the_cached_board_is_the_page_computed_without_cache(facts, client, db, backend):
    first = board_page(client, facts.ars)
    forget_the_facts(db)
    second = board_page(client, facts.ars)
    assert RATE.search(first).group(1) == "72,7\u00a0%"
    assert second == first


def test_a_refresh_gives_a_new_board(facts, client, db, backend):
    assert RATE.search(board_page(client, facts.ars)).group(1) == "72,7\u00a0%"
    facts.needs[2].status = NeedStatus.CANCELLED  # N2: 2 positions, 1 filled, leaves the rate at the next refresh
    db.commit()
    assert RATE.search(board_page(client, facts.ars)).group(1) == "72,7\u00a0%"  # same facts, same board
    stats_store.refresh(db, FACTS_AT + timedelta(hours=1))
    db.commit()
    assert RATE.search(board_page(client, facts.ars)).group(1) == "77,8\u00a0%"  # 7 filled of 9


def test_urgent_needs_stay_live_on_a_cached_board(facts, db, backend):
    scope, sort = july_scope(db, facts.ars), stats_dashboard.Sort()
    first = stats_cache.dashboard(db, scope, URGENT_NOW, sort)
    assert (first["figures"].posted, first["figures"].urgent) == (11, 1)  # N7 starts tomorrow evening
    forget_the_facts(db)
    db.get(Need, facts.needs[7].id).status = NeedStatus.FILLED
    db.commit()
    second = stats_cache.dashboard(db, scope, URGENT_NOW, sort)
    assert (second["figures"].posted, second["figures"].urgent) == (11, 0)


def test_the_board_expires_after_its_ttl(app, facts, db, backend):
    scope, sort = july_scope(db, facts.ars), stats_dashboard.Sort()
    stats_cache.dashboard(db, scope, URGENT_NOW, sort)
    forget_the_facts(db)
    ttl = app.config["CACHE_TTLS"]["ars"]
    assert stats_cache.dashboard(db, scope, URGENT_NOW + timedelta(seconds=ttl - 1), sort)["figures"].posted == 11
    assert stats_cache.dashboard(db, scope, URGENT_NOW + timedelta(seconds=ttl), sort)["figures"].posted == 0


def test_sort_and_period_have_their_own_entries(facts, db, backend):
    scope = july_scope(db, facts.ars)
    by_rate = stats_dashboard.Sort("qualification", "rate", True)
    plain = stats_cache.dashboard(db, scope, URGENT_NOW, stats_dashboard.Sort())
    sorted_board = stats_cache.dashboard(db, scope, URGENT_NOW, by_rate)
    assert sorted_board["tables"]["qualification"]["descending"] and not plain["tables"]["qualification"]["descending"]
    assert stats_cache.board_key(scope, by_rate) != stats_cache.board_key(scope, stats_dashboard.Sort())
    first_week = stats.scope_for(facts.ars, JULY[0], JULY[0] + timedelta(days=6), stats_store.last_refresh(db))
    assert stats_cache.board_key(first_week, by_rate) != stats_cache.board_key(scope, by_rate)


def test_each_territory_has_its_own_board(facts, client, db, build, backend):
    region = board_page(client, facts.ars)
    departement = board_page(client, facts.ars_44)
    other_region = board_page(client, facts.ars_other)
    assert len({RATE.search(page).group(1) for page in (region, departement, other_region)}) == 3
    for user in (facts.ars_44, facts.ars_other):  # each equals its own computation, without cache
        board = stats_dashboard.build(db, july_scope(db, user), URGENT_NOW, stats_dashboard.Sort())
        cached = stats_cache.dashboard(db, july_scope(db, user), URGENT_NOW, stats_dashboard.Sort())
        assert cached["figures"].posted == board["figures"].posted
        assert cached["figures"].rate == board["figures"].rate


def test_users_of_the_same_territory_share_the_board(facts, client, db, build, backend):
    colleague = build.ars_user("52")
    build.commit()
    first = board_page(client, facts.ars)
    forget_the_facts(db)
    assert RATE.search(board_page(client, colleague)).group(1) == RATE.search(first).group(1) == "72,7\u00a0%"


def test_an_admin_picking_a_region_is_not_served_the_whole_country(facts, client, db):
    country = stats_cache.dashboard(db, july_scope(db, facts.admin), URGENT_NOW, stats_dashboard.Sort())
    region_53 = stats.scope_for(facts.admin, *JULY, stats_store.last_refresh(db), region_code="53")
    brittany = stats_cache.dashboard(db, region_53, URGENT_NOW, stats_dashboard.Sort())
    assert (country["figures"].posted, brittany["figures"].posted) == (16, 5)


def test_a_broken_cache_still_shows_the_board(facts, client, broken_cache):
    assert RATE.search(board_page(client, facts.ars)).group(1) == "72,7\u00a0%"
    assert broken_cache.calls == 2  # one read, one write, both failed and logged


def test_a_board_cached_by_an_older_version_is_recomputed(facts, db, backend):
    from services.cache import current_cache

    scope, sort = july_scope(db, facts.ars), stats_dashboard.Sort()
    current_cache().set(stats_cache.board_key(scope, sort), {"figures": {"posted": 1}}, ttl=60, now=URGENT_NOW)
    assert stats_cache.dashboard(db, scope, URGENT_NOW, sort)["figures"].posted == 11
