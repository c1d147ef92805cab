"""Free-text qualifications ("aide soignante diplômée", "AMP") read as reference codes.

Short abbreviations (AS, ASH, IDE, AMP…) are only taken as whole words: read fuzzily, "ASH"
and "AS" are one letter apart and an ASH must never pass for an AS. Longer labels and synonyms
are compared word by word with rapidfuzz: a phrase matches when the text holds (nearly) all of
its words, so "aide soignante diplômée" reads as "aide-soignant", while a vague "auxiliaire"
matches neither "auxiliaire de vie" nor "auxiliaire de puériculture". A text that names a
trainee ("étudiante", "élève") is only read as a student code, and student phrases are only
read in such a text, so "étudiante infirmière" is never an IDE. Results are cached by
normalised text: the same few texts come back for thousands of people.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz, process

SHORT_SYNONYM_LENGTH = 5  # at most this many letters and no space: whole-word match only
CACHE_SIZE = 100_000
WORD_SIMILARITY = 80.0  # "soignant"/"soignante" (94) and typos pass; "as"/"ash" (80) never matter
STOPWORDS = frozenset({"a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les"})
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def normalize(text: str) -> str:
    """Lower case, no accents, words separated by single spaces: "Aide-Soignante" → "aide soignante"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_ALNUM.sub(" ", plain).strip()


@dataclass(frozen=True, slots=True)
class TextMatch:
    """A code read in free text, with rapidfuzz's similarity (100 for a whole-word abbreviation)."""

    code: str
    similarity: float


class TextMatcher:
    """Reads free text as qualification codes; built once per qualification table."""

    def __init__(self, synonyms: dict[str, tuple[str, ...]], *, student_codes: frozenset[str],
                 trainee_words: tuple[str, ...]) -> None:
        self._words: dict[str, str] = {}  # abbreviation -> code
        self._phrases: dict[str, str] = {}  # long normalised synonym -> code
        for code, texts in synonyms.items():
            for text in texts:
                key = normalize(text)
                if not key:
                    continue
                if " " not in key and len(key) <= SHORT_SYNONYM_LENGTH:
                    self._words.setdefault(key, code)
                else:
                    self._phrases.setdefault(key, code)
        self._phrase_words = {p: [w for w in p.split() if w not in STOPWORDS] for p in self._phrases}
        self._student_codes = student_codes
        self._trainee_words = frozenset(normalize(w) for w in trainee_words)
        self._cache: dict[tuple[str, float], tuple[TextMatch, ...]] = {}

    def match(self, text: str, min_similarity: float) -> tuple[TextMatch, ...]:
        """Codes the text names, best first; empty when nothing is close enough or it is ambiguous."""
        key = (normalize(text), min_similarity)
        found = self._cache.get(key)
        if found is None:
            if len(self._cache) >= CACHE_SIZE:  # a long-running app meets many texts: start afresh
                self._cache.clear()
            found = self._cache[key] = self._match(*key)
        return found

    def _match(self, text: str, min_similarity: float) -> tuple[TextMatch, ...]:
        tokens = text.split()
        students_only = not self._trainee_words.isdisjoint(tokens)
        matches: dict[str, float] = {}
        for token in tokens:
            code = self._words.get(token)
            if code is not None and (not students_only or code in self._student_codes):
                matches[code] = 100.0
        words = [t for t in tokens if t not in STOPWORDS]
        if words:
            for phrase, code in self._phrases.items():
                if (code in self._student_codes) != students_only:
                    continue
                similarity = _coverage(self._phrase_words[phrase], words)
                if similarity >= min_similarity and similarity > matches.get(code, 0.0):
                    matches[code] = similarity
        ranked = sorted(matches.items(), key=lambda item: (-item[1], item[0]))
        return tuple(TextMatch(code, round(similarity, 1)) for code, similarity in ranked)


def _coverage(phrase_words: list[str], text_words: list[str]) -> float:
    """How much of the phrase the text holds: each phrase word's best likeness, weighted by length.

    A word less than ``WORD_SIMILARITY`` alike counts as absent, so that unrelated words
    sharing a few letters ("sociale", "soignant") add nothing.
    """
    total = sum(len(w) for w in phrase_words)
    if not total:
        return 0.0
    found = 0.0
    for word in phrase_words:
        best = process.extractOne(word, text_words, scorer=fuzz.ratio, score_cutoff=WORD_SIMILARITY)
        if best is not None:
            found += len(word) * best[1]
    return found / total
