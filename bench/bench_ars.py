"""Benchmark of the ARS dashboard and CSV export on a year of activity for a large region.

Builds (bulk INSERTs on SQLite, COPY on PostgreSQL) a year (2026) of needs in Pays de la
Loire: establishments spread over the region's communes, shift needs of 1 to 10 slots and
contract needs, with accepted, cancelled, withdrawn and late assignments; then times the
dashboard (``stats_dashboard.build`` called directly, several runs, p50/p95: the view may
put a cache in front of it; one page through the Flask test client checks the page) and streams the
full-year CSV of needs while measuring Python's peak memory (tracemalloc) and the process RSS.

``--incremental`` times ``refresh-ars-stats`` itself: a full rebuild the day before NOW, a
day of activity (slots starting, assignments marked completed), the incremental refresh at
NOW, then a full rebuild at NOW whose tables must equal the incremental ones (SQL EXCEPT).

    .venv/bin/python bench/bench_ars.py [--slots 1000000] [--runs 7] [--keep] [--incremental]
        [--no-refresh] [--no-exports]
    DATABASE_URL=postgresql://releve:releve@127.0.0.1:5432/releve_ars_bench .venv/bin/python bench/bench_ars.py

Without DATABASE_URL the database is a temporary SQLite file. Same seed, same data.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, inspect, text  # noqa: E402

from models import Base, CandidateProfile, Establishment, User  # noqa: E402
from models.stats import STAT_TABLES, stat_dirty_need  # noqa: E402

COMMUNES_CSV = ROOT / "tests" / "data" / "communes.csv"
REGION = "52"
YEAR_START = datetime(2026, 1, 1)
NOW = datetime(2027, 1, 1, 9, 0)
QUALIFICATIONS = ("AS", "AS", "AS", "IDE", "IDE", "ASH", "ASH", "AES", "AP", "ES", "ME", "CUIS")
TYPES = ("EHPAD", "EHPAD", "EHPAD", "ESMS_PH", "HOPITAL", "SSIAD", "DOMICILE")
PUBLICS = ("professional", "professional", "job_seeker", "student", "refugee", "pec", "civic_service")
BATCH = 20_000


def database_url(keep: bool) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url
    path = Path(tempfile.gettempdir()) / "releve-bench-ars.sqlite3"
    if path.exists() and not keep:
        path.unlink()
    return f"sqlite:///{path}"


def bulk(conn, table, columns: list[str], rows) -> int:
    """COPY on PostgreSQL, executemany on SQLite; rows are tuples in ``columns`` order."""
    count = 0
    if conn.dialect.name == "postgresql":
        raw = conn.connection.driver_connection
        quoted = ", ".join(f'"{c}"' for c in columns)
        with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count
    placeholders = ", ".join("?" for _ in columns)
    quoted = ", ".join(f'"{c}"' for c in columns)
    cursor = conn.connection.driver_connection.cursor()
    batch = []
    for row in rows:
        batch.append(tuple(_sqlite_value(v) for v in row))
        if len(batch) >= BATCH:
            cursor.executemany(f'INSERT INTO "{table.name}" ({quoted}) VALUES ({placeholders})', batch)
            count += len(batch)
            batch = []
    if batch:
        cursor.executemany(f'INSERT INTO "{table.name}" ({quoted}) VALUES ({placeholders})', batch)
        count += len(batch)
    return count


def _sqlite_value(value):
    """The text SQLAlchemy itself stores for datetimes on SQLite."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, bool):
        return int(value)
    return value


