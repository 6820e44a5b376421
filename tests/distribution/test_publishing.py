"""Publishing reserved uploads against the loopback emulators, from a ready queue item to a post."""

import hashlib
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import AccountPost, AccountStatus
from accounts.signals import account_needs_attention
from distribution.emulators import Fault
from distribution.models import CommentStatus, Distribution, DistributionStatus, UploadStatus
from distribution.services import publishing, reservation
from production.models import Campaign, QueueStatus

CHUNK = 256 * 1024


def received_sha(platform, emulator) -> list[str]:
    """SHA-256 of every video the platform made, from the bytes that crossed the socket."""
    if platform == "youtube":
        return [video.sha256 for video in emulator.videos.values()]
    if platform == "tiktok":
        return [p.upload.sha256() for p in emulator.publishes.values() if p.upload.complete]
    if platform == "facebook":
        return [reel.upload.sha256() for reel in emulator.reels.values() if reel.published]
    return [media.sha256 for media in emulator.media.values()]


def file_sha(item) -> str:
    with item.output_asset.file.open("rb") as file:
        return hashlib.sha256(file.read()).hexdigest()


def publish(upload, *, later=timedelta(0)):
    publishing.upload_publish(upload_id=upload.pk, now=timezone.now() + later)
    upload.refresh_from_db()
    return upload


@pytest.mark.parametrize("platform", ["youtube", "tiktok", "facebook", "instagram"])
def test_happy_path_from_ready_item_to_post(platform, request, user, ready_item, connect):
    emulator = request.getfixturevalue(platform)
    account = connect(user, platform, emulator)
    item = ready_item(user, platform, caption="Launch day", hashtags=["#new", "#shorts"], padding=CHUNK * 2)

    upload = publish(reservation.upload_reserve(queue_item=item, platform=platform))

    assert upload.status == UploadStatus.SUCCESS, upload.error_log
    assert received_sha(platform, emulator) == [file_sha(item)]
    assert upload.remote_id and upload.upload_url and upload.account == account
    assert upload.bytes_confirmed == upload.file_size == item.output_asset.size_bytes
    distribution = Distribution.objects.get(upload=upload)
    assert distribution.remote_id == upload.remote_id and distribution.platform == platform
    item.refresh_from_db()
    assert item.status == QueueStatus.UPLOADED
    account.refresh_from_db()
    assert account.posts_count == 1 and AccountPost.objects.filter(account=account).count() == 1
    attempts = list(upload.attempts.all())
    assert attempts and all(a.http_status for a in attempts)
    logged = " ".join(f"{a.request_summary} {a.response_body}" for a in attempts)
    assert account.access_token not in logged and account.refresh_token not in logged


def test_instagram_live_limit_is_stored_on_the_account(user, ready_item, connect, instagram):
    account = connect(user, "instagram", instagram)
    publish(reservation.upload_reserve(queue_item=ready_item(user, "instagram"), account=account))
    account.refresh_from_db()
    assert account.publishing_limit == instagram.quota_total and account.publishing_limit_checked_at


def test_dropped_connection_resumes_with_only_the_missing_bytes(user, ready_item, connect, youtube):
    account = connect(user, "youtube", youtube)
    item = ready_item(user, "youtube", padding=CHUNK * 4)
    youtube.faults.append(Fault.drop("upload", after_bytes=100_000, skip=1, times=2))  # second chunk, twice

    upload = publish(reservation.upload_reserve(queue_item=item, account=account))
    [session] = youtube.sessions.values()
    held = session.upload.committed
    assert upload.status == UploadStatus.RETRY and CHUNK <= upload.bytes_confirmed <= held < upload.file_size
    sent_before = sum(r.body_bytes for r in youtube.routes_hit("upload"))

    upload = publish(upload, later=timedelta(hours=2))

    assert upload.status == UploadStatus.SUCCESS
    sent_after = sum(r.body_bytes for r in youtube.routes_hit("upload")) - sent_before
    assert sent_after == upload.file_size - held  # only the missing bytes crossed the socket again
    assert received_sha("youtube", youtube) == [file_sha(item)] and len(youtube.routes_hit("start")) == 1


