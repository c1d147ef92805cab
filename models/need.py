"""Needs posted by establishments and their slots (shifts, or contract periods)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, Float, ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, EnumCode, TimestampMixin
from models.enums import CONTRACT_KINDS, ContractType, FrenchLevel, NeedKind, NeedStatus
from models.establishment import Establishment
from models.qualification import QualificationRef


class Need(TimestampMixin, Base):
    __tablename__ = "need"
    id: Mapped[int] = mapped_column(primary_key=True)
    establishment_id: Mapped[int] = mapped_column(ForeignKey("establishment.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    kind: Mapped[NeedKind] = mapped_column(EnumCode(NeedKind), index=True)
    qualification_code: Mapped[str] = mapped_column(ForeignKey("qualification_ref.code"), index=True)
    title: Mapped[str] = mapped_column(String(160), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    positions: Mapped[int] = mapped_column(Integer, default=1)
    weekly_hours: Mapped[float | None] = mapped_column(Float)
    min_french_level: Mapped[FrenchLevel | None] = mapped_column(EnumCode(FrenchLevel))
    requires_driving_licence: Mapped[bool] = mapped_column(Boolean, default=False)
    nurse_on_duty: Mapped[bool] = mapped_column(Boolean, default=True)
    contract_type: Mapped[ContractType | None] = mapped_column(EnumCode(ContractType))
    pay: Mapped[str] = mapped_column(String(160), default="")
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[NeedStatus] = mapped_column(EnumCode(NeedStatus), default=NeedStatus.DRAFT, index=True)
    # Copied from the slots so that lists sort and filter without a join.
    first_start: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    last_end: Mapped[datetime | None] = mapped_column(DateTime)
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    filled_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)
    cancel_reason: Mapped[str | None] = mapped_column(String(255))
    duplicated_from_id: Mapped[int | None] = mapped_column(ForeignKey("need.id", ondelete="SET NULL"))
    last_alert_at: Mapped[datetime | None] = mapped_column(DateTime)

    establishment: Mapped[Establishment] = relationship()
    qualification: Mapped[QualificationRef] = relationship()
    slots: Mapped[list[Slot]] = relationship(
        back_populates="need", order_by="Slot.start", cascade="all, delete-orphan"
    )

    @property
    def is_contract(self) -> bool:
        return self.kind in CONTRACT_KINDS


class Slot(Base):
    """A worked shift (``shift`` needs) or the contract period (contract kinds).

    Times are naive local times (Europe/Paris); ``end`` may fall on the next day.
    ``filled`` counts accepted assignments and is only changed by a conditional UPDATE,
    so that concurrent accepts can never exceed ``positions``.
    """

    __tablename__ = "slot"
    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    start: Mapped[datetime] = mapped_column(DateTime)
    end: Mapped[datetime] = mapped_column(DateTime)
    positions: Mapped[int] = mapped_column(Integer, default=1)
    filled: Mapped[int] = mapped_column(Integer, default=0)

    need: Mapped[Need] = relationship(back_populates="slots")

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600


class NeedPlace(Base):
    """An open, published need with what recommendations read of it, in a row a tenth the width of
    ``need`` (no texts): a candidate's nearest establishments' needs of his posts are read from
    ``ix_need_place`` instead of from need rows spread over the table, most of which his hours,
    the dates or the status leave out.

    Derived from ``need`` and its slots (services.need_summary keeps it in step); the row goes
    when the need is no longer open.
    """

    __tablename__ = "need_place"
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), primary_key=True)
    establishment_id: Mapped[int] = mapped_column(Integer)
    qualification_code: Mapped[str] = mapped_column(String(12))
    first_start: Mapped[datetime] = mapped_column(DateTime)
    kind: Mapped[NeedKind] = mapped_column(EnumCode(NeedKind))
    last_end: Mapped[datetime] = mapped_column(DateTime)
    min_french_level: Mapped[FrenchLevel | None] = mapped_column(EnumCode(FrenchLevel))
    requires_driving_licence: Mapped[bool] = mapped_column(Boolean)
    nurse_on_duty: Mapped[bool] = mapped_column(Boolean)
    positions: Mapped[int] = mapped_column(Integer)
    weekly_hours: Mapped[float | None] = mapped_column(Float)
    # Its open slots' times (services.need_summary.encode_slots), soonest first: read with the row,
    # so that recommendations join no slot rows.
    open_slots: Mapped[str] = mapped_column(Text, server_default="")
    # The weekdays its open slots start on and the hours of the day all of them touch
    # (services.week_hours.open_day_columns): what a candidate's hours of the week must hold.
    open_days: Mapped[int] = mapped_column(SmallInteger, server_default="0")
    open_shape: Mapped[int] = mapped_column(BigInteger, server_default="0")


# Copied from the need (services.need_summary).
NEED_PLACE_COPIED = ("kind", "last_end", "min_french_level", "requires_driving_licence", "nurse_on_duty", "positions",
                     "weekly_hours")
# An establishment's open needs of a post, soonest first, with every column a read tests: SQLite
# tests them in the index and looks up only the rows kept.
Index("ix_need_place", NeedPlace.establishment_id, NeedPlace.qualification_code, NeedPlace.first_start,
      NeedPlace.need_id, *(getattr(NeedPlace, name) for name in NEED_PLACE_COPIED), NeedPlace.open_days,
      NeedPlace.open_shape)
Index("ix_slot_start", Slot.start)
Index("ix_need_status_first_start", Need.status, Need.first_start)
# An establishment's open needs to come: recommendations read them establishment by establishment.
Index("ix_need_establishment_status_start", Need.establishment_id, Need.status, Need.first_start)
# ... and only the posts he may take, a group of them at a time.
Index("ix_need_establishment_post", Need.establishment_id, Need.status, Need.qualification_code, Need.first_start)
