"""Publishing reserved uploads through the platform adapters, and everything that follows.

A worker claims an upload with a conditional update (pending/retry -> uploading), so one
upload is never sent by two workers at once. The outcome decides what happens next:

- success: the Upload records the post, a Distribution row starts tracking it, the account
  counts it, and the queue item becomes `uploaded` once all its uploads succeeded;
- transient / rate limited / quota: `retry` with exponential backoff and jitter, honouring
  Retry-After, until `max_retries`;
- auth that a refresh cannot fix: the account is `expired` (signal `account_needs_attention`);
- permanent: `failed` with the platform's message, counted toward the account's errors;
- unknown outcome (no answer after the last byte): `unknown`, settled by asking the platform.

A failed upload gives its account slot back, since it never posted.
"""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts import services as account_services
from accounts.limits import Refusal
from accounts.models import AccountStatus
from accounts.platforms import Platform
from common.errors import ApplicationError
from distribution.models import (
    OPEN_STATUSES,
    AttemptOutcome,
    Distribution,
    DistributionStatus,
    Upload,
    UploadStatus,
)
from distribution.platforms import ErrorKind, PlatformError, PublishRequest, PublishResult, PublishStatus
from distribution.services import clients, comments, reservation
from production.models import LogLevel
from production.services import queue as queue_services

logger = logging.getLogger(__name__)
RETRYABLE = frozenset({ErrorKind.TRANSIENT, ErrorKind.RATE_LIMITED, ErrorKind.QUOTA})
ACCOUNT_ERRORS = frozenset({ErrorKind.AUTH, ErrorKind.REVOKED})
TOKEN_REFRESH_MARGIN = timedelta(minutes=5)
SUCCESS_STATUSES = {
    PublishStatus.PUBLISHED: DistributionStatus.PUBLISHED,
    PublishStatus.SCHEDULED: DistributionStatus.SCHEDULED,
    PublishStatus.DRAFT: DistributionStatus.DRAFT,
    PublishStatus.PROCESSING: DistributionStatus.PROCESSING,
    PublishStatus.UPLOADED: DistributionStatus.PROCESSING,
}
# Publish tasks are sent at once only for uploads due this soon; the periodic task sends the rest.
ENQUEUE_HORIZON = timedelta(minutes=2)
# The error kind of an upload whose account holds no working token: nothing was sent.
NOT_CONNECTED = "not_connected"


# --- enqueueing ----------------------------------------------------------------------------
def schedule_publish(upload: Upload, *, now: datetime | None = None) -> None:
    """Send a publish task once the current transaction commits, if the upload is due soon."""
    now = now or timezone.now()
    due = upload.next_attempt_at or now
    if due - now > ENQUEUE_HORIZON:
        return
    countdown = max(0.0, (due - now).total_seconds())
    upload_pk = upload.pk

    def send() -> None:
        from distribution import tasks

        tasks.publish_upload.apply_async(args=[upload_pk], countdown=countdown)

    transaction.on_commit(send)


def _schedule_reconcile(upload: Upload, countdown: float) -> None:
    upload_pk = upload.pk

    def send() -> None:
        from distribution import tasks

        tasks.reconcile_upload.apply_async(args=[upload_pk], countdown=countdown)

    transaction.on_commit(send)


# --- publishing ----------------------------------------------------------------------------
def _claim(upload_id: int, now: datetime, *, statuses=(UploadStatus.PENDING, UploadStatus.RETRY)) -> Upload | None:
    claimed = (
        Upload.objects.filter(pk=upload_id, status__in=statuses)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(status=UploadStatus.UPLOADING, started_at=Coalesce("started_at", now), updated_at=now)
    )
    if not claimed:
        return None
    return Upload.objects.select_related("account", "queue_item").get(pk=upload_id)


