"""Event times are naive UTC, slot times naive Europe/Paris: the one conversion between them."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def paris_from_utc(moment: datetime) -> datetime:
    """The naive Paris wall-clock time of a naive UTC instant (to compare ``now`` with slots)."""
    return moment.replace(tzinfo=UTC).astimezone(PARIS).replace(tzinfo=None)
