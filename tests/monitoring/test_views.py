"""Dashboard pages: overview, jobs, job detail, monitoring; their forms and actions."""

import json
import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from distribution.models import Upload
from monitoring.models import Alert, AlertKind, AutomationJob, JobRun, RunStatus, StatsSnapshot
from monitoring.services.alerts import alert_raise
from production.models import QueueItem, QueueStatus


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


def test_overview_shows_today_queue_charts_alerts_and_next_runs(signed_in, user, make_job, ready_item, account_factory):
    for status in (QueueStatus.PENDING, QueueStatus.PENDING, QueueStatus.FAILED):
        QueueItem.objects.create(owner=user, spec={}, platform="tiktok", status=status, completed_at=timezone.now())
    account = account_factory(owner=user, platform="sandbox")
    account_factory(owner=user, platform="tiktok", status="expired", status_reason="token revoked")
    item = ready_item(user)
    Upload.objects.create(
        owner=user, queue_item=item, account=account, platform="sandbox", status="success", video_path="x",
        slot_at=timezone.now(), completed_at=timezone.now(),
    )  # fmt: skip
    alert_raise(owner=user, kind=AlertKind.PLATFORM_CAP, subject="p", message="TikTok cap reached")
    make_job(user, name="Hourly videos")
    page = signed_in.get("/").content.decode()
    assert 'data-stat="generated"><strong>4<' in page
    assert 'data-stat="published"><strong>1<' in page
    assert 'data-stat="failed"><strong class="error-text">1<' in page
    assert 'data-stat="queue-depth"><strong>2<' in page
    assert page.count('class="chart"') == 4 and "Videos per day by status" in page
    assert "token revoked" in page and "TikTok cap reached" in page and "Hourly videos" in page
    assert "cdn" not in page.lower()