def test_expired_token_is_refreshed_and_saved_encrypted(user, ready_item, connect, youtube):
    account = connect(user, "youtube", youtube)
    old_access, old_refresh = account.access_token, account.refresh_token
    youtube.expire_tokens()

    upload = publish(reservation.upload_reserve(queue_item=ready_item(user, "youtube"), account=account))

    assert upload.status == UploadStatus.SUCCESS and youtube.refresh_count == 1
    account.refresh_from_db()
    assert account.access_token != old_access and account.access_token in youtube.access_tokens
    assert account.refresh_token == old_refresh  # Google sent none back: the stored one is kept
    assert account.token_expires_at is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT access_token, refresh_token FROM accounts_socialaccount WHERE id = %s", [account.pk])
        raw = " ".join(str(value) for value in cursor.fetchone())
    assert account.access_token not in raw and old_refresh not in raw


def test_rate_limit_backs_off_honouring_retry_after(user, ready_item, connect, tiktok):
    account = connect(user, "tiktok", tiktok)
    body = {"data": {}, "error": {"code": "rate_limit_exceeded", "message": "Slow down", "log_id": "1"}}
    tiktok.faults.append(Fault.respond("init", 429, body, headers={"Retry-After": "600"}))
    started = timezone.now()

    upload = publish(reservation.upload_reserve(queue_item=ready_item(user, "tiktok"), account=account))

    assert upload.status == UploadStatus.RETRY and upload.retries == 1 and upload.error_kind == "rate_limited"
    assert upload.next_attempt_at >= started + timedelta(seconds=600)
    assert upload.attempts.filter(http_status=429).exists()
    assert publishing.upload_publish(upload_id=upload.pk) is None  # not due yet: nobody sends it

    upload = publish(upload, later=timedelta(minutes=11))
    assert upload.status == UploadStatus.SUCCESS and len(tiktok.publishes) == 1


def test_server_errors_back_off_exponentially_then_fail_after_max_retries(
    user, ready_item, connect, youtube, settings, time_machine
):
    settings.UPLOAD_MAX_RETRIES = 2
    settings.UPLOAD_BACKOFF_BASE_SECONDS = 30
    account = connect(user, "youtube", youtube)
    youtube.faults.append(Fault.respond("start", 503, times=100))
    upload = reservation.upload_reserve(queue_item=ready_item(user, "youtube"), account=account)
    delays, start = [], timezone.now()
    for hours in range(3):
        time_machine.move_to(start + timedelta(hours=hours))
        before = timezone.now()
        upload = publish(upload)
        if upload.next_attempt_at:
            delays.append((upload.next_attempt_at - before).total_seconds())

    assert 15 <= delays[0] <= 31 and 30 <= delays[1] <= 61  # 30 s then 60 s, jittered down to half
    assert upload.status == UploadStatus.FAILED and "Gave up after 2 retries" in upload.last_error
    assert not AccountPost.objects.filter(reference=str(upload.upload_id)).exists()  # the slot is free again
    assert len(youtube.routes_hit("start")) == 3 * 2  # two quick tries in each of three runs


def test_permanent_error_fails_with_the_platform_message_and_counts_an_error(
    user, ready_item, connect, youtube, settings
):
    settings.ACCOUNT_ERROR_THRESHOLD = 2
    account = connect(user, "youtube", youtube)
    body = {
        "error": {"code": 400, "message": "The video title is not allowed.", "errors": [{"reason": "invalidTitle"}]}
    }
    youtube.faults.append(Fault.respond("start", 400, body, times=2))
    items = [ready_item(user, "youtube") for _ in range(2)]

    first = publish(reservation.upload_reserve(queue_item=items[0], account=account))

    assert first.status == UploadStatus.FAILED and "The video title is not allowed." in first.last_error
    assert first.error_kind == "policy"
    account.refresh_from_db()
    assert account.consecutive_errors == 1 and account.status == AccountStatus.ACTIVE
    assert not AccountPost.objects.filter(account=account).exists()
    items[0].refresh_from_db()
    assert items[0].status == QueueStatus.FAILED  # its only upload failed for good

    account.upload_cooldown_minutes = 0
    account.save()
    publish(reservation.upload_reserve(queue_item=items[1], account=account))
    account.refresh_from_db()
    assert account.status == AccountStatus.DEACTIVATED and "not allowed" in account.status_reason


