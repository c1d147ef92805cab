"""Benchmark of ``python -m matching rank`` against a bare ``json.load`` of the same file.

The contract's goal (matching-json.md, setup-notes.md): ranking 100,000 candidates from one
file takes at most twice the time of loading that file with ``json.load``. One run measures,
for 1k, 10k and 100k candidates (files from make_matching_files.py):

- load-sub: ``python -c "json.load(...)"`` as a subprocess (interpreter start included);
- cli-sub: ``python -m matching rank --need ... --candidates ...`` as a subprocess;
- load-cpu, cli-cpu: the CPU time (user + system) of those two subprocesses, steadier than
  wall time when other work shares the machine;
- load-in: ``json.load`` in this process; nogc-in: the same with the cycle collector off (the
  command turns it off while it runs); cli-in: the command's ``main()`` in this process;
- all-in: ``main()`` with ``--all`` (every candidate evaluated and explained), one run.

Times are the best of ``--repeat`` runs, in seconds; ratios are the median over the runs of
cli / json.load measured back to back, which holds up better when the machine is busy. Usage:

    .venv/bin/python bench/bench_matching_cli.py [--sizes 1000,10000,100000] [--repeat 3] [--dir DIR]
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import resource
import statistics
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


def subprocess_time(args: list[str], cpu: list[float] | None = None) -> float:
    """Wall time of a child Python; its CPU time (user + system) is appended to ``cpu``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if cpu is not None:
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return wall


def in_process_main(args: list[str]) -> None:
    sink = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    with redirect_stdout(sink):
        status = cli_main(args)
    if status:
        raise SystemExit(f"main() exited {status}")


def json_load(path: Path, collect: bool = True) -> None:
    """``json.load`` with the cycle collector on (Python's default) or off (as the command runs)."""
    if not collect:
        gc.disable()
    try:
        with path.open("rb") as handle:
            json.load(handle)
    finally:
        gc.enable()
    gc.collect()  # do not let one run's garbage slow the next


def measure(need: Path, path: Path, repeat: int, with_all: bool = True) -> dict[str, float]:
    """Best times, and the median of ratios taken from back-to-back pairs (fairer on a busy machine)."""
    rank = ["rank", "--need", str(need), "--candidates", str(path)]
    load_code = f"import json; json.load(open({str(path)!r}, 'rb'))"
    runs: dict[str, list[float]] = {name: [] for name in ("start", "load-sub", "cli-sub", "load-in", "cli-in",
                                                          "nogc-in")}
    ratios_sub, ratios_in, ratios_nogc = [], [], []
    load_cpu: list[float] = []
    cli_cpu: list[float] = []
    for _ in range(repeat):
        runs["start"].append(subprocess_time(["-c", "pass"]))
        runs["load-sub"].append(subprocess_time(["-c", load_code], load_cpu))
        runs["cli-sub"].append(subprocess_time(["-m", "matching", *rank], cli_cpu))
        runs["load-in"].append(best(1, lambda: json_load(path)))
        runs["cli-in"].append(best(1, lambda: in_process_main(rank)))
        runs["nogc-in"].append(best(1, lambda: json_load(path, collect=False)))
        ratios_sub.append(runs["cli-sub"][-1] / runs["load-sub"][-1])
        ratios_in.append(runs["cli-in"][-1] / runs["load-in"][-1])
        ratios_nogc.append(runs["cli-in"][-1] / runs["nogc-in"][-1])
    row = {name: min(times) for name, times in runs.items()}
    row["ratio-sub"] = statistics.median(ratios_sub)
    row["ratio-in"] = statistics.median(ratios_in)
    row["ratio-nogc"] = statistics.median(ratios_nogc)
    row["load-cpu"], row["cli-cpu"] = min(load_cpu), min(cli_cpu)
    row["ratio-cpu"] = statistics.median(c / lo for c, lo in zip(cli_cpu, load_cpu, strict=True))
    row["all-in"] = best(1, lambda: in_process_main([*rank, "--all"])) if with_all else float("nan")
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description="python -m matching rank versus json.load")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", type=Path, help="where to write the input files (default: a temporary folder)")
    parser.add_argument("--no-all", action="store_true", help="skip the slow --all column")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    folder = args.dir or Path(tempfile.mkdtemp(prefix="matching-bench-"))
    paths = write_files(folder, sizes)
    columns = ["start", "load-sub", "cli-sub", "ratio-sub", "load-cpu", "cli-cpu", "ratio-cpu", "load-in", "nogc-in",
               "cli-in", "ratio-in", "ratio-nogc", "all-in"]
    print(f"files in {folder}; seconds, best of {args.repeat}; ratios: median of back-to-back cli / json.load")
    print(f"{'size':>8} {'MB':>6} " + " ".join(f"{c:>9}" for c in columns))
    for size in sizes:
        row = measure(folder / "need.json", paths[size], args.repeat, not args.no_all)
        megabytes = paths[size].stat().st_size / 1e6
        print(f"{size:>8} {megabytes:>6.1f} " + " ".join(f"{row[c]:>9.3f}" for c in columns), flush=True)


if __name__ == "__main__":
    main()
