"""Reserving an upload: choose the account, find its slot inside every limit, record both at once.

Each try is one transaction that locks, in this order, the queue item, the account and (for
YouTube) the platform row, then asks the limits engine (`accounts.limits`) about the account's
posts around the slot and creates the Upload together with the AccountPost the engine counts.
Any number of workers therefore never put more posts in an hour, a day or a cooldown than an
account allows, nor past a platform's own caps, nor the same video twice on one account.

Public: `upload_request` (check what is asked, once), `reserve` (one target: an Upload or a
Refusal), `upload_reserve` (the same, raising the refusal), `upload_reserve_again` (a failed
upload's fresh slot), `refusal_error`, `release_slot`, `target_platforms`, `candidate_accounts`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from accounts import limits
from accounts.limits import Refusal, RefusalCode
from accounts.models import AccountPost, AccountStatus, SocialAccount
from accounts.platforms import Platform
from common.errors import ApplicationError
from distribution.models import (
    FIRST_COMMENT_MAX_LENGTH,
    OPEN_STATUSES,
    CommentStatus,
    PlatformLock,
    Privacy,
    Upload,
    UploadStatus,
)
from distribution.platforms import ADAPTERS, PlatformError
from distribution.services import captions, comments, slots
from production.models import DistributionStrategy, QueueItem, QueueStatus
from production.services import campaigns, render
from production.services.queue import queue_log

PACIFIC = ZoneInfo("America/Los_Angeles")
# Render presets -> the platform a video is meant for (when its campaign names none).
PLATFORM_OF_PRESET = {**render.PLATFORM_OF_PRESET, "sandbox": "sandbox"}
# A scheduled time this far in the past is taken as "now" (clock skew between client and server).
PAST_TOLERANCE = timedelta(minutes=5)
TIKTOK_MODES = ("direct", "inbox")
# Posts fetched around a slot: the engine's radius, plus how far a window or jitter moves it.
AHEAD = limits.RADIUS + timedelta(days=2)


@dataclass(frozen=True)
class UploadRequest:
    """What one send asks of every target, checked once before anything is written."""

    at: datetime
    scheduled_at: datetime | None = None
    privacy: str = Privacy.PUBLIC
    options: dict = field(default_factory=dict)  # platform options: tiktok_mode
    first_comment: str | None = None  # None: the campaign's (if it has one); "": none
    synthetic: bool = False  # AI-made: the adapters label the post so


def target_platforms(item: QueueItem) -> list[str]:
    """The platforms a video goes to: its campaign's targets, else the one its render preset names."""
    if item.campaign_id and item.campaign.target_platforms:
        return [p for p in item.campaign.target_platforms if p in Platform.values]
    platform = PLATFORM_OF_PRESET.get(item.platform)
    return [platform] if platform else []


def item_is_synthetic(item: QueueItem) -> bool:
    """Made by the AI studio (its items say so in their metadata), or a spec that says so."""
    return bool((item.metadata or {}).get("synthetic") or (item.spec or {}).get("synthetic"))


