"""Alerts: raised (deduplicated by owner, kind and subject), acknowledged, and sent when critical.

Critical alerts go out once when they open (and again only after they were acknowledged and
come back): by email through Django's mail backend, and as Slack-compatible JSON to
ALERT_WEBHOOK_URL when it is set.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import AccountStatus, SocialAccount
from distribution.models import Upload
from monitoring.models import Alert, AlertKind, AutomationJob, Severity
from production.models import QueueItem, QueueStatus

logger = logging.getLogger(__name__)
SEVERITY_ORDER = {Severity.INFO: 0, Severity.WARNING: 1, Severity.CRITICAL: 2}
ATTENTION_STATUSES = (AccountStatus.EXPIRED, AccountStatus.REVOKED, AccountStatus.DEACTIVATED)
CAP_ERRORS = ("quota", "rate_limited")


def alert_raise(
    *,
    kind: str,
    subject: str,
    message: str,
    severity: str = Severity.WARNING,
    owner=None,
    at: datetime | None = None,
) -> Alert:
    """Open an alert, or count another occurrence of the open one about the same thing."""
    at = at or timezone.now()
    for _ in range(2):  # a concurrent first raise wins the unique constraint; then we count
        try:
            with transaction.atomic():
                alert = (
                    Alert.objects.select_for_update()
                    .filter(owner=owner, kind=kind, subject=subject[:200], acknowledged_at__isnull=True)
                    .first()
                )
                if alert is None and (snoozed := _snoozed(owner, kind, subject[:200], at)):
                    return snoozed
                if alert is None:
                    alert = Alert.objects.create(
                        owner=owner,
                        kind=kind,
                        subject=subject[:200],
                        severity=severity,
                        message=message[:1000],
                        first_seen_at=at,
                        last_seen_at=at,
                    )
                    if severity == Severity.CRITICAL:
                        transaction.on_commit(lambda pk=alert.pk: alert_notify(alert_id=pk))
                    return alert
                alert.count += 1
                alert.last_seen_at = max(at, alert.last_seen_at)
                alert.message = message[:1000]
                if SEVERITY_ORDER[severity] > SEVERITY_ORDER[alert.severity]:
                    alert.severity = severity
                alert.save(update_fields=["count", "last_seen_at", "message", "severity", "updated_at"])
                return alert
        except IntegrityError:
            continue
    raise RuntimeError("Could not raise the alert")  # pragma: no cover - two lost races in a row


def _snoozed(owner, kind: str, subject: str, at: datetime) -> Alert | None:
    """An alert acknowledged less than ALERT_SNOOZE_HOURS ago stays closed for the same thing."""
    since = at - timedelta(hours=settings.ALERT_SNOOZE_HOURS)
    return (
        Alert.objects.filter(owner=owner, kind=kind, subject=subject, acknowledged_at__gte=since)
        .order_by("-acknowledged_at")
        .first()
    )


@transaction.atomic
def alert_acknowledge(*, alert: Alert, user) -> Alert:
    """Close the alert (idempotent: an acknowledged alert stays as it was)."""
    if alert.acknowledged_at is None:
        alert.acknowledged_at = timezone.now()
        alert.acknowledged_by = user
        alert.save(update_fields=["acknowledged_at", "acknowledged_by", "updated_at"])
    return alert


def _recipients(alert: Alert) -> list[str]:
    addresses = list(settings.ALERT_EMAIL_TO)
    if alert.owner_id and alert.owner.email:
        addresses.append(alert.owner.email)
    elif alert.owner_id is None and not addresses:
        staff = get_user_model().objects.filter(is_staff=True, is_active=True).exclude(email="")
        addresses.extend(staff.values_list("email", flat=True))
    return sorted(set(addresses))


def alert_notify(*, alert_id: int) -> None:
    """Email and webhook for one alert; failures are logged, never raised into the caller."""
    alert = Alert.objects.select_related("owner").filter(pk=alert_id).first()
    if alert is None:
        return
    title = f"[ReelMill {alert.get_severity_display()}] {alert.get_kind_display()}"
    recipients = _recipients(alert)
    try:
        if recipients:
            body = f"{alert.message}\n\nSubject: {alert.subject}\nFirst seen: {alert.first_seen_at:%Y-%m-%d %H:%M %Z}"
            send_mail(title, body, settings.DEFAULT_FROM_EMAIL, recipients)
    except Exception:  # mail trouble must not break the work that raised the alert
        logger.exception("Could not email alert %s", alert.pk)
    if settings.ALERT_WEBHOOK_URL:
        payload = {
            "text": f"*{title}*\n{alert.message}",
            "attachments": [
                {
                    "color": "#c62b3b" if alert.severity == Severity.CRITICAL else "#b86e00",
                    "fields": [
                        {"title": "Kind", "value": alert.kind, "short": True},
                        {"title": "Subject", "value": alert.subject, "short": True},
                        {
                            "title": "Owner",
                            "value": alert.owner.username if alert.owner_id else "system",
                            "short": True,
                        },
                    ],
                }
            ],
        }
        try:
            response = requests.post(settings.ALERT_WEBHOOK_URL, json=payload, timeout=settings.ALERT_WEBHOOK_TIMEOUT)
            response.raise_for_status()
        except requests.RequestException as exc:
            logger.warning("Alert webhook failed for alert %s: %s", alert.pk, exc)
    Alert.objects.filter(pk=alert.pk).update(notified_at=timezone.now())


# --- what the analyze job looks for ---------------------------------------------------------
def alerts_analyze(*, owner, now: datetime | None = None) -> list[Alert]:
    """Raise the owner's alerts for what is wrong now; returns the alerts raised or counted."""
    now = now or timezone.now()
    raised = []
    raised += _render_failures(owner, now)
    raised += _accounts_needing_attention(owner)
    raised += _platform_caps(owner, now)
    raised += _failing_jobs(owner)
    return raised


