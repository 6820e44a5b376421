"""Upload-next: the next ready video of a user goes to the accounts its campaign targets."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from accounts.limits import Refusal
from common.errors import ApplicationError
from distribution.models import Upload
from distribution.services import reservation, sending
from production.models import QueueItem, QueueStatus

# Ready items looked at for one with a target platform before giving up.
SCAN_LIMIT = 20


@dataclass
class UploadNextResult:
    item: QueueItem
    uploads: list[Upload] = field(default_factory=list)
    refusals: dict[str, Refusal] = field(default_factory=dict)  # platform -> why nothing was reserved

    @property
    def errors(self) -> dict[str, str]:
        return {platform: refusal.message for platform, refusal in self.refusals.items()}


def next_ready_item(*, owner, platform: str | None = None) -> QueueItem | None:
    """The user's next ready video that has no upload yet (and goes to `platform`, when given):
    highest priority, then oldest."""
    candidates = (
        QueueItem.objects.filter(
            owner=owner, status=QueueStatus.READY, output_asset__isnull=False, uploads__isnull=True
        )
        .select_related("campaign", "output_asset")
        .order_by("-priority", "completed_at", "id")[:SCAN_LIMIT]
    )
    for item in candidates:
        platforms = reservation.target_platforms(item)
        if platforms and (platform is None or platform in platforms):
            return item
    return None


def workflow_upload_next(
    *, owner, at: datetime | None = None, publish_now: bool = False, platform: str | None = None
) -> UploadNextResult:
    """Send the next ready video to the best account on each of its target platforms (or on
    `platform` only); the campaign's strategy picks the account. `publish_now` publishes in
    this process instead of a task."""
    at = at or timezone.now()
    item = next_ready_item(owner=owner, platform=platform)
    if item is None:
        raise ApplicationError("No ready video is waiting for an upload.", code="nothing_ready")
    platforms = [platform] if platform else reservation.target_platforms(item)
    sent = sending.uploads_send(
        item=item, targets=[sending.Target(platform=p) for p in platforms], at=at, publish_now=publish_now
    )
    refusals = {target.platform: outcome for target, outcome in sent.outcomes if isinstance(outcome, Refusal)}
    return UploadNextResult(item=item, uploads=sent.uploads, refusals=refusals)
