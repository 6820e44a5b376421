"""Automation jobs and their django-celery-beat rows, kept consistent in one transaction.

Every job owns one PeriodicTask (task `monitoring.run_job`, args `[job id]`) on a
CrontabSchedule in the owner's time zone. Create, edit, enable, disable and delete go
through here, so the beat schedule always says what the job says.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from common.errors import ApplicationError
from monitoring import cron as cron_lib
from monitoring.models import (
    ALL_PLATFORMS,
    PARAMETER_SPECS,
    AutomationJob,
    JobRun,
    JobType,
    RunStatus,
    RunTrigger,
)
from production.models import Campaign

logger = logging.getLogger(__name__)
JOB_TASK = "monitoring.run_job"
EDITABLE_FIELDS = ("name", "cron", "platform", "campaign", "parameters", "enabled", "time_zone")


def clean_parameters(job_type: str, parameters: dict | None) -> dict:
    """Known keys only, whole numbers inside their bounds; defaults fill the rest."""
    if job_type not in JobType.values:
        raise ApplicationError(
            f"Unknown job type {job_type!r}.", fields={"job_type": [f"Choose one of: {', '.join(JobType.values)}."]}
        )
    parameters = parameters or {}
    if not isinstance(parameters, dict):
        raise ApplicationError("parameters must be an object.", fields={"parameters": ["Must be an object."]})
    specs = PARAMETER_SPECS[job_type]
    unknown = sorted(set(parameters) - set(specs))
    if unknown:
        allowed = ", ".join(specs) or "none"
        raise ApplicationError(
            f"A {job_type} job does not take {', '.join(unknown)} (it takes: {allowed}).",
            fields={f"parameters.{name}": ["Unknown parameter."] for name in unknown},
        )
    cleaned = {}
    for name, (default, lower, upper) in specs.items():
        value = parameters.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int) or not lower <= value <= upper:
            raise ApplicationError(
                f"{name} must be a whole number from {lower} to {upper}.",
                fields={f"parameters.{name}": [f"Whole number from {lower} to {upper}."]},
            )
        cleaned[name] = value
    return cleaned


def _crontab(expression: str, time_zone: str) -> CrontabSchedule:
    parsed = cron_lib.parse(expression)
    fields = {
        "minute": parsed.minute,
        "hour": parsed.hour,
        "day_of_month": parsed.day_of_month,
        "month_of_year": parsed.month_of_year,
        "day_of_week": parsed.day_of_week,
        "timezone": time_zone,
    }
    return CrontabSchedule.objects.filter(**fields).order_by("id").first() or CrontabSchedule.objects.create(**fields)


def _drop_unused_crontab(crontab_id: int | None) -> None:
    if crontab_id:
        CrontabSchedule.objects.filter(pk=crontab_id, periodictask__isnull=True).delete()


def _sync_periodic_task(job: AutomationJob) -> None:
    """Create or update the job's PeriodicTask from the job (saving it tells beat to reload)."""
    crontab = _crontab(job.cron, job.time_zone)
    task = job.periodic_task or PeriodicTask(task=JOB_TASK)
    old_crontab = task.crontab_id
    task.name = f"job {job.pk}: {job.name}"[:200]
    task.task = JOB_TASK
    task.crontab = crontab
    task.interval = task.solar = task.clocked = None
    task.args = json.dumps([job.pk])
    task.kwargs = json.dumps({})
    task.queue = "default"
    task.enabled = job.enabled
    task.one_off = False
    task.description = f"Automation job of {job.owner.username}: {job.get_job_type_display()}"
    task.save()
    if job.periodic_task_id != task.pk:
        job.periodic_task = task
        job.save(update_fields=["periodic_task", "updated_at"])
    if old_crontab != crontab.pk:
        _drop_unused_crontab(old_crontab)


def _full_clean(job: AutomationJob) -> None:
    try:
        job.full_clean(exclude=["periodic_task"])
    except ValidationError as exc:
        fields = exc.message_dict
        raise ApplicationError("; ".join(f"{k}: {' '.join(v)}" for k, v in fields.items()), fields=fields) from None


def _check_campaign(owner, campaign: Campaign | None) -> None:
    if campaign is not None and campaign.owner_id != owner.pk:
        raise ApplicationError("No campaign with this id among yours.", fields={"campaign": ["Not found."]})


@transaction.atomic
def automation_job_create(
    *,
    owner,
    name: str,
    job_type: str,
    cron: str,
    platform: str = ALL_PLATFORMS,
    campaign: Campaign | None = None,
    parameters: dict | None = None,
    enabled: bool = True,
    time_zone: str | None = None,
    standard: str = "",
) -> AutomationJob:
    cron_lib.parse(cron)
    _check_campaign(owner, campaign)
    job = AutomationJob(
        owner=owner,
        name=name,
        job_type=job_type,
        cron=" ".join(cron.split()),
        platform=platform,
        campaign=campaign,
        parameters=clean_parameters(job_type, parameters),
        enabled=enabled,
        time_zone=time_zone or owner.time_zone,
        standard=standard,
    )
    _full_clean(job)
    job.save()
    _sync_periodic_task(job)
    return job


