from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from common.errors import ApplicationError
from common.views import get_owned_or_404
from library import guards, selectors, services
from library.files import asset_file_response
from library.forms import BulkForm, FilterForm, ImportUrlForm, MediaAssetForm, UploadForm
from library.ingest import too_large_message
from library.models import MediaKind
from library.uploads import FLAG

PAGE_SIZE = 48


def _own(request, pk: int):
    return get_owned_or_404(selectors.media_asset_list(user=request.user), pk=pk)


def _back(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect("library:list")


def _first_message(exc: ValidationError | ApplicationError) -> str:
    if isinstance(exc, ApplicationError):
        return exc.message
    if hasattr(exc, "error_dict"):
        return " ".join(f"{field}: {' '.join(errors)}" for field, errors in exc.message_dict.items())
    return " ".join(exc.messages)


@require_GET
def asset_list(request):
    filter_form = FilterForm(request.GET or None)
    filters = filter_form.selector_filters()
    view = request.GET.get("view") if request.GET.get("view") in ("grid", "list") else "grid"
    ordering = "-created_at" if request.GET.get("order") != "least_used" else "times_used"
    assets = selectors.media_asset_list(user=request.user, filters=filters).order_by(ordering, "-id")
    page = Paginator(assets, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("view", None)
    context = {
        "page": page,
        "filter_form": filter_form,
        "filtered": bool(filters),
        "view": view,
        "query": query.urlencode(),
        "kinds": MediaKind.choices,
        "current_kind": filters.get("kind", ""),
        "stats": selectors.media_asset_stats(user=request.user, top=0),
        "upload_form": UploadForm(),
        "import_form": ImportUrlForm(),
    }
    return render(request, "library/library_list.html", context)


@require_POST
def asset_upload(request):
    """One file per request (the page sends each with its own progress bar); JSON answer."""
    form = UploadForm(request.POST, request.FILES)
    if getattr(request, FLAG, False):
        message = too_large_message()
        return JsonResponse(
            {"error": {"code": "file_too_large", "message": message, "fields": {"file": [message]}}}, status=400
        )
    if not form.is_valid():
        errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
        message = " ".join(f"{field}: {' '.join(errs)}" for field, errs in errors.items())
        return JsonResponse({"error": {"code": "invalid", "message": message, "fields": errors}}, status=400)
    try:
        asset = services.media_asset_ingest(owner=request.user, **form.cleaned_data)
    except (ApplicationError, ValidationError) as exc:
        status = getattr(exc, "status_code", 400)
        body = {"code": getattr(exc, "code", "invalid"), "message": _first_message(exc)}
        body.update(getattr(exc, "extra", {}))
        return JsonResponse({"error": body}, status=status)
    return JsonResponse(
        {"id": asset.pk, "title": asset.title, "url": reverse("library:detail", args=[asset.pk])}, status=201
    )


@require_POST
def asset_import_url(request):
    form = ImportUrlForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"Import from URL — {field}: {' '.join(errors)}")
        return _back(request)
    try:
        asset = services.media_asset_import_url(owner=request.user, **form.cleaned_data)
    except (ApplicationError, ValidationError) as exc:
        messages.error(request, f"Import from URL: {_first_message(exc)}")
    else:
        messages.success(request, f"Importing “{asset.title}”: it shows as processing until the download is checked.")
    return _back(request)


@require_POST
def asset_bulk(request):
    form = BulkForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return _back(request)
    action, ids, tags = form.cleaned_data["action"], form.cleaned_data["ids"], form.cleaned_data["tags"]
    try:
        if action == "delete":
            result = services.media_asset_bulk_delete(owner=request.user, ids=ids)
        else:
            result = services.media_asset_bulk_tag(owner=request.user, ids=ids, tags=tags, remove=action == "untag")
    except (ApplicationError, ValidationError) as exc:
        messages.error(request, _first_message(exc))
        return _back(request)
    done = {"tag": "Tagged", "untag": "Untagged", "delete": "Deleted"}[action]
    if result.changed or not result.blocked:
        messages.success(request, f"{done} {len(result.changed)} asset{'s' if len(result.changed) != 1 else ''}.")
    for blocked in result.blocked:
        messages.error(request, blocked["reason"])
    return _back(request)


def asset_detail(request, pk: int):
    asset = _own(request, pk)
    form = MediaAssetForm.for_asset(asset, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.media_asset_update(asset=asset, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            asset.refresh_from_db()
        else:
            messages.success(request, f"Saved “{asset.title}”.")
            return redirect("library:detail", pk=asset.pk)
    return render(
        request, "library/asset_detail.html", {"asset": asset, "form": form, "usages": guards.asset_usages(asset)}
    )


@require_GET
def asset_card(request, pk: int):
    """One gallery card (htmx polls processing ones until they are ready or rejected)."""
    view = request.GET.get("view") if request.GET.get("view") in ("grid", "list") else "grid"
    template = "library/_card.html" if view == "grid" else "library/_row.html"
    return render(request, template, {"asset": _own(request, pk)})


@require_POST
def asset_delete(request, pk: int):
    asset = _own(request, pk)
    title = asset.title
    try:
        services.media_asset_delete(asset=asset)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("library:detail", pk=pk)
    messages.success(request, f"Deleted “{title}”.")
    return redirect("library:list")


@require_GET
def asset_file(request, pk: int):
    return asset_file_response(_own(request, pk), attachment=request.GET.get("download") == "1")


@require_GET
def asset_thumbnail(request, pk: int):
    return asset_file_response(_own(request, pk), thumbnail=True)
