"""Dashboard pages: uploads (live), one upload with its attempts, scheduled posts, the calendar,
and the actions that publish a video, retry or cancel an upload and refresh engagement."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from accounts.limits import Refusal
from accounts.platforms import Platform
from common.errors import ApplicationError
from common.views import get_owned_or_404
from distribution import selectors
from distribution.forms import PublishForm, UploadFilterForm, account_label
from distribution.models import OPEN_STATUSES
from distribution.services import dashboard, metrics, publishing, reservation, sending, workflow
from production.models import QueueStatus
from production.selectors import queue_item_list

UPLOAD_PAGE_SIZE = 50
CALENDAR_LEGEND = [
    ("pending", "scheduled / waiting"),
    ("uploading", "uploading"),
    ("retry", "retrying"),
    ("unknown", "being checked"),
    ("success", "posted"),
    ("failed", "failed"),
]


def _back(request, default: str, *args):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(default, *args)


def _when(moment, request) -> str:
    local = moment.astimezone(dashboard.user_time_zone(request.user))
    return f"{local:%a %b} {local.day}, {local:%H:%M} ({local.tzinfo})"


# Uploads -----------------------------------------------------------------------------------


def _uploads_context(request) -> dict:
    form = UploadFilterForm(request.GET, owner=request.user)
    filters = form.filters()
    uploads = selectors.upload_table(user=request.user, filters=filters)
    page = Paginator(uploads, UPLOAD_PAGE_SIZE).get_page(request.GET.get("page"))
    stats = selectors.upload_summary(user=request.user)
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "page": page,
        "form": form,
        "filters": filters,
        "query": query.urlencode(),
        "stats": stats,
        # Poll while any of the user's uploads can still change, whatever the filters show.
        "polling": bool(stats["open"]),
    }


@require_GET
def upload_list(request):
    return render(request, "distribution/uploads.html", _uploads_context(request))


@require_GET
def upload_rows(request):
    """htmx: the table's rows and the summary; polls itself while an upload is on its way."""
    return render(request, "distribution/_upload_rows.html", _uploads_context(request))


def _own_upload(request, upload_id):
    return get_owned_or_404(selectors.upload_detail(user=request.user), upload_id=upload_id)


@require_GET
def upload_detail(request, upload_id):
    """One upload with its attempts; htmx polls the live part while the upload is open."""
    upload = _own_upload(request, upload_id)
    context = {"upload": upload, "attempts": upload.attempts.all(), "open": upload.status in OPEN_STATUSES}
    if request.htmx:
        return render(request, "distribution/_upload_live.html", context)
    return render(request, "distribution/upload_detail.html", context)


_UPLOAD_ACTIONS = {
    "retry": (lambda upload: publishing.upload_retry(upload=upload), "Retrying"),
    "cancel": (lambda upload: publishing.upload_cancel(upload=upload), "Cancelled"),
}


@require_POST
def upload_action(request, upload_id, action: str):
    upload = _own_upload(request, upload_id)
    if action not in _UPLOAD_ACTIONS:
        raise Http404
    service, done = _UPLOAD_ACTIONS[action]
    try:
        service(upload)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{done} the upload to {account_label(upload.account)}.")
    return _back(request, "distribution:upload", upload.upload_id)


@require_GET
def scheduled_list(request):
    uploads = selectors.scheduled_upload_list(user=request.user).select_related("queue_item__output_asset")
    return render(request, "distribution/scheduled.html", {"uploads": uploads})


@require_GET
def calendar(request):
    week = dashboard.calendar_week(user=request.user, week=dashboard.parse_week(request.GET.get("week")))
    return render(request, "distribution/calendar.html", {"week": week, "legend": CALENDAR_LEGEND})


# Publishing --------------------------------------------------------------------------------


def _own_item(request, queue_id):
    return get_owned_or_404(queue_item_list(user=request.user), queue_id=queue_id)


def _publish(item, data) -> tuple[list, list]:
    """Send the video to every chosen account and platform: the uploads, and the refusals."""
    targets = [sending.Target(account=account) for account in data["accounts"]]
    targets += [sending.Target(platform=platform) for platform in data["platforms"]]
    sent = sending.uploads_send(
        item=item,
        targets=targets,
        scheduled_at=data["scheduled_at"],
        privacy=data["privacy"],
        first_comment=data["first_comment"] or None,
        synthetic=data["synthetic"],
    )
    return sent.uploads, sent.refusals


def _published_message(request, item, uploads) -> str:
    parts = [
        account_label(upload.account) + (f" on {_when(upload.scheduled_at, request)}" if upload.scheduled_at else "")
        for upload in uploads
    ]
    return f"Publishing video {str(item.queue_id)[:8]} to {', '.join(parts)}."


def publish(request, queue_id):
    """Publish one ready video: the form (also on the video's page) and its result."""
    item = _own_item(request, queue_id)
    tz = dashboard.user_time_zone(request.user)
    initial = {"platforms": reservation.target_platforms(item), "synthetic": reservation.item_is_synthetic(item)}
    form = PublishForm(request.POST or None, owner=request.user, time_zone=tz, initial=initial)
    refusals: list[Refusal] = []
    if request.method == "POST" and form.is_valid():
        try:
            uploads, refusals = _publish(item, form.cleaned_data)
        except ApplicationError as exc:  # nothing was written (the video is not ready, say)
            uploads, refusals = [], [Refusal(exc.message, code=exc.code)]
        if uploads:
            messages.success(request, _published_message(request, item, uploads))
            for refusal in refusals:
                next_at = f" Next allowed at {_when(refusal.next_at, request)}." if refusal.next_at else ""
                messages.warning(request, f"Not published: {refusal.message}{next_at}")
            return _back(request, "production:queue-item", item.queue_id)
    context = {"item": item, "form": form, "refusals": refusals, "ready": item.status == QueueStatus.READY}
    return render(request, "distribution/publish.html", context, status=400 if refusals else 200)


@require_POST
def publish_next(request):
    try:
        result = workflow.workflow_upload_next(owner=request.user)
    except ApplicationError as exc:
        hint = (
            " Videos go to their campaign's target platforms; publish others from their page."
            if exc.code == "nothing_ready"
            else ""
        )
        messages.error(request, exc.message + hint)
        return redirect("distribution:uploads")
    if result.uploads:
        messages.success(request, _published_message(request, result.item, result.uploads))
    for platform, problem in result.errors.items():
        messages.warning(request, f"Not on {Platform(platform).label}: {problem}")
    return redirect("distribution:uploads")


@require_POST
def refresh_metrics(request, queue_id):
    """Ask each platform for this video's numbers now; failures are kept on the rows and shown."""
    item = _own_item(request, queue_id)
    posts = list(selectors.distribution_list(user=request.user).filter(queue_item=item))
    failed = 0
    for distribution in posts:
        failed += bool(metrics.distribution_fetch_metrics(distribution=distribution).fetch_error)
    if not posts:
        messages.error(request, "This video is not live anywhere yet: nothing to measure.")
    elif failed:
        messages.warning(request, f"Fetched {len(posts) - failed} of {len(posts)} posts; see the errors below.")
    else:
        messages.success(request, f"Fetched the numbers of {len(posts)} post{'s' if len(posts) != 1 else ''}.")
    return redirect(reverse("production:queue-item", args=[item.queue_id]) + "#engagement")
