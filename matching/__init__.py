"""Relève's matching engine: scores needs of health and medico-social establishments against
short-term candidates. Pure Python (plus rapidfuzz): no Flask, no database, no clock.

The app imports exactly the names below; ``python -m matching`` is the command line of
shared/specs/matching-json.md.
"""

from matching.config import DEFAULT_CONFIG, MatchingConfig
from matching.errors import InputError
from matching.evaluation import evaluate
from matching.geo import bounding_box, haversine_km
from matching.models import Candidate, Need, Qualification, Slot
from matching.qualifications import QualificationRules, eligible_codes
from matching.ranking import rank_candidates, recommend_needs
from matching.result import Result

__all__ = [
    "DEFAULT_CONFIG", "Candidate", "InputError", "MatchingConfig", "Need", "Qualification",
    "QualificationRules", "Result", "Slot", "bounding_box", "eligible_codes", "evaluate",
    "haversine_km", "rank_candidates", "recommend_needs",
]
