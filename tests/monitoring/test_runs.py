"""Running jobs: JobRun rows with counts, skipped overlapping ticks, take-over of dead runs, each type."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from distribution.models import Upload, UploadStatus
from monitoring.models import Alert, AlertKind, AutomationJob, JobRun, RunStatus, RunTrigger, StatsSnapshot
from monitoring.services import runners
from monitoring.services.runs import RunCancelled, job_run_execute
from production.models import QueueItem, QueueStatus


def test_generate_run_records_its_counts(user, make_job, active_campaign):
    campaign = active_campaign(user)
    job = make_job(user, parameters={"videos_per_run": 2})
    run = job_run_execute(job_id=job.pk, task_id="t-1", worker="w")
    assert run.status == RunStatus.SUCCESS and run.counts == {"generated": 2, "campaigns": 1}
    assert run.finished_at >= run.started_at and run.duration_seconds >= 0
    assert QueueItem.objects.filter(campaign=campaign, status=QueueStatus.PENDING).count() == 2
    job.refresh_from_db()
    assert job.running_since is None and job.last_status == RunStatus.SUCCESS and job.last_run_at == run.started_at


def test_generate_run_says_when_the_campaign_has_used_every_mix(user, make_job, active_campaign):
    campaign = active_campaign(user)  # three template clips over one product clip: three mixes
    job = make_job(user, parameters={"videos_per_run": 2})

    first, second, third = (job_run_execute(job_id=job.pk) for _ in range(3))

    assert first.counts == {"generated": 2, "campaigns": 1}
    assert second.status == RunStatus.SUCCESS
    assert second.counts == {"generated": 1, "campaigns": 1, "pools_exhausted": 1}
    assert "Promo: Made 1 of 2 videos. Every mix of this campaign's assets is used (3 of 3)" in second.message
    # Done, not broken: the run says so (and does not count as a failing job).
    assert third.status == RunStatus.SUCCESS and "Every mix of this campaign's assets is used" in third.message
    assert third.counts == {"generated": 0, "pools_exhausted": 1}
    assert QueueItem.objects.filter(campaign=campaign).count() == 3  # no mix made twice
    campaign.refresh_from_db()
    assert campaign.pool_exhausted_at is not None


def test_generate_for_one_campaign_only(user, make_job, active_campaign):
    chosen = active_campaign(user, name="Chosen")
    other = active_campaign(user, name="Other")
    job = make_job(user, campaign=chosen)
    job_run_execute(job_id=job.pk)
    assert chosen.items.count() == 1 and other.items.count() == 0


def test_a_tick_while_the_job_runs_is_skipped(user, make_job, active_campaign):
    active_campaign(user)
    job = make_job(user)
    AutomationJob.objects.filter(pk=job.pk).update(running_since=timezone.now() - timedelta(minutes=5))
    run = job_run_execute(job_id=job.pk)
    assert run.status == RunStatus.SKIPPED and "still in progress" in run.message
    assert not QueueItem.objects.exists(), "the skipped tick did no work"


def test_a_dead_run_does_not_block_the_job_for_ever(user, make_job, active_campaign, settings):
    settings.JOB_RUN_TIMEOUT_SECONDS = 60
    active_campaign(user)
    job = make_job(user)
    long_ago = timezone.now() - timedelta(minutes=10)
    dead = JobRun.objects.create(job=job, status=RunStatus.RUNNING, started_at=long_ago)
    AutomationJob.objects.filter(pk=job.pk).update(running_since=long_ago)
    run = job_run_execute(job_id=job.pk)
    dead.refresh_from_db()
    assert run.status == RunStatus.SUCCESS
    assert dead.status == RunStatus.FAILED and "did not finish" in dead.error


def test_disabled_job_skips_its_scheduled_tick_but_runs_when_asked(user, make_job, active_campaign):
    active_campaign(user)
    job = make_job(user, enabled=False)
    assert job_run_execute(job_id=job.pk).status == RunStatus.SKIPPED
    assert job_run_execute(job_id=job.pk, trigger=RunTrigger.MANUAL).status == RunStatus.SUCCESS


def test_a_job_failing_repeatedly_raises_a_critical_alert_by_email(
    user, make_job, settings, django_capture_on_commit_callbacks
):
    settings.JOB_FAILURE_ALERT_THRESHOLD = 3
    user.email = "maria@example.test"
    user.save()
    job = make_job(user)
    with django_capture_on_commit_callbacks(execute=True), _crashing_generate():
        runs = [job_run_execute(job_id=job.pk) for _ in range(3)]
    run = runs[-1]
    assert run.status == RunStatus.FAILED and "boom" in run.error
    alert = Alert.objects.get(kind=AlertKind.JOB_FAILING)
    assert alert.owner == user and alert.severity == "critical" and "3 times in a row" in alert.message
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["maria@example.test"]


@contextmanager
def _crashing_generate():
    def boom(ctx):
        raise RuntimeError("boom")

    original, runners.RUNNERS["generate"] = runners.RUNNERS["generate"], boom
    try:
        yield
    finally:
        runners.RUNNERS["generate"] = original


def test_cancel_flag_stops_a_run_between_steps(user, make_job, active_campaign):
    active_campaign(user, name="A")
    active_campaign(user, name="B")
    job = make_job(user)
    original = runners.campaigns.campaign_generate

    def generate_then_stop(**kwargs):
        items = original(**kwargs)
        AutomationJob.objects.filter(pk=job.pk).update(cancel_requested=True)
        return items

    runners.campaigns.campaign_generate = generate_then_stop
    try:
        run = job_run_execute(job_id=job.pk)
    finally:
        runners.campaigns.campaign_generate = original
    assert run.status == RunStatus.CANCELLED and run.counts["generated"] == 1
    assert QueueItem.objects.count() == 1, "the second campaign was not generated"


def test_upload_run_publishes_ready_videos_to_the_sandbox(user, make_job, ready_item, account_factory):
    account_factory(owner=user, platform="sandbox")
    for _ in range(3):
        ready_item(user, own_file=True)
    job = make_job(user, "upload", parameters={"uploads_per_run": 2})
    run = job_run_execute(job_id=job.pk)
    assert run.status == RunStatus.SUCCESS and run.counts == {"uploads": 2, "published": 2}
    assert Upload.objects.filter(owner=user, status=UploadStatus.SUCCESS).count() == 2
    assert QueueItem.objects.filter(status=QueueStatus.UPLOADED).count() == 2


def test_upload_run_for_one_platform_and_nothing_to_do(user, make_job, ready_item, account_factory):
    account_factory(owner=user, platform="sandbox")
    ready_item(user)
    job = make_job(user, "upload", platform="tiktok")
    run = job_run_execute(job_id=job.pk)
    assert run.status == RunStatus.SUCCESS and run.counts == {"uploads": 0}
    assert "No ready video" in run.message and not Upload.objects.exists()


def test_upload_refused_by_limits_raises_an_alert(user, make_job, ready_item, account_factory):
    account_factory(owner=user, platform="sandbox", status="paused")
    ready_item(user)
    run = job_run_execute(job_id=make_job(user, "upload").pk)
    assert run.counts == {"uploads": 0}
    assert Alert.objects.filter(owner=user, kind=AlertKind.ACCOUNT_AT_LIMIT, subject="platform:sandbox").exists()


def test_upload_run_never_sends_to_an_account_that_is_not_connected(
    user, make_job, ready_item, account_factory, tiktok
):
    account_factory(owner=user, platform="tiktok", username="seeded", password="hunter2")
    ready_item(user, "tiktok")
    run = job_run_execute(job_id=make_job(user, "upload").pk)
    assert run.status == RunStatus.SUCCESS and run.counts == {"uploads": 0}
    assert "the official API does not accept passwords" in run.message
    alert = Alert.objects.get(owner=user, kind=AlertKind.ACCOUNT_AT_LIMIT, subject="platform:tiktok")
    assert "@seeded" in alert.message
    assert not Upload.objects.exists() and tiktok.requests == []


def test_metrics_run_refreshes_only_the_owner_posts(user, other_user, make_job, ready_item, account_factory):
    for owner in (user, other_user):
        account_factory(owner=owner, platform="sandbox")
        ready_item(owner)
        job_run_execute(job_id=make_job(owner, "upload").pk)
    run = job_run_execute(job_id=make_job(user, "metrics").pk)
    assert run.status == RunStatus.SUCCESS and run.counts == {"refreshed": 1}


def test_analyze_run_writes_snapshots_and_alerts(user, make_job, account_factory, settings):
    settings.RENDER_FAILURE_MIN_SAMPLE = 2
    account_factory(owner=user, platform="sandbox", status="deactivated", status_reason="5 errors in a row")
    now = timezone.now()
    for status, seconds in ((QueueStatus.FAILED, None), (QueueStatus.FAILED, None), (QueueStatus.READY, 2.0)):
        QueueItem.objects.create(
            owner=user, spec={}, platform="tiktok", status=status, render_seconds=seconds, completed_at=now
        )
    run = job_run_execute(job_id=make_job(user, "analyze").pk)
    assert run.status == RunStatus.SUCCESS and run.counts == {"snapshots": 2, "alerts": 2}
    hour = StatsSnapshot.objects.get(owner=user, period="hour")
    assert (hour.videos_generated, hour.videos_rendered, hour.videos_failed) == (3, 1, 2)
    assert hour.render_success_rate == pytest.approx(1 / 3, abs=1e-3)
    kinds = set(Alert.objects.filter(owner=user).values_list("kind", flat=True))
    assert kinds == {AlertKind.RENDER_FAILURES, AlertKind.ACCOUNT_ATTENTION}
    # Running it again counts the same alerts instead of opening new ones.
    job_run_execute(job_id=run.job_id)
    assert Alert.objects.filter(owner=user).count() == 2
    assert set(Alert.objects.values_list("count", flat=True)) == {2}


def test_deleted_job_run_is_a_no_op(db):
    assert job_run_execute(job_id=999_999) is None


def test_cancel_check_raises(user, make_job):
    from monitoring.services.runs import RunContext

    job = make_job(user)
    AutomationJob.objects.filter(pk=job.pk).update(cancel_requested=True)
    with pytest.raises(RunCancelled):
        RunContext(job=job, run=None).check_cancelled()
