"""Benchmark of ``python -m matching rank`` against a bare ``json.load`` of the same file.

The contract's goal (matching-json.md, setup-notes.md): ranking 100,000 candidates from one
file takes at most twice the time of loading that file with ``json.load``. One run measures,
for 1k, 10k and 100k candidates (files from make_matching_files.py):

- load-sub: ``python -c "json.load(...)"`` as a subprocess (interpreter start included);
- cli-sub: ``python -m matching rank --need ... --candidates ...`` as a subprocess;
- load-in: ``json.load`` in this process; cli-in: the command's ``main()`` in this process;
- all-in: ``main()`` with ``--all`` (every candidate evaluated and explained).

Times are the best of ``--repeat`` runs, in seconds. Usage:

    .venv/bin/python bench/bench_matching_cli.py [--sizes 1000,10000,100000] [--repeat 3] [--dir DIR]
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import subprocess
import sys
import tempfile
import time
from contextlib import redirect_stdout
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path[:0] = [str(REPO), str(BENCH)]

from make_matching_files import write_files  # noqa: E402

from matching.cli import main as cli_main  # noqa: E402


def best(repeat: int, action) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def subprocess_time(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def in_process_main(args: list[str]) -> None:
    sink = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    with redirect_stdout(sink):
        status = cli_main(args)
    if status:
        raise SystemExit(f"main() exited {status}")


def json_load(path: Path) -> None:
    with path.open("rb") as handle:
        json.load(handle)
    gc.collect()  # do not let one run's garbage slow the next


def measure(need: Path, path: Path, repeat: int) -> dict[str, float]:
    rank = ["rank", "--need", str(need), "--candidates", str(path)]
    load_code = f"import json; json.load(open({str(path)!r}, 'rb'))"
    row = {
        "start": best(repeat, lambda: subprocess_time(["-c", "pass"])),
        "load-sub": best(repeat, lambda: subprocess_time(["-c", load_code])),
        "cli-sub": best(repeat, lambda: subprocess_time(["-m", "matching", *rank])),
        "load-in": best(repeat, lambda: json_load(path)),
        "cli-in": best(repeat, lambda: in_process_main(rank)),
        "all-in": best(1, lambda: in_process_main([*rank, "--all"])),
    }
    row["ratio-sub"] = row["cli-sub"] / row["load-sub"]
    row["ratio-in"] = row["cli-in"] / row["load-in"]
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description="python -m matching rank versus json.load")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", type=Path, help="where to write the input files (default: a temporary folder)")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    folder = args.dir or Path(tempfile.mkdtemp(prefix="matching-bench-"))
    paths = write_files(folder, sizes)
    columns = ["start", "load-sub", "cli-sub", "ratio-sub", "load-in", "cli-in", "ratio-in", "all-in"]
    print(f"files in {folder}; best of {args.repeat}; seconds (ratios: cli / json.load)")
    print(f"{'size':>8} {'MB':>6} " + " ".join(f"{c:>9}" for c in columns))
    for size in sizes:
        row = measure(folder / "need.json", paths[size], args.repeat)
        megabytes = paths[size].stat().st_size / 1e6
        print(f"{size:>8} {megabytes:>6.1f} " + " ".join(f"{row[c]:>9.3f}" for c in columns), flush=True)


if __name__ == "__main__":
    main()
