"""Job services keep the job and its django-celery-beat PeriodicTask + CrontabSchedule in step."""

import json

import pytest
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from common.errors import ApplicationError
from monitoring.models import AutomationJob
from monitoring.services import jobs


def test_create_makes_an_enabled_periodic_task_in_the_owner_time_zone(user, make_job):
    user.time_zone = "Europe/Berlin"
    user.save()
    job = make_job(user, "generate", "30 */2 * * 1-5", parameters={"videos_per_run": 3})
    task = PeriodicTask.objects.get(pk=job.periodic_task_id)
    assert task.task == "monitoring.run_job" and json.loads(task.args) == [job.pk] and task.enabled
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week) == ("30", "*/2", "1-5")
    assert str(task.crontab.timezone) == "Europe/Berlin"
    assert job.parameters == {"videos_per_run": 3}


def test_edit_cron_moves_the_task_and_drops_the_unused_schedule(user, make_job):
    job = make_job(user, cron="0 * * * *")
    old = job.periodic_task.crontab_id
    jobs.automation_job_update(job=job, cron="15 4 * * *")
    task = PeriodicTask.objects.get(pk=job.periodic_task_id)
    assert (task.crontab.minute, task.crontab.hour) == ("15", "4")
    assert not CrontabSchedule.objects.filter(pk=old).exists()


def test_disable_enable_and_delete_follow_through_to_beat(user, make_job):
    job = make_job(user)
    jobs.automation_job_set_enabled(job=job, enabled=False)
    assert PeriodicTask.objects.get(pk=job.periodic_task_id).enabled is False
    jobs.automation_job_set_enabled(job=job, enabled=True)
    assert PeriodicTask.objects.get(pk=job.periodic_task_id).enabled is True
    task_id, crontab_id = job.periodic_task_id, job.periodic_task.crontab_id
    jobs.automation_job_delete(job=job)
    assert not PeriodicTask.objects.filter(pk=task_id).exists()
    assert not CrontabSchedule.objects.filter(pk=crontab_id).exists()
    assert not AutomationJob.objects.exists()


def test_a_schedule_shared_with_another_job_is_kept(user, make_job):
    first, second = make_job(user, cron="0 3 * * *"), make_job(user, cron="0 3 * * *")
    assert first.periodic_task.crontab_id == second.periodic_task.crontab_id
    jobs.automation_job_delete(job=first)
    assert CrontabSchedule.objects.filter(pk=second.periodic_task.crontab_id).exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"cron": "0 25 * * *"}, "cron"),
        ({"parameters": {"videos_per_run": 0}}, "parameters.videos_per_run"),
        ({"parameters": {"uploads_per_run": 2}}, "parameters.uploads_per_run"),
        ({"parameters": {"videos_per_run": "2"}}, "parameters.videos_per_run"),
        ({"platform": "myspace"}, "platform"),
        ({"job_type": "dance"}, "job_type"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(user, fields, field):
    arguments = {"owner": user, "name": "Bad", "job_type": "generate", "cron": "0 * * * *"} | fields
    with pytest.raises(ApplicationError) as caught:
        jobs.automation_job_create(**arguments)
    assert field in caught.value.fields
    assert not AutomationJob.objects.exists() and not PeriodicTask.objects.filter(task=jobs.JOB_TASK).exists()


def test_a_campaign_of_someone_else_is_refused(user, other_user, active_campaign):
    theirs = active_campaign(other_user)
    with pytest.raises(ApplicationError):
        jobs.automation_job_create(owner=user, name="Theirs", job_type="generate", cron="0 * * * *", campaign=theirs)


def test_initialize_automation_is_idempotent(user):
    first = jobs.automation_initialize(owner=user, videos_per_generation=2, uploads_per_run=3)
    second = jobs.automation_initialize(
        owner=user, generation_schedule="*/30 * * * *", videos_per_generation=4, uploads_per_run=1
    )
    assert [job.pk for job in first] == [job.pk for job in second]
    assert AutomationJob.objects.filter(owner=user).count() == 3
    assert PeriodicTask.objects.filter(task=jobs.JOB_TASK).count() == 3
    generate = AutomationJob.objects.get(owner=user, standard="generate")
    assert generate.cron == "*/30 * * * *" and generate.parameters == {"videos_per_run": 4}
    assert PeriodicTask.objects.get(pk=generate.periodic_task_id).crontab.minute == "*/30"
    upload = AutomationJob.objects.get(owner=user, standard="upload")
    assert upload.parameters == {"uploads_per_run": 1} and upload.cron == "0 */2 * * *"
    assert AutomationJob.objects.get(owner=user, standard="cleanup").cron == "0 3 * * *"


def test_initialize_re_enables_stopped_jobs_and_leaves_other_users_alone(user, other_user):
    jobs.automation_initialize(owner=other_user)
    jobs.automation_initialize(owner=user)
    jobs.automation_jobs_stop_all(owner=user)
    assert not AutomationJob.objects.filter(owner=user, enabled=True).exists()
    assert AutomationJob.objects.filter(owner=other_user, enabled=True).count() == 3
    jobs.automation_initialize(owner=user)
    assert AutomationJob.objects.filter(owner=user, enabled=True).count() == 3


def test_stop_all_disables_and_stops_a_running_run(user, make_job, active_campaign):
    active_campaign(user)
    job = make_job(user)
    AutomationJob.objects.filter(pk=job.pk).update(running_since=job.created_at, running_task_id="abc")
    result = jobs.automation_jobs_stop_all(owner=user)
    assert (result.disabled, result.stopped) == (1, 1)
    job.refresh_from_db()
    assert job.cancel_requested and not job.enabled and not job.periodic_task.enabled
