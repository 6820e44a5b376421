"""Upload-next: the next ready video of a user goes to the accounts its campaign targets."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from common.errors import ApplicationError
from distribution.models import Upload
from distribution.services import publishing, reservation
from production.models import QueueItem, QueueStatus

# Ready items looked at for one with a target platform before giving up.
SCAN_LIMIT = 20


@dataclass
class UploadNextResult:
    item: QueueItem
    uploads: list[Upload] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # platform -> why nothing was reserved


def next_ready_item(*, owner) -> QueueItem | None:
    """The user's next ready video that has no upload yet: highest priority, then oldest."""
    candidates = (
        QueueItem.objects.filter(
            owner=owner, status=QueueStatus.READY, output_asset__isnull=False, uploads__isnull=True
        )
        .select_related("campaign", "output_asset")
        .order_by("-priority", "completed_at", "id")[:SCAN_LIMIT]
    )
    return next((item for item in candidates if reservation.target_platforms(item)), None)


def workflow_upload_next(*, owner, at: datetime | None = None, publish_now: bool = False) -> UploadNextResult:
    """Reserve the next ready video on each of its target platforms (the campaign's strategy
    picks the account) and send them; `publish_now` publishes in this process instead of a task."""
    at = at or timezone.now()
    item = next_ready_item(owner=owner)
    if item is None:
        raise ApplicationError("No ready video is waiting for an upload.", code="nothing_ready")
    result = UploadNextResult(item=item)
    for platform in reservation.target_platforms(item):
        try:
            upload = reservation.upload_reserve(queue_item=item, platform=platform, at=at)
        except ApplicationError as exc:
            result.errors[platform] = exc.message
            continue
        result.uploads.append(upload)
    for upload in result.uploads:
        if publish_now and upload.next_attempt_at and upload.next_attempt_at <= at:
            publishing.upload_publish(upload_id=upload.pk, now=at)
            upload.refresh_from_db()
        else:
            publishing.schedule_publish(upload, now=at)
    return result
