from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts import selectors as account_selectors
from common.errors import ApplicationError
from common.views import get_owned_or_404
from monitoring import charts, cron, health, selectors
from monitoring.forms import CronEditForm, InitializeAutomationForm, JobForm
from monitoring.models import Period
from monitoring.services import alerts, jobs, system
from production.selectors import campaign_list

logger = logging.getLogger(__name__)


def _next_or(request, default: str) -> str:
    """Back to the page the form was on, if it is one of ours."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return resolve_url(default)


def _attention(user, now):
    """Accounts that cannot post now, with why and when they can again."""
    accounts = account_selectors.with_posts_around(account_selectors.social_account_list(user=user), now)
    return [
        (account, check)
        for account, check in account_selectors.social_account_checks(accounts, at=now)
        if not check.allowed
    ]


def overview(request):
    """Landing page: today's numbers, 14 days of charts, the queue now, what needs attention."""
    now = timezone.now()
    user = request.user
    data = selectors.overview(user=user, now=now)
    days = data["days"]
    context = {
        "today": data["today"],
        "queue": selectors.queue_summary(user=user),
        "account_stats": account_selectors.social_account_stats(user=user),
        "attention": _attention(user, now),
        "alerts": list(selectors.alert_list(user=user, open_only=True)[:5]),
        "next_runs": selectors.next_runs(selectors.job_list(user=user), now=now),
        "charts": [
            charts.stacked_bars("Videos per day by status", days, data["videos_by_status"]),
            charts.stacked_bars("Uploads per day by platform", days, data["uploads_by_platform"]),
            charts.line("Upload success rate", days, data["success_rate"], unit="%", top=100),
            charts.line("Views of the videos published each day", days, data["views"]),
        ],
    }
    return render(request, "monitoring/overview.html", context)


def _job_rows(user, now):
    rows = []
    for job in selectors.job_list(user=user):
        rows.append(
            {
                "job": job,
                "words": cron.describe(job.cron),
                "next_run": selectors.job_next_run(job, now=now),
            }
        )
    return rows


def job_list(request):
    return _jobs_page(request)


def _jobs_page(request, *, init_form=None, job_form=None, status: int = 200):
    now = timezone.now()
    context = {
        "rows": _job_rows(request.user, now),
        "stats": selectors.job_stats(user=request.user, now=now),
        "running": list(selectors.running_runs(user=request.user)),
        "recent_runs": list(selectors.job_run_list(user=request.user)[:15]),
        "init_form": init_form or InitializeAutomationForm(),
        "job_form": job_form or JobForm(campaigns=campaign_list(user=request.user)),
    }
    return render(request, "monitoring/jobs.html", context, status=status)


def _form_errors(form, exc: ApplicationError) -> None:
    for field, errors in exc.fields.items():
        name = field.split(".")[-1]
        form.add_error(name if name in form.fields else None, errors)
    if not exc.fields:
        form.add_error(None, exc.message)


@require_POST
def job_initialize(request):
    form = InitializeAutomationForm(request.POST)
    if form.is_valid():
        try:
            created = jobs.automation_initialize(owner=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"Automation is on: {', '.join(job.name for job in created)}.")
            return redirect("monitoring:jobs")
    return _jobs_page(request, init_form=form, status=400)


@require_POST
def job_create(request):
    campaigns = campaign_list(user=request.user)
    form = JobForm(request.POST, campaigns=campaigns)
    if form.is_valid():
        try:
            job = jobs.automation_job_create(owner=request.user, **form.service_kwargs())
        except ApplicationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"Job “{job.name}” created.")
            return redirect("monitoring:jobs")
    return _jobs_page(request, job_form=form, status=400)


def job_detail(request, pk: int):
    job = get_owned_or_404(selectors.job_list(user=request.user), pk=pk)
    form = CronEditForm(request.POST or None, initial={"cron": job.cron})
    if request.method == "POST" and form.is_valid():
        jobs.automation_job_update(job=job, cron=form.cleaned_data["cron"])
        messages.success(request, f"Schedule changed: {cron.describe(job.cron)}.")
        return redirect("monitoring:job", pk=job.pk)
    runs = Paginator(selectors.job_run_list(user=request.user, job=job), 25).get_page(request.GET.get("page"))
    context = {
        "job": job,
        "words": cron.describe(job.cron),
        "upcoming": cron.next_runs(job.cron, job.time_zone, count=5) if job.enabled else [],
        "runs": runs,
        "form": form,
    }
    return render(request, "monitoring/job_detail.html", context, status=400 if form.errors else 200)


JOB_ACTIONS = ("enable", "disable", "run-now", "delete")


@require_POST
def job_action(request, pk: int, action: str):
    if action not in JOB_ACTIONS:
        raise Http404
    job = get_owned_or_404(selectors.job_list(user=request.user), pk=pk)
    if action == "enable":
        jobs.automation_job_set_enabled(job=job, enabled=True)
        messages.success(request, f"“{job.name}” is enabled.")
    elif action == "disable":
        jobs.automation_job_set_enabled(job=job, enabled=False)
        messages.success(request, f"“{job.name}” is disabled.")
    elif action == "run-now":
        jobs.automation_job_run_now(job=job)
        messages.success(request, f"“{job.name}” is queued to run now.")
    elif action == "delete":
        jobs.automation_job_delete(job=job)
        messages.success(request, f"“{job.name}” was deleted.")
        return redirect("monitoring:jobs")
    return redirect(_next_or(request, "monitoring:jobs"))


@require_POST
def jobs_stop_all(request):
    result = jobs.automation_jobs_stop_all(owner=request.user)
    messages.success(request, f"Stopped: {result.disabled} job(s) disabled, {result.stopped} run(s) asked to stop.")
    return redirect("monitoring:jobs")


def monitoring(request):
    period = request.GET.get("period", Period.HOUR)
    if period not in Period.values:
        period = Period.HOUR
    snapshots = selectors.snapshot_list(user=request.user).filter(period=period).order_by("-period_start")
    context = {
        "alerts": Paginator(selectors.alert_list(user=request.user), 20).get_page(request.GET.get("page")),
        "checks": health.run_checks(),
        "snapshots": list(snapshots[:48]),
        "period": period,
        "periods": Period.choices,
        "status": selectors.system_status(user=request.user, everyone=request.user.is_staff),
    }
    return render(request, "monitoring/monitoring.html", context)


@require_POST
def alert_acknowledge(request, pk: int):
    alert = get_owned_or_404(selectors.alert_list(user=request.user), pk=pk)
    alerts.alert_acknowledge(alert=alert, user=request.user)
    messages.success(request, "Alert acknowledged.")
    return redirect(_next_or(request, "monitoring:monitoring"))


@login_not_required
@never_cache
@require_GET
def readyz(request):
    """Readiness: 200 when every check passes, else 503; the body names each check."""
    results = health.run_checks()
    ready = all(result.ok for result in results)
    if not ready:
        try:
            system.alerts_for_checks(results)
        except Exception:  # the answer matters more than the alert (the database may be the failed check)
            logger.warning("Could not raise alerts for failed readiness checks", exc_info=True)
    body = {
        "status": "ok" if ready else "error",
        "checks": {result.name: {"ok": result.ok, "detail": result.detail} for result in results},
        "failed": [result.name for result in results if not result.ok],
    }
    return JsonResponse(body, status=200 if ready else 503)
