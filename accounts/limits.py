"""The one limits engine: may an account post at a moment, and if not, why and until when.

Everything that asks asks here: the accounts page and the overview, the API's `can-upload`,
`best` and `rotation`, and the reservation that places an upload (which calls it while it holds
the account's row lock). The engine is pure: it looks at an account and the times of its posts
around the moment, the past ones and the scheduled ones alike (a reservation records its
`AccountPost` at the slot, which may lie in the future), so two callers never disagree about one
account at one moment.

In the order they are checked:

- status and connection: only an active account holding a working token (or a sandbox one) posts;
- cooldown: no post closer to the moment than the cooldown, on either side;
- hourly: fewer than the limit within an hour on either side, so every rolling hour that
  contains the moment ends up with at most the limit;
- the platform's own caps on one account (Facebook's Reels per Page, Instagram's live limit),
  counted like the hourly limit over their rolling 24 h;
- daily: fewer than the limit in the moment's local calendar day;
- platform-wide caps other apps register (`register_platform_cap`), such as YouTube's daily
  upload bucket of the whole API project: the caller computes them once per platform and moment.

Posting windows and jitter are not limits: they move a slot later (distribution's slots module).
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings

from accounts.models import AccountStatus, SocialAccount
from accounts.platforms import Platform

HOUR = timedelta(hours=1)
DAY = timedelta(hours=24)
# How far around a moment the posts matter (a local calendar day is at most 25 h long).
RADIUS = timedelta(hours=26)


class RefusalCode:
    INACTIVE = "account_inactive"  # paused, deactivated, expired or revoked
    NOT_CONNECTED = "not_connected"  # no token a platform accepts: connect it first
    LIMIT_REACHED = "limit_reached"  # a limit or cap: `next_at` says when it frees up
    DUPLICATE = "duplicate_content"  # the account already carries this video
    NO_ACCOUNT = "no_account"  # no account to choose from on the platform
    OPTION_REFUSED = "option_refused"  # the platform has no such privacy or option


@dataclass(frozen=True)
class Refusal:
    """Why a post cannot go out, and when it could (None: only a change by a person helps).

    The one refusal type: the engine returns it, the reservation returns it for a target, the
    send service collects them, the API turns one into a 400 and the dashboard lists them.
    """

    reason: str
    next_at: datetime | None = None
    code: str = RefusalCode.LIMIT_REACHED
    account: SocialAccount | None = None
    target: str = ""  # who it was meant for, in words: "TikTok @shop", "the best TikTok account"
    link: str = ""  # the earlier post of the same video (duplicate content)

    @property
    def who(self) -> str:
        return self.target or (str(self.account) if self.account is not None else "")

    @property
    def message(self) -> str:
        """One sentence for people, without the time (pages show it in local time)."""
        if self.account is None:
            return self.reason
        verb = "cannot post then" if self.code == RefusalCode.LIMIT_REACHED else "cannot post"
        return f"{self.account} {verb}: {self.reason}."


@dataclass(frozen=True)
class UploadCheck:
    """The engine's answer for one account at one moment."""

    allowed: bool
    reason: str
    next_allowed_at: datetime | None
    posts_last_hour: int
    posts_today: int  # in the local calendar day, the scheduled ones included
    scheduled: int = 0  # posts reserved after the moment, within a day
    code: str = ""
    refusal: Refusal | None = None


# Platform-wide caps -------------------------------------------------------------------------
PlatformCap = Callable[[datetime], Refusal | None]
_PLATFORM_CAPS: dict[str, list[PlatformCap]] = {}


def register_platform_cap(platform: str, cap: PlatformCap) -> None:
    """Add a cap that holds for every account on `platform` (an app's `ready()` registers its own).

    `cap(at)` returns a Refusal (without an account) when nobody on the platform may post at `at`.
    """
    caps = _PLATFORM_CAPS.setdefault(platform, [])
    if cap not in caps:
        caps.append(cap)


def platform_blocks(platforms: Iterable[str], at: datetime) -> dict[str, Refusal | None]:
    """Each platform's first refusing cap at `at`: computed once, then handed to `check` per account."""
    blocks: dict[str, Refusal | None] = {}
    for platform in set(platforms):
        blocks[platform] = next(
            (refusal for cap in _PLATFORM_CAPS.get(platform, ()) if (refusal := cap(at)) is not None), None
        )
    return blocks


# The engine ---------------------------------------------------------------------------------
def local_day_bounds(at: datetime, time_zone: str) -> tuple[datetime, datetime]:
    local = at.astimezone(zoneinfo.ZoneInfo(time_zone))
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    # Aware arithmetic in Python is wall-clock: this is the next local midnight, DST or not.
    return start, start + timedelta(days=1)


