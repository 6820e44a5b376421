"""Celery tasks: ids in, services out. Each publish task claims its upload, so duplicates are harmless."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings


@shared_task(
    name="distribution.publish_upload",
    queue="default",
    acks_late=True,
    soft_time_limit=settings.UPLOAD_SOFT_TIME_LIMIT,
    time_limit=settings.UPLOAD_TIME_LIMIT,
    ignore_result=True,
)
def publish_upload(upload_id: int) -> str | None:
    from distribution.services.publishing import upload_publish

    upload = upload_publish(upload_id=upload_id)
    return upload.status if upload else None


@shared_task(name="distribution.reconcile_upload", queue="default", acks_late=True, ignore_result=True)
def reconcile_upload(upload_id: int) -> str | None:
    from distribution.services.publishing import upload_reconcile

    upload = upload_reconcile(upload_id=upload_id)
    return upload.status if upload else None


@shared_task(name="distribution.dispatch_due_uploads", queue="default", ignore_result=True)
def dispatch_due_uploads() -> int:
    """Periodic: scheduled posts that came due, retries whose backoff ended, unknown outcomes."""
    from distribution.services.publishing import uploads_dispatch_due

    return uploads_dispatch_due(limit=settings.UPLOAD_DISPATCH_LIMIT)


@shared_task(name="distribution.refresh_metrics", queue="default", ignore_result=True)
def refresh_metrics() -> int:
    """Periodic: pull engagement for recent posts whose counts are older than the interval."""
    from distribution.services.metrics import distributions_refresh_metrics

    return distributions_refresh_metrics(limit=settings.METRICS_BATCH_LIMIT)


@shared_task(name="distribution.fetch_metrics", queue="default", ignore_result=True)
def fetch_metrics(distribution_id: int) -> None:
    from distribution.models import Distribution
    from distribution.services.metrics import distribution_fetch_metrics

    distribution = Distribution.objects.select_related("account").filter(pk=distribution_id).first()
    if distribution is not None:
        distribution_fetch_metrics(distribution=distribution)
