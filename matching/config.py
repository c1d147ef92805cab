"""Weights and thresholds of the engine, in one frozen object the app and the CLI can override.

Defaults follow domain-rules.md; the ones marked **default** there are choices an ARS
administrator may change, which is why they are data here and not constants in the rules.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from functools import cache
from typing import Any

from matching.qualifications import QualificationRules

# Short names accepted by ``with_overrides`` (and so by ``--weights``) for the three weights.
WEIGHT_ALIASES = {"qualification": "weight_qualification", "zone": "weight_zone",
                  "availability": "weight_availability"}


@cache
def _default_rules() -> QualificationRules:
    return QualificationRules.default()


@dataclass(frozen=True)
class MatchingConfig:
    """Everything the scoring depends on besides the need and the candidate."""

    # Score = 100 x weighted mean of the three components.
    weight_qualification: float = 0.4
    weight_zone: float = 0.3
    weight_availability: float = 0.3
    # Free text: rapidfuzz similarity (0-100) needed to read a code, and the qualification
    # score a perfect free-text match gets (declared-code scores are multiplied by it, so a
    # text always scores below the same code declared).
    fuzzy_min_similarity: float = 85.0
    fuzzy_max_score: float = 0.8
    # Zone: 1 up to this distance, then linearly down to 0 at the candidate's radius.
    close_km: float = 2.0
    # Working time (domain-rules.md: 11 h rest is a default, 12 h/day, 48 h in any 7 days).
    min_rest_hours: float = 11.0
    max_daily_hours: float = 12.0
    max_weekly_hours: float = 48.0
    # Minors (16-17): no work between night_start and night_end, 8 h a day, 35 h a week,
    # 12 h of rest; under min_working_age no paid work at all.
    adult_age: int = 18
    min_working_age: int = 16
    minor_max_daily_hours: float = 8.0
    minor_max_weekly_hours: float = 35.0
    minor_min_rest_hours: float = 12.0
    minor_night_start_hour: int = 22
    minor_night_end_hour: int = 6
    # Service civique (Code du service national L120-1).
    civic_service_min_age: int = 16
    civic_service_max_age: int = 25
    civic_service_max_age_disability: int = 30
    civic_service_min_weekly_hours: float = 24.0
    civic_service_max_weekly_hours: float = 48.0
    civic_service_min_months: int = 6
    civic_service_max_months: int = 12
    # Parcours Emploi Compétences (CUI-CAE).
    pec_min_weekly_hours: float = 20.0
    pec_min_months: int = 6
    qualification_rules: QualificationRules = field(default_factory=_default_rules, repr=False)

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "qualification_rules":
                if not isinstance(value, QualificationRules):
                    raise ValueError("qualification_rules must be a QualificationRules")
            elif isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                    or value < 0:
                raise ValueError(f"matching setting {f.name!r} must be a finite number >= 0, got {value!r}")
        if self.weight_qualification + self.weight_zone + self.weight_availability <= 0:
            raise ValueError("at least one component weight must be positive")
        if self.fuzzy_min_similarity > 100 or self.fuzzy_max_score > 1:
            raise ValueError("fuzzy_min_similarity is at most 100 and fuzzy_max_score at most 1")

    @property
    def weights(self) -> dict[str, float]:
        return {"qualification": self.weight_qualification, "zone": self.weight_zone,
                "availability": self.weight_availability}

    def with_overrides(self, overrides: Mapping[str, Any]) -> MatchingConfig:
        """A copy with some numbers changed; keys are field names or qualification/zone/availability."""
        if not isinstance(overrides, Mapping):
            raise ValueError("matching overrides must be a JSON object")
        numeric = {f.name: f.type for f in fields(self) if f.name != "qualification_rules"}
        changes: dict[str, Any] = {}
        for key, value in overrides.items():
            name = WEIGHT_ALIASES.get(key, key)
            if name not in numeric:
                raise ValueError(f"unknown matching setting {key!r}")
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise ValueError(f"matching setting {key!r} must be a finite number, got {value!r}")
            if numeric[name] == "int":
                if value != int(value):
                    raise ValueError(f"matching setting {key!r} must be a whole number, got {value!r}")
                value = int(value)
            changes[name] = value
        return replace(self, **changes)


DEFAULT_CONFIG = MatchingConfig()
