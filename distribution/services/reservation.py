"""Reserving an upload: choose the account, find its slot inside every limit, record both at once.

Each try is one transaction that locks, in this order, the queue item, the account and (for
YouTube) the platform row, then counts the account's posts and creates the Upload together
with the AccountPost the limits count. Any number of workers therefore never put more posts
in an hour, a day or a cooldown than an account allows, nor past a platform's own caps.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from accounts.models import AccountPost, AccountStatus, SocialAccount
from accounts.platforms import Platform
from common.errors import ApplicationError
from distribution.models import OPEN_STATUSES, PlatformLock, Privacy, Upload, UploadStatus
from distribution.services import captions, slots
from production.models import DistributionStrategy, QueueItem, QueueStatus
from production.services import render
from production.services.queue import queue_log

PACIFIC = ZoneInfo("America/Los_Angeles")
# Render presets -> the platform a video is meant for (when its campaign names none).
PLATFORM_OF_PRESET = {**render.PLATFORM_OF_PRESET, "sandbox": "sandbox"}
# A scheduled time this far in the past is taken as "now" (clock skew between client and server).
PAST_TOLERANCE = timedelta(minutes=5)


@dataclass
class Refusal:
    account: SocialAccount
    reason: str
    next_at: datetime | None


def target_platforms(item: QueueItem) -> list[str]:
    """The platforms a video goes to: its campaign's targets, else the one its render preset names."""
    if item.campaign_id and item.campaign.target_platforms:
        return [p for p in item.campaign.target_platforms if p in Platform.values]
    platform = PLATFORM_OF_PRESET.get(item.platform)
    return [platform] if platform else []


def upload_reserve(
    *,
    queue_item: QueueItem,
    account: SocialAccount | None = None,
    platform: str | None = None,
    at: datetime | None = None,
    scheduled_at: datetime | None = None,
    privacy: str = Privacy.PUBLIC,
    options: dict | None = None,
    rng: random.Random | None = None,
) -> Upload:
    """Reserve a slot and create the Upload of `queue_item` to `account` (or the best account
    on `platform` by the campaign's strategy). Reserving the same pair again returns the same
    upload. A slot outside the posting window or inside the random gap is scheduled later;
    a slot past a hard limit is refused with the time it frees up.
    """
    at = at or timezone.now()
    rng = rng or random.Random()
    _check_item(queue_item)
    if privacy not in Privacy.values:
        raise ApplicationError(f"Unknown privacy {privacy!r}.", fields={"privacy": ["Not a valid choice."]})
    if scheduled_at is not None:
        if timezone.is_naive(scheduled_at):
            raise ApplicationError("scheduled_at needs a time zone.", fields={"scheduled_at": ["Give a time zone."]})
        if scheduled_at < at - PAST_TOLERANCE:
            raise ApplicationError("scheduled_at is in the past.", fields={"scheduled_at": ["Must be in the future."]})
    if account is not None:
        if account.owner_id != queue_item.owner_id:
            raise ApplicationError("The account is not yours.", fields={"account": ["Not one of your accounts."]})
        if platform and platform != account.platform:
            raise ApplicationError(
                f"The account is on {account.platform}, not {platform}.", fields={"platform": ["Does not match."]}
            )
        candidates, platform = [account], account.platform
    else:
        if platform not in Platform.values:
            raise ApplicationError("Say which platform to post to.", fields={"platform": ["Choose a platform."]})
        existing = _existing_on_platform(queue_item, platform)
        if existing is not None:
            return existing
        candidates = candidate_accounts(queue_item=queue_item, platform=platform, at=at, rng=rng)
        if not candidates:
            raise ApplicationError(
                f"You have no active {Platform(platform).label} account to post to.",
                code="no_account",
                fields={"account": [f"Add or reactivate a {Platform(platform).label} account."]},
            )
    refusals: list[Refusal] = []
    for candidate in candidates:
        result = _reserve_one(
            queue_item=queue_item,
            account=candidate,
            at=at,
            scheduled_at=scheduled_at,
            privacy=privacy,
            options=options or {},
            jitter=timedelta(minutes=rng.uniform(0, candidate.jitter_minutes)) if candidate.jitter_minutes else None,
            best=account is None,
        )
        if isinstance(result, Upload):
            return result
        refusals.append(result)
    raise _refused(refusals)


def _check_item(item: QueueItem) -> None:
    if item.status != QueueStatus.READY:
        raise ApplicationError(
            f"Only ready videos can be uploaded (this one is {item.status}).",
            code="invalid_state",
            fields={"queue_item": [f"The video is {item.status}, not ready."]},
        )
    if item.output_asset_id is None or not item.output_asset.file:
        raise ApplicationError(
            "This video has no rendered file.", code="invalid_state", fields={"queue_item": ["No rendered file."]}
        )


