"""What the distribution pages show: a week of posts per account and engagement with sparklines.

Nothing here writes; the pages call the reservation, publishing and metrics services for that.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date

from accounts.models import AccountStatus, SocialAccount
from accounts.selectors import social_account_list
from distribution import selectors
from distribution.models import Distribution, Upload

COUNTS = ("views", "likes", "comments", "shares", "saves")


def user_time_zone(user) -> ZoneInfo:
    try:
        return ZoneInfo(user.time_zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


# Calendar -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarRow:
    account: SocialAccount
    cells: list[tuple[date, list[Upload]]]  # (day, its posts in time order), Monday first


@dataclass(frozen=True)
class CalendarWeek:
    start: date
    days: list[date]
    rows: list[CalendarRow]
    today: date
    time_zone: str
    post_count: int

    @property
    def previous(self) -> date:
        return self.start - timedelta(days=7)

    @property
    def next(self) -> date:
        return self.start + timedelta(days=7)

    @property
    def is_current(self) -> bool:
        return self.start <= self.today < self.next


def week_start(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


def parse_week(value: str | None) -> date | None:
    """A `?week=` value (any day of the week, YYYY-MM-DD); None when missing or not a date."""
    try:
        day = parse_date(value or "")
    except ValueError:
        return None
    return week_start(day) if day else None


def calendar_week(*, user, week: date | None = None, now: datetime | None = None) -> CalendarWeek:
    """Monday to Sunday in the user's time zone: each account's posts placed on their local day.

    Rows are the user's active accounts plus any other account that posted that week.
    """
    tz = user_time_zone(user)
    today = (now or timezone.now()).astimezone(tz).date()
    start = week_start(week or today)
    days = [start + timedelta(days=n) for n in range(7)]
    begin = datetime.combine(start, time.min, tzinfo=tz)
    end = datetime.combine(start + timedelta(days=7), time.min, tzinfo=tz)
    posts = list(selectors.upload_calendar(user=user, start=begin, end=end))
    accounts = social_account_list(user=user).filter(
        Q(status=AccountStatus.ACTIVE) | Q(pk__in={post.account_id for post in posts})
    )
    cells: dict[tuple[int, date], list[Upload]] = {}
    for post in posts:
        cells.setdefault((post.account_id, post.post_at.astimezone(tz).date()), []).append(post)
    rows = [
        CalendarRow(account=account, cells=[(day, cells.get((account.pk, day), [])) for day in days])
        for account in accounts.order_by("platform", "username", "pk")
    ]
    return CalendarWeek(start=start, days=days, rows=rows, today=today, time_zone=str(tz), post_count=len(posts))


# Engagement ---------------------------------------------------------------------------------


def sparkline_points(values: list[int], *, width: int = 120, height: int = 28, pad: int = 2) -> str:
    """SVG polyline points for `values` in time order, scaled to the box; "" for fewer than two."""
    if len(values) < 2:
        return ""
    low, high = min(values), max(values)
    step = (width - 2 * pad) / (len(values) - 1)
    usable = height - 2 * pad

    def y(value: int) -> float:
        return height / 2 if high == low else height - pad - (value - low) / (high - low) * usable

    return " ".join(f"{pad + n * step:.1f},{y(value):.1f}" for n, value in enumerate(values))


@dataclass
class EngagementRow:
    distribution: Distribution
    sparkline: str
    history: int  # snapshots behind the sparkline


@dataclass
class ItemEngagement:
    rows: list[EngagementRow] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    last_fetched_at: datetime | None = None


def item_engagement(*, user, queue_item) -> ItemEngagement:
    """One video's posts with their counts, totals over all of them and a views sparkline each."""
    engagement = ItemEngagement(totals=dict.fromkeys(COUNTS, 0))
    for distribution in selectors.item_distribution_list(user=user, queue_item=queue_item):
        views = [snapshot.views for snapshot in reversed(distribution.recent_snapshots)]
        engagement.rows.append(EngagementRow(distribution, sparkline_points(views), len(views)))
        for name in COUNTS:
            engagement.totals[name] += getattr(distribution, name)
        fetched = distribution.last_fetched_at
        if fetched and (engagement.last_fetched_at is None or fetched > engagement.last_fetched_at):
            engagement.last_fetched_at = fetched
    return engagement