def account_refusal(account: SocialAccount, at: datetime) -> Refusal | None:
    """Status and connection: what no waiting fixes."""
    if account.status != AccountStatus.ACTIVE:
        reason = f"Account is {account.get_status_display().lower()}"
        if account.status_reason:
            reason += f": {account.status_reason}"
        return Refusal(reason, None, RefusalCode.INACTIVE, account)
    problem = account.connection_problem(at)
    if problem:
        return Refusal(problem[0].upper() + problem[1:], None, RefusalCode.NOT_CONNECTED, account)
    return None


def account_caps(account: SocialAccount) -> list[tuple[int, timedelta, str]]:
    """The platform's own rolling caps on one account, as (most posts, window, name)."""
    if account.platform == Platform.FACEBOOK:
        return [(settings.FACEBOOK_REELS_PER_DAY, DAY, "Facebook's limit of API-published Reels per Page")]
    if account.platform == Platform.INSTAGRAM and account.publishing_limit:
        return [(account.publishing_limit, DAY, "Instagram's publishing limit")]
    return []


def check(
    account: SocialAccount,
    post_times: Sequence[datetime],
    at: datetime,
    *,
    blocks_by_platform: Mapping[str, Refusal | None] | None = None,
) -> UploadCheck:
    """Whether a new post of `account` may be placed at `at`, given its posts around it.

    `post_times` are the account's posts within RADIUS of `at`, on both sides. A refusal's
    `next_at` is the first moment every limit allows a post again, as far as the posts known
    now tell (None when only a person can change it). `blocks_by_platform` are the platform-wide
    caps at `at` (from `platform_blocks()`); without them they are computed here.
    """
    times = sorted(post_times)
    in_hour = sum(1 for t in times if at - HOUR < t <= at)
    day_start, day_end = local_day_bounds(at, account.time_zone)
    today = sum(1 for t in times if day_start <= t < day_end)
    scheduled = sum(1 for t in times if at < t < at + DAY)

    def answer(refusal: Refusal | None) -> UploadCheck:
        if refusal is None:
            return UploadCheck(True, "Allowed", at, in_hour, today, scheduled)
        return UploadCheck(False, refusal.reason, refusal.next_at, in_hour, today, scheduled, refusal.code, refusal)

    blocked = account_refusal(account, at)
    if blocked is not None:
        return answer(blocked)
    blocks = _limit_blocks(account, times, at, today, day_end)
    if blocks_by_platform is None:
        blocks_by_platform = platform_blocks([account.platform], at)
    wide = blocks_by_platform.get(account.platform)
    if wide is not None:
        blocks.append((wide.reason, wide.next_at))
    if not blocks:
        return answer(None)
    reason = "; ".join(message for message, _ in blocks)
    times_known = [when for _, when in blocks if when is not None]
    next_at = max(times_known) if len(times_known) == len(blocks) else None
    return answer(Refusal(reason, next_at, RefusalCode.LIMIT_REACHED, account))


def _limit_blocks(account, times, at, today: int, day_end: datetime) -> list[tuple[str, datetime | None]]:
    blocks: list[tuple[str, datetime | None]] = []
    cooldown = timedelta(minutes=account.upload_cooldown_minutes)
    if cooldown:
        near = [t for t in times if abs(t - at) < cooldown]
        if near:
            message = f"Cooling down for {account.upload_cooldown_minutes} min around another post"
            blocks.append((message, max(near) + cooldown))
    caps = [(account.hourly_upload_limit, HOUR, "Hourly limit"), *account_caps(account)]
    for limit, window, name in caps:
        block = _window_block(times, at, limit, window, name)
        if block is not None:
            blocks.append(block)
    if today >= account.daily_upload_limit:
        blocks.append((f"Daily limit reached ({today}/{account.daily_upload_limit})", day_end))
    return blocks


def _window_block(times, at, limit: int, window: timedelta, name: str) -> tuple[str, datetime] | None:
    around = [t for t in times if at - window < t < at + window]
    if len(around) < limit:
        return None
    before = [t for t in around if t <= at]
    # The rolling window frees up when the post that fills it ages out; when later (scheduled)
    # posts fill it, try after the last of them.
    next_at = before[-limit] + window if len(before) >= limit else around[-1] + window
    span = "" if window == HOUR else f" in {window.total_seconds() / 3600:g} h"
    return f"{name} reached ({len(around)}/{limit}{span})", next_at