class World:
    """The generated activity, produced in chunks of needs (ids are assigned here)."""

    CHUNK_NEEDS = 10_000

    def __init__(self, rng: random.Random, communes: list[tuple], establishments: int, candidates: int, slots: int):
        self.rng = rng
        self.communes = communes
        self.n_establishments = establishments
        self.n_candidates = candidates
        self.target_slots = slots
        self.counts = {"needs": 0, "slots": 0, "applications": 0, "assignments": 0}
        self._reset()

    def _reset(self) -> None:
        self.needs, self.slots, self.applications, self.assignments = [], [], [], []

    def _flush(self):
        for name in self.counts:
            self.counts[name] += len(getattr(self, name))
        chunk = (self.needs, self.slots, self.applications, self.assignments)
        self._reset()
        return chunk

    def chunks(self):
        """Needs until the slot target is reached, yielded as (needs, slots, applications, assignments)."""
        rng = self.rng
        need_id = slot_id = application_id = assignment_id = 0
        while slot_id < self.target_slots:
            if len(self.needs) >= self.CHUNK_NEEDS:
                yield self._flush()
            need_id += 1
            establishment = rng.randrange(1, self.n_establishments + 1)
            contract = rng.random() < 0.15
            kind = rng.choice(("replacement", "seasonal", "pec", "civic_service")) if contract else "shift"
            qualification = "SC" if kind == "civic_service" else rng.choice(QUALIFICATIONS)
            positions = rng.choices((1, 2, 3), (70, 20, 10))[0]
            day = YEAR_START + timedelta(days=rng.randrange(365))
            hour = rng.choice((7, 8, 13, 14, 21))
            count = 1 if contract else rng.randint(1, 10)
            starts = [day + timedelta(days=i, hours=hour) for i in range(count)]
            length = timedelta(days=rng.randint(14, 180)) if contract else timedelta(hours=10 if hour == 21 else 8)
            published = day - timedelta(hours=rng.randint(2, 24 * 21))
            cancelled = rng.random() < 0.03
            holders = rng.sample(range(1, self.n_candidates + 1), positions)
            apps = {}
            filled_slots = 0
            for start in starts:
                slot_id += 1
                held = 0
                for candidate in holders:
                    draw = rng.random()
                    if cancelled or draw > 0.78:
                        continue
                    if candidate not in apps:
                        application_id += 1
                        apps[candidate] = application_id
                        self.applications.append((application_id, need_id, candidate, published))
                    accepted = published + (start - published) * rng.uniform(0.05, 0.9) - timedelta(hours=2)
                    state, ended = "accepted", None
                    if draw < 0.05:
                        state, ended = "cancelled", accepted + (start - accepted) / 2
                    elif draw < 0.08:
                        state, ended = "withdrawn", accepted + (start - accepted) / 2
                    elif draw < 0.10:
                        accepted = start + timedelta(hours=1)  # accepted too late for the start
                    elif start < NOW - timedelta(days=1):
                        state = "completed"
                    held += state in ("accepted", "completed") and accepted < start
                    assignment_id += 1
                    self.assignments.append((assignment_id, apps[candidate], slot_id, need_id, candidate, state, start,
                                             start + length, accepted, ended))
                filled_slots += held >= positions
                self.slots.append((slot_id, need_id, start, start + length, positions, held))
            status = "cancelled" if cancelled else ("filled" if filled_slots == count else "open")
            filled_at = published + (starts[0] - published) * 0.6 if status == "filled" else None
            self.needs.append((need_id, establishment, kind, qualification, positions, status, starts[0],
                               starts[-1] + length, published, filled_at,
                               published + timedelta(hours=3) if cancelled else None))
        yield self._flush()


