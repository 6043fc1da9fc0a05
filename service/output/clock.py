"""The campaign time zone: dates on the forms, in reports and in archives are Beijing time (UTC+8, no DST)."""

from __future__ import annotations

import datetime as dt

CAMPAIGN_TZ = dt.timezone(dt.timedelta(hours=8), "CST")


def campaign_now() -> dt.datetime:
    return dt.datetime.now(CAMPAIGN_TZ)


def campaign_today() -> dt.date:
    return campaign_now().date()


def campaign_iso(ts: float) -> str:
    """A POSIX timestamp as ISO 8601 in the campaign zone, to the second ("2026-05-01T09:30:00+08:00")."""
    return dt.datetime.fromtimestamp(ts, CAMPAIGN_TZ).isoformat(timespec="seconds")
