"""Where in an account's timeline a new post goes: its posting window and a random gap.

Both are soft: they move the slot later instead of refusing it. Whether the account may post at
the slot is the limits engine's answer (`accounts.limits.check`), asked by the reservation.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from accounts.models import SocialAccount


@dataclass(frozen=True)
class Placement:
    at: datetime
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


def place(
    account: SocialAccount, post_times: Sequence[datetime], at: datetime, *, jitter: timedelta = timedelta(0)
) -> Placement:
    """The slot for a new post of `account` at `at` or later: inside its posting window, and at
    least its cooldown plus `jitter` (this reservation's random extra gap) after the previous post."""
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
    return Placement(slot, ", ".join(dict.fromkeys(moved)))