def upload_publish(*, upload_id: int, now: datetime | None = None) -> Upload | None:
    """Send one due upload to its platform. None when it is not due or another worker has it."""
    now = now or timezone.now()
    upload = _claim(upload_id, now)
    if upload is None:
        return None
    account = upload.account
    http = clients.recording_client(upload)
    refused = _not_postable(account, now)
    if refused is not None:
        # Nothing is sent for an account no platform would take a post from.
        return _failed(upload, refused, http, count_error=False)
    current = {}

    def keep(new) -> None:
        current["creds"] = new
        clients.save_credentials(account, new)

    try:
        adapter = clients.adapter_for(upload.platform, http=http)
        current["creds"] = clients.credentials_for(account)
        if _token_expiring(account, now):
            keep(adapter.refresh(current["creds"]))
        if upload.platform == Platform.INSTAGRAM:
            _read_instagram_limit(adapter, account, current["creds"], now)
        with clients.local_file(upload.video_path) as path:
            result = adapter.publish(
                _request(upload, path, now),
                current["creds"],
                clients.session_of(upload),
                lambda session: clients.persist_session(upload, session),
                on_credentials=keep,
            )
    except PlatformError as error:
        return _handle_error(upload, error, http)
    except OSError as error:  # the rendered file went missing
        failure = PlatformError(f"The video file cannot be read: {error}", permanent=True, kind="invalid_media")
        return _failed(upload, failure, http, count_error=False)
    except Exception as error:  # a bug must not leave the upload `uploading`: retry, then fail
        logger.exception("Publishing upload %s crashed", upload.upload_id)
        failure = PlatformError(f"Internal error: {error!r}", permanent=False, kind=ErrorKind.TRANSIENT)
        return _handle_error(upload, failure, http)
    if not http.recorded:
        http.note(f"{upload.platform}: published {upload.video_path}", outcome=AttemptOutcome.NOTE, body=result.url)
    upload = _succeeded(upload, result)
    return comments.upload_post_first_comment(upload=upload, adapter=adapter, creds=current["creds"], http=http)


def _not_postable(account, now: datetime) -> PlatformError | None:
    if account.status != AccountStatus.ACTIVE:
        return PlatformError(
            f"The account is {account.status}: {account.status_reason or 'reactivate or reconnect it'}",
            permanent=True,
            kind=ErrorKind.NOT_CONFIGURED,
        )
    problem = account.connection_problem(now)
    if problem:
        return PlatformError(f"{account} is not connected: {problem}", permanent=True, kind=NOT_CONNECTED)
    return None


def _token_expiring(account, now: datetime) -> bool:
    return bool(
        account.refresh_token and account.token_expires_at and account.token_expires_at <= now + TOKEN_REFRESH_MARGIN
    )


def _read_instagram_limit(adapter, account, creds, now: datetime) -> None:
    """Instagram tells its live cap per account; keep it for the next reservations (hourly)."""
    checked = account.publishing_limit_checked_at
    if checked is None or now - checked > timedelta(hours=1):
        limit = adapter.publishing_limit(creds)
        account_services.social_account_set_publishing_limit(account=account, limit=limit.total, at=now)


def _request(upload: Upload, path: str, now: datetime) -> PublishRequest:
    native = upload.platform == Platform.YOUTUBE and upload.scheduled_at and upload.scheduled_at > now
    return PublishRequest(
        file_path=path,
        file_size=upload.file_size,
        title=upload.title,
        description=upload.caption,
        hashtags=list(upload.hashtags),
        privacy=upload.privacy,
        scheduled_at=upload.scheduled_at if native else None,
        duration_seconds=upload.duration_seconds,
        options=dict(upload.options),
    )


def _handle_error(upload: Upload, error: PlatformError, http: clients.RecordingHttpClient) -> Upload:
    http.mark_last(error.kind)
    if not http.recorded or http.recorded[-1].outcome == AttemptOutcome.OK:
        http.note(
            f"{upload.platform}: {error.kind}", outcome=AttemptOutcome.NOTE, body=error.message, error_kind=error.kind
        )
    if error.kind == ErrorKind.UNKNOWN_OUTCOME:
        return _unknown(upload, error)
    if error.kind in ACCOUNT_ERRORS and error.permanent:
        reason = f"{Platform(upload.platform).label} no longer accepts its token: {error.message}"
        account_services.social_account_mark_expired(account=upload.account, reason=reason)  # signals monitoring
        return _failed(upload, error, http, count_error=False)
    if error.kind in RETRYABLE and not error.permanent:
        return _retry_later(upload, error)
    return _failed(upload, error, http, count_error=error.kind != ErrorKind.NOT_CONFIGURED)