def test_revoked_token_expires_the_account_and_signals(
    user, ready_item, connect, tiktok, django_capture_on_commit_callbacks
):
    account = connect(user, "tiktok", tiktok)
    tiktok.revoke()
    heard = []

    def listener(sender, account, reason, **kwargs):
        heard.append((account.pk, reason))

    account_needs_attention.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            upload = publish(reservation.upload_reserve(queue_item=ready_item(user, "tiktok"), account=account))
    finally:
        account_needs_attention.disconnect(listener)

    account.refresh_from_db()
    assert upload.status == UploadStatus.FAILED and account.status == AccountStatus.EXPIRED
    assert "no longer accepts its token" in account.status_reason
    assert heard and heard[0][0] == account.pk
    assert account.refresh_token not in account.status_reason + upload.last_error + upload.error_log


def test_unknown_outcome_is_reconciled_without_posting_twice(user, ready_item, connect, youtube, settings):
    settings.PLATFORM_HTTP_READ_TIMEOUT = 0.5
    youtube.hang_seconds = 2
    account = connect(user, "youtube", youtube)
    item = ready_item(user, "youtube", padding=CHUNK)
    youtube.faults.append(Fault.hang("upload", skip=1))  # the last chunk: taken, never answered

    upload = publish(reservation.upload_reserve(queue_item=item, account=account))
    assert upload.status == UploadStatus.UNKNOWN and upload.error_kind == "unknown_outcome"
    assert publishing.upload_publish(upload_id=upload.pk, now=timezone.now() + timedelta(hours=1)) is None
    bytes_before = youtube.body_bytes

    publishing.upload_reconcile(upload_id=upload.pk, now=timezone.now() + timedelta(minutes=5))

    upload.refresh_from_db()
    assert upload.status == UploadStatus.SUCCESS and upload.remote_id in youtube.videos
    assert len(youtube.videos) == 1 and youtube.body_bytes == bytes_before
    assert received_sha("youtube", youtube) == [file_sha(item)]


def test_same_item_and_account_twice_makes_one_remote_video(user, ready_item, connect, facebook):
    account = connect(user, "facebook", facebook)
    item = ready_item(user, "facebook")

    first = reservation.upload_reserve(queue_item=item, account=account)
    again = reservation.upload_reserve(queue_item=item, account=account)
    best = reservation.upload_reserve(queue_item=item, platform="facebook")
    publish(first)
    publish(again)
    assert reservation.upload_reserve(queue_item=item, platform="facebook") == first

    assert first.pk == again.pk == best.pk
    assert len(facebook.reels) == 1 and sum(reel.published for reel in facebook.reels.values()) == 1
    assert AccountPost.objects.filter(account=account).count() == 1


def test_youtube_schedules_natively_with_publish_at(user, ready_item, connect, youtube):
    account = connect(user, "youtube", youtube)
    when = timezone.now() + timedelta(days=2)

    upload = reservation.upload_reserve(queue_item=ready_item(user, "youtube"), account=account, scheduled_at=when)
    assert upload.next_attempt_at <= timezone.now()  # sent now, public then
    upload = publish(upload)

    [video] = youtube.videos.values()
    assert video.status["privacyStatus"] == "private" and video.status["publishAt"].startswith(when.date().isoformat())
    assert upload.remote_status == "scheduled"
    assert Distribution.objects.get(upload=upload).status == DistributionStatus.SCHEDULED


def test_unaudited_app_forcing_private_is_surfaced(user, ready_item, connect, youtube):
    youtube.unaudited = True
    account = connect(user, "youtube", youtube)
    upload = publish(reservation.upload_reserve(queue_item=ready_item(user, "youtube"), account=account))
    assert upload.status == UploadStatus.SUCCESS and upload.privacy_forced
    assert any("private" in warning for warning in upload.warnings)


def test_instagram_without_public_media_url_is_not_configured(user, ready_item, connect, instagram, settings):
    settings.PUBLIC_MEDIA_BASE_URL = ""
    account = connect(user, "instagram", instagram)
    upload = publish(reservation.upload_reserve(queue_item=ready_item(user, "instagram"), account=account))
    account.refresh_from_db()
    assert upload.status == UploadStatus.FAILED and "PUBLIC_MEDIA_BASE_URL" in upload.last_error
    assert account.consecutive_errors == 0  # our configuration, not the account's fault