def load(engine, world: World) -> None:
    rng = world.rng
    tables = Base.metadata.tables
    with engine.begin() as conn:
        conn.execute(insert(User.__table__), [
            {"id": 1, "email": "ars@bench.fr", "password_hash": "x", "role": "ars", "ars_region_code": REGION,
             "ars_departement_codes": [], "first_name": "", "last_name": "", "active": True, "session_version": 1,
             "failed_logins": 0, "created_at": NOW, "updated_at": NOW}
        ])
        conn.execute(insert(User.__table__), [
            {"id": 1 + i, "email": f"c{i}@bench.fr", "password_hash": "x", "role": "candidate", "ars_departement_codes": [],
             "first_name": "", "last_name": "", "active": True, "session_version": 1, "failed_logins": 0,
             "created_at": NOW, "updated_at": NOW}
            for i in range(1, world.n_candidates + 1)
        ])
        communes = world.communes
        conn.execute(insert(CandidateProfile.__table__), [
            {"id": i, "user_id": 1 + i, "public": rng.choice(PUBLICS), "birth_date": date(1995, 1, 1), "disability": False,
             "commune_code": c[0], "lat": c[3], "lon": c[4], "departement_code": c[1], "region_code": REGION,
             "radius_km": 25, "work_authorization": True, "driving_licence": False, "prefers_nights": True,
             "prefers_weekends": True, "preferred_kinds": [], "consent_visible": True, "consent_pool": True,
             "consent_alerts": False, "booking_version": 0, "created_at": NOW, "updated_at": NOW}
            for i, c in ((i, rng.choice(communes)) for i in range(1, world.n_candidates + 1))
        ])
        conn.execute(insert(Establishment.__table__), [
            {"id": i, "name": f"Établissement {i}", "finess": f"B{i:08d}", "type": rng.choice(TYPES), "sector": "public",
             "address": "", "commune_code": c[0], "departement_code": c[1], "region_code": REGION, "lat": c[3], "lon": c[4],
             "verification_status": "verified", "created_at": NOW, "updated_at": NOW}
            for i, c in ((i, rng.choice(communes)) for i in range(1, world.n_establishments + 1))
        ])
        stamp = (NOW, NOW)
        for needs, slots, applications, assignments in world.chunks():
            _load_chunk(conn, tables, stamp, needs, slots, applications, assignments)
    with engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()


def _load_chunk(conn, tables, stamp, needs, slots, applications, assignments) -> None:
    bulk(conn, tables["need"], ["id", "establishment_id", "kind", "qualification_code", "positions", "status",
                                "first_start", "last_end", "published_at", "filled_at", "cancelled_at", "title",
                                "description", "requires_driving_licence", "nurse_on_duty", "pay", "urgent",
                                "created_at", "updated_at"],
         (row + ("Besoin", "", False, True, "", False) + stamp for row in needs))
    bulk(conn, tables["slot"], ["id", "need_id", "start", "end", "positions", "filled"], iter(slots))
    bulk(conn, tables["application"], ["id", "need_id", "candidate_id", "created_at", "origin", "state", "slot_ids",
                                       "updated_at"],
         (row + ("candidate", "accepted", "[]", NOW) for row in applications))
    bulk(conn, tables["assignment"], ["id", "application_id", "slot_id", "need_id", "candidate_id", "state", "start",
                                      "end", "accepted_at", "ended_at", "created_at", "updated_at"],
         (row + stamp for row in assignments))