def backoff_seconds(retries: int, retry_after: float | None, *, rng: random.Random | None = None) -> float:
    """Exponential with jitter (half to full), never sooner than the platform's Retry-After."""
    rng = rng or random.Random()
    base = settings.UPLOAD_BACKOFF_BASE_SECONDS * 2 ** max(0, retries - 1)
    delay = min(settings.UPLOAD_BACKOFF_MAX_SECONDS, base) * (0.5 + rng.random() / 2)
    return max(delay, retry_after or 0.0)


def _log(upload: Upload, message: str, now: datetime) -> str:
    line = f"{now:%Y-%m-%d %H:%M:%S} {message}"
    return (upload.error_log + "\n" + line).strip()[-20000:]


def _retry_later(upload: Upload, error: PlatformError) -> Upload:
    now = timezone.now()
    upload.retries += 1
    if upload.retries > upload.max_retries:
        error.message = f"Gave up after {upload.max_retries} retries: {error.message}"
        return _failed(upload, error, None, count_error=False)
    delay = backoff_seconds(upload.retries, error.retry_after)
    upload.status = UploadStatus.RETRY
    upload.next_attempt_at = now + timedelta(seconds=delay)
    upload.error_kind, upload.last_error = error.kind, error.message[:2000]
    upload.error_log = _log(upload, f"retry {upload.retries} in {delay:.0f} s: {error.message}", now)
    upload.save(
        update_fields=["retries", "status", "next_attempt_at", "error_kind", "last_error", "error_log", "updated_at"]
    )
    schedule_publish(upload, now=now)
    return upload


def _unknown(upload: Upload, error: PlatformError) -> Upload:
    now = timezone.now()
    delay = settings.UPLOAD_RECONCILE_DELAY_SECONDS
    upload.status = UploadStatus.UNKNOWN
    upload.next_attempt_at = now + timedelta(seconds=delay)
    upload.error_kind, upload.last_error = error.kind, error.message[:2000]
    upload.error_log = _log(upload, f"outcome unknown, checking with the platform: {error.message}", now)
    upload.save(update_fields=["status", "next_attempt_at", "error_kind", "last_error", "error_log", "updated_at"])
    _schedule_reconcile(upload, delay)
    return upload


@transaction.atomic
def _failed(upload: Upload, error: PlatformError, http, *, count_error: bool) -> Upload:
    now = timezone.now()
    upload.status = UploadStatus.FAILED
    upload.completed_at = now
    upload.next_attempt_at = None
    upload.error_kind, upload.last_error = error.kind, error.message[:2000]
    upload.error_log = _log(upload, f"failed ({error.kind}): {error.message}", now)
    fields = ["status", "retries", "completed_at", "next_attempt_at", "error_kind", "last_error", "error_log"]
    upload.save(update_fields=[*fields, "updated_at"])
    reservation.release_slot(upload)
    if count_error:
        account_services.social_account_record_error(account=upload.account, message=error.message, at=now)
    queue_services.queue_log(
        upload.queue_item_id, f"Upload to {upload.account} failed: {error.message}", LogLevel.ERROR
    )
    _settle_item(upload.queue_item_id)
    return upload


