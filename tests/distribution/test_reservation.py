"""Reserving uploads: account choice, limits that hold under concurrency, windows, jitter, caps."""

import random
import threading
from collections import Counter
from datetime import UTC, datetime, time, timedelta
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import AccountPost
from accounts.selectors import social_account_best, social_account_can_upload
from common.errors import ApplicationError
from distribution.models import Upload, UploadStatus
from distribution.services import publishing, reservation
from distribution.services.sending import Target, uploads_send
from production.models import Campaign, DistributionStrategy, QueueStatus

NOW = datetime(2030, 3, 4, 12, 0, tzinfo=UTC)
TOKEN = "live-access-token"  # what a connected account holds (OAuth, or pasted by hand)


@pytest.fixture
def sandbox(user, account_factory):
    """make(**fields): a sandbox account of `user`."""

    def make(**fields):
        return account_factory(owner=user, platform="sandbox", **fields)

    return make


def test_only_ready_items_of_the_accounts_owner_are_reserved(user, other_user, ready_item, account_factory):
    item = ready_item(user)
    mine = account_factory(owner=user, platform="sandbox")
    theirs = account_factory(owner=other_user, platform="sandbox")
    with pytest.raises(ApplicationError, match="not yours"):
        reservation.upload_reserve(queue_item=item, account=theirs)
    item.status = QueueStatus.PENDING
    item.save()
    with pytest.raises(ApplicationError, match="Only ready videos") as caught:
        reservation.upload_reserve(queue_item=item, account=mine)
    assert caught.value.fields["queue_item"]
    assert not Upload.objects.exists() and not AccountPost.objects.exists()


def test_bad_arguments_change_nothing(user, ready_item, sandbox):
    item, account = ready_item(user), sandbox()
    for kwargs, field in [
        ({"account": account, "privacy": "secret"}, "privacy"),
        ({"account": account, "scheduled_at": NOW.replace(tzinfo=None)}, "scheduled_at"),
        ({"account": account, "scheduled_at": timezone.now() - timedelta(hours=1)}, "scheduled_at"),
        ({"platform": "myspace"}, "platform"),
        ({"account": account, "platform": "tiktok"}, "platform"),
    ]:
        with pytest.raises(ApplicationError) as caught:
            reservation.upload_reserve(queue_item=item, **kwargs)
        assert field in caught.value.fields
    with pytest.raises(ApplicationError, match="no active TikTok account"):
        reservation.upload_reserve(queue_item=item, platform="tiktok")
    assert not Upload.objects.exists()


def test_hourly_limit_refuses_with_the_time_it_frees_up(user, ready_item, sandbox):
    account = sandbox(hourly_upload_limit=2, upload_cooldown_minutes=0)
    for minutes in (0, 10):
        reservation.upload_reserve(queue_item=ready_item(user), account=account, at=NOW + timedelta(minutes=minutes))

    with pytest.raises(ApplicationError, match="Hourly limit reached") as caught:
        reservation.upload_reserve(queue_item=ready_item(user), account=account, at=NOW + timedelta(minutes=20))

    assert caught.value.code == "limit_reached"
    assert caught.value.extra["next_allowed_at"] == (NOW + timedelta(hours=1)).isoformat()
    assert AccountPost.objects.filter(account=account).count() == 2


def test_cooldown_and_daily_limit_hold(user, ready_item, sandbox):
    account = sandbox(upload_cooldown_minutes=30, daily_upload_limit=2, hourly_upload_limit=2)
    reservation.upload_reserve(queue_item=ready_item(user), account=account, at=NOW)
    with pytest.raises(ApplicationError, match="Cooling down"):
        reservation.upload_reserve(queue_item=ready_item(user), account=account, at=NOW + timedelta(minutes=29))
    reservation.upload_reserve(queue_item=ready_item(user), account=account, at=NOW + timedelta(minutes=30))
    with pytest.raises(ApplicationError, match="Daily limit reached"):
        reservation.upload_reserve(queue_item=ready_item(user), account=account, at=NOW + timedelta(hours=3))


def _campaign(user, strategy, accounts, weights=None):
    campaign = Campaign.objects.create(
        owner=user, name=strategy, target_platforms=["sandbox"], distribution_strategy=strategy,
        account_weights=weights or {},
    )  # fmt: skip
    campaign.target_accounts.set(accounts)
    return campaign


def _chosen(user, ready_item, campaign, count, **kwargs):
    chosen = []
    for n in range(count):
        item = ready_item(user, campaign=campaign)
        at = NOW + timedelta(minutes=n)
        chosen.append(reservation.upload_reserve(queue_item=item, platform="sandbox", at=at, **kwargs).account_id)
    return chosen


