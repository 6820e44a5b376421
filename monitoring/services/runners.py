"""What each job type does in one run. Each takes a RunContext, counts into it, and raises
ApplicationError for a run that achieved nothing it was meant to."""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone

from accounts.platforms import Platform
from common.errors import ApplicationError
from distribution.models import UploadStatus
from distribution.services import metrics, workflow
from monitoring.models import ALL_PLATFORMS, AlertKind, JobType, Severity
from monitoring.services import alerts, cleanup, stats
from monitoring.services.runs import RunContext
from production.models import Campaign, CampaignStatus
from production.services import campaigns


def run_generate(ctx: RunContext) -> None:
    """Enqueue `videos_per_run` videos for the job's campaign, or each active campaign."""
    job = ctx.job
    if job.campaign_id:
        targets = [job.campaign]
    else:
        targets = list(Campaign.objects.filter(owner=job.owner, status=CampaignStatus.ACTIVE).order_by("id"))
    if job.platform != ALL_PLATFORMS:
        targets = [c for c in targets if job.platform in (c.target_platforms or [])]
    if not targets:
        ctx.notes.append("No active campaign to generate for.")
        ctx.add("generated", 0)
        return
    errors = []
    for campaign in targets:
        ctx.check_cancelled()
        try:
            items = campaigns.campaign_generate(campaign=campaign, count=job.parameter("videos_per_run"))
        except ApplicationError as exc:
            if exc.code == "pool_exhausted":  # done, not broken: it says so instead of repeating a video
                ctx.add("pools_exhausted")
                ctx.notes.append(f"{campaign.name}: {exc.message}")
            else:
                errors.append(f"{campaign.name}: {exc.message}")
            continue
        ctx.add("generated", len(items))
        ctx.add("campaigns")
        if campaign.pool_exhausted_at is not None:  # it made what it could, then ran out
            ctx.add("pools_exhausted")
            ctx.notes.append(f"{campaign.name}: {campaign.pool_message}")
    if errors and not ctx.counts.get("generated"):
        raise ApplicationError("Nothing generated. " + " ".join(errors + ctx.notes))
    ctx.counts.setdefault("generated", 0)
    ctx.notes.extend(errors)


def _upload_one(ctx: RunContext, at) -> bool:
    """Send the next ready video (through distribution's one send service); False when there is
    nothing (more) to do."""
    job = ctx.job
    try:
        result = workflow.workflow_upload_next(
            owner=job.owner, at=at, publish_now=True, platform=None if job.platform == ALL_PLATFORMS else job.platform
        )
    except ApplicationError as exc:
        if exc.code == "nothing_ready":
            return False
        raise
    uploads, refusals = result.uploads, result.errors
    for upload in uploads:
        ctx.add("uploads")
        if upload.status == UploadStatus.SUCCESS:
            ctx.add("published")
        elif upload.status == UploadStatus.FAILED:
            ctx.add("failed")
    for platform, reason in refusals.items():
        ctx.notes.append(f"{Platform(platform).label}: {reason}")
        alerts.alert_raise(
            owner=job.owner,
            kind=AlertKind.ACCOUNT_AT_LIMIT,
            subject=f"platform:{platform}",
            severity=Severity.WARNING,
            message=f"No {Platform(platform).label} account could take an upload: {reason}",
        )
    return bool(uploads)


def run_upload(ctx: RunContext) -> None:
    """Register and publish up to `uploads_per_run` ready videos through distribution."""
    at = timezone.now()
    for _ in range(ctx.job.parameter("uploads_per_run")):
        ctx.check_cancelled()
        if not _upload_one(ctx, at):
            break
    ctx.counts.setdefault("uploads", 0)
    if not ctx.counts["uploads"]:
        ctx.notes.append("No ready video could be uploaded.")


def run_cleanup(ctx: RunContext) -> None:
    result = cleanup.cleanup_run(
        owner=ctx.job.owner,
        retention_days=ctx.job.parameter("retention_days"),
        log_retention_days=ctx.job.parameter("log_retention_days"),
        check_cancelled=ctx.check_cancelled,
    )
    ctx.counts.update(result.as_counts())


def run_metrics(ctx: RunContext) -> None:
    ctx.add("refreshed", metrics.distributions_refresh_metrics(owner=ctx.job.owner, limit=ctx.job.parameter("limit")))


def run_analyze(ctx: RunContext) -> None:
    now = timezone.now()
    ctx.add("snapshots", len(stats.snapshots_compute(owner=ctx.job.owner, now=now)))
    ctx.add("alerts", len(alerts.alerts_analyze(owner=ctx.job.owner, now=now)))


RUNNERS: dict[str, Callable[[RunContext], None]] = {
    JobType.GENERATE: run_generate,
    JobType.UPLOAD: run_upload,
    JobType.CLEANUP: run_cleanup,
    JobType.METRICS: run_metrics,
    JobType.ANALYZE: run_analyze,
}
