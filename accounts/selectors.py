from __future__ import annotations

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


def with_recent_posts(qs: QuerySet[SocialAccount], at: datetime) -> QuerySet[SocialAccount]:
    """Prefetch the posts the limit checks need, so checking N accounts costs 2 queries."""
    recent = AccountPost.objects.filter(posted_at__gt=at - limits.LOOKBACK, posted_at__lte=at)
    return qs.prefetch_related(Prefetch("posts", queryset=recent, to_attr="recent_posts"))


def social_account_can_upload(*, account: SocialAccount, at: datetime) -> limits.UploadCheck:
    posts = getattr(account, "recent_posts", None)
    if posts is None:
        posts = account.posts.filter(posted_at__gt=at - limits.LOOKBACK, posted_at__lte=at)
    return limits.check(account, [p.posted_at for p in posts], at)


def social_account_rotation(
    *, user: User, platform: str, at: datetime
) -> list[tuple[SocialAccount, limits.UploadCheck]]:
    """Active accounts in the order they would be used.

    Allowed now first: fewest posts in the last 24 h, then least recently used. Then the
    blocked ones by when they are next allowed.
    """
    qs = with_recent_posts(social_account_list(user=user).filter(platform=platform, status=AccountStatus.ACTIVE), at)
    checked = [(account, social_account_can_upload(account=account, at=at)) for account in qs]

    def key(pair):
        account, check = pair
        last_used = account.last_used_at.timestamp() if account.last_used_at else float("-inf")
        if check.allowed:
            return (0, len(account.recent_posts), last_used, account.pk)
        return (1, check.next_allowed_at.timestamp(), last_used, account.pk)

    return sorted(checked, key=key)


def social_account_best(*, user: User, platform: str, at: datetime) -> SocialAccount | None:
    rotation = social_account_rotation(user=user, platform=platform, at=at)
    if rotation and rotation[0][1].allowed:
        return rotation[0][0]
    return None


def social_account_stats(*, user: User) -> dict:
    qs = social_account_list(user=user)
    totals = qs.aggregate(
        total=Count("id"),
        active=Count("id", filter=Q(status=AccountStatus.ACTIVE)),
        verified=Count("id", filter=Q(verified=True)),
        posts=Sum("posts_count", default=0),
        views=Sum("views_count", default=0),
        engagement=Sum("engagement_count", default=0),
    )
    by_platform = {
        row["platform"]: row
        for row in qs.values("platform").annotate(
            total=Count("id"),
            active=Count("id", filter=Q(status=AccountStatus.ACTIVE)),
            posts=Sum("posts_count", default=0),
            views=Sum("views_count", default=0),
        )
    }
    by_status = {row["status"]: row["n"] for row in qs.values("status").annotate(n=Count("id"))}
    totals["by_platform"] = {
        platform.value: {
            key: by_platform.get(platform.value, {}).get(key, 0) for key in ("total", "active", "posts", "views")
        }
        for platform in Platform
    }
    totals["by_status"] = {status.value: by_status.get(status.value, 0) for status in AccountStatus}
    return totals