def test_round_robin_rotates_over_the_campaign_targets(user, ready_item, sandbox):
    a, b, c = (sandbox(upload_cooldown_minutes=0) for _ in range(3))
    sandbox()  # not a target: never used
    campaign = _campaign(user, DistributionStrategy.ROUND_ROBIN, [a, b, c])
    assert _chosen(user, ready_item, campaign, 6) == [a.pk, b.pk, c.pk] * 2


def test_sequential_fills_the_first_account_before_the_next(user, ready_item, sandbox):
    a = sandbox(upload_cooldown_minutes=0, hourly_upload_limit=2)
    b = sandbox(upload_cooldown_minutes=0)
    campaign = _campaign(user, DistributionStrategy.SEQUENTIAL, [b, a])
    assert _chosen(user, ready_item, campaign, 4) == [a.pk, a.pk, b.pk, b.pk]


def test_weighted_follows_the_weights_and_skips_weight_zero(user, ready_item, sandbox):
    heavy, light, never = (sandbox(upload_cooldown_minutes=0) for _ in range(3))
    weights = {str(heavy.pk): 9, str(light.pk): 1, str(never.pk): 0}
    campaign = _campaign(user, DistributionStrategy.WEIGHTED, [heavy, light, never], weights)
    counts = Counter(_chosen(user, ready_item, campaign, 30, rng=random.Random(7)))
    assert never.pk not in counts and counts[heavy.pk] > counts[light.pk]


def test_random_uses_every_target(user, ready_item, sandbox):
    accounts = [sandbox(upload_cooldown_minutes=0) for _ in range(3)]
    campaign = _campaign(user, DistributionStrategy.RANDOM, accounts)
    assert set(_chosen(user, ready_item, campaign, 20, rng=random.Random(3))) == {a.pk for a in accounts}


def test_best_account_skips_a_full_one(user, ready_item, sandbox):
    full = sandbox(hourly_upload_limit=1)
    free = sandbox()
    reservation.upload_reserve(queue_item=ready_item(user), account=full, at=NOW)
    upload = reservation.upload_reserve(queue_item=ready_item(user), platform="sandbox", at=NOW + timedelta(minutes=5))
    assert upload.account == free


def test_outside_the_posting_window_the_upload_waits_for_it(user, ready_item, sandbox, time_machine):
    account = sandbox(time_zone="Europe/Berlin", posting_window_start=time(9, 0), posting_window_end=time(22, 0))
    late = datetime(2030, 3, 4, 22, 30, tzinfo=UTC)  # 23:30 in Berlin
    time_machine.move_to(late, tick=False)

    upload = reservation.upload_reserve(queue_item=ready_item(user), account=account)

    opening = datetime(2030, 3, 5, 8, 0, tzinfo=UTC)  # 09:00 in Berlin
    assert upload.scheduled_at == opening == upload.slot_at == upload.next_attempt_at
    assert any("posting window" in warning for warning in upload.warnings)
    assert AccountPost.objects.get(account=account).posted_at == opening
    with mock.patch("distribution.tasks.publish_upload.delay") as send:
        time_machine.move_to(opening - timedelta(minutes=1), tick=False)
        assert publishing.uploads_dispatch_due() == 0
        assert publishing.upload_publish(upload_id=upload.pk) is None  # not due: nothing happens
        time_machine.move_to(opening, tick=False)
        assert publishing.uploads_dispatch_due() == 1
    send.assert_called_once_with(upload.pk)
    assert publishing.upload_publish(upload_id=upload.pk).status == UploadStatus.SUCCESS


def test_window_wrapping_midnight(user, ready_item, sandbox):
    account = sandbox(posting_window_start=time(22, 0), posting_window_end=time(2, 0))
    inside = reservation.upload_reserve(queue_item=ready_item(user), account=account, at=NOW.replace(hour=23))
    assert inside.scheduled_at is None
    outside = reservation.upload_reserve(queue_item=ready_item(user), account=account, at=NOW.replace(hour=3))
    assert outside.scheduled_at == NOW.replace(hour=22)


def test_jitter_spaces_posts_out_instead_of_refusing(user, ready_item, sandbox):
    account = sandbox(upload_cooldown_minutes=10, jitter_minutes=30)
    reservation.upload_reserve(queue_item=ready_item(user), account=account, at=NOW)
    gaps = []
    for n in range(3):
        rng = random.Random(n)
        expected = timedelta(minutes=10) + timedelta(minutes=random.Random(n).uniform(0, 30))
        at = NOW + timedelta(minutes=11 + 60 * n)
        last = AccountPost.objects.filter(account=account).order_by("-posted_at").first().posted_at
        upload = reservation.upload_reserve(queue_item=ready_item(user), account=account, at=at, rng=rng)
        gaps.append(upload.slot_at - last)
        assert upload.slot_at == max(at, last + expected)
    assert all(timedelta(minutes=10) <= gap <= timedelta(minutes=60) for gap in gaps)


