"""The who-may-fill-which-post table (domain-rules.md), as an administrator edits it.

Every change is audited with the line before and after; the caller commits.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import QualificationEquivalence, QualificationRef, User
from services import audit

ANYONE = "*"


class RuleError(ValueError):
    """Refused change; ``field`` names the form field the French message belongs to."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class RuleValues:
    score: float
    min_validated_years: int | None
    requires_nurse_on_duty: bool
    label: str


def qualifications(session: Session) -> list[QualificationRef]:
    return list(session.scalars(select(QualificationRef).order_by(QualificationRef.sort_order, QualificationRef.code)))


def lines(session: Session) -> list[QualificationEquivalence]:
    """Grouped by post, the best-scored holder first."""
    return list(session.scalars(select(QualificationEquivalence).order_by(
        QualificationEquivalence.post_code, QualificationEquivalence.score.desc(), QualificationEquivalence.holder_code)))


def _snapshot(line: QualificationEquivalence) -> dict:
    return {"post": line.post_code, "holder": line.holder_code, "score": line.score,
            "min_validated_years": line.min_validated_years, "requires_nurse_on_duty": line.requires_nurse_on_duty}


def update(session: Session, admin: User, line: QualificationEquivalence, values: RuleValues, now: datetime) -> None:
    before = _snapshot(line)
    line.score = values.score
    line.min_validated_years = values.min_validated_years
    line.requires_nurse_on_duty = values.requires_nurse_on_duty
    line.label = values.label.strip()
    line.source = "admin"
    audit.record(session, admin, "qualification_rule_change", "qualification_equivalence", line.id, at=now,
                 change="update", before=before, after=_snapshot(line))


def add(session: Session, admin: User, post_code: str, holder_code: str, values: RuleValues,
        now: datetime) -> QualificationEquivalence:
    known = {q.code for q in qualifications(session)}
    if post_code not in known:
        raise RuleError("post_code", "Ce poste n'existe pas dans le référentiel des qualifications.")
    if holder_code != ANYONE and holder_code not in known:
        raise RuleError("holder_code", "Cette qualification n'existe pas dans le référentiel.")
    duplicate = session.scalar(select(QualificationEquivalence.id).where(
        QualificationEquivalence.post_code == post_code, QualificationEquivalence.holder_code == holder_code))
    if duplicate:
        raise RuleError("holder_code", "Cette qualification figure déjà pour ce poste : modifiez la ligne existante.")
    line = QualificationEquivalence(post_code=post_code, holder_code=holder_code, source="admin", **asdict(values))
    session.add(line)
    session.flush()
    audit.record(session, admin, "qualification_rule_change", "qualification_equivalence", line.id, at=now,
                 change="add", after=_snapshot(line))
    return line


def remove(session: Session, admin: User, line: QualificationEquivalence, now: datetime) -> None:
    audit.record(session, admin, "qualification_rule_change", "qualification_equivalence", line.id, at=now,
                 change="remove", before=_snapshot(line))
    session.delete(line)