@transaction.atomic
def automation_job_update(*, job: AutomationJob, **fields) -> AutomationJob:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")
    if "cron" in fields:
        cron_lib.parse(fields["cron"])
        fields["cron"] = " ".join(fields["cron"].split())
    if "campaign" in fields:
        _check_campaign(job.owner, fields["campaign"])
    if "parameters" in fields:
        fields["parameters"] = clean_parameters(job.job_type, {**job.parameters, **(fields["parameters"] or {})})
    for name, value in fields.items():
        setattr(job, name, value)
    _full_clean(job)
    job.save(update_fields=[*fields, "updated_at"])
    _sync_periodic_task(job)
    return job


def automation_job_set_enabled(*, job: AutomationJob, enabled: bool) -> AutomationJob:
    return automation_job_update(job=job, enabled=enabled)


@transaction.atomic
def automation_job_delete(*, job: AutomationJob) -> None:
    """The job, its history and its PeriodicTask (and the crontab if nothing else uses it)."""
    task = job.periodic_task
    job.delete()
    if task is not None:
        crontab_id = task.crontab_id
        task.delete()
        _drop_unused_crontab(crontab_id)


# --- initialize-automation ------------------------------------------------------------------
@dataclass(frozen=True)
class StandardJob:
    kind: str
    name: str
    job_type: str
    parameter: str | None


STANDARD_JOBS = (
    StandardJob("generate", "Generate videos", JobType.GENERATE, "videos_per_run"),
    StandardJob("upload", "Upload videos", JobType.UPLOAD, "uploads_per_run"),
    StandardJob("cleanup", "Clean up", JobType.CLEANUP, None),
)
DEFAULT_SCHEDULES = {"generate": "0 * * * *", "upload": "0 */2 * * *", "cleanup": "0 3 * * *"}


@transaction.atomic
def automation_initialize(
    *,
    owner,
    generation_schedule: str = DEFAULT_SCHEDULES["generate"],
    upload_schedule: str = DEFAULT_SCHEDULES["upload"],
    cleanup_schedule: str = DEFAULT_SCHEDULES["cleanup"],
    videos_per_generation: int = 1,
    uploads_per_run: int = 2,
) -> list[AutomationJob]:
    """Create or update the user's three standard jobs (generation, upload, cleanup), enabled.

    Idempotent: calling it again updates the same three jobs.
    """
    schedules = {"generate": generation_schedule, "upload": upload_schedule, "cleanup": cleanup_schedule}
    for kind, expression in schedules.items():
        cron_lib.parse(expression, field=f"{kind}_schedule")
    amounts = {"videos_per_run": videos_per_generation, "uploads_per_run": uploads_per_run}
    jobs = []
    for spec in STANDARD_JOBS:
        parameters = {spec.parameter: amounts[spec.parameter]} if spec.parameter else {}
        job = AutomationJob.objects.select_for_update().filter(owner=owner, standard=spec.kind).first()
        if job is None:
            taken = AutomationJob.objects.filter(owner=owner, name=spec.name).exists()
            job = automation_job_create(
                owner=owner,
                name=f"{spec.name} (automation)" if taken else spec.name,
                job_type=spec.job_type,
                cron=schedules[spec.kind],
                parameters=parameters,
                standard=spec.kind,
            )
        else:
            job = automation_job_update(job=job, cron=schedules[spec.kind], parameters=parameters, enabled=True)
        jobs.append(job)
    return jobs


# --- running ------------------------------------------------------------------------------
def automation_job_run_now(*, job: AutomationJob) -> str:
    """Queue a run outside the schedule (even of a disabled job); returns the task id."""
    from monitoring import tasks

    task_id = str(uuid.uuid4())
    transaction.on_commit(
        lambda: tasks.run_job.apply_async(args=[job.pk], kwargs={"trigger": RunTrigger.MANUAL}, task_id=task_id)
    )
    return task_id


@dataclass(frozen=True)
class StopResult:
    disabled: int
    stopped: int


@transaction.atomic
def automation_jobs_stop_all(*, owner) -> StopResult:
    """Disable every job of the user and stop what is running: the runners see the cancel flag
    between steps and finish as `cancelled`; their Celery tasks are revoked."""
    jobs = list(AutomationJob.objects.select_for_update().filter(owner=owner).order_by("pk"))
    disabled = 0
    for job in jobs:
        if job.enabled:
            automation_job_set_enabled(job=job, enabled=False)
            disabled += 1
    running = [job for job in jobs if job.running_since is not None]
    AutomationJob.objects.filter(pk__in=[job.pk for job in running]).update(
        cancel_requested=True, updated_at=timezone.now()
    )
    task_ids = [job.running_task_id for job in running if job.running_task_id]
    task_ids += list(
        JobRun.objects.filter(job__owner=owner, status=RunStatus.RUNNING)
        .exclude(task_id="")
        .values_list("task_id", flat=True)
    )
    if task_ids:
        transaction.on_commit(lambda: _revoke(sorted(set(task_ids))))
    return StopResult(disabled=disabled, stopped=len(running))


def _revoke(task_ids: list[str]) -> None:
    """Best effort: brokers without broadcast (the filesystem one) cannot revoke; the flag still works."""
    from config.celery import app

    try:
        app.control.revoke(task_ids)
    except Exception as exc:  # a broker that cannot broadcast must not break stop-all
        logger.warning("Could not revoke job tasks %s: %s", task_ids, exc)
