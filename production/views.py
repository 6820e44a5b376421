"""Dashboard pages: campaigns with the slot editor, the live queue, item detail, batch jobs."""

from __future__ import annotations

import json
import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from common.errors import ApplicationError
from common.views import get_owned_or_404
from production import selectors
from production.editor import CampaignEditor, slot_definition_of
from production.forms import BatchForm, GenerateForm, QueueFilterForm, SlotForm
from production.models import Priority, QueueStatus
from production.services import batches, campaigns, dashboard, queue

QUEUE_PAGE_SIZE = 50
BATCH_PAGE_SIZE = 20
ACTIVE = {QueueStatus.PENDING, QueueStatus.PROCESSING}


def _message(exc: ApplicationError | ValidationError) -> str:
    return exc.message if isinstance(exc, ApplicationError) else " ".join(exc.messages)


def _back(request, default: str):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(default)


# Campaigns -------------------------------------------------------------------------------


def _own_campaign(request, pk: int):
    return get_owned_or_404(selectors.campaign_list(user=request.user), pk=pk)


@require_GET
def campaign_list(request):
    return render(request, "production/campaign_list.html", {"campaigns": selectors.campaign_list(user=request.user)})


def _editor_page(request, editor: CampaignEditor):
    context = {"editor": editor, "campaign": editor.campaign, "slot_rows": _slot_previews(request, editor)}
    return render(request, "production/campaign_form.html", context)


def _slot_previews(request, editor: CampaignEditor) -> list[tuple]:
    return [
        (form, dashboard.slot_candidates(owner=request.user, slot=definition) if definition else None)
        for form, definition in editor.slot_rows()
    ]


def _save_campaign(request, editor: CampaignEditor):
    kwargs = editor.service_kwargs()
    accounts = kwargs.pop("target_accounts")
    try:
        if editor.campaign is None:
            return campaigns.campaign_create(owner=request.user, target_accounts=accounts, **kwargs)
        return campaigns.campaign_update(campaign=editor.campaign, target_accounts=accounts, **kwargs)
    except (ApplicationError, ValidationError) as exc:
        editor.add_service_error(exc)
        return None


def campaign_create(request):
    editor = CampaignEditor(request.POST or None, owner=request.user)
    if request.method == "POST" and editor.is_valid():
        campaign = _save_campaign(request, editor)
        if campaign:
            messages.success(request, f"Created the campaign “{campaign}” as a draft. Activate it to generate.")
            return redirect("production:campaign-edit", pk=campaign.pk)
    return _editor_page(request, editor)


def campaign_edit(request, pk: int):
    campaign = _own_campaign(request, pk)
    editor = CampaignEditor(request.POST or None, owner=request.user, campaign=campaign)
    if request.method == "POST" and editor.is_valid():
        if _save_campaign(request, editor):
            messages.success(request, f"Saved “{campaign}”.")
            return redirect("production:campaign-edit", pk=campaign.pk)
        campaign.refresh_from_db()
    return _editor_page(request, editor)


_CAMPAIGN_ACTIONS = {
    "activate": "Activated",
    "pause": "Paused",
    "complete": "Completed",
    "archive": "Archived",
}


@require_POST
def campaign_action(request, pk: int, action: str):
    campaign = _own_campaign(request, pk)
    if action not in (*_CAMPAIGN_ACTIONS, "duplicate", "delete"):
        raise Http404
    try:
        if action == "duplicate":
            copy = campaigns.campaign_duplicate(campaign=campaign)
            messages.success(request, f"Duplicated as “{copy}” (a draft).")
            return redirect("production:campaign-edit", pk=copy.pk)
        if action == "delete":
            campaigns.campaign_delete(campaign=campaign)
            messages.success(request, f"Deleted “{campaign}”; its videos stay in the queue.")
            return redirect("production:campaigns")
        campaigns.campaign_transition(campaign=campaign, action=action)
    except (ApplicationError, ValidationError) as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, f"{_CAMPAIGN_ACTIONS[action]} “{campaign}”.")
    return _back(request, "production:campaigns")


@require_POST
def campaign_generate(request, pk: int):
    campaign = _own_campaign(request, pk)
    form = GenerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Videos: " + " ".join(form.errors["count"]))
        return _back(request, "production:campaigns")
    try:
        items = campaigns.campaign_generate(campaign=campaign, count=form.cleaned_data["count"])
    except ApplicationError as exc:
        messages.error(request, f"“{campaign}” could not generate: {exc.message}")
        return _back(request, "production:campaigns")
    plural = "s" if len(items) != 1 else ""
    messages.success(request, f"Queued {len(items)} video{plural} from “{campaign}”.")
    if campaign.pool_exhausted_at:
        messages.warning(request, campaign.pool_message)
    return redirect(f"{reverse('production:queue')}?campaign={campaign.pk}")


_SLOT_PREFIX = re.compile(r"^slots-\d{1,2}$")


@require_GET
def slot_candidates(request):
    """htmx: thumbnails and count of the library assets that fit one slot row."""
    prefix = request.GET.get("prefix", "")
    if not _SLOT_PREFIX.match(prefix):
        raise Http404
    form = SlotForm(request.GET, prefix=prefix)
    definition = slot_definition_of(form)
    candidates = dashboard.slot_candidates(owner=request.user, slot=definition) if definition else None
    return render(request, "production/_candidates.html", {"form": form, "candidates": candidates})