def slow_statements(engine, threshold: float = 0.2):
    """Print the statements slower than ``threshold`` seconds (``--trace``)."""
    from sqlalchemy import event

    @event.listens_for(engine, "before_cursor_execute")
    def _began(conn, cursor, statement, parameters, context, executemany):
        conn.info["statement_began"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _ended(conn, cursor, statement, parameters, context, executemany):
        elapsed = time.perf_counter() - conn.info.pop("statement_began", time.perf_counter())
        if elapsed >= threshold:
            print(f"    {elapsed:6.1f} s  {' '.join(statement.split())[:150]}")


def timed_refresh(session, now: datetime, full: bool, label: str) -> None:
    from services.stats_store import refresh

    began, began_cpu = time.perf_counter(), time.process_time()
    result = refresh(session, now, full=full)
    session.commit()
    print(f"refresh-ars-stats {label}: {result.slots:,} started slots, {result.needs:,} needs recomputed in "
          f"{time.perf_counter() - began:.1f} s (CPU of this process {time.process_time() - began_cpu:.1f} s); "
          f"load average {os_load()}")


def incremental_scenario(session) -> None:
    """Full rebuild a day before NOW, a day of activity, incremental refresh, equal to a full one."""
    day_before = NOW - timedelta(days=1)
    began = time.perf_counter()
    # Each row was last written when it was published, accepted or ended (the generator stamps NOW).
    session.execute(text("UPDATE need SET updated_at = published_at"))
    session.execute(text("UPDATE assignment SET updated_at = COALESCE(ended_at, accepted_at)"))
    session.execute(text("UPDATE establishment SET updated_at = :at"), {"at": YEAR_START})
    session.commit()
    print(f"timestamps of the generated rows set in {time.perf_counter() - began:.1f} s")
    timed_refresh(session, day_before, True, f"full at {day_before}")
    # The day: assignments ended in the previous 24 h are marked completed (contracts too).
    touched = session.execute(text(
        "UPDATE assignment SET state = 'completed', updated_at = :at WHERE state IN ('accepted', 'completed') "
        "AND \"end\" >= :since AND \"end\" < :until"),
        {"at": day_before + timedelta(hours=10), "since": day_before - timedelta(days=1), "until": day_before}).rowcount
    session.commit()
    print(f"day of activity: {touched:,} assignments completed; slots starting in the day come on their own")
    timed_refresh(session, NOW, False, "incremental after a day")
    tables = [table.name for table in STAT_TABLES if table is not stat_dirty_need]
    for name in tables:
        session.execute(text(f"DROP TABLE IF EXISTS bench_copy_{name}"))
        session.execute(text(f"CREATE TABLE bench_copy_{name} AS SELECT * FROM {name}"))
    session.commit()
    timed_refresh(session, NOW, True, "full at NOW")
    for name in tables:
        differ = sum(session.scalar(text(f"SELECT count(*) FROM (SELECT * FROM {a} EXCEPT SELECT * FROM {b}) AS d"))
                     for a, b in ((name, f"bench_copy_{name}"), (f"bench_copy_{name}", name)))
        rows = [session.scalar(text(f"SELECT count(*) FROM {table}")) for table in (f"bench_copy_{name}", name)]
        print(f"  {name}: {rows[0]:,} rows incremental, {rows[1]:,} full, {differ} distinct rows differing")
        session.execute(text(f"DROP TABLE bench_copy_{name}"))
    session.commit()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def time_dashboard(app, user_id: int, query: dict, runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of this process per dashboard build (``stats_dashboard.build``,
    every SQL statement of the page; CPU is the whole work on SQLite, only the Python side on
    PostgreSQL). Called directly: the HTTP view may put a cache in front of it."""
    from datetime import date as day

    from extensions import db
    from services import stats, stats_dashboard

    times, cpu = [], []
    for _ in range(runs):
        with app.app_context():
            session = db.stats_session
            began, began_cpu = time.perf_counter(), time.process_time()
            scope = stats.scope_for(session.get(User, user_id), day.fromisoformat(query["debut"]),
                                    day.fromisoformat(query["fin"]), NOW, grain=query.get("grain", "month"))
            board = stats_dashboard.build(session, scope, NOW, stats_dashboard.Sort())
            times.append(time.perf_counter() - began)
            cpu.append(time.process_time() - began_cpu)
            assert board["figures"].posted > 0
    return times, cpu


def stream(client, url: str) -> tuple[float, int, int]:
    """Seconds, bytes and resident memory growth (kB) of one streamed export."""
    rss_before = rss_kb()
    began = time.perf_counter()
    response = client.get(url, buffered=False)
    size = sum(len(chunk) for chunk in response.response)
    response.close()
    return time.perf_counter() - began, size, rss_kb() - rss_before


def os_load() -> str:
    return " / ".join(f"{value:.1f}" for value in os.getloadavg())


def python_peak(client, url: str) -> int:
    """Peak of Python allocations during the export (tracemalloc slows it down: run apart)."""
    tracemalloc.start()
    stream(client, url)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def rss_kb() -> int:
    """Current resident memory of this process (Linux), in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slots", type=int, default=1_000_000)
    parser.add_argument("--establishments", type=int, default=2_500)
    parser.add_argument("--candidates", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="reuse the data of a previous run")
    parser.add_argument("--no-refresh", action="store_true", help="reuse the derived tables as they are")
    parser.add_argument("--incremental", action="store_true", help="time a full and an incremental refresh")
    parser.add_argument("--trace", action="store_true", help="print the refresh's statements slower than 0.2 s")
    parser.add_argument("--no-exports", action="store_true", help="time the dashboard only")
    args = parser.parse_args()

    from cli.reference import load_qualifications, load_territories
    from database import make_engine
    from refdata.communes import load_communes

    url = database_url(args.keep)
    engine = make_engine(url)
    reuse = args.keep and inspect(engine).has_table("slot")
    if not reuse:
        began = time.perf_counter()
        Base.metadata.drop_all(engine)
        Base.metadata.create_all(engine)
        from sqlalchemy.orm import Session

        with Session(engine) as session:
            records = load_communes(COMMUNES_CSV)
            load_territories(session, records)
            load_qualifications(session)
            session.commit()
        communes = [(c.code_insee, c.departement_code, c.name, c.lat, c.lon) for c in records.values()
                    if c.region_code == REGION]
        world = World(random.Random(2026), communes, args.establishments, args.candidates, args.slots)
        load(engine, world)
        counts = ", ".join(f"{value:,} {name}" for name, value in world.counts.items())
        print(f"built in {time.perf_counter() - began:.1f} s: {counts}, {args.establishments:,} establishments, "
              f"{args.candidates:,} candidates")
    else:
        if not args.no_refresh:
            for table in reversed(STAT_TABLES):  # derived data: recreated with the current schema
                table.drop(engine, checkfirst=True)
        Base.metadata.create_all(engine)  # and any table added to the models since the build
    engine.dispose()

    from app import create_app

    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
                      "SESSION_COOKIE_SECURE": False})
    client = app.test_client()
    with app.app_context():
        from extensions import db

        if args.trace:
            slow_statements(db.engine)
        if args.incremental:
            incremental_scenario(db.session)
        elif not args.no_refresh:
            timed_refresh(db.session, NOW, True, "full")
        session_id = db.session.get(User, 1).get_id()
    with client.session_transaction() as session:
        session["_user_id"] = session_id
        session["_fresh"] = True

    print(f"database: {engine.dialect.name}; load average {os_load()} on {os.cpu_count()} CPUs")
    for label, query in (("dashboard, 90 days (3 Oct – 31 Dec 2026)", {"debut": "2026-10-03", "fin": "2026-12-31"}),
                         ("dashboard, full year 2026, by week", {"debut": "2026-01-01", "fin": "2026-12-31", "grain": "week"})):
        response = client.get("/ars/tableau-de-bord", query_string=query)  # the page itself works
        assert response.status_code == 200, response.status_code
        times, cpu = time_dashboard(app, 1, query, args.runs)
        print(f"{label}: p50 {percentile(times, .5) * 1000:.0f} ms, p95 {percentile(times, .95) * 1000:.0f} ms "
              f"(runs: {', '.join(f'{t * 1000:.0f}' for t in times)}); "
              f"CPU p50 {percentile(cpu, .5) * 1000:.0f} ms, p95 {percentile(cpu, .95) * 1000:.0f} ms")
    print(f"load average {os_load()}")
    if args.no_exports:
        return
    for label, url in (("CSV of the year's needs", "/ars/export/besoins.csv?debut=2026-01-01&fin=2026-12-31"),
                       ("Excel of the year", "/ars/export/periode.xlsx?debut=2026-01-01&fin=2026-12-31")):
        elapsed, size, rss = stream(client, url)
        print(f"{label}: {elapsed:.1f} s, {size / 1e6:.1f} MB, RSS growth {rss / 1024:.1f} MB, "
              f"Python peak {python_peak(client, url) / 1e6:.1f} MB (tracemalloc run)")


if __name__ == "__main__":
    main()