def upload_request(
    *,
    queue_item: QueueItem,
    at: datetime | None = None,
    scheduled_at: datetime | None = None,
    privacy: str = Privacy.PUBLIC,
    options: dict | None = None,
    first_comment: str | None = None,
    synthetic: bool = False,
) -> UploadRequest:
    """Check what is asked; ApplicationError (a 400 with field errors) before anything is written."""
    at = at or timezone.now()
    _check_item(queue_item)
    if privacy not in Privacy.values:
        raise ApplicationError(f"Unknown privacy {privacy!r}.", fields={"privacy": ["Not a valid choice."]})
    if scheduled_at is not None:
        if timezone.is_naive(scheduled_at):
            raise ApplicationError("scheduled_at needs a time zone.", fields={"scheduled_at": ["Give a time zone."]})
        if scheduled_at < at - PAST_TOLERANCE:
            raise ApplicationError("scheduled_at is in the past.", fields={"scheduled_at": ["Must be in the future."]})
    options = dict(options or {})
    unknown = set(options) - {"tiktok_mode"}
    if unknown:
        raise ApplicationError(
            f"Unknown upload options: {', '.join(sorted(unknown))}.", fields={"options": ["Only tiktok_mode."]}
        )
    if options.get("tiktok_mode") not in (None, *TIKTOK_MODES):
        raise ApplicationError("tiktok_mode is direct or inbox.", fields={"tiktok_mode": ["Not a valid choice."]})
    if first_comment is not None:
        if not isinstance(first_comment, str):
            raise ApplicationError("The first comment is text.", fields={"first_comment": ["Give text."]})
        first_comment = first_comment.strip()
        if len(first_comment) > FIRST_COMMENT_MAX_LENGTH:
            raise ApplicationError(
                f"The first comment is longer than {FIRST_COMMENT_MAX_LENGTH} characters.",
                fields={"first_comment": [f"At most {FIRST_COMMENT_MAX_LENGTH} characters."]},
            )
    return UploadRequest(
        at=at,
        scheduled_at=scheduled_at,
        privacy=privacy,
        options={key: value for key, value in options.items() if value},
        first_comment=first_comment,
        synthetic=bool(synthetic) or item_is_synthetic(queue_item),
    )


def reserve(
    *,
    queue_item: QueueItem,
    request: UploadRequest,
    account: SocialAccount | None = None,
    platform: str | None = None,
    rng: random.Random | None = None,
) -> Upload | Refusal:
    """Reserve `queue_item` on `account`, or on the best account of `platform` by the campaign's
    strategy. Reserving the same pair again returns the same upload. A slot outside the posting
    window or inside the random gap is scheduled later; an account that cannot take the post
    (limits, not connected, the same video already on it) is a Refusal.

    Arguments that are simply wrong (someone else's account, an unknown platform) raise.
    """
    rng = rng or random.Random()
    if account is not None:
        platform = platform or account.platform
        if account.owner_id != queue_item.owner_id:
            raise ApplicationError("The account is not yours.", fields={"account": ["Not one of your accounts."]})
        if platform and platform != account.platform:
            raise ApplicationError(
                f"The account is on {account.platform}, not {platform}.", fields={"platform": ["Does not match."]}
            )
        candidates, target = [account], str(account)
        refused = _option_refusal(platform, request)
        if refused is not None:
            return replace(refused, account=account, target=target)
    else:
        if platform not in Platform.values:
            raise ApplicationError("Say which platform to post to.", fields={"platform": ["Choose a platform."]})
        target = f"the best {Platform(platform).label} account"
        existing = _existing_on_platform(queue_item, platform)
        if existing is not None:
            return existing
        refused = _option_refusal(platform, request)
        if refused is not None:
            return replace(refused, target=target)
        candidates = candidate_accounts(queue_item=queue_item, platform=platform, at=request.at, rng=rng)
        if not candidates:
            return replace(_no_account(queue_item, platform, request.at), target=target)
    refusals: list[Refusal] = []
    for candidate in candidates:
        result = _reserve_one(
            queue_item=queue_item,
            account=candidate,
            request=request,
            jitter=_jitter(candidate, rng),
            best=account is None,
        )
        if isinstance(result, Upload):
            return result
        refusals.append(result)
    return replace(_combined(refusals), target=target)


def upload_reserve(
    *,
    queue_item: QueueItem,
    account: SocialAccount | None = None,
    platform: str | None = None,
    at: datetime | None = None,
    scheduled_at: datetime | None = None,
    privacy: str = Privacy.PUBLIC,
    options: dict | None = None,
    first_comment: str | None = None,
    synthetic: bool = False,
    rng: random.Random | None = None,
) -> Upload:
    """`reserve` for one target, raising its refusal as an ApplicationError."""
    request = upload_request(
        queue_item=queue_item,
        at=at,
        scheduled_at=scheduled_at,
        privacy=privacy,
        options=options,
        first_comment=first_comment,
        synthetic=synthetic,
    )
    result = reserve(queue_item=queue_item, request=request, account=account, platform=platform, rng=rng)
    if isinstance(result, Refusal):
        raise refusal_error(result)
    return result