@transaction.atomic
def _succeeded(upload: Upload, result: PublishResult) -> Upload:
    now = timezone.now()
    upload.status = UploadStatus.SUCCESS
    upload.completed_at = now
    upload.next_attempt_at = None
    upload.remote_id = result.remote_id or upload.remote_video_id or upload.publish_id
    upload.upload_url = result.url
    upload.remote_status = result.status
    upload.privacy_forced = result.privacy_forced
    upload.bytes_confirmed = upload.total_bytes = upload.file_size
    upload.error_kind = upload.last_error = ""
    if result.privacy_forced:
        upload.warnings = [
            *upload.warnings,
            f"{Platform(upload.platform).label} made this post private: the app is not audited for public posts",
        ]
    upload.save(
        update_fields=[
            "status", "completed_at", "next_attempt_at", "remote_id", "upload_url", "remote_status",
            "privacy_forced", "bytes_confirmed", "total_bytes", "error_kind", "last_error", "warnings", "updated_at",
        ]
    )  # fmt: skip
    Distribution.objects.update_or_create(
        upload=upload,
        defaults={
            "owner_id": upload.owner_id,
            "queue_item_id": upload.queue_item_id,
            "account_id": upload.account_id,
            "platform": upload.platform,
            "status": SUCCESS_STATUSES.get(result.status, DistributionStatus.PUBLISHED),
            "remote_id": upload.remote_id,
            "url": result.url,
            "published_at": upload.scheduled_at or now,
        },
    )
    account_services.social_account_record_success(account=upload.account, at=now)
    queue_services.queue_log(upload.queue_item_id, f"Published to {upload.account}: {result.url or upload.remote_id}")
    _settle_item(upload.queue_item_id)
    return upload


def _settle_item(item_id: int) -> None:
    """Uploaded once every upload of the item succeeded; failed once every one failed."""
    statuses = set(
        Upload.objects.filter(queue_item_id=item_id)
        .exclude(status=UploadStatus.CANCELLED)
        .values_list("status", flat=True)
    )
    if not statuses or statuses & set(OPEN_STATUSES):
        return
    if statuses == {UploadStatus.SUCCESS}:
        queue_services.queue_item_mark_distributed(item_id=item_id, uploaded=True)
    elif statuses == {UploadStatus.FAILED}:
        queue_services.queue_item_mark_distributed(item_id=item_id, uploaded=False)


# --- unknown outcomes ----------------------------------------------------------------------
def upload_reconcile(*, upload_id: int, now: datetime | None = None) -> Upload | None:
    """Ask the platform what became of an upload whose outcome is unknown; never send bytes."""
    now = now or timezone.now()
    upload = _claim(upload_id, now, statuses=(UploadStatus.UNKNOWN,))
    if upload is None:
        return None
    http = clients.recording_client(upload)
    session = clients.session_of(upload)
    try:
        adapter = clients.adapter_for(upload.platform, http=http)
        creds = clients.credentials_for(upload.account)
        found = adapter.reconcile(creds, session, lambda s: clients.persist_session(upload, s))
    except PlatformError as error:
        if error.permanent:
            return _handle_error(upload, error, http)
        return _still_unknown(upload, error.message, now)
    if found is not None:
        upload = _succeeded(upload, found)
        return comments.upload_post_first_comment(upload=upload, adapter=adapter, creds=creds, http=http)
    # The platform holds part of it (resume), all of it (finish) or nothing (start again):
    # publishing from the saved session does exactly that, without a second post.
    upload.status, upload.next_attempt_at = UploadStatus.RETRY, now
    upload.error_log = _log(upload, f"reconciled: the platform says {session.state}; continuing", now)
    upload.save(update_fields=["status", "next_attempt_at", "error_log", "updated_at"])
    schedule_publish(upload, now=now)
    return upload


def _still_unknown(upload: Upload, message: str, now: datetime) -> Upload:
    upload.retries += 1
    upload.status = UploadStatus.UNKNOWN
    upload.error_log = _log(upload, f"could not reconcile yet: {message}", now)
    if upload.retries > upload.max_retries:
        # Never guess: an operator decides (admin "reconcile") once the platform answers again.
        upload.next_attempt_at = None
        upload.last_error = f"Outcome still unknown after {upload.max_retries} checks: {message}"[:2000]
    else:
        upload.next_attempt_at = now + timedelta(seconds=backoff_seconds(upload.retries, None))
    upload.save(update_fields=["retries", "status", "next_attempt_at", "last_error", "error_log", "updated_at"])
    return upload


