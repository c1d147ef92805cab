"""Candidate profiles: only what the match needs (CNIL recruitment guide)."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, EnumCode, TimestampMixin
from models.enums import AvailabilityKind, FrenchLevel, Public, WorkDocument
from models.territory import Commune
from models.user import User
from services.week_hours import ANY_HOUR, to_hex

ANY_HOUR_HEX = to_hex(ANY_HOUR)  # every hour of the week: what is known before the summary is computed


class CandidateProfile(TimestampMixin, Base):
    __tablename__ = "candidate_profile"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), unique=True)
    public: Mapped[Public] = mapped_column(EnumCode(Public), index=True)
    birth_date: Mapped[date] = mapped_column(Date)
    # Health data (RQTH): optional, used only for the service civique age limit.
    disability: Mapped[bool] = mapped_column(Boolean, default=False)
    commune_code: Mapped[str] = mapped_column(ForeignKey("commune.code_insee"))
    # Copied from the commune for the bounding-box prefilter.
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    # The grid square (a tenth of a degree) of lat/lon: the ranking reads the squares around a
    # workplace from the index instead of a whole band of latitude (services.candidate_summary).
    place_cell: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    departement_code: Mapped[str] = mapped_column(String(3), index=True)
    region_code: Mapped[str] = mapped_column(String(3), index=True)
    radius_km: Mapped[int] = mapped_column(Integer, default=25)
    qualification_text: Mapped[str | None] = mapped_column(String(200))
    french_level: Mapped[FrenchLevel | None] = mapped_column(EnumCode(FrenchLevel))
    work_authorization: Mapped[bool] = mapped_column(Boolean, default=True)
    work_document: Mapped[WorkDocument | None] = mapped_column(EnumCode(WorkDocument))
    driving_licence: Mapped[bool] = mapped_column(Boolean, default=False)
    prefers_nights: Mapped[bool] = mapped_column(Boolean, default=True)
    prefers_weekends: Mapped[bool] = mapped_column(Boolean, default=True)
    preferred_kinds: Mapped[list] = mapped_column(default=list)
    # Consents, each with its own meaning; all revocable from the profile page.
    consent_visible: Mapped[bool] = mapped_column(Boolean, default=True)
    consent_pool: Mapped[bool] = mapped_column(Boolean, default=True)
    consent_alerts: Mapped[bool] = mapped_column(Boolean, default=False)
    consented_at: Mapped[datetime | None] = mapped_column(DateTime)
    availability_updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_digest_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Taken (UPDATE … +1) at the start of every booking: serialises a candidate's bookings.
    booking_version: Mapped[int] = mapped_column(Integer, default=0)
    # Derived from the qualifications, the free text and the availability rules, for the ranking's
    # prefilter to read from the place index alone (services.candidate_summary keeps them in step).
    match_codes: Mapped[str] = mapped_column(String(200), default="|", server_default="|")
    available_from: Mapped[date | None] = mapped_column(Date)
    available_until: Mapped[date | None] = mapped_column(Date)
    week_hours: Mapped[str] = mapped_column(String(42), default=ANY_HOUR_HEX, server_default=ANY_HOUR_HEX)

    user: Mapped[User] = relationship()
    commune: Mapped[Commune] = relationship()
    qualifications: Mapped[list[CandidateQualification]] = relationship(
        back_populates="profile", cascade="all, delete-orphan"
    )
    availability_rules: Mapped[list[AvailabilityRule]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", order_by="AvailabilityRule.start_date"
    )


class CandidateQualification(Base):
    __tablename__ = "candidate_qualification"
    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("candidate_profile.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(ForeignKey("qualification_ref.code"), index=True)
    validated_years: Mapped[int | None] = mapped_column(Integer)

    profile: Mapped[CandidateProfile] = relationship(back_populates="qualifications")


class AvailabilityRule(Base):
    """When a candidate can (or cannot) work.

    ``period``: every hour of the days from ``start_date`` to ``end_date`` (inclusive).
    ``weekly``: on the ``weekdays`` (bit 0 = Monday) between those dates, from ``start_time``
    to ``end_time`` (an end before the start means the next morning).
    ``unavailable``: days removed from the others (holidays, exams).
    """

    __tablename__ = "availability_rule"
    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("candidate_profile.id", ondelete="CASCADE"), index=True)
    kind: Mapped[AvailabilityKind] = mapped_column(EnumCode(AvailabilityKind))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    weekdays: Mapped[int] = mapped_column(Integer, default=0)
    start_time: Mapped[time | None] = mapped_column(Time)
    end_time: Mapped[time | None] = mapped_column(Time)

    profile: Mapped[CandidateProfile] = relationship(back_populates="availability_rules")


class CandidateCodePlace(Base):
    """Where the holders of each code live: one row per profile and declared code, and one with
    ``FREE_TEXT`` ('*') when a free text was given, with what the ranking's prefilter reads.

    Derived from the profile and its qualifications (services.candidate_summary keeps it in
    step): a post most candidates may not take (a nurse's) reads its holders around the
    workplace from ``ix_candidate_code_place`` instead of every candidate there.
    """

    __tablename__ = "candidate_code_place"
    profile_id: Mapped[int] = mapped_column(ForeignKey("candidate_profile.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer)
    place_cell: Mapped[int] = mapped_column(Integer)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    radius_km: Mapped[int] = mapped_column(Integer)
    public: Mapped[Public] = mapped_column(EnumCode(Public))
    consent_visible: Mapped[bool] = mapped_column(Boolean)
    match_codes: Mapped[str] = mapped_column(String(200))
    available_from: Mapped[date | None] = mapped_column(Date)
    available_until: Mapped[date | None] = mapped_column(Date)
    week_hours: Mapped[str] = mapped_column(String(42))
    french_level: Mapped[FrenchLevel | None] = mapped_column(EnumCode(FrenchLevel))
    work_authorization: Mapped[bool] = mapped_column(Boolean)
    driving_licence: Mapped[bool] = mapped_column(Boolean)


# The place indexes: a grid square's candidates (of a code), with every condition of the
# ranking's prefilter but the account being active read from the index alone (services.matching_feed).
_PREFILTERED = ("radius_km", "public", "consent_visible", "available_from", "available_until", "match_codes",
                "week_hours", "user_id", "french_level", "work_authorization", "driving_licence")
Index("ix_candidate_profile_place", CandidateProfile.place_cell, CandidateProfile.lat, CandidateProfile.lon,
      CandidateProfile.id, *(getattr(CandidateProfile, name) for name in _PREFILTERED))
Index("ix_candidate_code_place", CandidateCodePlace.code, CandidateCodePlace.place_cell, CandidateCodePlace.lat,
      CandidateCodePlace.lon, CandidateCodePlace.profile_id, *(getattr(CandidateCodePlace, name) for name in _PREFILTERED))
