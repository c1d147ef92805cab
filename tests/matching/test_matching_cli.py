"""``python -m matching`` as analysts run it: real subprocesses, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO.parent / "shared" / "specs" / "examples"
KEYS = ["candidate_id", "score", "eligible", "components", "distance_km", "covered_slots", "reasons"]
# A stand-in for refdata.communes (another module of the app), with the real coordinates of the
# communes the shared example uses, so these tests do not depend on the communes table being built.
FAKE_COMMUNES = '''
from types import SimpleNamespace

def load_communes():
    points = {"49007": (47.47109, -0.54731), "49015": (47.50683, -0.58974), "44109": (47.21863, -1.55377)}
    return {code: SimpleNamespace(code_insee=code, lat=lat, lon=lon) for code, (lat, lon) in points.items()}
'''
NEED = {"id": "n1", "kind": "shift", "qualification": "AS", "commune": "49007",
        "slots": [{"start": "2027-07-14T21:00", "end": "2027-07-15T07:00"}]}
PERSON = {"id": "c1", "public": "professional", "birth_date": "1986-02-11", "commune": "49015", "radius_km": 25,
          "qualifications": [{"code": "AS"}], "availability": [{"start": "2027-07-01T00:00", "end": "2027-08-31T00:00"}]}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("cli")
    (folder / "refdata").mkdir()
    (folder / "refdata" / "__init__.py").write_text("")
    (folder / "refdata" / "communes.py").write_text(FAKE_COMMUNES)
    return folder


def run(workdir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "ascii"}  # output must be UTF-8 anyway
    return subprocess.run([sys.executable, "-m", "matching", *args], cwd=workdir, env=env, capture_output=True,
                          timeout=120, check=False)


def write(workdir: Path, name: str, content) -> str:
    path = workdir / name
    path.write_bytes(content if isinstance(content, bytes) else json.dumps(content, ensure_ascii=False).encode())
    return str(path)


def rank(workdir: Path, need, candidates, *extra: str) -> subprocess.CompletedProcess:
    return run(workdir, "rank", "--need", write(workdir, "need.json", need),
               "--candidates", write(workdir, "candidates.json", candidates), *extra)


def test_the_shared_example(workdir):
    done = run(workdir, "rank", "--need", str(EXAMPLES / "need-night-shift.json"),
               "--candidates", str(EXAMPLES / "candidates-angers.json"), "--all")
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout.decode("utf-8"))
    assert [list(r) for r in results] == [KEYS] * 4
    by_id = {r["candidate_id"]: r for r in results}
    assert [r["candidate_id"] for r in results if r["eligible"]] == ["cand-101", "cand-102"]
    assert by_id["cand-101"]["distance_km"] == pytest.approx(5.1, abs=0.2)  # Avrillé, about 5 km from Angers
    assert by_id["cand-101"]["covered_slots"] == 2  # 26 h of rest after his day shift
    assert by_id["cand-102"]["covered_slots"] == 2
    assert "Agent(e) de service hospitalier" in by_id["cand-103"]["reasons"][0]
    assert by_id["cand-104"]["reasons"][0] == "un(e) volontaire en service civique ne prend que des missions de service civique"
    assert "é" in done.stdout.decode("utf-8")  # UTF-8, not \u escapes

    eligible_only = run(workdir, "rank", "--need", str(EXAMPLES / "need-night-shift.json"),
                        "--candidates", str(EXAMPLES / "candidates-angers.json"), "--top", "1")
    assert json.loads(eligible_only.stdout) == results[:1]


def test_recommend_and_weights(workdir):
    needs = [NEED, {**NEED, "id": "n2", "qualification": "IDE"}, {**NEED, "id": "n3", "qualification": "ASH"}]
    done = run(workdir, "recommend", "--candidate", write(workdir, "person.json", PERSON),
               "--needs", write(workdir, "needs.json", needs), "--all")
    results = json.loads(done.stdout)
    assert [(r["need_id"], r["eligible"]) for r in results] == [("n1", True), ("n3", True), ("n2", False)]
    weights = write(workdir, "w.json", {"qualification": 1, "zone": 0, "availability": 0})
    weighted = rank(workdir, NEED, [PERSON], "--weights", weights)
    assert json.loads(weighted.stdout)[0]["score"] == 100.0


def test_the_fast_lane_and_all_agree(workdir):
    people = [{**PERSON, "id": f"c{i}", "radius_km": radius} for i, radius in enumerate((2, 4.9, 5.1, 6, 25))]
    people += [{**PERSON, "id": "c-ash", "qualifications": [{"code": "ASH"}]},
               {**PERSON, "id": "c-text", "qualifications": [], "qualification_text": "aide-soignante"}]
    fast = json.loads(rank(workdir, NEED, people).stdout)
    full = [r for r in json.loads(rank(workdir, NEED, people, "--all").stdout) if r["eligible"]]
    assert fast == full and [r["candidate_id"] for r in fast] == ["c4", "c-text", "c3", "c2"]


BAD = [
    ("need.json", "field 'qualification'", {**NEED, "qualification": "XYZ"}, [PERSON]),
    ("need.json", "field 'commune'", {**NEED, "commune": "00000"}, [PERSON]),
    ("candidates.json", "record 'c1': field 'commune'", NEED, [{**PERSON, "commune": "99999"}]),
    ("need.json", "field 'slots[0].end'", {**NEED, "slots": [{"start": "2027-07-14T21:00", "end": "2027-07-14T20:00"}]},
     [PERSON]),
    ("candidates.json", "field 'radius_km'", NEED, [{**PERSON, "radius_km": "25"}]),
    ("candidates.json", "field 'birth_date'", NEED, [{k: v for k, v in PERSON.items() if k != "birth_date"}]),
    ("candidates.json", "field 'qualifications[0].code'", NEED, [{**PERSON, "qualifications": [{"code": "NURSE"}]}]),
    ("need.json", "field 'employer_sector'", {**NEED, "kind": "pec", "employer_sector": "private"}, [PERSON]),
    ("need.json", "field 'employer_sector'",
     {**NEED, "kind": "civic_service", "qualification": "SC", "employer_sector": "private"}, [PERSON]),
    ("candidates.json", "record #1: field 'id'", NEED, [PERSON, {**PERSON, "id": 7}]),
    ("candidates.json", "duplicate id", NEED, [PERSON, PERSON]),
    ("candidates.json", "expected a JSON array", NEED, PERSON),
    ("need.json", "expected one JSON object", [NEED], [PERSON]),
    ("need.json", "invalid JSON at line 1", b'{"id": "n1",', [PERSON]),
    ("candidates.json", "not UTF-8", NEED, b'[{"id": "\xff"}]'),
]


@pytest.mark.parametrize(("file", "says", "need", "candidates"), BAD)
def test_bad_input_exits_2_with_one_line(workdir, file, says, need, candidates):
    assert_one_line_error(rank(workdir, need, candidates), file, says)


@pytest.mark.parametrize(("file", "says", "need", "candidates"), [BAD[2], BAD[4], BAD[9], BAD[10]])
def test_bad_input_is_found_with_all_too(workdir, file, says, need, candidates):  # --all reads records another way
    assert_one_line_error(rank(workdir, need, candidates, "--all"), file, says)


def assert_one_line_error(done: subprocess.CompletedProcess, *expected: str):
    stderr = done.stderr.decode("utf-8")
    assert done.returncode == 2, stderr
    assert done.stdout == b""
    assert stderr.count("\n") == 1 and "Traceback" not in stderr
    for text in expected:
        assert text in stderr


def test_unreadable_file(workdir):
    done = run(workdir, "rank", "--need", str(workdir / "missing.json"), "--candidates", str(workdir / "missing.json"))
    assert_one_line_error(done, "missing.json", "cannot read file")


@pytest.mark.parametrize(("weights", "says"), [({"speed": 1}, "unknown matching setting 'speed'"),
                                               ({"zone": "high"}, "'zone' must be a finite number"),
                                               ([0.5], "must be a JSON object")])
def test_bad_weights(workdir, weights, says):
    done = rank(workdir, NEED, [PERSON], "--weights", write(workdir, "w.json", weights))
    assert_one_line_error(done, "w.json", says)


@pytest.mark.parametrize("args", [["rank"], ["rank", "--need", "x.json"], ["rank", "--need", "a", "--candidates", "b",
                                                                           "--top", "-1"], ["dance"], []])
def test_usage_errors_exit_2_on_one_line(workdir, args):
    done = run(workdir, *args)
    assert_one_line_error(done, "error")
