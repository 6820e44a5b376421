from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from accounts import limits
from accounts.models import AccountPost, AccountStatus, SocialAccount, User
from accounts.platforms import Platform


def social_account_list(*, user: User, filters: dict | None = None) -> QuerySet[SocialAccount]:
    """The user's own accounts (all of them for nobody else: operators use the admin)."""
    qs = SocialAccount.objects.filter(owner=user).select_related("owner")
    filters = filters or {}
    if filters.get("platform"):
        qs = qs.filter(platform=filters["platform"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("search"):
        term = filters["search"]
        qs = qs.filter(Q(username__icontains=term) | Q(display_name__icontains=term) | Q(email__icontains=term))
    return qs


def with_posts_around(qs: QuerySet[SocialAccount], at: datetime) -> QuerySet[SocialAccount]:
    """Prefetch the posts the limits engine needs (both sides of `at`: scheduled ones count too),
    so checking N accounts costs 2 queries."""
    around = AccountPost.objects.filter(posted_at__gt=at - limits.RADIUS, posted_at__lt=at + limits.RADIUS)
    return qs.prefetch_related(Prefetch("posts", queryset=around, to_attr="posts_around"))


def _post_times(account: SocialAccount, at: datetime) -> list[datetime]:
    posts = getattr(account, "posts_around", None)
    if posts is None:
        posts = account.posts.filter(posted_at__gt=at - limits.RADIUS, posted_at__lt=at + limits.RADIUS)
    return [post.posted_at for post in posts]


def social_account_can_upload(
    *, account: SocialAccount, at: datetime, blocks_by_platform: dict | None = None
) -> limits.UploadCheck:
    """The engine's answer for one account (prefetch with `with_posts_around` for many)."""
    return limits.check(account, _post_times(account, at), at, blocks_by_platform=blocks_by_platform)


def social_account_checks(
    accounts: Iterable[SocialAccount], *, at: datetime
) -> list[tuple[SocialAccount, limits.UploadCheck]]:
    """Each account with the engine's answer; platform-wide caps are counted once per platform."""
    accounts = list(accounts)
    blocks = limits.platform_blocks({account.platform for account in accounts}, at)
    return [
        (account, social_account_can_upload(account=account, at=at, blocks_by_platform=blocks)) for account in accounts
    ]


def social_account_postable(*, user: User, platform: str, at: datetime) -> list[SocialAccount]:
    """The user's active accounts on `platform` that hold a working connection: the ones to post with."""
    qs = social_account_list(user=user).filter(platform=platform, status=AccountStatus.ACTIVE)
    return [account for account in with_posts_around(qs, at) if not account.connection_problem(at)]


def social_account_rotation(
    *, user: User, platform: str, at: datetime
) -> list[tuple[SocialAccount, limits.UploadCheck]]:
    """Active, connected accounts in the order they would be used.

    Allowed now first: fewest posts in the last 24 h, then least recently used. Then the
    blocked ones by when they are next allowed. Accounts that are not connected never post, so
    they are not in the rotation.
    """
    checked = social_account_checks(social_account_postable(user=user, platform=platform, at=at), at=at)
    never = float("inf")

    def key(pair):
        account, check = pair
        last_used = account.last_used_at.timestamp() if account.last_used_at else float("-inf")
        if check.allowed:
            past_day = sum(1 for t in _post_times(account, at) if at - limits.DAY < t <= at)
            return (0, past_day, last_used, account.pk)
        next_at = check.next_allowed_at.timestamp() if check.next_allowed_at else never
        return (1, next_at, last_used, account.pk)

    return sorted(checked, key=key)


def social_account_best(*, user: User, platform: str, at: datetime) -> SocialAccount | None:
    rotation = social_account_rotation(user=user, platform=platform, at=at)
    if rotation and rotation[0][1].allowed:
        return rotation[0][0]
    return None


def connected_counts(qs: QuerySet[SocialAccount], *, at: datetime | None = None) -> dict[str, dict[str, int]]:
    """Per platform: active accounts that can post (`active`) and active ones to connect first.

    The tokens are encrypted, so this reads the accounts' rows: one query."""
    counts: dict[str, dict[str, int]] = {}
    fields = ("id", "platform", "status", "password", "access_token", "refresh_token", "token_expires_at")
    for account in qs.select_related(None).filter(status=AccountStatus.ACTIVE).only(*fields):
        row = counts.setdefault(account.platform, {"active": 0, "not_connected": 0})
        row["not_connected" if account.connection_problem(at) else "active"] += 1
    return counts


def social_account_stats(*, user: User) -> dict:
    """Totals; `active` counts only the active accounts that can post (a working token, or the
    sandbox), `not_connected` the active ones that need Connect first."""
    qs = social_account_list(user=user)
    connected = connected_counts(qs)
    totals = qs.aggregate(
        total=Count("id"),
        verified=Count("id", filter=Q(verified=True)),
        posts=Sum("posts_count", default=0),
        views=Sum("views_count", default=0),
        engagement=Sum("engagement_count", default=0),
    )
    by_platform = {
        row["platform"]: row
        for row in qs.values("platform").annotate(
            total=Count("id"),
            posts=Sum("posts_count", default=0),
            views=Sum("views_count", default=0),
        )
    }
    by_status = {row["status"]: row["n"] for row in qs.values("status").annotate(n=Count("id"))}
    totals["active"] = sum(row["active"] for row in connected.values())
    totals["not_connected"] = sum(row["not_connected"] for row in connected.values())
    totals["by_platform"] = {
        platform.value: {
            **{key: by_platform.get(platform.value, {}).get(key, 0) for key in ("total", "posts", "views")},
            **connected.get(platform.value, {"active": 0, "not_connected": 0}),
        }
        for platform in Platform
    }
    totals["by_status"] = {status.value: by_status.get(status.value, 0) for status in AccountStatus}
    return totals
