"""All models, imported here so that Alembic and the app see the whole schema."""

from models.application import Application, Assignment
from models.base import Base, utcnow
from models.candidate import AvailabilityRule, CandidateCodePlace, CandidateProfile, CandidateQualification
from models.establishment import Establishment, PoolMember
from models.need import Need, NeedPlace, Slot
from models.ops import AuditLog, JobRun, Notification, PlanTarget, RateLimitHit
from models.qualification import QualificationEquivalence, QualificationRef
from models.stats import STAT_TABLES
from models.territory import Commune, Departement, Postcode, Region
from models.user import User, establishment_manager

__all__ = [
    "Application", "Assignment", "AuditLog", "AvailabilityRule", "Base", "CandidateCodePlace", "CandidateProfile",
    "CandidateQualification", "Commune", "Departement", "Establishment", "JobRun", "Need",
    "NeedPlace", "Notification", "PlanTarget", "PoolMember", "Postcode", "QualificationEquivalence",
    "QualificationRef", "RateLimitHit", "Region", "STAT_TABLES", "Slot", "User", "establishment_manager", "utcnow",
]
