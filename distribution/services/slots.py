"""Where a new post may go in an account's timeline: pure functions over its post times.

`accounts.limits.check` answers "may it post now?" from past posts. A reservation may also
be scheduled, so the posts around a slot can lie on both sides of it; this module counts
both sides, which never lets an hour, a day or a cooldown hold more than the limits allow:

- hourly: fewer than the limit in the two hours around the slot, so every rolling hour that
  contains the slot ends up with at most the limit;
- daily: fewer than the limit in the slot's local calendar day;
- cooldown: no post closer to the slot than the cooldown, on either side.

Posting windows and jitter are soft: they move the slot later instead of refusing it.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from accounts.limits import HOUR, local_day_bounds
from accounts.models import AccountStatus, SocialAccount

DAY = timedelta(hours=24)
# How far around a slot the posts matter (a local day is at most 25 h long).
RADIUS = timedelta(hours=26)


@dataclass(frozen=True)
class Slot:
    allowed: bool
    at: datetime | None  # the slot (allowed), or the first moment worth trying again (refused)
    reason: str = ""
    moved: str = ""  # why the slot is later than asked (window, jitter), if it is


def in_window(at: datetime, start: time | None, end: time | None, time_zone: str) -> bool:
    if start is None or end is None:
        return True
    local = at.astimezone(zoneinfo.ZoneInfo(time_zone)).time()
    if start < end:
        return start <= local < end
    return local >= start or local < end  # the window wraps midnight (e.g. 22:00-06:00)


def next_window_start(at: datetime, start: time | None, end: time | None, time_zone: str) -> datetime:
    """`at` itself when inside the posting window, else the window's next opening."""
    if in_window(at, start, end, time_zone):
        return at
    zone = zoneinfo.ZoneInfo(time_zone)
    local = at.astimezone(zone)
    opening = datetime.combine(local.date(), start, zone)
    if opening <= local:
        opening = datetime.combine(local.date() + timedelta(days=1), start, zone)
    return opening


def find_slot(
    account: SocialAccount,
    post_times: Sequence[datetime],
    at: datetime,
    *,
    jitter: timedelta = timedelta(0),
    extra_caps: Sequence[tuple[int, timedelta, str]] = (),
) -> Slot:
    """The slot for a new post of `account` at `at` or later.

    `jitter` is this reservation's random extra gap after the previous post. `extra_caps`
    are platform caps as (most posts, rolling window, name), checked like the hourly limit.
    """
    if account.status != AccountStatus.ACTIVE:
        reason = f"Account is {account.get_status_display().lower()}"
        return Slot(False, None, reason + (f": {account.status_reason}" if account.status_reason else ""))
    times = sorted(post_times)
    cooldown = timedelta(minutes=account.upload_cooldown_minutes)
    slot, moved = at, []
    for _ in range(4):  # window and jitter can push each other once or twice
        opened = next_window_start(slot, account.posting_window_start, account.posting_window_end, account.time_zone)
        if opened != slot:
            slot = opened
            moved.append("outside the posting window")
        earlier = [t for t in times if t <= slot]
        if jitter and earlier and earlier[-1] + cooldown <= slot < earlier[-1] + cooldown + jitter:
            slot = earlier[-1] + cooldown + jitter
            moved.append("random gap after the previous post")
            continue
        if opened == slot:
            break
    refused = _refusals(account, times, slot, cooldown, extra_caps)
    if refused:
        reason = "; ".join(message for message, _ in refused)
        return Slot(False, max(when for _, when in refused), reason)
    return Slot(True, slot, moved=", ".join(dict.fromkeys(moved)))


def _refusals(account, times, slot, cooldown, extra_caps) -> list[tuple[str, datetime]]:
    refused: list[tuple[str, datetime]] = []
    if cooldown:
        near = [t for t in times if abs(t - slot) < cooldown]
        if near:
            message = f"Cooling down for {account.upload_cooldown_minutes} min around another post"
            refused.append((message, max(near) + cooldown))
    caps = [(account.hourly_upload_limit, HOUR, "Hourly limit"), *extra_caps]
    for limit, window, name in caps:
        refusal = _window_refusal(times, slot, limit, window, name)
        if refusal:
            refused.append(refusal)
    day_start, day_end = local_day_bounds(slot, account.time_zone)
    today = sum(1 for t in times if day_start <= t < day_end)
    if today >= account.daily_upload_limit:
        refused.append((f"Daily limit reached ({today}/{account.daily_upload_limit})", day_end))
    return refused


def _window_refusal(times, slot, limit: int, window: timedelta, name: str) -> tuple[str, datetime] | None:
    around = [t for t in times if slot - window < t < slot + window]
    if len(around) < limit:
        return None
    before = [t for t in around if t <= slot]
    # The rolling window frees up when the post that fills it ages out; when later posts fill
    # it, try after the last of them.
    next_at = before[-limit] + window if len(before) >= limit else around[-1] + window
    return f"{name} reached ({len(before)}/{limit} in the last {_describe(window)})", next_at


def _describe(window: timedelta) -> str:
    hours = window.total_seconds() / 3600
    return f"{hours:g} h"