def upload_reserve_again(*, upload: Upload, at: datetime | None = None, rng: random.Random | None = None):
    """A fresh slot for a failed upload (same account, privacy, options and first comment):
    the Upload again, or a Refusal. The queue item must be ready again."""
    rng = rng or random.Random()
    request = UploadRequest(
        at=at or timezone.now(),
        privacy=upload.privacy,
        options={key: value for key, value in upload.options.items() if key not in ("account", "synthetic")},
        first_comment=upload.first_comment,
        synthetic=upload.synthetic,
    )
    item = QueueItem.objects.get(pk=upload.queue_item_id)
    account = upload.account
    return _reserve_one(
        queue_item=item,
        account=account,
        request=request,
        jitter=_jitter(account, rng),
        best=False,
        revive=(UploadStatus.FAILED,),
    )


def refusal_error(refusal: Refusal) -> ApplicationError:
    """A refusal as the error the API answers with (400, its code, when it frees up, the earlier post)."""
    message = refusal.message if refusal.message.endswith(".") else refusal.message + "."
    if refusal.next_at is not None:
        message += f" Next possible at {refusal.next_at.isoformat()}."
    fields = {}
    if refusal.code == RefusalCode.NO_ACCOUNT:
        fields = {"account": [refusal.reason]}
    extra = {"next_allowed_at": refusal.next_at.isoformat() if refusal.next_at else None}
    if refusal.link:
        extra["link"] = refusal.link
    return ApplicationError(message, code=refusal.code, fields=fields, extra=extra)


def release_slot(upload: Upload) -> None:
    """The upload will not post: free the account slot its reservation took."""
    AccountPost.objects.filter(account_id=upload.account_id, reference=str(upload.upload_id)).delete()


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
    upload.first_comment_id = upload.first_comment_error = ""
    upload.first_comment_at = None


def candidate_accounts(*, queue_item: QueueItem, platform: str, at: datetime, rng: random.Random):
    """The accounts to try, in the order the campaign's strategy wants them.

    The campaign's target accounts on the platform when it names any, else all the owner's
    active accounts there; an account that is not connected is never among them. sequential:
    in id order, the first until it is full; round_robin: the one that posted least recently
    first; random: shuffled; weighted: a random order drawn by `account_weights` (an account
    with weight 0 is never used).
    """
    campaign = queue_item.campaign
    qs = SocialAccount.objects.filter(owner_id=queue_item.owner_id, platform=platform, status=AccountStatus.ACTIVE)
    if campaign is not None and campaign.target_accounts.filter(platform=platform).exists():
        qs = qs.filter(campaigns=campaign)
    annotated = qs.annotate(last_post_at=Max("posts__posted_at", filter=Q(posts__posted_at__lte=at)))
    accounts = [account for account in annotated if not account.connection_problem(at)]
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


def youtube_bucket_refusal(at: datetime) -> Refusal | None:
    """YouTube's videos.insert bucket is the whole API project's, reset at midnight Pacific.

    Registered with the limits engine (`DistributionConfig.ready`); the reservation locks the
    platform row before the engine counts, so two workers never take the last call twice.
    """
    local = at.astimezone(PACIFIC)
    day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    day_end = day_start + timedelta(days=1)
    used = (
        Upload.objects.filter(platform=Platform.YOUTUBE, slot_at__gte=day_start, slot_at__lt=day_end)
        .exclude(status=UploadStatus.CANCELLED)
        .exclude(status=UploadStatus.FAILED, started_at__isnull=True)
        .count()
    )
    bucket = settings.YOUTUBE_DAILY_UPLOAD_BUCKET
    if used < bucket:
        return None
    return Refusal(f"YouTube's daily upload quota for this project is used ({used}/{bucket})", day_end)


# --- one account, in one transaction ---------------------------------------------------------
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


