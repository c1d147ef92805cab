"""The qualification reference and the who-may-fill-which-post table, editable by an admin."""

from __future__ import annotations

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class QualificationRef(Base):
    __tablename__ = "qualification_ref"
    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    label: Mapped[str] = mapped_column(String(120))
    rome: Mapped[str | None] = mapped_column(String(5))
    is_student: Mapped[bool] = mapped_column(Boolean, default=False)
    synonyms: Mapped[list] = mapped_column(default=list)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str | None] = mapped_column(String(255))


class QualificationEquivalence(Base):
    """One line of "who may fill which post": ``holder_code`` may take a ``post_code`` post."""

    __tablename__ = "qualification_equivalence"
    __table_args__ = (UniqueConstraint("post_code", "holder_code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    post_code: Mapped[str] = mapped_column(ForeignKey("qualification_ref.code"), index=True)
    # "*" for "anyone with the right to work" (ASH posts).
    holder_code: Mapped[str] = mapped_column(String(12))
    min_validated_years: Mapped[int | None] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float, default=1.0)
    requires_nurse_on_duty: Mapped[bool] = mapped_column(Boolean, default=False)
    # The French sentence shown as a reason when this line matches.
    label: Mapped[str] = mapped_column(String(255), default="")
    source: Mapped[str | None] = mapped_column(String(60))
