"""Accounts: one table for every role, with the scope each role is limited to."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, EnumCode, TimestampMixin
from models.enums import Role

establishment_manager = Table(
    "establishment_manager",
    Base.metadata,
    Column("user_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
    Column("establishment_id", ForeignKey("establishment.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, TimestampMixin, Base):
    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(EnumCode(Role), index=True)
    first_name: Mapped[str] = mapped_column(String(80), default="")
    last_name: Mapped[str] = mapped_column(String(80), default="")
    phone: Mapped[str | None] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped at logout and password change: every cookie carrying the old value stops working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime)
    inactivity_warned_at: Mapped[datetime | None] = mapped_column(DateTime)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    # ARS users: their region, optionally narrowed to some départements.
    ars_region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"))
    ars_departement_codes: Mapped[list] = mapped_column(default=list)

    establishments: Mapped[list[Establishment]] = relationship(  # noqa: F821
        secondary=establishment_manager, back_populates="managers"
    )

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def display_name(self) -> str:
        name = f"{self.first_name} {self.last_name}".strip()
        return name or self.email

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles
