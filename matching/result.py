"""What the engine says about one need-candidate pair, and its JSON form in the file contract."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple


class Exclusion(NamedTuple):
    """A hard rule that failed: a stable machine code and the French sentence a manager reads."""

    code: str
    reason: str


@dataclass(frozen=True, slots=True)
class Result:
    """Score and explanation for one subject (a candidate when ranking, a need when recommending)."""

    subject_id: str
    score: float
    eligible: bool
    components: dict[str, float]
    distance_km: float
    covered_slots: int
    covered_slot_indexes: tuple[int, ...]
    reasons: list[str]
    exclusions: list[str]

    def to_json(self, id_key: str = "candidate_id") -> dict[str, Any]:
        """Exactly the contract's object (matching-json.md), with ``id_key`` naming the subject."""
        return {
            id_key: self.subject_id,
            "score": self.score,
            "eligible": self.eligible,
            "components": dict(self.components),
            "distance_km": self.distance_km,
            "covered_slots": self.covered_slots,
            "reasons": list(self.reasons),
        }