def test_stalled_upload_is_recovered_and_resumed(user, ready_item, connect, youtube, settings):
    settings.UPLOAD_STALE_SECONDS = 60
    account = connect(user, "youtube", youtube)
    upload = reservation.upload_reserve(queue_item=ready_item(user, "youtube"), account=account)
    upload.__class__.objects.filter(pk=upload.pk).update(status=UploadStatus.UPLOADING)

    sent = publishing.uploads_dispatch_due(now=timezone.now() + timedelta(minutes=5))

    upload.refresh_from_db()
    assert sent == 1 and upload.status == UploadStatus.RETRY
    assert publish(upload, later=timedelta(minutes=5)).status == UploadStatus.SUCCESS


# --- the first comment ---------------------------------------------------------------------
def test_first_comment_is_posted_right_after_the_video(user, ready_item, connect, youtube):
    account = connect(user, "youtube", youtube)
    upload = reservation.upload_reserve(
        queue_item=ready_item(user, "youtube"), account=account, first_comment="  Which colour next?  "
    )
    assert upload.first_comment == "Which colour next?" and upload.first_comment_status == CommentStatus.PENDING

    upload = publish(upload)

    assert upload.status == UploadStatus.SUCCESS
    assert upload.first_comment_status == CommentStatus.POSTED and upload.first_comment_at
    assert youtube.comments[upload.first_comment_id] == {"videoId": upload.remote_id, "text": "Which colour next?"}
    assert any("commentThreads" in a.request_summary for a in upload.attempts.all())  # in its audit trail


def test_a_refused_first_comment_never_fails_the_upload(user, ready_item, connect, facebook):
    account = connect(user, "facebook", facebook)
    facebook.faults.append(Fault.respond("comment", 500, times=10))

    upload = publish(reservation.upload_reserve(queue_item=ready_item(user, "facebook"), account=account,
                                                first_comment="First!"))  # fmt: skip

    assert upload.status == UploadStatus.SUCCESS and upload.upload_url
    assert upload.first_comment_status == CommentStatus.FAILED and upload.first_comment_error
    assert Distribution.objects.filter(upload=upload).exists()
    account.refresh_from_db()
    assert account.consecutive_errors == 0 and account.status == AccountStatus.ACTIVE
    item = upload.queue_item
    item.refresh_from_db()
    assert item.status == QueueStatus.UPLOADED


def test_tiktok_takes_no_first_comment_and_is_never_asked(user, ready_item, connect, tiktok):
    account = connect(user, "tiktok", tiktok)

    upload = reservation.upload_reserve(queue_item=ready_item(user, "tiktok"), account=account, first_comment="Hi")

    assert upload.first_comment_status == CommentStatus.UNSUPPORTED
    assert "TikTok takes no first comment" in upload.first_comment_error and upload.warnings
    upload = publish(upload)
    assert upload.status == UploadStatus.SUCCESS and upload.first_comment_status == CommentStatus.UNSUPPORTED
    assert not any("comment" in r.path for r in tiktok.requests)


def test_the_campaigns_first_comment_is_used_when_none_is_asked(user, ready_item, connect, youtube):
    account = connect(user, "youtube", youtube)
    campaign = Campaign.objects.create(
        owner=user, name="Drop", target_platforms=["youtube"], first_comment_template="Shop {campaign}: {link|url}"
    )
    item = ready_item(user, "youtube", campaign=campaign)

    upload = publish(reservation.upload_reserve(queue_item=item, account=account))

    assert upload.first_comment in ("Shop Drop: link", "Shop Drop: url")
    assert upload.first_comment_status == CommentStatus.POSTED and len(youtube.comments) == 1
    second = connect(user, "youtube", youtube, remote_id="UC-second")
    quiet = reservation.upload_reserve(queue_item=ready_item(user, "youtube", campaign=campaign), account=second,
                                       first_comment="")  # fmt: skip
    assert quiet.first_comment == "" and quiet.first_comment_status == CommentStatus.NONE
