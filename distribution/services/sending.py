"""One way to send: "this ready video to these targets", for every door.

The register API, the dashboard's publish form, upload-next and the upload job all call
`uploads_send`. It checks what is asked once (a bad privacy, time or first comment is a 400
before anything is written), reserves every target, and only then sends: a video counts as
uploaded once its uploads so far succeeded, so a fast publish (the sandbox, eager tasks) must not
close it to the targets still to come. A target that cannot take the video (limits, not
connected, the same video already on the account) is a Refusal; the others go on.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from accounts.limits import Refusal
from accounts.models import SocialAccount
from accounts.platforms import Platform
from distribution.models import Privacy, Upload
from distribution.services import publishing, reservation
from production.models import QueueItem


@dataclass(frozen=True)
class Target:
    """Where one copy of the video goes: a chosen account, or the best account of a platform."""

    account: SocialAccount | None = None
    platform: str | None = None

    @property
    def label(self) -> str:
        if self.account is not None:
            return str(self.account)
        label = Platform(self.platform).label if self.platform in Platform.values else self.platform
        return f"the best {label} account"


@dataclass
class SendResult:
    item: QueueItem
    started: datetime
    outcomes: list[tuple[Target, Upload | Refusal]] = field(default_factory=list)  # in the targets' order

    @property
    def uploads(self) -> list[Upload]:
        uploads: list[Upload] = []
        for _, outcome in self.outcomes:
            if isinstance(outcome, Upload) and outcome not in uploads:
                uploads.append(outcome)
        return uploads

    @property
    def refusals(self) -> list[Refusal]:
        return [outcome for _, outcome in self.outcomes if isinstance(outcome, Refusal)]

    def created(self, upload: Upload) -> bool:
        """Reserved by this send (not an earlier one of the same video and account)."""
        return upload.created_at >= self.started


def uploads_send(
    *,
    item: QueueItem,
    targets: Sequence[Target],
    at: datetime | None = None,
    scheduled_at: datetime | None = None,
    privacy: str = Privacy.PUBLIC,
    options: dict | None = None,
    first_comment: str | None = None,
    synthetic: bool = False,
    publish_now: bool = False,
    rng: random.Random | None = None,
) -> SendResult:
    """Reserve `item` on every target, then send what is due.

    `first_comment`: None uses the campaign's (if any), "" posts none. `synthetic` labels the
    post as AI-made (studio videos always are). `publish_now` publishes due uploads in this
    process instead of handing them to the workers.
    """
    at = at or timezone.now()
    rng = rng or random.Random()
    request = reservation.upload_request(
        queue_item=item,
        at=at,
        scheduled_at=scheduled_at,
        privacy=privacy,
        options=options,
        first_comment=first_comment,
        synthetic=synthetic,
    )
    result = SendResult(item=item, started=at)
    for target in targets:
        reserved = reservation.reserve(
            queue_item=item, request=request, account=target.account, platform=target.platform, rng=rng
        )
        result.outcomes.append((target, reserved))
    for upload in result.uploads:
        if publish_now and upload.next_attempt_at and upload.next_attempt_at <= at:
            publishing.upload_publish(upload_id=upload.pk, now=at)
            upload.refresh_from_db()
        else:
            publishing.schedule_publish(upload, now=at)
    return result