def _render_failures(owner, now: datetime) -> list[Alert]:
    window = now - timedelta(hours=settings.RENDER_FAILURE_WINDOW_HOURS)
    counts = QueueItem.objects.filter(owner=owner, completed_at__gte=window).aggregate(
        rendered=Count("id", filter=Q(render_seconds__isnull=False)),
        failed=Count("id", filter=Q(status=QueueStatus.FAILED, render_seconds__isnull=True)),
    )
    finished = counts["rendered"] + counts["failed"]
    if finished < settings.RENDER_FAILURE_MIN_SAMPLE:
        return []
    rate = counts["failed"] / finished
    if rate <= settings.RENDER_FAILURE_ALERT_RATE:
        return []
    return [
        alert_raise(
            owner=owner,
            kind=AlertKind.RENDER_FAILURES,
            subject="renders",
            severity=Severity.CRITICAL if rate >= 0.5 else Severity.WARNING,
            message=(
                f"{counts['failed']} of {finished} renders failed in the last "
                f"{settings.RENDER_FAILURE_WINDOW_HOURS} h ({rate:.0%}, threshold "
                f"{settings.RENDER_FAILURE_ALERT_RATE:.0%})."
            ),
            at=now,
        )
    ]


def account_alert(*, account: SocialAccount, reason: str) -> Alert:
    return alert_raise(
        owner=account.owner,
        kind=AlertKind.ACCOUNT_ATTENTION,
        subject=f"account:{account.pk}",
        severity=Severity.CRITICAL,
        message=f"{account.get_platform_display()} @{account.username} needs attention: {reason}"[:1000],
    )


def _accounts_needing_attention(owner) -> list[Alert]:
    accounts = SocialAccount.objects.filter(owner=owner, status__in=ATTENTION_STATUSES).select_related("owner")
    return [
        account_alert(account=account, reason=account.status_reason or f"the account is {account.status}")
        for account in accounts
    ]


def _platform_caps(owner, now: datetime) -> list[Alert]:
    rows = (
        Upload.objects.filter(owner=owner, error_kind__in=CAP_ERRORS, updated_at__gte=now - timedelta(hours=24))
        .order_by()
        .values("platform")
        .annotate(n=Count("id"))
    )
    return [
        alert_raise(
            owner=owner,
            kind=AlertKind.PLATFORM_CAP,
            subject=f"platform:{row['platform']}",
            message=f"{row['n']} upload(s) to {row['platform']} hit a quota or rate limit in the last 24 h.",
            at=now,
        )
        for row in rows
    ]


def _failing_jobs(owner) -> list[Alert]:
    jobs = AutomationJob.objects.filter(
        owner=owner, consecutive_failures__gte=settings.JOB_FAILURE_ALERT_THRESHOLD
    ).select_related("owner")
    return [
        alert_raise(
            owner=owner,
            kind=AlertKind.JOB_FAILING,
            subject=f"job:{job.pk}",
            severity=Severity.CRITICAL,
            message=f"Job “{job.name}” failed {job.consecutive_failures} times in a row.",
        )
        for job in jobs
    ]
