"""Upload-limit arithmetic: pure functions over an account and its recent post times."""

from __future__ import annotations

import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from accounts.models import AccountStatus, SocialAccount

HOUR = timedelta(hours=1)
# Enough history to cover the longest local calendar day (25 h with a DST change).
LOOKBACK = timedelta(hours=26)


@dataclass(frozen=True)
class UploadCheck:
    allowed: bool
    reason: str
    next_allowed_at: datetime | None
    posts_last_hour: int
    posts_today: int


def local_day_bounds(at: datetime, time_zone: str) -> tuple[datetime, datetime]:
    local = at.astimezone(zoneinfo.ZoneInfo(time_zone))
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    # Aware arithmetic in Python is wall-clock: this is the next local midnight, DST or not.
    return start, start + timedelta(days=1)


def check(account: SocialAccount, post_times: Sequence[datetime], at: datetime) -> UploadCheck:
    """Whether `account` may post at `at`, given the times of its recent posts.

    Hourly limits count a rolling 60 minutes, daily limits the account's local calendar
    day, the cooldown runs from the latest post. `next_allowed_at` is the first moment all
    three allow a post again (None when only a status change can allow it).
    """
    recent = sorted((t for t in post_times if t <= at), reverse=True)
    in_hour = [t for t in recent if t > at - HOUR]
    day_start, day_end = local_day_bounds(at, account.time_zone)
    today = [t for t in recent if t >= day_start]

    def result(allowed: bool, reason: str, next_at: datetime | None) -> UploadCheck:
        return UploadCheck(allowed, reason, next_at, len(in_hour), len(today))

    if account.status != AccountStatus.ACTIVE:
        reason = f"Account is {account.get_status_display().lower()}"
        if account.status_reason:
            reason += f": {account.status_reason}"
        return result(False, reason, None)

    blocks: list[tuple[str, datetime]] = []
    if recent and account.upload_cooldown_minutes:
        cooldown_end = recent[0] + timedelta(minutes=account.upload_cooldown_minutes)
        if cooldown_end > at:
            blocks.append((f"Cooling down for {account.upload_cooldown_minutes} min after the last post", cooldown_end))
    if len(in_hour) >= account.hourly_upload_limit:
        # The window frees up when the post that pushes us over the limit ages out.
        oldest_blocking = in_hour[account.hourly_upload_limit - 1]
        blocks.append((f"Hourly limit reached ({len(in_hour)}/{account.hourly_upload_limit})", oldest_blocking + HOUR))
    if len(today) >= account.daily_upload_limit:
        blocks.append((f"Daily limit reached ({len(today)}/{account.daily_upload_limit})", day_end))

    if not blocks:
        return result(True, "Allowed", at)
    reason = "; ".join(message for message, _ in blocks)
    return result(False, reason, max(when for _, when in blocks))