def _jitter(account: SocialAccount, rng: random.Random) -> timedelta:
    return timedelta(minutes=rng.uniform(0, account.jitter_minutes)) if account.jitter_minutes else timedelta(0)


@transaction.atomic
def _reserve_one(
    *, queue_item, account, request: UploadRequest, jitter, best, revive=(UploadStatus.CANCELLED,)
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
    refusal = limits.account_refusal(locked, request.at) or _duplicate(item, locked, existing)
    if refusal is not None:
        return refusal
    base = max(request.at, request.scheduled_at) if request.scheduled_at else request.at
    times = list(
        AccountPost.objects.filter(
            account=locked, posted_at__gt=base - limits.RADIUS, posted_at__lt=base + AHEAD
        ).values_list("posted_at", flat=True)
    )
    placed = slots.place(locked, times, base, jitter=jitter)
    if locked.platform == Platform.YOUTUBE:
        # The project-wide bucket: lock its row, then let the engine count it.
        PlatformLock.objects.get_or_create(platform=Platform.YOUTUBE)
        PlatformLock.objects.select_for_update().get(platform=Platform.YOUTUBE)
    check = limits.check(locked, times, placed.at)
    if not check.allowed:
        return check.refusal
    refusal = _draft_refusal(locked, placed.at, request.options)
    if refusal is not None:
        return refusal
    return _create(item, locked, existing, placed, request)


def _duplicate(item: QueueItem, account: SocialAccount, existing: Upload | None) -> Refusal | None:
    """The account already carries (or is about to carry) this very file, from whatever video."""
    checksum = item.output_asset.checksum
    if not checksum:
        return None
    earlier = Upload.objects.filter(account=account, checksum=checksum).exclude(
        status__in=[UploadStatus.CANCELLED, UploadStatus.FAILED]
    )
    if existing is not None:
        earlier = earlier.exclude(pk=existing.pk)
    earlier = earlier.select_related("queue_item").order_by("created_at", "id").first()
    if earlier is None:
        return None
    link = earlier.upload_url or reverse("distribution:upload", args=[earlier.upload_id])
    state = "posted" if earlier.status == UploadStatus.SUCCESS else earlier.get_status_display().lower()
    video = str(earlier.queue_item.queue_id)[:8]
    reason = f"it already carries this video (the same file as video {video}, {state}: {link})"
    return Refusal(reason, None, RefusalCode.DUPLICATE, account, link=link)


def _draft_refusal(account: SocialAccount, slot_at: datetime, options: dict) -> Refusal | None:
    """TikTok keeps at most a few drafts pending in the creator's inbox (a cap of inbox mode only)."""
    if account.platform != Platform.TIKTOK or options.get("tiktok_mode") != "inbox":
        return None
    since = slot_at - timedelta(hours=settings.TIKTOK_DRAFT_HOURS)
    drafts = (
        Upload.objects.filter(account=account, options__tiktok_mode="inbox")
        .filter(Q(status__in=OPEN_STATUSES) | Q(status=UploadStatus.SUCCESS, remote_status="draft"))
        .filter(slot_at__gte=since)
        .count()
    )
    if drafts < settings.TIKTOK_MAX_PENDING_DRAFTS:
        return None
    reason = f"TikTok allows {settings.TIKTOK_MAX_PENDING_DRAFTS} pending drafts in the inbox ({drafts} now)"
    return Refusal(reason, slot_at + timedelta(hours=1), RefusalCode.LIMIT_REACHED, account)


def _create(item, account, existing, placed: slots.Placement, request: UploadRequest) -> Upload:
    asset, at = item.output_asset, request.at
    caption, hashtags = campaigns.caption_for_account(item=item, account=account)
    fitted = captions.fit_caption(account.platform, caption=caption, hashtags=hashtags)
    scheduled_at = placed.at if placed.at > at + timedelta(seconds=1) else None
    # YouTube schedules natively (publishAt): upload now, it goes public then. Others wait.
    native = account.platform == Platform.YOUTUBE
    warnings = list(fitted.warnings)
    if placed.moved:
        warnings.append(f"Scheduled for {placed.at.isoformat()}: {placed.moved}")
    upload = existing or Upload(queue_item=item, account=account)
    upload.owner_id = item.owner_id
    upload.platform = account.platform
    upload.status = UploadStatus.PENDING
    upload.video_path = asset.file.name
    upload.file_size = asset.size_bytes
    upload.duration_seconds = asset.duration_seconds
    upload.checksum = asset.checksum
    upload.title = fitted.title
    upload.caption = fitted.description
    upload.hashtags = fitted.hashtags
    upload.privacy = request.privacy
    # The adapters read these with the title and privacy: `synthetic` labels AI-made content.
    upload.options = {**request.options, "account": account.pk, "synthetic": request.synthetic}
    upload.slot_at = placed.at
    upload.scheduled_at = scheduled_at
    upload.next_attempt_at = at if (scheduled_at is None or native) else scheduled_at
    upload.max_retries = settings.UPLOAD_MAX_RETRIES
    reset_progress(upload)
    _set_first_comment(upload, item, account, request, warnings)
    upload.warnings = warnings
    upload.full_clean()
    upload.save()
    AccountPost.objects.create(account=account, posted_at=placed.at, reference=str(upload.upload_id))
    when = f" for {scheduled_at:%Y-%m-%d %H:%M} UTC" if scheduled_at else ""
    queue_log(item, f"Upload to {account} reserved{when}")
    return upload


def _set_first_comment(upload: Upload, item, account, request: UploadRequest, warnings: list[str]) -> None:
    text = request.first_comment
    if text is None:
        text = campaigns.first_comment_for_account(item=item, account=account)
    upload.first_comment = text or ""
    if not text:
        upload.first_comment_status = CommentStatus.NONE
    elif comments.comments_supported(account.platform):
        upload.first_comment_status = CommentStatus.PENDING
    else:
        upload.first_comment_status = CommentStatus.UNSUPPORTED
        upload.first_comment_error = comments.unsupported_message(account.platform)
        warnings.append(upload.first_comment_error)


# --- refusals ----------------------------------------------------------------------------------
def _option_refusal(platform: str, request: UploadRequest) -> Refusal | None:
    """The platform has no such privacy or option (TikTok has no "unlisted"): its adapter says so."""
    check_options = getattr(ADAPTERS.get(platform), "check_options", None)
    if check_options is None:
        return None
    try:
        check_options(privacy=request.privacy, options=request.options)
    except PlatformError as error:
        return Refusal(error.message, None, RefusalCode.OPTION_REFUSED)
    return None


def _no_account(item: QueueItem, platform: str, at: datetime) -> Refusal:
    label = Platform(platform).label
    mine = SocialAccount.objects.filter(owner_id=item.owner_id, platform=platform, status=AccountStatus.ACTIVE)
    if item.campaign_id and item.campaign.target_accounts.filter(platform=platform).exists():
        mine = mine.filter(campaigns=item.campaign_id)
    unconnected = [account for account in mine if account.connection_problem(at)]
    if unconnected:
        names = "; ".join(f"@{account.username}: {account.connection_problem(at)}" for account in unconnected)
        return Refusal(f"None of your active {label} accounts can post. {names}.", None, RefusalCode.NOT_CONNECTED)
    return Refusal(f"You have no active {label} account to post to.", None, RefusalCode.NO_ACCOUNT)


def _combined(refusals: list[Refusal]) -> Refusal:
    if len(refusals) == 1:
        return refusals[0]
    times = [r.next_at for r in refusals if r.next_at is not None]
    codes = {r.code for r in refusals}
    code = RefusalCode.LIMIT_REACHED if RefusalCode.LIMIT_REACHED in codes or len(codes) > 1 else codes.pop()
    reason = f"None of {len(refusals)} accounts can post then: " + "; ".join(
        f"{r.account}: {r.reason}" for r in refusals
    )
    return Refusal(reason, min(times) if times else None, code)
