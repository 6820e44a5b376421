"""API routes of monitoring: jobs, workflow automation, system status, alerts, snapshots."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from distribution.models import Upload
from monitoring.models import AlertKind, AutomationJob, JobRun, RunStatus, StatsSnapshot
from monitoring.services.alerts import alert_raise
from production.models import QueueItem, QueueStatus
from tests.factories import UserFactory


def _client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def test_create_list_and_read_a_job(api, user):
    response = api.post(
        "/api/v1/jobs/",
        {"name": "Hourly", "job_type": "generate", "cron": "0 * * * *", "parameters": {"videos_per_run": 2}},
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["cron_description"] == "Every hour" and body["enabled"] and body["next_run_at"]
    assert body["time_zone"] == user.time_zone and body["parameters"] == {"videos_per_run": 2}
    assert api.get("/api/v1/jobs/").json()["results"][0]["id"] == body["id"]
    assert api.get(f"/api/v1/jobs/{body['id']}").json()["name"] == "Hourly"


@pytest.mark.parametrize(
    ("payload", "field", "reason"),
    [
        ({"cron": "0 25 * * *"}, "cron", "hour '25' is not valid"),
        ({"cron": "* * *"}, "cron", "has five fields"),
        ({"job_type": "dance"}, "job_type", "not a valid choice"),
        ({"platform": "myspace"}, "platform", "not a valid choice"),
        ({"parameters": {"videos_per_run": 500}}, "parameters.videos_per_run", "1 to 100"),
        ({"parameters": {"colour": "red"}}, "parameters.colour", "Unknown parameter"),
        ({"campaign": 999999}, "campaign", "Not found"),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "not a known time zone"),
        ({"name": ""}, "name", "blank"),
    ],
)
def test_bad_job_input_is_a_400_with_the_reason(api, payload, field, reason):
    data = {"name": "Job", "job_type": "generate", "cron": "0 * * * *"} | payload
    response = api.post("/api/v1/jobs/", data, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert reason in " ".join(error["fields"][field]) or reason in error["message"]
    assert not AutomationJob.objects.exists()


def test_edit_enable_disable_run_now_history_and_delete(
    api, user, make_job, eager_celery, django_capture_on_commit_callbacks
):
    job = make_job(user, "analyze")
    assert api.patch(f"/api/v1/jobs/{job.pk}/", {"cron": "*/5 * * * *"}).json()["cron_description"] == "Every 5 minutes"
    assert api.patch(f"/api/v1/jobs/{job.pk}/", {"cron": "nope"}).status_code == 400
    assert api.patch(f"/api/v1/jobs/{job.pk}/", {}).status_code == 400
    assert api.post(f"/api/v1/jobs/{job.pk}/disable").json()["enabled"] is False
    assert api.post(f"/api/v1/jobs/{job.pk}/enable/").json()["enabled"] is True
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/api/v1/jobs/{job.pk}/run-now")
    assert response.status_code == 202 and response.json()["task_id"]
    history = api.get(f"/api/v1/jobs/{job.pk}/history/").json()
    assert history["count"] == 1 and history["results"][0]["status"] == "success"
    assert history["results"][0]["trigger"] == "manual" and history["results"][0]["duration_seconds"] >= 0
    assert history["results"][0]["task_id"] == response.json()["task_id"]
    assert api.get(f"/api/v1/jobs/{job.pk}/history/?status=failed").json()["count"] == 0
    assert api.get(f"/api/v1/jobs/{job.pk}/history/?status=bogus").status_code == 400
    assert api.delete(f"/api/v1/jobs/{job.pk}/").status_code == 204
    assert not AutomationJob.objects.exists()


def test_job_stats(api, user, make_job):
    generate, upload = make_job(user, "generate"), make_job(user, "upload", cron="30 * * * *", enabled=False)
    now = timezone.now()
    for status in (RunStatus.SUCCESS, RunStatus.SUCCESS, RunStatus.FAILED, RunStatus.SKIPPED):
        JobRun.objects.create(job=generate, status=status, started_at=now)
    body = api.get("/api/v1/jobs/stats").json()
    assert (body["total_jobs"], body["enabled_jobs"], body["total_runs"]) == (2, 1, 4)
    assert body["by_type"]["generate"] == 1 and body["by_type"]["upload"] == 1
    assert body["success_rate"] == pytest.approx(2 / 3, abs=1e-3)
    assert [n["job"] for n in body["next_scheduled"]] == [generate.pk], "disabled jobs are not scheduled"
    assert upload.pk not in [n["job"] for n in body["next_scheduled"]]


def test_initialize_automation_twice_leaves_three_jobs(api, user):
    payload = {
        "generationSchedule": "0 * * * *",
        "uploadSchedule": "0 */2 * * *",
        "cleanupSchedule": "0 3 * * *",
        "videosPerGeneration": 2,
        "uploadsPerRun": 3,
    }
    first = api.post("/api/v1/workflow/initialize-automation", payload, format="json")
    assert first.status_code == 200, first.json()
    second = api.post("/api/v1/workflow/initialize-automation/", {"uploads_per_run": 5}, format="json")
    assert [j["id"] for j in first.json()["jobs"]] == [j["id"] for j in second.json()["jobs"]]
    assert AutomationJob.objects.filter(owner=user).count() == 3
    assert second.json()["jobs"][1]["parameters"] == {"uploads_per_run": 5}
    bad = api.post("/api/v1/workflow/initialize-automation", {"upload_schedule": "0 */2 * *"}, format="json")
    assert bad.status_code == 400 and "upload_schedule" in bad.json()["error"]["fields"]


def test_running_jobs_and_stop_all(api, user, other_user, make_job):
    mine, theirs = make_job(user), make_job(other_user)
    now = timezone.now()
    JobRun.objects.create(job=mine, status=RunStatus.RUNNING, started_at=now, task_id="t-mine")
    JobRun.objects.create(job=theirs, status=RunStatus.RUNNING, started_at=now)
    AutomationJob.objects.filter(pk=mine.pk).update(running_since=now, running_task_id="t-mine")
    running = api.get("/api/v1/workflow/running-jobs").json()
    assert [r["job"] for r in running] == [mine.pk]
    stopped = api.post("/api/v1/workflow/stop-all-jobs").json()
    assert stopped == {"disabled": 1, "stopped": 1}
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert not mine.enabled and mine.cancel_requested and theirs.enabled and not theirs.cancel_requested


def test_system_status_numbers_match_the_rows(api, user, other_user, ready_item, account_factory, make_job):
    account = account_factory(owner=user, platform="sandbox")
    account_factory(owner=user, platform="tiktok", status="expired")
    for status in (QueueStatus.PENDING, QueueStatus.PENDING, QueueStatus.PROCESSING, QueueStatus.FAILED):
        QueueItem.objects.create(owner=user, spec={}, platform="tiktok", status=status)
    item = ready_item(user)
    Upload.objects.create(
        owner=user, queue_item=item, account=account, platform="sandbox", status="success",
        video_path="x", slot_at=timezone.now(),
    )  # fmt: skip
    QueueItem.objects.create(owner=other_user, spec={}, platform="tiktok", status=QueueStatus.PENDING)
    make_job(user)
    body = api.get("/api/v1/system/status").json()
    assert body["scope"] == "user"
    assert body["queue"]["total"] == 5 and body["queue"]["depth"] == 3
    assert body["queue"]["by_status"]["pending"] == 2 and body["queue"]["by_status"]["ready"] == 1
    assert body["uploads"]["total"] == 1 and body["uploads"]["by_platform"] == {"sandbox": 1}
    assert body["uploads"]["success_rate"] == 1.0
    assert body["accounts"]["total"] == 2 and body["accounts"]["active"] == 1
    assert body["accounts"]["by_status"]["expired"] == 1
    assert body["jobs"]["total_jobs"] == 1 and body["running_jobs"] == []
    assert api.get("/api/v1/system/status?scope=global").status_code == 400


def test_operators_get_the_global_status(db, user, other_user):
    QueueItem.objects.create(owner=user, spec={}, platform="tiktok")
    QueueItem.objects.create(owner=other_user, spec={}, platform="tiktok")
    operator = UserFactory(is_staff=True)
    client = _client(operator)
    assert client.get("/api/v1/system/status").json()["queue"]["total"] == 2
    assert client.get("/api/v1/system/status?scope=user").json()["queue"]["total"] == 0
    assert client.get("/api/v1/system/status?scope=everything").status_code == 400


def test_alerts_list_filter_and_acknowledge(api, user, other_user):
    mine = alert_raise(owner=user, kind=AlertKind.PLATFORM_CAP, subject="p", message="cap")
    alert_raise(owner=other_user, kind=AlertKind.PLATFORM_CAP, subject="p", message="theirs")
    system = alert_raise(kind=AlertKind.DISK_LOW, subject="disk", message="disk")
    listed = api.get("/api/v1/alerts/").json()["results"]
    assert [a["id"] for a in listed] == [mine.pk], "creators see only their own alerts"
    body = api.post(f"/api/v1/alerts/{mine.pk}/acknowledge").json()
    assert body["acknowledged_by"] == user.username and body["acknowledged_at"]
    assert api.get("/api/v1/alerts/?open=true").json()["count"] == 0
    assert api.post(f"/api/v1/alerts/{system.pk}/acknowledge").status_code == 404
    operator = _client(UserFactory(is_staff=True))
    assert {a["scope"] for a in operator.get("/api/v1/alerts/").json()["results"]} == {"system"}
    assert operator.post(f"/api/v1/alerts/{system.pk}/acknowledge").status_code == 200
    assert api.get("/api/v1/alerts/?severity=loud").status_code == 400


def test_snapshots_list(api, user, other_user):
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    for owner in (user, other_user):
        for hours in range(3):
            StatsSnapshot.objects.create(
                owner=owner, period="hour", period_start=now - timedelta(hours=hours), computed_at=now, views=hours
            )
    StatsSnapshot.objects.create(owner=user, period="day", period_start=now, computed_at=now)
    assert api.get("/api/v1/snapshots/").json()["count"] == 4
    hourly = api.get("/api/v1/snapshots/?period=hour").json()["results"]
    assert [s["views"] for s in hourly] == [0, 1, 2], "newest first"
    assert api.get("/api/v1/snapshots/?period=week").status_code == 400


def test_other_users_jobs_are_404_on_every_route(api, other_user, make_job):
    job = make_job(other_user)
    for method, path in [
        ("get", f"/api/v1/jobs/{job.pk}/"),
        ("patch", f"/api/v1/jobs/{job.pk}/"),
        ("delete", f"/api/v1/jobs/{job.pk}/"),
        ("post", f"/api/v1/jobs/{job.pk}/enable"),
        ("post", f"/api/v1/jobs/{job.pk}/disable"),
        ("post", f"/api/v1/jobs/{job.pk}/run-now"),
        ("get", f"/api/v1/jobs/{job.pk}/history"),
    ]:
        assert getattr(api, method)(path, {"cron": "* * * * *"} if method == "patch" else None).status_code == 404, path
    assert api.get("/api/v1/jobs/").json()["count"] == 0
    job.refresh_from_db()
    assert job.enabled and job.cron == "0 * * * *"


def test_every_route_needs_authentication(anon_api):
    for method, path in [
        ("get", "/api/v1/jobs/"),
        ("get", "/api/v1/jobs/stats"),
        ("post", "/api/v1/workflow/initialize-automation"),
        ("get", "/api/v1/workflow/running-jobs"),
        ("post", "/api/v1/workflow/stop-all-jobs"),
        ("get", "/api/v1/system/status"),
        ("get", "/api/v1/alerts/"),
        ("get", "/api/v1/snapshots/"),
    ]:
        assert getattr(anon_api, method)(path).status_code == 401, path


def test_job_list_and_status_run_a_constant_number_of_queries(api, user, make_job, django_assert_max_num_queries):
    for n in range(3):
        make_job(user, name=f"job {n}")
    with django_assert_max_num_queries(8):
        api.get("/api/v1/jobs/")
    for n in range(3, 20):
        make_job(user, name=f"job {n}")
    with django_assert_max_num_queries(8):
        assert api.get("/api/v1/jobs/").json()["count"] == 20
    with django_assert_max_num_queries(15):
        api.get("/api/v1/system/status")


def test_schema_is_valid(db):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
