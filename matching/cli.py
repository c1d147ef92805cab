"""``python -m matching rank|recommend``: the command line of shared/specs/matching-json.md.

Output is one JSON array on standard output. Bad input (unreadable file, invalid JSON, wrong
field, unknown code, impossible slot) gives exit status 2 and exactly one line on standard
error naming the file, the record and the field, never a traceback.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from matching.config import DEFAULT_CONFIG, MatchingConfig
from matching.errors import InputError
from matching.evaluation import NeedContext
from matching.models import Qualification
from matching.ranking import prefilter, rank_candidates, recommend_needs
from matching.records import CommuneResolver, RecordReader

EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    """argparse with its usage errors on one line (still exit status 2, as argparse does)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {' '.join(message.split())}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m matching", description="Relève matching engine (file contract).")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    rank = commands.add_parser("rank", help="rank candidates for one need")
    rank.add_argument("--need", required=True, help="NEED.json: one need object")
    rank.add_argument("--candidates", required=True, help="CANDIDATES.json: an array of candidates")
    recommend = commands.add_parser("recommend", help="recommend needs for one candidate")
    recommend.add_argument("--candidate", required=True, help="CANDIDATE.json: one candidate object")
    recommend.add_argument("--needs", required=True, help="NEEDS.json: an array of needs")
    for command in (rank, recommend):
        command.add_argument("--top", type=_count, help="at most K results")
        command.add_argument("--all", action="store_true", help="also list ineligible results, with reasons")
        command.add_argument("--weights", help="W.json: an object overriding component weights or settings")
    return parser


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0: {value}")
    return value


def load_json(path: str) -> Any:
    """The file's JSON value, or an ``InputError`` naming the file."""
    try:
        with open(path, "rb") as handle:
            return json.load(handle)
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", source=path) from None
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", source=path) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}", source=path) from None
    except RecursionError:
        raise InputError("invalid JSON: nested too deeply", source=path) from None


def load_config(path: str | None) -> MatchingConfig:
    if path is None:
        return DEFAULT_CONFIG
    overrides = load_json(path)
    try:
        return DEFAULT_CONFIG.with_overrides(overrides)
    except ValueError as exc:
        raise InputError(str(exc), source=path) from None


def _read(path: str, read) -> Any:
    data = load_json(path)
    try:
        return read(data)
    except InputError as error:
        raise error.located(source=path) from None


def run(args: argparse.Namespace, resolve_commune: CommuneResolver | None = None) -> list[dict[str, Any]]:
    """The output array for parsed arguments; raises ``InputError`` on bad input."""
    config = load_config(args.weights)
    reader = RecordReader(config.qualification_rules, resolve_commune)
    if args.command == "rank":
        need = _read(args.need, lambda data: reader.need(_one(data, "need")))
        if args.all:
            candidates = _read(args.candidates, reader.candidates)
        else:  # only those who may be eligible become objects (see RecordReader.candidates_where)
            admit = _fits_the_post(NeedContext(need, config))
            candidates = _read(args.candidates, lambda data: reader.candidates_where(data, prefilter(need), admit))
        results = rank_candidates(need, candidates, config, include_ineligible=args.all, top=args.top)
        return [result.to_json("candidate_id") for result in results]
    candidate = _read(args.candidate, lambda data: reader.candidate(_one(data, "candidate")))
    needs = _read(args.needs, reader.needs)
    results = recommend_needs(candidate, needs, config, include_ineligible=args.all, top=args.top)
    return [result.to_json("need_id") for result in results]


def _fits_the_post(context: NeedContext):
    """``admit(record)`` for a checked candidate record: False when no qualification fits the post.

    Close to half the candidates near a need hold a code that never fits it; this keeps them
    from being built and scored. The fit is cached by (codes, text), so the test is a lookup.
    """
    def admit(record: dict) -> bool:
        qualifications = tuple(Qualification(item["code"], item.get("validated_years"))
                               for item in record.get("qualifications") or ())
        return not context.fit_for(qualifications, record.get("qualification_text")).exclusions

    return admit


def _one(data: Any, what: str) -> dict:
    if type(data) is not dict:
        raise InputError(f"expected one JSON object (a {what})")
    return data


def main(argv: Sequence[str] | None = None, resolve_commune: CommuneResolver | None = None) -> int:
    args = build_parser().parse_args(argv)
    # A large input file is millions of small objects and no reference cycle: letting the
    # cycle collector walk them again and again would cost more than the ranking itself.
    collecting = gc.isenabled()
    gc.disable()
    try:
        output = run(args, resolve_commune)
    except InputError as error:
        print(f"error: {error.one_line()}", file=sys.stderr)
        return EXIT_BAD_INPUT
    finally:
        if collecting:
            gc.enable()
    text = json.dumps(output, ensure_ascii=False)
    try:
        sys.stdout.buffer.write(text.encode("utf-8") + b"\n")
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. piped into head: the reader left, nothing more to say
        sys.stderr.close()
    return 0
