"""The qualification reference and the who-may-fill-which-post table, as data.

The table lives in ``data/qualifications.json`` (with its sources) and, in the app, in the
database where an ARS administrator edits it: the code never hard-wires who may fill a post.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matching.textmatch import TextMatcher

DATA_FILE = Path(__file__).resolve().parent / "data" / "qualifications.json"
ANYONE = "*"  # a table entry that accepts any candidate with the right to work


@dataclass(frozen=True, slots=True)
class PostRule:
    """One line of the table: candidates holding ``code`` may fill the post, scoring ``score``."""

    code: str
    min_validated_years: int = 0
    score: float = 1.0
    requires_nurse_on_duty: bool = False
    label: str = ""
    source: str | None = None


class QualificationRules:
    """Codes with French labels and synonyms, the post table and the pairs that are never allowed."""

    def __init__(self, qualifications: list[dict[str, Any]], posts: dict[str, list[dict[str, Any]]],
                 never: list[dict[str, Any]], *, trainee_words: list[str] = (),
                 sources: dict[str, str] | None = None, about: str | None = None) -> None:
        self._qualifications = {q["code"]: dict(q) for q in qualifications}
        self.labels = {code: q["label"] for code, q in self._qualifications.items()}
        self.student_codes = frozenset(c for c, q in self._qualifications.items() if q.get("student"))
        self.posts = {post: tuple(PostRule(**entry) for entry in entries) for post, entries in posts.items()}
        self.never = {(n["code"], n["post"]): n for n in never}
        self.trainee_words = tuple(trainee_words)
        self.sources = dict(sources or {})
        self.about = about
        self._check()
        self.matcher = TextMatcher(
            {code: tuple(q.get("synonyms", ())) + (q["label"],) for code, q in self._qualifications.items()},
            student_codes=self.student_codes, trainee_words=self.trainee_words)

    def _check(self) -> None:
        """Refuse a table that names unknown codes or contradicts a 'never' pair."""
        for post, rules in self.posts.items():
            self._require_code(post, f"post {post!r}")
            for rule in rules:
                if rule.code != ANYONE:
                    self._require_code(rule.code, f"entry {rule.code!r} of post {post!r}")
                if (rule.code, post) in self.never:
                    raise ValueError(f"post {post!r} lists {rule.code!r}, which is a 'never' pair")
                if not 0 <= rule.score <= 1 or rule.min_validated_years < 0:
                    raise ValueError(f"entry {rule.code!r} of post {post!r}: score in [0, 1], years >= 0")
        for code, post in self.never:
            self._require_code(code, "never pair")
            self._require_code(post, "never pair")

    def _require_code(self, code: str, where: str) -> None:
        if code not in self.labels:
            raise ValueError(f"{where}: unknown qualification code {code!r}")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> QualificationRules:
        """Build from the JSON structure of ``data/qualifications.json`` (as stored by the app)."""
        try:
            return cls(data["qualifications"], data["posts"], data.get("never", []),
                       trainee_words=data.get("trainee_words", []), sources=data.get("sources"),
                       about=data.get("about"))
        except (KeyError, TypeError) as exc:
            raise ValueError(f"invalid qualification rules: {exc!r}") from exc

    @classmethod
    def default(cls) -> QualificationRules:
        with DATA_FILE.open(encoding="utf-8") as handle:
            return cls.from_dict(json.load(handle))

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"version": 1}
        if self.about is not None:
            data["about"] = self.about
        data["sources"] = dict(self.sources)
        data["qualifications"] = [dict(q) for q in self._qualifications.values()]
        data["posts"] = {post: [_rule_dict(rule) for rule in rules] for post, rules in self.posts.items()}
        data["never"] = [dict(n) for n in self.never.values()]
        data["trainee_words"] = list(self.trainee_words)
        return data

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(self.labels)

    def rules_for(self, post: str) -> tuple[PostRule, ...]:
        """The table's lines for ``post``; a post absent from the table takes its own code only."""
        rules = self.posts.get(post)
        if rules is None:
            self._require_code(post, "post")
            return (PostRule(post, label=self.labels[post]),)
        return rules

    def accepts_anyone(self, post: str) -> bool:
        return any(rule.code == ANYONE for rule in self.rules_for(post))

    def never_reason(self, code: str, post: str) -> str | None:
        pair = self.never.get((code, post))
        return pair["label"] if pair else None


def _rule_dict(rule: PostRule) -> dict[str, Any]:
    data = {"code": rule.code, "min_validated_years": rule.min_validated_years, "score": rule.score,
            "requires_nurse_on_duty": rule.requires_nurse_on_duty, "label": rule.label}
    if rule.source is not None:
        data["source"] = rule.source
    return data


def eligible_codes(post_code: str, rules: QualificationRules) -> set[str]:
    """Codes that may possibly fill ``post_code``, for the app's SQL prefilter.

    For a post that accepts anyone (ASH, SC) this is every code; the prefilter must then also
    keep candidates without any code. Candidates with only free text must always be kept: the
    fuzzy match happens in the engine.
    """
    if rules.accepts_anyone(post_code):
        return set(rules.codes)
    return {rule.code for rule in rules.rules_for(post_code)}
