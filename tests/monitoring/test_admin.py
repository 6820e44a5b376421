"""Operators in the admin: every monitoring model, and job edits that go through the services."""

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from monitoring.models import AlertKind, AutomationJob, JobRun, RunStatus, StatsSnapshot
from monitoring.services.alerts import alert_raise
from monitoring.tasks import record_heartbeat


@pytest.fixture
def staff_client(client, django_user_model):
    admin = django_user_model.objects.create_superuser("ops", "ops@example.test", "pw-ops-123456")
    client.force_login(admin)
    return client


def test_every_page_opens(staff_client, user, make_job):
    job = make_job(user)
    JobRun.objects.create(job=job, status=RunStatus.SUCCESS, started_at=timezone.now())
    alert = alert_raise(owner=user, kind=AlertKind.DISK_LOW, subject="disk", message="low")
    StatsSnapshot.objects.create(owner=user, period="day", period_start=timezone.now(), computed_at=timezone.now())
    record_heartbeat("w1", started=True)
    for page in [
        "/admin/monitoring/automationjob/",
        f"/admin/monitoring/automationjob/{job.pk}/change/",
        "/admin/monitoring/automationjob/add/",
        "/admin/monitoring/jobrun/",
        "/admin/monitoring/alert/",
        f"/admin/monitoring/alert/{alert.pk}/change/",
        "/admin/monitoring/statssnapshot/",
        "/admin/monitoring/workerheartbeat/",
    ]:
        assert staff_client.get(page).status_code == 200, page
    assert b"Every hour" in staff_client.get("/admin/monitoring/automationjob/").content


def test_add_and_edit_keep_the_periodic_task_in_step(staff_client, user):
    form = {
        "owner": user.pk, "name": "From admin", "job_type": "upload", "platform": "all",
        "parameters": '{"uploads_per_run": 4}', "cron": "5 * * * *", "time_zone": "UTC", "enabled": "on",
    }  # fmt: skip
    assert staff_client.post("/admin/monitoring/automationjob/add/", form).status_code == 302
    job = AutomationJob.objects.get(name="From admin")
    assert job.periodic_task.crontab.minute == "5" and job.parameters == {"uploads_per_run": 4}
    bad = staff_client.post(f"/admin/monitoring/automationjob/{job.pk}/change/", form | {"cron": "5 * *"})
    assert bad.status_code == 200 and b"five fields" in bad.content
    staff_client.post(f"/admin/monitoring/automationjob/{job.pk}/change/", form | {"cron": "10 4 * * *", "enabled": ""})
    task = PeriodicTask.objects.get(pk=job.periodic_task_id)
    assert (task.crontab.minute, task.crontab.hour, task.enabled) == ("10", "4", False)


def test_actions_use_the_services(staff_client, user, make_job):
    job = make_job(user)
    url = "/admin/monitoring/automationjob/"
    staff_client.post(url, {"action": "disable_jobs", "_selected_action": [job.pk]})
    assert not PeriodicTask.objects.get(pk=job.periodic_task_id).enabled
    staff_client.post(url, {"action": "delete_selected", "_selected_action": [job.pk], "post": "yes"})
    assert not AutomationJob.objects.exists() and not PeriodicTask.objects.filter(task="monitoring.run_job").exists()
    alert = alert_raise(owner=user, kind=AlertKind.DISK_LOW, subject="disk", message="low")
    staff_client.post("/admin/monitoring/alert/", {"action": "acknowledge", "_selected_action": [alert.pk]})
    alert.refresh_from_db()
    assert alert.acknowledged_by.username == "ops"
