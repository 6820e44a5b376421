from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import selectors, services
from accounts.forms import SignUpForm, SocialAccountForm, platform_defaults_table
from accounts.platforms import Platform
from common.errors import ApplicationError
from common.views import get_owned_or_404


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    pass


class PasswordChange(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:list")

    def form_valid(self, form):
        messages.success(self.request, "Your password was changed.")
        return super().form_valid(form)


@login_not_required
def sign_up(request):
    if request.user.is_authenticated:
        return redirect("monitoring:overview")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome to ReelMill, {user.username}.")
        return redirect("monitoring:overview")
    return render(request, "accounts/sign_up.html", {"form": form})


def account_list(request):
    platform = request.GET.get("platform", "")
    if platform not in Platform.values:
        platform = ""
    now = timezone.now()
    qs = selectors.with_recent_posts(
        selectors.social_account_list(user=request.user, filters={"platform": platform}), now
    )
    rows = [(account, selectors.social_account_can_upload(account=account, at=now)) for account in qs]
    context = {
        "rows": rows,
        "platforms": Platform.choices,
        "current_platform": platform,
        "stats": selectors.social_account_stats(user=request.user),
    }
    return render(request, "accounts/account_list.html", context)


def _save(request, form, account=None):
    """Run the form's data through the service; model errors land on the form."""
    try:
        if account is None:
            return services.social_account_create(
                owner=request.user, platform=form.cleaned_data["platform"], **form.service_kwargs()
            )
        return services.social_account_update(account=account, **form.service_kwargs())
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    except ApplicationError as exc:
        form.add_error(None, exc.message)
    return None


def account_create(request):
    form = SocialAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        account = _save(request, form)
        if account:
            messages.success(request, f"Added {account}.")
            return redirect("accounts:list")
    return render(request, "accounts/account_form.html", {"form": form, "defaults": platform_defaults_table()})


def account_edit(request, pk: int):
    account = get_owned_or_404(selectors.social_account_list(user=request.user), pk=pk)
    form = SocialAccountForm(request.POST or None, instance=account)
    if request.method == "POST" and form.is_valid():
        if _save(request, form, account):
            messages.success(request, f"Saved {account}.")
            return redirect("accounts:list")
        account.refresh_from_db()
    return render(
        request,
        "accounts/account_form.html",
        {"form": form, "account": account, "defaults": platform_defaults_table()},
    )


_ACTIONS = {
    "pause": (services.social_account_pause, "Paused"),
    "resume": (services.social_account_resume, "Resumed"),
    "deactivate": (services.social_account_deactivate, "Deactivated"),
    "reactivate": (services.social_account_reactivate, "Reactivated"),
    "delete": (services.social_account_delete, "Deleted"),
}


@require_POST
def account_action(request, pk: int, action: str):
    account = get_owned_or_404(selectors.social_account_list(user=request.user), pk=pk)
    if action not in _ACTIONS:
        raise Http404
    service, done = _ACTIONS[action]
    label = str(account)
    try:
        service(account=account)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{done} {label}.")
    return redirect("accounts:list")
