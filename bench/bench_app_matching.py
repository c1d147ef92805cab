"""App-side matching benchmark (issue 3, "Speed / In the app").

Seeds the demo region through ``services.demo_data`` with 1k, 10k and 100k candidates and
about 20,000 open needs, into a temporary SQLite database and, when ``DATABASE_URL`` is set,
into that PostgreSQL database (its schema is dropped and rebuilt: use a scratch database).
Then times, ``--runs`` times each (fresh session every run, so no identity-map shortcut):

- ranking for one need: ``services.matching_feed.rank_for_need`` (service) and
  ``GET /etablissement/besoins/<id>`` logged in as the establishment's manager (request);
- recommendations for one candidate: ``recommend_for_candidate`` (service) and
  ``GET /candidat/missions`` logged in as that candidate (request).

    .venv/bin/python bench/bench_app_matching.py [--sizes 1000,10000,100000] [--runs 30] [--profile]
        [--backends sqlite,postgresql]

Prints p50/p95 in milliseconds per case (a case far over the target stops after 8 runs
once it has used 15 s, so that the whole bench stays under an hour); ``--profile`` adds a cProfile of the slowest
service call of each size. Target (issue 3): p95 < 150 ms.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, func, select, text  # noqa: E402

from models import Base, CandidateProfile, CandidateQualification, Commune, Establishment, Need, User, utcnow  # noqa: E402
from models.enums import NeedKind, NeedStatus, Public  # noqa: E402

OPEN_NEEDS_WRITTEN = 25_600  # about 78 % of upcoming needs stay open: ~20,000 open needs
ESTABLISHMENTS = 300
MIN_RUNS, BUDGET_MS = 8, 15_000  # per case and mode
REFERENCE_TABLES = {"region", "departement", "commune", "postcode", "qualification_ref", "qualification_equivalence"}
# Needs to rank: (kind, post) at the establishments of the largest communes, where candidates are densest.
NEED_CASES = ((NeedKind.SHIFT, "AS"), (NeedKind.SHIFT, "ASH"), (NeedKind.SHIFT, "IDE"), (NeedKind.REPLACEMENT, "AES"),
              (NeedKind.PEC, "ASH"), (NeedKind.CIVIC_SERVICE, "SC"))
# Candidates to recommend to: the demo student, then (public, code, radius) in the largest commune.
CANDIDATE_CASES = ((Public.JOB_SEEKER, "ASH", 50), (Public.PROFESSIONAL, "AS", 100), (Public.PEC, "ASH", 25))


@dataclass
class Timing:
    backend: str
    size: int
    case: str
    service: list[float]
    service_cpu: list[float]  # this process's CPU time: what the machine's other load does not inflate
    request: list[float]
    found: int

    @staticmethod
    def pct(values: list[float]) -> tuple[float, float]:
        cuts = statistics.quantiles(values, n=20, method="inclusive")
        return statistics.median(values), cuts[18]


def make_app(url: str):
    from app import create_app

    return create_app({
        "ENV_NAME": "development", "SECRET_KEY": "bench", "DATABASE_URL": url, "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False, "SESSION_COOKIE_SECURE": False, "MAIL_BACKEND": "console", "SERVER_NAME": None,
    })


def prepare_reference(url: str) -> None:
    """Empty schema, migrations, then every commune of France and the qualification tables."""
    from cli.database import upgrade
    from cli.reference import load_qualifications, load_territories
    from config import INSTANCE_DIR
    from refdata.communes import load_communes

    if url.startswith("postgresql"):
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    upgrade(url)
    app = make_app(url)
    with app.app_context():
        from extensions import db

        load_territories(db.session, load_communes(Path(os.environ.get("COMMUNES_FILE", INSTANCE_DIR / "communes.csv"))))
        load_qualifications(db.session)
        db.session.commit()


def empty_data(url: str) -> None:
    engine = create_engine(url)
    tables = [t for t in reversed(Base.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(chr(34) + t.name + chr(34) for t in tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())
    engine.dispose()


def seed(app, size: int) -> float:
    from extensions import db
    from services.demo_data import DemoOptions, seed_demo

    with app.app_context():
        started = time.perf_counter()
        seed_demo(db.session, DemoOptions(today=date.today(), establishments=ESTABLISHMENTS, candidates=size,
                                          open_needs=OPEN_NEEDS_WRITTEN, past_needs=3_000), app.config["DEMO_PASSWORD"])
        db.session.commit()
        db.session.execute(text("ANALYZE"))  # planner statistics, as a maintained database has
        db.session.commit()
        return time.perf_counter() - started


def chosen_needs(session) -> list[tuple[str, int, str]]:
    """(label, need id, manager e-mail) for each case, in the most populated commune that has one."""
    found = []
    tomorrow = datetime.combine(date.today() + timedelta(days=1), datetime.min.time())
    for kind, post in NEED_CASES:
        row = session.execute(
            select(Need.id, User.email).join(Establishment, Establishment.id == Need.establishment_id)
            .join(Commune, Commune.code_insee == Establishment.commune_code)
            .join(Establishment.managers)
            .where(Need.kind == kind, Need.qualification_code == post, Need.status == NeedStatus.OPEN,
                   Need.first_start > tomorrow)
            .order_by(Commune.population.desc(), Need.id).limit(1)).first()
        if row:
            found.append((f"classement {kind.value} {post}", row.id, row.email))
    return found


def chosen_candidates(session) -> list[tuple[str, int, str]]:
    found = [("recommandations étudiante ESI (démo)",
              *session.execute(select(CandidateProfile.id, User.email).join(User, User.id == CandidateProfile.user_id)
                               .where(User.email == "candidat@demo.releve.fr")).one())]
    for public, code, radius in CANDIDATE_CASES:
        row = session.execute(
            select(CandidateProfile.id, User.email).join(User, User.id == CandidateProfile.user_id)
            .join(CandidateQualification, CandidateQualification.profile_id == CandidateProfile.id)
            .join(Commune, Commune.code_insee == CandidateProfile.commune_code)
            .where(CandidateProfile.public == public, CandidateQualification.code == code, CandidateProfile.radius_km == radius)
            .order_by(Commune.population.desc(), CandidateProfile.id).limit(1)).first()
        if row:
            found.append((f"recommandations {public.value} {code} {radius} km", row.id, row.email))
    return found


def measure(app, backend: str, size: int, runs: int, profile: bool) -> list[Timing]:
    from extensions import db
    from services.matching_feed import rank_for_need, recommend_for_candidate

    timings = []
    with app.app_context():
        needs, candidates = chosen_needs(db.session), chosen_candidates(db.session)
        open_count = db.session.scalar(select(func.count()).select_from(Need).where(Need.status == NeedStatus.OPEN))
        db.session.close()
    print(f"  {open_count} besoins ouverts", flush=True)
    cases = [(label, Need, need_id, email, f"/etablissement/besoins/{need_id}",
              lambda session, obj: rank_for_need(session, obj, now=utcnow())) for label, need_id, email in needs]
    cases += [(label, CandidateProfile, profile_id, email, "/candidat/missions",
               lambda session, obj: recommend_for_candidate(session, obj, now=utcnow())) for label, profile_id, email in candidates]
    slowest = (0.0, None)
    for label, model, object_id, email, path, call in cases:
        service, service_cpu, found = [], [], 0
        for _ in runs_within_budget(runs, service):
            with app.app_context():
                obj = db.session.get(model, object_id)
                started, cpu = time.perf_counter(), time.process_time()
                found = len(call(db.session, obj))
                service.append(1000 * (time.perf_counter() - started))
                service_cpu.append(1000 * (time.process_time() - cpu))
        if max(service) > slowest[0]:
            slowest = (max(service), (label, model, object_id, call))
        client = app.test_client()
        login = client.post("/connexion", data={"email": email, "password": app.config["DEMO_PASSWORD"]})
        assert login.status_code == 302, f"connexion refusée pour {email}"
        request = []
        for _ in runs_within_budget(runs, request):
            started = time.perf_counter()
            response = client.get(path)
            request.append(1000 * (time.perf_counter() - started))
            assert response.status_code == 200, f"{path}: {response.status_code}"
        timing = Timing(backend, size, label, service, service_cpu, request, found)
        timings.append(timing)
        report_line(timing)
    if profile and slowest[1]:
        profile_call(app, *slowest[1])
    return timings


def runs_within_budget(runs: int, done: list[float]):
    """``runs`` iterations, but stop after MIN_RUNS once the case has used its time budget:
    a case far over the target says so in a few runs, and the whole bench stays under an hour."""
    for index in range(runs):
        if index >= MIN_RUNS and sum(done) > BUDGET_MS:
            return
        yield index


def profile_call(app, label, model, object_id, call) -> None:
    from extensions import db

    with app.app_context():
        obj = db.session.get(model, object_id)
        profiler = cProfile.Profile()
        profiler.enable()
        call(db.session, obj)
        profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
    print(f"\n  cProfile — {label}:\n{out.getvalue()}")


def report_line(t: Timing) -> None:
    (s50, s95), (c50, c95), (r50, r95) = Timing.pct(t.service), Timing.pct(t.service_cpu), Timing.pct(t.request)
    flag = "" if max(s95, r95) < 150 else "  > 150 ms"
    print(f"  | {t.backend} | {t.size:>7,} | {t.case} | {s50:6.1f} | {s95:6.1f} | {c50:6.1f} | {c95:6.1f} | {r50:6.1f} | {r95:6.1f} | "
          f"{len(t.service)}/{len(t.request)} | {t.found} |{flag}", flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--backends", default="sqlite,postgresql", help="sqlite, postgresql (needs DATABASE_URL) or both")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    folder = Path(tempfile.mkdtemp(prefix="releve-bench-"))
    wanted = args.backends.split(",")
    backends = [("SQLite", f"sqlite:///{folder / 'template.sqlite3'}")] if "sqlite" in wanted else []
    pg = os.environ.get("DATABASE_URL", "")
    if pg.startswith("postgres") and "postgresql" in wanted:
        backends.append(("PostgreSQL", pg.replace("postgresql://", "postgresql+psycopg://", 1)))
    try:
        for backend, url in backends:
            print(f"{backend}: référentiel…", flush=True)
            prepare_reference(url)
            for size in sizes:
                if backend == "SQLite":
                    run_url = f"sqlite:///{folder / f'bench-{size}.sqlite3'}"
                    shutil.copy(folder / "template.sqlite3", folder / f"bench-{size}.sqlite3")
                else:
                    run_url = url
                    empty_data(url)
                app = make_app(run_url)
                print(f"{backend}, {size:,} candidats : données créées en {seed(app, size):.1f} s", flush=True)
                print("  | base | candidats | cas | service p50 | service p95 | CPU p50 | CPU p95 | requête p50 | requête p95 "
                      "| mesures | résultats |")
                measure(app, backend, size, args.runs, args.profile)
                if backend == "SQLite":
                    (folder / f"bench-{size}.sqlite3").unlink()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