# --- user actions --------------------------------------------------------------------------
def upload_retry(*, upload: Upload, at: datetime | None = None) -> Upload:
    """Try a failed upload again: it reserves a fresh slot inside the account's limits."""
    at = at or timezone.now()
    if upload.status != UploadStatus.FAILED:
        raise ApplicationError(
            f"Only failed uploads can be retried (this one is {upload.status}).", code="invalid_state"
        )
    if upload.account.status != AccountStatus.ACTIVE:
        raise ApplicationError(
            f"{upload.account} is {upload.account.status}: reactivate or reconnect it first.", code="account_inactive"
        )
    problem = upload.account.connection_problem(at)
    if problem:
        raise ApplicationError(f"{upload.account} cannot post: {problem}.", code="not_connected")
    queue_services.queue_item_reopen_for_upload(item_id=upload.queue_item_id)
    result = reservation.upload_reserve_again(upload=upload, at=at)
    if isinstance(result, Refusal):
        _settle_item(upload.queue_item_id)
        raise reservation.refusal_error(result)
    schedule_publish(result, now=at)
    return result


def uploads_retry_failed(*, owner, at: datetime | None = None) -> tuple[list[Upload], list[str]]:
    """Retry every failed upload of `owner`; returns the retried ones and why others could not be."""
    retried, problems = [], []
    for upload in Upload.objects.filter(owner=owner, status=UploadStatus.FAILED).select_related("account"):
        try:
            retried.append(upload_retry(upload=upload, at=at))
        except ApplicationError as exc:
            problems.append(f"{upload.upload_id}: {exc.message}")
    return retried, problems


@transaction.atomic
def upload_cancel(*, upload: Upload) -> Upload:
    """Cancel an upload that has not started (scheduled, pending or waiting to retry)."""
    now = timezone.now()
    cancelled = Upload.objects.filter(pk=upload.pk, status__in=[UploadStatus.PENDING, UploadStatus.RETRY]).update(
        status=UploadStatus.CANCELLED, next_attempt_at=None, completed_at=now, updated_at=now
    )
    upload.refresh_from_db()
    if not cancelled:
        raise ApplicationError(
            f"Only pending, scheduled or retrying uploads can be cancelled (this one is {upload.status}).",
            code="invalid_state",
        )
    reservation.release_slot(upload)
    queue_services.queue_log(upload.queue_item_id, f"Upload to {upload.account} cancelled")
    _settle_item(upload.queue_item_id)
    return upload


# --- periodic ------------------------------------------------------------------------------
def uploads_dispatch_due(*, now: datetime | None = None, limit: int = 100) -> int:
    """Send tasks for due uploads (scheduled, retries, unknown outcomes) and recover stalled ones.

    Idempotent: the tasks claim each upload with a conditional update, so a second message for
    the same upload does nothing.
    """
    from distribution import tasks

    now = now or timezone.now()
    stale_before = now - timedelta(seconds=settings.UPLOAD_STALE_SECONDS)
    # A worker that died mid-upload leaves it `uploading`: the saved session resumes it.
    Upload.objects.filter(status=UploadStatus.UPLOADING, updated_at__lt=stale_before).update(
        status=UploadStatus.RETRY, next_attempt_at=now, updated_at=now
    )
    due = Upload.objects.filter(next_attempt_at__lte=now).order_by("next_attempt_at")
    publish = list(
        due.filter(status__in=[UploadStatus.PENDING, UploadStatus.RETRY]).values_list("pk", flat=True)[:limit]
    )
    check = list(due.filter(status=UploadStatus.UNKNOWN).values_list("pk", flat=True)[:limit])
    for pk in publish:
        tasks.publish_upload.delay(pk)
    for pk in check:
        tasks.reconcile_upload.delay(pk)
    return len(publish) + len(check)