def test_overview_runs_a_constant_number_of_queries(
    signed_in, user, make_job, account_factory, django_assert_max_num_queries
):
    def fill(n):
        for _i in range(n):
            QueueItem.objects.create(owner=user, spec={}, platform="tiktok")
            account_factory(owner=user, platform="tiktok")
            make_job(user, name=f"job {AutomationJob.objects.count()}")

    fill(2)
    with django_assert_max_num_queries(25) as few:
        signed_in.get("/")
    fill(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        signed_in.get("/")


def test_initialize_from_the_jobs_page(signed_in, user):
    response = signed_in.post(
        "/jobs/initialize",
        {
            "generation_schedule": "0 * * * *",
            "videos_per_generation": 2,
            "upload_schedule": "0 */2 * * *",
            "uploads_per_run": 3,
            "cleanup_schedule": "0 3 * * *",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Automation is on" in page and "Every hour" in page and "Every 2 hours" in page and "At 03:00" in page
    assert AutomationJob.objects.filter(owner=user).count() == 3


def test_bad_cron_in_a_form_is_shown_and_changes_nothing(signed_in):
    response = signed_in.post("/jobs/initialize", {"generation_schedule": "0 25 * * *", "upload_schedule": "0 * * * *",
                                                    "cleanup_schedule": "0 3 * * *", "videos_per_generation": 1,
                                                    "uploads_per_run": 1})  # fmt: skip
    assert response.status_code == 400 and "hour &#x27;25&#x27; is not valid" in response.content.decode()
    assert not AutomationJob.objects.exists()
    response = signed_in.post("/jobs/new", {"name": "x", "job_type": "upload", "cron": "0 * * * *", "platform": "all",
                                            "videos_per_run": 2})  # fmt: skip
    assert response.status_code == 302, "a parameter of another type is ignored"
    job = AutomationJob.objects.get()
    assert job.parameters == {"uploads_per_run": 1}


def test_job_actions_and_detail(signed_in, user, make_job, eager_celery, django_capture_on_commit_callbacks):
    job = make_job(user, "analyze", name="Analyze")
    assert signed_in.post(f"/jobs/{job.pk}/disable").status_code == 302
    job.refresh_from_db()
    assert not job.enabled and not job.periodic_task.enabled
    signed_in.post(f"/jobs/{job.pk}/enable")
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(f"/jobs/{job.pk}/run-now")
    run = JobRun.objects.get(job=job)
    assert run.status == RunStatus.SUCCESS
    page = signed_in.get(f"/jobs/{job.pk}/").content.decode()
    assert "Snapshots: <strong>2</strong>" in page and f'data-run="{run.pk}"' in page
    response = signed_in.post(f"/jobs/{job.pk}/", {"cron": "*/10 * * * *"}, follow=True)
    assert "Every 10 minutes" in response.content.decode()
    assert signed_in.post(f"/jobs/{job.pk}/", {"cron": "*/0 * * * *"}).status_code == 400
    assert signed_in.post(f"/jobs/{job.pk}/explode").status_code == 404
    signed_in.post(f"/jobs/{job.pk}/delete")
    assert not AutomationJob.objects.exists()


def test_stop_all_from_the_page(signed_in, user, make_job):
    make_job(user)
    signed_in.post("/jobs/stop-all")
    assert not AutomationJob.objects.filter(enabled=True).exists()


def test_other_users_jobs_and_alerts_are_404(signed_in, other_user, make_job):
    job = make_job(other_user)
    alert = alert_raise(owner=other_user, kind=AlertKind.DISK_LOW, subject="d", message="m")
    assert signed_in.get(f"/jobs/{job.pk}/").status_code == 404
    for action in ("enable", "disable", "run-now", "delete"):
        assert signed_in.post(f"/jobs/{job.pk}/{action}").status_code == 404
    assert signed_in.post(f"/monitoring/alerts/{alert.pk}/acknowledge").status_code == 404
    assert AutomationJob.objects.filter(pk=job.pk, enabled=True).exists()
    assert Alert.objects.get(pk=alert.pk).is_open


def test_monitoring_page_alerts_checks_and_snapshots(signed_in, user):
    alert = alert_raise(owner=user, kind=AlertKind.PLATFORM_CAP, subject="platform:tiktok", message="Cap reached")
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    StatsSnapshot.objects.create(owner=user, period="hour", period_start=now, computed_at=now, videos_generated=7)
    StatsSnapshot.objects.create(
        owner=user, period="day", period_start=now - timedelta(days=1), computed_at=now, views=4242
    )
    page = signed_in.get("/monitoring/").content.decode()
    assert "Cap reached" in page and 'data-check="database"' in page and 'data-check="ffmpeg"' in page
    assert "<td>7</td>" in page
    assert "4,242" in signed_in.get("/monitoring/?period=day").content.decode()
    signed_in.post(f"/monitoring/alerts/{alert.pk}/acknowledge", {"next": "https://evil.example/"})
    alert.refresh_from_db()
    assert not alert.is_open


def test_pages_need_a_login(client, db):
    for path in ("/", "/jobs/", "/monitoring/"):
        assert client.get(path).status_code == 302


def test_request_log_line_with_request_id(signed_in, settings, caplog):
    settings.LOG_REQUESTS = True
    with caplog.at_level(logging.INFO, logger="reelmill.requests"):
        response = signed_in.get("/jobs/", HTTP_X_REQUEST_ID="abc-123")
    assert response["X-Request-ID"] == "abc-123"
    [record] = [r for r in caplog.records if r.name == "reelmill.requests"]
    assert (record.path, record.status, record.method) == ("/jobs/", 200, "GET")
    assert record.user_id is not None and record.duration_ms >= 0
    from common.logging import JsonFormatter, current_request_id

    token = current_request_id.set("abc-123")
    try:
        line = json.loads(JsonFormatter().format(record))
    finally:
        current_request_id.reset(token)
    assert line["request_id"] == "abc-123" and line["status"] == 200 and line["event"] == "request"


def test_a_bad_request_id_is_replaced(client, db):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="<script>")
    assert response["X-Request-ID"] != "<script>" and len(response["X-Request-ID"]) == 32


def test_task_log_line(user, make_job, eager_celery, caplog):
    from monitoring.tasks import run_job

    job = make_job(user, "analyze")
    with caplog.at_level(logging.INFO, logger="reelmill.tasks"):
        run_job.apply(args=[job.pk])
    [record] = [r for r in caplog.records if r.name == "reelmill.tasks"]
    assert record.task == "monitoring.run_job" and record.task_args == [job.pk]
    assert record.outcome == "SUCCESS" and record.result == "success" and record.duration_ms >= 0
