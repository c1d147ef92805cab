"""Operational tables: the notification outbox, the audit log, plan targets, rate limits."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, EnumCode, utcnow
from models.enums import NotificationStatus, PlanIndicator


class Notification(Base):
    """An e-mail to send, written in the same transaction as the change it reports.

    ``dedup_key`` makes enqueueing idempotent; the sender claims rows by a conditional
    UPDATE so that two senders (or a restarted one) never send the same message twice.
    """

    __tablename__ = "notification"
    id: Mapped[int] = mapped_column(primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(160), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    recipient_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    to_email: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[NotificationStatus] = mapped_column(
        EnumCode(NotificationStatus), default=NotificationStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))


Index("ix_notification_status_next", Notification.status, Notification.next_attempt_at)


class AuditLog(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(60), index=True)
    target_type: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[str | None] = mapped_column(String(40))
    details: Mapped[dict] = mapped_column(default=dict)


class PlanTarget(Base):
    """A regional plan's target that the ARS follows (PEC, service civique, refugees…)."""

    __tablename__ = "plan_target"
    __table_args__ = (UniqueConstraint("region_code", "indicator"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))
    indicator: Mapped[PlanIndicator] = mapped_column(EnumCode(PlanIndicator))
    target: Mapped[int] = mapped_column(Integer)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))


class RateLimitHit(Base):
    """Fixed-window counters shared by every worker (used when no Redis is configured)."""

    __tablename__ = "rate_limit_hit"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(DateTime, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class JobRun(Base):
    """Last run of a periodic job (digest, purge), so that several machines run it once."""

    __tablename__ = "job_run"
    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    last_run_at: Mapped[datetime | None] = mapped_column(DateTime)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)


class CacheEntry(Base):
    """A shared cache entry (``services/cache.py``) when no Redis is configured: every worker
    and machine reads the same rows. ``value`` is JSON text; expired rows are purged when
    entries are written."""

    __tablename__ = "cache_entry"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)