def test_scheduled_posts_are_counted_on_both_sides_of_a_slot(user, ready_item, sandbox):
    account = sandbox(hourly_upload_limit=1, upload_cooldown_minutes=0)
    reservation.upload_reserve(
        queue_item=ready_item(user), account=account, at=NOW, scheduled_at=NOW + timedelta(minutes=30)
    )
    with pytest.raises(ApplicationError, match="Hourly limit"):
        reservation.upload_reserve(queue_item=ready_item(user), account=account, at=NOW)


def test_facebook_reels_cap_per_page_per_rolling_day(user, ready_item, account_factory, settings):
    settings.FACEBOOK_REELS_PER_DAY = 2
    page = account_factory(owner=user, platform="facebook", hourly_upload_limit=10, daily_upload_limit=30,
                           upload_cooldown_minutes=0, access_token=TOKEN)  # fmt: skip
    for hours in (0, 12):
        reservation.upload_reserve(
            queue_item=ready_item(user, "facebook"), account=page, at=NOW + timedelta(hours=hours)
        )
    with pytest.raises(ApplicationError, match="Facebook's limit"):
        reservation.upload_reserve(queue_item=ready_item(user, "facebook"), account=page, at=NOW + timedelta(hours=23))


def test_tiktok_pending_inbox_drafts_are_capped(user, ready_item, account_factory, settings):
    settings.TIKTOK_MAX_PENDING_DRAFTS = 2
    account = account_factory(
        owner=user, platform="tiktok", upload_cooldown_minutes=0, hourly_upload_limit=10, access_token=TOKEN
    )
    inbox = {"tiktok_mode": "inbox"}
    for n in range(2):
        reservation.upload_reserve(
            queue_item=ready_item(user, "tiktok"), account=account, at=NOW + timedelta(minutes=n), options=inbox
        )
    reservation.upload_reserve(queue_item=ready_item(user, "tiktok"), account=account, at=NOW)  # direct posts go on
    with pytest.raises(ApplicationError, match="pending drafts"):
        reservation.upload_reserve(queue_item=ready_item(user, "tiktok"), account=account, at=NOW, options=inbox)


def test_youtube_daily_bucket_is_shared_by_the_whole_project(user, other_user, ready_item, account_factory, settings):
    settings.YOUTUBE_DAILY_UPLOAD_BUCKET = 2
    mine = account_factory(owner=user, platform="youtube", access_token=TOKEN)
    theirs = account_factory(owner=other_user, platform="youtube", access_token=TOKEN)
    reservation.upload_reserve(queue_item=ready_item(user, "youtube"), account=mine, at=NOW)
    reservation.upload_reserve(queue_item=ready_item(other_user, "youtube"), account=theirs, at=NOW)
    other = account_factory(owner=user, platform="youtube", access_token=TOKEN)
    with pytest.raises(ApplicationError, match="daily upload quota") as caught:
        reservation.upload_reserve(queue_item=ready_item(user, "youtube"), account=other, at=NOW)
    # Pacific midnight after 04:00 PT on 4 March 2030 (PST, UTC-8)
    assert caught.value.extra["next_allowed_at"] == "2030-03-05T00:00:00-08:00"


def test_instagram_live_limit_caps_the_account(user, ready_item, account_factory):
    account = account_factory(
        owner=user, platform="instagram", publishing_limit=1, upload_cooldown_minutes=0, access_token=TOKEN
    )
    reservation.upload_reserve(queue_item=ready_item(user, "instagram"), account=account, at=NOW)
    with pytest.raises(ApplicationError, match="Instagram's publishing limit"):
        reservation.upload_reserve(
            queue_item=ready_item(user, "instagram"), account=account, at=NOW + timedelta(hours=2)
        )


def test_can_upload_and_the_reservation_agree_about_an_account(user, ready_item, sandbox, account_factory, settings):
    """One limits engine: what can-upload, best and rotation say is what the reservation does."""
    settings.YOUTUBE_DAILY_UPLOAD_BUCKET = 1
    first, second = (account_factory(owner=user, platform="youtube", access_token=TOKEN) for _ in range(2))
    reservation.upload_reserve(queue_item=ready_item(user, "youtube"), account=first, at=NOW)
    scheduled = sandbox(hourly_upload_limit=1, upload_cooldown_minutes=0)
    reservation.upload_reserve(
        queue_item=ready_item(user), account=scheduled, at=NOW, scheduled_at=NOW + timedelta(minutes=30)
    )

    for account, words in ((second, "daily upload quota"), (scheduled, "Hourly limit reached (1/1)")):
        check = social_account_can_upload(account=account, at=NOW)
        with pytest.raises(ApplicationError) as caught:
            reservation.upload_reserve(queue_item=ready_item(user, account.platform), account=account, at=NOW)
        assert not check.allowed and words in check.reason and words in caught.value.message
        assert caught.value.extra["next_allowed_at"] == check.next_allowed_at.isoformat()
    assert social_account_best(user=user, platform="youtube", at=NOW) is None