def _existing_on_platform(item: QueueItem, platform: str) -> Upload | None:
    return (
        Upload.objects.filter(queue_item=item, platform=platform)
        .exclude(status=UploadStatus.CANCELLED)
        .order_by("created_at")
        .first()
    )


def candidate_accounts(*, queue_item: QueueItem, platform: str, at: datetime, rng: random.Random):
    """The accounts to try, in the order the campaign's strategy wants them.

    The campaign's target accounts on the platform when it names any, else all the owner's
    active accounts there. sequential: in id order, the first until it is full; round_robin:
    the one that posted least recently first; random: shuffled; weighted: a random order
    drawn by `account_weights` (an account with weight 0 is never used).
    """
    campaign = queue_item.campaign
    qs = SocialAccount.objects.filter(owner_id=queue_item.owner_id, platform=platform, status=AccountStatus.ACTIVE)
    if campaign is not None and campaign.target_accounts.filter(platform=platform).exists():
        qs = qs.filter(campaigns=campaign)
    accounts = list(qs.annotate(last_post_at=Max("posts__posted_at", filter=Q(posts__posted_at__lte=at))))
    strategy = campaign.distribution_strategy if campaign is not None else DistributionStrategy.ROUND_ROBIN
    if strategy == DistributionStrategy.SEQUENTIAL:
        return sorted(accounts, key=lambda a: a.pk)
    if strategy == DistributionStrategy.RANDOM:
        rng.shuffle(accounts)
        return accounts
    if strategy == DistributionStrategy.WEIGHTED:
        weights = {str(key): float(value) for key, value in (campaign.account_weights or {}).items()}
        weighted = [(a, weights.get(str(a.pk), 1.0)) for a in accounts]
        # Efraimidis-Spirakis: sorting by u ** (1 / w) draws an order in proportion to the weights.
        keyed = [(rng.random() ** (1 / w), a) for a, w in weighted if w > 0]
        return [a for _, a in sorted(keyed, key=lambda pair: pair[0], reverse=True)]
    never = datetime.min.replace(tzinfo=at.tzinfo)
    return sorted(accounts, key=lambda a: (a.last_post_at or never, a.pk))


@transaction.atomic
def _reserve_one(
    *, queue_item, account, at, scheduled_at, privacy, options, jitter, best, revive=(UploadStatus.CANCELLED,)
) -> Upload | Refusal:
    item = QueueItem.objects.select_for_update().get(pk=queue_item.pk)
    _check_item(item)
    if best:
        existing = _existing_on_platform(item, account.platform)
        if existing is not None:
            return existing
    locked = SocialAccount.objects.select_for_update().get(pk=account.pk)
    existing = Upload.objects.filter(queue_item=item, account=locked).first()
    if existing is not None and existing.status not in revive:
        return existing
    base = max(at, scheduled_at) if scheduled_at else at
    around = AccountPost.objects.filter(
        account=locked, posted_at__gt=base - slots.RADIUS, posted_at__lt=base + slots.RADIUS
    ).values_list("posted_at", flat=True)
    caps = _platform_caps(locked)
    slot = slots.find_slot(locked, list(around), base, jitter=jitter or timedelta(0), extra_caps=caps)
    if slot.allowed:
        refusal = _platform_refusal(locked, slot.at, options)
        if refusal is not None:
            return refusal
    if not slot.allowed:
        return Refusal(locked, slot.reason, slot.at)
    return _create(item, locked, existing, slot, at=at, privacy=privacy, options=options, requested=scheduled_at)


def _platform_caps(account: SocialAccount) -> list[tuple[int, timedelta, str]]:
    """The platform's own rolling caps on one account, counted over its posts like the hourly limit."""
    if account.platform == Platform.FACEBOOK:
        return [(settings.FACEBOOK_REELS_PER_DAY, slots.DAY, "Facebook's limit of API-published Reels per Page")]
    if account.platform == Platform.INSTAGRAM and account.publishing_limit:
        return [(account.publishing_limit, slots.DAY, "Instagram's publishing limit")]
    return []


