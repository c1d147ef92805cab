"""Applications (a candidate and a need) and assignments (a candidate booked on a slot)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, EnumCode, TimestampMixin
from models.candidate import CandidateProfile
from models.enums import ApplicationOrigin, ApplicationState, AssignmentState
from models.need import Need, Slot


class Application(TimestampMixin, Base):
    __tablename__ = "application"
    # One application per candidate and need, even when he clicks twice at once.
    __table_args__ = (UniqueConstraint("need_id", "candidate_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    # NULL once the candidate erased his account: the row stays for the statistics.
    candidate_id: Mapped[int | None] = mapped_column(ForeignKey("candidate_profile.id", ondelete="SET NULL"), index=True)
    origin: Mapped[ApplicationOrigin] = mapped_column(EnumCode(ApplicationOrigin))
    state: Mapped[ApplicationState] = mapped_column(EnumCode(ApplicationState), index=True)
    # Slot ids the candidate offers (empty: all the slots he covers).
    slot_ids: Mapped[list] = mapped_column(default=list)
    message: Mapped[str | None] = mapped_column(String(1000))
    manager_message: Mapped[str | None] = mapped_column(String(1000))
    score: Mapped[float | None] = mapped_column()
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    need: Mapped[Need] = relationship()
    candidate: Mapped[CandidateProfile | None] = relationship()
    assignments: Mapped[list[Assignment]] = relationship(back_populates="application")


class Assignment(TimestampMixin, Base):
    __tablename__ = "assignment"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id", ondelete="CASCADE"), index=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slot.id", ondelete="CASCADE"), index=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[int | None] = mapped_column(ForeignKey("candidate_profile.id", ondelete="SET NULL"), index=True)
    state: Mapped[AssignmentState] = mapped_column(EnumCode(AssignmentState), index=True)
    # Copied from the slot: the working-time rules read a candidate's bookings in one query.
    start: Mapped[datetime] = mapped_column(DateTime)
    end: Mapped[datetime] = mapped_column(DateTime)
    accepted_at: Mapped[datetime] = mapped_column(DateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    end_reason: Mapped[str | None] = mapped_column(String(255))
    reliability: Mapped[int | None] = mapped_column(Integer)  # 1 to 5
    professional_note: Mapped[str | None] = mapped_column(String(200))

    application: Mapped[Application] = relationship(back_populates="assignments")
    slot: Mapped[Slot] = relationship()
    need: Mapped[Need] = relationship()


# A candidate holds a slot at most once while the booking is active.
Index(
    "uq_assignment_active_slot_candidate",
    Assignment.slot_id,
    Assignment.candidate_id,
    unique=True,
    sqlite_where=text("state = 'accepted'"),
    postgresql_where=text("state = 'accepted'"),
)
Index("ix_assignment_candidate_start", Assignment.candidate_id, Assignment.start)