def test_cancel_frees_the_slot_and_a_new_reservation_revives_the_pair(user, ready_item, sandbox):
    account = sandbox(hourly_upload_limit=1)
    item = ready_item(user)
    upload = reservation.upload_reserve(queue_item=item, account=account, at=NOW + timedelta(days=1))
    publishing.upload_cancel(upload=upload)
    assert upload.status == UploadStatus.CANCELLED and not AccountPost.objects.exists()
    with pytest.raises(ApplicationError, match="can be cancelled"):
        publishing.upload_cancel(upload=upload)

    again = reservation.upload_reserve(queue_item=item, account=account, at=NOW + timedelta(days=1))
    assert again.pk == upload.pk and again.status == UploadStatus.PENDING
    assert AccountPost.objects.get().reference == str(upload.upload_id)


def test_retrying_a_failed_upload_reserves_a_fresh_slot(user, ready_item, sandbox):
    account = sandbox()
    item = ready_item(user, own_file=True)
    upload = reservation.upload_reserve(queue_item=item, account=account)
    item.output_asset.file.storage.delete(item.output_asset.file.name)  # the file vanished
    publishing.upload_publish(upload_id=upload.pk)
    upload.refresh_from_db()
    item.refresh_from_db()
    assert upload.status == UploadStatus.FAILED and item.status == QueueStatus.FAILED
    assert not AccountPost.objects.exists()

    retried = publishing.upload_retry(upload=upload)

    item.refresh_from_db()
    assert retried.pk == upload.pk and retried.status == UploadStatus.PENDING and item.status == QueueStatus.READY
    assert AccountPost.objects.filter(reference=str(upload.upload_id)).count() == 1
    with pytest.raises(ApplicationError, match="Only failed uploads"):
        publishing.upload_retry(upload=retried)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_sends_never_exceed_account_limits(user, ready_item, account_factory):
    """8 threads race 100 sends (the one send service every door uses) onto accounts limited to 5 an hour."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL); SQLite serialises writers")
    accounts = [
        account_factory(owner=user, platform="sandbox", hourly_upload_limit=5, daily_upload_limit=100,
                        upload_cooldown_minutes=0)
        for _ in range(4)
    ]  # fmt: skip
    items = [ready_item(user) for _ in range(100)]
    pending = list(items)
    lock, start = threading.Lock(), threading.Barrier(8)
    outcomes = Counter()

    def worker() -> None:
        start.wait()
        try:
            while True:
                with lock:
                    if not pending:
                        return
                    item = pending.pop()
                sent = uploads_send(item=item, targets=[Target(platform="sandbox")])
                outcome = "reserved" if sent.uploads else sent.refusals[0].code
                with lock:
                    outcomes[outcome] += 1
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    with mock.patch("distribution.tasks.publish_upload.apply_async"):  # reservations only: no workers here
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

    assert outcomes == {"reserved": 20, "limit_reached": 80}
    for account in accounts:
        times = sorted(AccountPost.objects.filter(account=account).values_list("posted_at", flat=True))
        assert len(times) == 5
        for first in times:
            assert sum(1 for t in times if first <= t < first + timedelta(hours=1)) <= 5
    assert Upload.objects.count() == 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_copies_of_one_video_reach_an_account_once(user, ready_item, account_factory):
    """8 threads send 8 queue items of the same file to one account at once: one post, 7 refusals."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL); SQLite serialises writers")
    account = account_factory(owner=user, platform="sandbox", upload_cooldown_minutes=0)
    original = ready_item(user)
    copies = [original] + [ready_item(user, same_file_as=original) for _ in range(7)]
    start, outcomes, lock = threading.Barrier(8), Counter(), threading.Lock()

    def worker(item) -> None:
        start.wait()
        try:
            sent = uploads_send(item=item, targets=[Target(account=account)])
            with lock:
                outcomes["reserved" if sent.uploads else sent.refusals[0].code] += 1
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(item,)) for item in copies]
    with mock.patch("distribution.tasks.publish_upload.apply_async"):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

    assert outcomes == {"reserved": 1, "duplicate_content": 7}
    assert Upload.objects.filter(account=account).count() == 1 == AccountPost.objects.filter(account=account).count()