def _platform_refusal(account: SocialAccount, slot_at: datetime, options: dict) -> Refusal | None:
    if account.platform == Platform.TIKTOK and options.get("tiktok_mode") == "inbox":
        since = slot_at - timedelta(hours=settings.TIKTOK_DRAFT_HOURS)
        drafts = (
            Upload.objects.filter(account=account, options__tiktok_mode="inbox")
            .filter(Q(status__in=OPEN_STATUSES) | Q(status=UploadStatus.SUCCESS, remote_status="draft"))
            .filter(slot_at__gte=since)
            .count()
        )
        if drafts >= settings.TIKTOK_MAX_PENDING_DRAFTS:
            reason = f"TikTok allows {settings.TIKTOK_MAX_PENDING_DRAFTS} pending drafts in the inbox ({drafts} now)"
            return Refusal(account, reason, slot_at + timedelta(hours=1))
    if account.platform == Platform.YOUTUBE:
        # One bucket for the whole API project, reset at midnight Pacific: lock it, then count.
        PlatformLock.objects.get_or_create(platform=Platform.YOUTUBE)
        PlatformLock.objects.select_for_update().get(platform=Platform.YOUTUBE)
        local = slot_at.astimezone(PACIFIC)
        day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
        day_end = day_start + timedelta(days=1)
        used = (
            Upload.objects.filter(platform=Platform.YOUTUBE, slot_at__gte=day_start, slot_at__lt=day_end)
            .exclude(status=UploadStatus.CANCELLED)
            .exclude(status=UploadStatus.FAILED, started_at__isnull=True)
            .count()
        )
        if used >= settings.YOUTUBE_DAILY_UPLOAD_BUCKET:
            reason = (
                f"YouTube's daily upload quota for this project is used ({used}/{settings.YOUTUBE_DAILY_UPLOAD_BUCKET})"
            )
            return Refusal(account, reason, day_end)
    return None


def _create(item, account, existing, slot, *, at, privacy, options, requested) -> Upload:
    asset = item.output_asset
    fitted = captions.fit_caption(account.platform, caption=item.caption, hashtags=list(item.hashtags))
    scheduled_at = slot.at if slot.at > at + timedelta(seconds=1) else None
    # YouTube schedules natively (publishAt): upload now, it goes public then. Others wait.
    native = account.platform == Platform.YOUTUBE
    warnings = list(fitted.warnings)
    if slot.moved:
        warnings.append(f"Scheduled for {slot.at.isoformat()}: {slot.moved}")
    upload = existing or Upload(queue_item=item, account=account)
    upload.owner_id = item.owner_id
    upload.platform = account.platform
    upload.status = UploadStatus.PENDING
    upload.video_path = asset.file.name
    upload.file_size = asset.size_bytes
    upload.duration_seconds = asset.duration_seconds
    upload.title = fitted.title
    upload.caption = fitted.description
    upload.hashtags = fitted.hashtags
    upload.privacy = privacy
    upload.options = {**options, "account": account.pk}
    upload.warnings = warnings
    upload.slot_at = slot.at
    upload.scheduled_at = scheduled_at
    upload.next_attempt_at = at if (scheduled_at is None or native) else scheduled_at
    upload.max_retries = settings.UPLOAD_MAX_RETRIES
    reset_progress(upload)
    upload.full_clean()
    upload.save()
    AccountPost.objects.create(account=account, posted_at=slot.at, reference=str(upload.upload_id))
    when = f" for {scheduled_at:%Y-%m-%d %H:%M} UTC" if scheduled_at else ""
    queue_log(item, f"Upload to {account} reserved{when}")
    return upload


def _refused(refusals: list[Refusal]) -> ApplicationError:
    times = [r.next_at for r in refusals if r.next_at is not None]
    next_at = min(times) if times else None
    if len(refusals) == 1:
        message = f"{refusals[0].account} cannot post then: {refusals[0].reason}."
    else:
        message = f"None of {len(refusals)} accounts can post then: " + "; ".join(
            f"{r.account}: {r.reason}" for r in refusals
        )
    if next_at is not None:
        message += f" Next possible at {next_at.isoformat()}."
    return ApplicationError(
        message, code="limit_reached", extra={"next_allowed_at": next_at.isoformat() if next_at else None}
    )


def reset_progress(upload: Upload) -> None:
    """Forget an earlier run: no session, no result, no error (a cancelled or failed upload revived)."""
    upload.retries = 0
    upload.started_at = upload.completed_at = None
    upload.upload_url = upload.remote_id = upload.remote_status = ""
    upload.error_kind = upload.last_error = ""
    upload.session_url = upload.publish_id = upload.remote_video_id = upload.remote_container_id = ""
    upload.bytes_confirmed = upload.total_bytes = 0
    upload.session_state = {}
    upload.privacy_forced = False


def release_slot(upload: Upload) -> None:
    """The upload will not post: free the account slot its reservation took."""
    AccountPost.objects.filter(account_id=upload.account_id, reference=str(upload.upload_id)).delete()
