"""Publishing the studio's generated videos: a finished generation job's video goes to its targets."""

from __future__ import annotations

from distribution.services.sending import Target, uploads_send


def publish_generated(job) -> dict:
    """Send a generation job's rendered video to its target accounts through the one send service.

    Studio videos are synthetic: the platforms' AI labels are set on every post."""
    item = job.queue_item
    targets = [Target(account=account) for account in job.target_accounts.order_by("pk")]
    result = uploads_send(item=item, targets=targets, synthetic=True)
    return {
        "uploads": [
            {"upload": upload.pk, "account": str(upload.account), "status": upload.status} for upload in result.uploads
        ],
        "refusals": [
            {"target": target.label, "reason": outcome.reason, "code": outcome.code}
            for target, outcome in result.outcomes
            if outcome in result.refusals
        ],
    }