@require_POST
def composition_check(request):
    """htmx: fill the slots with their top candidates and show the policy verdict."""
    editor = CampaignEditor(request.POST, owner=request.user)
    result = editor.composition_result()
    if result is None:
        problems = [_problem(field, errs) for field, errs in editor.composition.errors.items()]
        for form in editor.slots.forms:
            name = form["name"].value() or "new slot"
            problems += [f"slot {name} · {_problem(field, errs)}" for field, errs in form.errors.items()]
        problems += list(editor.slots.non_form_errors())
        return render(request, "production/_policy.html", {"problems": problems})
    template, slots = result
    preview = dashboard.composition_preview(owner=request.user, template=template, slots=slots)
    # In editor mode the advanced textarea follows along, so switching shows the same video.
    synced = "" if editor.advanced else json.dumps(template, indent=2)
    return render(request, "production/_policy.html", {"preview": preview, "template_json": synced})


def _problem(field: str, errors) -> str:
    return " ".join(errors) if field == "__all__" else f"{field}: {' '.join(errors)}"


# Queue -----------------------------------------------------------------------------------


def _queue_context(request) -> dict:
    filters = QueueFilterForm(request.GET).filters()
    for name in ("campaign", "batch"):
        value = request.GET.get(name, "")
        if value.isdigit():
            filters[f"{name}_id"] = int(value)
    items = selectors.queue_item_list(user=request.user, filters=filters).order_by("-created_at", "-id")
    page = Paginator(items, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    stats = selectors.queue_stats(user=request.user)
    query, tab_query = request.GET.copy(), request.GET.copy()
    query.pop("page", None)
    for name in ("status", "page"):
        tab_query.pop(name, None)
    return {
        "page": page,
        "query": query.urlencode(),
        "tab_query": tab_query.urlencode(),
        "filters": filters,
        # Poll while any of the user's items can still change, whichever tab is open.
        "polling": any(stats["by_status"][status] for status in ACTIVE),
        "stats": stats,
        "statuses": QueueStatus.choices,
    }


@require_GET
def queue_list(request):
    context = _queue_context(request)
    context["priorities"] = [(p.value, p.label.title()) for p in Priority]
    context["platforms"] = sorted(context["stats"]["by_platform"])
    return render(request, "production/queue_list.html", context)


@require_GET
def queue_rows(request):
    """htmx: the table's rows (and the tab counts); polls itself while an item is pending or rendering."""
    return render(request, "production/_queue_rows.html", _queue_context(request))


def _own_item(request, queue_id):
    return get_owned_or_404(selectors.queue_item_list(user=request.user), queue_id=queue_id)


@require_GET
def queue_item_detail(request, queue_id):
    """The item page; htmx polls its live part (status, progress, player, logs) while it moves."""
    item = _own_item(request, queue_id)
    command, command_note = dashboard.queue_item_command(item)
    context = {"item": item, "logs": item.logs.all(), "command": command, "command_note": command_note}
    if request.htmx:
        return render(request, "production/_item_live.html", context)
    context["spec_json"] = json.dumps(item.spec, indent=2)
    return render(request, "production/queue_item.html", context)


@require_POST
def queue_item_action(request, queue_id, action: str):
    item = _own_item(request, queue_id)
    if action not in ("retry", "cancel"):
        raise Http404
    try:
        if action == "retry":
            item, done = queue.queue_item_retry(item=item), "Back in the queue"
        else:
            item = queue.queue_item_cancel(item=item)
            done = "Cancelled" if item.status == QueueStatus.CANCELLED else "Stopping the render of"
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{done}: video {str(item.queue_id)[:8]}.")
    return redirect("production:queue-item", queue_id=item.queue_id)


# Batch jobs ------------------------------------------------------------------------------


def _batch_page(request, form: BatchForm):
    page = Paginator(selectors.batch_list(user=request.user), BATCH_PAGE_SIZE).get_page(request.GET.get("page"))
    progress = batches.batch_progress_many(list(page.object_list))
    rows = [(batch, progress[batch.pk]) for batch in page.object_list]
    polling = any(batch.status in ("pending", "running") for batch, _ in rows)
    context = {"page": page, "rows": rows, "form": form, "polling": polling}
    template = "production/_batch_rows.html" if request.htmx and request.method == "GET" else "production/batches.html"
    return render(request, template, context)


def batch_list(request):
    form = BatchForm(request.POST or None, owner=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            batch = batches.batch_create(
                owner=request.user,
                name=data["name"],
                campaign=data["campaign"],
                count=data["count"],
                concurrency_limit=data["concurrency_limit"],
            )
        except (ApplicationError, ValidationError) as exc:
            form.add_error(None, _message(exc))
        else:
            messages.success(request, f"Started the batch “{batch}” with {data['count']} videos.")
            return redirect("production:batches")
    return _batch_page(request, form)


def _own_batch(request, pk: int):
    return get_owned_or_404(selectors.batch_list(user=request.user), pk=pk)


_BATCH_ACTIONS = {
    "pause": (batches.batch_pause, "Paused"),
    "resume": (batches.batch_resume, "Resumed"),
    "cancel": (batches.batch_cancel, "Cancelled"),
    "retry": (batches.batch_retry_failed, "Retrying the failed videos of"),
}


@require_POST
def batch_action(request, pk: int, action: str):
    batch = _own_batch(request, pk)
    if action not in _BATCH_ACTIONS:
        raise Http404
    service, done = _BATCH_ACTIONS[action]
    try:
        service(batch=batch)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{done} “{batch}”.")
    return redirect("production:batches")


@require_GET
def batch_export(request, pk: int, fmt: str):
    batch = _own_batch(request, pk)
    if fmt not in ("csv", "json"):
        raise Http404
    body = batches.batch_export(
        batch,
        fmt=fmt,
        url_for=lambda item: request.build_absolute_uri(reverse("media-asset-download", args=[item.output_asset_id])),
    )
    response = HttpResponse(body, content_type="application/json" if fmt == "json" else "text/csv")
    response["Content-Disposition"] = f'attachment; filename="batch-{batch.pk}.{fmt}"'
    return response
