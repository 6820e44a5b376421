"""Engagement: counts pulled from each platform into Distribution rows and their history."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from accounts import services as account_services
from distribution.models import Distribution, DistributionStatus, EngagementSnapshot
from distribution.platforms import ErrorKind, Metrics, PlatformError
from distribution.services import clients

COUNTS = ("views", "likes", "comments", "shares", "saves")


def distribution_fetch_metrics(*, distribution: Distribution, now: datetime | None = None) -> Distribution:
    """Ask the platform for the post's counts now; a failure is kept on the row, not raised."""
    now = now or timezone.now()
    account = distribution.account
    adapter = clients.adapter_for(distribution.platform)
    creds = clients.credentials_for(account)
    try:
        try:
            metrics = adapter.fetch_metrics(distribution.remote_id, creds)
        except PlatformError as error:
            if error.kind != ErrorKind.AUTH:
                raise
            creds = adapter.refresh(creds)
            clients.save_credentials(account, creds)
            metrics = adapter.fetch_metrics(distribution.remote_id, creds)
    except PlatformError as error:
        distribution.fetch_error = error.message[:1000]
        distribution.last_fetched_at = now
        distribution.save(update_fields=["fetch_error", "last_fetched_at", "updated_at"])
        return distribution
    return _store(distribution, metrics, now)


@transaction.atomic
def _store(distribution: Distribution, metrics: Metrics, now: datetime) -> Distribution:
    for name in COUNTS:
        value = getattr(metrics, name)
        if value is not None:  # a count the platform does not report keeps its last value
            setattr(distribution, name, max(0, int(value)))
    distribution.last_fetched_at = now
    distribution.fetch_error = ""
    if distribution.status == DistributionStatus.PROCESSING:
        distribution.status = DistributionStatus.PUBLISHED
    distribution.save(update_fields=[*COUNTS, "last_fetched_at", "fetch_error", "status", "updated_at"])
    EngagementSnapshot.objects.create(
        distribution=distribution, fetched_at=now, **{name: getattr(distribution, name) for name in COUNTS}
    )
    totals = Distribution.objects.filter(account_id=distribution.account_id).aggregate(
        views=Sum("views", default=0), engagement=Sum("likes", default=0) + Sum("comments", default=0)
        + Sum("shares", default=0) + Sum("saves", default=0),
    )  # fmt: skip
    account_services.social_account_update(
        account=distribution.account, views_count=totals["views"], engagement_count=totals["engagement"]
    )
    return distribution


def distributions_due_for_metrics(*, now: datetime | None = None, limit: int = 100, owner=None):
    """Recent posts whose counts are older than the metrics interval, least recently fetched first
    (of one owner when given)."""
    now = now or timezone.now()
    recent = now - timedelta(days=settings.METRICS_TRACK_DAYS)
    stale = now - timedelta(minutes=settings.METRICS_INTERVAL_MINUTES)
    qs = Distribution.objects.filter(owner=owner) if owner is not None else Distribution.objects.all()
    return (
        qs.filter(published_at__gte=recent, published_at__lte=now)
        .exclude(status=DistributionStatus.GONE)
        .filter(Q(last_fetched_at__isnull=True) | Q(last_fetched_at__lt=stale))
        .select_related("account")
        .order_by("last_fetched_at", "id")[:limit]
    )


def distributions_refresh_metrics(*, now: datetime | None = None, limit: int = 100, owner=None) -> int:
    now = now or timezone.now()
    due = list(distributions_due_for_metrics(now=now, limit=limit, owner=owner))
    for distribution in due:
        distribution_fetch_metrics(distribution=distribution, now=now)
    return len(due)
