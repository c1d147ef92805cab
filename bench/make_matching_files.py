"""Deterministic input files for benchmarking ``python -m matching rank``.

One need (a night-shift AS need in Angers) and candidates spread over mainland France, denser
around the need (a quarter within about 30 km), with the usual mix of publics, codes, free
text, availability windows and booked shifts. Same seed, same bytes.

    .venv/bin/python bench/make_matching_files.py [--dir DIR] [--sizes 1000,10000,100000]

Writes need.json and candidates-<size>.json into DIR (default: a new temporary folder, printed);
never commit these files.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

NEED_LAT, NEED_LON = 47.4711, -0.5473  # Angers (INSEE 49007)
FRANCE = (42.5, 51.0, -4.5, 8.0)  # lat/lon box of mainland France
RADII = (2, 5, 10, 15, 25, 25, 25, 50, 100)
PUBLICS = ("professional", "professional", "job_seeker", "student", "refugee", "pec", "civic_service")
CODES = (("AS", None), ("AS", None), ("IDE", None), ("ASH", None), ("ASH70", None), ("AES", None),
         ("ESI", 1), ("ESI", 2), ("EMED", 3), ("AP", None))
TEXTS = ("aide soignante diplômée", "agent d'entretien, bionettoyage", "infirmière", "AMP", "auxiliaire de vie")
START = datetime(2027, 7, 1)


def make_need() -> dict:
    return {
        "id": "besoin-bench", "kind": "shift", "qualification": "AS", "lat": NEED_LAT, "lon": NEED_LON,
        "slots": [{"start": f"2027-07-{day:02d}T21:00", "end": f"2027-07-{day + 1:02d}T07:00"} for day in (14, 15, 16)],
        "positions": 2, "establishment_type": "EHPAD", "employer_sector": "non_profit", "nurse_on_duty": True,
    }


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def make_candidate(rng: random.Random, index: int) -> dict:
    if rng.random() < 0.25:
        lat, lon = rng.gauss(NEED_LAT, 0.15), rng.gauss(NEED_LON, 0.2)
    else:
        lat, lon = rng.uniform(FRANCE[0], FRANCE[1]), rng.uniform(FRANCE[2], FRANCE[3])
    record: dict = {
        "id": f"cand-{index:06d}", "public": rng.choice(PUBLICS),
        "birth_date": f"{rng.randint(1960, 2009)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "lat": round(lat, 5), "lon": round(lon, 5), "radius_km": rng.choice(RADII),
    }
    roll = rng.random()
    if roll < 0.8:
        code, years = rng.choice(CODES)
        record["qualifications"] = [{"code": code} if years is None else {"code": code, "validated_years": years}]
    if roll > 0.7:
        record["qualification_text"] = rng.choice(TEXTS)
    if rng.random() < 0.15:
        record["french_level"] = rng.choice(("A2", "B1", "B2", "C1"))
    record["driving_licence"] = rng.random() < 0.6
    windows = []
    day = START + timedelta(days=rng.randint(-20, 20))
    for _ in range(rng.randint(1, 3)):
        end = day + timedelta(days=rng.randint(1, 30))
        windows.append({"start": _when(day), "end": _when(end)})
        day = end + timedelta(days=rng.randint(0, 5))
    record["availability"] = windows
    busy = []
    for _ in range(rng.choice((0, 0, 1, 2))):
        shift = START + timedelta(days=rng.randint(0, 30), hours=rng.choice((7, 14, 21)))
        busy.append({"start": _when(shift), "end": _when(shift + timedelta(hours=rng.choice((7, 10, 12))))})
    if busy:
        record["busy"] = busy
    return record


def write_files(folder: Path, sizes: list[int], seed: int = 2027) -> dict[int, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "need.json").write_text(json.dumps(make_need(), ensure_ascii=False, indent=1), encoding="utf-8")
    paths = {}
    for size in sizes:
        rng = random.Random(f"{seed}-{size}")
        path = folder / f"candidates-{size}.json"
        path.write_text(json.dumps([make_candidate(rng, i) for i in range(size)], ensure_ascii=False),
                        encoding="utf-8")
        paths[size] = path
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, help="output folder (default: a new temporary folder)")
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated candidate counts")
    args = parser.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="matching-bench-"))
    for size, path in write_files(folder, [int(s) for s in args.sizes.split(",")]).items():
        print(f"{size:>7} candidates: {path} ({path.stat().st_size / 1e6:.1f} MB)")
    print(f"need: {folder / 'need.json'}")


if __name__ == "__main__":
    main()
