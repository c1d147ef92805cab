"""Establishments (EHPAD, ESMS, hospitals…) and the candidates they trust (their pool)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, EnumCode, TimestampMixin, utcnow
from models.enums import EstablishmentType, Sector, VerificationStatus
from models.territory import Commune
from models.user import establishment_manager


class Establishment(TimestampMixin, Base):
    __tablename__ = "establishment"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    finess: Mapped[str] = mapped_column(String(9), unique=True)
    siret: Mapped[str | None] = mapped_column(String(14))
    type: Mapped[EstablishmentType] = mapped_column(EnumCode(EstablishmentType))
    sector: Mapped[Sector] = mapped_column(EnumCode(Sector))
    address: Mapped[str] = mapped_column(String(255), default="")
    commune_code: Mapped[str] = mapped_column(ForeignKey("commune.code_insee"))
    # Copied from the commune so that ARS scoping and distance prefilters need no join.
    departement_code: Mapped[str] = mapped_column(String(3), index=True)
    region_code: Mapped[str] = mapped_column(String(3), index=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    verification_status: Mapped[VerificationStatus] = mapped_column(
        EnumCode(VerificationStatus), default=VerificationStatus.PENDING, index=True
    )
    verified_at: Mapped[datetime | None] = mapped_column(DateTime)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    commune: Mapped[Commune] = relationship()
    managers: Mapped[list[User]] = relationship(  # noqa: F821
        secondary=establishment_manager, back_populates="establishments"
    )

    @property
    def is_verified(self) -> bool:
        return self.verification_status == VerificationStatus.VERIFIED


class PoolMember(Base):
    """A candidate in an establishment's "vivier": proposed and notified first."""

    __tablename__ = "pool_member"
    __table_args__ = (UniqueConstraint("establishment_id", "candidate_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    establishment_id: Mapped[int] = mapped_column(ForeignKey("establishment.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate_profile.id", ondelete="CASCADE"), index=True)
    added_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    missions_completed: Mapped[int] = mapped_column(Integer, default=0)

    establishment: Mapped[Establishment] = relationship()
    candidate: Mapped[CandidateProfile] = relationship()  # noqa: F821
